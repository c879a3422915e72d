/* tflite_ops.c: which TFLite builtin becomes which graph node, and the
   operators that need no window or axis arithmetic: ADD, SUB, MUL, DIV,
   PRELU, RESHAPE, SQUEEZE, SOFTMAX, LOG_SOFTMAX and the activations. A new
   operator is one row in `table` and its translator. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tflite_internal.h"

bool tfl_same_shape(const graph_tensor *a, const graph_tensor *b)
{
    return a->rank == b->rank &&
           !memcmp(a->shape, b->shape, (size_t)a->rank * sizeof a->shape[0]);
}

void tfl_shape_str(const graph_tensor *t, char *s, size_t n)
{
    size_t k = (size_t)snprintf(s, n, "[");
    for (int d = 0; d < t->rank && k < n; d++)
        k += (size_t)snprintf(s + k, n - k, "%s%d", d ? "," : "",
                              (int)t->shape[d]);
    if (k < n)
        snprintf(s + k, n - k, "]");
}

/* y is a and b broadcast NumPy-style: aligned at the last axis, missing
   leading axes and axes of 1 stretched (what TFLite's broadcasting ADD
   and MUL do, and the graph's). */
static bool broadcasts_to(const graph_tensor *a, const graph_tensor *b,
                          const graph_tensor *y)
{
    int rank = a->rank > b->rank ? a->rank : b->rank;
    if (y->rank != rank)
        return false;
    for (int d = 0; d < rank; d++) {
        int ka = d - (rank - a->rank), kb = d - (rank - b->rank);
        int32_t da = ka < 0 ? 1 : a->shape[ka];
        int32_t db = kb < 0 ? 1 : b->shape[kb];
        if ((da != 1 && da != y->shape[d]) || (db != 1 && db != y->shape[d]) ||
            (da == 1 && db == 1 && y->shape[d] != 1))
            return false;
    }
    return true;
}

/* ADD, SUB, MUL and DIV: two operands, either may be a constant,
   broadcasting, and a fused activation (the first field of each one's
   options). */
static int binary(tfl_ctx *c, mcn_opcode op, uint8_t opt_type)
{
    int a, b, y;
    bool have;
    uint8_t act;
    char s1[96], s2[96], s3[96];
    _Static_assert(TFL_ADD_ACTIVATION == 0 && TFL_MUL_ACTIVATION == 0 &&
                   TFL_SUB_ACTIVATION == 0 && TFL_DIV_ACTIVATION == 0,
                   "one field id for every binary op's activation");
    if (tfl_options(c, opt_type, false, &have) ||
        tfl_opt_u8(c, TFL_ADD_ACTIVATION, 0, &act) ||
        tfl_input(c, 0, 0, &a) || tfl_input(c, 1, 0, &b) ||
        tfl_output(c, 0, &y))
        return -1;
    const graph_tensor *ta = &c->g->tensors[a], *tb = &c->g->tensors[b];
    if (!broadcasts_to(ta, tb, &c->g->tensors[y])) {
        tfl_shape_str(ta, s1, sizeof s1);
        tfl_shape_str(tb, s2, sizeof s2);
        tfl_shape_str(&c->g->tensors[y], s3, sizeof s3);
        return tfl_fail(c, "inputs %s and %s do not broadcast to the output "
                        "%s", s1, s2, s3);
    }
    int ins[2] = {a, b};
    int n = tfl_node(c, op, ins, 2, y);
    return n < 0 ? -1 : tfl_fused_act(c, act, &c->g->nodes[n]);
}

static int op_add(tfl_ctx *c)
{
    return binary(c, MCN_OP_ADD, TFL_OPT_ADD);
}

static int op_mul(tfl_ctx *c)
{
    return binary(c, MCN_OP_MUL, TFL_OPT_MUL);
}

static int op_sub(tfl_ctx *c)
{
    return binary(c, MCN_OP_SUB, TFL_OPT_SUB);
}

static int op_div(tfl_ctx *c)
{
    return binary(c, MCN_OP_DIV, TFL_OPT_DIV);
}

/* x >= 0 ? x : alpha * x with alpha (usually a per-channel constant)
   broadcast onto x: the output is x's shape. */
static int op_prelu(tfl_ctx *c)
{
    int x, alpha, y;
    char s1[96], s2[96];
    if (tfl_input(c, 0, TFL_IN_ACT, &x) || tfl_input(c, 1, 0, &alpha) ||
        tfl_output(c, 0, &y))
        return -1;
    const graph_tensor *tx = &c->g->tensors[x], *ta = &c->g->tensors[alpha];
    if (!tfl_same_shape(tx, &c->g->tensors[y]) || !broadcasts_to(tx, ta, tx)) {
        tfl_shape_str(ta, s1, sizeof s1);
        tfl_shape_str(tx, s2, sizeof s2);
        return tfl_fail(c, "the slope %s does not broadcast onto x %s (the "
                        "output must be x's shape)", s1, s2);
    }
    int ins[2] = {x, alpha};
    return tfl_node(c, MCN_OP_PRELU, ins, 2, y) < 0 ? -1 : 0;
}

/* RESHAPE and SQUEEZE only regroup elements; the output tensor's shape
   is the new shape (RESHAPE's shape input and options agree with it in
   any model TFLite accepts). */
static int op_reshape(tfl_ctx *c)
{
    int x, y;
    char s1[96], s2[96];
    if (tfl_input(c, 0, TFL_IN_ACT, &x) || tfl_output(c, 0, &y))
        return -1;
    const graph_tensor *tx = &c->g->tensors[x], *ty = &c->g->tensors[y];
    if (graph_tensor_elems(tx) != graph_tensor_elems(ty)) {
        tfl_shape_str(tx, s1, sizeof s1);
        tfl_shape_str(ty, s2, sizeof s2);
        return tfl_fail(c, "cannot reshape %s to %s", s1, s2);
    }
    return tfl_node(c, MCN_OP_RESHAPE, &x, 1, y) < 0 ? -1 : 0;
}

static int op_softmax(tfl_ctx *c)
{
    int x, y;
    bool have;
    float beta;
    if (tfl_options(c, TFL_OPT_SOFTMAX, true, &have) ||
        tfl_opt_f32(c, TFL_SOFTMAX_BETA, 0.0f, &beta) ||
        tfl_input(c, 0, TFL_IN_ACT, &x) || tfl_output(c, 0, &y))
        return -1;
    if (!tfl_same_shape(&c->g->tensors[x], &c->g->tensors[y]) ||
        c->g->tensors[x].rank < 1)
        return tfl_fail(c, "output shape differs from the input's");
    if (!(beta > 0.0f))
        return tfl_fail(c, "beta %g is not positive", (double)beta);
    int n = tfl_node(c, MCN_OP_SOFTMAX, &x, 1, y);
    if (n < 0)
        return -1;
    c->g->nodes[n].beta = beta;
    return 0;
}

/* log(softmax(x)) over the last axis; TFLite's has no beta (1). */
static int op_log_softmax(tfl_ctx *c)
{
    int x, y;
    if (tfl_input(c, 0, TFL_IN_ACT, &x) || tfl_output(c, 0, &y))
        return -1;
    if (!tfl_same_shape(&c->g->tensors[x], &c->g->tensors[y]) ||
        c->g->tensors[x].rank < 1)
        return tfl_fail(c, "output shape differs from the input's");
    int n = tfl_node(c, MCN_OP_LOG_SOFTMAX, &x, 1, y);
    if (n < 0)
        return -1;
    c->g->nodes[n].beta = 1.0f;
    return 0;
}

/* RELU, RELU6, RELU_N1_TO_1 -> CLIP carrying that activation. */
static int clip(tfl_ctx *c, uint8_t fused_code)
{
    int x, y;
    if (tfl_input(c, 0, TFL_IN_ACT, &x) || tfl_output(c, 0, &y))
        return -1;
    if (!tfl_same_shape(&c->g->tensors[x], &c->g->tensors[y]))
        return tfl_fail(c, "output shape differs from the input's");
    int n = tfl_node(c, MCN_OP_CLIP, &x, 1, y);
    return n < 0 ? -1 : tfl_fused_act(c, fused_code, &c->g->nodes[n]);
}

static int op_relu(tfl_ctx *c)
{
    return clip(c, 1);
}

static int op_relu_n1_to_1(tfl_ctx *c)
{
    return clip(c, 2);
}

static int op_relu6(tfl_ctx *c)
{
    return clip(c, 3);
}

/* An elementwise op of one activation; its node, or -1. */
static int unary(tfl_ctx *c, mcn_opcode op)
{
    int x, y;
    if (tfl_input(c, 0, TFL_IN_ACT, &x) || tfl_output(c, 0, &y))
        return -1;
    if (!tfl_same_shape(&c->g->tensors[x], &c->g->tensors[y]))
        return tfl_fail(c, "output shape differs from the input's");
    return tfl_node(c, op, &x, 1, y);
}

static int op_logistic(tfl_ctx *c)
{
    return unary(c, MCN_OP_LOGISTIC) < 0 ? -1 : 0;
}

static int op_tanh(tfl_ctx *c)
{
    return unary(c, MCN_OP_TANH) < 0 ? -1 : 0;
}

static int op_hard_swish(tfl_ctx *c)
{
    return unary(c, MCN_OP_HARD_SWISH) < 0 ? -1 : 0;
}

/* x >= 0 ? x : alpha * x; alpha defaults to 0 as in the schema. */
static int op_leaky_relu(tfl_ctx *c)
{
    bool have;
    float alpha;
    if (tfl_options(c, TFL_OPT_LEAKY_RELU, false, &have) ||
        tfl_opt_f32(c, TFL_LEAKY_RELU_ALPHA, 0.0f, &alpha))
        return -1;
    if (!isfinite(alpha))
        return tfl_fail(c, "alpha %g is not finite", (double)alpha);
    int n = unary(c, MCN_OP_LEAKY_RELU);
    if (n < 0)
        return -1;
    c->g->nodes[n].alpha = alpha;
    return 0;
}

/* x < 0 ? exp(x) - 1 : x: ONNX's Elu with alpha 1. */
static int op_elu(tfl_ctx *c)
{
    int n = unary(c, MCN_OP_ELU);
    if (n < 0)
        return -1;
    c->g->nodes[n].alpha = 1.0f;
    return 0;
}

static const struct {
    int32_t code;
    tfl_op_fn fn;
} table[] = {
    {TFL_OP_ADD, op_add},
    {TFL_OP_AVERAGE_POOL_2D, tfl_op_avgpool},
    {TFL_OP_CONCATENATION, tfl_op_concat},
    {TFL_OP_CONV_2D, tfl_op_conv},
    {TFL_OP_DEPTHWISE_CONV_2D, tfl_op_depthwise},
    {TFL_OP_DEQUANTIZE, tfl_op_dequantize},
    {TFL_OP_FULLY_CONNECTED, tfl_op_fc},
    {TFL_OP_LOGISTIC, op_logistic},
    {TFL_OP_MAX_POOL_2D, tfl_op_maxpool},
    {TFL_OP_MUL, op_mul},
    {TFL_OP_RELU, op_relu},
    {TFL_OP_RELU_N1_TO_1, op_relu_n1_to_1},
    {TFL_OP_RELU6, op_relu6},
    {TFL_OP_RESHAPE, op_reshape},
    {TFL_OP_SOFTMAX, op_softmax},
    {TFL_OP_TANH, op_tanh},
    {TFL_OP_PAD, tfl_op_pad},
    {TFL_OP_MEAN, tfl_op_mean},
    {TFL_OP_SQUEEZE, op_reshape},
    {TFL_OP_PADV2, tfl_op_pad},
    {TFL_OP_LEAKY_RELU, op_leaky_relu},
    {TFL_OP_QUANTIZE, tfl_op_quantize},
    {TFL_OP_HARD_SWISH, op_hard_swish},
    {TFL_OP_RESIZE_BILINEAR, tfl_op_resize_bilinear},
    {TFL_OP_RESIZE_NEAREST_NEIGHBOR, tfl_op_resize_nearest},
    {TFL_OP_TRANSPOSE, tfl_op_transpose},
    {TFL_OP_STRIDED_SLICE, tfl_op_strided_slice},
    {TFL_OP_SLICE, tfl_op_slice},
    {TFL_OP_TRANSPOSE_CONV, tfl_op_transpose_conv},
    {TFL_OP_SUB, op_sub},
    {TFL_OP_DIV, op_div},
    {TFL_OP_LOG_SOFTMAX, op_log_softmax},
    {TFL_OP_PRELU, op_prelu},
    {TFL_OP_ELU, op_elu},
};

tfl_op_fn tfl_op_lookup(int32_t code)
{
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (table[i].code == code)
            return table[i].fn;
    return NULL;
}
