/*
** dwconv_plane.h: what the planar DEPTHWISE_CONV_2D kernels share
** (dwconv_plane.c): the scratch layout, the staging of one channel's
** input as an int16 plane, the requantization and the loop over channels.
** A kernel brings the arithmetic of an output row (dw_ops). C99,
** freestanding; engine-internal.
**
** The kernels take depth_multiplier 1, no dilation, filters up to
** DW_MAX_K x DW_MAX_K, any padding and stride, multipliers >= 0. One
** channel at a time, as TinyEngine does: the channel's input rows are
** staged (every C-th byte, as int16) with the padding filled with the
** input zero point, so that with the input offset folded into the bias
** (mcn_k_fold_input_offset) a padding tap adds w * zp - w * zp = 0; the
** sums of an output row are then requantized into every C-th byte of the
** output. Output channel c lands only on input slots of channel c, which
** are staged first: the output may overwrite the input in place
** (mcn_k_dwconv_plane_overlap says when).
*/
#ifndef MCN_DWCONV_PLANE_H
#define MCN_DWCONV_PLANE_H

#include <stdint.h>

#include "mcn_kernels.h"

#define DW_MAX_K 8

/* The plane's orientation and where everything sits in the scratch, from
   the parameters alone (so the packer and the engine agree). A plane row
   is an image row, or, transposed, an image column (a tall narrow image
   then gives long rows); every field below is in the plane's terms. */
typedef struct {
    int32_t transposed;
    int32_t ih, iw, oh, ow;      /* input and output rows, columns */
    int32_t kh, kw, sh, sw;      /* filter rows, columns; strides */
    int32_t pt, pl;              /* padding above, to the left */
    int32_t in_row, in_col;      /* bytes between input rows, columns */
    int32_t out_row, out_col;    /* bytes between output rows, columns */
    int32_t t_row, t_col;        /* filter taps between rows, columns */
    int32_t ps;                  /* int16 per staged row, even */
    int32_t ph;                  /* staged rows read: (oh-1)*sh + kh */
    int32_t x1;                  /* input columns staged: [0, x1) */
    int32_t whole;               /* 1: a channel's rows are staged at once */
    int32_t ring;                /* staged rows kept: ph, or kh */
    int32_t sums;                /* int32 sums in the scratch */
    int32_t wt_words;            /* one channel's weights: kh * ceil(kw/2) */
    int64_t bytes;               /* the scratch */
} dw_geom;

/* A kernel's arithmetic. `weights` lays out one channel's taps (w, the
   [KH][KW] taps of the image; plane tap (r, k) is w[r * t_row + k *
   t_col]), each times 2^sh, in g->wt_words words at wt. `row` adds the
   taps of one output row from the plane rows rows[0 .. kh-1] (staged
   row r holds input column x at rows[r][x]; columns past the input's
   hold the zero point) to bias, into acc[0 .. ow-1]. `plane`, when not
   NULL, does that for every output row of a plane staged whole (g->whole;
   output row oy reads rows plane + (oy * sh + r) * ps, its sums at acc +
   oy * ow) for the 3x3 filters (mcn_dw_is3x3). */
typedef struct {
    void (*weights)(const dw_geom *g, const int8_t *w, int32_t sh,
                    uint32_t *wt);
    void (*row)(const dw_geom *g, const int16_t *const *rows,
                const uint32_t *wt, int32_t bias, int32_t *acc);
    void (*plane)(const dw_geom *g, const int16_t *plane, const uint32_t *wt,
                  int32_t bias, int32_t *acc);
} dw_ops;

/* The kernels' applies, scratch_bytes, layout and overlap are
   mcn_k_dwconv_plane_* (mcn_kernels.h). */
void mcn_dw_geometry(const mcn_k_conv_params *p, dw_geom *g);
/* The whole operator with the kernel's arithmetic. */
void mcn_dw_run(const mcn_k_conv_params *p, const dw_ops *ops);

/* 3x3 with the plane's stride_w 1 or 2: the shape kernels unroll. */
static inline int mcn_dw_is3x3(const dw_geom *g)
{
    return g->kh == 3 && g->kw == 3 && g->sw <= 2;
}

#endif
