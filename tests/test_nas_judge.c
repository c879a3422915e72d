/* test_nas_judge.c: nas_judge against what mcn-pack really does. The
   MobileNetV2 fixture and the bundled example, scaled by mcn-nas apply,
   quantized and packed for the reference kernels: the judge's arena is
   the packed model's exactly and its flash within 1.5% of the file; the
   shapes-only view (nas_slice_shapes) costs the same as the cut graph. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "channels.h"
#include "graph_io.h"
#include "judge.h"
#include "testutil.h"

static const struct {
    const char *onnx, *calib, *width;
} cases[] = {
    {"tests/data/onnx-nets/mobilenet_v2_035.onnx",
     "tests/data/onnx-nets/mobilenet_v2_035.input.npy", "1"},
    {"tests/data/onnx-nets/mobilenet_v2_035.onnx",
     "tests/data/onnx-nets/mobilenet_v2_035.input.npy", "0.5"},
    {"tests/data/onnx-nets/mobilenet_v2_035.onnx",
     "tests/data/onnx-nets/mobilenet_v2_035.input.npy", "0.3"},
    {"examples/mnist/mnist_cnn.onnx", "examples/mnist/calib.npy", "0.75"},
};

START_TEST(against_pack)
{
    char cmd[4096], fpath[600], ppath[600], *err;
    snprintf(fpath, sizeof fpath, "%s/f.mcn", tu_scratch);
    snprintf(ppath, sizeof ppath, "%s/p.mcn", tu_scratch);
    snprintf(cmd, sizeof cmd,
             "%s %s/%s | %s apply --width %s --divisor 4 -o %s && "
             "%s --calib %s/%s %s | %s --target reference -o %s",
             TU_BIN("mcn-import"), MCN_SRC_DIR, cases[_i].onnx,
             TU_BIN("mcn-nas"), cases[_i].width, fpath, TU_BIN("mcn-quantize"),
             MCN_SRC_DIR, cases[_i].calib, fpath, TU_BIN("mcn-pack"), ppath);
    ck_assert_msg(tu_run(cmd, NULL, &err) == 0, "%s", err);
    free(err);
    graph f, p;
    mcn_err e;
    nas_cost c;
    ck_assert(graph_load_file(&f, fpath, &e) == 0);
    ck_assert(graph_load_file(&p, ppath, &e) == 0);
    ck_assert_msg(nas_judge(&f, &c, &e) == 0, "%s", e.msg);
    ck_assert_int_eq(c.arena_bytes, p.arena_bytes);
    size_t len;
    free(tu_read_file(ppath, &len));
    double off = (double)c.flash_bytes / (double)len - 1;
    ck_assert_msg(off > -0.015 && off < 0.015, "flash %lld for a %zu-byte "
                  "model", (long long)c.flash_bytes, len);
    graph_free(&f);
    graph_free(&p);
}
END_TEST

START_TEST(view_costs_the_same)
{
    char cmd[2048], path[600], *err;
    snprintf(path, sizeof path, "%s/f.mcn", tu_scratch);
    snprintf(cmd, sizeof cmd, "%s %s -o %s", TU_BIN("mcn-import"),
             TU_SRC("tests/data/onnx-nets/mobilenet_v2_035.onnx"), path);
    ck_assert_msg(tu_run(cmd, NULL, &err) == 0, "%s", err);
    free(err);
    graph g, cut, view;
    mcn_err e;
    nas_channels ch;
    ck_assert(graph_load_file(&g, path, &e) == 0);
    ck_assert(nas_channels_find(&g, &ch, &e) == 0);
    int keep[64];
    ck_assert_int_le(ch.n_groups, 64);
    for (int k = 0; k < ch.n_groups; k++)
        keep[k] = nas_group_width(&ch.groups[k], k % 2 ? 0.4 : 0.7, 8);
    ck_assert(graph_slice_channels(&g, &ch, keep, &cut, &e) == 0);
    ck_assert(graph_clone(&view, &g, &e) == 0);
    ck_assert_msg(nas_slice_shapes(&view, &ch, keep, &e) == 0, "%s", e.msg);
    nas_cost a, b;
    ck_assert(nas_judge(&cut, &a, &e) == 0);
    ck_assert(nas_judge(&view, &b, &e) == 0);
    ck_assert_int_eq(a.macs, b.macs);
    ck_assert_int_eq(a.params, b.params);
    ck_assert_int_eq(a.arena_bytes, b.arena_bytes);
    ck_assert_int_eq(a.flash_bytes, b.flash_bytes);
    ck_assert(a.planned && b.planned);
    ck_assert_int_lt(a.macs, 10666928);
    graph_free(&view);
    graph_free(&cut);
    nas_channels_free(&ch);
    graph_free(&g);
}
END_TEST

Suite *suite_nas_judge(void)
{
    Suite *s = suite_create("nas_judge");
    TCase *tc = tcase_create("judge");
    tcase_set_timeout(tc, 300);
    tcase_add_checked_fixture(tc, tu_scratch_setup, tu_scratch_teardown);
    tcase_add_loop_test(tc, against_pack, 0,
                        (int)(sizeof cases / sizeof cases[0]));
    tcase_add_test(tc, view_costs_the_same);
    suite_add_tcase(s, tc);
    return s;
}
