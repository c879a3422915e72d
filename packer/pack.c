/* pack.c: the packing steps in order (pack.h). */
#include "pack.h"

#include <stdlib.h>
#include <string.h>

#include "graph_io.h"
#include "mcn.h"
#include "plan_arena.h"

/* The engine moves int8 in and out; the tools convert at the edge. */
static int check_edges(const graph *g, mcn_err *e)
{
    if (g->n_inputs < 1 || g->n_outputs < 1)
        return mcn_fail(e, "the graph has no %s",
                        g->n_inputs < 1 ? "inputs" : "outputs");
    for (int k = 0; k < g->n_inputs + g->n_outputs; k++) {
        int in = k < g->n_inputs;
        int i = in ? k : k - g->n_inputs;
        int t = in ? g->inputs[i] : g->outputs[i];
        if (t < 0 || t >= g->n_tensors)
            return mcn_fail(e, "graph %s %d is not a tensor",
                            in ? "input" : "output", i);
        const graph_tensor *x = &g->tensors[t];
        if (x->dtype != MCN_DT_INT8 || x->nscale != 1)
            return mcn_fail(e, "graph %s %d '%s' is %s%s; mcn-pack needs a "
                            "quantized graph (run mcn-quantize)",
                            in ? "input" : "output", i,
                            x->name ? x->name : "",
                            graph_dtype_name(x->dtype),
                            x->dtype == MCN_DT_INT8 ? " without one scale"
                                                    : "");
    }
    return 0;
}

int pack_layout_weights(graph *g, mcn_err *e)
{
    /* Where an optimised kernel wants another order (CMSIS-NN's or
       TinyEngine's), reorder the constant here, once, on the host. */
    (void)g;
    (void)e;
    return 0;
}

static void strip_names(graph *g)
{
    for (int t = 0; t < g->n_tensors; t++)
        graph_set_name(&g->tensors[t].name, NULL);
    for (int i = 0; i < g->n_nodes; i++)
        graph_set_name(&g->nodes[i].name, NULL);
    graph_set_name(&g->description, NULL);
}

static int pack_named(graph *g, const pack_opts *o, mcn_err *e)
{
    if (check_edges(g, e))
        return -1;
    for (int i = 0; i < g->n_nodes; i++)
        if (pack_requant_node(g, i, e))
            return -1;
    plan_opts po = {.overlap = pack_overlap_window};
    return pack_choose_kernels(g, o ? o->target : MCN_TARGET_REFERENCE,
                               o && o->fastest, e) ||
           pack_layout_weights(g, e) || plan_arena_with(g, &po, e) ? -1 : 0;
}

int pack_graph(graph *g, const pack_opts *o, mcn_err *e)
{
    if (pack_named(g, o, e))
        return -1;
    if (!(o && o->keep_names))
        strip_names(g);
    return 0;
}

/* 16-byte aligned and at least 16 bytes, as mcn_init wants both. */
static void *alloc16(size_t n)
{
    return aligned_alloc(16, (n + 15) / 16 * 16 + 16);
}

int pack_engine_accepts(const graph *g, const uint8_t *buf, size_t len,
                        int *node, mcn_err *e)
{
    if (node)
        *node = -1;
    uint8_t *model = alloc16(len), *arena = alloc16(g->arena_bytes);
    int rc = 0;
    if (!model || !arena) {
        rc = mcn_fail(e, "out of memory checking the packed model");
    } else {
        memcpy(model, buf, len);
        mcn_ctx ctx;
        mcn_status s = mcn_init(&ctx, model, len, arena, g->arena_bytes);
        if (s != MCN_OK) {
            int i = ctx.failed_op;
            if (node && i >= 0 && i < g->n_nodes)
                *node = i;
            if (i >= 0 && i < g->n_nodes && g->nodes[i].name)
                rc = mcn_fail(e, "node %d '%s' (%s): the engine refuses it: "
                              "%s", i, g->nodes[i].name,
                              graph_op_name(g->nodes[i].op),
                              mcn_status_str(s));
            else if (i >= 0 && i < g->n_nodes)
                rc = mcn_fail(e, "node %d (%s): the engine refuses it: %s",
                              i, graph_op_name(g->nodes[i].op),
                              mcn_status_str(s));
            else
                rc = mcn_fail(e, "the engine refuses the packed model: %s",
                              mcn_status_str(s));
        }
    }
    free(model);
    free(arena);
    return rc;
}

int pack_to_mcn(graph *g, const pack_opts *o, uint8_t **buf, size_t *len,
                mcn_err *e)
{
    *buf = NULL;
    if (pack_named(g, o, e) || graph_to_mcn(g, buf, len, e))
        return -1;
    int rc = pack_engine_accepts(g, *buf, *len, NULL, e);
    if (rc == 0 && !(o && o->keep_names)) {
        free(*buf);
        *buf = NULL;
        strip_names(g);
        rc = graph_to_mcn(g, buf, len, e);
    }
    if (rc) {
        free(*buf);
        *buf = NULL;
    }
    return rc;
}
