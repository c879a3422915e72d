/* channels.c: see channels.h. */
#include "channels.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph_shapes.h"

typedef struct {
    const graph *g;
    int *parent;        /* union-find over tensors */
    char (*why)[96];    /* per tensor: why its group is fixed ("" = not) */
    nas_cut *cuts;      /* group: an activation of it, until numbered */
    int n_cuts;
    mcn_err *e;
} finder;

static int root(finder *f, int t)
{
    while (f->parent[t] != t) {
        f->parent[t] = f->parent[f->parent[t]];
        t = f->parent[t];
    }
    return t;
}

static void join(finder *f, int a, int b)
{
    a = root(f, a);
    b = root(f, b);
    if (a != b)
        f->parent[b] = a;
}

static bool activation(const graph *g, int t)
{
    return t >= 0 && t < g->n_tensors && !graph_is_const(g, t) &&
           g->tensors[t].rank >= 1;
}

static int last_dim(const graph *g, int t)
{
    return g->tensors[t].shape[g->tensors[t].rank - 1];
}

static void pin(finder *f, int t, const char *fmt, const char *name)
{
    if (activation(f->g, t) && !f->why[t][0])
        snprintf(f->why[t], sizeof f->why[t], fmt, name ? name : "?");
}

static void pin_node(finder *f, const graph_node *n, const char *what)
{
    char fmt[96];
    snprintf(fmt, sizeof fmt, "%s %s '%%s'", what, graph_op_name(n->op));
    for (int j = 0; j < n->n_in; j++)
        pin(f, n->in[j], fmt, n->name);
    for (int j = 0; j < n->n_out; j++)
        pin(f, n->out[j], fmt, n->name);
}

/* `tensor`'s `axis` follows the channels of activation `act`. */
static int add_cut(finder *f, int tensor, int axis, int act)
{
    if (tensor < 0)
        return 0;
    nas_cut *c = realloc(f->cuts, ((size_t)f->n_cuts + 1) * sizeof *c);
    if (!c)
        return mcn_fail(f->e, "out of memory");
    f->cuts = c;
    c[f->n_cuts++] = (nas_cut){tensor, axis, act};
    return 0;
}

/* Whether a RESHAPE keeps the channel axis last and everything before it
   the same size ([1,1,1,C] -> [1,C] and back). */
static bool keeps_channels(const graph *g, const graph_node *n)
{
    const graph_tensor *x = &g->tensors[n->in[0]], *y = &g->tensors[n->out[0]];
    return x->shape[x->rank - 1] == y->shape[y->rank - 1] &&
           graph_tensor_elems(x) == graph_tensor_elems(y);
}

static int visit(finder *f, const graph_node *n)
{
    const graph *g = f->g;
    int x = n->n_in ? n->in[0] : -1, y = n->n_out ? n->out[0] : -1;
    if (n->n_out != 1 || !activation(g, y) || !activation(g, x)) {
        pin_node(f, n, "the unsupported");
        return 0;
    }
    switch (n->op) {
    case MCN_OP_CONV_2D:
        if (n->groups != 1) {
            pin_node(f, n, "the grouped");
            return 0;
        }
        return add_cut(f, n->in[1], 0, y) ||
               (n->n_in > 2 && add_cut(f, n->in[2], 0, y)) ||
               add_cut(f, n->in[1], 3, x);
    case MCN_OP_DEPTHWISE_CONV_2D:
        if (n->depth_multiplier != 1) {
            pin_node(f, n, "the channel-multiplying");
            return 0;
        }
        join(f, x, y);
        return add_cut(f, n->in[1], 3, y) ||
               (n->n_in > 2 && add_cut(f, n->in[2], 0, y));
    case MCN_OP_FULLY_CONNECTED:
        if (g->tensors[n->in[1]].rank != 2 ||
            g->tensors[n->in[1]].shape[1] != last_dim(g, x))
            pin(f, x, "the flattening FULLY_CONNECTED '%s'", n->name);
        return add_cut(f, n->in[1], 0, y) ||
               (n->n_in > 2 && add_cut(f, n->in[2], 0, y)) ||
               add_cut(f, n->in[1], 1, x);
    case MCN_OP_ADD: case MCN_OP_SUB: case MCN_OP_MUL: case MCN_OP_DIV:
    case MCN_OP_PRELU:
        for (int j = 0; j < n->n_in; j++) {
            int t = n->in[j];
            if (t < 0 || g->tensors[t].rank < 1 ||
                last_dim(g, t) != last_dim(g, y) || last_dim(g, y) == 1)
                continue;
            if (activation(g, t))
                join(f, t, y);
            else if (add_cut(f, t, g->tensors[t].rank - 1, y))
                return -1;
        }
        return 0;
    case MCN_OP_RESHAPE:
        if (keeps_channels(g, n))
            join(f, x, y);
        else
            pin_node(f, n, "the channel-moving");
        return 0;
    case MCN_OP_PAD:
        if (n->n_ints != 2 * g->tensors[x].rank ||
            n->ints[g->tensors[x].rank - 1] || n->ints[n->n_ints - 1]) {
            pin_node(f, n, "the channel-padding");
            return 0;
        }
        join(f, x, y);
        return 0;
    case MCN_OP_MEAN:
        for (int k = 0; k < n->n_ints; k++)
            if (n->ints[k] == g->tensors[x].rank - 1) {
                pin_node(f, n, "the channel-reducing");
                return 0;
            }
        join(f, x, y);
        return 0;
    case MCN_OP_MAX_POOL_2D: case MCN_OP_AVERAGE_POOL_2D:
    case MCN_OP_GLOBAL_AVERAGE_POOL: case MCN_OP_GLOBAL_MAX_POOL:
    case MCN_OP_CLIP: case MCN_OP_LOGISTIC: case MCN_OP_HARD_SWISH:
    case MCN_OP_TANH: case MCN_OP_LEAKY_RELU: case MCN_OP_ELU:
    case MCN_OP_HARD_SIGMOID: case MCN_OP_RESIZE: case MCN_OP_QUANTIZE:
    case MCN_OP_DEQUANTIZE: case MCN_OP_SOFTMAX: case MCN_OP_LOG_SOFTMAX:
        join(f, x, y);
        return 0;
    default:
        pin_node(f, n, "the");
        return 0;
    }
}

/* Sum over the group's producers of each channel's filter L1 norm. */
static void add_importance(const graph *g, const graph_node *n, double *imp)
{
    const graph_tensor *w = &g->tensors[n->in[1]];
    if (w->dtype != MCN_DT_FLOAT32 || !w->data)
        return;
    int64_t rows = w->shape[0], per = graph_tensor_elems(w) / rows;
    const float *d = w->data;
    for (int64_t o = 0; o < rows; o++) {
        double s = 0;
        for (int64_t k = 0; k < per; k++)
            s += fabs((double)d[o * per + k]);
        imp[o] += s;
    }
}

static const double *sort_key;

static int by_importance(const void *a, const void *b)
{
    int i = *(const int *)a, j = *(const int *)b;
    if (sort_key[i] != sort_key[j])
        return sort_key[i] > sort_key[j] ? -1 : 1;
    return i - j;
}

/* Groups numbered in the order nodes first write them; members of a
   pinned set fixed; channels ranked. */
static int number_groups(finder *f, nas_channels *ch)
{
    const graph *g = f->g;
    int *id = malloc((size_t)g->n_tensors * sizeof *id);
    if (!id)
        return mcn_fail(f->e, "out of memory");
    for (int t = 0; t < g->n_tensors; t++)
        id[t] = -1;
    int rc = 0;
    for (int i = 0; i < g->n_nodes && rc == 0; i++) {
        const graph_node *n = &g->nodes[i];
        for (int j = 0; j < n->n_in + n->n_out && rc == 0; j++) {
            int t = j < n->n_in ? n->in[j] : n->out[j - n->n_in];
            if (!activation(g, t) || id[root(f, t)] >= 0)
                continue;
            nas_group *gs = realloc(ch->groups, ((size_t)ch->n_groups + 1) *
                                                    sizeof *gs);
            if (!gs) {
                rc = mcn_fail(f->e, "out of memory");
                break;
            }
            ch->groups = gs;
            nas_group *gr = &gs[ch->n_groups];
            memset(gr, 0, sizeof *gr);
            gr->channels = last_dim(g, t);
            gr->first_node = i;
            id[root(f, t)] = ch->n_groups++;
        }
    }
    for (int t = 0; t < g->n_tensors && rc == 0; t++) {
        if (!activation(g, t))
            continue;
        nas_group *gr = &ch->groups[ch->tensor_group[t] = id[root(f, t)]];
        if (last_dim(g, t) != gr->channels && !f->why[t][0])
            snprintf(f->why[t], sizeof f->why[t],
                     "tensor '%s' broadcasting its channels",
                     g->tensors[t].name ? g->tensors[t].name : "?");
        if (f->why[t][0] && !gr->fixed) {
            gr->fixed = true;
            memcpy(gr->why, f->why[t], sizeof gr->why);
        }
    }
    free(id);
    return rc;
}

static int rank_channels(const graph *g, nas_channels *ch, mcn_err *e)
{
    for (int k = 0; k < ch->n_groups; k++) {
        nas_group *gr = &ch->groups[k];
        double *imp = calloc((size_t)gr->channels, sizeof *imp);
        gr->order = malloc((size_t)gr->channels * sizeof *gr->order);
        if (!imp || !gr->order) {
            free(imp);
            return mcn_fail(e, "out of memory");
        }
        for (int i = 0; i < g->n_nodes; i++) {
            const graph_node *n = &g->nodes[i];
            if ((n->op == MCN_OP_CONV_2D || n->op == MCN_OP_FULLY_CONNECTED) &&
                n->n_out == 1 && ch->tensor_group[n->out[0]] == k &&
                g->tensors[n->in[1]].shape[0] == gr->channels)
                add_importance(g, n, imp);
        }
        for (int c = 0; c < gr->channels; c++)
            gr->order[c] = c;
        sort_key = imp;
        qsort(gr->order, (size_t)gr->channels, sizeof *gr->order,
              by_importance);
        free(imp);
    }
    return 0;
}

/* Each constant axis cut once, by its group's number; an axis two groups
   would cut pins both. */
static int settle_cuts(finder *f, nas_channels *ch)
{
    ch->cuts = malloc(((size_t)f->n_cuts + 1) * sizeof *ch->cuts);
    if (!ch->cuts)
        return mcn_fail(f->e, "out of memory");
    for (int a = 0; a < f->n_cuts; a++) {
        nas_cut c = f->cuts[a];
        c.group = ch->tensor_group[c.group];
        int b = 0;
        while (b < ch->n_cuts && (ch->cuts[b].tensor != c.tensor ||
                                  ch->cuts[b].axis != c.axis))
            b++;
        if (b == ch->n_cuts) {
            ch->cuts[ch->n_cuts++] = c;
            continue;
        }
        if (ch->cuts[b].group == c.group)
            continue;
        const char *name = f->g->tensors[c.tensor].name;
        for (int k = 0; k < 2; k++) {
            nas_group *gr = &ch->groups[k ? ch->cuts[b].group : c.group];
            if (!gr->fixed)
                snprintf(gr->why, sizeof gr->why, "weights '%s' shared with "
                         "another channel group", name ? name : "?");
            gr->fixed = true;
        }
    }
    return 0;
}

int nas_channels_find(const graph *g, nas_channels *ch, mcn_err *e)
{
    memset(ch, 0, sizeof *ch);
    finder f = {g, NULL, NULL, NULL, 0, e};
    size_t n = (size_t)(g->n_tensors ? g->n_tensors : 1);
    f.parent = malloc(n * sizeof *f.parent);
    f.why = calloc(n, sizeof *f.why);
    ch->tensor_group = malloc(n * sizeof *ch->tensor_group);
    ch->n_tensors = g->n_tensors;
    int rc = f.parent && f.why && ch->tensor_group
                 ? 0 : mcn_fail(e, "out of memory");
    for (int t = 0; rc == 0 && t < g->n_tensors; t++) {
        f.parent[t] = t;
        ch->tensor_group[t] = -1;
    }
    for (int i = 0; rc == 0 && i < g->n_nodes; i++)
        rc = visit(&f, &g->nodes[i]);
    for (int i = 0; rc == 0 && i < g->n_inputs; i++)
        pin(&f, g->inputs[i], "the graph input '%s'",
            g->tensors[g->inputs[i]].name);
    for (int i = 0; rc == 0 && i < g->n_outputs; i++)
        pin(&f, g->outputs[i], "the graph output '%s'",
            g->tensors[g->outputs[i]].name);
    if (rc == 0)
        rc = number_groups(&f, ch);
    if (rc == 0)
        rc = settle_cuts(&f, ch);
    if (rc == 0)
        rc = rank_channels(g, ch, e);
    free(f.parent);
    free(f.why);
    free(f.cuts);
    if (rc)
        nas_channels_free(ch);
    return rc;
}

void nas_channels_free(nas_channels *ch)
{
    for (int k = 0; k < ch->n_groups; k++)
        free(ch->groups[k].order);
    free(ch->groups);
    free(ch->cuts);
    free(ch->tensor_group);
    memset(ch, 0, sizeof *ch);
}

int nas_group_width(const nas_group *gr, double ratio, int divisor)
{
    if (gr->fixed || ratio >= 1.0)
        return gr->channels;
    double x = gr->channels * ratio;
    int d = divisor > 0 ? divisor : 1;
    int v = (int)((x + d / 2.0) / d) * d;
    if (v < d)
        v = d;
    if (v < 0.9 * x)
        v += d;
    return v < gr->channels ? v : gr->channels;
}

static int ascending(const void *a, const void *b)
{
    return *(const int *)a - *(const int *)b;
}

void nas_group_kept(const nas_group *gr, int keep, int *sel)
{
    memcpy(sel, gr->order, (size_t)keep * sizeof *sel);
    qsort(sel, (size_t)keep, sizeof *sel, ascending);
}

/* Cut a constant's data along `axis` to the channels in sel. */
static int cut_data(graph *g, int t, int axis, const int *sel, int keep,
                    mcn_err *e)
{
    graph_tensor *x = &g->tensors[t];
    size_t es = mcn_dtype_size(x->dtype);
    int64_t outer = 1, inner = 1;
    for (int i = 0; i < axis; i++)
        outer *= x->shape[i];
    for (int i = axis + 1; i < x->rank; i++)
        inner *= x->shape[i];
    int64_t dim = x->shape[axis];
    if (!es || x->nbytes != (size_t)(outer * dim * inner) * es)
        return mcn_fail(e, "constant '%s' holds %zu bytes, not its shape's",
                        x->name ? x->name : "?", x->nbytes);
    size_t row = (size_t)inner * es, n = (size_t)(outer * keep) * row;
    uint8_t *d = malloc(n ? n : 1);
    if (!d)
        return mcn_fail(e, "out of memory");
    const uint8_t *s = x->data;
    for (int64_t o = 0; o < outer; o++)
        for (int k = 0; k < keep; k++)
            memcpy(d + ((size_t)o * (size_t)keep + (size_t)k) * row,
                   s + ((size_t)o * (size_t)dim + (size_t)sel[k]) * row, row);
    free(x->data);
    x->data = d;
    x->nbytes = n;
    if (x->nscale == dim && x->quant_axis == axis) {
        for (int k = 0; k < keep; k++) {
            x->scale[k] = x->scale[sel[k]];
            x->zero_point[k] = x->zero_point[sel[k]];
        }
        x->nscale = keep;
    }
    return 0;
}

/* Shapes (and with `data`, the constants' contents) of g cut to keep. */
static int cut_graph(graph *g, const nas_channels *ch, const int *keep,
                     bool data, mcn_err *e)
{
    if (g->n_tensors != ch->n_tensors)
        return mcn_fail(e, "the channel groups are not this graph's");
    int most = 1;
    for (int k = 0; k < ch->n_groups; k++) {
        if (keep[k] < 1 || keep[k] > ch->groups[k].channels ||
            (ch->groups[k].fixed && keep[k] != ch->groups[k].channels))
            return mcn_fail(e, "channel group %d cannot keep %d of its %d "
                            "channels%s%s", k, keep[k],
                            ch->groups[k].channels,
                            ch->groups[k].fixed ? ": fixed by " : "",
                            ch->groups[k].why);
        if (ch->groups[k].channels > most)
            most = ch->groups[k].channels;
    }
    int *sel = malloc((size_t)most * sizeof *sel);
    if (!sel)
        return mcn_fail(e, "out of memory");
    int rc = 0;
    for (int c = 0; c < ch->n_cuts && rc == 0; c++) {
        const nas_cut *cu = &ch->cuts[c];
        const nas_group *gr = &ch->groups[cu->group];
        if (keep[cu->group] == gr->channels)
            continue;
        if (data) {
            nas_group_kept(gr, keep[cu->group], sel);
            rc = cut_data(g, cu->tensor, cu->axis, sel, keep[cu->group], e);
        }
        g->tensors[cu->tensor].shape[cu->axis] = keep[cu->group];
    }
    free(sel);
    /* A RESHAPE's fixed channel count follows its group. */
    for (int i = 0; i < g->n_nodes && rc == 0; i++) {
        graph_node *n = &g->nodes[i];
        int k = n->n_out ? ch->tensor_group[n->out[0]] : -1;
        if (n->op == MCN_OP_RESHAPE && n->n_ints && k >= 0 &&
            n->ints[n->n_ints - 1] != -1)
            n->ints[n->n_ints - 1] = keep[k];
    }
    return rc ? rc : graph_infer_shapes(g, e);
}

int graph_slice_channels(const graph *src, const nas_channels *ch,
                         const int *keep, graph *dst, mcn_err *e)
{
    if (graph_clone(dst, src, e))
        return -1;
    if (cut_graph(dst, ch, keep, true, e)) {
        graph_free(dst);
        return -1;
    }
    return 0;
}

int nas_slice_shapes(graph *g, const nas_channels *ch, const int *keep,
                     mcn_err *e)
{
    return cut_graph(g, ch, keep, false, e);
}
