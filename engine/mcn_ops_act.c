/*
** mcn_ops_act.c: the int8 activations with arithmetic of their own
** (LOGISTIC, TANH, HARD_SWISH, LEAKY_RELU) and those that are a table
** (ELU, HARD_SIGMOID): kernel parameters, their checks, and the call.
** Each may run in place: every element is read before the same element
** is written.
*/
#include "mcn_internal.h"

/* One int8 input, one int8 output of the same shape, maybe in place, and
   `n` requant entries. */
static mcn_status check_unary(const mcn_opview *v, uint32_t n)
{
    if (v->n_in != 1 || v->n_out != 1)
        return MCN_ERR_MODEL;
    MCN_TRY(mcn_chk_int8(&v->in[0], 0));
    MCN_TRY(mcn_chk_int8(&v->out, 1));
    if (!mcn_same_shape(&v->in[0], &v->out))
        return MCN_ERR_MODEL;
    if (!v->has_requant || v->n_rq != n)
        return MCN_ERR_MODEL;
    return mcn_chk_alias(&v->out, &v->in[0], 1);
}

/* ---- LOGISTIC and TANH ---- */

static void sigmoid_params(const mcn_opview *v, mcn_k_logistic_params *p)
{
    p->input_zero_point = v->in[0].zero_point;
    p->input_range_radius = v->diff_min;
    p->input_multiplier = v->n_rq ? v->multiplier[0] : 0;
    p->input_left_shift = v->n_rq ? v->shift[0] : 0;
    p->size = v->out.elems;
    p->input_data = (const int8_t *)v->in[0].data;
    p->output_data = (int8_t *)v->out.wdata;
}

/* The output's meaning is fixed by the kernel (TFLM): only its zero
   point enters the arithmetic, and it must be the one the kernel adds. */
static mcn_status check_sigmoid(const mcn_opview *v, int32_t out_zp)
{
    MCN_TRY(check_unary(v, 1));
    if (v->out.zero_point != out_zp)
        return MCN_ERR_UNSUPPORTED;
    /* A left shift within 0..31 and the radius that keeps the shifted
       input inside Q4.27 (qmath_sigmoid_params). */
    if (v->shift[0] < 0 || v->shift[0] > 31 || v->multiplier[0] < 0 ||
        v->diff_min < 0)
        return MCN_ERR_MODEL;
    int64_t limit = (INT64_C(15) << 27) >> v->shift[0];
    return v->diff_min <= limit ? MCN_OK : MCN_ERR_MODEL;
}

mcn_status mcn_op_logistic(const mcn_opview *v, mcn_call *call)
{
    mcn_k_logistic_params p;
    if (!call)
        return check_sigmoid(v, -128);
    sigmoid_params(v, &p);
    MCN_CALL_SET(call, MCN_CALL_LOGISTIC, logistic, p);
    return MCN_OK;
}

mcn_status mcn_op_tanh(const mcn_opview *v, mcn_call *call)
{
    mcn_k_tanh_params p;
    if (!call)
        return check_sigmoid(v, 0);
    sigmoid_params(v, &p);
    MCN_CALL_SET(call, MCN_CALL_TANH, logistic, p);
    return MCN_OK;
}

/* ---- HARD_SWISH ---- */

mcn_status mcn_op_hard_swish(const mcn_opview *v, mcn_call *call)
{
    mcn_k_hard_swish_params p;
    if (!call) {
        MCN_TRY(check_unary(v, 2));
        /* int16 multipliers >= 0; the output exponent only shifts right. */
        for (int k = 0; k < 2; k++)
            if (v->multiplier[k] < 0 || v->multiplier[k] > INT16_MAX)
                return MCN_ERR_MODEL;
        if (v->shift[0] < -31 || v->shift[0] > 0)
            return MCN_ERR_MODEL;
        return mcn_chk_shift(v->shift[1]);
    }
    p.input_zero_point = v->in[0].zero_point;
    p.output_zero_point = v->out.zero_point;
    p.output_multiplier = v->multiplier[0];
    p.output_exponent = v->shift[0];
    p.reluish_multiplier = v->multiplier[1];
    p.reluish_exponent = v->shift[1];
    p.size = v->out.elems;
    p.input_data = (const int8_t *)v->in[0].data;
    p.output_data = (int8_t *)v->out.wdata;
    MCN_CALL_SET(call, MCN_CALL_HARD_SWISH, hard_swish, p);
    return MCN_OK;
}

/* ---- LEAKY_RELU ---- */

mcn_status mcn_op_leaky_relu(const mcn_opview *v, mcn_call *call)
{
    mcn_k_leaky_relu_params p;
    if (!call) {
        MCN_TRY(check_unary(v, 2));
        if (v->multiplier[0] < 0 || v->multiplier[1] == INT32_MIN)
            return MCN_ERR_MODEL;
        MCN_TRY(mcn_chk_shift(v->shift[0]));
        return mcn_chk_shift(v->shift[1]);
    }
    p.input_zero_point = v->in[0].zero_point;
    p.output_offset = v->out.zero_point;
    p.identity_multiplier = v->multiplier[0];
    p.identity_shift = v->shift[0];
    p.alpha_multiplier = v->multiplier[1];
    p.alpha_shift = v->shift[1];
    p.size = v->out.elems;
    p.input_data = (const int8_t *)v->in[0].data;
    p.output_data = (int8_t *)v->out.wdata;
    MCN_CALL_SET(call, MCN_CALL_LEAKY_RELU, leaky_relu, p);
    return MCN_OK;
}

/* ---- ELU, HARD_SIGMOID: a lookup table ---- */

/* x, then the packer's table: a constant int8 [256]. No Requant. */
mcn_status mcn_op_lut(const mcn_opview *v, mcn_call *call)
{
    const mcn_tview *table = &v->in[1];
    mcn_k_lut_params p;
    if (!call) {
        if (v->n_in != 2 || v->n_out != 1)
            return MCN_ERR_MODEL;
        MCN_TRY(mcn_chk_int8(&v->in[0], 0));
        MCN_TRY(mcn_chk_int8(&v->out, 1));
        if (!mcn_same_shape(&v->in[0], &v->out))
            return MCN_ERR_MODEL;
        if (!table->present || !table->is_const || !table->data ||
            table->dtype != MCN_DT_INT8 || table->elems != 256)
            return MCN_ERR_MODEL;
        return mcn_chk_alias(&v->out, &v->in[0], 1);
    }
    p.size = v->out.elems;
    p.table = (const int8_t *)table->data;
    p.input_data = (const int8_t *)v->in[0].data;
    p.output_data = (int8_t *)v->out.wdata;
    MCN_CALL_SET(call, MCN_CALL_LUT, lut, p);
    return MCN_OK;
}
