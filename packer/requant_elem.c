/*
** requant_elem.c: the packer's rules for DIV, PRELU and LOG_SOFTMAX
** (requant_internal.h): check the node's int8 form and fill its Requant
** as the table in engine/requant.h says, or fail naming the node.
*/
#include <stdio.h>

#include "qmath.h"
#include "requant_internal.h"

static float scale_of(const graph *g, int t)
{
    return g->tensors[t].scale[0];
}

/* The kernel's last shift, output_shift - recip_shift - headroom, must
   stay a right shift for every pair of int8 operands: headroom is at
   least 23 and recip_shift at least 0. */
int rq_div(graph *g, int i, const rq_node *c, mcn_err *e)
{
    graph_node *nd = &g->nodes[i];
    if (rq_check_binary(g, nd, c, e))
        return -1;
    int32_t mult;
    int shift;
    qmath_div_multiplier(scale_of(g, nd->in[0]), scale_of(g, nd->in[1]),
                         scale_of(g, nd->out[0]), &mult, &shift);
    if (shift > 23)
        return mcn_fail(e, "%s: s_1 / (s_2 * s_out) is too large for int8 "
                        "DIV (2^%d; at most 2^23)", c->who, shift);
    return rq_set_multiplier(g, nd, mult, shift, e);
}

/* Input 1 is the slope, with its own per-tensor scale (a constant the
   quantizer gave its range's, or the int8 model's). */
int rq_prelu(graph *g, int i, const rq_node *c, mcn_err *e)
{
    graph_node *nd = &g->nodes[i];
    if (rq_no_fused_activation(nd, c, e) || rq_check_binary(g, nd, c, e))
        return -1;
    float s_in = scale_of(g, nd->in[0]), s_out = scale_of(g, nd->out[0]);
    int32_t m_id, m_alpha;
    int s_id, s_alpha;
    qmath_requantize_multiplier(s_in, s_out, &m_id, &s_id);
    qmath_mul_multiplier(s_in, scale_of(g, nd->in[1]), s_out, &m_alpha,
                         &s_alpha);
    if (s_id > 31 || s_alpha > 31)
        return mcn_fail(e, "%s: s_in / s_out or s_in * s_alpha / s_out is "
                        "too large for int8 arithmetic", c->who);
    return rq_set_two(nd, m_id, s_id, m_alpha, s_alpha, e);
}

/* TFLM's Prepare takes beta as 1; the node's beta (1 from every importer)
   scales the input the way SOFTMAX's does. */
int rq_log_softmax(graph *g, int i, const rq_node *c, mcn_err *e)
{
    graph_node *nd = &g->nodes[i];
    if (rq_check_unary(g, nd, c, e) || rq_check_fixed_output(g, nd, c, e))
        return -1;
    qmath_log_softmax p;
    float s_in = scale_of(g, nd->in[0]);
    if (qmath_log_softmax_params((double)nd->beta, (double)s_in, &p))
        return mcn_fail(e, "%s: beta %g and input scale %g are out of range",
                        c->who, (double)nd->beta, (double)s_in);
    if (rq_set_two(nd, p.input_multiplier, p.input_left_shift,
                   p.reverse_scaling_divisor, p.reverse_scaling_shift, e))
        return -1;
    nd->rq.diff_min = p.diff_min;
    return 0;
}
