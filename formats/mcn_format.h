/*
** mcn_format.h: the C mirror of schemas/mcn.fbs, shared by the engine and
** the host tools. C99, freestanding: no library headers beyond <stdint.h>.
**
** A .mcn file is a FlatBuffer (little-endian):
**
**   +0  u32 offset of the root Model table
**   +4  "MCN0"  file identifier
**   ... tables, vtables, vectors; Buffer.data vectors start 16-byte aligned
**
** Field ids are vtable slot numbers: a union field takes two slots (its
** _type byte first). tests/test_format.c checks these against flatc.
*/
#ifndef MCN_FORMAT_H
#define MCN_FORMAT_H

#include <stdint.h>

#define MCN_FILE_IDENTIFIER "MCN0"
#define MCN_FORMAT_VERSION 1u
#define MCN_MAX_DIMS 6
#define MCN_BUFFER_ALIGN 16

typedef enum {
    MCN_DT_FLOAT32 = 0,
    MCN_DT_INT8 = 1,
    MCN_DT_INT32 = 2,
    MCN_DT_UINT8 = 3,
    MCN_DT_INT16 = 4,
    MCN_DT_INT64 = 5,
    MCN_DT_COUNT
} mcn_dtype;

typedef enum { MCN_LAYOUT_NHWC = 0, MCN_LAYOUT_NCHW = 1 } mcn_layout;

typedef enum {
    MCN_OP_CONV_2D = 0,
    MCN_OP_DEPTHWISE_CONV_2D = 1,
    MCN_OP_FULLY_CONNECTED = 2,
    MCN_OP_ADD = 3,
    MCN_OP_MAX_POOL_2D = 4,
    MCN_OP_AVERAGE_POOL_2D = 5,
    MCN_OP_GLOBAL_AVERAGE_POOL = 6,
    MCN_OP_SOFTMAX = 7,
    MCN_OP_RESHAPE = 8,
    MCN_OP_CLIP = 9,
    MCN_OP_QUANTIZE = 10,
    MCN_OP_DEQUANTIZE = 11,
    MCN_OP_MUL = 12,
    MCN_OP_SUB = 13,
    MCN_OP_DIV = 14,
    MCN_OP_CONCATENATION = 15,
    MCN_OP_PAD = 16,
    MCN_OP_MEAN = 17,
    MCN_OP_LOGISTIC = 18,
    MCN_OP_HARD_SWISH = 19,
    MCN_OP_TANH = 20,
    MCN_OP_LEAKY_RELU = 21,
    MCN_OP_PRELU = 22,
    MCN_OP_ELU = 23,
    MCN_OP_HARD_SIGMOID = 24,
    MCN_OP_TRANSPOSE = 25,
    MCN_OP_RESIZE = 26,
    MCN_OP_TRANSPOSE_CONV = 27,
    MCN_OP_GLOBAL_MAX_POOL = 28,
    MCN_OP_LOG_SOFTMAX = 29,
    MCN_OP_SLICE = 30,
    MCN_OP_COUNT
} mcn_opcode;

typedef enum {
    MCN_ACT_NONE = 0,
    MCN_ACT_RELU = 1,
    MCN_ACT_RELU6 = 2,
    MCN_ACT_CLIP = 3
} mcn_activation;

typedef enum {
    MCN_OPTIONS_NONE = 0,
    MCN_OPTIONS_CONV2D = 1,
    MCN_OPTIONS_POOL2D = 2,
    MCN_OPTIONS_SOFTMAX = 3,
    MCN_OPTIONS_AXIS = 4,
    MCN_OPTIONS_PAD = 5,
    MCN_OPTIONS_REDUCE = 6,
    MCN_OPTIONS_TRANSPOSE = 7,
    MCN_OPTIONS_ACTIVATION = 8,
    MCN_OPTIONS_RESIZE = 9,
    MCN_OPTIONS_SLICE = 10,
    MCN_OPTIONS_COUNT
} mcn_options_type;

typedef enum { MCN_PAD_CONSTANT = 0, MCN_PAD_EDGE = 1, MCN_PAD_REFLECT = 2 }
    mcn_pad_mode;
typedef enum {
    MCN_PADDING_EXPLICIT = 0,
    MCN_PADDING_SAME_UPPER = 1,
    MCN_PADDING_SAME_LOWER = 2,
    MCN_PADDING_VALID = 3
} mcn_padding;
typedef enum { MCN_RESIZE_NEAREST = 0, MCN_RESIZE_BILINEAR = 1 }
    mcn_resize_mode;
typedef enum {
    MCN_COORD_HALF_PIXEL = 0,
    MCN_COORD_ASYMMETRIC = 1,
    MCN_COORD_ALIGN_CORNERS = 2,
    MCN_COORD_PYTORCH_HALF_PIXEL = 3
} mcn_coord_mode;
typedef enum {
    MCN_NEAREST_ROUND_PREFER_FLOOR = 0,
    MCN_NEAREST_ROUND_PREFER_CEIL = 1,
    MCN_NEAREST_FLOOR = 2,
    MCN_NEAREST_CEIL = 3
} mcn_nearest_mode;

/* Field ids (vtable slots), per table, in schema order. */
enum { MCN_QUANT_SCALE, MCN_QUANT_ZERO_POINT, MCN_QUANT_AXIS };
enum { MCN_BUFFER_DATA };
enum {
    MCN_TENSOR_NAME, MCN_TENSOR_DTYPE, MCN_TENSOR_SHAPE, MCN_TENSOR_BUFFER,
    MCN_TENSOR_QUANT, MCN_TENSOR_ARENA_OFFSET, MCN_TENSOR_LAYOUT
};
enum {
    MCN_CONV_STRIDE_H, MCN_CONV_STRIDE_W, MCN_CONV_DILATION_H,
    MCN_CONV_DILATION_W, MCN_CONV_PAD_TOP, MCN_CONV_PAD_LEFT,
    MCN_CONV_PAD_BOTTOM, MCN_CONV_PAD_RIGHT, MCN_CONV_GROUPS,
    MCN_CONV_DEPTH_MULTIPLIER, MCN_CONV_PADDING
};
enum {
    MCN_POOL_FILTER_H, MCN_POOL_FILTER_W, MCN_POOL_STRIDE_H,
    MCN_POOL_STRIDE_W, MCN_POOL_PAD_TOP, MCN_POOL_PAD_LEFT,
    MCN_POOL_PAD_BOTTOM, MCN_POOL_PAD_RIGHT, MCN_POOL_COUNT_INCLUDE_PAD,
    MCN_POOL_DILATION_H, MCN_POOL_DILATION_W, MCN_POOL_PADDING,
    MCN_POOL_CEIL_MODE
};
enum { MCN_SOFTMAX_BETA };
enum { MCN_AXIS_AXIS };
enum { MCN_PAD_PADDINGS, MCN_PAD_MODE, MCN_PAD_VALUE };
enum { MCN_REDUCE_AXES, MCN_REDUCE_KEEP_DIMS };
enum { MCN_TRANSPOSE_PERM };
enum { MCN_SLICE_BOUNDS };
enum { MCN_ACTIVATION_ALPHA, MCN_ACTIVATION_BETA };
enum {
    MCN_RESIZE_MODE, MCN_RESIZE_COORD, MCN_RESIZE_NEAREST_MODE,
    MCN_RESIZE_SCALE_H, MCN_RESIZE_SCALE_W, MCN_RESIZE_TFLITE_INDICES
};
enum {
    MCN_REQUANT_MULTIPLIER, MCN_REQUANT_SHIFT, MCN_REQUANT_ACT_MIN,
    MCN_REQUANT_ACT_MAX, MCN_REQUANT_LEFT_SHIFT, MCN_REQUANT_INPUT1_MULTIPLIER,
    MCN_REQUANT_INPUT1_SHIFT, MCN_REQUANT_INPUT2_MULTIPLIER,
    MCN_REQUANT_INPUT2_SHIFT, MCN_REQUANT_DIFF_MIN
};
enum {
    MCN_OPERATOR_OPCODE, MCN_OPERATOR_INPUTS, MCN_OPERATOR_OUTPUTS,
    MCN_OPERATOR_OPTIONS_TYPE, MCN_OPERATOR_OPTIONS, MCN_OPERATOR_ACTIVATION,
    MCN_OPERATOR_ACT_MIN, MCN_OPERATOR_ACT_MAX, MCN_OPERATOR_REQUANT,
    MCN_OPERATOR_NAME, MCN_OPERATOR_SCRATCH_OFFSET, MCN_OPERATOR_SCRATCH_BYTES,
    MCN_OPERATOR_KERNEL, MCN_OPERATOR_NEW_SHAPE
};
enum {
    MCN_MODEL_VERSION, MCN_MODEL_DESCRIPTION, MCN_MODEL_TENSORS,
    MCN_MODEL_OPERATORS, MCN_MODEL_INPUTS, MCN_MODEL_OUTPUTS,
    MCN_MODEL_BUFFERS, MCN_MODEL_ARENA_BYTES
};

/* The options table an opcode carries (NONE: it takes none). */
static inline int mcn_options_for(int op)
{
    switch (op) {
    case MCN_OP_CONV_2D: case MCN_OP_DEPTHWISE_CONV_2D:
    case MCN_OP_TRANSPOSE_CONV:
        return MCN_OPTIONS_CONV2D;
    case MCN_OP_MAX_POOL_2D: case MCN_OP_AVERAGE_POOL_2D:
        return MCN_OPTIONS_POOL2D;
    case MCN_OP_SOFTMAX: case MCN_OP_LOG_SOFTMAX:
        return MCN_OPTIONS_SOFTMAX;
    case MCN_OP_CONCATENATION:
        return MCN_OPTIONS_AXIS;
    case MCN_OP_PAD:
        return MCN_OPTIONS_PAD;
    case MCN_OP_MEAN:
        return MCN_OPTIONS_REDUCE;
    case MCN_OP_TRANSPOSE:
        return MCN_OPTIONS_TRANSPOSE;
    case MCN_OP_LEAKY_RELU: case MCN_OP_ELU: case MCN_OP_HARD_SIGMOID:
        return MCN_OPTIONS_ACTIVATION;
    case MCN_OP_RESIZE:
        return MCN_OPTIONS_RESIZE;
    case MCN_OP_SLICE:
        return MCN_OPTIONS_SLICE;
    default:
        return MCN_OPTIONS_NONE;
    }
}

/* Bytes per element of a dtype; 0 for an unknown one. */
static inline uint32_t mcn_dtype_size(int dtype)
{
    switch (dtype) {
    case MCN_DT_FLOAT32: case MCN_DT_INT32: return 4;
    case MCN_DT_INT8: case MCN_DT_UINT8: return 1;
    case MCN_DT_INT16: return 2;
    case MCN_DT_INT64: return 8;
    default: return 0;
    }
}

#endif
