/*
** conv_smlad.c: the int16 column, the requantization table and the layer
** loop of the im2col SMLAD convolutions (conv_smlad.h says how the column
** is laid out and why).
*/
#include "conv_smlad.h"

#if defined(__GNUC__)
#define MCN_NOINLINE __attribute__((noinline))
#define MCN_INLINE inline __attribute__((always_inline))
#else
#define MCN_NOINLINE
#define MCN_INLINE inline
#endif

#define MAX_K 4096
#define MAX_C 65536
#define MAX_RIGHT 22

mcn_smlad_geom mcn_smlad_geom_of(const mcn_k_conv_params *p)
{
    mcn_smlad_geom g;
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

/* The position in the padded K order (4 * quads long) of leftover l. */
static int32_t leftover_pos(const mcn_smlad_geom *g, int32_t l)
{
    int32_t pos = 4 * g->full + l;
    return g->tail && l >= g->left - g->tail ? pos + 4 - g->tail : pos;
}

/* The byte offset in the column of position pos for pixel 0: quad
   pos / 4; the even word holds elements 0 and 2, the odd word 1 and 3,
   low half first. */
static uint32_t slot_of(uint32_t pos)
{
    const uint32_t r = pos & 3u;
    return (pos >> 2) * MCN_SMLAD_QUAD + (r & 1u) * 4u + (r >> 1) * 2u;
}

static inline void put16(uint8_t *at, int32_t v)
{
    const int16_t h = (int16_t)v;
    __builtin_memcpy(at, &h, 2);
}

/* Every |sum| output channel oc can reach stays below 2^(30 - left):
   x + off in [-255, 255] per tap. The weights' order does not matter,
   so this holds before the layout as after it; the worst case of any
   int8 weight, |w| <= 128, spares mcn_init the scan wherever it is
   enough (every MLPerf Tiny layer). */
static int sums_fit(const mcn_k_conv_params *p, int32_t oc, int32_t k,
                    int left)
{
    const int64_t limit = INT64_C(1) << (30 - left);
    int64_t b = p->bias ? p->bias[oc] : 0;
    b = b < 0 ? -b : b;
    if (b + INT64_C(255) * 128 * k < limit)
        return 1;
    const int8_t *w = p->filter_data + (int64_t)oc * k;
    int64_t s = 0;
    for (int32_t i = 0; i < k; i++)
        s += w[i] < 0 ? -w[i] : w[i];
    return b + 255 * s < limit;
}

int mcn_smlad_applies(const mcn_k_conv_params *p)
{
    const mcn_smlad_geom g = mcn_smlad_geom_of(p);
    if (p->groups != 1 || g.k < 4 || g.k > MAX_K || p->output.c > MAX_C ||
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

void mcn_smlad_layout(const mcn_k_conv_params *p, int8_t *w)
{
    const mcn_smlad_geom g = mcn_smlad_geom_of(p);
    const uint32_t rows = mcn_smlad_rows_bytes(p);
    for (uint32_t i = (uint32_t)p->filter.n * (uint32_t)g.k; i < rows; i++)
        w[i] = 0;
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

/* mcn_smlad_run reads four pixels' windows into the column (nothing
   below each window's clipped corner), then writes their outputs; the
   last group of fewer goes through tmp after every read. */
int mcn_k_conv_smlad_overlap(const mcn_k_conv_params *p, int32_t *lo,
                             int32_t *hi)
{
    mcn_k_raster r = {
        p->input.n, p->input.h, p->input.w, p->input.c,
        p->output.h, p->output.w, p->output.c,
        p->stride_h, p->stride_w, p->pad_top, p->pad_left, 1, 1};
    const mcn_k_window w = mcn_k_raster_block_window(&r, 4);
    /* Past the input's end the two are disjoint anyway. */
    const int64_t in_bytes = (int64_t)p->input.n * p->input.h * p->input.w *
                             p->input.c;
    const int64_t h = w.hi < in_bytes ? w.hi : in_bytes;
    if (h <= INT32_MIN || h > INT32_MAX)
        return 0;
    *lo = INT32_MIN;
    *hi = (int32_t)h;
    return 1;
}

static uint32_t round4(uint32_t n)
{
    return (n + 3u) / 4u * 4u;
}

uint32_t mcn_smlad_scratch_bytes(const mcn_k_conv_params *p)
{
    const mcn_smlad_geom g = mcn_smlad_geom_of(p);
    const uint32_t out_c = (uint32_t)p->output.c, quads = (uint32_t)g.quads;
    return quads * MCN_SMLAD_QUAD + (uint32_t)g.left * 4u + round4(4u * out_c) +
           round4((uint32_t)g.run);
}

static mcn_smlad_rq rq_of(const mcn_k_conv_params *p, int32_t oc)
{
    const int32_t r = p->rq.count > 1 ? oc : 0;
    const int32_t s = p->rq.shift[r];
    const int left = s > 0 ? (int)s : 0, right = s > 0 ? 0 : (int)-s;
    mcn_smlad_rq e;
    e.bias = p->bias ? p->bias[oc] : 0;
    e.m = p->rq.multiplier[r];
    e.left1 = left + 1;
    e.right = right;
    e.nudge = mcn_smmlar_nudge(right, p->output_offset);
    return e;
}

uint32_t mcn_smlad_rows_bytes(const mcn_k_conv_params *p)
{
    const mcn_smlad_geom g = mcn_smlad_geom_of(p);
    return round4((uint32_t)p->output.c * (uint32_t)g.k);
}

uint32_t mcn_smlad_rq_bytes(const mcn_k_conv_params *p)
{
    return (uint32_t)p->output.c * (uint32_t)sizeof(mcn_smlad_rq);
}

void mcn_smlad_layout_rq(const mcn_k_conv_params *p, uint8_t *dst)
{
    for (int32_t oc = 0; oc < p->output.c; oc++) {
        const mcn_smlad_rq e = rq_of(p, oc);
        __builtin_memcpy(dst + (uint32_t)oc * sizeof e, &e, sizeof e);
    }
}

int mcn_smlad_rq_matches(const mcn_k_conv_params *p, const uint8_t *rq)
{
    for (int32_t oc = 0; oc < p->output.c; oc++) {
        const mcn_smlad_rq e = rq_of(p, oc);
        if (__builtin_memcmp(rq + (uint32_t)oc * sizeof e, &e, sizeof e))
            return 0;
    }
    return 1;
}

mcn_smlad_scratch mcn_smlad_scratch_of(const mcn_k_conv_params *p,
                                       const mcn_smlad_geom *g,
                                       const void *rq)
{
    const int32_t out_c = p->output.c;
    mcn_smlad_scratch s;
    s.col = (uint8_t *)p->scratch;
    s.rq = (const mcn_smlad_rq *)rq;
    s.lpos = (uint32_t *)(void *)(s.col + g->quads * MCN_SMLAD_QUAD);
    s.tmp = (int8_t *)(s.lpos + g->left);
    s.stage = s.tmp + round4(4u * (uint32_t)out_c);
    for (int32_t l = 0; l < g->left; l++)
        s.lpos[l] = slot_of((uint32_t)leftover_pos(g, l));
    /* The slots beside the last quad's elements stay 0 throughout. */
    if (g->tail)
        for (int32_t j = 0; j < 4; j++)
            for (int32_t r = 0; r < 4 - g->tail; r++)
                put16(s.col + slot_of((uint32_t)(4 * (g->quads - 1) + r)) +
                          j * 8,
                      0);
    return s;
}

/* n quads of one pixel's column from dst on (stepping a quad) all 0. */
static void zero_quads(uint8_t *dst, int32_t n)
{
    for (int32_t i = 0; i < n; i++, dst += MCN_SMLAD_QUAD) {
        mcn_store_u32(dst, 0);
        mcn_store_u32(dst + 4, 0);
    }
}

/* n >= 1 quads of one pixel from the int8 bytes at *src (any alignment)
   into the column at *dst: off added, even bytes then odd bytes. Both
   pointers are left after what they covered. */
static void convert_quads(uint8_t **dst, const int8_t **src, int32_t n,
                          uint32_t off2)
{
#if MCN_ARCH_DSP
    uint8_t *d = *dst;
    const int8_t *s = *src;
    uint32_t x0, x1, e0, o0, e1, o1;
    if (n & 1)
        __asm__ volatile("ldr %[x0], [%[s]], #4\n\t"
                         "sxtab16 %[e0], %[off2], %[x0]\n\t"
                         "sxtab16 %[o0], %[off2], %[x0], ror #8\n\t"
                         "strd %[e0], %[o0], [%[d]], #32\n\t"
                         : [s] "+r"(s), [d] "+r"(d), [x0] "=&r"(x0),
                           [e0] "=&r"(e0), [o0] "=&r"(o0)
                         : [off2] "r"(off2)
                         : "memory");
    n >>= 1;
    if (n)
        __asm__ volatile("1:\n\t"
                         "ldr %[x0], [%[s]], #4\n\t"
                         "ldr %[x1], [%[s]], #4\n\t"
                         "sxtab16 %[e0], %[off2], %[x0]\n\t"
                         "sxtab16 %[o0], %[off2], %[x0], ror #8\n\t"
                         "sxtab16 %[e1], %[off2], %[x1]\n\t"
                         "sxtab16 %[o1], %[off2], %[x1], ror #8\n\t"
                         "strd %[e0], %[o0], [%[d]], #32\n\t"
                         "strd %[e1], %[o1], [%[d]], #32\n\t"
                         "subs %[n], %[n], #1\n\t"
                         "bne 1b\n\t"
                         : [s] "+r"(s), [d] "+r"(d), [n] "+r"(n),
                           [x0] "=&r"(x0), [x1] "=&r"(x1), [e0] "=&r"(e0),
                           [o0] "=&r"(o0), [e1] "=&r"(e1), [o1] "=&r"(o1)
                         : [off2] "r"(off2)
                         : "cc", "memory");
    *dst = d;
    *src = s;
#else
    for (int32_t i = 0; i < n; i++, *dst += MCN_SMLAD_QUAD, *src += 4) {
        const uint32_t v = mcn_load_u32(*src);
        mcn_store_u32(*dst, mcn_sxtab16(off2, v));
        mcn_store_u32(*dst + 4, mcn_sxtab16_ror8(off2, v));
    }
#endif
}

/* The column builder: the layer's constants and the next pixel. */
typedef struct {
    const int8_t *input;
    int32_t image_bytes, row_bytes;  /* one image, one input row */
    int32_t in_h, in_w, in_c;
    int32_t f_h, f_w, dil_h, dil_w;
    int32_t y_max, x_max;            /* see col_start */
    int32_t stride_h, stride_w, pad_top, pad_left;
    int32_t out_h, out_w;
    int32_t run_q, run_l, quads;
    int32_t ldm;                     /* rows of 4k whole quads */
    int32_t off;                     /* input offset */
    uint32_t off2;                   /* ... in both halves */
    uint8_t *col;
    const uint32_t *lpos;            /* leftover l's slot (pixel 0) */
    int8_t *stage;
    int32_t b, oy, ox, y0, x0;       /* the next pixel, its window */
} col_builder;

static void col_start(col_builder *c, const mcn_k_conv_params *p,
                      const mcn_smlad_geom *g, const mcn_smlad_scratch *s)
{
    c->input = p->input_data;
    c->in_h = p->input.h;
    c->in_w = p->input.w;
    c->in_c = p->input.c;
    c->row_bytes = c->in_w * c->in_c;
    c->image_bytes = c->in_h * c->row_bytes;
    c->f_h = p->filter.h;
    c->f_w = p->filter.w;
    c->dil_h = p->dilation_h;
    c->dil_w = p->dilation_w;
    c->stride_h = p->stride_h;
    c->stride_w = p->stride_w;
    c->pad_top = p->pad_top;
    c->pad_left = p->pad_left;
    c->out_h = p->output.h;
    c->out_w = p->output.w;
    c->run_q = g->run_q;
    c->run_l = g->run_l;
    c->quads = g->quads;
    c->ldm = g->run_l == 0 && g->run_q % 4 == 0 && g->run_q > 0;
    c->off = p->input_offset;
    c->off2 = mcn_pack16(c->off, c->off);
    c->col = s->col;
    c->lpos = s->lpos;
    c->stage = s->stage;
    /* A window starting at (y0, x0) is wholly inside, its rows
       contiguous, for y0 in [0, y_max] and x0 in [0, x_max]. */
    c->y_max = c->in_h - ((c->f_h - 1) * c->dil_h + 1);
    c->x_max = c->dil_w == 1 ? c->in_w - c->f_w : -1;
    c->b = c->oy = c->ox = 0;
    c->y0 = -c->pad_top;
    c->x0 = -c->pad_left;
}

/* One filter row of a pixel from its bytes at s: its run_q whole quads
   into the column from *dst on, its run_l leftovers to their slots
   (*lp on, offsets from col); straight-line for the short rows of a first
   layer, where a loop's overhead would cost more than the work. */
static inline void convert_row(uint8_t *col, uint8_t **dst,
                               const uint32_t **lp, const int8_t *s,
                               int32_t run_q, int32_t run_l, int32_t off,
                               uint32_t off2)
{
    uint8_t *d = *dst;
#define MCN_QUAD(i)                                                           \
    do {                                                                      \
        const uint32_t v = mcn_load_u32(s + 4 * (i));                         \
        mcn_store_u32(d + MCN_SMLAD_QUAD * (i), mcn_sxtab16(off2, v));        \
        mcn_store_u32(d + MCN_SMLAD_QUAD * (i) + 4,                           \
                      mcn_sxtab16_ror8(off2, v));                             \
    } while (0)
    switch (run_q) {
    case 4:
        MCN_QUAD(3);
        /* fallthrough */
    case 3:
        MCN_QUAD(2);
        /* fallthrough */
    case 2:
        MCN_QUAD(1);
        /* fallthrough */
    case 1:
        MCN_QUAD(0);
        /* fallthrough */
    case 0:
        break;
    default: {
        uint8_t *dd = d;
        const int8_t *ss = s;
        convert_quads(&dd, &ss, run_q, off2);
    }
    }
#undef MCN_QUAD
    *dst = d + run_q * MCN_SMLAD_QUAD;
    const int8_t *t = s + 4 * run_q;
    const uint32_t *l = *lp;
    switch (run_l) {
    case 3:
        put16(col + l[2], t[2] + off);
        /* fallthrough */
    case 2:
        put16(col + l[1], t[1] + off);
        /* fallthrough */
    case 1:
        put16(col + l[0], t[0] + off);
        /* fallthrough */
    default:
        break;
    }
    *lp = l + run_l;
}

/* Pixel slot col gets a window wholly inside the image, each filter row
   contiguous there: from src (the window's first byte) on. */
static MCN_NOINLINE void fill_inside(const col_builder *c,
                                     const int8_t *src, uint8_t *col)
{
    const int32_t f_h = c->f_h, run_q = c->run_q, run_l = c->run_l;
    const int32_t step = c->dil_h * c->row_bytes, off = c->off;
    const uint32_t off2 = c->off2;
    const uint32_t *lp = c->lpos;
    uint8_t *dst = col;
    if (run_q == 2 && run_l == 1) {
        /* 3x3 over three channels, the commonest first layer: rows of
           two quads and one leftover, the counts known to the compiler. */
        for (int32_t fy = 0; fy < f_h; fy++)
            convert_row(col, &dst, &lp, src + fy * step, 2, 1, off, off2);
        return;
    }
    for (int32_t fy = 0; fy < f_h; fy++)
        convert_row(col, &dst, &lp, src + fy * step, run_q, run_l, off, off2);
}

/* rows rows of 4 * n4 (>= 4) quads from a 4-byte aligned src (which steps
   adj bytes more between rows) into one pixel's column from dst on: one
   LDM reads four quads' bytes. */
static void convert_rows4(uint8_t *dst, const int8_t *src, int32_t rows,
                          int32_t n4, int32_t adj, uint32_t off2)
{
#if MCN_ARCH_DSP
    int32_t n;
    uint32_t e, o;
    __asm__ volatile(
        "1:\n\t"
        "mov %[n], %[n4]\n\t"
        "2:\n\t"
        "ldmia %[s]!, {r8, r9, r10, r11}\n\t"
        "sxtab16 %[e], %[off2], r8\n\t"
        "sxtab16 %[o], %[off2], r8, ror #8\n\t"
        "strd %[e], %[o], [%[d]], #32\n\t"
        "sxtab16 %[e], %[off2], r9\n\t"
        "sxtab16 %[o], %[off2], r9, ror #8\n\t"
        "strd %[e], %[o], [%[d]], #32\n\t"
        "sxtab16 %[e], %[off2], r10\n\t"
        "sxtab16 %[o], %[off2], r10, ror #8\n\t"
        "strd %[e], %[o], [%[d]], #32\n\t"
        "sxtab16 %[e], %[off2], r11\n\t"
        "sxtab16 %[o], %[off2], r11, ror #8\n\t"
        "strd %[e], %[o], [%[d]], #32\n\t"
        "subs %[n], %[n], #1\n\t"
        "bne 2b\n\t"
        "add %[s], %[s], %[adj]\n\t"
        "subs %[rows], %[rows], #1\n\t"
        "bne 1b\n\t"
        : [s] "+r"(src), [d] "+r"(dst), [rows] "+r"(rows), [n] "=&r"(n),
          [e] "=&r"(e), [o] "=&r"(o)
        : [n4] "r"(n4), [adj] "r"(adj), [off2] "r"(off2)
        : "r8", "r9", "r10", "r11", "cc", "memory");
#else
    for (int32_t r = 0; r < rows; r++) {
        const int8_t *s = src + r * (adj + 16 * n4);
        convert_quads(&dst, &s, 4 * n4, off2);
    }
#endif
}

/* Bytes [from, to) of a gathered row: n copied from src, or the zero
   point (0 once the offset is added) where src is NULL. */
static void gather(int8_t *dst, const int8_t *src, int32_t n, int8_t zp)
{
    if (src)
        for (int32_t i = 0; i < n; i++)
            dst[i] = src[i];
    else
        for (int32_t i = 0; i < n; i++)
            dst[i] = zp;
}

/* With dilation 1, the taps [*fx0, *fx1) of a filter row starting at
   input column x0 that lie inside [0, in_w) (an empty range at f_w if
   none do). */
static void inside_taps(int32_t x0, int32_t f_w, int32_t in_w, int32_t *fx0,
                        int32_t *fx1)
{
    int32_t a = x0 < 0 ? -x0 : 0, z = in_w - x0;
    a = a < f_w ? a : f_w;
    z = z < f_w ? z : f_w;
    *fx0 = a;
    *fx1 = z > a ? z : a;
}

/* Pixel slot col gets the window from input row y0, column x0 of image
   img, which may reach into the padding or have gaps (dilation): taps in
   the padding are 0. Rows whose taps split into whole quads (4 | cin)
   go tap by tap; others are gathered first, padding as the zero point. */
static MCN_NOINLINE void fill_edge(const col_builder *c, const int8_t *img,
                                   int32_t y0, int32_t x0, uint8_t *col)
{
    const int32_t in_h = c->in_h, in_w = c->in_w, in_c = c->in_c;
    const int32_t f_h = c->f_h, f_w = c->f_w;
    const int32_t dil_h = c->dil_h, dil_w = c->dil_w;
    const int32_t run_q = c->run_q, run_l = c->run_l, off = c->off;
    const uint32_t off2 = c->off2;
    const uint32_t *lp = c->lpos;
    int8_t *stage = c->stage;
    uint8_t *dst = col;
    for (int32_t fy = 0, y = y0; fy < f_h; fy++, y += dil_h) {
        if (y < 0 || y >= in_h) {
            zero_quads(dst, run_q);
            dst += run_q * MCN_SMLAD_QUAD;
            for (int32_t l = 0; l < run_l; l++)
                put16(col + *lp++, 0);
            continue;
        }
        const int8_t *row = img + y * c->row_bytes;
        if (in_c % 4 == 0 && dil_w == 1) {
            /* Taps [fx0, fx1) inside: one run of quads between two of
               padding. */
            int32_t fx0, fx1;
            inside_taps(x0, f_w, in_w, &fx0, &fx1);
            const int32_t q = in_c / 4;
            zero_quads(dst, fx0 * q);
            dst += fx0 * q * MCN_SMLAD_QUAD;
            if (fx1 > fx0) {
                const int8_t *s = row + (x0 + fx0) * in_c;
                convert_quads(&dst, &s, (fx1 - fx0) * q, off2);
            }
            zero_quads(dst, (f_w - fx1) * q);
            dst += (f_w - fx1) * q * MCN_SMLAD_QUAD;
            continue;
        }
        if (in_c % 4 == 0) {
            for (int32_t fx = 0, x = x0; fx < f_w; fx++, x += dil_w) {
                if (x < 0 || x >= in_w) {
                    zero_quads(dst, in_c / 4);
                    dst += in_c / 4 * MCN_SMLAD_QUAD;
                } else {
                    const int8_t *s = row + x * in_c;
                    convert_quads(&dst, &s, in_c / 4, off2);
                }
            }
            continue;
        }
        if (dil_w == 1) {
            /* Taps [fx0, fx1) inside: one run between two of padding. */
            int32_t fx0, fx1;
            inside_taps(x0, f_w, in_w, &fx0, &fx1);
            gather(stage, 0, fx0 * in_c, (int8_t)-off);
            if (fx1 > fx0)
                gather(stage + fx0 * in_c, row + (x0 + fx0) * in_c,
                       (fx1 - fx0) * in_c, 0);
            gather(stage + fx1 * in_c, 0, (f_w - fx1) * in_c, (int8_t)-off);
        } else {
            for (int32_t fx = 0, x = x0; fx < f_w; fx++, x += dil_w)
                gather(stage + fx * in_c,
                       x < 0 || x >= in_w ? 0 : row + x * in_c, in_c,
                       (int8_t)-off);
        }
        convert_row(col, &dst, &lp, stage, run_q, run_l, off, off2);
    }
}

/* fill_edge where 4 does not divide cin (a first layer's): its rows that
   are gathered, alone, so that code for a firmware of first layers only
   leaves out the rest. */
static MCN_NOINLINE void fill_edge_narrow(const col_builder *c,
                                          const int8_t *img, int32_t y0,
                                          int32_t x0, uint8_t *col)
{
    const int32_t in_h = c->in_h, in_w = c->in_w, in_c = c->in_c;
    const int32_t f_h = c->f_h, f_w = c->f_w;
    const int32_t dil_h = c->dil_h, dil_w = c->dil_w;
    const int32_t run_q = c->run_q, run_l = c->run_l, off = c->off;
    const uint32_t off2 = c->off2;
    const uint32_t *lp = c->lpos;
    int8_t *stage = c->stage;
    uint8_t *dst = col;
    for (int32_t fy = 0, y = y0; fy < f_h; fy++, y += dil_h) {
        if (y < 0 || y >= in_h) {
            zero_quads(dst, run_q);
            dst += run_q * MCN_SMLAD_QUAD;
            for (int32_t l = 0; l < run_l; l++)
                put16(col + *lp++, 0);
            continue;
        }
        const int8_t *row = img + y * c->row_bytes;
        if (dil_w == 1) {
            int32_t fx0, fx1;
            inside_taps(x0, f_w, in_w, &fx0, &fx1);
            gather(stage, 0, fx0 * in_c, (int8_t)-off);
            if (fx1 > fx0)
                gather(stage + fx0 * in_c, row + (x0 + fx0) * in_c,
                       (fx1 - fx0) * in_c, 0);
            gather(stage + fx1 * in_c, 0, (f_w - fx1) * in_c, (int8_t)-off);
        } else {
            for (int32_t fx = 0, x = x0; fx < f_w; fx++, x += dil_w)
                gather(stage + fx * in_c,
                       x < 0 || x >= in_w ? 0 : row + x * in_c, in_c,
                       (int8_t)-off);
        }
        convert_row(col, &dst, &lp, stage, run_q, run_l, off, off2);
    }
}

/* The next n (1..4) output pixels into the column's slots 0..n-1; the
   slots after them all 0. narrow: 4 does not divide cin. */
static MCN_INLINE void col_fill(col_builder *c, int32_t n, const int narrow)
{
    /* The cursor in locals: the fills' stores could alias *c. */
    int32_t b = c->b, oy = c->oy, ox = c->ox, y0 = c->y0, x0 = c->x0;
    const int32_t y_max = c->y_max, x_max = c->x_max;
    for (int32_t j = 0; j < 4; j++) {
        uint8_t *slot = c->col + j * 8;
        if (j >= n) {
            zero_quads(slot, c->quads);
            continue;
        }
        const int8_t *img = c->input + b * c->image_bytes;
        if (y0 >= 0 && y0 <= y_max && x0 >= 0 && x0 <= x_max) {
            const int8_t *src = img + y0 * c->row_bytes + x0 * c->in_c;
            if (c->ldm && ((uintptr_t)src & 3u) == 0)
                convert_rows4(slot, src, c->f_h, c->run_q / 4,
                                        c->dil_h * c->row_bytes -
                                            4 * c->run_q,
                                        c->off2);
            else
                fill_inside(c, src, slot);
        } else if (narrow) {
            fill_edge_narrow(c, img, y0, x0, slot);
        } else {
            fill_edge(c, img, y0, x0, slot);
        }
        x0 += c->stride_w;
        if (++ox == c->out_w) {
            ox = 0;
            x0 = -c->pad_left;
            y0 += c->stride_h;
            if (++oy == c->out_h) {
                oy = 0;
                y0 = -c->pad_top;
                b++;
            }
        }
    }
    c->b = b;
    c->oy = oy;
    c->ox = ox;
    c->y0 = y0;
    c->x0 = x0;
}

static MCN_INLINE void run(const mcn_k_conv_params *p, const mcn_smlad_geom *g,
                       const mcn_smlad_scratch *s, int32_t straight,
                       int32_t back, const void *w,
                       void (*channels)(mcn_smlad_chan *c), const int narrow)
{
    const int32_t pixels = p->output.n * p->output.h * p->output.w;
    const int32_t out_c = p->output.c;
    mcn_smlad_chan cc;
    cc.col = s->col;
    cc.skip = (4 - straight % 4) % 4;
    cc.e_end = s->rq + out_c;
    cc.out_c = out_c;
    cc.col_end = s->col + straight * MCN_SMLAD_QUAD;
    cc.back = back;
    cc.full = p->act_min == -128 && p->act_max == 127;
    cc.lo = p->act_min;
    cc.hi = p->act_max;
    cc.w = w;
    col_builder c;
    col_start(&c, p, g, s);
    for (int32_t px = 0; px < pixels; px += 4) {
        const int32_t n = pixels - px < 4 ? pixels - px : 4;
        col_fill(&c, n, narrow);
        int8_t *dst = p->output_data + (int64_t)px * out_c;
        cc.e = s->rq;
        cc.d = n == 4 ? dst : s->tmp;
        channels(&cc);
        for (int32_t i = 0; n < 4 && i < n * out_c; i++)
            dst[i] = s->tmp[i];
    }
}

void mcn_smlad_run(const mcn_k_conv_params *p, const mcn_smlad_geom *g,
                   const mcn_smlad_scratch *s, int32_t straight,
                   int32_t back, const void *w,
                   void (*channels)(mcn_smlad_chan *c))
{
    run(p, g, s, straight, back, w, channels, 0);
}

void mcn_smlad_run_narrow(const mcn_k_conv_params *p,
                          const mcn_smlad_geom *g,
                          const mcn_smlad_scratch *s, int32_t straight,
                          int32_t back, const void *w,
                          void (*channels)(mcn_smlad_chan *c))
{
    run(p, g, s, straight, back, w, channels, 1);
}
