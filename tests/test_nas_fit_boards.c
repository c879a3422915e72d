/* test_nas_fit_boards.c: nas/fit_boards.sh, issue 9's promise on the
   MobileNetV2 fixture (65 layers) for the smallest board (the SAMD21, a
   Cortex-M0+ with 32K of SRAM and 256K of flash: the ARMv6-M engine and
   portable kernels) and a Cortex-M7 one: mcn-nas's model, once
   quantized and packed for the board's core, is within the limits by
   mcn-info's figures and its firmware links into a script of exactly the
   board's memories. A quick search (make bench runs every board with
   mcn-nas's defaults); misuse exits 2 with one line. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#define NET TU_SRC("tests/data/onnx-nets/mobilenet_v2_035")
#define QUICK "--samples 50 --population 6 --generations 2 --passes 1"

static int fit_boards(const char *args, char **out, char **err)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "sh " TU_SRC("nas/fit_boards.sh") " %s/bin %s",
             MCN_BUILD_DIR, args);
    int rc = tu_run(cmd, out, err);
    ck_assert_int_ge(rc, 0);
    return rc;
}

typedef struct {
    char board[32], core[32], target[32], res[32];
    long long macs, arena, sram_limit, model, flash_limit, linked_flash,
        flash, linked_sram, sram;
} fit_line;

static void parse(const char *out, const char *board, fit_line *f)
{
    const char *p = strstr(out, board);
    ck_assert_msg(p != NULL, "no %s in %s", board, out);
    int n = sscanf(p, "%31s %31s %31s %31s %lld %lld %lld %lld %lld %lld %lld "
                   "%lld %lld", f->board, f->core, f->target, f->res,
                   &f->macs, &f->arena, &f->sram_limit, &f->model,
                   &f->flash_limit, &f->linked_flash, &f->flash,
                   &f->linked_sram, &f->sram);
    ck_assert_msg(n == 13, "%s", p);
}

static void fits(const fit_line *f, long long sram, long long flash)
{
    /* The board's memories, exactly, in the linker script. */
    ck_assert_int_eq(f->sram, sram);
    ck_assert_int_eq(f->flash, flash);
    /* What mcn-nas allows the model: the memories less the stack
       (4,096), firmware data (256) and code (16K). */
    ck_assert_int_eq(f->sram_limit, sram - 4096 - 256);
    ck_assert_int_eq(f->flash_limit, flash - 16384);
    ck_assert_int_le(f->arena, f->sram_limit);
    ck_assert_int_le(f->model, f->flash_limit);
    /* Linked, the arena and the stack are in SRAM; all of it fits. */
    ck_assert_int_ge(f->linked_sram, f->arena + 4096);
    ck_assert_int_le(f->linked_sram, sram);
    ck_assert_int_le(f->linked_flash, flash);
    ck_assert_int_gt(f->macs, 0);
}

START_TEST(smallest_and_m7_boards_fit)
{
    if (tu_run("command -v arm-none-eabi-gcc", NULL, NULL) != 0) {
        fprintf(stderr, "nas_fit_boards: no arm-none-eabi-gcc, skipped\n");
        return;
    }
    char cmd[1024], *out, *err;
    snprintf(cmd, sizeof cmd, TU_BIN("mcn-import") " " NET ".onnx -o %s/f.mcn",
             tu_scratch);
    ck_assert_int_eq(tu_run(cmd, NULL, NULL), 0);
    snprintf(cmd, sizeof cmd, "%s/f.mcn " NET ".input.npy --boards "
             "'samd21 stm32f746' -- " QUICK, tu_scratch);
    ck_assert_int_eq(fit_boards(cmd, &out, &err), 0);
    ck_assert_int_eq(tu_count_lines(out), 2);
    fit_line f;
    parse(out, "samd21 ", &f);
    ck_assert_str_eq(f.core, "Cortex-M0+");
    ck_assert_str_eq(f.target, "generic");
    fits(&f, 32768, 262144);
    /* 96x96 does not fit in 32K; the search went lower. */
    ck_assert_int_lt(atoi(f.res), 96);
    parse(out, "stm32f746 ", &f);
    ck_assert_str_eq(f.core, "Cortex-M7");
    ck_assert_str_eq(f.target, "cortex-m7");
    fits(&f, 327680, 1048576);
    free(out);
    free(err);
}
END_TEST

START_TEST(misuse)
{
    char *out, *err;
    ck_assert_int_eq(fit_boards("", &out, &err), 2);
    ck_assert_int_eq(tu_count_lines(err), 1);
    ck_assert_msg(!strncmp(err, "fit_boards.sh: usage: ", 22), "%s", err);
    free(out);
    free(err);
    ck_assert_int_eq(fit_boards(NET ".onnx " NET ".input.npy --boards "
                                "stm32f999", &out, &err), 2);
    ck_assert_str_eq(err, "fit_boards.sh: stm32f999: not a board mcn-nas "
                     "--list-boards knows\n");
    free(out);
    free(err);
    ck_assert_int_eq(fit_boards("/nonexistent.mcn " NET ".input.npy", &out,
                                &err), 2);
    ck_assert_str_eq(err, "fit_boards.sh: /nonexistent.mcn: cannot read it\n");
    free(out);
    free(err);
}
END_TEST

Suite *suite_nas_fit_boards(void)
{
    Suite *s = suite_create("nas_fit_boards");
    TCase *tc = tcase_create("boards");
    tcase_set_timeout(tc, 600);
    tcase_add_checked_fixture(tc, tu_scratch_setup, tu_scratch_teardown);
    tcase_add_test(tc, smallest_and_m7_boards_fit);
    tcase_add_test(tc, misuse);
    suite_add_tcase(s, tc);
    return s;
}
