/* test_pack_check.c: the packer never hands on a model the engine refuses
   (pack_to_mcn runs mcn_init on its bytes), and pack_int8_blockers lists,
   for a float graph, every node that would stop int8 packing; both
   through the library and through mcn-pack / mcn-info. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"
#include "graph_io.h"
#include "pack.h"
#include "testutil.h"

static int tensor(graph *g, const char *name, mcn_dtype dt, int rank,
                  const int32_t *shape, float scale, int32_t zp)
{
    int t = graph_add_tensor(g, name, dt, rank, shape);
    if (scale > 0.0f)
        graph_set_quant(g, t, 1, &scale, &zp, 0);
    return t;
}

static int node(graph *g, mcn_opcode op, const char *name, int a, int b,
                int out)
{
    int n = graph_add_node(g, op, name);
    graph_node_add_input(g, n, a);
    if (b >= 0)
        graph_node_add_input(g, n, b);
    graph_node_add_output(g, n, out);
    return n;
}

/* x [1,4,4,1] -> CONV_2D 3x3, no padding -> y, whose shape says 3x3 where
   the geometry gives 2x2. The packer derives multipliers from scales and
   does not redo shape arithmetic; the engine's prepare pass does. */
static void build_bad_conv(graph *g)
{
    graph_init(g);
    int32_t s_x[4] = {1, 4, 4, 1}, s_y[4] = {1, 3, 3, 1},
            s_w[4] = {1, 3, 3, 1}, s_b[1] = {1};
    int x = tensor(g, "x", MCN_DT_INT8, 4, s_x, 0.5f, 0);
    int y = tensor(g, "y", MCN_DT_INT8, 4, s_y, 0.25f, 3);
    int w = tensor(g, "w", MCN_DT_INT8, 4, s_w, 0.1f, 0);
    int b = graph_add_tensor(g, "b", MCN_DT_INT32, 1, s_b);
    graph_set_data(g, w, NULL, 9);
    graph_set_data(g, b, NULL, 4);
    int n = node(g, MCN_OP_CONV_2D, "conv", x, w, y);
    graph_node_add_input(g, n, b);
    g->inputs[g->n_inputs++] = x;
    g->outputs[g->n_outputs++] = y;
}

START_TEST(engine_refusal_names_the_node)
{
    graph g;
    build_bad_conv(&g);
    uint8_t *buf = (uint8_t *)1;
    size_t len;
    mcn_err e = {0};
    pack_opts o = {.keep_names = false};
    ck_assert_int_eq(pack_to_mcn(&g, &o, &buf, &len, &e), -1);
    ck_assert_ptr_null(buf);
    ck_assert_str_eq(e.msg, "node 0 'conv' (CONV_2D): the engine refuses "
                            "it: malformed model");
    graph_free(&g);
}
END_TEST

/* On a model the engine takes, pack_to_mcn's bytes are pack_graph's. */
START_TEST(accepted_bytes_are_pack_graphs)
{
    graph a, b;
    build_bad_conv(&a);
    a.tensors[1].shape[1] = a.tensors[1].shape[2] = 2;
    mcn_err e = {0};
    ck_assert_int_eq(graph_clone(&b, &a, &e), 0);
    pack_opts o = {.keep_names = false};
    uint8_t *x, *y;
    size_t nx, ny;
    ck_assert_msg(pack_to_mcn(&a, &o, &x, &nx, &e) == 0, "%s", e.msg);
    ck_assert_msg(pack_graph(&b, &o, &e) == 0 &&
                  graph_to_mcn(&b, &y, &ny, &e) == 0, "%s", e.msg);
    ck_assert_uint_eq(nx, ny);
    ck_assert_int_eq(memcmp(x, y, nx), 0);
    ck_assert_ptr_null(a.nodes[0].name);  /* stripped after the check */
    free(x);
    free(y);
    graph_free(&a);
    graph_free(&b);
}
END_TEST

typedef struct {
    int n;
    int node[4];
    char msg[4][300];
} found;

static void collect(void *user, int nd, const char *msg)
{
    found *f = user;
    ck_assert_int_lt(f->n, 4);
    f->node[f->n] = nd;
    snprintf(f->msg[f->n], sizeof f->msg[0], "%s", msg);
    f->n++;
}

/* Float x [1,2,2,2] -> two CONCATENATIONs with a fused RELU (no int8
   kernel takes one) -> ADD -> y. Both are reported, not just the first. */
static void build_float(graph *g, int inputs)
{
    graph_init(g);
    int32_t s_x[4] = {1, 2, 2, 2}, s_c[4] = {1, 2, 2, 4};
    int x = tensor(g, "x", MCN_DT_FLOAT32, 4, s_x, 0, 0);
    int x2 = inputs > 1 ? tensor(g, "x2", MCN_DT_FLOAT32, 4, s_x, 0, 0) : x;
    int c1 = tensor(g, "c1", MCN_DT_FLOAT32, 4, s_c, 0, 0);
    int c2 = tensor(g, "c2", MCN_DT_FLOAT32, 4, s_c, 0, 0);
    int y = tensor(g, "y", MCN_DT_FLOAT32, 4, s_c, 0, 0);
    node(g, MCN_OP_CONCATENATION, "cat1", x, x2, c1);
    node(g, MCN_OP_CONCATENATION, "cat2", x2, x, c2);
    node(g, MCN_OP_ADD, "sum", c1, c2, y);
    for (int i = 0; i < 2; i++) {
        g->nodes[i].axis = 3;
        g->nodes[i].act = MCN_ACT_RELU;
    }
    g->inputs[g->n_inputs++] = x;
    if (inputs > 1)
        g->inputs[g->n_inputs++] = x2;
    g->outputs[g->n_outputs++] = y;
}

START_TEST(blockers_are_every_node_that_stops_packing)
{
    graph g;
    build_float(&g, 1);
    found f = {0};
    mcn_err e = {0};
    ck_assert_int_eq(pack_int8_blockers(&g, collect, &f, &e), 2);
    ck_assert_int_eq(f.n, 2);
    ck_assert_int_eq(f.node[0], 0);
    ck_assert_str_eq(f.msg[0], "node 0 'cat1' (CONCATENATION): a fused "
                               "activation is not supported here");
    ck_assert_int_eq(f.node[1], 1);
    ck_assert_str_eq(f.msg[1], "node 1 'cat2' (CONCATENATION): a fused "
                               "activation is not supported here");
    /* The graph itself is left float. */
    ck_assert_int_eq(g.tensors[0].dtype, MCN_DT_FLOAT32);
    ck_assert_int_eq(g.tensors[0].nscale, 0);
    /* Without the fused activations nothing is in the way. */
    g.nodes[0].act = g.nodes[1].act = MCN_ACT_NONE;
    f.n = 0;
    ck_assert_int_eq(pack_int8_blockers(&g, collect, &f, &e), 0);
    ck_assert_int_eq(f.n, 0);
    graph_free(&g);
}
END_TEST

START_TEST(blockers_of_the_graph_as_a_whole)
{
    graph g;
    build_float(&g, 2);
    found f = {0};
    mcn_err e = {0};
    ck_assert_int_eq(pack_int8_blockers(&g, collect, &f, &e), 1);
    ck_assert_int_eq(f.node[0], -1);
    ck_assert_str_eq(f.msg[0], "mcn-quantize calibrates graphs with one "
                               "input; this one has 2");
    graph_free(&g);
    /* An int8 graph is not the question. */
    build_bad_conv(&g);
    f.n = 0;
    ck_assert_int_eq(pack_int8_blockers(&g, collect, &f, &e), -1);
    ck_assert_int_eq(f.n, 0);
    ck_assert_ptr_nonnull(strstr(e.msg, "already quantized"));
    graph_free(&g);
}
END_TEST

/* The same through the tools: mcn-pack fails and writes nothing; mcn-info
   names the float graph's blockers. */
START_TEST(tools_report_them)
{
    char *dir = tu_mkdtemp();
    char in[512], out[512], cmd[2048];
    char *so = NULL, *se = NULL;
    graph g;
    mcn_err e = {0};
    build_bad_conv(&g);
    snprintf(in, sizeof in, "%s/q.mcn", dir);
    snprintf(out, sizeof out, "%s/p.mcn", dir);
    ck_assert_msg(graph_save_file(&g, in, &e) == 0, "%s", e.msg);
    graph_free(&g);
    snprintf(cmd, sizeof cmd, "%s '%s' -o '%s'", TU_BIN("mcn-pack"), in,
             out);
    ck_assert_int_eq(tu_run(cmd, NULL, &se), 65);
    char want[700];
    snprintf(want, sizeof want, "%s: node 0 'conv' (CONV_2D): the engine "
             "refuses it: malformed model\n", in);
    ck_assert_str_eq(se, want);
    ck_assert(!tu_exists(out));
    free(se);

    build_float(&g, 1);
    snprintf(in, sizeof in, "%s/f.mcn", dir);
    ck_assert_msg(graph_save_file(&g, in, &e) == 0, "%s", e.msg);
    graph_free(&g);
    snprintf(cmd, sizeof cmd, "%s '%s'", TU_BIN("mcn-info"), in);
    ck_assert_int_eq(tu_run(cmd, &so, &se), 0);
    ck_assert_msg(strstr(so, "int8:\n  node 0 'cat1' (CONCATENATION): a "
                             "fused activation is not supported here\n  "
                             "node 1 'cat2' (CONCATENATION): a fused "
                             "activation is not supported here\n  2 nodes "
                             "would stop int8 packing\n"), "%s", so);
    free(so);
    free(se);
    snprintf(cmd, sizeof cmd, "%s '%s' --json", TU_BIN("mcn-info"), in);
    ck_assert_int_eq(tu_run(cmd, &so, NULL), 0);
    ck_assert_msg(strstr(so, "\"int8_blockers\": [\n    {\"node\": 0, "
                             "\"message\": \"node 0 'cat1' (CONCATENATION)"),
                  "%s", so);
    free(so);
    tu_rmdir(dir);
}
END_TEST

Suite *suite_pack_check(void)
{
    Suite *s = suite_create("pack_check");
    TCase *tc = tcase_create("pack_check");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, engine_refusal_names_the_node);
    tcase_add_test(tc, accepted_bytes_are_pack_graphs);
    tcase_add_test(tc, blockers_are_every_node_that_stops_packing);
    tcase_add_test(tc, blockers_of_the_graph_as_a_whole);
    tcase_add_test(tc, tools_report_them);
    suite_add_tcase(s, tc);
    return s;
}
