/* test_nas_search_tool.c: `mcn-nas search` and mcn-nas without a
   subcommand on the bundled example under 12K of SRAM and 64K of flash,
   where the widest uniform width that fits (0.74, pruning the residual
   stream) keeps almost nothing of the accuracy: the searched model does
   at least as well on the same samples, quantizes, packs and fits
   (mcn-info's figures), and its log holds every evaluation. --eval-cmd's
   number is the fitness; each misuse is refused with its status, one
   line, and no output file. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_nas_util.h"
#include "testutil.h"

#define NAS TU_BIN("mcn-nas")
#define MNIST TU_SRC("examples/mnist")
#define BUDGET " --sram 12K --flash 64K"
#define SMALL " --population 6 --generations 2 --parents 2 --passes 1"
#define EVAL " --eval " MNIST "/test_x.npy --labels " MNIST "/test_y.npy " \
             "--eval-limit 100 --calib " MNIST "/calib.npy"

static void float_model(void)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, TU_BIN("mcn-import") " " MNIST
             "/mnist_cnn.onnx -o %s/f.mcn", tu_scratch);
    ck_assert_int_eq(nas_tu_run(cmd, NULL, NULL), 0);
}

/* The fitness figure after "what " on the line starting with `line`. */
static double figure(const char *err, const char *line, const char *what)
{
    const char *p = strstr(err, line);
    ck_assert_msg(p != NULL, "no '%s' in %s", line, err);
    p = strstr(p, what);
    ck_assert(p != NULL);
    return strtod(p + strlen(what), NULL);
}

static long long json_number(const char *s, const char *key)
{
    const char *p = strstr(s, key);
    ck_assert_msg(p != NULL, "no %s in %s", key, s);
    return strtoll(p + strlen(key), NULL, 10);
}

START_TEST(search_beats_uniform_and_fits)
{
    char cmd[4096], *err, *out;
    float_model();
    snprintf(cmd, sizeof cmd, NAS " search %s/f.mcn -o %s/s.mcn" BUDGET
             " --width 1 --resolutions 20,24,28" SMALL EVAL
             " --log %s/log.json", tu_scratch, tu_scratch, tu_scratch);
    ck_assert_int_eq(nas_tu_run(cmd, NULL, &err), 0);
    double searched = figure(err, "mcn-nas: searched: ", "top-1 ");
    double uniform = figure(err, "mcn-nas: uniform width 0.74: 28x28", "top-1 ");
    ck_assert_msg(searched >= uniform, "%s", err);
    ck_assert_msg(uniform < 0.5, "%s", err);  /* the budget hurts uniform */
    ck_assert_msg(strstr(err, "mcn-nas: written: ") != NULL, "%s", err);
    free(err);
    /* Quantized and packed, it fits: the arena within 12K less the stack
       and data (7,936 B), the model within 64K less the code. */
    snprintf(cmd, sizeof cmd, TU_BIN("mcn-quantize") " --resize --calib "
             MNIST "/calib.npy %s/s.mcn | " TU_BIN("mcn-pack") " -o %s/p.mcn"
             " && " TU_BIN("mcn-info") " --json %s/p.mcn", tu_scratch,
             tu_scratch, tu_scratch);
    ck_assert_int_eq(nas_tu_run(cmd, &out, NULL), 0);
    ck_assert_int_le(json_number(out, "\"peak_sram_bytes\": "), 7936);
    ck_assert_int_le(json_number(out, "\"flash_bytes\": "), 49152);
    free(out);
    /* The log: a JSON array, one object per evaluation. */
    size_t len;
    snprintf(cmd, sizeof cmd, "%s/log.json", tu_scratch);
    char *log = (char *)tu_read_file(cmd, &len);
    ck_assert(log != NULL && len > 2);
    log = realloc(log, len + 1);
    log[len] = '\0';
    ck_assert(log[0] == '[' && !strcmp(log + len - 3, "\n]\n"));
    int entries = 0;
    for (const char *p = log; (p = strstr(p, "{\"generation\": ")); p++)
        entries++;
    ck_assert_int_ge(entries, 6);
    ck_assert(strstr(log, "\"generation\": 1,") != NULL);
    ck_assert(strstr(log, "\"fitness\": ") != NULL);
    free(log);
}
END_TEST

START_TEST(eval_cmd_and_whole_run)
{
    char cmd[4096], *err;
    float_model();
    /* The fitness is what the command prints: here the model's size. */
    snprintf(cmd, sizeof cmd, NAS " search %s/f.mcn -o %s/s.mcn" BUDGET
             " --width 0.5" SMALL " --eval-cmd 'wc -c < {}' --log %s/l.json",
             tu_scratch, tu_scratch, tu_scratch);
    ck_assert_int_eq(nas_tu_run(cmd, NULL, &err), 0);
    double best = figure(err, "mcn-nas: searched: ", "fitness ");
    ck_assert_msg(best > 5000 && best < 49152, "%s", err);
    free(err);
    /* No subcommand: the best space first, then the search in it. */
    snprintf(cmd, sizeof cmd, NAS " %s/f.mcn -o %s/w.mcn --sram 16K "
             "--flash 64K --widths 0.5,1 --resolutions 28,36 --samples 20"
             SMALL, tu_scratch, tu_scratch);
    ck_assert_int_eq(nas_tu_run(cmd, NULL, &err), 0);
    ck_assert_msg(strstr(err, "mcn-nas: best space: width ") != NULL, "%s",
                  err);
    ck_assert_msg(strstr(err, "mcn-nas: written: ") != NULL, "%s", err);
    free(err);
    snprintf(cmd, sizeof cmd, "%s/w.mcn", tu_scratch);
    ck_assert(tu_exists(cmd));
}
END_TEST

START_TEST(misuse)
{
    static const struct {
        const char *args;
        int status;
        const char *says;
    } cases[] = {
        {" --width 1", 64, "-o OUT.mcn is needed"},
        {" -o OUT --width 2", 64, "--width must lie in (0, 1]"},
        {" -o OUT", 64, "--width W names the space to search"},
        {" -o OUT --width 1 --eval x.npy", 64,
         "--eval and --labels go together"},
        {" -o OUT --width 1 --eval x.npy --labels y.npy --eval-cmd true", 64,
         "give one"},
        {" -o OUT --width 1 --population 4 --parents 4", 64,
         "--parents must be fewer than --population"},
        {" -o OUT --width 1 --eval-cmd false", 65,
         "--eval-cmd: '"},
        {" -o OUT --width 1 --eval-cmd 'echo none'", 65,
         "printed no number"},
        {" -o OUT --width 1 --eval " MNIST "/test_x.npy --labels " MNIST
         "/first4_x.npy", 65, "first4_x.npy: 3136 labels for 1000 samples"},
        {" -o OUT --width 1 --calib /nonexistent.npy", 66,
         "/nonexistent.npy: "},
    };
    char cmd[4096], out[600], *err;
    float_model();
    snprintf(out, sizeof out, "%s/out.mcn", tu_scratch);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char args[1024];
        const char *o = strstr(cases[i].args, "-o OUT");
        if (o)
            snprintf(args, sizeof args, "%.*s-o %s%s",
                     (int)(o - cases[i].args), cases[i].args, out, o + 6);
        else
            snprintf(args, sizeof args, "%s", cases[i].args);
        snprintf(cmd, sizeof cmd, NAS " search %s/f.mcn" BUDGET SMALL "%s",
                 tu_scratch, args);
        ck_assert_int_eq(nas_tu_run(cmd, NULL, &err), cases[i].status);
        ck_assert_msg(strstr(err, cases[i].says) != NULL, "%s: %s",
                      cases[i].args, err);
        free(err);
        ck_assert_msg(!tu_exists(out), "%s left %s", cases[i].args, out);
    }
}
END_TEST

Suite *suite_nas_search_tool(void)
{
    Suite *s = suite_create("nas_search_tool");
    TCase *tc = tcase_create("cli");
    tcase_set_timeout(tc, 300);
    tcase_add_checked_fixture(tc, tu_scratch_setup, tu_scratch_teardown);
    tcase_add_test(tc, search_beats_uniform_and_fits);
    tcase_add_test(tc, eval_cmd_and_whole_run);
    tcase_add_test(tc, misuse);
    suite_add_tcase(s, tc);
    return s;
}
