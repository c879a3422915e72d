/*
** pnm.c: see pnm.h. The header is magic, width, height, maxval, as
** decimal numbers between blanks and comments; a binary raster starts
** after the one blank that follows maxval.
*/
#include "pnm.h"

#include <stdbool.h>
#include <string.h>

typedef struct {
    const uint8_t *p, *end;
    const uint8_t *start;
} cursor;

static bool is_blank(int ch)
{
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' ||
           ch == '\v' || ch == '\f';
}

/* Blanks and comments (a '#' to the end of its line). */
static void skip_blanks(cursor *c)
{
    while (c->p < c->end) {
        if (*c->p == '#') {
            while (c->p < c->end && *c->p != '\n' && *c->p != '\r')
                c->p++;
        } else if (is_blank(*c->p)) {
            c->p++;
        } else {
            break;
        }
    }
}

/* A decimal number after blanks: 0 and *v, 1 at the end of the data, -1
   on anything else. Numbers past 2^31 - 1 are -1 too. */
static int read_number(cursor *c, uint32_t *v)
{
    skip_blanks(c);
    if (c->p == c->end)
        return 1;
    if (*c->p < '0' || *c->p > '9')
        return -1;
    uint64_t n = 0;
    while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
        n = n * 10 + (uint64_t)(*c->p++ - '0');
        if (n > 0x7fffffff)
            return -1;
    }
    if (c->p < c->end && !is_blank(*c->p) && *c->p != '#')
        return -1;
    *v = (uint32_t)n;
    return 0;
}

static int read_header(cursor *c, uint32_t hdr[3], mcn_err *e)
{
    static const char *const what[3] = {"width", "height", "maxval"};
    for (int i = 0; i < 3; i++) {
        int rc = read_number(c, &hdr[i]);
        if (rc > 0)
            return mcn_fail(e, "truncated PNM header: no %s", what[i]);
        if (rc < 0)
            return mcn_fail(e, "bad PNM header: %s is not a number",
                            what[i]);
    }
    if (!hdr[0] || !hdr[1])
        return mcn_fail(e, "bad PNM header: image size %u x %u", hdr[0],
                        hdr[1]);
    if (hdr[2] == 0 || hdr[2] > 65535)
        return mcn_fail(e, "bad PNM header: maxval %u", hdr[2]);
    if (hdr[2] > 255)
        return mcn_fail(e, "16-bit PNM (maxval %u) is not supported; maxval "
                        "must be 1..255", hdr[2]);
    return 0;
}

static int check_sample(uint32_t v, uint32_t maxval, size_t i, mcn_err *e)
{
    if (v > maxval)
        return mcn_fail(e, "bad PNM: sample %zu is %u, above maxval %u", i,
                        v, maxval);
    return 0;
}

static int read_binary(cursor *c, uint32_t maxval, image_u8 *img,
                       mcn_err *e)
{
    size_t n = (size_t)img->h * (size_t)img->w * (size_t)img->c;
    /* read_number stopped on the blank that ends the header. */
    if (c->p < c->end && !is_blank(*c->p))
        return mcn_fail(e, "bad PNM header: maxval must be followed by one "
                        "blank");
    size_t have = (size_t)(c->end - c->p);
    have = have ? have - 1 : 0;
    if (have < n)
        return mcn_fail(e, "truncated PNM: %zu of %zu bytes of pixels",
                        have, n);
    const uint8_t *px = c->p + 1;
    for (size_t i = 0; i < n; i++)
        if (check_sample(px[i], maxval, i, e))
            return -1;
    memcpy(img->data, px, n);
    return 0;
}

static int read_ascii(cursor *c, uint32_t maxval, image_u8 *img,
                      mcn_err *e)
{
    size_t n = (size_t)img->h * (size_t)img->w * (size_t)img->c;
    for (size_t i = 0; i < n; i++) {
        uint32_t v;
        int rc = read_number(c, &v);
        if (rc > 0)
            return mcn_fail(e, "truncated PNM: %zu of %zu samples", i, n);
        if (rc < 0)
            return mcn_fail(e, "bad PNM: sample %zu is not a number "
                            "(byte %zu)", i, (size_t)(c->p - c->start));
        if (check_sample(v, maxval, i, e))
            return -1;
        img->data[i] = (uint8_t)v;
    }
    return 0;
}

int pnm_decode(const uint8_t *buf, size_t len, image_u8 *img, mcn_err *e)
{
    memset(img, 0, sizeof *img);
    if (len < 2 || buf[0] != 'P' || !strchr("1234567", buf[1]) || !buf[1])
        return mcn_fail(e, "not a PGM or PPM file (bad magic)");
    int kind = buf[1] - '0';
    if (kind == 1 || kind == 4)
        return mcn_fail(e, "PBM bitmaps (P%d) are not supported; use PGM "
                        "or PPM", kind);
    if (kind == 7)
        return mcn_fail(e, "PAM (P7) is not supported; use PGM or PPM");
    cursor c = {buf + 2, buf + len, buf};
    if (c.p < c.end && !is_blank(*c.p) && *c.p != '#')
        return mcn_fail(e, "not a PGM or PPM file (bad magic)");
    uint32_t hdr[3];
    if (read_header(&c, hdr, e))
        return -1;
    bool rgb = kind == 3 || kind == 6, binary = kind >= 5;
    if (image_alloc(img, hdr[1], hdr[0], rgb ? 3 : 1, rgb ? "PPM" : "PGM",
                    e))
        return -1;
    if ((binary ? read_binary : read_ascii)(&c, hdr[2], img, e)) {
        image_free(img);
        return -1;
    }
    return 0;
}
