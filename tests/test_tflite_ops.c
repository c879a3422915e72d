/* test_tflite_ops.c: the TFLite operators past the MLPerf Tiny set (MUL,
   broadcasting ADD, CONCATENATION, PAD, PADV2, MEAN, LOGISTIC, TANH,
   HARD_SWISH, LEAKY_RELU, QUANTIZE, DEQUANTIZE, TRANSPOSE_CONV). Each
   model is JSON
   compiled by flatc with schemas/tflite.fbs, imported, checked node by
   node, and run: int8 models packed on the engine, float ones on the
   float reference. Scales are picked so each int8 output follows by hand
   from the float maths: exact multipliers (1, 2, 1/2) where the kernel
   rescales, and for the curves inputs whose exact results sit far from a
   rounding tie (worked in the comments). */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph_io.h"
#include "mcn.h"
#include "npy.h"
#include "test_tflite_util.h"
#include "testutil.h"
#include "tflite_import.h"

/* ---- MUL, ADD ---- */

/* a [1,2,2,2] * b [2] (a constant, broadcast over the channels), fused
   RELU. int8: s 0.5 * 0.25 / 0.125 = 1, so y = -10 + (a - 1) * (b + 2),
   RELU clamping at -10 (real 0) and int8 at 127. */
static uint8_t *mul_model(bool int8, size_t *len)
{
    char qa[96], qb[96], qy[96], b[64];
    if (int8)
        i8s(b, sizeof b, 2, (const int8_t[]){2, -6});
    else
        f32s(b, sizeof b, 2, (const float[]){1.0f, -1.5f});
    return model(len,
        "operator_codes: [{builtin_code: MUL}],\n"
        "subgraphs: [{tensors: [\n"
        " {shape: [1, 2, 2, 2], name: \"a\", %s},\n"
        " {shape: [2], buffer: 1, name: \"b\", %s},\n"
        " {shape: [1, 2, 2, 2], name: \"y\", %s}],\n"
        " inputs: [0], outputs: [2], operators: [\n"
        " {opcode_index: 0, inputs: [0, 1], outputs: [2],"
        "  builtin_options_type: MulOptions,"
        "  builtin_options: {fused_activation_function: RELU}}]}],\n"
        "buffers: [{}, {data: [%s]}]",
        q8(qa, sizeof qa, int8, 0.5, 1), q8(qb, sizeof qb, int8, 0.25, -2),
        q8(qy, sizeof qy, int8, 0.125, -10), b);
}

START_TEST(mul_broadcasts_a_constant_with_relu)
{
    size_t len;
    uint8_t *b = mul_model(true, &len);
    graph g;
    import_ok(b, len, &g);
    free(b);
    ops_are(&g, 1, (const mcn_opcode[]){MCN_OP_MUL});
    ck_assert_int_eq(g.nodes[0].act, MCN_ACT_RELU);
    const graph_tensor *c = &g.tensors[g.nodes[0].in[1]];
    ck_assert(c->data != NULL && c->dtype == MCN_DT_INT8);
    ck_assert(c->scale[0] == 0.25f && c->zero_point[0] == -2);
    /* (a - 1) * (b + 2) with b + 2 = 4, -4 by channel: 0, -8, 16, 40,
       116, 164, 76, 404; + -10, then clamped to [-10, 127]. */
    const int8_t x[8] = {1, 3, 5, -9, 30, -40, 20, -100};
    const int8_t want[8] = {-10, -10, 6, 30, 106, 127, 66, 127};
    int8_t y[8];
    run_int8(&g, (const int8_t *const[]){x}, y, 8);
    bytes_are(y, want, 8);

    b = mul_model(false, &len);
    import_ok(b, len, &g);
    free(b);
    ck_assert_int_eq(g.nodes[0].act, MCN_ACT_RELU);
    const float xf[8] = {0, 1, 2, -5, 14.5f, -20.5f, 9.5f, -50.5f};
    const float wf[8] = {0, 0, 2, 7.5f, 14.5f, 30.75f, 9.5f, 75.75f};
    float yf[8];
    run_float(&g, (const float *const[]){xf}, 0, yf, 8);
    for (int i = 0; i < 8; i++)
        ck_assert_float_eq(yf[i], wf[i]);
    graph_free(&g);
}
END_TEST

/* a [1,2,2,2] + b [1,1,1,2] (a constant), every scale 0.5: TFLM's ADD is
   then exact, y = 5 + (a - 2) + (b + 1) with b + 1 = 4, -3. */
START_TEST(add_broadcasts_a_constant)
{
    size_t len;
    char b[32];
    uint8_t *m = model(&len,
        "operator_codes: [{builtin_code: ADD}],\n"
        "subgraphs: [{tensors: [\n"
        " {shape: [1, 2, 2, 2], type: INT8, name: \"a\","
        "  quantization: {scale: [0.5], zero_point: [2]}},\n"
        " {shape: [1, 1, 1, 2], type: INT8, buffer: 1, name: \"b\","
        "  quantization: {scale: [0.5], zero_point: [-1]}},\n"
        " {shape: [1, 2, 2, 2], type: INT8, name: \"y\","
        "  quantization: {scale: [0.5], zero_point: [5]}}],\n"
        " inputs: [0], outputs: [2], operators: [\n"
        " {opcode_index: 0, inputs: [0, 1], outputs: [2]}]}],\n"
        "buffers: [{}, {data: [%s]}]",
        i8s(b, sizeof b, 2, (const int8_t[]){3, -4}));
    graph g;
    import_ok(m, len, &g);
    free(m);
    ops_are(&g, 1, (const mcn_opcode[]){MCN_OP_ADD});
    const int8_t x[8] = {2, 10, -50, 100, 0, 127, -128, 60};
    const int8_t want[8] = {9, 10, -43, 100, 7, 127, -121, 60};
    int8_t y[8];
    run_int8(&g, (const int8_t *const[]){x}, y, 8);
    bytes_are(y, want, 8);
}
END_TEST

/* ---- CONCATENATION ---- */

/* x1 [1,2,1,2] (0.25, 0) and x2 [1,2,1,1] (0.5, 4) on axis -1 into
   (0.25, 0): x1 is copied, x2 becomes 2 * (q - 4). */
START_TEST(concat_joins_and_rescales)
{
    size_t len;
    uint8_t *m = model(&len,
        "operator_codes: [{builtin_code: CONCATENATION}],\n"
        "subgraphs: [{tensors: [\n"
        " {shape: [1, 2, 1, 2], type: INT8, name: \"x1\","
        "  quantization: {scale: [0.25], zero_point: [0]}},\n"
        " {shape: [1, 2, 1, 1], type: INT8, name: \"x2\","
        "  quantization: {scale: [0.5], zero_point: [4]}},\n"
        " {shape: [1, 2, 1, 3], type: INT8, name: \"y\","
        "  quantization: {scale: [0.25], zero_point: [0]}}],\n"
        " inputs: [0, 1], outputs: [2], operators: [\n"
        " {opcode_index: 0, inputs: [0, 1], outputs: [2],"
        "  builtin_options_type: ConcatenationOptions,"
        "  builtin_options: {axis: -1}}]}],\n"
        "buffers: [{}]");
    graph g;
    import_ok(m, len, &g);
    free(m);
    ops_are(&g, 1, (const mcn_opcode[]){MCN_OP_CONCATENATION});
    ck_assert_int_eq(g.nodes[0].axis, 3);   /* -1 of 4 axes */
    ck_assert_int_eq(g.nodes[0].n_in, 2);
    const int8_t x1[4] = {1, 2, 3, 4}, x2[2] = {10, -60};
    const int8_t want[6] = {1, 2, 12, 3, 4, -128};
    int8_t y[6];
    run_int8(&g, (const int8_t *const[]){x1, x2}, y, 6);
    bytes_are(y, want, 6);
}
END_TEST

/* x [1,1,2] six times on axis 1. A node takes four inputs, so the join
   is two steps through [1,4,2] "y/part1", which carries y's
   quantization. int8: x (0.5, 1) into (0.25, -3) is -3 + 2 * (q - 1). */
static uint8_t *concat6_model(bool int8, size_t *len)
{
    char qx[96], qy[96];
    return model(len,
        "operator_codes: [{builtin_code: CONCATENATION}],\n"
        "subgraphs: [{tensors: [\n"
        " {shape: [1, 1, 2], name: \"x\", %s},\n"
        " {shape: [1, 6, 2], name: \"y\", %s}],\n"
        " inputs: [0], outputs: [1], operators: [\n"
        " {opcode_index: 0, inputs: [0, 0, 0, 0, 0, 0], outputs: [1],"
        "  builtin_options_type: ConcatenationOptions,"
        "  builtin_options: {axis: 1}}]}],\n"
        "buffers: [{}]",
        q8(qx, sizeof qx, int8, 0.5, 1), q8(qy, sizeof qy, int8, 0.25, -3));
}

START_TEST(concat_of_six_joins_in_steps)
{
    size_t len;
    uint8_t *m = concat6_model(true, &len);
    graph g;
    import_ok(m, len, &g);
    free(m);
    const mcn_opcode C = MCN_OP_CONCATENATION;
    ops_are(&g, 2, (const mcn_opcode[]){C, C});
    ck_assert_int_eq(g.nodes[0].n_in, 4);
    ck_assert_int_eq(g.nodes[1].n_in, 3);
    const graph_tensor *part = &g.tensors[g.nodes[0].out[0]];
    ck_assert_int_eq(g.nodes[1].in[0], g.nodes[0].out[0]);
    ck_assert_str_eq(part->name, "y/part1");
    shape_is(part, 3, (const int32_t[]){1, 4, 2});
    ck_assert(part->scale[0] == 0.25f && part->zero_point[0] == -3);
    const int8_t x[2] = {5, -20};
    int8_t y[12], want[12];
    for (int i = 0; i < 12; i += 2) {
        want[i] = 5;      /* -3 + 2 * 4 */
        want[i + 1] = -45; /* -3 + 2 * -21 */
    }
    run_int8(&g, (const int8_t *const[]){x}, y, 12);
    bytes_are(y, want, 12);

    m = concat6_model(false, &len);
    import_ok(m, len, &g);
    free(m);
    const float xf[2] = {1.5f, -2};
    float yf[12];
    run_float(&g, (const float *const[]){xf}, 0, yf, 12);
    for (int i = 0; i < 12; i++)
        ck_assert_float_eq(yf[i], xf[i % 2]);
    graph_free(&g);
}
END_TEST

/* ---- PAD, PADV2 ---- */

/* x [1,2,2,1] padded by [[0,0],[1,0],[0,2],[0,0]] to [1,3,4,1]: one row
   above, two columns right. The paddings are INT32 or INT64; PADV2 adds
   a scalar value tensor v, `value` giving its type and quantization and
   `value_data` its bytes. */
static uint8_t *pad_model(bool int8, bool v2, bool i64, const char *value,
                          const char *value_data, size_t *len)
{
    char qx[96], qy[96], p[400], vt[200];
    const int64_t pads[8] = {0, 0, 1, 0, 0, 2, 0, 0};
    int32_t pads32[8];
    for (int i = 0; i < 8; i++)
        pads32[i] = (int32_t)pads[i];
    if (i64)
        i8s(p, sizeof p, 64, (const int8_t *)pads);
    else
        i8s(p, sizeof p, 32, (const int8_t *)pads32);
    snprintf(vt, sizeof vt, ",\n {shape: [], buffer: 2, name: \"v\"%s%s}",
             value && value[0] ? ", " : "", value ? value : "");
    return model(len,
        "operator_codes: [{builtin_code: %s}],\n"
        "subgraphs: [{tensors: [\n"
        " {shape: [1, 2, 2, 1], name: \"x\", %s},\n"
        " {shape: [4, 2], type: %s, buffer: 1, name: \"p\"},\n"
        " {shape: [1, 3, 4, 1], name: \"y\", %s}%s],\n"
        " inputs: [0], outputs: [2], operators: [\n"
        " {opcode_index: 0, inputs: [0, 1%s], outputs: [2]}]}],\n"
        "buffers: [{}, {data: [%s]}, {data: [%s]}]",
        v2 ? "PADV2" : "PAD", q8(qx, sizeof qx, int8, 0.5, -3),
        i64 ? "INT64" : "INT32", q8(qy, sizeof qy, int8, 0.5, -3),
        v2 ? vt : "", v2 ? ", 3" : "", p, value_data ? value_data : "");
}

START_TEST(pad_writes_its_constant)
{
    size_t len;
    uint8_t *m = pad_model(true, false, false, NULL, NULL, &len);
    graph g;
    import_ok(m, len, &g);
    free(m);
    ops_are(&g, 1, (const mcn_opcode[]){MCN_OP_PAD});
    const graph_node *n = &g.nodes[0];
    ck_assert_int_eq(n->n_in, 1);   /* the paddings are node fields */
    ck_assert_int_eq(n->n_ints, 8);
    const int32_t ints[8] = {0, 1, 0, 0, 0, 0, 2, 0};   /* begins, ends */
    for (int i = 0; i < 8; i++)
        ck_assert_int_eq(n->ints[i], ints[i]);
    ck_assert_int_eq(n->pad_mode, MCN_PAD_CONSTANT);
    ck_assert(n->pad_value == 0.0f);   /* the zero point, -3 */
    ck_assert_int_eq(g.n_tensors, 2);
    const int8_t x[4] = {1, 2, 3, 4};
    int8_t y[12];
    run_int8(&g, (const int8_t *const[]){x}, y, 12);
    bytes_are(y, (const int8_t[]){-3, -3, -3, -3, 1, 2, -3, -3, 3, 4, -3, -3},
              12);

    /* PADV2's int8 7 at (0.5, -3) is 5.0, which the packer quantizes back
       to 7. INT64 paddings. */
    char v[16];
    const char *qv = "type: INT8, quantization: {scale: [0.5], "
                     "zero_point: [-3]}";
    m = pad_model(true, true, true, qv, i8s(v, sizeof v, 1,
                                             (const int8_t[]){7}), &len);
    import_ok(m, len, &g);
    free(m);
    ck_assert(g.nodes[0].pad_value == 5.0f);
    ck_assert_int_eq(g.nodes[0].ints[1], 1);
    ck_assert_int_eq(g.n_tensors, 2);   /* p and v are not graph tensors */
    run_int8(&g, (const int8_t *const[]){x}, y, 12);
    bytes_are(y, (const int8_t[]){7, 7, 7, 7, 1, 2, 7, 7, 3, 4, 7, 7}, 12);

    /* A value quantized unlike the output is what TFLite refuses too. */
    qv = "type: INT8, quantization: {scale: [0.25], zero_point: [-3]}";
    m = pad_model(true, true, false, qv, v, &len);
    expect_error(m, len, "operator 0 (PADV2): the constant value 'v' is "
                 "quantized differently from the output");
    free(m);

    /* Float: the value as it is. */
    char fv[32];
    m = pad_model(false, true, false, "", f32s(fv, sizeof fv, 1,
                                               (const float[]){2.5f}), &len);
    import_ok(m, len, &g);
    free(m);
    const float xf[4] = {1, 2, 3, 4};
    float yf[12];
    run_float(&g, (const float *const[]){xf}, 0, yf, 12);
    const float wf[12] = {2.5f, 2.5f, 2.5f, 2.5f, 1, 2, 2.5f, 2.5f,
                          3, 4, 2.5f, 2.5f};
    for (int i = 0; i < 12; i++)
        ck_assert_float_eq(yf[i], wf[i]);
    graph_free(&g);
}
END_TEST

/* ---- MEAN ---- */

/* x [1,2,3,2] (0.5, 1) into (0.5, 1), axes as given (an INT32 vector of
   n, or an empty one), keep_dims, output shape. */
static uint8_t *mean_model(bool int8, const int32_t *axes, int n, bool keep,
                           const char *out_shape, size_t *len)
{
    char qx[96], qy[96], a[200];
    i8s(a, sizeof a, 4 * n, (const int8_t *)axes);
    return model(len,
        "operator_codes: [{builtin_code: MEAN}],\n"
        "subgraphs: [{tensors: [\n"
        " {shape: [1, 2, 3, 2], name: \"x\", %s},\n"
        " {shape: [%d], type: INT32, buffer: 1, name: \"axes\"},\n"
        " {shape: %s, name: \"y\", %s}],\n"
        " inputs: [0], outputs: [2], operators: [\n"
        " {opcode_index: 0, inputs: [0, 1], outputs: [2],"
        "  builtin_options_type: ReducerOptions,"
        "  builtin_options: {keep_dims: %s}}]}],\n"
        "buffers: [{}, {data: [%s]}]",
        q8(qx, sizeof qx, int8, 0.5, 1), n, out_shape,
        q8(qy, sizeof qy, int8, 0.5, 1), keep ? "true" : "false", a);
}

/* x - 1 by (h, w) for channel 0: 1 2 3 4 5 9 (sum 24), channel 1:
   -5 0 7 -12 1 -3 (sum -12); each pair of channels sums to an even
   number, so every mean below is exact. */
static const int8_t mean_x[12] = {2, -4, 3, 1, 4, 8, 5, -11, 6, 2, 10, -2};

START_TEST(mean_reads_axes_and_keep_dims)
{
    size_t len;
    graph g;
    int8_t y[12];
    /* Over H and W, kept as 1s: 24 / 6 = 4 and -12 / 6 = -2, plus 1. */
    uint8_t *m = mean_model(true, (const int32_t[]){1, 2}, 2, true,
                            "[1, 1, 1, 2]", &len);
    import_ok(m, len, &g);
    free(m);
    ops_are(&g, 1, (const mcn_opcode[]){MCN_OP_MEAN});
    ck_assert_int_eq(g.nodes[0].n_ints, 2);
    ck_assert_int_eq(g.nodes[0].ints[0], 1);
    ck_assert_int_eq(g.nodes[0].ints[1], 2);
    ck_assert(g.nodes[0].keep_dims);
    ck_assert_int_eq(g.nodes[0].n_in, 1);
    run_int8(&g, (const int8_t *const[]){mean_x}, y, 2);
    bytes_are(y, (const int8_t[]){5, -1}, 2);

    /* Axis -1 named twice (as -1 and 3), dropped: the channel pairs. */
    m = mean_model(true, (const int32_t[]){-1, 3}, 2, false, "[1, 2, 3]",
                   &len);
    import_ok(m, len, &g);
    free(m);
    ck_assert_int_eq(g.nodes[0].n_ints, 1);
    ck_assert_int_eq(g.nodes[0].ints[0], 3);
    ck_assert(!g.nodes[0].keep_dims);
    run_int8(&g, (const int8_t *const[]){mean_x}, y, 6);
    bytes_are(y, (const int8_t[]){-1, 2, 6, -3, 4, 4}, 6);

    /* No axes: TFLite reduces nothing (the graph's empty list would mean
       all of them), so it is a copy. */
    m = mean_model(true, NULL, 0, false, "[1, 2, 3, 2]", &len);
    import_ok(m, len, &g);
    free(m);
    ops_are(&g, 1, (const mcn_opcode[]){MCN_OP_RESHAPE});
    run_int8(&g, (const int8_t *const[]){mean_x}, y, 12);
    bytes_are(y, mean_x, 12);

    m = mean_model(true, (const int32_t[]){1, 2}, 2, false, "[1, 1, 1, 2]",
                   &len);
    expect_error(m, len, "operator 0 (MEAN): output [1,1,1,2] does not "
                 "follow from input [1,2,3,2] (expected [1,2])");
    free(m);
    m = mean_model(true, (const int32_t[]){4}, 1, false, "[1, 2, 3, 2]",
                   &len);
    expect_error(m, len, "operator 0 (MEAN): axis 4 is outside the 4-D "
                 "input");
    free(m);

    /* Float, over H and W. */
    m = mean_model(false, (const int32_t[]){2, 1}, 2, false, "[1, 2]", &len);
    import_ok(m, len, &g);
    free(m);
    float xf[12], yf[2];
    for (int i = 0; i < 12; i++)
        xf[i] = (float)(mean_x[i] - 1);
    run_float(&g, (const float *const[]){xf}, 0, yf, 2);
    ck_assert_float_eq(yf[0], 4.0f);
    ck_assert_float_eq(yf[1], -2.0f);
    graph_free(&g);
}
END_TEST

/* ---- TRANSPOSE_CONV ---- */

/* x [1,2,2,1] (0.5, 1) through w [1,3,3,1] all ones (per channel [0.5])
   at stride 2, bias {2} (0.25), into y [1,H,W,1] (0.25, -3), fused RELU;
   `shape` is the output-shape input's H and W. TFLM's padding (SAME or
   VALID applied to the output's size, transpose_conv.cc's
   ComputePaddingHeightWidth) for H = 4, SAME: ceil(4 / 2) = 2 "outputs",
   total (2 - 1) * 2 + 3 - 4 = 1, so 0 rows above (the odd row is the
   offset, which the kernel ignores); the taps reach 2 * 1 + 3 = 5 rows,
   and the 5th is cut: pad_bottom 1. VALID, H = 5: (5 + 2 - 3) / 2 = 2,
   total 2 + 3 - 5 = 0. */
static uint8_t *tconv_model(const char *padding, int h, int shape_h,
                            size_t *len)
{
    char os[64], w[64], b[32];
    i8s(os, sizeof os, 16, (const int8_t *)(const int32_t[]){1, shape_h,
                                                             shape_h, 1});
    i8s(w, sizeof w, 9, (const int8_t[]){1, 1, 1, 1, 1, 1, 1, 1, 1});
    i8s(b, sizeof b, 4, (const int8_t *)(const int32_t[]){2});
    return model(len,
        "operator_codes: [{builtin_code: TRANSPOSE_CONV}],\n"
        "subgraphs: [{tensors: [\n"
        " {shape: [4], type: INT32, buffer: 1, name: \"oshape\"},\n"
        " {shape: [1, 3, 3, 1], type: INT8, buffer: 2, name: \"w\","
        "  quantization: {scale: [0.5], zero_point: [0]}},\n"
        " {shape: [1, 2, 2, 1], type: INT8, name: \"x\","
        "  quantization: {scale: [0.5], zero_point: [1]}},\n"
        " {shape: [1], type: INT32, buffer: 3, name: \"b\","
        "  quantization: {scale: [0.25], zero_point: [0]}},\n"
        " {shape: [1, %d, %d, 1], type: INT8, name: \"y\","
        "  quantization: {scale: [0.25], zero_point: [-3]}}],\n"
        " inputs: [2], outputs: [4], operators: [\n"
        " {opcode_index: 0, inputs: [0, 1, 2, 3], outputs: [4],"
        "  builtin_options_type: TransposeConvOptions,"
        "  builtin_options: {padding: %s, stride_w: 2, stride_h: 2,"
        "  fused_activation_function: RELU}}]}],\n"
        "buffers: [{}, {data: [%s]}, {data: [%s]}, {data: [%s]}]",
        h, h, padding, os, w, b);
}

/* SAME, 4x4: v = q - 1 = 2 -4 / 6 -8 lands on rows 2 iy + fy; row y
   sums input rows R(0) = R(1) = {0}, R(2) = {0,1}, R(3) = {1} (and
   columns alike):  2 2 -2 -4 / 2 2 -2 -4 / 8 8 -4 -12 / 6 6 -2 -8.
   Plus the bias 2, times s_in * s_w / s_out = 1, plus -3:
                    1 1 -3 -5 / 1 1 -3 -5 / 7 7 -5 -13 / 5 5 -3 -9,
   and RELU clamps at the zero point -3. TFLM before its 2026 fix (PR
   3278) ignored the fused activation in int8; TFLite and the float
   graph apply it, and so does the engine. */
START_TEST(transpose_conv_pads_from_the_output)
{
    size_t len;
    uint8_t *m = tconv_model("SAME", 4, 4, &len);
    graph g;
    import_ok(m, len, &g);
    free(m);
    ops_are(&g, 1, (const mcn_opcode[]){MCN_OP_TRANSPOSE_CONV});
    const graph_node *n = &g.nodes[0];
    ck_assert_int_eq(n->n_in, 3);
    ck_assert_str_eq(g.tensors[n->in[0]].name, "x");
    ck_assert_str_eq(g.tensors[n->in[1]].name, "w");
    ck_assert_str_eq(g.tensors[n->in[2]].name, "b");
    ck_assert_int_eq(n->stride_h, 2);
    ck_assert_int_eq(n->stride_w, 2);
    ck_assert_int_eq(n->pad_top, 0);
    ck_assert_int_eq(n->pad_left, 0);
    ck_assert_int_eq(n->pad_bottom, 1);
    ck_assert_int_eq(n->pad_right, 1);
    ck_assert_int_eq(n->act, MCN_ACT_RELU);
    const int8_t x[4] = {3, -3, 7, -7};
    int8_t y[16];
    run_int8(&g, (const int8_t *const[]){x}, y, 16);
    bytes_are(y, (const int8_t[]){1, 1, -3, -3, 1, 1, -3, -3,
                                  7, 7, -3, -3, 5, 5, -3, -3}, 16);

    m = tconv_model("VALID", 5, 5, &len);
    import_ok(m, len, &g);
    free(m);
    n = &g.nodes[0];
    ck_assert_int_eq(n->pad_top + n->pad_left + n->pad_bottom +
                     n->pad_right, 0);
    graph_free(&g);

    m = tconv_model("SAME", 4, 5, &len);
    expect_error(m, len, "operator 0 (TRANSPOSE_CONV): the output shape "
                 "'oshape' does not match the output [1,4,4,1]");
    free(m);
    /* SAME for 8 rows: 4 "outputs", total 3 * 2 + 3 - 8 = 1, 0 above;
       2 input rows reach 5, and 3 more are beyond any output padding. */
    m = tconv_model("SAME", 8, 8, &len);
    expect_error(m, len, "operator 0 (TRANSPOSE_CONV): output height 8 "
                 "does not fit input height 2 through a filter of 3 at "
                 "stride 2 (SAME padding puts 0 rows before the output)");
    free(m);
}
END_TEST

/* ---- LOGISTIC, TANH, HARD_SWISH, LEAKY_RELU ---- */

/* x [1,n] -> OP -> y [1,n], with `opts` after the operator's outputs. */
static uint8_t *unary_model(const char *op, const char *opts, int n,
                            double s_in, int zp_in, double s_out, int zp_out,
                            size_t *len)
{
    char qx[96], qy[96];
    return model(len,
        "operator_codes: [{builtin_code: %s}],\n"
        "subgraphs: [{tensors: [\n"
        " {shape: [1, %d], name: \"x\", %s},\n"
        " {shape: [1, %d], name: \"y\", %s}],\n"
        " inputs: [0], outputs: [1], operators: [\n"
        " {opcode_index: 0, inputs: [0], outputs: [1]%s}]}],\n"
        "buffers: [{}]",
        op, n, q8(qx, sizeof qx, true, s_in, zp_in), n,
        q8(qy, sizeof qy, true, s_out, zp_out), opts);
}

static void unary_case(const char *op, const char *opts, mcn_opcode code,
                       double s_in, int zp_in, double s_out, int zp_out,
                       int n, const int8_t *x, const int8_t *want)
{
    size_t len;
    graph g;
    uint8_t *m = unary_model(op, opts, n, s_in, zp_in, s_out, zp_out, &len);
    import_ok(m, len, &g);
    free(m);
    ops_are(&g, 1, &code);
    int8_t y[16];
    run_int8(&g, (const int8_t *const[]){x}, y, (size_t)n);
    bytes_are(y, want, n);
}

/* The input scale ln(3) / 64 is also atanh(1/2) / 32: q = 64 is ln 3,
   where the logistic is 3/4, and q = 32 is atanh(1/2). The others, with
   256 * logistic(s q) and 128 * tanh(s q) worked in double:
     q     100       -100      127       -128      20        10
     sig   217.008   38.992    230.002   25.600    149.759
     tanh  119.994  -119.994   124.770  -124.878             21.759   */
START_TEST(curves_hit_their_grids)
{
    const double s = (double)(float)(log(3.0) / 64);
    const int8_t xs[8] = {0, 64, -64, 100, -100, 127, -128, 20};
    unary_case("LOGISTIC", "", MCN_OP_LOGISTIC, s, 0, 1.0 / 256, -128, 8, xs,
               (const int8_t[]){0, 64, -64, 89, -89, 102, -102, 22});
    const int8_t xt[8] = {0, 32, -32, 100, -100, 127, -128, 10};
    unary_case("TANH", "", MCN_OP_TANH, s, 0, 1.0 / 128, 0, 8, xt,
               (const int8_t[]){0, 64, -64, 120, -120, 125, -125, 22});
    /* x * relu6(x + 3) / 6 at 1/8 in, 1/16 out with zero point -20:
       x 3 -> 48, -3 -> 0, 0, 1 -> 10.67, -1 -> -5.33, 5 -> 80,
       1.5 -> 18, -0.5 -> -3.33. */
    const int8_t xh[8] = {24, -24, 0, 8, -8, 40, 12, -4};
    unary_case("HARD_SWISH", "", MCN_OP_HARD_SWISH, 0.125, 0, 0.0625, -20, 8,
               xh, (const int8_t[]){28, -20, -20, -9, -25, 60, -2, -23});
    /* alpha 1/4, 1/2 in, 1/4 out with zero point 10: 2q above zero,
       q / 2 below. */
    const int8_t xl[6] = {6, -8, -2, 0, 50, -100};
    unary_case("LEAKY_RELU", ", builtin_options_type: LeakyReluOptions, "
               "builtin_options: {alpha: 0.25}", MCN_OP_LEAKY_RELU, 0.5, 0,
               0.25, 10, 6, xl, (const int8_t[]){22, 6, 9, 10, 110, -40});
}
END_TEST

/* The four in float: x feeds all of them, one model output each. */
START_TEST(curves_in_float)
{
    size_t len;
    uint8_t *m = model(&len,
        "operator_codes: [{builtin_code: LOGISTIC}, {builtin_code: TANH},"
        " {builtin_code: HARD_SWISH}, {builtin_code: LEAKY_RELU}],\n"
        "subgraphs: [{tensors: [{shape: [1, 6], name: \"x\"},"
        " {shape: [1, 6], name: \"s\"}, {shape: [1, 6], name: \"t\"},"
        " {shape: [1, 6], name: \"h\"}, {shape: [1, 6], name: \"l\"}],\n"
        " inputs: [0], outputs: [1, 2, 3, 4], operators: [\n"
        " {opcode_index: 0, inputs: [0], outputs: [1]},"
        " {opcode_index: 1, inputs: [0], outputs: [2]},"
        " {opcode_index: 2, inputs: [0], outputs: [3]},\n"
        " {opcode_index: 3, inputs: [0], outputs: [4],"
        "  builtin_options_type: LeakyReluOptions,"
        "  builtin_options: {alpha: -0.5}}]}],\n"
        "buffers: [{}]");
    graph g;
    import_ok(m, len, &g);
    free(m);
    ops_are(&g, 4, (const mcn_opcode[]){MCN_OP_LOGISTIC, MCN_OP_TANH,
                                        MCN_OP_HARD_SWISH,
                                        MCN_OP_LEAKY_RELU});
    ck_assert(g.nodes[3].alpha == -0.5f);
    const float x[6] = {-4, -1.5f, 0, 0.5f, 2, 5};
    float y[6];
    run_float(&g, (const float *const[]){x}, 0, y, 6);
    for (int i = 0; i < 6; i++)
        ck_assert_float_eq_tol(y[i], 1 / (1 + exp(-x[i])), 1e-6);
    run_float(&g, (const float *const[]){x}, 1, y, 6);
    for (int i = 0; i < 6; i++)
        ck_assert_float_eq_tol(y[i], tanh(x[i]), 1e-6);
    run_float(&g, (const float *const[]){x}, 2, y, 6);
    const float hs[6] = {0, -0.375f, 0, 0.5f * 3.5f / 6, 2 * 5.0f / 6, 5};
    for (int i = 0; i < 6; i++)
        ck_assert_float_eq_tol(y[i], hs[i], 1e-6);
    run_float(&g, (const float *const[]){x}, 3, y, 6);
    const float lr[6] = {2, 0.75f, 0, 0.5f, 2, 5};
    for (int i = 0; i < 6; i++)
        ck_assert_float_eq(y[i], lr[i]);
    graph_free(&g);
}
END_TEST

/* ---- QUANTIZE, DEQUANTIZE ---- */

/* int8 -> int8 inside the model: a requantization, (0.5, 0) into
   (0.25, 3): 3 + 2q, clamped. */
START_TEST(quantize_requantizes_inside)
{
    size_t len;
    uint8_t *m = unary_model("QUANTIZE", "", 5, 0.5, 0, 0.25, 3, &len);
    graph g;
    import_ok(m, len, &g);
    free(m);
    ops_are(&g, 1, (const mcn_opcode[]){MCN_OP_QUANTIZE});
    const int8_t x[5] = {0, 10, -10, 70, -70};
    int8_t y[5];
    run_int8(&g, (const int8_t *const[]){x}, y, 5);
    bytes_are(y, (const int8_t[]){3, 23, -17, 127, -128}, 5);
}
END_TEST

#define EDGES TU_SRC("tests/data/tflite/float_edges.json")

/* float x -> QUANTIZE -> RELU -> DEQUANTIZE -> float y: the graph is
   the RELU alone, between int8 edges named after the model's own. */
START_TEST(float_edges_fold_into_int8_edges)
{
    char *dir = tu_mkdtemp();
    size_t len;
    uint8_t *b = compile_file(dir, EDGES, &len);
    graph g;
    import_ok(b, len, &g);
    free(b);
    ops_are(&g, 1, (const mcn_opcode[]){MCN_OP_CLIP});
    for (int k = 0; k < 2; k++) {
        const graph_tensor *t =
            &g.tensors[k ? g.outputs[0] : g.inputs[0]];
        ck_assert_str_eq(t->name, k ? "y" : "x");
        ck_assert_int_eq(t->dtype, MCN_DT_INT8);
        ck_assert_int_eq(t->nscale, 1);
        ck_assert(t->scale[0] == 0.5f);
        ck_assert_int_eq(t->zero_point[0], -1);
    }
    ck_assert_int_eq(g.nodes[0].in[0], g.inputs[0]);
    ck_assert_int_eq(g.nodes[0].out[0], g.outputs[0]);
    ck_assert_int_eq(g.n_tensors, 2);
    graph_free(&g);

    /* mcn-run quantizes as TFLite's QUANTIZE: round(x / 0.5) half away
       from zero (1.25 -> 3, -1.25 -> -3, where half to even would give
       2, -2), -1, clamped: 2 -4 0 127 -2 0. RELU clamps at -1 (real 0);
       the output is 0.5 * (q + 1). */
    char cmd[2400], path[700], *err = NULL;
    mcn_err e;
    snprintf(path, sizeof path, "%s/x.npy", dir);
    float x[6] = {1.25f, -1.25f, 0.74f, 100, -0.3f, 0.25f};
    npy_array a = {.dtype = NPY_F32, .rank = 2, .shape = {1, 6},
                   .data = x, .nbytes = sizeof x};
    ck_assert_msg(npy_save(path, &a, &e) == 0, "%s", e.msg);
    snprintf(cmd, sizeof cmd,
             "cd '%s' && " TU_BIN("mcn-import") " float_edges.tflite -o m.mcn"
             " && " TU_BIN("mcn-run") " m.mcn x.npy -o y.npy", dir);
    ck_assert_msg(tu_run(cmd, NULL, &err) == 0, "%s", err);
    free(err);
    snprintf(path, sizeof path, "%s/y.npy", dir);
    ck_assert_msg(npy_load(path, &a, &e) == 0, "%s", e.msg);
    ck_assert_int_eq(a.dtype, NPY_F32);
    ck_assert_int_eq(a.rank, 2);
    ck_assert_int_eq(a.shape[1], 6);
    const float want[6] = {1.5f, 0, 0.5f, 64, 0, 0.5f};
    for (int i = 0; i < 6; i++)
        ck_assert_float_eq(((const float *)a.data)[i], want[i]);
    npy_free(&a);
    tu_rmdir(dir);
}
END_TEST

/* Conversions between float and int8 anywhere but the edge. */
START_TEST(conversions_inside_are_refused)
{
    size_t len;
    /* float x -> RELU -> r -> QUANTIZE: r is no model input. */
    uint8_t *m = model(&len,
        "operator_codes: [{builtin_code: RELU}, {builtin_code: QUANTIZE}],\n"
        "subgraphs: [{tensors: [{shape: [1, 4], name: \"x\"},"
        " {shape: [1, 4], name: \"r\"}, {shape: [1, 4], type: INT8,"
        "  name: \"q\", quantization: {scale: [0.5], zero_point: [0]}}],\n"
        " inputs: [0], outputs: [2], operators: [\n"
        " {opcode_index: 0, inputs: [0], outputs: [1]},"
        " {opcode_index: 1, inputs: [1], outputs: [2]}]}],\n"
        "buffers: [{}]");
    expect_error(m, len, "operator 1 (QUANTIZE): quantizes FLOAT32 'r' to "
                 "INT8 inside the model; only a model input nothing else "
                 "reads can be quantized (at the edge, by the tools)");
    free(m);
    /* int8 x -> DEQUANTIZE -> f -> RELU: f is read. */
    m = model(&len,
        "operator_codes: [{builtin_code: DEQUANTIZE}, {builtin_code: RELU}],\n"
        "subgraphs: [{tensors: [{shape: [1, 4], type: INT8, name: \"x\","
        "  quantization: {scale: [0.5], zero_point: [0]}},"
        " {shape: [1, 4], name: \"f\"}, {shape: [1, 4], name: \"y\"}],\n"
        " inputs: [0], outputs: [2], operators: [\n"
        " {opcode_index: 0, inputs: [0], outputs: [1]},"
        " {opcode_index: 1, inputs: [1], outputs: [2]}]}],\n"
        "buffers: [{}]");
    expect_error(m, len, "operator 0 (DEQUANTIZE): dequantizes INT8 'x' to "
                 "FLOAT32 inside the model; only a model output nothing "
                 "reads can be dequantized (at the edge, by the tools)");
    free(m);
}
END_TEST

START_TEST(bad_shapes_and_options_are_refused)
{
    size_t len;
    uint8_t *m = model(&len,
        "operator_codes: [{builtin_code: CONCATENATION}],\n"
        "subgraphs: [{tensors: [{shape: [1, 2], name: \"x\"},"
        " {shape: [1, 4], name: \"y\"}],\n"
        " inputs: [0], outputs: [1], operators: [\n"
        " {opcode_index: 0, inputs: [0, 0], outputs: [1],"
        "  builtin_options_type: ConcatenationOptions,"
        "  builtin_options: {axis: 1, fused_activation_function: RELU6}}]}],"
        "\nbuffers: [{}]");
    expect_error(m, len, "operator 0 (CONCATENATION): fused activation "
                 "RELU6 is not supported on a concatenation");
    free(m);
    m = model(&len,
        "operator_codes: [{builtin_code: MUL}],\n"
        "subgraphs: [{tensors: [{shape: [1, 2, 2, 2], name: \"a\"},"
        " {shape: [3], name: \"b\"}, {shape: [1, 2, 2, 2], name: \"y\"}],\n"
        " inputs: [0, 1], outputs: [2], operators: [\n"
        " {opcode_index: 0, inputs: [0, 1], outputs: [2]}]}],\n"
        "buffers: [{}]");
    expect_error(m, len, "operator 0 (MUL): inputs [1,2,2,2] and [3] do not "
                 "broadcast to the output [1,2,2,2]");
    free(m);
    m = model(&len,
        "operator_codes: [{builtin_code: PAD}],\n"
        "subgraphs: [{tensors: [{shape: [2, 2], name: \"x\"},"
        " {shape: [2, 2], type: INT32, buffer: 1, name: \"p\"},"
        " {shape: [2, 3], name: \"y\"}],\n"
        " inputs: [0], outputs: [2], operators: [\n"
        " {opcode_index: 0, inputs: [0, 1], outputs: [2]}]}],\n"
        "buffers: [{}, {data: [0, 0, 0, 0, 0, 0, 0, 0,"
        " 255, 255, 255, 255, 2, 0, 0, 0]}]");
    expect_error(m, len, "operator 0 (PAD): paddings -1 and 2 of axis 1 must "
                 "lie in 0..65535");
    free(m);
}
END_TEST

/* Random damage to the models above, where the new readers look
   (constant axes and paddings, PADV2's value, the edge): an error or a
   graph, never a bad read (ASan watches). */
START_TEST(damaged_models_fail_cleanly)
{
    size_t len[4];
    char v[16];
    uint8_t *b[4] = {
        pad_model(true, true, true, "type: INT8, quantization: {scale: "
                  "[0.5], zero_point: [-3]}", i8s(v, sizeof v, 1,
                                                  (const int8_t[]){7}),
                  &len[0]),
        mean_model(false, (const int32_t[]){-1, 3}, 2, false, "[1, 2, 3]",
                   &len[1]),
        concat6_model(true, &len[2]), NULL};
    char *dir = tu_mkdtemp();
    b[3] = compile_file(dir, EDGES, &len[3]);
    tu_rmdir(dir);
    uint32_t state = 4242;
    for (int m = 0; m < 4; m++) {
        uint8_t *c = malloc(len[m]);
        ck_assert_ptr_nonnull(c);
        for (int it = 0; it < 400; it++) {
            memcpy(c, b[m], len[m]);
            for (int k = 0; k < 2; k++) {
                state = state * 1664525u + 1013904223u;
                size_t pos = (state >> 8) % len[m];
                state = state * 1664525u + 1013904223u;
                c[pos] = (uint8_t)(state >> 24);
            }
            graph g;
            mcn_err e = {0};
            if (tflite_import(c, len[m], NULL, &g, &e) == 0)
                graph_free(&g);
            else
                ck_assert(e.msg[0] != 0);
        }
        free(c);
        free(b[m]);
    }
}
END_TEST

/* ---- RESHAPE chains ---- */

/* x [1,2,2,2] -> RESHAPE [1,8] -> SQUEEZE-like RESHAPE [8] -> y. */
static uint8_t *reshape_pair_model(bool int8, size_t *len)
{
    char qx[96], qh[96], qy[96];
    return model(len,
        "operator_codes: [{builtin_code: RESHAPE}],\n"
        "subgraphs: [{tensors: [\n"
        " {shape: [1, 2, 2, 2], name: \"x\", %s},\n"
        " {shape: [1, 8], name: \"h\", %s},\n"
        " {shape: [8], name: \"y\", %s}],\n"
        " inputs: [0], outputs: [2], operators: [\n"
        " {opcode_index: 0, inputs: [0], outputs: [1]},\n"
        " {opcode_index: 0, inputs: [1], outputs: [2]}]}],\n"
        "buffers: [{}]",
        q8(qx, sizeof qx, int8, 0.5, 1), q8(qh, sizeof qh, int8, 0.5, 1),
        q8(qy, sizeof qy, int8, 0.5, 1));
}

/* A float model's moves in a row become one (gpass_collapse_views); an
   int8 model keeps the nodes TFLM runs. */
START_TEST(float_reshapes_in_a_row_are_one)
{
    size_t len;
    graph g;
    uint8_t *m = reshape_pair_model(false, &len);
    import_ok(m, len, &g);
    free(m);
    ops_are(&g, 1, (const mcn_opcode[]){MCN_OP_RESHAPE});
    ck_assert_int_eq(g.nodes[0].in[0], g.inputs[0]);
    ck_assert_int_eq(g.nodes[0].out[0], g.outputs[0]);
    shape_is(&g.tensors[g.outputs[0]], 1, (const int32_t[]){8});
    const float xf[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    float yf[8];
    run_float(&g, (const float *const[]){xf}, 0, yf, 8);
    for (int i = 0; i < 8; i++)
        ck_assert_float_eq(yf[i], xf[i]);
    graph_free(&g);

    m = reshape_pair_model(true, &len);
    import_ok(m, len, &g);
    free(m);
    ops_are(&g, 2, (const mcn_opcode[]){MCN_OP_RESHAPE, MCN_OP_RESHAPE});
    graph_free(&g);
}
END_TEST

Suite *suite_tflite_ops(void)
{
    Suite *s = suite_create("tflite_ops");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, mul_broadcasts_a_constant_with_relu);
    tcase_add_test(tc, add_broadcasts_a_constant);
    tcase_add_test(tc, concat_joins_and_rescales);
    tcase_add_test(tc, concat_of_six_joins_in_steps);
    tcase_add_test(tc, pad_writes_its_constant);
    tcase_add_test(tc, mean_reads_axes_and_keep_dims);
    tcase_add_test(tc, transpose_conv_pads_from_the_output);
    tcase_add_test(tc, curves_hit_their_grids);
    tcase_add_test(tc, curves_in_float);
    tcase_add_test(tc, quantize_requantizes_inside);
    tcase_add_test(tc, float_edges_fold_into_int8_edges);
    tcase_add_test(tc, conversions_inside_are_refused);
    tcase_add_test(tc, bad_shapes_and_options_are_refused);
    tcase_add_test(tc, damaged_models_fail_cleanly);
    tcase_add_test(tc, float_reshapes_in_a_row_are_one);
    suite_add_tcase(s, tc);
    return s;
}
