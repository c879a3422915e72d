/*
** tflite_ops_shape.c: the operators that work along axes, whose axes and
** amounts come from constant tensors: CONCATENATION, PAD, PADV2 and
** MEAN. TFLite's layout is the graph's stored layout, so axes pass
** through unchanged (negative ones made positive). The constant inputs
** (paddings, axes, PADV2's value) become node fields and are not graph
** tensors, as RESHAPE's shape is not.
*/
#include <stdio.h>

#include "qmath.h"
#include "tflite_internal.h"

/* PAD amounts the engine accepts (engine/mcn_ops_shape.c). */
#define PAD_MAX 65535

static const char *act_name(uint8_t code)
{
    static const char *const n[] = {"NONE", "RELU", "RELU_N1_TO_1", "RELU6",
                                    "TANH", "SIGN_BIT"};
    return code < sizeof n / sizeof n[0] ? n[code] : "unknown";
}

/* "[1,2,3]" from dims. */
static void dims_str(const int32_t *dims, int rank, char *s, size_t n)
{
    graph_tensor t = {.rank = rank};
    for (int d = 0; d < rank; d++)
        t.shape[d] = dims[d];
    tfl_shape_str(&t, s, n);
}

int tfl_output_is(tfl_ctx *c, int x, int y, int rank, const int32_t *want)
{
    const graph_tensor *ty = &c->g->tensors[y];
    bool ok = ty->rank == rank;
    for (int d = 0; ok && d < rank; d++)
        ok = ty->shape[d] == want[d];
    if (ok)
        return 0;
    char s1[96], s2[96], s3[96];
    tfl_shape_str(&c->g->tensors[x], s1, sizeof s1);
    tfl_shape_str(ty, s2, sizeof s2);
    dims_str(want, rank, s3, sizeof s3);
    return tfl_fail(c, "output %s does not follow from input %s (expected "
                    "%s)", s2, s1, s3);
}

/* ---- CONCATENATION ---- */

int tfl_tensor_like(tfl_ctx *c, int y, int rank, const int32_t *shape,
                    const char *suffix)
{
    graph_tensor *ty = &c->g->tensors[y];
    char name[160];
    snprintf(name, sizeof name, "%.120s/%.30s", ty->name ? ty->name : "",
             suffix);
    int t = graph_add_tensor(c->g, name, ty->dtype, rank, shape);
    ty = &c->g->tensors[y];   /* the array may have moved */
    if (t < 0 || (ty->nscale && graph_set_quant(c->g, t, ty->nscale,
                                                ty->scale, ty->zero_point,
                                                ty->quant_axis)))
        return tfl_fail(c, "out of memory");
    c->g->tensors[t].layout = ty->layout;
    return t;
}

/* A tensor like y but `len` long on the axis, for joining in steps. */
static int partial(tfl_ctx *c, int y, int axis, int32_t len, int step)
{
    const graph_tensor *ty = &c->g->tensors[y];
    char suffix[24];
    int32_t shape[MCN_MAX_DIMS];
    for (int d = 0; d < ty->rank; d++)
        shape[d] = d == axis ? len : ty->shape[d];
    snprintf(suffix, sizeof suffix, "part%d", step);
    return tfl_tensor_like(c, y, ty->rank, shape, suffix);
}

/* Inputs ins[0..n) joined along axis into y. A graph node takes at most
   GRAPH_MAX_IO inputs, so more are joined in steps, each step's result
   carrying y's quantization: int8 then rescales every input once, as one
   node would, and the steps after copy. */
static int join(tfl_ctx *c, const int *ins, int n, int axis, int y)
{
    int cur[GRAPH_MAX_IO], k = 0, step = 0;
    int32_t len = 0;
    for (int i = 0; i < n; i++) {
        cur[k++] = ins[i];
        len += c->g->tensors[ins[i]].shape[axis];
        if (k < GRAPH_MAX_IO || i == n - 1)
            continue;
        int t = partial(c, y, axis, len, ++step);
        if (t < 0)
            return -1;
        int nd = tfl_node(c, MCN_OP_CONCATENATION, cur, k, t);
        if (nd < 0)
            return -1;
        c->g->nodes[nd].axis = axis;
        cur[0] = t;
        k = 1;
    }
    int nd = tfl_node(c, MCN_OP_CONCATENATION, cur, k, y);
    if (nd < 0)
        return -1;
    c->g->nodes[nd].axis = axis;
    return 0;
}

/* TFLite refuses a fused activation on CONCATENATION at run time, and the
   graph has none for it, so one is refused here too. */
int tfl_op_concat(tfl_ctx *c)
{
    bool have;
    int32_t axis;
    uint8_t act;
    int y;
    if (tfl_options(c, TFL_OPT_CONCATENATION, true, &have) ||
        tfl_opt_i32(c, TFL_CONCAT_AXIS, 0, &axis) ||
        tfl_opt_u8(c, TFL_CONCAT_ACTIVATION, 0, &act))
        return -1;
    if (act != 0)
        return tfl_fail(c, "fused activation %s is not supported on a "
                        "concatenation", act_name(act));
    uint32_t n = c->o->n_in;
    if (n < 1 || n > 64)
        return tfl_fail(c, "joins %u inputs (1 to 64 are supported)", n);
    int ins[64];
    for (uint32_t i = 0; i < n; i++)
        if (tfl_input(c, i, 0, &ins[i]))
            return -1;
    if (tfl_output(c, 0, &y))
        return -1;
    const graph_tensor *t0 = &c->g->tensors[ins[0]];
    int rank = t0->rank;
    if (axis < -rank || axis >= rank)
        return tfl_fail(c, "axis %d is outside the %d-D inputs", (int)axis,
                        rank);
    if (axis < 0)
        axis += rank;
    int32_t want[MCN_MAX_DIMS];
    for (int d = 0; d < rank; d++)
        want[d] = t0->shape[d];
    int64_t sum = 0;
    for (uint32_t i = 0; i < n; i++) {
        const graph_tensor *t = &c->g->tensors[ins[i]];
        bool ok = t->rank == rank;
        for (int d = 0; ok && d < rank; d++)
            ok = d == axis || t->shape[d] == want[d];
        if (!ok) {
            char s0[96], si[96];
            tfl_shape_str(t0, s0, sizeof s0);
            tfl_shape_str(t, si, sizeof si);
            return tfl_fail(c, "input %u %s does not match input 0 %s off "
                            "axis %d", i, si, s0, (int)axis);
        }
        sum += t->shape[axis];
    }
    if (sum > INT32_MAX)
        return tfl_fail(c, "the joined axis is too long");
    want[axis] = (int32_t)sum;
    if (tfl_output_is(c, ins[0], y, rank, want))
        return -1;
    return join(c, ins, (int)n, (int)axis, y);
}

/* ---- PAD, PADV2 ---- */

/* PADV2's value (input 2) in the float domain. An int8 model stores it
   quantized like the output (TFLite requires that); it becomes
   s_out * (q - zp_out), which the packer's zp + round(v / s) maps back
   to exactly q. Checked here rather than trusted. The value's graph
   tensor is read only here; nothing refers to it, so it is pruned. */
static int pad_value(tfl_ctx *c, int y, float *v)
{
    int t;
    *v = 0.0f;
    if (tfl_input(c, 2, TFL_IN_OPTIONAL | TFL_IN_CONST, &t))
        return -1;
    if (t < 0)
        return 0;   /* zero: the output's zero point in int8 */
    const graph_tensor *tv = &c->g->tensors[t], *ty = &c->g->tensors[y];
    const char *name = tv->name ? tv->name : "";
    if (graph_tensor_elems(tv) != 1)
        return tfl_fail(c, "the constant value '%s' must be one element",
                        name);
    if (tv->dtype == MCN_DT_FLOAT32 && c->float_model) {
        *v = *(const float *)tv->data;
        return 0;
    }
    if (tv->dtype != MCN_DT_INT8 || ty->dtype != MCN_DT_INT8 ||
        ty->nscale != 1)
        return tfl_fail(c, "the constant value '%s' (%s) does not suit the "
                        "output, which must be per-tensor int8", name,
                        graph_dtype_name(tv->dtype));
    float s = ty->scale[0];
    int32_t zp = ty->zero_point[0], q = *(const int8_t *)tv->data;
    if (tv->nscale != 0 && (tv->nscale != 1 || tv->scale[0] != s ||
                            tv->zero_point[0] != zp))
        return tfl_fail(c, "the constant value '%s' is quantized "
                        "differently from the output", name);
    *v = s * (float)(q - zp);
    if (qmath_quantize_value(*v, s, zp) != q)
        return tfl_fail(c, "the constant value %d cannot be represented at "
                        "the output's scale %g", (int)q, (double)s);
    return 0;
}

int tfl_op_pad(tfl_ctx *c)
{
    int x, y;
    int64_t p[2 * MCN_MAX_DIMS];
    uint32_t n;
    const tfl_tensor *tp;
    if (tfl_input(c, 0, TFL_IN_ACT, &x) ||
        tfl_const_ints(c, 1, "paddings", p, 2 * MCN_MAX_DIMS, &n, &tp) ||
        tfl_output(c, 0, &y))
        return -1;
    int rank = c->g->tensors[x].rank;
    if (tp->rank != 2 || (int)n != 2 * rank ||
        tfl_i32_at(c->m, tp->shape, 0) != rank)
        return tfl_fail(c, "the paddings '%s' must have shape [%d,2]",
                        tp->name, rank);
    int32_t want[MCN_MAX_DIMS];
    for (int d = 0; d < rank; d++) {
        /* [rank,2]: each axis's before, then its after. */
        int64_t b = p[2 * d], a = p[2 * d + 1];
        if (b < 0 || a < 0 || b > PAD_MAX || a > PAD_MAX)
            return tfl_fail(c, "paddings %lld and %lld of axis %d must lie "
                            "in 0..%d", (long long)b, (long long)a, d,
                            PAD_MAX);
        want[d] = c->g->tensors[x].shape[d] + (int32_t)(a + b);
    }
    float v;
    if (tfl_output_is(c, x, y, rank, want) || pad_value(c, y, &v))
        return -1;
    int nd = tfl_node(c, MCN_OP_PAD, &x, 1, y);
    if (nd < 0)
        return -1;
    graph_node *node = &c->g->nodes[nd];
    node->pad_mode = MCN_PAD_CONSTANT;
    node->pad_value = v;
    node->n_ints = 2 * rank;
    for (int d = 0; d < rank; d++) {
        node->ints[d] = (int32_t)p[2 * d];
        node->ints[rank + d] = (int32_t)p[2 * d + 1];
    }
    return 0;
}

/* ---- MEAN ---- */

/* TFLite's axes may repeat and count from the end; the graph's are listed
   once each, ascending. An empty list reduces nothing in TFLite (the
   graph's empty list would mean every axis): that mean copies its input,
   a RESHAPE. */
int tfl_op_mean(tfl_ctx *c)
{
    bool have;
    uint8_t keep;
    int x, y;
    int64_t ax[4 * MCN_MAX_DIMS];
    uint32_t n;
    const tfl_tensor *ta;
    if (tfl_options(c, TFL_OPT_REDUCER, false, &have) ||
        tfl_opt_u8(c, TFL_REDUCER_KEEP_DIMS, 0, &keep) ||
        tfl_input(c, 0, TFL_IN_ACT, &x) ||
        tfl_const_ints(c, 1, "axes", ax, 4 * MCN_MAX_DIMS, &n, &ta) ||
        tfl_output(c, 0, &y))
        return -1;
    const graph_tensor *tx = &c->g->tensors[x];
    int rank = tx->rank;
    if (ta->rank > 1)
        return tfl_fail(c, "the axes '%s' must be a vector", ta->name);
    bool red[MCN_MAX_DIMS] = {false};
    for (uint32_t k = 0; k < n; k++) {
        if (ax[k] < -rank || ax[k] >= rank)
            return tfl_fail(c, "axis %lld is outside the %d-D input",
                            (long long)ax[k], rank);
        red[ax[k] < 0 ? ax[k] + rank : ax[k]] = true;
    }
    int32_t want[MCN_MAX_DIMS] = {0};
    int out_rank = 0, n_red = 0;
    for (int d = 0; d < rank; d++) {
        n_red += red[d];
        if (!red[d] || keep)
            want[out_rank++] = red[d] ? 1 : tx->shape[d];
    }
    if (tfl_output_is(c, x, y, out_rank, want))
        return -1;
    if (n_red == 0) {
        const graph_tensor *ty = &c->g->tensors[y];
        if (tx->nscale != ty->nscale ||
            (tx->nscale == 1 && (tx->scale[0] != ty->scale[0] ||
                                 tx->zero_point[0] != ty->zero_point[0])))
            return tfl_fail(c, "a mean over no axes that changes the "
                            "quantization is not supported");
        return tfl_node(c, MCN_OP_RESHAPE, &x, 1, y) < 0 ? -1 : 0;
    }
    int nd = tfl_node(c, MCN_OP_MEAN, &x, 1, y);
    if (nd < 0)
        return -1;
    graph_node *node = &c->g->nodes[nd];
    node->keep_dims = keep != 0;
    node->n_ints = 0;
    for (int d = 0; d < rank; d++)
        if (red[d])
            node->ints[node->n_ints++] = d;
    return 0;
}
