/*
** pack_kernels.c: each conv-family node's kernel, as the engine chooses it
** for the target (pack.h), and ADD's and SUB's tables. The engine is asked about the graph as it will
** be written (serialized once), so what it decides is what mcn_init will
** check; the packer only carries out the layout it asks for.
*/
#include "pack.h"

#include <stdlib.h>
#include <string.h>

#include "graph_io.h"
#include "requant_internal.h"

static int node_fail(const graph *g, int i, const char *what, mcn_err *e)
{
    rq_node c;
    rq_label(&c, g, i);
    return mcn_fail(e, "%s: %s", c.who, what);
}

/* A constant only node i reads: rewriting it cannot change another node. */
static int own_constant(const graph *g, int t)
{
    return t >= 0 && t < g->n_tensors && graph_is_const(g, t) &&
           graph_use_count(g, t) == 1;
}

/* The weights and bias kernel k of node i reads, from the engine. */
static int relayout(graph *g, int i, const mcn_plan_model *pm,
                    const mcn_plan_choice *ch, mcn_err *e)
{
    graph_node *nd = &g->nodes[i];
    int w = nd->in[1];
    int b = nd->n_in >= 3 ? nd->in[2] : -1;
    const uint8_t k = ch->kernel;
    /* The filter's bytes, or more where the kernel keeps its own copy. */
    size_t w_bytes = ch->weight_bytes;
    int32_t channels = g->tensors[nd->out[0]].shape[
        g->tensors[nd->out[0]].rank - 1];
    int8_t *wl = malloc(w_bytes ? w_bytes : 1);
    int32_t *bl = malloc((size_t)channels * sizeof *bl);
    int rc = 0;
    if (!wl || !bl)
        rc = mcn_fail(e, "out of memory");
    else if (mcn_plan_layout(pm, (uint32_t)i, k, wl, w_bytes, bl,
                             (size_t)channels) != MCN_OK)
        rc = node_fail(g, i, "the engine cannot lay out its weights", e);
    else if (graph_set_data(g, w, wl, w_bytes))
        rc = mcn_fail(e, "out of memory");
    else if (b >= 0)
        rc = graph_set_data(g, b, bl, (size_t)channels * sizeof *bl)
                 ? mcn_fail(e, "out of memory") : 0;
    else
        rc = pack_attach_table(g, i, 2, MCN_DT_INT32, channels, bl, e);
    free(wl);
    free(bl);
    return rc;
}

/* An ADD or SUB the engine runs from a table gets it as input 2. */
static int add_table(graph *g, int i, const mcn_plan_model *pm,
                     mcn_target target, mcn_err *e)
{
    int32_t lut[MCN_PLAN_ADD_LUT_LEN];
    int applies;
    if (mcn_plan_add_table(pm, (uint32_t)i, target, lut,
                           MCN_PLAN_ADD_LUT_LEN, &applies) != MCN_OK)
        return node_fail(g, i, "the engine cannot make its table", e);
    return applies ? pack_attach_table(g, i, 2, MCN_DT_INT32,
                                       MCN_PLAN_ADD_LUT_LEN, lut, e)
                   : 0;
}

static void set_choice(graph_node *nd, const mcn_plan_choice *ch)
{
    nd->kernel = ch->kernel;
    nd->scratch_bytes = ch->scratch_bytes;
    nd->window_lo = ch->overlap_lo;
    nd->window_hi = ch->overlap_hi;
}

/* Whether node i may take a kernel with choice ch: one that reads the
   reference layout, or weights (and bias) only it reads, to lay out. */
static int layout_free(const graph *g, int i, const mcn_plan_choice *ch)
{
    const graph_node *nd = &g->nodes[i];
    int b = nd->n_in >= 3 ? nd->in[2] : -1;
    return !ch->relayout || nd->kernel != 0 ||
           (own_constant(g, nd->in[1]) && (b < 0 || own_constant(g, b)));
}

/* Where a node's scratch sets the arena's peak and another kernel needs
   less (mcn_plan_kernel_lean: fc_s8_smlad_wide, whose weights take twice
   the flash, for fc_s8_smlad_paired's widened row), take it if the peak
   falls: the largest scratch first, each node tried once and kept only
   where the peak falls. open[i]: node i may still change kernel. */
static int lean_at_peak(graph *g, const mcn_plan_model *pm,
                        mcn_target target, mcn_plan_choice *chs,
                        uint8_t *open, mcn_err *e)
{
    plan_opts po = {.overlap = pack_overlap_window};
    int64_t peak = -1;
    uint8_t *tied = calloc((size_t)g->n_nodes + 1, 1);
    mcn_plan_choice *held = calloc((size_t)g->n_nodes + 1, sizeof *held);
    /* first[i]: node i's choice before this step, for the pruning pass. */
    mcn_plan_choice *first = malloc(((size_t)g->n_nodes + 1) * sizeof *first);
    int rc = tied && held && first ? 0 : mcn_fail(e, "out of memory");
    for (int i = 0; rc == 0 && i < g->n_nodes; i++)
        first[i] = chs[i];
    while (rc == 0) {
        int best = -1;
        mcn_plan_choice lean, bl;
        memset(&bl, 0, sizeof bl);
        for (int i = 0; i < g->n_nodes; i++) {
            if (!open[i])
                continue;
            if (mcn_plan_kernel_lean(pm, (uint32_t)i, target, &lean) !=
                    MCN_OK ||
                lean.kernel == chs[i].kernel ||
                lean.scratch_bytes >= chs[i].scratch_bytes ||
                !layout_free(g, i, &lean)) {
                open[i] = 0;
                continue;
            }
            if (best < 0 || chs[i].scratch_bytes > chs[best].scratch_bytes) {
                best = i;
                bl = lean;
            }
        }
        if (best < 0)
            break;
        open[best] = 0;
        if (peak < 0 && (peak = plan_arena_peak_with(g, &po, e)) < 0) {
            rc = -1;
            break;
        }
        set_choice(&g->nodes[best], &bl);
        const int64_t p = plan_arena_peak_with(g, &po, e);
        if (p < 0) {
            rc = -1;
            break;
        }
        if (p < peak) {
            /* Kept, with the switches at the same peak before it. */
            peak = p;
            chs[best] = bl;
            for (int i = 0; i < g->n_nodes; i++)
                if (tied[i]) {
                    chs[i] = held[i];
                    tied[i] = 0;
                }
        } else if (p == peak) {
            /* Several nodes may share the peak (kws's four depthwise
               layers): held until one more switch lowers it. */
            tied[best] = 1;
            held[best] = bl;
        } else {
            set_choice(&g->nodes[best], &chs[best]);
        }
    }
    /* Switches that never lowered the peak are undone. */
    for (int i = 0; tied && i < g->n_nodes; i++)
        if (tied[i])
            set_choice(&g->nodes[i], &chs[i]);
    /* A switch kept with a tie may be needless once the others are made
       (the lean kernels cost flash): each goes back where the peak holds. */
    for (int i = 0; rc == 0 && i < g->n_nodes; i++) {
        if (chs[i].kernel == first[i].kernel)
            continue;
        set_choice(&g->nodes[i], &first[i]);
        const int64_t p = plan_arena_peak_with(g, &po, e);
        if (p < 0)
            rc = -1;
        else if (p <= peak)
            chs[i] = first[i];
        else
            set_choice(&g->nodes[i], &chs[i]);
    }
    free(tied);
    free(held);
    free(first);
    return rc;
}

int pack_choose_kernels(graph *g, mcn_target target, bool fastest,
                        mcn_err *e)
{
    if (target == MCN_TARGET_REFERENCE)
        return 0;
    if ((unsigned)target >= MCN_TARGET_COUNT)
        return mcn_fail(e, "unknown target %d", (int)target);
    uint8_t *buf;
    size_t len;
    if (graph_to_mcn(g, &buf, &len, e))
        return -1;
    /* graph_to_mcn's buffer is malloc'd, so aligned as the engine needs. */
    mcn_plan_model pm;
    mcn_status opened = mcn_plan_open(&pm, buf, len);
    if (opened != MCN_OK) {
        free(buf);
        return mcn_fail(e, "the engine refuses the graph: %s",
                        mcn_status_str(opened));
    }
    mcn_plan_choice *chs = calloc((size_t)g->n_nodes + 1, sizeof *chs);
    /* fresh[i]: node i chose its kernel now (not packed before), so its
       weights are laid out for it here; open[i]: it may change. */
    uint8_t *fresh = calloc((size_t)g->n_nodes + 1, 2);
    uint8_t *open = fresh ? fresh + g->n_nodes + 1 : NULL;
    int rc = chs && fresh ? 0 : mcn_fail(e, "out of memory");
    for (int i = 0; i < g->n_nodes && rc == 0; i++) {
        mcn_plan_choice *ch = &chs[i];
        mcn_status s = mcn_plan_kernel(&pm, (uint32_t)i, target, ch);
        if (s != MCN_OK) {
            rc = node_fail(g, i, mcn_status_str(s), e);
            break;
        }
        if ((rc = add_table(g, i, &pm, target, e)) != 0)
            break;
        /* Shared weights stay as the reference reads them. */
        if (ch->kernel == 0 || !layout_free(g, i, ch)) {
            ch->kernel = 0;
            continue;
        }
        /* A node packed before keeps its kernel and laid-out weights. */
        fresh[i] = open[i] = g->nodes[i].kernel == 0;
        set_choice(&g->nodes[i], ch);
    }
    if (rc == 0 && !fastest)
        rc = lean_at_peak(g, &pm, target, chs, open, e);
    for (int i = 0; i < g->n_nodes && rc == 0; i++)
        if (fresh[i] && chs[i].relayout)
            rc = relayout(g, i, &pm, &chs[i], e);
    free(chs);
    free(fresh);
    free(buf);
    return rc;
}

int pack_target_parse(const char *name, mcn_target *t)
{
    for (int k = 0; k < MCN_TARGET_COUNT; k++)
        if (strcmp(name, mcn_target_name((mcn_target)k)) == 0) {
            *t = (mcn_target)k;
            return 0;
        }
    return -1;
}
