/* test_nas_space_tool.c: `mcn-nas space` on the command line: the
   bundled example's ranking under a budget that cuts through the grid
   (the same from the same seed, its numbers exact), the SVG, and each
   misuse refused with its status, one line, and no SVG left behind. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_nas_util.h"
#include "testutil.h"

#define NAS TU_BIN("mcn-nas")
#define MNIST TU_SRC("examples/mnist")
#define GRID " --sram 16K --flash 64K --widths 0.5,1 --resolutions 28,36 " \
             "--samples 50"

static void float_model(void)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, TU_BIN("mcn-import") " " MNIST
             "/mnist_cnn.onnx -o %s/f.mcn", tu_scratch);
    ck_assert_int_eq(nas_tu_run(cmd, NULL, NULL), 0);
}

START_TEST(ranks_the_example)
{
    char cmd[2048], *out, *again, *svg;
    float_model();
    snprintf(cmd, sizeof cmd, NAS " space %s/f.mcn" GRID " --svg %s/s.svg",
             tu_scratch, tu_scratch);
    ck_assert_int_eq(nas_tu_run(cmd, &out, NULL), 0);
    /* The first line carries the time; the rest is the ranking. The
       full network at 28x28 (691,968 MACs, arena 10,792 B) fits the
       12,032 B left of 16K by the stack and data, so every 28x28
       sample does; at 36x36 only the narrower ones do. */
    ck_assert_msg(strstr(out, "model within arena 12032 B, flash 49152 B "
                         "(16K SRAM, 64K flash)\n") != NULL, "%s", out);
    const char *table = strchr(out, '\n') + 1;
    ck_assert_str_eq(table,
        "rank  width  input     fit        mean MACs    most MACs\n"
        "   1   1.00   28x28     50/50          404383       691968\n"
        "   2   1.00   36x36     11/50          357191       589512\n"
        "   3   0.50   36x36     50/50          260048       429216\n"
        "   4   0.50   28x28     50/50          158512       259744\n");
    ck_assert_int_eq(nas_tu_run(cmd, &again, NULL), 0);
    ck_assert_str_eq(strchr(again, '\n') + 1, table);
    free(again);
    /* Another seed, other samples. */
    snprintf(cmd, sizeof cmd, NAS " space %s/f.mcn" GRID " --seed 2",
             tu_scratch);
    ck_assert_int_eq(nas_tu_run(cmd, &again, NULL), 0);
    ck_assert_str_ne(strchr(again, '\n') + 1, table);
    free(again);
    free(out);
    size_t len;
    snprintf(cmd, sizeof cmd, "%s/s.svg", tu_scratch);
    svg = (char *)tu_read_file(cmd, &len);
    ck_assert(svg != NULL);
    svg = realloc(svg, len + 1);
    svg[len] = '\0';
    ck_assert(!strncmp(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\"", 39));
    ck_assert(strstr(svg, "</svg>\n") == svg + len - 7);
    int lines = 0;
    for (const char *p = svg; (p = strstr(p, "<polyline")); p++)
        lines++;
    ck_assert_int_eq(lines, 4);
    ck_assert(strstr(svg, ">width 1.00, 36x36</text>") != NULL);
    ck_assert(strstr(svg, ">mean 0.36M MACs, 11/50 fit</text>") != NULL);
    free(svg);
}
END_TEST

START_TEST(misuse)
{
    static const struct {
        const char *args;
        int status;
        const char *says;
    } cases[] = {
        {" --widths 0,2", 64, "--widths: numbers in (0, 1]"},
        {" --widths 0.5:0.2:0.1", 64, "--widths: numbers in (0, 1]"},
        {" --resolutions 28,x", 64, "--resolutions: whole numbers"},
        {" --samples 0", 64, "--samples takes 1..1000000"},
        {" --seed -1", 64, "--seed takes a whole number"},
        {" --bogus", 64, "mcn-nas: unexpected argument '--bogus' or a "
         "missing value after it (see mcn-nas space --help)\n"},
        {" --board nope", 64, "unknown board 'nope'"},
        {" --sram 4K --flash 1M", 64, "leaves no room for a model"},
        {" --sram 16K --flash 64K --svg /nonexistent/dir/s.svg", 73,
         "/nonexistent/dir/s.svg: "},
    };
    char cmd[2048], *err;
    float_model();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *budget = strstr(cases[i].args, "--sram") ||
                                     strstr(cases[i].args, "--board")
                                 ? ""
                                 : " --board stm32f746";
        snprintf(cmd, sizeof cmd, NAS " space %s/f.mcn --samples 5%s%s",
                 tu_scratch, budget, cases[i].args);
        ck_assert_int_eq(nas_tu_run(cmd, NULL, &err), cases[i].status);
        ck_assert_msg(strstr(err, cases[i].says) != NULL, "%s: %s",
                      cases[i].args, err);
        free(err);
    }
    /* No budget at all. */
    snprintf(cmd, sizeof cmd, NAS " space %s/f.mcn", tu_scratch);
    ck_assert_int_eq(nas_tu_run(cmd, NULL, &err), 64);
    ck_assert_msg(strstr(err, "no budget: give --board NAME") != NULL, "%s",
                  err);
    free(err);
    /* A file that is not a model, and an int8 model. */
    snprintf(cmd, sizeof cmd, NAS " space " MNIST "/calib.npy --board "
             "stm32f746 --svg %s/s.svg", tu_scratch);
    ck_assert_int_eq(nas_tu_run(cmd, NULL, &err), 65);
    ck_assert_msg(!strncmp(err, TU_SRC("examples/mnist/calib.npy") ": ",
                           strlen(TU_SRC("examples/mnist/calib.npy")) + 2),
                  "%s", err);
    ck_assert_int_eq(tu_count_lines(err), 1);
    free(err);
    snprintf(cmd, sizeof cmd, TU_BIN("mcn-quantize") " --calib " MNIST
             "/calib.npy %s/f.mcn -o %s/q.mcn && " NAS " space %s/q.mcn "
             "--board stm32f746 --svg %s/s.svg", tu_scratch, tu_scratch,
             tu_scratch, tu_scratch);
    ck_assert_int_eq(nas_tu_run(cmd, NULL, &err), 65);
    ck_assert_msg(strstr(err, "mcn-nas scales a float model") != NULL, "%s",
                  err);
    free(err);
    snprintf(cmd, sizeof cmd, "%s/s.svg", tu_scratch);
    ck_assert(!tu_exists(cmd));
}
END_TEST

Suite *suite_nas_space_tool(void)
{
    Suite *s = suite_create("nas_space_tool");
    TCase *tc = tcase_create("cli");
    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, tu_scratch_setup, tu_scratch_teardown);
    tcase_add_test(tc, ranks_the_example);
    tcase_add_test(tc, misuse);
    suite_add_tcase(s, tc);
    return s;
}
