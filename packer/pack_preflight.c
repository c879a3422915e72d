/*
** pack_preflight.c: what would block int8 packing of a float graph
** (pack.h), found the only way that cannot drift from the real tools:
** quantize a copy, pack it node by node, and offer the bytes to the
** engine. The calibration data is synthetic (uniform in [-1, 1) from a
** fixed seed), so the scales are not the user's; what it finds is
** structural (an op, an op variant or a layout without an int8 kernel),
** which is what the user needs to know before calibrating.
*/
#include "pack.h"

#include <stdio.h>
#include <stdlib.h>

#include "graph_io.h"
#include "plan_arena.h"
#include "quantize.h"

#define PREFLIGHT_SAMPLES 2

/* SplitMix64 (as ../shared's reference inputs use), top 24 bits as a
   float in [-1, 1). */
static float next_uniform(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return (float)(z >> 40) / (float)(1 << 23) - 1.0f;
}

int pack_quantize_synthetic(graph *g, mcn_err *e)
{
    int64_t n = graph_tensor_elems(&g->tensors[g->inputs[0]]);
    float *data = malloc((size_t)(n * PREFLIGHT_SAMPLES) * sizeof *data);
    if (!data)
        return mcn_fail(e, "out of memory");
    uint64_t state = 0;
    for (int64_t i = 0; i < n * PREFLIGHT_SAMPLES; i++)
        data[i] = next_uniform(&state);
    const float *samples[PREFLIGHT_SAMPLES];
    for (int s = 0; s < PREFLIGHT_SAMPLES; s++)
        samples[s] = data + s * n;
    quantize_opts qo = {.n_samples = PREFLIGHT_SAMPLES, .samples = samples};
    int rc = quantize_graph(g, &qo, e);
    free(data);
    return rc;
}

/* Every node's int8 form; then, if they all have one, the engine's. */
static int pack_each(graph *g, pack_blocker_fn report, void *user)
{
    mcn_err e;
    int n = 0;
    for (int i = 0; i < g->n_nodes; i++)
        if (pack_requant_node(g, i, &e)) {
            report(user, i, e.msg);
            n++;
        }
    if (n)
        return n;
    uint8_t *buf = NULL;
    size_t len;
    int node;
    plan_opts po = {.overlap = pack_overlap_window};
    if (pack_layout_weights(g, &e) || plan_arena_with(g, &po, &e) ||
        graph_to_mcn(g, &buf, &len, &e)) {
        report(user, -1, e.msg);
        n = 1;
    } else if (pack_engine_accepts(g, buf, len, &node, &e)) {
        report(user, node, e.msg);
        n = 1;
    }
    free(buf);
    return n;
}

int pack_int8_blockers(const graph *g, pack_blocker_fn report, void *user,
                       mcn_err *e)
{
    mcn_err qe;
    if (quantize_check_float(g, &qe))
        return mcn_fail_status(e, qe.status, "%s", qe.msg);
    if (g->n_inputs != 1) {
        char msg[120];
        snprintf(msg, sizeof msg, "mcn-quantize calibrates graphs with one "
                 "input; this one has %d", g->n_inputs);
        report(user, -1, msg);
        return 1;
    }
    graph c;
    if (graph_clone(&c, g, e))
        return -1;
    int n;
    if (pack_quantize_synthetic(&c, &qe)) {
        report(user, -1, qe.msg);
        n = 1;
    } else {
        n = pack_each(&c, report, user);
    }
    graph_free(&c);
    return n;
}
