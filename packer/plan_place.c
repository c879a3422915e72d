/*
** plan_place.c: offsets for blocks whose lifetimes are known (see
** plan_internal.h): first fit in several orders, keeping the lowest peak.
**
** First fit puts a block at the lowest aligned offset where it meets no
** block already placed that lives at the same time, except inside their
** pair's window. The placed blocks sharing its time are found in a
** segment tree over all blocks sorted by birth that holds, per subtree,
** the latest death among the placed ones: those born no later than the
** block's death and dying no earlier than its birth, O(log n) each. Each
** rules out one or two intervals of offsets; sorted and swept, they leave
** the first gap. A plan is O(n k log n) for n blocks of which at most k
** live at once, where walking every placed block made it O(n^2).
**
** The orders, best peak first-found winning: largest first (the classic
** greedy, today's plan), largest first with later births first among
** equals (a chain of in-place outputs is laid from its end, where the
** windows let each input sit above its output), earliest birth first,
** largest area (bytes x lifetime) first, and longest lived first. With
** the best of those, the block setting its peak moved to the front while
** that helps (promote). With PLAN_EXACT_MAX blocks or fewer, every order
** (branch and bound, within a budget): without windows that is the optimum, since first fit in the
** order of an optimal plan's offsets puts each block no higher than it.
*/
#include "plan_internal.h"

#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define PLAN_EXACT_MAX 7
#define PLAN_EXACT_BUDGET 20000  /* first fits the exhaustive search spends */
#define PLAN_PROMOTE_ROUNDS 8
#define PLAN_SCAN_MAX 160  /* blocks up to which a walk beats the tree */

typedef struct {
    int64_t lo, hi;  /* offsets ruled out, both included */
} span;

struct plan_placer {
    int cap, leaves;
    int *by_birth;   /* block indices by birth */
    int *rank;       /* block -> its place in by_birth */
    int *births;     /* births in by_birth's order */
    int *tree;       /* latest death of a placed block per subtree */
    int *hits;
    span *spans;
    int64_t *best;   /* offsets of the best plan so far */
    const plan_block **seq, **best_seq;
    int64_t steps;   /* tree nodes visited and live blocks weighed */
};

plan_placer *plan_placer_new(int max_blocks)
{
    plan_placer *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    int cap = max_blocks > 0 ? max_blocks : 1, leaves = 1;
    while (leaves < cap)
        leaves *= 2;
    p->cap = cap;
    p->leaves = leaves;
    p->by_birth = malloc((size_t)cap * sizeof *p->by_birth);
    p->rank = malloc((size_t)cap * sizeof *p->rank);
    p->births = malloc((size_t)cap * sizeof *p->births);
    p->tree = malloc(2 * (size_t)leaves * sizeof *p->tree);
    p->hits = malloc((size_t)cap * sizeof *p->hits);
    p->spans = malloc(2 * (size_t)cap * sizeof *p->spans);
    p->best = malloc((size_t)cap * sizeof *p->best);
    p->seq = malloc((size_t)cap * sizeof *p->seq);
    p->best_seq = malloc((size_t)cap * sizeof *p->best_seq);
    if (!p->by_birth || !p->rank || !p->births || !p->tree || !p->hits ||
        !p->spans || !p->best || !p->seq || !p->best_seq) {
        plan_placer_free(p);
        return NULL;
    }
    return p;
}

void plan_placer_free(plan_placer *p)
{
    if (!p)
        return;
    free(p->by_birth);
    free(p->rank);
    free(p->births);
    free(p->tree);
    free(p->hits);
    free(p->spans);
    free(p->best);
    free(p->seq);
    free(p->best_seq);
    free(p);
}

static int64_t align_up(int64_t x)
{
    return (x + PLAN_ALIGN - 1) / PLAN_ALIGN * PLAN_ALIGN;
}

/* ---- the orders ---- */

/* Tensors before scratch, then by index: the same plan every time. */
static int by_id(const plan_block *a, const plan_block *b)
{
    if ((a->id >= 0) != (b->id >= 0))
        return a->id >= 0 ? -1 : 1;
    if (a->id != b->id)
        return (a->id >= 0 ? a->id < b->id : a->id > b->id) ? -1 : 1;
    return 0;
}

#define DESC(x, y) if ((x) != (y)) return (x) > (y) ? -1 : 1
#define ASC(x, y) if ((x) != (y)) return (x) < (y) ? -1 : 1

static int by_size(const void *pa, const void *pb)
{
    const plan_block *a = *(const plan_block *const *)pa,
                     *b = *(const plan_block *const *)pb;
    DESC(a->size, b->size);
    ASC(a->birth, b->birth);
    return by_id(a, b);
}

static int by_size_late_first(const void *pa, const void *pb)
{
    const plan_block *a = *(const plan_block *const *)pa,
                     *b = *(const plan_block *const *)pb;
    DESC(a->size, b->size);
    DESC(a->birth, b->birth);
    return by_id(a, b);
}

static int by_birth(const void *pa, const void *pb)
{
    const plan_block *a = *(const plan_block *const *)pa,
                     *b = *(const plan_block *const *)pb;
    ASC(a->birth, b->birth);
    DESC(a->size, b->size);
    return by_id(a, b);
}

static int by_area(const void *pa, const void *pb)
{
    const plan_block *a = *(const plan_block *const *)pa,
                     *b = *(const plan_block *const *)pb;
    DESC(a->size * (a->death - a->birth + 1),
         b->size * (b->death - b->birth + 1));
    return by_size(pa, pb);
}

static int by_lifetime(const void *pa, const void *pb)
{
    const plan_block *a = *(const plan_block *const *)pa,
                     *b = *(const plan_block *const *)pb;
    DESC(a->death - a->birth, b->death - b->birth);
    return by_size(pa, pb);
}

#undef DESC
#undef ASC

typedef int (*order_fn)(const void *, const void *);
static const order_fn orders[] = {by_size, by_size_late_first, by_birth,
                                  by_area, by_lifetime};

/* ---- first fit ---- */

static const plan_pair *pair_of(const plan_set *s, const plan_block *x,
                                int other)
{
    for (int i = 0; i < x->npairs; i++)
        if (s->pairs[x->pair0 + i].other == other)
            return &s->pairs[x->pair0 + i];
    return NULL;
}

static void add_span(span *sp, int *n, int64_t lo, int64_t hi)
{
    if (lo <= hi) {
        sp[*n].lo = lo;
        sp[*n].hi = hi;
        (*n)++;
    }
}

static int span_cmp(const void *pa, const void *pb)
{
    const span *a = pa, *b = pb;
    return a->lo < b->lo ? -1 : a->lo > b->lo;
}

static void sort_spans(span *sp, int n)
{
    if (n > 16) {
        qsort(sp, (size_t)n, sizeof *sp, span_cmp);
        return;
    }
    for (int i = 1; i < n; i++) {
        span v = sp[i];
        int j = i;
        for (; j > 0 && sp[j - 1].lo > v.lo; j--)
            sp[j] = sp[j - 1];
        sp[j] = v;
    }
}

/* The lowest aligned offset for block x among the placed blocks hits[]
   (all alive while x is). */
static int64_t first_fit(plan_placer *p, const plan_set *s, int x,
                         const int *hits, int k)
{
    const plan_block *b = &s->blocks[x];
    int n = 0;
    p->steps += k;
    for (int i = 0; i < k; i++) {
        const plan_block *o = &s->blocks[hits[i]];
        if (b->size == 0 || o->size == 0)
            continue;
        int64_t lo = o->offset - b->size + 1, hi = o->offset + o->size - 1;
        const plan_pair *w = pair_of(s, b, hits[i]);
        if (!w) {
            add_span(p->spans, &n, lo, hi);
            continue;
        }
        int64_t ok_lo = o->offset + w->lo, ok_hi = o->offset + w->hi;
        add_span(p->spans, &n, lo, hi < ok_lo - 1 ? hi : ok_lo - 1);
        add_span(p->spans, &n, lo > ok_hi + 1 ? lo : ok_hi + 1, hi);
    }
    sort_spans(p->spans, n);
    int64_t at = 0;
    for (int i = 0; i < n && p->spans[i].lo <= at; i++)
        if (p->spans[i].hi >= at)
            at = align_up(p->spans[i].hi + 1);
    return at;
}

/* ---- the placed blocks that share a lifetime ---- */

static int birth_cmp(const void *pa, const void *pb)
{
    const plan_block *a = *(const plan_block *const *)pa,
                     *b = *(const plan_block *const *)pb;
    if (a->birth != b->birth)
        return a->birth < b->birth ? -1 : 1;
    return a < b ? -1 : a > b;
}

static void tree_reset(plan_placer *p, const plan_set *s)
{
    for (int i = 0; i < s->n; i++)
        p->seq[i] = &s->blocks[i];
    qsort(p->seq, (size_t)s->n, sizeof *p->seq, birth_cmp);
    for (int i = 0; i < s->n; i++) {
        p->by_birth[i] = (int)(p->seq[i] - s->blocks);
        p->rank[p->by_birth[i]] = i;
        p->births[i] = p->seq[i]->birth;
    }
    for (int i = 0; i < 2 * p->leaves; i++)
        p->tree[i] = INT_MIN;
}

static void tree_clear(plan_placer *p)
{
    for (int i = 0; i < 2 * p->leaves; i++)
        p->tree[i] = INT_MIN;
}

static void tree_insert(plan_placer *p, int block, int death)
{
    int i = p->leaves + p->rank[block];
    p->tree[i] = death;
    for (i /= 2; i >= 1; i /= 2) {
        int m = p->tree[2 * i] > p->tree[2 * i + 1] ? p->tree[2 * i]
                                                      : p->tree[2 * i + 1];
        if (p->tree[i] == m)
            break;
        p->tree[i] = m;
    }
}

/* Placed blocks among by_birth[l, r) before `limit` dying at or after
   `birth`, into hits from k on. */
static int collect(plan_placer *p, int node, int l, int r, int limit,
                   int birth, int k)
{
    p->steps++;
    if (l >= limit || p->tree[node] < birth)
        return k;
    if (r - l == 1) {
        p->hits[k++] = p->by_birth[l];
        return k;
    }
    int m = (l + r) / 2;
    k = collect(p, 2 * node, l, m, limit, birth, k);
    return collect(p, 2 * node + 1, m, r, limit, birth, k);
}

static int query(plan_placer *p, int n, const plan_block *b)
{
    int lo = 0, hi = n;  /* first with birth > b->death */
    while (lo < hi) {
        int m = (lo + hi) / 2;
        if (p->births[m] <= b->death)
            lo = m + 1;
        else
            hi = m;
    }
    return collect(p, 1, 0, p->leaves, lo, b->birth, 0);
}

/* ---- the searches ---- */

/* The placed blocks alive while b is, by walking them all: for a few
   blocks cheaper than the tree, and the same set. */
static int scan(plan_placer *p, const plan_set *s, int placed,
                const plan_block *b)
{
    int k = 0;
    p->steps += placed;
    for (int i = 0; i < placed; i++) {
        const plan_block *o = p->seq[i];
        if (o->birth <= b->death && o->death >= b->birth)
            p->hits[k++] = (int)(o - s->blocks);
    }
    return k;
}

/* First fit in the order of p->seq. */
static int64_t place_seq(plan_placer *p, plan_set *s)
{
    bool few = s->n <= PLAN_SCAN_MAX;
    if (!few)
        tree_clear(p);
    int64_t peak = 0;
    for (int i = 0; i < s->n; i++) {
        int x = (int)(p->seq[i] - s->blocks);
        plan_block *b = &s->blocks[x];
        int k = few ? scan(p, s, i, b) : query(p, s->n, b);
        b->offset = first_fit(p, s, x, p->hits, k);
        if (!few)
            tree_insert(p, x, b->death);
        if (b->offset + b->size > peak)
            peak = b->offset + b->size;
    }
    return peak;
}

static void keep_if_best(plan_placer *p, const plan_set *s, int64_t peak,
                         int64_t *best)
{
    if (peak >= *best)
        return;
    *best = peak;
    for (int i = 0; i < s->n; i++) {
        p->best[i] = s->blocks[i].offset;
        p->best_seq[i] = p->seq[i];
    }
}

/* The best order again with the blocks that reach its peak moved to the
   front, while that lowers the peak: a block pushed up by the ones
   before it (an input whose in-place output came after it, too high for
   the window) often fits low when it goes first. */
static void promote(plan_placer *p, plan_set *s, int64_t *best)
{
    for (int round = 0; round < PLAN_PROMOTE_ROUNDS; round++) {
        /* The blocks hold the best plan's offsets here: every round that
           does not better it is the last. */
        int k = 0;
        for (int i = 0; i < s->n; i++) {
            const plan_block *b = p->best_seq[i];
            if (b->offset + b->size == *best)
                p->seq[k++] = b;
        }
        if (k == s->n || p->seq[0] == p->best_seq[0])
            return;
        for (int i = 0; i < s->n; i++) {
            const plan_block *b = p->best_seq[i];
            if (b->offset + b->size != *best)
                p->seq[k++] = b;
        }
        int64_t before = *best;
        keep_if_best(p, s, place_seq(p, s), best);
        if (*best == before)
            return;
    }
}

typedef struct {
    plan_placer *p;
    plan_set *s;
    int placed[PLAN_EXACT_MAX];
    int used[PLAN_EXACT_MAX];
    int budget;
    int64_t best;
} exact_search;

static void exact(exact_search *x, int depth, int64_t peak)
{
    plan_set *s = x->s;
    if (depth == s->n) {
        x->best = peak;
        for (int i = 0; i < s->n; i++)
            x->p->best[i] = s->blocks[i].offset;
        return;
    }
    for (int c = 0; c < s->n && x->budget > 0; c++) {
        if (x->used[c])
            continue;
        x->budget--;
        plan_block *b = &s->blocks[c];
        int hits[PLAN_EXACT_MAX], k = 0;
        for (int i = 0; i < depth; i++) {
            const plan_block *o = &s->blocks[x->placed[i]];
            if (o->birth <= b->death && b->birth <= o->death)
                hits[k++] = x->placed[i];
        }
        b->offset = first_fit(x->p, s, c, hits, k);
        int64_t top = b->offset + b->size > peak ? b->offset + b->size : peak;
        if (top >= x->best)
            continue;
        x->used[c] = 1;
        x->placed[depth] = c;
        exact(x, depth + 1, top);
        x->used[c] = 0;
    }
}

int64_t plan_placer_steps(const plan_placer *p)
{
    return p->steps;
}

int64_t plan_place(plan_placer *p, plan_set *s)
{
    if (s->n == 0)
        return 0;
    tree_reset(p, s);
    int64_t best = INT64_MAX;
    for (size_t k = 0; k < sizeof orders / sizeof orders[0]; k++) {
        for (int i = 0; i < s->n; i++)
            p->seq[i] = &s->blocks[i];
        qsort(p->seq, (size_t)s->n, sizeof *p->seq, orders[k]);
        keep_if_best(p, s, place_seq(p, s), &best);
    }
    for (int i = 0; i < s->n; i++)
        s->blocks[i].offset = p->best[i];
    promote(p, s, &best);
    if (s->n <= PLAN_EXACT_MAX) {
        exact_search x = {.p = p, .s = s, .budget = PLAN_EXACT_BUDGET,
                          .best = best};
        exact(&x, 0, 0);
        best = x.best;
    }
    for (int i = 0; i < s->n; i++)
        s->blocks[i].offset = p->best[i];
    return best;
}
