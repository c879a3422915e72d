/* test_tflite_elem.c: the TFLite builtins SUB (41), DIV (42), LOG_SOFTMAX
   (50), PRELU (54) and ELU (111). Each model is JSON compiled by flatc
   with schemas/tflite.fbs, imported, checked node by node, and run: int8
   models packed on the engine, float ones on the float reference. Scales
   are picked so each int8 output follows by hand from the float maths
   (exact multipliers where the kernel rescales; ELU's and LOG_SOFTMAX's
   points as test_kernel_lut.c and test_kernel_log_softmax.c work them). */
#include <check.h>
#include <math.h>
#include <stdlib.h>

#include "pack.h"
#include "test_tflite_util.h"

/* ---- SUB, DIV ---- */

/* a [1,2,2,2] OP b [2] (a constant, broadcast over the channels), with a
   fused activation. */
static uint8_t *binary_model(const char *op, const char *act, bool int8,
                             double s_a, int zp_a, double s_b, int zp_b,
                             const char *b, double s_y, int zp_y, size_t *len)
{
    char qa[96], qb[96], qy[96];
    return model(len,
        "operator_codes: [{builtin_code: %s}],\n"
        "subgraphs: [{tensors: [\n"
        " {shape: [1, 2, 2, 2], name: \"a\", %s},\n"
        " {shape: [2], buffer: 1, name: \"b\", %s},\n"
        " {shape: [1, 2, 2, 2], name: \"y\", %s}],\n"
        " inputs: [0], outputs: [2], operators: [\n"
        " {opcode_index: 0, inputs: [0, 1], outputs: [2],"
        "  builtin_options_type: %sOptions,"
        "  builtin_options: {fused_activation_function: %s}}]}],\n"
        "buffers: [{}, {data: [%s]}]",
        op, q8(qa, sizeof qa, int8, s_a, zp_a),
        q8(qb, sizeof qb, int8, s_b, zp_b),
        q8(qy, sizeof qy, int8, s_y, zp_y),
        op[0] == 'S' ? "Sub" : "Div", act, b);
}

static void import_one(const uint8_t *m, size_t len, graph *g, mcn_opcode op)
{
    import_ok(m, len, g);
    ops_are(g, 1, &op);
}

static const int8_t x8[8] = {1, 3, 5, -9, 30, -40, 20, -100};
static const float xf[8] = {0, 1, 2, -5, 14.5f, -20.5f, 9.5f, -50.5f};

/* OP in int8 (b's bytes b8) and in float (b's values bf), each to the
   bytes or values wanted; the fused activation `act` on both. */
typedef struct {
    const char *op, *act;
    mcn_opcode code;
    mcn_activation fused;
    double s_a, s_b, s_y;
    int zp_a, zp_b, zp_y;
    int8_t b8[2], want8[8];
    float bf[2], wantf[8];
} binary_case;

static void run_binary(const binary_case *k)
{
    size_t len;
    char b[64];
    graph g;
    uint8_t *m = binary_model(k->op, k->act, true, k->s_a, k->zp_a, k->s_b,
                              k->zp_b, i8s(b, sizeof b, 2, k->b8), k->s_y,
                              k->zp_y, &len);
    import_one(m, len, &g, k->code);
    free(m);
    ck_assert_int_eq(g.nodes[0].act, k->fused);
    int8_t y[8];
    run_int8(&g, (const int8_t *const[]){x8}, y, 8);
    bytes_are(y, k->want8, 8);

    m = binary_model(k->op, k->act, false, 0, 0, 0, 0,
                     f32s(b, sizeof b, 2, k->bf), 0, 0, &len);
    import_one(m, len, &g, k->code);
    free(m);
    ck_assert_int_eq(g.nodes[0].act, k->fused);
    float yf[8];
    run_float(&g, (const float *const[]){xf}, 0, yf, 8);
    for (int i = 0; i < 8; i++)
        ck_assert_float_eq(yf[i], k->wantf[i]);
    graph_free(&g);
}

/* int8: every scale 0.5, so TFLM's SUB is exact: y = -10 + (a - 1) -
   (b + 2), b + 2 = {4, -4} by channel:
     a - 1 = {0, 2, 4, -10, 29, -41, 19, -101}
     - {4, -4, ...} - 10 = {-14, -4, -10, -16, 15, -47, 5, -107}
   and the RELU clamps at the zero point, -10. Float: b = {2, -2}. */
START_TEST(sub_broadcasts_with_relu)
{
    static const binary_case k = {
        "SUB", "RELU", MCN_OP_SUB, MCN_ACT_RELU, 0.5, 0.5, 0.5, 1, -2, -10,
        {2, -6}, {-10, -4, -10, -10, 15, -10, 5, -10},
        {2.0f, -2.0f}, {0, 3, 0, 0, 12.5f, 0, 7.5f, 0}};
    run_binary(&k);
}
END_TEST

/* int8: a (0.5, 1) / b [2] (0.25, 0) = {8, -4}, i.e. 2 and -1, into
   (0.25, 0): 0.5 / (0.25 * 0.25) = 8 -> (2^30, 4), and y = 2 (a - 1) /
   (2, -1) by channel = (a - 1) and -2 (a - 1):
     {0, -4, 4, 20, 29, 82, 19, 202}
   with RELU6 clamping to [0, 24] (6 / 0.25). Float: b = {2, -1}. */
START_TEST(div_broadcasts_with_relu6)
{
    static const binary_case k = {
        "DIV", "RELU6", MCN_OP_DIV, MCN_ACT_RELU6, 0.5, 0.25, 0.25, 1, 0, 0,
        {8, -4}, {0, 0, 4, 20, 24, 24, 19, 24},
        {2.0f, -1.0f}, {0, 0, 1, 5, 6, 6, 4.75f, 6}};
    run_binary(&k);
}
END_TEST

/* ---- PRELU ---- */

/* x [1,2,2,2] and the slope alpha (a constant of shape `ashape`). */
static uint8_t *prelu_model(bool int8, const char *ashape, const char *a,
                            size_t *len)
{
    char qx[96], qa[96], qy[96];
    return model(len,
        "operator_codes: [{builtin_code: PRELU}],\n"
        "subgraphs: [{tensors: [\n"
        " {shape: [1, 2, 2, 2], name: \"x\", %s},\n"
        " {shape: %s, buffer: 1, name: \"alpha\", %s},\n"
        " {shape: [1, 2, 2, 2], name: \"y\", %s}],\n"
        " inputs: [0], outputs: [2], operators: [\n"
        " {opcode_index: 0, inputs: [0, 1], outputs: [2]}]}],\n"
        "buffers: [{}, {data: [%s]}]",
        q8(qx, sizeof qx, int8, 0.5, 0), ashape,
        q8(qa, sizeof qa, int8, 0.125, 0),
        q8(qy, sizeof qy, int8, 0.25, 0), a);
}

/* int8: x (0.5, 0), alpha [1,1,2] (0.125, 0) = {2, -4}, i.e. 0.25 and
   -0.5, into (0.25, 0): multipliers 0.5 / 0.25 = 2 and 0.5 * 0.125 /
   0.25 = 0.25, exact.
     x real {1, 2, -1, 3, -2, -4, 5, -5} (channels 0, 1, ...)
     y real {1, 2, -0.25, 3, -0.5, 2, 5, 2.5} -> {4, 8, -1, 12, -2, 8, 20, 10}
   The same in float. */
START_TEST(prelu_per_channel)
{
    size_t len;
    char a[64];
    graph g;
    uint8_t *m = prelu_model(true, "[1, 1, 2]",
                             i8s(a, sizeof a, 2, (const int8_t[]){2, -4}),
                             &len);
    import_one(m, len, &g, MCN_OP_PRELU);
    free(m);
    const graph_tensor *t = &g.tensors[g.nodes[0].in[1]];
    ck_assert(t->data != NULL && t->dtype == MCN_DT_INT8);
    const int8_t x[8] = {2, 4, -2, 6, -4, -8, 10, -10};
    int8_t y[8];
    run_int8(&g, (const int8_t *const[]){x}, y, 8);
    bytes_are(y, (const int8_t[]){4, 8, -1, 12, -2, 8, 20, 10}, 8);

    m = prelu_model(false, "[2]",
                    f32s(a, sizeof a, 2, (const float[]){0.25f, -0.5f}),
                    &len);
    import_one(m, len, &g, MCN_OP_PRELU);
    free(m);
    const float xr[8] = {1, 2, -1, 3, -2, -4, 5, -5};
    const float want[8] = {1, 2, -0.25f, 3, -0.5f, 2, 5, 2.5f};
    float yf[8];
    run_float(&g, (const float *const[]){xr}, 0, yf, 8);
    for (int i = 0; i < 8; i++)
        ck_assert_float_eq(yf[i], want[i]);
    graph_free(&g);

    /* A slope that would stretch x is refused. */
    m = prelu_model(false, "[3]",
                    f32s(a, sizeof a, 3, (const float[]){1, 2, 3}), &len);
    expect_error(m, len, "operator 0 (PRELU): the slope [3] does not "
                    "broadcast onto x [1,2,2,2] (the output must be x's "
                    "shape)");
    free(m);
}
END_TEST

/* ---- ELU, LOG_SOFTMAX ---- */

/* x [1,n] -> OP -> y [1,n]; float when s_in is 0. */
static uint8_t *unary_model(const char *op, int n, double s_in, int zp_in,
                            double s_out, int zp_out, size_t *len)
{
    char qx[96], qy[96];
    return model(len,
        "operator_codes: [{builtin_code: %s}],\n"
        "subgraphs: [{tensors: [\n"
        " {shape: [%d, %d], name: \"x\", %s},\n"
        " {shape: [%d, %d], name: \"y\", %s}],\n"
        " inputs: [0], outputs: [1], operators: [\n"
        " {opcode_index: 0, inputs: [0], outputs: [1]}]}],\n"
        "buffers: [{}]",
        op, n / 2, 2, q8(qx, sizeof qx, s_in > 0, s_in, zp_in), n / 2, 2,
        q8(qy, sizeof qy, s_in > 0, s_out, zp_out));
}

/* int8 at (0.05, 10) -> (0.04, -100), TFLM's table (test_kernel_lut's
   points): q 10 is 0, 30 is 1.0, 0 is -0.5, -10 is -1, 127 is 5.85,
   -128 is -6.9. Float: x < 0 ? e^x - 1 : x, alpha 1. */
START_TEST(elu_is_tflms_table)
{
    size_t len;
    graph g;
    uint8_t *m = unary_model("ELU", 6, 0.05, 10, 0.04, -100, &len);
    import_one(m, len, &g, MCN_OP_ELU);
    free(m);
    ck_assert(g.nodes[0].alpha == 1.0f);
    const int8_t x[6] = {10, 30, 0, -10, 127, -128};
    int8_t y[6];
    run_int8(&g, (const int8_t *const[]){x}, y, 6);
    bytes_are(y, (const int8_t[]){-100, -75, -110, -116, 46, -125}, 6);

    m = unary_model("ELU", 6, 0, 0, 0, 0, &len);
    import_one(m, len, &g, MCN_OP_ELU);
    free(m);
    const float xr[6] = {0, 1, -1, -0.5f, 2, -10};
    float yf[6];
    run_float(&g, (const float *const[]){xr}, 0, yf, 6);
    for (int i = 0; i < 6; i++) {
        double want = xr[i] < 0 ? expm1((double)xr[i]) : xr[i];
        ck_assert(fabs(yf[i] - want) <= 1e-6);
    }
    graph_free(&g);
}
END_TEST

/* int8 rows {0, 0} and {16, 0} at 1/16 into TFLM's fixed grid (16/256,
   127): -log 2 -> 116, 116; -0.3133, -1.3133 -> 122, 106. A model with
   another output grid imports (the scales are the file's) but does not
   pack. Float: log-softmax of {1, 2} and {-1, 3}. */
START_TEST(log_softmax_on_tflms_grid)
{
    size_t len;
    graph g;
    uint8_t *m = unary_model("LOG_SOFTMAX", 4, 1.0 / 16, 0, 16.0 / 256, 127,
                             &len);
    import_one(m, len, &g, MCN_OP_LOG_SOFTMAX);
    free(m);
    ck_assert(g.nodes[0].beta == 1.0f);
    const int8_t x[4] = {0, 0, 16, 0};
    int8_t y[4];
    run_int8(&g, (const int8_t *const[]){x}, y, 4);
    bytes_are(y, (const int8_t[]){116, 116, 122, 106}, 4);

    m = unary_model("LOG_SOFTMAX", 4, 1.0 / 16, 0, 1.0 / 256, -128, &len);
    import_one(m, len, &g, MCN_OP_LOG_SOFTMAX);
    free(m);
    mcn_err e = {0};
    ck_assert_int_eq(pack_graph(&g, NULL, &e), -1);
    ck_assert_str_eq(e.msg, "node 0 'y' (LOG_SOFTMAX): output must have "
                     "scale 1/16 and zero point 127 (has 0.00390625, -128)");
    graph_free(&g);

    m = unary_model("LOG_SOFTMAX", 4, 0, 0, 0, 0, &len);
    import_one(m, len, &g, MCN_OP_LOG_SOFTMAX);
    free(m);
    const float xr[4] = {1, 2, -1, 3};
    float yf[4];
    run_float(&g, (const float *const[]){xr}, 0, yf, 4);
    const double l1 = log(1 + exp(-1.0)), l4 = log(1 + exp(-4.0));
    const double want[4] = {-1 - l1, -l1, -4 - l4, -l4};
    for (int i = 0; i < 4; i++)
        ck_assert(fabs(yf[i] - want[i]) <= 1e-6);
    graph_free(&g);
}
END_TEST

Suite *suite_tflite_elem(void)
{
    Suite *s = suite_create("tflite_elem");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, sub_broadcasts_with_relu);
    tcase_add_test(tc, div_broadcasts_with_relu6);
    tcase_add_test(tc, prelu_per_channel);
    tcase_add_test(tc, elu_is_tflms_table);
    tcase_add_test(tc, log_softmax_on_tflms_grid);
    suite_add_tcase(s, tc);
    return s;
}
