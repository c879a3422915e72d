/* onnx_ops_pool.c: MaxPool, AveragePool (2-D, and 1-D on the channels-
   last twin), GlobalAveragePool, GlobalMaxPool, ReduceMean.
   ceil_mode is stored as fexec_pool.c reads it: ONNX's own pads on the
   node, and the ceil_mode size (one more row or column than the floor
   formula gives) in the output tensor. */
#include <string.h>

#include "onnx_internal.h"

static int pool(onnx_ctx *c, mcn_opcode op)
{
    onnx_value *x;
    int64_t k[2], ceil_mode = 0, cip = 0, order = 0;
    int nk;
    bool is_max = op == MCN_OP_MAX_POOL_2D;
    char s1[96];
    if (onnx_input_data(c, 0, 0, &x))
        return -1;
    int r = x->shape.rank, nd = r - 2;
    if (r != 3 && r != 4)
        return onnx_fail(c, "only 1-D and 2-D pooling is supported (input "
                         "%s)", onnx_shape_str(&x->shape, s1, sizeof s1));
    if (onnx_attr_ints(c, "kernel_shape", k, 2, &nk) ||
        onnx_attr_int(c, "ceil_mode", 0, &ceil_mode) ||
        onnx_attr_int(c, "storage_order", 0, &order) ||
        (!is_max && onnx_attr_int(c, "count_include_pad", 0, &cip)))
        return -1;
    if (!is_max && x->q_type)
        return onnx_fail(c, "input '%s' is quantized; average pooling reads "
                         "DequantizeLinear's output", x->name);
    if (nk != nd)
        return onnx_fail(c, "kernel_shape must hold %d value%s", nd,
                         nd > 1 ? "s" : "");
    for (int i = 0; i < nd; i++)
        if (k[i] < 1 || k[i] > INT32_MAX)
            return onnx_fail(c, "kernel_shape value %lld must be positive",
                             (long long)k[i]);
    if (ceil_mode && c->opset < 10)
        return onnx_fail(c, "ceil_mode needs opset 10");
    onnx_spatial sp;
    if (onnx_read_spatial(c, nd, x->shape.d + 2, k, is_max && c->opset >= 10,
                          &sp) ||
        onnx_resolve_spatial(c, &sp, ceil_mode != 0))
        return -1;
    onnx_shape ys = {r, {x->shape.d[0], x->shape.d[1], sp.w[0].out,
                         sp.w[1].out}};
    if (r == 3)
        ys.d[2] = sp.w[1].out;
    /* Zeros padded before an average pool count in its divisor: they are
       its own padding with count_include_pad, which must then hold for
       the pool's own pads too (or there must be none). */
    int in = x->tensor;
    bool own_pads = sp.w[0].pad0 || sp.w[0].pad1 || sp.w[1].pad0 ||
                    sp.w[1].pad1;
    if (!is_max && r == 4 && x->pad_src >= 0 && (cip || !own_pads)) {
        in = onnx_absorb_pad(c, x, &sp);
        cip = 1;
    }
    onnx_value view = *x;
    if (r == 3 && onnx_twin(c, x) < 0)
        return -1;
    view.twin = x->twin;
    onnx_like l;
    if (onnx_like_begin(c, &view, &ys, &l))
        return -1;
    int n = onnx_add_node(c, op, NULL);
    if (n < 0 || onnx_link(c, n, r == 4 ? in : l.in, -1, -1, l.out))
        return -1;
    graph_node *gn = &c->g->nodes[n];
    onnx_set_window(gn, &sp);
    onnx_set_padding(gn, &sp);
    gn->ceil_mode = ceil_mode != 0;
    gn->filter_h = (int)sp.w[0].k;
    gn->filter_w = (int)sp.w[1].k;
    gn->count_include_pad = cip != 0;
    onnx_value *y;
    if (onnx_like_end(c, &l, &y))
        return -1;
    onnx_pass_quant(y, x);
    return 0;
}

int onnx_op_maxpool(onnx_ctx *c)
{
    return pool(c, MCN_OP_MAX_POOL_2D);
}

int onnx_op_avgpool(onnx_ctx *c)
{
    return pool(c, MCN_OP_AVERAGE_POOL_2D);
}

static int global_pool(onnx_ctx *c, mcn_opcode op)
{
    onnx_value *x;
    char s1[96];
    if (onnx_input(c, 0, op == MCN_OP_GLOBAL_MAX_POOL ? ONNX_IN_QUANT : 0,
                   &x))
        return -1;
    int r = x->shape.rank;
    if (x->kind != ONNX_VAL_ACT || (r != 3 && r != 4))
        return onnx_fail(c, "only a 3-D or 4-D activation is supported "
                         "(input %s)", onnx_shape_str(&x->shape, s1, sizeof s1));
    onnx_shape ys = {r, {x->shape.d[0], x->shape.d[1], 1, 1}};
    onnx_value view = *x;
    if (r == 3 && onnx_twin(c, x) < 0)
        return -1;
    view.twin = x->twin;
    onnx_like l;
    onnx_value *y;
    if (onnx_like_begin(c, &view, &ys, &l))
        return -1;
    int n = onnx_add_node(c, op, NULL);
    if (n < 0 || onnx_link(c, n, l.in, -1, -1, l.out) ||
        onnx_like_end(c, &l, &y))
        return -1;
    onnx_pass_quant(y, x);
    return 0;
}

int onnx_op_global_avgpool(onnx_ctx *c)
{
    return global_pool(c, MCN_OP_GLOBAL_AVERAGE_POOL);
}

int onnx_op_global_maxpool(onnx_ctx *c)
{
    return global_pool(c, MCN_OP_GLOBAL_MAX_POOL);
}

/* MEAN over the stored axes of `red` (ONNX axes) of x, into tensor out. */
static int mean_node(onnx_ctx *c, int in, int rank, const bool *red,
                     bool keep, int out)
{
    int n = onnx_add_node(c, MCN_OP_MEAN, NULL);
    if (n < 0 || onnx_link(c, n, in, -1, -1, out))
        return -1;
    graph_node *gn = &c->g->nodes[n];
    gn->keep_dims = keep;
    gn->n_ints = 0;
    for (int s = 0; s < rank; s++)
        if (red[onnx_source_axis(rank, s)])
            gn->ints[gn->n_ints++] = s;
    return 0;
}

int onnx_op_reduce_mean(onnx_ctx *c)
{
    onnx_value *x;
    int64_t axes[MCN_MAX_DIMS], keep;
    int na;
    if (onnx_input_act(c, 0, 0, &x) ||
        onnx_attr_ints(c, "axes", axes, MCN_MAX_DIMS, &na) ||
        onnx_attr_int(c, "keepdims", 1, &keep))
        return -1;
    int r = x->shape.rank;
    bool red[MCN_MAX_DIMS] = {false};
    for (int i = 0; i < na; i++) {
        int a = 0;
        if (onnx_axis(c, axes[i], r, "axis", &a))
            return -1;
        if (red[a])
            return onnx_fail(c, "axis %lld is repeated", (long long)axes[i]);
        red[a] = true;
    }
    for (int i = 0; na <= 0 && i < r; i++)
        red[i] = true;  /* no axes: all of them */
    onnx_shape kept = x->shape, ys = {0, {0}};
    for (int i = 0; i < r; i++) {
        if (red[i])
            kept.d[i] = 1;
        if (!red[i] || keep)
            ys.d[ys.rank++] = kept.d[i];
    }
    /* Over L of a rank-3 value with a twin: over W of the twin. */
    if (r == 3 && x->twin >= 0 && red[2] && !red[0] && !red[1]) {
        bool tred[4] = {false, false, false, true};
        int32_t ts[4] = {(int32_t)x->shape.d[0], 1, 1,
                         (int32_t)x->shape.d[1]};
        int t = onnx_add_temp_raw(c, ":mean", 4, ts);
        if (t < 0 || mean_node(c, x->twin, 4, tred, true, t))
            return -1;
        if (keep)
            return onnx_output_twin(c, 0, &ys, t, NULL);
        int y = onnx_output_act(c, 0, &ys, NULL);
        return y < 0 ? -1 : onnx_emit_reshape_node(c, NULL, t, y);
    }
    int32_t gs[MCN_MAX_DIMS], xs[MCN_MAX_DIMS], direct[MCN_MAX_DIMS];
    if (onnx_graph_shape(&ys, gs) || onnx_graph_shape(&x->shape, xs))
        return onnx_fail(c, "shape too large");
    if (keep) {
        int y = onnx_output_act(c, 0, &ys, NULL);
        return y < 0 ? -1 : mean_node(c, x->tensor, r, red, true, y);
    }
    /* Without keepdims the axes left must come in ONNX order as stored,
       else the 4-D keepdims result is reshaped (transposed) instead. */
    bool in_order = true;
    int prev = -1, nd = 0;
    for (int s = 0; s < r; s++) {
        int a = onnx_source_axis(r, s);
        if (red[a])
            continue;
        direct[nd++] = xs[s];
        if (x->shape.d[a] == 1)
            continue;
        in_order &= a > prev;
        prev = a;
    }
    if (in_order && (ys.rank != 4 || onnx_is_natural(&ys))) {
        int y = onnx_output_act(c, 0, &ys, NULL);
        if (y < 0)
            return -1;
        if (nd == ys.rank && !memcmp(direct, gs, (size_t)nd * sizeof *gs))
            return mean_node(c, x->tensor, r, red, false, y);
        int t = onnx_add_temp_raw(c, ":mean", nd, direct);
        return t < 0 || mean_node(c, x->tensor, r, red, false, t) ||
               onnx_emit_reshape_node(c, NULL, t, y) ? -1 : 0;
    }
    onnx_value tmp = {0};
    tmp.name = x->name;
    tmp.kind = ONNX_VAL_ACT;
    tmp.shape = kept;
    tmp.twin = tmp.nat = tmp.chw_src = tmp.pad_src = -1;
    tmp.tensor = onnx_add_temp(c, ":mean", &kept);
    if (tmp.tensor < 0 || mean_node(c, x->tensor, r, red, true, tmp.tensor))
        return -1;
    return onnx_emit_reshape(c, &tmp, &ys);
}
