/* test_nas_boards.c: nas/boards.h. The board table's figures (and the
   QEMU boards' agreeing with mcn-sim's), byte counts read and written,
   the budget options and every refusal's message, the linker script's
   exact memories, and nas/fit_check.sh linking the bundled MNIST example
   into the STM32F746's script and failing, with ld's overflow, on 1K of
   SRAM or 4K of flash. */
#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boards.h"
#include "sim_board.h"
#include "testutil.h"

#define KiB INT64_C(1024)
#define MiB (1024 * KiB)

/* ---- the table ---- */

START_TEST(board_figures)
{
    const nas_board *b = nas_board_find("stm32f746");
    ck_assert_ptr_nonnull(b);
    ck_assert_str_eq(b->name, "stm32f746");
    ck_assert_str_eq(b->part, "STM32F746xG");
    ck_assert_str_eq(b->core, "Cortex-M7");
    ck_assert_str_eq(b->engine_cpu, "cortex-m7");
    ck_assert_int_eq(b->sram_bytes, 327680);
    ck_assert_int_eq(b->flash_bytes, 1048576);
    ck_assert_uint_eq(b->sram_origin, 0x20000000u);
    ck_assert_uint_eq(b->flash_origin, 0x08000000u);

    b = nas_board_find("stm32h743");
    ck_assert_int_eq(b->sram_bytes, 524288);
    ck_assert_int_eq(b->flash_bytes, 2097152);
    ck_assert_uint_eq(b->sram_origin, 0x24000000u);
    ck_assert_uint_eq(b->flash_origin, 0x08000000u);

    b = nas_board_find("stm32f412");
    ck_assert_int_eq(b->sram_bytes, 262144);
    ck_assert_int_eq(b->flash_bytes, 1048576);
    ck_assert_str_eq(b->engine_cpu, "cortex-m4");

    b = nas_board_find("stm32l4r5");
    ck_assert_int_eq(b->sram_bytes, 655360);
    ck_assert_int_eq(b->flash_bytes, 2097152);

    b = nas_board_find("nrf52840");
    ck_assert_int_eq(b->sram_bytes, 262144);
    ck_assert_int_eq(b->flash_bytes, 1048576);
    ck_assert_uint_eq(b->flash_origin, 0x00000000u);

    b = nas_board_find("rp2040");
    ck_assert_int_eq(b->sram_bytes, 270336);
    ck_assert_int_eq(b->flash_bytes, 2097152);
    ck_assert_uint_eq(b->flash_origin, 0x10000000u);
    ck_assert_str_eq(b->core, "Cortex-M0+");
    ck_assert_str_eq(b->engine_cpu, "cortex-m0plus");

    b = nas_board_find("samd21");
    ck_assert_int_eq(b->sram_bytes, 32768);
    ck_assert_int_eq(b->flash_bytes, 262144);
    ck_assert_str_eq(b->engine_cpu, "cortex-m0plus");

    b = nas_board_find("mps3-an547");
    ck_assert_int_eq(b->sram_bytes, 4194304);
    ck_assert_int_eq(b->flash_bytes, 524288);
    ck_assert_uint_eq(b->sram_origin, 0x21000000u);
    ck_assert_str_eq(b->engine_cpu, "cortex-m55");
}
END_TEST

START_TEST(find_ignores_case_and_nothing_else)
{
    ck_assert_ptr_eq(nas_board_find("STM32H743"), nas_board_find("stm32h743"));
    ck_assert_ptr_eq(nas_board_find("Mps2-AN386"),
                     nas_board_find("mps2-an386"));
    ck_assert_ptr_null(nas_board_find("stm32f74"));
    ck_assert_ptr_null(nas_board_find("stm32f7466"));
    ck_assert_ptr_null(nas_board_find(""));
    ck_assert_ptr_null(nas_board_find(NULL));
    ck_assert_int_eq(nas_board_count(), 11);
    ck_assert_ptr_null(nas_board_at(11));
    ck_assert_ptr_null(nas_board_at(-1));
    ck_assert_str_eq(nas_board_at(0)->name, "stm32f412");
}
END_TEST

/* mcn-sim's boards (sim_board.c, tools/sim/<board>.ld) have the same
   memories and the same engine builds. */
START_TEST(qemu_boards_match_mcn_sim)
{
    static const char *const names[] = {"mps2-an385", "mps2-an386",
                                        "mps2-an500", "mps3-an547"};
    for (int i = 0; i < 4; i++) {
        const nas_board *b = nas_board_find(names[i]);
        const sim_board *s = sim_board_find(names[i]);
        ck_assert_ptr_nonnull(b);
        ck_assert_ptr_nonnull(s);
        ck_assert_int_eq(b->sram_bytes, (int64_t)s->sram_bytes);
        ck_assert_int_eq(b->flash_bytes, (int64_t)s->flash_bytes);
        ck_assert_str_eq(b->engine_cpu, s->cpu);
        ck_assert_str_eq(b->core, s->core);
    }
}
END_TEST

START_TEST(names_and_list)
{
    ck_assert_str_eq(nas_board_names(),
                     "stm32f412, stm32f746, stm32h743, stm32l4r5, nrf52840, "
                     "rp2040, samd21, mps2-an385, mps2-an386, mps2-an500, "
                     "mps3-an547");
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_ptr_nonnull(f);
    nas_board_list(f);
    ck_assert_int_eq(fclose(f), 0);
    ck_assert_str_eq(buf,
        "board        core          SRAM  flash  part\n"
        "stm32f412    Cortex-M4     256K     1M  STM32F412xG\n"
        "stm32f746    Cortex-M7     320K     1M  STM32F746xG\n"
        "stm32h743    Cortex-M7     512K     2M  STM32H743xI\n"
        "stm32l4r5    Cortex-M4     640K     2M  STM32L4R5xI\n"
        "nrf52840     Cortex-M4     256K     1M  nRF52840\n"
        "rp2040       Cortex-M0+    264K     2M  RP2040\n"
        "samd21       Cortex-M0+     32K   256K  ATSAMD21G18A\n"
        "mps2-an385   Cortex-M3       4M     4M  QEMU mps2-an385\n"
        "mps2-an386   Cortex-M4       4M     4M  QEMU mps2-an386\n"
        "mps2-an500   Cortex-M7       4M     4M  QEMU mps2-an500\n"
        "mps3-an547   Cortex-M55      4M   512K  QEMU mps3-an547\n");
    free(buf);
}
END_TEST

/* ---- byte counts ---- */

static const struct {
    const char *s;
    int64_t v;
} good_sizes[] = {
    {"65536", 65536},
    {"0", 0},
    {"256K", 262144},
    {"256k", 262144},
    {"512k", 524288},
    {"1M", 1048576},
    {"1.5M", 1572864},
    {"1.25M", 1310720},
    {"2MB", 2097152},
    {"2MiB", 2097152},
    {"2mib", 2097152},
    {"64KB", 65536},
    {"64KiB", 65536},
    {"1G", 1073741824},
    {"1.5K", 1536},
    {"0.5K", 512},
    {"100B", 100},
    {"007", 7},
    {"9223372036854775807", INT64_MAX},
    {"8589934591G", INT64_MAX - 1073741823},  /* (2^33 - 1) * 2^30 */
};

START_TEST(parse_bytes_good)
{
    int64_t v = -7;
    ck_assert_msg(nas_parse_bytes(good_sizes[_i].s, &v) == 0, "'%s'",
                  good_sizes[_i].s);
    ck_assert_msg(v == good_sizes[_i].v, "'%s': %" PRId64 ", not %" PRId64,
                  good_sizes[_i].s, v, good_sizes[_i].v);
}
END_TEST

static const char *const bad_sizes[] = {
    "", "K", "-1", "-1K", "+1K", " 1K", "1K ", "1 K", "1.3K", "1.5",
    "1.", ".5K", "1..5K", "1.5.K", "12Q", "1KK", "1KiBs", "1iB", "1Bi",
    "1MBB", "0x100", "1e6", "1T", "9223372036854775808",
    "99999999999999999999", "8589934592G", "1.0000000001K",
};

START_TEST(parse_bytes_bad)
{
    int64_t v = 12345;
    ck_assert_msg(nas_parse_bytes(bad_sizes[_i], &v) == -1, "'%s' read",
                  bad_sizes[_i]);
    ck_assert_int_eq(v, 12345);
}
END_TEST

START_TEST(parse_bytes_null)
{
    int64_t v = 1;
    ck_assert_int_eq(nas_parse_bytes(NULL, &v), -1);
    ck_assert_int_eq(v, 1);
}
END_TEST

START_TEST(format_bytes)
{
    char buf[24];
    ck_assert_str_eq(nas_format_bytes(1048576, buf, sizeof buf), "1M");
    ck_assert_str_eq(nas_format_bytes(327680, buf, sizeof buf), "320K");
    ck_assert_str_eq(nas_format_bytes(270336, buf, sizeof buf), "264K");
    ck_assert_str_eq(nas_format_bytes(1073741824, buf, sizeof buf), "1G");
    ck_assert_str_eq(nas_format_bytes(1536, buf, sizeof buf), "1536");
    ck_assert_str_eq(nas_format_bytes(1000, buf, sizeof buf), "1000");
    ck_assert_str_eq(nas_format_bytes(0, buf, sizeof buf), "0");
    ck_assert_str_eq(nas_format_bytes(INT64_MAX, buf, sizeof buf),
                     "9223372036854775807");
    /* What it writes reads back as the same count. */
    static const int64_t n[] = {1, 1023, 1024, 1025, 3 * MiB, 5 * MiB + 1024};
    for (size_t i = 0; i < sizeof n / sizeof *n; i++) {
        int64_t v = -1;
        ck_assert_int_eq(nas_parse_bytes(nas_format_bytes(n[i], buf,
                                                          sizeof buf), &v), 0);
        ck_assert_int_eq(v, n[i]);
    }
}
END_TEST

/* ---- the budget options ---- */

START_TEST(budget_args_consumed)
{
    char *argv[] = {"mcn-nas", "--board", "stm32f746", "--reserve-sram=64K",
                    "model.mcn", "--boards", "--sram-x", "--flash", NULL};
    int argc = 8;
    nas_budget_opts o = {0};
    mcn_err e = {0};
    ck_assert_int_eq(nas_budget_arg(&o, argc, argv, 1, &e), 2);
    ck_assert_int_eq(nas_budget_arg(&o, argc, argv, 3, &e), 1);
    ck_assert_int_eq(nas_budget_arg(&o, argc, argv, 4, &e), 0);
    ck_assert_int_eq(nas_budget_arg(&o, argc, argv, 5, &e), 0);
    ck_assert_int_eq(nas_budget_arg(&o, argc, argv, 6, &e), 0);
    ck_assert_str_eq(o.board, "stm32f746");
    ck_assert_str_eq(o.reserve_sram, "64K");
    ck_assert_ptr_null(o.sram);
    ck_assert_ptr_null(o.flash);
    ck_assert_ptr_null(o.reserve_flash);
    ck_assert_int_eq(nas_budget_arg(&o, argc, argv, 7, &e), -1);
    ck_assert_str_eq(e.msg, "--flash needs a value");
    ck_assert_int_eq(nas_budget_arg(&o, argc, argv, 1, &e), -1);
    ck_assert_str_eq(e.msg, "--board given twice");
    ck_assert_int_eq(nas_budget_arg(&o, argc, argv, 3, &e), -1);
    ck_assert_str_eq(e.msg, "--reserve-sram given twice");
}
END_TEST

/* Every argument of `args` (space-separated) through nas_budget_arg,
   then nas_budget_resolve; its result, the budget in *b, the message in
   e. */
static int budget(const char *args, nas_budget *b, mcn_err *e)
{
    char buf[512], *argv[32];
    int argc = 0;
    snprintf(buf, sizeof buf, "%s", args);
    for (char *t = strtok(buf, " "); t && argc < 32; t = strtok(NULL, " "))
        argv[argc++] = t;
    nas_budget_opts o = {0};
    for (int i = 0; i < argc;) {
        int n = nas_budget_arg(&o, argc, argv, i, e);
        ck_assert_msg(n > 0, "%s: argument %d: %d", args, i, n);
        i += n;
    }
    return nas_budget_resolve(&o, b, e);
}

START_TEST(budget_from_board)
{
    nas_budget b;
    mcn_err e = {0};
    ck_assert_int_eq(budget("--board stm32f746 --reserve-sram 64K "
                            "--reserve-flash=128K", &b, &e), 0);
    ck_assert_ptr_eq(b.board, nas_board_find("stm32f746"));
    ck_assert_int_eq(b.sram, 262144);
    ck_assert_int_eq(b.flash, 917504);
    ck_assert_int_eq(b.sram_total, 327680);
    ck_assert_int_eq(b.flash_total, 1048576);

    ck_assert_int_eq(budget("--board STM32H743", &b, &e), 0);
    ck_assert_ptr_eq(b.board, nas_board_find("stm32h743"));
    ck_assert_int_eq(b.sram, 524288);
    ck_assert_int_eq(b.flash, 2097152);

    /* A reserve one byte short of everything leaves one byte. */
    ck_assert_int_eq(budget("--board samd21 --reserve-sram 32767", &b, &e),
                     0);
    ck_assert_int_eq(b.sram, 1);
    ck_assert_int_eq(b.flash, 262144);
}
END_TEST

START_TEST(budget_from_sizes)
{
    nas_budget b;
    mcn_err e = {0};
    ck_assert_int_eq(budget("--sram 256K --flash 1.5M --reserve-flash 512K",
                            &b, &e), 0);
    ck_assert_ptr_null(b.board);
    ck_assert_int_eq(b.sram, 262144);
    ck_assert_int_eq(b.sram_total, 262144);
    ck_assert_int_eq(b.flash, 1048576);
    ck_assert_int_eq(b.flash_total, 1572864);
    ck_assert_int_eq(budget("--flash=4G --sram=1", &b, &e), 0);
    ck_assert_int_eq(b.flash, 4294967296);
    ck_assert_int_eq(b.sram, 1);
}
END_TEST

static const struct {
    const char *args, *msg;
} budget_errors[] = {
    {"--board stm32f999",
     "unknown board 'stm32f999' (boards: stm32f412, stm32f746, stm32h743, "
     "stm32l4r5, nrf52840, rp2040, samd21, mps2-an385, mps2-an386, "
     "mps2-an500, mps3-an547)"},
    {"",
     "no budget: give --board NAME (one of stm32f412, stm32f746, stm32h743, "
     "stm32l4r5, nrf52840, rp2040, samd21, mps2-an385, mps2-an386, "
     "mps2-an500, mps3-an547), or --sram N and --flash N"},
    {"--reserve-sram 4K",
     "no budget: give --board NAME (one of stm32f412, stm32f746, stm32h743, "
     "stm32l4r5, nrf52840, rp2040, samd21, mps2-an385, mps2-an386, "
     "mps2-an500, mps3-an547), or --sram N and --flash N"},
    {"--sram 256K", "--sram without --flash: give both sizes, or --board NAME"},
    {"--flash 1M", "--flash without --sram: give both sizes, or --board NAME"},
    {"--board stm32f746 --sram 256K",
     "--board stm32f746 and --sram together: the board gives both sizes "
     "(leave room with --reserve-sram and --reserve-flash)"},
    {"--flash 1M --board nrf52840",
     "--board nrf52840 and --flash together: the board gives both sizes "
     "(leave room with --reserve-sram and --reserve-flash)"},
    {"--sram 12Q --flash 1M",
     "--sram: '12Q' is not a byte count (say 65536, 256K or 1.5M)"},
    {"--sram 1M --flash -1M",
     "--flash: '-1M' is not a byte count (say 65536, 256K or 1.5M)"},
    {"--sram 1M --flash 0",
     "--flash: 0 bytes leaves nothing to search in"},
    {"--sram 5G --flash 1M",
     "--sram: 5G is more than the 4G a Cortex-M addresses"},
    {"--sram 4294967297 --flash 1M",
     "--sram: 4294967297 is more than the 4G a Cortex-M addresses"},
    {"--board stm32f746 --reserve-sram 320K",
     "--reserve-sram 320K leaves nothing of stm32f746's 320K of SRAM"},
    {"--board stm32f746 --reserve-sram 1G",
     "--reserve-sram 1G leaves nothing of stm32f746's 320K of SRAM"},
    {"--board rp2040 --reserve-flash 2M",
     "--reserve-flash 2M leaves nothing of rp2040's 2M of flash"},
    {"--sram 64K --flash 1M --reserve-flash 1048577",
     "--reserve-flash 1048577 leaves nothing of the 1M of flash"},
    {"--board samd21 --reserve-sram 1.3K",
     "--reserve-sram: '1.3K' is not a byte count (say 65536, 256K or 1.5M)"},
};

START_TEST(budget_refusals)
{
    nas_budget b;
    mcn_err e = {0};
    ck_assert_msg(budget(budget_errors[_i].args, &b, &e) == -1, "'%s'",
                  budget_errors[_i].args);
    ck_assert_str_eq(e.msg, budget_errors[_i].msg);
}
END_TEST

/* ---- the linker script ---- */

static char *write_ld(const nas_board *b, int64_t sram, int64_t flash,
                      int *rc, mcn_err *e)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_ptr_nonnull(f);
    *rc = nas_board_write_ld(b, sram, flash, f, e);
    ck_assert_int_eq(fclose(f), 0);
    return buf;
}

static void has(const char *text, const char *line)
{
    ck_assert_msg(strstr(text, line), "no '%s' in:\n%s", line, text);
}

START_TEST(script_has_exact_memories)
{
    int rc;
    mcn_err e = {0};
    const nas_board *b = nas_board_find("stm32f746");
    char *s = write_ld(b, b->sram_bytes, b->flash_bytes, &rc, &e);
    ck_assert_int_eq(rc, 0);
    has(s, "\nMEMORY\n{\n"
           "    FLASH (rx)  : ORIGIN = 0x08000000, LENGTH = 1048576\n"
           "    SRAM  (rwx) : ORIGIN = 0x20000000, LENGTH = 327680\n"
           "}\n"
           "__fit_stack_bytes = DEFINED(__fit_stack_bytes) ? "
           "__fit_stack_bytes : 4096;\n"
           "INCLUDE fit_sections.ld\n");
    has(s, "\n * mcn-cpu: cortex-m7\n");
    has(s, "of stm32f746: STM32F746xG, Cortex-M7.\n");
    /* The INCLUDE is the last line. */
    ck_assert_str_eq(s + strlen(s) - 24, "INCLUDE fit_sections.ld\n");
    free(s);

    b = nas_board_find("stm32h743");
    s = write_ld(b, 512 * KiB - 1, 2 * MiB, &rc, &e);
    ck_assert_int_eq(rc, 0);
    has(s, "    FLASH (rx)  : ORIGIN = 0x08000000, LENGTH = 2097152\n"
           "    SRAM  (rwx) : ORIGIN = 0x24000000, LENGTH = 524287\n");
    free(s);

    /* The M0+ links the ARMv6-M engine. */
    b = nas_board_find("rp2040");
    s = write_ld(b, b->sram_bytes, b->flash_bytes, &rc, &e);
    ck_assert_int_eq(rc, 0);
    has(s, "    FLASH (rx)  : ORIGIN = 0x10000000, LENGTH = 2097152\n"
           "    SRAM  (rwx) : ORIGIN = 0x20000000, LENGTH = 270336\n");
    has(s, "\n * mcn-cpu: cortex-m0plus\n");
    free(s);

    /* Sizes without a board: the default memory map's regions. */
    s = write_ld(NULL, 1000, 2000, &rc, &e);
    ck_assert_int_eq(rc, 0);
    has(s, "    FLASH (rx)  : ORIGIN = 0x00000000, LENGTH = 2000\n"
           "    SRAM  (rwx) : ORIGIN = 0x20000000, LENGTH = 1000\n");
    has(s, "of custom: a board given by its sizes, Cortex-M.\n");
    ck_assert_ptr_null(strstr(s, "mcn-cpu"));
    free(s);

    /* Right up to the end of the address space. */
    s = write_ld(b, 0xE0000000, 0xF0000000, &rc, &e);
    ck_assert_int_eq(rc, 0);
    has(s, "ORIGIN = 0x10000000, LENGTH = 4026531840\n");
    has(s, "ORIGIN = 0x20000000, LENGTH = 3758096384\n");
    free(s);
}
END_TEST

START_TEST(script_refusals)
{
    int rc;
    mcn_err e = {0};
    const nas_board *rp = nas_board_find("rp2040");
    char *s = write_ld(rp, 0, 1024, &rc, &e);
    ck_assert_int_eq(rc, -1);
    ck_assert_str_eq(e.msg,
                     "SRAM of 0 bytes: the linker script needs a positive size");
    ck_assert_str_eq(s, "");
    free(s);
    s = write_ld(rp, 1024, -5, &rc, &e);
    ck_assert_int_eq(rc, -1);
    ck_assert_str_eq(e.msg, "flash of -5 bytes: the linker script needs a "
                     "positive size");
    free(s);
    s = write_ld(rp, 1024, 0xF0000001, &rc, &e);
    ck_assert_int_eq(rc, -1);
    ck_assert_str_eq(e.msg, "flash of 4026531841 bytes at 0x10000000 runs "
                     "past the 4G address space");
    free(s);
    s = write_ld(NULL, INT64_MAX, 1, &rc, &e);
    ck_assert_int_eq(rc, -1);
    ck_assert_str_eq(e.msg, "SRAM of 9223372036854775807 bytes at "
                     "0x20000000 runs past the 4G address space");
    free(s);

    FILE *full = fopen("/dev/full", "w");
    if (full) {
        ck_assert_int_eq(nas_board_write_ld(rp, 1024, 1024, full, &e), -1);
        ck_assert_str_eq(e.msg, "cannot write the linker script: No space "
                         "left on device");
        fclose(full);
    }
}
END_TEST

/* ---- the fit check: the MNIST example as firmware ---- */

#define EX TU_SRC("examples/mnist/")

static void sh(const char *cmd)
{
    char *err = NULL, full[2048];
    snprintf(full, sizeof full, "cd '%s' && %s", tu_scratch, cmd);
    int rc = tu_run(full, NULL, &err);
    ck_assert_msg(rc == 0, "%s\nexit %d: %s", cmd, rc, err ? err : "");
    free(err);
}

static void put_ld(const char *name, const nas_board *b, int64_t sram,
                   int64_t flash)
{
    char path[600];
    mcn_err e = {0};
    snprintf(path, sizeof path, "%s/%s", tu_scratch, name);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    ck_assert_msg(nas_board_write_ld(b, sram, flash, f, &e) == 0, "%s",
                  e.msg);
    ck_assert_int_eq(fclose(f), 0);
}

/* fit_check.sh on packed.mcn and `ld` with `opts`; its exit status, its
   stdout and stderr in *out and *err (malloc'd). */
static int fit(const char *ld, const char *opts, char **out, char **err)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "cd '%s' && MCN_BIN='%s' sh %s packed.mcn %s "
             "%s", tu_scratch, MCN_BUILD_DIR "/bin",
             TU_SRC("nas/fit_check.sh"), ld, opts);
    return tu_run(cmd, out, err);
}

START_TEST(mnist_fits_stm32f746_and_not_1k)
{
    if (tu_run("command -v arm-none-eabi-gcc", NULL, NULL) != 0) {
        fprintf(stderr, "nas_boards: no arm-none-eabi-gcc, the link test "
                "is skipped\n");
        return;
    }
    sh(MCN_BUILD_DIR "/bin/mcn-import " EX "mnist_cnn.onnx -o float.mcn");
    sh(MCN_BUILD_DIR "/bin/mcn-quantize --calib " EX "calib.npy float.mcn "
       "-o int8.mcn");
    sh(MCN_BUILD_DIR "/bin/mcn-pack int8.mcn -o packed.mcn");

    const nas_board *b = nas_board_find("stm32f746");
    put_ld("f746.ld", b, b->sram_bytes, b->flash_bytes);
    char *out = NULL, *err = NULL;
    ck_assert_msg(fit("f746.ld", "", &out, &err) == 0, "%s", err);
    long flash = -1, sram = -1;
    ck_assert_msg(sscanf(out, "fits: flash %ld of 1048576 bytes, SRAM %ld of "
                         "327680 bytes (stack 4096)\n", &flash, &sram) == 2,
                  "%s", out);
    char want[256];
    snprintf(want, sizeof want, "fits: flash %ld of 1048576 bytes, SRAM %ld "
             "of 327680 bytes (stack 4096)\n", flash, sram);
    ck_assert_str_eq(out, want);
    ck_assert_str_eq(err, "");
    /* The arena (10,792 bytes for this plan) and the stack are in SRAM. */
    ck_assert_int_gt(sram, 10792 + 4096);
    ck_assert_int_lt(sram, 327680);
    free(out);
    free(err);

    /* A bigger stack is that much more SRAM. */
    ck_assert_int_eq(fit("f746.ld", "--stack 8192", &out, &err), 0);
    snprintf(want, sizeof want, "fits: flash %ld of 1048576 bytes, SRAM %ld "
             "of 327680 bytes (stack 8192)\n", flash, sram + 4096);
    ck_assert_str_eq(out, want);
    free(out);
    free(err);

    /* 1K of SRAM: ld refuses, short by exactly what the fit used less
       1024. */
    put_ld("sram1k.ld", b, 1024, b->flash_bytes);
    ck_assert_int_eq(fit("sram1k.ld", "", &out, &err), 1);
    snprintf(want, sizeof want, "region `SRAM' overflowed by %ld bytes\n",
             sram - 1024);
    ck_assert_str_eq(err, want);
    ck_assert_str_eq(out, "");
    free(out);
    free(err);

    /* 4K of flash, likewise. */
    put_ld("flash4k.ld", b, b->sram_bytes, 4096);
    ck_assert_int_eq(fit("flash4k.ld", "", &out, &err), 1);
    snprintf(want, sizeof want, "region `FLASH' overflowed by %ld bytes\n",
             flash - 4096);
    ck_assert_str_eq(err, want);
    free(out);
    free(err);
}
END_TEST

START_TEST(fit_check_refusals)
{
    if (tu_run("command -v arm-none-eabi-gcc", NULL, NULL) != 0)
        return;
    sh("printf 'not a model' > packed.mcn");
    put_ld("custom.ld", NULL, 65536, 262144);
    char *out = NULL, *err = NULL;
    ck_assert_int_eq(fit("custom.ld", "", &out, &err), 2);
    ck_assert_str_eq(err, "fit_check.sh: custom.ld: no 'mcn-cpu:' line says "
                     "which engine to link; give --cpu\n");
    free(out);
    free(err);
    ck_assert_int_eq(fit("custom.ld", "--cpu cortex-m1", &out, &err), 2);
    ck_assert_msg(strstr(err, "fit_check.sh: no cortex-m1 engine: "), "%s",
                  err);
    free(out);
    free(err);
    const nas_board *rp = nas_board_find("rp2040");
    put_ld("rp2040.ld", rp, rp->sram_bytes, rp->flash_bytes);
    ck_assert_int_eq(fit("rp2040.ld", "", &out, &err), 2);
    ck_assert_msg(strncmp(err, "fit_check.sh: mcn-gen failed: ", 30) == 0,
                  "%s", err);
    ck_assert_int_eq(tu_count_lines(err), 1);
    free(out);
    free(err);
    ck_assert_int_eq(fit("rp2040.ld", "--stack 4K", &out, &err), 2);
    ck_assert_str_eq(err, "fit_check.sh: --stack: '4K' is not a byte count\n");
    free(out);
    free(err);
    ck_assert_int_eq(fit("missing.ld", "", &out, &err), 2);
    ck_assert_str_eq(err, "fit_check.sh: missing.ld: cannot read it\n");
    free(out);
    free(err);
}
END_TEST

Suite *suite_nas_boards(void)
{
    Suite *s = suite_create("nas_boards");
    TCase *tc = tcase_create("table");
    tcase_add_test(tc, board_figures);
    tcase_add_test(tc, find_ignores_case_and_nothing_else);
    tcase_add_test(tc, qemu_boards_match_mcn_sim);
    tcase_add_test(tc, names_and_list);
    suite_add_tcase(s, tc);

    tc = tcase_create("bytes");
    tcase_add_loop_test(tc, parse_bytes_good, 0,
                        (int)(sizeof good_sizes / sizeof *good_sizes));
    tcase_add_loop_test(tc, parse_bytes_bad, 0,
                        (int)(sizeof bad_sizes / sizeof *bad_sizes));
    tcase_add_test(tc, parse_bytes_null);
    tcase_add_test(tc, format_bytes);
    suite_add_tcase(s, tc);

    tc = tcase_create("budget");
    tcase_add_test(tc, budget_args_consumed);
    tcase_add_test(tc, budget_from_board);
    tcase_add_test(tc, budget_from_sizes);
    tcase_add_loop_test(tc, budget_refusals, 0,
                        (int)(sizeof budget_errors / sizeof *budget_errors));
    suite_add_tcase(s, tc);

    tc = tcase_create("linker_script");
    tcase_add_test(tc, script_has_exact_memories);
    tcase_add_test(tc, script_refusals);
    suite_add_tcase(s, tc);

    tc = tcase_create("fit_check");
    tcase_add_checked_fixture(tc, tu_scratch_setup, tu_scratch_teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, mnist_fits_stm32f746_and_not_1k);
    tcase_add_test(tc, fit_check_refusals);
    suite_add_tcase(s, tc);
    return s;
}
