/* test_graph_cost.c: MACs, parameters and layer kinds of single nodes
   (formats/graph_cost.h), each worked out from the shapes by hand with
   figures.md's rules (CONV_2D out_h*out_w*out_c*k_h*k_w*in_c,
   DEPTHWISE_CONV_2D out_h*out_w*out_c*k_h*k_w, FULLY_CONNECTED
   batch*out*in). */
#include <check.h>
#include <stdint.h>

#include "graph.h"
#include "graph_cost.h"
#include "test_model_util.h"

static int8_t zeros[8192];

/* x [1,h,w,c] -> op with constant weights of shape ws -> y [1,oh,ow,oc]. */
static const graph_node *layer(graph *g, mcn_opcode op, const int32_t *xs,
                               int wrank, const int32_t *ws,
                               const int32_t *ys, int yrank)
{
    graph_init(g);
    int64_t wn = 1;
    for (int i = 0; i < wrank; i++)
        wn *= ws[i];
    ck_assert_int_le(wn, (int64_t)sizeof zeros);
    int x = tm_int8(g, "x", 4, xs, 0.1f, 0, NULL, 0);
    int w = tm_int8(g, "w", wrank, ws, 0.1f, 0, zeros, (size_t)wn);
    int y = tm_int8(g, "y", yrank, ys, 0.1f, 0, NULL, 0);
    int n = tm_node(g, op, x, w, y);  /* before g->nodes is read */
    return &g->nodes[n];
}

START_TEST(conv_kinds_and_macs)
{
    graph g;
    /* The first conv: 3 input channels, 3x3, 8 out, 16x16 out:
       16*16*8 * 3*3*3 = 55,296 MACs; 8*3*3*3 = 216 params. */
    const int32_t x3[4] = {1, 16, 16, 3}, w3[4] = {8, 3, 3, 3},
                  y8[4] = {1, 16, 16, 8};
    const graph_node *nd = layer(&g, MCN_OP_CONV_2D, x3, 4, w3, y8, 4);
    ck_assert_int_eq(graph_node_cost(&g, nd).macs, 55296);
    ck_assert_int_eq(graph_node_cost(&g, nd).params, 216);
    ck_assert_int_eq(graph_node_kind(&g, nd), GRAPH_KIND_CONV_FIRST);
    graph_free(&g);

    /* 1x1 over 8 channels to 16: 16*16*16 * 1*1*8 = 32,768. */
    const int32_t x8[4] = {1, 16, 16, 8}, w1[4] = {16, 1, 1, 8},
                  y16[4] = {1, 16, 16, 16};
    nd = layer(&g, MCN_OP_CONV_2D, x8, 4, w1, y16, 4);
    ck_assert_int_eq(graph_node_cost(&g, nd).macs, 32768);
    ck_assert_int_eq(graph_node_kind(&g, nd), GRAPH_KIND_CONV_1X1);
    ck_assert_str_eq(graph_kind_name(graph_node_kind(&g, nd)), "conv_1x1");
    graph_free(&g);

    /* A 1x1 conv on 3 channels is the first conv, not a 1x1 one. */
    const int32_t w13[4] = {8, 1, 1, 3};
    nd = layer(&g, MCN_OP_CONV_2D, x3, 4, w13, y8, 4);
    ck_assert_int_eq(graph_node_kind(&g, nd), GRAPH_KIND_CONV_FIRST);
    graph_free(&g);

    /* 3x3 over 8 channels: another conv; 16*16*16 * 3*3*8 = 294,912. */
    const int32_t w33[4] = {16, 3, 3, 8};
    nd = layer(&g, MCN_OP_CONV_2D, x8, 4, w33, y16, 4);
    ck_assert_int_eq(graph_node_cost(&g, nd).macs, 294912);
    ck_assert_int_eq(graph_node_kind(&g, nd), GRAPH_KIND_CONV);
    graph_free(&g);
}
END_TEST

START_TEST(depthwise_fc_and_the_rest)
{
    graph g;
    /* Depthwise 3x3 over 8 channels, 8x8 out: 8*8*8 * 3*3 = 4,608. */
    const int32_t x[4] = {1, 8, 8, 8}, w[4] = {1, 3, 3, 8},
                  y[4] = {1, 8, 8, 8};
    const graph_node *nd = layer(&g, MCN_OP_DEPTHWISE_CONV_2D, x, 4, w, y, 4);
    ck_assert_int_eq(graph_node_cost(&g, nd).macs, 4608);
    ck_assert_int_eq(graph_node_kind(&g, nd), GRAPH_KIND_DW_3X3);
    graph_free(&g);

    /* Depthwise 5x5: counted (8*8*8 * 25 = 12,800) but "conv". */
    const int32_t w5[4] = {1, 5, 5, 8};
    nd = layer(&g, MCN_OP_DEPTHWISE_CONV_2D, x, 4, w5, y, 4);
    ck_assert_int_eq(graph_node_cost(&g, nd).macs, 12800);
    ck_assert_int_eq(graph_node_kind(&g, nd), GRAPH_KIND_CONV);
    graph_free(&g);

    /* Fully connected 512 -> 10 (the input is read as [1, 512]):
       10 * 512 = 5,120 MACs, 5,120 params. */
    const int32_t wf[2] = {10, 512}, yf[2] = {1, 10};
    nd = layer(&g, MCN_OP_FULLY_CONNECTED, x, 2, wf, yf, 2);
    ck_assert_int_eq(graph_node_cost(&g, nd).macs, 5120);
    ck_assert_int_eq(graph_node_cost(&g, nd).params, 5120);
    ck_assert_int_eq(graph_node_kind(&g, nd), GRAPH_KIND_FC);
    graph_free(&g);

    /* ADD has no products; its constant operand still counts as params. */
    nd = layer(&g, MCN_OP_ADD, x, 4, x, y, 4);
    ck_assert_int_eq(graph_node_cost(&g, nd).macs, 0);
    ck_assert_int_eq(graph_node_cost(&g, nd).params, 512);
    ck_assert_int_eq(graph_node_kind(&g, nd), GRAPH_KIND_OTHER);
    ck_assert_str_eq(graph_kind_name(GRAPH_KIND_OTHER), "other");
    graph_free(&g);

    /* Weights of the wrong rank: no MACs, rather than a wild product. */
    nd = layer(&g, MCN_OP_CONV_2D, x, 2, wf, y, 4);
    ck_assert_int_eq(graph_node_cost(&g, nd).macs, 0);
    graph_free(&g);
}
END_TEST

Suite *suite_graph_cost(void)
{
    Suite *s = suite_create("graph_cost");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, conv_kinds_and_macs);
    tcase_add_test(tc, depthwise_fc_and_the_rest);
    suite_add_tcase(s, tc);
    return s;
}
