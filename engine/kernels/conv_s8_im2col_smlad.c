/*
** conv_s8_im2col_smlad.c: CONV_2D with one group and any filter, stride,
** dilation and padding, on the DSP extension, as an im2col into int16
** and a matrix multiply. Same bits as mcn_k_conv_s8 wherever it applies.
**
** Four output pixels at a time: their receptive fields are copied into
** the scratch column with the input offset added (SXTAB16; x + off fits
** int16), a tap in the padding as 0, which is what TFLM's reference
** (ConvPerChannel, skipping such taps) sums too. Then each output
** channel's weights meet the four columns four K-elements (a quad) at a
** time: the weight word split by SXTB16 into its even bytes (0, 2) and
** odd bytes (1, 3), and each pixel's two column words holding the same
** elements in that same order, which is the order im2col stores them in,
** so one SMLAD per word multiplies two pairs: 16 MACs in 13 instructions
** (one weight load, two SXTB16, two LDMs of four column words, eight
** SMLADs). The column is quad-major, the four pixels side by side, so
** one LDM reads two pixels' words for a quad.
**
** The K order: each filter row's whole quads (kw * cin bytes are
** contiguous in the input), then the rows' leftover bytes (kw * cin % 4
** of each) packed into the quads after. With 4 | cin that is the graph's
** order; otherwise the layout permutes each weight row to it at pack
** time. When K % 4 = t != 0 the last quad holds only t elements: its
** weight word is the row's last four bytes, its column slots for the
** 4 - t bytes before them (already counted) are 0. So no weight byte
** outside the row is ever read.
**
** Requantization in fewer instructions than mcn_mbqm_pos: where every
** |sum| < 2^(30 - left shift) (applies checks the bound from the bias
** and the weights: |bias| + 255 * sum |w|), x * 2^left fits without
** wrapping and doubled still fits int32, so gemmlowp's doubling high
** multiply is SMMULR(2 x 2^left, m); the rounding shift by r is
** (h + 2^(r-1) - (h < 0)) >> r, and the output offset is added before the
** shift as off * 2^r (floor division commutes with adding a multiple of
** the divisor), which needs r <= 22 to stay inside int32.
*/
#include "mcn_arch.h"
#include "mcn_kernels.h"
#include "requant.h"

/* The column's geometry for p. */
typedef struct {
    int32_t k;       /* kh * kw * cin: one output's taps */
    int32_t run;     /* kw * cin: the bytes one filter row reads */
    int32_t run_q;   /* run / 4: a filter row's whole quads */
    int32_t run_l;   /* run % 4: its leftovers */
    int32_t full;    /* kh * run_q: the quads of whole filter-row quads */
    int32_t left;    /* kh * run_l: the leftovers, in the quads after */
    int32_t quads;   /* full + ceil(left / 4) */
    int32_t tail;    /* k % 4: 0, or the elements of the last quad */
} geom;

/* Bytes of the column per quad: 4 pixels x 2 words. */
#define QUAD_BYTES 32
#define MAX_K 4096
#define MAX_RIGHT 22

static geom geom_of(const mcn_k_conv_params *p)
{
    geom g;
    g.run = p->filter.w * p->filter.c;
    g.k = p->filter.h * g.run;
    g.run_q = g.run / 4;
    g.run_l = g.run % 4;
    g.full = p->filter.h * g.run_q;
    g.left = p->filter.h * g.run_l;
    g.quads = g.full + (g.left + 3) / 4;
    g.tail = g.k % 4;
    return g;
}

/* The position in the padded column (4 * quads long) of leftover l. */
static inline int32_t leftover_pos(const geom *g, int32_t l)
{
    int32_t pos = 4 * g->full + l;
    return g->tail && l >= g->left - g->tail ? pos + 4 - g->tail : pos;
}

/* Every |sum| this output channel can reach stays below 2^(30 - left):
   x + off in [-255, 255] per tap. */
static int sums_fit(const mcn_k_conv_params *p, int32_t oc, int32_t k,
                    int left)
{
    const int8_t *w = p->filter_data + (int64_t)oc * k;
    int64_t s = 0;
    for (int32_t i = 0; i < k; i++)
        s += w[i] < 0 ? -w[i] : w[i];
    int64_t b = p->bias ? p->bias[oc] : 0;
    b = b < 0 ? -b : b;
    return b + 255 * s < (INT64_C(1) << (30 - left));
}

int mcn_k_conv_s8_im2col_smlad_applies(const mcn_k_conv_params *p)
{
    const geom g = geom_of(p);
    if (p->groups != 1 || g.k < 4 || g.k > MAX_K ||
        p->filter.n != p->output.c || p->input.c != p->filter.c ||
        !mcn_k_rq_nonneg(&p->rq))
        return 0;
    for (int32_t oc = 0; oc < p->output.c; oc++) {
        const int32_t s = p->rq.shift[p->rq.count > 1 ? oc : 0];
        const int left = s > 0 ? (int)s : 0;
        if (-s > MAX_RIGHT || left > 29 || !sums_fit(p, oc, g.k, left))
            return 0;
    }
    return 1;
}

uint32_t mcn_k_conv_s8_im2col_smlad_scratch_bytes(const mcn_k_conv_params *p)
{
    const geom g = geom_of(p);
    /* The column, then one filter row gathered where it is not
       contiguous in the input (padding, dilation). */
    return (uint32_t)g.quads * QUAD_BYTES + ((uint32_t)g.run + 3u) / 4u * 4u;
}

/* Each weight row in the column's K order; the bias stays. */
void mcn_k_conv_s8_im2col_smlad_layout(const mcn_k_conv_params *p, int8_t *w,
                                       int32_t *bias)
{
    const geom g = geom_of(p);
    (void)bias;
    for (int32_t oc = 0; oc < p->filter.n; oc++) {
        const int8_t *src = p->filter_data + (int64_t)oc * g.k;
        int8_t *dst = w + (int64_t)oc * g.k;
        for (int32_t fy = 0; fy < p->filter.h; fy++) {
            const int8_t *row = src + fy * g.run;
            for (int32_t i = 0; i < 4 * g.run_q; i++)
                dst[fy * 4 * g.run_q + i] = row[i];
            for (int32_t j = 0; j < g.run_l; j++)
                dst[4 * g.full + fy * g.run_l + j] = row[4 * g.run_q + j];
        }
    }
}

/* One int16 into the column: element r of quad q for pixel j. The even
   word holds elements 0 and 2, the odd word 1 and 3 (low half first). */
static inline void put16(uint8_t *col, int32_t pos, int32_t j, int32_t v)
{
    const int32_t q = pos / 4, r = pos % 4;
    const int16_t h = (int16_t)v;
    __builtin_memcpy(col + q * QUAD_BYTES + j * 8 + (r & 1) * 4 + (r >> 1) * 2,
                     &h, 2);
}

/* Pixel j's column slots all 0 (a pixel past the last one). */
static void zero_pixel(uint8_t *col, const geom *g, int32_t j)
{
    for (int32_t q = 0; q < g->quads; q++) {
        mcn_store_u32(col + q * QUAD_BYTES + j * 8, 0);
        mcn_store_u32(col + q * QUAD_BYTES + j * 8 + 4, 0);
    }
}

/* Output pixel px's receptive field into pixel slot j of the column. */
static void im2col_pixel(const mcn_k_conv_params *p, const geom *g,
                         int32_t px, uint8_t *col, int32_t j, int8_t *stage)
{
    const mcn_k_dims in = p->input, f = p->filter;
    const int32_t ox = px % p->output.w, rest = px / p->output.w;
    const int32_t oy = rest % p->output.h, b = rest / p->output.h;
    const int32_t y0 = oy * p->stride_h - p->pad_top;
    const int32_t x0 = ox * p->stride_w - p->pad_left;
    const int32_t off = p->input_offset;
    const uint32_t off2 = mcn_pack16(off, off);
    const int8_t *img = p->input_data + (int64_t)b * in.h * in.w * in.c;
    const int contiguous = p->dilation_w == 1 && x0 >= 0 && x0 + f.w <= in.w;

    for (int32_t fy = 0; fy < f.h; fy++) {
        const int32_t y = y0 + fy * p->dilation_h;
        uint8_t *dst = col + fy * g->run_q * QUAD_BYTES + j * 8;
        if (y < 0 || y >= in.h) {
            for (int32_t i = 0; i < g->run_q; i++, dst += QUAD_BYTES) {
                mcn_store_u32(dst, 0);
                mcn_store_u32(dst + 4, 0);
            }
            for (int32_t l = 0; l < g->run_l; l++)
                put16(col, leftover_pos(g, fy * g->run_l + l), j, 0);
            continue;
        }
        const int8_t *src = stage;
        if (contiguous) {
            src = img + ((int64_t)y * in.w + x0) * in.c;
        } else {
            /* Gather the row: each tap's channels, or the zero point
               (0 once the offset is added) for a tap in the padding. */
            for (int32_t fx = 0; fx < f.w; fx++) {
                const int32_t x = x0 + fx * p->dilation_w;
                int8_t *s = stage + fx * in.c;
                if (x < 0 || x >= in.w)
                    for (int32_t c = 0; c < in.c; c++)
                        s[c] = (int8_t)-off;
                else
                    for (int32_t c = 0; c < in.c; c++)
                        s[c] = img[((int64_t)y * in.w + x) * in.c + c];
            }
        }
        for (int32_t i = 0; i < g->run_q; i++, dst += QUAD_BYTES) {
            const uint32_t v = mcn_load_u32(src + 4 * i);
            mcn_store_u32(dst, mcn_sxtab16(off2, v));
            mcn_store_u32(dst + 4, mcn_sxtab16_ror8(off2, v));
        }
        for (int32_t l = 0; l < g->run_l; l++)
            put16(col, leftover_pos(g, fy * g->run_l + l), j,
                  src[4 * g->run_q + l] + off);
    }
}

/* The four pixels' sums over n quads of the column from col, against the
   weight words from w: a[j] += sum of w . column j. */
static inline void mac_quads(const uint8_t *col, const int8_t *w, int32_t n,
                             int32_t *a)
{
    for (int32_t q = 0; q < n; q++, col += QUAD_BYTES, w += 4) {
        const uint32_t wv = mcn_load_u32(w);
        const uint32_t we = mcn_sxtb16(wv), wo = mcn_sxtb16_ror8(wv);
        for (int32_t j = 0; j < 4; j++) {
            a[j] = mcn_smlad(mcn_load_u32(col + j * 8), we, a[j]);
            a[j] = mcn_smlad(mcn_load_u32(col + j * 8 + 4), wo, a[j]);
        }
    }
}

/* One channel's requantization, with the precomputed parts. */
typedef struct {
    int32_t m;       /* multiplier */
    int left1;       /* left shift + 1: the doubling of the high multiply */
    int right;       /* right shift */
    int32_t nudge;   /* 2^(right-1) + output offset * 2^right */
} chan_rq;

static inline chan_rq chan_rq_of(const mcn_k_conv_params *p, int32_t oc)
{
    const int32_t r = p->rq.count > 1 ? oc : 0;
    const int32_t s = p->rq.shift[r];
    chan_rq c;
    c.m = p->rq.multiplier[r];
    c.left1 = (s > 0 ? (int)s : 0) + 1;
    c.right = s > 0 ? 0 : (int)-s;
    c.nudge = c.right
        ? mcn_wrap_i32((1u << (c.right - 1)) +
                       ((uint32_t)p->output_offset << c.right))
        : p->output_offset;
    return c;
}

/* acc requantized to the output, before the clamp. */
static inline int32_t requant(int32_t acc, const chan_rq *c)
{
    const int32_t h = mcn_smmulr(mcn_wrap_i32((uint32_t)acc << c->left1),
                                 c->m);
    if (c->right == 0)
        return h + c->nudge;
    /* h + nudge - (h < 0), shifted: TFLM's rounding, ties away from 0. */
    return mcn_asr(h + c->nudge + (h < 0 ? -1 : 0), c->right);
}

void mcn_k_conv_s8_im2col_smlad(const mcn_k_conv_params *p)
{
    const geom g = geom_of(p);
    const int32_t pixels = p->output.n * p->output.h * p->output.w;
    const int32_t out_c = p->output.c;
    const int32_t straight = g.quads - (g.tail != 0);
    uint8_t *col = (uint8_t *)p->scratch;
    int8_t *stage = (int8_t *)(col + g.quads * QUAD_BYTES);
    const int full_range = p->act_min == -128 && p->act_max == 127;

    /* The slots beside the last quad's elements stay 0 throughout. */
    if (g.tail)
        for (int32_t j = 0; j < 4; j++)
            for (int32_t r = 0; r < 4 - g.tail; r++)
                put16(col, 4 * (g.quads - 1) + r, j, 0);

    for (int32_t px = 0; px < pixels; px += 4) {
        const int32_t n = pixels - px < 4 ? pixels - px : 4;
        for (int32_t j = 0; j < 4; j++) {
            if (j < n)
                im2col_pixel(p, &g, px + j, col, j, stage);
            else
                zero_pixel(col, &g, j);
        }
        int8_t *dst = p->output_data + (int64_t)px * out_c;
        const int8_t *w = p->filter_data;
        for (int32_t oc = 0; oc < out_c; oc++, w += g.k) {
            const int32_t b = p->bias ? p->bias[oc] : 0;
            int32_t a[4] = {b, b, b, b};
            mac_quads(col, w, straight, a);
            if (g.tail)
                mac_quads(col + straight * QUAD_BYTES, w + g.k - 4, 1, a);
            const chan_rq c = chan_rq_of(p, oc);
            for (int32_t j = 0; j < n; j++) {
                int32_t v = requant(a[j], &c);
                v = full_range ? mcn_ssat8(v)
                               : mcn_clamp(v, p->act_min, p->act_max);
                dst[j * out_c + oc] = (int8_t)v;
            }
        }
    }
}
