/* test_onnx_export.c: mcn-export (onnx_export.h) round trips. Every
   network of tests/data/onnx-nets and the MNIST example is imported,
   exported, and the exported ONNX imported again; both graphs run in
   float on the stored input and must match ONNX Runtime's stored output
   (test_onnx_nets' tolerance) and each other, and the exported model's
   inputs and outputs carry the source's names and shapes; the float
   MLPerf Tiny TFLite models (NHWC at the edges) likewise. Then the tool
   as a user meets it: pipes, and what it refuses. The int8 (QDQ) export
   is test_onnx_export_qdq.c's. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "float_exec.h"
#include "graph_io.h"
#include "npy.h"
#include "onnx/onnx.pb-c.h"
#include "onnx_export.h"
#include "onnx_import.h"
#include "sample_io.h"
#include "tflite_import.h"
#include "testutil.h"

typedef struct {
    const char *onnx, *input, *ref;
    double tol_abs;  /* 0: TOL_ABS */
} export_case;

#define NETS "tests/data/onnx-nets/"
static const export_case cases[] = {
    {NETS "dscnn_kws.onnx", NETS "dscnn_kws.input.npy",
     NETS "dscnn_kws.output.npy", 0},
    /* test_onnx_nets says why this one is wider. */
    {NETS "mnasnet_020.onnx", NETS "mnasnet_020.input.npy",
     NETS "mnasnet_020.output.npy", 2e-4},
    {NETS "mobilenet_v2_035.onnx", NETS "mobilenet_v2_035.input.npy",
     NETS "mobilenet_v2_035.output.npy", 0},
    {NETS "mobilenet_v3_small_050.onnx",
     NETS "mobilenet_v3_small_050.input.npy",
     NETS "mobilenet_v3_small_050.output.npy", 0},
    {NETS "shufflenet_v2_x0_5.onnx", NETS "shufflenet_v2_x0_5.input.npy",
     NETS "shufflenet_v2_x0_5.output.npy", 0},
    {NETS "squeezenet1_1_half.onnx", NETS "squeezenet1_1_half.input.npy",
     NETS "squeezenet1_1_half.output.npy", 0},
    {NETS "resnet18_w8.onnx", NETS "resnet18_w8.input.npy",
     NETS "resnet18_w8.output.npy", 0},
    /* ORT's logits for all of test_x; first4_x is its first four. */
    {"examples/mnist/mnist_cnn.onnx", "examples/mnist/first4_x.npy",
     "tests/data/mnist/ort_logits.npy", 0},
};

#define TOL_ABS 1e-5
#define TOL_REL 1e-4
/* The two imports differ only where the export rewrote an op (HardSwish
   as x * HardSigmoid(x)): float rounding, no more. */
#define SAME_ABS 1e-5

static void import_file(const char *path, graph *g)
{
    size_t len;
    mcn_err e;
    uint8_t *buf = tu_read_file(path, &len);
    ck_assert_msg(buf != NULL, "cannot read %s", path);
    ck_assert_msg(onnx_import(buf, len, NULL, g, &e) == 0, "%s: %s", path,
                  e.msg);
    free(buf);
}

/* Every sample of x through g; the first output in the source layout. */
static npy_array run(const graph *g, const npy_array *x)
{
    sample_batch b;
    float_exec *fx;
    npy_array y;
    mcn_err e;
    ck_assert_msg(sample_inputs_from_npy(g, 0, x, &b, &e) == 0, "%s", e.msg);
    ck_assert_msg(fexec_create(&fx, g, &e) == 0, "%s", e.msg);
    int64_t per = graph_tensor_elems(&g->tensors[g->outputs[0]]);
    float *all = malloc((size_t)(b.n * per) * sizeof *all);
    ck_assert_ptr_nonnull(all);
    for (int s = 0; s < b.n; s++) {
        const float *in = (const float *)((const char *)b.data +
                                          (size_t)s * b.sample_bytes);
        ck_assert_msg(fexec_run(fx, &in, &e) == 0, "%s", e.msg);
        memcpy(all + s * per, fexec_tensor(fx, g->outputs[0]),
               (size_t)per * sizeof *all);
    }
    ck_assert_msg(sample_outputs_to_npy(g, 0, all, b.n, b.form, false, &y,
                                        &e) == 0, "%s", e.msg);
    free(all);
    fexec_free(fx);
    sample_batch_free(&b);
    return y;
}

static Onnx__ModelProto *unpack(const uint8_t *buf, size_t len)
{
    Onnx__ModelProto *m = onnx__model_proto__unpack(NULL, len, buf);
    ck_assert_msg(m && m->graph, "not an ONNX model");
    return m;
}

static bool is_initializer(const Onnx__GraphProto *g, const char *name)
{
    for (size_t i = 0; i < g->n_initializer; i++)
        if (!strcmp(g->initializer[i]->name, name))
            return true;
    return false;
}

/* The graph inputs that are not initializers (older exporters list
   weights among the inputs), or the outputs. */
static int edge_list(const Onnx__GraphProto *g, bool outputs,
                     const Onnx__ValueInfoProto **v)
{
    size_t n = outputs ? g->n_output : g->n_input;
    int k = 0;
    for (size_t i = 0; i < n; i++) {
        const Onnx__ValueInfoProto *vi = outputs ? g->output[i] : g->input[i];
        if (outputs || !is_initializer(g, vi->name))
            v[k++] = vi;
    }
    return k;
}

/* Same names and shapes; a symbolic source dimension (MNIST's "batch")
   is one in the graph, so any size matches it. */
static void same_edges(const char *what, const Onnx__ModelProto *src,
                       const Onnx__ModelProto *out, bool outputs)
{
    const Onnx__ValueInfoProto *a[64], *b[64];
    ck_assert_int_le((int)src->graph->n_input, 64);
    int na = edge_list(src->graph, outputs, a);
    int nb = edge_list(out->graph, outputs, b);
    ck_assert_msg(na == nb, "%s: %d %s, the source has %d", what, nb,
                  outputs ? "outputs" : "inputs", na);
    for (int i = 0; i < na; i++) {
        ck_assert_str_eq(a[i]->name, b[i]->name);
        const Onnx__TensorShapeProto *sa = a[i]->type->tensor_type->shape;
        const Onnx__TensorShapeProto *sb = b[i]->type->tensor_type->shape;
        ck_assert_msg(sa->n_dim == sb->n_dim, "%s: '%s' has rank %zu, the "
                      "source %zu", what, b[i]->name, sb->n_dim, sa->n_dim);
        for (size_t d = 0; d < sa->n_dim; d++) {
            if (sa->dim[d]->value_case !=
                ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE)
                continue;
            ck_assert_msg(sb->dim[d]->dim_value == sa->dim[d]->dim_value,
                          "%s: '%s' dim %zu is %lld, the source's %lld",
                          what, b[i]->name, d,
                          (long long)sb->dim[d]->dim_value,
                          (long long)sa->dim[d]->dim_value);
        }
    }
}

START_TEST(round_trip)
{
    const export_case *ec = &cases[_i];
    char path[512];
    graph g1, g2;
    mcn_err e;
    uint8_t *buf;
    size_t len;
    snprintf(path, sizeof path, "%s/%s", MCN_SRC_DIR, ec->onnx);
    import_file(path, &g1);
    ck_assert_msg(onnx_export(&g1, &buf, &len, &e) == 0, "%s: %s", ec->onnx,
                  e.msg);
    ck_assert_msg(onnx_import(buf, len, NULL, &g2, &e) == 0,
                  "%s exported: %s", ec->onnx, e.msg);

    size_t slen;
    uint8_t *sbuf = tu_read_file(path, &slen);
    Onnx__ModelProto *src = unpack(sbuf, slen), *out = unpack(buf, len);
    ck_assert_int_eq(out->opset_import[0]->version, 13);
    same_edges(ec->onnx, src, out, false);
    same_edges(ec->onnx, src, out, true);
    onnx__model_proto__free_unpacked(src, NULL);
    onnx__model_proto__free_unpacked(out, NULL);
    free(sbuf);
    free(buf);

    npy_array x, want;
    snprintf(path, sizeof path, "%s/%s", MCN_SRC_DIR, ec->input);
    ck_assert_msg(npy_load(path, &x, &e) == 0, "%s", e.msg);
    snprintf(path, sizeof path, "%s/%s", MCN_SRC_DIR, ec->ref);
    ck_assert_msg(npy_load(path, &want, &e) == 0, "%s", e.msg);
    npy_array y1 = run(&g1, &x), y2 = run(&g2, &x);
    int64_t n = npy_elems(&y2);
    ck_assert_int_eq(npy_elems(&y1), n);
    ck_assert_int_ge(npy_elems(&want), n);
    const float *v1 = y1.data, *v2 = y2.data, *w = want.data;
    double tol_abs = ec->tol_abs ? ec->tol_abs : TOL_ABS;
    for (int64_t i = 0; i < n; i++) {
        double d = fabs((double)v2[i] - w[i]);
        ck_assert_msg(d <= tol_abs + TOL_REL * fabs((double)w[i]),
                      "%s: output[%lld] = %.8g, ONNX Runtime says %.8g",
                      ec->onnx, (long long)i, (double)v2[i], (double)w[i]);
        ck_assert_msg(fabs((double)v2[i] - v1[i]) <= SAME_ABS,
                      "%s: output[%lld] = %.8g, the first import's %.8g",
                      ec->onnx, (long long)i, (double)v2[i], (double)v1[i]);
    }
    npy_free(&y1);
    npy_free(&y2);
    npy_free(&x);
    npy_free(&want);
    graph_free(&g1);
    graph_free(&g2);
}
END_TEST

/* A TFLite model's graph was born NHWC: its input and output keep the
   TFLite names and shapes (NHWC) in the file, with the transposes to and
   from the NCHW values inside, and the exported model imports back to a
   graph computing the same (ONNX Runtime gives the same outputs too:
   `make check-ort` runs the int8 ones). */
static const char *const tflite_float[] = {
    "vww_96_float", "kws_ref_model_float32", "pretrainedResnet", "ad01_fp32",
};
/* Their reference inputs (int8 rows, read as float values). */
static const char *const tflite_inputs[] = {
    "vww_96_int8", "kws_ref_model", "pretrainedResnet_quant", "ad01_int8",
};

START_TEST(tflite_round_trip)
{
    char path[512];
    graph g1, g2;
    mcn_err e;
    uint8_t *buf, *src;
    size_t len, slen;
    snprintf(path, sizeof path, "%s/models/mlperf-tiny/%s.tflite",
             MCN_SHARED_DIR, tflite_float[_i]);
    ck_assert_msg((src = tu_read_file(path, &slen)) != NULL, "%s", path);
    ck_assert_msg(tflite_import(src, slen, NULL, &g1, &e) == 0, "%s: %s",
                  path, e.msg);
    free(src);
    ck_assert_msg(onnx_export(&g1, &buf, &len, &e) == 0, "%s: %s", path,
                  e.msg);
    Onnx__ModelProto *m = unpack(buf, len);
    for (int io = 0; io < 2; io++) {
        const graph_tensor *t = &g1.tensors[io ? g1.outputs[0]
                                               : g1.inputs[0]];
        const Onnx__ValueInfoProto *vi = io ? m->graph->output[0]
                                            : m->graph->input[0];
        ck_assert_str_eq(vi->name, t->name);
        const Onnx__TensorShapeProto *sp = vi->type->tensor_type->shape;
        ck_assert_int_eq((int)sp->n_dim, t->rank);
        for (int d = 0; d < t->rank; d++)
            ck_assert_int_eq(sp->dim[d]->dim_value, t->shape[d]);
    }
    onnx__model_proto__free_unpacked(m, NULL);
    ck_assert_msg(onnx_import(buf, len, NULL, &g2, &e) == 0,
                  "%s exported: %s", path, e.msg);
    free(buf);
    npy_array x;
    snprintf(path, sizeof path, "%s/reference/tflm/%s.inputs.npy",
             MCN_SHARED_DIR, tflite_inputs[_i]);
    ck_assert_msg(npy_load(path, &x, &e) == 0, "%s", e.msg);
    npy_array y1 = run(&g1, &x), y2 = run(&g2, &x);
    int64_t n = npy_elems(&y1);
    ck_assert_int_eq(npy_elems(&y2), n);
    const float *v1 = y1.data, *v2 = y2.data;
    for (int64_t i = 0; i < n; i++)
        ck_assert_msg(fabs((double)v2[i] - v1[i]) <=
                          SAME_ABS + TOL_REL * fabs((double)v1[i]),
                      "%s: output[%lld] = %.8g, the TFLite import's %.8g",
                      tflite_float[_i], (long long)i, (double)v2[i],
                      (double)v1[i]);
    npy_free(&y1);
    npy_free(&y2);
    npy_free(&x);
    graph_free(&g1);
    graph_free(&g2);
}
END_TEST

/* An op with no ONNX form here is named, with its node, in one line. */
START_TEST(unsupported_op_named)
{
    graph g;
    mcn_err e;
    uint8_t *buf = NULL;
    size_t len = 0;
    graph_init(&g);
    int32_t s[4] = {1, 4, 4, 2}, s2[4] = {1, 8, 8, 2};
    int x = graph_add_tensor(&g, "x", MCN_DT_FLOAT32, 4, s);
    int y = graph_add_tensor(&g, "y", MCN_DT_FLOAT32, 4, s2);
    int n = graph_add_node(&g, MCN_OP_RESIZE, "up");
    ck_assert(x >= 0 && y >= 0 && n >= 0);
    ck_assert(graph_node_add_input(&g, n, x) >= 0);
    ck_assert(graph_node_add_output(&g, n, y) >= 0);
    g.inputs[g.n_inputs++] = x;
    g.outputs[g.n_outputs++] = y;
    ck_assert_int_eq(onnx_export(&g, &buf, &len, &e), -1);
    ck_assert_ptr_null(buf);
    ck_assert_msg(strstr(e.msg, "node 0 'up' (RESIZE)") &&
                  !strchr(e.msg, '\n'), "%s", e.msg);
    graph_free(&g);
}
END_TEST

/* ---- the tool ---- */

#define BIN MCN_BUILD_DIR "/bin/"

static int sh(const char *cmd, char **err)
{
    char full[2048];
    snprintf(full, sizeof full, "cd '%s' && %s", tu_scratch, cmd);
    return tu_run(full, NULL, err);
}

static void float_model(void)
{
    char *err = NULL;
    int rc = sh(BIN "mcn-import " MCN_SRC_DIR
                "/examples/mnist/mnist_cnn.onnx -o float.mcn", &err);
    ck_assert_msg(rc == 0, "%s", err ? err : "");
    free(err);
}

static char *in_scratch(const char *name)
{
    static char path[600];
    snprintf(path, sizeof path, "%s/%s", tu_scratch, name);
    return path;
}

/* Through the tools and a pipe: the same bytes as -o, and the model
   mcn-import takes back runs as the float one does. */
START_TEST(tool_pipe)
{
    float_model();
    char *err = NULL;
    int rc = sh("cat float.mcn | " BIN "mcn-export - > piped.onnx && "
                BIN "mcn-export float.mcn -o out.onnx && cmp piped.onnx "
                "out.onnx && " BIN "mcn-import out.onnx -o back.mcn && "
                BIN "mcn-run float.mcn " MCN_SRC_DIR
                "/examples/mnist/first4_x.npy -o a.npy && "
                BIN "mcn-run back.mcn " MCN_SRC_DIR
                "/examples/mnist/first4_x.npy -o b.npy", &err);
    ck_assert_msg(rc == 0, "%s", err ? err : "");
    free(err);
    npy_array a, b;
    mcn_err e;
    ck_assert(npy_load(in_scratch("a.npy"), &a, &e) == 0);
    ck_assert(npy_load(in_scratch("b.npy"), &b, &e) == 0);
    ck_assert_int_eq(npy_elems(&a), 40);
    ck_assert_int_eq(npy_elems(&b), 40);
    for (int i = 0; i < 40; i++)
        ck_assert_float_eq_tol(((float *)a.data)[i], ((float *)b.data)[i],
                               SAME_ABS);
    npy_free(&a);
    npy_free(&b);
}
END_TEST

/* Exit `code`, one line on stderr naming the file, and no output file. */
static void refused(const char *cmd, int code, const char *file,
                    const char *says)
{
    char *err = NULL;
    int rc = sh(cmd, &err);
    ck_assert_msg(rc == code, "%s: exit %d, want %d: %s", cmd, rc, code,
                  err ? err : "");
    ck_assert_msg(err && tu_count_lines(err) == 1 && strstr(err, file) &&
                  strstr(err, says), "%s: %s", cmd, err ? err : "");
    ck_assert(!tu_exists(in_scratch("x.onnx")));
    free(err);
}

START_TEST(bad_models_refused)
{
    float_model();
    size_t len;
    uint8_t *buf = tu_read_file(in_scratch("float.mcn"), &len);
    ck_assert_ptr_nonnull(buf);
    ck_assert_int_eq(tu_write_file(in_scratch("cut.mcn"), buf, len / 2), 0);
    ck_assert_int_eq(tu_write_file(in_scratch("junk.mcn"), "not a model\n",
                                   12), 0);
    free(buf);
    refused(BIN "mcn-export cut.mcn -o x.onnx", 65, "cut.mcn", "");
    refused(BIN "mcn-export junk.mcn -o x.onnx", 65, "junk.mcn", "");
    refused(BIN "mcn-export missing.mcn -o x.onnx", 66, "missing.mcn",
            "cannot open");
}
END_TEST

/* A directory that is a file: nothing is written, no temporary left. */
START_TEST(unwritable_output)
{
    float_model();
    refused(BIN "mcn-export float.mcn -o float.mcn/x.onnx", 73,
            "float.mcn/x.onnx", "");
    char *out = NULL;
    char cmd[700];
    snprintf(cmd, sizeof cmd, "ls -A '%s'", tu_scratch);
    ck_assert_int_eq(tu_run(cmd, &out, NULL), 0);
    ck_assert_str_eq(out, "float.mcn\n");
    free(out);
}
END_TEST

START_TEST(usage)
{
    char *out = NULL;
    ck_assert_int_eq(tu_run(BIN "mcn-export --help", &out, NULL), 0);
    ck_assert_ptr_nonnull(strstr(out, "usage: mcn-export"));
    free(out);
    ck_assert_int_eq(tu_run(BIN "mcn-export", NULL, NULL), 64);
    ck_assert_int_eq(tu_run(BIN "mcn-export --bogus x.mcn", NULL, NULL), 64);
    ck_assert_int_eq(tu_run(BIN "mcn-export a.mcn b.mcn", NULL, NULL), 64);
    ck_assert_int_eq(tu_run(BIN "mcn-export a.mcn -o", NULL, NULL), 64);
}
END_TEST

Suite *suite_onnx_export(void)
{
    Suite *s = suite_create("onnx_export");
    TCase *tc = tcase_create("round_trip");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, round_trip, 0,
                        (int)(sizeof cases / sizeof cases[0]));
    tcase_add_loop_test(tc, tflite_round_trip, 0,
                        (int)(sizeof tflite_float / sizeof tflite_float[0]));
    tcase_add_test(tc, unsupported_op_named);
    suite_add_tcase(s, tc);
    tc = tcase_create("tool");
    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, tu_scratch_setup, tu_scratch_teardown);
    tcase_add_test(tc, tool_pipe);
    tcase_add_test(tc, bad_models_refused);
    tcase_add_test(tc, unwritable_output);
    tcase_add_test(tc, usage);
    suite_add_tcase(s, tc);
    return s;
}
