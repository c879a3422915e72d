/* test_nas_channels.c: channel groups and graph_slice_channels.
   A network sliced to its full width is the same network (same outputs,
   bit for bit, in float); a hand-built residual block shows the ties,
   the importance order and the cut weights exactly; the MobileNetV2
   fixture at half width keeps its residual ties and runs. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "channels.h"
#include "float_exec.h"
#include "graph_cost.h"
#include "onnx_import.h"
#include "testutil.h"

static void import(const char *path, graph *g)
{
    size_t len;
    mcn_err e;
    uint8_t *buf = tu_read_file(path, &len);
    ck_assert_msg(buf != NULL, "cannot read %s", path);
    int rc = onnx_import(buf, len, NULL, g, &e);
    free(buf);
    ck_assert_msg(rc == 0, "%s: %s", path, e.msg);
}

/* x [1,2,2,2] -> conv A (3 filters) -> dw -> ADD with conv B (3 filters,
   of x) -> conv C (1 filter): A, the dw and B share one group. */
static void residual_net(graph *g)
{
    static const int32_t xs[4] = {1, 2, 2, 2}, ys[4] = {1, 2, 2, 3},
                         ws[4] = {3, 1, 1, 2}, dws[4] = {1, 1, 1, 3},
                         bs[1] = {3}, cs[4] = {1, 1, 1, 3}, os[4] = {1, 2, 2, 1};
    /* Filter L1 norms: A 1, 5, 3 and B 1, 1, 4; summed 2, 6, 7: the
       order is 2, 1, 0. */
    static const float wa[6] = {1, 0, -2, 3, 0, 3}, wb[6] = {0, 1, 1, 0, 2, -2},
                       wd[3] = {10, 20, 30}, ba[3] = {.1f, .2f, .3f},
                       bd[3] = {1, 2, 3}, wc[3] = {5, 6, 7};
    graph_init(g);
    int x = graph_add_tensor(g, "x", MCN_DT_FLOAT32, 4, xs);
    int t[10];
    const char *names[] = {"wa", "ba", "a", "wd", "bd", "d", "wb", "b", "s",
                           "wc"};
    const int32_t *shapes[] = {ws, bs, ys, dws, bs, ys, ws, ys, ys, cs};
    const int ranks[] = {4, 1, 4, 4, 1, 4, 4, 4, 4, 4};
    for (int i = 0; i < 10; i++)
        t[i] = graph_add_tensor(g, names[i], MCN_DT_FLOAT32, ranks[i],
                                shapes[i]);
    int o = graph_add_tensor(g, "o", MCN_DT_FLOAT32, 4, os);
    graph_set_data(g, t[0], wa, sizeof wa);
    graph_set_data(g, t[1], ba, sizeof ba);
    graph_set_data(g, t[3], wd, sizeof wd);
    graph_set_data(g, t[4], bd, sizeof bd);
    graph_set_data(g, t[6], wb, sizeof wb);
    graph_set_data(g, t[9], wc, sizeof wc);
    const struct {
        mcn_opcode op;
        int in[3], out;
    } nodes[] = {
        {MCN_OP_CONV_2D, {x, t[0], t[1]}, t[2]},
        {MCN_OP_DEPTHWISE_CONV_2D, {t[2], t[3], t[4]}, t[5]},
        {MCN_OP_CONV_2D, {x, t[6], -1}, t[7]},
        {MCN_OP_ADD, {t[5], t[7], -1}, t[8]},
        {MCN_OP_CONV_2D, {t[8], t[9], -1}, o},
    };
    for (int i = 0; i < 5; i++) {
        int n = graph_add_node(g, nodes[i].op, NULL);
        for (int j = 0; j < 3 && nodes[i].in[j] >= 0; j++)
            graph_node_add_input(g, n, nodes[i].in[j]);
        graph_node_add_output(g, n, nodes[i].out);
    }
    g->inputs[g->n_inputs++] = x;
    g->outputs[g->n_outputs++] = o;
}

START_TEST(residual_ties)
{
    graph g, d;
    mcn_err e;
    nas_channels ch;
    residual_net(&g);
    ck_assert_msg(nas_channels_find(&g, &ch, &e) == 0, "%s", e.msg);
    ck_assert_int_eq(ch.n_groups, 3);
    /* x (the input), the tied block, o (the output). */
    ck_assert(ch.groups[0].fixed);
    ck_assert_str_eq(ch.groups[0].why, "the graph input 'x'");
    ck_assert(!ch.groups[1].fixed);
    ck_assert(ch.groups[2].fixed);
    ck_assert_int_eq(ch.groups[1].channels, 3);
    static const int tied[4] = {3, 6, 8, 9};  /* a, d, b, s */
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(ch.tensor_group[tied[i]], 1);
    ck_assert_int_eq(ch.groups[1].order[0], 2);
    ck_assert_int_eq(ch.groups[1].order[1], 1);
    ck_assert_int_eq(ch.groups[1].order[2], 0);

    int keep[3] = {1, 2, 1};
    ck_assert(graph_slice_channels(&g, &ch, keep, &d, &e) != 0);
    ck_assert_str_eq(e.msg, "channel group 0 cannot keep 1 of its 2 "
                     "channels: fixed by the graph input 'x'");
    keep[0] = 2;
    keep[1] = 4;
    ck_assert(graph_slice_channels(&g, &ch, keep, &d, &e) != 0);
    ck_assert_str_eq(e.msg, "channel group 1 cannot keep 4 of its 3 "
                     "channels");
    keep[1] = 2;
    ck_assert_msg(graph_slice_channels(&g, &ch, keep, &d, &e) == 0, "%s",
                  e.msg);
    /* Channels 1 and 2 kept, in order, everywhere they appear. */
    static const float wa[4] = {-2, 3, 0, 3}, ba[2] = {.2f, .3f},
                       wd[2] = {20, 30}, wb[4] = {1, 0, 2, -2}, wc[2] = {6, 7};
    ck_assert(!memcmp(d.tensors[1].data, wa, sizeof wa));
    ck_assert(!memcmp(d.tensors[2].data, ba, sizeof ba));
    ck_assert(!memcmp(d.tensors[4].data, wd, sizeof wd));
    static const float bd[2] = {2, 3};
    ck_assert(!memcmp(d.tensors[5].data, bd, sizeof bd));
    ck_assert(!memcmp(d.tensors[7].data, wb, sizeof wb));
    ck_assert(!memcmp(d.tensors[10].data, wc, sizeof wc));
    ck_assert_int_eq(d.tensors[1].shape[0], 2);
    ck_assert_int_eq(d.tensors[10].shape[3], 2);
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(d.tensors[tied[i]].shape[3], 2);
    ck_assert_int_eq(d.tensors[11].shape[3], 1);
    graph_free(&d);
    nas_channels_free(&ch);
    graph_free(&g);
}
END_TEST

START_TEST(widths)
{
    nas_group gr = {.channels = 96};
    ck_assert_int_eq(nas_group_width(&gr, 0.35, 8), 32);  /* 33.6 */
    ck_assert_int_eq(nas_group_width(&gr, 0.5, 8), 48);
    ck_assert_int_eq(nas_group_width(&gr, 0.1, 8), 16);   /* 8 < 0.9*9.6 */
    ck_assert_int_eq(nas_group_width(&gr, 0.05, 8), 8);
    ck_assert_int_eq(nas_group_width(&gr, 0.99, 8), 96);
    ck_assert_int_eq(nas_group_width(&gr, 0.3, 1), 29);
    gr.channels = 10;
    ck_assert_int_eq(nas_group_width(&gr, 0.5, 8), 8);
    ck_assert_int_eq(nas_group_width(&gr, 0.9, 8), 10);
    gr.fixed = true;
    ck_assert_int_eq(nas_group_width(&gr, 0.5, 8), 10);
}
END_TEST

static void run_float(const graph *g, const float *in, float *out, int n)
{
    float_exec *fx;
    mcn_err e;
    ck_assert_msg(fexec_create(&fx, g, &e) == 0, "%s", e.msg);
    ck_assert_msg(fexec_run(fx, &in, &e) == 0, "%s", e.msg);
    memcpy(out, fexec_tensor(fx, g->outputs[0]), (size_t)n * sizeof *out);
    fexec_free(fx);
}

START_TEST(mobilenet_half)
{
    graph g, full, half;
    mcn_err e;
    nas_channels ch;
    import(TU_SRC("tests/data/onnx-nets/mobilenet_v2_035.onnx"), &g);
    ck_assert_msg(nas_channels_find(&g, &ch, &e) == 0, "%s", e.msg);
    /* The stem, 17 expansions, 7 residual stages (16..320), the head,
       the input and the logits. */
    ck_assert_int_eq(ch.n_groups, 27);
    int *keep = malloc((size_t)ch.n_groups * sizeof *keep);
    for (int k = 0; k < ch.n_groups; k++)
        keep[k] = ch.groups[k].channels;
    ck_assert(graph_slice_channels(&g, &ch, keep, &full, &e) == 0);
    static float in[96 * 96 * 3], a[10], b[10];
    uint64_t seed = 9;
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++)
        in[i] = (float)(tu_splitmix(&seed) % 2001) / 1000.0f - 1.0f;
    run_float(&g, in, a, 10);
    run_float(&full, in, b, 10);
    ck_assert(!memcmp(a, b, sizeof a));

    for (int k = 0; k < ch.n_groups; k++)
        keep[k] = nas_group_width(&ch.groups[k], 0.5, 8);
    ck_assert_msg(graph_slice_channels(&g, &ch, keep, &half, &e) == 0, "%s",
                  e.msg);
    ck_assert_int_eq(graph_total_cost(&g).macs, 10666928);
    ck_assert_int_eq(graph_total_cost(&half).macs, 3943000);
    run_float(&half, in, b, 10);
    ck_assert_int_eq(half.tensors[half.outputs[0]].shape[1], 10);
    /* Every residual ADD's inputs still agree. */
    for (int i = 0; i < half.n_nodes; i++) {
        const graph_node *n = &half.nodes[i];
        if (n->op == MCN_OP_ADD)
            ck_assert_int_eq(half.tensors[n->in[0]].shape[3],
                             half.tensors[n->in[1]].shape[3]);
    }
    free(keep);
    graph_free(&half);
    graph_free(&full);
    nas_channels_free(&ch);
    graph_free(&g);
}
END_TEST

Suite *suite_nas_channels(void)
{
    Suite *s = suite_create("nas_channels");
    TCase *tc = tcase_create("groups");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, residual_ties);
    tcase_add_test(tc, widths);
    tcase_add_test(tc, mobilenet_half);
    suite_add_tcase(s, tc);
    return s;
}
