/* quantize.c: TFLite's int8 post-training scheme applied to a float graph.
   Every parameter is decided first (activations, then the ops that force
   theirs, then weights and biases), and only then is the graph rewritten,
   so the decisions read a graph that is still wholly float. */
#include "quantize.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bias_correct.h"
#include "fexec_ops.h"
#include "qmath.h"
#include "qrules.h"

/* TFLite's GetAsymmetricQuantizationParams (tools/optimize), in float as
   there: widen [lo, hi] to hold 0, scale = (hi - lo) / 255, zero point =
   round_half_away(-128 - lo / scale), clamped to [-128, 127]. Where that
   code would give scale 0 (lo == hi == 0) we take the MLIR quantizer's
   choice, scale 1 with zero point -128, which every later division
   survives; a range so narrow that its scale underflows counts as that. */
void quantize_choose_params(float lo, float hi, float *scale, int32_t *zp)
{
    lo = lo < 0.0f ? lo : 0.0f;
    hi = hi > 0.0f ? hi : 0.0f;
    float s = (hi - lo) / 255.0f;
    if (!(s > 0.0f)) {
        *scale = 1.0f;
        *zp = -128;
        return;
    }
    float z = -128.0f - lo / s;
    *scale = s;
    *zp = z < -128.0f ? -128 : z > 127.0f ? 127 : (int32_t)roundf(z);
}

const char *quantize_tensor_label(const graph *g, int t, char *buf,
                                  size_t n)
{
    if (g->tensors[t].name)
        snprintf(buf, n, "'%s'", g->tensors[t].name);
    else
        snprintf(buf, n, "#%d", t);
    return buf;
}

int quantize_check_float(const graph *g, mcn_err *e)
{
    char nm[96];
    for (int t = 0; t < g->n_tensors; t++) {
        const graph_tensor *tt = &g->tensors[t];
        if (tt->dtype == MCN_DT_INT8 || tt->nscale > 0)
            return mcn_fail(e, "the model is already quantized (tensor %s "
                            "is %s%s); mcn-quantize takes a float model",
                            quantize_tensor_label(g, t, nm, sizeof nm),
                            graph_dtype_name(tt->dtype),
                            tt->nscale > 0 ? " with a scale" : "");
    }
    for (int i = 0; i < g->n_nodes; i++)
        if (g->nodes[i].has_requant)
            return mcn_fail(e, "the model is already packed; mcn-quantize "
                               "takes a float model");
    return 0;
}

/* What the graph becomes: per tensor, either activation parameters or
   (weights, bias, other constants) the new int8/int32 data and scales. */
typedef struct {
    float *scale;        /* activation scale per tensor, 0 = not one */
    int32_t *zp;
    void **qdata;        /* converted constant data, per tensor */
    float **cscale;      /* constant's scales (per channel or one) */
    int *cn, *caxis;     /* their count and axis */
    mcn_dtype *cdtype;
} plan;

static void plan_free(plan *p, int n)
{
    for (int t = 0; p->qdata && t < n; t++) {
        free(p->qdata[t]);
        free(p->cscale[t]);
    }
    free(p->scale);
    free(p->zp);
    free(p->qdata);
    free(p->cscale);
    free(p->cn);
    free(p->caxis);
    free(p->cdtype);
}

static int plan_alloc(plan *p, int n)
{
    size_t k = (size_t)n + 1;
    p->scale = calloc(k, sizeof *p->scale);
    p->zp = calloc(k, sizeof *p->zp);
    p->qdata = calloc(k, sizeof *p->qdata);
    p->cscale = calloc(k, sizeof *p->cscale);
    p->cn = calloc(k, sizeof *p->cn);
    p->caxis = calloc(k, sizeof *p->caxis);
    p->cdtype = calloc(k, sizeof *p->cdtype);
    return p->scale && p->zp && p->qdata && p->cscale && p->cn && p->caxis &&
           p->cdtype ? 0 : -1;
}

/* Ops whose int8 kernel moves or selects values without rescaling them:
   output and input share one scale and zero point. */
/* Give one range to tensors that had better share quantization: the
   inputs and output of a CONCATENATION (TFLM's int8 kernel copies bytes,
   so the packer's per-input requantization is then the identity), and,
   so that the sharing reaches through them, the two sides of the ops
   that keep their input's parameters. Ranges only widen, to the union of
   the group's; repeated until nothing changes because groups chain.
   Constants and tensors no sample reached are left alone: a constant
   input is quantized on its own and requantized by the kernel. */
static void share_ranges(const graph *g, float *lo, float *hi)
{
    for (int pass = 0; pass <= g->n_nodes; pass++) {
        int changed = 0;
        for (int i = 0; i < g->n_nodes; i++) {
            const graph_node *n = &g->nodes[i];
            int member[GRAPH_MAX_IO + 1], m = 0;
            if (n->op == MCN_OP_CONCATENATION) {
                for (int k = 0; k < n->n_in; k++)
                    member[m++] = n->in[k];
            } else if (qrules_keeps_input_quant(n->op) && n->n_in >= 1) {
                member[m++] = n->in[0];
            } else {
                continue;
            }
            member[m++] = n->out[0];
            float ulo = INFINITY, uhi = -INFINITY;
            for (int k = 0; k < m; k++) {
                int t = member[k];
                if (t < 0 || g->tensors[t].data || lo[t] > hi[t])
                    continue;
                ulo = lo[t] < ulo ? lo[t] : ulo;
                uhi = hi[t] > uhi ? hi[t] : uhi;
            }
            for (int k = 0; k < m; k++) {
                int t = member[k];
                if (t < 0 || g->tensors[t].data || lo[t] > hi[t])
                    continue;
                if (lo[t] != ulo || hi[t] != uhi) {
                    lo[t] = ulo;
                    hi[t] = uhi;
                    changed = 1;
                }
            }
        }
        if (!changed)
            break;
    }
}

/* Activations: the calibrated range, then what TFLite forces: ops that
   only move or select values keep their input's parameters (in execution
   order, so chains carry through), SOFTMAX and LOGISTIC output 1/256
   from -128, TANH 1/128 about 0, LOG_SOFTMAX 1/16 down from 127. */
static int plan_activations(const graph *g, const float *lo, const float *hi,
                            plan *p, mcn_err *e)
{
    char nm[96];
    for (int t = 0; t < g->n_tensors; t++) {
        if (g->tensors[t].data || g->tensors[t].dtype != MCN_DT_FLOAT32 ||
            lo[t] > hi[t])
            continue;
        if (!isfinite(lo[t]) || !isfinite(hi[t]))
            return mcn_fail(e, "tensor %s reaches %g during calibration",
                            quantize_tensor_label(g, t, nm, sizeof nm),
                            (double)(isfinite(lo[t]) ? hi[t] : lo[t]));
        quantize_choose_params(lo[t], hi[t], &p->scale[t], &p->zp[t]);
        if (!isfinite(p->scale[t]))
            return mcn_fail(e, "tensor %s: range [%g, %g] is too wide for "
                            "int8", quantize_tensor_label(g, t, nm, sizeof nm),
                            (double)lo[t], (double)hi[t]);
    }
    for (int i = 0; i < g->n_nodes; i++) {
        const graph_node *n = &g->nodes[i];
        int out = n->out[0], denom;
        int32_t zp;
        if (qrules_keeps_input_quant(n->op)) {
            if (p->scale[n->in[0]] > 0.0f) {  /* not a constant */
                p->scale[out] = p->scale[n->in[0]];
                p->zp[out] = p->zp[n->in[0]];
            }
        } else if (qrules_fixed_output(n->op, &denom, &zp)) {
            p->scale[out] = 1.0f / (float)denom;
            p->zp[out] = zp;
        }
    }
    return 0;
}

/* Channel of flat index i along `axis`, given the elements after it. */
static int64_t channel_of(int64_t i, int64_t inner, int64_t channels)
{
    return (i / inner) % channels;
}

/* Per-channel symmetric int8 in [-127, 127] (tools/optimize's
   SymmetricPerChannelQuantization): scale = max|w| / 127 and
   q = round_half_away(w * (127 / max|w|)), in float. An all-zero channel,
   where TFLite's scale would be 0, gets scale 1 and zeros, as in TFLite's
   MLIR quantizer. */
static int plan_weights(const graph *g, int t, int axis, plan *p)
{
    const graph_tensor *w = &g->tensors[t];
    const float *x = w->data;
    int64_t n = graph_tensor_elems(w), ch = w->shape[axis], inner = 1;
    for (int d = axis + 1; d < w->rank; d++)
        inner *= w->shape[d];
    float *maxabs = calloc((size_t)ch, sizeof *maxabs);
    float *inv = calloc((size_t)ch, sizeof *inv);
    int8_t *q = malloc((size_t)n);
    p->cscale[t] = malloc((size_t)ch * sizeof(float));
    p->qdata[t] = q;
    if (!maxabs || !inv || !q || !p->cscale[t]) {
        free(maxabs);
        free(inv);
        return -1;
    }
    for (int64_t i = 0; i < n; i++) {
        int64_t c = channel_of(i, inner, ch);
        float a = fabsf(x[i]);
        if (a > maxabs[c])
            maxabs[c] = a;
    }
    for (int64_t c = 0; c < ch; c++) {
        float s = maxabs[c] / 127.0f;  /* 0 also when it underflows */
        p->cscale[t][c] = s > 0.0f ? s : 1.0f;
        inv[c] = s > 0.0f ? 127.0f / maxabs[c] : 0.0f;
    }
    for (int64_t i = 0; i < n; i++) {
        float v = roundf(x[i] * inv[channel_of(i, inner, ch)]);
        q[i] = (int8_t)(v < -127.0f ? -127 : v > 127.0f ? 127 : v);
    }
    p->cn[t] = (int)ch;
    p->caxis[t] = axis;
    p->cdtype[t] = MCN_DT_INT8;
    free(maxabs);
    free(inv);
    return 0;
}

/* int32 at s_in * s_w[c] (the product in float, as TFLite stores it),
   zero point 0; the division and rounding in double, clamped to
   [-(2^31 - 1), 2^31 - 1] like TFLite's symmetric bias. */
static int plan_bias(const graph *g, int t, const float *x, float s_in,
                     const float *s_w, plan *p)
{
    const graph_tensor *b = &g->tensors[t];
    int64_t n = graph_tensor_elems(b);
    int32_t *q = malloc((size_t)n * sizeof *q);
    p->cscale[t] = malloc((size_t)n * sizeof(float));
    p->qdata[t] = q;
    if (!q || !p->cscale[t])
        return -1;
    for (int64_t c = 0; c < n; c++) {
        float s = s_in * s_w[c];
        double v = s > 0.0f ? round((double)x[c] / (double)s) : 0.0;
        p->cscale[t][c] = s;
        q[c] = v < -2147483647.0 ? -2147483647
             : v > 2147483647.0 ? 2147483647 : (int32_t)v;
    }
    p->cn[t] = (int)n;
    p->caxis[t] = 0;
    p->cdtype[t] = MCN_DT_INT32;
    return 0;
}

/* A float constant in an activation's place (an ADD operand): per-tensor
   asymmetric from its own range, like any activation. */
static int plan_const(const graph *g, int t, plan *p)
{
    const graph_tensor *c = &g->tensors[t];
    const float *x = c->data;
    int64_t n = graph_tensor_elems(c);
    float lo = 0.0f, hi = 0.0f;
    for (int64_t i = 0; i < n; i++) {
        lo = x[i] < lo ? x[i] : lo;
        hi = x[i] > hi ? x[i] : hi;
    }
    float s;
    int32_t zp;
    quantize_choose_params(lo, hi, &s, &zp);
    int8_t *q = malloc((size_t)n);
    p->cscale[t] = malloc(sizeof(float));
    p->qdata[t] = q;
    if (!q || !p->cscale[t])
        return -1;
    for (int64_t i = 0; i < n; i++)
        q[i] = (int8_t)qmath_quantize_value(x[i], s, zp);
    p->cscale[t][0] = s;
    p->zp[t] = zp;
    p->cn[t] = 1;
    p->cdtype[t] = MCN_DT_INT8;
    return 0;
}

static int node_fail(const graph *g, int i, mcn_err *e, const char *what,
                     int t)
{
    const graph_node *n = &g->nodes[i];
    char nm[96], who[128];
    if (n->name)
        snprintf(who, sizeof who, "'%s'", n->name);
    else
        snprintf(who, sizeof who, "%d", i);
    return mcn_fail(e, "node %s (%s): tensor %s %s", who,
                    graph_op_name(n->op), quantize_tensor_label(g, t, nm, sizeof nm), what);
}

static int all_finite(const graph_tensor *t)
{
    const float *x = t->data;
    int64_t n = graph_tensor_elems(t);
    for (int64_t i = 0; i < n; i++)
        if (!isfinite(x[i]))
            return 0;
    return 1;
}

/* Node i's bias, once its weights are planned: corrected for their
   rounding when the input's means are known (bias_correct.h). */
static int plan_node_bias(const graph *g, int i, double *const *means,
                          plan *p)
{
    const graph_node *n = &g->nodes[i];
    const int x = n->in[0], w = n->in[1], t = n->in[2];
    const float s_in = p->qdata[x] ? p->cscale[x][0] : p->scale[x];
    if (!means || !means[x] || n->op == MCN_OP_TRANSPOSE_CONV)
        return plan_bias(g, t, g->tensors[t].data, s_in, p->cscale[w], p);
    const size_t nb = (size_t)graph_tensor_elems(&g->tensors[t]);
    float *b = malloc((nb + 1) * sizeof *b);
    if (!b)
        return -1;
    memcpy(b, g->tensors[t].data, nb * sizeof *b);
    bias_correct(g, i, p->qdata[w], p->cscale[w], means[x], b);
    int rc = plan_bias(g, t, b, s_in, p->cscale[w], p);
    free(b);
    return rc;
}

/* Weights and bias of CONV_2D, DEPTHWISE_CONV_2D, TRANSPOSE_CONV and
   FULLY_CONNECTED, and any other float constant a kernel reads. Inputs
   are visited in order, so a node's weights are decided before its bias
   needs their scales. means: NULL, or the activations' channel means for
   bias correction. */
static int plan_constants(const graph *g, double *const *means, plan *p,
                          mcn_err *e)
{
    for (int i = 0; i < g->n_nodes; i++) {
        const graph_node *n = &g->nodes[i];
        int kernel = n->op == MCN_OP_CONV_2D ||
                     n->op == MCN_OP_DEPTHWISE_CONV_2D ||
                     n->op == MCN_OP_FULLY_CONNECTED ||
                     n->op == MCN_OP_TRANSPOSE_CONV;
        int reads = fexec_op_for(n->op)->reads;
        for (int j = 0; j < n->n_in && j < reads; j++) {
            int t = n->in[j];
            if (t < 0)
                continue;
            const graph_tensor *tt = &g->tensors[t];
            if (kernel && j > 0 && !tt->data)
                return node_fail(g, i, e, j == 1 ? "(weights) is not a "
                                 "constant" : "(bias) is not a constant", t);
            if (!tt->data)
                continue;
            if (p->qdata[t])
                return node_fail(g, i, e, "is shared with another node; "
                                 "each node needs its own constants", t);
            if (!all_finite(tt))
                return node_fail(g, i, e, "holds a value that is not "
                                 "finite", t);
            int rc;
            if (kernel && j == 1) {
                rc = plan_weights(g, t, n->op == MCN_OP_DEPTHWISE_CONV_2D
                                  ? 3 : 0, p);
            } else if (kernel && j == 2) {
                rc = plan_node_bias(g, i, means, p);
            } else {
                rc = plan_const(g, t, p);
            }
            if (rc)
                return mcn_fail(e, "out of memory quantizing the weights");
        }
    }
    return 0;
}

static int apply(graph *g, const plan *p, mcn_err *e)
{
    for (int t = 0; t < g->n_tensors; t++) {
        graph_tensor *tt = &g->tensors[t];
        int rc = 0;
        if (p->qdata[t]) {
            size_t bytes = (size_t)graph_tensor_elems(tt) *
                           mcn_dtype_size(p->cdtype[t]);
            tt->dtype = p->cdtype[t];
            rc = graph_set_data(g, t, p->qdata[t], bytes) ||
                 graph_set_quant(g, t, p->cn[t], p->cscale[t],
                                 p->cn[t] == 1 ? &p->zp[t] : NULL,
                                 p->caxis[t]);
        } else if (p->scale[t] > 0.0f) {
            tt->dtype = MCN_DT_INT8;
            rc = graph_set_quant(g, t, 1, &p->scale[t], &p->zp[t], 0);
        }
        if (rc)
            return mcn_fail(e, "out of memory writing the quantized graph");
    }
    return 0;
}

int quantize_graph(graph *g, const quantize_opts *o, mcn_err *e)
{
    if (quantize_check_float(g, e))
        return -1;
    int n = g->n_tensors;
    float *lo = calloc((size_t)n + 1, sizeof *lo);
    float *hi = calloc((size_t)n + 1, sizeof *hi);
    double **means = o->bias_correction
                         ? calloc((size_t)n + 1, sizeof *means) : NULL;
    plan p;
    memset(&p, 0, sizeof p);
    int rc;
    if (!lo || !hi || plan_alloc(&p, n) || (o->bias_correction && !means))
        rc = mcn_fail(e, "out of memory");
    else if (quantize_calibrate_means(g, o, lo, hi, means, e))
        rc = -1;
    else {
        share_ranges(g, lo, hi);
        rc = plan_activations(g, lo, hi, &p, e) ||
             plan_constants(g, means, &p, e) || apply(g, &p, e) ? -1 : 0;
    }
    plan_free(&p, n);
    for (int t = 0; means && t < n; t++)
        free(means[t]);
    free(means);
    free(lo);
    free(hi);
    return rc;
}
