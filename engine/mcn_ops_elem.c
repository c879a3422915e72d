/*
** mcn_ops_elem.c: the element-wise and row-wise ops (ADD, SUB, MUL, DIV,
** PRELU, SOFTMAX, LOG_SOFTMAX, CLIP, QUANTIZE, RESHAPE): kernel
** parameters, their checks, and the call. Each but RESHAPE may run in
** place, or with its output starting before its input: element i is
** written after element i is read, in increasing i (SOFTMAX's rows are
** read whole first, then written in that order).
*/
#include "mcn_internal.h"

/* NumPy broadcasting of a and b onto out (mcn_kernels.h): *broadcast is
   0 when all three have one shape. MCN_ERR_MODEL if out is not exactly
   the broadcast shape. */
static mcn_status bcast_of(const mcn_tview *a, const mcn_tview *b,
                           const mcn_tview *out, int32_t *broadcast,
                           mcn_k_bcast *bc)
{
    const int n = MCN_K_BCAST_DIMS;
    int rank = a->rank > b->rank ? a->rank : b->rank;
    *broadcast = !(mcn_same_shape(a, out) && mcn_same_shape(b, out));
    if (a->rank > n || b->rank > n || out->rank != rank)
        return MCN_ERR_MODEL;
    uint32_t sa = 1, sb = 1;
    for (int d = n - 1; d >= 0; d--) {
        int k = d - (n - rank);
        int32_t od = k >= 0 ? out->dims[k] : 1;
        int ka = d - (n - a->rank), kb = d - (n - b->rank);
        int32_t da = ka >= 0 ? a->dims[ka] : 1;
        int32_t db = kb >= 0 ? b->dims[kb] : 1;
        if (od < 1 || da < 1 || db < 1 || (da != od && da != 1) ||
            (db != od && db != 1) || (da == 1 && db == 1 && od != 1))
            return MCN_ERR_MODEL;
        bc->dims[d] = od;
        bc->stride1[d] = da == 1 ? 0 : (int32_t)sa;
        bc->stride2[d] = db == 1 ? 0 : (int32_t)sb;
        sa *= (uint32_t)da;
        sb *= (uint32_t)db;
    }
    return MCN_OK;
}

/* An input with the output's element count is read at the index being
   written (broadcasting only pads its shape with 1s); a broadcast one is
   read many times, so it must not be overwritten. */
static mcn_k_window elem_window(const mcn_tview *in, const mcn_tview *out)
{
    return in->elems == out->elems ? mcn_k_elementwise_window()
                                   : mcn_k_disjoint_window();
}

/* The inputs and output of ADD or MUL: int8, broadcastable, and the
   output overlapping an input only as elem_window allows; `tables` more
   inputs after the two (ADD's table) are checked by the op. */
static mcn_status check_binary_tables(const mcn_opview *v, uint32_t tables)
{
    if (v->n_in != 2 + tables || v->n_out != 1)
        return MCN_ERR_MODEL;
    MCN_TRY(mcn_chk_int8(&v->in[0], 0));
    MCN_TRY(mcn_chk_int8(&v->in[1], 0));
    MCN_TRY(mcn_chk_int8(&v->out, 1));
    int32_t broadcast;
    mcn_k_bcast bc;
    MCN_TRY(bcast_of(&v->in[0], &v->in[1], &v->out, &broadcast, &bc));
    for (int k = 0; k < 2; k++)
        MCN_TRY(mcn_chk_window(&v->out, &v->in[k], elem_window(&v->in[k],
                                                                &v->out)));
    MCN_TRY(mcn_chk_requant(v, 1));
    return MCN_OK;
}

static mcn_status check_binary(const mcn_opview *v)
{
    return check_binary_tables(v, 0);
}

/* One int8 input, one int8 output of the same shape, maybe in place. */
static mcn_status check_unary(const mcn_opview *v)
{
    if (v->n_in != 1 || v->n_out != 1)
        return MCN_ERR_MODEL;
    MCN_TRY(mcn_chk_int8(&v->in[0], 0));
    MCN_TRY(mcn_chk_int8(&v->out, 1));
    if (!mcn_same_shape(&v->in[0], &v->out))
        return MCN_ERR_MODEL;
    return mcn_chk_window(&v->out, &v->in[0], mcn_k_elementwise_window());
}

/* The offsets, shifts and multipliers, which are all ADD's table is made
   of (mcn_k_add_lut_fill), and the output offset, in add_params's order
   of old: its call, on every invoke, compiles to the same instructions. */
static inline void add_scalars(const mcn_opview *v, int subtract,
                               mcn_k_add_params *p)
{
    p->subtract = subtract;
    p->input1_offset = -v->in[0].zero_point;
    p->input2_offset = -v->in[1].zero_point;
    p->output_offset = v->out.zero_point;
    p->left_shift = v->left_shift;
    p->input1_multiplier = v->input1_multiplier;
    p->input1_shift = v->input1_shift;
    p->input2_multiplier = v->input2_multiplier;
    p->input2_shift = v->input2_shift;
}

static void add_params(const mcn_opview *v, int subtract,
                       mcn_k_add_params *p)
{
    add_scalars(v, subtract, p);
    p->output_multiplier = v->n_rq ? v->multiplier[0] : 0;
    p->output_shift = v->n_rq ? v->shift[0] : 0;
    p->act_min = v->act_min;
    p->act_max = v->act_max;
    p->size = v->out.elems;
    bcast_of(&v->in[0], &v->in[1], &v->out, &p->broadcast, &p->bcast);
    p->input1_data = (const int8_t *)v->in[0].data;
    p->input2_data = (const int8_t *)v->in[1].data;
    p->output_data = (int8_t *)v->out.wdata;
    p->lut = v->n_in == 3 ? (const int32_t *)(const void *)v->in[2].data : 0;
}

/* The packer's table for mcn_k_add_s8_lut, input 2: a constant int32
   [MCN_K_ADD_LUT_LEN], for inputs of the output's shape, holding what
   mcn_k_add_lut_fill makes of the offsets, shifts and multipliers (the
   shifts checked first: the table is remade from them), since the kernel
   adds its entries as they are. Out of line: add_or_sub's call, on every
   invoke, stays as it was without it. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static mcn_status check_add_table(const mcn_opview *v)
{
    const mcn_tview *t = &v->in[2];
    if (!t->present || !t->is_const || !t->data ||
        t->dtype != MCN_DT_INT32 || t->elems != MCN_K_ADD_LUT_LEN ||
        !mcn_same_shape(&v->in[0], &v->out) ||
        !mcn_same_shape(&v->in[1], &v->out))
        return MCN_ERR_MODEL;
    if (v->left_shift < 0 || v->left_shift > 31 ||
        mcn_chk_shift(v->input1_shift) != MCN_OK ||
        mcn_chk_shift(v->input2_shift) != MCN_OK)
        return MCN_ERR_MODEL;
    mcn_k_add_params p;
    add_scalars(v, v->opcode == MCN_OP_SUB, &p);
    return mcn_k_add_lut_matches(&p, (const int32_t *)(const void *)t->data)
               ? MCN_OK : MCN_ERR_MODEL;
}

/* ADD and SUB: one kernel, TFLM's arithmetic for both; with the packer's
   table, the kernel that reads it. */
static mcn_status add_or_sub(const mcn_opview *v, mcn_call *call, int subtract)
{
    mcn_k_add_params p;
    if (call) {
        add_params(v, subtract, &p);
        if (p.lut)
            MCN_CALL_SET(call, MCN_CALL_ADD_LUT, add, p);
        else
            MCN_CALL_SET(call, MCN_CALL_ADD, add, p);
        return MCN_OK;
    }
    const uint32_t tables = v->n_in == 3;
    MCN_TRY(check_binary_tables(v, tables));
    if (tables)
        MCN_TRY(check_add_table(v));
    if (v->left_shift < 0 || v->left_shift > 31)
        return MCN_ERR_MODEL;
    MCN_TRY(mcn_chk_shift(v->input1_shift));
    return mcn_chk_shift(v->input2_shift);
}

mcn_status mcn_op_add(const mcn_opview *v, mcn_call *call)
{
    return add_or_sub(v, call, 0);
}

mcn_status mcn_op_sub(const mcn_opview *v, mcn_call *call)
{
    return add_or_sub(v, call, 1);
}

static void mul_params(const mcn_opview *v, mcn_k_mul_params *p)
{
    p->input1_offset = -v->in[0].zero_point;
    p->input2_offset = -v->in[1].zero_point;
    p->output_offset = v->out.zero_point;
    p->output_multiplier = v->n_rq ? v->multiplier[0] : 0;
    p->output_shift = v->n_rq ? v->shift[0] : 0;
    p->act_min = v->act_min;
    p->act_max = v->act_max;
    p->size = v->out.elems;
    bcast_of(&v->in[0], &v->in[1], &v->out, &p->broadcast, &p->bcast);
    p->input1_data = (const int8_t *)v->in[0].data;
    p->input2_data = (const int8_t *)v->in[1].data;
    p->output_data = (int8_t *)v->out.wdata;
}

mcn_status mcn_op_mul(const mcn_opview *v, mcn_call *call)
{
    mcn_k_mul_params p;
    if (call) {
        mul_params(v, &p);
        MCN_CALL_SET(call, MCN_CALL_MUL, mul, p);
        return MCN_OK;
    }
    return check_binary(v);
}

/* MUL's parameters; the kernel's last shift stays a right shift while
   the output shift is at most 23 (the least headroom an int8 numerator
   has) and the multiplier is not negative. */
mcn_status mcn_op_div(const mcn_opview *v, mcn_call *call)
{
    mcn_k_div_params p;
    if (call) {
        mul_params(v, &p);
        MCN_CALL_SET(call, MCN_CALL_DIV, mul, p);
        return MCN_OK;
    }
    MCN_TRY(check_binary(v));
    if (v->multiplier[0] < 0 || v->shift[0] > 23)
        return MCN_ERR_MODEL;
    return MCN_OK;
}

/* x (an activation), the slope broadcast onto it, an output like x. */
mcn_status mcn_op_prelu(const mcn_opview *v, mcn_call *call)
{
    const mcn_tview *x = &v->in[0], *alpha = &v->in[1];
    mcn_k_prelu_params p;
    int32_t broadcast;
    if (!call) {
        if (v->n_in != 2 || v->n_out != 1)
            return MCN_ERR_MODEL;
        MCN_TRY(mcn_chk_int8(x, 0));
        MCN_TRY(mcn_chk_int8(alpha, 0));
        MCN_TRY(mcn_chk_int8(&v->out, 1));
        if (!mcn_same_shape(x, &v->out))
            return MCN_ERR_MODEL;
        MCN_TRY(bcast_of(x, alpha, &v->out, &broadcast, &p.bcast));
        MCN_TRY(mcn_chk_window(&v->out, x, mcn_k_elementwise_window()));
        MCN_TRY(mcn_chk_window(&v->out, alpha, elem_window(alpha, &v->out)));
        if (!v->has_requant || v->n_rq != 2)
            return MCN_ERR_MODEL;
        MCN_TRY(mcn_chk_shift(v->shift[0]));
        return mcn_chk_shift(v->shift[1]);
    }
    p.input_offset = -x->zero_point;
    p.alpha_offset = -alpha->zero_point;
    p.output_offset = v->out.zero_point;
    p.identity_multiplier = v->multiplier[0];
    p.identity_shift = v->shift[0];
    p.alpha_multiplier = v->multiplier[1];
    p.alpha_shift = v->shift[1];
    p.size = v->out.elems;
    bcast_of(x, alpha, &v->out, &broadcast, &p.bcast);
    p.input_data = (const int8_t *)x->data;
    p.alpha_data = (const int8_t *)alpha->data;
    p.output_data = (int8_t *)v->out.wdata;
    MCN_CALL_SET(call, MCN_CALL_PRELU, prelu, p);
    return MCN_OK;
}

static void softmax_params(const mcn_opview *v, mcn_k_softmax_params *p)
{
    const mcn_tview *x = &v->in[0];
    p->input_multiplier = v->n_rq ? v->multiplier[0] : 0;
    p->input_left_shift = v->n_rq ? v->shift[0] : 0;
    p->diff_min = v->diff_min;
    p->depth = x->rank ? (uint32_t)x->dims[x->rank - 1] : 1u;
    p->rows = x->elems / p->depth;
    p->input_data = (const int8_t *)x->data;
    p->output_data = (int8_t *)v->out.wdata;
}

mcn_status mcn_op_softmax(const mcn_opview *v, mcn_call *call)
{
    mcn_k_softmax_params p;
    softmax_params(v, &p);
    if (call) {
        MCN_CALL_SET(call, MCN_CALL_SOFTMAX, softmax, p);
        return MCN_OK;
    }
    MCN_TRY(check_unary(v));
    /* The output's meaning is fixed (TFLM): probability (q + 128) / 256.
       Only the zero point enters the arithmetic. */
    if (v->out.zero_point != -128)
        return MCN_ERR_UNSUPPORTED;
    if (!v->has_requant || v->n_rq != 1)
        return MCN_ERR_MODEL;
    if (p.input_left_shift < 0 || p.input_left_shift > 31 || p.diff_min > 0)
        return MCN_ERR_MODEL;
    return MCN_OK;
}

/* The output's meaning is fixed (TFLM): log-probability (q - 127) / 16.
   Shifts as the kernel uses them, and a radius that keeps the rescaled
   differences inside Q5.26 (qmath_log_softmax_params). */
mcn_status mcn_op_log_softmax(const mcn_opview *v, mcn_call *call)
{
    const mcn_tview *x = &v->in[0];
    mcn_k_log_softmax_params p;
    if (!call) {
        MCN_TRY(check_unary(v));
        if (v->out.zero_point != 127)
            return MCN_ERR_UNSUPPORTED;
        if (!v->has_requant || v->n_rq != 2 || x->rank < 1 ||
            x->dims[x->rank - 1] < 1)
            return MCN_ERR_MODEL;
        if (v->multiplier[0] < 0 || v->shift[0] < 0 || v->shift[0] > 31 ||
            v->multiplier[1] < 0 || v->shift[1] < -31 || v->shift[1] > 0 ||
            v->diff_min > 0)
            return MCN_ERR_MODEL;
        int64_t limit = (INT64_C(31) << 26) >> v->shift[0];
        return -(int64_t)v->diff_min <= limit ? MCN_OK : MCN_ERR_MODEL;
    }
    p.input_multiplier = v->multiplier[0];
    p.input_left_shift = v->shift[0];
    p.reverse_scaling_divisor = v->multiplier[1];
    p.reverse_scaling_shift = v->shift[1];
    p.diff_min = v->diff_min;
    p.depth = (uint32_t)x->dims[x->rank - 1];
    p.rows = x->elems / p.depth;
    p.input_data = (const int8_t *)x->data;
    p.output_data = (int8_t *)v->out.wdata;
    MCN_CALL_SET(call, MCN_CALL_LOG_SOFTMAX, log_softmax, p);
    return MCN_OK;
}

mcn_status mcn_op_clip(const mcn_opview *v, mcn_call *call)
{
    mcn_k_clip_params p;
    p.act_min = v->act_min;
    p.act_max = v->act_max;
    p.size = v->out.elems;
    p.input_data = (const int8_t *)v->in[0].data;
    p.output_data = (int8_t *)v->out.wdata;
    if (call) {
        MCN_CALL_SET(call, MCN_CALL_CLIP, clip, p);
        return MCN_OK;
    }
    MCN_TRY(check_unary(v));
    if (v->in[0].zero_point != v->out.zero_point ||
        v->in[0].scale_bits != v->out.scale_bits)
        return MCN_ERR_UNSUPPORTED;
    if (!v->has_requant)
        return MCN_ERR_MODEL;
    return mcn_chk_act_range(v);
}

mcn_status mcn_op_quantize(const mcn_opview *v, mcn_call *call)
{
    mcn_k_quantize_params p;
    p.input_offset = -v->in[0].zero_point;
    p.output_offset = v->out.zero_point;
    p.multiplier = v->n_rq ? v->multiplier[0] : 0;
    p.shift = v->n_rq ? v->shift[0] : 0;
    p.size = v->out.elems;
    p.input_data = (const int8_t *)v->in[0].data;
    p.output_data = (int8_t *)v->out.wdata;
    if (call) {
        MCN_CALL_SET(call, MCN_CALL_QUANTIZE, quantize, p);
        return MCN_OK;
    }
    /* Float in or out (QUANTIZE from float32) is the host's job. */
    MCN_TRY(check_unary(v));
    if (!v->has_requant || v->n_rq != 1)
        return MCN_ERR_MODEL;
    return mcn_chk_shift(p.shift);
}

mcn_status mcn_op_reshape(const mcn_opview *v, mcn_call *call)
{
    mcn_k_reshape_params p;
    p.bytes = v->out.bytes;
    p.input_data = v->in[0].data;
    p.output_data = v->out.wdata;
    if (call) {
        MCN_CALL_SET(call, MCN_CALL_RESHAPE, reshape, p);
        return MCN_OK;
    }
    /* A second input (ONNX's target shape) is allowed and ignored: the
       output tensor's shape is the result. */
    if (v->n_in < 1 || v->n_in > 2 || v->n_out != 1)
        return MCN_ERR_MODEL;
    const mcn_tview *x = &v->in[0], *y = &v->out;
    if (!x->present || !x->data || !y->present || !y->wdata)
        return MCN_ERR_MODEL;
    if (x->dtype != y->dtype || x->bytes != y->bytes)
        return MCN_ERR_MODEL;
    return mcn_chk_alias(y, x, 1);
}
