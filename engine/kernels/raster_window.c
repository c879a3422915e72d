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

mcn_k_window mcn_k_raster_window(const mcn_k_raster *r)
{
    mcn_k_window w = {MCN_K_WINDOW_MIN, INT64_MAX};
    const int64_t op = r->out_pixel;
    /* The least ch(oc + 1) - oc over the bytes before a pixel's last. */
    int64_t inner = INT64_MAX;
    for (int32_t oc = 0; oc + 1 < r->out_pixel; oc++)
        inner = min64(inner, (int64_t)((oc + 1) / r->group_out) *
                                 r->group_in - oc);
    int64_t q = 0;
    for (int32_t b = 0; b < r->n; b++) {
        for (int32_t oy = 0; oy < r->out_h; oy++) {
            int64_t next_row = oy + 1 < r->out_h ? corner(r, b, oy + 1, 0)
                               : b + 1 < r->n    ? corner(r, b + 1, 0, 0)
                                                 : INT64_MAX;
            int64_t c = corner(r, b, oy, 0);
            for (int32_t ox = 0; ox < r->out_w; ox++, q++) {
                int64_t next = ox + 1 < r->out_w ? corner(r, b, oy, ox + 1)
                                                 : INT64_MAX;
                int64_t after = min64(next, next_row);
                if (after != INT64_MAX)
                    w.hi = min64(w.hi, after - (q + 1) * op);
                if (inner != INT64_MAX)
                    w.hi = min64(w.hi, c - 1 - q * op + inner);
                c = next;
            }
        }
    }
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
