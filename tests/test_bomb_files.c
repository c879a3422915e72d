/* test_bomb_files.c: the files of test_resource_bombs.c's cases
   (test_bomb_files.h), each small and declaring something huge. No suite
   of its own. */
#include "test_bomb_files.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fb_build.h"
#include "graph.h"
#include "graph_io.h"
#include "mcn_format.h"
#include "test_bad_inputs_util.h"
#include "test_onnx_build.h"
#include "test_pb_wire.h"
#include "testutil.h"

static const char *dir;

static void save(const char *name, const void *p, size_t n)
{
    bad_save(dir, name, p, n);
}

static void save_onnx(ob *b, const char *name)
{
    size_t n;
    uint8_t *p = ob_pack(b, &n);
    save(name, p, n);
    free(p);
    ob_free(b);
}

/* ---- ONNX ---- */

/* x [1,4] + W, W's dims and data as `edit` leaves them. */
static void onnx_init(const char *name, void (*edit)(Onnx__TensorProto *))
{
    ob *b = ob_new(13);
    ob_input(b, "x", 2, OB_DIMS(1, 4));
    ob_init_f(b, "W", 1, OB_DIMS(4), (const float[]){1, 2, 3, 4});
    ob_node(b, "Add", "add", "x,W", "y");
    ob_output(b, "y", 2, OB_DIMS(1, 4));
    edit(ob_model(b)->graph->initializer[0]);
    save_onnx(b, name);
}

static int64_t dims_store[1000];

static void set_dims(Onnx__TensorProto *t, int rank, const int64_t *d)
{
    memcpy(dims_store, d, (size_t)rank * sizeof *d);
    t->dims = dims_store;
    t->n_dims = (size_t)rank;
}

static void dim_2_40(Onnx__TensorProto *t)
{
    set_dims(t, 1, OB_DIMS((int64_t)1 << 40));
}

static void dims_2_40_elems(Onnx__TensorProto *t)
{
    set_dims(t, 2, OB_DIMS((int64_t)1 << 20, (int64_t)1 << 20));
}

static void dims_overflow(Onnx__TensorProto *t)
{
    set_dims(t, 3, OB_DIMS(INT32_MAX, INT32_MAX, INT32_MAX));
}

/* 2^30 elements, the importer's limit, held by four floats. */
static void dims_lie(Onnx__TensorProto *t)
{
    set_dims(t, 2, OB_DIMS(32768, 32768));
}

static void dims_negative(Onnx__TensorProto *t)
{
    set_dims(t, 2, OB_DIMS(-1, 4));
}

static void rank_1000(Onnx__TensorProto *t)
{
    for (int i = 0; i < 1000; i++)
        dims_store[i] = 1;
    t->dims = dims_store;
    t->n_dims = 1000;
}

/* 12 bytes of raw data for 4 floats. */
static void raw_short(Onnx__TensorProto *t)
{
    static uint8_t raw[12];
    t->n_float_data = 0;
    t->has_raw_data = 1;
    t->raw_data.len = sizeof raw;
    t->raw_data.data = raw;
}

/* x [1,4] -> OP(x, s) -> y, s an int64 initializer. */
static void onnx_shape_op(const char *name, const char *op, int n,
                          const int64_t *s)
{
    ob *b = ob_new(13);
    ob_input(b, "x", 2, OB_DIMS(1, 4));
    ob_init_i(b, "s", 1, OB_DIMS(n), s);
    ob_node(b, op, "big", "x,s", "y");
    ob_output(b, "y", -1, NULL);
    save_onnx(b, name);
}

/* The importer folds a ConstantOfShape or Range: their output is
   computed from a few bytes. */
static void onnx_fold_op(const char *name, const char *op, const char *in,
                         int n_init, const int64_t *v)
{
    ob *b = ob_new(13);
    ob_input(b, "x", 2, OB_DIMS(1, 4));
    char init[8] = "a";
    for (int i = 0; i < n_init; i++) {
        init[0] = (char)('a' + i);
        if (!strcmp(op, "Range"))
            ob_init_i(b, init, 0, NULL, &v[i]);
        else
            ob_init_i(b, init, 1, OB_DIMS(2), v);
    }
    ob_node(b, op, "big", in, "c");
    ob_node(b, "Add", "add", "x,c", "y");
    ob_output(b, "y", -1, NULL);
    save_onnx(b, name);
}

static void onnx_input(const char *name, int rank, const int64_t *d)
{
    ob *b = ob_new(13);
    ob_input(b, "x", rank, d);
    ob_node(b, "Relu", "relu", "x", "y");
    ob_output(b, "y", -1, NULL);
    save_onnx(b, name);
}

static void onnx_cycle(void)
{
    ob *b = ob_new(13);
    ob_input(b, "x", 2, OB_DIMS(1, 4));
    ob_node(b, "Add", "a", "x,b_out", "a_out");
    ob_node(b, "Relu", "b", "a_out", "b_out");
    ob_output(b, "b_out", -1, NULL);
    save_onnx(b, "cycle.onnx");
}

static void onnx_pad(void)
{
    ob *b = ob_new(13);
    ob_input(b, "x", 4, OB_DIMS(1, 1, 2, 2));
    int64_t big = (int64_t)1 << 62;
    ob_init_i(b, "p", 1, OB_DIMS(8), OB_DIMS(0, 0, big, big, 0, 0, big, big));
    ob_node(b, "Pad", "pad", "x,p", "y");
    ob_output(b, "y", -1, NULL);
    save_onnx(b, "pad_2_62.onnx");
}

/* x [1,1,1,1] resized by `scale`. */
static void onnx_resize(const char *name, float scale)
{
    ob *b = ob_new(13);
    ob_input(b, "x", 4, OB_DIMS(1, 1, 1, 1));
    ob_init_f(b, "r", 1, OB_DIMS(0), (const float[]){0});
    ob_init_f(b, "sc", 1, OB_DIMS(4), (const float[]){1, 1, scale, scale});
    ob_node(b, "Resize", "up", "x,r,sc", "y");
    ob_output(b, "y", -1, NULL);
    save_onnx(b, name);
}

/* ---- the protobuf wire, for what the builder would take too much
   memory to make ---- */

/* A ValueInfoProto "x", float [1,4]. */
static void put_value_info(wire *w, int f, const char *name)
{
    static const uint8_t type[] = {
        0x0a, 0x0c,             /* TypeProto.tensor_type */
        0x08, 0x01,             /* elem_type FLOAT */
        0x12, 0x08,             /* shape */
        0x0a, 0x02, 0x08, 0x01, /* dim 1 */
        0x0a, 0x02, 0x08, 0x04, /* dim 4 */
    };
    wire v = {0};
    wire_str(&v, 1, name);
    wire_field(&v, 2, type, sizeof type);
    wire_field(w, f, v.b, v.n);
    free(v.b);
}

/* A ModelProto (IR 8, opset 13) around graph nodes g, x and y [1,4]
   float, saved as name; g freed. */
static void save_graph(const char *name, wire *g)
{
    wire m = {0};
    put_value_info(g, 11, "x");
    put_value_info(g, 12, "y");
    static const uint8_t ir[] = {0x08, 0x08}, opset[] = {0x10, 0x0d};
    wire_put(&m, ir, sizeof ir);
    wire_field(&m, 7, g->b, g->n);
    wire_field(&m, 8, opset, sizeof opset);
    save(name, m.b, m.n);
    free(g->b);
    free(m.b);
}

/* `n` Relu nodes, each reading x and writing y (the same 16 bytes again
   and again): a 32 MB file for 2,000,000 nodes. */
static void onnx_many_nodes(const char *name, long n)
{
    static const uint8_t node[] = {
        0x0a, 0x01, 'x', 0x12, 0x01, 'y', 0x22, 0x04, 'R', 'e', 'l', 'u',
    };
    wire g = {0};
    for (long i = 0; i < n; i++)
        wire_field(&g, 1, node, sizeof node);
    save_graph(name, &g);
}

/* A chain of `n` Tanh nodes x -> t1 -> ... -> y, each name its own. */
void bomb_onnx_chain(const char *name, long n)
{
    wire g = {0};
    for (long i = 0; i < n; i++) {
        char in[24], out[24];
        snprintf(in, sizeof in, i ? "t%ld" : "x", i);
        snprintf(out, sizeof out, i + 1 < n ? "t%ld" : "y", i + 1);
        wire nd = {0};
        wire_str(&nd, 1, in);
        wire_str(&nd, 2, out);
        wire_str(&nd, 4, "Tanh");
        wire_field(&g, 1, nd.b, nd.n);
        free(nd.b);
    }
    save_graph(name, &g);
}

/* If nodes whose then_branch holds an If ..., `levels` graphs deep. */
static void onnx_nested(const char *name, int levels)
{
    wire g = {0};
    for (int k = 1; k < levels; k++) {
        wire a = {0}, nd = {0}, g2 = {0};
        wire_str(&a, 1, "then_branch");
        wire_field(&a, 6, g.b, g.n);
        wire_str(&nd, 4, "If");
        wire_field(&nd, 5, a.b, a.n);
        wire_field(&g2, 1, nd.b, nd.n);
        free(g.b);
        free(a.b);
        free(nd.b);
        g = g2;
    }
    wire m = {0};
    wire_field(&m, 7, g.b, g.n);
    save(name, m.b, m.n);
    free(g.b);
    free(m.b);
}

/* ---- TFLite ---- */

static void tflite(const char *name, const char *tensors, const char *ops,
                   const char *extra)
{
    size_t cap = strlen(tensors) + strlen(ops) + strlen(extra) + 1024;
    char *json = malloc(cap);
    ck_assert_ptr_nonnull(json);
    snprintf(json, cap, "{version: 3,\n"
        "operator_codes: [{builtin_code: ADD}, {builtin_code: CALL}],\n"
        "subgraphs: [{tensors: [%s], inputs: [0], outputs: [2],\n"
        " operators: [%s]}%s],\n"
        "buffers: [{}, {data: [0, 0, 128, 63]}]}\n", tensors, ops, extra);
    bad_tflite(dir, name, json);
    free(json);
}

static void tflite_models(void)
{
    static const char *add = "{opcode_index: 0, inputs: [0, 1], "
                             "outputs: [2]}";
    static char t[200000];
    const char *x = "{shape: [1, 4], name: \"x\"}",
               *y = "{shape: [1, 4], name: \"y\"}";
    snprintf(t, sizeof t, "%s, {shape: [2147483647, 2147483647], buffer: 1, "
             "name: \"w\"}, %s", x, y);
    tflite("tfl_dims.tflite", t, add, "");
    snprintf(t, sizeof t, "%s, {shape: [-1, 4], buffer: 1, name: \"w\"}, %s",
             x, y);
    tflite("tfl_negative.tflite", t, add, "");
    int k = snprintf(t, sizeof t, "%s, {shape: [1", x);
    for (int i = 0; i < 20000; i++)
        k += snprintf(t + k, sizeof t - (size_t)k, ", 1");
    snprintf(t + k, sizeof t - (size_t)k, "], buffer: 1, name: \"w\"}, %s",
             y);
    tflite("tfl_rank.tflite", t, add, "");
    snprintf(t, sizeof t, "%s, {shape: [1000, 1000], buffer: 1, "
             "name: \"w\"}, %s", x, y);
    tflite("tfl_data.tflite", t, add, "");
    snprintf(t, sizeof t, "%s, {shape: [1, 4], buffer: 1, name: \"w\"}, %s",
             x, y);
    tflite("tfl_index.tflite", t,
           "{opcode_index: 0, inputs: [0, 1000000], outputs: [2]}", "");
    tflite("tfl_opcode.tflite", t,
           "{opcode_index: 70000, inputs: [0, 1], outputs: [2]}", "");
    snprintf(t, sizeof t, "%s, {shape: [1, 4], buffer: 99, name: \"w\"}, "
             "%s", x, y);
    tflite("tfl_buffer.tflite", t, add, "");
    /* Subgraph 0 calls 1, which calls 0. */
    tflite("tfl_calls.tflite", "{shape: [1, 4], name: \"x\"}, "
           "{shape: [1, 4]}, {shape: [1, 4], name: \"y\"}",
           "{opcode_index: 1, inputs: [0], outputs: [2], "
           "builtin_options_type: CallOptions, "
           "builtin_options: {subgraph: 1}}",
           ", {name: \"again\", tensors: [{shape: [1, 4]}, "
           "{shape: [1, 4]}], inputs: [0], outputs: [1], operators: "
           "[{opcode_index: 1, inputs: [0], outputs: [1], "
           "builtin_options_type: CallOptions, "
           "builtin_options: {subgraph: 0}}]}");
    /* a = x + b, b = a + x. */
    tflite("tfl_cycle.tflite", "{shape: [1, 4], name: \"x\"}, "
           "{shape: [1, 4], name: \"a\"}, {shape: [1, 4], name: \"b\"}",
           "{opcode_index: 0, inputs: [0, 2], outputs: [1]}, "
           "{opcode_index: 0, inputs: [1, 0], outputs: [2]}", "");
}

/* ---- .mcn ---- */

/* g's .mcn bytes, and g freed: the file the bytes below are edited in. */
static uint8_t *serialize(graph *g, size_t *len)
{
    uint8_t *buf;
    mcn_err e;
    ck_assert_msg(graph_to_mcn(g, &buf, len, &e) == 0, "%s", e.msg);
    graph_free(g);
    return buf;
}

/* A float graph x [1,a,b,1] -> tanh -> y: a and b are written 4093 and
   4091 and then overwritten in the file's bytes with the dims asked for
   (graph_save_file checks what it writes, so it cannot write these). */
static void mcn_dims(const char *name, int32_t a, int32_t b)
{
    graph g;
    graph_init(&g);
    int32_t s[4] = {1, 4093, 4091, 1};
    int x = graph_add_tensor(&g, "x", MCN_DT_FLOAT32, 4, s);
    int y = graph_add_tensor(&g, "y", MCN_DT_FLOAT32, 4, s);
    int n = graph_add_node(&g, MCN_OP_TANH, "tanh");
    graph_node_add_input(&g, n, x);
    graph_node_add_output(&g, n, y);
    g.inputs[g.n_inputs++] = x;
    g.outputs[g.n_outputs++] = y;
    size_t len;
    uint8_t *buf = serialize(&g, &len);
    int hits = 0;
    for (size_t i = 0; i + 8 <= len; i += 4) {
        int32_t v[2];
        memcpy(v, buf + i, 8);
        if (v[0] == 4093 && v[1] == 4091) {
            memcpy(buf + i, &a, 4);
            memcpy(buf + i + 4, &b, 4);
            hits++;
        }
    }
    ck_assert_int_eq(hits, 2);
    save(name, buf, len);
    free(buf);
}

/* t1 = x + t2, t2 = tanh(t1): each operator reads the other's output.
   Written as t1 = x + x, and then op 0's inputs [0, 0] made [0, 2] in
   the bytes (the only 2-vector of zeros in the file). */
static void mcn_cycle(void)
{
    graph g;
    graph_init(&g);
    int32_t s[2] = {1, 4};
    int x = graph_add_tensor(&g, "x", MCN_DT_FLOAT32, 2, s);
    int t1 = graph_add_tensor(&g, "t1", MCN_DT_FLOAT32, 2, s);
    int t2 = graph_add_tensor(&g, "t2", MCN_DT_FLOAT32, 2, s);
    int a = graph_add_node(&g, MCN_OP_ADD, "add");
    graph_node_add_input(&g, a, x);
    graph_node_add_input(&g, a, x);
    graph_node_add_output(&g, a, t1);
    int b = graph_add_node(&g, MCN_OP_TANH, "tanh");
    graph_node_add_input(&g, b, t1);
    graph_node_add_output(&g, b, t2);
    g.inputs[g.n_inputs++] = x;
    g.outputs[g.n_outputs++] = t2;
    size_t len;
    uint8_t *buf = serialize(&g, &len);
    static const int32_t from[3] = {2, 0, 0};
    int hits = 0;
    for (size_t i = 0; i + sizeof from <= len; i += 4)
        if (!memcmp(buf + i, from, sizeof from)) {
            memcpy(buf + i + 8, &t2, 4);
            hits++;
        }
    ck_assert_int_eq(hits, 1);
    save("mcn_cycle.mcn", buf, len);
    free(buf);
}

/* `n` operators (one table, referred to n times) or `n` tensors: 4 bytes
   a piece on the wire. */
static void mcn_many(const char *name, size_t n_ops, size_t n_tensors)
{
    fbb b;
    fbb_init(&b);
    int32_t shape[2] = {1, 4}, io[1] = {0};
    fbb_start_table(&b);
    fbb_ref buffer0 = fbb_end_table(&b);
    fbb_ref sv = fbb_create_vector(&b, 4, 2, shape, 4);
    fbb_start_table(&b);
    fbb_add_offset(&b, MCN_TENSOR_SHAPE, sv);
    fbb_ref tensor = fbb_end_table(&b);
    fbb_ref in = fbb_create_vector(&b, 4, 1, io, 4);
    fbb_start_table(&b);
    fbb_add_u16(&b, MCN_OPERATOR_OPCODE, MCN_OP_TANH, 0);
    fbb_add_offset(&b, MCN_OPERATOR_INPUTS, in);
    fbb_add_offset(&b, MCN_OPERATOR_OUTPUTS, in);
    fbb_ref op = fbb_end_table(&b);
    size_t most = n_ops > n_tensors ? n_ops : n_tensors;
    fbb_ref *refs = malloc(most * sizeof *refs);
    ck_assert_ptr_nonnull(refs);
    for (size_t i = 0; i < most; i++)
        refs[i] = tensor;
    fbb_ref tv = fbb_create_vector_offsets(&b, n_tensors, refs);
    for (size_t i = 0; i < most; i++)
        refs[i] = op;
    fbb_ref ov = fbb_create_vector_offsets(&b, n_ops, refs);
    fbb_ref bv = fbb_create_vector_offsets(&b, 1, &buffer0);
    fbb_ref iv = fbb_create_vector(&b, 4, 1, io, 4);
    free(refs);
    fbb_start_table(&b);
    fbb_add_u32(&b, MCN_MODEL_VERSION, MCN_FORMAT_VERSION, 0);
    fbb_add_offset(&b, MCN_MODEL_TENSORS, tv);
    fbb_add_offset(&b, MCN_MODEL_OPERATORS, ov);
    fbb_add_offset(&b, MCN_MODEL_INPUTS, iv);
    fbb_add_offset(&b, MCN_MODEL_OUTPUTS, iv);
    fbb_add_offset(&b, MCN_MODEL_BUFFERS, bv);
    fbb_ref m = fbb_end_table(&b);
    uint8_t *out;
    size_t len;
    mcn_err e;
    ck_assert_msg(fbb_finish(&b, m, MCN_FILE_IDENTIFIER, &out, &len, &e) == 0,
                  "%s", e.msg);
    fbb_free(&b);
    save(name, out, len);
    free(out);
}

/* ---- .npy ---- */

static void npy(const char *name, const char *descr, const char *shape,
                size_t data_bytes)
{
    char h[256];
    int n = snprintf(h, sizeof h, "{'descr': '%s', 'fortran_order': False, "
                     "'shape': %s, }", descr, shape);
    while ((10 + n + 1) % 64)
        h[n++] = ' ';
    h[n++] = '\n';
    uint8_t *b = calloc(1, 10 + (size_t)n + data_bytes);
    ck_assert_ptr_nonnull(b);
    memcpy(b, "\x93NUMPY\x01\x00", 8);
    b[8] = (uint8_t)n;
    b[9] = (uint8_t)(n >> 8);
    memcpy(b + 10, h, (size_t)n);
    save(name, b, 10 + (size_t)n + data_bytes);
    free(b);
}

void bomb_files(const char *where)
{
    dir = where;
    onnx_init("init_2_40.onnx", dim_2_40);
    onnx_init("init_2_40_elems.onnx", dims_2_40_elems);
    onnx_init("init_overflow.onnx", dims_overflow);
    onnx_init("init_lie.onnx", dims_lie);
    onnx_init("init_negative.onnx", dims_negative);
    onnx_init("init_rank.onnx", rank_1000);
    onnx_init("init_raw.onnx", raw_short);
    onnx_input("input_2_40.onnx", 2, OB_DIMS(1, (int64_t)1 << 40));
    onnx_input("input_2_32.onnx", 4, OB_DIMS(1, 1, 65536, 65536));
    onnx_input("input_4g.onnx", 4, OB_DIMS(1, 1, 32768, 32768));
    onnx_shape_op("reshape_2_40.onnx", "Reshape", 2,
                  OB_DIMS((int64_t)1 << 20, (int64_t)1 << 20));
    onnx_fold_op("cos_2_30.onnx", "ConstantOfShape", "a", 1,
                 OB_DIMS(32768, 32768));
    onnx_fold_op("range_2_40.onnx", "Range", "a,b,c", 3,
                 OB_DIMS(0, (int64_t)1 << 40, 1));
    onnx_cycle();
    onnx_pad();
    onnx_resize("resize_1e9.onnx", 1e9f);
    onnx_resize("resize_16k.onnx", 16384);
    onnx_many_nodes("nodes_2m.onnx", 2000000);
    bomb_onnx_chain("chain_long.onnx", GRAPH_MAX_NODES + 1);
    onnx_nested("nested.onnx", 100);
    tflite_models();
    mcn_dims("mcn_4g.mcn", 65535, 65535);
    mcn_dims("mcn_2_32.mcn", 65536, 65536);
    mcn_dims("mcn_1g.mcn", 16384, 16384);
    mcn_dims("mcn_negative.mcn", -1, 4);
    mcn_cycle();
    mcn_many("mcn_ops.mcn", 1000000, 1);
    mcn_many("mcn_tensors.mcn", 1, 2000000);
    npy("npy_2_62.npy", "<f4", "(2147483648, 2147483648)", 20);
    npy("npy_2_93.npy", "<f4", "(3037000500, 3037000500, 3037000500)", 20);
    npy("npy_lie.npy", "<f4", "(1, 1, 16384, 16384)", 20);
}
