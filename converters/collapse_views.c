/* collapse_views.c: a chain of RESHAPE and TRANSPOSE nodes, each tensor
   between them read by the next node alone, becomes the fewest nodes that
   make the same tensor (strided_view.h): none, one RESHAPE (zero-copy:
   the arena planner lays its output over its input), or one TRANSPOSE
   over the fewest axes with a RESHAPE before and/or after it. An NHWC
   channel shuffle as the ONNX importer writes it (layout transpose,
   split into groups, swap, merge, layout transpose back: three copies)
   becomes one TRANSPOSE of [N*H*W, g, C/g] by [0, 2, 1]. */
#include <stdlib.h>
#include <string.h>

#include "graph_passes.h"
#include "strided_view.h"

/* Longer chains are collapsed a piece at a time. */
#define CHAIN_MAX 32

typedef struct {
    int node[CHAIN_MAX];
    int n;           /* nodes collapsed: the longest prefix with a plan */
    int transposes;  /* TRANSPOSE nodes among them */
    int axes;        /* and the axes they walk, summed */
    view_plan plan;
} chain;

/* Moving elements keeps their values only between tensors of one type
   and one per-tensor quantization (or none). */
static bool same_values(const graph_tensor *a, const graph_tensor *b)
{
    if (a->dtype != b->dtype || a->nscale != b->nscale || a->nscale > 1)
        return false;
    return !a->nscale || (a->scale[0] == b->scale[0] &&
                          a->zero_point[0] == b->zero_point[0]);
}

/* A RESHAPE or TRANSPOSE of an activation that only moves its elements;
   a malformed one is left for float execution to report. */
static bool is_move(const graph *g, int i)
{
    const graph_node *n = &g->nodes[i];
    if ((n->op != MCN_OP_RESHAPE && n->op != MCN_OP_TRANSPOSE) ||
        n->n_in < 1 || n->n_out != 1 || n->in[0] < 0 || n->out[0] < 0 ||
        n->act != MCN_ACT_NONE)
        return false;
    const graph_tensor *x = &g->tensors[n->in[0]], *y = &g->tensors[n->out[0]];
    if (x->data || !same_values(x, y) ||
        graph_tensor_elems(x) != graph_tensor_elems(y))
        return false;
    if (n->op == MCN_OP_RESHAPE)
        return true;
    if (n->n_ints != x->rank || y->rank != x->rank)
        return false;
    unsigned seen = 0;
    for (int d = 0; d < x->rank; d++) {
        int32_t p = n->ints[d];
        if (p < 0 || p >= x->rank || (seen >> p & 1u) ||
            y->shape[d] != x->shape[p])
            return false;
        seen |= 1u << p;
    }
    return true;
}

static bool is_output(const graph *g, int t)
{
    for (int i = 0; i < g->n_outputs; i++)
        if (g->outputs[i] == t)
            return true;
    return false;
}

/* The node that alone reads t, as its first input; -1 if t has another
   reader or is a graph output. */
static int sole_reader(const graph *g, int t)
{
    if (graph_use_count(g, t) != 1)
        return -1;
    for (int i = 0; i < g->n_nodes; i++)
        if (g->nodes[i].n_in >= 1 && g->nodes[i].in[0] == t)
            return i;
    return -1;
}

/* How many TRANSPOSE steps, and their axes summed. */
static int plan_transposes(const view_plan *p, int *axes)
{
    int t = 0;
    *axes = 0;
    for (int s = 0; s < p->n; s++)
        if (p->step[s].transpose) {
            t++;
            *axes += p->step[s].rank;
        }
    return t;
}

/* The moves from node i on, as far as they stay one strided view of
   node i's input, cut back to the longest prefix that has a plan. */
static bool find_chain(const graph *g, int i, chain *c)
{
    const graph_tensor *x = &g->tensors[g->nodes[i].in[0]];
    strided_view v;
    if (!view_init(&v, x->rank, x->shape))
        return false;
    c->n = 0;
    for (int k = i, len = 0; k >= 0 && len < CHAIN_MAX; len++) {
        const graph_node *n = &g->nodes[k];
        const graph_tensor *y = &g->tensors[n->out[0]];
        if (n->op == MCN_OP_TRANSPOSE)
            view_transpose(&v, n->ints);
        else if (!view_reshape(&v, y->rank, y->shape))
            break;
        c->node[len] = k;
        view_plan p;
        if (view_plan_make(&v, x->rank, x->shape, &p)) {
            c->n = len + 1;
            c->plan = p;
        }
        int next = sole_reader(g, n->out[0]);
        k = next >= 0 && is_move(g, next) ? next : -1;
    }
    c->transposes = c->axes = 0;
    for (int j = 0; j < c->n; j++)
        if (g->nodes[c->node[j]].op == MCN_OP_TRANSPOSE) {
            c->transposes++;
            c->axes += g->nodes[c->node[j]].n_ints;
        }
    return c->n > 0;
}

/* A chain that gives its input back leaves its output's readers reading
   the input. A graph output keeps its tensor (name, layout): the input's
   producer writes it instead, or, when the input is a graph input or read
   elsewhere too, one RESHAPE does. */
static void settle_identity(const graph *g, chain *c)
{
    int x = g->nodes[c->node[0]].in[0], y = g->nodes[c->node[c->n - 1]].out[0];
    if (c->plan.n > 0 || !is_output(g, y))
        return;
    if (graph_producer(g, x) >= 0 && graph_use_count(g, x) == 1)
        return;
    const graph_tensor *t = &g->tensors[y];
    view_step *s = &c->plan.step[0];
    memset(s, 0, sizeof *s);
    s->rank = t->rank;
    memcpy(s->shape, t->shape, sizeof s->shape);
    c->plan.n = 1;
}

/* Fewer copies; or as many in fewer nodes; or in as many nodes, copies
   that walk fewer axes (fewer nested loops per element). */
static bool improves(const chain *c)
{
    int axes, t = plan_transposes(&c->plan, &axes);
    if (t != c->transposes)
        return t < c->transposes;
    if (c->plan.n != c->n)
        return c->plan.n < c->n;
    return axes < c->axes;
}

/* The chain node whose name step s takes: the widest TRANSPOSE (the
   model's own, where an importer put 4-D layout transposes around it);
   the first RESHAPE for a step before the TRANSPOSE, the last for one
   after it or for a lone RESHAPE. *suffix when no unused node fits: the
   first or last node's name is taken with the op as a suffix. */
static int name_source(const graph *g, const chain *c, int s,
                       const int *taken, bool *suffix)
{
    const view_plan *p = &c->plan;
    bool tr = p->step[s].transpose, after = !tr && s == p->n - 1;
    mcn_opcode op = tr ? MCN_OP_TRANSPOSE : MCN_OP_RESHAPE;
    int pick = -1;
    for (int j = 0; j < c->n; j++) {
        const graph_node *n = &g->nodes[c->node[j]];
        if (n->op != op)
            continue;
        if (pick < 0 || (tr && n->n_ints > g->nodes[c->node[pick]].n_ints) ||
            (!tr && after))
            pick = j;
    }
    for (int q = 0; q < s && pick >= 0; q++)
        if (taken[q] == pick)
            pick = -1;
    *suffix = pick < 0;
    return pick >= 0 ? pick : after ? c->n - 1 : 0;
}

static char *step_name(const graph *g, const chain *c, int s, int *taken)
{
    bool suffix;
    int j = name_source(g, c, s, taken, &suffix);
    taken[s] = suffix ? -1 : j;
    const char *base = g->nodes[c->node[j]].name ? g->nodes[c->node[j]].name
                                                 : "";
    const char *tail = !suffix ? "" : c->plan.step[s].transpose
                                          ? ":transpose" : ":reshape";
    size_t len = strlen(base) + strlen(tail) + 1;
    char *name = malloc(len);
    if (name)
        snprintf(name, len, "%s%s", base, tail);
    return name;
}

static void say_ints(char *buf, size_t size, const int32_t *v, int n)
{
    size_t at = strlen(buf);
    for (int d = 0; d < n && at < size; d++)
        at += (size_t)snprintf(buf + at, size - at, "%s%d", d ? "," : "[",
                               (int)v[d]);
    if (at < size)
        snprintf(buf + at, size - at, n ? "]" : "[]");
}

static void say(const graph *g, const chain *c, const gpass_log *log)
{
    if (!log || !log->verbose)
        return;
    char what[256] = "";
    for (int s = 0; s < c->plan.n; s++) {
        const view_step *st = &c->plan.step[s];
        size_t at = strlen(what);
        snprintf(what + at, sizeof what - at, "%s%s ", s ? ", " : "",
                 st->transpose ? "TRANSPOSE" : "RESHAPE");
        if (st->transpose) {
            say_ints(what, sizeof what, st->perm, st->rank);
            at = strlen(what);
            snprintf(what + at, sizeof what - at, " to ");
        }
        say_ints(what, sizeof what, st->shape, st->rank);
    }
    int first = c->node[0], last = c->node[c->n - 1];
    fprintf(log->verbose, "collapsed %d nodes (%d TRANSPOSE) from %s '%s' "
            "to %s '%s' into %s\n", c->n, c->transposes,
            gpass_label(log, g, first),
            g->nodes[first].name ? g->nodes[first].name : "",
            gpass_label(log, g, last),
            g->nodes[last].name ? g->nodes[last].name : "",
            c->plan.n ? what : "nothing (they cancel out)");
}

/* Moves the last `count` nodes to index `to`, the rest keeping order. */
static void move_tail(graph *g, int count, int to)
{
    graph_node tmp[3];
    int from = g->n_nodes - count;
    memcpy(tmp, &g->nodes[from], (size_t)count * sizeof *tmp);
    memmove(&g->nodes[to + count], &g->nodes[to],
            (size_t)(from - to) * sizeof *tmp);
    memcpy(&g->nodes[to], tmp, (size_t)count * sizeof *tmp);
}

static void remove_chain(graph *g, const chain *c)
{
    for (int j = c->n - 1; j >= 0; j--)
        gpass_remove_node(g, c->node[j]);
}

static void drop_identity(graph *g, const chain *c, int x, int y)
{
    if (is_output(g, y)) {
        graph_node *p = &g->nodes[graph_producer(g, x)];
        for (int j = 0; j < p->n_out; j++)
            if (p->out[j] == x)
                p->out[j] = y;
    } else {
        for (int i = 0; i < g->n_nodes; i++)
            for (int j = 0; j < g->nodes[i].n_in; j++)
                if (g->nodes[i].in[j] == y)
                    g->nodes[i].in[j] = x;
    }
    remove_chain(g, c);
}

/* The plan's nodes, appended, then put where the chain's last node was:
   after everything the chain's input needs, before every reader of its
   output. Tensors between them are like the chain's input. */
static int emit_plan(graph *g, const chain *c, int x, int y, mcn_err *e)
{
    int taken[3], in = x;
    for (int s = 0; s < c->plan.n; s++) {
        const view_step *st = &c->plan.step[s];
        char *name = step_name(g, c, s, taken);
        int out = y, nd = -1;
        if (name && s < c->plan.n - 1) {
            out = graph_add_tensor(g, name, g->tensors[x].dtype, st->rank,
                                   st->shape);
            const graph_tensor *xt = &g->tensors[x];
            if (out >= 0 && graph_set_quant(g, out, xt->nscale, xt->scale,
                                            xt->zero_point, xt->quant_axis))
                out = -1;
        }
        if (name && out >= 0)
            nd = graph_add_node(g, st->transpose ? MCN_OP_TRANSPOSE
                                                 : MCN_OP_RESHAPE, name);
        free(name);
        if (nd < 0 || graph_node_add_input(g, nd, in) ||
            graph_node_add_output(g, nd, out))
            return mcn_fail(e, "out of memory collapsing the moves before "
                            "'%s'", g->tensors[y].name ? g->tensors[y].name
                                                      : "");
        if (st->transpose) {
            g->nodes[nd].n_ints = st->rank;
            memcpy(g->nodes[nd].ints, st->perm, sizeof st->perm);
        }
        in = out;
    }
    int at = c->node[c->n - 1] - (c->n - 1);
    remove_chain(g, c);
    move_tail(g, c->plan.n, at);
    return 0;
}

int gpass_collapse_views(graph *g, const gpass_log *log, mcn_err *e)
{
    /* Each rewrite removes a copy or a node, so this ends; a chain's
       later pieces come after it in node order and are met later. */
    for (int i = 0; i < g->n_nodes;) {
        chain c;
        if (!is_move(g, i) || !find_chain(g, i, &c)) {
            i++;
            continue;
        }
        settle_identity(g, &c);
        if (!improves(&c)) {
            i++;
            continue;
        }
        say(g, &c, log);
        int x = g->nodes[c.node[0]].in[0], y = g->nodes[c.node[c.n - 1]].out[0];
        if (c.plan.n == 0)
            drop_identity(g, &c, x, y);
        else if (emit_plan(g, &c, x, y, e))
            return -1;
    }
    return 0;
}
