/* test_quantize_tool.c: mcn-quantize as users run it on the MNIST
   example: the four calibration methods, the report, per-layer ranges,
   batch mode, and mcn-run --compare; then the MLPerf Tiny float models
   quantized end to end. */
#include <check.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph_io.h"
#include "npy.h"
#include "quantize.h"
#include "test_calib_util.h"
#include "testutil.h"

#define EX TU_SRC("examples/mnist/")
#define Q TU_BIN("mcn-quantize")
#define RUN TU_BIN("mcn-run")

/* A shell command in the scratch directory: its exit status, stderr in
   *err (malloc'd) if err is set. */
static int sh(char **err, const char *fmt, ...)
{
    char body[3000], cmd[3500];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(body, sizeof body, fmt, ap);
    va_end(ap);
    snprintf(cmd, sizeof cmd, "cd '%s' && %s", tu_scratch, body);
    char *e = NULL;
    int rc = tu_run(cmd, NULL, &e);
    ck_assert_msg(rc >= 0, "could not run %s", body);
    if (err)
        *err = e;
    else
        free(e);
    return rc;
}

static void mnist_float(void)
{
    char *err;
    ck_assert_msg(sh(&err, TU_BIN("mcn-import") " " EX "mnist_cnn.onnx -o "
                     "f.mcn") == 0, "%s", err);
    free(err);
}

/* The percentage after `key` in s (-1 if absent). */
static double pct_after(const char *s, const char *key)
{
    const char *p = s ? strstr(s, key) : NULL;
    return p ? atof(p + strlen(key)) : -1;
}

static char *file_text(const char *name)
{
    char path[2048];
    snprintf(path, sizeof path, "%s/%s", tu_scratch, name);
    size_t len;
    char *s = (char *)tu_read_file(path, &len);
    ck_assert_msg(s != NULL, "%s missing", name);
    char *t = realloc(s, len + 1);
    t[len] = 0;
    return t;
}

static int count(const char *s, const char *what)
{
    int n = 0;
    for (const char *p = strstr(s, what); p; p = strstr(p + 1, what))
        n++;
    return n;
}

static int exists(const char *name)
{
    char path[2048];
    snprintf(path, sizeof path, "%s/%s", tu_scratch, name);
    return tu_exists(path);
}

static int same_file(const char *a, const char *b)
{
    return sh(NULL, "cmp -s %s %s", a, b) == 0;
}

START_TEST(minmax_keeps_accuracy_within_0_3_points)
{
    mnist_float();
    char *err, *ferr;
    ck_assert_int_eq(sh(&err, Q " --calib " EX "calib.npy f.mcn -o q.mcn"), 0);
    free(err);
    ck_assert_int_eq(sh(&ferr, RUN " f.mcn " EX "test_x.npy --labels "
                        EX "test_y.npy -o /dev/null"), 0);
    ck_assert_int_eq(sh(&err, RUN " q.mcn " EX "test_x.npy --labels "
                        EX "test_y.npy -o /dev/null"), 0);
    double f = pct_after(ferr, "top-1 accuracy: ");
    double q = pct_after(err, "top-1 accuracy: ");
    ck_assert_msg(f > 98 && fabs(f - q) <= 0.3, "float %g int8 %g", f, q);
    free(err);
    free(ferr);
}
END_TEST

START_TEST(every_method_writes_a_report)
{
    static const char *const methods[] = {"minmax", "percentile", "entropy",
                                          "mse"};
    mnist_float();
    for (int m = 0; m < 4; m++) {
        char *err;
        ck_assert_int_eq(sh(&err, Q " --calib " EX "calib.npy --method %s "
                            "f.mcn -o %s.mcn --report %s.json", methods[m],
                            methods[m], methods[m]), 0);
        /* One line: the mean and the output's SQNR, and where. */
        ck_assert_int_eq(tu_count_lines(err), 1);
        ck_assert_msg(strstr(err, "mean SQNR ") && strstr(err, "over 13 "
                      "layers"), "%s", err);
        free(err);
        char name[64];
        snprintf(name, sizeof name, "%s.json", methods[m]);
        char *json = file_text(name);
        char want[96];
        snprintf(want, sizeof want, "\"method\": \"%s\", \"samples\": 200",
                 methods[m]);
        ck_assert_msg(strstr(json, want) != NULL, "%s", json);
        /* The model's 13 operators, each with its SQNR. */
        ck_assert_int_eq(count(json, "{\"name\": "), 13);
        ck_assert_int_eq(count(json, "\"sqnr_db\": "), 13);
        ck_assert_ptr_nonnull(strstr(json, "{\"name\": \"logits\", \"op\": "
                                           "\"FULLY_CONNECTED\""));
        free(json);
        snprintf(name, sizeof name, "%s.svg", methods[m]);
        char *svg = file_text(name);
        ck_assert(strncmp(svg, "<svg ", 5) == 0);
        ck_assert_int_eq(count(svg, "<rect x="), 13);
        free(svg);
    }
    /* minmax is the default, and asking for a report changes no byte. */
    ck_assert_int_eq(sh(NULL, Q " --calib " EX "calib.npy f.mcn -o d.mcn"),
                     0);
    ck_assert(same_file("d.mcn", "minmax.mcn"));
    /* The methods do choose otherwise. */
    ck_assert(!same_file("minmax.mcn", "mse.mcn"));
    ck_assert(!same_file("minmax.mcn", "entropy.mcn"));
    ck_assert(!same_file("minmax.mcn", "percentile.mcn"));
    /* A model that cannot be written takes its report with it. */
    char *err;
    ck_assert_int_eq(sh(&err, Q " --calib " EX "calib.npy f.mcn -o "
                        "nodir/x.mcn --report lost.json"), 73);
    ck_assert_int_eq(tu_count_lines(err), 1);
    ck_assert_msg(strstr(err, "nodir/x.mcn: cannot create a file beside "
                         "it: No such file or directory"), "%s", err);
    free(err);
    ck_assert(!exists("lost.json") && !exists("lost.svg"));
}
END_TEST

static const graph_tensor *tensor_named(const graph *g, const char *name)
{
    for (int t = 0; t < g->n_tensors; t++)
        if (g->tensors[t].name && !strcmp(g->tensors[t].name, name))
            return &g->tensors[t];
    ck_abort_msg("no tensor %s", name);
    return NULL;
}

START_TEST(layer_ranges_override_the_method)
{
    mnist_float();
    ck_assert_int_eq(sh(NULL, Q " --calib " EX "calib.npy f.mcn -o a.mcn "
                        "--layer /Clip_output_0=0,8 "
                        "--layer /block1/Relu_output_0=mse"), 0);
    ck_assert_int_eq(sh(NULL, Q " --calib " EX "calib.npy f.mcn -o m.mcn "
                        "--method mse"), 0);
    ck_assert_int_eq(sh(NULL, Q " --calib " EX "calib.npy f.mcn -o n.mcn"),
                     0);
    graph a, m, n;
    mcn_err e;
    char path[3][2048];
    const char *names[3] = {"a.mcn", "m.mcn", "n.mcn"};
    graph *gs[3] = {&a, &m, &n};
    for (int k = 0; k < 3; k++) {
        snprintf(path[k], sizeof path[k], "%s/%s", tu_scratch, names[k]);
        graph_init(gs[k]);
        ck_assert_msg(graph_load_file(gs[k], path[k], &e) == 0, "%s", e.msg);
    }
    /* The fixed range exactly. */
    float scale;
    int32_t zp;
    quantize_choose_params(0, 8, &scale, &zp);
    const graph_tensor *t = tensor_named(&a, "/Clip_output_0");
    ck_assert_float_eq(t->scale[0], scale);
    ck_assert_int_eq(t->zero_point[0], zp);
    /* The one mse layer as --method mse has it; the next as minmax. */
    ck_assert_float_eq(tensor_named(&a, "/block1/Relu_output_0")->scale[0],
                       tensor_named(&m, "/block1/Relu_output_0")->scale[0]);
    ck_assert_float_eq(tensor_named(&a, "/Relu_output_0")->scale[0],
                       tensor_named(&n, "/Relu_output_0")->scale[0]);
    ck_assert(tensor_named(&m, "/Relu_output_0")->scale[0] !=
              tensor_named(&n, "/Relu_output_0")->scale[0]);
    for (int k = 0; k < 3; k++)
        graph_free(gs[k]);
}
END_TEST

/* The 200 calibration digits as 8-bit gray PNGs in two class folders
   (name order: a/000..099 then b/100..199, the .npy's order): mcn-quantize
   writes the same model, byte for byte, from the folder as from the .npy;
   with --calib-limit, the same as from the first N digits. */
START_TEST(png_folder_gives_the_npy_model)
{
    mnist_float();
    npy_array x = {0};
    mcn_err e;
    ck_assert_msg(npy_load(EX "calib.npy", &x, &e) == 0, "%s", e.msg);
    ck_assert_int_eq(x.dtype, NPY_U8);
    ck_assert_int_eq(sh(NULL, "mkdir -p digits/a digits/b"), 0);
    const int n = (int)x.shape[0];
    for (int k = 0; k < n; k++) {
        char path[2048];
        snprintf(path, sizeof path, "%s/digits/%s/%03d.png", tu_scratch,
                 k < n / 2 ? "a" : "b", k);
        cu_png_gray_file(path, (const uint8_t *)x.data + (size_t)k * 784, 28,
                         28, k);
    }
    npy_free(&x);
    char *err;
    ck_assert_msg(sh(&err, Q " --calib digits f.mcn -o png.mcn && "
                     Q " --calib " EX "calib.npy f.mcn -o npy.mcn") == 0,
                  "%s", err);
    free(err);
    ck_assert(same_file("png.mcn", "npy.mcn"));
    /* A stray file in the folder is named, not skipped. */
    ck_assert_int_eq(sh(&err, "echo x > digits/b/notes.txt && " Q
                        " --calib digits f.mcn -o bad.mcn"), 65);
    ck_assert_msg(strstr(err, "digits/b/notes.txt: ") != NULL, "%s", err);
    ck_assert(!exists("bad.mcn"));
    free(err);
}
END_TEST

/* One line on stderr containing `part`, exit `status` (64: a usage
   mistake), no output file. */
static void refused(const char *args, int status, const char *part)
{
    char *err;
    ck_assert_int_eq(sh(&err, Q " --calib " EX "calib.npy %s -o out.mcn",
                        args), status);
    ck_assert_int_eq(tu_count_lines(err), 1);
    ck_assert_msg(strstr(err, part) != NULL, "stderr: %s", err);
    ck_assert(!exists("out.mcn"));
    free(err);
}

START_TEST(bad_options_are_refused)
{
    mnist_float();
    refused("--method kl f.mcn", 64, "mcn-quantize: unknown --method "
            "(minmax, percentile, entropy, mse): 'kl'");
    refused("--percentile 20 f.mcn", 64, "--percentile takes a number in "
            "(50, 100]: '20'");
    refused("--layer /Clip_output_0=3,1 f.mcn", 64,
            "--layer /Clip_output_0=3,1: expected a method");
    refused("--layer nosuch=mse f.mcn", 65, "f.mcn: --layer nosuch: the "
            "model has no tensor or node of that name");
    refused("--jobs 2 f.mcn", 64, "--jobs is for batch mode");
    refused("f.mcn f.mcn", 64, "more than one input model without --out-dir");
}
END_TEST

/* Two MNIST-shaped samples, every value v. */
static void constant_calib(const char *name, float v)
{
    static float x[2 * 28 * 28];
    for (int i = 0; i < 2 * 28 * 28; i++)
        x[i] = v;
    npy_array a = {NPY_F32, 4, {2, 1, 28, 28}, x, sizeof x};
    char path[2048];
    mcn_err e;
    snprintf(path, sizeof path, "%s/%s", tu_scratch, name);
    ck_assert_msg(npy_save(path, &a, &e) == 0, "%s", e.msg);
}

START_TEST(non_finite_calibration_is_refused)
{
    mnist_float();
    constant_calib("nan.npy", NAN);
    constant_calib("inf.npy", INFINITY);
    char *err;
    ck_assert_int_eq(sh(&err, Q " --calib nan.npy f.mcn -o out.mcn"), 65);
    ck_assert_str_eq(err, "nan.npy: sample 0 has NaN at element 0\n");
    free(err);
    ck_assert_int_eq(sh(&err, Q " --calib inf.npy f.mcn -o out.mcn"), 65);
    ck_assert_str_eq(err, "inf.npy: sample 0 has inf at element 0\n");
    free(err);
    ck_assert(!exists("out.mcn"));
}
END_TEST

START_TEST(batch_quantizes_each_and_survives_a_failure)
{
    mnist_float();
    ck_assert_int_eq(sh(NULL, "mkdir in q r && cp f.mcn in/a.mcn && "
                        "cp f.mcn in/b.mcn && " Q " --calib " EX "calib.npy "
                        "f.mcn -o in/c.mcn && " Q " --calib " EX "calib.npy "
                        "f.mcn -o one.mcn"), 0);
    char *err;
    ck_assert_int_eq(sh(&err, Q " --calib " EX "calib.npy in/a.mcn in/c.mcn "
                        "in/b.mcn --out-dir q --jobs 2 --report r"), 65);
    /* c is already int8: said once, and the others are written. */
    ck_assert_msg(strstr(err, "in/c.mcn: the model is already quantized"),
                  "%s", err);
    ck_assert_msg(strstr(err, "mcn-quantize: 1 of 3 models failed"), "%s",
                  err);
    free(err);
    ck_assert(same_file("q/a.mcn", "one.mcn"));
    ck_assert(same_file("q/b.mcn", "one.mcn"));
    ck_assert(!exists("q/c.mcn"));
    ck_assert(exists("r/a.json") && exists("r/b.svg") && !exists("r/c.json"));
    /* All good: exit 0, one job at a time gives the same bytes. */
    ck_assert_int_eq(sh(NULL, "rm q/* && " Q " --calib " EX "calib.npy "
                        "in/a.mcn in/b.mcn --out-dir q"), 0);
    ck_assert(same_file("q/a.mcn", "one.mcn"));
    /* Two inputs that would land on one output. */
    ck_assert_int_eq(sh(&err, "mkdir in2 && cp f.mcn in2/a.mcn && " Q
                        " --calib " EX "calib.npy in/a.mcn in2/a.mcn "
                        "--out-dir q"), 64);
    ck_assert_msg(strstr(err, "mcn-quantize: in/a.mcn and in2/a.mcn would "
                         "both be written to q/a.mcn (see mcn-quantize "
                         "--help)"), "%s", err);
    free(err);
}
END_TEST

/* Every tool reads its input whole before it writes: the same file as
   input and output is rewritten in place, as it would be to another. */
START_TEST(tools_may_write_over_their_input)
{
    mnist_float();
    ck_assert_int_eq(sh(NULL, "cp f.mcn g.mcn && "
                        Q " --calib " EX "calib.npy f.mcn -o q.mcn && "
                        Q " --calib " EX "calib.npy g.mcn -o g.mcn && "
                        "cmp q.mcn g.mcn && "
                        TU_BIN("mcn-pack") " q.mcn -o p.mcn && "
                        TU_BIN("mcn-pack") " g.mcn -o g.mcn && "
                        "cmp p.mcn g.mcn && "
                        "cp " EX "first4_x.npy x.npy && "
                        RUN " p.mcn " EX "first4_x.npy -o y.npy && "
                        RUN " p.mcn x.npy -o x.npy && cmp x.npy y.npy"), 0);
}
END_TEST

START_TEST(run_compare_reports_agreement)
{
    mnist_float();
    ck_assert_int_eq(sh(NULL, Q " --calib " EX "calib.npy f.mcn -o q.mcn"), 0);
    char *err;
    ck_assert_int_eq(sh(&err, RUN " q.mcn " EX "test_x.npy --labels " EX
                        "test_y.npy --compare f.mcn -o /dev/null"), 0);
    double agree = pct_after(err, "on 1000 samples: top-1 agreement ");
    ck_assert_msg(agree >= 99.0, "%s", err);
    ck_assert_msg(strstr(err, "f.mcn top-1 accuracy: 98.90% (989/1000)"),
                  "%s", err);
    double db = pct_after(err, "SQNR ");
    ck_assert_msg(db > 25 && db < 40, "%s", err);
    free(err);
    ck_assert_int_eq(sh(&err, RUN " q.mcn " EX "first4_x.npy --compare q.mcn "
                        "-o /dev/null"), 0);
    ck_assert_msg(strstr(err, "against q.mcn on 4 samples: top-1 agreement "
                         "100.00% (4/4), SQNR exact"), "%s", err);
    free(err);
}
END_TEST

/* TFLM's int8 reference inputs for `int8_name`, dequantized with its
   input's scale and zero point: float samples for the float model. */
static void float_inputs(const char *int8_name, const char *out)
{
    char path[2048];
    snprintf(path, sizeof path, "%s/%s.tflite", TU_SHARED("models/mlperf-tiny"),
             int8_name);
    ck_assert_int_eq(sh(NULL, TU_BIN("mcn-import") " %s -o i8.mcn", path), 0);
    graph g;
    mcn_err e;
    npy_array x = {0}, f = {0};
    graph_init(&g);
    snprintf(path, sizeof path, "%s/i8.mcn", tu_scratch);
    ck_assert_msg(graph_load_file(&g, path, &e) == 0, "%s", e.msg);
    const graph_tensor *in = &g.tensors[g.inputs[0]];
    snprintf(path, sizeof path, "%s/%s.inputs.npy",
             TU_SHARED("reference/tflm"), int8_name);
    ck_assert_msg(npy_load(path, &x, &e) == 0, "%s", e.msg);
    ck_assert_int_eq(x.dtype, NPY_I8);
    f = x;
    f.dtype = NPY_F32;
    f.nbytes = x.nbytes * sizeof(float);
    f.data = malloc(f.nbytes);
    const int8_t *q = x.data;
    for (size_t i = 0; i < x.nbytes; i++)
        ((float *)f.data)[i] = ((float)q[i] - (float)in->zero_point[0]) *
                               in->scale[0];
    snprintf(path, sizeof path, "%s/%s", tu_scratch, out);
    ck_assert_msg(npy_save(path, &f, &e) == 0, "%s", e.msg);
    free(f.data);
    npy_free(&x);
    graph_free(&g);
}

static const struct {
    const char *float_name, *int8_name;
    double min_agree, min_sqnr;   /* what the 10 samples show, with room */
} mlperf[] = {
    {"vww_96_float", "vww_96_int8", 100, 30},
    {"kws_ref_model_float32", "kws_ref_model", 100, 25},
    {"pretrainedResnet", "pretrainedResnet_quant", 80, 10},
    {"ad01_fp32", "ad01_int8", 0, 30},   /* an autoencoder: SQNR counts */
};

START_TEST(mlperf_float_models_quantize_end_to_end)
{
    float_inputs(mlperf[_i].int8_name, "x.npy");
    char *err;
    ck_assert_msg(sh(&err, TU_BIN("mcn-import") " %s/%s.tflite -o f.mcn && "
                     Q " --calib x.npy f.mcn -o q.mcn && "
                     TU_BIN("mcn-pack") " q.mcn -o p.mcn && "
                     RUN " p.mcn x.npy --compare f.mcn -o /dev/null",
                     TU_SHARED("models/mlperf-tiny"), mlperf[_i].float_name)
                  == 0, "%s", err);
    double agree = pct_after(err, "on 10 samples: top-1 agreement ");
    double db = pct_after(err, "SQNR ");
    ck_assert_msg(agree >= mlperf[_i].min_agree && db >= mlperf[_i].min_sqnr,
                  "%s: %s", mlperf[_i].float_name, err);
    free(err);
}
END_TEST

Suite *suite_quantize_tool(void)
{
    Suite *s = suite_create("quantize_tool");
    TCase *tc = tcase_create("mnist");
    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, tu_scratch_setup, tu_scratch_teardown);
    tcase_add_test(tc, minmax_keeps_accuracy_within_0_3_points);
    tcase_add_test(tc, every_method_writes_a_report);
    tcase_add_test(tc, layer_ranges_override_the_method);
    tcase_add_test(tc, png_folder_gives_the_npy_model);
    tcase_add_test(tc, bad_options_are_refused);
    tcase_add_test(tc, non_finite_calibration_is_refused);
    tcase_add_test(tc, batch_quantizes_each_and_survives_a_failure);
    tcase_add_test(tc, tools_may_write_over_their_input);
    tcase_add_test(tc, run_compare_reports_agreement);
    suite_add_tcase(s, tc);
    tc = tcase_create("mlperf");
    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, tu_scratch_setup, tu_scratch_teardown);
    tcase_add_loop_test(tc, mlperf_float_models_quantize_end_to_end, 0,
                        (int)(sizeof mlperf / sizeof mlperf[0]));
    suite_add_tcase(s, tc);
    return s;
}
