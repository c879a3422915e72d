/* test_calib_util.c: see test_calib_util.h. No suite of its own. */
#include "test_calib_util.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "testutil.h"

void cu_put(cu_buf *b, const void *data, size_t n)
{
    if (b->n + n > b->cap) {
        b->cap = (b->n + n) * 2 + 64;
        b->p = realloc(b->p, b->cap);
        ck_assert_ptr_nonnull(b->p);
    }
    if (n)
        memcpy(b->p + b->n, data, n);
    b->n += n;
}

void cu_put_be32(cu_buf *b, uint32_t v)
{
    uint8_t q[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8),
                    (uint8_t)v};
    cu_put(b, q, 4);
}

void cu_put_le16(cu_buf *b, uint16_t v)
{
    uint8_t q[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
    cu_put(b, q, 2);
}

void cu_put_le32(cu_buf *b, uint32_t v)
{
    cu_put_le16(b, (uint16_t)v);
    cu_put_le16(b, (uint16_t)(v >> 16));
}

/* ---- PNG ---- */

static int png_channels(int ctype)
{
    return ctype == 2 ? 3 : ctype == 4 ? 2 : ctype == 6 ? 4 : 1;
}

size_t cu_png_row_bytes(const cu_png *p)
{
    return ((size_t)p->w * (size_t)png_channels(p->ctype) *
            (size_t)p->depth + 7) / 8;
}

void cu_png_chunk(cu_buf *b, const char *type, const void *data, size_t n)
{
    cu_put_be32(b, (uint32_t)n);
    size_t at = b->n;
    cu_put(b, type, 4);
    cu_put(b, data, n);
    cu_put_be32(b, (uint32_t)crc32(0L, b->p + at, (uInt)(n + 4)));
}

/* The predictor of PNG's filter types from left, up and up-left. */
static int predict(int f, int a, int b, int c)
{
    int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);
    switch (f) {
    case 1: return a;
    case 2: return b;
    case 3: return (a + b) / 2;
    case 4: return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
    return 0;
}

uint8_t *cu_png_idat_stream(const cu_png *p, size_t *len)
{
    size_t rb = cu_png_row_bytes(p);
    size_t bpp = ((size_t)png_channels(p->ctype) * (size_t)p->depth + 7) / 8;
    size_t n = p->h * (rb + 1);
    uint8_t *f = malloc(n);
    ck_assert_ptr_nonnull(f);
    if (p->prefiltered)
        memcpy(f, p->rows, n);
    for (uint32_t y = 0; y < p->h && !p->prefiltered; y++) {
        const uint8_t *cur = p->rows + y * rb;
        const uint8_t *up = y ? cur - rb : NULL;
        int ft = p->filters ? p->filters[y] : 0;
        uint8_t *o = f + y * (rb + 1);
        o[0] = (uint8_t)ft;
        for (size_t i = 0; i < rb; i++) {
            int a = i >= bpp ? cur[i - bpp] : 0, b = up ? up[i] : 0;
            int c = up && i >= bpp ? up[i - bpp] : 0;
            o[1 + i] = (uint8_t)(cur[i] - predict(ft, a, b, c));
        }
    }
    uLongf zn = compressBound(n);
    uint8_t *z = malloc(zn);
    ck_assert_ptr_nonnull(z);
    ck_assert_int_eq(compress2(z, &zn, f, n, 9), Z_OK);
    free(f);
    *len = zn;
    return z;
}

uint8_t *cu_png_file(const cu_png *p, size_t *len)
{
    cu_buf b = {0};
    cu_put(&b, "\x89PNG\r\n\x1a\n", 8);
    cu_buf ih = {0};
    cu_put_be32(&ih, p->w);
    cu_put_be32(&ih, p->h);
    uint8_t tail[5] = {(uint8_t)p->depth, (uint8_t)p->ctype, 0, 0,
                       (uint8_t)p->interlace};
    cu_put(&ih, tail, 5);
    cu_png_chunk(&b, "IHDR", ih.p, ih.n);
    free(ih.p);
    if (p->n_plte)
        cu_png_chunk(&b, "PLTE", p->plte, 3 * (size_t)p->n_plte);
    size_t zn = p->stream_len;
    uint8_t *z = zn ? NULL : cu_png_idat_stream(p, &zn);
    const uint8_t *s = z ? z : p->stream;
    size_t step = p->idat_split ? p->idat_split : zn;
    for (size_t at = 0; at < zn; at += step)
        cu_png_chunk(&b, "IDAT", s + at, zn - at < step ? zn - at : step);
    free(z);
    cu_png_chunk(&b, "IEND", NULL, 0);
    *len = b.n;
    return b.p;
}

void cu_png_gray_file(const char *path, const uint8_t *px, uint32_t h,
                      uint32_t w, int filter0)
{
    int *filters = malloc(h * sizeof *filters);
    ck_assert_ptr_nonnull(filters);
    for (uint32_t y = 0; y < h; y++)
        filters[y] = (int)((y + (uint32_t)filter0) % 5);
    cu_png p = {.w = w, .h = h, .depth = 8, .rows = px, .filters = filters};
    size_t n;
    uint8_t *f = cu_png_file(&p, &n);
    ck_assert_int_eq(tu_write_file(path, f, n), 0);
    free(f);
    free(filters);
}

/* ---- ZIP ---- */

static uint8_t *raw_deflate(const void *data, size_t n, size_t *out)
{
    z_stream s;
    memset(&s, 0, sizeof s);
    ck_assert_int_eq(deflateInit2(&s, 9, Z_DEFLATED, -MAX_WBITS, 8,
                                  Z_DEFAULT_STRATEGY), Z_OK);
    size_t cap = deflateBound(&s, n);
    uint8_t *z = malloc(cap);
    ck_assert_ptr_nonnull(z);
    s.next_in = (Bytef *)(uintptr_t)data;
    s.avail_in = (uInt)n;
    s.next_out = z;
    s.avail_out = (uInt)cap;
    ck_assert_int_eq(deflate(&s, Z_FINISH), Z_STREAM_END);
    *out = s.total_out;
    deflateEnd(&s);
    return z;
}

uint8_t *cu_zip(const cu_zip_member *m, int n, const char *comment,
                size_t *len)
{
    cu_buf b = {0}, dir = {0};
    for (int i = 0; i < n; i++) {
        size_t csize = m[i].len;
        uint8_t *z = m[i].method == 8
                         ? raw_deflate(m[i].data, m[i].len, &csize)
                         : NULL;
        uint32_t crc = (uint32_t)crc32(0L, m[i].data, (uInt)m[i].len) +
                       (m[i].bad_crc ? 1 : 0);
        uint16_t nlen = (uint16_t)strlen(m[i].name);
        uint32_t offset = (uint32_t)b.n;
        /* local header: version 2.0 (4.5 with zip64), flags, method,
           time, date, crc, sizes, name and extra lengths */
        cu_put_le32(&b, 0x04034b50);
        cu_put_le16(&b, m[i].zip64_extra ? 45 : 20);
        cu_put_le16(&b, m[i].flags);
        cu_put_le16(&b, (uint16_t)m[i].method);
        cu_put_le32(&b, 0x00210000);  /* 1980-01-01 00:00 */
        cu_put_le32(&b, crc);
        cu_put_le32(&b, (uint32_t)csize);
        cu_put_le32(&b, (uint32_t)m[i].len);
        cu_put_le16(&b, nlen);
        cu_put_le16(&b, m[i].zip64_extra ? 20 : 0);
        cu_put(&b, m[i].name, nlen);
        if (m[i].zip64_extra) {
            cu_put_le16(&b, 1);
            cu_put_le16(&b, 16);
            cu_put_le32(&b, (uint32_t)m[i].len);
            cu_put_le32(&b, 0);
            cu_put_le32(&b, (uint32_t)csize);
            cu_put_le32(&b, 0);
        }
        cu_put(&b, z ? z : m[i].data, csize);
        free(z);
        cu_put_le32(&dir, 0x02014b50);
        cu_put_le16(&dir, 20);  /* made by: MS-DOS, 2.0 */
        cu_put_le16(&dir, 20);
        cu_put_le16(&dir, m[i].flags);
        cu_put_le16(&dir, (uint16_t)m[i].method);
        cu_put_le32(&dir, 0x00210000);
        cu_put_le32(&dir, crc);
        cu_put_le32(&dir, (uint32_t)csize);
        cu_put_le32(&dir, (uint32_t)m[i].len);
        cu_put_le16(&dir, nlen);
        cu_put_le16(&dir, 0);   /* extra */
        cu_put_le16(&dir, 0);   /* comment */
        cu_put_le16(&dir, 0);   /* disk */
        cu_put_le16(&dir, 0);   /* internal attributes */
        cu_put_le32(&dir, 0);   /* external attributes */
        cu_put_le32(&dir, offset);
        cu_put(&dir, m[i].name, nlen);
    }
    uint32_t dir_at = (uint32_t)b.n;
    cu_put(&b, dir.p, dir.n);
    size_t clen = comment ? strlen(comment) : 0;
    cu_put_le32(&b, 0x06054b50);
    cu_put_le16(&b, 0);
    cu_put_le16(&b, 0);
    cu_put_le16(&b, (uint16_t)n);
    cu_put_le16(&b, (uint16_t)n);
    cu_put_le32(&b, (uint32_t)dir.n);
    cu_put_le32(&b, dir_at);
    cu_put_le16(&b, (uint16_t)clen);
    cu_put(&b, comment, clen);
    free(dir.p);
    *len = b.n;
    return b.p;
}

/* ---- .npy ---- */

uint8_t *cu_npy_bytes(const char *dir, const npy_array *a, size_t *len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/.cu_tmp.npy", dir);
    mcn_err e;
    ck_assert_msg(npy_save(path, a, &e) == 0, "%s", e.msg);
    uint8_t *b = tu_read_file(path, len);
    ck_assert_ptr_nonnull(b);
    remove(path);
    return b;
}
