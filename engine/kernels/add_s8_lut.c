/*
** add_s8_lut.c: ADD and SUB, int8, same shapes, with each input's
** rescaling read from a table. In mcn_k_add_s8 an input's contribution,
** MBQM((x + offset) << left_shift), depends on one int8 alone, so the
** packer stores it for all 256 values (mcn_k_add_lut_fill: the reference
** kernel's own arithmetic, SUB's second input negated) and a step is two
** table reads, one add and the output's rescaling: about 15 instructions
** on the Cortex-M4 against some 130 for the reference loop. Same bits as
** mcn_k_add_s8: wrapping addition of the negated term is the wrapping
** subtraction, and mcn_rq_fast is mcn_mbqm for the output multipliers
** qmath_add_params makes (mcn_rq_fast_ok; otherwise mcn_mbqm runs).
*/
#include "mcn_arch.h"
#include "mcn_kernels.h"
#include "requant.h"

static int32_t term(int32_t x, int32_t offset, int32_t left_shift,
                    int32_t multiplier, int32_t shift)
{
    return mcn_mbqm(mcn_shl_wrap(offset + x, (int)left_shift), multiplier,
                    (int)shift);
}

/* Entry i of the table: input 1's term for the byte i, or (i >= 256)
   input 2's for the byte i - 256, negated for SUB. */
static int32_t entry(const mcn_k_add_params *p, int32_t i)
{
    const int32_t k = i & 255, x = k < 128 ? k : k - 256;  /* k as int8 */
    if (i < 256)
        return term(x, p->input1_offset, p->left_shift, p->input1_multiplier,
                    p->input1_shift);
    const int32_t b = term(x, p->input2_offset, p->left_shift,
                           p->input2_multiplier, p->input2_shift);
    return p->subtract ? mcn_wrap_sub(0, b) : b;
}

void mcn_k_add_lut_fill(const mcn_k_add_params *p, int32_t *lut)
{
    for (int32_t i = 0; i < MCN_K_ADD_LUT_LEN; i++)
        lut[i] = entry(p, i);
}

int mcn_k_add_lut_matches(const mcn_k_add_params *p, const int32_t *lut)
{
    for (int32_t i = 0; i < MCN_K_ADD_LUT_LEN; i++)
        if (lut[i] != entry(p, i))
            return 0;
    return 1;
}

static int8_t clamp_out(const mcn_k_add_params *p, int32_t v)
{
    return (int8_t)mcn_clamp(mcn_wrap_add(v, p->output_offset), p->act_min,
                             p->act_max);
}

/* The constants stay in *p: held in locals, they outnumber the Cortex-M4's
   registers and spill, which measured slower than reloading them. */
void mcn_k_add_s8_lut(const mcn_k_add_params *p)
{
    const uint8_t *x = (const uint8_t *)p->input1_data;
    const uint8_t *y = (const uint8_t *)p->input2_data;
    const int32_t *lx = p->lut, *ly = p->lut + 256;
    int8_t *out = p->output_data;
    const uint32_t n = p->size;
    if (!mcn_rq_fast_ok(p->output_multiplier, p->output_shift)) {
        for (uint32_t i = 0; i < n; i++)
            out[i] = clamp_out(p, mcn_mbqm(mcn_wrap_add(lx[x[i]], ly[y[i]]),
                                           p->output_multiplier,
                                           (int)p->output_shift));
        return;
    }
    const mcn_rq_fast rq = mcn_rq_fast_of(p->output_multiplier,
                                          p->output_shift);
    if (p->act_min == -128 && p->act_max == 127) {
        /* The clamp is SSAT's; the rescaled sum is below 2^30 in size
           (its shift is at least 1), so adding the offset cannot wrap. */
        const int32_t offset = p->output_offset;
        for (uint32_t i = 0; i < n; i++)
            out[i] = (int8_t)mcn_ssat8(
                mcn_rq_fast_apply(mcn_wrap_add(lx[x[i]], ly[y[i]]), &rq) +
                offset);
        return;
    }
    for (uint32_t i = 0; i < n; i++)
        out[i] = clamp_out(
            p, mcn_rq_fast_apply(mcn_wrap_add(lx[x[i]], ly[y[i]]), &rq));
}
