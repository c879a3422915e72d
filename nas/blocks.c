/* blocks.c: see blocks.h. */
#include "blocks.h"

#include <stdlib.h>
#include <string.h>

/* A branch longer than this is not a block worth dropping (and keeps the
   search for one linear on long graphs). */
#define BRANCH_MAX 64

typedef struct {
    const graph *g;
    int *producer;          /* per tensor: its node, or -1 */
    int *readers0, *readers; /* per tensor: readers[readers0[t] ..] */
    bool *is_output;        /* per tensor: a graph output */
} index_t;

static void index_free(index_t *x)
{
    free(x->producer);
    free(x->readers0);
    free(x->readers);
    free(x->is_output);
}

static int index_build(index_t *x, const graph *g)
{
    int nt = g->n_tensors, nn = g->n_nodes, uses = 0;
    memset(x, 0, sizeof *x);
    x->g = g;
    x->producer = malloc(((size_t)nt + 1) * sizeof *x->producer);
    x->readers0 = calloc((size_t)nt + 2, sizeof *x->readers0);
    x->is_output = calloc((size_t)nt + 1, sizeof *x->is_output);
    for (int i = 0; i < nn; i++)
        uses += g->nodes[i].n_in;
    x->readers = malloc(((size_t)uses + 1) * sizeof *x->readers);
    if (!x->producer || !x->readers0 || !x->is_output || !x->readers) {
        index_free(x);
        return -1;
    }
    for (int t = 0; t < nt; t++)
        x->producer[t] = -1;
    for (int i = 0; i < g->n_outputs; i++)
        if (g->outputs[i] >= 0 && g->outputs[i] < nt)
            x->is_output[g->outputs[i]] = true;
    for (int i = 0; i < nn; i++) {
        const graph_node *n = &g->nodes[i];
        for (int j = 0; j < n->n_out; j++)
            if (n->out[j] >= 0 && n->out[j] < nt)
                x->producer[n->out[j]] = i;
        for (int j = 0; j < n->n_in; j++)
            if (n->in[j] >= 0 && n->in[j] < nt)
                x->readers0[n->in[j] + 2]++;
    }
    for (int t = 0; t < nt; t++)
        x->readers0[t + 2] += x->readers0[t + 1];
    for (int i = 0; i < nn; i++) {
        const graph_node *n = &g->nodes[i];
        for (int j = 0; j < n->n_in; j++)
            if (n->in[j] >= 0 && n->in[j] < nt)
                x->readers[x->readers0[n->in[j] + 1]++] = i;
    }
    return 0;
}

static bool in_set(const int *set, int n, int v)
{
    for (int i = 0; i < n; i++)
        if (set[i] == v)
            return true;
    return false;
}

static bool same_shape(const graph_tensor *a, const graph_tensor *b)
{
    return a->rank == b->rank &&
           !memcmp(a->shape, b->shape, (size_t)a->rank * sizeof *a->shape);
}

/* The branch from skip to `branch` (the ADD's other input): its nodes
   into set, how many, or 0 when it is not a block's. */
static int branch_of(const index_t *x, int add, int skip, int branch,
                     int *set)
{
    const graph *g = x->g;
    int n = 0, todo[BRANCH_MAX], nt = 0;
    if (branch == skip || x->producer[branch] < 0)
        return 0;
    todo[nt++] = x->producer[branch];
    while (nt) {
        int v = todo[--nt];
        if (in_set(set, n, v))
            continue;
        if (n == BRANCH_MAX)
            return 0;
        set[n++] = v;
        const graph_node *nd = &g->nodes[v];
        for (int j = 0; j < nd->n_in; j++) {
            int t = nd->in[j];
            if (t < 0 || t == skip || graph_is_const(g, t))
                continue;
            if (t >= g->n_tensors || x->producer[t] < 0 || nt == BRANCH_MAX)
                return 0;  /* reaches a graph input around the shortcut */
            todo[nt++] = x->producer[t];
        }
    }
    /* Nothing outside reads what the branch writes. */
    for (int i = 0; i < n; i++) {
        const graph_node *nd = &g->nodes[set[i]];
        for (int j = 0; j < nd->n_out; j++) {
            int t = nd->out[j];
            if (t < 0 || t >= g->n_tensors || x->is_output[t])
                return 0;
            for (int r = x->readers0[t]; r < x->readers0[t + 1]; r++)
                if (x->readers[r] != add && !in_set(set, n, x->readers[r]))
                    return 0;
        }
    }
    return n;
}

static int int_cmp(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* Whether ADD a's fused activation leaves its shortcut alone (x + 0):
   none, or a RELU or RELU6 over a shortcut that one as tight made. */
static bool passes_through(const index_t *x, const graph_node *a, int skip)
{
    if (a->act == MCN_ACT_NONE)
        return true;
    int p = x->producer[skip];
    if (p < 0 || (a->act != MCN_ACT_RELU && a->act != MCN_ACT_RELU6))
        return false;
    mcn_activation made = x->g->nodes[p].act;
    return made == MCN_ACT_RELU6 ||
           (a->act == MCN_ACT_RELU && made == MCN_ACT_RELU);
}

/* The block ending at ADD node i, into bl (its nodes malloc'd); 1 if it
   is one, 0 if not, -1 when out of memory. */
static int block_at(const index_t *x, int i, nas_block *bl)
{
    const graph *g = x->g;
    const graph_node *a = &g->nodes[i];
    if (a->op != MCN_OP_ADD || a->n_in != 2 || a->n_out != 1 ||
        a->has_requant)
        return 0;
    int set[BRANCH_MAX];
    for (int k = 0; k < 2; k++) {
        int skip = a->in[k], other = a->in[1 - k], sum = a->out[0];
        if (skip < 0 || other < 0 || sum < 0 || graph_is_const(g, skip) ||
            graph_is_const(g, other) ||
            !same_shape(&g->tensors[skip], &g->tensors[sum]))
            continue;
        if (!passes_through(x, a, skip))
            continue;
        int n = branch_of(x, i, skip, other, set);
        if (!n)
            continue;
        bl->add = i;
        bl->skip = skip;
        bl->sum = sum;
        bl->n_nodes = n;
        bl->nodes = malloc((size_t)n * sizeof *bl->nodes);
        if (!bl->nodes)
            return -1;
        memcpy(bl->nodes, set, (size_t)n * sizeof *set);
        qsort(bl->nodes, (size_t)n, sizeof *bl->nodes, int_cmp);
        return 1;
    }
    return 0;
}

void nas_blocks_free(nas_blocks *b)
{
    for (int k = 0; b->blocks && k < b->n_blocks; k++)
        free(b->blocks[k].nodes);
    free(b->blocks);
    free(b->stages);
    memset(b, 0, sizeof *b);
}

/* Drops the blocks whose branch holds another block's ADD. */
static void keep_innermost(nas_blocks *b)
{
    int n = 0;
    for (int k = 0; k < b->n_blocks; k++) {
        bool outer = false;
        for (int j = 0; j < b->n_blocks && !outer; j++)
            outer = j != k && in_set(b->blocks[k].nodes,
                                     b->blocks[k].n_nodes, b->blocks[j].add);
        if (outer)
            free(b->blocks[k].nodes);
        else
            b->blocks[n++] = b->blocks[k];
    }
    b->n_blocks = n;
}

static int stage_key(const nas_channels *ch, const nas_block *bl, int k)
{
    if (ch && bl->skip < ch->n_tensors && ch->tensor_group[bl->skip] >= 0)
        return ch->tensor_group[bl->skip];
    return -1 - k;
}

/* Stages in network order, the blocks sorted by stage then position. */
static int make_stages(nas_blocks *b, const nas_channels *ch)
{
    int n = b->n_blocks;
    int *key = malloc(((size_t)n + 1) * sizeof *key);
    b->stages = malloc(((size_t)n + 1) * sizeof *b->stages);
    nas_block *sorted = malloc(((size_t)n + 1) * sizeof *sorted);
    if (!key || !b->stages || !sorted) {
        free(key);
        free(sorted);
        return -1;
    }
    for (int k = 0; k < n; k++)
        key[k] = stage_key(ch, &b->blocks[k], k);
    int m = 0, s = 0;
    int *taken = calloc((size_t)n + 1, sizeof *taken);
    if (!taken) {
        free(key);
        free(sorted);
        return -1;
    }
    for (int k = 0; k < n; k++) {
        if (taken[k])
            continue;
        b->stages[s].first = m;
        for (int j = k; j < n; j++)
            if (!taken[j] && key[j] == key[k]) {
                taken[j] = 1;
                b->blocks[j].stage = s;
                sorted[m++] = b->blocks[j];
            }
        b->stages[s].count = m - b->stages[s].first;
        s++;
    }
    memcpy(b->blocks, sorted, (size_t)n * sizeof *sorted);
    b->n_stages = s;
    free(taken);
    free(key);
    free(sorted);
    return 0;
}

int nas_blocks_find(const graph *g, const nas_channels *ch, nas_blocks *b,
                    mcn_err *e)
{
    memset(b, 0, sizeof *b);
    index_t x;
    if (index_build(&x, g))
        return mcn_fail(e, "out of memory");
    b->blocks = malloc(((size_t)g->n_nodes + 1) * sizeof *b->blocks);
    int rc = b->blocks ? 0 : -1;
    for (int i = 0; i < g->n_nodes && rc == 0; i++) {
        int r = block_at(&x, i, &b->blocks[b->n_blocks]);
        if (r < 0)
            rc = -1;
        else
            b->n_blocks += r;
    }
    index_free(&x);
    if (rc == 0) {
        keep_innermost(b);
        rc = make_stages(b, ch);
    }
    if (rc) {
        nas_blocks_free(b);
        return mcn_fail(e, "out of memory");
    }
    return 0;
}

void nas_blocks_for_depths(const nas_blocks *b, const int *depth, bool *drop)
{
    for (int s = 0; s < b->n_stages; s++)
        for (int k = 0; k < b->stages[s].count; k++)
            drop[b->stages[s].first + k] = k >= depth[s];
}

/* What tensor t is once the dropped blocks are gone. */
static int resolve(const nas_blocks *b, const bool *drop, int t)
{
    for (int k = b->n_blocks - 1; k >= 0; k--)
        if (drop[k] && b->blocks[k].sum == t)
            return resolve(b, drop, b->blocks[k].skip);
    return t;
}

void nas_bypass_blocks(graph *g, const nas_blocks *b, const bool *drop)
{
    for (int i = 0; i < g->n_nodes; i++) {
        graph_node *nd = &g->nodes[i];
        for (int j = 0; j < nd->n_in; j++)
            if (nd->in[j] >= 0)
                nd->in[j] = resolve(b, drop, nd->in[j]);
    }
    for (int i = 0; i < g->n_outputs; i++)
        g->outputs[i] = resolve(b, drop, g->outputs[i]);
}

int nas_drop_blocks_view(graph *g, const nas_blocks *b, const bool *drop,
                         mcn_err *e)
{
    bool any = false;
    for (int k = 0; k < b->n_blocks; k++)
        any |= drop[k];
    if (!any)
        return 0;
    bool *gone = calloc((size_t)g->n_nodes + 1, sizeof *gone);
    if (!gone)
        return mcn_fail(e, "out of memory");
    for (int k = 0; k < b->n_blocks; k++) {
        if (!drop[k])
            continue;
        gone[b->blocks[k].add] = true;
        for (int i = 0; i < b->blocks[k].n_nodes; i++)
            gone[b->blocks[k].nodes[i]] = true;
    }
    nas_bypass_blocks(g, b, drop);
    int n = 0;
    for (int i = 0; i < g->n_nodes; i++)
        if (!gone[i])
            g->nodes[n++] = g->nodes[i];
    g->n_nodes = n;
    free(gone);
    return 0;
}
