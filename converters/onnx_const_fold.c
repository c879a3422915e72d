/* onnx_const_fold.c: evaluating, at import, nodes whose inputs are all
   constants (typically the shape arithmetic exporters emit around Reshape).
   Results stay in ONNX order as new constants. The dispatch and the
   elementwise and reshaping ops are here; index ops in onnx_fold_index.c. */
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

int64_t onnx_fold_limit(const onnx_ctx *c, bool is_int)
{
    /* Integers are held as int64, floats as float. */
    int64_t n = ONNX_MAX_FOLD_BYTES / (is_int ? 8 : 4);
    return c->fold_inputs > n ? c->fold_inputs : n;
}

int onnx_fold_alloc(onnx_ctx *c, onnx_const *out, bool is_int,
                    const onnx_shape *s)
{
    char b[96];
    int64_t n = onnx_shape_elems(s), most = onnx_fold_limit(c, is_int);
    if (n < 0 || n > most)
        return onnx_fail(c, "the result %s has more than the %lld elements "
                         "a folded constant may have",
                         onnx_shape_str(s, b, sizeof b), (long long)most);
    if (onnx_const_alloc(out, is_int, s))
        return oom(c);
    return 0;
}

void onnx_bcast_strides(const onnx_shape *in, const onnx_shape *out,
                        int64_t *st)
{
    int off = out->rank - in->rank;
    int64_t s = 1;
    for (int i = out->rank - 1; i >= 0; i--) {
        int k = i - off;
        st[i] = k >= 0 && in->d[k] != 1 ? s : 0;
        if (k >= 0)
            s *= in->d[k];
    }
}

static int int_op(onnx_ctx *c, char op, int64_t x, int64_t y, int64_t *r)
{
    bool ovf = false;
    switch (op) {
    case 'A': ovf = __builtin_add_overflow(x, y, r); break;
    case 'S': ovf = __builtin_sub_overflow(x, y, r); break;
    case 'M': ovf = __builtin_mul_overflow(x, y, r); break;
    default:
        if (y == 0)
            return onnx_fail(c, "integer division by zero");
        ovf = x == INT64_MIN && y == -1;
        if (!ovf)
            *r = x / y;
    }
    return ovf ? onnx_fail(c, "integer overflow") : 0;
}

static int fold_arith(onnx_ctx *c, onnx_const *out)
{
    onnx_value *a, *b;
    onnx_shape s;
    char s1[96], s2[96];
    if (const_in(c, 0, &a) || const_in(c, 1, &b))
        return -1;
    if (a->c.is_int != b->c.is_int)
        return onnx_fail(c, "operands mix int64 and float32");
    if (onnx_broadcast(&a->c.shape, &b->c.shape, &s))
        return onnx_fail(c, "shapes %s and %s do not broadcast",
                         onnx_shape_str(&a->c.shape, s1, sizeof s1),
                         onnx_shape_str(&b->c.shape, s2, sizeof s2));
    if (onnx_fold_alloc(c, out, a->c.is_int, &s))
        return -1;
    char op = c->node->op_type[0];  /* A(dd), S(ub), M(ul), D(iv) */
    int64_t sa[MCN_MAX_DIMS], sb[MCN_MAX_DIMS], idx[MCN_MAX_DIMS] = {0};
    onnx_bcast_strides(&a->c.shape, &s, sa);
    onnx_bcast_strides(&b->c.shape, &s, sb);
    for (int64_t j = 0; j < out->n; j++) {
        int64_t ia = 0, ib = 0;
        for (int d = 0; d < s.rank; d++) {
            ia += idx[d] * sa[d];
            ib += idx[d] * sb[d];
        }
        if (out->is_int) {
            if (int_op(c, op, a->c.i[ia], b->c.i[ib], &out->i[j]))
                return -1;
        } else {
            float x = a->c.f[ia], y = b->c.f[ib];
            out->f[j] = op == 'A' ? x + y : op == 'S' ? x - y
                        : op == 'M' ? x * y : x / y;
        }
        for (int d = s.rank - 1; d >= 0 && ++idx[d] == s.d[d]; d--)
            idx[d] = 0;
    }
    return 0;
}

/* The input's data under a new shape. */
static int reshaped(onnx_ctx *c, const onnx_value *x, const onnx_shape *s,
                    onnx_const *out)
{
    if (onnx_const_copy(out, &x->c))
        return oom(c);
    out->shape = *s;
    return 0;
}

static int fold_reshape(onnx_ctx *c, onnx_const *out)
{
    onnx_value *x, *t;
    int64_t allowzero;
    onnx_shape s;
    if (const_in(c, 0, &x) || onnx_input_const(c, 1, 0, 1, &t) ||
        onnx_attr_int(c, "allowzero", 0, &allowzero) ||
        onnx_reshape_target(c, &x->c.shape, &t->c, allowzero != 0, &s))
        return -1;
    return reshaped(c, x, &s, out);
}

static int fold_flatten(onnx_ctx *c, onnx_const *out)
{
    onnx_value *x;
    int64_t axis;
    onnx_shape s;
    if (const_in(c, 0, &x) || onnx_attr_int(c, "axis", 1, &axis) ||
        onnx_flatten_shape(c, &x->c.shape, axis, &s))
        return -1;
    return reshaped(c, x, &s, out);
}

static int fold_squeeze(onnx_ctx *c, onnx_const *out)
{
    onnx_value *x;
    onnx_shape s;
    if (const_in(c, 0, &x) ||
        onnx_squeeze_shape(c, &x->c.shape, c->node->op_type[0] == 'U', &s))
        return -1;
    return reshaped(c, x, &s, out);
}

static int fold_transpose(onnx_ctx *c, onnx_const *out)
{
    onnx_value *x;
    int64_t perm[MCN_MAX_DIMS];
    int n;
    if (const_in(c, 0, &x) ||
        onnx_attr_ints(c, "perm", perm, MCN_MAX_DIMS, &n))
        return -1;
    const onnx_shape *in = &x->c.shape;
    int r = in->rank;
    bool seen[MCN_MAX_DIMS] = {false};
    if (n < 0)
        for (int i = 0; i < r; i++)
            perm[i] = r - 1 - i;
    else if (n != r)
        return onnx_fail(c, "perm has %d values for rank %d", n, r);
    onnx_shape s = {r, {0}};
    for (int i = 0; i < r; i++) {
        if (perm[i] < 0 || perm[i] >= r || seen[perm[i]])
            return onnx_fail(c, "perm is not a permutation of 0..%d", r - 1);
        seen[perm[i]] = true;
        s.d[i] = in->d[perm[i]];
    }
    if (onnx_fold_alloc(c, out, x->c.is_int, &s))
        return -1;
    int64_t st[MCN_MAX_DIMS], src[MCN_MAX_DIMS], idx[MCN_MAX_DIMS] = {0};
    int64_t acc = 1;
    for (int i = r - 1; i >= 0; i--) {
        st[i] = acc;
        acc *= in->d[i];
    }
    for (int i = 0; i < r; i++)
        src[i] = st[perm[i]];
    for (int64_t j = 0; j < out->n; j++) {
        int64_t k = 0;
        for (int d = 0; d < r; d++)
            k += idx[d] * src[d];
        if (out->is_int)
            out->i[j] = x->c.i[k];
        else
            out->f[j] = x->c.f[k];
        for (int d = r - 1; d >= 0 && ++idx[d] == s.d[d]; d--)
            idx[d] = 0;
    }
    return 0;
}

static int fold_cast(onnx_ctx *c, onnx_const *out)
{
    onnx_value *x;
    int64_t to;
    if (const_in(c, 0, &x) || onnx_attr_int(c, "to", 0, &to))
        return -1;
    bool is_int = to == ONNX__TENSOR_PROTO__DATA_TYPE__INT64 ||
                  to == ONNX__TENSOR_PROTO__DATA_TYPE__INT32;
    if (!is_int && to != ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT &&
        to != ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE)
        return onnx_fail(c, "casting to data type %lld is not supported",
                         (long long)to);
    if (onnx_fold_alloc(c, out, is_int, &x->c.shape))
        return -1;
    for (int64_t j = 0; j < out->n; j++) {
        double v = onnx_const_at(&x->c, j);
        if (!is_int) {
            out->f[j] = (float)v;
        } else if (!(v > -9.2e18 && v < 9.2e18)) {
            return onnx_fail(c, "value %g does not fit in an integer", v);
        } else {
            out->i[j] = (int64_t)v;
        }
    }
    return 0;
}

static const struct {
    const char *name;
    onnx_fold_fn fn;
    bool const_only;  /* no translation exists when inputs are activations */
} folds[] = {
    {"Add", fold_arith, false},          {"Sub", fold_arith, false},
    {"Mul", fold_arith, false},          {"Div", fold_arith, false},
    {"Reshape", fold_reshape, false},    {"Flatten", fold_flatten, false},
    {"Squeeze", fold_squeeze, false},    {"Unsqueeze", fold_squeeze, false},
    {"Transpose", fold_transpose, false}, {"Cast", fold_cast, false},
    {"Shape", onnx_fold_shape, true},    {"Gather", onnx_fold_gather, true},
    {"Concat", onnx_fold_concat, false},
    {"ConstantOfShape", onnx_fold_constant_of_shape, true},
    {"Slice", onnx_fold_slice, false},    {"Range", onnx_fold_range, true},
    {"Equal", onnx_fold_equal, true},    {"Where", onnx_fold_where, true},
    {"Expand", onnx_fold_expand, true},
    {"QuantizeLinear", onnx_fold_quantize, false},
    {"DequantizeLinear", onnx_fold_dequantize, false},
    {"MatMul", onnx_fold_matmul, false}, {"Gemm", onnx_fold_matmul, false},
    {"Floor", onnx_fold_unary, true},    {"Ceil", onnx_fold_unary, true},
    {"Neg", onnx_fold_unary, true},      {"Abs", onnx_fold_unary, true},
    {"Sqrt", onnx_fold_unary, true},
    {"Reciprocal", onnx_fold_unary, true},
};

int onnx_fold(onnx_ctx *c, bool *done)
{
    const Onnx__NodeProto *n = c->node;
    size_t f = 0, nf = sizeof folds / sizeof folds[0];
    *done = false;
    while (f < nf && strcmp(folds[f].name, n->op_type))
        f++;
    if (f == nf)
        return 0;
    bool is_shape = folds[f].fn == onnx_fold_shape;
    int64_t largest = 0;
    for (size_t i = 0; i < n->n_input && !is_shape; i++) {
        onnx_value *v;
        if (onnx_input(c, (int)i, ONNX_IN_OPTIONAL | ONNX_IN_CHW_FLAT |
                                      ONNX_IN_QUANT, &v))
            return -1;
        if (v && v->kind != ONNX_VAL_CONST) {
            if (folds[f].const_only)
                return onnx_fail(c, "only supported on constants (input "
                                 "'%s' is an activation)", v->name);
            return 0;
        }
        if (v && v->c.n > largest)
            largest = v->c.n;
    }
    onnx_const k;
    memset(&k, 0, sizeof k);
    c->fold_inputs = largest;
    int rc = folds[f].fn(c, &k);
    c->fold_inputs = 0;
    if (rc) {
        onnx_const_free(&k);
        return -1;
    }
    onnx_log(c, "folded %s '%s' into a constant", n->op_type,
             onnx_node_name(n));
    *done = true;
    return onnx_output_const(c, 0, &k);
}
