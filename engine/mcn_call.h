/*
** mcn_call.h: one operator's work as one kernel call: which kernel, and
** its parameter struct. C99, freestanding.
**
** The interpreter has each operator fill one (mcn_call_fill) and runs it
** (mcn_call_run) on every invoke; mcn-gen, on the host, has the engine
** fill them once for a packed model and prints each as a static const
** struct and a direct call of the kernel, so generated code and the
** interpreter run the same kernels on the same parameters by
** construction.
*/
#ifndef MCN_CALL_H
#define MCN_CALL_H

#include "mcn.h"
#include "mcn_kernels.h"

typedef enum {
    MCN_CALL_NONE = 0,       /* no kernel: nothing to do */
    MCN_CALL_CONV,           /* mcn_k_conv_s8 */
    MCN_CALL_CONV_1X1,       /* mcn_k_conv_1x1_s8 */
    MCN_CALL_DWCONV,         /* mcn_k_dwconv_s8 */
    MCN_CALL_CONV_KERNEL,    /* the optimised kernel `kernel` (mcn_plan.h) */
    MCN_CALL_TRANSPOSE_CONV, /* mcn_k_transpose_conv_s8 */
    MCN_CALL_FC,             /* mcn_k_fc_s8 */
    MCN_CALL_ADD,            /* mcn_k_add_s8 (SUB too) */
    MCN_CALL_MUL,
    MCN_CALL_DIV,
    MCN_CALL_PRELU,
    MCN_CALL_MAXPOOL,
    MCN_CALL_AVGPOOL,
    MCN_CALL_SOFTMAX,
    MCN_CALL_LOG_SOFTMAX,
    MCN_CALL_CLIP,
    MCN_CALL_QUANTIZE,
    MCN_CALL_RESHAPE,
    MCN_CALL_TRANSPOSE,      /* TRANSPOSE and SLICE */
    MCN_CALL_CONCAT,
    MCN_CALL_PAD,
    MCN_CALL_MEAN,
    MCN_CALL_LOGISTIC,
    MCN_CALL_TANH,
    MCN_CALL_HARD_SWISH,
    MCN_CALL_LEAKY_RELU,
    MCN_CALL_LUT,
    MCN_CALL_RESIZE,
    MCN_CALL_ADD_LUT,        /* mcn_k_add_s8_lut (add params) */
    MCN_CALL_COUNT
} mcn_call_kind;

typedef struct {
    int32_t kind;            /* mcn_call_kind */
    uint8_t kernel;          /* MCN_CALL_CONV_KERNEL: Operator.kernel */
    union {
        mcn_k_conv_params conv;
        mcn_k_fc_params fc;
        mcn_k_add_params add;
        mcn_k_mul_params mul;
        mcn_k_prelu_params prelu;
        mcn_k_pool_params pool;
        mcn_k_softmax_params softmax;
        mcn_k_log_softmax_params log_softmax;
        mcn_k_clip_params clip;
        mcn_k_quantize_params quantize;
        mcn_k_reshape_params reshape;
        mcn_k_transpose_params transpose;
        mcn_k_concat_params concat;
        mcn_k_pad_params pad;
        mcn_k_mean_params mean;
        mcn_k_logistic_params logistic;
        mcn_k_hard_swish_params hard_swish;
        mcn_k_leaky_relu_params leaky_relu;
        mcn_k_lut_params lut;
        mcn_k_resize_params resize;
    } p;
} mcn_call;

/* Run the call's kernel. */
void mcn_call_run(const mcn_call *c);

/* Operator op's call, for a model mcn_init accepted (ctx ready). */
mcn_status mcn_op_call(const mcn_ctx *ctx, uint32_t op, mcn_call *c);

#endif
