/*
** requant.h: TFLite's fixed-point primitives, bit for bit, for the engine.
** C99, freestanding, header-only so every kernel inlines them.
**
** TFLite Micro (default build, double rounding) relies on two's complement
** wrap-around and arithmetic right shifts of negative values, which are
** undefined or implementation-defined in C. Here wrapping is done on
** uint32_t and mapped back with mcn_wrap_i32, and right shifts of negative
** values are rewritten as ~(~x >> n), so the results are TFLM's while the
** sanitizers stay quiet. Compilers fold both back into single instructions.
**
** How mcn-pack fills Operator.requant (the contract with quantizer/qmath.h;
** s_* are the float scales of the tensors, QM = QuantizeMultiplier):
**
**   op                        requant fields
**   ------------------------  -------------------------------------------------
**   CONV_2D,                  multiplier[c], shift[c] = QM((double)s_in *
**   DEPTHWISE_CONV_2D           (double)s_w[c] / (double)s_out)
**                               (qmath_conv_multiplier); n = output channels,
**                               or 1 when the weights are per-tensor.
**                             act_min/act_max = qmath_activation_range of the
**                               fused activation.
**   FULLY_CONNECTED           per-channel weights: as CONV_2D, n = O.
**                             per-tensor weights: n = 1, QM((double)(s_in *
**                               s_w) / (double)s_out), the product rounded to
**                               float first as TFLM does
**                               (qmath_fc_multiplier). act range.
**   ADD                       qmath_add_params: left_shift = 20,
**                               input1_multiplier/shift, input2_multiplier/
**                               shift, and multiplier[0]/shift[0] = the output
**                               multiplier (n = 1). act range.
**   MAX_POOL_2D,              n = 0; input and output share scale and zero
**   AVERAGE_POOL_2D,            point; act_min/act_max only (the table may be
**   GLOBAL_AVERAGE_POOL,        absent for pools: [-128, 127]; CLIP needs it).
**   GLOBAL_MAX_POOL, CLIP     Pools may be dilated and have ceil_mode's
**                               output size (Pool2DOptions, fexec_pool.c):
**                               max = the largest in-image tap; average =
**                               TFLM's rounding of sum / count, count = the
**                               in-image taps, or with count_include_pad the
**                               taps inside the padded image, each padding
**                               tap adding the zero point (real 0).
**   RESHAPE                   nothing (the table may be absent).
**   TRANSPOSE, SLICE          nothing (no table): bytes move unchanged, input
**                               and output share scale and zero point; the
**                               perm / bounds are the options'.
**   SOFTMAX                   qmath_softmax_params: multiplier[0] =
**                               input_multiplier, shift[0] = input_left_shift,
**                               diff_min (n = 1). Output scale 1/256, zp -128.
**   QUANTIZE (int8 -> int8)   multiplier[0]/shift[0] = QM((double)s_in /
**                               (double)s_out) (qmath_requantize_multiplier).
**   MUL                       multiplier[0]/shift[0] = QM((double)s_1 *
**                               (double)s_2 / (double)s_out)
**                               (qmath_mul_multiplier), n = 1. act range.
**                             ADD and MUL broadcast NumPy-style (ranks <= 6).
**   CONCATENATION             n = number of inputs; multiplier[i]/shift[i] =
**                               QM((double)s_i / (double)s_out). An input
**                               quantized like the output gets (2^30, 1),
**                               which is the identity, and is copied; the
**                               quantizer gives every input the output's
**                               parameters where it can (TFLM only copies).
**   PAD                       n = 1; multiplier[0] = the int8 value CONSTANT
**                               mode writes, zp_out + round(value / s_out)
**                               clamped to int8 (qmath_pad_value); shift[0]
**                               = 0. Input and output share quantization.
**   MEAN                      n = 1; QM((double)s_in / (double)s_out) with
**                               1 / N folded in as TFLM's QuantizedMeanOrSum
**                               does at Eval (qmath_mean_multiplier; N = the
**                               elements averaged into each output).
**   LOGISTIC, TANH            n = 1 (qmath_sigmoid_params): multiplier[0] =
**                               input_multiplier, shift[0] = input_left_shift
**                               (0..31) of s_in * 2^27 by frexp, diff_min =
**                               input_range_radius (> 0, not negated).
**                               LOGISTIC output 1/256, zp -128; TANH 1/128,
**                               zp 0.
**   HARD_SWISH                n = 2 (qmath_hard_swish_params): [0] = output
**                               multiplier as int16 and its exponent (<= 0),
**                               [1] = reluish multiplier as int16 and its
**                               exponent.
**   LEAKY_RELU                n = 2 (qmath_leaky_relu_params): [0] = QM(s_in
**                               / s_out), [1] = QM(s_in * alpha / s_out),
**                               both quotients in float as TFLM; [1] is
**                               negative for a negative alpha.
**   RESIZE                    no Requant; input and output share
**                               quantization. Inputs [x, rows, cols]: int32
**                               tables from packer/requant_resize.c.
**                               NEAREST: the input row of every output row,
**                               the input column of every output column
**                               (resize_map.h: ONNX's modes exactly,
**                               TFLite's GetNearestNeighbor in float).
**                               BILINEAR: (lower, upper, fraction in
**                               1/1024ths) per output row and column,
**                               TFLM's ResizeBilinearInteger coordinates;
**                               mcn's rules where TFLite has none:
**                               PYTORCH_HALF_PIXEL is HALF_PIXEL but 0 for
**                               one output; a model scale s gives the step
**                               round(1024 / s) (ALIGN_CORNERS: round(1024
**                               (in - 1) / (in s - 1))); a lower index past
**                               the input (TFLM reads outside) is the last.
**                               mcn_init checks every index is inside the
**                               input and every fraction in [-1023, 1023],
**                               negative only with lower == upper.
**   TRANSPOSE_CONV            as CONV_2D (weights [O,KH,KW,I], channels
**                               along O; n = O, or 1 for per-tensor
**                               weights; act range of the fused
**                               activation, which TFLM before 2026
**                               ignored in int8). Operator.scratch_bytes
**                               = OH * OW * OC * 4, the int32 sums of one
**                               output image (requant_tconv.c).
**   SUB                       as ADD, but each quotient in float before it
**                               is widened, as TFLM's CalculateOpDataSub
**                               computes them (qmath_sub_params).
**   DIV                       n = 1; QM((double)(s_1 / (s_2 * s_out))), the
**                               quotient in float (qmath_div_multiplier);
**                               shift <= 23 so the kernel's final shift is
**                               never left. act range.
**   PRELU                     n = 2: [0] = QM((double)s_in / (double)s_out),
**                               [1] = QM((double)s_in * (double)s_alpha /
**                               (double)s_out) (TFLM's CalculatePreluParams).
**                               The slope is input 1, broadcast onto x.
**   ELU, HARD_SIGMOID         no multipliers (the Requant may be absent);
**                               input 1 is a packer-made constant int8 [256]
**                               table, entry (uint8_t)q for input q
**                               (qmath_lut_s8: TFLM's PopulateLookupTable).
**   LOG_SOFTMAX               n = 2 (qmath_log_softmax_params): [0] =
**                               input_multiplier, input_left_shift (as
**                               SOFTMAX); [1] = reverse_scaling_divisor and
**                               its exponent (<= 0); diff_min. Output scale
**                               16/256, zp 127.
**
** Every shift must lie in [-31, 31] (mcn_init checks; TFLM's range).
*/
#ifndef MCN_REQUANT_H
#define MCN_REQUANT_H

#include <stdint.h>

/* The int32 whose two's complement bits are u. */
static inline int32_t mcn_wrap_i32(uint32_t u)
{
    return u <= 0x7fffffffu ? (int32_t)u : -(int32_t)(~u) - 1;
}

/* x >> n for 0 <= n <= 31, rounding toward minus infinity like an
   arithmetic shift, without shifting a negative value. */
static inline int32_t mcn_asr(int32_t x, int n)
{
    return x >= 0 ? x >> n : ~(~x >> n);
}

/* x * 2^n for 0 <= n <= 31, wrapping as TFLM's `x * (1 << n)` does. */
static inline int32_t mcn_shl_wrap(int32_t x, int n)
{
    return mcn_wrap_i32((uint32_t)x << n);
}

/* gemmlowp's SaturatingRoundingDoublingHighMul: (a * b * 2) / 2^32 rounded
   to nearest, ties away from zero; INT32_MIN * INT32_MIN saturates. */
static inline int32_t mcn_srdhm(int32_t a, int32_t b)
{
    if (a == INT32_MIN && b == INT32_MIN)
        return INT32_MAX;
    int64_t ab = (int64_t)a * (int64_t)b;
    int64_t nudge = ab >= 0 ? (1 << 30) : (1 - (1 << 30));
    /* |ab + nudge| < 2^62, and C division truncates as gemmlowp's does. */
    return (int32_t)((ab + nudge) / (INT64_C(1) << 31));
}

/* gemmlowp's RoundingDivideByPOT, 0 <= exponent <= 31: x / 2^exponent
   rounded to nearest, ties away from zero. */
static inline int32_t mcn_rdbpot(int32_t x, int exponent)
{
    const int32_t mask = (int32_t)((INT64_C(1) << exponent) - 1);
    const int32_t remainder = x & mask;
    const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return mcn_asr(x, exponent) + (remainder > threshold ? 1 : 0);
}

/* TFLM's MultiplyByQuantizedMultiplier (double rounding), -31 <= shift
   <= 31: the left shift wraps before the high multiply, as in TFLM. */
static inline int32_t mcn_mbqm(int32_t x, int32_t multiplier, int shift)
{
    int left = shift > 0 ? shift : 0;
    int right = shift > 0 ? 0 : -shift;
    return mcn_rdbpot(mcn_srdhm(mcn_shl_wrap(x, left), multiplier), right);
}

/* mcn_mbqm for a multiplier >= 0, in fewer instructions: the high
   multiply as (a * b + 2^30) >> 31 with an arithmetic shift, which equals
   gemmlowp's sign-dependent nudge and truncating division for every
   product (floor((m) / 2^31) = ceil((m + 1) / 2^31) - 1 with m = ab +
   2^30), and the saturation case cannot arise (a multiplier >= 0 is never
   INT32_MIN). The optimised kernels use it; they apply only where every
   multiplier is >= 0 (mcn_k_rq_nonneg), as QuantizeMultiplier's are. */
static inline int32_t mcn_mbqm_pos(int32_t x, int32_t multiplier, int shift)
{
    int left = shift > 0 ? shift : 0;
    int right = shift > 0 ? 0 : -shift;
    int64_t m = (int64_t)mcn_shl_wrap(x, left) * multiplier + (1 << 30);
    /* An arithmetic shift without shifting a negative value. */
    int32_t hi = (int32_t)(m >= 0 ? m >> 31 : ~(~m >> 31));
    return mcn_rdbpot(hi, right);
}

/* mcn_mbqm_pos for a right shift of 2 to 31 (shift in [-31, -2]), or for
   a multiplier of 0 with any shift, as ONE 64-bit multiply-accumulate and
   one shift, from constants made once per channel (mcn_rq_fast_of). With
   e = -shift, TFLM's two roundings
       q = (x * m + 2^30) >> 31,   result = RoundingDivideByPOT(q, e)
   are the single floor
       (x * m + 2^30 + 2^(30+e) - [x < 0] * 2^31) >> (31 + e):
   RoundingDivideByPOT(q, e) = (q + 2^(e-1) - [q < 0]) >> e (its remainder
   test, rewritten), [q < 0] may be read as [x < 0] (they differ only when
   q = 0, where both give 0 for e >= 1), and floor((floor(a / 2^31) + c) /
   2^e) = floor((a + c * 2^31) / 2^(31+e)) for whole c. The sum's high
   word starts at 2^(e-2) - [x < 0] and its low word at 2^30 + [x < 0] *
   2^31, so 31 + e >= 33 leaves a shift of the high word by e - 1; |sum| <
   2^62 + 2^61 + 2^30, no 64-bit overflow. A multiplier of 0 takes e = 2:
   the sum is then in [0, 2^33), giving 0 as TFLM does. On the Cortex-M4:
   AND, ORR, SUB, SMLAL, ASR. */
typedef struct {
    int32_t multiplier;   /* >= 0 */
    int32_t round_hi;     /* 2^(e-2) */
    int32_t shift;        /* e - 1, in [1, 30] */
} mcn_rq_fast;

static inline int mcn_rq_fast_ok(int32_t multiplier, int32_t shift)
{
    return multiplier == 0 ||
           (multiplier > 0 && shift <= -2 && shift >= -31);
}

/* For (multiplier, shift) with mcn_rq_fast_ok. */
static inline mcn_rq_fast mcn_rq_fast_of(int32_t multiplier, int32_t shift)
{
    const int e = multiplier == 0 ? 2 : (int)-shift;
    mcn_rq_fast c = {multiplier, (int32_t)1 << (e - 2), e - 1};
    return c;
}

static inline int32_t mcn_rq_fast_apply(int32_t x, const mcn_rq_fast *c)
{
    const uint32_t lo = ((uint32_t)x & 0x80000000u) | 0x40000000u;
    const uint32_t hi = (uint32_t)c->round_hi - ((uint32_t)x >> 31);
    const uint64_t sum = (((uint64_t)hi << 32) | lo) +
                         (uint64_t)((int64_t)x * c->multiplier);
    return mcn_asr(mcn_wrap_i32((uint32_t)(sum >> 32)), (int)c->shift);
}

/* The accumulator the optimised kernels' SMMLAR requantization takes
   (conv_smlad.h, conv_1x1_s8_smlad_paired3.c): for a right shift e in
   [1, 31], 2^(e-1) + off * 2^e modulo 2^32, the rounding and the output
   offset in one; for e = 0, off. The packer's layouts and mcn_init's
   checks of them derive it here alike. */
static inline int32_t mcn_smmlar_nudge(int32_t e, int32_t off)
{
    return e ? mcn_wrap_i32((1u << (e - 1)) + ((uint32_t)off << e)) : off;
}

/* MultiplyByQuantizedMultiplierGreaterThanOne, 0 <= left_shift <= 31. */
static inline int32_t mcn_mbqm_gt_one(int32_t x, int32_t multiplier,
                                      int left_shift)
{
    return mcn_srdhm(mcn_shl_wrap(x, left_shift), multiplier);
}

/* MultiplyByQuantizedMultiplierSmallerThanOneExp, -31 <= shift <= 0. */
static inline int32_t mcn_mbqm_lt_one(int32_t x, int32_t multiplier,
                                      int shift)
{
    return mcn_rdbpot(mcn_srdhm(x, multiplier), -shift);
}

static inline int32_t mcn_clamp(int32_t x, int32_t lo, int32_t hi)
{
    return x < lo ? lo : x > hi ? hi : x;
}

/* ---- gemmlowp fixed point, as TFLM's int8 softmax uses it ----
   A Qm value is an int32 with m integer bits and 31 - m fraction bits. */

static inline int32_t mcn_wrap_add(int32_t a, int32_t b)
{
    return mcn_wrap_i32((uint32_t)a + (uint32_t)b);
}

static inline int32_t mcn_wrap_sub(int32_t a, int32_t b)
{
    return mcn_wrap_i32((uint32_t)a - (uint32_t)b);
}

/* SaturatingRoundingMultiplyByPOT<exponent>: a saturating left shift for
   exponent > 0, a rounding right shift for exponent < 0. */
static inline int32_t mcn_srmbpot(int32_t x, int exponent)
{
    if (exponent < 0)
        return mcn_rdbpot(x, -exponent);
    if (exponent == 0)
        return x;
    const int32_t threshold = (int32_t)((INT32_C(1) << (31 - exponent)) - 1);
    if (x > threshold)
        return INT32_MAX;
    if (x < -threshold)
        return INT32_MIN;
    return mcn_shl_wrap(x, exponent);
}

/* Rescale<dst_bits> of a Q(src_bits) value. */
static inline int32_t mcn_fx_rescale(int32_t x, int src_bits, int dst_bits)
{
    return mcn_srmbpot(x, src_bits - dst_bits);
}

/* RoundingHalfSum: (a + b) / 2, rounded to nearest, ties away from 0. */
static inline int32_t mcn_rounding_half_sum(int32_t a, int32_t b)
{
    int64_t sum = (int64_t)a + (int64_t)b;
    int64_t sign = sum >= 0 ? 1 : -1;
    return (int32_t)((sum + sign) / 2);
}

/* exp(a) for a Q0 a in [-1/4, 0): Taylor series around -1/8. */
static inline int32_t mcn_exp_on_interval_between_negative_one_quarter_and_0(
    int32_t a)
{
    const int32_t constant_term = 1895147668;    /* exp(-1/8) in Q0 */
    const int32_t constant_1_over_3 = 715827883; /* 1/3 in Q0 */
    int32_t x = mcn_wrap_add(a, INT32_C(1) << 28);   /* a + 1/8 */
    int32_t x2 = mcn_srdhm(x, x);
    int32_t x3 = mcn_srdhm(x2, x);
    int32_t x4 = mcn_srdhm(x2, x2);
    int32_t x4_over_4 = mcn_srmbpot(x4, -2);
    int32_t poly = mcn_srmbpot(
        mcn_wrap_add(mcn_srdhm(mcn_wrap_add(x4_over_4, x3), constant_1_over_3),
                     x2),
        -1);
    return mcn_wrap_add(constant_term,
                        mcn_srdhm(constant_term, mcn_wrap_add(x, poly)));
}

/* gemmlowp's exp_on_negative_values for a Q(integer_bits) a <= 0, result
   in Q0: exp of (a mod 1/4) by series, then one constant factor
   exp(-2^k) per set bit of the remainder. */
static inline int32_t mcn_exp_on_negative_values(int32_t a, int integer_bits)
{
    static const int32_t mult[7] = {
        1672461947, /* exp(-1/4) */
        1302514674, /* exp(-1/2) */
        790015084,  /* exp(-1)   */
        290630308,  /* exp(-2)   */
        39332535,   /* exp(-4)   */
        720401,     /* exp(-8)   */
        242,        /* exp(-16)  */
    };
    const int fraction_bits = 31 - integer_bits;
    const int32_t one_quarter = INT32_C(1) << (fraction_bits - 2);
    const int32_t mask = one_quarter - 1;
    int32_t a_mod_q_minus_q = mcn_wrap_sub(a & mask, one_quarter);
    int32_t result = mcn_exp_on_interval_between_negative_one_quarter_and_0(
        mcn_fx_rescale(a_mod_q_minus_q, integer_bits, 0));
    int32_t remainder = mcn_wrap_sub(a_mod_q_minus_q, a);
    for (int k = -2; k <= 4; k++) {
        if (integer_bits > k) {
            int bit = fraction_bits + k;
            if ((uint32_t)remainder & ((uint32_t)1 << bit))
                result = mcn_srdhm(result, mult[k + 2]);
        }
    }
    if (integer_bits > 5) {
        const int32_t clamp = -(INT32_C(1) << (36 - integer_bits)); /* -32 */
        if (a < clamp)
            result = 0;
    }
    return a == 0 ? INT32_MAX : result;
}

/* The Newton-Raphson division both of gemmlowp's x in [0, 1) quotients
   share: 1 / d for the half denominator d = (1 + a) / 2 of a Q0 a, that
   is 2 / (1 + a), in Q2 (three steps from 48/17 - 32/17 * d). */
static inline int32_t mcn_fx_reciprocal_one_plus_q2(int32_t a)
{
    const int32_t q2_one = INT32_C(1) << 29;
    const int32_t c48_17 = 1515870810;      /* 48/17 in Q2 */
    const int32_t cneg32_17 = -1010580540;  /* -32/17 in Q2 */
    int32_t half_denominator = mcn_rounding_half_sum(a, INT32_MAX);
    int32_t x = mcn_wrap_add(c48_17, mcn_srdhm(half_denominator, cneg32_17));
    for (int i = 0; i < 3; i++) {
        int32_t hd_x = mcn_srdhm(half_denominator, x);
        int32_t one_minus = mcn_wrap_sub(q2_one, hd_x);
        x = mcn_wrap_add(x, mcn_fx_rescale(mcn_srdhm(x, one_minus), 4, 2));
    }
    return x;
}

/* gemmlowp's one_over_one_plus_x_for_x_in_0_1, Q0 in and out: the Q2
   quotient 2 / (1 + a) is halved by reading its raw value as Q1
   (ExactMulByPot<-1>), then Rescale<0> shifts it into Q0. */
static inline int32_t mcn_one_over_one_plus_x_for_x_in_0_1(int32_t a)
{
    return mcn_fx_rescale(mcn_fx_reciprocal_one_plus_q2(a), 1, 0);
}

/* gemmlowp's one_minus_x_over_one_plus_x_for_x_in_0_1, Q0 in and out:
   (1 - a) / (1 + a) = 2 / (1 + a) - 1, the Q2 quotient minus one. */
static inline int32_t mcn_one_minus_x_over_one_plus_x_for_x_in_0_1(int32_t a)
{
    int32_t x = mcn_fx_reciprocal_one_plus_q2(a);
    return mcn_fx_rescale(mcn_wrap_sub(x, INT32_C(1) << 29), 2, 0);
}

/* gemmlowp's logistic for a Q(integer_bits) a, result in Q0: 1 / (1 +
   exp(-|a|)) for the magnitude, mirrored as one minus it for a < 0, and
   exactly one half at 0 (where the series would miss it by an ulp). */
static inline int32_t mcn_fx_logistic(int32_t a, int integer_bits)
{
    if (a == 0)
        return INT32_C(1) << 30;
    int32_t neg_abs = a > 0 ? mcn_wrap_sub(0, a) : a;
    int32_t pos = mcn_one_over_one_plus_x_for_x_in_0_1(
        mcn_exp_on_negative_values(neg_abs, integer_bits));
    /* ResultF::One() is INT32_MAX: 1.0 itself is not a Q0 value. */
    return a > 0 ? pos : mcn_wrap_sub(INT32_MAX, pos);
}

/* gemmlowp's tanh for a Q(integer_bits) a, result in Q0: tanh|a| =
   (1 - exp(-2|a|)) / (1 + exp(-2|a|)), where -2|a| is the same raw value
   read with one more integer bit (ExactMulByPot<1>); sign restored
   after, and exactly 0 at 0. */
static inline int32_t mcn_fx_tanh(int32_t a, int integer_bits)
{
    if (a == 0)
        return 0;
    int32_t neg_abs = a < 0 ? a : mcn_wrap_sub(0, a);
    int32_t t = mcn_one_minus_x_over_one_plus_x_for_x_in_0_1(
        mcn_exp_on_negative_values(neg_abs, integer_bits + 1));
    return a < 0 ? mcn_wrap_sub(0, t) : t;
}

static inline int mcn_clz32(uint32_t x)
{
    if (x == 0)
        return 32;
#if defined(__GNUC__)
    return __builtin_clz(x);
#else
    int n = 0;
    while (!(x & 0x80000000u)) {
        x <<= 1;
        n++;
    }
    return n;
#endif
}

/* TFLite's CountLeadingSignBits for int32 (GCC's __builtin_clrsb): the
   bits below the sign bit that repeat it; 31 for 0 and -1. */
static inline int mcn_clrsb32(int32_t x)
{
    return mcn_clz32(x < 0 ? ~(uint32_t)x : (uint32_t)x) - 1;
}

/* TFLM's GetReciprocal: 1 / x for a positive Q(x_integer_digits) x, as a
   Q0 scale and the number of bits by which x exceeds 1. */
static inline int32_t mcn_get_reciprocal(int32_t x, int x_integer_digits,
                                         int *num_bits_over_unit)
{
    int headroom_plus_one = mcn_clz32((uint32_t)x);
    *num_bits_over_unit = x_integer_digits - headroom_plus_one;
    int32_t shifted_sum_minus_one = mcn_wrap_i32(
        ((uint32_t)x << headroom_plus_one) - ((uint32_t)1 << 31));
    return mcn_one_over_one_plus_x_for_x_in_0_1(shifted_sum_minus_one);
}

/* TFLite's SaturatingAddNonGemmlowp and SaturatingSub for int32. */
static inline int32_t mcn_sat_i64(int64_t v)
{
    return v > INT32_MAX ? INT32_MAX : v < INT32_MIN ? INT32_MIN : (int32_t)v;
}

static inline int32_t mcn_sat_add(int32_t a, int32_t b)
{
    return mcn_sat_i64((int64_t)a + b);
}

static inline int32_t mcn_sat_sub(int32_t a, int32_t b)
{
    return mcn_sat_i64((int64_t)a - b);
}

/* TFLite's log_x_for_x_greater_than_or_equal_to_1 (kernels/internal/
   common.h): log(x) for a positive Q(in_bits) x, in Q(out_bits). x is
   normalised two ways, as r in [1/2, 1) times 2^k: r_a straight, r_b
   after a factor sqrt(1/2); the one nearer sqrt(sqrt(1/2)) is kept, its
   power k (biased by +-1/4) times log 2 goes to an accumulator with one
   more integer bit, and log(r) comes from a rational (Pade-like) fit in
   q = 2 * (r - sqrt(sqrt(1/2))). All of it gemmlowp fixed point. */
static inline int32_t mcn_fx_log_x_ge_1(int32_t x, int in_bits, int out_bits)
{
    const int32_t log_2 = 1488522236;          /* log(2) in Q0 */
    const int32_t sqrt_sqrt_half = 1805811301; /* 2^-1/4 */
    const int32_t sqrt_half = 1518500250;      /* 2^-1/2 */
    const int32_t one_quarter = 536870912;
    const int32_t alpha_n = 117049297;   /* 11/240 * 2^1/4 */
    const int32_t alpha_d = 127690142;   /* 1/20 * 2^1/4 */
    const int32_t alpha_i = 1057819769;  /* 2 / 2^1/4 - 2^1/4 */
    const int32_t alpha_f = 638450708;   /* 1/4 * 2^1/4 */
    const int accum_bits = out_bits + 1;
    const int32_t quarter = mcn_fx_rescale(one_quarter, 0, accum_bits);

    int za_headroom_plus_1 = mcn_clz32((uint32_t)x);
    int32_t ra = mcn_srmbpot(x, za_headroom_plus_1 - 1);
    ra = mcn_srmbpot(mcn_srdhm(ra, sqrt_half), 1);
    int32_t za_pow2 = mcn_sat_add(
        mcn_srmbpot(in_bits - za_headroom_plus_1, 31 - accum_bits), quarter);

    int32_t zb = mcn_srdhm(x, sqrt_half);
    int zb_headroom = mcn_clz32((uint32_t)zb) - 1;
    int32_t rb = mcn_srmbpot(x, zb_headroom);
    int32_t zb_pow2 = mcn_sat_sub(
        mcn_srmbpot(in_bits - zb_headroom, 31 - accum_bits), quarter);

    int32_t r = ra < rb ? ra : rb;
    int32_t pow2 = za_pow2 > zb_pow2 ? za_pow2 : zb_pow2;

    int32_t p = mcn_rounding_half_sum(r, sqrt_sqrt_half);
    int32_t q = mcn_wrap_sub(r, sqrt_sqrt_half);
    q = mcn_wrap_add(q, q);
    int32_t q2 = mcn_srdhm(q, q);
    int32_t num = mcn_wrap_add(mcn_srdhm(q, r),
                               mcn_srdhm(mcn_srdhm(q, q2), alpha_n));
    int32_t denom_minus_one = mcn_wrap_add(
        mcn_srdhm(p, mcn_wrap_add(mcn_wrap_add(alpha_i, q),
                                  mcn_srdhm(alpha_d, q2))),
        mcn_srdhm(alpha_f, q));
    int32_t recip = mcn_one_over_one_plus_x_for_x_in_0_1(denom_minus_one);
    int32_t num_scaled = mcn_fx_rescale(num, 0, accum_bits);
    int32_t sum = mcn_wrap_add(mcn_srdhm(pow2, log_2),
                               mcn_srdhm(num_scaled, recip));
    return mcn_fx_rescale(sum, accum_bits, out_bits);
}

#endif
