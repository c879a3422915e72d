/*
** mcn_kernels.h: the int8 kernels, one per file in engine/kernels/.
** C99, freestanding.
**
** Each kernel takes one const parameter struct (dims first, then the data
** they describe) and trusts it: mcn_init's prepare pass has checked every
** shape, offset and range, so kernels do no checks of their own. Semantics
** are TFLite Micro's reference int8 kernels, bit for bit. Activations are
** NHWC; int32 data (bias, requant vectors) must be 4-byte aligned.
**
** A kernel that needs scratch memory says how much through its
** _scratch_bytes function (TRANSPOSE_CONV's int32 accumulator); the
** packer reserves it in the arena and mcn_init checks it is there.
*/
#ifndef MCN_KERNELS_H
#define MCN_KERNELS_H

#include <stdint.h>

typedef struct {
    int32_t n, h, w, c;
} mcn_k_dims;

/* Per-channel requantization: count == 1 applies entry 0 to every
   channel. Shifts in [-31, 31], positive = left. */
typedef struct {
    const int32_t *multiplier;
    const int32_t *shift;
    int32_t count;
} mcn_k_requant;

/* CONV_2D (filter [O, KH, KW, I/groups]) and DEPTHWISE_CONV_2D (filter
   [1, KH, KW, I*depth_multiplier]). Pads below and right are implied by
   the output dims. TRANSPOSE_CONV (filter [O, KH, KW, I]) too: there the
   pads cut the top and left of the full output. */
typedef struct {
    int32_t input_offset;       /* -input zero point */
    int32_t output_offset;      /* output zero point */
    int32_t stride_h, stride_w;
    int32_t dilation_h, dilation_w;
    int32_t pad_top, pad_left;
    int32_t groups;             /* conv only */
    int32_t depth_multiplier;   /* depthwise only */
    int32_t act_min, act_max;
    mcn_k_requant rq;
    mcn_k_dims input;   const int8_t *input_data;
    mcn_k_dims filter;  const int8_t *filter_data;
    const int32_t *bias;        /* [output.c], or NULL */
    mcn_k_dims output;  int8_t *output_data;
    int32_t *scratch;           /* transpose conv only: _scratch_bytes */
} mcn_k_conv_params;

/* FULLY_CONNECTED: input [batches, depth], filter [out_depth, depth]. */
typedef struct {
    int32_t input_offset, output_offset;
    int32_t act_min, act_max;
    mcn_k_requant rq;           /* count 1 or out_depth */
    int32_t batches, depth, out_depth;
    const int8_t *input_data;
    const int8_t *filter_data;
    const int32_t *bias;        /* [out_depth], or NULL */
    int8_t *output_data;
} mcn_k_fc_params;

/* NumPy broadcasting of two inputs onto an output, every shape aligned
   to the right and padded in front with 1s to MCN_K_BCAST_DIMS axes:
   input k's element for output index (i0, ..., i5) sits at the sum of
   i_d * stride_k[d], the stride being 0 along an axis the input has
   only once. */
#define MCN_K_BCAST_DIMS 6
typedef struct {
    int32_t dims[MCN_K_BCAST_DIMS];     /* the output's */
    int32_t stride1[MCN_K_BCAST_DIMS];  /* in elements */
    int32_t stride2[MCN_K_BCAST_DIMS];
} mcn_k_bcast;

/* Step the output index idx (last axis fastest) by one element, and the
   two input offsets with it. Unsigned, so stepping back over an axis may
   wrap on the way to an offset that is in range. */
static inline void mcn_k_bcast_next(const mcn_k_bcast *b, int32_t *idx,
                                    uint32_t *o1, uint32_t *o2)
{
    for (int d = MCN_K_BCAST_DIMS - 1; d >= 0; d--) {
        *o1 += (uint32_t)b->stride1[d];
        *o2 += (uint32_t)b->stride2[d];
        if (++idx[d] < b->dims[d])
            return;
        *o1 -= (uint32_t)b->stride1[d] * (uint32_t)b->dims[d];
        *o2 -= (uint32_t)b->stride2[d] * (uint32_t)b->dims[d];
        idx[d] = 0;
    }
}

/* ADD: `size` output elements; the inputs have that many too unless
   `broadcast`, when bcast says where each comes from. SUB is the same
   kernel with `subtract` set: input1 - input2. `lut`, when not NULL,
   holds MCN_K_ADD_LUT_LEN int32s from mcn_k_add_lut_fill (the inputs'
   rescaled terms by byte value) and the inputs have the output's shape:
   mcn_k_add_s8_lut then runs it. */
#define MCN_K_ADD_LUT_LEN 512
typedef struct {
    int32_t input1_offset, input2_offset, output_offset;
    int32_t left_shift;
    int32_t input1_multiplier, input1_shift;
    int32_t input2_multiplier, input2_shift;
    int32_t output_multiplier, output_shift;
    int32_t act_min, act_max;
    uint32_t size;
    int32_t broadcast;
    mcn_k_bcast bcast;
    const int8_t *input1_data;
    const int8_t *input2_data;
    int8_t *output_data;
    int32_t subtract;
    const int32_t *lut;
} mcn_k_add_params;

/* MUL: out = MBQM((in1 + off1) * (in2 + off2)) + output_offset, clamped;
   shapes as for ADD. */
typedef struct {
    int32_t input1_offset, input2_offset, output_offset;
    int32_t output_multiplier, output_shift;
    int32_t act_min, act_max;
    uint32_t size;
    int32_t broadcast;
    mcn_k_bcast bcast;
    const int8_t *input1_data;
    const int8_t *input2_data;
    int8_t *output_data;
} mcn_k_mul_params;

/* DIV: (in1 + off1) / (in2 + off2) by TFLM's reciprocal arithmetic,
   rescaled by s1 / (s2 * s_out); shapes as for ADD, and bcast filled even
   when nothing broadcasts (the kernel walks it either way). output_shift
   <= 23. */
typedef mcn_k_mul_params mcn_k_div_params;

/* PRELU: x - zp >= 0 is rescaled by s_in / s_out, the rest multiplied by
   the slope (alpha + alpha_offset) and rescaled by s_in * s_alpha / s_out.
   The slope broadcasts onto x (bcast, input 1 = x, input 2 = alpha, always
   filled); the output has x's shape. */
typedef struct {
    int32_t input_offset, alpha_offset, output_offset;
    int32_t identity_multiplier, identity_shift;
    int32_t alpha_multiplier, alpha_shift;
    uint32_t size;
    mcn_k_bcast bcast;
    const int8_t *input_data;
    const int8_t *alpha_data;
    int8_t *output_data;
} mcn_k_prelu_params;

/* A 256-entry lookup (ELU, HARD_SIGMOID): out = table[(uint8_t)in]. */
typedef struct {
    uint32_t size;
    const int8_t *table;
    const int8_t *input_data;
    int8_t *output_data;
} mcn_k_lut_params;

/* LOG_SOFTMAX over rows of `depth`; output scale 16/256, zero point 127.
   The input scaling is SOFTMAX's; the reverse divisor maps a Q5.26 log
   back to an input difference. */
typedef struct {
    int32_t input_multiplier;
    int32_t input_left_shift;           /* 0 .. 31 */
    int32_t reverse_scaling_divisor;
    int32_t reverse_scaling_shift;      /* -31 .. 0 */
    int32_t diff_min;
    uint32_t rows, depth;
    const int8_t *input_data;
    int8_t *output_data;
} mcn_k_log_softmax_params;

/* CONCATENATION seen as [outer, axis * inner]: each output row is the
   inputs' rows (axis_len * inner bytes each) side by side. An input is
   requantized on the way, out = MBQM(in + input_offset) + output_offset,
   which is a copy when its multiplier is the identity (2^30, 1) and its
   zero point the output's. */
#define MCN_K_CONCAT_MAX_IN 4
typedef struct {
    uint32_t axis_len;
    int32_t input_offset;       /* -zero point */
    int32_t multiplier, shift;
    const int8_t *data;
} mcn_k_concat_input;

typedef struct {
    uint32_t outer, inner;
    uint32_t n_inputs;          /* 1 .. MCN_K_CONCAT_MAX_IN */
    int32_t output_offset;
    mcn_k_concat_input in[MCN_K_CONCAT_MAX_IN];
    int8_t *output_data;
} mcn_k_concat_params;

/* PAD over `rank` axes: along axis d the output starts with pad_before[d]
   new elements and ends with pad_after[d]; a negative amount crops that
   side instead. New elements are pad_value (CONSTANT, mcn_pad_mode), the
   nearest kept element (EDGE), or the kept elements mirrored about the
   edge one, bouncing back and forth when the pad is longer (REFLECT). */
typedef struct {
    int32_t rank;               /* 1 .. 6 */
    int32_t input_dims[6], output_dims[6];
    int32_t pad_before[6], pad_after[6];
    int32_t mode;
    int32_t pad_value;          /* in int8 */
    const int8_t *input_data;
    int8_t *output_data;
} mcn_k_pad_params;

/* MEAN: each output is the `count` inputs found by stepping the reduced
   axes from the output's base offset; outputs follow the kept axes in
   order (keep_dims or not, the bytes are the same). Steps in elements. */
typedef struct {
    int32_t input_zero_point, output_offset;
    int32_t multiplier, shift;  /* 1 / count already folded in */
    int32_t count;
    int32_t n_kept, n_reduced;
    int32_t kept_dims[6], kept_steps[6];
    int32_t reduced_dims[6], reduced_steps[6];
    const int8_t *input_data;
    int8_t *output_data;
} mcn_k_mean_params;

/* LOGISTIC (output 1/256, zero point -128) and TANH (1/128, 0): inputs
   within the radius are rescaled to Q4.27, evaluated with gemmlowp's
   fixed point, and rounded to the output scale; the rest saturate. */
typedef struct {
    int32_t input_zero_point;
    int32_t input_range_radius;
    int32_t input_multiplier;
    int32_t input_left_shift;   /* 0 .. 31 */
    uint32_t size;
    const int8_t *input_data;
    int8_t *output_data;
} mcn_k_logistic_params;
typedef mcn_k_logistic_params mcn_k_tanh_params;

/* HARD_SWISH: TFLM's int16 fixed-point evaluation. Multipliers are int16
   values (0 .. 32767) with power-of-two exponents. */
typedef struct {
    int32_t input_zero_point, output_zero_point;
    int32_t output_multiplier, output_exponent;    /* exponent -31 .. 0 */
    int32_t reluish_multiplier, reluish_exponent;  /* exponent -31 .. 31 */
    uint32_t size;
    const int8_t *input_data;
    int8_t *output_data;
} mcn_k_hard_swish_params;

/* LEAKY_RELU: x - zp >= 0 is rescaled by the identity multiplier, the
   rest by the alpha one (negative for a negative alpha). */
typedef struct {
    int32_t input_zero_point, output_offset;
    int32_t identity_multiplier, identity_shift;
    int32_t alpha_multiplier, alpha_shift;
    uint32_t size;
    const int8_t *input_data;
    int8_t *output_data;
} mcn_k_leaky_relu_params;

/* MAX_POOL_2D, AVERAGE_POOL_2D (and the global pools as one window over
   the whole image). Tap k of a window starting at s sits at s + k *
   dilation; every window must have a tap inside the image. The output
   may have one window more per axis than the floor size (ceil_mode);
   its taps past the image are skipped like any other padding. */
typedef struct {
    int32_t filter_h, filter_w;
    int32_t stride_h, stride_w;
    int32_t dilation_h, dilation_w;
    int32_t pad_top, pad_left;
    int32_t pad_bottom, pad_right;  /* count_include_pad's divisor only */
    int32_t count_include_pad;  /* average: divide by the taps inside the
                                   padded image, not the image */
    int32_t zero_point;         /* ... where a padding tap is real 0 */
    int32_t act_min, act_max;
    mcn_k_dims input;   const int8_t *input_data;
    mcn_k_dims output;  int8_t *output_data;
} mcn_k_pool_params;

/* The largest of a row's n values (-128 for none): where SOFTMAX and
   LOG_SOFTMAX measure every difference from. */
static inline int32_t mcn_k_row_max(const int8_t *x, uint32_t n)
{
    int32_t max = -128;
    for (uint32_t c = 0; c < n; c++)
        if (x[c] > max)
            max = x[c];
    return max;
}

/* SOFTMAX over rows of `depth`; output scale 1/256, zero point -128. */
typedef struct {
    int32_t input_multiplier;
    int32_t input_left_shift;   /* 0 .. 31 */
    int32_t diff_min;
    uint32_t rows, depth;
    const int8_t *input_data;
    int8_t *output_data;
} mcn_k_softmax_params;

/* CLIP: clamp, input and output sharing scale and zero point. */
typedef struct {
    int32_t act_min, act_max;
    uint32_t size;
    const int8_t *input_data;
    int8_t *output_data;
} mcn_k_clip_params;

/* QUANTIZE int8 -> int8: out = MBQM(in + input_offset) + output_offset. */
typedef struct {
    int32_t input_offset, output_offset;
    int32_t multiplier, shift;
    uint32_t size;
    const int8_t *input_data;
    int8_t *output_data;
} mcn_k_quantize_params;

/* TRANSPOSE and SLICE: the output, walked in order over `rank` axes of
   dims, is the input read from `start` stepping steps[d] elements (may
   be negative) for each step along output axis d. TRANSPOSE starts at 0
   and steps the input's stride of axis perm[d]; SLICE starts at its
   first element and steps the stride times its step. */
typedef struct {
    int32_t rank;               /* 1 .. 6 */
    int32_t dims[6];            /* the output's */
    int32_t steps[6];
    uint32_t start;
    const int8_t *input_data;
    int8_t *output_data;
} mcn_k_transpose_params;

/* RESHAPE: a copy of `bytes`, none when input and output coincide. */
typedef struct {
    uint32_t bytes;
    const void *input_data;
    void *output_data;
} mcn_k_reshape_params;

/* RESIZE over H and W, N and C kept; input and output share quantization.
   The packer's tables say, per output row and per output column, what
   it reads (packer/requant_resize.c). NEAREST: rows[oy] is the input row
   of output row oy, cols[ox] the input column; each output pixel is a
   copy of C bytes. BILINEAR: three entries per output row (and column):
   the lower index, the upper index and the fraction f of the upper one
   in 1/1024ths, from TFLM's 10-bit fixed-point coordinates; the pixel is
   TFLM's weighted sum of the four, rounded (ResizeBilinearInteger). */
typedef struct {
    int32_t bilinear;           /* 0: NEAREST */
    mcn_k_dims input;  const int8_t *input_data;
    mcn_k_dims output; int8_t *output_data;
    const int32_t *rows;        /* [output.h] or [3 * output.h] */
    const int32_t *cols;        /* [output.w] or [3 * output.w] */
} mcn_k_resize_params;

void mcn_k_conv_s8(const mcn_k_conv_params *p);
uint32_t mcn_k_conv_s8_scratch_bytes(const mcn_k_conv_params *p);
/* 1x1 filter, stride 1, no padding, groups 1: same bits as mcn_k_conv_s8. */
void mcn_k_conv_1x1_s8(const mcn_k_conv_params *p);
int mcn_k_conv_1x1_s8_applies(const mcn_k_conv_params *p);
void mcn_k_dwconv_s8(const mcn_k_conv_params *p);

/* ---- optimised conv-family kernels (mcn_kernel_table.c lists them) ----
   Each has _applies, and may have _scratch_bytes and _layout (what the
   packer rewrites the weights and bias into); same bits as the reference
   kernels wherever it applies. */

/* Every requant multiplier >= 0, as QuantizeMultiplier gives them: where
   the optimised kernels apply, since their mcn_mbqm_pos needs it. */
static inline int mcn_k_rq_nonneg(const mcn_k_requant *rq)
{
    for (int32_t i = 0; i < rq->count; i++)
        if (rq->multiplier[i] < 0)
            return 0;
    return 1;
}

/* bias[c] += input_offset * (the weights of output channel c), mod 2^32:
   for kernels that multiply raw input bytes (fold_input_offset.c). */
void mcn_k_fold_input_offset(const mcn_k_conv_params *p, int depthwise,
                             int32_t *bias);

/* 1x1 CONV_2D (and FULLY_CONNECTED) with SMLAD; folded bias. */
int mcn_k_conv_1x1_s8_smlad_applies(const mcn_k_conv_params *p);
void mcn_k_conv_1x1_s8_smlad_layout(const mcn_k_conv_params *p, int8_t *w,
                                    int32_t *bias);
void mcn_k_conv_1x1_s8_smlad(const mcn_k_conv_params *p);
int mcn_k_conv_1x1_s8_smlad_overlap(const mcn_k_conv_params *p, int32_t *lo,
                                    int32_t *hi);
/* The paired 1x1 kernels (kernels/paired_s8.h): two output channels per
   16-bit weight lane. 1x1 CONV_2D (and FULLY_CONNECTED) over two or more
   pixels (rows). */
int mcn_k_conv_1x1_s8_smlad_paired_applies(const mcn_k_conv_params *p);
uint32_t mcn_k_conv_1x1_s8_smlad_paired_scratch_bytes(
    const mcn_k_conv_params *p);
void mcn_k_conv_1x1_s8_smlad_paired_layout(const mcn_k_conv_params *p,
                                           int8_t *w, int32_t *bias);
void mcn_k_conv_1x1_s8_smlad_paired(const mcn_k_conv_params *p);
int mcn_k_conv_1x1_s8_smlad_paired_overlap(const mcn_k_conv_params *p,
                                           int32_t *lo, int32_t *hi);
/* The same where _fast_applies: depth 4 to 256 in steps of 4, an even
   count of output channels, mcn_rq_fast for every channel, an act range of
   all int8. Not in the kernel table: mcn-gen calls it where every layer
   of a model's that runs the kernel qualifies, so the rest is not linked. */
int mcn_k_conv_1x1_s8_smlad_paired_fast_applies(const mcn_k_conv_params *p);
void mcn_k_conv_1x1_s8_smlad_paired_fast(const mcn_k_conv_params *p);
/* The paired lanes over three pixels at a time (conv_1x1_s8_smlad_paired3.c):
   depth a multiple of 4 up to 508, an even count of output channels,
   three or more pixels, right shifts of 1 to 22, an act range of all
   int8 and |bias| + 2^15 * depth < 2^30; its folded bias and
   requantization in flash with the lanes. */
int mcn_k_conv_1x1_s8_smlad_paired3_applies(const mcn_k_conv_params *p);
int mcn_k_conv_1x1_s8_smlad_paired3_preferred(const mcn_k_conv_params *p);
uint32_t mcn_k_conv_1x1_s8_smlad_paired3_scratch_bytes(
    const mcn_k_conv_params *p);
uint32_t mcn_k_conv_1x1_s8_smlad_paired3_weight_bytes(
    const mcn_k_conv_params *p);
void mcn_k_conv_1x1_s8_smlad_paired3_layout(const mcn_k_conv_params *p,
                                            int8_t *w, int32_t *bias);
int mcn_k_conv_1x1_s8_smlad_paired3_verify(const mcn_k_conv_params *p);
void mcn_k_conv_1x1_s8_smlad_paired3(const mcn_k_conv_params *p);
int mcn_k_conv_1x1_s8_smlad_paired3_overlap(const mcn_k_conv_params *p,
                                            int32_t *lo, int32_t *hi);
/* FULLY_CONNECTED (and 1x1 CONV_2D) over one row (pixel). */
int mcn_k_fc_s8_smlad_paired_applies(const mcn_k_conv_params *p);
uint32_t mcn_k_fc_s8_smlad_paired_scratch_bytes(const mcn_k_conv_params *p);
void mcn_k_fc_s8_smlad_paired_layout(const mcn_k_conv_params *p, int8_t *w,
                                     int32_t *bias);
void mcn_k_fc_s8_smlad_paired(const mcn_k_conv_params *p);
int mcn_k_fc_s8_smlad_paired_overlap(const mcn_k_conv_params *p, int32_t *lo,
                                     int32_t *hi);
/* The same over one row with its weights widened in flash (twice the
   filter's bytes) and no scratch for the row (fc_s8_smlad_wide.c). */
int mcn_k_fc_s8_smlad_wide_applies(const mcn_k_conv_params *p);
uint32_t mcn_k_fc_s8_smlad_wide_scratch_bytes(const mcn_k_conv_params *p);
uint32_t mcn_k_fc_s8_smlad_wide_weight_bytes(const mcn_k_conv_params *p);
void mcn_k_fc_s8_smlad_wide_layout(const mcn_k_conv_params *p, int8_t *w,
                                   int32_t *bias);
int mcn_k_fc_s8_smlad_wide_verify(const mcn_k_conv_params *p);
void mcn_k_fc_s8_smlad_wide(const mcn_k_conv_params *p);
/* The same where _fast_applies (depth a multiple of 4, an even count of
   output channels, mcn_rq_fast for every channel, an act range of all
   int8), where _quads_applies (that, with a multiple of 4 channels) and
   where _pair_applies (that, with two output channels). Not in the kernel
   table: for mcn-gen, as mcn_k_conv_1x1_s8_smlad_paired_fast. */
int mcn_k_fc_s8_smlad_paired_fast_applies(const mcn_k_conv_params *p);
void mcn_k_fc_s8_smlad_paired_fast(const mcn_k_conv_params *p);
int mcn_k_fc_s8_smlad_paired_pair_applies(const mcn_k_conv_params *p);
void mcn_k_fc_s8_smlad_paired_pair(const mcn_k_conv_params *p);
int mcn_k_fc_s8_smlad_paired_quads_applies(const mcn_k_conv_params *p);
void mcn_k_fc_s8_smlad_paired_quads(const mcn_k_conv_params *p);
/* DEPTHWISE_CONV_2D, multiplier 1, filters up to 8x8, no dilation, one
   channel at a time from int16 planes (dwconv_plane.h); weights
   [C][KH*KW], folded bias; may run in place. With SMLAD
   (dwconv_s8_smlad.c) and in portable C (dwconv_s8_planar.c), which
   share when they apply, their scratch, layout and overlap window. */
int mcn_k_dwconv_plane_applies(const mcn_k_conv_params *p);
uint32_t mcn_k_dwconv_plane_scratch_bytes(const mcn_k_conv_params *p);
void mcn_k_dwconv_plane_layout(const mcn_k_conv_params *p, int8_t *w,
                               int32_t *bias);
int mcn_k_dwconv_plane_overlap(const mcn_k_conv_params *p, int32_t *lo,
                               int32_t *hi);
void mcn_k_dwconv_s8_smlad(const mcn_k_conv_params *p);
/* The same where _3x3_applies (its plane a 3x3 filter's, stride across
   1 or 2). Not in the kernel table: for mcn-gen. */
int mcn_k_dwconv_s8_smlad_3x3_applies(const mcn_k_conv_params *p);
void mcn_k_dwconv_s8_smlad_3x3(const mcn_k_conv_params *p);
void mcn_k_dwconv_s8_planar(const mcn_k_conv_params *p);
/* DEPTHWISE_CONV_2D, multiplier 1, filters up to 8x8, no dilation,
   channels last: each output pixel's channels four at a time straight
   from the input, SMLABB/SMLATT (dwconv_s8_nhwc_smlad.c); weights as the
   graph's, folded bias; may run in place with the output starting at
   least about an input row before the input. Preferred over the planar
   kernels where their per-channel cost outweighs the plane (_preferred). */
int mcn_k_dwconv_s8_nhwc_smlad_applies(const mcn_k_conv_params *p);
uint32_t mcn_k_dwconv_s8_nhwc_smlad_scratch_bytes(const mcn_k_conv_params *p);
void mcn_k_dwconv_s8_nhwc_smlad_layout(const mcn_k_conv_params *p, int8_t *w,
                                       int32_t *bias);
void mcn_k_dwconv_s8_nhwc_smlad(const mcn_k_conv_params *p);
int mcn_k_dwconv_s8_nhwc_smlad_overlap(const mcn_k_conv_params *p,
                                       int32_t *lo, int32_t *hi);
int mcn_k_dwconv_s8_nhwc_smlad_preferred(const mcn_k_conv_params *p);
/* CONV_2D, one group, any filter/stride/dilation/padding: int16 im2col of
   four pixels and SMLAD (kernels/conv_smlad.h); weights in its K order,
   bias as the graph's; the requantization table after the weights (their
   weight_bytes). The first-layer one (cin <= 3) keeps its weights
   widened too, between the two. */
int mcn_k_conv_s8_first_smlad_applies(const mcn_k_conv_params *p);
uint32_t mcn_k_conv_s8_first_smlad_scratch_bytes(const mcn_k_conv_params *p);
void mcn_k_conv_s8_first_smlad_layout(const mcn_k_conv_params *p, int8_t *w,
                                      int32_t *bias);
void mcn_k_conv_s8_first_smlad(const mcn_k_conv_params *p);
uint32_t mcn_k_conv_s8_first_smlad_weight_bytes(const mcn_k_conv_params *p);
int mcn_k_conv_s8_first_smlad_verify(const mcn_k_conv_params *p);
/* The same, linking less where no im2col convolution is linked too: for
   mcn-gen, not in the kernel table. */
void mcn_k_conv_s8_first_smlad_narrow(const mcn_k_conv_params *p);
int mcn_k_conv_s8_im2col_smlad_applies(const mcn_k_conv_params *p);
uint32_t mcn_k_conv_s8_im2col_smlad_scratch_bytes(const mcn_k_conv_params *p);
void mcn_k_conv_s8_im2col_smlad_layout(const mcn_k_conv_params *p, int8_t *w,
                                       int32_t *bias);
void mcn_k_conv_s8_im2col_smlad(const mcn_k_conv_params *p);
uint32_t mcn_k_conv_s8_im2col_smlad_weight_bytes(const mcn_k_conv_params *p);
int mcn_k_conv_s8_im2col_smlad_verify(const mcn_k_conv_params *p);
/* Both: four pixels' windows read into the column before their outputs
   are written. */
int mcn_k_conv_smlad_overlap(const mcn_k_conv_params *p, int32_t *lo,
                             int32_t *hi);
/* TRANSPOSE_CONV; scratch holds output.h * output.w * output.c int32s
   (UINT32_MAX bytes: more than 4 GiB, which no arena has). */
void mcn_k_transpose_conv_s8(const mcn_k_conv_params *p);
uint32_t mcn_k_transpose_conv_s8_scratch_bytes(const mcn_k_conv_params *p);
void mcn_k_fc_s8(const mcn_k_fc_params *p);
void mcn_k_add_s8(const mcn_k_add_params *p);
/* The same bytes from p->lut, without broadcasting (add_s8_lut.c). */
void mcn_k_add_s8_lut(const mcn_k_add_params *p);
/* The table mcn_k_add_s8_lut reads, from p's offsets, shifts and
   multipliers: lut[b] and lut[256 + b] are input 1's and input 2's terms
   for the byte b (SUB's negated). */
void mcn_k_add_lut_fill(const mcn_k_add_params *p, int32_t *lut);
/* 1 when lut holds what mcn_k_add_lut_fill writes for p (mcn_init's
   check of a model's table). */
int mcn_k_add_lut_matches(const mcn_k_add_params *p, const int32_t *lut);
/* Along one axis, output index o's window starts at input *start; its
   filter taps [*f0, *f1) fall inside [0, n), tap k at *start + k * dil.
   With n the image size that is all the pools read (TFLM's clipping:
   padding is never a value); with dilation 1 it is TFLM's window. */
static inline void mcn_k_pool_window(int32_t o, int32_t stride, int32_t pad,
                                     int32_t filter, int32_t dil, int32_t n,
                                     int32_t *start, int32_t *f0, int32_t *f1)
{
    *start = o * stride - pad;
    *f0 = *start < 0 ? (dil - 1 - *start) / dil : 0;
    *f1 = n > *start ? (n - *start + dil - 1) / dil : 0;
    if (*f1 > filter)
        *f1 = filter;
}

void mcn_k_maxpool_s8(const mcn_k_pool_params *p);
void mcn_k_avgpool_s8(const mcn_k_pool_params *p);
/* mcn_k_avgpool_s8 where _global_applies: one window over the whole
   image (filter at least its size, no padding, no dilation). Not in the
   interpreter: mcn-gen calls it where every pool of a model qualifies. */
int mcn_k_avgpool_s8_global_applies(const mcn_k_pool_params *p);
void mcn_k_avgpool_s8_global(const mcn_k_pool_params *p);
void mcn_k_softmax_s8(const mcn_k_softmax_params *p);
void mcn_k_clip_s8(const mcn_k_clip_params *p);
void mcn_k_quantize_s8(const mcn_k_quantize_params *p);
void mcn_k_reshape(const mcn_k_reshape_params *p);
void mcn_k_transpose_s8(const mcn_k_transpose_params *p);
void mcn_k_mul_s8(const mcn_k_mul_params *p);
void mcn_k_concat_s8(const mcn_k_concat_params *p);
void mcn_k_pad_s8(const mcn_k_pad_params *p);
void mcn_k_mean_s8(const mcn_k_mean_params *p);
void mcn_k_logistic_s8(const mcn_k_logistic_params *p);
void mcn_k_tanh_s8(const mcn_k_tanh_params *p);
void mcn_k_hard_swish_s8(const mcn_k_hard_swish_params *p);
void mcn_k_leaky_relu_s8(const mcn_k_leaky_relu_params *p);
void mcn_k_resize_s8(const mcn_k_resize_params *p);
void mcn_k_div_s8(const mcn_k_div_params *p);
void mcn_k_prelu_s8(const mcn_k_prelu_params *p);
void mcn_k_lut_s8(const mcn_k_lut_params *p);
void mcn_k_log_softmax_s8(const mcn_k_log_softmax_params *p);

/* ---- Overlap windows ----
** A kernel may let its output overlap an input it reads for the last time
** (the packer ends that input's life at this operator). Its _overlap
** function says where, from its read and write order: the output may
** start at (input start + d) for every d in [lo, hi] (bytes; lo > hi:
** never); anywhere else the two must be disjoint. mcn_init refuses any
** other overlap, and the packer plans with these windows. A kernel that
** reads ahead or writes in another order must say so in its own. */
typedef struct {
    int64_t lo, hi;
} mcn_k_window;
#define MCN_K_WINDOW_MIN (-(INT64_C(1) << 40))  /* "any start before" */

/* Element i of the output written after element i of a same-sized input
   is read, in increasing i: the output may start at or before the
   input (d <= 0). */
mcn_k_window mcn_k_elementwise_window(void);
/* No overlap at all. */
mcn_k_window mcn_k_disjoint_window(void);

/* Raster order, which the convolutions, pools and FULLY_CONNECTED (a
   1x1 image per batch) share: output pixels (batch, row, column) in
   turn; each pixel's out_pixel bytes in turn, byte oc written once its
   value is computed. Every input byte that pixel reads lies at or after
   its window's top-left corner (the clipped row max(0, oy * stride_h -
   pad_top), then column), and for byte oc at or after the corner's byte
   (oc / group_out) * group_in: a convolution reads every channel of its
   group, a depthwise convolution or a pool only its own. */
typedef struct {
    int32_t n;
    int32_t in_h, in_w, in_pixel;
    int32_t out_h, out_w, out_pixel;
    int32_t stride_h, stride_w, pad_top, pad_left;
    int32_t group_out, group_in;
} mcn_k_raster;
/* The window that keeps every write below every input byte still to be
   read: lo = MCN_K_WINDOW_MIN, hi the least over the writes. */
mcn_k_window mcn_k_raster_window(const mcn_k_raster *r);
/* The same pixels in blocks of `block` (the last may be short), each
   block's reads done before any of its writes, which come in any order
   (the im2col kernels, conv_smlad.h); group_out and group_in unused. */
mcn_k_window mcn_k_raster_block_window(const mcn_k_raster *r, int32_t block);

mcn_k_window mcn_k_conv_s8_overlap(const mcn_k_conv_params *p);
mcn_k_window mcn_k_conv_1x1_s8_overlap(const mcn_k_conv_params *p);
mcn_k_window mcn_k_dwconv_s8_overlap(const mcn_k_conv_params *p);
mcn_k_window mcn_k_fc_s8_overlap(const mcn_k_fc_params *p);
/* MAX_POOL_2D and AVERAGE_POOL_2D walk alike. */
mcn_k_window mcn_k_pool_s8_overlap(const mcn_k_pool_params *p);

#endif
