/* test_model_util.c: see test_model_util.h. No suite of its own. */
#include "test_model_util.h"

#include <check.h>

#include "pack.h"
#include "test_tflite_util.h"

int tm_int8(graph *g, const char *name, int rank, const int32_t *shape,
            float scale, int32_t zp, const int8_t *data, size_t n)
{
    int t = graph_add_tensor(g, name, MCN_DT_INT8, rank, shape);
    ck_assert_int_ge(t, 0);
    graph_set_quant(g, t, 1, &scale, &zp, 0);
    if (data)
        graph_set_data(g, t, data, n);
    return t;
}

int tm_node(graph *g, mcn_opcode op, int a, int b, int out)
{
    int n = graph_add_node(g, op, NULL);
    graph_node_add_input(g, n, a);
    if (b >= 0)
        graph_node_add_input(g, n, b);
    graph_node_add_output(g, n, out);
    return n;
}

void tm_expect_refusals(void (*build)(graph *), const tm_refusal *cases,
                        size_t n)
{
    for (size_t i = 0; i < n; i++) {
        graph g;
        build(&g);
        mcn_err e = {0};
        ck_assert_msg(pack_graph(&g, NULL, &e) == 0, "%s", e.msg);
        cases[i].edit(&g);
        int32_t failed;
        mcn_status s = init_status(&g, &failed);   /* frees g */
        ck_assert_msg(s == cases[i].want && failed == cases[i].op,
                      "case %zu: status %d at op %d, want %d at %d", i,
                      (int)s, (int)failed, (int)cases[i].want,
                      (int)cases[i].op);
    }
}
