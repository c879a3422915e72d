/*
** mcn_plan.c: the packer's questions to the engine (mcn_plan.h), answered
** from the same parameter decoding the operators run with.
*/
#include <string.h>

#include "fb_read.h"
#include "mcn_internal.h"
#include "mcn_plan.h"

typedef char add_lut_len_agrees[
    MCN_PLAN_ADD_LUT_LEN == MCN_K_ADD_LUT_LEN ? 1 : -1];

mcn_status mcn_plan_open(mcn_plan_model *pm, const void *model,
                         size_t model_size)
{
    if (!pm || !model || ((uintptr_t)model & 3u) != 0)
        return MCN_ERR_ARG;
    memset(pm, 0, sizeof *pm);
    MCN_TRY(mcn_verify(model, model_size));
    mcn_bind(&pm->ctx, model, (uint32_t)model_size);
    return MCN_OK;
}

/* Operator op of the opened model, viewed without an arena. */
static mcn_status view(const mcn_plan_model *pm, uint32_t op, mcn_opview *v)
{
    if (!pm || !pm->ctx.model || op >= pm->ctx.n_operators)
        return MCN_ERR_ARG;
    return mcn_opview_get(&pm->ctx, op, v);
}

/* Operator op of the opened model, decoded without an arena. */
static mcn_status decode(const mcn_plan_model *pm, uint32_t op,
                         mcn_k_conv_params *p, uint8_t *kop, int *family,
                         uint8_t *kernel)
{
    mcn_opview v;
    MCN_TRY(view(pm, op, &v));
    *kernel = v.kernel;
    mcn_status s = mcn_conv_family_params(&v, p, kop);
    *family = s != MCN_ERR_UNSUPPORTED;
    return *family ? s : MCN_OK;
}

static mcn_status plan_kernel(const mcn_plan_model *pm, uint32_t op,
                              mcn_target target, int lean,
                              mcn_plan_choice *out)
{
    if (!out)
        return MCN_ERR_ARG;
    memset(out, 0, sizeof *out);
    out->name = "";
    mcn_k_conv_params p;
    uint8_t kop = 0, named;
    int family;
    out->overlap_lo = 1;   /* disjoint, unless a kernel says otherwise */
    MCN_TRY(decode(pm, op, &p, &kop, &family, &named));
    if (!family)
        return MCN_OK;
    out->kernel = named  ? named
                  : lean ? mcn_conv_kernel_choose_lean(&p, kop, (int)target)
                         : mcn_conv_kernel_choose(&p, kop, (int)target);
    const mcn_conv_kernel *k = mcn_conv_kernel_get(out->kernel);
    if (k) {
        out->scratch_bytes = k->scratch_bytes ? k->scratch_bytes(&p) : 0;
        out->relayout = k->layout != 0;
        out->weight_bytes = mcn_conv_kernel_weight_bytes(k, &p);
        mcn_k_window w = mcn_conv_kernel_window(k, &p);
        out->overlap_lo = w.lo;
        out->overlap_hi = w.hi;
#ifndef MCN_STRIP_ERROR_STRINGS
        out->name = k->name;
#endif
    }
    return MCN_OK;
}

mcn_status mcn_plan_kernel(const mcn_plan_model *pm, uint32_t op,
                           mcn_target target, mcn_plan_choice *out)
{
    return plan_kernel(pm, op, target, 0, out);
}

mcn_status mcn_plan_kernel_lean(const mcn_plan_model *pm, uint32_t op,
                                mcn_target target, mcn_plan_choice *out)
{
    return plan_kernel(pm, op, target, 1, out);
}

mcn_status mcn_plan_layout(const mcn_plan_model *pm, uint32_t op,
                           uint8_t kernel, int8_t *w, size_t w_bytes,
                           int32_t *bias, size_t bias_count)
{
    mcn_k_conv_params p;
    uint8_t kop = 0, named;
    int family;
    MCN_TRY(decode(pm, op, &p, &kop, &family, &named));
    const mcn_conv_kernel *k = mcn_conv_kernel_get(kernel);
    if (!family || !k || !(k->ops & kop) || !k->layout || !w || !bias)
        return MCN_ERR_ARG;
    if (w_bytes != mcn_conv_kernel_weight_bytes(k, &p) ||
        bias_count != (size_t)p.output.c)
        return MCN_ERR_ARG;
    for (size_t c = 0; c < bias_count; c++)
        bias[c] = p.bias ? p.bias[c] : 0;
    k->layout(&p, w, bias);
    return MCN_OK;
}

static int is_int8(const mcn_tview *t)
{
    return t->present && t->dtype == MCN_DT_INT8;
}

mcn_status mcn_plan_add_table(const mcn_plan_model *pm, uint32_t op,
                              mcn_target target, int32_t *lut,
                              size_t lut_count, int *applies)
{
    if (!applies || !lut || lut_count != MCN_PLAN_ADD_LUT_LEN)
        return MCN_ERR_ARG;
    *applies = 0;
    mcn_opview v;
    MCN_TRY(view(pm, op, &v));
    if ((v.opcode != MCN_OP_ADD && v.opcode != MCN_OP_SUB) ||
        target <= MCN_TARGET_REFERENCE || target >= MCN_TARGET_COUNT ||
        v.n_in != 2 || !v.has_requant || v.n_rq != 1 ||
        !is_int8(&v.in[0]) || !is_int8(&v.in[1]) || !is_int8(&v.out) ||
        !mcn_same_shape(&v.in[0], &v.out) ||
        !mcn_same_shape(&v.in[1], &v.out))
        return MCN_OK;
    if (v.left_shift < 0 || v.left_shift > 31 ||
        mcn_chk_shift(v.input1_shift) != MCN_OK ||
        mcn_chk_shift(v.input2_shift) != MCN_OK ||
        mcn_chk_shift(v.shift[0]) != MCN_OK)
        return MCN_ERR_MODEL;
    mcn_call c;
    MCN_TRY(v.opcode == MCN_OP_ADD ? mcn_op_add(&v, &c) : mcn_op_sub(&v, &c));
    mcn_k_add_lut_fill(&c.p.add, lut);
    *applies = 1;
    return MCN_OK;
}

const char *mcn_plan_kernel_name(uint8_t id)
{
    const mcn_conv_kernel *k = mcn_conv_kernel_get(id);
    return k ? k->name : 0;
}

const char *mcn_target_name(mcn_target t)
{
    static const char *const names[MCN_TARGET_COUNT] = {
        "reference", "generic", "cortex-m3", "cortex-m4", "cortex-m7",
        "cortex-m55"};
    return (unsigned)t < MCN_TARGET_COUNT ? names[t] : 0;
}
