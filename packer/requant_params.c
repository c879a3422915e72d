/*
** requant_params.c: check one node's int8 form and derive its Requant
** (pack.h). The engine trusts these numbers, so every scale they come from
** is checked here first: a zero or NaN scale would otherwise become a zero
** multiplier and silently wrong outputs.
*/
#include "pack.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qmath.h"
#include "qrules.h"
#include "requant_internal.h"

/* CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED: one multiplier per output
   channel, from s_in * s_w[c] / s_out. */
int rq_weighted(graph *g, int i, const rq_node *c, mcn_err *e)
{
    graph_node *nd = &g->nodes[i];
    if (nd->n_in < 2)
        return mcn_fail(e, "%s: no weights", c->who);
    if (rq_check_act(g, c, nd->in[0], "input", e) ||
        rq_check_act(g, c, nd->out[0], "output", e))
        return -1;
    int wi = nd->in[1];
    if (wi < 0 || wi >= g->n_tensors || !graph_is_const(g, wi))
        return mcn_fail(e, "%s: weights are not a constant", c->who);
    const graph_tensor *w = &g->tensors[wi];
    int rank = nd->op == MCN_OP_FULLY_CONNECTED ? 2 : 4;
    if (w->dtype != MCN_DT_INT8 || w->rank != rank || w->nscale < 1)
        return mcn_fail(e, "%s: weights must be quantized int8 of rank %d",
                        c->who, rank);
    int channels = w->shape[nd->op == MCN_OP_DEPTHWISE_CONV_2D ? 3 : 0];
    if (channels < 1)
        return mcn_fail(e, "%s: weights have no output channels", c->who);
    if (w->nscale != 1 && w->nscale != channels)
        return mcn_fail(e, "%s: weights have %d scales for %d output "
                        "channels", c->who, w->nscale, channels);
    for (int k = 0; k < w->nscale; k++) {
        if (!(isfinite(w->scale[k]) && w->scale[k] > 0.0f))
            return mcn_fail(e, "%s: weight scale %d is %g", c->who, k,
                            (double)w->scale[k]);
        if (w->zero_point[k] != 0)
            return mcn_fail(e, "%s: weights must be symmetric (zero point "
                            "%d is %d)", c->who, k, (int)w->zero_point[k]);
    }
    if (nd->n_in >= 3 && nd->in[2] >= 0) {
        int bi = nd->in[2];
        if (bi >= g->n_tensors || !graph_is_const(g, bi) ||
            g->tensors[bi].dtype != MCN_DT_INT32 ||
            graph_tensor_elems(&g->tensors[bi]) != channels)
            return mcn_fail(e, "%s: bias must be %d int32 constants",
                            c->who, channels);
    }
    if (rq_set(nd, w->nscale))
        return mcn_fail(e, "out of memory");
    float s_in = g->tensors[nd->in[0]].scale[0];
    float s_out = g->tensors[nd->out[0]].scale[0];
    for (int k = 0; k < w->nscale; k++) {
        int shift;
        /* TFLM's per-tensor FULLY_CONNECTED multiplies s_in * s_w in
           float; everything else in double (qmath.h). */
        if (nd->op == MCN_OP_FULLY_CONNECTED && w->nscale == 1)
            qmath_fc_multiplier(s_in, w->scale[0], s_out,
                                &nd->rq.multiplier[0], &shift);
        else
            qmath_conv_multiplier(s_in, w->scale[k], s_out,
                                  &nd->rq.multiplier[k], &shift);
        if (shift > 31)
            return mcn_fail(e, "%s: s_in * s_w / s_out is too large for "
                            "int8 arithmetic (2^%d)", c->who, shift);
        nd->rq.shift[k] = shift;
    }
    rq_act_range(nd, nd->act, &g->tensors[nd->out[0]]);
    return 0;
}

/* A node packed before keeps its input 2, the engine's table
   (pack_kernels.c), when it is one. */
static int packed_table(const graph *g, const graph_node *nd)
{
    if (nd->n_in != 3 || !graph_is_const(g, nd->in[2]))
        return 0;
    const graph_tensor *t = &g->tensors[nd->in[2]];
    return t->dtype == MCN_DT_INT32 && t->rank == 1 &&
           t->shape[0] == MCN_PLAN_ADD_LUT_LEN;
}

/* ADD and SUB: one kernel; TFLM derives SUB's multipliers in float. */
static int add(graph *g, int i, const rq_node *c, mcn_err *e)
{
    graph_node *nd = &g->nodes[i];
    graph_node two = *nd;
    if (packed_table(g, nd))
        two.n_in = 2;
    if (rq_check_binary(g, &two, c, e))
        return -1;
    qmath_add p;
    float s1 = g->tensors[nd->in[0]].scale[0];
    float s2 = g->tensors[nd->in[1]].scale[0];
    float s_out = g->tensors[nd->out[0]].scale[0];
    if (nd->op == MCN_OP_SUB ? qmath_sub_params(s1, s2, s_out, &p)
                             : qmath_add_params(s1, s2, s_out, &p))
        return mcn_fail(e, "%s: input and output scales are too far apart "
                        "for int8 %s", c->who, graph_op_name(nd->op));
    if (rq_set(nd, 1))
        return mcn_fail(e, "out of memory");
    nd->rq.multiplier[0] = p.output_multiplier;
    nd->rq.shift[0] = p.output_shift;
    nd->rq.left_shift = p.left_shift;
    nd->rq.input1_multiplier = p.input1_multiplier;
    nd->rq.input1_shift = p.input1_shift;
    nd->rq.input2_multiplier = p.input2_multiplier;
    nd->rq.input2_shift = p.input2_shift;
    rq_act_range(nd, nd->act, &g->tensors[nd->out[0]]);
    return 0;
}

/* Pools, CLIP and RESHAPE move int8 values without rescaling them. */
static int same_quant(graph *g, int i, const rq_node *c, mcn_err *e)
{
    graph_node *nd = &g->nodes[i];
    if (nd->n_in < 1)
        return mcn_fail(e, "%s: no input", c->who);
    if (rq_check_act(g, c, nd->in[0], "input", e) ||
        rq_check_act(g, c, nd->out[0], "output", e) ||
        rq_check_same_quant(g, c, nd->in[0], nd->out[0], e))
        return -1;
    const graph_tensor *y = &g->tensors[nd->out[0]];
    if (nd->op == MCN_OP_RESHAPE)
        return rq_set_none(nd, e);
    if (rq_set(nd, 0))
        return -1;
    /* A standalone CLIP states its bounds as floats unless it is a plain
       RELU / RELU6. */
    mcn_activation act = nd->act;
    if (nd->op == MCN_OP_CLIP && act == MCN_ACT_NONE)
        act = MCN_ACT_CLIP;
    rq_act_range(nd, act, y);
    return 0;
}

static int softmax(graph *g, int i, const rq_node *c, mcn_err *e)
{
    graph_node *nd = &g->nodes[i];
    if (nd->n_in < 1)
        return mcn_fail(e, "%s: no input", c->who);
    if (rq_check_act(g, c, nd->in[0], "input", e) ||
        rq_check_act(g, c, nd->out[0], "output", e) ||
        rq_check_fixed_output(g, nd, c, e))
        return -1;
    int32_t mult, diff_min;
    int shift;
    if (qmath_softmax_params((double)nd->beta,
                             (double)g->tensors[nd->in[0]].scale[0], &mult,
                             &shift, &diff_min))
        return mcn_fail(e, "%s: beta %g and input scale %g are out of range",
                        c->who, (double)nd->beta,
                        (double)g->tensors[nd->in[0]].scale[0]);
    if (rq_set(nd, 1))
        return mcn_fail(e, "out of memory");
    nd->rq.multiplier[0] = mult;
    nd->rq.shift[0] = shift;
    nd->rq.diff_min = diff_min;
    return 0;
}

static int requantize(graph *g, int i, const rq_node *c, mcn_err *e)
{
    graph_node *nd = &g->nodes[i];
    if (nd->n_in < 1)
        return mcn_fail(e, "%s: no input", c->who);
    if (nd->in[0] >= 0 && nd->in[0] < g->n_tensors &&
        g->tensors[nd->in[0]].dtype == MCN_DT_FLOAT32)
        return mcn_fail(e, "%s: float input; the engine runs int8 only "
                        "(the tools quantize at the model's edge)", c->who);
    if (rq_check_act(g, c, nd->in[0], "input", e) ||
        rq_check_act(g, c, nd->out[0], "output", e))
        return -1;
    if (rq_set(nd, 1))
        return mcn_fail(e, "out of memory");
    int shift;
    qmath_requantize_multiplier(g->tensors[nd->in[0]].scale[0],
                                g->tensors[nd->out[0]].scale[0],
                                &nd->rq.multiplier[0], &shift);
    if (shift > 31)
        return mcn_fail(e, "%s: s_in / s_out is too large for int8 "
                        "arithmetic (2^%d)", c->who, shift);
    nd->rq.shift[0] = shift;
    return 0;
}

static int mul(graph *g, int i, const rq_node *c, mcn_err *e)
{
    graph_node *nd = &g->nodes[i];
    if (rq_check_binary(g, nd, c, e))
        return -1;
    int32_t mult;
    int shift;
    qmath_mul_multiplier(g->tensors[nd->in[0]].scale[0],
                         g->tensors[nd->in[1]].scale[0],
                         g->tensors[nd->out[0]].scale[0], &mult, &shift);
    if (shift > 31)
        return mcn_fail(e, "%s: s_1 * s_2 / s_out is too large for int8 "
                        "arithmetic (2^%d)", c->who, shift);
    return rq_set_multiplier(g, nd, mult, shift, e);
}

/* One requantization per input: the identity (2^30, 1) wherever the
   quantizer managed to give the input the output's parameters. */
static int concat(graph *g, int i, const rq_node *c, mcn_err *e)
{
    graph_node *nd = &g->nodes[i];
    if (nd->n_in < 1)
        return mcn_fail(e, "%s: no input", c->who);
    if (rq_no_fused_activation(nd, c, e) ||
        rq_check_act(g, c, nd->out[0], "output", e))
        return -1;
    for (int k = 0; k < nd->n_in; k++) {
        char role[24];
        snprintf(role, sizeof role, "input %d", k);
        if (rq_check_act(g, c, nd->in[k], role, e))
            return -1;
    }
    if (rq_set(nd, nd->n_in))
        return mcn_fail(e, "out of memory");
    float s_out = g->tensors[nd->out[0]].scale[0];
    for (int k = 0; k < nd->n_in; k++) {
        int shift;
        qmath_requantize_multiplier(g->tensors[nd->in[k]].scale[0], s_out,
                                    &nd->rq.multiplier[k], &shift);
        if (shift > 31)
            return mcn_fail(e, "%s: s_in / s_out of input %d is too large "
                            "for int8 arithmetic (2^%d)", c->who, k, shift);
        nd->rq.shift[k] = shift;
    }
    return 0;
}

/* PAD moves bytes, so input and output share quantization; CONSTANT
   writes its value quantized at the output's parameters. */
static int pad(graph *g, int i, const rq_node *c, mcn_err *e)
{
    graph_node *nd = &g->nodes[i];
    if (rq_check_moves_bytes(g, nd, c, e))
        return -1;
    const graph_tensor *y = &g->tensors[nd->out[0]];
    if (nd->pad_mode == MCN_PAD_CONSTANT && !isfinite(nd->pad_value))
        return mcn_fail(e, "%s: the pad value is %g", c->who,
                        (double)nd->pad_value);
    if (rq_set(nd, 1))
        return mcn_fail(e, "out of memory");
    nd->rq.multiplier[0] = nd->pad_mode == MCN_PAD_CONSTANT
        ? qmath_quantize_value(nd->pad_value, y->scale[0], y->zero_point[0])
        : y->zero_point[0];
    nd->rq.shift[0] = 0;
    return 0;
}

/* MEAN: the count each output averages comes from the input's shape and
   the axes (none: all of them, as the engine reads it). */
static int mean(graph *g, int i, const rq_node *c, mcn_err *e)
{
    graph_node *nd = &g->nodes[i];
    if (rq_check_unary(g, nd, c, e))
        return -1;
    const graph_tensor *x = &g->tensors[nd->in[0]];
    int reduced[MCN_MAX_DIMS] = {0};
    if (nd->n_ints < 0 || nd->n_ints > x->rank)
        return mcn_fail(e, "%s: %d axes for a %d-D input", c->who,
                        nd->n_ints, x->rank);
    for (int d = 0; d < x->rank; d++)
        reduced[d] = nd->n_ints == 0;
    for (int k = 0; k < nd->n_ints; k++) {
        int a = nd->ints[k] < 0 ? nd->ints[k] + x->rank : nd->ints[k];
        if (a < 0 || a >= x->rank || reduced[a])
            return mcn_fail(e, "%s: axis %d is outside the %d-D input or "
                            "repeated", c->who, (int)nd->ints[k], x->rank);
        reduced[a] = 1;
    }
    int64_t count = 1;
    for (int d = 0; d < x->rank; d++)
        if (reduced[d])
            count *= x->shape[d] > 0 ? x->shape[d] : 1;
    int32_t mult;
    int shift;
    qmath_mean_multiplier(x->scale[0], g->tensors[nd->out[0]].scale[0],
                          count, &mult, &shift);
    if (shift < -31 || shift > 31)
        return mcn_fail(e, "%s: s_in / (%lld * s_out) is out of range for "
                        "int8 arithmetic (2^%d)", c->who, (long long)count,
                        shift);
    if (rq_set(nd, 1))
        return mcn_fail(e, "out of memory");
    nd->rq.multiplier[0] = mult;
    nd->rq.shift[0] = shift;
    return 0;
}

/* LOGISTIC and TANH: the kernels' output grids are fixed. */
static int sigmoid(graph *g, int i, const rq_node *c, mcn_err *e)
{
    graph_node *nd = &g->nodes[i];
    if (rq_check_unary(g, nd, c, e) ||
        rq_check_fixed_output(g, nd, c, e))
        return -1;
    int32_t mult, radius;
    int shift;
    float s_in = g->tensors[nd->in[0]].scale[0];
    if (qmath_sigmoid_params(s_in, &mult, &shift, &radius))
        return mcn_fail(e, "%s: input scale %g is out of range", c->who,
                        (double)s_in);
    if (rq_set(nd, 1))
        return mcn_fail(e, "out of memory");
    nd->rq.multiplier[0] = mult;
    nd->rq.shift[0] = shift;
    nd->rq.diff_min = radius;
    return 0;
}

static int hard_swish(graph *g, int i, const rq_node *c, mcn_err *e)
{
    graph_node *nd = &g->nodes[i];
    if (rq_check_unary(g, nd, c, e))
        return -1;
    qmath_hard_swish p;
    float s_in = g->tensors[nd->in[0]].scale[0];
    float s_out = g->tensors[nd->out[0]].scale[0];
    if (qmath_hard_swish_params(s_in, s_out, &p))
        return mcn_fail(e, "%s: input scale %g and output scale %g are out "
                        "of range (the output may not be finer than "
                        "s_in / 128)", c->who, (double)s_in, (double)s_out);
    return rq_set_two(nd, p.output_multiplier, p.output_exponent,
                      p.reluish_multiplier, p.reluish_exponent, e);
}

static int leaky_relu(graph *g, int i, const rq_node *c, mcn_err *e)
{
    graph_node *nd = &g->nodes[i];
    if (rq_check_unary(g, nd, c, e))
        return -1;
    if (!isfinite(nd->alpha))
        return mcn_fail(e, "%s: alpha is %g", c->who, (double)nd->alpha);
    int32_t m_id, m_alpha;
    int s_id, s_alpha;
    qmath_leaky_relu_params(g->tensors[nd->in[0]].scale[0], nd->alpha,
                            g->tensors[nd->out[0]].scale[0], &m_id, &s_id,
                            &m_alpha, &s_alpha);
    if (s_id > 31 || s_alpha > 31 || m_alpha == INT32_MIN)
        return mcn_fail(e, "%s: s_in / s_out or alpha * s_in / s_out is too "
                        "large for int8 arithmetic", c->who);
    return rq_set_two(nd, m_id, s_id, m_alpha, s_alpha, e);
}

int pack_requant_node(graph *g, int i, mcn_err *e)
{
    rq_node c;
    rq_label(&c, g, i);
    graph_node *nd = &g->nodes[i];
    if (nd->n_out != 1)
        return mcn_fail(e, "%s: needs 1 output, has %d", c.who, nd->n_out);
    switch (nd->op) {
    case MCN_OP_CONV_2D:
    case MCN_OP_DEPTHWISE_CONV_2D:
    case MCN_OP_FULLY_CONNECTED:
        return rq_weighted(g, i, &c, e);
    case MCN_OP_ADD:
    case MCN_OP_SUB:
        return add(g, i, &c, e);
    case MCN_OP_MAX_POOL_2D:
    case MCN_OP_AVERAGE_POOL_2D:
    case MCN_OP_GLOBAL_AVERAGE_POOL:
    case MCN_OP_GLOBAL_MAX_POOL:
    case MCN_OP_CLIP:
    case MCN_OP_RESHAPE:
        return same_quant(g, i, &c, e);
    case MCN_OP_SOFTMAX:
        return softmax(g, i, &c, e);
    case MCN_OP_QUANTIZE:
        return requantize(g, i, &c, e);
    case MCN_OP_MUL:
        return mul(g, i, &c, e);
    case MCN_OP_CONCATENATION:
        return concat(g, i, &c, e);
    case MCN_OP_PAD:
        return pad(g, i, &c, e);
    case MCN_OP_MEAN:
        return mean(g, i, &c, e);
    case MCN_OP_LOGISTIC:
    case MCN_OP_TANH:
        return sigmoid(g, i, &c, e);
    case MCN_OP_HARD_SWISH:
        return hard_swish(g, i, &c, e);
    case MCN_OP_LEAKY_RELU:
        return leaky_relu(g, i, &c, e);
    case MCN_OP_RESIZE:
        return rq_resize(g, i, &c, e);
    case MCN_OP_TRANSPOSE:
        return rq_transpose(g, i, &c, e);
    case MCN_OP_SLICE:
        return rq_slice(g, i, &c, e);
    case MCN_OP_TRANSPOSE_CONV:
        return rq_transpose_conv(g, i, &c, e);
    case MCN_OP_DIV:
        return rq_div(g, i, &c, e);
    case MCN_OP_PRELU:
        return rq_prelu(g, i, &c, e);
    case MCN_OP_LOG_SOFTMAX:
        return rq_log_softmax(g, i, &c, e);
    case MCN_OP_ELU:
    case MCN_OP_HARD_SIGMOID:
        return rq_lut(g, i, &c, e);
    default:
        return mcn_fail(e, "%s: no int8 kernel", c.who);
    }
}
