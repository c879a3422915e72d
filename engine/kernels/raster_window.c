/*
** raster_window.c: the overlap windows (mcn_kernels.h) of the kernels
** that write in raster order, and of the element-wise ones.
**
** A write at output byte w is safe at offset d when w + d lies below every
** input byte read after it. Pixel q = (b, oy, ox) reads nothing below its
** window's corner c(q) (rows and columns clipped at 0: a tap in the
** padding reads nothing; clipped at the far edge too, where a window
** reads nothing at all). Corners grow along a row, and a later row's
** corners are no lower than its own first one, so everything read after
** pixel q lies at or above after(q) = min(c(q + 1) if in the same row,
** c(first pixel of the next row)). Within pixel q, byte oc is followed by
** the reads for bytes oc + 1.., at or above c(q) + ch(oc + 1) with
** ch(j) = (j / group_out) * group_in. So, over every pixel q:
**   d <= after(q) - (q + 1) * out_pixel               (its last byte)
**   d <= c(q) - 1 - q * out_pixel + min over oc < out_pixel - 1 of
**        (ch(oc + 1) - oc)                             (the others)
** These are upper bounds only: an output that starts further before the
** input is safer still, so lo is unbounded.
*/
#include "mcn_kernels.h"

mcn_k_window mcn_k_elementwise_window(void)
{
    mcn_k_window w = {MCN_K_WINDOW_MIN, 0};
    return w;
}

mcn_k_window mcn_k_disjoint_window(void)
{
    mcn_k_window w = {1, 0};
    return w;
}

static int64_t clip(int64_t v, int64_t hi)
{
    return v < 0 ? 0 : v > hi ? hi : v;
}

static int64_t corner(const mcn_k_raster *r, int32_t b, int32_t oy,
                      int32_t ox)
{
    int64_t y = clip((int64_t)oy * r->stride_h - r->pad_top, r->in_h);
    int64_t x = clip((int64_t)ox * r->stride_w - r->pad_left, r->in_w);
    return (((int64_t)b * r->in_h + y) * r->in_w + x) * r->in_pixel;
}

static int64_t min64(int64_t a, int64_t b)
{
    return a < b ? a : b;
}

/* The pixel terms above for pixel (b, oy, ox), into w.hi. */
static void pixel_bound(const mcn_k_raster *r, int64_t inner, int32_t b,
                        int32_t oy, int32_t ox, mcn_k_window *w)
{
    const int64_t op = r->out_pixel;
    int64_t q = ((int64_t)b * r->out_h + oy) * r->out_w + ox;
    int64_t next_row = oy + 1 < r->out_h ? corner(r, b, oy + 1, 0)
                       : b + 1 < r->n    ? corner(r, b + 1, 0, 0)
                                         : INT64_MAX;
    int64_t next = ox + 1 < r->out_w ? corner(r, b, oy, ox + 1) : INT64_MAX;
    int64_t after = min64(next, next_row);
    if (after != INT64_MAX)
        w->hi = min64(w->hi, after - (q + 1) * op);
    if (inner != INT64_MAX)
        w->hi = min64(w->hi, corner(r, b, oy, ox) - 1 - q * op + inner);
}

#define MAX_PICKS 24

static int pick(int32_t *at, int n, int64_t v, int32_t count)
{
    if (v < 0 || v >= count)
        return n;
    for (int i = 0; i < n; i++)
        if (at[i] == v)
            return n;
    at[n] = (int32_t)v;
    return n + 1;
}

/* The coordinates along one axis where a pixel term can be least. Every
   term is a sum of one part per axis (corner() and q are), each part
   linear in its coordinate except where the corner is clipped (below the
   first tap at 0, past the far edge) or where the next pixel or row
   wraps: the least over a box is at the ends of those pieces. So: the
   first two and last two coordinates, and two either side of each
   clipping point (the pixel and its successor both clip there). */
static int axis_picks(int32_t count, int32_t stride, int32_t pad,
                      int32_t in, int32_t *at)
{
    int n = 0;
    int64_t s = stride > 0 ? stride : 1;
    int64_t lo = ((int64_t)pad + s - 1) / s, hi = ((int64_t)in + pad) / s;
    int64_t marks[4] = {0, (int64_t)count - 1, lo, hi};
    for (int m = 0; m < 4; m++)
        for (int64_t d = -2; d <= 2; d++)
            n = pick(at, n, marks[m] + d, count);
    return n;
}

mcn_k_window mcn_k_raster_window(const mcn_k_raster *r)
{
    mcn_k_window w = {MCN_K_WINDOW_MIN, INT64_MAX};
    /* The least ch(oc + 1) - oc over the bytes before a pixel's last:
       (j / group_out) * group_in - j + 1 over j = oc + 1 in 1 ..
       out_pixel - 1 is least at the last j of each group's run, so at
       j = k * group_out - 1 or the last j. */
    int64_t inner = INT64_MAX;
    int32_t go = r->group_out > 0 ? r->group_out : 1;
    for (int64_t j = go - 1; j <= (int64_t)r->out_pixel - 1; j += go)
        if (j >= 1)
            inner = min64(inner, j / go * r->group_in - j + 1);
    if (r->out_pixel - 1 >= 1) {
        int64_t j = r->out_pixel - 1;
        inner = min64(inner, j / go * r->group_in - j + 1);
    }
    int32_t bs[MAX_PICKS], ys[MAX_PICKS], xs[MAX_PICKS];
    int nb = axis_picks(r->n, 1, 0, 0, bs);
    int ny = axis_picks(r->out_h, r->stride_h, r->pad_top, r->in_h, ys);
    int nx = axis_picks(r->out_w, r->stride_w, r->pad_left, r->in_w, xs);
    for (int i = 0; i < nb; i++)
        for (int j = 0; j < ny; j++)
            for (int k = 0; k < nx; k++)
                pixel_bound(r, inner, bs[i], ys[j], xs[k], &w);
    return w;
}

/* Blocks of `block` pixels, as the im2col kernels run them: a block's
   reads all before its writes, which may come in any order. The last
   block's writes follow every read; any other's last byte, at
   (q + 1) * out_pixel - 1 for its last pixel q, must stay below
   after(q). */
mcn_k_window mcn_k_raster_block_window(const mcn_k_raster *r, int32_t block)
{
    mcn_k_window w = {MCN_K_WINDOW_MIN, INT64_MAX};
    const int64_t op = r->out_pixel;
    int64_t q = 0;
    for (int32_t b = 0; b < r->n; b++) {
        for (int32_t oy = 0; oy < r->out_h; oy++) {
            int64_t next_row = oy + 1 < r->out_h ? corner(r, b, oy + 1, 0)
                               : b + 1 < r->n    ? corner(r, b + 1, 0, 0)
                                                 : INT64_MAX;
            for (int32_t ox = 0; ox < r->out_w; ox++, q++) {
                if ((q + 1) % block != 0)
                    continue;
                int64_t next = ox + 1 < r->out_w ? corner(r, b, oy, ox + 1)
                                                 : INT64_MAX;
                int64_t after = min64(next, next_row);
                if (after != INT64_MAX)
                    w.hi = min64(w.hi, after - (q + 1) * op);
            }
        }
    }
    return w;
}

mcn_k_window mcn_k_pool_s8_overlap(const mcn_k_pool_params *p)
{
    mcn_k_raster r = {
        p->input.n, p->input.h, p->input.w, p->input.c,
        p->output.h, p->output.w, p->output.c,
        p->stride_h, p->stride_w, p->pad_top, p->pad_left, 1, 1};
    return mcn_k_raster_window(&r);
}
