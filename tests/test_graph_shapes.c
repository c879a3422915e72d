/* test_graph_shapes.c: graph_infer_shapes against the importers' own shape
   arithmetic. Each network is imported twice, at its own input size and
   (ONNX) with the file's input dims rewritten to another resolution: the
   graph re-inferred at that resolution must equal the second import,
   tensor for tensor and pad for pad. At their own size, every network's
   re-inferred shapes equal the imported ones. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "graph_shapes.h"
#include "onnx/onnx.pb-c.h"
#include "onnx_import.h"
#include "testutil.h"
#include "tflite_import.h"

static uint8_t *read_model(const char *path, size_t *len)
{
    uint8_t *buf = tu_read_file(path, len);
    ck_assert_msg(buf != NULL, "cannot read %s", path);
    return buf;
}

/* The ONNX file with its first input's H and W set to h, w (0: as is). */
static void import_onnx(const char *path, int h, int w, graph *g)
{
    size_t len;
    uint8_t *buf = read_model(path, &len);
    mcn_err e;
    if (h) {
        Onnx__ModelProto *m = onnx__model_proto__unpack(NULL, len, buf);
        ck_assert(m != NULL);
        Onnx__TensorShapeProto *s =
            m->graph->input[0]->type->tensor_type->shape;
        ck_assert_int_eq((int)s->n_dim, 4);
        s->dim[2]->dim_value = h;
        s->dim[3]->dim_value = w;
        free(buf);
        len = onnx__model_proto__get_packed_size(m);
        buf = malloc(len);
        onnx__model_proto__pack(m, buf);
        onnx__model_proto__free_unpacked(m, NULL);
    }
    int rc = onnx_import(buf, len, NULL, g, &e);
    free(buf);
    ck_assert_msg(rc == 0, "%s at %dx%d: %s", path, h, w, e.msg);
}

static void assert_same_shapes(const graph *a, const graph *b,
                               const char *what)
{
    ck_assert_int_eq(a->n_tensors, b->n_tensors);
    ck_assert_int_eq(a->n_nodes, b->n_nodes);
    for (int i = 0; i < a->n_tensors; i++) {
        const graph_tensor *x = &a->tensors[i], *y = &b->tensors[i];
        ck_assert_msg(x->rank == y->rank &&
                      !memcmp(x->shape, y->shape, sizeof x->shape),
                      "%s: tensor %d '%s' [%d,%d,%d,%d] rank %d, want "
                      "[%d,%d,%d,%d] rank %d", what, i,
                      x->name ? x->name : "", x->shape[0], x->shape[1],
                      x->shape[2], x->shape[3], x->rank, y->shape[0],
                      y->shape[1], y->shape[2], y->shape[3], y->rank);
    }
    for (int i = 0; i < a->n_nodes; i++) {
        const graph_node *x = &a->nodes[i], *y = &b->nodes[i];
        ck_assert_msg(x->pad_top == y->pad_top &&
                      x->pad_bottom == y->pad_bottom &&
                      x->pad_left == y->pad_left &&
                      x->pad_right == y->pad_right,
                      "%s: node %d pads %d,%d,%d,%d want %d,%d,%d,%d", what,
                      i, x->pad_top, x->pad_left, x->pad_bottom,
                      x->pad_right, y->pad_top, y->pad_left, y->pad_bottom,
                      y->pad_right);
    }
}

/* Every activation's shape wiped, then inferred again from the inputs;
   but a SLICE's counts are its output's shape (mcn.fbs), so those stay. */
static void assert_reinfers(graph *g, const char *what)
{
    graph want;
    mcn_err e;
    ck_assert(graph_clone(&want, g, &e) == 0);
    for (int i = 0; i < g->n_nodes; i++)
        for (int j = 0; j < g->nodes[i].n_out && g->nodes[i].op != MCN_OP_SLICE;
             j++) {
            graph_tensor *t = &g->tensors[g->nodes[i].out[j]];
            for (int k = 0; k < t->rank; k++)
                t->shape[k] = 7;
        }
    ck_assert_msg(graph_infer_shapes(g, &e) == 0, "%s: %s", what, e.msg);
    assert_same_shapes(g, &want, what);
    graph_free(&want);
}

/* shufflenet's channel shuffle reshapes to a constant [1,2,24,8,8] (as
   traced): at another size neither the importer nor the graph takes it. */
static const char *const onnx_nets[] = {
    "dscnn_kws", "mobilenet_v2_035", "mobilenet_v3_small_050",
    "mnasnet_020", "shufflenet_v2_x0_5", "squeezenet1_1_half",
    "resnet18_w8",
};

static void net_path(char *path, size_t size, int i)
{
    snprintf(path, size, "%s/%s.onnx", TU_SRC("tests/data/onnx-nets"),
             onnx_nets[i]);
}

START_TEST(onnx_same_size)
{
    char path[512];
    graph g;
    net_path(path, sizeof path, _i);
    import_onnx(path, 0, 0, &g);
    assert_reinfers(&g, onnx_nets[_i]);
    graph_free(&g);
}
END_TEST

/* The image nets at 128x160 (and odd 97x113) as the importer sees them. */
START_TEST(onnx_new_resolution)
{
    static const int size[2][2] = {{128, 160}, {97, 113}};
    char path[512], what[600];
    net_path(path, sizeof path, _i);
    /* Its AvgPool covers the whole last map: the graph keeps it global
       (global_window_follows) where the file's Gemm would refuse. */
    if (!strcmp(onnx_nets[_i], "dscnn_kws"))
        return;
    for (int k = 0; k < 2; k++) {
        graph g, want;
        mcn_err e;
        import_onnx(path, 0, 0, &g);
        if (!strcmp(onnx_nets[_i], "shufflenet_v2_x0_5")) {
            ck_assert(graph_set_resolution(&g, 0, size[k][0], size[k][1],
                                           &e) != 0);
            ck_assert_msg(strstr(e.msg, "RESHAPE '/stage2/stage2.0/Reshape': "
                                 "cannot follow its input") != NULL, "%s",
                          e.msg);
            graph_free(&g);
            continue;
        }
        import_onnx(path, size[k][0], size[k][1], &want);
        ck_assert_msg(graph_set_resolution(&g, 0, size[k][0], size[k][1],
                                           &e) == 0, "%s: %s", path, e.msg);
        snprintf(what, sizeof what, "%s at %dx%d", onnx_nets[_i], size[k][0],
                 size[k][1]);
        assert_same_shapes(&g, &want, what);
        graph_free(&g);
        graph_free(&want);
    }
}
END_TEST

START_TEST(onnx_mobilenet_shapes)
{
    char path[512];
    graph g;
    mcn_err e;
    net_path(path, sizeof path, 1);
    import_onnx(path, 0, 0, &g);
    ck_assert(graph_set_resolution(&g, 0, 128, 128, &e) == 0);
    /* The stride-2 stem: 64x64x16; the classifier stays 1x10. */
    const graph_tensor *y = &g.tensors[g.nodes[0].out[0]];
    ck_assert_int_eq(y->rank, 4);
    ck_assert_int_eq(y->shape[1], 64);
    ck_assert_int_eq(y->shape[2], 64);
    ck_assert_int_eq(y->shape[3], 16);
    y = &g.tensors[g.outputs[0]];
    ck_assert_int_eq(y->rank, 2);
    ck_assert_int_eq(y->shape[0], 1);
    ck_assert_int_eq(y->shape[1], 10);
    graph_free(&g);
}
END_TEST

static void import_tflite(int i, graph *g);

/* x [1,8,8,2] -> 3x3 VALID conv -> [1,6,6,4] -> flatten -> FC [10,144]. */
static void flatten_net(graph *g)
{
    static const float zeros[10 * 144];
    static const int32_t xs[4] = {1, 8, 8, 2}, ws[4] = {4, 3, 3, 2},
                         ys[4] = {1, 6, 6, 4}, fs[2] = {1, 144},
                         fw[2] = {10, 144}, os[2] = {1, 10};
    graph_init(g);
    int x = graph_add_tensor(g, "x", MCN_DT_FLOAT32, 4, xs);
    int w = graph_add_tensor(g, "w", MCN_DT_FLOAT32, 4, ws);
    int y = graph_add_tensor(g, "y", MCN_DT_FLOAT32, 4, ys);
    int f = graph_add_tensor(g, "f", MCN_DT_FLOAT32, 2, fs);
    int v = graph_add_tensor(g, "v", MCN_DT_FLOAT32, 2, fw);
    int o = graph_add_tensor(g, "o", MCN_DT_FLOAT32, 2, os);
    ck_assert(graph_set_data(g, w, zeros, 72 * sizeof(float)) == 0);
    ck_assert(graph_set_data(g, v, zeros, sizeof zeros) == 0);
    int n = graph_add_node(g, MCN_OP_CONV_2D, "conv");
    g->nodes[n].padding = MCN_PADDING_VALID;
    graph_node_add_input(g, n, x);
    graph_node_add_input(g, n, w);
    graph_node_add_output(g, n, y);
    n = graph_add_node(g, MCN_OP_RESHAPE, "flatten");
    graph_node_add_input(g, n, y);
    graph_node_add_output(g, n, f);
    n = graph_add_node(g, MCN_OP_FULLY_CONNECTED, "fc");
    graph_node_add_input(g, n, f);
    graph_node_add_input(g, n, v);
    graph_node_add_output(g, n, o);
    g->inputs[g->n_inputs++] = x;
    g->outputs[g->n_outputs++] = o;
    graph_note_reshapes(g);
}

START_TEST(refusals)
{
    graph g;
    mcn_err e;
    flatten_net(&g);
    ck_assert_int_eq(g.nodes[1].n_ints, 2);
    ck_assert_int_eq(g.nodes[1].ints[0], 1);
    ck_assert_int_eq(g.nodes[1].ints[1], -1);
    ck_assert(graph_set_resolution(&g, 0, 8, 8, &e) == 0);
    ck_assert(graph_set_resolution(&g, 0, 10, 10, &e) != 0);
    ck_assert_str_eq(e.msg, "FULLY_CONNECTED 'fc': its input [1,256] cannot "
                     "feed weights that take 144 features (a flatten over "
                     "fixed spatial dims cannot take a new resolution)");
    ck_assert(graph_set_resolution(&g, 0, 2, 8, &e) != 0);
    ck_assert_str_eq(e.msg, "CONV_2D 'conv': the height window of 3 "
                     "(dilation 1, pads 0+0) does not fit in the input's "
                     "height of 2");
    ck_assert(graph_set_resolution(&g, 0, 0, 96, &e) != 0);
    ck_assert_str_eq(e.msg, "resolution 0x96 is out of range");
    ck_assert(graph_set_resolution(&g, 0, 65535, 65535, &e) != 0);
    ck_assert_str_eq(e.msg, "resolution 65535x65535 is out of range");
    ck_assert(graph_set_resolution(&g, 1, 96, 96, &e) != 0);
    ck_assert_str_eq(e.msg, "the graph has no input 1");
    graph_free(&g);
}
END_TEST

/* Keras's global average (a 3x3 AveragePooling2D over the last 3x3 map)
   keeps covering the map: person detection at 160x160 ends in 5x5. */
START_TEST(global_window_follows)
{
    graph g;
    mcn_err e;
    import_tflite(0, &g);
    ck_assert(graph_set_resolution(&g, 0, 160, 160, &e) == 0);
    int k = 0;
    while (g.nodes[k].op != MCN_OP_AVERAGE_POOL_2D)
        k++;
    ck_assert_int_eq(g.nodes[k].filter_h, 5);
    ck_assert_int_eq(g.nodes[k].filter_w, 5);
    const graph_tensor *y = &g.tensors[g.nodes[k].out[0]];
    ck_assert_int_eq(y->shape[1], 1);
    ck_assert_int_eq(y->shape[2], 1);
    ck_assert_int_eq(g.tensors[g.outputs[0]].shape[1], 2);
    graph_free(&g);
}
END_TEST

static const char *const tflite_nets[] = {
    "vww_96_float", "vww_96_int8", "kws_ref_model", "kws_ref_model_float32",
    "pretrainedResnet", "pretrainedResnet_quant", "ad01_fp32", "ad01_int8",
};

static void import_tflite(int i, graph *g)
{
    char path[512];
    size_t len;
    mcn_err e;
    snprintf(path, sizeof path, "%s/%s.tflite",
             TU_SHARED("models/mlperf-tiny"), tflite_nets[i]);
    uint8_t *buf = read_model(path, &len);
    int rc = tflite_import(buf, len, NULL, g, &e);
    free(buf);
    ck_assert_msg(rc == 0, "%s: %s", path, e.msg);
}

START_TEST(tflite_same_size)
{
    graph g;
    import_tflite(_i, &g);
    assert_reinfers(&g, tflite_nets[_i]);
    graph_free(&g);
}
END_TEST

/* TFLite's SAME at an odd size: the stem (3x3, stride 2) of person
   detection at 97x97 gives 49x49 with a pixel of padding on each side,
   where 96x96 gives 48x48 padded only after. */
START_TEST(tflite_same_padding)
{
    graph g;
    mcn_err e;
    import_tflite(0, &g);
    const graph_node *stem = &g.nodes[0];
    ck_assert_int_eq(stem->op, MCN_OP_CONV_2D);
    ck_assert_int_eq(stem->padding, MCN_PADDING_SAME_UPPER);
    ck_assert_int_eq(stem->pad_top, 0);
    ck_assert_int_eq(stem->pad_bottom, 1);
    ck_assert(graph_set_resolution(&g, 0, 97, 97, &e) == 0);
    ck_assert_int_eq(stem->pad_top, 1);
    ck_assert_int_eq(stem->pad_bottom, 1);
    ck_assert_int_eq(stem->pad_left, 1);
    ck_assert_int_eq(stem->pad_right, 1);
    const graph_tensor *y = &g.tensors[stem->out[0]];
    ck_assert_int_eq(y->shape[1], 49);
    ck_assert_int_eq(y->shape[2], 49);
    graph_free(&g);
}
END_TEST

Suite *suite_graph_shapes(void)
{
    Suite *s = suite_create("graph_shapes");
    TCase *tc = tcase_create("onnx");
    tcase_set_timeout(tc, 60);
    int n = (int)(sizeof onnx_nets / sizeof onnx_nets[0]);
    tcase_add_loop_test(tc, onnx_same_size, 0, n);
    tcase_add_loop_test(tc, onnx_new_resolution, 0, n);
    tcase_add_test(tc, onnx_mobilenet_shapes);
    tcase_add_test(tc, refusals);
    suite_add_tcase(s, tc);
    tc = tcase_create("tflite");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, tflite_same_size, 0,
                        (int)(sizeof tflite_nets / sizeof tflite_nets[0]));
    tcase_add_test(tc, tflite_same_padding);
    tcase_add_test(tc, global_window_follows);
    suite_add_tcase(s, tc);
    return s;
}
