/* test_sim_signal.c: mcn-sim killed while QEMU runs leaves neither its
   temporary directory nor a QEMU behind (both used to survive). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#define EX TU_SRC("examples/mnist/")

START_TEST(killed_sim_cleans_up)
{
    char cmd[4096], *out = NULL, *err = NULL;
    /* 1,000 digits keep QEMU busy for a few seconds: time to catch it. */
    snprintf(cmd, sizeof cmd,
             "cd '%s' && mkdir tmp && "
             "%s " EX "mnist_cnn.onnx | %s --calib " EX "calib.npy | "
             "%s -o p.mcn || exit 1; "
             "TMPDIR=$PWD/tmp %s p.mcn " EX "test_x.npy -o y.npy "
             "2>sim.err & p=$!; "
             /* QEMU is started once its log is there, in mcn-sim's work
                directory, which is QEMU's working directory too. */
             "for i in $(seq 1500); do set -- tmp/*/qemu.log; "
             "[ -e \"$1\" ] && break; sleep 0.02; done; "
             "[ -e \"$1\" ] || { echo no qemu; exit 1; }; "
             "d=$(cd \"${1%%/qemu.log}\" && pwd); sleep 0.2; "
             "kill -TERM $p; wait $p; st=$?; sleep 0.2; "
             "echo \"status $st\"; ls tmp; "
             "ls -l /proc/[0-9]*/cwd 2>/dev/null | grep -q \"$d\" && "
             "echo qemu alive; "
             "[ -e y.npy ] && echo output written; exit 0",
             tu_scratch, TU_BIN("mcn-import"), TU_BIN("mcn-quantize"),
             TU_BIN("mcn-pack"), TU_BIN("mcn-sim"));
    int rc = tu_run(cmd, &out, &err);
    ck_assert_msg(rc == 0, "exit %d: %s%s", rc, out, err);
    /* Killed by the signal it got (128 + 15), nothing else printed: no
       directory left in tmp, no QEMU, no partial output. */
    ck_assert_str_eq(out, "status 143\n");
    free(out);
    free(err);
}
END_TEST

Suite *suite_sim_signal(void)
{
    Suite *s = suite_create("sim_signal");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, tu_scratch_setup, tu_scratch_teardown);
    tcase_add_test(tc, killed_sim_cleans_up);
    suite_add_tcase(s, tc);
    return s;
}
