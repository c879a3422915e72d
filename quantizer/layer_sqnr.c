/* layer_sqnr.c: per-layer int8-vs-float error, the int8 side run by the
   engine (layer_sqnr.h). */
#include "layer_sqnr.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "float_exec.h"
#include "graph_io.h"
#include "mcn.h"
#include "pack.h"
#include "qmath.h"

void sqnr_add(sqnr_acc *a, const float *f, const float *dq, int64_t n)
{
    for (int64_t i = 0; i < n; i++) {
        const double d = (double)f[i] - (double)dq[i];
        a->signal += (double)f[i] * f[i];
        a->noise += d * d;
    }
    a->n += n;
}

double sqnr_db(const sqnr_acc *a)
{
    if (a->noise <= 0)
        return INFINITY;
    if (a->signal <= 0)
        return -INFINITY;
    return 10.0 * log10(a->signal / a->noise);
}

static int producer(const graph *g, int t)
{
    for (int i = 0; i < g->n_nodes; i++)
        if (g->nodes[i].out[0] == t)
            return i;
    return -1;
}

/* What the hook compares after each operator. */
typedef struct {
    const mcn_ctx *ctx;
    const float_exec *fx;
    const graph *fg;
    const int *op_layer;    /* operator -> index into layers, or -1 */
    layer_sqnr *layers;
    float *dq;              /* room for the largest output */
} hook_state;

static void after_op(void *user, uint32_t op, int done)
{
    hook_state *h = user;
    mcn_tensor t;
    if (!done || h->op_layer[op] < 0 ||
        mcn_op_output(h->ctx, op, &t) != MCN_OK || t.dtype != MCN_DT_INT8)
        return;
    layer_sqnr *l = &h->layers[h->op_layer[op]];
    const float *f = fexec_tensor(h->fx, l->tensor);
    if (!f)
        return;
    const int8_t *q = t.data;
    for (uint32_t i = 0; i < t.bytes; i++)
        h->dq[i] = (float)((int32_t)q[i] - t.zero_point) * t.scale;
    sqnr_add(&l->acc, f, h->dq, (int64_t)t.bytes);
}

/* The layers: every packed operator whose output the float graph names,
   with as many elements. */
static void pick_layers(const graph *fg, const graph *pg, int *op_layer,
                        layer_sqnr *layers, int *n, int64_t *most)
{
    *n = 0;
    *most = 0;
    for (int i = 0; i < pg->n_nodes; i++) {
        const graph_tensor *pt = &pg->tensors[pg->nodes[i].out[0]];
        int t = graph_find_tensor(fg, pt->name);
        op_layer[i] = -1;
        if (t < 0 || fg->tensors[t].data ||
            graph_tensor_elems(&fg->tensors[t]) != graph_tensor_elems(pt))
            continue;
        op_layer[i] = *n;
        memset(&layers[*n], 0, sizeof layers[*n]);
        layers[*n].tensor = t;
        layers[*n].node = producer(fg, t);
        if (graph_tensor_elems(pt) > *most)
            *most = graph_tensor_elems(pt);
        (*n)++;
    }
}

static void *alloc16(size_t n)
{
    return aligned_alloc(16, (n + 15) / 16 * 16 + 16);
}

int layer_sqnr_measure(const graph *fg, const graph *qg,
                       const float *const *samples, int n_samples,
                       layer_sqnr **out, int *n_out, mcn_err *e)
{
    graph c, pg;
    uint8_t *bytes = NULL, *model = NULL, *arena = NULL;
    size_t len = 0;
    float_exec *fx = NULL;
    hook_state h = {0};
    int *op_layer = NULL, rc = -1, n = 0;
    int64_t most = 0;
    layer_sqnr *layers = NULL;
    graph_init(&pg);
    if (graph_clone(&c, qg, e))
        return -1;
    pack_opts po = {.keep_names = true, .target = PACK_DEFAULT_TARGET};
    int packed = pack_to_mcn(&c, &po, &bytes, &len, e);
    const uint32_t arena_bytes = c.arena_bytes;
    graph_free(&c);
    if (packed || graph_from_mcn(&pg, bytes, len, e) ||
        fexec_create(&fx, fg, e))
        goto out;
    op_layer = malloc(((size_t)pg.n_nodes + 1) * sizeof *op_layer);
    layers = malloc(((size_t)pg.n_nodes + 1) * sizeof *layers);
    model = alloc16(len);
    arena = alloc16(arena_bytes);
    if (!op_layer || !layers || !model || !arena) {
        mcn_fail(e, "out of memory");
        goto out;
    }
    pick_layers(fg, &pg, op_layer, layers, &n, &most);
    if (!(h.dq = malloc(((size_t)most + 1) * sizeof *h.dq))) {
        mcn_fail(e, "out of memory");
        goto out;
    }
    memcpy(model, bytes, len);
    mcn_ctx ctx;
    mcn_tensor in;
    mcn_status s = mcn_init(&ctx, model, len, arena, arena_bytes);
    if (s == MCN_OK)
        s = mcn_input(&ctx, 0, &in);
    if (s != MCN_OK) {
        mcn_fail(e, "the engine refused the quantized model: %s",
                 mcn_status_str(s));
        goto out;
    }
    h = (hook_state){&ctx, fx, fg, op_layer, layers, h.dq};
    mcn_set_op_hook(&ctx, after_op, &h);
    int8_t *q = in.data;
    for (int k = 0; k < n_samples; k++) {
        const float *in0[1] = {samples[k]};
        if (fexec_run(fx, in0, e))
            goto out;
        for (uint32_t i = 0; i < in.bytes; i++)
            q[i] = (int8_t)qmath_quantize_value(samples[k][i], in.scale,
                                                in.zero_point);
        if ((s = mcn_invoke(&ctx)) != MCN_OK) {
            mcn_fail(e, "inference failed: %s", mcn_status_str(s));
            goto out;
        }
    }
    *out = layers;
    *n_out = n;
    layers = NULL;
    rc = 0;
out:
    free(h.dq);
    free(layers);
    free(op_layer);
    free(model);
    free(arena);
    free(bytes);
    fexec_free(fx);
    graph_free(&pg);
    return rc;
}
