/*
** onnx_export_qdq.c: an int8 graph written as QDQ ONNX, for onnx_export.c.
** Every int8 activation is an int8 value in the file, with one
** DequantizeLinear its readers share (as ONNX Runtime's quantizer writes
** them). A node computing on them reads each int8 input through it, runs
** the float op onnx_export_ops.c writes for a float graph, and writes its
** output through a QuantizeLinear at the output's scale and zero point:
** the form ONNX Runtime fuses into its integer kernels (QLinearConv and
** the rest, where its rules allow). Weights are int8 initializers and biases int32 ones (scale
** s_in * s_w[c], zero point 0), each through a DequantizeLinear with its
** per-channel scales (onnx_export.c's ox_const). The graph's float input
** is quantized at the input's parameters and its output dequantized.
**
** A fused activation whose bounds the output's int8 range already holds
** (ReLU into a zero point of -128, the usual case) is left to the
** QuantizeLinear, which saturates exactly where the engine clamps; any
** other is written as its Relu/Clip before the QuantizeLinear, which is
** the engine's clamp too: quantizing is monotone.
*/
#include <string.h>

#include "onnx_export_internal.h"
#include "qmath.h"

#define DT(x) ONNX__TENSOR_PROTO__DATA_TYPE__##x

int ox_onnx_dtype(mcn_dtype dt)
{
    switch (dt) {
    case MCN_DT_FLOAT32: return DT(FLOAT);
    case MCN_DT_INT8: return DT(INT8);
    case MCN_DT_INT32: return DT(INT32);
    default: return 0;
    }
}

bool ox_q8(const graph *g, int t)
{
    return t >= 0 && !g->tensors[t].data &&
           g->tensors[t].dtype == MCN_DT_INT8 && g->tensors[t].nscale == 1;
}

/* What stops tensor t being written, or NULL: float without a scale;
   an int8 activation with one; an int8 or int32 constant with its. */
static const char *unwritable(const graph_tensor *t)
{
    if (t->dtype == MCN_DT_FLOAT32)
        return t->nscale ? "float with a scale" : NULL;
    if (t->dtype != MCN_DT_INT8 && (t->dtype != MCN_DT_INT32 || !t->data))
        return graph_dtype_name(t->dtype);
    if (!t->nscale)
        return "quantized with no scale";
    if (!t->data && t->nscale != 1)
        return "an activation quantized per channel";
    return NULL;
}

int ox_check_model(const graph *g, mcn_err *e)
{
    for (int i = 0; i < g->n_nodes; i++)
        if (g->nodes[i].has_requant || g->arena_bytes)
            return mcn_fail(e, "the model is packed (mcn-pack's output); "
                            "export the model before mcn-pack");
    for (int t = 0; t < g->n_tensors; t++) {
        const char *why = unwritable(&g->tensors[t]);
        if (why)
            return mcn_fail(e, "mcn-export writes float and int8 models; "
                            "tensor '%s' is %s",
                            g->tensors[t].name ? g->tensors[t].name : "?",
                            why);
    }
    return 0;
}

/* Tensor t's scales and zero points as initializers: scalars for one,
   else 1-D. The zero point's type (int8, or int32 for a bias) is the
   quantized type. */
static int qparams(ox_ctx *c, int t, const char *names[2])
{
    const graph_tensor *gt = &c->g->tensors[t];
    int n = gt->nscale;
    int64_t d = n;
    int32_t *zp32 = ox_alloc(c, (size_t)n * sizeof *zp32);
    int8_t *zp8 = ox_alloc(c, (size_t)n);
    char *sn = ox_temp(c, t, "scale"), *zn = ox_temp(c, t, "zero_point");
    if (!zp32 || !zp8 || !sn || !zn)
        return -1;
    for (int k = 0; k < n; k++) {
        zp32[k] = gt->zero_point[k];
        zp8[k] = (int8_t)zp32[k];
    }
    bool wide = gt->dtype == MCN_DT_INT32;
    names[0] = ox_init_float(c, sn, n > 1, &d, gt->scale);
    names[1] = ox_init_typed(c, zn, wide ? DT(INT32) : DT(INT8), n > 1, &d,
                             wide ? (const void *)zp32 : zp8);
    return names[0] && names[1] ? 0 : -1;
}

static const char *qdq(ox_ctx *c, const char *op, int t, const char *in,
                       int axis, const char *out)
{
    const char *ins[3] = {in};
    if (!in || !out || qparams(c, t, ins + 1))
        return NULL;
    Onnx__NodeProto *n = ox_node(c, op, ins, 3, out);
    if (!n || (axis >= 0 && c->g->tensors[t].nscale > 1 &&
               ox_attr_int(c, n, "axis", axis)))
        return NULL;
    return out;
}

const char *ox_dq(ox_ctx *c, int t, const char *in, int axis,
                  const char *out)
{
    return qdq(c, "DequantizeLinear", t, in, axis, out);
}

const char *ox_q(ox_ctx *c, int t, const char *in, const char *out)
{
    return qdq(c, "QuantizeLinear", t, in, -1, out);
}

/* QUANTIZE (float to int8, or int8 to int8 at new parameters) and
   DEQUANTIZE: the Q/DQ nodes themselves. */
static int requantize(ox_ctx *c, const graph_node *n)
{
    int x = n->in[0], y = n->out[0];
    bool q_in = ox_q8(c->g, x), q_out = ox_q8(c->g, y);
    if (!q_in && !q_out)
        return ox_fail(c, "neither side is an int8 tensor");
    if (n->op == MCN_OP_DEQUANTIZE && q_out)
        return ox_fail(c, "its output is int8");
    const char *v = c->name[x];
    if (q_in)
        v = ox_dq(c, x, v, -1, q_out ? ox_temp(c, x, "dq") : c->name[y]);
    if (q_out)
        v = ox_q(c, y, v, c->name[y]);
    return v ? 0 : -1;
}

/* Whether the output's int8 range already holds n's fused activation. */
static bool act_folds(const graph *g, const graph_node *n)
{
    const graph_tensor *y = &g->tensors[n->out[0]];
    int32_t lo, hi;
    qmath_activation_range(n->act, n->act_min, n->act_max, y->scale[0],
                           y->zero_point[0], &lo, &hi);
    return lo == -128 && hi == 127;
}

typedef struct {
    char *name, *nhwc, *wide;
} saved_value;

int ox_qdq_node(ox_ctx *c, const graph_node *n)
{
    const graph *g = c->g;
    if (n->op == MCN_OP_QUANTIZE || n->op == MCN_OP_DEQUANTIZE)
        return n->n_in == 1 && n->n_out == 1
                   ? requantize(c, n)
                   : ox_fail(c, "expects one input and one output");
    if (n->n_out != 1)
        return ox_write_node(c, n);  /* which says why not */
    /* The writer reads each int8 input as a float value of this node's. */
    saved_value keep[GRAPH_MAX_IO];
    bool swapped[GRAPH_MAX_IO] = {false};
    for (int j = 0; j < n->n_in; j++) {
        int t = n->in[j];
        bool again = false;
        for (int k = 0; k < j; k++)
            again = again || (swapped[k] && n->in[k] == t);
        if (!ox_q8(g, t) || again)
            continue;
        keep[j] = (saved_value){c->name[t], c->nhwc[t], c->wide[t]};
        if (!c->dq[t] && !(c->dq[t] = (char *)ox_dq(c, t, c->name[t], -1,
                                                    ox_temp(c, t, "dq"))))
            return -1;
        c->name[t] = c->dq[t];
        c->nhwc[t] = c->wide[t] = NULL;
        swapped[j] = true;
    }
    /* ... and writes its output as a float value quantized after. */
    graph_node m = *n;
    int y = n->out[0];
    char *yq = NULL;
    if (ox_q8(g, y)) {
        yq = c->name[y];
        if (act_folds(g, n))
            m.act = MCN_ACT_NONE;
        if (!(c->name[y] = ox_temp(c, y, "float")))
            return -1;
    }
    if (ox_write_node(c, &m) || (yq && !ox_q(c, y, c->name[y], yq)))
        return -1;
    if (yq) {
        c->name[y] = yq;
        c->nhwc[y] = NULL;
    }
    for (int j = 0; j < n->n_in; j++)
        if (swapped[j]) {
            int t = n->in[j];
            c->name[t] = keep[j].name;
            c->nhwc[t] = keep[j].nhwc;
            c->wide[t] = keep[j].wide;
        }
    return 0;
}
