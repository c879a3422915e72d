/* strided_view.c: RESHAPE and TRANSPOSE as re-cuts and reorderings of a
   view's atoms, and the node forms that rebuild a view in one copy. */
#include "strided_view.h"

#include <string.h>

/* Whether inner continues outer: together they are one atom. */
static bool contiguous(view_atom outer, view_atom inner)
{
    return outer.stride == inner.stride * inner.size;
}

/* The atoms of every axis in order as one canonical list: the digits the
   view's flat index is cut into. Neighbours of different axes can
   continue each other, so they are merged here. */
static int flatten(const strided_view *v, view_atom *out)
{
    int n = 0;
    for (int i = 0; i < v->first[v->rank]; i++) {
        view_atom a = v->atom[i];
        if (n > 0 && contiguous(out[n - 1], a)) {
            out[n - 1].size *= a.size;
            out[n - 1].stride = a.stride;
        } else {
            out[n++] = a;
        }
    }
    return n;
}

static void row_major(int rank, const int32_t *shape, int64_t *stride)
{
    int64_t s = 1;
    for (int d = rank - 1; d >= 0; d--) {
        stride[d] = s;
        s *= shape[d];
    }
}

static bool same_shape(int ra, const int32_t *a, int rb, const int32_t *b)
{
    for (int d = 0; ra == rb && d < ra; d++)
        if (a[d] != b[d])
            return false;
    return ra == rb;
}

bool view_init(strided_view *v, int rank, const int32_t *shape)
{
    if (rank < 0 || rank > MCN_MAX_DIMS)
        return false;
    int64_t elems = 1;
    for (int d = 0; d < rank; d++) {
        if (shape[d] < 1 || elems > (INT64_C(1) << 62) / shape[d])
            return false;
        elems *= shape[d];
    }
    int64_t stride[MCN_MAX_DIMS];
    row_major(rank, shape, stride);
    memset(v, 0, sizeof *v);
    v->rank = rank;
    int n = 0;
    for (int d = 0; d < rank; d++) {
        v->shape[d] = shape[d];
        v->first[d] = n;
        if (shape[d] > 1)
            v->atom[n++] = (view_atom){shape[d], stride[d]};
    }
    v->first[rank] = n;
    return true;
}

void view_transpose(strided_view *v, const int32_t *perm)
{
    strided_view t;
    memset(&t, 0, sizeof t);
    t.rank = v->rank;
    int n = 0;
    for (int d = 0; d < v->rank; d++) {
        int a = perm[d];
        t.shape[d] = v->shape[a];
        t.first[d] = n;
        for (int i = v->first[a]; i < v->first[a + 1]; i++)
            t.atom[n++] = v->atom[i];
    }
    t.first[v->rank] = n;
    *v = t;
}

/* A sub-run of a canonical list stays canonical, and so does one that
   starts or ends with part of a split atom: the part continues its
   neighbour exactly when the whole atom did. */
bool view_reshape(strided_view *v, int rank, const int32_t *shape)
{
    if (rank < 0 || rank > MCN_MAX_DIMS)
        return false;
    view_atom flat[VIEW_MAX_ATOMS];
    int nf = flatten(v, flat), k = 0, n = 0;
    strided_view r;
    memset(&r, 0, sizeof r);
    r.rank = rank;
    for (int d = 0; d < rank; d++) {
        if (shape[d] < 1)
            return false;
        r.shape[d] = shape[d];
        r.first[d] = n;
        int64_t s = shape[d];
        while (s > 1) {
            if (k == nf)
                return false;  /* more elements than the source */
            view_atom a = flat[k];
            if (s % a.size == 0) {
                r.atom[n++] = a;
                k++;
                s /= a.size;
            } else if (a.size % s == 0) {
                /* the outer s of the atom's digits, the rest stays */
                flat[k].size = a.size / s;
                r.atom[n++] = (view_atom){s, a.stride * flat[k].size};
                s = 1;
            } else {
                return false;
            }
        }
    }
    r.first[rank] = n;
    if (k != nf)
        return false;  /* fewer elements than the source */
    *v = r;
    return true;
}

/* The forms of a plan: a TRANSPOSE over `rank` axes by `perm` of a tensor
   of shape `pre`, whose output read flat is the view read flat. */
typedef struct {
    int rank;
    int32_t pre[MCN_MAX_DIMS], perm[MCN_MAX_DIMS];
} transpose_form;

/* Over the view's groups (its flat atoms): the source cut into them,
   outermost (largest stride) first, put in the view's order. The fewest
   axes; a RESHAPE on each side unless the shapes already match. */
static bool by_groups(const view_atom *g, int k, transpose_form *f)
{
    if (k > MCN_MAX_DIMS)
        return false;
    for (int d = 0; d < k; d++) {
        if (g[d].size > INT32_MAX)
            return false;
        int at = 0;  /* strides differ: the groups cut one flat index */
        for (int j = 0; j < k; j++)
            at += g[j].stride > g[d].stride;
        f->pre[at] = (int32_t)g[d].size;
        f->perm[d] = at;
    }
    f->rank = k;
    return true;
}

/* Over the source's own axes, when each group is a run of whole source
   axes: no RESHAPE before. Unit axes stay where they are. */
static bool by_source_axes(const view_atom *g, int k, int src_rank,
                           const int32_t *src, transpose_form *f)
{
    int64_t stride[MCN_MAX_DIMS];
    row_major(src_rank, src, stride);
    int order[MCN_MAX_DIMS], n = 0, wide = 0;
    for (int d = 0; d < src_rank; d++)
        wide += src[d] > 1;
    for (int i = 0; i < k; i++) {
        int last = src_rank - 1;
        while (last >= 0 && !(src[last] > 1 && stride[last] == g[i].stride))
            last--;
        if (last < 0)
            return false;
        int top = last;
        int64_t size = src[last];
        while (size < g[i].size && top > 0)
            size *= src[--top];
        if (size != g[i].size)
            return false;
        for (int a = top; a <= last && n < MCN_MAX_DIMS; a++)
            if (src[a] > 1)
                order[n++] = a;
    }
    if (n != wide)
        return false;
    for (int d = 0, at = 0; d < src_rank; d++) {
        f->pre[d] = src[d];
        f->perm[d] = src[d] > 1 ? order[at++] : d;
    }
    f->rank = src_rank;
    return true;
}

/* Over the view's own axes, when each is one atom: no RESHAPE after.
   The TRANSPOSE's input holds them by stride, outermost first, in the
   places of the non-unit axes; unit axes stay where they are. */
static bool by_result_axes(const strided_view *v, transpose_form *f)
{
    int place[MCN_MAX_DIMS], n = 0;
    for (int d = 0; d < v->rank; d++) {
        if (v->shape[d] == 1)
            continue;
        if (v->first[d + 1] - v->first[d] != 1)
            return false;
        place[n++] = d;
    }
    for (int d = 0; d < v->rank; d++) {
        f->pre[d] = 1;
        f->perm[d] = d;
    }
    for (int d = 0; d < v->rank; d++) {
        if (v->shape[d] == 1)
            continue;
        int at = 0;
        for (int e = 0; e < v->rank; e++)
            at += v->shape[e] > 1 &&
                  v->atom[v->first[e]].stride > v->atom[v->first[d]].stride;
        f->pre[place[at]] = v->shape[d];
        f->perm[d] = place[at];
    }
    f->rank = v->rank;
    return true;
}

static void add_step(view_plan *p, bool transpose, int rank,
                     const int32_t *shape, const int32_t *perm)
{
    view_step *s = &p->step[p->n++];
    s->transpose = transpose;
    s->rank = rank;
    for (int d = 0; d < rank; d++) {
        s->shape[d] = shape[d];
        s->perm[d] = perm ? perm[d] : 0;
    }
}

static void plan_form(const strided_view *v, int src_rank,
                      const int32_t *src, const transpose_form *f,
                      view_plan *p)
{
    memset(p, 0, sizeof *p);
    if (!same_shape(src_rank, src, f->rank, f->pre))
        add_step(p, false, f->rank, f->pre, NULL);
    int32_t out[MCN_MAX_DIMS];
    for (int d = 0; d < f->rank; d++)
        out[d] = f->pre[f->perm[d]];
    add_step(p, true, f->rank, out, f->perm);
    if (!same_shape(f->rank, out, v->rank, v->shape))
        add_step(p, false, v->rank, v->shape, NULL);
}

bool view_plan_make(const strided_view *v, int src_rank,
                    const int32_t *src_shape, view_plan *p)
{
    view_atom g[VIEW_MAX_ATOMS];
    int k = flatten(v, g);
    memset(p, 0, sizeof *p);
    if (k <= 1) {  /* the source in order */
        if (!same_shape(src_rank, src_shape, v->rank, v->shape))
            add_step(p, false, v->rank, v->shape, NULL);
        return true;
    }
    transpose_form f[3];
    bool ok[3] = {by_groups(g, k, &f[0]),
                  by_source_axes(g, k, src_rank, src_shape, &f[1]),
                  by_result_axes(v, &f[2])};
    int best_rank = 0;  /* 0: no form yet (a transpose has 2 axes or more) */
    for (int i = 0; i < 3; i++) {
        if (!ok[i])
            continue;
        view_plan c;
        plan_form(v, src_rank, src_shape, &f[i], &c);
        if (!best_rank || c.n < p->n ||
            (c.n == p->n && f[i].rank < best_rank)) {
            *p = c;
            best_rank = f[i].rank;
        }
    }
    return best_rank > 0;
}
