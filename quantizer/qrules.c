/* qrules.c: see qrules.h. */
#include "qrules.h"

bool qrules_keeps_input_quant(mcn_opcode op)
{
    switch (op) {
    case MCN_OP_MAX_POOL_2D: case MCN_OP_AVERAGE_POOL_2D:
    case MCN_OP_GLOBAL_AVERAGE_POOL: case MCN_OP_RESHAPE:
    case MCN_OP_CLIP: case MCN_OP_PAD:
    case MCN_OP_RESIZE:  /* TFLM's int8 kernels never rescale */
    case MCN_OP_TRANSPOSE: case MCN_OP_SLICE: case MCN_OP_GLOBAL_MAX_POOL:
        return true;
    default:
        return false;
    }
}

bool qrules_fixed_output(mcn_opcode op, int *denom, int32_t *zp)
{
    switch (op) {
    case MCN_OP_SOFTMAX: case MCN_OP_LOGISTIC:
        *denom = 256;
        *zp = -128;
        return true;
    case MCN_OP_TANH:
        *denom = 128;
        *zp = 0;
        return true;
    case MCN_OP_LOG_SOFTMAX:
        *denom = 16;
        *zp = 127;
        return true;
    default:
        return false;
    }
}
