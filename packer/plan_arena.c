/*
** plan_arena.c: see plan_arena.h. This file builds what the searches
** work on and keeps the best plan they find:
**   - alias groups: tensors that are the same bytes (RESHAPE) or slices
**     of one tensor (CONCATENATION's inputs), each with its offset in the
**     group; one block per group, one per node scratch;
**   - per execution order, every block's lifetime and the windows in which
**     a node's output block may overlap an input block dying there;
**   - placement (plan_place.c) for each candidate: the stored order and
**     the schedules of plan_order.c, with and without concatenation views.
** The plan with the lowest peak wins; the first on ties, so the stored
** order and zero-copy concatenation are kept unless the others do better.
*/
#include "plan_internal.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* Largest arena whose offsets fit Tensor.arena_offset (an int). */
#define PLAN_MAX_BYTES ((int64_t)INT32_MAX)
#define WINDOW_REACH (4 * PLAN_MAX_BYTES)

/* A window between a node's output block and an input block. */
typedef struct {
    int out, in;
    int64_t lo, hi;
} raw_pair;

typedef struct {
    const graph *g;
    const plan_opts *o;
    int nt, nn;
    /* per tensor */
    int64_t *bytes;
    int *root;        /* its group's root tensor; -1: not in the arena */
    int64_t *voff;    /* its offset inside the group */
    int *next;        /* the next member of its group */
    int *tail;        /* per root: the group's last member */
    int64_t *extent;  /* per root: the group's bytes */
    int *tblock;      /* its block, -1 if none */
    /* per node input slot: the callback's window */
    plan_window *win;
    unsigned char *has_win;
    /* blocks: the groups', then the scratch ones */
    plan_block *blocks;
    int n_groups;
    int64_t *gsize;
    raw_pair *raw;
    plan_pair *pairs;
    int *pos;
    plan_placer *placer;
    /* the best plan */
    int64_t best_peak;
    int64_t *best_toff, *best_soff;
    int *best_order;
} planner;

static int valid_tensor(const graph *g, int t)
{
    return t >= 0 && t < g->n_tensors;
}

static int is_arena(const graph *g, int t)
{
    return valid_tensor(g, t) && !graph_is_const(g, t);
}

/* A tensor's bytes with every step checked: shapes come from files. */
static int64_t tensor_size(const graph_tensor *t)
{
    int64_t n = mcn_dtype_size(t->dtype);
    if (n == 0)
        return -1;
    for (int i = 0; i < t->rank; i++) {
        if (t->shape[i] < 0)
            return -1;
        n *= t->shape[i];
        if (n > PLAN_MAX_BYTES)
            return -1;
    }
    return n;
}

static void *alloc(size_t n, size_t size, int *fail)
{
    void *p = calloc(n ? n : 1, size);
    if (!p)
        *fail = 1;
    return p;
}

static void planner_free(planner *p)
{
    free(p->bytes);
    free(p->root);
    free(p->voff);
    free(p->next);
    free(p->tail);
    free(p->extent);
    free(p->tblock);
    free(p->win);
    free(p->has_win);
    free(p->blocks);
    free(p->gsize);
    free(p->raw);
    free(p->pairs);
    free(p->pos);
    free(p->best_toff);
    free(p->best_soff);
    free(p->best_order);
    plan_placer_free(p->placer);
}

static int planner_init(planner *p, const graph *g, const plan_opts *o,
                        mcn_err *e)
{
    memset(p, 0, sizeof *p);
    p->g = g;
    p->o = o;
    p->nt = g->n_tensors;
    p->nn = g->n_nodes;
    size_t nt = (size_t)p->nt, nn = (size_t)p->nn;
    size_t nio = nn * GRAPH_MAX_IO, nb = nt + nn;
    int fail = 0;
    p->bytes = alloc(nt, sizeof *p->bytes, &fail);
    p->root = alloc(nt, sizeof *p->root, &fail);
    p->voff = alloc(nt, sizeof *p->voff, &fail);
    p->next = alloc(nt, sizeof *p->next, &fail);
    p->tail = alloc(nt, sizeof *p->tail, &fail);
    p->extent = alloc(nt, sizeof *p->extent, &fail);
    p->tblock = alloc(nt, sizeof *p->tblock, &fail);
    p->win = alloc(nio, sizeof *p->win, &fail);
    p->has_win = alloc(nio, sizeof *p->has_win, &fail);
    p->blocks = alloc(nb, sizeof *p->blocks, &fail);
    p->gsize = alloc(nt, sizeof *p->gsize, &fail);
    p->raw = alloc(nio, sizeof *p->raw, &fail);
    p->pairs = alloc(2 * nio, sizeof *p->pairs, &fail);
    p->pos = alloc(nn, sizeof *p->pos, &fail);
    p->best_toff = alloc(nt, sizeof *p->best_toff, &fail);
    p->best_soff = alloc(nn, sizeof *p->best_soff, &fail);
    p->best_order = alloc(nn, sizeof *p->best_order, &fail);
    if (!fail && !(p->placer = plan_placer_new((int)nb)))
        fail = 1;
    if (fail) {
        planner_free(p);
        return mcn_fail(e, "out of memory planning the arena");
    }
    p->best_peak = INT64_MAX;
    return 0;
}

/* The tensors the plan covers (graph inputs and outputs, node operands
   outside the constants), their sizes, and the callback's windows. */
static int measure(planner *p, mcn_err *e)
{
    const graph *g = p->g;
    for (int t = 0; t < p->nt; t++)
        p->bytes[t] = -1;
    for (int k = 0; k < g->n_inputs + g->n_outputs; k++) {
        int t = k < g->n_inputs ? g->inputs[k] : g->outputs[k - g->n_inputs];
        if (is_arena(g, t))
            p->bytes[t] = 0;
    }
    for (int i = 0; i < p->nn; i++) {
        const graph_node *nd = &g->nodes[i];
        for (int j = 0; j < nd->n_in; j++)
            if (is_arena(g, nd->in[j]))
                p->bytes[nd->in[j]] = 0;
        for (int j = 0; j < nd->n_out; j++)
            if (is_arena(g, nd->out[j]))
                p->bytes[nd->out[j]] = 0;
    }
    for (int t = 0; t < p->nt; t++) {
        if (p->bytes[t] < 0)
            continue;
        p->bytes[t] = tensor_size(&g->tensors[t]);
        if (p->bytes[t] < 0)
            return mcn_fail(e, "tensor %d '%s': bad dtype or shape, or "
                            "larger than 2 GiB", t,
                            g->tensors[t].name ? g->tensors[t].name : "");
    }
    if (!p->o || !p->o->overlap)
        return 0;
    for (int i = 0; i < p->nn; i++)
        for (int j = 0; j < g->nodes[i].n_in; j++) {
            int k = i * GRAPH_MAX_IO + j;
            plan_window *w = &p->win[k];
            p->has_win[k] = is_arena(g, g->nodes[i].in[j]) &&
                            p->o->overlap(p->o->user, g, i, j, w);
            /* Beyond the arena's reach a bound means nothing; clipped,
               offsets plus bounds cannot overflow. */
            if (w->lo < -WINDOW_REACH)
                w->lo = -WINDOW_REACH;
            if (w->hi > WINDOW_REACH)
                w->hi = WINDOW_REACH;
        }
    return 0;
}

/* ---- alias groups ---- */

/* Group r joins group d, its members `base` bytes in. */
static void merge(planner *p, int r, int d, int64_t base)
{
    for (int m = r; m >= 0; m = p->next[m]) {
        p->root[m] = d;
        p->voff[m] += base;
    }
    p->next[p->tail[d]] = r;
    p->tail[d] = p->tail[r];
    if (base + p->extent[r] > p->extent[d])
        p->extent[d] = base + p->extent[r];
}

/* All of its group: its bytes, nothing else. */
static int whole(const planner *p, int t)
{
    return p->voff[t] == 0 && p->bytes[t] == p->extent[p->root[t]];
}

/* Input k of CONCATENATION node i may be a slice of the output: the axis
   has only 1s before it (so each input is one run of the output's bytes),
   the dtypes agree, and the input is a group of its own that no other
   input of the node shares (the engine takes an input at its own slice or
   apart from the output). */
static int concat_view_ok(const planner *p, const graph_node *nd, int k)
{
    int t = nd->in[k], y = nd->out[0];
    if (p->bytes[t] < 0 || p->root[t] < 0 || !whole(p, t) ||
        p->root[t] == p->root[y] ||
        p->g->tensors[t].dtype != p->g->tensors[y].dtype)
        return 0;
    for (int j = 0; j < nd->n_in; j++)
        if (j != k && valid_tensor(p->g, nd->in[j]) &&
            p->root[nd->in[j]] == p->root[t])
            return 0;
    return 1;
}

/* How a concatenation's inputs are grouped: each its own block, as
   slices of the output where they may be, or (a planned graph's layout)
   where the stored offsets put them there. */
enum { VIEWS_NONE, VIEWS_ALL, VIEWS_STORED };

static int stored_at(const planner *p, int t, int y, int64_t at)
{
    return p->g->tensors[t].arena_offset ==
           p->g->tensors[y].arena_offset + at;
}

static void concat_views(planner *p, const graph_node *nd, int views)
{
    const graph *g = p->g;
    if (nd->n_out != 1 || p->bytes[nd->out[0]] < 0 || nd->n_in < 1)
        return;
    const graph_tensor *y = &g->tensors[nd->out[0]];
    int axis = nd->axis < 0 ? nd->axis + y->rank : nd->axis;
    if (axis < 0 || axis >= y->rank)
        return;
    for (int d = 0; d < axis; d++)
        if (y->shape[d] != 1)
            return;
    int64_t sum = 0, at[GRAPH_MAX_IO];
    for (int k = 0; k < nd->n_in; k++) {
        if (!valid_tensor(g, nd->in[k]))
            return;
        int64_t n = tensor_size(&g->tensors[nd->in[k]]);
        if (n < 0)
            return;
        at[k] = sum;
        sum += n;
    }
    if (sum != p->bytes[nd->out[0]])
        return;
    int ok[GRAPH_MAX_IO];
    for (int k = 0; k < nd->n_in; k++)
        ok[k] = concat_view_ok(p, nd, k) &&
                (views != VIEWS_STORED ||
                 stored_at(p, nd->in[k], nd->out[0], at[k]));
    int ry = p->root[nd->out[0]];
    for (int k = 0; k < nd->n_in; k++)
        if (ok[k])
            merge(p, p->root[nd->in[k]], ry, p->voff[nd->out[0]] + at[k]);
}

/* One block per group; returns how many. */
static int group(planner *p, int views)
{
    const graph *g = p->g;
    for (int t = 0; t < p->nt; t++) {
        p->root[t] = p->bytes[t] >= 0 ? t : -1;
        p->voff[t] = 0;
        p->next[t] = -1;
        p->tail[t] = t;
        p->extent[t] = p->bytes[t];
    }
    for (int i = 0; i < p->nn; i++) {
        const graph_node *nd = &g->nodes[i];
        if (nd->op == MCN_OP_RESHAPE && nd->n_in >= 1 && nd->n_out >= 1 &&
            is_arena(g, nd->in[0]) && is_arena(g, nd->out[0]) &&
            p->root[nd->in[0]] != p->root[nd->out[0]] &&
            (views != VIEWS_STORED ||
             stored_at(p, nd->out[0], nd->in[0], 0)))
            merge(p, p->root[nd->out[0]], p->root[nd->in[0]],
                  p->voff[nd->in[0]]);
        if (views != VIEWS_NONE && nd->op == MCN_OP_CONCATENATION)
            concat_views(p, nd, views);
    }
    int n = 0;
    for (int t = 0; t < p->nt; t++)
        if (p->root[t] == t) {
            plan_block *b = &p->blocks[n];
            b->size = p->extent[t];
            b->id = t;
            p->gsize[n] = b->size;
            p->tblock[t] = n++;
        }
    for (int t = 0; t < p->nt; t++)
        p->tblock[t] = p->root[t] < 0 ? -1 : p->tblock[p->root[t]];
    return n;
}

/* ---- one execution order ---- */

static void widen(plan_block *b, int at)
{
    if (at < b->birth)
        b->birth = at;
    if (at > b->death)
        b->death = at;
}

/* Lifetimes of the group blocks, then the scratch blocks; returns the
   number of blocks. */
static int lifetimes(planner *p, const int *order)
{
    const graph *g = p->g;
    for (int k = 0; k < p->n_groups; k++) {
        p->blocks[k].birth = INT_MAX;
        p->blocks[k].death = INT_MIN;
        p->blocks[k].npairs = 0;
    }
    for (int i = 0; i < g->n_inputs; i++)
        if (is_arena(g, g->inputs[i]))
            p->blocks[p->tblock[g->inputs[i]]].birth = -1;
    for (int at = 0; at < p->nn; at++) {
        const graph_node *nd = &g->nodes[order[at]];
        p->pos[order[at]] = at;
        for (int j = 0; j < nd->n_out; j++)
            if (is_arena(g, nd->out[j]))
                widen(&p->blocks[p->tblock[nd->out[j]]], at);
        for (int j = 0; j < nd->n_in; j++)
            if (is_arena(g, nd->in[j])) {
                plan_block *b = &p->blocks[p->tblock[nd->in[j]]];
                if (at > b->death)
                    b->death = at;
            }
    }
    for (int i = 0; i < g->n_outputs; i++)
        if (is_arena(g, g->outputs[i]))
            p->blocks[p->tblock[g->outputs[i]]].death = p->nn;
    for (int k = 0; k < p->n_groups; k++) {
        plan_block *b = &p->blocks[k];
        if (b->birth == INT_MAX)  /* read but never written: from the start */
            b->birth = -1;
        if (b->death < b->birth)
            b->death = b->birth;
    }
    int n = p->n_groups;
    for (int i = 0; i < p->nn; i++) {
        if (g->nodes[i].scratch_bytes == 0)
            continue;
        plan_block *b = &p->blocks[n++];
        b->size = g->nodes[i].scratch_bytes;
        b->birth = b->death = p->pos[i];
        b->id = -i - 1;
        b->npairs = 0;
    }
    return n;
}

/* The window for node i's output over input block bi: every slot holding
   it must have one, on a tensor that is the whole block; 0 if none. */
static int node_window(const planner *p, int i, int bi, plan_window *w)
{
    const graph_node *nd = &p->g->nodes[i];
    w->lo = INT64_MIN;
    w->hi = INT64_MAX;
    for (int j = 0; j < nd->n_in; j++) {
        int t = nd->in[j], k = i * GRAPH_MAX_IO + j;
        if (!is_arena(p->g, t) || p->tblock[t] != bi)
            continue;
        if (!p->has_win[k] || !whole(p, t))
            return 0;
        if (p->win[k].lo > w->lo)
            w->lo = p->win[k].lo;
        if (p->win[k].hi < w->hi)
            w->hi = p->win[k].hi;
    }
    return w->lo <= w->hi;
}

/* Windowed pairs: a node's output block born there and an input block
   dying there, each stored from both sides, grouped by block. */
static void pair_up(planner *p, int n_blocks)
{
    const graph *g = p->g;
    int n_raw = 0;
    for (int i = 0; i < p->nn && p->o && p->o->overlap; i++) {
        const graph_node *nd = &g->nodes[i];
        if (nd->n_out != 1 || !is_arena(g, nd->out[0]) ||
            !whole(p, nd->out[0]))
            continue;
        int bo = p->tblock[nd->out[0]], at = p->pos[i];
        if (p->blocks[bo].birth != at)
            continue;
        for (int j = 0; j < nd->n_in; j++) {
            int t = nd->in[j];
            if (!is_arena(g, t))
                continue;
            int bi = p->tblock[t], seen = 0;
            for (int k = 0; k < j; k++)
                seen |= is_arena(g, nd->in[k]) && p->tblock[nd->in[k]] == bi;
            plan_window w;
            if (seen || bi == bo || p->blocks[bi].death != at ||
                !node_window(p, i, bi, &w))
                continue;
            p->raw[n_raw++] = (raw_pair){bo, bi, w.lo, w.hi};
            p->blocks[bo].npairs++;
            p->blocks[bi].npairs++;
        }
    }
    int at = 0;
    for (int k = 0; k < n_blocks; k++) {
        p->blocks[k].pair0 = at;
        at += p->blocks[k].npairs;
        p->blocks[k].npairs = 0;
    }
    for (int r = 0; r < n_raw; r++) {
        const raw_pair *w = &p->raw[r];
        plan_block *o = &p->blocks[w->out], *in = &p->blocks[w->in];
        p->pairs[o->pair0 + o->npairs++] = (plan_pair){w->in, w->lo, w->hi};
        p->pairs[in->pair0 + in->npairs++] = (plan_pair){w->out, -w->hi,
                                                         -w->lo};
    }
}

/* Plans one order over the current groups; keeps it if it is the best. */
static void try_order(planner *p, const int *order)
{
    int n = lifetimes(p, order);
    pair_up(p, n);
    plan_set s = {p->blocks, n, p->pairs};
    int64_t peak = plan_place(p->placer, &s);
    if (peak >= p->best_peak)
        return;
    p->best_peak = peak;
    for (int t = 0; t < p->nt; t++)
        p->best_toff[t] = p->root[t] < 0
                              ? -1
                              : p->blocks[p->tblock[t]].offset + p->voff[t];
    for (int i = 0; i < p->nn; i++)
        p->best_soff[i] = -1;
    for (int k = p->n_groups; k < n; k++)
        p->best_soff[-p->blocks[k].id - 1] = p->blocks[k].offset;
    memcpy(p->best_order, order, (size_t)p->nn * sizeof *order);
}

/* Every candidate: with concatenation views (if any) and without, each
   in the stored order and in the schedules. */
static int search(planner *p, mcn_err *e)
{
    bool keep = p->o && p->o->keep_order;
    bool views = !(p->o && p->o->no_concat_views);
    int *stored = malloc(((size_t)p->nn + 1) * sizeof *stored);
    int *orders[PLAN_ORDERS] = {0};
    if (!stored)
        return mcn_fail(e, "out of memory planning the arena");
    for (int i = 0; i < p->nn; i++)
        stored[i] = i;
    int rc = 0, plain = 0;
    for (int pass = 0; pass < 2 && !rc; pass++) {
        bool v = pass == 0 && views;
        if (pass == 1 && (plain || !views))
            break;
        p->n_groups = group(p, v ? VIEWS_ALL : VIEWS_NONE);
        if (v) {
            /* Views that changed nothing need no second pass. */
            plain = 1;
            for (int t = 0; t < p->nt && plain; t++)
                plain = p->root[t] < 0 || p->voff[t] == 0;
        }
        try_order(p, stored);
        int n = keep ? 0
                     : plan_orders(p->g, p->tblock, p->gsize, p->n_groups,
                                   orders);
        if (n < 0)
            rc = mcn_fail(e, "out of memory planning the arena");
        for (int k = 0; k < n; k++) {
            try_order(p, orders[k]);
            free(orders[k]);
        }
    }
    free(stored);
    if (!rc && p->best_peak > PLAN_MAX_BYTES)
        rc = mcn_fail(e, "the arena would need %lld bytes, more than 2 GiB",
                      (long long)p->best_peak);
    return rc;
}

static int64_t plan(planner *p, const graph *g, const plan_opts *o,
                    mcn_err *e)
{
    if (planner_init(p, g, o, e))
        return -1;
    int rc = measure(p, e) || search(p, e);
    if (o && o->steps && p->placer)
        *o->steps += plan_placer_steps(p->placer);
    if (rc) {
        planner_free(p);
        return -1;
    }
    return p->best_peak;
}

int64_t plan_arena_peak_with(const graph *g, const plan_opts *o,
                             mcn_err *e)
{
    planner p;
    int64_t peak = plan(&p, g, o, e);
    if (peak >= 0)
        planner_free(&p);
    return peak;
}

/* g->nodes in the planned order. */
static int reorder(graph *g, const int *order, mcn_err *e)
{
    int same = 1;
    for (int i = 0; i < g->n_nodes && same; i++)
        same = order[i] == i;
    if (same)
        return 0;
    graph_node *nodes = malloc((size_t)g->n_nodes * sizeof *nodes);
    if (!nodes)
        return mcn_fail(e, "out of memory planning the arena");
    for (int i = 0; i < g->n_nodes; i++)
        nodes[i] = g->nodes[order[i]];
    memcpy(g->nodes, nodes, (size_t)g->n_nodes * sizeof *nodes);
    free(nodes);
    return 0;
}

int plan_arena_with(graph *g, const plan_opts *o, mcn_err *e)
{
    planner p;
    int64_t peak = plan(&p, g, o, e);
    if (peak < 0)
        return -1;
    for (int t = 0; t < g->n_tensors; t++)
        g->tensors[t].arena_offset = (int32_t)p.best_toff[t];
    for (int i = 0; i < g->n_nodes; i++)
        g->nodes[i].scratch_offset = (int32_t)p.best_soff[i];
    g->arena_bytes = (uint32_t)peak;
    int rc = reorder(g, p.best_order, e);
    planner_free(&p);
    return rc;
}

int plan_arena(graph *g, mcn_err *e)
{
    return plan_arena_with(g, NULL, e);
}

int64_t plan_arena_peak(const graph *g, mcn_err *e)
{
    return plan_arena_peak_with(g, NULL, e);
}

int plan_arena_layout(const graph *g, plan_extent **out, int *n, mcn_err *e)
{
    *out = NULL;
    *n = 0;
    if (!g->arena_bytes)
        return mcn_fail(e, "the graph has no arena plan (run mcn-pack)");
    planner p;
    if (planner_init(&p, g, NULL, e))
        return -1;
    int rc = measure(&p, e);
    int *order = rc ? NULL : malloc(((size_t)p.nn + 1) * sizeof *order);
    if (!rc && !order)
        rc = mcn_fail(e, "out of memory");
    if (!rc) {
        for (int i = 0; i < p.nn; i++)
            order[i] = i;
        p.n_groups = group(&p, VIEWS_STORED);
        int nb = lifetimes(&p, order);
        *out = calloc((size_t)nb + 1, sizeof **out);
        if (!*out)
            rc = mcn_fail(e, "out of memory");
        for (int k = 0; k < nb && !rc; k++) {
            const plan_block *b = &p.blocks[k];
            plan_extent *x = &(*out)[k];
            x->bytes = b->size;
            x->first = b->birth;
            x->last = b->death;
            x->tensor = b->id >= 0 ? b->id : -1;
            x->node = b->id >= 0 ? -1 : -b->id - 1;
            x->offset = b->id >= 0 ? g->tensors[b->id].arena_offset
                                   : g->nodes[x->node].scratch_offset;
        }
        if (!rc)
            *n = nb;
    }
    free(order);
    planner_free(&p);
    return rc;
}
