/* test_nas_realign.c: the bundled example at width 0.75. Its third layer
   (a 1x1 convolution after the stem and a depthwise layer, whose kept
   channels see what they saw before) reads 20 of the 24 channels it was
   trained on, and its outputs' means and deviations move; one pass of
   re-alignment puts each kept channel's back to the trained network's,
   on the samples, to 1e-4. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "channels.h"
#include "float_exec.h"
#include "npy.h"
#include "onnx_import.h"
#include "realign.h"
#include "sample_io.h"
#include "testutil.h"

typedef struct {
    int node, channels;
    double sum[64], sq[64];
    int64_t count;
} probe;

static void look(void *user, int node, const float *y, int64_t n)
{
    probe *p = user;
    if (node != p->node)
        return;
    for (int64_t i = 0; i < n; i++) {
        p->sum[i % p->channels] += y[i];
        p->sq[i % p->channels] += (double)y[i] * y[i];
    }
    p->count += n / p->channels;
}

static void measure(const graph *g, const sample_batch *b, probe *p)
{
    float_exec *fx;
    mcn_err e;
    const graph_tensor *y = &g->tensors[g->nodes[p->node].out[0]];
    p->channels = y->shape[3];
    ck_assert_int_le(p->channels, 64);
    ck_assert(fexec_create(&fx, g, &e) == 0);
    fexec_observe(fx, look, p);
    for (int k = 0; k < b->n; k++) {
        const float *x = (const float *)b->data + (size_t)k * 28 * 28;
        ck_assert(fexec_run(fx, &x, &e) == 0);
    }
    fexec_free(fx);
}

/* Whether channel j of `have` matches channel i of `want` to 1e-4. */
static int matches(const probe *want, int i, const probe *have, int j)
{
    double m0 = want->sum[i] / want->count, m1 = have->sum[j] / have->count;
    double s0 = sqrt(want->sq[i] / want->count - m0 * m0);
    double s1 = sqrt(have->sq[j] / have->count - m1 * m1);
    return fabs(m0 - m1) <= 1e-4 * (fabs(m0) + s0) &&
           fabs(s0 - s1) <= 1e-4 * s0;
}

START_TEST(first_layer_matches)
{
    size_t len;
    mcn_err e;
    graph g, cut;
    uint8_t *buf = tu_read_file(TU_SRC("examples/mnist/mnist_cnn.onnx"), &len);
    ck_assert(buf && onnx_import(buf, len, NULL, &g, &e) == 0);
    free(buf);
    npy_array x;
    sample_batch b;
    ck_assert(npy_load(TU_SRC("examples/mnist/calib.npy"), &x, &e) == 0);
    ck_assert(sample_inputs_from_npy(&g, 0, &x, &b, &e) == 0);
    npy_free(&x);
    nas_channels ch;
    ck_assert(nas_channels_find(&g, &ch, &e) == 0);
    int keep[8];
    ck_assert_int_le(ch.n_groups, 8);
    for (int k = 0; k < ch.n_groups; k++)
        keep[k] = nas_group_width(&ch.groups[k], 0.75, 4);
    ck_assert_int_eq(keep[1], 20);  /* the stem's 24 channels */
    int sel[20];
    nas_group_kept(&ch.groups[1], 20, sel);
    static probe want, before, after;
    want.node = before.node = after.node = 2;
    ck_assert_int_eq(g.nodes[2].op, MCN_OP_CONV_2D);
    measure(&g, &b, &want);
    ck_assert(graph_slice_channels(&g, &ch, keep, &cut, &e) == 0);
    ck_assert(nas_realign(&cut, &g, &ch, keep, b.data, b.data, b.n, 1, &e) ==
              0);
    measure(&cut, &b, &after);
    for (int j = 0; j < 20; j++)
        ck_assert_msg(matches(&want, sel[j], &after, j), "channel %d", j);
    graph_free(&cut);
    ck_assert(graph_slice_channels(&g, &ch, keep, &cut, &e) == 0);
    measure(&cut, &b, &before);
    int off = 0;
    for (int j = 0; j < 20; j++)
        off += !matches(&want, sel[j], &before, j);
    ck_assert_int_eq(off, 20);
    graph_free(&cut);
    nas_channels_free(&ch);
    sample_batch_free(&b);
    graph_free(&g);
}
END_TEST

Suite *suite_nas_realign(void)
{
    Suite *s = suite_create("nas_realign");
    TCase *tc = tcase_create("realign");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, first_layer_matches);
    suite_add_tcase(s, tc);
    return s;
}
