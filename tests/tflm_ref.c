/* tflm_ref.c: see tflm_ref.h. */
#include "tflm_ref.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph_io.h"
#include "pack.h"

void tflm_load_ref(const char *name, const char *what, npy_array *a)
{
    char path[512];
    mcn_err e;
    snprintf(path, sizeof path, TFLM_REF "%s.%s.npy", name, what);
    ck_assert_msg(npy_load(path, a, &e) == 0, "%s: %s", path, e.msg);
    ck_assert_int_eq(a->dtype, NPY_I8);
    ck_assert_int_eq(a->shape[0], TFLM_ROWS);
}

long tflm_first_diff(const int8_t *a, const int8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return (long)i;
    return -1;
}

void tflm_engine_open(tflm_engine *r, graph *g)
{
    tflm_engine_open_for(r, g, MCN_TARGET_REFERENCE);
}

void tflm_engine_open_for(tflm_engine *r, graph *g, mcn_target target)
{
    mcn_err e;
    memset(r, 0, sizeof *r);
    pack_opts po = {.keep_names = false, .target = target};
    ck_assert_msg(pack_graph(g, &po, &e) == 0, "pack: %s", e.msg);
    ck_assert_msg(graph_to_mcn(g, &r->model, &r->len, &e) == 0, "%s", e.msg);
    size_t arena_len = (g->arena_bytes + 15u) / 16u * 16u;
    r->arena = aligned_alloc(16, arena_len ? arena_len : 16);
    ck_assert_ptr_nonnull(r->arena);
    ck_assert_int_eq(mcn_init(&r->ctx, r->model, r->len, r->arena,
                              arena_len ? arena_len : 16), MCN_OK);
    ck_assert_int_eq(mcn_input(&r->ctx, 0, &r->in), MCN_OK);
    ck_assert_int_eq(mcn_output(&r->ctx, 0, &r->out), MCN_OK);
}

void tflm_engine_close(tflm_engine *r)
{
    free(r->arena);
    free(r->model);
    memset(r, 0, sizeof *r);
}

void tflm_engine_matches(tflm_engine *r, const char *name)
{
    npy_array x, y;
    tflm_load_ref(name, "inputs", &x);
    tflm_load_ref(name, "outputs", &y);
    ck_assert_uint_eq(x.nbytes, TFLM_ROWS * r->in.bytes);
    ck_assert_uint_eq(y.nbytes, TFLM_ROWS * r->out.bytes);
    for (int row = 0; row < TFLM_ROWS; row++) {
        memcpy(r->in.data, (const int8_t *)x.data + (size_t)row * r->in.bytes,
               r->in.bytes);
        ck_assert_int_eq(mcn_invoke(&r->ctx), MCN_OK);
        const int8_t *want =
            (const int8_t *)y.data + (size_t)row * r->out.bytes;
        const int8_t *got = r->out.data;
        long d = tflm_first_diff(got, want, r->out.bytes);
        ck_assert_msg(d < 0, "%s row %d: byte %ld is %d, TFLM has %d", name,
                      row, d, d < 0 ? 0 : got[d], d < 0 ? 0 : want[d]);
    }
    npy_free(&x);
    npy_free(&y);
}
