/*
** dwconv_plane.c: the planar depthwise kernels' common part
** (dwconv_plane.h): geometry, staging, requantization, the channel loop.
*/
#include "dwconv_plane.h"
#include "mcn_arch.h"
#include "requant.h"

/* A channel whose staged plane and output sums take at most this many
   bytes is staged whole and requantized in one pass (a narrow image
   would spend more on per-row set-up than on its few outputs); bigger
   ones go through a ring of KH staged rows, one output row at a time. */
#define DW_WHOLE_BYTES 4096

/* The plane in one orientation; 0 when it would not be staged whole. */
static int view(const mcn_k_conv_params *p, int transposed, dw_geom *g)
{
    const int32_t c = p->input.c;
    g->transposed = transposed;
    if (!transposed) {
        g->ih = p->input.h, g->iw = p->input.w;
        g->oh = p->output.h, g->ow = p->output.w;
        g->kh = p->filter.h, g->kw = p->filter.w;
        g->sh = p->stride_h, g->sw = p->stride_w;
        g->pt = p->pad_top, g->pl = p->pad_left;
        g->in_row = p->input.w * c, g->in_col = c;
        g->out_row = p->output.w * c, g->out_col = c;
        g->t_row = p->filter.w, g->t_col = 1;
    } else {
        g->ih = p->input.w, g->iw = p->input.h;
        g->oh = p->output.w, g->ow = p->output.h;
        g->kh = p->filter.w, g->kw = p->filter.h;
        g->sh = p->stride_w, g->sw = p->stride_h;
        g->pt = p->pad_left, g->pl = p->pad_top;
        g->in_row = c, g->in_col = p->input.w * c;
        g->out_row = c, g->out_col = p->output.w * c;
        g->t_row = 1, g->t_col = p->filter.w;
    }
    /* Pairs of taps from column (ow - 1) * sw on: ceil(kw / 2) of them,
       which is what 3x3 reads too. */
    int64_t ps = ((int64_t)g->ow - 1) * g->sw + g->kw + 1;
    ps = (ps + 1) & ~(int64_t)1;
    const int64_t ph = ((int64_t)g->oh - 1) * g->sh + g->kh;
    /* The input columns some tap reads; the rest of a row stays zp. */
    int64_t x1 = ((int64_t)g->ow - 1) * g->sw + g->kw - g->pl;
    x1 = x1 < 0 ? 0 : x1 > g->iw ? g->iw : x1;
    const int64_t plane_sums = (int64_t)g->oh * g->ow;
    g->whole = ph * ps * 2 + plane_sums * 4 <= DW_WHOLE_BYTES;
    g->ps = (int32_t)ps;
    g->ph = (int32_t)ph;
    g->x1 = (int32_t)x1;
    g->ring = g->whole ? (int32_t)ph : g->kh;
    g->sums = g->whole ? (int32_t)plane_sums : g->ow;
    /* sums and weights, then (ring) a zero-point row, then the rows */
    g->wt_words = g->kh * ((g->kw + 1) / 2);
    g->bytes = ((int64_t)g->sums + g->wt_words) * 4 +
               ((int64_t)g->ring + !g->whole) * ps * 2;
    return g->whole;
}

/* The orientation: whole over ring, the unrolled 3x3 over any filter,
   then the longer rows (fewer row set-ups). Transposed is only ever
   whole: the ring keeps image rows, which the overlap rule is about. */
void mcn_dw_geometry(const mcn_k_conv_params *p, dw_geom *g)
{
    dw_geom t;
    const int whole = view(p, 0, g);
    if (!view(p, 1, &t))
        return;
    if (!whole || mcn_dw_is3x3(&t) > mcn_dw_is3x3(g) ||
        (mcn_dw_is3x3(&t) == mcn_dw_is3x3(g) && t.ow > g->ow))
        *g = t;
}

int mcn_k_dwconv_plane_applies(const mcn_k_conv_params *p)
{
    if (p->depth_multiplier != 1 || p->input.c != p->output.c ||
        p->dilation_h != 1 || p->dilation_w != 1 ||
        p->filter.h > DW_MAX_K || p->filter.w > DW_MAX_K ||
        !mcn_k_rq_nonneg(&p->rq))
        return 0;
    /* Sizes mcn_init has bounded; keep every plane index, and four
       steps of any stride through the input or output, inside int32. */
    if ((int64_t)p->output.w * p->stride_w > (1 << 20) ||
        (int64_t)p->output.h * p->stride_h > (1 << 20) ||
        (int64_t)p->input.h * p->input.w * p->input.c > (1 << 28) ||
        (int64_t)p->output.h * p->output.w * p->output.c > (1 << 28))
        return 0;
    dw_geom g;
    mcn_dw_geometry(p, &g);
    return g.bytes <= (1 << 24);
}

uint32_t mcn_k_dwconv_plane_scratch_bytes(const mcn_k_conv_params *p)
{
    dw_geom g;
    mcn_dw_geometry(p, &g);
    return (uint32_t)g.bytes;
}

void mcn_k_dwconv_plane_layout(const mcn_k_conv_params *p, int8_t *w,
                               int32_t *bias)
{
    const int32_t taps = p->filter.h * p->filter.w, ch = p->filter.c;
    for (int32_t c = 0; c < ch; c++)
        for (int32_t t = 0; t < taps; t++)
            w[c * taps + t] = p->filter_data[t * ch + c];
    mcn_k_fold_input_offset(p, 1, bias);
}

/* The output may start exactly where the input does (offset 0) when no
   input slot is overwritten before it is staged. Output channel c lands
   on input slots of channel c only, pixel j on pixel j; with OH * OW <=
   H * W a batch lands on earlier batches' slots or on its own, so the
   batches are independent. Staged whole, a channel is read before any of
   it is written. Through the ring: before the rows of output row oy >= 1
   are staged, output rows < oy have covered input pixels < oy * OW, and
   the first row staged then is f = (oy - 1) * sh + KH - pad_top, whose
   pixels start at f * W: for every oy with f < H (a row is staged),
   f * W >= oy * OW. That is linear in oy, so its ends decide. */
int mcn_k_dwconv_plane_overlap(const mcn_k_conv_params *p, int32_t *lo,
                               int32_t *hi)
{
    const int64_t h = p->input.h, w = p->input.w;
    const int64_t oh = p->output.h, ow = p->output.w;
    const int64_t sh = p->stride_h, kh = p->filter.h, pt = p->pad_top;
    if (oh * ow > h * w)
        return 0;
    dw_geom g;
    mcn_dw_geometry(p, &g);
    if (!g.whole) {
        int64_t last = oh - 1;   /* oy in [1, last] stage a row */
        while (last >= 1 && (last - 1) * sh + kh - pt >= h)
            last--;
        const int64_t ends[2] = {1, last};
        for (int i = 0; i < 2 && last >= 1; i++)
            if (((ends[i] - 1) * sh + kh - pt) * w < ends[i] * ow)
                return 0;
    }
    *lo = 0;
    *hi = 0;
    return 1;
}

/* ---- requantization of one channel ----
   TFLM: v = (a * 2^L * m + 2^30) >> 31 (mcn_mbqm_pos's high multiply),
   then out = RoundingDivideByPOT(v, e) + off, with shift = L - e. For
   e >= 1 RoundingDivideByPOT is (v + 2^(e-1) - [v < 0]) >> e, so with
   t = a * 2^(L+1) (here L = 0) and SMMLAR(t, m, ra) = (ra * 2^32 + t * m
   + 2^31) >> 32 = v + ra,
       out + off = SMMLAR(t, m, 2^(e-1) + off * 2^e - [t < 0]) >> e:
   [v < 0] is [t < 0] unless t < 0 and v = 0 (a < 0 and m >= 0 make v <=
   0), and a v of 0 gives off either way. For e = 0, out + off =
   SMMLAR(t, m, off). Exact when t fits: |a|
   <= |bias| + KH*KW*2^14 (int8 weights times int8 inputs or zero points)
   below 2^(30-L), and the sum inside int32 (e <= 22). The doubling
   2^(L+1) goes into the int16 weights and the bias (L <= 7 keeps the
   weights int16). Other channels take mcn_mbqm_pos per output. */
enum { RQ_ROUND, RQ_NO_ROUND, RQ_EXACT };

typedef struct {
    int mode;
    int32_t m, shift, e, ra, sh, bias;
} dw_rq;

static void rq_channel(const mcn_k_conv_params *p, int32_t c, dw_rq *q)
{
    const int32_t r = p->rq.count > 1 ? c : 0;
    const int32_t m = p->rq.multiplier[r], shift = p->rq.shift[r];
    const int32_t b = p->bias[c];
    const int64_t bound = (b < 0 ? -(int64_t)b : b) +
                          ((int64_t)p->filter.h * p->filter.w << 14);
    q->m = m;
    q->shift = shift;
    q->mode = RQ_EXACT;
    q->sh = 0;
    q->e = 0;
    q->ra = 0;
    if (shift < 0 && shift >= -22 && bound < (1 << 30)) {
        q->mode = RQ_ROUND;
        q->e = -shift;
        q->sh = 1;
        q->ra = (1 << (q->e - 1)) + p->output_offset * (1 << q->e);
    } else if (shift >= 0 && shift <= 7 &&
               bound < ((int64_t)1 << (30 - shift))) {
        q->mode = RQ_NO_ROUND;
        q->sh = shift + 1;
        q->ra = p->output_offset;
    }
    q->bias = (int32_t)((int64_t)b * (1 << q->sh));
}

/* RQ_ROUND's output for the sum t (before the clamp). */
static inline int32_t rq_round(int32_t t, int32_t m, int32_t ra, int e)
{
    return mcn_asr(mcn_smmlar(t, m, ra + mcn_asr(t, 31)), e);
}

/* RQ_ROUND of n sums to every step-th byte of dst, four at a time, when
   the activation range is all of int8: SSAT is the clamp. */
static void rq_round_int8(const int32_t *acc, int32_t n, int8_t *dst,
                          int32_t step, int32_t m, int32_t ra, int e)
{
    const int32_t *end = acc + (n & ~3);
    for (; acc != end; acc += 4, dst += 4 * step) {
        const int32_t y0 = mcn_ssat8(rq_round(acc[0], m, ra, e));
        const int32_t y1 = mcn_ssat8(rq_round(acc[1], m, ra, e));
        const int32_t y2 = mcn_ssat8(rq_round(acc[2], m, ra, e));
        const int32_t y3 = mcn_ssat8(rq_round(acc[3], m, ra, e));
        dst[0] = (int8_t)y0;
        dst[step] = (int8_t)y1;
        dst[2 * step] = (int8_t)y2;
        dst[3 * step] = (int8_t)y3;
    }
    for (int32_t x = 0; x < (n & 3); x++, dst += step)
        *dst = (int8_t)mcn_ssat8(rq_round(acc[x], m, ra, e));
}

/* The same clamped to [lo, hi], two at a time. */
static void rq_round_clamp(const int32_t *acc, int32_t n, int8_t *dst,
                           int32_t step, int32_t m, int32_t ra, int e,
                           int32_t lo, int32_t hi)
{
    const int32_t *end = acc + (n & ~1);
    for (; acc != end; acc += 2, dst += 2 * step) {
        const int32_t y0 = mcn_clamp(rq_round(acc[0], m, ra, e), lo, hi);
        const int32_t y1 = mcn_clamp(rq_round(acc[1], m, ra, e), lo, hi);
        dst[0] = (int8_t)y0;
        dst[step] = (int8_t)y1;
    }
    if (n & 1)
        *dst = (int8_t)mcn_clamp(rq_round(acc[0], m, ra, e), lo, hi);
}

/* n sums, requantized and clamped, to every step-th byte of dst. */
static void requant(const mcn_k_conv_params *p, const dw_rq *q,
                    const int32_t *acc, int32_t n, int8_t *dst, int32_t step)
{
    const int32_t lo = p->act_min, hi = p->act_max;
    if (q->mode == RQ_ROUND) {
        if (lo == -128 && hi == 127)
            rq_round_int8(acc, n, dst, step, q->m, q->ra, (int)q->e);
        else
            rq_round_clamp(acc, n, dst, step, q->m, q->ra, (int)q->e, lo,
                           hi);
        return;
    }
    for (int32_t x = 0; x < n; x++, dst += step) {
        int32_t y;
        if (q->mode == RQ_NO_ROUND) {
            y = mcn_smmlar(acc[x], q->m, q->ra);
        } else {
            y = mcn_mbqm_pos(acc[x], q->m, (int)q->shift);
            y = mcn_wrap_add(y, p->output_offset);
        }
        *dst = (int8_t)mcn_clamp(y, lo, hi);
    }
}

/* ---- staging ---- */

/* Input rows [iy0, iy1) of one channel (src: its first byte of the
   batch) into the staged rows from dst on (ps apart), at column pl on:
   every in_col-th byte, as int16, four at a time. */
static void stage(const dw_geom *g, const int8_t *src, int32_t iy0,
                  int32_t iy1, int16_t *dst)
{
    const int32_t step = g->in_col, n = g->x1;
    const int8_t *s = src + (int64_t)iy0 * g->in_row;
    dst += g->pl;
    for (int32_t iy = iy0; iy < iy1; iy++, s += g->in_row, dst += g->ps) {
        const int8_t *v = s;
        int16_t *d = dst, *end = dst + (n & ~3);
        for (; d != end; d += 4, v += 4 * step) {
            mcn_store_u32(d, mcn_pkhbt16(v[0], v[step]));
            mcn_store_u32(d + 2, mcn_pkhbt16(v[2 * step], v[3 * step]));
        }
        for (int32_t x = 0; x < (n & 3); x++, v += step)
            d[x] = *v;
    }
}

/* ---- one channel ---- */

typedef struct {
    const mcn_k_conv_params *p;
    const dw_geom *g;
    const dw_ops *ops;
    int32_t *acc;
    uint32_t *wt;
    int16_t *rows;     /* the staged rows (whole plane, or the ring) */
    const int16_t *zrow;
} dw_run;

/* Staged whole: every row, then every output row's sums into one plane
   of sums (row oy at oy * ow), then the requantization, in one pass when
   the output rows are contiguous (not transposed). */
static void channel_whole(const dw_run *r, const dw_rq *q, const int8_t *src,
                          int8_t *dst)
{
    const dw_geom *g = r->g;
    int32_t iy1 = g->ph - g->pt;
    iy1 = iy1 > g->ih ? g->ih : iy1;
    stage(g, src, 0, iy1, r->rows + g->pt * g->ps);
    if (r->ops->plane && mcn_dw_is3x3(g)) {
        r->ops->plane(g, r->rows, r->wt, q->bias, r->acc);
    } else {
        const int16_t *r0 = r->rows;
        int32_t *a = r->acc;
        for (int32_t oy = 0; oy < g->oh; oy++, r0 += g->sh * g->ps,
                     a += g->ow) {
            const int16_t *rows[DW_MAX_K];
            for (int32_t k = 0; k < g->kh; k++)
                rows[k] = r0 + k * g->ps;
            r->ops->row(g, rows, r->wt, q->bias, a);
        }
    }
    if (g->out_row == g->ow * g->out_col) {
        requant(r->p, q, r->acc, g->oh * g->ow, dst, g->out_col);
        return;
    }
    for (int32_t oy = 0; oy < g->oh; oy++)
        requant(r->p, q, r->acc + oy * g->ow, g->ow, dst + oy * g->out_row,
                g->out_col);
}

/* Through the ring of kh staged rows: plane row pr lives in slot pr % kh,
   staged by the first output row to read it; rows in the padding read
   the zero-point row instead. */
static void channel_ring(const dw_run *r, const dw_rq *q, const int8_t *src,
                         int8_t *dst)
{
    const dw_geom *g = r->g;
    const int32_t kh = g->kh, ps = g->ps;
    int32_t next = 0;   /* the first plane row not yet staged */
    for (int32_t oy = 0; oy < g->oh; oy++, dst += g->out_row) {
        const int32_t pr0 = oy * g->sh, pr1 = pr0 + kh;
        for (int32_t pr = next > pr0 ? next : pr0; pr < pr1; pr++)
            if (pr - g->pt >= 0 && pr - g->pt < g->ih)
                stage(g, src, pr - g->pt, pr - g->pt + 1,
                      r->rows + (pr % kh) * ps);
        next = pr1;
        const int16_t *rows[DW_MAX_K];
        for (int32_t k = 0; k < kh; k++) {
            const int32_t iy = pr0 + k - g->pt;
            rows[k] = iy >= 0 && iy < g->ih ? r->rows + ((pr0 + k) % kh) * ps
                                            : r->zrow;
        }
        r->ops->row(g, rows, r->wt, q->bias, r->acc);
        requant(r->p, q, r->acc, g->ow, dst, g->out_col);
    }
}

void mcn_dw_run(const mcn_k_conv_params *p, const dw_ops *ops)
{
    dw_geom g;
    mcn_dw_geometry(p, &g);
    dw_run r;
    r.p = p;
    r.g = &g;
    r.ops = ops;
    r.acc = p->scratch;
    r.wt = (uint32_t *)(r.acc + g.sums);
    int16_t *rows = (int16_t *)(void *)(r.wt + g.wt_words);
    r.zrow = rows;
    r.rows = g.whole ? rows : rows + g.ps;
    /* The zero point everywhere: staging writes the input's columns only,
       so the padding around them keeps it. */
    const int16_t zp = (int16_t)-p->input_offset;
    for (int32_t i = 0; i < (g.ring + !g.whole) * g.ps; i++)
        rows[i] = zp;
    const int32_t taps = p->filter.h * p->filter.w, ch = p->input.c;
    const int64_t in_batch = (int64_t)p->input.h * p->input.w * ch;
    const int64_t out_batch = (int64_t)p->output.h * p->output.w * ch;
    for (int32_t b = 0; b < p->input.n; b++) {
        for (int32_t c = 0; c < ch; c++) {
            dw_rq q;
            rq_channel(p, c, &q);
            ops->weights(&g, p->filter_data + c * taps, q.sh, r.wt);
            const int8_t *src = p->input_data + b * in_batch + c;
            int8_t *dst = p->output_data + b * out_batch + c;
            if (g.whole)
                channel_whole(&r, &q, src, dst);
            else
                channel_ring(&r, &q, src, dst);
        }
    }
}
