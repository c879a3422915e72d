/*
** plan_order.c: execution orders for the planner to try besides the
** stored one (plan_internal.h). Where a graph branches (a residual
** shortcut, the arms of an inception module or a fire module) several
** nodes are ready at once, and which runs first decides what is alive
** together.
**
** A list schedule: repeatedly run one of the ready nodes, the one that
** leaves the fewest bytes alive afterwards (blocks it creates, less the
** blocks whose last reader it is), ties to the fewest alive while it runs
** (its outputs and scratch on top of what is alive), then to the stored
** order; a second schedule ranks by the two the other way round. Bytes
** are counted per block, so a zero-copy concatenation's output is alive
** from its first slice on. The planner places each schedule for real and
** keeps one only if its peak is lower, so a heuristic that misjudges
** costs nothing but time. At most READY_SCAN ready nodes are weighed per
** step, which keeps very wide graphs linear.
*/
#include "plan_internal.h"

#include <stdlib.h>
#include <string.h>

#define READY_SCAN 64

typedef struct {
    const graph *g;
    const int *tblock;
    const int64_t *bsize;
    int nb;
    int *producer;     /* per tensor: its node, or -1 */
    int *waiting;      /* per node: inputs not yet produced */
    int *uses;         /* per block: reads still to come */
    unsigned char *live, *pinned;
    int *ready, n_ready;
    int64_t alive;
} sched;

/* The distinct blocks among a node's inputs (outputs) into b; count. */
static int node_blocks(const sched *s, const int *ts, int n, int *b)
{
    int k = 0;
    for (int j = 0; j < n; j++) {
        int t = ts[j];
        if (t < 0 || t >= s->g->n_tensors || s->tblock[t] < 0)
            continue;
        int x = s->tblock[t], dup = 0;
        for (int i = 0; i < k; i++)
            dup |= b[i] == x;
        if (!dup)
            b[k++] = x;
    }
    return k;
}

/* Reads of block x by node v. */
static int reads_of(const sched *s, const graph_node *nd, int x)
{
    int n = 0;
    for (int j = 0; j < nd->n_in; j++)
        n += nd->in[j] >= 0 && nd->in[j] < s->g->n_tensors &&
             s->tblock[nd->in[j]] == x;
    return n;
}

/* Bytes alive while node v runs and after it. */
static void weigh(const sched *s, int v, int64_t *during, int64_t *after)
{
    const graph_node *nd = &s->g->nodes[v];
    int ins[GRAPH_MAX_IO], outs[GRAPH_MAX_IO];
    int ni = node_blocks(s, nd->in, nd->n_in, ins);
    int no = node_blocks(s, nd->out, nd->n_out, outs);
    int64_t born = 0, freed = 0;
    for (int k = 0; k < no; k++)
        if (!s->live[outs[k]]) {
            born += s->bsize[outs[k]];
            if (!s->pinned[outs[k]] &&
                s->uses[outs[k]] == reads_of(s, nd, outs[k]))
                freed += s->bsize[outs[k]];
        }
    for (int k = 0; k < ni; k++)
        if (s->live[ins[k]] && !s->pinned[ins[k]] &&
            s->uses[ins[k]] == reads_of(s, nd, ins[k]))
            freed += s->bsize[ins[k]];
    *during = s->alive + born + nd->scratch_bytes;
    *after = s->alive + born - freed;
}

static void run(sched *s, int v)
{
    const graph_node *nd = &s->g->nodes[v];
    int ins[GRAPH_MAX_IO], outs[GRAPH_MAX_IO];
    int ni = node_blocks(s, nd->in, nd->n_in, ins);
    int no = node_blocks(s, nd->out, nd->n_out, outs);
    for (int k = 0; k < no; k++)
        if (!s->live[outs[k]]) {
            s->live[outs[k]] = 1;
            s->alive += s->bsize[outs[k]];
        }
    for (int j = 0; j < nd->n_in; j++)
        if (nd->in[j] >= 0 && nd->in[j] < s->g->n_tensors &&
            s->tblock[nd->in[j]] >= 0)
            s->uses[s->tblock[nd->in[j]]]--;
    for (int k = 0; k < ni + no; k++) {
        int x = k < ni ? ins[k] : outs[k - ni];
        if (s->live[x] && !s->pinned[x] && s->uses[x] == 0) {
            s->live[x] = 0;
            s->alive -= s->bsize[x];
        }
    }
}

static void make_ready(sched *s, int v)
{
    int i = s->n_ready++;
    for (; i > 0 && s->ready[i - 1] > v; i--)
        s->ready[i] = s->ready[i - 1];
    s->ready[i] = v;
}

/* One schedule: by (after, during) if after_first, else (during, after).
   0 on success; 1 if the graph is not a DAG in the stored order. */
static int schedule(sched *s, int after_first, int *order,
                    const int *readers0, const int *readers)
{
    const graph *g = s->g;
    int nn = g->n_nodes;
    memset(s->live, 0, (size_t)s->nb);
    memset(s->uses, 0, (size_t)s->nb * sizeof *s->uses);
    memset(s->pinned, 0, (size_t)s->nb);
    s->alive = 0;
    s->n_ready = 0;
    for (int i = 0; i < nn; i++) {
        const graph_node *nd = &g->nodes[i];
        s->waiting[i] = 0;
        for (int j = 0; j < nd->n_in; j++) {
            int t = nd->in[j];
            if (t < 0 || t >= g->n_tensors)
                continue;
            if (s->tblock[t] >= 0)
                s->uses[s->tblock[t]]++;
            if (s->producer[t] >= 0)
                s->waiting[i]++;
        }
    }
    for (int i = 0; i < g->n_inputs; i++) {
        int t = g->inputs[i];
        if (t >= 0 && t < g->n_tensors && s->tblock[t] >= 0 &&
            !s->live[s->tblock[t]]) {
            s->live[s->tblock[t]] = 1;
            s->alive += s->bsize[s->tblock[t]];
        }
    }
    for (int i = 0; i < g->n_outputs; i++) {
        int t = g->outputs[i];
        if (t >= 0 && t < g->n_tensors && s->tblock[t] >= 0)
            s->pinned[s->tblock[t]] = 1;
    }
    for (int i = 0; i < nn; i++)
        if (s->waiting[i] == 0)
            make_ready(s, i);
    for (int at = 0; at < nn; at++) {
        if (s->n_ready == 0)
            return 1;
        int best = 0;
        int64_t bd = 0, ba = 0;
        int scan = s->n_ready < READY_SCAN ? s->n_ready : READY_SCAN;
        for (int r = 0; r < scan; r++) {
            int64_t d, a;
            weigh(s, s->ready[r], &d, &a);
            int64_t k1 = after_first ? a : d, k2 = after_first ? d : a;
            int64_t b1 = after_first ? ba : bd, b2 = after_first ? bd : ba;
            if (r == 0 || k1 < b1 || (k1 == b1 && k2 < b2)) {
                best = r;
                bd = d;
                ba = a;
            }
        }
        int v = s->ready[best];
        memmove(s->ready + best, s->ready + best + 1,
                (size_t)(s->n_ready - best - 1) * sizeof *s->ready);
        s->n_ready--;
        order[at] = v;
        run(s, v);
        const graph_node *nd = &g->nodes[v];
        for (int j = 0; j < nd->n_out; j++) {
            int t = nd->out[j];
            if (t < 0 || t >= g->n_tensors || s->producer[t] != v)
                continue;
            for (int r = readers0[t]; r < readers0[t + 1]; r++)
                if (--s->waiting[readers[r]] == 0)
                    make_ready(s, readers[r]);
        }
    }
    return 0;
}

int plan_orders(const graph *g, const int *tblock, const int64_t *bsize,
                int nb, int **orders)
{
    int nn = g->n_nodes, nt = g->n_tensors, n = 0;
    for (int k = 0; k < PLAN_ORDERS; k++)
        orders[k] = NULL;
    if (nn < 2)
        return 0;
    sched s = {.g = g, .tblock = tblock, .bsize = bsize, .nb = nb};
    s.producer = malloc((size_t)nt * sizeof *s.producer);
    s.waiting = malloc((size_t)nn * sizeof *s.waiting);
    s.uses = malloc(((size_t)nb + 1) * sizeof *s.uses);
    s.live = malloc((size_t)nb + 1);
    s.pinned = malloc((size_t)nb + 1);
    s.ready = malloc((size_t)nn * sizeof *s.ready);
    /* Readers of each tensor, one entry per reading slot. */
    int *readers0 = calloc((size_t)nt + 1, sizeof *readers0);
    int *readers = malloc((size_t)nn * GRAPH_MAX_IO * sizeof *readers);
    int *cursor = malloc(((size_t)nt + 1) * sizeof *cursor);
    int rc = 0;
    if (!s.producer || !s.waiting || !s.uses || !s.live || !s.pinned ||
        !s.ready || !readers0 || !readers || !cursor) {
        rc = -1;
        goto out;
    }
    for (int t = 0; t < nt; t++)
        s.producer[t] = -1;
    for (int i = 0; i < nn; i++)
        for (int j = 0; j < g->nodes[i].n_out; j++) {
            int t = g->nodes[i].out[j];
            if (t >= 0 && t < nt && s.producer[t] < 0)
                s.producer[t] = i;
        }
    for (int i = 0; i < nn; i++)
        for (int j = 0; j < g->nodes[i].n_in; j++) {
            int t = g->nodes[i].in[j];
            if (t >= 0 && t < nt && s.producer[t] >= 0)
                readers0[t + 1]++;
        }
    for (int t = 0; t < nt; t++) {
        readers0[t + 1] += readers0[t];
        cursor[t] = readers0[t];
    }
    for (int i = 0; i < nn; i++)
        for (int j = 0; j < g->nodes[i].n_in; j++) {
            int t = g->nodes[i].in[j];
            if (t >= 0 && t < nt && s.producer[t] >= 0)
                readers[cursor[t]++] = i;
        }
    for (int k = 0; k < PLAN_ORDERS; k++) {
        int *order = malloc((size_t)nn * sizeof *order);
        if (!order) {
            rc = -1;
            goto out;
        }
        if (schedule(&s, k == 0, order, readers0, readers)) {
            free(order);
            break;
        }
        int fresh = 0;
        for (int i = 0; i < nn && !fresh; i++)
            fresh = order[i] != i;
        for (int m = 0; m < n && fresh; m++)
            fresh = memcmp(order, orders[m], (size_t)nn * sizeof *order) != 0;
        if (fresh)
            orders[n++] = order;
        else
            free(order);
    }
out:
    if (rc)
        for (int k = 0; k < n; k++)
            free(orders[k]);
    free(s.producer);
    free(s.waiting);
    free(s.uses);
    free(s.live);
    free(s.pinned);
    free(s.ready);
    free(readers0);
    free(readers);
    free(cursor);
    return rc ? -1 : n;
}
