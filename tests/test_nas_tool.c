/* test_nas_tool.c: mcn-nas on the command line: the boards table, apply
   on the bundled example (its figures exact, the result quantizes and
   packs), and each misuse refused with its status and one line. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_nas_util.h"
#include "testutil.h"

#define NAS TU_BIN("mcn-nas")
#define MBV2 TU_SRC("tests/data/onnx-nets/mobilenet_v2_035")
#define MNIST TU_SRC("examples/mnist")

START_TEST(list_boards)
{
    char *out, *err;
    ck_assert_int_eq(nas_tu_run(NAS " --list-boards", &out, &err), 0);
    ck_assert_msg(strstr(out, "\nstm32f746    Cortex-M7     320K     1M  "
                         "STM32F746xG\n") != NULL, "%s", out);
    ck_assert_int_eq(tu_count_lines(out), 12);
    free(out);
    free(err);
}
END_TEST

START_TEST(apply_mnist)
{
    char cmd[2048], *out, *err;
    snprintf(cmd, sizeof cmd, TU_BIN("mcn-import") " " MNIST "/mnist_cnn.onnx"
             " | " NAS " apply --width 0.5 --resolution 32 -o %s/half.mcn",
             tu_scratch);
    ck_assert_int_eq(nas_tu_run(cmd, NULL, &err), 0);
    /* 259,744 MACs at 28x28 (the classifier's 240 of them do not
       scale, the convolutions' 259,504 go by (16/14)^2 =
       64/49: 338,944 + 240). */
    ck_assert_str_eq(err, "mcn-nas: width 0.50, input 32x32: 691968 -> "
                     "339184 MACs, 8434 -> 2930 params\n");
    free(err);
    snprintf(cmd, sizeof cmd, TU_BIN("mcn-info") " %s/half.mcn | grep ^total:",
             tu_scratch);
    ck_assert_int_eq(nas_tu_run(cmd, &out, NULL), 0);
    ck_assert_msg(strstr(out, "total: 339184 MACs, 2930 params\n") != NULL,
                  "%s", out);
    free(out);
    /* Re-aligned on the calibration digits. */
    snprintf(cmd, sizeof cmd, TU_BIN("mcn-import") " " MNIST "/mnist_cnn.onnx"
             " | " NAS " apply --width 0.75 --calib " MNIST "/calib.npy -o "
             "%s/r.mcn", tu_scratch);
    ck_assert_int_eq(nas_tu_run(cmd, NULL, &err), 0);
    ck_assert_msg(!strncmp(err, "mcn-nas: statistics re-aligned on 200 "
                           "samples (3 passes)\n", 55), "%s", err);
    free(err);
    /* At 28x28 it quantizes and packs. */
    snprintf(cmd, sizeof cmd, TU_BIN("mcn-import") " " MNIST "/mnist_cnn.onnx"
             " | " NAS " apply --width 0.5 | " TU_BIN("mcn-quantize")
             " --calib " MNIST "/calib.npy | " TU_BIN("mcn-pack")
             " -o %s/q.mcn", tu_scratch);
    ck_assert_int_eq(nas_tu_run(cmd, NULL, &err), 0);
    free(err);
    snprintf(cmd, sizeof cmd, "%s/q.mcn", tu_scratch);
    ck_assert(tu_exists(cmd));
}
END_TEST

START_TEST(misuse)
{
    static const struct {
        const char *args;
        int status;
        const char *says;   /* all of stderr: one line */
    } cases[] = {
        {"", 64, "mcn-nas: a subcommand or a model is needed (see mcn-nas "
         "--help)\n"},
        {"apply --width 0", 64, "mcn-nas: --width must lie in (0, 1] (see "
         "mcn-nas --help)\n"},
        {"apply --width 0.5 --resolution 0x9", 64,
         "mcn-nas: --resolution takes N or HxW, 1..65535 (see mcn-nas "
         "--help)\n"},
        {"apply --passes 0", 64, "mcn-nas: --passes must lie in 1..100 (see "
         "mcn-nas --help)\n"},
        {"apply --frobnicate", 64, "mcn-nas: unexpected argument "
         "'--frobnicate' or a missing value after it (see mcn-nas --help)\n"},
        {"search", 64, "mcn-nas: -o OUT.mcn is needed (see mcn-nas search "
         "--help)\n"},
        {"apply /nonexistent.mcn -o /dev/null", 66,
         "/nonexistent.mcn: cannot open: No such file or directory\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char cmd[512], *err;
        snprintf(cmd, sizeof cmd, NAS " %s </dev/null", cases[i].args);
        ck_assert_int_eq(nas_tu_run(cmd, NULL, &err), cases[i].status);
        ck_assert_str_eq(err, cases[i].says);
        free(err);
    }
}
END_TEST

/* --depth on MobileNetV2 (stages of 1, 2, 3, 2, 2 identity blocks, four
   layers each with its ADD): six blocks fewer is 24 layers fewer, the
   MACs and parameters of their branches gone; the whole depth changes
   nothing; a list that does not match the stages is refused. */
START_TEST(apply_depth)
{
    char cmd[2048], *out, *err;
    snprintf(cmd, sizeof cmd, TU_BIN("mcn-import") " " MBV2 ".onnx -o %s/f.mcn"
             " && " NAS " apply %s/f.mcn --depth 0,1,1,0,2 -o %s/d.mcn && "
             TU_BIN("mcn-info") " %s/d.mcn | head -n 1 && " TU_BIN("mcn-run")
             " %s/d.mcn " MBV2 ".input.npy -o %s/y.npy", tu_scratch,
             tu_scratch, tu_scratch, tu_scratch, tu_scratch, tu_scratch);
    ck_assert_int_eq(nas_tu_run(cmd, &out, &err), 0);
    ck_assert_msg(strstr(out, "d.mcn: 41 layers, not packed\n") != NULL, "%s",
                  out);
    ck_assert_msg(strstr(err, "mcn-nas: width 1.00, input 96x96, depth "
                         "0,1,1,0,2: 10666928 -> 7808816 MACs, 401898 -> "
                         "350546 params\n") != NULL, "%s", err);
    free(out);
    free(err);
    snprintf(cmd, sizeof cmd, NAS " apply %s/f.mcn --depth 1,2,3,2,2 -o "
             "%s/a.mcn && " NAS " apply %s/f.mcn -o %s/b.mcn && cmp %s/a.mcn "
             "%s/b.mcn", tu_scratch, tu_scratch, tu_scratch, tu_scratch,
             tu_scratch, tu_scratch);
    ck_assert_int_eq(nas_tu_run(cmd, NULL, NULL), 0);
    static const char *const bad[][2] = {
        {"1,2", "--depth gives 2 stages; the network has 5 stages of "
                "identity residual blocks\n"},
        {"2,2,3,2,2", "--depth: stage 1 has 1 blocks, not 2\n"},
        {"1,x", "mcn-nas: --depth takes a number of blocks per stage"},
    };
    for (int i = 0; i < 3; i++) {
        snprintf(cmd, sizeof cmd, NAS " apply %s/f.mcn --depth %s -o %s/c.mcn",
                 tu_scratch, bad[i][0], tu_scratch);
        ck_assert_int_eq(nas_tu_run(cmd, NULL, &err), i < 2 ? 65 : 64);
        ck_assert_msg(strstr(err, bad[i][1]) != NULL, "%s", err);
        free(err);
        snprintf(cmd, sizeof cmd, "%s/c.mcn", tu_scratch);
        ck_assert(!tu_exists(cmd));
    }
}
END_TEST

/* The hand-off for fine-tuning: a network pruned in width, depth and
   resolution leaves as ONNX (mcn-export) and comes back (mcn-import)
   computing the same outputs, bit for bit. */
START_TEST(pruned_model_round_trips_through_onnx)
{
    char cmd[4096];
    const char *s = tu_scratch;
    snprintf(cmd, sizeof cmd, TU_BIN("mcn-import") " " MBV2 ".onnx | " NAS
             " apply --width 0.5 --depth 0,1,2,1,2 --resolution 64 -o %s/p.mcn"
             " && " TU_BIN("mcn-export") " %s/p.mcn -o %s/p.onnx && "
             TU_BIN("mcn-import") " %s/p.onnx -o %s/back.mcn && "
             TU_BIN("mcn-run") " --resize %s/p.mcn " MBV2 ".input.npy -o "
             "%s/y1.npy && " TU_BIN("mcn-run") " --resize %s/back.mcn " MBV2
             ".input.npy -o %s/y2.npy && cmp %s/y1.npy %s/y2.npy", s, s, s, s,
             s, s, s, s, s, s, s);
    ck_assert_int_eq(nas_tu_run(cmd, NULL, NULL), 0);
}
END_TEST

/* `ld`: the board's memories, less the reserves, as ld reads them;
   written whole or not at all. */
START_TEST(ld_script)
{
    char cmd[1024], *out, *err;
    ck_assert_int_eq(nas_tu_run(NAS " ld --board stm32f746", &out, NULL), 0);
    ck_assert_msg(strstr(out, "    FLASH (rx)  : ORIGIN = 0x08000000, LENGTH = "
                         "1048576\n    SRAM  (rwx) : ORIGIN = 0x20000000, "
                         "LENGTH = 327680\n") != NULL, "%s", out);
    ck_assert_msg(strstr(out, " * mcn-cpu: cortex-m7\n") != NULL, "%s", out);
    free(out);
    snprintf(cmd, sizeof cmd, NAS " ld --board samd21 --reserve-sram 8K "
             "--reserve-flash 64K -o %s/s.ld && cat %s/s.ld", tu_scratch,
             tu_scratch);
    ck_assert_int_eq(nas_tu_run(cmd, &out, NULL), 0);
    ck_assert_msg(strstr(out, "ORIGIN = 0x00000000, LENGTH = 196608\n") &&
                  strstr(out, "ORIGIN = 0x20000000, LENGTH = 24576\n") &&
                  strstr(out, " * mcn-cpu: cortex-m0plus\n"), "%s", out);
    free(out);
    ck_assert_int_eq(nas_tu_run(NAS " ld --sram 64K", NULL, &err), 64);
    ck_assert_msg(!strncmp(err, "mcn-nas: --sram without --flash", 31), "%s",
                  err);
    free(err);
    snprintf(cmd, sizeof cmd, NAS " ld --board rp2040 -o %s/no/such/dir.ld",
             tu_scratch);
    ck_assert_int_eq(nas_tu_run(cmd, NULL, &err), 73);
    ck_assert_int_eq(tu_count_lines(err), 1);
    ck_assert_msg(strstr(err, "/no/such/dir.ld: ") != NULL, "%s", err);
    free(err);
}
END_TEST

/* An int8 model is refused: pruning happens before quantization. */
START_TEST(refuses_int8)
{
    char cmd[2048], *err;
    snprintf(cmd, sizeof cmd, TU_BIN("mcn-import") " " MNIST "/mnist_cnn.onnx"
             " | " TU_BIN("mcn-quantize") " --calib " MNIST "/calib.npy -o "
             "%s/q.mcn && " NAS " apply --width 0.5 %s/q.mcn -o %s/out.mcn",
             tu_scratch, tu_scratch, tu_scratch);
    ck_assert_int_eq(nas_tu_run(cmd, NULL, &err), 65);
    ck_assert_msg(strstr(err, "q.mcn: tensor '") != NULL &&
                  strstr(err, "is int8: mcn-nas scales a float model (before "
                         "mcn-quantize)\n") != NULL, "%s", err);
    free(err);
    snprintf(cmd, sizeof cmd, "%s/out.mcn", tu_scratch);
    ck_assert(!tu_exists(cmd));
}
END_TEST

Suite *suite_nas_tool(void)
{
    Suite *s = suite_create("nas_tool");
    TCase *tc = tcase_create("cli");
    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, tu_scratch_setup, tu_scratch_teardown);
    tcase_add_test(tc, list_boards);
    tcase_add_test(tc, apply_mnist);
    tcase_add_test(tc, misuse);
    tcase_add_test(tc, ld_script);
    tcase_add_test(tc, apply_depth);
    tcase_add_test(tc, pruned_model_round_trips_through_onnx);
    tcase_add_test(tc, refuses_int8);
    suite_add_tcase(s, tc);
    return s;
}
