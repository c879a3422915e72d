/* test_model_util.c: see test_model_util.h. No suite of its own. */
#include "test_model_util.h"

#include <check.h>

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
