/* realign.c: see realign.h. */
#include "realign.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "float_exec.h"

typedef struct {
    int channels;
    double *sum, *sq;  /* per channel */
    int64_t count;     /* values per channel */
} stats;

typedef struct {
    const graph *g;
    stats *st;         /* per node; channels 0 = not measured */
} observer;

static bool measured(const graph_node *n)
{
    return (n->op == MCN_OP_CONV_2D || n->op == MCN_OP_DEPTHWISE_CONV_2D ||
            n->op == MCN_OP_FULLY_CONNECTED) && n->n_out == 1;
}

static void observe(void *user, int node, const float *y, int64_t n)
{
    observer *o = user;
    stats *s = &o->st[node];
    if (!s->channels)
        return;
    int c = s->channels;
    for (int64_t p = 0; p + c <= n; p += c)
        for (int k = 0; k < c; k++) {
            double v = y[p + k];
            s->sum[k] += v;
            s->sq[k] += v * v;
        }
    s->count += n / c;
}

static void stats_free(stats *st, int n)
{
    for (int i = 0; st && i < n; i++)
        free(st[i].sum);
    free(st);
}

static stats *stats_new(const graph *g, mcn_err *e)
{
    stats *st = calloc((size_t)g->n_nodes + 1, sizeof *st);
    for (int i = 0; st && i < g->n_nodes; i++) {
        const graph_node *n = &g->nodes[i];
        if (!measured(n))
            continue;
        const graph_tensor *y = &g->tensors[n->out[0]];
        st[i].channels = y->shape[y->rank - 1];
        st[i].sum = calloc(2 * (size_t)st[i].channels, sizeof(double));
        if (!st[i].sum) {
            stats_free(st, g->n_nodes);
            st = NULL;
            break;
        }
        st[i].sq = st[i].sum + st[i].channels;
    }
    if (!st)
        mcn_fail(e, "out of memory");
    return st;
}

/* Every sample through g, its conv-family outputs measured. */
static int measure(const graph *g, const float *in, int n, stats *st,
                   mcn_err *e)
{
    for (int i = 0; i < g->n_nodes; i++)
        if (st[i].channels) {
            memset(st[i].sum, 0, 2 * (size_t)st[i].channels * sizeof(double));
            st[i].count = 0;
        }
    float_exec *fx;
    if (fexec_create(&fx, g, e))
        return -1;
    observer o = {g, st};
    fexec_observe(fx, observe, &o);
    size_t per = (size_t)graph_tensor_elems(&g->tensors[g->inputs[0]]);
    int rc = 0;
    for (int k = 0; k < n && rc == 0; k++) {
        const float *x = in + (size_t)k * per;
        rc = fexec_run(fx, &x, e);
    }
    fexec_free(fx);
    return rc;
}

static void moments(const stats *s, int c, double *mean, double *sd)
{
    double m = s->sum[c] / (double)s->count;
    double v = s->sq[c] / (double)s->count - m * m;
    *mean = m;
    *sd = v > 0 ? sqrt(v) : 0;
}

/* Channel j of node i: filter and bias scaled by a, bias shifted by b. */
static void adjust(graph *g, int i, int j, double a, double b)
{
    const graph_node *n = &g->nodes[i];
    graph_tensor *w = &g->tensors[n->in[1]];
    float *wd = w->data;
    int64_t total = graph_tensor_elems(w);
    if (n->op == MCN_OP_DEPTHWISE_CONV_2D) {
        int c = w->shape[3];
        for (int64_t k = j; k < total; k += c)
            wd[k] = (float)(wd[k] * a);
    } else {
        int64_t per = total / w->shape[0];
        for (int64_t k = 0; k < per; k++)
            wd[j * per + k] = (float)(wd[j * per + k] * a);
    }
    float *bd = g->tensors[n->in[2]].data;
    bd[j] = (float)(bd[j] * a + b);
}

/* Nodes whose filter and bias only they read, in float, with a bias. */
static bool adjustable(const graph *g, const graph_node *n)
{
    if (!measured(n) || n->n_in < 3 || n->in[2] < 0)
        return false;
    const graph_tensor *w = &g->tensors[n->in[1]], *b = &g->tensors[n->in[2]];
    return w->dtype == MCN_DT_FLOAT32 && b->dtype == MCN_DT_FLOAT32 &&
           w->data && b->data && graph_use_count(g, n->in[1]) == 1 &&
           graph_use_count(g, n->in[2]) == 1;
}

/* Node i's output channel j in the cut graph is `map[j]` in orig. */
static int channel_map(const nas_channels *ch, const int *keep, int group,
                       int channels, int *map)
{
    if (group < 0 || keep[group] >= ch->groups[group].channels) {
        for (int j = 0; j < channels; j++)
            map[j] = j;
        return 0;
    }
    if (keep[group] != channels)
        return -1;
    nas_group_kept(&ch->groups[group], channels, map);
    return 0;
}

static int correct(graph *cut, const stats *want, const stats *have,
                   const nas_channels *ch, const int *keep, mcn_err *e)
{
    int rc = 0;
    for (int i = 0; i < cut->n_nodes && rc == 0; i++) {
        const graph_node *n = &cut->nodes[i];
        if (!have[i].channels || !want[i].channels || !adjustable(cut, n))
            continue;
        int c = have[i].channels;
        int *map = malloc((size_t)c * sizeof *map);
        if (!map)
            return mcn_fail(e, "out of memory");
        if (channel_map(ch, keep, ch->tensor_group[n->out[0]], c, map))
            rc = mcn_fail(e, "node %d's channels do not follow its group", i);
        for (int j = 0; j < c && rc == 0; j++) {
            double m0, s0, m1, s1;
            moments(&want[i], map[j], &m0, &s0);
            moments(&have[i], j, &m1, &s1);
            double a = s1 > 1e-12 && s0 > 0 ? s0 / s1 : 1.0;
            adjust(cut, i, j, a, m0 - a * m1);
        }
        free(map);
    }
    return rc;
}

int nas_realign(graph *cut, const graph *orig, const nas_channels *ch,
                const int *keep, const float *orig_in, const float *cut_in,
                int n, int passes, mcn_err *e)
{
    if (cut->n_nodes != orig->n_nodes)
        return mcn_fail(e, "the pruned graph has %d nodes, the trained one "
                        "%d", cut->n_nodes, orig->n_nodes);
    if (n < 1)
        return mcn_fail(e, "re-alignment needs calibration samples");
    stats *want = stats_new(orig, e), *have = stats_new(cut, e);
    int rc = want && have ? measure(orig, orig_in, n, want, e) : -1;
    for (int p = 0; p < passes && rc == 0; p++) {
        rc = measure(cut, cut_in, n, have, e);
        if (rc == 0)
            rc = correct(cut, want, have, ch, keep, e);
    }
    stats_free(want, orig->n_nodes);
    stats_free(have, cut->n_nodes);
    return rc;
}
