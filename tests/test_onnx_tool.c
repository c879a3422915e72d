/* test_onnx_tool.c: the mcn-import command: files and pipes, --verbose,
   and failing without leaving an output file. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph_io.h"
#include "test_onnx_build.h"
#include "testutil.h"

static char *dir;
static char model[600], out[600], cmd[2048];

static void setup(void)
{
    dir = tu_mkdtemp();
    ck_assert_ptr_nonnull(dir);
    snprintf(model, sizeof model, "%s/net.onnx", dir);
    snprintf(out, sizeof out, "%s/net.mcn", dir);
}

static void teardown(void)
{
    tu_rmdir(dir);
}

static void write_model(ob *b, const char *path)
{
    size_t len;
    uint8_t *buf = ob_pack(b, &len);
    ck_assert_int_eq(tu_write_file(path, buf, len), 0);
    free(buf);
    ob_free(b);
}

/* conv -> bn -> relu, all of it folding into one node. */
static ob *small_net(void)
{
    ob *b = ob_new(13);
    ob_input(b, "x", 4, OB_DIMS(1, 1, 2, 2));
    ob_init_f(b, "W", 4, OB_DIMS(1, 1, 1, 1), (const float[]){2});
    ob_init_f(b, "one", 1, OB_DIMS(1), (const float[]){1});
    ob_init_f(b, "zero", 1, OB_DIMS(1), (const float[]){0});
    ob_node(b, "Conv", "conv", "x,W", "c");
    ob_node(b, "BatchNormalization", "bn", "c,one,zero,zero,one", "n");
    ob_node(b, "Relu", "relu", "n", "y");
    ob_output(b, "y", 4, OB_DIMS(1, 1, 2, 2));
    return b;
}

START_TEST(imports_a_file_verbosely)
{
    write_model(small_net(), model);
    char *err = NULL;
    snprintf(cmd, sizeof cmd, "%s '%s' -o '%s' --verbose",
             TU_BIN("mcn-import"), model, out);
    ck_assert_int_eq(tu_run(cmd, NULL, &err), 0);
    ck_assert_str_eq(err, "folded BatchNormalization 'bn' into Conv 'conv'\n"
                          "fused Relu 'relu' into Conv 'conv'\n");
    free(err);
    graph g;
    mcn_err e;
    ck_assert_msg(graph_load_file(&g, out, &e) == 0, "%s", e.msg);
    ck_assert_int_eq(g.n_nodes, 1);
    ck_assert_int_eq(g.nodes[0].op, MCN_OP_CONV_2D);
    ck_assert_int_eq(g.nodes[0].act, MCN_ACT_RELU);
    ck_assert_int_eq(g.tensors[g.inputs[0]].layout, MCN_LAYOUT_NCHW);
    ck_assert_int_eq(g.tensors[g.inputs[0]].shape[3], 1);
    graph_free(&g);
}
END_TEST

START_TEST(pipes_stdin_to_stdout)
{
    write_model(small_net(), model);
    char *o = NULL;
    snprintf(cmd, sizeof cmd, "%s '%s' -o '%s'", TU_BIN("mcn-import"), model,
             out);
    ck_assert_int_eq(tu_run(cmd, NULL, NULL), 0);
    snprintf(cmd, sizeof cmd, "%s - < '%s' | od -An -tx1 -v",
             TU_BIN("mcn-import"), model);
    ck_assert_int_eq(tu_run(cmd, &o, NULL), 0);
    char *want = NULL;
    snprintf(cmd, sizeof cmd, "od -An -tx1 -v '%s'", out);
    ck_assert_int_eq(tu_run(cmd, &want, NULL), 0);
    ck_assert_uint_gt(strlen(want), 100);
    ck_assert_str_eq(o, want);  /* the same bytes either way */
    free(o);
    free(want);
}
END_TEST

START_TEST(failures_leave_no_output)
{
    char *err = NULL;
    ck_assert_int_eq(tu_write_file(model, "not a model\n", 12), 0);
    snprintf(cmd, sizeof cmd, "%s '%s' -o '%s'", TU_BIN("mcn-import"), model,
             out);
    ck_assert_int_eq(tu_run(cmd, NULL, &err), 65);
    char want[800];
    snprintf(want, sizeof want,
             "%s: not an ONNX model (protobuf parse failed)\n", model);
    ck_assert_str_eq(err, want);
    ck_assert(!tu_exists(out));
    free(err);

    ob *b = ob_new(13);
    ob_input(b, "x", 2, OB_DIMS(1, 4));
    ob_node(b, "Einsum", "act", "x", "y");
    ob_output(b, "y", -1, NULL);
    write_model(b, model);
    ck_assert_int_eq(tu_run(cmd, NULL, &err), 65);
    snprintf(want, sizeof want,
             "%s: node 'act' (Einsum, opset 13): unsupported operator\n",
             model);
    ck_assert_str_eq(err, want);
    ck_assert(!tu_exists(out));
    free(err);

    snprintf(cmd, sizeof cmd, "%s '%s/missing.onnx' -o '%s'",
             TU_BIN("mcn-import"), dir, out);
    ck_assert_int_eq(tu_run(cmd, NULL, &err), 66);
    ck_assert_ptr_nonnull(strstr(err, "missing.onnx: "));
    ck_assert_int_eq(tu_count_lines(err), 1);
    ck_assert(!tu_exists(out));
    free(err);
}
END_TEST

START_TEST(usage)
{
    char *o = NULL, *err = NULL;
    ck_assert_int_eq(tu_run(TU_BIN("mcn-import") " --help", &o, NULL), 0);
    ck_assert_ptr_nonnull(strstr(o, "usage: mcn-import MODEL.onnx"));
    free(o);
    ck_assert_int_eq(tu_run(TU_BIN("mcn-import") " </dev/null", NULL, &err),
                     64);
    ck_assert_str_eq(err,
                     "mcn-import: no model given (see mcn-import --help)\n");
    free(err);
    ck_assert_int_eq(tu_run(TU_BIN("mcn-import") " --frobnicate x", NULL,
                            &err), 64);
    ck_assert_str_eq(err, "mcn-import: unknown option '--frobnicate' (see "
                          "mcn-import --help)\n");
    free(err);
}
END_TEST

START_TEST(imports_onnx_test_data)
{
    snprintf(cmd, sizeof cmd, "%s /usr/share/libonnx-testdata/data/node/"
             "test_softmax_example/model.onnx -o '%s'", TU_BIN("mcn-import"),
             out);
    char *err = NULL;
    ck_assert_int_eq(tu_run(cmd, NULL, &err), 0);
    ck_assert_str_eq(err, "");
    free(err);
    graph g;
    ck_assert_int_eq(graph_load_file(&g, out, NULL), 0);
    ck_assert_int_eq(g.n_nodes, 1);
    ck_assert_int_eq(g.nodes[0].op, MCN_OP_SOFTMAX);
    ck_assert_str_eq(g.description, "imported from ONNX (opset 13, "
                                    "backend-test)");
    graph_free(&g);
}
END_TEST

Suite *suite_onnx_tool(void)
{
    Suite *s = suite_create("onnx_tool");
    TCase *tc = tcase_create("mcn-import");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, imports_a_file_verbosely);
    tcase_add_test(tc, pipes_stdin_to_stdout);
    tcase_add_test(tc, failures_leave_no_output);
    tcase_add_test(tc, usage);
    tcase_add_test(tc, imports_onnx_test_data);
    suite_add_tcase(s, tc);
    return s;
}
