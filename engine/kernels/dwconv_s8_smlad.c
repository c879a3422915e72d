/*
** dwconv_s8_smlad.c: DEPTHWISE_CONV_2D on the DSP extension, one channel
** at a time from int16 planes (dwconv_plane.h: depth_multiplier 1, no
** dilation, filters up to 8x8). Same bits as mcn_k_dwconv_s8.
**
** A staged row holds horizontal neighbours in adjacent halves, so one
** word load is a pair of taps for SMLAD. For a 3-wide filter row (w0, w1,
** w2) and the pairs a = (r[x], r[x+1]), b = (r[x+2], r[x+3]),
**     out[x]   = SMLAD(a, (w0, w1)) + lo(b) * w2          (SMLABT)
**     out[x+1] = hi(a) * w0 + SMLAD(b, (w1, w2))          (SMLATB)
** is four multiply instructions for six taps; at stride 2, out[x+1]
** reads b and c = (r[x+4], r[x+5]) as out[x] reads a and b. Other widths
** take ceil(KW/2) SMLADs per output and filter row, a last odd tap paired
** with a zero weight.
*/
#include "dwconv_plane.h"
#include "mcn_arch.h"

/* ---- the weights of one channel, as int16 pairs times 2^sh ---- */

static int32_t tap(const dw_geom *g, const int8_t *w, int32_t r, int32_t k,
                   int32_t sh)
{
    return (int32_t)w[r * g->t_row + k * g->t_col] * (1 << sh);
}

/* 3x3: per filter row (w0, w1), then (w1, w2). Any other filter: per
   filter row (w0, w1), (w2, w3), ..., a last odd tap with 0. */
static void weights(const dw_geom *g, const int8_t *w, int32_t sh,
                    uint32_t *wt)
{
    if (mcn_dw_is3x3(g)) {
        for (int32_t r = 0; r < 3; r++) {
            *wt++ = mcn_pack16(tap(g, w, r, 0, sh), tap(g, w, r, 1, sh));
            *wt++ = mcn_pack16(tap(g, w, r, 1, sh), tap(g, w, r, 2, sh));
        }
        return;
    }
    for (int32_t r = 0; r < g->kh; r++)
        for (int32_t k = 0; k < g->kw; k += 2)
            *wt++ = mcn_pack16(tap(g, w, r, k, sh),
                               k + 1 < g->kw ? tap(g, w, r, k + 1, sh) : 0);
}

/* ---- one output row of sums ---- */

static inline uint32_t pair(const int16_t *r)
{
    return mcn_load_u32(r);
}

/* One 3x3 filter row (pw = (w0, w1), qw = (w1, w2)) into the sums of
   outputs x and x+1, stride 1: pairs at x, x+2. */
static inline void taps_s1(const int16_t *r, uint32_t pw, uint32_t qw,
                           int32_t *s0, int32_t *s1)
{
    const uint32_t a = pair(r), b = pair(r + 2);
    *s0 = mcn_smlabt(b, qw, mcn_smlad(a, pw, *s0));
    *s1 = mcn_smlad(b, qw, mcn_smlatb(a, pw, *s1));
}

/* The same at stride 2: pairs at 2x, 2x+2, 2x+4. */
static inline void taps_s2(const int16_t *r, uint32_t pw, uint32_t qw,
                           int32_t *s0, int32_t *s1)
{
    const uint32_t a = pair(r), b = pair(r + 2), c = pair(r + 4);
    *s0 = mcn_smlabt(b, qw, mcn_smlad(a, pw, *s0));
    *s1 = mcn_smlabt(c, qw, mcn_smlad(b, pw, *s1));
}

/* One output alone, either stride: pairs at x * sw and x * sw + 2. */
static inline int32_t taps_1(const int16_t *r, uint32_t pw, uint32_t qw,
                             int32_t s)
{
    return mcn_smlabt(pair(r + 2), qw, mcn_smlad(pair(r), pw, s));
}

/* Two 3x3 outputs (x, x+1) from the plane rows a, b, c at x * sw. */
static inline void out2(const int16_t *a, const int16_t *b, const int16_t *c,
                        const uint32_t *wt, int32_t bias, int32_t *acc,
                        const int sw)
{
    int32_t s0 = bias, s1 = bias;
    if (sw == 1) {
        taps_s1(a, wt[0], wt[1], &s0, &s1);
        taps_s1(b, wt[2], wt[3], &s0, &s1);
        taps_s1(c, wt[4], wt[5], &s0, &s1);
    } else {
        taps_s2(a, wt[0], wt[1], &s0, &s1);
        taps_s2(b, wt[2], wt[3], &s0, &s1);
        taps_s2(c, wt[4], wt[5], &s0, &s1);
    }
    acc[0] = s0;
    acc[1] = s1;
}

static inline int32_t out1(const int16_t *a, const int16_t *b,
                           const int16_t *c, const uint32_t *wt, int32_t bias)
{
    return taps_1(c, wt[4], wt[5],
                  taps_1(b, wt[2], wt[3], taps_1(a, wt[0], wt[1], bias)));
}

/* A row of n 3x3 sums at stride sw (a constant where it is inlined), two
   outputs a step: every value stays in a register (four would not). */
static inline void row3(const int16_t *a, const int16_t *b, const int16_t *c,
                        const uint32_t *wt, int32_t bias, int32_t *acc,
                        int32_t n, const int sw)
{
    const int32_t *end = acc + (n & ~1);
    for (; acc != end; a += 2 * sw, b += 2 * sw, c += 2 * sw, acc += 2)
        out2(a, b, c, wt, bias, acc, sw);
    if (n & 1)
        *acc = out1(a, b, c, wt, bias);
}

/* Any filter, any stride: one output at a time, ceil(kw/2) pairs per
   filter row from column x * sw (unaligned when that is odd). */
static void row_any(const dw_geom *g, const int16_t *const *rows,
                    const uint32_t *wt, int32_t bias, int32_t *acc)
{
    const int32_t je = (g->kw + 1) / 2;
    for (int32_t x = 0; x < g->ow; x++) {
        int32_t s = bias;
        const uint32_t *w = wt;
        for (int32_t k = 0; k < g->kh; k++) {
            const int16_t *r = rows[k] + x * g->sw;
            for (int32_t j = 0; j < je; j++)
                s = mcn_smlad(pair(r + 2 * j), *w++, s);
        }
        acc[x] = s;
    }
}

/* A whole staged plane of 3x3 sums, all output rows in one loop (output
   row oy reads plane rows oy * sh .. oy * sh + 2): no per-row set-up,
   which narrow planes would spend more on than on their outputs. Rows
   two and three are addressed from the first, so all stays in
   registers. */
static inline void plane3_at(const dw_geom *g, const int16_t *a,
                             const uint32_t *wt, int32_t bias, int32_t *acc,
                             const int sw)
{
    const int32_t ps = g->ps, n = g->ow;
    const int32_t skip = g->sh * ps - sw * (n & ~1);
    const int32_t *last = acc + g->oh * n;
    while (acc != last) {
        const int32_t *end = acc + (n & ~1);
        for (; acc != end; a += 2 * sw, acc += 2)
            out2(a, a + ps, a + 2 * ps, wt, bias, acc, sw);
        if (n & 1)
            *acc++ = out1(a, a + ps, a + 2 * ps, wt, bias);
        a += skip;
    }
}

static void plane3(const dw_geom *g, const int16_t *plane, const uint32_t *wt,
                   int32_t bias, int32_t *acc)
{
    if (g->sw == 1)
        plane3_at(g, plane, wt, bias, acc, 1);
    else
        plane3_at(g, plane, wt, bias, acc, 2);
}

static void row(const dw_geom *g, const int16_t *const *rows,
                const uint32_t *wt, int32_t bias, int32_t *acc)
{
    if (!mcn_dw_is3x3(g))
        row_any(g, rows, wt, bias, acc);
    else if (g->sw == 1)
        row3(rows[0], rows[1], rows[2], wt, bias, acc, g->ow, 1);
    else
        row3(rows[0], rows[1], rows[2], wt, bias, acc, g->ow, 2);
}

void mcn_k_dwconv_s8_smlad(const mcn_k_conv_params *p)
{
    static const dw_ops ops = {weights, row, plane3};
    mcn_dw_run(p, &ops);
}

/* ---- 3x3 alone (mcn_kernels.h: an entry for generated code, appended
   by the code-size work; the functions above unchanged) ---- */

int mcn_k_dwconv_s8_smlad_3x3_applies(const mcn_k_conv_params *p)
{
    if (!mcn_k_dwconv_plane_applies(p))
        return 0;
    dw_geom g;
    mcn_dw_geometry(p, &g);
    return mcn_dw_is3x3(&g);
}

static void weights3(const dw_geom *g, const int8_t *w, int32_t sh,
                     uint32_t *wt)
{
    for (int32_t r = 0; r < 3; r++) {
        *wt++ = mcn_pack16(tap(g, w, r, 0, sh), tap(g, w, r, 1, sh));
        *wt++ = mcn_pack16(tap(g, w, r, 1, sh), tap(g, w, r, 2, sh));
    }
}

static void row3_only(const dw_geom *g, const int16_t *const *rows,
                      const uint32_t *wt, int32_t bias, int32_t *acc)
{
    if (g->sw == 1)
        row3(rows[0], rows[1], rows[2], wt, bias, acc, g->ow, 1);
    else
        row3(rows[0], rows[1], rows[2], wt, bias, acc, g->ow, 2);
}

/* mcn_k_dwconv_s8_smlad where ..._3x3_applies holds: the same rows and
   planes, without any other filter's. */
void mcn_k_dwconv_s8_smlad_3x3(const mcn_k_conv_params *p)
{
    static const dw_ops ops = {weights3, row3_only, plane3};
    mcn_dw_run(p, &ops);
}
