/*
** conv_smlad.h: what the two im2col SMLAD convolutions share
** (conv_s8_im2col_smlad.c, conv_s8_first_smlad.c): the int16 column
** (conv_smlad.c builds it), the per-channel requantization table, and
** the loop over the output channels of one group of four pixels.
** C99, freestanding; inside the engine only.
**
** The column holds four output pixels' receptive fields as int16 with the
** input offset added (x + off fits int16; a tap in the padding is 0,
** which is what TFLM's reference, ConvPerChannel, skipping such taps,
** sums too), four K-elements (a quad) at a time: for quad q, pixel j's
** even elements (0, 2) as one word and odd elements (1, 3) as the next,
** the four pixels side by side, 32 bytes per quad. SXTAB16 makes exactly
** those two words from four input bytes, and SXTB16 the same two halves
** from four weight bytes, so one SMLAD per word multiplies two pairs.
**
** The K order: each filter row's whole quads first (kw * cin bytes lie
** contiguous in the input), then the rows' leftover bytes (kw * cin % 4
** of each) packed into the quads after. With 4 | cin that is the graph's
** order; otherwise the weights are permuted to it at pack time
** (mcn_smlad_layout). When K % 4 = t != 0 the last quad has t elements:
** its weight word is the row's last four bytes and its column slots for
** the 4 - t bytes before them (counted already) are 0, so no weight byte
** outside the row is read.
**
** The bias stays the graph's: the input offset is added in the column,
** not folded into it.
**
** The requantization takes fewer instructions than mcn_mbqm_pos where
** every |sum| < 2^(30 - left shift) (mcn_smlad_applies checks the bound
** from the bias and the weights: |bias| + 255 * sum |w|): x * 2^left then
** fits without wrapping and doubled still fits int32, so gemmlowp's
** doubling high multiply is SMMULR(2 x 2^left, m), and the output offset
** goes in before the rounding shift (conv_smlad_chan.c works it through).
*/
#ifndef MCN_CONV_SMLAD_H
#define MCN_CONV_SMLAD_H

#include "mcn_arch.h"
#include "mcn_kernels.h"
#include "requant.h"

/* Bytes of the column per quad: 4 pixels x 2 words. */
#define MCN_SMLAD_QUAD 32

/* The column's shape for a layer. */
typedef struct {
    int32_t k;       /* kh * kw * cin: one output's taps */
    int32_t run;     /* kw * cin: the bytes one filter row reads */
    int32_t run_q;   /* run / 4: a filter row's whole quads */
    int32_t run_l;   /* run % 4: its leftovers */
    int32_t full;    /* kh * run_q: the quads of whole filter-row quads */
    int32_t left;    /* kh * run_l: the leftovers, in the quads after */
    int32_t quads;   /* full + ceil(left / 4) */
    int32_t tail;    /* k % 4: 0, or the elements of the last quad */
} mcn_smlad_geom;

mcn_smlad_geom mcn_smlad_geom_of(const mcn_k_conv_params *p);

/* What both kernels need to apply: one group, 4 <= K <= 4096, at most
   65536 output channels, every multiplier >= 0 and the requantization's
   bound (above) for every channel. */
int mcn_smlad_applies(const mcn_k_conv_params *p);

/* Each weight row (p->filter_data) in the column's K order, into w, and
   0s after them up to mcn_smlad_rows_bytes (which nothing reads). */
void mcn_smlad_layout(const mcn_k_conv_params *p, int8_t *w);

/* One channel's requantization and bias (in this order: the assembly in
   conv_smlad_chan.c reads the first four with one LDM). */
typedef struct {
    int32_t m;       /* multiplier */
    int32_t left1;   /* left shift + 1: the high multiply's doubling */
    int32_t right;   /* right shift */
    int32_t nudge;   /* 2^(right-1) + output offset * 2^right */
    int32_t bias;
} mcn_smlad_rq;

/* The scratch both kernels lay out: the column; each
   leftover's slot; four pixels' outputs for a last group of fewer; one
   filter row gathered where it is not contiguous in the input. */
typedef struct {
    uint8_t *col;
    const mcn_smlad_rq *rq;     /* in flash, after the weights */
    uint32_t *lpos;
    int8_t *tmp;
    int8_t *stage;
} mcn_smlad_scratch;

uint32_t mcn_smlad_scratch_bytes(const mcn_k_conv_params *p);
/* p->scratch laid out, the column's fixed 0 slots written; rq is the
   table the layout put in flash (mcn_smlad_layout_rq). */
mcn_smlad_scratch mcn_smlad_scratch_of(const mcn_k_conv_params *p,
                                       const mcn_smlad_geom *g,
                                       const void *rq);

/* Both kernels' weight buffers: the rows in the column's K order
   (mcn_smlad_layout), 4-byte aligned, then (the first-layer kernel) the
   widened words, then the rq table, one entry per output channel, made at
   pack time. */
uint32_t mcn_smlad_rows_bytes(const mcn_k_conv_params *p);
uint32_t mcn_smlad_rq_bytes(const mcn_k_conv_params *p);
void mcn_smlad_layout_rq(const mcn_k_conv_params *p, uint8_t *dst);
/* 1 when the table at rq is what mcn_smlad_layout_rq writes for p. */
int mcn_smlad_rq_matches(const mcn_k_conv_params *p, const uint8_t *rq);

/* The loop over the output channels of one group of four pixels. The
   chip runs it as assembly (conv_smlad_chan.c), which reads these fields
   at these offsets. */
typedef struct {
    const uint8_t *col;         /*  0: the column */
    int32_t skip;               /*  4: (4 - straight % 4) % 4: the quads
                                       the first turn of a loop doing four
                                       per turn leaves out */
    const mcn_smlad_rq *e;      /*  8: the next channel's entry */
    const mcn_smlad_rq *e_end;  /* 12: after the last channel's */
    int8_t *d;                  /* 16: the next channel's first output */
    int32_t out_c;              /* 20: pixel j's output at d + j * out_c */
    const uint8_t *col_end;     /* 24: after the straight quads */
    int32_t back;               /* 28: 0, or 4 - t: how far the last quad's
                                       weight word steps back */
    int32_t full;               /* 32: 1: the clamp is int8's */
    int32_t lo, hi;             /* 36, 40: otherwise this one */
    const void *w;              /* 44: the first channel's weights */
    uint32_t entry;             /* 48: the assembly's own */
} mcn_smlad_chan;

/* Every channel from c->e to c->e_end: the four sums from the bias over
   the straight quads (and the last one, stepping back), requantized and
   stored. _byte reads int8 weights in column order, _wide widened ones
   (two words per quad, as SXTB16 makes them). */
void mcn_smlad_channels_byte(mcn_smlad_chan *c);
void mcn_smlad_channels_wide(mcn_smlad_chan *c);

/* The whole layer: groups of four pixels through the column, each
   group's channels by `channels` (one of the two above: passed, not
   chosen here, so that a firmware links only the one its layers use),
   over `straight` quads of weights from w (then one stepping `back` bytes
   back, if back). */
void mcn_smlad_run(const mcn_k_conv_params *p, const mcn_smlad_geom *g,
                   const mcn_smlad_scratch *s, int32_t straight,
                   int32_t back, const void *w,
                   void (*channels)(mcn_smlad_chan *c));
/* The same for a layer whose cin 4 does not divide (a first layer's),
   without the column code for rows of whole quads: for a firmware whose
   every column is such a layer's (mcn_k_conv_s8_first_smlad_narrow). */
void mcn_smlad_run_narrow(const mcn_k_conv_params *p,
                          const mcn_smlad_geom *g,
                          const mcn_smlad_scratch *s, int32_t straight,
                          int32_t back, const void *w,
                          void (*channels)(mcn_smlad_chan *c));

#endif
