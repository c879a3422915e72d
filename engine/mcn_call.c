/*
** mcn_call.c: running a kernel call (mcn_call.h), and handing one out.
*/
#include "mcn_call.h"

#include "mcn_internal.h"

void mcn_call_run(const mcn_call *c)
{
    switch ((mcn_call_kind)c->kind) {
    case MCN_CALL_NONE: break;
    case MCN_CALL_CONV: mcn_k_conv_s8(&c->p.conv); break;
    case MCN_CALL_CONV_1X1: mcn_k_conv_1x1_s8(&c->p.conv); break;
    case MCN_CALL_DWCONV: mcn_k_dwconv_s8(&c->p.conv); break;
    case MCN_CALL_CONV_KERNEL:
        /* mcn_init checked the id (check_kernel). */
        mcn_conv_kernels[c->kernel - 1].run(&c->p.conv);
        break;
    case MCN_CALL_TRANSPOSE_CONV: mcn_k_transpose_conv_s8(&c->p.conv); break;
    case MCN_CALL_FC: mcn_k_fc_s8(&c->p.fc); break;
    case MCN_CALL_ADD: mcn_k_add_s8(&c->p.add); break;
    case MCN_CALL_MUL: mcn_k_mul_s8(&c->p.mul); break;
    case MCN_CALL_DIV: mcn_k_div_s8(&c->p.mul); break;
    case MCN_CALL_PRELU: mcn_k_prelu_s8(&c->p.prelu); break;
    case MCN_CALL_MAXPOOL: mcn_k_maxpool_s8(&c->p.pool); break;
    case MCN_CALL_AVGPOOL: mcn_k_avgpool_s8(&c->p.pool); break;
    case MCN_CALL_SOFTMAX: mcn_k_softmax_s8(&c->p.softmax); break;
    case MCN_CALL_LOG_SOFTMAX: mcn_k_log_softmax_s8(&c->p.log_softmax); break;
    case MCN_CALL_CLIP: mcn_k_clip_s8(&c->p.clip); break;
    case MCN_CALL_QUANTIZE: mcn_k_quantize_s8(&c->p.quantize); break;
    case MCN_CALL_RESHAPE: mcn_k_reshape(&c->p.reshape); break;
    case MCN_CALL_TRANSPOSE: mcn_k_transpose_s8(&c->p.transpose); break;
    case MCN_CALL_CONCAT: mcn_k_concat_s8(&c->p.concat); break;
    case MCN_CALL_PAD: mcn_k_pad_s8(&c->p.pad); break;
    case MCN_CALL_MEAN: mcn_k_mean_s8(&c->p.mean); break;
    case MCN_CALL_LOGISTIC: mcn_k_logistic_s8(&c->p.logistic); break;
    case MCN_CALL_TANH: mcn_k_tanh_s8(&c->p.logistic); break;
    case MCN_CALL_HARD_SWISH: mcn_k_hard_swish_s8(&c->p.hard_swish); break;
    case MCN_CALL_LEAKY_RELU: mcn_k_leaky_relu_s8(&c->p.leaky_relu); break;
    case MCN_CALL_LUT: mcn_k_lut_s8(&c->p.lut); break;
    case MCN_CALL_RESIZE: mcn_k_resize_s8(&c->p.resize); break;
    case MCN_CALL_ADD_LUT: mcn_k_add_s8_lut(&c->p.add); break;
    case MCN_CALL_COUNT: break;
    }
}
