/* onnx_fold_more.c: folding Slice, Range, Equal, Where, Expand and the
   elementwise Floor, Ceil, Neg, Abs, Sqrt, Reciprocal: the rest of what
   exporters wrap around static shapes (Shape -> Slice -> Concat ->
   Reshape, masks from Equal and Where, sizes computed from scales). */
#include <math.h>
#include <string.h>

#include "onnx_internal.h"

static int const_in(onnx_ctx *c, int i, onnx_value **v)
{
    return onnx_input_const(c, i, 0, -1, v);
}

static int oom(onnx_ctx *c)
{
    return onnx_fail(c, "out of memory");
}

/* Copy element `from` of x into element `to` of out (same kind). */
static void put(onnx_const *out, int64_t to, const onnx_const *x,
                int64_t from)
{
    if (out->is_int)
        out->i[to] = x->i[from];
    else
        out->f[to] = x->f[from];
}

/* Opset 10 moved starts, ends and axes to inputs and added steps. */
static int slice_args(onnx_ctx *c, int64_t *st, int64_t *en, int64_t *ax,
                      int64_t *sp, int *n)
{
    int ne, na, ns;
    if (c->opset < 10) {
        if (onnx_attr_ints(c, "starts", st, MCN_MAX_DIMS, n) ||
            onnx_attr_ints(c, "ends", en, MCN_MAX_DIMS, &ne) ||
            onnx_attr_ints(c, "axes", ax, MCN_MAX_DIMS, &na))
            return -1;
        ns = -1;
    } else if (onnx_input_ints(c, 1, st, MCN_MAX_DIMS, n) ||
               onnx_input_ints(c, 2, en, MCN_MAX_DIMS, &ne) ||
               onnx_input_ints(c, 3, ax, MCN_MAX_DIMS, &na) ||
               onnx_input_ints(c, 4, sp, MCN_MAX_DIMS, &ns)) {
        return -1;
    }
    if (*n < 0 || ne != *n || (na >= 0 && na != *n) || (ns >= 0 && ns != *n))
        return onnx_fail(c, "starts, ends, axes and steps must have one "
                         "value per sliced axis");
    for (int i = 0; i < *n; i++) {
        if (na < 0)
            ax[i] = i;
        if (ns < 0)
            sp[i] = 1;
    }
    return 0;
}

int onnx_slice_bounds(onnx_ctx *c, const onnx_shape *in, int64_t *start,
                      int64_t *step, onnx_shape *out)
{
    int64_t st[MCN_MAX_DIMS], en[MCN_MAX_DIMS], ax[MCN_MAX_DIMS],
        sp[MCN_MAX_DIMS];
    int n;
    if (slice_args(c, st, en, ax, sp, &n))
        return -1;
    int r = in->rank;
    bool seen[MCN_MAX_DIMS] = {false};
    onnx_shape s = *in;
    for (int d = 0; d < r; d++)
        start[d] = 0, step[d] = 1;
    for (int i = 0; i < n; i++) {
        int a = 0;
        if (onnx_axis(c, ax[i], r, "axis", &a))
            return -1;
        if (seen[a])
            return onnx_fail(c, "axis %d is sliced twice", a);
        seen[a] = true;
        int64_t dim = in->d[a], b = st[i], e = en[i], k = sp[i];
        if (k == 0)
            return onnx_fail(c, "step 0 on axis %d", a);
        /* Negative indices count from the end, then everything is clamped
           (one less at both ends for a backward step). */
        b = b < 0 ? (b < -dim ? 0 : b + dim) : b;
        e = e < 0 ? (e < -dim ? -1 : e + dim) : e;
        if (k > 0) {
            b = b > dim ? dim : b;
            e = e < 0 ? 0 : e > dim ? dim : e;
            s.d[a] = e > b ? (e - b - 1) / k + 1 : 0;
        } else {
            k = k < -INT64_MAX ? -INT64_MAX : k;
            b = b > dim - 1 ? dim - 1 : b;
            e = e > dim - 1 ? dim - 1 : e;
            s.d[a] = b > e ? (b - e - 1) / -k + 1 : 0;
        }
        start[a] = b;
        step[a] = k;
    }
    *out = s;
    return 0;
}

int onnx_fold_slice(onnx_ctx *c, onnx_const *out)
{
    onnx_value *x;
    int64_t start[MCN_MAX_DIMS], step[MCN_MAX_DIMS];
    onnx_shape s;
    if (const_in(c, 0, &x) ||
        onnx_slice_bounds(c, &x->c.shape, start, step, &s))
        return -1;
    const onnx_shape *in = &x->c.shape;
    int r = in->rank;
    if (onnx_fold_alloc(c, out, x->c.is_int, &s))
        return -1;
    out->dtype = x->c.dtype;
    int64_t stride[MCN_MAX_DIMS], idx[MCN_MAX_DIMS] = {0}, acc = 1;
    for (int d = r - 1; d >= 0; d--) {
        stride[d] = acc;
        acc *= in->d[d];
    }
    for (int64_t j = 0; j < out->n; j++) {
        int64_t from = 0;
        for (int d = 0; d < r; d++)
            from += (start[d] + idx[d] * step[d]) * stride[d];
        put(out, j, &x->c, from);
        for (int d = r - 1; d >= 0 && ++idx[d] == s.d[d]; d--)
            idx[d] = 0;
    }
    return 0;
}

int onnx_fold_range(onnx_ctx *c, onnx_const *out)
{
    onnx_value *v[3];
    for (int i = 0; i < 3; i++) {
        if (const_in(c, i, &v[i]))
            return -1;
        if (v[i]->c.n != 1 || v[i]->c.is_int != v[0]->c.is_int)
            return onnx_fail(c, "start, limit and delta must be scalars of "
                             "one type");
    }
    double a = onnx_const_at(&v[0]->c, 0), l = onnx_const_at(&v[1]->c, 0),
           d = onnx_const_at(&v[2]->c, 0);
    double count = d != 0 ? ceil((l - a) / d) : -1;
    if (d == 0 || isnan(count))
        return onnx_fail(c, "delta %g gives no finite range", d);
    int64_t most = onnx_fold_limit(c, v[0]->c.is_int);
    if (!(count <= (double)most))
        return onnx_fail(c, "the range has %.0f elements, more than the "
                         "%lld a folded constant may have", count,
                         (long long)most);
    onnx_shape s = {1, {count > 0 ? (int64_t)count : 0}};
    if (onnx_fold_alloc(c, out, v[0]->c.is_int, &s))
        return -1;
    out->dtype = v[0]->c.dtype;
    for (int64_t j = 0; j < s.d[0]; j++) {
        int64_t step;
        if (!out->is_int)
            out->f[j] = (float)(a + (double)j * d);
        else if (__builtin_mul_overflow(j, v[2]->c.i[0], &step) ||
                 __builtin_add_overflow(v[0]->c.i[0], step, &out->i[j]))
            return onnx_fail(c, "the range overflows int64");
    }
    return 0;
}

/* Output shape and input strides of an n-way broadcast. */
static int bcast(onnx_ctx *c, onnx_value **v, int n, onnx_shape *s,
                 int64_t (*st)[MCN_MAX_DIMS])
{
    char s1[96], s2[96];
    *s = v[0]->c.shape;
    for (int i = 1; i < n; i++)
        if (onnx_broadcast(s, &v[i]->c.shape, s))
            return onnx_fail(c, "shapes %s and %s do not broadcast",
                             onnx_shape_str(s, s1, sizeof s1),
                             onnx_shape_str(&v[i]->c.shape, s2, sizeof s2));
    for (int i = 0; i < n; i++)
        onnx_bcast_strides(&v[i]->c.shape, s, st[i]);
    return 0;
}

/* Flat index into operand i at output position idx. */
static int64_t at(const int64_t *st, const int64_t *idx, int r)
{
    int64_t k = 0;
    for (int d = 0; d < r; d++)
        k += idx[d] * st[d];
    return k;
}

int onnx_fold_equal(onnx_ctx *c, onnx_const *out)
{
    onnx_value *v[2];
    onnx_shape s;
    int64_t st[2][MCN_MAX_DIMS], idx[MCN_MAX_DIMS] = {0};
    if (const_in(c, 0, &v[0]) || const_in(c, 1, &v[1]) ||
        bcast(c, v, 2, &s, st))
        return -1;
    if (onnx_fold_alloc(c, out, true, &s))
        return -1;
    out->dtype = ONNX__TENSOR_PROTO__DATA_TYPE__BOOL;
    for (int64_t j = 0; j < out->n; j++) {
        out->i[j] = onnx_const_at(&v[0]->c, at(st[0], idx, s.rank)) ==
                    onnx_const_at(&v[1]->c, at(st[1], idx, s.rank));
        for (int d = s.rank - 1; d >= 0 && ++idx[d] == s.d[d]; d--)
            idx[d] = 0;
    }
    return 0;
}

int onnx_fold_where(onnx_ctx *c, onnx_const *out)
{
    onnx_value *v[3];
    onnx_shape s;
    int64_t st[3][MCN_MAX_DIMS], idx[MCN_MAX_DIMS] = {0};
    for (int i = 0; i < 3; i++)
        if (const_in(c, i, &v[i]))
            return -1;
    if (!v[0]->c.is_int || v[1]->c.is_int != v[2]->c.is_int)
        return onnx_fail(c, "the condition must be bool and X and Y of one "
                         "type");
    if (bcast(c, v, 3, &s, st))
        return -1;
    if (onnx_fold_alloc(c, out, v[1]->c.is_int, &s))
        return -1;
    out->dtype = v[1]->c.dtype;
    for (int64_t j = 0; j < out->n; j++) {
        bool pick = v[0]->c.i[at(st[0], idx, s.rank)] != 0;
        int k = pick ? 1 : 2;
        put(out, j, &v[k]->c, at(st[k], idx, s.rank));
        for (int d = s.rank - 1; d >= 0 && ++idx[d] == s.d[d]; d--)
            idx[d] = 0;
    }
    return 0;
}

int onnx_fold_expand(onnx_ctx *c, onnx_const *out)
{
    onnx_value *x, *shape;
    onnx_shape s, t;
    char s1[96];
    int64_t st[MCN_MAX_DIMS], idx[MCN_MAX_DIMS] = {0};
    if (const_in(c, 0, &x) || onnx_input_const(c, 1, 0, 1, &shape))
        return -1;
    if (shape->c.shape.rank != 1 || shape->c.n > MCN_MAX_DIMS)
        return onnx_fail(c, "the shape must be 1-D with at most %d values",
                         MCN_MAX_DIMS);
    t.rank = (int)shape->c.n;
    for (int i = 0; i < t.rank; i++)
        if ((t.d[i] = shape->c.i[i]) < 0 || t.d[i] > INT32_MAX)
            return onnx_fail(c, "dimension %d is %lld", i,
                             (long long)t.d[i]);
    if (onnx_broadcast(&x->c.shape, &t, &s))
        return onnx_fail(c, "%s does not broadcast to the shape given",
                         onnx_shape_str(&x->c.shape, s1, sizeof s1));
    if (onnx_fold_alloc(c, out, x->c.is_int, &s))
        return -1;
    out->dtype = x->c.dtype;
    onnx_bcast_strides(&x->c.shape, &s, st);
    for (int64_t j = 0; j < out->n; j++) {
        put(out, j, &x->c, at(st, idx, s.rank));
        for (int d = s.rank - 1; d >= 0 && ++idx[d] == s.d[d]; d--)
            idx[d] = 0;
    }
    return 0;
}

int onnx_fold_unary(onnx_ctx *c, onnx_const *out)
{
    onnx_value *x;
    const char *op = c->node->op_type;
    if (const_in(c, 0, &x))
        return -1;
    bool neg = !strcmp(op, "Neg"), abs_ = !strcmp(op, "Abs");
    if (x->c.is_int && !neg && !abs_)
        return onnx_fail(c, "only float32 is supported");
    if (onnx_const_copy(out, &x->c))
        return oom(c);
    onnx_qparams_free(&out->q);
    for (int64_t j = 0; j < out->n; j++) {
        if (out->is_int) {
            int64_t v = out->i[j];
            if (v == INT64_MIN)
                return onnx_fail(c, "integer overflow");
            out->i[j] = neg || v < 0 ? -v : v;
            continue;
        }
        float v = out->f[j];
        out->f[j] = !strcmp(op, "Floor")  ? floorf(v)
                    : !strcmp(op, "Ceil") ? ceilf(v)
                    : neg                 ? -v
                    : abs_                ? fabsf(v)
                    : !strcmp(op, "Sqrt") ? sqrtf(v)
                                          : 1.0f / v;
    }
    return 0;
}
