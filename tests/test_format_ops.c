/* test_format_ops.c: the option tables added for the wider op set (axis,
   pad, reduce, transpose, activation, resize) survive graph -> .mcn ->
   graph, flatc reads them by the schema's names, and the verifier refuses
   an options vector longer than the host graph can hold. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph_io.h"
#include "mcn.h"
#include "testutil.h"

static int add(graph *g, int rank, const int32_t *shape)
{
    int t = graph_add_tensor(g, NULL, MCN_DT_FLOAT32, rank, shape);
    ck_assert_int_ge(t, 0);
    return t;
}

static int op(graph *g, mcn_opcode code, int in, int out)
{
    int n = graph_add_node(g, code, NULL);
    graph_node_add_input(g, n, in);
    graph_node_add_output(g, n, out);
    return n;
}

/* x -> PAD -> CONCATENATION -> TRANSPOSE -> LEAKY_RELU -> HARD_SIGMOID
     -> RESIZE -> MEAN, each with values unlike the defaults. */
static void build(graph *g)
{
    graph_init(g);
    const int32_t s0[4] = {1, 2, 2, 3}, s1[4] = {1, 4, 5, 3},
                  s2[4] = {1, 4, 5, 6}, s3[4] = {1, 6, 4, 5},
                  s4[4] = {1, 12, 8, 5}, s5[4] = {1, 1, 1, 5};
    int x = add(g, 4, s0), p = add(g, 4, s1), c = add(g, 4, s2),
        t = add(g, 4, s3), l = add(g, 4, s3), h = add(g, 4, s3),
        r = add(g, 4, s4), m = add(g, 4, s5);
    g->inputs[g->n_inputs++] = x;
    g->outputs[g->n_outputs++] = m;
    int k = op(g, MCN_OP_PAD, x, p);
    graph_node *n = &g->nodes[k];
    const int32_t pads[8] = {0, 1, 2, 0, 0, 1, 1, 0};
    n->n_ints = 8;
    memcpy(n->ints, pads, sizeof pads);
    n->pad_mode = MCN_PAD_REFLECT;
    n->pad_value = 0.75f;
    int cat = op(g, MCN_OP_CONCATENATION, p, c);
    graph_node_add_input(g, cat, p);
    g->nodes[cat].axis = 3;
    k = op(g, MCN_OP_TRANSPOSE, c, t);
    n = &g->nodes[k];
    const int32_t perm[4] = {0, 3, 1, 2};
    n->n_ints = 4;
    memcpy(n->ints, perm, sizeof perm);
    k = op(g, MCN_OP_LEAKY_RELU, t, l);
    g->nodes[k].alpha = 0.125f;
    k = op(g, MCN_OP_HARD_SIGMOID, l, h);
    n = &g->nodes[k];
    n->alpha = 0.25f;
    n->beta = 0.625f;
    k = op(g, MCN_OP_RESIZE, h, r);
    n = &g->nodes[k];
    n->resize_mode = MCN_RESIZE_BILINEAR;
    n->coord_mode = MCN_COORD_ALIGN_CORNERS;
    n->nearest_mode = MCN_NEAREST_CEIL;
    n->resize_tflite = true;
    k = op(g, MCN_OP_MEAN, r, m);
    n = &g->nodes[k];
    const int32_t axes[2] = {1, 2};
    n->n_ints = 2;
    memcpy(n->ints, axes, sizeof axes);
    n->keep_dims = true;
}

START_TEST(new_options_round_trip)
{
    graph g, back;
    uint8_t *buf;
    size_t len;
    mcn_err e = {0};
    build(&g);
    ck_assert_msg(graph_to_mcn(&g, &buf, &len, &e) == 0, "%s", e.msg);
    ck_assert_msg(graph_from_mcn(&back, buf, len, &e) == 0, "%s", e.msg);
    ck_assert_int_eq(back.n_nodes, 7);
    const graph_node *n = back.nodes;
    ck_assert_int_eq(n[0].op, MCN_OP_PAD);
    ck_assert_int_eq(n[0].n_ints, 8);
    ck_assert_mem_eq(n[0].ints, g.nodes[0].ints, 8 * sizeof(int32_t));
    ck_assert_int_eq(n[0].pad_mode, MCN_PAD_REFLECT);
    ck_assert_float_eq(n[0].pad_value, 0.75f);
    ck_assert_int_eq(n[1].axis, 3);
    ck_assert_int_eq(n[1].n_in, 2);
    ck_assert_int_eq(n[2].n_ints, 4);
    ck_assert_int_eq(n[2].ints[1], 3);
    ck_assert_int_eq(n[2].ints[3], 2);
    ck_assert_float_eq(n[3].alpha, 0.125f);
    ck_assert_float_eq(n[4].alpha, 0.25f);
    ck_assert_float_eq(n[4].beta, 0.625f);
    ck_assert_int_eq(n[5].resize_mode, MCN_RESIZE_BILINEAR);
    ck_assert_int_eq(n[5].coord_mode, MCN_COORD_ALIGN_CORNERS);
    ck_assert_int_eq(n[5].nearest_mode, MCN_NEAREST_CEIL);
    ck_assert(n[5].resize_tflite);
    ck_assert_int_eq(n[6].n_ints, 2);
    ck_assert_int_eq(n[6].ints[1], 2);
    ck_assert(n[6].keep_dims);
    free(buf);
    graph_free(&g);
    graph_free(&back);
}
END_TEST

START_TEST(flatc_names_the_new_tables)
{
    graph g;
    mcn_err e = {0};
    build(&g);
    char *dir = tu_mkdtemp();
    char path[600], cmd[1600];
    snprintf(path, sizeof path, "%s/m.mcn", dir);
    ck_assert_msg(graph_save_file(&g, path, &e) == 0, "%s", e.msg);
    snprintf(cmd, sizeof cmd,
             "flatc --json --raw-binary --strict-json -o '%s' '%s' -- '%s' "
             "&& tr -d ' \\n' < '%s/m.json'",
             dir, TU_SRC("schemas/mcn.fbs"), path, dir);
    char *out = NULL;
    ck_assert_int_eq(tu_run(cmd, &out, NULL), 0);
    static const char *const want[] = {
        "\"opcode\":\"PAD\",\"inputs\":[0],\"outputs\":[1],"
        "\"options_type\":\"PadOptions\",\"options\":{\"paddings\":"
        "[0,1,2,0,0,1,1,0],\"mode\":\"REFLECT\",\"value\":0.75}",
        "\"options_type\":\"AxisOptions\",\"options\":{\"axis\":3}",
        "\"options_type\":\"TransposeOptions\",\"options\":{\"perm\":"
        "[0,3,1,2]}",
        "\"opcode\":\"LEAKY_RELU\"",
        "\"options_type\":\"ActivationOptions\",\"options\":{\"alpha\":0.25,"
        "\"beta\":0.625}",
        "\"options_type\":\"ResizeOptions\",\"options\":{\"mode\":\"BILINEAR\","
        "\"coord\":\"ALIGN_CORNERS\",\"nearest\":\"CEIL\","
        "\"tflite_indices\":true}",
        "\"options_type\":\"ReduceOptions\",\"options\":{\"axes\":[1,2],"
        "\"keep_dims\":true}",
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        ck_assert_msg(strstr(out, want[i]), "missing %s in %s", want[i], out);
    free(out);
    tu_rmdir(dir);
    graph_free(&g);
}
END_TEST

START_TEST(long_options_vector_is_refused)
{
    /* A perm of 13 entries cannot be held by graph_node.ints (12). */
    graph g;
    uint8_t *buf;
    size_t len;
    build(&g);
    ck_assert_int_eq(graph_to_mcn(&g, &buf, &len, NULL), 0);
    /* Find the perm vector [0,3,1,2] and lengthen its count in place. */
    const uint8_t perm[20] = {4, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0,
                              1, 0, 0, 0, 2, 0, 0, 0};
    uint8_t *at = NULL;
    for (size_t i = 0; !at && i + sizeof perm <= len; i++)
        if (memcmp(buf + i, perm, sizeof perm) == 0)
            at = buf + i;
    ck_assert_ptr_nonnull(at);
    ck_assert_int_eq(mcn_verify(buf, len), MCN_OK);
    at[0] = 13;
    ck_assert_int_eq(mcn_verify(buf, len), MCN_ERR_MODEL);
    free(buf);
    graph_free(&g);
}
END_TEST

Suite *suite_format_ops(void)
{
    Suite *s = suite_create("format_ops");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, new_options_round_trip);
    tcase_add_test(tc, flatc_names_the_new_tables);
    tcase_add_test(tc, long_options_vector_is_refused);
    suite_add_tcase(s, tc);
    return s;
}
