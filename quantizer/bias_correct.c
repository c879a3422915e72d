/* bias_correct.c: the bias that undoes weight rounding's mean shift
   (bias_correct.h). */
#include "bias_correct.h"

/* Weights [O, KH, KW, I/groups] (CONV_2D; FULLY_CONNECTED as [O, 1, 1,
   I]) or [1, KH, KW, C * multiplier] (DEPTHWISE_CONV_2D): each weight's
   output channel and the input channel it reads. */
void bias_correct(const graph *g, int node, const int8_t *q, const float *s,
                  const double *mean_in, float *bias)
{
    const graph_node *n = &g->nodes[node];
    const graph_tensor *w = &g->tensors[n->in[1]];
    const float *x = w->data;
    const int64_t elems = graph_tensor_elems(w);
    if (n->op == MCN_OP_DEPTHWISE_CONV_2D) {
        const int64_t c_out = w->shape[w->rank - 1];
        const int64_t c_in = g->tensors[n->in[0]].shape[3];
        const int64_t mult = c_in > 0 ? c_out / c_in : 1;
        for (int64_t i = 0; i < elems; i++) {
            const int64_t c = i % c_out;
            bias[c] -= (float)(((double)q[i] * s[c] - x[i]) *
                               mean_in[c / mult]);
        }
        return;
    }
    if (n->op != MCN_OP_CONV_2D && n->op != MCN_OP_FULLY_CONNECTED)
        return;
    const graph_tensor *in = &g->tensors[n->in[0]];
    const int64_t o = w->shape[0], per = elems / o;
    const int64_t in_w = w->shape[w->rank - 1];
    const int64_t c_in = in->shape[in->rank - 1];
    /* A fully connected layer that flattens a 4-D input reads more than
       its last axis: the means per channel do not say what it sees. */
    if (c_in % in_w != 0 ||
        (n->op == MCN_OP_FULLY_CONNECTED && c_in != in_w))
        return;
    const int64_t groups = c_in / in_w;
    for (int64_t i = 0; i < elems; i++) {
        const int64_t c = i / per, k = i % in_w;
        const int64_t group = c / (o / groups);
        bias[c] -= (float)(((double)q[i] * s[c] - x[i]) *
                           mean_in[group * in_w + k]);
    }
}
