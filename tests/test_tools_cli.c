/* test_tools_cli.c: every tool's command line behaves alike (tool_cli.h):
   --help on stdout with exit 0, --version, a usage mistake exit 64 in one
   line where the tool's parser allows; and man/ holds the man pages its
   help texts make (man/make_man.sh), so the two cannot drift apart. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "tool_cli.h"

static const char *const tools[] = {
    "mcn-conformance", "mcn-export", "mcn-gen", "mcn-import", "mcn-info",
    "mcn-nas", "mcn-pack", "mcn-quantize", "mcn-run", "mcn-sim",
};
#define N_TOOLS (int)(sizeof tools / sizeof tools[0])

START_TEST(help_version_and_usage_mistakes)
{
    const char *t = tools[_i];
    char cmd[1024], want[256], *out = NULL, *err = NULL;
    snprintf(cmd, sizeof cmd, MCN_BUILD_DIR "/bin/%s --help", t);
    ck_assert_int_eq(tu_run(cmd, &out, &err), 0);
    snprintf(want, sizeof want, "usage: %s", t);
    ck_assert_msg(strncmp(out, want, strlen(want)) == 0, "%s: %s", t, out);
    ck_assert_str_eq(err, "");
    free(out);
    free(err);
    snprintf(cmd, sizeof cmd, MCN_BUILD_DIR "/bin/%s --version", t);
    ck_assert_int_eq(tu_run(cmd, &out, NULL), 0);
    snprintf(want, sizeof want, "%s (mcn) %s\n", t, MCN_VERSION);
    ck_assert_str_eq(out, want);
    free(out);
    snprintf(cmd, sizeof cmd, MCN_BUILD_DIR "/bin/%s --no-such-option x y",
             t);
    ck_assert_int_eq(tu_run(cmd, &out, &err), TOOL_EX_USAGE);
    ck_assert_msg(strstr(err, t) != NULL, "%s: %s", t, err);
    free(out);
    free(err);
}
END_TEST

START_TEST(man_pages_are_the_help_texts)
{
    char cmd[2048], *err = NULL;
    snprintf(cmd, sizeof cmd, "sh " MCN_SRC_DIR "/man/make_man.sh "
             MCN_BUILD_DIR "/bin '%s/man' && for f in '%s'/man/*.1; do "
             "cmp \"$f\" " MCN_SRC_DIR "/man/$(basename \"$f\") || exit 1; "
             "done && [ $(ls '%s'/man/*.1 | wc -l) -eq %d ]", tu_scratch,
             tu_scratch, tu_scratch, N_TOOLS);
    ck_assert_msg(tu_run(cmd, NULL, &err) == 0,
                  "man/ is out of date: sh man/make_man.sh build/bin man\n%s",
                  err);
    free(err);
}
END_TEST

Suite *suite_tools_cli(void)
{
    Suite *s = suite_create("tools_cli");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, tu_scratch_setup, tu_scratch_teardown);
    tcase_add_loop_test(tc, help_version_and_usage_mistakes, 0, N_TOOLS);
    tcase_add_test(tc, man_pages_are_the_help_texts);
    suite_add_tcase(s, tc);
    return s;
}
