/* test_npy.c: .npy round trips, the exact bytes NumPy writes, files NumPy
   wrote (../shared), and rejection of everything else. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npy.h"
#include "testutil.h"

START_TEST(every_dtype_round_trips)
{
    static const npy_dtype all[] = {NPY_F32, NPY_F64, NPY_I8,  NPY_U8,
                                    NPY_I16, NPY_I32, NPY_I64, NPY_BOOL};
    static const size_t size[] = {4, 8, 1, 1, 2, 4, 8, 1};
    char *dir = tu_mkdtemp(), path[512];
    snprintf(path, sizeof path, "%s/a.npy", dir);
    for (size_t k = 0; k < sizeof all / sizeof all[0]; k++) {
        ck_assert_uint_eq(npy_dtype_size(all[k]), size[k]);
        npy_array a = {all[k], 3, {2, 1, 3}, NULL, 6 * size[k]};
        uint8_t bytes[48];
        for (size_t i = 0; i < a.nbytes; i++)
            bytes[i] = (uint8_t)(all[k] == NPY_BOOL ? i % 2 : 0x11 * i + k);
        a.data = bytes;
        mcn_err e = {0};
        ck_assert_msg(npy_save(path, &a, &e) == 0, "%s", e.msg);
        npy_array b;
        ck_assert_msg(npy_load(path, &b, &e) == 0, "%s", e.msg);
        ck_assert_int_eq(b.dtype, all[k]);
        ck_assert_int_eq(b.rank, 3);
        ck_assert_int_eq(b.shape[0], 2);
        ck_assert_int_eq(b.shape[1], 1);
        ck_assert_int_eq(b.shape[2], 3);
        ck_assert_int_eq(npy_elems(&b), 6);
        ck_assert_uint_eq(b.nbytes, a.nbytes);
        ck_assert_mem_eq(b.data, bytes, a.nbytes);
        npy_free(&b);
    }
    tu_rmdir(dir);
}
END_TEST

/* Format 1.0 (NumPy's format.py): magic, version 1 0, u16 header length,
   the dict repr, 21 - len(str(shape[0])) spaces of room to grow, spaces to
   a multiple of 64 bytes in all, '\n'. */
START_TEST(header_bytes_are_numpys)
{
    char *dir = tu_mkdtemp(), path[512];
    snprintf(path, sizeof path, "%s/s.npy", dir);
    float v[3] = {1.0f, -2.0f, 0.5f};
    npy_array a = {NPY_F32, 1, {3}, v, sizeof v};
    ck_assert_int_eq(npy_save(path, &a, NULL), 0);
    size_t n;
    uint8_t *f = tu_read_file(path, &n);
    const char head[] = "\x93NUMPY\x01\x00\x76\x00"
                        "{'descr': '<f4', 'fortran_order': False, "
                        "'shape': (3,), }";
    ck_assert_uint_eq(n, 128 + 12);
    ck_assert_mem_eq(f, head, sizeof head - 1);
    for (size_t i = sizeof head - 1; i < 127; i++)
        ck_assert_int_eq(f[i], ' ');
    ck_assert_int_eq(f[127], '\n');
    ck_assert_mem_eq(f + 128, v, sizeof v);
    free(f);

    /* Byte for byte what NumPy 1.24 wrote for an int8 (10, 1, 640). */
    size_t rn;
    uint8_t *ref = tu_read_file(
        TU_SHARED("reference/tflm/ad01_int8.inputs.npy"), &rn);
    ck_assert_ptr_nonnull(ref);
    npy_array b;
    ck_assert_int_eq(npy_load_mem(ref, rn, &b, NULL), 0);
    ck_assert_int_eq(npy_save(path, &b, NULL), 0);
    f = tu_read_file(path, &n);
    ck_assert_uint_eq(n, rn);
    ck_assert_mem_eq(f, ref, rn);
    free(f);
    free(ref);
    npy_free(&b);

    /* A scalar: shape () and no growth room; 66 bytes round up to 128. */
    int32_t s = -7;
    npy_array c = {NPY_I32, 0, {0}, &s, 4};
    ck_assert_int_eq(npy_save(path, &c, NULL), 0);
    f = tu_read_file(path, &n);
    const char shead[] = "\x93NUMPY\x01\x00\x76\x00"
                         "{'descr': '<i4', 'fortran_order': False, "
                         "'shape': (), }";
    ck_assert_uint_eq(n, 128 + 4);
    ck_assert_mem_eq(f, shead, sizeof shead - 1);
    ck_assert_int_eq(f[127], '\n');
    free(f);
    tu_rmdir(dir);
}
END_TEST

START_TEST(numpy_files_load)
{
    npy_array a;
    mcn_err e = {0};
    const char *kws = TU_SHARED("reference/tflm/kws_ref_model.inputs.npy");
    ck_assert_msg(npy_load(kws, &a, &e) == 0, "%s", e.msg);
    ck_assert_int_eq(a.dtype, NPY_I8);
    ck_assert_int_eq(a.rank, 5);
    const int64_t shape[5] = {10, 1, 49, 10, 1};
    ck_assert_mem_eq(a.shape, shape, sizeof shape);
    ck_assert_uint_eq(a.nbytes, 4900);
    const int8_t *x = a.data;
    /* rows 0, 1, 2 are all 0, all -128, all 127; row 3 is SplitMix64(3) */
    ck_assert_int_eq(x[0], 0);
    ck_assert_int_eq(x[489], 0);
    ck_assert_int_eq(x[490], -128);
    ck_assert_int_eq(x[980], 127);
    ck_assert_int_eq(x[1470], 0x1d);
    ck_assert_int_eq(x[1471], (int8_t)0xb3);
    ck_assert_int_eq(x[4899], (int8_t)0xca);
    npy_free(&a);

    const char *sq = TU_SHARED("onnx-light/light_squeezenet.input.npy");
    ck_assert_msg(npy_load(sq, &a, &e) == 0, "%s", e.msg);
    ck_assert_int_eq(a.dtype, NPY_F32);
    ck_assert_int_eq(a.rank, 4);
    const int64_t nchw[4] = {1, 3, 224, 224};
    ck_assert_mem_eq(a.shape, nchw, sizeof nchw);
    uint32_t bits;
    memcpy(&bits, a.data, 4);
    ck_assert_uint_eq(bits, 0xbf5a7915u);  /* bytes 15 79 5a bf */
    float *f = npy_to_f32(&a, &e);
    memcpy(&bits, &f[1], 4);
    ck_assert_uint_eq(bits, 0x3ed04b3cu);  /* bytes 3c 4b d0 3e */
    free(f);
    npy_free(&a);

    const char *out = TU_SHARED("onnx-light/light_squeezenet.output.npy");
    ck_assert_msg(npy_load(out, &a, &e) == 0, "%s", e.msg);
    const int64_t o[4] = {1, 1000, 1, 1};
    ck_assert_int_eq(a.rank, 4);
    ck_assert_mem_eq(a.shape, o, sizeof o);
    memcpy(&bits, (uint8_t *)a.data + 3996, 4);
    ck_assert_uint_eq(bits, 0x3a83126fu);  /* ~1/1000 */
    npy_free(&a);
}
END_TEST

/* A version 1.0 file around `dict`, with `extra` data bytes (zeros). */
static uint8_t *make_npy(const char *dict, size_t extra, size_t *len)
{
    size_t h = strlen(dict) + 1;
    *len = 10 + h + extra;
    uint8_t *b = calloc(1, *len);
    memcpy(b, "\x93NUMPY\x01\x00", 8);
    b[8] = (uint8_t)h;
    b[9] = (uint8_t)(h >> 8);
    memcpy(b + 10, dict, h - 1);
    b[10 + h - 1] = '\n';
    return b;
}

static void rejects(const char *dict, size_t extra, const char *msg)
{
    size_t len;
    uint8_t *b = make_npy(dict, extra, &len);
    npy_array a;
    mcn_err e = {0};
    ck_assert_int_eq(npy_load_mem(b, len, &a, &e), -1);
    ck_assert_str_eq(e.msg, msg);
    ck_assert_ptr_null(a.data);
    free(b);
}

START_TEST(bad_files_are_rejected)
{
    const char *ok = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,)}";
    size_t len;
    uint8_t *b = make_npy(ok, 8, &len);
    npy_array a;
    mcn_err e = {0};
    ck_assert_int_eq(npy_load_mem(b, len, &a, NULL), 0);
    npy_free(&a);
    ck_assert_int_eq(npy_load_mem(b, len - 1, &a, &e), -1);
    ck_assert_str_eq(e.msg, ".npy data is 7 bytes, its shape needs 8");
    ck_assert_int_eq(npy_load_mem(b, 20, &a, &e), -1);
    ck_assert_str_eq(e.msg, "truncated .npy header");
    b[1] = 'M';
    ck_assert_int_eq(npy_load_mem(b, len, &a, &e), -1);
    ck_assert_str_eq(e.msg, "not a .npy file (bad magic)");
    b[1] = 'N';
    b[6] = 4;
    ck_assert_int_eq(npy_load_mem(b, len, &a, &e), -1);
    ck_assert_str_eq(e.msg, "unsupported .npy version 4.0");
    free(b);

    rejects("{'descr': '<f4', 'fortran_order': True, 'shape': (2,)}", 8,
            "Fortran-order .npy data not supported");
    rejects("{'descr': '>f4', 'fortran_order': False, 'shape': (2,)}", 8,
            "big-endian .npy data ('>f4') not supported");
    rejects("{'descr': '<c8', 'fortran_order': False, 'shape': (2,)}", 16,
            "unsupported .npy dtype '<c8'");
    rejects("{'descr': '<f4', 'fortran_order': False, 'shape': (-2,)}", 8,
            "bad .npy header: negative dimension");
    rejects("{'descr': '|u1', 'fortran_order': False, "
            "'shape': (99999999999999999999,)}", 0,
            "bad .npy header: dimension too large");
    rejects("{'descr': '|u1', 'fortran_order': False, "
            "'shape': (4294967296, 4294967296)}", 0,
            ".npy shape too large");
    rejects("{'descr': '<f4', 'fortran_order': False}", 0,
            "bad .npy header: missing 'shape'");
    rejects("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), "
            "'x': 1}", 8, "bad .npy header: unexpected key 'x'");
    rejects("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False}", 8,
            "bad .npy header: repeated key 'descr'");
    rejects("{'descr': '<f4', 'fortran_order': False, 'shape': (2,)} x", 8,
            "bad .npy header: text after the dict");
    rejects("{'descr': '<f4', 'fortran_order': False, 'shape': (2 3)}", 8,
            "bad .npy header: bad 'shape'");
}
END_TEST

/* Versions 2.0 and 3.0 differ only in a u32 header length. */
START_TEST(versions_2_and_3_load)
{
    const char *dict = "{'descr': '<i2', 'fortran_order': False, "
                       "'shape': (1, 2), }";
    size_t h = strlen(dict) + 1;
    for (int v = 2; v <= 3; v++) {
        uint8_t b[128] = "\x93NUMPY";
        b[6] = (uint8_t)v;
        b[8] = (uint8_t)h;
        memcpy(b + 12, dict, h - 1);
        b[12 + h - 1] = '\n';
        int16_t d[2] = {-300, 7};
        memcpy(b + 12 + h, d, 4);
        npy_array a;
        mcn_err e = {0};
        ck_assert_msg(npy_load_mem(b, 12 + h + 4, &a, &e) == 0, "%s", e.msg);
        ck_assert_int_eq(a.dtype, NPY_I16);
        ck_assert_int_eq(((int16_t *)a.data)[0], -300);
        float *f = npy_to_f32(&a, &e);
        ck_assert_float_eq(f[0], -300.0f);
        ck_assert_float_eq(f[1], 7.0f);
        free(f);
        npy_free(&a);
    }
}
END_TEST

Suite *suite_npy(void)
{
    Suite *s = suite_create("npy");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, every_dtype_round_trips);
    tcase_add_test(tc, header_bytes_are_numpys);
    tcase_add_test(tc, numpy_files_load);
    tcase_add_test(tc, bad_files_are_rejected);
    tcase_add_test(tc, versions_2_and_3_load);
    suite_add_tcase(s, tc);
    return s;
}
