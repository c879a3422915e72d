/* test_onnx_export_qdq.c: int8 graphs out through mcn-export as QDQ ONNX
   (onnx_export_qdq.c) and back through mcn-import's ONNX importer, which
   reads QDQ (onnx_qdq.c). The graph that comes back is the one that went
   out, node by node: the op, its output's scale and zero point, its int8
   clamp, and every constant's values (int8 weights, int32 biases) with
   its scales, zero points and channel axis. The models: the MNIST example as
   mcn-quantize makes it, the MLPerf Tiny int8 TFLite models, and the
   torchvision nets of tests/data/onnx-nets quantized on their input. Then
   the tools: an int8 model written and read back to the same outputs, a
   packed one refused. test_onnx_export_qdq_proto.c checks one
   convolution's protobuf field by field, and the refusals; `make
   check-ort` runs these exports in ONNX Runtime (tests/ort/). */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph_io.h"
#include "onnx_export.h"
#include "onnx_import.h"
#include "qmath.h"
#include "testutil.h"

typedef struct {
    const char *name, *import, *calib;  /* calib NULL: int8 already */
} qdq_case;

#define NETS "tests/data/onnx-nets/"
#define TINY "models/mlperf-tiny/"
static const qdq_case cases[] = {
    {"mnist", TU_SRC("examples/mnist/mnist_cnn.onnx"),
     TU_SRC("examples/mnist/calib.npy")},
    {"vww", TU_SHARED(TINY "vww_96_int8.tflite"), NULL},
    {"kws", TU_SHARED(TINY "kws_ref_model.tflite"), NULL},
    {"resnet", TU_SHARED(TINY "pretrainedResnet_quant.tflite"), NULL},
    {"ad01", TU_SHARED(TINY "ad01_int8.tflite"), NULL},
    /* hard swish and sigmoid, products, means */
    {"mobilenet_v3", TU_SRC(NETS "mobilenet_v3_small_050.onnx"),
     TU_SRC(NETS "mobilenet_v3_small_050.input.npy")},
    /* concatenations, slices, transposes */
    {"shufflenet", TU_SRC(NETS "shufflenet_v2_x0_5.onnx"),
     TU_SRC(NETS "shufflenet_v2_x0_5.input.npy")},
    /* max pools, concatenations at several scales */
    {"squeezenet", TU_SRC(NETS "squeezenet1_1_half.onnx"),
     TU_SRC(NETS "squeezenet1_1_half.input.npy")},
    {"resnet18", TU_SRC(NETS "resnet18_w8.onnx"),
     TU_SRC(NETS "resnet18_w8.input.npy")},
};

static int sh(const char *cmd, char **err)
{
    char full[2048];
    snprintf(full, sizeof full, "cd '%s' && %s", tu_scratch, cmd);
    return tu_run(full, NULL, err);
}

static void tool(const char *cmd)
{
    char *err = NULL;
    int rc = sh(cmd, &err);
    ck_assert_msg(rc == 0, "%s: %s", cmd, err ? err : "");
    free(err);
}

static char *in_scratch(const char *name)
{
    static char path[600];
    snprintf(path, sizeof path, "%s/%s", tu_scratch, name);
    return path;
}

/* The case's int8 model, made by the tools as a user makes it. */
static void int8_model(const qdq_case *qc, graph *g)
{
    char cmd[1600];
    mcn_err e;
    if (qc->calib)
        snprintf(cmd, sizeof cmd, "%s '%s' | %s --calib '%s' -o int8.mcn",
                 TU_BIN("mcn-import"), qc->import, TU_BIN("mcn-quantize"),
                 qc->calib);
    else
        snprintf(cmd, sizeof cmd, "%s '%s' -o int8.mcn",
                 TU_BIN("mcn-import"), qc->import);
    tool(cmd);
    graph_init(g);
    ck_assert_msg(graph_load_file(g, in_scratch("int8.mcn"), &e) == 0, "%s",
                  e.msg);
}

/* A tensor's quantization, one scale counting as that scale for every
   channel (a TFLite bias has one, the importer gives one a channel). */
static void same_quant(const char *what, const graph_tensor *a,
                       const graph_tensor *b)
{
    int n = a->nscale > b->nscale ? a->nscale : b->nscale;
    ck_assert_msg(a->dtype == b->dtype && !a->nscale == !b->nscale &&
                  (a->nscale == b->nscale || a->nscale == 1 ||
                   b->nscale == 1),
                  "%s: %s with %d scales came back %s with %d", what,
                  graph_dtype_name(a->dtype), a->nscale,
                  graph_dtype_name(b->dtype), b->nscale);
    for (int k = 0; k < n; k++) {
        int i = a->nscale > 1 ? k : 0, j = b->nscale > 1 ? k : 0;
        ck_assert_msg(a->scale[i] == b->scale[j] &&
                      a->zero_point[i] == b->zero_point[j],
                      "%s: scale %d is %.9g zp %d, came back %.9g zp %d",
                      what, k, (double)a->scale[i], (int)a->zero_point[i],
                      (double)b->scale[j], (int)b->zero_point[j]);
    }
    if (a->nscale > 1 && a->rank > 1)
        ck_assert_msg(a->quant_axis == b->quant_axis,
                      "%s: scales on axis %d came back on %d", what,
                      a->quant_axis, b->quant_axis);
}

/* The same constant: int8 bytes exactly; an int32 bias exactly below
   2^24, where mcn-import's float reading of a DequantizeLinear holds it
   (above, as in a dead channel of vww's, to 2^-23 of itself). */
static void same_values(const char *what, const graph_tensor *a,
                        const graph_tensor *b)
{
    ck_assert_msg(a->nbytes == b->nbytes, "%s: %zu bytes came back %zu",
                  what, a->nbytes, b->nbytes);
    if (a->dtype != MCN_DT_INT32) {
        ck_assert_msg(!memcmp(a->data, b->data, a->nbytes),
                      "%s: its values differ", what);
        return;
    }
    const int32_t *u = a->data, *v = b->data;
    for (size_t k = 0; k < a->nbytes / 4; k++) {
        double d = fabs((double)u[k] - v[k]);
        ck_assert_msg(d == 0 || (fabs((double)u[k]) >= 16777216.0 &&
                                 d <= fabs((double)u[k]) / 8388608.0),
                      "%s: value %zu is %d, came back %d", what, k,
                      (int)u[k], (int)v[k]);
    }
}

/* The int8 clamp the engine applies to node n's output. */
static void clamp_of(const graph *g, const graph_node *n, int32_t *lo,
                     int32_t *hi)
{
    const graph_tensor *y = &g->tensors[n->out[0]];
    qmath_activation_range(n->act, n->act_min, n->act_max, y->scale[0],
                           y->zero_point[0], lo, hi);
}

static void same_graph(const char *name, const graph *a, const graph *b)
{
    char what[200];
    ck_assert_int_eq(a->n_inputs, b->n_inputs);
    ck_assert_int_eq(a->n_outputs, b->n_outputs);
    same_quant("input", &a->tensors[a->inputs[0]],
               &b->tensors[b->inputs[0]]);
    same_quant("output", &a->tensors[a->outputs[0]],
               &b->tensors[b->outputs[0]]);
    ck_assert_msg(a->n_nodes == b->n_nodes, "%s: %d nodes came back %d",
                  name, a->n_nodes, b->n_nodes);
    for (int i = 0; i < a->n_nodes; i++) {
        const graph_node *m = &a->nodes[i], *n = &b->nodes[i];
        ck_assert_msg(m->op == n->op && m->n_in == n->n_in,
                      "%s: node %d %s came back %s", name, i,
                      graph_op_name(m->op), graph_op_name(n->op));
        snprintf(what, sizeof what, "%s: node %d (%s) output", name, i,
                 graph_op_name(m->op));
        same_quant(what, &a->tensors[m->out[0]], &b->tensors[n->out[0]]);
        int32_t lo[2], hi[2];
        clamp_of(a, m, &lo[0], &hi[0]);
        clamp_of(b, n, &lo[1], &hi[1]);
        ck_assert_msg(lo[0] == lo[1] && hi[0] == hi[1],
                      "%s: clamp [%d, %d] came back [%d, %d]", what,
                      (int)lo[0], (int)hi[0], (int)lo[1], (int)hi[1]);
        for (int j = 0; j < m->n_in; j++) {
            if (m->in[j] < 0)
                continue;
            const graph_tensor *s = &a->tensors[m->in[j]],
                               *t = &b->tensors[n->in[j]];
            snprintf(what, sizeof what, "%s: node %d (%s) input %d", name,
                     i, graph_op_name(m->op), j);
            same_quant(what, s, t);
            ck_assert_msg(!s->data == !t->data, "%s: constant or not", what);
            if (s->data)
                same_values(what, s, t);
        }
    }
}

START_TEST(round_trip)
{
    const qdq_case *qc = &cases[_i];
    graph g1, g2;
    mcn_err e;
    uint8_t *buf;
    size_t len;
    int8_model(qc, &g1);
    ck_assert_msg(onnx_export(&g1, &buf, &len, &e) == 0, "%s: %s", qc->name,
                  e.msg);
    ck_assert_msg(onnx_import(buf, len, NULL, &g2, &e) == 0,
                  "%s exported: %s", qc->name, e.msg);
    same_graph(qc->name, &g1, &g2);
    free(buf);
    graph_free(&g1);
    graph_free(&g2);
}
END_TEST

/* Through the tools: the packed model is refused in one line naming it;
   the int8 one is written, and what mcn-import makes of it runs to the
   same bytes. */
START_TEST(tools)
{
    graph g;
    int8_model(&cases[0], &g);
    graph_free(&g);
    tool(TU_BIN("mcn-export") " int8.mcn -o q.onnx && "
         TU_BIN("mcn-import") " q.onnx -o back.mcn && "
         TU_BIN("mcn-run") " --raw int8.mcn " TU_SRC("examples/mnist/first4_x.npy")
         " -o a.npy && " TU_BIN("mcn-run") " --raw back.mcn "
         TU_SRC("examples/mnist/first4_x.npy") " -o b.npy && cmp a.npy b.npy && "
         TU_BIN("mcn-pack") " int8.mcn -o packed.mcn");
    char *err = NULL;
    int rc = sh(TU_BIN("mcn-export") " packed.mcn -o x.onnx", &err);
    ck_assert_int_eq(rc, 65);
    ck_assert_str_eq(err, "packed.mcn: the model is packed (mcn-pack's "
                          "output); export the model before mcn-pack\n");
    ck_assert(!tu_exists(in_scratch("x.onnx")));
    free(err);
}
END_TEST

Suite *suite_onnx_export_qdq(void)
{
    Suite *s = suite_create("onnx_export_qdq");
    TCase *tc = tcase_create("round_trip");
    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, tu_scratch_setup, tu_scratch_teardown);
    tcase_add_loop_test(tc, round_trip, 0,
                        (int)(sizeof cases / sizeof cases[0]));
    tcase_add_test(tc, tools);
    suite_add_tcase(s, tc);
    return s;
}
