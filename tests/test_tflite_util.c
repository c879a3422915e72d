/* test_tflite_util.c: see test_tflite_util.h. No suite of its own. */
#include "test_tflite_util.h"

#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "float_exec.h"
#include "graph_io.h"
#include "mcn.h"
#include "pack.h"
#include "testutil.h"
#include "tflite_import.h"

/* ---- building models ---- */

uint8_t *compile_file(const char *dir, const char *json_path,
                             size_t *len)
{
    char *err = NULL;
    uint8_t *b = tu_flatc(TU_SRC("schemas/tflite.fbs"), json_path, dir,
                          "tflite", len, &err);
    ck_assert_msg(b != NULL, "flatc %s: %s", json_path, err ? err : "");
    free(err);
    return b;
}

uint8_t *model(size_t *len, const char *fmt, ...)
{
    static char json[16384];
    int k = snprintf(json, sizeof json, "{version: 3,\n");
    va_list ap;
    va_start(ap, fmt);
    k += vsnprintf(json + k, sizeof json - (size_t)k, fmt, ap);
    va_end(ap);
    ck_assert_int_lt(k + 3, (int)sizeof json);
    strcat(json, "}\n");
    char *dir = tu_mkdtemp(), path[600];
    snprintf(path, sizeof path, "%s/m.json", dir);
    ck_assert_int_eq(tu_write_file(path, json, strlen(json)), 0);
    uint8_t *b = compile_file(dir, path, len);
    tu_rmdir(dir);
    return b;
}

/* Bytes of int8 values or little-endian floats, as a JSON list. */
const char *i8s(char *s, size_t cap, int n, const int8_t *v)
{
    size_t k = 0;
    s[0] = 0;
    for (int i = 0; i < n && k < cap; i++)
        k += (size_t)snprintf(s + k, cap - k, "%s%u", i ? ", " : "",
                              (uint8_t)v[i]);
    ck_assert_uint_lt(k, cap);   /* not cut short */
    return s;
}

const char *f32s(char *s, size_t cap, int n, const float *v)
{
    return i8s(s, cap, 4 * n, (const int8_t *)v);
}

/* "type: INT8, quantization: {...}" for int8, "" (FLOAT32) otherwise. */
const char *q8(char *s, size_t cap, bool int8, double scale, int zp)
{
    if (!int8)
        return "";
    snprintf(s, cap, "type: INT8, quantization: {scale: [%.9g], "
             "zero_point: [%d]}", scale, zp);
    return s;
}

/* ---- running them ---- */

void import_ok(const uint8_t *b, size_t len, graph *g)
{
    mcn_err e;
    ck_assert_msg(tflite_import(b, len, NULL, g, &e) == 0, "%s", e.msg);
}

void expect_error(const uint8_t *b, size_t len, const char *msg)
{
    graph g;
    mcn_err e = {0};
    ck_assert_int_eq(tflite_import(b, len, NULL, &g, &e), -1);
    ck_assert_str_eq(e.msg, msg);
}

void ops_are(const graph *g, int n, const mcn_opcode *want)
{
    ck_assert_int_eq(g->n_nodes, n);
    for (int i = 0; i < n; i++)
        ck_assert_msg(g->nodes[i].op == want[i], "node %d is %s, not %s", i,
                      graph_op_name(g->nodes[i].op), graph_op_name(want[i]));
}

void shape_is(const graph_tensor *t, int rank, const int32_t *want)
{
    ck_assert_int_eq(t->rank, rank);
    for (int d = 0; d < rank; d++)
        ck_assert_int_eq(t->shape[d], want[d]);
}

/* The model g becomes, and an arena for it; g is freed. */
static uint8_t *write_model(graph *g, size_t *len, void **arena,
                            size_t *arena_len)
{
    mcn_err e;
    uint8_t *buf;
    ck_assert_msg(graph_to_mcn(g, &buf, len, &e) == 0, "%s", e.msg);
    *arena_len = (g->arena_bytes + 15u) / 16u * 16u + 16u;
    graph_free(g);
    *arena = aligned_alloc(16, *arena_len);
    ck_assert_ptr_nonnull(*arena);
    return buf;
}

mcn_status run_packed_outputs(graph *g, const int8_t *const *x, int n_out,
                              int8_t *const *y, const size_t *ny)
{
    size_t len, arena_len;
    void *arena;
    int n_in = g->n_inputs;
    uint8_t *buf = write_model(g, &len, &arena, &arena_len);
    mcn_ctx ctx;
    mcn_tensor t;
    mcn_status s = mcn_init(&ctx, buf, len, arena, arena_len);
    for (int i = 0; i < n_in && s == MCN_OK; i++) {
        ck_assert_int_eq(mcn_input(&ctx, i, &t), MCN_OK);
        memcpy(t.data, x[i], t.bytes);
    }
    if (s == MCN_OK)
        ck_assert_int_eq(mcn_invoke(&ctx), MCN_OK);
    for (int k = 0; k < n_out && s == MCN_OK; k++) {
        ck_assert_int_eq(mcn_output(&ctx, k, &t), MCN_OK);
        ck_assert_uint_eq(t.bytes, ny[k]);
        memcpy(y[k], t.data, ny[k]);
    }
    free(arena);
    free(buf);
    return s;
}

void run_int8_outputs(graph *g, const int8_t *const *x, int n_out,
                      int8_t *const *y, const size_t *ny)
{
    mcn_err e;
    ck_assert_msg(pack_graph(g, NULL, &e) == 0, "%s", e.msg);
    ck_assert_int_eq(run_packed_outputs(g, x, n_out, y, ny), MCN_OK);
}

void run_int8(graph *g, const int8_t *const *x, int8_t *y, size_t ny)
{
    run_int8_outputs(g, x, 1, &y, &ny);
}

mcn_status init_status(graph *g, int32_t *failed_op)
{
    size_t len, arena_len;
    void *arena;
    uint8_t *buf = write_model(g, &len, &arena, &arena_len);
    mcn_ctx ctx;
    mcn_status s = mcn_init(&ctx, buf, len, arena, arena_len);
    *failed_op = ctx.failed_op;
    free(arena);
    free(buf);
    return s;
}

void bytes_are(const int8_t *got, const int8_t *want, int n)
{
    for (int i = 0; i < n; i++)
        ck_assert_msg(got[i] == want[i], "byte %d is %d, not %d", i, got[i],
                      want[i]);
}

/* Run a float graph once; output `out` (n values) into y. */
void run_float(const graph *g, const float *const *x, int out,
                      float *y, int64_t n)
{
    float_exec *fx;
    mcn_err e;
    ck_assert_msg(fexec_create(&fx, g, &e) == 0, "%s", e.msg);
    ck_assert_msg(fexec_run(fx, x, &e) == 0, "%s", e.msg);
    ck_assert_int_eq(graph_tensor_elems(&g->tensors[g->outputs[out]]), n);
    memcpy(y, fexec_tensor(fx, g->outputs[out]), (size_t)n * sizeof *y);
    fexec_free(fx);
}

