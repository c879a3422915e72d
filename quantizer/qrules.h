/*
** qrules.h: the int8 quantization TFLite fixes per op, in one place: the
** quantizer assigns it, the packer checks imported models against it.
*/
#ifndef MCN_QRULES_H
#define MCN_QRULES_H

#include <stdbool.h>
#include <stdint.h>

#include "mcn_format.h"

/* Ops that only move or select int8 values: the output takes the input's
   scale and zero point. */
bool qrules_keeps_input_quant(mcn_opcode op);

/* Ops whose kernel writes a fixed grid: true with scale 1/denom and zp
   (SOFTMAX, LOGISTIC: 1/256 from -128; TANH: 1/128 about 0;
   LOG_SOFTMAX: TFLM's 16/256 = 1/16 down from 127, i.e. [-15.9375, 0]). */
bool qrules_fixed_output(mcn_opcode op, int *denom, int32_t *zp);

#endif
