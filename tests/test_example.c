/* test_example.c: the bundled MNIST example meets issue 2's bar, through
   the tools as a user runs them:
     - float outputs match ONNX Runtime's (tests/data/mnist/ort_logits.npy,
       onnxruntime-node 1.30.0, see its README) within 1e-4 relative plus
       1e-5 absolute;
     - int8 top-1 accuracy is within 1 point of float on the 1,000 digits;
     - the Cortex-M4 (QEMU) int8 outputs equal the host engine's bytes. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npy.h"
#include "testutil.h"

#define EX TU_SRC("examples/mnist/")

/* Run a shell command in the scratch dir; fail the test with its stderr. */
static char *run(const char *fmt, const char *arg)
{
    char cmd[2048], body[1800];
    snprintf(body, sizeof body, fmt, arg);
    snprintf(cmd, sizeof cmd, "cd '%s' && %s", tu_scratch, body);
    char *out = NULL, *err = NULL;
    int rc = tu_run(cmd, &out, &err);
    ck_assert_msg(rc == 0, "%s\nexit %d: %s", body, rc, err ? err : "");
    free(out);
    return err;
}

static void build_models(void)
{
    free(run("%s/mcn-import " EX "mnist_cnn.onnx -o float.mcn",
             MCN_BUILD_DIR "/bin"));
    free(run("%s/mcn-quantize --calib " EX "calib.npy float.mcn -o int8.mcn",
             MCN_BUILD_DIR "/bin"));
    free(run("%s/mcn-pack int8.mcn -o packed.mcn", MCN_BUILD_DIR "/bin"));
}

static npy_array load(const char *path)
{
    npy_array a;
    mcn_err e;
    ck_assert_msg(npy_load(path, &a, &e) == 0, "%s: %s", path, e.msg);
    return a;
}

/* "top-1 accuracy: 98.80% (988/1000)" -> 988 */
static int correct(const char *err)
{
    const char *p = err ? strstr(err, "top-1 accuracy: ") : NULL;
    ck_assert_msg(p, "no accuracy line in: %s", err ? err : "");
    const char *paren = strchr(p, '(');
    ck_assert_ptr_nonnull(paren);
    return atoi(paren + 1);
}

START_TEST(float_matches_onnx_runtime)
{
    build_models();
    free(run("%s/mcn-run float.mcn " EX "test_x.npy -o f.npy",
             MCN_BUILD_DIR "/bin"));
    char path[600];
    snprintf(path, sizeof path, "%s/f.npy", tu_scratch);
    npy_array got = load(path), want = load(TU_SRC("tests/data/mnist/ort_logits.npy"));
    ck_assert_int_eq(got.rank, 2);
    ck_assert_int_eq(got.shape[0], 1000);
    ck_assert_int_eq(got.shape[1], 10);
    ck_assert_int_eq(npy_elems(&got), npy_elems(&want));
    const float *g = got.data, *w = want.data;
    for (int64_t i = 0; i < npy_elems(&want); i++) {
        double err = fabs((double)g[i] - w[i]);
        double tol = 1e-5 + 1e-4 * fabs((double)w[i]);
        ck_assert_msg(err <= tol, "logit %lld: %.9g vs ORT %.9g", (long long)i,
                      g[i], w[i]);
    }
    npy_free(&got);
    npy_free(&want);
}
END_TEST

START_TEST(int8_accuracy_within_one_point_of_float)
{
    build_models();
    char *ef = run("%s/mcn-run float.mcn " EX "test_x.npy --labels "
                   EX "test_y.npy -o f.npy", MCN_BUILD_DIR "/bin");
    char *eq = run("%s/mcn-run packed.mcn " EX "test_x.npy --labels "
                   EX "test_y.npy -o q.npy", MCN_BUILD_DIR "/bin");
    int f = correct(ef), q = correct(eq);
    free(ef);
    free(eq);
    /* The example is a real model: float accuracy is ~99%. */
    ck_assert_int_ge(f, 980);
    ck_assert_msg(abs(f - q) <= 10, "float %d/1000, int8 %d/1000", f, q);
}
END_TEST

START_TEST(cortex_m4_bytes_equal_host_bytes)
{
    build_models();
    free(run("%s/mcn-run packed.mcn " EX "first4_x.npy --raw -o host.npy",
             MCN_BUILD_DIR "/bin"));
    free(run("%s/mcn-sim packed.mcn " EX "first4_x.npy --raw -o m4.npy",
             MCN_BUILD_DIR "/bin"));
    char a[600], b[600];
    snprintf(a, sizeof a, "%s/host.npy", tu_scratch);
    snprintf(b, sizeof b, "%s/m4.npy", tu_scratch);
    npy_array h = load(a), m = load(b);
    ck_assert_int_eq(h.dtype, NPY_I8);
    ck_assert_int_eq(npy_elems(&h), 40);
    ck_assert_uint_eq(h.nbytes, m.nbytes);
    ck_assert_mem_eq(h.data, m.data, h.nbytes);
    npy_free(&h);
    npy_free(&m);
}
END_TEST

Suite *suite_example(void)
{
    Suite *s = suite_create("example");
    TCase *tc = tcase_create("mnist");
    tcase_add_checked_fixture(tc, tu_scratch_setup, tu_scratch_teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, float_matches_onnx_runtime);
    tcase_add_test(tc, int8_accuracy_within_one_point_of_float);
    tcase_add_test(tc, cortex_m4_bytes_equal_host_bytes);
    suite_add_tcase(s, tc);
    return s;
}
