/*
** conv_smlad_chan.c: the loop over one group's output channels for the
** im2col SMLAD convolutions (conv_smlad.h): on the chip as assembly, so
** that the four sums, the column pointer and the weight pointer stay in
** registers through the multiplies and the loop's own state lives in
** mcn_smlad_chan; on every other target as C with the same arithmetic.
**
** Per channel: the sums start at the bias; the column's straight quads
** four at a time, then one at a time, then the last quad (weights 4 - t
** bytes back); then each sum s is requantized as
**     x = s << (left + 1)
**     v = (SMMLAR(x, m, nudge) - (x < 0)) >> right     (right > 0)
**     v = SMMLAR(x, m, nudge)                         (right = 0)
** and clamped. SMMLAR(x, m, nudge) is the high multiply h plus nudge
** (conv_smlad.h). TFLM's rounding subtracts (h < 0), not (x < 0): with
** m >= 0, h has x's sign or is 0, and where h = 0 but x < 0 the extra 1
** changes nothing: (2^(r-1) - 1 + off * 2^r) >> r = off as does
** (2^(r-1) + off * 2^r) >> r, for r >= 1.
*/
#include "conv_smlad.h"

#if MCN_ARCH_DSP

/* The offsets the assembly reads (32-bit pointers). */
typedef char mcn_smlad_chan_layout[
    (__builtin_offsetof(mcn_smlad_chan, skip) == 4 &&
     __builtin_offsetof(mcn_smlad_chan, e) == 8 &&
     __builtin_offsetof(mcn_smlad_chan, d) == 16 &&
     __builtin_offsetof(mcn_smlad_chan, col_end) == 24 &&
     __builtin_offsetof(mcn_smlad_chan, full) == 32 &&
     __builtin_offsetof(mcn_smlad_chan, lo) == 36 &&
     __builtin_offsetof(mcn_smlad_chan, w) == 44 &&
     __builtin_offsetof(mcn_smlad_chan, entry) == 48 &&
     __builtin_offsetof(mcn_smlad_rq, bias) == 16 &&
     sizeof(mcn_smlad_rq) == 20) ? 1 : -1];

/* Registers: r0-r3 the four sums, r4/r5 the weight halves, r6 the column,
   r7 the weights, r8-r11 four column words (ascending, as LDM takes
   them), r12 an end, lr the mcn_smlad_chan. One quad: */
#define MCN_BYTE_QUAD                                                         \
    "ldr r5, [r7], #4\n\t"                                                    \
    "ldmia r6!, {r8, r9, r10, r11}\n\t"                                       \
    "sxtb16 r4, r5\n\t"                                                       \
    "sxtb16 r5, r5, ror #8\n\t" MCN_EIGHT
#define MCN_WIDE_QUAD                                                         \
    "ldrd r4, r5, [r7], #8\n\t"                                               \
    "ldmia r6!, {r8, r9, r10, r11}\n\t" MCN_EIGHT
#define MCN_EIGHT                                                             \
    "smlad r0, r8, r4, r0\n\t"                                                \
    "smlad r0, r9, r5, r0\n\t"                                                \
    "smlad r1, r10, r4, r1\n\t"                                               \
    "smlad r1, r11, r5, r1\n\t"                                               \
    "ldmia r6!, {r8, r9, r10, r11}\n\t"                                       \
    "smlad r2, r8, r4, r2\n\t"                                                \
    "smlad r2, r9, r5, r2\n\t"                                                \
    "smlad r3, r10, r4, r3\n\t"                                               \
    "smlad r3, r11, r5, r3\n\t"

/* r_s requantized with right > 0 (m r8, left + 1 r9, right r10, nudge
   r11), r4 a scratch. */
#define MCN_DOWN(r_s)                                                         \
    "smmlar r4, " r_s ", r8, r11\n\t"                                         \
    "sub " r_s ", r4, " r_s ", lsr #31\n\t"                                   \
    "asr " r_s ", " r_s ", r10\n\t"
#define MCN_CLAMP(r_s)                                                        \
    "cmp " r_s ", r4\n\t"                                                     \
    "it lt\n\t"                                                               \
    "movlt " r_s ", r4\n\t"                                                   \
    "cmp " r_s ", r5\n\t"                                                     \
    "it gt\n\t"                                                               \
    "movgt " r_s ", r5\n\t"

/* The quads four per turn, the first turn entered part-way (at quad
   `skip` of four, the address worked out once per call): a column of any
   length pays the loop's test once per four quads and nothing more. Each
   function in a section of its own, as -ffunction-sections would put it,
   so that the linker drops the one a firmware does not call. */
#define MCN_CHANNELS(NAME, QUAD)                                              \
    __asm__(".pushsection .text." NAME ",\"ax\",%progbits\n\t"               \
            ".syntax unified\n\t"                                             \
            ".thumb\n\t"                                                      \
            ".p2align 2\n\t"                                                  \
            ".global " NAME "\n\t"                                            \
            ".thumb_func\n\t"                                                 \
            ".type " NAME ", %function\n"                                     \
            NAME ":\n\t"                                                      \
            "push {r4, r5, r6, r7, r8, r9, r10, r11, lr}\n\t"                 \
            "mov lr, r0\n\t"                                                  \
            "ldr r7, [lr, #44]\n\t"                                           \
            "ldr r4, [lr, #4]\n\t"                                            \
            "movs r5, #(.L" NAME "_q1 - .L" NAME "_q0)\n\t"                   \
            "mul r4, r4, r5\n\t"                                              \
            "adr r5, .L" NAME "_q0\n\t"                                       \
            "add r4, r4, r5\n\t"                                              \
            "orr r4, r4, #1\n\t"                                              \
            "str r4, [lr, #48]\n"                                             \
            "0:\n\t"                                                          \
            "ldr r6, [lr, #8]\n\t"                                            \
            "ldr r0, [r6, #16]\n\t"                                           \
            "mov r1, r0\n\t"                                                  \
            "mov r2, r0\n\t"                                                  \
            "mov r3, r0\n\t"                                                  \
            "ldr r6, [lr, #0]\n\t"                                            \
            "ldr r12, [lr, #24]\n\t"                                          \
            "ldr r4, [lr, #48]\n\t"                                           \
            "bx r4\n\t"                                                       \
            ".p2align 2\n"                                                    \
            ".L" NAME "_q0:\n\t" QUAD                                         \
            ".L" NAME "_q1:\n\t" QUAD QUAD QUAD                               \
            "cmp r6, r12\n\t"                                                 \
            "bne .L" NAME "_q0\n"                                             \
            "4:\n\t"                                                          \
            "ldr r4, [lr, #28]\n\t"                                           \
            "cmp r4, #0\n\t"                                                  \
            "beq 5f\n\t"                                                      \
            "sub r7, r7, r4\n\t" MCN_BYTE_QUAD                                \
            "5:\n\t"                                                          \
            "ldr r6, [lr, #8]\n\t"                                            \
            "ldmia r6!, {r8, r9, r10, r11}\n\t"                               \
            "add r6, r6, #4\n\t"                                              \
            "str r6, [lr, #8]\n\t"                                            \
            "lsl r0, r0, r9\n\t"                                              \
            "lsl r1, r1, r9\n\t"                                              \
            "lsl r2, r2, r9\n\t"                                              \
            "lsl r3, r3, r9\n\t"                                              \
            "cmp r10, #0\n\t"                                                 \
            "beq 6f\n\t" MCN_DOWN("r0") MCN_DOWN("r1") MCN_DOWN("r2")         \
            MCN_DOWN("r3")                                                    \
            "b 7f\n"                                                          \
            "6:\n\t"                                                          \
            "smmlar r0, r0, r8, r11\n\t"                                      \
            "smmlar r1, r1, r8, r11\n\t"                                      \
            "smmlar r2, r2, r8, r11\n\t"                                      \
            "smmlar r3, r3, r8, r11\n"                                        \
            "7:\n\t"                                                          \
            "ldr r4, [lr, #32]\n\t"                                           \
            "cmp r4, #0\n\t"                                                  \
            "beq 8f\n\t"                                                      \
            "ssat r0, #8, r0\n\t"                                             \
            "ssat r1, #8, r1\n\t"                                             \
            "ssat r2, #8, r2\n\t"                                             \
            "ssat r3, #8, r3\n\t"                                             \
            "b 9f\n"                                                          \
            "8:\n\t"                                                          \
            "ldrd r4, r5, [lr, #36]\n\t" MCN_CLAMP("r0") MCN_CLAMP("r1")      \
            MCN_CLAMP("r2") MCN_CLAMP("r3")                                   \
            "9:\n\t"                                                          \
            "ldrd r4, r5, [lr, #16]\n\t"                                      \
            "strb r0, [r4]\n\t"                                               \
            "strb r1, [r4, r5]\n\t"                                           \
            "add r6, r4, r5, lsl #1\n\t"                                      \
            "strb r2, [r6]\n\t"                                               \
            "strb r3, [r6, r5]\n\t"                                           \
            "add r4, r4, #1\n\t"                                              \
            "str r4, [lr, #16]\n\t"                                           \
            "ldrd r4, r5, [lr, #8]\n\t"                                       \
            "cmp r4, r5\n\t"                                                  \
            "bne 0b\n\t"                                                      \
            "pop {r4, r5, r6, r7, r8, r9, r10, r11, pc}\n\t"                  \
            ".size " NAME ", . - " NAME "\n\t"                                \
            ".popsection\n\t")

MCN_CHANNELS("mcn_smlad_channels_byte", MCN_BYTE_QUAD);
MCN_CHANNELS("mcn_smlad_channels_wide", MCN_WIDE_QUAD);

#else

/* n quads of the column from col against the weights from *w (left after
   them): a[j] += w . column j. */
static void mac(const uint8_t *col, const uint8_t **w, int32_t n, int wide,
                int32_t *a)
{
    const uint8_t *wp = *w;
    for (int32_t q = 0; q < n; q++, col += MCN_SMLAD_QUAD) {
        uint32_t we, wo;
        if (wide) {
            we = mcn_load_u32(wp);
            wo = mcn_load_u32(wp + 4);
            wp += 8;
        } else {
            const uint32_t wv = mcn_load_u32(wp);
            we = mcn_sxtb16(wv);
            wo = mcn_sxtb16_ror8(wv);
            wp += 4;
        }
        for (int32_t j = 0; j < 4; j++) {
            a[j] = mcn_smlad(mcn_load_u32(col + j * 8), we, a[j]);
            a[j] = mcn_smlad(mcn_load_u32(col + j * 8 + 4), wo, a[j]);
        }
    }
    *w = wp;
}

static void channels(mcn_smlad_chan *c, int wide)
{
    const int32_t straight = (int32_t)((c->col_end - c->col) / MCN_SMLAD_QUAD);
    const uint8_t *w = (const uint8_t *)c->w;
    for (; c->e != c->e_end; c->e++, c->d++) {
        const mcn_smlad_rq r = *c->e;
        int32_t a[4] = {r.bias, r.bias, r.bias, r.bias};
        mac(c->col, &w, straight, wide, a);
        if (c->back) {
            w -= c->back;
            mac(c->col_end, &w, 1, 0, a);
        }
        for (int32_t j = 0; j < 4; j++) {
            const int32_t x = mcn_wrap_i32((uint32_t)a[j] << r.left1);
            int32_t v = mcn_smmlar(x, r.m, r.nudge);
            if (r.right)
                v = mcn_asr(v - (x < 0), (int)r.right);
            v = c->full ? mcn_ssat8(v) : mcn_clamp(v, c->lo, c->hi);
            c->d[j * c->out_c] = (int8_t)v;
        }
    }
}

void mcn_smlad_channels_byte(mcn_smlad_chan *c)
{
    channels(c, 0);
}

void mcn_smlad_channels_wide(mcn_smlad_chan *c)
{
    channels(c, 1);
}

#endif
