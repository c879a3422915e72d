/*
** mcn_ops_conv.c: CONV_2D, DEPTHWISE_CONV_2D, TRANSPOSE_CONV and
** FULLY_CONNECTED: from a decoded operator to kernel parameters, the
** checks those parameters need, and the call.
*/
#include <string.h>

#include "fb_read.h"
#include "mcn_internal.h"

/* The parts every weighted op shares: input, output, bias, requant. How
   far the output may overlap the input is the kernel's to say
   (in_window, check_kernel). */
static mcn_status check_weighted(const mcn_opview *v, int32_t channels)
{
    if (v->n_in < 2 || v->n_out != 1)
        return MCN_ERR_MODEL;
    MCN_TRY(mcn_chk_int8(&v->in[0], 0));
    MCN_TRY(mcn_chk_int8(&v->out, 1));
    const mcn_tview *bias = &v->in[2];
    if (v->n_in > 2 && bias->present) {
        if (!bias->data)
            return MCN_ERR_MODEL;
        if (bias->dtype != MCN_DT_INT32)
            return MCN_ERR_UNSUPPORTED;
        if (bias->elems != (uint32_t)channels ||
            ((uintptr_t)bias->data & 3u) != 0)
            return MCN_ERR_MODEL;
    }
    MCN_TRY(mcn_chk_requant(v, channels));
    /* The input's overlap is the kernel's to allow (in_window). */
    for (uint32_t i = 1; i < v->n_in; i++)
        MCN_TRY(mcn_chk_alias(&v->out, &v->in[i], 0));
    return MCN_OK;
}

/* The output against the input, if they overlap at all, inside the
   window of the kernel that will run (computed only then: it walks the
   output's pixels). */
static mcn_status in_window(const mcn_opview *v,
                            mcn_k_window (*window)(const mcn_k_conv_params *),
                            const mcn_k_conv_params *p)
{
    if (!mcn_overlapping(&v->out, &v->in[0]))
        return MCN_OK;
    return mcn_chk_window(&v->out, &v->in[0], window(p));
}

static const int32_t *bias_of(const mcn_opview *v)
{
    if (v->n_in < 3 || !v->in[2].present)
        return 0;
    return (const int32_t *)(const void *)v->in[2].data;
}

/* Conv2DOptions into p; MCN_ERR_MODEL if the options are of another kind. */
static mcn_status conv_params(const mcn_opview *v, mcn_k_conv_params *p)
{
    const uint8_t *b = v->model;
    uint32_t o = v->options;
    if (o && v->options_type != MCN_OPTIONS_CONV2D)
        return MCN_ERR_MODEL;
    p->stride_h = o ? fb_get_i32(b, o, MCN_CONV_STRIDE_H, 1) : 1;
    p->stride_w = o ? fb_get_i32(b, o, MCN_CONV_STRIDE_W, 1) : 1;
    p->dilation_h = o ? fb_get_i32(b, o, MCN_CONV_DILATION_H, 1) : 1;
    p->dilation_w = o ? fb_get_i32(b, o, MCN_CONV_DILATION_W, 1) : 1;
    p->pad_top = o ? fb_get_i32(b, o, MCN_CONV_PAD_TOP, 0) : 0;
    p->pad_left = o ? fb_get_i32(b, o, MCN_CONV_PAD_LEFT, 0) : 0;
    p->groups = o ? fb_get_i32(b, o, MCN_CONV_GROUPS, 1) : 1;
    p->depth_multiplier = o ? fb_get_i32(b, o, MCN_CONV_DEPTH_MULTIPLIER, 1)
                            : 1;
    p->input_offset = -v->in[0].zero_point;
    p->output_offset = v->out.zero_point;
    p->act_min = v->act_min;
    p->act_max = v->act_max;
    p->rq = mcn_requant_of(v);
    MCN_TRY(mcn_dims4(&v->in[0], &p->input));
    MCN_TRY(mcn_dims4(&v->in[1], &p->filter));
    MCN_TRY(mcn_dims4(&v->out, &p->output));
    p->input_data = (const int8_t *)v->in[0].data;
    p->filter_data = (const int8_t *)v->in[1].data;
    p->bias = bias_of(v);
    p->output_data = (int8_t *)v->out.wdata;
    p->scratch = (int32_t *)(void *)v->scratch;
    return MCN_OK;
}

/* Output height and width against the padding the options imply. */
static mcn_status check_geometry(const mcn_opview *v,
                                 const mcn_k_conv_params *p)
{
    const uint8_t *b = v->model;
    uint32_t o = v->options;
    int32_t pad_bottom = o ? fb_get_i32(b, o, MCN_CONV_PAD_BOTTOM, 0) : 0;
    int32_t pad_right = o ? fb_get_i32(b, o, MCN_CONV_PAD_RIGHT, 0) : 0;
    if (!mcn_out_size_ok(p->input.h, p->filter.h, p->dilation_h,
                         p->stride_h, p->pad_top, pad_bottom, p->output.h) ||
        !mcn_out_size_ok(p->input.w, p->filter.w, p->dilation_w,
                         p->stride_w, p->pad_left, pad_right, p->output.w) ||
        p->output.n != p->input.n)
        return MCN_ERR_MODEL;
    return MCN_OK;
}

/* What every convolution checks first: the operand counts, int8 weights
   of rank 4, the options, and input, output, bias and requant for the
   filter's output channels. */
static mcn_status check_conv_operands(const mcn_opview *v,
                                      mcn_k_conv_params *p)
{
    if (v->n_in < 2 || v->n_out != 1)
        return MCN_ERR_MODEL;
    MCN_TRY(mcn_chk_weights(v, &v->in[1], 4));
    MCN_TRY(conv_params(v, p));
    return check_weighted(v, p->output.c);
}

/* An optimised kernel named by the operator: it serves this op, applies
   to these parameters, has the scratch it asks for (4-byte aligned,
   apart from the input and output) and, if it reads a folded layout, a
   bias to read. */
static mcn_status check_kernel(const mcn_opview *v,
                               const mcn_k_conv_params *p, uint8_t kop)
{
    const mcn_conv_kernel *k = mcn_conv_kernel_get(v->kernel);
    if (!k || !(k->ops & kop) || !k->applies(p) || (k->layout && !p->bias))
        return MCN_ERR_MODEL;
    /* Weights as large as the kernel's layout (mcn_conv_kernel), holding
       what the layout derived as it would derive it. */
    const uint32_t wb = mcn_conv_kernel_weight_bytes(k, p);
    if (v->in[1].is_const ? mcn_const_bytes(v->model, &v->in[1]) != wb
                          : wb != v->in[1].bytes)
        return MCN_ERR_MODEL;
    /* What verify checks must stay so: in flash, not the arena. */
    if (k->verify && (!v->in[1].is_const || !k->verify(p)))
        return MCN_ERR_MODEL;
    if (mcn_overlapping(&v->out, &v->in[0]))
        MCN_TRY(mcn_chk_window(&v->out, &v->in[0], mcn_conv_kernel_window(k,
                                                                        p)));
    uint32_t need = k->scratch_bytes ? k->scratch_bytes(p) : 0;
    if (need == 0)
        return MCN_OK;
    if (!v->scratch || v->scratch_bytes < need ||
        ((uintptr_t)v->scratch & 3u) != 0)
        return MCN_ERR_MODEL;
    mcn_tview s;
    memset(&s, 0, sizeof s);
    s.present = 1;
    s.data = v->scratch;
    s.bytes = need;
    MCN_TRY(mcn_chk_alias(&s, &v->in[0], 0));
    return mcn_chk_alias(&s, &v->out, 0);
}

mcn_status mcn_op_conv(const mcn_opview *v, mcn_call *call)
{
    mcn_k_conv_params p;
    if (call) {
        /* Filled in place: a copy of the struct costs as much as its
           filling, on every operator of every invoke. */
        mcn_k_conv_params *cp = &call->p.conv;
        conv_params(v, cp);
        call->kernel = v->kernel;
        call->kind = v->kernel ? MCN_CALL_CONV_KERNEL
                     : mcn_k_conv_1x1_s8_applies(cp) ? MCN_CALL_CONV_1X1
                                                     : MCN_CALL_CONV;
        return MCN_OK;
    }
    MCN_TRY(check_conv_operands(v, &p));
    MCN_TRY(check_geometry(v, &p));
    if (p.groups < 1 || p.output.c % p.groups != 0 ||
        p.filter.n != p.output.c ||
        p.input.c != (int64_t)p.filter.c * p.groups)
        return MCN_ERR_MODEL;
    if (v->kernel)
        return check_kernel(v, &p, MCN_KOP_CONV);
    if (mcn_k_conv_s8_scratch_bytes(&p) > v->scratch_bytes)
        return MCN_ERR_MODEL;
    return in_window(v, mcn_k_conv_1x1_s8_applies(&p)
                            ? mcn_k_conv_1x1_s8_overlap
                            : mcn_k_conv_s8_overlap, &p);
}

mcn_status mcn_op_dwconv(const mcn_opview *v, mcn_call *call)
{
    mcn_k_conv_params p;
    if (call) {
        conv_params(v, &call->p.conv);
        call->kernel = v->kernel;
        call->kind = v->kernel ? MCN_CALL_CONV_KERNEL : MCN_CALL_DWCONV;
        return MCN_OK;
    }
    MCN_TRY(check_conv_operands(v, &p));
    MCN_TRY(check_geometry(v, &p));
    if (p.depth_multiplier < 1 || p.filter.n != 1 ||
        p.filter.c != p.output.c ||
        (int64_t)p.input.c * p.depth_multiplier != p.output.c)
        return MCN_ERR_MODEL;
    return v->kernel ? check_kernel(v, &p, MCN_KOP_DWCONV)
                     : in_window(v, mcn_k_dwconv_s8_overlap, &p);
}

/* TRANSPOSE_CONV: the axes as the float graph defines them (one group),
   and the int32 accumulator in the node's scratch, 4-byte aligned, apart
   from the input and output the kernel reads and writes meanwhile. */
static mcn_status check_tconv(const mcn_opview *v, const mcn_k_conv_params *p)
{
    const uint8_t *b = v->model;
    uint32_t o = v->options;
    int32_t pad_bottom = o ? fb_get_i32(b, o, MCN_CONV_PAD_BOTTOM, 0) : 0;
    int32_t pad_right = o ? fb_get_i32(b, o, MCN_CONV_PAD_RIGHT, 0) : 0;
    if (p->groups != 1 || p->filter.n != p->output.c ||
        p->filter.c != p->input.c || p->output.n != p->input.n ||
        !mcn_tconv_size_ok(p->input.h, p->filter.h, p->dilation_h,
                           p->stride_h, p->pad_top, pad_bottom,
                           p->output.h) ||
        !mcn_tconv_size_ok(p->input.w, p->filter.w, p->dilation_w,
                           p->stride_w, p->pad_left, pad_right, p->output.w))
        return MCN_ERR_MODEL;
    uint32_t need = mcn_k_transpose_conv_s8_scratch_bytes(p);
    if (need == UINT32_MAX)
        return MCN_ERR_UNSUPPORTED;
    if (!v->scratch || v->scratch_bytes < need ||
        ((uintptr_t)v->scratch & 3u) != 0)
        return MCN_ERR_MODEL;
    mcn_tview acc;
    memset(&acc, 0, sizeof acc);
    acc.present = 1;
    acc.data = v->scratch;
    acc.bytes = need;
    MCN_TRY(mcn_chk_alias(&acc, &v->in[0], 0));
    return mcn_chk_alias(&acc, &v->out, 0);
}

mcn_status mcn_op_transpose_conv(const mcn_opview *v, mcn_call *call)
{
    mcn_k_conv_params p;
    if (call) {
        conv_params(v, &p);
        MCN_CALL_SET(call, MCN_CALL_TRANSPOSE_CONV, conv, p);
        return MCN_OK;
    }
    MCN_TRY(check_conv_operands(v, &p));
    MCN_TRY(mcn_chk_alias(&v->out, &v->in[0], 0));
    return check_tconv(v, &p);
}

static void fc_params(const mcn_opview *v, mcn_k_fc_params *p)
{
    p->input_offset = -v->in[0].zero_point;
    p->output_offset = v->out.zero_point;
    p->act_min = v->act_min;
    p->act_max = v->act_max;
    p->rq = mcn_requant_of(v);
    p->out_depth = v->in[1].dims[0];
    p->depth = v->in[1].dims[1];
    p->batches = (int32_t)(v->out.elems / (uint32_t)p->out_depth);
    p->input_data = (const int8_t *)v->in[0].data;
    p->filter_data = (const int8_t *)v->in[1].data;
    p->bias = bias_of(v);
    p->output_data = (int8_t *)v->out.wdata;
}

/* FULLY_CONNECTED as the 1x1 CONV_2D it is: batches pixels of depth
   channels, out_depth filters. */
static void fc_as_conv(const mcn_opview *v, mcn_k_conv_params *c)
{
    /* Every field assigned, no memset or fc_params first: this runs on
       every invoke. The same values as fc_params's. */
    const int32_t out_depth = v->in[1].dims[0], depth = v->in[1].dims[1];
    const int32_t batches = (int32_t)(v->out.elems / (uint32_t)out_depth);
    c->input_offset = -v->in[0].zero_point;
    c->output_offset = v->out.zero_point;
    c->stride_h = c->stride_w = c->dilation_h = c->dilation_w = 1;
    c->pad_top = c->pad_left = 0;
    c->groups = c->depth_multiplier = 1;
    c->act_min = v->act_min;
    c->act_max = v->act_max;
    c->rq = mcn_requant_of(v);
    c->input = (mcn_k_dims){batches, 1, 1, depth};
    c->filter = (mcn_k_dims){out_depth, 1, 1, depth};
    c->output = (mcn_k_dims){batches, 1, 1, out_depth};
    c->input_data = (const int8_t *)v->in[0].data;
    c->filter_data = (const int8_t *)v->in[1].data;
    c->bias = bias_of(v);
    c->output_data = (int8_t *)v->out.wdata;
    c->scratch = (int32_t *)(void *)v->scratch;
}

mcn_status mcn_conv_family_params(const mcn_opview *v, mcn_k_conv_params *p,
                                  uint8_t *kop)
{
    switch (v->opcode) {
    case MCN_OP_CONV_2D:
    case MCN_OP_DEPTHWISE_CONV_2D:
        /* The shapes only: activations may have no arena slot yet. */
        *kop = v->opcode == MCN_OP_CONV_2D ? MCN_KOP_CONV : MCN_KOP_DWCONV;
        if (v->n_in < 2 || v->n_out != 1)
            return MCN_ERR_MODEL;
        MCN_TRY(mcn_chk_weights(v, &v->in[1], 4));
        return conv_params(v, p);
    case MCN_OP_FULLY_CONNECTED:
        *kop = MCN_KOP_FC;
        if (v->n_in < 2 || v->n_out != 1 || v->in[1].rank != 2 ||
            v->in[1].dims[0] < 1)
            return MCN_ERR_MODEL;
        fc_as_conv(v, p);
        return MCN_OK;
    default:
        return MCN_ERR_UNSUPPORTED;
    }
}

mcn_status mcn_op_fc(const mcn_opview *v, mcn_call *call)
{
    mcn_k_fc_params p;
    if (call) {
        call->kernel = v->kernel;
        call->kind = v->kernel ? MCN_CALL_CONV_KERNEL : MCN_CALL_FC;
        if (v->kernel)
            fc_as_conv(v, &call->p.conv);
        else
            fc_params(v, &call->p.fc);
        return MCN_OK;
    }
    if (v->n_in < 2 || v->n_out != 1)
        return MCN_ERR_MODEL;
    MCN_TRY(mcn_chk_weights(v, &v->in[1], 2));
    fc_params(v, &p);
    MCN_TRY(check_weighted(v, p.out_depth));
    /* Output [..., O]; the input holds batches rows of K, whatever its
       rank (TFLM flattens it the same way). */
    const mcn_tview *out = &v->out;
    if (out->rank < 1 || out->dims[out->rank - 1] != p.out_depth ||
        (uint64_t)p.batches * (uint64_t)p.depth != v->in[0].elems)
        return MCN_ERR_MODEL;
    if (v->kernel) {
        mcn_k_conv_params c;
        fc_as_conv(v, &c);
        return check_kernel(v, &c, MCN_KOP_FC);
    }
    if (!mcn_overlapping(&v->out, &v->in[0]))
        return MCN_OK;
    return mcn_chk_window(&v->out, &v->in[0], mcn_k_fc_s8_overlap(&p));
}
