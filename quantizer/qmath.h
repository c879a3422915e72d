/*
** qmath.h: host-side derivation of the int8 arithmetic, following TFLite:
** a real multiplier becomes a Q31 integer and a power-of-two exponent
** (QuantizeMultiplier: frexp, round half away from zero, 2^31 -> 2^30 with
** exponent + 1, exponents below -31 flush to zero). Computed in double, in
** TFLite's order of operations, so results match TFLite Micro bit for bit.
**
** Which function fills which Operator.requant field is the table at the
** top of engine/requant.h. Shifts follow TFLite: positive = left.
** Functions returning int give 0, or -1 where TFLite Micro's Prepare
** would refuse the scales (the outputs are then zero).
*/
#ifndef MCN_QMATH_H
#define MCN_QMATH_H

#include <stdint.h>

#include "mcn_format.h"

/* TFLite's QuantizeMultiplier (double rounding build: no clamp of shifts
   above 30; that clamp exists only under TFLITE_SINGLE_ROUNDING). */
void qmath_quantize_multiplier(double real, int32_t *multiplier, int *shift);

/* QuantizeMultiplierSmallerThanOneExp: real in (0, 1), *shift <= 0. */
int qmath_quantize_multiplier_smaller_than_one_exp(double real,
                                                   int32_t *multiplier,
                                                   int *shift);
/* QuantizeMultiplierGreaterThanOne: real > 1, *shift >= 0. */
int qmath_quantize_multiplier_greater_than_one(double real,
                                               int32_t *multiplier,
                                               int *shift);

/* CONV_2D, DEPTHWISE_CONV_2D, and per-channel FULLY_CONNECTED, per output
   channel: QuantizeMultiplier((double)s_in * (double)s_w / (double)s_out). */
void qmath_conv_multiplier(float s_in, float s_w, float s_out,
                           int32_t *multiplier, int *shift);
/* Per-tensor FULLY_CONNECTED: TFLM multiplies the scales in float first,
   QuantizeMultiplier((double)(s_in * s_w) / (double)s_out), which can
   differ from qmath_conv_multiplier in the last bit. */
void qmath_fc_multiplier(float s_in, float s_w, float s_out,
                         int32_t *multiplier, int *shift);
/* QUANTIZE int8 -> int8: QuantizeMultiplier((double)s_in / (double)s_out). */
void qmath_requantize_multiplier(float s_in, float s_out, int32_t *multiplier,
                                 int *shift);

/* SOFTMAX (int8 in, int8 out at 1/256, zp -128): PreprocessSoftmaxScaling
   with kScaledDiffIntegerBits = 5, and diff_min = -CalculateInputRadius(5,
   input_left_shift). Pass beta and the input scale as TFLite does: floats
   widened to double. */
int qmath_softmax_params(double beta, double input_scale,
                         int32_t *input_multiplier, int *input_left_shift,
                         int32_t *diff_min);

/* ADD, int8: TFLM's CalculateOpDataAdd. */
typedef struct {
    int32_t left_shift;                 /* 20 */
    int32_t input1_multiplier; int input1_shift;
    int32_t input2_multiplier; int input2_shift;
    int32_t output_multiplier; int output_shift;
} qmath_add;
int qmath_add_params(float s_in1, float s_in2, float s_out, qmath_add *p);

/* SUB, int8: TFLM's CalculateOpDataSub, ADD's derivation with twice the
   larger input scale and the three quotients computed in float, each
   rounded to float before QuantizeMultiplierSmallerThanOneExp (ADD's are
   in double, so the two can differ in a multiplier's last bit). */
int qmath_sub_params(float s_in1, float s_in2, float s_out, qmath_add *p);

/* DIV, int8 (TFLM's CalculateOpDataDiv): QuantizeMultiplier((double)(s1 /
   (s2 * s_out))), the product and the quotient in float. */
void qmath_div_multiplier(float s1, float s2, float s_out,
                          int32_t *multiplier, int *shift);

/* LOG_SOFTMAX, int8 (TFLM's PreprocessLogSoftmaxScalingExp with
   kScaledDiffIntegerBits = 5, beta and the input scale as doubles): the
   input multiplier and left shift as qmath_softmax_params; the reverse
   divisor QuantizeMultiplierSmallerThanOneExp(2^(31 - left_shift) /
   input_multiplier) with its exponent (<= 0); diff_min =
   -CalculateInputRadius(5, left_shift). -1 where TFLM would refuse. */
typedef struct {
    int32_t input_multiplier; int input_left_shift;
    int32_t reverse_scaling_divisor; int reverse_scaling_shift;
    int32_t diff_min;
} qmath_log_softmax;
int qmath_log_softmax_params(double beta, double input_scale,
                             qmath_log_softmax *p);

/* An int8 -> int8 function as a 256-entry table, TFLM's
   PopulateLookupTable (ELU's Prepare): for every q, x = s_in * (q - zp_in)
   in float, y = f(x), and round(y * (1 / s_out)) + zp_out (round half away
   from zero, all in float) saturated to int8 (NaN: zp_out). Entry
   (uint8_t)q holds q's, so the engine indexes by the byte. */
typedef float (*qmath_lut_fn)(float x, const void *ctx);
void qmath_lut_s8(float s_in, int32_t zp_in, float s_out, int32_t zp_out,
                  qmath_lut_fn f, const void *ctx, int8_t table[256]);

/* MUL, int8: QuantizeMultiplier((double)s1 * (double)s2 / (double)s_out),
   the product in double (TFLM's CalculateOpDataMul). */
void qmath_mul_multiplier(float s1, float s2, float s_out,
                          int32_t *multiplier, int *shift);

/* MEAN, int8, averaging `count` inputs into each output: TFLM's Prepare
   takes QuantizeMultiplier((double)s_in / (double)s_out), and its
   QuantizedMeanOrSum folds 1 / count in before use: with k = floor(log2
   count) limited to 32 and to 31 + shift, multiplier = (multiplier << k)
   / count (int64, truncating) and shift -= k. Both steps here. */
void qmath_mean_multiplier(float s_in, float s_out, int64_t count,
                           int32_t *multiplier, int *shift);

/* LOGISTIC and TANH, int8 (TFLM's Prepare for both, kInputIntegerBits =
   4): s_in * 2^27 in double, split by frexp into a Q31 multiplier and
   left shift, with no renormalisation (unlike QuantizeMultiplier), and
   radius = CalculateInputRadius(4, left_shift, 31) = floor(15 * 2^27 /
   2^left_shift). -1 when the left shift is outside 0..31 or the
   multiplier rounds up to 2^31 (TFLM would misbehave for such scales). */
int qmath_sigmoid_params(float s_in, int32_t *multiplier, int *left_shift,
                         int32_t *radius);

/* HARD_SWISH, int8 (TFLM's HardSwishPrepare): with hires = s_in / 128
   and reluish = 3 / 32768, all in float, the output multiplier is
   QuantizeMultiplier((double)(hires / s_out)) and the reluish one
   QuantizeMultiplier((double)(hires / reluish)), each cut to int16 by
   DownScaleInt32ToInt16Multiplier ((m + 2^15) >> 16, or 32767 near the
   top). -1 where TFLM refuses (output exponent > 0) or the reluish
   exponent leaves -31..31. */
typedef struct {
    int32_t output_multiplier; int output_exponent;
    int32_t reluish_multiplier; int reluish_exponent;
} qmath_hard_swish;
int qmath_hard_swish_params(float s_in, float s_out, qmath_hard_swish *p);

/* LEAKY_RELU, int8 (TFLM's CalculateOpDataLeakyRelu): identity =
   QuantizeMultiplier((double)(s_in / s_out)), alpha =
   QuantizeMultiplier((double)(s_in * alpha / s_out)), the quotients in
   float. The alpha multiplier is negative when alpha is. */
void qmath_leaky_relu_params(float s_in, float alpha, float s_out,
                             int32_t *identity_multiplier,
                             int *identity_shift, int32_t *alpha_multiplier,
                             int *alpha_shift);

/* The int8 a float becomes at (scale, zp), as TFLite's Quantize and
   AffineQuantize compute it: zp + round(value / scale) (half away from
   zero, the division in float), saturated; NaN gives zp. Model inputs,
   per-tensor constants and PAD's value all go through here. */
int32_t qmath_quantize_value(float value, float scale, int32_t zp);

/* CalculateActivationRangeQuantized for an int8 output: each bound is
   zp + round_half_away(f / scale) in float, intersected with [-128, 127].
   NONE: [-128, 127]; RELU: lower bound 0; RELU6: 0 and 6; CLIP: act_min
   and act_max (an infinite bound leaves that side at -128 / 127). */
void qmath_activation_range(mcn_activation act, float act_min, float act_max,
                            float scale, int32_t zp, int32_t *qmin,
                            int32_t *qmax);

#endif
