/*
** qmath.c: TFLite's host-side quantization maths, in double, in TFLite's
** order of operations (every cast and every product where TFLite puts
** it), because one ulp of difference in a real multiplier can move the
** rounded Q31 value and so an output byte.
*/
#include "qmath.h"

#include <math.h>

void qmath_quantize_multiplier(double real, int32_t *multiplier, int *shift)
{
    if (real == 0.0 || !isfinite(real)) {
        *multiplier = 0;
        *shift = 0;
        return;
    }
    int e = 0;
    double q = frexp(real, &e);
    /* round() is half away from zero, like TfLiteRound. */
    int64_t q_fixed = (int64_t)round(q * (double)(1LL << 31));
    if (q_fixed == (1LL << 31)) {
        q_fixed /= 2;
        e++;
    }
    if (e < -31) {
        e = 0;
        q_fixed = 0;
    }
    *multiplier = (int32_t)q_fixed;
    *shift = e;
}

int qmath_quantize_multiplier_smaller_than_one_exp(double real,
                                                   int32_t *multiplier,
                                                   int *shift)
{
    if (!(real > 0.0 && real < 1.0)) {
        *multiplier = 0;
        *shift = 0;
        return -1;
    }
    qmath_quantize_multiplier(real, multiplier, shift);
    return *shift <= 0 ? 0 : -1;
}

int qmath_quantize_multiplier_greater_than_one(double real,
                                               int32_t *multiplier,
                                               int *shift)
{
    if (!(real > 1.0) || !isfinite(real)) {
        *multiplier = 0;
        *shift = 0;
        return -1;
    }
    qmath_quantize_multiplier(real, multiplier, shift);
    return *shift >= 0 ? 0 : -1;
}

void qmath_conv_multiplier(float s_in, float s_w, float s_out,
                           int32_t *multiplier, int *shift)
{
    double real = (double)s_in * (double)s_w / (double)s_out;
    qmath_quantize_multiplier(real, multiplier, shift);
}

void qmath_fc_multiplier(float s_in, float s_w, float s_out,
                         int32_t *multiplier, int *shift)
{
    /* The float product is deliberate: TFLM's per-tensor
       GetQuantizedConvolutionMultipler rounds it to float first. */
    float product = s_in * s_w;
    double real = (double)product / (double)s_out;
    qmath_quantize_multiplier(real, multiplier, shift);
}

void qmath_requantize_multiplier(float s_in, float s_out, int32_t *multiplier,
                                 int *shift)
{
    qmath_quantize_multiplier((double)s_in / (double)s_out, multiplier, shift);
}

enum { SCALED_DIFF_INTEGER_BITS = 5, TOTAL_SIGNED_BITS = 31 };

/* TFLite's CalculateInputRadius: the largest input difference that, once
   shifted left by left_shift, still fits Q(integer_bits); floor keeps it
   strictly inside. */
static double input_radius(int integer_bits, int left_shift)
{
    double r = 1.0 * ((1 << integer_bits) - 1) *
               (double)(1LL << (TOTAL_SIGNED_BITS - integer_bits)) /
               (double)(1LL << left_shift);
    return floor(r);
}

int qmath_softmax_params(double beta, double input_scale,
                         int32_t *input_multiplier, int *input_left_shift,
                         int32_t *diff_min)
{
    const double max_real = (double)((1LL << 31) - 1);
    double real = beta * input_scale *
                  (double)(1 << (31 - SCALED_DIFF_INTEGER_BITS));
    if (real > max_real)
        real = max_real;
    *diff_min = 0;
    if (qmath_quantize_multiplier_greater_than_one(real, input_multiplier,
                                                   input_left_shift) != 0)
        return -1;
    *diff_min = (int32_t)(-1.0 * (double)(int)input_radius(
                              SCALED_DIFF_INTEGER_BITS, *input_left_shift));
    return 0;
}

/* ADD's and SUB's three multipliers from their real values. */
static int add_multipliers(double real1, double real2, double real_out,
                           qmath_add *p)
{
    int r = 0;
    r |= qmath_quantize_multiplier_smaller_than_one_exp(
        real1, &p->input1_multiplier, &p->input1_shift);
    r |= qmath_quantize_multiplier_smaller_than_one_exp(
        real2, &p->input2_multiplier, &p->input2_shift);
    r |= qmath_quantize_multiplier_smaller_than_one_exp(
        real_out, &p->output_multiplier, &p->output_shift);
    return r ? -1 : 0;
}

enum { ADD_LEFT_SHIFT = 20 };

int qmath_add_params(float s_in1, float s_in2, float s_out, qmath_add *p)
{
    p->left_shift = ADD_LEFT_SHIFT;
    float max_in = s_in1 > s_in2 ? s_in1 : s_in2;
    double twice_max = 2 * (double)max_in;
    return add_multipliers((double)s_in1 / twice_max,
                           (double)s_in2 / twice_max,
                           twice_max / ((double)(1 << ADD_LEFT_SHIFT) *
                                        (double)s_out),
                           p);
}

int qmath_sub_params(float s_in1, float s_in2, float s_out, qmath_add *p)
{
    p->left_shift = ADD_LEFT_SHIFT;
    /* Float throughout, as TFLM's CalculateOpDataSub has it. */
    float twice_max = 2 * (s_in1 > s_in2 ? s_in1 : s_in2);
    float shifted_out = (float)(1 << ADD_LEFT_SHIFT) * s_out;
    return add_multipliers((double)(s_in1 / twice_max),
                           (double)(s_in2 / twice_max),
                           (double)(twice_max / shifted_out), p);
}

void qmath_div_multiplier(float s1, float s2, float s_out,
                          int32_t *multiplier, int *shift)
{
    /* In float, as TFLM's CalculateOpDataDiv: s1 / (s2 * s_out). */
    float real = s1 / (s2 * s_out);
    qmath_quantize_multiplier((double)real, multiplier, shift);
}

int qmath_log_softmax_params(double beta, double input_scale,
                             qmath_log_softmax *p)
{
    int32_t m, diff_min, rev = 0;
    int shift, rev_shift = 0;
    if (qmath_softmax_params(beta, input_scale, &m, &shift, &diff_min))
        return -1;
    /* 2^(31 - left_shift) / multiplier, the left shift being >= 1 for a
       real multiplier above one. */
    double real_rev = (double)(INT64_C(1) << (31 - shift)) / (double)m;
    int r = qmath_quantize_multiplier_smaller_than_one_exp(real_rev, &rev,
                                                           &rev_shift);
    p->input_multiplier = m;
    p->input_left_shift = shift;
    p->reverse_scaling_divisor = rev;
    p->reverse_scaling_shift = rev_shift;
    p->diff_min = diff_min;
    return r;
}

void qmath_lut_s8(float s_in, int32_t zp_in, float s_out, int32_t zp_out,
                  qmath_lut_fn f, const void *ctx, int8_t table[256])
{
    const float inverse_scale = 1.0f / s_out;
    for (int32_t q = -128; q <= 127; q++) {
        float x = s_in * (float)(q - zp_in);
        float v = roundf(f(x, ctx) * inverse_scale) + (float)zp_out;
        int32_t out = isnan(v) ? zp_out : v <= -128.0f ? -128
                    : v >= 127.0f ? 127 : (int32_t)v;
        table[(uint8_t)q] = (int8_t)out;
    }
}

void qmath_mul_multiplier(float s1, float s2, float s_out,
                          int32_t *multiplier, int *shift)
{
    double real = (double)s1 * (double)s2 / (double)s_out;
    qmath_quantize_multiplier(real, multiplier, shift);
}

void qmath_mean_multiplier(float s_in, float s_out, int64_t count,
                           int32_t *multiplier, int *shift)
{
    qmath_quantize_multiplier((double)s_in / (double)s_out, multiplier,
                              shift);
    if (count < 1)
        return;
    /* 63 - CountLeadingZeros(count): the highest set bit. */
    int k = 0;
    while (k < 62 && (count >> (k + 1)) != 0)
        k++;
    if (k > 32)
        k = 32;
    if (k > 31 + *shift)
        k = 31 + *shift;
    *multiplier = (int32_t)(((int64_t)*multiplier << k) / count);
    *shift -= k;
}

enum { SIGMOID_INPUT_INTEGER_BITS = 4 };

int qmath_sigmoid_params(float s_in, int32_t *multiplier, int *left_shift,
                         int32_t *radius)
{
    double real = (double)s_in *
                  (double)(1 << (TOTAL_SIGNED_BITS -
                                 SIGMOID_INPUT_INTEGER_BITS));
    int e = 0;
    double q = frexp(real, &e);
    double fixed = round(q * (double)(1LL << 31));
    *multiplier = 0;
    *left_shift = e;
    *radius = 0;
    if (!(real > 0.0) || !isfinite(real) || e < 0 || e > 31 ||
        fixed >= (double)(1LL << 31))
        return -1;
    *multiplier = (int32_t)fixed;
    *radius = (int32_t)input_radius(SIGMOID_INPUT_INTEGER_BITS, e);
    return 0;
}

/* TFLite's DownScaleInt32ToInt16Multiplier for a multiplier >= 0. */
static int32_t down_scale_to_int16(int32_t m)
{
    const int32_t rounding = 1 << 15;
    if (m >= INT32_MAX - rounding)
        return INT16_MAX;
    return (m + rounding) >> 16;
}

int qmath_hard_swish_params(float s_in, float s_out, qmath_hard_swish *p)
{
    /* Float throughout, as TFLM computes them. */
    const float hires = (1.0f / 128.0f) * s_in;
    const float reluish = 3.0f / 32768.0f;
    int32_t m;
    qmath_quantize_multiplier((double)(hires / s_out), &m,
                              &p->output_exponent);
    p->output_multiplier = down_scale_to_int16(m);
    qmath_quantize_multiplier((double)(hires / reluish), &m,
                              &p->reluish_exponent);
    p->reluish_multiplier = down_scale_to_int16(m);
    if (!(s_in > 0.0f && s_out > 0.0f) || p->output_exponent > 0 ||
        p->reluish_exponent < -31 || p->reluish_exponent > 31)
        return -1;
    return 0;
}

void qmath_leaky_relu_params(float s_in, float alpha, float s_out,
                             int32_t *identity_multiplier,
                             int *identity_shift, int32_t *alpha_multiplier,
                             int *alpha_shift)
{
    /* The float expressions are TFLM's: s_in * alpha rounds to float
       before the division. */
    float scaled_alpha = s_in * alpha / s_out;
    float identity = s_in / s_out;
    qmath_quantize_multiplier((double)scaled_alpha, alpha_multiplier,
                              alpha_shift);
    qmath_quantize_multiplier((double)identity, identity_multiplier,
                              identity_shift);
}

/* TFLite's Quantize helper: zp + round(f / scale), the division in float.
   Saturated to int8 here, where TFLite would refuse a value beyond int32. */
static int32_t quantize_bound(float f, float scale, int32_t zp)
{
    float t = roundf(f / scale);
    if (isnan(t))
        return zp;
    double q = (double)zp + (double)t;
    if (q < -128.0)
        return -128;
    if (q > 127.0)
        return 127;
    return (int32_t)q;
}

int32_t qmath_quantize_value(float value, float scale, int32_t zp)
{
    return quantize_bound(value, scale, zp);
}

void qmath_activation_range(mcn_activation act, float act_min, float act_max,
                            float scale, int32_t zp, int32_t *qmin,
                            int32_t *qmax)
{
    int32_t lo = -128, hi = 127, t;
    switch (act) {
    case MCN_ACT_RELU:
        lo = quantize_bound(0.0f, scale, zp);
        break;
    case MCN_ACT_RELU6:
        lo = quantize_bound(0.0f, scale, zp);
        hi = quantize_bound(6.0f, scale, zp);
        break;
    case MCN_ACT_CLIP:
        t = quantize_bound(act_min, scale, zp);
        lo = t > lo ? t : lo;
        t = quantize_bound(act_max, scale, zp);
        hi = t < hi ? t : hi;
        break;
    default:
        break;
    }
    *qmin = lo;
    *qmax = hi;
}
