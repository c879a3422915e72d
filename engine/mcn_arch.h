/*
** mcn_arch.h: the Cortex-M DSP-extension operations the optimised kernels
** are written in, as single instructions where the compiler targets a core
** with the DSP extension (__ARM_FEATURE_DSP: Cortex-M4, M7, M33, M55) and
** as portable C with the same bits everywhere else (the host, Cortex-M3),
** so the host's tests run the very code paths the chip runs.
** C99, freestanding, header-only.
**
** Lanes: a uint32_t holds two int16 halves (lo = bits 0-15, hi = 16-31)
** or four int8 bytes (b0 = bits 0-7 ... b3).
*/
#ifndef MCN_ARCH_H
#define MCN_ARCH_H

#include <stdint.h>

#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
#include <arm_acle.h>
#define MCN_ARCH_DSP 1
#else
#define MCN_ARCH_DSP 0
#endif

/* Four bytes from p, whatever its alignment (one LDR on Cortex-M, which
   allows unaligned word loads). __builtin_memcpy, because the engine is
   built -ffreestanding, where a plain memcpy stays a call. */
static inline uint32_t mcn_load_u32(const void *p)
{
    uint32_t v;
    __builtin_memcpy(&v, p, 4);
    return v;
}

static inline void mcn_store_u32(void *p, uint32_t v)
{
    __builtin_memcpy(p, &v, 4);
}

static inline int32_t mcn_lo16(uint32_t x)
{
    return (int32_t)(int16_t)(uint16_t)(x & 0xffffu);
}

static inline int32_t mcn_hi16(uint32_t x)
{
    return (int32_t)(int16_t)(uint16_t)(x >> 16);
}

static inline int32_t mcn_byte(uint32_t x, int k)
{
    return (int32_t)(int8_t)(uint8_t)(x >> (8 * k));
}

/* SXTB16: bytes 0 and 2, sign-extended into the low and high halves. */
static inline uint32_t mcn_sxtb16(uint32_t x)
{
#if MCN_ARCH_DSP
    return (uint32_t)__sxtb16((int8x4_t)x);
#else
    return ((uint32_t)mcn_byte(x, 0) & 0xffffu) |
           ((uint32_t)mcn_byte(x, 2) << 16);
#endif
}

/* SXTB16 with ROR #8: bytes 1 and 3. */
static inline uint32_t mcn_sxtb16_ror8(uint32_t x)
{
#if MCN_ARCH_DSP
    uint32_t r;
    __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(x));
    return r;
#else
    return ((uint32_t)mcn_byte(x, 1) & 0xffffu) |
           ((uint32_t)mcn_byte(x, 3) << 16);
#endif
}

/* SMLAD: acc + lo(x) * lo(y) + hi(x) * hi(y), wrapping modulo 2^32 as the
   instruction does (it only sets the Q flag on overflow). */
static inline int32_t mcn_smlad(uint32_t x, uint32_t y, int32_t acc)
{
#if MCN_ARCH_DSP
    return __smlad((int16x2_t)x, (int16x2_t)y, acc);
#else
    uint32_t a = (uint32_t)acc;
    a += (uint32_t)(mcn_lo16(x) * mcn_lo16(y));
    a += (uint32_t)(mcn_hi16(x) * mcn_hi16(y));
    return a <= 0x7fffffffu ? (int32_t)a : -(int32_t)(~a) - 1;
#endif
}

/* PKHBT: the low half of x, the high half of y. PKHTB: high of x, low of
   y (shifted down). */
static inline uint32_t mcn_pkhbt(uint32_t x, uint32_t y)
{
    return (x & 0xffffu) | (y & 0xffff0000u);
}

static inline uint32_t mcn_pack16(int32_t lo, int32_t hi)
{
    return ((uint32_t)lo & 0xffffu) | ((uint32_t)hi << 16);
}

/* UXTB16: bytes 0 and 2, zero-extended into the low and high halves. */
static inline uint32_t mcn_uxtb16(uint32_t x)
{
#if MCN_ARCH_DSP
    return (uint32_t)__uxtb16((int8x4_t)x);
#else
    return x & 0x00ff00ffu;
#endif
}

/* ---- for the depthwise kernels (dwconv_s8_smlad.c) ---- */

/* acc + a * b for two int16 halves, wrapping modulo 2^32. */
static inline int32_t mcn_mac16(int32_t a, int32_t b, int32_t acc)
{
    uint32_t s = (uint32_t)acc + (uint32_t)(a * b);
    return s <= 0x7fffffffu ? (int32_t)s : -(int32_t)(~s) - 1;
}

/* SMLABT: acc + lo(x) * hi(y); SMLATB: acc + hi(x) * lo(y). Wrapping
   modulo 2^32 as the instructions do. */
static inline int32_t mcn_smlabt(uint32_t x, uint32_t y, int32_t acc)
{
#if MCN_ARCH_DSP
    return __smlabt((int32_t)x, (int32_t)y, acc);
#else
    return mcn_mac16(mcn_lo16(x), mcn_hi16(y), acc);
#endif
}

static inline int32_t mcn_smlatb(uint32_t x, uint32_t y, int32_t acc)
{
#if MCN_ARCH_DSP
    return __smlatb((int32_t)x, (int32_t)y, acc);
#else
    return mcn_mac16(mcn_hi16(x), mcn_lo16(y), acc);
#endif
}

/* SMMLAR: the top word of acc * 2^32 + x * y + 2^31, the 64-bit sum
   wrapping modulo 2^64 as the instruction's does: x * y / 2^32 rounded
   half up, plus acc. */
static inline int32_t mcn_smmlar(int32_t x, int32_t y, int32_t acc)
{
#if MCN_ARCH_DSP
    int32_t r;
    __asm__("smmlar %0, %1, %2, %3" : "=r"(r) : "r"(x), "r"(y), "r"(acc));
    return r;
#else
    uint64_t s = ((uint64_t)(uint32_t)acc << 32) +
                 (uint64_t)((int64_t)x * (int64_t)y) + 0x80000000u;
    uint32_t hi = (uint32_t)(s >> 32);
    return hi <= 0x7fffffffu ? (int32_t)hi : -(int32_t)(~hi) - 1;
#endif
}

/* PKHBT with LSL #16: lo's low half below hi's low half (mcn_pack16 as
   one instruction; compilers make two of it). */
static inline uint32_t mcn_pkhbt16(int32_t lo, int32_t hi)
{
#if MCN_ARCH_DSP
    uint32_t r;
    __asm__("pkhbt %0, %1, %2, lsl #16" : "=r"(r) : "r"(lo), "r"(hi));
    return r;
#else
    return ((uint32_t)lo & 0xffffu) | ((uint32_t)hi << 16);
#endif
}

/* a + bytes k and k + 2 of x sign-extended, lane by lane (each lane
   wrapping modulo 2^16, as SXTAB16 does): the portable SXTAB16. */
static inline uint32_t mcn_add16_bytes(uint32_t a, uint32_t x, int k)
{
    uint32_t lo = (a + (uint32_t)mcn_byte(x, k)) & 0xffffu;
    uint32_t hi = ((a >> 16) + (uint32_t)mcn_byte(x, k + 2)) & 0xffffu;
    return lo | (hi << 16);
}

/* SXTAB16: a + bytes 0 and 2 of x sign-extended, lane by lane. */
static inline uint32_t mcn_sxtab16(uint32_t a, uint32_t x)
{
#if MCN_ARCH_DSP
    return (uint32_t)__sxtab16((int16x2_t)a, (int8x4_t)x);
#else
    return mcn_add16_bytes(a, x, 0);
#endif
}

/* SXTAB16 with ROR #8: a + bytes 1 and 3 of x. */
static inline uint32_t mcn_sxtab16_ror8(uint32_t a, uint32_t x)
{
#if MCN_ARCH_DSP
    uint32_t r;
    __asm__("sxtab16 %0, %1, %2, ror #8" : "=r"(r) : "r"(a), "r"(x));
    return r;
#else
    return mcn_add16_bytes(a, x, 1);
#endif
}

/* SMMULR: the high word of a * b, rounded: (a * b + 2^31) >> 32 with an
   arithmetic shift. */
static inline int32_t mcn_smmulr(int32_t a, int32_t b)
{
#if MCN_ARCH_DSP
    int32_t r;
    __asm__("smmulr %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
    return r;
#else
    /* |a * b| <= 2^62, so the sum cannot overflow; the shift is done on
       the complement for a negative sum, which C leaves to the
       implementation otherwise. */
    int64_t m = (int64_t)a * b + (INT64_C(1) << 31);
    return (int32_t)(m >= 0 ? m >> 32 : ~(~m >> 32));
#endif
}

/* SSAT #8: x clamped to [-128, 127]. */
static inline int32_t mcn_ssat8(int32_t x)
{
#if MCN_ARCH_DSP
    return __ssat(x, 8);
#else
    return x < -128 ? -128 : x > 127 ? 127 : x;
#endif
}

/* USADA8: acc + the sum of |x_i - y_i| over the four unsigned bytes. */
static inline uint32_t mcn_usada8(uint32_t x, uint32_t y, uint32_t acc)
{
#if MCN_ARCH_DSP
    return __usada8((uint8x4_t)x, (uint8x4_t)y, acc);
#else
    for (int k = 0; k < 4; k++) {
        const uint32_t a = (x >> (8 * k)) & 0xffu, b = (y >> (8 * k)) & 0xffu;
        acc += a > b ? a - b : b - a;
    }
    return acc;
#endif
}

/* ---- for the channels-last depthwise kernel (dwconv_s8_nhwc_smlad.c) ---- */

/* SMLABB: acc + lo(x) * lo(y); SMLATT: acc + hi(x) * hi(y). Wrapping
   modulo 2^32 as the instructions do. */
static inline int32_t mcn_smlabb(uint32_t x, uint32_t y, int32_t acc)
{
#if MCN_ARCH_DSP
    return __smlabb((int32_t)x, (int32_t)y, acc);
#else
    return mcn_mac16(mcn_lo16(x), mcn_lo16(y), acc);
#endif
}

static inline int32_t mcn_smlatt(uint32_t x, uint32_t y, int32_t acc)
{
#if MCN_ARCH_DSP
    return __smlatt((int32_t)x, (int32_t)y, acc);
#else
    return mcn_mac16(mcn_hi16(x), mcn_hi16(y), acc);
#endif
}

/* PKHTB with ASR #16: hi's high half above x's high half (bytes 2 and 3
   of x, then of hi). */
static inline uint32_t mcn_pkhtb16(uint32_t hi, uint32_t x)
{
#if MCN_ARCH_DSP
    uint32_t r;
    __asm__("pkhtb %0, %1, %2, asr #16" : "=r"(r) : "r"(hi), "r"(x));
    return r;
#else
    return (hi & 0xffff0000u) | (x >> 16);
#endif
}

/* Four int8 lanes clamped to [lo, hi] lane by lane (lo4, hi4: the bounds
   in every byte, lo <= hi): SSUB8 sets a flag per byte, SEL picks. */
static inline uint32_t mcn_clamp_s8x4(uint32_t x, uint32_t lo4, uint32_t hi4)
{
#if MCN_ARCH_DSP
    uint32_t t;
    __asm__("ssub8 %0, %1, %2\n\tsel %0, %1, %2"
            : "=&r"(t) : "r"(x), "r"(lo4) : "cc");
    __asm__("ssub8 %0, %2, %1\n\tsel %0, %1, %2"
            : "=&r"(x) : "r"(t), "r"(hi4) : "cc");
    return x;
#else
    uint32_t r = 0;
    for (int k = 0; k < 4; k++) {
        int32_t v = mcn_byte(x, k), l = mcn_byte(lo4, k), h = mcn_byte(hi4, k);
        v = v < l ? l : v > h ? h : v;
        r |= ((uint32_t)v & 0xffu) << (8 * k);
    }
    return r;
#endif
}

/* The low bytes of four values as one word, y0 lowest (three BFI). */
static inline uint32_t mcn_pack_s8x4(int32_t y0, int32_t y1, int32_t y2,
                                     int32_t y3)
{
#if MCN_ARCH_DSP
    uint32_t r = (uint32_t)y0;
    __asm__("bfi %0, %1, #8, #8" : "+r"(r) : "r"(y1));
    __asm__("bfi %0, %1, #16, #8" : "+r"(r) : "r"(y2));
    __asm__("bfi %0, %1, #24, #8" : "+r"(r) : "r"(y3));
    return r;
#else
    return ((uint32_t)y0 & 0xffu) | (((uint32_t)y1 & 0xffu) << 8) |
           (((uint32_t)y2 & 0xffu) << 16) | ((uint32_t)y3 << 24);
#endif
}

/* LDRD: a = p[k], b = p[k + 1] in one load (p a uint32_t pointer, k a
   literal word index under 256), which compilers do not make of two
   word loads. */
#if MCN_ARCH_DSP
#define MCN_LOAD_PAIR(p, k, a, b)                                          \
    __asm__("ldrd %0, %1, [%2, #4*(" #k ")]"                               \
            : "=r"(a), "=r"(b)                                             \
            : "r"(p), "m"(*(const uint32_t(*)[2])((p) + (k))))
#else
#define MCN_LOAD_PAIR(p, k, a, b) ((a) = (p)[k], (b) = (p)[(k) + 1])
#endif

#endif
