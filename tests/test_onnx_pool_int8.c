/* test_onnx_pool_int8.c: ceil_mode and dilated pools of an ONNX model,
   through the tools a user runs: mcn-import | mcn-quantize | mcn-pack,
   then mcn-run on the packed model and on the float one. The 16x16
   MaxPool with a 3x3 kernel, stride 2 and ceil_mode used to pack and
   then be refused by mcn_init ("operator 0 (MAX_POOL_2D): malformed
   model"): its 8x8 output is the ceil size, not the floor 7x7. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph_io.h"
#include "npy.h"
#include "test_onnx_build.h"
#include "testutil.h"

enum { N = 6, HW = 16 * 16 };

static void save_f32(const char *path, int rank, const int64_t *shape,
                     float *data, size_t n)
{
    npy_array a = {NPY_F32, rank, {0}, data, n * sizeof *data};
    memcpy(a.shape, shape, (size_t)rank * sizeof *shape);
    mcn_err e;
    ck_assert_msg(npy_save(path, &a, &e) == 0, "%s", e.msg);
}

static float *load_f32(const char *path, size_t n)
{
    npy_array a;
    mcn_err e;
    ck_assert_msg(npy_load(path, &a, &e) == 0, "%s", e.msg);
    ck_assert_int_eq(npy_elems(&a), (int64_t)n);
    float *f = npy_to_f32(&a, &e);
    npy_free(&a);
    ck_assert_ptr_nonnull(f);
    return f;
}

static void sh(const char *cmd)
{
    char *err = NULL;
    int rc = tu_run(cmd, NULL, &err);
    ck_assert_msg(rc == 0, "%s: %s", cmd, err);
    free(err);
}

/* x [1,1,16,16] -> MaxPool 3x3 stride 2 ceil_mode -> [1,1,8,8]
     -> AveragePool 3x3 stride 2 pads 1 ceil_mode count_include_pad
        (floor (10 - 3) / 2 + 1 = 4, ceil 5) -> [1,1,5,5]
     -> MaxPool 2x2 dilations 2 -> [1,1,3,3].
   All three keep their input's quantization, so the int8 output is off
   the float one by the input's rounding (s/2) and the average's own
   (s/2): at most one step s. */
START_TEST(ceil_mode_and_dilated_pools_run_in_int8)
{
    ob *b = ob_new(13);
    ob_input(b, "x", 4, OB_DIMS(1, 1, 16, 16));
    Onnx__NodeProto *n = ob_node(b, "MaxPool", "mp", "x", "a");
    ob_attr_ints(b, n, "kernel_shape", 2, OB_DIMS(3, 3));
    ob_attr_ints(b, n, "strides", 2, OB_DIMS(2, 2));
    ob_attr_i(b, n, "ceil_mode", 1);
    n = ob_node(b, "AveragePool", "ap", "a", "p");
    ob_attr_ints(b, n, "kernel_shape", 2, OB_DIMS(3, 3));
    ob_attr_ints(b, n, "strides", 2, OB_DIMS(2, 2));
    ob_attr_ints(b, n, "pads", 4, OB_DIMS(1, 1, 1, 1));
    ob_attr_i(b, n, "ceil_mode", 1);
    ob_attr_i(b, n, "count_include_pad", 1);
    n = ob_node(b, "MaxPool", "md", "p", "y");
    ob_attr_ints(b, n, "kernel_shape", 2, OB_DIMS(2, 2));
    ob_attr_ints(b, n, "dilations", 2, OB_DIMS(2, 2));
    ob_output(b, "y", 4, OB_DIMS(1, 1, 3, 3));

    char *dir = tu_mkdtemp(), path[700];
    size_t len;
    uint8_t *m = ob_pack(b, &len);
    ob_free(b);
    snprintf(path, sizeof path, "%s/net.onnx", dir);
    ck_assert_int_eq(tu_write_file(path, m, len), 0);
    free(m);
    static float calib[N * HW];
    for (int k = 0; k < N; k++)
        for (int i = 0; i < HW; i++)
            calib[k * HW + i] = 2.0f * sinf(0.11f * (float)(i * (k + 3))) +
                                0.5f * cosf(0.7f * (float)(i % 16));
    snprintf(path, sizeof path, "%s/calib.npy", dir);
    save_f32(path, 4, OB_DIMS(N, 1, 16, 16), calib, N * HW);

    char cmd[4096];
    snprintf(cmd, sizeof cmd, "cd '%s' && " TU_BIN("mcn-import")
             " net.onnx | " TU_BIN("mcn-quantize") " --calib calib.npy | "
             TU_BIN("mcn-pack") " -o net.mcn && " TU_BIN("mcn-run")
             " net.mcn calib.npy -o y8.npy && " TU_BIN("mcn-import")
             " net.onnx -o float.mcn && " TU_BIN("mcn-run")
             " float.mcn calib.npy -o yf.npy", dir);
    sh(cmd);

    graph g;
    mcn_err e;
    snprintf(path, sizeof path, "%s/net.mcn", dir);
    ck_assert_msg(graph_load_file(&g, path, &e) == 0, "%s", e.msg);
    const graph_tensor *y = &g.tensors[g.outputs[0]];
    float s = y->scale[0];
    ck_assert_int_eq(g.n_nodes, 3);
    ck_assert_int_eq(g.nodes[2].dilation_h, 2);
    ck_assert_float_eq(s, g.tensors[g.inputs[0]].scale[0]);
    graph_free(&g);

    snprintf(path, sizeof path, "%s/y8.npy", dir);
    float *y8 = load_f32(path, N * 9);
    snprintf(path, sizeof path, "%s/yf.npy", dir);
    float *yf = load_f32(path, N * 9);
    float worst = 0;
    for (int i = 0; i < N * 9; i++) {
        float d = fabsf(y8[i] - yf[i]);
        ck_assert_msg(d <= s * 1.001f, "output %d: int8 %g, float %g (step "
                      "%g)", i, (double)y8[i], (double)yf[i], (double)s);
        worst = d > worst ? d : worst;
    }
    ck_assert_float_gt(worst, 0);   /* int8 really ran */
    free(y8);
    free(yf);
    tu_rmdir(dir);
}
END_TEST

Suite *suite_onnx_pool_int8(void)
{
    Suite *s = suite_create("onnx_pool_int8");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, ceil_mode_and_dilated_pools_run_in_int8);
    suite_add_tcase(s, tc);
    return s;
}
