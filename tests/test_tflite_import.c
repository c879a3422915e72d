/* test_tflite_import.c: what tflite_import makes of the MLPerf Tiny
   models (ops, shapes, quantization, SAME pads), of small models built
   here, and of broken or unsupported files. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fb_read.h"
#include "float_exec.h"
#include "testutil.h"
#include "tflite_import.h"
#include "tflite_internal.h"

#define MODEL(f) TU_SHARED("models/mlperf-tiny/" f)

static uint8_t *load(const char *path, size_t *len)
{
    uint8_t *b = tu_read_file(path, len);
    ck_assert_msg(b != NULL, "cannot read %s", path);
    return b;
}

static void import_ok(const uint8_t *b, size_t len, graph *g)
{
    mcn_err e;
    ck_assert_msg(tflite_import(b, len, NULL, g, &e) == 0, "%s", e.msg);
}

static void import_path(const char *path, graph *g)
{
    size_t len;
    uint8_t *b = load(path, &len);
    import_ok(b, len, g);
    free(b);
}

static void expect_error(const uint8_t *b, size_t len, const char *msg)
{
    graph g;
    mcn_err e = {0};
    ck_assert_int_eq(tflite_import(b, len, NULL, &g, &e), -1);
    ck_assert_str_eq(e.msg, msg);
    ck_assert_int_eq(g.n_nodes, 0);   /* freed again */
}

static void shape_is(const graph_tensor *t, int rank, const int32_t *want)
{
    ck_assert_int_eq(t->rank, rank);
    for (int d = 0; d < rank; d++)
        ck_assert_int_eq(t->shape[d], want[d]);
}

static void ops_are(const graph *g, int n, const mcn_opcode *want)
{
    ck_assert_int_eq(g->n_nodes, n);
    for (int i = 0; i < n; i++)
        ck_assert_msg(g->nodes[i].op == want[i], "node %d is %s, not %s", i,
                      graph_op_name(g->nodes[i].op), graph_op_name(want[i]));
}

static void pads_are(const graph_node *n, int top, int left, int bottom,
                     int right)
{
    ck_assert_int_eq(n->pad_top, top);
    ck_assert_int_eq(n->pad_left, left);
    ck_assert_int_eq(n->pad_bottom, bottom);
    ck_assert_int_eq(n->pad_right, right);
}

START_TEST(kws_maps_exactly)
{
    graph g;
    import_path(MODEL("kws_ref_model.tflite"), &g);
    const mcn_opcode C = MCN_OP_CONV_2D, D = MCN_OP_DEPTHWISE_CONV_2D;
    const mcn_opcode want[13] = {C, D, C, D, C, D, C, D, C,
                                 MCN_OP_AVERAGE_POOL_2D, MCN_OP_RESHAPE,
                                 MCN_OP_FULLY_CONNECTED, MCN_OP_SOFTMAX};
    ops_are(&g, 13, want);
    const graph_tensor *in = &g.tensors[g.inputs[0]];
    shape_is(in, 4, (const int32_t[]){1, 49, 10, 1});
    ck_assert_str_eq(in->name, "input_1");
    ck_assert_int_eq(in->dtype, MCN_DT_INT8);
    ck_assert(in->scale[0] == 0.584702909f);
    ck_assert_int_eq(in->zero_point[0], 83);
    ck_assert_int_eq(in->layout, MCN_LAYOUT_NHWC);
    /* 10x4 stride 2 SAME on 49x10 -> 25x5: total pads 9 and 2, the odd
       one at the bottom. */
    const graph_node *c0 = &g.nodes[0];
    pads_are(c0, 4, 1, 5, 1);
    ck_assert_int_eq(c0->stride_h, 2);
    ck_assert_int_eq(c0->stride_w, 2);
    ck_assert_int_eq(c0->act, MCN_ACT_RELU);
    ck_assert_int_eq(c0->n_in, 3);
    const graph_tensor *w0 = &g.tensors[c0->in[1]];
    shape_is(w0, 4, (const int32_t[]){64, 10, 4, 1});
    ck_assert_int_eq(w0->nscale, 64);
    ck_assert_int_eq(w0->quant_axis, 0);
    ck_assert_int_eq(g.tensors[c0->in[2]].dtype, MCN_DT_INT32);
    shape_is(&g.tensors[c0->out[0]], 4, (const int32_t[]){1, 25, 5, 64});
    const graph_node *d1 = &g.nodes[1];
    pads_are(d1, 1, 1, 1, 1);
    ck_assert_int_eq(d1->depth_multiplier, 1);
    const graph_tensor *w1 = &g.tensors[d1->in[1]];
    shape_is(w1, 4, (const int32_t[]){1, 3, 3, 64});
    ck_assert_int_eq(w1->nscale, 64);
    ck_assert_int_eq(w1->quant_axis, 3);
    pads_are(&g.nodes[2], 0, 0, 0, 0);
    const graph_node *pool = &g.nodes[9];
    ck_assert_int_eq(pool->filter_h, 25);
    ck_assert_int_eq(pool->filter_w, 5);
    ck_assert_int_eq(pool->stride_h, 25);
    ck_assert(!pool->count_include_pad);
    ck_assert_int_eq(g.nodes[10].n_in, 1);   /* the shape input is dropped */
    const graph_tensor *fw = &g.tensors[g.nodes[11].in[1]];
    shape_is(fw, 2, (const int32_t[]){12, 64});
    ck_assert_int_eq(fw->nscale, 1);
    ck_assert_int_eq(g.nodes[11].act, MCN_ACT_NONE);
    ck_assert(g.nodes[12].beta == 1.0f);
    const graph_tensor *out = &g.tensors[g.outputs[0]];
    shape_is(out, 2, (const int32_t[]){1, 12});
    ck_assert(out->scale[0] == 1.0f / 256);
    ck_assert_int_eq(out->zero_point[0], -128);
    ck_assert_int_eq(g.n_tensors, 34);   /* 35 less RESHAPE's shape */
    ck_assert_str_eq(g.description, "imported from TFLite (MLIR Converted.)");
    graph_free(&g);
}
END_TEST

START_TEST(vww_resnet_ad01_map)
{
    graph g;
    import_path(MODEL("vww_96_int8.tflite"), &g);
    ck_assert_int_eq(g.n_nodes, 31);
    /* 3x3 stride 2 SAME on 96 -> 48: total pad 1, all of it after. */
    pads_are(&g.nodes[0], 0, 0, 1, 1);
    pads_are(&g.nodes[3], 0, 0, 1, 1);
    ck_assert_int_eq(g.nodes[3].op, MCN_OP_DEPTHWISE_CONV_2D);
    ck_assert(g.tensors[g.inputs[0]].scale[0] == 0.00392156886f);
    ck_assert_int_eq(g.tensors[g.inputs[0]].zero_point[0], -128);
    graph_free(&g);

    import_path(MODEL("pretrainedResnet_quant.tflite"), &g);
    ck_assert_int_eq(g.n_nodes, 16);
    const graph_node *add = &g.nodes[3];
    ck_assert_int_eq(add->op, MCN_OP_ADD);
    ck_assert_int_eq(add->in[0], g.nodes[0].out[0]);
    ck_assert_int_eq(add->in[1], g.nodes[2].out[0]);
    ck_assert_int_eq(add->act, MCN_ACT_RELU);
    ck_assert_int_eq(g.nodes[2].act, MCN_ACT_NONE);
    pads_are(&g.nodes[6], 0, 0, 0, 0);   /* 1x1 stride 2 shortcut */
    graph_free(&g);

    import_path(MODEL("ad01_int8.tflite"), &g);
    ck_assert_int_eq(g.n_nodes, 10);
    for (int i = 0; i < 10; i++) {
        ck_assert_int_eq(g.nodes[i].op, MCN_OP_FULLY_CONNECTED);
        ck_assert_int_eq(g.nodes[i].act, i < 9 ? MCN_ACT_RELU : MCN_ACT_NONE);
    }
    shape_is(&g.tensors[g.nodes[0].in[1]], 2, (const int32_t[]){128, 640});
    ck_assert(g.tensors[g.inputs[0]].scale[0] == 0.391015232f);
    graph_free(&g);
}
END_TEST

/* Positions inside a real model, for patching copies of it. */
static uint32_t opcode_table(const uint8_t *b, uint32_t i)
{
    uint32_t n, v = fb_get_vector(b, fb_u32(b), TFL_MODEL_OPERATOR_CODES, &n);
    ck_assert_uint_lt(i, n);
    return fb_vector_table(b, v, i);
}

static uint32_t tensor_table(const uint8_t *b, uint32_t i)
{
    uint32_t n, v = fb_get_vector(b, fb_u32(b), TFL_MODEL_SUBGRAPHS, &n);
    v = fb_get_vector(b, fb_vector_table(b, v, 0), TFL_SUBGRAPH_TENSORS, &n);
    ck_assert_uint_lt(i, n);
    return fb_vector_table(b, v, i);
}

/* Float model with int8 conv weights: dequantized into the float graph. */
START_TEST(float_models_are_float)
{
    size_t len;
    uint8_t *b = load(MODEL("kws_ref_model_float32.tflite"), &len);
    graph g;
    import_ok(b, len, &g);
    ck_assert_int_eq(g.n_nodes, 13);
    for (int i = 0; i < g.n_tensors; i++) {
        ck_assert_int_eq(g.tensors[i].dtype, MCN_DT_FLOAT32);
        ck_assert_int_eq(g.tensors[i].nscale, 0);
    }
    /* Tensor 17 is the first conv's [64,10,4,1] int8 weights. */
    uint32_t t = tensor_table(b, 17), q, nb, buf, n;
    ck_assert_int_eq(fb_get_u8(b, t, TFL_TENSOR_TYPE, 0), TFL_INT8);
    q = fb_get_ref(b, t, TFL_TENSOR_QUANTIZATION);
    float scale = fb_f32(b + fb_get_vector(b, q, TFL_QUANT_SCALE, &n));
    uint32_t bufs = fb_get_vector(b, fb_u32(b), TFL_MODEL_BUFFERS, &nb);
    buf = fb_vector_table(b, bufs, fb_get_u32(b, t, TFL_TENSOR_BUFFER, 0));
    const int8_t *w8 = (const int8_t *)(b + fb_get_vector(b, buf, 0, &n));
    ck_assert_uint_eq(n, 64 * 10 * 4);
    const float *w = g.tensors[g.nodes[0].in[1]].data;
    for (uint32_t j = 0; j < n; j++)
        ck_assert(w[j] == scale * (float)w8[j]);
    free(b);
    graph_free(&g);
    import_path(MODEL("vww_96_float.tflite"), &g);
    ck_assert_int_eq(g.n_nodes, 31);
    ck_assert_int_eq(g.tensors[g.outputs[0]].dtype, MCN_DT_FLOAT32);
    graph_free(&g);
}
END_TEST

START_TEST(builtin_code_is_the_larger_field)
{
    ck_assert_int_eq(tflite_builtin_code(3, 0), 3);    /* old files */
    ck_assert_int_eq(tflite_builtin_code(3, 3), 3);
    ck_assert_int_eq(tflite_builtin_code(127, 150), 150);
    ck_assert_int_eq(tflite_builtin_code(0, 18), 18);
    ck_assert_str_eq(tflite_builtin_name(18), "MUL");
    ck_assert_str_eq(tflite_builtin_name(161), "RIGHT_SHIFT");
    ck_assert_ptr_null(tflite_builtin_name(162));
    ck_assert_ptr_null(tflite_builtin_name(-1));

    size_t len;
    uint8_t *b = load(MODEL("kws_ref_model.tflite"), &len);
    /* kws has only deprecated_builtin_code; code 0 is its first conv. */
    uint32_t oc = opcode_table(b, 0);
    ck_assert_uint_eq(fb_field(b, oc, TFL_OPCODE_BUILTIN_CODE), 0);
    b[fb_field(b, oc, TFL_OPCODE_DEPRECATED_BUILTIN_CODE)] = 15;
    expect_error(b, len, "operator 0 (LSH_PROJECTION): unsupported "
                 "operator");
    /* MUL is mapped: its translator reads the conv's options and says
       they are not MulOptions. */
    b[fb_field(b, oc, TFL_OPCODE_DEPRECATED_BUILTIN_CODE)] = 18;
    expect_error(b, len, "operator 0 (MUL): has builtin options of union "
                 "type 1, not 21");
    /* Its SOFTMAX as CUSTOM (no custom_code): named CUSTOM. */
    b[fb_field(b, opcode_table(b, 5), TFL_OPCODE_DEPRECATED_BUILTIN_CODE)] =
        TFL_OP_CUSTOM;
    b[fb_field(b, oc, TFL_OPCODE_DEPRECATED_BUILTIN_CODE)] = TFL_OP_CONV_2D;
    expect_error(b, len, "operator 12 (CUSTOM): unsupported operator");
    free(b);

    /* vww has both fields: builtin_code 0 leaves the deprecated 3 in
       charge; a larger builtin_code wins. */
    b = load(MODEL("vww_96_int8.tflite"), &len);
    oc = opcode_table(b, 0);
    uint32_t bc = fb_field(b, oc, TFL_OPCODE_BUILTIN_CODE);
    ck_assert_uint_ne(bc, 0);
    memset(b + bc, 0, 4);
    graph g;
    import_ok(b, len, &g);
    ck_assert_int_eq(g.nodes[0].op, MCN_OP_CONV_2D);
    graph_free(&g);
    b[bc] = 15;   /* LSH_PROJECTION */
    expect_error(b, len, "operator 0 (LSH_PROJECTION): unsupported "
                 "operator");
    b[bc] = 200;
    expect_error(b, len, "operator 0 (builtin 200): unsupported operator");
    free(b);
}
END_TEST

START_TEST(broken_files_are_refused)
{
    size_t len;
    uint8_t *b = load(MODEL("kws_ref_model.tflite"), &len);
    expect_error(b, 7, "not a TFLite model (only 7 bytes)");
    expect_error(NULL, 0, "not a TFLite model (no data)");
    /* Every truncation fails cleanly (ASan watches the reads). */
    graph g;
    mcn_err e;
    for (size_t n = 8; n < len; n += 61) {
        ck_assert_int_eq(tflite_import(b, n, NULL, &g, &e), -1);
        ck_assert_msg(!strncmp(e.msg, "not a TFLite model (", 20), "%zu: %s",
                      n, e.msg);
    }
    uint8_t *c = malloc(len);
    ck_assert_ptr_nonnull(c);
    memcpy(c, b, len);
    memcpy(c + 4, "TFL2", 4);
    expect_error(c, len, "not a TFLite model (no TFL3 identifier)");
    memcpy(c, b, len);
    c[fb_field(c, fb_u32(c), TFL_MODEL_VERSION)] = 2;
    expect_error(c, len, "not a TFLite model (schema version 2, expected 3)");
    memcpy(c, b, len);
    c[fb_field(c, tensor_table(c, 0), TFL_TENSOR_TYPE)] = 3;   /* UINT8 */
    expect_error(c, len, "model input 'input_1' has type UINT8 (only "
                 "FLOAT32, INT8 and INT32 are supported)");
    /* Random damage to the tables (the head, and the tail past the weight
       data): an error or a graph, never a bad read. */
    uint32_t state = 12345;
    for (int it = 0; it < 1500; it++) {
        memcpy(c, b, len);
        for (int k = 0; k < 3; k++) {
            state = state * 1664525u + 1013904223u;
            size_t pos = (state >> 8) % (512 + (len - 25100));
            pos = pos < 512 ? pos : pos - 512 + 25100;
            state = state * 1664525u + 1013904223u;
            c[pos] = (uint8_t)(state >> 24);
        }
        if (tflite_import(c, len, NULL, &g, &e) == 0)
            graph_free(&g);
        else
            ck_assert(e.msg[0] != 0);
    }
    free(c);
    free(b);
}
END_TEST

/* ---- the schema, through flatc ---- */

static char *flatc(const char *dir, const char *args)
{
    char cmd[1024], *err = NULL;
    snprintf(cmd, sizeof cmd, "flatc -o '%s' %s", dir, args);
    int rc = tu_run(cmd, NULL, &err);
    ck_assert_msg(rc == 0, "%s: %s", cmd, err);
    return err;
}

/* flatc decodes every MLPerf Tiny model with schemas/tflite.fbs, and
   union members come out under their published names. */
START_TEST(flatc_decodes_the_models_with_the_schema)
{
    static const char *const files[] = {
        "vww_96_int8", "vww_96_float", "kws_ref_model",
        "kws_ref_model_float32", "pretrainedResnet_quant",
        "pretrainedResnet", "ad01_int8", "ad01_fp32"};
    char *dir = tu_mkdtemp(), args[512], path[600];
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(args, sizeof args, "--json --raw-binary " TU_SRC(
                 "schemas/tflite.fbs") " -- " MODEL("%s.tflite"), files[i]);
        free(flatc(dir, args));
    }
    snprintf(path, sizeof path, "%s/kws_ref_model.json", dir);
    size_t len;
    char *json = (char *)load(path, &len), *z = realloc(json, len + 1);
    ck_assert_ptr_nonnull(z);
    z[len] = 0;
    ck_assert_ptr_nonnull(strstr(z, "builtin_options_type: \"DepthwiseConv2D"
                                    "Options\""));
    ck_assert_ptr_nonnull(strstr(z, "filter_height: 25"));
    ck_assert_ptr_nonnull(strstr(z, "builtin_options_type: \"SoftmaxOptions"
                                    "\",\n          builtin_options: {\n"
                                    "            beta: 1.0\n"));
    free(z);
    tu_rmdir(dir);
}
END_TEST

/* Little-endian bytes as a JSON list ("0, 0, 0, 63"). */
static void json_bytes(const void *p, size_t n, char *s, size_t cap)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k < cap; i++)
        k += (size_t)snprintf(s + k, cap - k, "%s%u", i ? ", " : "",
                              ((const uint8_t *)p)[i]);
}

/* x[1,5,5,2] -> CONV 3x3/2 SAME (int8 per-channel weights, float bias)
   -> RELU6 -> MAX_POOL 2x2/2 SAME -> RELU_N1_TO_1 -> AVERAGE_POOL 2x2/2
   VALID -> SQUEEZE -> SOFTMAX(beta 0.5), written as JSON and compiled by
   flatc with schemas/tflite.fbs. Only builtin_code is set (the newer
   form). conv_h is the conv output's height (3 is right). */
static uint8_t *small_model(int conv_h, size_t *len)
{
    static char json[6000];
    char w[600], b[120];
    uint8_t q[72];
    for (int i = 0; i < 72; i++)
        q[i] = (uint8_t)((i * 7) % 11 - 5);
    const float bias[4] = {0.5f, -0.25f, 0, 1};
    json_bytes(q, sizeof q, w, sizeof w);
    json_bytes(bias, sizeof bias, b, sizeof b);
    snprintf(json, sizeof json,
        "{version: 3, operator_codes: [{builtin_code: CONV_2D},"
        " {builtin_code: RELU6}, {builtin_code: MAX_POOL_2D},"
        " {builtin_code: RELU_N1_TO_1}, {builtin_code: AVERAGE_POOL_2D},"
        " {builtin_code: SQUEEZE}, {builtin_code: SOFTMAX}],\n"
        "subgraphs: [{tensors: [\n"
        " {shape: [1, 5, 5, 2], name: \"x\"},\n"
        " {shape: [4, 3, 3, 2], type: INT8, buffer: 1, name: \"w\","
        "  quantization: {scale: [0.5, 0.25, 0.125, 1],"
        "  zero_point: [0, 1, -1, 2]}},\n"
        " {shape: [4], buffer: 2, name: \"b\"},\n"
        " {shape: [1, %d, 3, 4], name: \"conv\"},"
        " {shape: [1, 3, 3, 4], name: \"r6\"},"
        " {shape: [1, 2, 2, 4], name: \"max\"},"
        " {shape: [1, 2, 2, 4], name: \"r1\"},"
        " {shape: [1, 1, 1, 4], name: \"avg\"},"
        " {shape: [1, 4], name: \"sq\"}, {shape: [1, 4], name: \"y\"}],\n"
        " inputs: [0], outputs: [9], operators: [\n"
        " {opcode_index: 0, inputs: [0, 1, 2], outputs: [3],"
        "  builtin_options_type: Conv2DOptions,"
        "  builtin_options: {stride_w: 2, stride_h: 2}},\n"
        " {opcode_index: 1, inputs: [3], outputs: [4]},\n"
        " {opcode_index: 2, inputs: [4], outputs: [5],"
        "  builtin_options_type: Pool2DOptions, builtin_options: {padding:"
        "  SAME, stride_w: 2, stride_h: 2, filter_width: 2,"
        "  filter_height: 2}},"
        " {opcode_index: 3, inputs: [5], outputs: [6]},\n"
        " {opcode_index: 4, inputs: [6], outputs: [7],"
        "  builtin_options_type: Pool2DOptions, builtin_options: {padding:"
        "  VALID, stride_w: 2, stride_h: 2, filter_width: 2,"
        "  filter_height: 2}},"
        " {opcode_index: 5, inputs: [7], outputs: [8],"
        "  builtin_options_type: SqueezeOptions,"
        "  builtin_options: {squeeze_dims: [1, 2]}},\n"
        " {opcode_index: 6, inputs: [8], outputs: [9],"
        "  builtin_options_type: SoftmaxOptions,"
        "  builtin_options: {beta: 0.5}}]}],\n"
        "buffers: [{}, {data: [%s]}, {data: [%s]}]}\n", conv_h, w, b);
    char *dir = tu_mkdtemp(), path[600];
    snprintf(path, sizeof path, "%s/small.json", dir);
    ck_assert_int_eq(tu_write_file(path, json, strlen(json)), 0);
    char args[700];
    snprintf(args, sizeof args, "-b " TU_SRC("schemas/tflite.fbs") " '%s'",
             path);
    free(flatc(dir, args));
    snprintf(path, sizeof path, "%s/small.tflite", dir);
    uint8_t *model = load(path, len);
    tu_rmdir(dir);
    return model;
}

START_TEST(small_model_maps_and_runs)
{
    size_t len;
    uint8_t *b = small_model(3, &len);
    graph g;
    import_ok(b, len, &g);
    free(b);
    /* The standalone RELU6 is fused into the conv (a float graph);
       RELU_N1_TO_1 after a pool stays a CLIP. */
    const mcn_opcode want[6] = {MCN_OP_CONV_2D, MCN_OP_MAX_POOL_2D,
                                MCN_OP_CLIP, MCN_OP_AVERAGE_POOL_2D,
                                MCN_OP_RESHAPE, MCN_OP_SOFTMAX};
    ops_are(&g, 6, want);
    pads_are(&g.nodes[0], 1, 1, 1, 1);   /* total (3-1)*2+3-5 = 2 */
    ck_assert_int_eq(g.nodes[0].stride_h, 2);
    ck_assert_int_eq(g.nodes[0].act, MCN_ACT_RELU6);
    /* Weights dequantized per output channel: scale[o] * (q - zp[o]). */
    const graph_tensor *w = &g.tensors[g.nodes[0].in[1]];
    static const float scale[4] = {0.5f, 0.25f, 0.125f, 1};
    static const int zp[4] = {0, 1, -1, 2};
    ck_assert_int_eq(w->dtype, MCN_DT_FLOAT32);
    ck_assert_int_eq(w->nscale, 0);
    for (int i = 0; i < 72; i++)
        ck_assert(((const float *)w->data)[i] ==
                  scale[i / 18] * (float)((i * 7) % 11 - 5 - zp[i / 18]));
    ck_assert(((const float *)g.tensors[g.nodes[0].in[2]].data)[1] == -0.25f);
    pads_are(&g.nodes[1], 0, 0, 1, 1);   /* total (2-1)*2+2-3 = 1 */
    ck_assert_int_eq(g.nodes[1].filter_h, 2);
    ck_assert_int_eq(g.nodes[2].act, MCN_ACT_CLIP);
    ck_assert(g.nodes[2].act_min == -1.0f && g.nodes[2].act_max == 1.0f);
    pads_are(&g.nodes[3], 0, 0, 0, 0);
    shape_is(&g.tensors[g.nodes[4].out[0]], 2, (const int32_t[]){1, 4});
    ck_assert(g.nodes[5].beta == 0.5f);
    float_exec *fx;
    mcn_err e;
    ck_assert_msg(fexec_create(&fx, &g, &e) == 0, "%s", e.msg);
    float x[50];
    for (int i = 0; i < 50; i++)
        x[i] = (float)(i % 9) / 4 - 1;
    const float *in = x;
    ck_assert_msg(fexec_run(fx, &in, &e) == 0, "%s", e.msg);
    const float *y = fexec_tensor(fx, g.outputs[0]);
    ck_assert_float_eq_tol(y[0] + y[1] + y[2] + y[3], 1.0f, 1e-6f);
    fexec_free(fx);
    graph_free(&g);

    b = small_model(2, &len);
    expect_error(b, len, "operator 0 (CONV_2D): output [1,2,3,4] does not "
                 "follow from input [1,5,5,2] (expected [1,3,3,4])");
    free(b);
}
END_TEST

Suite *suite_tflite_import(void)
{
    Suite *s = suite_create("tflite_import");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, kws_maps_exactly);
    tcase_add_test(tc, vww_resnet_ad01_map);
    tcase_add_test(tc, float_models_are_float);
    tcase_add_test(tc, builtin_code_is_the_larger_field);
    tcase_add_test(tc, broken_files_are_refused);
    tcase_add_test(tc, flatc_decodes_the_models_with_the_schema);
    tcase_add_test(tc, small_model_maps_and_runs);
    suite_add_tcase(s, tc);
    return s;
}
