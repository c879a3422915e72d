/* onnx_fold_index.c: folding the ops that make or pick index tensors:
   Shape, Gather, Concat, ConstantOfShape (the pieces of an exporter's
   dynamic reshape arithmetic, constant once shapes are static). */
#include <string.h>

#include "onnx_internal.h"

static int const_in(onnx_ctx *c, int i, onnx_value **v)
{
    return onnx_input_const(c, i, 0, -1, v);
}

int onnx_fold_shape(onnx_ctx *c, onnx_const *out)
{
    onnx_value *x;
    int64_t start, end;
    if (onnx_input(c, 0, ONNX_IN_CHW_FLAT | ONNX_IN_QUANT, &x) ||
        onnx_attr_int(c, "start", 0, &start) ||
        onnx_attr_int(c, "end", MCN_MAX_DIMS, &end))
        return -1;
    int64_t r = x->shape.rank;
    /* Opset 15's slice of the shape, clamped as the spec says. */
    start = start < 0 ? start + r : start;
    end = end < 0 ? end + r : end;
    start = start < 0 ? 0 : start > r ? r : start;
    end = end < 0 ? 0 : end > r ? r : end;
    onnx_shape s = {1, {end > start ? end - start : 0}};
    if (onnx_fold_alloc(c, out, true, &s))
        return -1;
    for (int64_t j = 0; j < s.d[0]; j++)
        out->i[j] = x->shape.d[start + j];
    return 0;
}

int onnx_fold_gather(onnx_ctx *c, onnx_const *out)
{
    onnx_value *x, *ix;
    int64_t axis_attr;
    int axis;
    if (const_in(c, 0, &x) || onnx_input_const(c, 1, 0, 1, &ix) ||
        onnx_attr_int(c, "axis", 0, &axis_attr) ||
        onnx_axis(c, axis_attr, x->c.shape.rank, "axis", &axis))
        return -1;
    const onnx_shape *in = &x->c.shape, *is = &ix->c.shape;
    if (in->rank - 1 + is->rank > MCN_MAX_DIMS)
        return onnx_fail(c, "the result would have rank %d",
                         in->rank - 1 + is->rank);
    onnx_shape s = {0, {0}};
    int64_t outer = 1, inner = 1, dim = in->d[axis];
    for (int i = 0; i < axis; i++)
        outer *= (s.d[s.rank++] = in->d[i]);
    for (int i = 0; i < is->rank; i++)
        s.d[s.rank++] = is->d[i];
    for (int i = axis + 1; i < in->rank; i++)
        inner *= (s.d[s.rank++] = in->d[i]);
    if (onnx_fold_alloc(c, out, x->c.is_int, &s))
        return -1;
    int64_t j = 0;
    for (int64_t o = 0; o < outer; o++)
        for (int64_t q = 0; q < ix->c.n; q++) {
            int64_t k = ix->c.i[q] < 0 ? ix->c.i[q] + dim : ix->c.i[q];
            if (k < 0 || k >= dim)
                return onnx_fail(c, "index %lld is out of range for size %lld",
                                 (long long)ix->c.i[q], (long long)dim);
            for (int64_t m = 0; m < inner; m++, j++) {
                int64_t from = (o * dim + k) * inner + m;
                if (out->is_int)
                    out->i[j] = x->c.i[from];
                else
                    out->f[j] = x->c.f[from];
            }
        }
    return 0;
}

int onnx_fold_concat(onnx_ctx *c, onnx_const *out)
{
    onnx_value *first, *v;
    int64_t axis_attr;
    int axis;
    size_t n = c->node->n_input;
    if (const_in(c, 0, &first) || onnx_attr_int(c, "axis", 0, &axis_attr) ||
        onnx_axis(c, axis_attr, first->c.shape.rank, "axis", &axis))
        return -1;
    onnx_shape s = first->c.shape;
    s.d[axis] = 0;
    for (size_t i = 0; i < n; i++) {
        if (const_in(c, (int)i, &v))
            return -1;
        const onnx_shape *vs = &v->c.shape;
        bool fit = vs->rank == s.rank && v->c.is_int == first->c.is_int;
        for (int d = 0; fit && d < s.rank; d++)
            fit = d == axis || vs->d[d] == s.d[d];
        if (!fit)
            return onnx_fail(c, "input '%s' does not fit the others", v->name);
        s.d[axis] += vs->d[axis];
    }
    if (onnx_fold_alloc(c, out, first->c.is_int, &s))
        return -1;
    int64_t outer = 1, inner = 1, at = 0;
    for (int d = 0; d < axis; d++)
        outer *= s.d[d];
    for (int d = axis + 1; d < s.rank; d++)
        inner *= s.d[d];
    for (size_t i = 0; i < n; i++) {
        const_in(c, (int)i, &v);
        int64_t chunk = v->c.shape.d[axis] * inner;
        for (int64_t o = 0; o < outer; o++) {
            int64_t to = o * s.d[axis] * inner + at;
            if (out->is_int)
                memcpy(out->i + to, v->c.i + o * chunk, (size_t)chunk * 8);
            else
                memcpy(out->f + to, v->c.f + o * chunk, (size_t)chunk * 4);
        }
        at += chunk;
    }
    return 0;
}


int onnx_fold_constant_of_shape(onnx_ctx *c, onnx_const *out)
{
    onnx_value *s;
    const Onnx__AttributeProto *a = onnx_attr(c->node, "value");
    onnx_const v;
    char why[160];
    if (onnx_input_const(c, 0, 0, 1, &s))
        return -1;
    if (s->c.shape.rank != 1 || s->c.n > MCN_MAX_DIMS)
        return onnx_fail(c, "the shape must be 1-D with at most %d values",
                         MCN_MAX_DIMS);
    onnx_shape shape = {(int)s->c.n, {0}};
    for (int i = 0; i < shape.rank; i++)
        if ((shape.d[i] = s->c.i[i]) < 0 || shape.d[i] > INT32_MAX)
            return onnx_fail(c, "dimension %d is %lld", i,
                             (long long)shape.d[i]);
    bool is_int = false;
    double fill = 0;  /* the default value is a float 0 */
    if (a && a->t) {
        if (onnx_tensor_decode(a->t, &v, why, sizeof why))
            return onnx_fail(c, "value: %s", why);
        bool one = v.n == 1;
        is_int = v.is_int;
        fill = one ? onnx_const_at(&v, 0) : 0;
        onnx_const_free(&v);
        if (!one)
            return onnx_fail(c, "value must hold one element");
    }
    if (onnx_fold_alloc(c, out, is_int, &shape))
        return -1;
    for (int64_t j = 0; j < out->n; j++) {
        if (is_int)
            out->i[j] = (int64_t)fill;
        else
            out->f[j] = (float)fill;
    }
    return 0;
}
