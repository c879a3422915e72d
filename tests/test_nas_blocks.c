/* test_nas_blocks.c: droppable residual blocks, candidates and spaces.
     - MobileNetV2 has 10 identity blocks in 5 stages (1, 2, 3, 2, 2),
       each branch expand, depthwise, project;
     - a block dropped computes what the network does with that branch's
       output forced to zero (its last filter and bias zeroed), bit for
       bit in float: the shortcut carries x on alone;
     - a candidate costed on the shallow view (width, depth, resolution)
       costs exactly what the graph it builds costs;
     - the space ranking is reproducible from its seed, and each space's
       fitting count is the count of its samples that the judge fits. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "candidate.h"
#include "float_exec.h"
#include "npy.h"
#include "rng.h"
#include "sample_io.h"
#include "space.h"
#include "test_nas_util.h"
#include "testutil.h"

START_TEST(mobilenet_blocks_and_stages)
{
    nas_net n;
    nas_tu_load_net(TU_SRC("tests/data/onnx-nets/mobilenet_v2_035.onnx"), &n);
    ck_assert_int_eq(n.bl.n_blocks, 10);
    ck_assert_int_eq(n.bl.n_stages, 5);
    static const int counts[5] = {1, 2, 3, 2, 2};
    for (int s = 0; s < 5; s++)
        ck_assert_int_eq(n.bl.stages[s].count, counts[s]);
    for (int k = 0; k < n.bl.n_blocks; k++) {
        const nas_block *b = &n.bl.blocks[k];
        ck_assert_int_eq(b->n_nodes, 3);
        ck_assert_int_eq(n.g.nodes[b->nodes[0]].op, MCN_OP_CONV_2D);
        ck_assert_int_eq(n.g.nodes[b->nodes[1]].op, MCN_OP_DEPTHWISE_CONV_2D);
        ck_assert_int_eq(n.g.nodes[b->nodes[2]].op, MCN_OP_CONV_2D);
        ck_assert_int_eq(n.g.nodes[b->add].op, MCN_OP_ADD);
    }
    nas_net_free(&n);
}
END_TEST

static float *run(const graph *g, const sample_batch *b, int s, int *len)
{
    float_exec *fx;
    mcn_err e;
    ck_assert_msg(fexec_create(&fx, g, &e) == 0, "%s", e.msg);
    const float *in = (const float *)b->data + (size_t)s *
                                                   (b->sample_bytes / 4);
    ck_assert_msg(fexec_run(fx, &in, &e) == 0, "%s", e.msg);
    const graph_tensor *y = &g->tensors[g->outputs[0]];
    *len = (int)graph_tensor_elems(y);
    float *out = malloc((size_t)*len * sizeof *out);
    memcpy(out, fexec_tensor(fx, g->outputs[0]), (size_t)*len * sizeof *out);
    fexec_free(fx);
    return out;
}

START_TEST(dropped_block_is_a_zero_branch)
{
    nas_net n;
    mcn_err e;
    nas_tu_load_net(TU_SRC("examples/mnist/mnist_cnn.onnx"), &n);
    ck_assert_int_eq(n.bl.n_blocks, 2);
    npy_array x;
    sample_batch b;
    ck_assert(npy_load(TU_SRC("examples/mnist/first4_x.npy"), &x, &e) == 0);
    ck_assert(sample_inputs_from_npy(&n.g, 0, &x, &b, &e) == 0);
    npy_free(&x);
    for (int k = 0; k < n.bl.n_blocks; k++) {
        const nas_block *bl = &n.bl.blocks[k];
        nas_candidate c;
        ck_assert(nas_candidate_alloc(&n, &c, &e) == 0);
        c.depth[bl->stage] = n.bl.stages[bl->stage].count - 1;
        graph dropped, zeroed;
        ck_assert_msg(nas_candidate_build(&n, &c, NULL, 0, 0, &dropped, &e) ==
                      0, "%s", e.msg);
        ck_assert_int_eq(dropped.n_nodes, n.g.n_nodes - bl->n_nodes - 1);
        ck_assert(graph_clone(&zeroed, &n.g, &e) == 0);
        const graph_node *last = &zeroed.nodes[bl->nodes[bl->n_nodes - 1]];
        ck_assert(last->act == MCN_ACT_NONE || last->act == MCN_ACT_RELU ||
                  last->act == MCN_ACT_RELU6);
        for (int j = 1; j < last->n_in; j++) {
            graph_tensor *t = &zeroed.tensors[last->in[j]];
            ck_assert(t->data != NULL);
            memset(t->data, 0, t->nbytes);
        }
        int differ = 0;
        for (int s = 0; s < b.n; s++) {
            int la, lb;
            float *ya = run(&dropped, &b, s, &la), *yb = run(&zeroed, &b, s,
                                                               &lb);
            float *yo = run(&n.g, &b, s, &lb);
            ck_assert_int_eq(la, lb);
            ck_assert(!memcmp(ya, yb, (size_t)la * sizeof *ya));
            differ += memcmp(ya, yo, (size_t)la * sizeof *ya) != 0;
            free(ya);
            free(yb);
            free(yo);
        }
        ck_assert_int_eq(differ, b.n);  /* the block did something */
        graph_free(&zeroed);
        graph_free(&dropped);
        nas_candidate_free(&c);
    }
    sample_batch_free(&b);
    nas_net_free(&n);
}
END_TEST

START_TEST(view_costs_what_it_builds)
{
    nas_net n;
    mcn_err e;
    nas_tu_load_net(TU_SRC("tests/data/onnx-nets/mobilenet_v2_035.onnx"), &n);
    nas_coster k;
    nas_candidate c;
    ck_assert(nas_coster_init(&k, &n, &e) == 0);
    ck_assert(nas_candidate_alloc(&n, &c, &e) == 0);
    static const double choices[3] = {0.5, 0.75, 1};
    nas_space_opts o = {.choices = choices, .n_choices = 3, .divisor = 8};
    uint64_t rng = 99;
    for (int i = 0; i < 6; i++) {
        nas_space_sample(&n, &o, 0.3 + 0.14 * i, 64 + 32 * i, &rng, &c);
        nas_cost view, built;
        graph g;
        ck_assert_msg(nas_coster_cost(&k, &c, INT64_MAX, INT64_MAX, &view,
                                      &e) == 0, "%s", e.msg);
        ck_assert_msg(nas_candidate_build(&n, &c, NULL, 0, 0, &g, &e) == 0,
                      "%s", e.msg);
        ck_assert(nas_judge(&g, &built, &e) == 0);
        ck_assert(view.planned && built.planned);
        ck_assert_int_eq(view.macs, built.macs);
        ck_assert_int_eq(view.params, built.params);
        ck_assert_int_eq(view.arena_bytes, built.arena_bytes);
        ck_assert_int_eq(view.flash_bytes, built.flash_bytes);
        ck_assert_int_eq(g.tensors[g.inputs[0]].shape[1], 64 + 32 * i);
        graph_free(&g);
    }
    /* Costed within limits it misses, it is not planned. */
    nas_cost small;
    ck_assert(nas_coster_cost(&k, &c, 1000, INT64_MAX, &small, &e) == 0);
    ck_assert(!small.planned && small.arena_bytes > 1000);
    ck_assert(nas_coster_cost(&k, &c, INT64_MAX, 1000, &small, &e) == 0);
    ck_assert(!small.planned && small.flash_bytes > 1000);
    nas_candidate_free(&c);
    nas_coster_free(&k);
    nas_net_free(&n);
}
END_TEST

START_TEST(space_ranking_is_reproducible)
{
    nas_net n;
    mcn_err e;
    nas_tu_load_net(TU_SRC("examples/mnist/mnist_cnn.onnx"), &n);
    static const double widths[3] = {0.5, 0.75, 1}, choices[3] = {0.5, 0.75,
                                                                  1};
    static const int res[3] = {20, 28, 36};
    nas_space_opts o = {widths, 3, res, 3, choices, 3, 40, 4, 7,
                        9000, 40000, NULL, NULL};
    nas_space *a, *b;
    int na, nb;
    ck_assert_msg(nas_space_rank(&n, &o, &a, &na, &e) == 0, "%s", e.msg);
    ck_assert(nas_space_rank(&n, &o, &b, &nb, &e) == 0);
    ck_assert_int_eq(na, 9);
    int some = 0, all = 0;
    for (int i = 0; i < na; i++) {
        ck_assert(a[i].width == b[i].width);
        ck_assert_int_eq(a[i].resolution, b[i].resolution);
        ck_assert_int_eq(a[i].fits, b[i].fits);
        ck_assert(a[i].mean_macs == b[i].mean_macs);
        if (i)
            ck_assert(a[i - 1].mean_macs >= a[i].mean_macs);
        some += a[i].fits > 0 && a[i].fits < a[i].samples;
        all += a[i].fits == a[i].samples;
    }
    ck_assert_int_gt(some, 0);  /* the limits cut through the grid */
    ck_assert_int_gt(all, 0);
    /* The fitting count by hand for the best space: its samples again,
       costed one by one. */
    int grid = 0;
    while (widths[grid / 3] != a[0].width || res[grid % 3] != a[0].resolution)
        grid++;
    uint64_t rng = o.seed ^ ((uint64_t)(grid + 1) *
                             UINT64_C(0xD1B54A32D192ED03));
    nas_coster k;
    nas_candidate c;
    ck_assert(nas_coster_init(&k, &n, &e) == 0);
    ck_assert(nas_candidate_alloc(&n, &c, &e) == 0);
    int fits = 0;
    for (int i = 0; i < o.samples; i++) {
        nas_space_sample(&n, &o, a[0].width, a[0].resolution, &rng, &c);
        nas_cost cost;
        ck_assert(nas_coster_cost(&k, &c, INT64_MAX, INT64_MAX, &cost, &e) ==
                  0);
        fits += cost.arena_bytes <= o.arena_limit &&
                cost.flash_bytes <= o.flash_limit;
    }
    ck_assert_int_eq(fits, a[0].fits);
    nas_candidate_free(&c);
    nas_coster_free(&k);
    nas_spaces_free(a, na);
    nas_spaces_free(b, nb);
    nas_net_free(&n);
}
END_TEST

Suite *suite_nas_blocks(void)
{
    Suite *s = suite_create("nas_blocks");
    TCase *tc = tcase_create("blocks");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, mobilenet_blocks_and_stages);
    tcase_add_test(tc, dropped_block_is_a_zero_branch);
    tcase_add_test(tc, view_costs_what_it_builds);
    tcase_add_test(tc, space_ranking_is_reproducible);
    suite_add_tcase(s, tc);
    return s;
}
