/* test_onnx_passes.c: the generic graph passes (graph_passes.h) on graphs
   built by hand, for the cases an ONNX import does not produce. */
#include <check.h>
#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph_passes.h"

static int act(graph *g, const char *name, int c)
{
    int32_t s[4] = {1, 2, 2, c};
    return graph_add_tensor(g, name, MCN_DT_FLOAT32, 4, s);
}

static int weights(graph *g, const char *name, int rank, const int32_t *s,
                   const float *data)
{
    int t = graph_add_tensor(g, name, MCN_DT_FLOAT32, rank, s);
    graph_set_data(g, t, data, graph_tensor_bytes(&g->tensors[t]));
    return t;
}

static int node(graph *g, mcn_opcode op, const char *name, int in, int w,
                int b, int out)
{
    int n = graph_add_node(g, op, name);
    graph_node_add_input(g, n, in);
    if (w >= 0)
        graph_node_add_input(g, n, w);
    if (b >= 0)
        graph_node_add_input(g, n, b);
    graph_node_add_output(g, n, out);
    return n;
}

/* x -> conv (2 out channels, weights shared with conv2) -> affine -> y;
   x -> conv2 -> z. */
START_TEST(fold_copies_shared_weights)
{
    graph g;
    graph_init(&g);
    int x = act(&g, "x", 1), h = act(&g, "h", 2), y = act(&g, "y", 2),
        z = act(&g, "z", 2);
    int w = weights(&g, "w", 4, (const int32_t[]){2, 1, 1, 1},
                    (const float[]){1, 2});
    int s = weights(&g, "s", 4, (const int32_t[]){1, 1, 1, 2},
                    (const float[]){3, 5});
    int t = weights(&g, "t", 1, (const int32_t[]){2}, (const float[]){1, 1});
    node(&g, MCN_OP_CONV_2D, "conv", x, w, -1, h);  /* no bias at all */
    node(&g, MCN_OP_DEPTHWISE_CONV_2D, "affine", h, s, t, y);
    node(&g, MCN_OP_CONV_2D, "conv2", x, w, -1, z);
    g.inputs[g.n_inputs++] = x;
    g.outputs[g.n_outputs++] = y;
    g.outputs[g.n_outputs++] = z;
    ck_assert_int_eq(gpass_fold_affine(&g, NULL, NULL), 0);
    ck_assert_int_eq(g.n_nodes, 2);
    const graph_node *c = &g.nodes[0];
    ck_assert_int_eq(c->out[0], y);
    ck_assert_int_ne(c->in[1], w);
    const float *cw = g.tensors[c->in[1]].data, *cb = g.tensors[c->in[2]].data;
    ck_assert_float_eq(cw[0], 3.0f);
    ck_assert_float_eq(cw[1], 10.0f);
    ck_assert_float_eq(cb[0], 1.0f);  /* the absent bias became 0 * s + t */
    ck_assert_float_eq(cb[1], 1.0f);
    const float *w2 = g.tensors[g.nodes[1].in[1]].data;
    ck_assert_int_eq(g.nodes[1].in[1], w);
    ck_assert_float_eq(w2[1], 2.0f);  /* conv2 keeps the original */
    graph_free(&g);
}
END_TEST

START_TEST(fold_needs_an_unpadded_1x1_and_a_sole_reader)
{
    graph g;
    graph_init(&g);
    int x = act(&g, "x", 2), h = act(&g, "h", 2), y = act(&g, "y", 2);
    int w = weights(&g, "w", 4, (const int32_t[]){1, 1, 1, 2},
                    (const float[]){1, 2});
    int b = weights(&g, "b", 1, (const int32_t[]){2}, (const float[]){0, 0});
    int s = weights(&g, "s", 4, (const int32_t[]){1, 1, 1, 2},
                    (const float[]){3, 5});
    node(&g, MCN_OP_DEPTHWISE_CONV_2D, "dw", x, w, b, h);
    int a = node(&g, MCN_OP_DEPTHWISE_CONV_2D, "affine", h, s, b, y);
    g.nodes[a].pad_left = 1;  /* padding makes it more than an affine map */
    g.outputs[g.n_outputs++] = y;
    ck_assert_int_eq(gpass_fold_affine(&g, NULL, NULL), 0);
    ck_assert_int_eq(g.n_nodes, 2);
    g.nodes[a].pad_left = 0;
    g.outputs[g.n_outputs++] = h;  /* h read twice now */
    ck_assert_int_eq(gpass_fold_affine(&g, NULL, NULL), 0);
    ck_assert_int_eq(g.n_nodes, 2);
    g.n_outputs = 1;
    ck_assert_int_eq(gpass_fold_affine(&g, NULL, NULL), 0);
    ck_assert_int_eq(g.n_nodes, 1);
    const float *dw = g.tensors[g.nodes[0].in[1]].data;
    ck_assert_float_eq(dw[0], 3.0f);
    ck_assert_float_eq(dw[1], 10.0f);
    graph_free(&g);
}
END_TEST

static int clip(graph *g, const char *name, int in, int out,
                mcn_activation a, float lo, float hi)
{
    int n = node(g, MCN_OP_CLIP, name, in, -1, -1, out);
    g->nodes[n].act = a;
    g->nodes[n].act_min = lo;
    g->nodes[n].act_max = hi;
    return n;
}

START_TEST(fuse_intersects_ranges)
{
    graph g;
    graph_init(&g);
    int x = act(&g, "x", 2), h = act(&g, "h", 2), i = act(&g, "i", 2),
        y = act(&g, "y", 2);
    clip(&g, "relu", x, h, MCN_ACT_RELU, 0, 0);
    clip(&g, "clip", h, i, MCN_ACT_CLIP, -3, 6);
    clip(&g, "cap", i, y, MCN_ACT_CLIP, -1, 4);
    g.outputs[g.n_outputs++] = y;
    char *log = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&log, &len);
    gpass_log lg = {f, NULL, NULL};
    ck_assert_int_eq(gpass_fuse_activations(&g, &lg, NULL), 0);
    fclose(f);
    ck_assert_str_eq(log, "fused CLIP 'clip' into CLIP 'relu'\n"
                          "fused CLIP 'cap' into CLIP 'relu'\n");
    free(log);
    ck_assert_int_eq(g.n_nodes, 1);
    ck_assert_int_eq(g.nodes[0].act, MCN_ACT_CLIP);
    ck_assert_float_eq(g.nodes[0].act_min, 0.0f);
    ck_assert_float_eq(g.nodes[0].act_max, 4.0f);
    ck_assert_int_eq(g.nodes[0].out[0], y);
    graph_free(&g);

    /* [0, inf) then [-5, -1]: nothing satisfies both; left alone. */
    graph_init(&g);
    x = act(&g, "x", 2), h = act(&g, "h", 2), y = act(&g, "y", 2);
    clip(&g, "relu", x, h, MCN_ACT_RELU, 0, 0);
    clip(&g, "neg", h, y, MCN_ACT_CLIP, -5, -1);
    g.outputs[g.n_outputs++] = y;
    ck_assert_int_eq(gpass_fuse_activations(&g, NULL, NULL), 0);
    ck_assert_int_eq(g.n_nodes, 2);
    graph_free(&g);
}
END_TEST

/* 100,000 ReLUs in a chain fold into the first, but for the one whose
   output another node also reads: done in one pass over the graph (the
   pass rescanned the graph per node, minutes at this size). */
#define CHAIN 100000
START_TEST(fuse_is_linear_in_a_long_chain)
{
    graph g;
    graph_init(&g);
    int prev = act(&g, "x", 2), keep = -1;
    for (int k = 0; k < CHAIN; k++) {
        char name[32];
        snprintf(name, sizeof name, "t%d", k);
        int t = act(&g, name, 2);
        clip(&g, name, prev, t, MCN_ACT_RELU6, 0, 0);
        if (k == CHAIN / 2)
            keep = t;
        prev = t;
    }
    /* A second reader of t50000: the ReLU after it stays. */
    int side = act(&g, "side", 2);
    clip(&g, "side", keep, side, MCN_ACT_RELU, 0, 0);
    g.outputs[g.n_outputs++] = prev;
    g.outputs[g.n_outputs++] = side;
    ck_assert_int_eq(gpass_fuse_activations(&g, NULL, NULL), 0);
    ck_assert_int_eq(g.n_nodes, 3);
    ck_assert_str_eq(g.nodes[0].name, "t0");
    ck_assert_int_eq(g.nodes[0].out[0], keep);
    ck_assert_str_eq(g.nodes[1].name, "t50001");
    ck_assert_int_eq(g.nodes[1].in[0], keep);
    ck_assert_int_eq(g.nodes[1].out[0], prev);
    ck_assert_str_eq(g.nodes[2].name, "side");
    graph_free(&g);
}
END_TEST

START_TEST(act_for_range_names_the_common_ones)
{
    float lo, hi;
    ck_assert_int_eq(gpass_act_for_range(0, FLT_MAX, &lo, &hi), MCN_ACT_RELU);
    ck_assert_int_eq(gpass_act_for_range(0, 6, &lo, &hi), MCN_ACT_RELU6);
    ck_assert_int_eq(gpass_act_for_range(-FLT_MAX, FLT_MAX, &lo, &hi),
                     MCN_ACT_NONE);
    ck_assert_int_eq(gpass_act_for_range(-1, FLT_MAX, &lo, &hi), MCN_ACT_CLIP);
    ck_assert_float_eq(lo, -1.0f);
    ck_assert_float_eq(hi, FLT_MAX);
}
END_TEST

Suite *suite_onnx_passes(void)
{
    Suite *s = suite_create("onnx_passes");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, fold_copies_shared_weights);
    tcase_add_test(tc, fold_needs_an_unpadded_1x1_and_a_sole_reader);
    tcase_add_test(tc, fuse_intersects_ranges);
    tcase_add_test(tc, fuse_is_linear_in_a_long_chain);
    tcase_add_test(tc, act_for_range_names_the_common_ones);
    suite_add_tcase(s, tc);
    return s;
}
