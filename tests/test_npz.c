/* test_npz.c: .npz archives through their central directory: stored and
   deflated members, names with and without ".npy", NumPy's zip64 local
   headers, archives Python's zipfile and Info-ZIP wrote
   (tests/data/calib), and every refusal with its message. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "npz.h"
#include "test_calib_util.h"
#include "testutil.h"

#define CALIB_DATA TU_SRC("tests/data/calib/")

static const uint8_t x_vals[8] = {0, 30, 60, 90, 120, 150, 180, 210};
static const float y_vals[3] = {0.5f, -1.0f, 2.0f};

/* The .npy bytes of x: uint8 (2, 1, 2, 2), and of y: float32 (3,). */
static uint8_t *x_npy(size_t *n)
{
    npy_array a = {NPY_U8, 4, {2, 1, 2, 2}, (void *)x_vals, 8};
    return cu_npy_bytes(tu_scratch, &a, n);
}

static uint8_t *y_npy(size_t *n)
{
    npy_array a = {NPY_F32, 1, {3}, (void *)y_vals, 12};
    return cu_npy_bytes(tu_scratch, &a, n);
}

static void is_x(const npy_array *a)
{
    ck_assert_int_eq(a->dtype, NPY_U8);
    ck_assert_int_eq(a->rank, 4);
    const int64_t shape[4] = {2, 1, 2, 2};
    ck_assert_mem_eq(a->shape, shape, sizeof shape);
    ck_assert_mem_eq(a->data, x_vals, 8);
}

static void is_y(const npy_array *a)
{
    ck_assert_int_eq(a->dtype, NPY_F32);
    ck_assert_int_eq(a->rank, 1);
    ck_assert_int_eq(a->shape[0], 3);
    ck_assert_mem_eq(a->data, y_vals, 12);
}

START_TEST(stored_and_deflated)
{
    size_t xn, yn;
    uint8_t *x = x_npy(&xn), *y = y_npy(&yn);
    for (int method = 0; method <= 8; method += 8)
        for (int z64 = 0; z64 <= 1; z64++) {
            cu_zip_member m[2] = {
                {"x.npy", x, xn, method, 0, false, z64},
                {"y.npy", y, yn, 8 - method, 0, false, z64},
            };
            size_t n;
            uint8_t *zip = cu_zip(m, 2, z64 ? "an archive comment" : NULL,
                                  &n);
            npz_archive z;
            mcn_err e = {0};
            ck_assert_msg(npz_open(&z, zip, n, &e) == 0, "%s", e.msg);
            ck_assert_int_eq(z.n, 2);
            ck_assert_str_eq(z.members[0].name, "x.npy");
            ck_assert_int_eq(z.members[0].method, method);
            ck_assert_int_eq(z.members[1].method, 8 - method);
            npy_array a;
            ck_assert_msg(npz_read(&z, 0, &a, &e) == 0, "%s", e.msg);
            is_x(&a);
            npy_free(&a);
            ck_assert_msg(npz_read(&z, 1, &a, &e) == 0, "%s", e.msg);
            is_y(&a);
            npy_free(&a);
            npz_close(&z);
            free(zip);
        }
    free(x);
    free(y);
}
END_TEST

/* NumPy's z[key]: the stored name first, then key + ".npy". */
START_TEST(members_by_key)
{
    size_t xn, yn;
    uint8_t *x = x_npy(&xn), *y = y_npy(&yn);
    cu_zip_member m[4] = {
        {"x.npy", x, xn, 8, 0, false, false},
        {"y.npy", y, yn, 0, 0, false, false},
        {"plain", y, yn, 0, 0, false, false},
        {"y.npy.npy", x, xn, 0, 0, false, false},
    };
    size_t n;
    uint8_t *zip = cu_zip(m, 4, NULL, &n);
    npz_archive z;
    mcn_err e = {0};
    ck_assert_msg(npz_open(&z, zip, n, &e) == 0, "%s", e.msg);
    ck_assert_int_eq(npz_find(&z, "x"), 0);
    ck_assert_int_eq(npz_find(&z, "x.npy"), 0);
    ck_assert_int_eq(npz_find(&z, "y"), 1);
    ck_assert_int_eq(npz_find(&z, "y.npy"), 1);   /* not y.npy.npy */
    ck_assert_int_eq(npz_find(&z, "plain"), 2);
    ck_assert_int_eq(npz_find(&z, "y.npy.npy"), 3);
    ck_assert_int_eq(npz_find(&z, "z"), -1);
    ck_assert_int_eq(npz_find(&z, "x.np"), -1);
    ck_assert_int_eq(npz_find(&z, ""), -1);
    ck_assert_uint_eq(npz_key_len(&z.members[0]), 1);
    ck_assert_uint_eq(npz_key_len(&z.members[2]), 5);
    ck_assert_uint_eq(npz_key_len(&z.members[3]), 5);
    npz_close(&z);
    free(zip);
    free(x);
    free(y);
}
END_TEST

START_TEST(archives_other_tools_wrote)
{
    static const char *const files[2] = {"savez_compressed.npz",
                                         "infozip.npz"};
    static const int x_method[2] = {8, 0};
    for (int f = 0; f < 2; f++) {
        char path[512];
        snprintf(path, sizeof path, "%s%s", CALIB_DATA, files[f]);
        size_t n;
        uint8_t *buf = tu_read_file(path, &n);
        ck_assert_ptr_nonnull(buf);
        npz_archive z;
        mcn_err e = {0};
        ck_assert_msg(npz_open(&z, buf, n, &e) == 0, "%s", e.msg);
        ck_assert_int_eq(z.n, 2);
        ck_assert_int_eq(z.members[0].method, x_method[f]);
        ck_assert_int_eq(z.members[1].method, 8);
        npy_array a;
        ck_assert_msg(npz_read(&z, npz_find(&z, "x"), &a, &e) == 0, "%s",
                      e.msg);
        is_x(&a);
        npy_free(&a);
        ck_assert_msg(npz_read(&z, npz_find(&z, "y"), &a, &e) == 0, "%s",
                      e.msg);
        is_y(&a);
        npy_free(&a);
        npz_close(&z);
        free(buf);
    }
}
END_TEST

static void open_refuses(const uint8_t *buf, size_t n, const char *msg)
{
    npz_archive z;
    mcn_err e = {0};
    ck_assert_int_eq(npz_open(&z, buf, n, &e), -1);
    ck_assert_str_eq(e.msg, msg);
    ck_assert_int_eq(z.n, 0);
}

static void read_refuses(const uint8_t *buf, size_t n, const char *msg)
{
    npz_archive z;
    mcn_err e = {0};
    ck_assert_msg(npz_open(&z, buf, n, &e) == 0, "%s", e.msg);
    npy_array a;
    ck_assert_int_eq(npz_read(&z, 0, &a, &e), -1);
    ck_assert_str_eq(e.msg, msg);
    ck_assert_ptr_null(a.data);
    npz_close(&z);
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)v);
    put16(p + 2, (uint16_t)(v >> 16));
}

/* A one-member archive of x (method, flags, CRC as given). */
static uint8_t *one(int method, uint16_t flags, bool bad_crc, size_t *n)
{
    size_t xn;
    uint8_t *x = x_npy(&xn);
    cu_zip_member m = {"x.npy", x, xn, method, flags, bad_crc, false};
    uint8_t *zip = cu_zip(&m, 1, NULL, n);
    free(x);
    return zip;
}

START_TEST(archives_refused)
{
    open_refuses((const uint8_t *)"\x93NUMPY", 6,
                 "not a .npz file (no ZIP end of central directory)");
    size_t n;
    uint8_t *zip = one(8, 0, false, &n);
    open_refuses(zip, n - 1, "truncated .npz: no ZIP end of central "
                 "directory");
    uint8_t *end = zip + n - 22, *dir = zip + (end[16] | end[17] << 8);
    put16(end + 10, 0xffff);
    open_refuses(zip, n, "zip64 .npz archives are not supported");
    put16(end + 10, 1);
    put16(end + 4, 1);
    open_refuses(zip, n, "multi-disk ZIP archives are not supported");
    put16(end + 4, 0);
    put32(end + 16, (uint32_t)n);
    open_refuses(zip, n, "bad .npz: the central directory (51 bytes at "
                 "191) is not before its end record at 169");
    put32(end + 16, (uint32_t)(dir - zip));
    put32(dir + 24, 0xffffffff);
    open_refuses(zip, n, "zip64 .npz archives are not supported (member 0 "
                 "is over 4 GiB or past 4 GiB)");
    put32(dir + 24, 136);
    dir[0] = 'Q';
    open_refuses(zip, n, "bad .npz: central directory entry 0 is damaged");
    dir[0] = 'P';
    put16(dir + 28, 200);
    open_refuses(zip, n, "bad .npz: central directory entry 0 runs past "
                 "the directory");
    put16(dir + 28, 5);
    dir[46 + 1] = '\0';
    open_refuses(zip, n, "bad .npz: member 0's name holds a NUL");
    free(zip);

    /* a zip64 end-of-directory locator before the end record */
    cu_buf b = {0};
    cu_put_le32(&b, 0x07064b50);
    cu_put(&b, "\0\0\0\0\0\0\0\0\0\0\0\0\1\0\0\0", 16);
    cu_put_le32(&b, 0x06054b50);
    cu_put(&b, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 18);
    open_refuses(b.p, b.n, "zip64 .npz archives are not supported");
    free(b.p);
}
END_TEST

START_TEST(members_refused)
{
    size_t n;
    uint8_t *zip = one(8, 0, true, &n);
    read_refuses(zip, n, "member 'x.npy': bad CRC");
    free(zip);
    zip = one(14, 0, false, &n);
    read_refuses(zip, n, "member 'x.npy' is compressed with method 14; only "
                 "stored (0) and deflated (8) members are supported");
    free(zip);
    zip = one(0, 1, false, &n);
    read_refuses(zip, n, "member 'x.npy' is encrypted; encrypted .npz "
                 "archives are not supported");
    free(zip);

    zip = one(0, 0, false, &n);
    uint8_t *end = zip + n - 22, *dir = zip + (end[16] | end[17] << 8);
    put32(dir + 24, 135);
    read_refuses(zip, n, "member 'x.npy': stored, yet 136 bytes are said to "
                 "give 135");
    put32(dir + 24, 136);
    put32(dir + 42, 1);
    read_refuses(zip, n, "member 'x.npy': no local header where the "
                 "directory puts it");
    put32(dir + 42, 0);
    /* A size no data can give is refused before it is allocated (fuzzing
       found 4 GB asked for by a 400-byte archive). */
    put32(dir + 24, 0xfffffff0u);
    read_refuses(zip, n, "member 'x.npy' claims 4294967280 bytes from 136 "
                 "compressed, more than the data can hold");
    put32(dir + 20, 100000);
    put32(dir + 24, 100000);
    read_refuses(zip, n, "truncated .npz: member 'x.npy' runs past the end "
                 "of the file");
    put32(dir + 20, 136);
    put32(dir + 24, 136);
    zip[35] = 'X';  /* the .npy's magic, CRC matched to it */
    put32(dir + 16, (uint32_t)crc32(0L, zip + 35, 136));
    read_refuses(zip, n, "member 'x.npy': not a .npy file (bad magic)");
    free(zip);

    zip = one(8, 0, false, &n);
    end = zip + n - 22;
    dir = zip + (end[16] | end[17] << 8);
    put32(dir + 24, 137);
    read_refuses(zip, n, "member 'x.npy' inflates to 136 bytes, not the 137 "
                 "its directory entry says");
    put32(dir + 24, 135);
    read_refuses(zip, n, "member 'x.npy' inflates to more than the 135 "
                 "bytes its directory entry says");
    put32(dir + 24, 136);
    uint32_t csize = dir[20] | dir[21] << 8;
    put32(dir + 20, csize - 3);
    read_refuses(zip, n, "member 'x.npy': its deflate data ends early");
    put32(dir + 20, csize);
    zip[35] = 0xff;  /* block type 3 */
    read_refuses(zip, n, "member 'x.npy': corrupt deflate data (zlib: "
                 "invalid block type)");
    free(zip);
}
END_TEST

Suite *suite_npz(void)
{
    Suite *s = suite_create("npz");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, tu_scratch_setup, tu_scratch_teardown);
    tcase_add_test(tc, stored_and_deflated);
    tcase_add_test(tc, members_by_key);
    tcase_add_test(tc, archives_other_tools_wrote);
    tcase_add_test(tc, archives_refused);
    tcase_add_test(tc, members_refused);
    suite_add_tcase(s, tc);
    return s;
}
