/*
** dwconv_s8_nhwc_smlad.c: DEPTHWISE_CONV_2D on the DSP extension,
** channels last: for each output pixel, all its channels four at a time
** straight from the NHWC input (depth_multiplier 1, no dilation, filters
** up to NH_MAX_K x NH_MAX_K). Same bits as mcn_k_dwconv_s8.
**
** The planar kernels (dwconv_s8_smlad.c) pay per channel to stage a
** strided plane and set up its rows, which small planes cannot repay;
** here there is no per-channel cost but the weights' widening, once per
** run. One word load is a tap of four channels; SXTB16 splits it into
** channels (0, 2) and (1, 3), and SMLABB/SMLATT multiply each half by
** the same half of a widened weight pair ((w0, w2), (w1, w3) of that
** tap), so a tap of four channels is LDR, 2 SXTB16, LDRD, 4 multiplies.
**
** The input offset is folded into the bias (mcn_k_fold_input_offset), so
** a tap outside the image must read the zero point: rows outside read a
** row of zero points, and a pixel with columns outside reads a copy of
** its window with the zero point around it. The rest reads the input in
** place.
**
** Scratch (words): per group of four channels (the last one padded with
** zero weights) bias[4], (m, ra)[4], e[4], then per tap the two weight
** pairs; then a row of KW * C zero points; then the KH x KW x C window
** copy. Requantization is the planar kernels' SMMLAR form (dwconv_plane.c:
** weights and bias doubled, out + off = SMMLAR(t, m, ra - [t < 0]) >> e)
** when every channel allows it, else mcn_mbqm_pos on the plain sums.
*/
#include "mcn_arch.h"
#include "mcn_kernels.h"
#include "requant.h"

#define NH_MAX_K 8
#define REC_HEAD 16   /* bias, m, ra, e: four channels each */

typedef struct {
    int32_t c, groups, full, taps, rec;   /* rec: words per group */
    int32_t zrow_bytes, win_bytes;
    int64_t bytes;
} nh_geom;

static int32_t up4(int32_t n)
{
    return (n + 3) & ~3;
}

static void geometry(const mcn_k_conv_params *p, nh_geom *g)
{
    g->c = p->input.c;
    g->groups = (g->c + 3) / 4;
    g->full = g->c / 4;
    g->taps = p->filter.h * p->filter.w;
    g->rec = REC_HEAD + 2 * g->taps;
    g->zrow_bytes = up4(p->filter.w * g->c);
    g->win_bytes = up4(p->filter.h * p->filter.w * g->c);
    g->bytes = (int64_t)g->groups * g->rec * 4 + g->zrow_bytes +
               g->win_bytes;
}

int mcn_k_dwconv_s8_nhwc_smlad_applies(const mcn_k_conv_params *p)
{
    if (p->depth_multiplier != 1 || p->input.c != p->output.c ||
        p->dilation_h != 1 || p->dilation_w != 1 ||
        p->filter.h > NH_MAX_K || p->filter.w > NH_MAX_K ||
        !mcn_k_rq_nonneg(&p->rq))
        return 0;
    if ((int64_t)p->input.h * p->input.w * p->input.c > (1 << 28) ||
        (int64_t)p->output.h * p->output.w * p->output.c > (1 << 28) ||
        (int64_t)p->output.w * p->stride_w > (1 << 20) ||
        (int64_t)p->output.h * p->stride_h > (1 << 20))
        return 0;
    nh_geom g;
    geometry(p, &g);
    return g.bytes <= (1 << 24);
}

uint32_t mcn_k_dwconv_s8_nhwc_smlad_scratch_bytes(const mcn_k_conv_params *p)
{
    nh_geom g;
    geometry(p, &g);
    return (uint32_t)g.bytes;
}

/* The weights stay as the graph has them ([KH][KW][C]); the bias takes
   the input offset. */
void mcn_k_dwconv_s8_nhwc_smlad_layout(const mcn_k_conv_params *p, int8_t *w,
                                       int32_t *bias)
{
    const int32_t n = p->filter.h * p->filter.w * p->filter.c;
    if (w != p->filter_data)
        for (int32_t i = 0; i < n; i++)
            w[i] = p->filter_data[i];
    mcn_k_fold_input_offset(p, 1, bias);
}

/* Output pixel j (all its channels) is written after its window is read,
   except that with the window read in place, group g is written before
   groups after g are read. Pixel j's smallest input byte is its clipped
   window's top-left pixel k(j), times C; so the output may start d bytes
   after the input for every d <= C * min_j (k(j) - j), which splits into
   a row term and a column term (each 0 at the first pixel). With OH * OW
   <= H * W later batches only gain. */
int mcn_k_dwconv_s8_nhwc_smlad_overlap(const mcn_k_conv_params *p,
                                       int32_t *lo, int32_t *hi)
{
    const int64_t h = p->input.h, w = p->input.w;
    const int64_t oh = p->output.h, ow = p->output.w;
    if (oh * ow > h * w)
        return 0;
    int64_t ymin = 0, xmin = 0;
    for (int64_t oy = 0; oy < oh; oy++) {
        int64_t y = oy * p->stride_h - p->pad_top;
        int64_t v = (y < 0 ? 0 : y) * w - oy * ow;
        if (v < ymin)
            ymin = v;
    }
    for (int64_t ox = 0; ox < ow; ox++) {
        int64_t x = ox * p->stride_w - p->pad_left;
        int64_t v = (x < 0 ? 0 : x) - ox;
        if (v < xmin)
            xmin = v;
    }
    const int64_t d = (ymin + xmin) * p->input.c;
    if (d < INT32_MIN + 1)
        return 0;
    *lo = INT32_MIN;
    *hi = (int32_t)d;
    return 1;
}

/* ---- set-up: per group of four channels, bias, requant, weights ---- */

/* Every channel takes the SMMLAR form: shift in [-22, -1] and the sums'
   bound under 2^30 (dwconv_plane.c's RQ_ROUND). */
static int all_round(const mcn_k_conv_params *p)
{
    const int64_t taps = (int64_t)p->filter.h * p->filter.w << 14;
    for (int32_t c = 0; c < p->output.c; c++) {
        const int32_t s = p->rq.shift[p->rq.count > 1 ? c : 0];
        const int32_t b = p->bias[c];
        if (s >= 0 || s < -22 || (b < 0 ? -(int64_t)b : b) + taps >=
                                     (1 << 30))
            return 0;
    }
    return 1;
}

static void setup(const mcn_k_conv_params *p, const nh_geom *g, int fast,
                  uint32_t *rec)
{
    const int32_t c = g->c, sh = fast ? 1 : 0;
    for (int32_t gi = 0; gi < g->groups; gi++, rec += g->rec) {
        for (int32_t i = 0; i < 4; i++) {
            const int32_t ch = gi * 4 + i;
            int32_t b = 0, m = 0, ra = 0, e = 0;
            if (ch < c) {
                const int32_t r = p->rq.count > 1 ? ch : 0;
                b = p->bias[ch];
                m = p->rq.multiplier[r];
                if (fast) {
                    e = -p->rq.shift[r];
                    b = (int32_t)((uint32_t)b << 1);
                    ra = (1 << (e - 1)) + p->output_offset * (1 << e);
                }
            }
            rec[i] = (uint32_t)b;
            rec[4 + 2 * i] = (uint32_t)m;
            rec[5 + 2 * i] = (uint32_t)ra;
            rec[12 + i] = (uint32_t)e;
        }
        const int8_t *w = p->filter_data + gi * 4;
        uint32_t *wt = rec + REC_HEAD;
        for (int32_t t = 0; t < g->taps; t++, w += c, wt += 2) {
            int32_t v[4];
            for (int32_t i = 0; i < 4; i++)
                v[i] = gi * 4 + i < c ? (int32_t)w[i] * (1 << sh) : 0;
            wt[0] = mcn_pack16(v[0], v[2]);
            wt[1] = mcn_pack16(v[1], v[3]);
        }
    }
}

/* ---- one output pixel ----
   The window's row y starts at base + y * rs, its column x x * cs bytes
   on; channel o of it at o more. */

typedef struct {
    const mcn_k_conv_params *p;
    const nh_geom *g;
    const uint32_t *rec;
    int fast;
    int32_t lo, hi;
} nh_run;

/* One tap of four channels: the word at x against the pairs wt. */
#define TAP(x, wt)                                                         \
    do {                                                                   \
        const uint32_t v_ = mcn_load_u32(x);                               \
        const uint32_t e_ = mcn_sxtb16(v_), o_ = mcn_sxtb16_ror8(v_);       \
        const uint32_t w0_ = (wt)[0], w1_ = (wt)[1];                       \
        a0 = mcn_smlabb(e_, w0_, a0);                                      \
        a2 = mcn_smlatt(e_, w0_, a2);                                      \
        a1 = mcn_smlabb(o_, w1_, a1);                                      \
        a3 = mcn_smlatt(o_, w1_, a3);                                      \
    } while (0)

/* The SMMLAR form's output of channel i of record r, before the clamp. */
static inline int32_t rq_fast(int32_t t, const uint32_t *r, int i)
{
    const int32_t m = (int32_t)r[4 + 2 * i], ra = (int32_t)r[5 + 2 * i];
    const int e = (int)r[12 + i];
    return mcn_asr(mcn_smmlar(t, m, ra + mcn_asr(t, 31)), e);
}

static int8_t rq_slow(const nh_run *u, int32_t acc, int32_t ch)
{
    const mcn_k_conv_params *p = u->p;
    const int32_t r = p->rq.count > 1 ? ch : 0;
    int32_t y = mcn_mbqm_pos(acc, p->rq.multiplier[r], (int)p->rq.shift[r]);
    y = mcn_wrap_add(y, p->output_offset);
    return (int8_t)mcn_clamp(y, u->lo, u->hi);
}

#define REC3 (REC_HEAD + 18)

/* 3x3, every channel in the SMMLAR form: the groups from r to end (of
   REC3 words each), four output bytes a group clamped to [lo4, hi4]
   (the bounds in every byte) in one store. */
static void pixel3_fast(const int8_t *q, int32_t rs, int32_t cs,
                        const uint32_t *r, const uint32_t *end, int8_t *out,
                        uint32_t lo4, uint32_t hi4)
{
    do {
        int32_t a0 = (int32_t)r[0], a1 = (int32_t)r[1];
        int32_t a2 = (int32_t)r[2], a3 = (int32_t)r[3];
        const int8_t *x = q;
        TAP(x, r + 16);
        TAP(x + cs, r + 18);
        TAP(x + 2 * cs, r + 20);
        x += rs;
        TAP(x, r + 22);
        TAP(x + cs, r + 24);
        TAP(x + 2 * cs, r + 26);
        x += rs;
        TAP(x, r + 28);
        TAP(x + cs, r + 30);
        TAP(x + 2 * cs, r + 32);
        const int32_t y0 = mcn_ssat8(rq_fast(a0, r, 0));
        const int32_t y1 = mcn_ssat8(rq_fast(a1, r, 1));
        const int32_t y2 = mcn_ssat8(rq_fast(a2, r, 2));
        const int32_t y3 = mcn_ssat8(rq_fast(a3, r, 3));
        mcn_store_u32(out, mcn_clamp_s8x4(mcn_pack_s8x4(y0, y1, y2, y3),
                                          lo4, hi4));
        q += 4;
        out += 4;
        r += REC3;
    } while (r != end);
}

/* Any filter, either requantization: the first C / 4 groups. */
static void pixel_any(const nh_run *u, const int8_t *base, int32_t rs,
                      int32_t cs, int8_t *out)
{
    const uint32_t *r = u->rec;
    const int32_t rec = u->g->rec, n = u->g->full;
    const int32_t kh = u->p->filter.h, kw = u->p->filter.w;
    for (int32_t gi = 0; gi < n; gi++, r += rec, out += 4) {
        int32_t a0 = (int32_t)r[0], a1 = (int32_t)r[1];
        int32_t a2 = (int32_t)r[2], a3 = (int32_t)r[3];
        const uint32_t *w = r + REC_HEAD;
        const int32_t o = gi * 4;
        for (int32_t y = 0; y < kh; y++)
            for (int32_t x = 0; x < kw; x++, w += 2)
                TAP(base + y * rs + o + x * cs, w);
        if (u->fast) {
            out[0] = (int8_t)mcn_clamp(rq_fast(a0, r, 0), u->lo, u->hi);
            out[1] = (int8_t)mcn_clamp(rq_fast(a1, r, 1), u->lo, u->hi);
            out[2] = (int8_t)mcn_clamp(rq_fast(a2, r, 2), u->lo, u->hi);
            out[3] = (int8_t)mcn_clamp(rq_fast(a3, r, 3), u->lo, u->hi);
        } else {
            out[0] = rq_slow(u, a0, o);
            out[1] = rq_slow(u, a1, o + 1);
            out[2] = rq_slow(u, a2, o + 2);
            out[3] = rq_slow(u, a3, o + 3);
        }
    }
}

/* The last C % 4 channels, one at a time. */
static void pixel_tail(const nh_run *u, const int8_t *base, int32_t rs,
                       int32_t cs, int8_t *out)
{
    const nh_geom *g = u->g;
    const uint32_t *r = u->rec + (int64_t)g->full * g->rec;
    const int32_t kh = u->p->filter.h, kw = u->p->filter.w;
    for (int32_t i = 0; i < g->c - g->full * 4; i++) {
        const int32_t o = g->full * 4 + i;
        int32_t a = (int32_t)r[i];
        const uint32_t *w = r + REC_HEAD + (i & 1);
        for (int32_t y = 0; y < kh; y++)
            for (int32_t x = 0; x < kw; x++, w += 2) {
                const int32_t wv = i < 2 ? mcn_lo16(*w) : mcn_hi16(*w);
                a = mcn_mac16(base[y * rs + o + x * cs], wv, a);
            }
        out[o] = u->fast ? (int8_t)mcn_clamp(rq_fast(a, r, (int)i), u->lo,
                                             u->hi)
                         : rq_slow(u, a, o);
    }
}

/* n bytes from src to dst, four at a time (n may be 0). */
static void copy(int8_t *dst, const int8_t *src, int32_t n)
{
    int32_t i = 0;
    for (; i + 4 <= n; i += 4)
        mcn_store_u32(dst + i, mcn_load_u32(src + i));
    for (; i < n; i++)
        dst[i] = src[i];
}

static uint32_t splat(int32_t v)
{
    return ((uint32_t)v & 0xffu) * 0x01010101u;
}

void mcn_k_dwconv_s8_nhwc_smlad(const mcn_k_conv_params *p)
{
    nh_geom g;
    geometry(p, &g);
    nh_run u;
    u.p = p;
    u.g = &g;
    u.rec = (const uint32_t *)p->scratch;
    u.fast = all_round(p);
    u.lo = p->act_min;
    u.hi = p->act_max;
    setup(p, &g, u.fast, (uint32_t *)p->scratch);
    int8_t *zrow = (int8_t *)(p->scratch + (int64_t)g.groups * g.rec);
    int8_t *win = zrow + g.zrow_bytes;
    const int8_t zp = (int8_t)-p->input_offset;
    for (int32_t i = 0; i < g.zrow_bytes; i++)
        zrow[i] = zp;

    const int32_t c = g.c, h = p->input.h, w = p->input.w;
    const int32_t kh = p->filter.h, kw = p->filter.w;
    const int32_t row = w * c, wrow = kw * c;
    const int fast3 = kh == 3 && kw == 3 && u.fast && g.full > 0;
    const uint32_t *end3 = u.rec + (int64_t)g.full * REC3;
    const uint32_t lo4 = splat(u.lo), hi4 = splat(u.hi);
    const int tail = c & 3;
    int8_t *out = p->output_data;
    for (int32_t b = 0; b < p->input.n; b++) {
        const int8_t *in = p->input_data + (int64_t)b * h * row;
        for (int32_t oy = 0; oy < p->output.h; oy++) {
            const int32_t y0 = oy * p->stride_h - p->pad_top;
            const int rows_in = y0 >= 0 && y0 + kh <= h;
            for (int32_t ox = 0; ox < p->output.w; ox++, out += c) {
                const int32_t x0 = ox * p->stride_w - p->pad_left;
                const int8_t *base;
                int32_t rs;
                if (rows_in && x0 >= 0 && x0 + kw <= w) {
                    base = in + y0 * row + x0 * c;
                    rs = row;
                } else {
                    /* The window's inside part copied between zero
                       points: its columns [k0, k1) of the rows inside. */
                    int32_t k0 = x0 < 0 ? -x0 : 0;
                    int32_t k1 = x0 + kw > w ? w - x0 : kw;
                    k0 = k0 > kw ? kw : k0;
                    k1 = k1 < k0 ? k0 : k1;
                    for (int32_t y = 0; y < kh; y++) {
                        int8_t *d = win + y * wrow;
                        if (y0 + y < 0 || y0 + y >= h) {
                            copy(d, zrow, wrow);
                            continue;
                        }
                        const int8_t *s = in + (y0 + y) * row;
                        copy(d, zrow, k0 * c);
                        copy(d + k0 * c, s + (x0 + k0) * c, (k1 - k0) * c);
                        copy(d + k1 * c, zrow, (kw - k1) * c);
                    }
                    base = win;
                    rs = wrow;
                }
                if (fast3)
                    pixel3_fast(base, rs, c, u.rec, end3, out, lo4, hi4);
                else
                    pixel_any(&u, base, rs, c, out);
                if (tail)
                    pixel_tail(&u, base, rs, c, out);
            }
        }
    }
}

/* Where this kernel beats the planar ones on the Cortex-M4 (measured per
   layer on QEMU): TEMPORARY, always. */
int mcn_k_dwconv_s8_nhwc_smlad_preferred(const mcn_k_conv_params *p)
{
    (void)p;
    return 1;
}
