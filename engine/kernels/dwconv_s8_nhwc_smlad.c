/*
** dwconv_s8_nhwc_smlad.c: DEPTHWISE_CONV_2D on the DSP extension,
** channels last: for each output pixel, all its channels four at a time
** (depth_multiplier 1, no dilation, filters up to NH_MAX_K x NH_MAX_K).
** Same bits as mcn_k_dwconv_s8.
**
** The planar kernels (dwconv_s8_smlad.c) pay per channel to stage a
** strided plane and set up its rows, which small planes cannot repay;
** here the per-channel cost is the weights' widening, once per run. A
** word load is one tap of four channels. Two taps X, Y of channels 0-3
** become per-channel pairs with two PKH: PKHBT(X, Y << 16) holds bytes
** (X0, X1, Y0, Y1), whose SXTB16 is channel 0's (X0, Y0) and SXTB16 ROR
** 8 channel 1's; PKHTB(Y, X >> 16) the same for channels 2 and 3. SMLAD
** against (w[t], w[t+1]) of each channel then adds two taps: two taps of
** four channels are 2 LDR, 2 PKH, 4 SXTB16, 2 LDRD, 4 SMLAD. An odd last
** tap takes SMLABB/SMLATT on SXTB16's (0, 2) and (1, 3).
**
** The input offset is folded into the bias (mcn_k_fold_input_offset), so
** a tap outside the image must read the zero point. Input rows are
** staged, as they are first needed, into a ring of KH rows padded with
** zero points left and right (the pads written once); rows outside the
** image read a row of zero points. Every output pixel then reads a
** whole window, and the input is read only when staged, which lets the
** output overwrite it (mcn_k_dwconv_s8_nhwc_smlad_overlap).
**
** Scratch: per group of four channels (the last one padded with zero
** weights) the words bias[4], (m, ra)[4], e[4], then per pair of taps
** one word a channel, then for an odd last tap (w0, w2) and (w1, w3);
** then the zero-point row and the ring, PW * C bytes each (PW: the
** padded row's pixels). Requantization is the planar kernels' SMMLAR
** form (dwconv_plane.c: weights and bias doubled, out + off = SMMLAR(t,
** m, ra - [t < 0]) >> e) when every channel allows it, else mcn_mbqm_pos
** on the plain sums.
*/
#include "mcn_arch.h"
#include "mcn_kernels.h"
#include "requant.h"

#define NH_MAX_K 8
#define MCN_COLD __attribute__((noinline, cold))
#define REC_HEAD 16   /* bias, (m, ra), e: four channels each */

typedef struct {
    int32_t c, groups, full, taps, pairs, rec;   /* rec: words a group */
    int32_t pl, pw;        /* left pad, padded row in pixels */
    int32_t row_bytes;     /* a staged row: pw * c, rounded up to 4 */
    int64_t bytes;
} nh_geom;

static void geometry(const mcn_k_conv_params *p, nh_geom *g)
{
    g->c = p->input.c;
    g->groups = (g->c + 3) / 4;
    g->full = g->c / 4;
    g->taps = p->filter.h * p->filter.w;
    g->pairs = g->taps / 2;
    g->rec = REC_HEAD + 4 * g->pairs + 2 * (g->taps & 1);
    g->pl = p->pad_left;
    int64_t pr = ((int64_t)p->output.w - 1) * p->stride_w + p->filter.w -
                 p->pad_left - p->input.w;
    pr = pr < 0 ? 0 : pr;
    const int64_t pw = p->pad_left + (int64_t)p->input.w + pr;
    const int64_t rb = (pw * g->c + 3) & ~(int64_t)3;
    g->pw = pw > (1 << 24) ? 0 : (int32_t)pw;
    g->row_bytes = rb > (1 << 28) ? 0 : (int32_t)rb;
    g->bytes = (int64_t)g->groups * g->rec * 4 +
               rb * ((int64_t)p->filter.h + 1);
}

int mcn_k_dwconv_s8_nhwc_smlad_applies(const mcn_k_conv_params *p)
{
    if (p->depth_multiplier != 1 || p->input.c != p->output.c ||
        p->dilation_h != 1 || p->dilation_w != 1 ||
        p->filter.h > NH_MAX_K || p->filter.w > NH_MAX_K ||
        p->pad_left >= NH_MAX_K || !mcn_k_rq_nonneg(&p->rq))
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

/* The input is read only when its rows are staged: at output row oy,
   rows [f, l) with f = max(the first row not staged yet, the window's
   first row inside), after output rows < oy are written, oy * OW * C
   bytes. So the output may start d bytes after the input for every d <=
   (f * W - oy * OW) * C over the rows oy >= 1 that stage a row; with
   more batches, batch b starts after b * OH * OW * C bytes are written
   and reads from b * H * W * C on, which OH * OW <= H * W and d <= 0
   keep apart. Before the input is any start. */
int mcn_k_dwconv_s8_nhwc_smlad_overlap(const mcn_k_conv_params *p,
                                       int32_t *lo, int32_t *hi)
{
    const int64_t h = p->input.h, w = p->input.w, c = p->input.c;
    const int64_t oh = p->output.h, ow = p->output.w;
    const int64_t kh = p->filter.h, sh = p->stride_h, pt = p->pad_top;
    if (oh * ow > h * w)
        return 0;
    int64_t d = p->input.n > 1 ? 0 : INT64_MAX;
    for (int64_t oy = 1; oy < oh; oy++) {
        const int64_t y0 = oy * sh - pt, next = (oy - 1) * sh - pt + kh;
        int64_t f = y0 < 0 ? 0 : y0;
        f = f > next ? f : next;
        const int64_t l = y0 + kh < h ? y0 + kh : h;
        if (f < l && (f * w - oy * ow) * c < d)
            d = (f * w - oy * ow) * c;
    }
    /* Past the input's end the two are apart anyway. */
    const int64_t all = (int64_t)p->input.n * h * w * c;
    d = d > all ? all : d;
    if (d < INT32_MIN + 1 || d > INT32_MAX)
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
        if (s >= 0 || s < -22 ||
            (b < 0 ? -(int64_t)b : b) + taps >= (1 << 30))
            return 0;
    }
    return 1;
}

static void setup(const mcn_k_conv_params *p, const nh_geom *g, int fast,
                  uint32_t *rec)
{
    const int32_t c = g->c, sh = fast ? 1 : 0;
    for (int32_t gi = 0; gi < g->groups; gi++, rec += g->rec) {
        const int32_t n = c - gi * 4 < 4 ? c - gi * 4 : 4;
        for (int32_t i = 0; i < 4; i++) {
            const int32_t ch = gi * 4 + i;
            int32_t b = 0, m = 0, ra = 0, e = 0;
            if (i < n) {
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
        if (n == 4) {
            /* Taps t, t + 1 of the four channels are two words: PAIR's
               packing makes their per-channel pairs; doubled in place
               for the SMMLAR form (|2 w| < 2^15, so the low lane's top
               bit is its sign and cleared from the high lane's bottom). */
            const uint32_t dbl = fast ? 0xfffefffeu : 0xffffffffu;
            const int s = fast ? 1 : 0;
            for (int32_t t = 0; t + 1 < g->taps; t += 2, wt += 4) {
                const uint32_t x = mcn_load_u32(w + t * c);
                const uint32_t y = mcn_load_u32(w + (t + 1) * c);
                const uint32_t lo = mcn_pkhbt16((int32_t)x, (int32_t)y);
                const uint32_t hi = mcn_pkhtb16(y, x);
                wt[0] = (mcn_sxtb16(lo) << s) & dbl;
                wt[1] = (mcn_sxtb16_ror8(lo) << s) & dbl;
                wt[2] = (mcn_sxtb16(hi) << s) & dbl;
                wt[3] = (mcn_sxtb16_ror8(hi) << s) & dbl;
            }
            if (g->taps & 1) {
                const uint32_t x = mcn_load_u32(w + (g->taps - 1) * c);
                wt[0] = (mcn_sxtb16(x) << s) & dbl;
                wt[1] = (mcn_sxtb16_ror8(x) << s) & dbl;
            }
            continue;
        }
        int32_t v[2][4];
        for (int32_t t = 0; t < g->taps; t++) {
            for (int32_t i = 0; i < 4; i++)
                v[t & 1][i] = i < n ? (int32_t)w[t * c + i] * (1 << sh) : 0;
            if (t & 1) {
                for (int32_t i = 0; i < 4; i++)
                    *wt++ = mcn_pack16(v[0][i], v[1][i]);
            }
        }
        if (g->taps & 1) {
            wt[0] = mcn_pack16(v[0][0], v[0][2]);
            wt[1] = mcn_pack16(v[0][1], v[0][3]);
        }
    }
}

/* ---- one output pixel ----
   The window's row y starts at rows[y], its column x x * c bytes on;
   channel o of it o bytes further. */

typedef struct {
    const mcn_k_conv_params *p;
    const nh_geom *g;
    const uint32_t *rec;
    int fast;
    int32_t lo, hi;
} nh_run;

/* Taps X and Y (the words at x, y) of four channels against the pairs
   wt[0 .. 3]. */
#define PAIR(x, y, wt)                                                     \
    do {                                                                   \
        const uint32_t X_ = mcn_load_u32(x), Y_ = mcn_load_u32(y);         \
        const uint32_t lo_ = mcn_pkhbt16((int32_t)X_, (int32_t)Y_);        \
        const uint32_t hi_ = mcn_pkhtb16(Y_, X_);                          \
        a0 = mcn_smlad(mcn_sxtb16(lo_), (wt)[0], a0);                      \
        a1 = mcn_smlad(mcn_sxtb16_ror8(lo_), (wt)[1], a1);                 \
        a2 = mcn_smlad(mcn_sxtb16(hi_), (wt)[2], a2);                      \
        a3 = mcn_smlad(mcn_sxtb16_ror8(hi_), (wt)[3], a3);                 \
    } while (0)

/* One tap (the word at x) against (w0, w2), (w1, w3) at wt. */
#define SINGLE(x, wt)                                                      \
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

/* The sums of one group of a 3x3 window (rows r0, r1, r2, cs bytes a
   column; record r): the bias, four pairs of taps, the ninth alone. */
#if MCN_ARCH_DSP
/* No compiler keeps the four sums, three rows, the record and five
   temporaries in registers through this, so it is assembly; the C below
   it is its twin, which the host runs. */
#define NH_PAIR_ASM(A, B, k)                                               \
    "ldr %[x], " A "\n\t"                                                  \
    "ldr %[y], " B "\n\t"                                                  \
    "pkhbt %[t], %[x], %[y], lsl #16\n\t"                                  \
    "pkhtb %[y], %[y], %[x], asr #16\n\t"                                  \
    "ldrd %[x], %[w], [%[r], #" #k "]\n\t"                                 \
    "sxtb16 %[v], %[t]\n\t"                                                \
    "smlad %[a0], %[v], %[x], %[a0]\n\t"                                   \
    "sxtb16 %[v], %[t], ror #8\n\t"                                        \
    "smlad %[a1], %[v], %[w], %[a1]\n\t"                                   \
    "ldrd %[x], %[w], [%[r], #" #k "+8]\n\t"                               \
    "sxtb16 %[v], %[y]\n\t"                                                \
    "smlad %[a2], %[v], %[x], %[a2]\n\t"                                   \
    "sxtb16 %[v], %[y], ror #8\n\t"                                        \
    "smlad %[a3], %[v], %[w], %[a3]\n\t"
#define NH_SUMS3(r0, r1, r2, cs, r, a0, a1, a2, a3)                        \
    do {                                                                   \
        uint32_t x_, y_, t_, w_, v_;                                       \
        __asm__("ldrd %[a0], %[a1], [%[r]]\n\t"                            \
                "ldrd %[a2], %[a3], [%[r], #8]\n\t"                        \
                NH_PAIR_ASM("[%[p0]]", "[%[p0], %[cs]]", 64)               \
                NH_PAIR_ASM("[%[p0], %[cs], lsl #1]", "[%[p1]]", 80)       \
                NH_PAIR_ASM("[%[p1], %[cs]]", "[%[p1], %[cs], lsl #1]", 96)\
                NH_PAIR_ASM("[%[p2]]", "[%[p2], %[cs]]", 112)              \
                "ldr %[x], [%[p2], %[cs], lsl #1]\n\t"                     \
                "sxtb16 %[y], %[x]\n\t"                                    \
                "sxtb16 %[x], %[x], ror #8\n\t"                            \
                "ldrd %[t], %[w], [%[r], #128]\n\t"                        \
                "smlabb %[a0], %[y], %[t], %[a0]\n\t"                      \
                "smlatt %[a2], %[y], %[t], %[a2]\n\t"                      \
                "smlabb %[a1], %[x], %[w], %[a1]\n\t"                      \
                "smlatt %[a3], %[x], %[w], %[a3]"                          \
                : [a0] "=&r"(a0), [a1] "=&r"(a1), [a2] "=&r"(a2),          \
                  [a3] "=&r"(a3), [x] "=&r"(x_), [y] "=&r"(y_),            \
                  [t] "=&r"(t_), [w] "=&r"(w_), [v] "=&r"(v_)              \
                : [p0] "r"(r0), [p1] "r"(r1), [p2] "r"(r2), [cs] "r"(cs),  \
                  [r] "r"(r)                                               \
                : "memory");                                               \
    } while (0)
#else
#define NH_SUMS3(r0, r1, r2, cs, r, a0, a1, a2, a3)                        \
    do {                                                                   \
        a0 = (int32_t)r[0], a1 = (int32_t)r[1];                            \
        a2 = (int32_t)r[2], a3 = (int32_t)r[3];                            \
        PAIR(r0, r0 + cs, r + 16);                                         \
        PAIR(r0 + 2 * cs, r1, r + 20);                                     \
        PAIR(r1 + cs, r1 + 2 * cs, r + 24);                                \
        PAIR(r2, r2 + cs, r + 28);                                         \
        SINGLE(r2 + 2 * cs, r + 32);                                       \
    } while (0)
#endif

/* rq_fast for channel i of the record at r, (m, ra) loaded at once: k
   is 4 + 2 * i, j 12 + i. */
#define RQ3(t, k, j)                                                       \
    __extension__({                                                        \
        uint32_t m_, ra_;                                                  \
        MCN_LOAD_PAIR(r, k, m_, ra_);                                      \
        mcn_ssat8(mcn_asr(mcn_smmlar(t, (int32_t)m_,                       \
                                     (int32_t)ra_ + mcn_asr(t, 31)),       \
                          (int)r[j]));                                     \
    })

/* 3x3, every channel in the SMMLAR form: npix pixels of n groups each
   (n, npix >= 1) from the records at rec, each group's four output bytes
   in one store, clamped to [lo4, hi4] (the bounds in every byte) unless
   `clamp` is 0 (the range is all of int8). After a pixel the rows move
   on `step` bytes more and the output `ostep` more. */
static void pixel3_fast(const int8_t *r0, const int8_t *r1, const int8_t *r2,
                        int32_t cs, int32_t step, const uint32_t *rec,
                        int32_t n, int8_t *out, int32_t ostep, int32_t npix,
                        uint32_t lo4, uint32_t hi4, int clamp)
{
    do {
        const uint32_t *r = rec;
        int32_t k = n;
        do {
            int32_t a0, a1, a2, a3;
            NH_SUMS3(r0, r1, r2, cs, r, a0, a1, a2, a3);
            const int32_t y0 = RQ3(a0, 4, 12);
            const int32_t y1 = RQ3(a1, 6, 13);
            const int32_t y2 = RQ3(a2, 8, 14);
            const int32_t y3 = RQ3(a3, 10, 15);
            uint32_t v = mcn_pack_s8x4(y0, y1, y2, y3);
            if (clamp)
                v = mcn_clamp_s8x4(v, lo4, hi4);
            mcn_store_u32(out, v);
            r0 += 4;
            r1 += 4;
            r2 += 4;
            out += 4;
            r += REC3;
        } while (--k);
        r0 += step;
        r1 += step;
        r2 += step;
        out += ostep;
    } while (--npix);
}

/* Channels [from, C) one at a time, for any filter and either
   requantization (tap t of the window at tap[t]; cold: the packer never
   prefers this kernel where it runs more than the last C % 4): channel
   i of a group has tap 2j + k in half k of word 4j + i, and an odd last
   tap in half i / 2 of word 4 * pairs + i % 2. */
static MCN_COLD void pixel_scalar(const nh_run *u, const int8_t *const *tap,
                                  int8_t *out, int32_t from)
{
    const nh_geom *g = u->g;
    for (int32_t o = from; o < g->c; o++) {
        const int32_t i = o & 3;
        const uint32_t *r = u->rec + (int64_t)(o >> 2) * g->rec;
        const uint32_t *w = r + REC_HEAD;
        int32_t a = (int32_t)r[i];
        for (int32_t t = 0; t < g->taps; t++) {
            const uint32_t v = t < 2 * g->pairs ? w[(t / 2) * 4 + i]
                                                : w[4 * g->pairs + (i & 1)];
            const int half = t < 2 * g->pairs ? (int)(t & 1) : (int)(i >> 1);
            a = mcn_mac16(tap[t][o], half ? mcn_hi16(v) : mcn_lo16(v), a);
        }
        out[o] = u->fast ? (int8_t)mcn_clamp(rq_fast(a, r, (int)i), u->lo,
                                             u->hi)
                         : rq_slow(u, a, o);
    }
}

/* n bytes from src to dst, eight at a time. */
static void copy(int8_t *dst, const int8_t *src, int32_t n)
{
    const int8_t *end = src + (n & ~7);
    for (; src != end; src += 8, dst += 8) {
        const uint32_t a = mcn_load_u32(src), b = mcn_load_u32(src + 4);
        mcn_store_u32(dst, a);
        mcn_store_u32(dst + 4, b);
    }
    for (int32_t i = 0; i < (n & 7); i++)
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
    /* The zero-point row, then the ring: zero points throughout, so the
       ring's pads stay them (staging writes the input's columns only). */
    int8_t *zrow = (int8_t *)(p->scratch + (int64_t)g.groups * g.rec);
    int8_t *ring = zrow + g.row_bytes;
    const int32_t kh = p->filter.h, kw = p->filter.w;
    const int32_t c = g.c, h = p->input.h, w = p->input.w;
    {
        const uint32_t zp4 = splat(-p->input_offset);
        uint32_t *z = (uint32_t *)(void *)zrow;
        const uint32_t *zend = z + g.row_bytes / 4;
        for (; z != zend; z++)
            *z = zp4;
        /* A slot's pads: the rest of it is staged before it is read. */
        for (int32_t y = 0; y < kh; y++) {
            int8_t *slot = ring + y * g.row_bytes;
            copy(slot, zrow, g.pl * c);
            copy(slot + (g.pl + w) * c, zrow, (g.pw - g.pl - w) * c);
        }
    }
    const int32_t row = w * c, sw = p->stride_w, sc = sw * c;
    const int fast3 = kh == 3 && kw == 3 && u.fast && g.full > 0;
    const int clamp = u.lo != -128 || u.hi != 127;
    const uint32_t lo4 = splat(u.lo), hi4 = splat(u.hi);
    const int tail = c & 3;
    int8_t *out = p->output_data;
    for (int32_t b = 0; b < p->input.n; b++) {
        const int8_t *in = p->input_data + (int64_t)b * h * row;
        int32_t next = 0;   /* the first input row not staged */
        for (int32_t oy = 0; oy < p->output.h; oy++) {
            const int32_t y0 = oy * p->stride_h - p->pad_top;
            const int8_t *rows[NH_MAX_K];
            for (int32_t y = y0 > next ? y0 : next; y < y0 + kh && y < h;
                 y++)
                if (y >= 0)
                    copy(ring + (y % kh) * g.row_bytes + g.pl * c,
                         in + y * row, row);
            next = y0 + kh > next ? y0 + kh : next;
            for (int32_t y = 0; y < kh; y++)
                rows[y] = y0 + y >= 0 && y0 + y < h
                              ? ring + ((y0 + y) % kh) * g.row_bytes
                              : zrow;
            if (fast3 && !tail) {
                /* The whole output row in one call. */
                pixel3_fast(rows[0], rows[1], rows[2], c,
                            sc - 4 * g.full, u.rec, g.full, out, 0,
                            p->output.w, lo4, hi4, clamp);
                out += (int64_t)p->output.w * c;
                continue;
            }
            if (fast3) {
                const int8_t *r0 = rows[0], *r1 = rows[1], *r2 = rows[2];
                for (int32_t ox = 0; ox < p->output.w; ox++, out += c,
                             r0 += sc, r1 += sc, r2 += sc) {
                    pixel3_fast(r0, r1, r2, c, 0, u.rec, g.full, out, 0, 1,
                                lo4, hi4, clamp);
                    const int8_t *tap[9];
                    for (int32_t t = 0; t < 9; t++)
                        tap[t] = (t < 3 ? r0 : t < 6 ? r1 : r2) + (t % 3) * c;
                    pixel_scalar(&u, tap, out, 4 * g.full);
                }
                continue;
            }
            for (int32_t ox = 0; ox < p->output.w; ox++, out += c) {
                const int8_t *tap[NH_MAX_K * NH_MAX_K];
                for (int32_t y = 0, t = 0; y < kh; y++)
                    for (int32_t x = 0; x < kw; x++, t++)
                        tap[t] = rows[y] + (ox * sw + x) * c;
                pixel_scalar(&u, tap, out, 0);
            }
        }
    }
}

/* Where this kernel beats the planar ones on the Cortex-M4 (instructions
   on QEMU, per layer of the MLPerf models): the unrolled 3x3 with SMMLAR
   requantization over at least one full group, on planes too small for
   the planar kernels to repay staging each channel. Their cost per
   output is a constant plus a per-channel one spread over the plane;
   this one's is flat (about 2.9 instructions a MAC). At stride 1 it wins
   at 12x12 (3.25 against 3.41 a MAC) and loses at 24x24 (3.20 against
   3.09); at stride 2, where the planar kernels stage four inputs an
   output, it wins at 24x24 (3.72 against 4.72) and is kept from 48x48
   planes, whose ring of padded rows would be the arena's largest
   scratch. */
int mcn_k_dwconv_s8_nhwc_smlad_preferred(const mcn_k_conv_params *p)
{
    const int64_t plane = (int64_t)p->input.h * p->input.w;
    return p->filter.h == 3 && p->filter.w == 3 && p->input.c >= 4 &&
           all_round(p) &&
           plane <= (p->stride_h >= 2 && p->stride_w >= 2 ? 1024 : 256);
}
