/*
** png.c: see png.h. One pass over the chunks: IHDR sizes everything, the
** IDAT chunks are fed to one inflate stream as they come, then the rows
** are unfiltered in place and unpacked into the image.
*/
#include "png.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define PNG_SIGNATURE "\x89PNG\r\n\x1a\n"
#define CHUNK_MAX 0x7fffffffu  /* PNG caps chunk lengths at 2^31 - 1 */

enum { GRAY = 0, RGB = 2, PALETTE = 3, GRAY_ALPHA = 4, RGBA = 6 };

typedef struct {
    uint32_t w, h;
    int depth, ctype;
    int stored;          /* samples per pixel in the file */
    size_t row_bytes;    /* one row, without its filter byte */
    uint8_t plte[256 * 3];
    int n_plte;
    uint8_t *raw;        /* h rows of 1 + row_bytes: filter byte, data */
    size_t raw_bytes;
    z_stream z;
    bool inflating, done;
} png_state;

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
           (uint32_t)p[2] << 8 | p[3];
}

static bool depth_allowed(int ctype, int depth)
{
    switch (ctype) {
    case GRAY: return depth == 1 || depth == 2 || depth == 4 ||
                      depth == 8 || depth == 16;
    case PALETTE: return depth == 1 || depth == 2 || depth == 4 ||
                         depth == 8;
    case RGB: case GRAY_ALPHA: case RGBA: return depth == 8 || depth == 16;
    }
    return false;
}

static int read_ihdr(png_state *s, const uint8_t *d, uint32_t n,
                     image_u8 *img, mcn_err *e)
{
    if (n != 13)
        return mcn_fail(e, "bad PNG: IHDR is %u bytes, not 13", n);
    s->w = be32(d);
    s->h = be32(d + 4);
    s->depth = d[8];
    s->ctype = d[9];
    if (!s->w || !s->h || s->w > CHUNK_MAX || s->h > CHUNK_MAX)
        return mcn_fail(e, "bad PNG: image size %u x %u", s->w, s->h);
    if (s->ctype > RGBA || s->ctype == 1 || s->ctype == 5)
        return mcn_fail(e, "bad PNG: unknown colour type %d", s->ctype);
    if (!depth_allowed(s->ctype, s->depth))
        return mcn_fail(e, "bad PNG: bit depth %d is not allowed for colour "
                        "type %d", s->depth, s->ctype);
    if (s->depth == 16)
        return mcn_fail(e, "16-bit PNG is not supported (8 bits or fewer "
                        "per sample)");
    if (d[10] != 0 || d[11] != 0)
        return mcn_fail(e, "bad PNG: unknown compression or filter method");
    if (d[12] == 1)
        return mcn_fail(e, "interlaced PNG is not supported");
    if (d[12] != 0)
        return mcn_fail(e, "bad PNG: unknown interlace method %d", d[12]);
    s->stored = s->ctype == RGB ? 3 : s->ctype == GRAY_ALPHA ? 2
              : s->ctype == RGBA ? 4 : 1;
    int out_c = s->ctype == GRAY || s->ctype == GRAY_ALPHA ? 1 : 3;
    /* The rows as stored are bounded as well as the image: RGBA stores a
       third more than the RGB it gives, a palette a third of it. */
    if (!image_bytes(s->h, s->w, (uint64_t)s->stored, "PNG", e) ||
        image_alloc(img, s->h, s->w, out_c, "PNG", e))
        return -1;
    s->row_bytes = ((size_t)s->w * (size_t)s->stored * (size_t)s->depth +
                    7) / 8;
    s->raw_bytes = (size_t)s->h * (s->row_bytes + 1);
    s->raw = malloc(s->raw_bytes);
    if (!s->raw)
        return mcn_fail(e, "out of memory for a %u x %u PNG", s->w, s->h);
    if (inflateInit(&s->z) != Z_OK)
        return mcn_fail(e, "out of memory starting zlib");
    s->inflating = true;
    s->z.next_out = s->raw;
    s->z.avail_out = (uInt)s->raw_bytes;
    return 0;
}

static int read_plte(png_state *s, const uint8_t *d, uint32_t n,
                     mcn_err *e)
{
    if (s->n_plte)
        return mcn_fail(e, "bad PNG: more than one PLTE chunk");
    if (n == 0 || n % 3 != 0 || n > sizeof s->plte)
        return mcn_fail(e, "bad PNG: PLTE of %u bytes", n);
    memcpy(s->plte, d, n);
    s->n_plte = (int)(n / 3);
    return 0;
}

/* One IDAT chunk into the stream; what follows its end is an error. */
static int read_idat(png_state *s, const uint8_t *d, uint32_t n,
                     mcn_err *e)
{
    if (s->ctype == PALETTE && !s->n_plte)
        return mcn_fail(e, "bad PNG: palette image without a PLTE chunk");
    s->z.next_in = (Bytef *)(uintptr_t)d;
    s->z.avail_in = n;
    while (s->z.avail_in > 0) {
        if (s->done)
            return mcn_fail(e, "bad PNG: data after the end of the image's "
                            "zlib stream");
        int rc = inflate(&s->z, Z_NO_FLUSH);
        if (rc == Z_STREAM_END)
            s->done = true;
        else if (rc == Z_BUF_ERROR && s->z.avail_out == 0)
            return mcn_fail(e, "bad PNG: the image data inflates to more "
                            "than its %zu bytes", s->raw_bytes);
        else if (rc != Z_OK)
            return mcn_fail(e, "bad PNG: corrupt image data (zlib: %s)",
                            s->z.msg ? s->z.msg : zError(rc));
    }
    return 0;
}

static int paeth(int a, int b, int c)
{
    int p = a + b - c;
    int pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);
    return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/* Undo each row's filter in place; bpp is the byte distance to the
   corresponding byte of the pixel on the left (1 below 8 bits). */
static int unfilter(png_state *s, mcn_err *e)
{
    size_t bpp = ((size_t)s->stored * (size_t)s->depth + 7) / 8;
    const uint8_t *prev = NULL;
    for (uint32_t y = 0; y < s->h; y++) {
        uint8_t *row = s->raw + (size_t)y * (s->row_bytes + 1);
        int f = row[0];
        uint8_t *cur = row + 1;
        if (f > 4)
            return mcn_fail(e, "bad PNG: unknown filter type %d on row %u",
                            f, y);
        for (size_t i = 0; f && i < s->row_bytes; i++) {
            int a = i >= bpp ? cur[i - bpp] : 0;
            int b = prev ? prev[i] : 0;
            int c = prev && i >= bpp ? prev[i - bpp] : 0;
            int p = f == 1 ? a : f == 2 ? b : f == 3 ? (a + b) / 2
                                                     : paeth(a, b, c);
            cur[i] = (uint8_t)(cur[i] + p);
        }
        prev = cur;
    }
    return 0;
}

/* The unfiltered rows into the image: samples unpacked, gray scaled to
   8 bits, palette looked up, alpha left behind. */
static int unpack(const png_state *s, image_u8 *img, mcn_err *e)
{
    int d = s->depth, max = (1 << d) - 1;
    for (uint32_t y = 0; y < s->h; y++) {
        const uint8_t *row = s->raw + (size_t)y * (s->row_bytes + 1) + 1;
        uint8_t *out = img->data + (size_t)y * s->w * (size_t)img->c;
        for (uint32_t x = 0; x < s->w; x++, out += img->c) {
            if (d == 8 && s->ctype != PALETTE) {
                memcpy(out, row + (size_t)x * (size_t)s->stored,
                       (size_t)img->c);
                continue;
            }
            size_t bit = (size_t)x * (size_t)d;
            int v = row[bit / 8] >> (8 - d - (int)(bit % 8)) & max;
            if (s->ctype == GRAY) {
                out[0] = (uint8_t)(v * 255 / max);
                continue;
            }
            if (v >= s->n_plte)
                return mcn_fail(e, "bad PNG: palette index %d at (%u, %u) "
                                "is past its %d colours", v, x, y,
                                s->n_plte);
            memcpy(out, s->plte + 3 * v, 3);
        }
    }
    return 0;
}

/* The chunk at buf[at], whole and with a good CRC, or an error. */
static int chunk_at(const uint8_t *buf, size_t len, size_t at, uint32_t *n,
                    char type[5], mcn_err *e)
{
    if (len - at < 12)
        return mcn_fail(e, "truncated PNG: it ends before its IEND chunk");
    *n = be32(buf + at);
    memcpy(type, buf + at + 4, 4);
    type[4] = '\0';
    for (int i = 0; i < 4; i++)
        if (!((type[i] >= 'A' && type[i] <= 'Z') ||
              (type[i] >= 'a' && type[i] <= 'z')))
            return mcn_fail(e, "bad PNG: a chunk type that is not 4 "
                            "letters at byte %zu", at + 4);
    if (*n > CHUNK_MAX || *n > len - at - 12)
        return mcn_fail(e, "truncated PNG: chunk '%s' runs past the end of "
                        "the file", type);
    uLong crc = crc32(0L, buf + at + 4, 4);
    if (*n)
        crc = crc32(crc, buf + at + 8, *n);
    if (crc != be32(buf + at + 8 + *n))
        return mcn_fail(e, "bad CRC in PNG chunk '%s'", type);
    return 0;
}

static int decode(png_state *s, const uint8_t *buf, size_t len,
                  image_u8 *img, mcn_err *e)
{
    if (len < 8 || memcmp(buf, PNG_SIGNATURE, 8) != 0)
        return mcn_fail(e, "not a PNG file (bad signature)");
    bool have_idat = false;
    for (size_t at = 8;;) {
        uint32_t n = 0;
        char type[5];
        if (chunk_at(buf, len, at, &n, type, e))
            return -1;
        const uint8_t *d = buf + at + 8;
        at += 12 + (size_t)n;
        bool first = !s->inflating;
        if (first != !strcmp(type, "IHDR"))
            return mcn_fail(e, first ? "bad PNG: the first chunk is '%s', "
                                       "not IHDR"
                                     : "bad PNG: a second IHDR chunk", type);
        if (first) {
            if (read_ihdr(s, d, n, img, e))
                return -1;
        } else if (!strcmp(type, "PLTE")) {
            if (have_idat)
                return mcn_fail(e, "bad PNG: PLTE after the image data");
            if (read_plte(s, d, n, e))
                return -1;
        } else if (!strcmp(type, "IDAT")) {
            have_idat = true;
            if (read_idat(s, d, n, e))
                return -1;
        } else if (!strcmp(type, "IEND")) {
            break;
        } else if (!(type[0] & 0x20)) {  /* upper case: critical */
            return mcn_fail(e, "unsupported critical PNG chunk '%s'", type);
        }
    }
    if (!have_idat)
        return mcn_fail(e, "bad PNG: no image data (IDAT)");
    if (!s->done)
        return mcn_fail(e, "truncated PNG: the image data ends after %lu "
                        "of %zu bytes", s->z.total_out, s->raw_bytes);
    if (s->z.total_out != s->raw_bytes)
        return mcn_fail(e, "bad PNG: the image data is %lu bytes, its size "
                        "needs %zu", s->z.total_out, s->raw_bytes);
    return unfilter(s, e) || unpack(s, img, e) ? -1 : 0;
}

int png_decode(const uint8_t *buf, size_t len, image_u8 *img, mcn_err *e)
{
    png_state s;
    memset(&s, 0, sizeof s);
    memset(img, 0, sizeof *img);
    int rc = decode(&s, buf, len, img, e);
    if (s.inflating)
        inflateEnd(&s.z);
    free(s.raw);
    if (rc)
        image_free(img);
    return rc;
}
