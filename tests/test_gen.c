/* test_gen.c: mcn-gen's C, compiled on the host, gives TFLite Micro's
   bytes on the four MLPerf Tiny int8 models (every reference row), packed
   for the reference kernels and for the Cortex-M4's; and the tool's
   refusals. (tests/test_int8_nets.c holds generated code to the
   interpreter's bytes on every whole network, which covers the op kinds
   these four do not have.) */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npy.h"
#include "testutil.h"

static const char *const models[] = {"vww_96_int8", "kws_ref_model",
                                     "pretrainedResnet_quant", "ad01_int8"};
#define N_MODELS 4

static npy_array load(const char *path)
{
    npy_array a;
    mcn_err e;
    ck_assert_msg(npy_load(path, &a, &e) == 0, "%s: %s", path, e.msg);
    return a;
}

START_TEST(generated_code_gives_tflm_bytes)
{
    const char *name = models[_i / 2];
    const char *target = _i % 2 ? "cortex-m4" : "reference";
    char *dir = tu_mkdtemp(), cmd[2048], model[600], out[600], ref[600];
    char *err = NULL;
    snprintf(model, sizeof model, "%s/m.mcn", dir);
    snprintf(cmd, sizeof cmd, "%s %s/models/mlperf-tiny/%s.tflite | %s "
             "--target %s -o '%s'", TU_BIN("mcn-import"), MCN_SHARED_DIR,
             name, TU_BIN("mcn-pack"), target, model);
    ck_assert_msg(tu_run(cmd, NULL, &err) == 0, "%s", err);
    free(err);
    ck_assert_msg(tu_gen_build(dir, model, &err) == 0, "%s: %s", name, err);
    free(err);
    snprintf(out, sizeof out, "%s/out.npy", dir);
    snprintf(cmd, sizeof cmd, "'%s/host' '%s' %s/reference/tflm/%s.inputs.npy "
             "'%s'", dir, model, MCN_SHARED_DIR, name, out);
    ck_assert_msg(tu_run(cmd, NULL, &err) == 0, "%s", err);
    free(err);
    snprintf(ref, sizeof ref, "%s/reference/tflm/%s.outputs.npy",
             MCN_SHARED_DIR, name);
    npy_array got = load(out), want = load(ref);
    ck_assert_int_eq(got.dtype, NPY_I8);
    ck_assert_uint_eq(got.nbytes, want.nbytes);
    ck_assert_msg(memcmp(got.data, want.data, want.nbytes) == 0,
                  "%s (%s): generated code differs from TFLM", name, target);
    npy_free(&got);
    npy_free(&want);
    tu_rmdir(dir);
}
END_TEST

/* The header says where everything is, as literals. */
START_TEST(header_names_the_plan)
{
    char *dir = tu_mkdtemp(), cmd[2048], *err = NULL;
    snprintf(cmd, sizeof cmd, "%s %s/models/mlperf-tiny/ad01_int8.tflite | "
             "%s - -o '%s' --name ae", TU_BIN("mcn-import"), MCN_SHARED_DIR,
             TU_BIN("mcn-gen"), dir);
    ck_assert_msg(tu_run(cmd, NULL, &err) == 0, "%s", err);
    free(err);
    char path[700];
    snprintf(path, sizeof path, "%s/ae.h", dir);
    size_t len;
    char *h = (char *)tu_read_file(path, &len);
    ck_assert_ptr_nonnull(h);
    static const char *const want[] = {
        "#define AE_INPUTS 1\n", "#define AE_INPUT0_BYTES 640\n",
        "#define AE_OUTPUT0_BYTES 640\n", "extern uint8_t ae_arena[];\n",
        "void ae_invoke(void);\n"};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        ck_assert_msg(strstr(h, want[i]), "ae.h lacks %s", want[i]);
    free(h);
    snprintf(path, sizeof path, "%s/ae.c", dir);
    char *c = (char *)tu_read_file(path, &len);
    ck_assert_ptr_nonnull(c);
    /* Ten FULLY_CONNECTED layers: ten calls, no interpreter. */
    int calls = 0;
    for (const char *p = c; (p = strstr(p, "(&ae_op")); p++)
        calls++;
    ck_assert_int_eq(calls, 10);
    ck_assert_ptr_null(strstr(c, "mcn_invoke"));
    free(c);
    tu_rmdir(dir);
}
END_TEST

START_TEST(refusals)
{
    char *dir = tu_mkdtemp(), cmd[2048], *err = NULL;
    snprintf(cmd, sizeof cmd, "%s %s/models/mlperf-tiny/ad01_int8.tflite | "
             "%s - -o '%s' --name 9net", TU_BIN("mcn-import"), MCN_SHARED_DIR,
             TU_BIN("mcn-gen"), dir);
    ck_assert_int_eq(tu_run(cmd, NULL, &err), 64);
    ck_assert_str_eq(err, "mcn-gen: --name '9net' is not a C identifier of "
                          "at most 64 characters (see mcn-gen --help)\n");
    free(err);
    snprintf(cmd, sizeof cmd, "%s %s/models/mlperf-tiny/ad01_fp32.tflite | "
             "%s - -o '%s'", TU_BIN("mcn-import"), MCN_SHARED_DIR,
             TU_BIN("mcn-gen"), dir);
    ck_assert_int_eq(tu_run(cmd, NULL, &err), 65);
    ck_assert_msg(strstr(err, "mcn-pack needs a quantized graph"), "%s", err);
    free(err);
    ck_assert_int_eq(tu_run(TU_BIN("mcn-gen") " x.mcn", NULL, &err), 64);
    ck_assert_str_eq(err, "mcn-gen: MODEL and -o DIR are needed (see "
                          "mcn-gen --help)\n");
    free(err);
    tu_rmdir(dir);
}
END_TEST

Suite *suite_gen(void)
{
    Suite *s = suite_create("gen");
    TCase *tc = tcase_create("gen");
    tcase_set_timeout(tc, 300);
    tcase_add_loop_test(tc, generated_code_gives_tflm_bytes, 0,
                        2 * N_MODELS);
    tcase_add_test(tc, header_names_the_plan);
    tcase_add_test(tc, refusals);
    suite_add_tcase(s, tc);
    return s;
}
