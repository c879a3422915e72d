/* test_pack_kernels.c: mcn-pack's choice of kernel per target
   (pack_choose_kernels over mcn_plan.h): the id it records, the bias it
   folds the input offset into (worked by hand below), what it leaves alone
   (the reference target, shared weights, nodes already packed), and that
   the result runs to the same bytes as the reference packing. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"
#include "graph_io.h"
#include "mcn.h"
#include "pack.h"
#include "test_model_util.h"
#include "test_tflite_util.h"
#include "testutil.h"

/* x [1,2,2,4] (0.5, zp 3) -> 1x1 CONV_2D, 2 filters, no bias ->
   y [1,2,2,2] (1.0, zp -1). Filter rows {1,2,3,4} and {-1,0,1,-2}: the
   folded bias is input_offset (-3) times each row's sum: -3 * 10 = -30,
   -3 * -2 = 6. */
static void build(graph *g, int shared)
{
    graph_init(g);
    static const int32_t s_x[4] = {1, 2, 2, 4}, s_y[4] = {1, 2, 2, 2},
                         s_w[4] = {2, 1, 1, 4};
    static const int8_t wv[8] = {1, 2, 3, 4, -1, 0, 1, -2};
    int x = tm_int8(g, "x", 4, s_x, 0.5f, 3, NULL, 0);
    int y = tm_int8(g, "y", 4, s_y, 1.0f, -1, NULL, 0);
    int w = tm_int8(g, "w", 4, s_w, 0.25f, 0, wv, sizeof wv);
    int n = tm_node(g, MCN_OP_CONV_2D, x, w, y);
    graph_set_name(&g->nodes[n].name, "conv");
    g->inputs[g->n_inputs++] = x;
    g->outputs[g->n_outputs++] = y;
    if (shared) {   /* a second conv reading the same weights */
        int y2 = tm_int8(g, "y2", 4, s_y, 1.0f, -1, NULL, 0);
        tm_node(g, MCN_OP_CONV_2D, x, w, y2);
        g->outputs[g->n_outputs++] = y2;
    }
}

static void pack_for(graph *g, mcn_target t)
{
    mcn_err e = {0};
    pack_opts o = {.keep_names = true, .target = t};
    ck_assert_msg(pack_graph(g, &o, &e) == 0, "%s", e.msg);
}

START_TEST(m4_folds_the_bias_and_names_the_kernel)
{
    graph g;
    build(&g, 0);
    pack_for(&g, MCN_TARGET_CORTEX_M4);
    const graph_node *n = &g.nodes[0];
    ck_assert_int_ne(n->kernel, 0);
    ck_assert_int_eq(n->n_in, 3);
    const graph_tensor *b = &g.tensors[n->in[2]];
    ck_assert_int_eq(b->dtype, MCN_DT_INT32);
    ck_assert_int_eq(b->shape[0], 2);
    const int32_t *bv = b->data;
    ck_assert_int_eq(bv[0], -30);
    ck_assert_int_eq(bv[1], 6);
    /* Packing again changes nothing: no second fold. */
    uint8_t kernel = n->kernel;
    pack_for(&g, MCN_TARGET_CORTEX_M4);
    ck_assert_int_eq(g.nodes[0].kernel, kernel);
    ck_assert_int_eq(((const int32_t *)g.tensors[g.nodes[0].in[2]].data)[0],
                     -30);
    graph_free(&g);
}
END_TEST

START_TEST(reference_and_shared_weights_stay)
{
    graph g;
    build(&g, 0);
    pack_for(&g, MCN_TARGET_REFERENCE);
    ck_assert_int_eq(g.nodes[0].kernel, 0);
    ck_assert_int_eq(g.nodes[0].n_in, 2);
    graph_free(&g);
    build(&g, 1);
    pack_for(&g, MCN_TARGET_CORTEX_M4);
    ck_assert_int_eq(g.nodes[0].kernel, 0);
    ck_assert_int_eq(g.nodes[1].kernel, 0);
    graph_free(&g);
}
END_TEST

/* Both packings run to the same bytes on the host engine. */
START_TEST(same_bytes_as_the_reference)
{
    static const int8_t x[16] = {-128, -5, 0, 3, 7, 127, -60, 22,
                                 9, -9, 100, -100, 4, 44, -44, 1};
    const int8_t *xs[1] = {x};
    int8_t ref[8], m4[8];
    graph g;
    build(&g, 0);
    pack_for(&g, MCN_TARGET_REFERENCE);
    run_int8(&g, xs, ref, sizeof ref);
    build(&g, 0);
    pack_for(&g, MCN_TARGET_CORTEX_M4);
    run_int8(&g, xs, m4, sizeof m4);
    ck_assert_mem_eq(ref, m4, sizeof ref);
}
END_TEST

/* x [1,2,2,4] (0.5, zp 3) + z (0.25, zp -2; [1,1,1,4] when `bcast`) ->
   y [1,2,2,4] (1.0, zp -1). */
static void build_add(graph *g, int bcast)
{
    graph_init(g);
    static const int32_t s_x[4] = {1, 2, 2, 4}, s_z[4] = {1, 1, 1, 4};
    int x = tm_int8(g, "x", 4, s_x, 0.5f, 3, NULL, 0);
    int z = tm_int8(g, "z", 4, bcast ? s_z : s_x, 0.25f, -2, NULL, 0);
    int y = tm_int8(g, "y", 4, s_x, 1.0f, -1, NULL, 0);
    tm_node(g, MCN_OP_ADD, x, z, y);
    g->inputs[g->n_inputs++] = x;
    g->inputs[g->n_inputs++] = z;
    g->outputs[g->n_outputs++] = y;
}

/* An ADD of same-shaped inputs gets the engine's table as input 2 on an
   optimised target, once; it holds each input's rescaled term by byte
   value: x = 5 is (5 - 3) * 2^20 * 0.5 / (2 * 0.5) = 2^20 (TFLM's
   left shift 20, the larger scale doubled). The table kernel gives the
   reference's bytes; a broadcast ADD and the reference target get no
   table; a table of the wrong length is refused by mcn_init. */
START_TEST(add_gets_its_table_on_m4)
{
    static const int8_t x[16] = {-128, -5, 0, 3, 7, 127, -60, 22,
                                 9, -9, 100, -100, 4, 44, -44, 1};
    static const int8_t z[16] = {127, 5, -2, 3, -7, -128, 60, 2,
                                 90, -90, 10, -10, 40, 4, -4, 11};
    const int8_t *xs[2] = {x, z};
    int8_t ref[16], m4[16];
    graph g;
    build_add(&g, 0);
    pack_for(&g, MCN_TARGET_REFERENCE);
    ck_assert_int_eq(g.nodes[0].n_in, 2);
    run_int8(&g, xs, ref, sizeof ref);   /* frees g */
    build_add(&g, 0);
    pack_for(&g, MCN_TARGET_CORTEX_M4);
    pack_for(&g, MCN_TARGET_CORTEX_M4);
    ck_assert_int_eq(g.nodes[0].n_in, 3);
    const graph_tensor *t = &g.tensors[g.nodes[0].in[2]];
    ck_assert_int_eq(t->dtype, MCN_DT_INT32);
    ck_assert_int_eq(t->shape[0], 512);
    ck_assert_int_eq(((const int32_t *)t->data)[5], 1 << 20);
    run_int8(&g, xs, m4, sizeof m4);   /* frees g */
    ck_assert_mem_eq(ref, m4, sizeof ref);
    build_add(&g, 0);
    pack_for(&g, MCN_TARGET_CORTEX_M4);
    g.tensors[g.nodes[0].in[2]].shape[0] = 511;
    g.tensors[g.nodes[0].in[2]].nbytes = 511 * 4;
    int32_t failed;
    ck_assert_int_eq(init_status(&g, &failed), MCN_ERR_MODEL);   /* frees g */
    ck_assert_int_eq(failed, 0);
    build_add(&g, 1);
    pack_for(&g, MCN_TARGET_CORTEX_M4);
    ck_assert_int_eq(g.nodes[0].n_in, 2);
    graph_free(&g);
}
END_TEST

/* x [1,256] -> FULLY_CONNECTED 256 -> 4 -> FULLY_CONNECTED 4 -> 8. The
   paired one-row kernel widens the 256-byte row into 512 bytes of
   scratch, which sets the peak; the packer takes fc_s8_smlad_wide there
   (weights widened in flash, twice the filter's bytes, no scratch), and
   leaves the second layer, away from the peak, as it was. */
static void build_fc(graph *g)
{
    graph_init(g);
    static const int32_t s_x[2] = {1, 256}, s_h[2] = {1, 4}, s_y[2] = {1, 8},
                         s_w1[2] = {4, 256}, s_w2[2] = {8, 4};
    int8_t w1[4 * 256], w2[8 * 4];
    for (int i = 0; i < 4 * 256; i++)
        w1[i] = (int8_t)((i * 37 + 11) % 255 - 127);
    for (int i = 0; i < 8 * 4; i++)
        w2[i] = (int8_t)((i * 53 + 5) % 255 - 127);
    int x = tm_int8(g, "x", 2, s_x, 0.5f, 3, NULL, 0);
    int h = tm_int8(g, "h", 2, s_h, 4.0f, -2, NULL, 0);
    int y = tm_int8(g, "y", 2, s_y, 2.0f, 1, NULL, 0);
    int a = tm_int8(g, "w1", 2, s_w1, 0.01f, 0, w1, sizeof w1);
    int b = tm_int8(g, "w2", 2, s_w2, 0.02f, 0, w2, sizeof w2);
    tm_node(g, MCN_OP_FULLY_CONNECTED, x, a, h);
    tm_node(g, MCN_OP_FULLY_CONNECTED, h, b, y);
    g->inputs[g->n_inputs++] = x;
    g->outputs[g->n_outputs++] = y;
}

static const char *kernel_of(const graph *g, int i)
{
    return g->nodes[i].kernel ? mcn_plan_kernel_name(g->nodes[i].kernel)
                              : "reference";
}

START_TEST(lean_kernel_where_scratch_sets_the_peak)
{
    int8_t x[256], ref[8], m4[8];
    for (int i = 0; i < 256; i++)
        x[i] = (int8_t)((i * 91 + 7) % 256 - 128);
    const int8_t *xs[1] = {x};
    graph g;
    build_fc(&g);
    pack_for(&g, MCN_TARGET_REFERENCE);
    run_int8(&g, xs, ref, sizeof ref);
    graph_free(&g);
    build_fc(&g);
    pack_for(&g, MCN_TARGET_CORTEX_M4);
    ck_assert_str_eq(kernel_of(&g, 0), "fc_s8_smlad_wide");
    ck_assert_str_eq(kernel_of(&g, 1), "fc_s8_smlad_paired");
    ck_assert_uint_eq(g.nodes[0].scratch_bytes, 0);
    ck_assert_uint_eq(g.tensors[g.nodes[0].in[1]].nbytes, 2 * 4 * 256);
    /* The input and the first layer's output, nothing beside them. */
    ck_assert_uint_lt(g.arena_bytes, 256 + 2 * 256);
    run_int8(&g, xs, m4, sizeof m4);
    ck_assert_mem_eq(ref, m4, sizeof ref);
    graph_free(&g);
}
END_TEST

START_TEST(unknown_target_is_a_usage_error)
{
    char *err = NULL;
    int rc = tu_run(TU_BIN("mcn-pack") " --target cortex-m99 /dev/null -o "
                    "/dev/null", NULL, &err);
    ck_assert_int_eq(rc, 64);
    ck_assert_str_eq(err, "mcn-pack: unknown target 'cortex-m99' (see "
                          "mcn-pack --help)\n");
    free(err);
    mcn_target t;
    ck_assert_int_eq(pack_target_parse("cortex-m7", &t), 0);
    ck_assert_int_eq(t, MCN_TARGET_CORTEX_M7);
    ck_assert_int_eq(pack_target_parse("m7", &t), -1);
}
END_TEST

Suite *suite_pack_kernels(void)
{
    Suite *s = suite_create("pack_kernels");
    TCase *tc = tcase_create("pack_kernels");
    tcase_add_test(tc, m4_folds_the_bias_and_names_the_kernel);
    tcase_add_test(tc, reference_and_shared_weights_stay);
    tcase_add_test(tc, same_bytes_as_the_reference);
    tcase_add_test(tc, add_gets_its_table_on_m4);
    tcase_add_test(tc, unknown_target_is_a_usage_error);
    tcase_add_test(tc, lean_kernel_where_scratch_sets_the_peak);
    suite_add_tcase(s, tc);
    return s;
}
