/* test_plan_arena.c: the arena planner on hand-built graphs, offsets and
   peaks worked out by hand (sizes in bytes, lifetimes as [birth, death]
   execution positions, -1 = graph input, n_nodes = graph output; blocks
   start on PLAN_ALIGN = 16), and random graphs executed byte by byte in
   the planned arena. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"
#include "plan_arena.h"

/* An int8 activation of `bytes` bytes, shaped [1, bytes]. */
static int act(graph *g, int bytes)
{
    int32_t shape[2] = {1, bytes};
    return graph_add_tensor(g, NULL, MCN_DT_INT8, 2, shape);
}

static int node(graph *g, mcn_opcode op, int in0, int in1, int out)
{
    int n = graph_add_node(g, op, NULL);
    graph_node_add_input(g, n, in0);
    if (in1 >= 0)
        graph_node_add_input(g, n, in1);
    graph_node_add_output(g, n, out);
    return n;
}

static int64_t plan_ok_with(graph *g, const plan_opts *o)
{
    mcn_err e = {0};
    int64_t peak = plan_arena_peak_with(g, o, &e);
    ck_assert_msg(peak >= 0, "%s", e.msg);
    ck_assert_msg(plan_arena_with(g, o, &e) == 0, "%s", e.msg);
    ck_assert_int_eq(peak, g->arena_bytes);
    return peak;
}

static void plan_ok(graph *g)
{
    plan_ok_with(g, NULL);
}

/* The window every slot of CLIP or ADD of the output's size gets:
   (-inf, -stride_h] (a field these ops do not use; graph_add_node makes
   it 1), the kernel of the simulation below reading back stride_h
   bytes. */
static int test_window(void *user, const graph *g, int node, int slot,
                       plan_window *w)
{
    (void)user;
    const graph_node *nd = &g->nodes[node];
    if (nd->op != MCN_OP_CLIP && nd->op != MCN_OP_ADD)
        return 0;
    if (graph_tensor_bytes(&g->tensors[nd->in[slot]]) !=
        graph_tensor_bytes(&g->tensors[nd->out[0]]))
        return 0;
    w->lo = INT64_MIN / 2;
    w->hi = -nd->stride_h;
    return 1;
}

START_TEST(chain_reuses_and_aligns)
{
    graph g;
    graph_init(&g);
    int in = act(&g, 64), a = act(&g, 100), b = act(&g, 40), c = act(&g, 10);
    node(&g, MCN_OP_CLIP, in, -1, a);
    node(&g, MCN_OP_CLIP, a, -1, b);
    node(&g, MCN_OP_CLIP, b, -1, c);
    g.inputs[g.n_inputs++] = in;
    g.outputs[g.n_outputs++] = c;
    plan_ok(&g);
    /* in[-1,0] a[0,1] b[1,2] c[2,3]. Largest first: a@0, in (meets a)
       after 100 -> 112, b (meets a) 112, c (meets b) 0: peak 176.
       Earliest birth first: in@0, a (meets in) 64, b (meets a only) 0,
       c (meets b) 48: peak 64 + 100 = 164, which node 0 needs anyway, so
       no order does better and this one is kept. */
    ck_assert_int_eq(g.tensors[in].arena_offset, 0);
    ck_assert_int_eq(g.tensors[a].arena_offset, 64);
    ck_assert_int_eq(g.tensors[b].arena_offset, 0);
    ck_assert_int_eq(g.tensors[c].arena_offset, 48);
    ck_assert_int_eq(g.arena_bytes, 164);
    graph_free(&g);
}
END_TEST

START_TEST(residual_skip_stays_live)
{
    graph g;
    graph_init(&g);
    int in = act(&g, 64), s = act(&g, 64), a = act(&g, 64), b = act(&g, 64),
        o = act(&g, 64);
    node(&g, MCN_OP_CLIP, in, -1, s);   /* 0 */
    node(&g, MCN_OP_CONV_2D, s, -1, a); /* 1 */
    node(&g, MCN_OP_CONV_2D, a, -1, b); /* 2 */
    node(&g, MCN_OP_ADD, s, b, o);      /* 3 */
    g.inputs[g.n_inputs++] = in;
    g.outputs[g.n_outputs++] = o;
    plan_ok(&g);
    /* One order only. All 64 bytes, so largest first is by birth:
       in[-1,0]@0, s[0,3]@64, a[1,2]@0, b[2,3] meets a@0 and s@64 -> 128,
       o[3,4] meets s and b -> 0. Node 2 holds s, a and b: 192. */
    ck_assert_int_eq(g.tensors[in].arena_offset, 0);
    ck_assert_int_eq(g.tensors[s].arena_offset, 64);
    ck_assert_int_eq(g.tensors[a].arena_offset, 0);
    ck_assert_int_eq(g.tensors[b].arena_offset, 128);
    ck_assert_int_eq(g.tensors[o].arena_offset, 0);
    ck_assert_int_eq(g.arena_bytes, 192);
    graph_free(&g);
}
END_TEST

START_TEST(reshape_output_aliases_input)
{
    graph g;
    graph_init(&g);
    int in = act(&g, 32), a = act(&g, 32), out = act(&g, 10), late = act(&g, 8);
    int32_t rshape[4] = {1, 2, 2, 8};
    int r = graph_add_tensor(&g, NULL, MCN_DT_INT8, 4, rshape);
    node(&g, MCN_OP_CLIP, in, -1, a);     /* 0 */
    node(&g, MCN_OP_RESHAPE, a, -1, r);   /* 1 */
    node(&g, MCN_OP_CLIP, r, -1, late);   /* 2 */
    node(&g, MCN_OP_ADD, late, a, out);   /* 3: a read after the reshape */
    g.inputs[g.n_inputs++] = in;
    g.outputs[g.n_outputs++] = out;
    plan_ok(&g);
    /* a and r are one block living [0,3]. Largest first: in(32,[-1,0])@0,
       a/r(32)@32, out(10,[3,4]) meets a/r: 0; late(8,[2,3]) meets a/r
       and out@0 -> 16. Node 0 needs 64. */
    ck_assert_int_eq(g.tensors[in].arena_offset, 0);
    ck_assert_int_eq(g.tensors[a].arena_offset, 32);
    ck_assert_int_eq(g.tensors[r].arena_offset, 32);
    ck_assert_int_eq(g.tensors[out].arena_offset, 0);
    ck_assert_int_eq(g.tensors[late].arena_offset, 16);
    ck_assert_int_eq(g.arena_bytes, 64);
    graph_free(&g);
}
END_TEST

START_TEST(scratch_lives_only_during_its_node)
{
    graph g;
    graph_init(&g);
    int in = act(&g, 64), a = act(&g, 64), out = act(&g, 16);
    int n0 = node(&g, MCN_OP_CONV_2D, in, -1, a);
    int n1 = node(&g, MCN_OP_CLIP, a, -1, out);
    g.nodes[n0].scratch_bytes = 48;
    g.inputs[g.n_inputs++] = in;
    g.outputs[g.n_outputs++] = out;
    /* A constant never goes in the arena. */
    int w = act(&g, 16);
    graph_set_data(&g, w, NULL, 16);
    graph_node_add_input(&g, n0, w);
    plan_ok(&g);
    /* in[-1,0]@0, a[0,1]@64, scratch(48,[0,0]) meets both -> 128,
       out(16,[1,2]) meets a only -> 0: node 0's 176. */
    ck_assert_int_eq(g.tensors[in].arena_offset, 0);
    ck_assert_int_eq(g.tensors[a].arena_offset, 64);
    ck_assert_int_eq(g.nodes[n0].scratch_offset, 128);
    ck_assert_int_eq(g.nodes[n1].scratch_offset, -1);
    ck_assert_int_eq(g.tensors[out].arena_offset, 0);
    ck_assert_int_eq(g.tensors[w].arena_offset, -1);
    ck_assert_int_eq(g.arena_bytes, 176);
    graph_free(&g);
}
END_TEST

START_TEST(float_tensors_use_float_sizes)
{
    graph g;
    graph_init(&g);
    int32_t shape[2] = {1, 5};
    int in = graph_add_tensor(&g, NULL, MCN_DT_FLOAT32, 2, shape);
    int out = graph_add_tensor(&g, NULL, MCN_DT_FLOAT32, 2, shape);
    node(&g, MCN_OP_CLIP, in, -1, out);
    g.inputs[g.n_inputs++] = in;
    g.outputs[g.n_outputs++] = out;
    plan_ok(&g);
    /* 20 bytes each, both live at node 0: 0 and align16(20) = 32. */
    ck_assert_int_eq(g.tensors[in].arena_offset, 0);
    ck_assert_int_eq(g.tensors[out].arena_offset, 32);
    ck_assert_int_eq(g.arena_bytes, 52);
    graph_free(&g);
}
END_TEST

START_TEST(negative_dimension_is_refused)
{
    graph g;
    graph_init(&g);
    int in = act(&g, 8), out = act(&g, 8);
    g.tensors[out].shape[1] = -3;
    node(&g, MCN_OP_CLIP, in, -1, out);
    g.inputs[g.n_inputs++] = in;
    g.outputs[g.n_outputs++] = out;
    mcn_err e;
    ck_assert_int_eq(plan_arena_peak(&g, &e), -1);
    ck_assert_str_eq(e.msg, "tensor 1 '': bad dtype or shape, or larger "
                            "than 2 GiB");
    graph_free(&g);
}
END_TEST

/* ---- overlap windows ---- */

START_TEST(elementwise_outputs_run_in_place)
{
    graph g;
    graph_init(&g);
    int in = act(&g, 64), a = act(&g, 64), b = act(&g, 64);
    int n0 = node(&g, MCN_OP_CLIP, in, -1, a);
    int n1 = node(&g, MCN_OP_CLIP, a, -1, b);
    g.nodes[n0].stride_h = g.nodes[n1].stride_h = 0;
    g.inputs[g.n_inputs++] = in;
    g.outputs[g.n_outputs++] = b;
    plan_opts o = {.overlap = test_window};
    /* Window (-inf, 0] for each node (stride_h 0): in@0; a meets in,
       which dies at node 0, at d = 0: 0; b likewise on a. */
    ck_assert_int_eq(plan_ok_with(&g, &o), 64);
    ck_assert_int_eq(g.tensors[in].arena_offset, 0);
    ck_assert_int_eq(g.tensors[a].arena_offset, 0);
    ck_assert_int_eq(g.tensors[b].arena_offset, 0);
    /* Without the callback: two blocks at once. */
    ck_assert_int_eq(plan_ok_with(&g, NULL), 128);
    graph_free(&g);
}
END_TEST

START_TEST(window_puts_output_before_input)
{
    graph g;
    graph_init(&g);
    int in = act(&g, 64), a = act(&g, 64), b = act(&g, 16);
    int n0 = node(&g, MCN_OP_CLIP, in, -1, a);
    node(&g, MCN_OP_CONV_2D, a, -1, b);
    g.nodes[n0].stride_h = 20;
    g.inputs[g.n_inputs++] = in;
    g.outputs[g.n_outputs++] = b;
    plan_opts o = {.overlap = test_window};
    plan_ok_with(&g, &o);
    /* a may overlap in only starting 20 or more bytes before it. Largest
       first places in@0 first, where a cannot go 20 below: a after in,
       64, and b (meets a) 0: peak 128. Later-born first among equals
       places a@0, then in at 20 or more above a, aligned: 32, and b
       (meets a) 64: peak 96. 64 + 20 rounded up to the alignment is the
       least node 0 can take. */
    ck_assert_int_eq(g.tensors[a].arena_offset, 0);
    ck_assert_int_eq(g.tensors[in].arena_offset, 32);
    ck_assert_int_eq(g.tensors[b].arena_offset, 64);
    ck_assert_int_eq(g.arena_bytes, 96);
    graph_free(&g);
}
END_TEST

START_TEST(window_needs_the_input_to_die)
{
    graph g;
    graph_init(&g);
    int in = act(&g, 64), a = act(&g, 64), o = act(&g, 64);
    /* in is read again below */
    int n0 = node(&g, MCN_OP_CLIP, in, -1, a);
    int n1 = node(&g, MCN_OP_ADD, in, a, o);
    g.nodes[n0].stride_h = g.nodes[n1].stride_h = 0;
    g.inputs[g.n_inputs++] = in;
    g.outputs[g.n_outputs++] = o;
    plan_opts opts = {.overlap = test_window};
    plan_ok_with(&g, &opts);
    /* in[-1,1]@0; a[0,1] meets in, which lives on: 64; o[1,2] may sit
       on either input, both dying at node 1: 0. */
    ck_assert_int_eq(g.tensors[in].arena_offset, 0);
    ck_assert_int_eq(g.tensors[a].arena_offset, 64);
    ck_assert_int_eq(g.tensors[o].arena_offset, 0);
    ck_assert_int_eq(g.arena_bytes, 128);
    graph_free(&g);
}
END_TEST

/* ---- execution order ---- */

/* x feeds two arms, p -> p2 and q -> q2, joined by o. Stored order runs
   both big tensors before either small one. */
static void build_arms(graph *g, int *t)
{
    graph_init(g);
    int x = act(g, 16), p = act(g, 200), q = act(g, 200), p2 = act(g, 16),
        q2 = act(g, 16), o = act(g, 16);
    node(g, MCN_OP_CONV_2D, x, -1, p);   /* 0 */
    node(g, MCN_OP_CONV_2D, x, -1, q);   /* 1 */
    node(g, MCN_OP_CLIP, p, -1, p2);     /* 2 */
    node(g, MCN_OP_CLIP, q, -1, q2);     /* 3 */
    node(g, MCN_OP_ADD, p2, q2, o);      /* 4 */
    g->inputs[g->n_inputs++] = x;
    g->outputs[g->n_outputs++] = o;
    int all[6] = {x, p, q, p2, q2, o};
    memcpy(t, all, sizeof all);
}

START_TEST(branches_run_in_the_order_that_needs_least)
{
    graph g;
    int t[6];
    build_arms(&g, t);
    plan_opts keep = {.keep_order = true};
    mcn_err e = {0};
    /* Stored order: node 1 holds x, p and q. 16 + 200 + 200, each block
       after the one below on a 16 boundary: x@0, p@16, q@224 -> 424. */
    ck_assert_int_eq(plan_arena_peak_with(&g, &keep, &e), 424);
    /* The list schedule, fewest bytes alive after each node: node 0 or
       1 first (equal; stored order breaks the tie), then node 2 (frees
       p: 16 + 16 alive) before node 1 (adds q: 416), then 1, 3, 4.
       Lifetimes x[-1,2] p[0,1] p2[1,4] q[2,3] q2[3,4] o[4,5]: at most
       200 + 16 + 16 alive at once, and longest lived first lays it out
       in 232: x@0, p2@16, p@32, q@32 (p is dead), q2@0 (x is), o@32. */
    ck_assert_int_eq(plan_ok_with(&g, NULL), 232);
    const int want[5][2] = {{t[0], t[1]}, {t[1], t[3]}, {t[0], t[2]},
                            {t[2], t[4]}, {t[3], t[5]}};
    for (int i = 0; i < 5; i++) {
        ck_assert_int_eq(g.nodes[i].in[0], want[i][0]);
        ck_assert_int_eq(g.nodes[i].out[0], want[i][1]);
    }
    ck_assert_int_eq(g.tensors[t[0]].arena_offset, 0);
    ck_assert_int_eq(g.tensors[t[3]].arena_offset, 16);
    ck_assert_int_eq(g.tensors[t[1]].arena_offset, 32);
    ck_assert_int_eq(g.tensors[t[2]].arena_offset, 32);
    ck_assert_int_eq(g.tensors[t[4]].arena_offset, 0);
    ck_assert_int_eq(g.tensors[t[5]].arena_offset, 32);
    /* Planning the planned graph keeps its order and plan. */
    ck_assert_int_eq(plan_ok_with(&g, NULL), 232);
    ck_assert_int_eq(g.nodes[1].out[0], t[3]);
    graph_free(&g);
}
END_TEST

START_TEST(a_chain_keeps_its_order)
{
    graph g;
    graph_init(&g);
    int x = act(&g, 32), a = act(&g, 48), b = act(&g, 16);
    node(&g, MCN_OP_CLIP, x, -1, a);
    node(&g, MCN_OP_CLIP, a, -1, b);
    g.inputs[g.n_inputs++] = x;
    g.outputs[g.n_outputs++] = b;
    plan_ok(&g);
    ck_assert_int_eq(g.nodes[0].out[0], a);
    ck_assert_int_eq(g.nodes[1].out[0], b);
    graph_free(&g);
}
END_TEST

/* ---- zero-copy concatenation ---- */

/* x -> a [1,32], x -> b [1,48], c = concat(a, b) [1,80] on `axis`
   (1: the inputs are runs of c), o = clip(c) [1,16]. */
static void build_concat(graph *g, int *t, int outer)
{
    graph_init(g);
    int32_t sx[2] = {outer, 16 / outer}, sa[2] = {outer, 32 / outer},
            sb[2] = {outer, 48 / outer}, sc[2] = {outer, 80 / outer},
            so[2] = {1, 16};
    int x = graph_add_tensor(g, NULL, MCN_DT_INT8, 2, sx);
    int a = graph_add_tensor(g, NULL, MCN_DT_INT8, 2, sa);
    int b = graph_add_tensor(g, NULL, MCN_DT_INT8, 2, sb);
    int c = graph_add_tensor(g, NULL, MCN_DT_INT8, 2, sc);
    int o = graph_add_tensor(g, NULL, MCN_DT_INT8, 2, so);
    node(g, MCN_OP_CLIP, x, -1, a);
    node(g, MCN_OP_CLIP, x, -1, b);
    int n = node(g, MCN_OP_CONCATENATION, a, b, c);
    g->nodes[n].axis = 1;
    node(g, MCN_OP_CLIP, c, -1, o);
    g->inputs[g->n_inputs++] = x;
    g->outputs[g->n_outputs++] = o;
    int all[5] = {x, a, b, c, o};
    memcpy(t, all, sizeof all);
}

START_TEST(concat_inputs_are_slices_of_its_output)
{
    graph g;
    int t[5];
    build_concat(&g, t, 1);
    plan_opts copies = {.no_concat_views = true};
    mcn_err e = {0};
    /* Copying: node 2 holds a, b and c: 32 + 48 + 80 = 160. */
    ck_assert_int_eq(plan_arena_peak_with(&g, &copies, &e), 160);
    /* Views: a = c's bytes 0..31, b = 32..79, one block of 80 living
       [0,3]; x[-1,1] and o[3,4] meet it: c@0, x@80, o@80 -> 96. */
    ck_assert_int_eq(plan_ok_with(&g, NULL), 96);
    ck_assert_int_eq(g.tensors[t[3]].arena_offset, 0);
    ck_assert_int_eq(g.tensors[t[1]].arena_offset, 0);
    ck_assert_int_eq(g.tensors[t[2]].arena_offset, 32);
    ck_assert_int_eq(g.tensors[t[0]].arena_offset, 80);
    ck_assert_int_eq(g.tensors[t[4]].arena_offset, 80);
    graph_free(&g);
}
END_TEST

START_TEST(concat_with_outer_rows_copies)
{
    graph g;
    int t[5];
    /* [2,8] + [2,24] -> [2,40] along axis 1: a's two rows are not one
       run of c, so every tensor is its own block: 160 as above. */
    build_concat(&g, t, 2);
    ck_assert_int_eq(plan_ok_with(&g, NULL), 160);
    int64_t c = g.tensors[t[3]].arena_offset;
    for (int k = 1; k <= 2; k++) {
        int64_t at = g.tensors[t[k]].arena_offset;
        ck_assert(at + 48 <= c || c + 80 <= at);
    }
    graph_free(&g);
}
END_TEST

START_TEST(concat_of_one_tensor_twice_copies)
{
    graph g;
    graph_init(&g);
    int x = act(&g, 16), a = act(&g, 32), c = act(&g, 64), o = act(&g, 16);
    node(&g, MCN_OP_CLIP, x, -1, a);
    int n = node(&g, MCN_OP_CONCATENATION, a, a, c);
    g.nodes[n].axis = 1;
    node(&g, MCN_OP_CLIP, c, -1, o);
    g.inputs[g.n_inputs++] = x;
    g.outputs[g.n_outputs++] = o;
    /* a cannot be both halves: it stays apart from c. */
    plan_ok(&g);
    int64_t at = g.tensors[a].arena_offset, co = g.tensors[c].arena_offset;
    ck_assert(at + 32 <= co || co + 64 <= at);
    ck_assert_int_eq(g.arena_bytes, 96);
    graph_free(&g);
}
END_TEST

/* ---- random graphs, run byte by byte ---- */

/* What byte i of tensor t holds when it is right: a tensor's own values,
   or (RESHAPE, CONCATENATION) the ones it is made of. */
typedef struct {
    uint32_t **want;
    uint32_t *arena;
    const graph *g;
} sim;

static uint32_t fresh(int t, int i)
{
    return (uint32_t)t * 100003u + (uint32_t)i * 7u + 1u;
}

static int64_t bytes_of(const graph *g, int t)
{
    return (int64_t)graph_tensor_bytes(&g->tensors[t]);
}

static void expect(const sim *s, int t, int64_t from, int64_t to)
{
    int64_t at = s->g->tensors[t].arena_offset;
    /* ck_assert costs a system call even when it holds. */
    for (int64_t i = from; i < to; i++)
        if (s->arena[at + i] != s->want[t][i])
            ck_abort_msg("tensor %d byte %lld overwritten", t, (long long)i);
}

static void put(sim *s, int t, int64_t i, uint32_t v)
{
    s->arena[s->g->tensors[t].arena_offset + i] = v;
}

/* One node as a kernel would run it: CLIP and ADD write output byte i
   after reading byte i and the stride_h bytes before it of each input
   of the output's size (test_window's contract), having read any other
   input whole; the scratch is scribbled over throughout. */
static void step(sim *s, const graph_node *nd)
{
    const graph *g = s->g;
    int y = nd->out[0];
    int64_t n = bytes_of(g, y);
    if (nd->scratch_bytes)
        for (uint32_t i = 0; i < nd->scratch_bytes; i++)
            s->arena[nd->scratch_offset + i] = 0xdead0000u + i;
    if (nd->op == MCN_OP_CONCATENATION) {
        int64_t at = 0;
        for (int k = 0; k < nd->n_in; k++) {
            int64_t m = bytes_of(g, nd->in[k]);
            expect(s, nd->in[k], 0, m);
            for (int64_t i = 0; i < m; i++)
                put(s, y, at + i, s->want[nd->in[k]][i]);
            at += m;
        }
    } else {
        for (int k = 0; k < nd->n_in; k++)
            if (bytes_of(g, nd->in[k]) != n || nd->op == MCN_OP_RESHAPE)
                expect(s, nd->in[k], 0, bytes_of(g, nd->in[k]));
        for (int64_t i = 0; i < n; i++) {
            for (int k = 0; k < nd->n_in; k++)
                if (bytes_of(g, nd->in[k]) == n && nd->op != MCN_OP_RESHAPE)
                    expect(s, nd->in[k],
                           i > nd->stride_h ? i - nd->stride_h : 0, i + 1);
            put(s, y, i, s->want[y][i]);
        }
    }
    if (nd->scratch_bytes)
        for (uint32_t i = 0; i < nd->scratch_bytes; i++)
            s->arena[nd->scratch_offset + i] = 0xbeef0000u + i;
    expect(s, y, 0, n);
    /* An input without a window must not have been written over, even
       if it dies here (the engine refuses that). */
    if (nd->op != MCN_OP_CONCATENATION && nd->op != MCN_OP_RESHAPE)
        for (int k = 0; k < nd->n_in; k++)
            if (bytes_of(g, nd->in[k]) != n && nd->in[k] != y)
                expect(s, nd->in[k], 0, bytes_of(g, nd->in[k]));
}

static void run_plan(const graph *g, uint32_t **want)
{
    sim s = {want, calloc(g->arena_bytes + 1, sizeof(uint32_t)), g};
    for (int i = 0; i < g->n_inputs; i++)
        for (int64_t k = 0; k < bytes_of(g, g->inputs[i]); k++)
            put(&s, g->inputs[i], k, want[g->inputs[i]][k]);
    for (int t = 0; t < g->n_tensors; t++) {
        int64_t at = g->tensors[t].arena_offset;
        ck_assert(at >= 0 && at + bytes_of(g, t) <= g->arena_bytes);
    }
    for (int i = 0; i < g->n_nodes; i++)
        step(&s, &g->nodes[i]);
    for (int i = 0; i < g->n_outputs; i++)
        expect(&s, g->outputs[i], 0, bytes_of(g, g->outputs[i]));
    free(s.arena);
}

START_TEST(random_graphs_run_correctly_in_their_plans)
{
    uint32_t seed = 12345;
#define RND(n) (int)(((seed = seed * 1103515245u + 12345u) >> 16) % (uint32_t)(n))
    for (int round = 0; round < 120; round++) {
        graph g;
        graph_init(&g);
        int nn = 1 + (int)RND(40);
        g.inputs[g.n_inputs++] = act(&g, 1 + (int)RND(300));
        for (int i = 0; i < nn; i++) {
            int x = (int)RND(g.n_tensors), y = (int)RND(g.n_tensors);
            int64_t bx = bytes_of(&g, x), by = bytes_of(&g, y);
            int kind = (int)RND(6), n;
            if (kind == 0) {
                n = node(&g, MCN_OP_RESHAPE, x, -1, act(&g, (int)bx));
            } else if (kind == 1 && bx + by <= 400) {
                n = node(&g, MCN_OP_CONCATENATION, x, y,
                         act(&g, (int)(bx + by)));
                g.nodes[n].axis = 1;
            } else {
                int same = RND(2) != 0;
                int o = act(&g, same ? (int)bx : 1 + (int)(RND(300)));
                n = node(&g, kind & 1 ? MCN_OP_ADD : MCN_OP_CLIP, x,
                         kind & 1 ? y : -1, o);
                g.nodes[n].stride_h = (int)RND(3) * 8;
            }
            g.nodes[n].scratch_bytes = RND(3) ? 0 : (uint32_t)RND(100);
        }
        g.outputs[g.n_outputs++] = g.n_tensors - 1;
        if (RND(2))
            g.outputs[g.n_outputs++] = (int)RND(g.n_tensors);
        /* What each tensor holds, from its producer. */
        uint32_t **want = calloc((size_t)g.n_tensors, sizeof *want);
        for (int t = 0; t < g.n_tensors; t++) {
            int64_t n = bytes_of(&g, t);
            want[t] = malloc((size_t)n * sizeof **want);
            for (int64_t i = 0; i < n; i++)
                want[t][i] = fresh(t, (int)i);
        }
        for (int i = 0; i < nn; i++) {
            const graph_node *nd = &g.nodes[i];
            int y = nd->out[0];
            if (nd->op == MCN_OP_RESHAPE)
                memcpy(want[y], want[nd->in[0]],
                       (size_t)bytes_of(&g, y) * sizeof **want);
            if (nd->op == MCN_OP_CONCATENATION) {
                int64_t m = bytes_of(&g, nd->in[0]);
                memcpy(want[y], want[nd->in[0]], (size_t)m * sizeof **want);
                memcpy(want[y] + m, want[nd->in[1]],
                       (size_t)bytes_of(&g, nd->in[1]) * sizeof **want);
            }
        }
        plan_opts variants[3] = {{.overlap = NULL},
                                 {.overlap = test_window},
                                 {.overlap = test_window,
                                  .no_concat_views = true}};
        for (int v = 0; v < 3; v++) {
            graph c;
            mcn_err e = {0};
            ck_assert_msg(graph_clone(&c, &g, &e) == 0, "%s", e.msg);
            plan_ok_with(&c, &variants[v]);
            run_plan(&c, want);
            graph_free(&c);
        }
        for (int t = 0; t < g.n_tensors; t++)
            free(want[t]);
        free(want);
        graph_free(&g);
    }
#undef RND
}
END_TEST

/* ---- speed ---- */

START_TEST(long_chains_plan_in_n_log_n)
{
    /* Chains with a residual every 4 nodes (the skip lives 4 nodes), of
       25,000 and 200,000 nodes: 8 times the nodes may cost at most 12
       times the placement steps (n log n gives about 9.5; walking every
       placed block per placement, which took minutes, gives 64). Steps,
       not seconds, so that a busy machine cannot fail it. */
    int64_t steps[2] = {0, 0};
    int lengths[2] = {25000, 200000};
    for (int r = 0; r < 2; r++) {
        graph g;
        graph_init(&g);
        int prev = act(&g, 64), skip = prev;
        g.inputs[g.n_inputs++] = prev;
        for (int i = 0; i < lengths[r]; i++) {
            int o = act(&g, 64 + 16 * (i % 3));
            if (i % 4 == 3) {
                node(&g, MCN_OP_ADD, prev, skip, o);
                skip = o;
            } else {
                node(&g, MCN_OP_CLIP, prev, -1, o);
            }
            prev = o;
        }
        g.outputs[g.n_outputs++] = prev;
        plan_opts o = {.overlap = test_window, .steps = &steps[r]};
        ck_assert_int_gt(plan_ok_with(&g, &o), 0);
        graph_free(&g);
    }
    ck_assert_int_gt(steps[0], lengths[0]);
    ck_assert_msg(steps[1] <= 12 * steps[0],
                  "placement steps grew %.1f times for 8 times the nodes",
                  (double)steps[1] / (double)steps[0]);
}
END_TEST

Suite *suite_plan_arena(void)
{
    Suite *s = suite_create("plan_arena");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, chain_reuses_and_aligns);
    tcase_add_test(tc, residual_skip_stays_live);
    tcase_add_test(tc, reshape_output_aliases_input);
    tcase_add_test(tc, scratch_lives_only_during_its_node);
    tcase_add_test(tc, float_tensors_use_float_sizes);
    tcase_add_test(tc, negative_dimension_is_refused);
    tcase_add_test(tc, elementwise_outputs_run_in_place);
    tcase_add_test(tc, window_puts_output_before_input);
    tcase_add_test(tc, window_needs_the_input_to_die);
    tcase_add_test(tc, branches_run_in_the_order_that_needs_least);
    tcase_add_test(tc, a_chain_keeps_its_order);
    tcase_add_test(tc, concat_inputs_are_slices_of_its_output);
    tcase_add_test(tc, concat_with_outer_rows_copies);
    tcase_add_test(tc, concat_of_one_tensor_twice_copies);
    tcase_add_test(tc, random_graphs_run_correctly_in_their_plans);
    suite_add_tcase(s, tc);
    TCase *speed = tcase_create("speed");
    tcase_set_timeout(speed, 30);
    tcase_add_test(speed, long_chains_plan_in_n_log_n);
    suite_add_tcase(s, speed);
    return s;
}
