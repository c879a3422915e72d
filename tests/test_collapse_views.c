/* test_collapse_views.c: gpass_collapse_views and the strided views under
   it, on chains of RESHAPE and TRANSPOSE built by hand. Every rewrite is
   checked node by node, and float execution must give the same bits
   before and after: the inputs are 0, 1, 2, ... so each output element
   names the input element it was moved from, and the goldens are worked
   out from the index arithmetic in the comments. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "float_exec.h"
#include "graph_passes.h"
#include "strided_view.h"
#include "test_fexec_util.h"
#include "test_onnx_build.h"
#include "testutil.h"
#include "onnx_import.h"

#define SHAPE(...) ((const int32_t[]){__VA_ARGS__})
#define IDS(...) ((const int[]){__VA_ARGS__})

static graph_node *transpose(graph *g, const char *name, int x, int y,
                             int rank, const int32_t *perm)
{
    graph_node *n = ft_node(g, MCN_OP_TRANSPOSE, name, 1, IDS(x), y);
    n->n_ints = rank;
    memcpy(n->ints, perm, (size_t)rank * sizeof *perm);
    return n;
}

static void reshape(graph *g, const char *name, int x, int y)
{
    ft_node(g, MCN_OP_RESHAPE, name, 1, IDS(x), y);
}

/* A 2-D transpose. */
static void swap(graph *g, const char *name, int x, int y)
{
    transpose(g, name, x, y, 2, SHAPE(1, 0));
}

/* A CLIP no test value reaches: a node that is no move. */
static void pass_through(graph *g, const char *name, int x, int y)
{
    graph_node *n = ft_node(g, MCN_OP_CLIP, name, 1, IDS(x), y);
    n->act_min = -100;
    n->act_max = 100;
}

/* x [1,2,3,4] -> CLIP 'c1' -> to NCHW -> back to NHWC -> y. */
static void cancelling_pair(graph *g, int x, int y)
{
    int h = ft_tensor(g, "h", 4, SHAPE(1, 2, 3, 4));
    int a = ft_tensor(g, "a", 4, SHAPE(1, 4, 2, 3));
    pass_through(g, "c1", x, h);
    transpose(g, "to_nchw", h, a, 4, SHAPE(0, 3, 1, 2));
    transpose(g, "to_nhwc", a, y, 4, SHAPE(0, 2, 3, 1));
}

/* Output 0 of g for input 0 = 0, 1, 2, ... (malloc'd). */
static float *run_iota(const graph *g)
{
    int64_t nx = graph_tensor_elems(&g->tensors[g->inputs[0]]);
    int64_t ny = graph_tensor_elems(&g->tensors[g->outputs[0]]);
    float *x = malloc((size_t)nx * sizeof *x), *y = malloc((size_t)ny * sizeof *y);
    for (int64_t i = 0; i < nx; i++)
        x[i] = (float)i;
    float_exec *fx;
    mcn_err e;
    ck_assert_msg(fexec_create(&fx, g, &e) == 0, "%s", e.msg);
    const float *in = x;
    ck_assert_msg(fexec_run(fx, &in, &e) == 0, "%s", e.msg);
    memcpy(y, fexec_tensor(fx, g->outputs[0]), (size_t)ny * sizeof *y);
    fexec_free(fx);
    free(x);
    return y;
}

/* Collapses g (then prunes it, as the importers do) and checks that float
   execution gives the same bits as before; returns what the pass said. */
static char *collapse(graph *g)
{
    float *before = run_iota(g);
    char *said = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&said, &len);
    gpass_log log = {f, NULL, NULL};
    mcn_err e;
    ck_assert_msg(gpass_collapse_views(g, &log, &e) == 0, "%s", e.msg);
    fclose(f);
    graph_prune(g);
    float *after = run_iota(g);
    int64_t n = graph_tensor_elems(&g->tensors[g->outputs[0]]);
    ck_assert(memcmp(before, after, (size_t)n * sizeof *after) == 0);
    free(before);
    free(after);
    return said;
}

static void assert_node(const graph *g, int i, mcn_opcode op, const char *name,
                        int in, int out)
{
    ck_assert_int_lt(i, g->n_nodes);
    const graph_node *n = &g->nodes[i];
    ck_assert_str_eq(graph_op_name(n->op), graph_op_name(op));
    ck_assert_str_eq(n->name, name);
    ck_assert_int_eq(n->n_in, 1);
    if (in >= 0)
        ck_assert_int_eq(n->in[0], in);
    if (out >= 0)
        ck_assert_int_eq(n->out[0], out);
}

/* g collapses into one node `op` named `name`, from the graph input to
   the graph output. */
static void collapses_to_one(graph *g, mcn_opcode op, const char *name)
{
    free(collapse(g));
    ck_assert_int_eq(g->n_nodes, 1);
    assert_node(g, 0, op, name, g->inputs[0], g->outputs[0]);
}

START_TEST(reshapes_become_one)
{
    graph g;
    graph_init(&g);
    int x = ft_tensor(&g, "x", 4, SHAPE(1, 2, 3, 4));
    int a = ft_tensor(&g, "a", 2, SHAPE(6, 4));
    int b = ft_tensor(&g, "b", 1, SHAPE(24));
    int y = ft_tensor(&g, "y", 2, SHAPE(2, 12));
    reshape(&g, "r1", x, a);
    reshape(&g, "r2", a, b);
    reshape(&g, "r3", b, y);
    ft_io(&g, 1, IDS(x), y);
    char *said = collapse(&g);
    ck_assert_str_eq(said, "collapsed 3 nodes (0 TRANSPOSE) from RESHAPE 'r1' "
                           "to RESHAPE 'r3' into RESHAPE [2,12]\n");
    ck_assert_int_eq(g.n_nodes, 1);
    assert_node(&g, 0, MCN_OP_RESHAPE, "r3", g.inputs[0], g.outputs[0]);
    ck_assert_str_eq(g.tensors[g.outputs[0]].name, "y");
    free(said);
    graph_free(&g);
}
END_TEST

/* NHWC -> NCHW -> NHWC between two CLIPs: the second CLIP reads the
   first one's output. */
START_TEST(transposes_that_cancel_vanish)
{
    graph g;
    graph_init(&g);
    int x = ft_tensor(&g, "x", 4, SHAPE(1, 2, 3, 4));
    int b = ft_tensor(&g, "b", 4, SHAPE(1, 2, 3, 4));
    int y = ft_tensor(&g, "y", 4, SHAPE(1, 2, 3, 4));
    cancelling_pair(&g, x, b);
    pass_through(&g, "c2", b, y);
    ft_io(&g, 1, IDS(x), y);
    char *said = collapse(&g);
    ck_assert_str_eq(said, "collapsed 2 nodes (2 TRANSPOSE) from TRANSPOSE "
                           "'to_nchw' to TRANSPOSE 'to_nhwc' into nothing "
                           "(they cancel out)\n");
    ck_assert_int_eq(g.n_nodes, 2);
    ck_assert_str_eq(g.nodes[0].name, "c1");
    assert_node(&g, 1, MCN_OP_CLIP, "c2", g.nodes[0].out[0], g.outputs[0]);
    free(said);
    graph_free(&g);
}
END_TEST

/* The same pair before a graph output: the output keeps its tensor (name,
   layout) and the CLIP writes it. */
START_TEST(cancelling_before_an_output_keeps_it)
{
    graph g;
    graph_init(&g);
    int x = ft_tensor(&g, "x", 4, SHAPE(1, 2, 3, 4));
    int y = ft_tensor(&g, "y", 4, SHAPE(1, 2, 3, 4));
    g.tensors[y].layout = MCN_LAYOUT_NCHW;
    cancelling_pair(&g, x, y);
    ft_io(&g, 1, IDS(x), y);
    free(collapse(&g));
    ck_assert_int_eq(g.n_nodes, 1);
    assert_node(&g, 0, MCN_OP_CLIP, "c1", g.inputs[0], g.outputs[0]);
    ck_assert_str_eq(g.tensors[g.outputs[0]].name, "y");
    ck_assert_int_eq(g.tensors[g.outputs[0]].layout, MCN_LAYOUT_NCHW);
    graph_free(&g);
}
END_TEST

/* From a graph input straight to a graph output nothing can write the
   output but a node: one RESHAPE, which the arena planner makes free. */
START_TEST(cancelling_from_input_to_output_is_one_reshape)
{
    graph g;
    graph_init(&g);
    int x = ft_tensor(&g, "x", 3, SHAPE(2, 3, 4));
    int a = ft_tensor(&g, "a", 3, SHAPE(4, 2, 3));
    int y = ft_tensor(&g, "y", 3, SHAPE(2, 3, 4));
    transpose(&g, "t1", x, a, 3, SHAPE(2, 0, 1));
    transpose(&g, "t2", a, y, 3, SHAPE(1, 2, 0));
    ft_io(&g, 1, IDS(x), y);
    collapses_to_one(&g, MCN_OP_RESHAPE, "t2:reshape");
    graph_free(&g);
}
END_TEST

/* The shuffle below, tensors x, a, b, c, d, y at t[0..5] (consecutive),
   nodes named as the ONNX importer names them. */
static void shuffle_chain(graph *g, int *t)
{
    t[0] = ft_tensor(g, "x", 4, SHAPE(1, 2, 2, 6));
    t[1] = ft_tensor(g, "a", 4, SHAPE(1, 6, 2, 2));
    t[2] = ft_tensor(g, "b", 5, SHAPE(1, 2, 3, 2, 2));
    t[3] = ft_tensor(g, "c", 5, SHAPE(1, 3, 2, 2, 2));
    t[4] = ft_tensor(g, "d", 4, SHAPE(1, 6, 2, 2));
    t[5] = ft_tensor(g, "y", 4, SHAPE(1, 2, 2, 6));
    transpose(g, "s/Reshape:nchw", t[0], t[1], 4, SHAPE(0, 3, 1, 2));
    reshape(g, "s/Reshape", t[1], t[2]);
    transpose(g, "s/Transpose", t[2], t[3], 5, SHAPE(0, 2, 1, 3, 4));
    reshape(g, "s/Reshape_1:nchw", t[3], t[4]);
    transpose(g, "s/Reshape_1", t[4], t[5], 4, SHAPE(0, 2, 3, 1));
    ft_io(g, 1, IDS(t[0]), t[5]);
}

/* ShuffleNetV2's channel shuffle as the ONNX importer writes it in NHWC,
   2 groups of 3 channels on 2x2 pixels: to NCHW, Reshape [1,2,3,2,2],
   Transpose [0,2,1,3,4], Reshape [1,6,2,2], back to NHWC. NCHW channel
   c = 3j + i (group j, member i) goes to c' = 2i + j: per pixel the
   output reads channels 0,3,1,4,2,5. In NHWC that is [4 pixels, 2 groups,
   3 members] transposed by [0,2,1]: one TRANSPOSE between RESHAPEs. */
START_TEST(shuffle_becomes_one_transpose)
{
    graph g;
    graph_init(&g);
    int t[6];
    shuffle_chain(&g, t);
    float want[24];
    static const int from[6] = {0, 3, 1, 4, 2, 5};
    for (int p = 0; p < 4; p++)
        for (int k = 0; k < 6; k++)
            want[p * 6 + k] = (float)(p * 6 + from[k]);
    float *before = run_iota(&g);
    ck_assert(memcmp(before, want, sizeof want) == 0);
    free(before);

    char *said = collapse(&g);
    ck_assert_str_eq(said, "collapsed 5 nodes (3 TRANSPOSE) from TRANSPOSE "
                           "'s/Reshape:nchw' to TRANSPOSE 's/Reshape_1' into "
                           "RESHAPE [4,2,3], TRANSPOSE [0,2,1] to [4,3,2], "
                           "RESHAPE [1,2,2,6]\n");
    ck_assert_int_eq(g.n_nodes, 3);
    assert_node(&g, 0, MCN_OP_RESHAPE, "s/Reshape", g.inputs[0], -1);
    assert_node(&g, 1, MCN_OP_TRANSPOSE, "s/Transpose", g.nodes[0].out[0], -1);
    assert_node(&g, 2, MCN_OP_RESHAPE, "s/Reshape_1:nchw", g.nodes[1].out[0],
                g.outputs[0]);
    ob_assert_shape(&g.tensors[g.nodes[0].out[0]], 3, SHAPE(4, 2, 3));
    ob_assert_shape(&g.tensors[g.nodes[1].out[0]], 3, SHAPE(4, 3, 2));
    ck_assert_int_eq(g.nodes[1].n_ints, 3);
    ob_assert_ints(g.nodes[1].ints, SHAPE(0, 2, 1), 3);
    float *after = run_iota(&g);
    ck_assert(memcmp(after, want, sizeof want) == 0);
    free(after);
    free(said);
    graph_free(&g);
}
END_TEST

/* The shuffle in int8: one quantization all along, so it collapses and
   the new tensors carry it too. A different scale midway (a requantizing
   Q/DQ pair) is no move: the chain stops there. */
START_TEST(int8_chains_need_one_quantization)
{
    for (int mixed = 0; mixed < 2; mixed++) {
        graph g;
        graph_init(&g);
        int t[6];
        shuffle_chain(&g, t);
        for (int k = 0; k < 6; k++) {
            g.tensors[t[k]].dtype = MCN_DT_INT8;
            float s = mixed && k == 3 ? 0.5f : 0.25f;
            graph_set_quant(&g, t[k], 1, &s, (const int32_t[]){-3}, 0);
        }
        mcn_err e;
        ck_assert_int_eq(gpass_collapse_views(&g, NULL, &e), 0);
        graph_prune(&g);
        ck_assert_int_eq(g.n_nodes, mixed ? 5 : 3);
        for (int i = 0; i < g.n_nodes; i++) {
            const graph_tensor *o = &g.tensors[g.nodes[i].out[0]];
            ck_assert_int_eq(o->dtype, MCN_DT_INT8);
            ck_assert_int_eq(o->nscale, 1);
            ck_assert_float_eq(o->scale[0], mixed && i == 2 ? 0.5f : 0.25f);
            ck_assert_int_eq(o->zero_point[0], -3);
        }
        graph_free(&g);
    }
}
END_TEST

/* [0,3,1,2] then [0,1,3,2]: output axis d is input axis q[p[d]], which
   is [0,3,2,1]; one TRANSPOSE of the input as it is. */
START_TEST(two_transposes_make_one)
{
    graph g;
    graph_init(&g);
    int x = ft_tensor(&g, "x", 4, SHAPE(1, 2, 3, 4));
    int a = ft_tensor(&g, "a", 4, SHAPE(1, 4, 2, 3));
    int y = ft_tensor(&g, "y", 4, SHAPE(1, 4, 3, 2));
    transpose(&g, "t1", x, a, 4, SHAPE(0, 3, 1, 2));
    transpose(&g, "t2", a, y, 4, SHAPE(0, 1, 3, 2));
    ft_io(&g, 1, IDS(x), y);
    collapses_to_one(&g, MCN_OP_TRANSPOSE, "t1");
    ob_assert_ints(g.nodes[0].ints, SHAPE(0, 3, 2, 1), 4);
    graph_free(&g);
}
END_TEST

/* A transpose that moves only unit axes keeps the order: a RESHAPE. */
START_TEST(unit_axis_transpose_is_a_reshape)
{
    graph g;
    graph_init(&g);
    int x = ft_tensor(&g, "x", 4, SHAPE(1, 1, 1, 8));
    int y = ft_tensor(&g, "y", 4, SHAPE(1, 8, 1, 1));
    transpose(&g, "t", x, y, 4, SHAPE(0, 3, 1, 2));
    ft_io(&g, 1, IDS(x), y);
    collapses_to_one(&g, MCN_OP_RESHAPE, "t:reshape");
    graph_free(&g);
}
END_TEST

/* From `from` ([2,3]) on: TRANSPOSE `t` by [1,0], RESHAPE 'r' back to
   [2,3], TRANSPOSE 't_last' by [1,0] into the graph output. Transposed,
   [2,3] is read with strides (1, 3); as [2,3] again its rows would need
   strides that cut the 3-long run at 1.5: no strided view, the transposed
   tensor must be written out first. */
static void regroup_between_transposes(graph *g, int x, int from,
                                       const char *t)
{
    int a = ft_tensor(g, "ra", 2, SHAPE(3, 2));
    int b = ft_tensor(g, "rb", 2, SHAPE(2, 3));
    int y = ft_tensor(g, "y", 2, SHAPE(3, 2));
    swap(g, t, from, a);
    reshape(g, "r", a, b);
    swap(g, "t_last", b, y);
    ft_io(g, 1, IDS(x), y);
}

/* ...and after the pass: the TRANSPOSE named `t` first, reading the
   input, then the RESHAPE and the last TRANSPOSE as they were. */
static void assert_regroup_kept(const graph *g, const char *t)
{
    ck_assert_int_eq(g->n_nodes, 3);
    assert_node(g, 0, MCN_OP_TRANSPOSE, t, g->inputs[0], -1);
    ob_assert_ints(g->nodes[0].ints, SHAPE(1, 0), 2);
    assert_node(g, 1, MCN_OP_RESHAPE, "r", g->nodes[0].out[0], -1);
    assert_node(g, 2, MCN_OP_TRANSPOSE, "t_last", g->nodes[1].out[0],
                g->outputs[0]);
}

START_TEST(regrouping_a_transposed_tensor_stays)
{
    graph g;
    graph_init(&g);
    int x = ft_tensor(&g, "x", 2, SHAPE(2, 3));
    regroup_between_transposes(&g, x, x, "t1");
    char *said = collapse(&g);
    ck_assert_str_eq(said, "");
    assert_regroup_kept(&g, "t1");
    free(said);
    graph_free(&g);
}
END_TEST

/* Three transposes by [1,0] are one; the RESHAPE after them cannot join
   (as above), so it and the last TRANSPOSE stay as they are. */
START_TEST(longest_view_prefix_collapses)
{
    graph g;
    graph_init(&g);
    int x = ft_tensor(&g, "x", 2, SHAPE(2, 3));
    int a = ft_tensor(&g, "a", 2, SHAPE(3, 2));
    int b = ft_tensor(&g, "b", 2, SHAPE(2, 3));
    swap(&g, "t1", x, a);
    swap(&g, "t2", a, b);
    regroup_between_transposes(&g, x, b, "t3");
    char *said = collapse(&g);
    ck_assert_str_eq(said, "collapsed 3 nodes (3 TRANSPOSE) from TRANSPOSE "
                           "'t1' to TRANSPOSE 't3' into TRANSPOSE [1,0] to "
                           "[3,2]\n");
    assert_regroup_kept(&g, "t1");
    free(said);
    graph_free(&g);
}
END_TEST

/* Transposes that would cancel, but the tensor between them is read by
   another node too (or is a graph output): both must be made. */
START_TEST(shared_middle_tensor_stays)
{
    for (int as_output = 0; as_output < 2; as_output++) {
        graph g;
        graph_init(&g);
        int x = ft_tensor(&g, "x", 2, SHAPE(2, 3));
        int a = ft_tensor(&g, "a", 2, SHAPE(3, 2));
        int y = ft_tensor(&g, "y", 2, SHAPE(2, 3));
        int z = ft_tensor(&g, "z", 2, SHAPE(3, 2));
        swap(&g, "t1", x, a);
        swap(&g, "t2", a, y);
        if (!as_output)
            pass_through(&g, "c", a, z);
        ft_io(&g, 1, IDS(x), y);
        g.outputs[g.n_outputs++] = as_output ? a : z;
        char *said = collapse(&g);
        ck_assert_str_eq(said, "");
        ck_assert_int_eq(g.n_nodes, as_output ? 2 : 3);
        assert_node(&g, 0, MCN_OP_TRANSPOSE, "t1", g.inputs[0], -1);
        assert_node(&g, 1, MCN_OP_TRANSPOSE, "t2", g.nodes[0].out[0],
                    g.outputs[0]);
        free(said);
        graph_free(&g);
    }
}
END_TEST

/* A perm that is no permutation is not a move: left for float execution
   to report. */
START_TEST(malformed_transpose_is_left_alone)
{
    graph g;
    graph_init(&g);
    int x = ft_tensor(&g, "x", 2, SHAPE(2, 3));
    int a = ft_tensor(&g, "a", 2, SHAPE(3, 2));
    int y = ft_tensor(&g, "y", 2, SHAPE(3, 2));
    transpose(&g, "t1", x, a, 2, SHAPE(1, 1));
    transpose(&g, "t2", a, y, 2, SHAPE(0, 1));
    ft_io(&g, 1, IDS(x), y);
    mcn_err e;
    ck_assert_int_eq(gpass_collapse_views(&g, NULL, &e), 0);
    ck_assert_int_eq(g.n_nodes, 1);  /* t2 alone is an identity: it goes */
    ck_assert_str_eq(g.nodes[0].name, "t1");
    ck_assert_int_eq(g.nodes[0].out[0], y);
    ft_expect_error(&g, "node 't1' (TRANSPOSE): perm is not a permutation "
                        "of 0..1");
    graph_free(&g);
}
END_TEST

/* The view algebra on its own: strides after each step, and the cuts
   that are no view. */
START_TEST(views_split_and_refuse)
{
    strided_view v;
    ck_assert(view_init(&v, 2, SHAPE(2, 3)));
    view_transpose(&v, SHAPE(1, 0));  /* [3,2]: strides (1, 3) */
    ck_assert_int_eq(v.first[2], 2);
    ck_assert_int_eq(v.atom[0].size, 3);
    ck_assert_int_eq(v.atom[0].stride, 1);
    ck_assert_int_eq(v.atom[1].size, 2);
    ck_assert_int_eq(v.atom[1].stride, 3);
    ck_assert(!view_reshape(&v, 2, SHAPE(2, 3)));  /* 2 does not cut 3 */
    ck_assert(!view_reshape(&v, 1, SHAPE(7)));     /* too many elements */
    ck_assert(view_reshape(&v, 1, SHAPE(6)));      /* one axis, two atoms */
    ck_assert_int_eq(v.first[1], 2);
    /* [6] as [3,2] again: the atoms come back apart */
    ck_assert(view_reshape(&v, 2, SHAPE(3, 2)));
    ck_assert_int_eq(v.first[1], 1);
    /* [4,6] from [24]: an atom of 24 cut into 4 (stride 6) and 6 (1) */
    ck_assert(view_init(&v, 1, SHAPE(24)));
    ck_assert(view_reshape(&v, 3, SHAPE(4, 1, 6)));
    ck_assert_int_eq(v.atom[0].size, 4);
    ck_assert_int_eq(v.atom[0].stride, 6);
    ck_assert_int_eq(v.first[1], 1);
    ck_assert_int_eq(v.first[2], 1);  /* the unit axis has no atom */
    ck_assert_int_eq(v.atom[1].size, 6);
    ck_assert_int_eq(v.atom[1].stride, 1);
    ck_assert(!view_init(&v, 2, SHAPE(0, 3)));
}
END_TEST

/* Through the ONNX importer, NCHW in and out: the edge pass takes the
   layout transposes at the input and output away first, leaving the
   model's Reshape, Transpose, Reshape on the NCHW-ordered data: one copy
   already, but over 5 axes. Read flat, the copy's output is [3 members
   (stride 4), 2 groups (stride 12), 4 pixels (stride 1)]: the pass makes
   it a TRANSPOSE of [2,3,4] by [1,0,2]. The output is the shuffle in
   NCHW: y[c'] = x[c] with c = 3j + i, c' = 2i + j. */
START_TEST(onnx_shuffle_at_the_edge)
{
    ob *b = ob_new(13);
    ob_input(b, "x", 4, OB_DIMS(1, 6, 2, 2));
    ob_init_i(b, "s5", 1, OB_DIMS(5), OB_DIMS(1, 2, 3, 2, 2));
    ob_init_i(b, "s4", 1, OB_DIMS(4), OB_DIMS(1, 6, 2, 2));
    ob_node(b, "Reshape", "r1", "x,s5", "a");
    ob_attr_ints(b, ob_node(b, "Transpose", "t", "a", "c"), "perm", 5,
                 OB_DIMS(0, 2, 1, 3, 4));
    ob_node(b, "Reshape", "r2", "c,s4", "y");
    ob_output(b, "y", 4, OB_DIMS(1, 6, 2, 2));
    graph g;
    ob_import_ok(b, &g);
    OB_ASSERT_OPS(&g, MCN_OP_RESHAPE, MCN_OP_TRANSPOSE, MCN_OP_RESHAPE);
    ob_assert_shape(&g.tensors[g.nodes[0].out[0]], 3, SHAPE(2, 3, 4));
    ck_assert_int_eq(g.nodes[1].n_ints, 3);
    ob_assert_ints(g.nodes[1].ints, SHAPE(1, 0, 2), 3);
    ck_assert_str_eq(g.nodes[1].name, "t");
    float x[24], y[24];
    for (int i = 0; i < 24; i++)
        x[i] = (float)i;
    ob_run(&g, x, y);
    static const int from[6] = {0, 3, 1, 4, 2, 5};
    for (int k = 0; k < 6; k++)
        for (int p = 0; p < 4; p++)
            ck_assert_float_eq(y[k * 4 + p], x[from[k] * 4 + p]);
    graph_free(&g);
    ob_free(b);
}
END_TEST

/* ShuffleNetV2 x0.5 imported: every shuffle (16 of them) is one 3-D
   TRANSPOSE by [0,2,1] of [H*W, 2, C/2] between RESHAPEs, where the
   import used to make three full copies. */
START_TEST(shufflenet_shuffles_are_one_transpose_each)
{
    size_t len;
    uint8_t *buf = tu_read_file(TU_SRC("tests/data/onnx-nets/"
                                       "shufflenet_v2_x0_5.onnx"), &len);
    ck_assert(buf != NULL);
    graph g;
    mcn_err e;
    ck_assert_msg(onnx_import(buf, len, NULL, &g, &e) == 0, "%s", e.msg);
    free(buf);
    int shuffles = 0;
    for (int i = 0; i < g.n_nodes; i++) {
        const graph_node *n = &g.nodes[i];
        if (n->op != MCN_OP_TRANSPOSE)
            continue;
        shuffles++;
        ck_assert_int_eq(n->n_ints, 3);
        ob_assert_ints(n->ints, SHAPE(0, 2, 1), 3);
        const graph_tensor *x = &g.tensors[n->in[0]];
        ck_assert_int_eq(x->shape[1], 2);
        ck_assert_int_eq(graph_producer(&g, n->in[0]), i - 1);
        ck_assert_int_eq(g.nodes[i - 1].op, MCN_OP_RESHAPE);
        ck_assert_int_eq(g.nodes[i + 1].op, MCN_OP_RESHAPE);
        ck_assert_int_eq(g.nodes[i + 1].in[0], n->out[0]);
    }
    ck_assert_int_eq(shuffles, 16);
    graph_free(&g);
}
END_TEST

Suite *suite_collapse_views(void)
{
    Suite *s = suite_create("collapse_views");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, reshapes_become_one);
    tcase_add_test(tc, transposes_that_cancel_vanish);
    tcase_add_test(tc, cancelling_before_an_output_keeps_it);
    tcase_add_test(tc, cancelling_from_input_to_output_is_one_reshape);
    tcase_add_test(tc, shuffle_becomes_one_transpose);
    tcase_add_test(tc, int8_chains_need_one_quantization);
    tcase_add_test(tc, two_transposes_make_one);
    tcase_add_test(tc, unit_axis_transpose_is_a_reshape);
    tcase_add_test(tc, regrouping_a_transposed_tensor_stays);
    tcase_add_test(tc, longest_view_prefix_collapses);
    tcase_add_test(tc, shared_middle_tensor_stays);
    tcase_add_test(tc, malformed_transpose_is_left_alone);
    tcase_add_test(tc, views_split_and_refuse);
    tcase_add_test(tc, onnx_shuffle_at_the_edge);
    tcase_add_test(tc, shufflenet_shuffles_are_one_transpose_each);
    suite_add_tcase(s, tc);
    return s;
}
