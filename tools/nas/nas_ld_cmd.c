/*
** nas_ld_cmd.c: `mcn-nas ld`, the linker script of a board's memories
** (nas_board_write_ld) that nas/fit_check.sh links a model's firmware
** into: what a user checks a search's result against, and what the
** sizes the search was given mean to ld.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boards.h"
#include "fileio.h"
#include "nas_cli.h"
#include "nas_cmds.h"
#include "tool_cli.h"

static const char usage[] =
    "usage: mcn-nas ld (--board NAME | --sram N --flash N) [--reserve-sram N]\n"
    "         [--reserve-flash N] [-o OUT.ld]\n"
    "  A GNU ld script with FLASH and SRAM of exactly the budget's sizes (the "
    "board's\n"
    "  memories less the reserves) at the board's addresses (the Cortex-M "
    "default map for\n"
    "  sizes alone), for nas/fit_check.sh MODEL.mcn OUT.ld. Default: stdout.";

int nas_ld_main(int argc, char **argv)
{
    tool_cli_standard(argc, argv, "mcn-nas", usage);
    nas_budget_opts bo;
    memset(&bo, 0, sizeof bo);
    const char *out = NULL;
    for (int i = 2; i < argc; i++) {
        mcn_err e = {0};
        int took = nas_budget_arg(&bo, argc, argv, i, &e);
        if (took < 0)
            return nas_cli_usage(e.msg, usage);
        if (took > 0) {
            i += took - 1;
        } else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
            out = argv[++i];
        } else {
            return nas_cli_unexpected(argv[i], usage);
        }
    }
    nas_budget b;
    mcn_err e = {0};
    if (nas_budget_resolve(&bo, &b, &e))
        return nas_cli_usage(e.msg, usage);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f) {
        fprintf(stderr, "mcn-nas: out of memory\n");
        return MCN_EX_OSERR;
    }
    int rc = nas_board_write_ld(b.board, b.sram, b.flash, f, &e);
    if (fclose(f) != 0 && !rc)
        rc = mcn_fail(&e, "out of memory");
    if (!rc)
        rc = file_write_atomic(out, text, len, &e);
    free(text);
    return rc ? tool_fail(out ? out : "<stdout>", &e) : 0;
}
