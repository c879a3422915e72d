/*
** dwconv_s8_planar.c: DEPTHWISE_CONV_2D in portable C, one channel at a
** time from int16 planes (dwconv_plane.h: depth_multiplier 1, no
** dilation, filters up to 8x8), for cores without the DSP extension
** (Cortex-M3, generic targets): one multiply-accumulate per tap, from
** halfword loads only (no unaligned word access, which Cortex-M0 lacks).
** Same bits as mcn_k_dwconv_s8.
*/
#include "dwconv_plane.h"

/* One channel's taps in the plane's order, times 2^sh, as int16: kh * kw
   halves, within g->wt_words words. */
static void weights(const dw_geom *g, const int8_t *w, int32_t sh,
                    uint32_t *wt)
{
    int16_t *t = (int16_t *)(void *)wt;
    for (int32_t r = 0; r < g->kh; r++)
        for (int32_t k = 0; k < g->kw; k++)
            *t++ = (int16_t)((int32_t)w[r * g->t_row + k * g->t_col] *
                             (1 << sh));
}

/* acc + w * x modulo 2^32, as the DSP kernels' SMLAD wraps. */
static inline uint32_t mac(uint32_t acc, int32_t w, int32_t x)
{
    return acc + (uint32_t)(w * x);
}

static inline int32_t sum_of(uint32_t s)
{
    return s <= 0x7fffffffu ? (int32_t)s : -(int32_t)(~s) - 1;
}

/* One 3x3 filter row (taps w) into outputs x and x+1 from r (at column
   x * sw): the second output's taps start sw columns on. */
static inline void taps3(const int16_t *r, const int16_t *w, int32_t sw,
                         uint32_t *s0, uint32_t *s1)
{
    const int32_t w0 = w[0], w1 = w[1], w2 = w[2];
    const int16_t *q = r + sw;
    *s0 = mac(mac(mac(*s0, w0, r[0]), w1, r[1]), w2, r[2]);
    *s1 = mac(mac(mac(*s1, w0, q[0]), w1, q[1]), w2, q[2]);
}

/* A row of 3x3 sums, two outputs a step (one tap-row's weights loaded
   once for both), then a last odd output. */
static void row3(const dw_geom *g, const int16_t *const *rows,
                 const int16_t *w, int32_t bias, int32_t *acc)
{
    const int32_t sw = g->sw, n = g->ow;
    const int16_t *a = rows[0], *b = rows[1], *c = rows[2];
    int32_t x = 0;
    for (; x + 2 <= n; x += 2, a += 2 * sw, b += 2 * sw, c += 2 * sw) {
        uint32_t s0 = (uint32_t)bias, s1 = (uint32_t)bias;
        taps3(a, w, sw, &s0, &s1);
        taps3(b, w + 3, sw, &s0, &s1);
        taps3(c, w + 6, sw, &s0, &s1);
        acc[x] = sum_of(s0);
        acc[x + 1] = sum_of(s1);
    }
    if (x < n) {
        uint32_t s = (uint32_t)bias;
        for (int32_t k = 0; k < 3; k++)
            s = mac(mac(mac(s, w[k], a[k]), w[3 + k], b[k]), w[6 + k], c[k]);
        acc[x] = sum_of(s);
    }
}

static void row(const dw_geom *g, const int16_t *const *rows,
                const uint32_t *wt, int32_t bias, int32_t *acc)
{
    const int16_t *w = (const int16_t *)(const void *)wt;
    if (mcn_dw_is3x3(g)) {
        row3(g, rows, w, bias, acc);
        return;
    }
    for (int32_t x = 0; x < g->ow; x++) {
        uint32_t s = (uint32_t)bias;
        const int16_t *t = w;
        for (int32_t r = 0; r < g->kh; r++) {
            const int16_t *v = rows[r] + x * g->sw;
            for (int32_t k = 0; k < g->kw; k++)
                s = mac(s, *t++, v[k]);
        }
        acc[x] = sum_of(s);
    }
}

void mcn_k_dwconv_s8_planar(const mcn_k_conv_params *p)
{
    static const dw_ops ops = {weights, row, 0};
    mcn_dw_run(p, &ops);
}
