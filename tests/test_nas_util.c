/* test_nas_util.c: see test_nas_util.h. */
#include "test_nas_util.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>

#include "onnx_import.h"
#include "testutil.h"

int nas_tu_run(const char *cmd, char **out, char **err)
{
    int rc = tu_run(cmd, out, err);
    ck_assert_int_ge(rc, 0);
    return rc;
}

void nas_tu_mnist_float(void)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, TU_BIN("mcn-import") " "
             TU_SRC("examples/mnist/mnist_cnn.onnx") " -o %s/f.mcn",
             tu_scratch);
    ck_assert_int_eq(nas_tu_run(cmd, NULL, NULL), 0);
}

void nas_tu_load_net(const char *path, nas_net *n)
{
    size_t len;
    mcn_err e;
    graph g;
    uint8_t *buf = tu_read_file(path, &len);
    ck_assert_msg(buf != NULL, "cannot read %s", path);
    ck_assert_msg(onnx_import(buf, len, NULL, &g, &e) == 0, "%s", e.msg);
    free(buf);
    ck_assert_msg(nas_net_init(n, &g, &e) == 0, "%s", e.msg);
}
