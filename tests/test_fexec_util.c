/* test_fexec_util.c: see test_fexec_util.h. No suite of its own. */
#include "test_fexec_util.h"

#include <check.h>
#include <math.h>
#include <stddef.h>

#include "float_exec.h"

int ft_tensor(graph *g, const char *name, int rank, const int32_t *shape)
{
    int t = graph_add_tensor(g, name, MCN_DT_FLOAT32, rank, shape);
    ck_assert_int_ge(t, 0);
    return t;
}

int ft_const(graph *g, const char *name, int rank, const int32_t *shape,
             const float *data)
{
    int t = ft_tensor(g, name, rank, shape);
    ck_assert_int_eq(graph_set_data(g, t, data,
                                    graph_tensor_bytes(&g->tensors[t])), 0);
    return t;
}

graph_node *ft_node(graph *g, mcn_opcode op, const char *name, int n_in,
                    const int *in, int out)
{
    int n = graph_add_node(g, op, name);
    ck_assert_int_ge(n, 0);
    for (int i = 0; i < n_in; i++)
        ck_assert_int_eq(graph_node_add_input(g, n, in[i]), 0);
    ck_assert_int_eq(graph_node_add_output(g, n, out), 0);
    return &g->nodes[n];
}

void ft_io(graph *g, int n_in, const int *in, int out)
{
    for (int i = 0; i < n_in; i++)
        g->inputs[g->n_inputs++] = in[i];
    g->outputs[g->n_outputs++] = out;
}

void ft_expect(const graph *g, const float *const *inputs, const float *want,
               int n, float tol)
{
    float_exec *fx;
    mcn_err e = {0};
    ck_assert_msg(fexec_create(&fx, g, &e) == 0, "%s", e.msg);
    ck_assert_msg(fexec_run(fx, inputs, &e) == 0, "%s", e.msg);
    const float *y = fexec_tensor(fx, g->outputs[0]);
    ck_assert_ptr_nonnull(y);
    ck_assert_int_eq(graph_tensor_elems(&g->tensors[g->outputs[0]]), n);
    for (int i = 0; i < n; i++) {
        ck_assert_msg(y[i] == want[i] ||
                          fabsf(y[i] - want[i]) <= tol * fabsf(want[i]),
                      "y[%d] = %.9g, want %.9g", i, (double)y[i],
                      (double)want[i]);
    }
    fexec_free(fx);
}

void ft_expect1(const graph *g, const float *x, const float *want, int n,
                float tol)
{
    const float *in[1] = {x};
    ft_expect(g, in, want, n, tol);
}

void ft_expect_error(const graph *g, const char *msg)
{
    float_exec *fx = NULL;
    mcn_err e = {0};
    ck_assert_int_eq(fexec_create(&fx, g, &e), -1);
    ck_assert_ptr_null(fx);
    ck_assert_str_eq(e.msg, msg);
}
