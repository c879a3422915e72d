/* onnx_fold_math.c: folding QuantizeLinear and DequantizeLinear of
   constants (a QDQ model's weights: the dequantized floats keep their
   scales, so an op can store the integers again), and MatMul and Gemm
   whose operands are all constants. */
#include <math.h>
#include <string.h>

#include "onnx_internal.h"

#define DT(x) ONNX__TENSOR_PROTO__DATA_TYPE__##x

/* Per-axis parameters (opset 13's axis attribute) for a constant x. A
   scalar scale is per tensor, which ignores the axis (ONNX says so), so
   a rank-1 bias needs none for its default of 1 to be out of range. */
static int params(onnx_ctx *c, const onnx_const *x, int def_type,
                  onnx_qparams *q, int *type)
{
    onnx_value *s;
    int64_t a;
    int axis = 0;
    *type = def_type;
    if (onnx_attr_int(c, "axis", 1, &a) ||
        onnx_input_const(c, 1, 0, 0, &s))
        return -1;
    bool per_axis = c->opset >= 13 && x->shape.rank && s->c.shape.rank;
    if (per_axis && onnx_axis(c, a, x->shape.rank, "axis", &axis))
        return -1;
    int64_t max = per_axis ? x->shape.d[axis] : 1;
    if (onnx_read_qparams(c, 1, 2, max < 1 ? 1 : max, q, type))
        return -1;
    q->axis = axis;
    return 0;
}

int onnx_fold_dequantize(onnx_ctx *c, onnx_const *out)
{
    onnx_value *x;
    onnx_qparams q;
    int type;
    if (onnx_input_const(c, 0, 0, 1, &x) ||
        params(c, &x->c, x->c.dtype, &q, &type))
        return -1;
    int rc = type != x->c.dtype
                 ? onnx_fail(c, "the zero point's type does not match "
                             "input '%s'", x->name)
                 : onnx_dequant_const(c, &x->c, &q, type, out);
    onnx_qparams_free(&q);
    return rc;
}

int onnx_fold_quantize(onnx_ctx *c, onnx_const *out)
{
    onnx_value *x;
    onnx_qparams q;
    int type;
    if (onnx_input_const(c, 0, 0, 0, &x) ||
        params(c, &x->c, DT(UINT8), &q, &type))
        return -1;
    if (type == DT(INT32)) {
        onnx_qparams_free(&q);
        return onnx_fail(c, "quantizing to int32 is not supported");
    }
    if (onnx_const_alloc(out, true, &x->c.shape)) {
        onnx_qparams_free(&q);
        return onnx_fail(c, "out of memory");
    }
    out->dtype = type;
    int64_t inner = 1, ch = q.n;
    for (int d = q.axis + 1; q.n > 1 && d < x->c.shape.rank; d++)
        inner *= x->c.shape.d[d];
    float lo = type == DT(UINT8) ? 0.0f : -128.0f, hi = lo + 255.0f;
    for (int64_t j = 0; j < x->c.n; j++) {
        int64_t k = (j / inner) % ch;
        float zp = (float)(q.zp[k] + (type == DT(UINT8) ? 128 : 0));
        /* Ties to even, as ONNX says (the default rounding mode). */
        float v = nearbyintf(x->c.f[j] / q.scale[k]) + zp;
        out->i[j] = (int64_t)(v < lo ? lo : v > hi ? hi : v);
    }
    onnx_qparams_free(&q);
    return 0;
}

/* y = alpha * A' B' + beta * C for 2-D constants (MatMul: alpha = beta =
   1, no C, no transposes). */
int onnx_fold_matmul(onnx_ctx *c, onnx_const *out)
{
    onnx_value *a, *b, *cv = NULL;
    float alpha = 1, beta = 1;
    int64_t ta = 0, tb = 0;
    char s1[96], s2[96];
    bool gemm = c->node->op_type[0] == 'G';
    if (onnx_input_const(c, 0, 0, 0, &a) || onnx_input_const(c, 1, 0, 0, &b) ||
        (gemm && (onnx_input_const(c, 2, ONNX_IN_OPTIONAL, 0, &cv) ||
                  onnx_attr_float(c, "alpha", 1.0f, &alpha) ||
                  onnx_attr_float(c, "beta", 1.0f, &beta) ||
                  onnx_attr_int(c, "transA", 0, &ta) ||
                  onnx_attr_int(c, "transB", 0, &tb))))
        return -1;
    const onnx_shape *as = &a->c.shape, *bs = &b->c.shape;
    if (as->rank != 2 || bs->rank != 2 ||
        as->d[ta ? 0 : 1] != bs->d[tb ? 1 : 0])
        return onnx_fail(c, "only 2-D constants that fit are folded (A %s, "
                         "B %s)", onnx_shape_str(as, s1, sizeof s1),
                         onnx_shape_str(bs, s2, sizeof s2));
    int64_t m = as->d[ta ? 1 : 0], k = as->d[ta ? 0 : 1],
            n = bs->d[tb ? 0 : 1];
    onnx_shape ys = {2, {m, n}}, cs;
    int64_t st[MCN_MAX_DIMS] = {0, 0};
    if (cv && (onnx_broadcast(&cv->c.shape, &ys, &cs) ||
               !onnx_shape_eq(&cs, &ys)))
        return onnx_fail(c, "C %s does not broadcast to %s",
                         onnx_shape_str(&cv->c.shape, s1, sizeof s1),
                         onnx_shape_str(&ys, s2, sizeof s2));
    if (cv)
        onnx_bcast_strides(&cv->c.shape, &ys, st);
    if (onnx_fold_alloc(c, out, false, &ys))
        return -1;
    for (int64_t i = 0; i < m; i++)
        for (int64_t j = 0; j < n; j++) {
            float sum = 0;
            for (int64_t p = 0; p < k; p++)
                sum += a->c.f[ta ? p * m + i : i * k + p] *
                       b->c.f[tb ? j * k + p : p * n + j];
            float y = alpha * sum;
            if (cv)
                y += beta * cv->c.f[i * st[0] + j * st[1]];
            out->f[i * n + j] = y;
        }
    return 0;
}
