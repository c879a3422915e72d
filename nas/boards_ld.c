/*
** boards_ld.c: nas_board_write_ld (boards.h). The script it writes has
** the board's memories and nothing else; nas/fit_sections.ld, which it
** INCLUDEs (fit_check.sh passes -L nas/), places the firmware in them,
** so a model that does not fit fails the link with ld's own "region
** `SRAM' overflowed by N bytes".
**
** Lengths are written in bytes, not K, so that the script says exactly
** what was asked for.
*/
#include "boards.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

/* Where the Cortex-M default memory map puts code and SRAM (ARMv7-M
   and ARMv6-M both): for sizes given without a board. */
#define DEFAULT_FLASH_ORIGIN 0x00000000u
#define DEFAULT_SRAM_ORIGIN 0x20000000u

#define ADDRESS_SPACE (INT64_C(1) << 32)

static int check_memory(const char *what, uint32_t origin, int64_t len,
                        mcn_err *e)
{
    if (len <= 0)
        return mcn_fail(e, "%s of %" PRId64 " bytes: the linker script "
                        "needs a positive size", what, len);
    if (len > ADDRESS_SPACE - (int64_t)origin)
        return mcn_fail(e, "%s of %" PRId64 " bytes at 0x%08" PRIx32
                        " runs past the 4G address space", what, len,
                        origin);
    return 0;
}

int nas_board_write_ld(const nas_board *b, int64_t sram, int64_t flash,
                       FILE *f, mcn_err *e)
{
    uint32_t flash_at = b ? b->flash_origin : DEFAULT_FLASH_ORIGIN;
    uint32_t sram_at = b ? b->sram_origin : DEFAULT_SRAM_ORIGIN;
    if (check_memory("SRAM", sram_at, sram, e) ||
        check_memory("flash", flash_at, flash, e))
        return -1;
    errno = 0;
    fprintf(f, "/*\n"
               " * Written by nas_board_write_ld (nas/boards.h) for the "
               "fit check\n"
               " * (nas/fit_check.sh) of %s: %s, %s.\n",
            b ? b->name : "custom",
            b ? b->part : "a board given by its sizes",
            b ? b->core : "Cortex-M");
    fprintf(f, " * FLASH: %" PRId64 " bytes at 0x%08" PRIx32
               ";\n"
               " * SRAM: %" PRId64 " bytes at 0x%08" PRIx32 ", the top "
               "__fit_stack_bytes of it\n"
               " * the stack (default %d; fit_check.sh --stack).\n",
            flash, flash_at, sram, sram_at, NAS_FIT_STACK_BYTES);
    if (b && b->engine_cpu)
        fprintf(f, " * mcn-cpu: %s\n", b->engine_cpu);
    fprintf(f, " */\n"
               "MEMORY\n"
               "{\n"
               "    FLASH (rx)  : ORIGIN = 0x%08" PRIx32
               ", LENGTH = %" PRId64 "\n"
               "    SRAM  (rwx) : ORIGIN = 0x%08" PRIx32
               ", LENGTH = %" PRId64 "\n"
               "}\n"
               "__fit_stack_bytes = DEFINED(__fit_stack_bytes) ? "
               "__fit_stack_bytes : %d;\n"
               "INCLUDE fit_sections.ld\n",
            flash_at, flash, sram_at, sram, NAS_FIT_STACK_BYTES);
    if (fflush(f) != 0 || ferror(f))
        return mcn_fail(e, "cannot write the linker script: %s",
                        errno ? strerror(errno) : "write error");
    return 0;
}
