/*
** tflite_internal.h: what the TFLite importer's files share (the public
** API is tflite_import.h).
**
** Two passes. tflite_model.c walks the flatbuffer once, bounds-checking
** every object the importer uses, and records positions in a tfl_model;
** nothing after it reads the file except through those positions (option
** tables are checked field by field as they are read). tflite_import.c and
** the op files then translate the operators in order, turning TFLite
** tensors into graph tensors the first time something uses them, so
** tensors only an ignored input refers to (RESHAPE's shape) never appear.
*/
#ifndef MCN_TFLITE_INTERNAL_H
#define MCN_TFLITE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "graph.h"
#include "tflite_import.h"

/* TensorType values the importer maps (INT64 only as constant axes and
   paddings). */
enum { TFL_FLOAT32 = 0, TFL_INT32 = 2, TFL_INT64 = 4, TFL_INT8 = 9 };

/* BuiltinOperator codes named in the importer's code. */
enum {
    TFL_OP_ADD = 0, TFL_OP_AVERAGE_POOL_2D = 1, TFL_OP_CONCATENATION = 2,
    TFL_OP_CONV_2D = 3, TFL_OP_DEPTHWISE_CONV_2D = 4, TFL_OP_DEQUANTIZE = 6,
    TFL_OP_FULLY_CONNECTED = 9, TFL_OP_LOGISTIC = 14, TFL_OP_MAX_POOL_2D = 17,
    TFL_OP_MUL = 18, TFL_OP_RELU = 19, TFL_OP_RELU_N1_TO_1 = 20,
    TFL_OP_RELU6 = 21, TFL_OP_RESHAPE = 22, TFL_OP_SOFTMAX = 25,
    TFL_OP_TANH = 28, TFL_OP_CUSTOM = 32, TFL_OP_PAD = 34, TFL_OP_MEAN = 40,
    TFL_OP_SQUEEZE = 43, TFL_OP_PADV2 = 60, TFL_OP_LEAKY_RELU = 98,
    TFL_OP_QUANTIZE = 114, TFL_OP_HARD_SWISH = 117,
    TFL_OP_RESIZE_BILINEAR = 23, TFL_OP_RESIZE_NEAREST_NEIGHBOR = 97,
    TFL_OP_TRANSPOSE = 39, TFL_OP_STRIDED_SLICE = 45, TFL_OP_SLICE = 65,
    TFL_OP_TRANSPOSE_CONV = 67,
    TFL_OP_SUB = 41, TFL_OP_DIV = 42, TFL_OP_LOG_SOFTMAX = 50,
    TFL_OP_PRELU = 54, TFL_OP_ELU = 111
};
/* Operators that run another subgraph (tflite_subgraphs.c). */
enum { TFL_OP_CALL = 31, TFL_OP_IF = 118, TFL_OP_WHILE = 119,
       TFL_OP_CALL_ONCE = 129 };

/* BuiltinOptions union member numbers (0 = none). */
enum {
    TFL_OPT_CONV2D = 1, TFL_OPT_DEPTHWISE_CONV2D = 2, TFL_OPT_POOL2D = 5,
    TFL_OPT_FULLY_CONNECTED = 8, TFL_OPT_SOFTMAX = 9,
    TFL_OPT_CONCATENATION = 10, TFL_OPT_ADD = 11, TFL_OPT_RESHAPE = 17,
    TFL_OPT_MUL = 21, TFL_OPT_REDUCER = 27, TFL_OPT_SQUEEZE = 30,
    TFL_OPT_LEAKY_RELU = 75,
    TFL_OPT_RESIZE_BILINEAR = 15, TFL_OPT_RESIZE_NEAREST_NEIGHBOR = 74,
    TFL_OPT_TRANSPOSE = 26, TFL_OPT_STRIDED_SLICE = 32, TFL_OPT_SLICE = 48,
    TFL_OPT_TRANSPOSE_CONV = 49,
    TFL_OPT_SUB = 28, TFL_OPT_DIV = 29
};
enum { TFL_OPT_CALL = 16, TFL_OPT_IF = 92, TFL_OPT_WHILE = 93,
       TFL_OPT_CALL_ONCE = 103 };

/* Field ids (vtable slots) in schemas/tflite.fbs; a union takes two. */
enum { TFL_MODEL_VERSION, TFL_MODEL_OPERATOR_CODES, TFL_MODEL_SUBGRAPHS,
       TFL_MODEL_DESCRIPTION, TFL_MODEL_BUFFERS };
enum { TFL_OPCODE_DEPRECATED_BUILTIN_CODE, TFL_OPCODE_CUSTOM_CODE,
       TFL_OPCODE_VERSION, TFL_OPCODE_BUILTIN_CODE };
enum { TFL_SUBGRAPH_TENSORS, TFL_SUBGRAPH_INPUTS, TFL_SUBGRAPH_OUTPUTS,
       TFL_SUBGRAPH_OPERATORS, TFL_SUBGRAPH_NAME };
enum { TFL_TENSOR_SHAPE, TFL_TENSOR_TYPE, TFL_TENSOR_BUFFER, TFL_TENSOR_NAME,
       TFL_TENSOR_QUANTIZATION, TFL_TENSOR_IS_VARIABLE, TFL_TENSOR_SPARSITY };
enum { TFL_QUANT_MIN, TFL_QUANT_MAX, TFL_QUANT_SCALE, TFL_QUANT_ZERO_POINT,
       TFL_QUANT_DETAILS_TYPE, TFL_QUANT_DETAILS,
       TFL_QUANT_QUANTIZED_DIMENSION };
enum { TFL_BUFFER_DATA, TFL_BUFFER_OFFSET, TFL_BUFFER_SIZE };
enum { TFL_OPERATOR_OPCODE_INDEX, TFL_OPERATOR_INPUTS, TFL_OPERATOR_OUTPUTS,
       TFL_OPERATOR_BUILTIN_OPTIONS_TYPE, TFL_OPERATOR_BUILTIN_OPTIONS };
/* Option tables. */
enum { TFL_CONV_PADDING, TFL_CONV_STRIDE_W, TFL_CONV_STRIDE_H,
       TFL_CONV_ACTIVATION, TFL_CONV_DILATION_W, TFL_CONV_DILATION_H };
enum { TFL_DW_PADDING, TFL_DW_STRIDE_W, TFL_DW_STRIDE_H,
       TFL_DW_DEPTH_MULTIPLIER, TFL_DW_ACTIVATION, TFL_DW_DILATION_W,
       TFL_DW_DILATION_H };
enum { TFL_POOL_PADDING, TFL_POOL_STRIDE_W, TFL_POOL_STRIDE_H,
       TFL_POOL_FILTER_W, TFL_POOL_FILTER_H, TFL_POOL_ACTIVATION };
enum { TFL_FC_ACTIVATION, TFL_FC_WEIGHTS_FORMAT, TFL_FC_KEEP_NUM_DIMS };
enum { TFL_SOFTMAX_BETA };
enum { TFL_ADD_ACTIVATION };
enum { TFL_MUL_ACTIVATION };
enum { TFL_SUB_ACTIVATION, TFL_SUB_POT_SCALE_INT16 };
enum { TFL_DIV_ACTIVATION };
enum { TFL_CONCAT_AXIS, TFL_CONCAT_ACTIVATION };
enum { TFL_REDUCER_KEEP_DIMS };
enum { TFL_LEAKY_RELU_ALPHA };
/* The subgraph indices in CallOptions, IfOptions, WhileOptions and
   CallOnceOptions, in field order. */
enum { TFL_CALL_SUBGRAPH };
enum { TFL_IF_THEN_SUBGRAPH, TFL_IF_ELSE_SUBGRAPH };
enum { TFL_WHILE_COND_SUBGRAPH, TFL_WHILE_BODY_SUBGRAPH };
enum { TFL_CALL_ONCE_INIT_SUBGRAPH };
/* ResizeBilinearOptions starts with two deprecated fields. */
enum { TFL_BILINEAR_ALIGN_CORNERS = 2, TFL_BILINEAR_HALF_PIXEL_CENTERS };
enum { TFL_NEAREST_ALIGN_CORNERS, TFL_NEAREST_HALF_PIXEL_CENTERS };
enum { TFL_SS_BEGIN_MASK, TFL_SS_END_MASK, TFL_SS_ELLIPSIS_MASK,
       TFL_SS_NEW_AXIS_MASK, TFL_SS_SHRINK_AXIS_MASK, TFL_SS_OFFSET };
enum { TFL_TCONV_PADDING, TFL_TCONV_STRIDE_W, TFL_TCONV_STRIDE_H,
       TFL_TCONV_ACTIVATION };
/* The Padding enum of the window options. */
enum { TFL_PAD_SAME = 0, TFL_PAD_VALID = 1 };

typedef struct {
    const char *name;        /* "" when the file has none */
    int8_t type;             /* TensorType */
    uint32_t rank;           /* as stored; may exceed MCN_MAX_DIMS */
    uint32_t shape;          /* position of the int32 dims */
    uint32_t n_scale, scale; /* float32 scales */
    uint32_t n_zp, zp;       /* int64 zero points */
    int32_t qdim;            /* quantized_dimension */
    bool custom_quant;       /* QuantizationDetails set: not supported */
    bool variable, sparse;
    const uint8_t *data;     /* constant contents, NULL for activations */
    uint32_t nbytes;
    bool external;           /* data stored outside the flatbuffer */
} tfl_tensor;

typedef struct {
    int32_t code;            /* tflite_builtin_code */
    const char *custom;      /* custom_code, or NULL */
} tfl_opcode;

typedef struct {
    uint32_t opcode;         /* index into tfl_model.codes, checked */
    uint32_t n_in, in;       /* int32 tensor indices (-1 = absent) */
    uint32_t n_out, out;
    uint8_t opt_type;        /* BuiltinOptions member, 0 = none */
    uint32_t opt;            /* the options table (checked), or 0 */
} tfl_op;

typedef struct {
    const uint8_t *b;
    uint32_t size;
    const char *description; /* or NULL */
    tfl_opcode *codes;
    uint32_t n_codes;
    tfl_tensor *tensors;
    uint32_t n_tensors;
    tfl_op *ops;
    uint32_t n_ops;
    uint32_t n_inputs, inputs, n_outputs, outputs;
    uint32_t n_subgraphs;    /* subgraph 0 is the model */
    const char **subgraph_names;   /* "" when the file has none */
} tfl_model;

/* Check and index the flatbuffer (tflite_model.c). Every tensor index in
   the model is checked to be in range (or -1 where optional). */
int tfl_model_read(tfl_model *m, const uint8_t *b, size_t len, mcn_err *e);
void tfl_model_free(tfl_model *m);
/* Element i of a checked int32 vector. */
int32_t tfl_i32_at(const tfl_model *m, uint32_t vec, uint32_t i);

/* The translation state (tflite_import.c). */
typedef struct {
    const tfl_model *m;
    graph *g;
    mcn_err *e;
    bool float_model;        /* float inputs: float graph */
    int *gt;                 /* TFLite tensor -> graph tensor, -1 = not yet */
    bool *written;           /* a model input, or an earlier op's output */
    int32_t *edge;           /* TFLite tensor -> the int8 tensor that stands
                                for it at the model's edge, -1 = itself */
    bool *folded;            /* operator folded into the edge: skipped */
    int op;                  /* the operator being translated */
    const tfl_op *o;
    char opname[96];         /* its name for messages */
} tfl_ctx;

/* The graph tensor for TFLite tensor i, made on first use (tflite_
   tensors.c); -1 with the reason in why ("has type UINT8 ..."). */
int tfl_graph_tensor(tfl_ctx *c, uint32_t i, char *why, size_t n_why);
/* The same; bias: the tensor is an operator's bias, whose quantization
   TFLM never reads (tflite_quant.c). */
int tfl_graph_tensor_as(tfl_ctx *c, uint32_t i, bool bias, char *why,
                        size_t n_why);

/* A tensor's quantization as TFLM reads it (tflite_quant.c): n scales
   (0: not quantized) along axis; -1 with the reason in why. Free with
   tfl_quant_free, also after a failure. */
typedef struct {
    int n, axis;
    float *scale;
    int32_t *zp;
} tfl_quant;
int tfl_read_quant(const tfl_model *m, const tfl_tensor *t, bool bias,
                   int rank, const int32_t *shape, tfl_quant *q, char *why,
                   size_t n_why);
void tfl_quant_free(tfl_quant *q);

/* TFLite tensor type name ("FLOAT32"), for messages. */
const char *tfl_type_name(int8_t type);

/* "operator N (NAME): ..." */
int tfl_fail(tfl_ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Input i of the current operator as a graph tensor (*t), made on first
   use. TFL_IN_OPTIONAL: *t = -1 when absent. TFL_IN_CONST: must be a
   constant; TFL_IN_ACT: must be an activation already written;
   TFL_IN_BIAS: an operator's bias (its quantization is TFLM's to ignore). */
enum { TFL_IN_OPTIONAL = 1, TFL_IN_CONST = 2, TFL_IN_ACT = 4,
       TFL_IN_BIAS = 8 };
int tfl_input(tfl_ctx *c, uint32_t i, int flags, int *t);
/* The file's tensor behind input i, or NULL when it is absent. */
const tfl_tensor *tfl_in_tensor(const tfl_ctx *c, uint32_t i);
/* Output i: an activation nobody has written yet; marks it written. */
int tfl_output(tfl_ctx *c, uint32_t i, int *t);
/* A node named after its first output, reading `ins` (n_in of them). */
int tfl_node(tfl_ctx *c, mcn_opcode op, const int *ins, int n_in, int out);

/* The options table, when it is of `type` (absent: *present = false). */
int tfl_options(tfl_ctx *c, uint8_t type, bool required, bool *present);
/* Option fields, each bounds-checked before it is read. */
int tfl_opt_u8(tfl_ctx *c, int id, uint8_t dflt, uint8_t *v);
int tfl_opt_i32(tfl_ctx *c, int id, int32_t dflt, int32_t *v);
int tfl_opt_f32(tfl_ctx *c, int id, float dflt, float *v);
/* A fused ActivationFunctionType into the node's activation. */
int tfl_fused_act(tfl_ctx *c, uint8_t code, graph_node *n);

/* Input i as constant integers (INT32 or INT64), read from the file
   without making a graph tensor: at most cap of them into v, the count in
   *n, the tensor in *t. A tensor with no elements counts as a constant
   (TFLite stores it without data). */
int tfl_const_ints(tfl_ctx *c, uint32_t i, const char *what, int64_t *v,
                   uint32_t cap, uint32_t *n, const tfl_tensor **t);

/* "[1,49,10,1]" */
void tfl_shape_str(const graph_tensor *t, char *s, size_t n);
/* The file's output tensor y must have the shape the op computes from
   input x (tflite_ops_shape.c); a message saying both if not. */
int tfl_output_is(tfl_ctx *c, int x, int y, int rank, const int32_t *want);
/* A new graph tensor of `shape` with y's dtype, quantization and layout,
   named "Y/suffix": a step on the way to y. */
int tfl_tensor_like(tfl_ctx *c, int y, int rank, const int32_t *shape,
                    const char *suffix);
bool tfl_same_shape(const graph_tensor *a, const graph_tensor *b);

/* The model's edge (tflite_edge.c). A QUANTIZE whose input is a float
   model input nothing else reads, and a DEQUANTIZE whose output is a
   float model output nothing reads, are folded: the int8 tensor becomes
   the model's input or output and the tools quantize at the edge. Fills
   c->edge and c->folded; float_model follows from the folded inputs. */
void tfl_fold_edges(tfl_ctx *c);
/* TFLite tensor idx, or its int8 stand-in at the edge. */
int32_t tfl_edge_tensor(const tfl_ctx *c, int32_t idx);

/* An operator that runs another subgraph (CALL, IF, WHILE, CALL_ONCE)
   is refused naming the subgraphs (tflite_subgraphs.c); 0 for any other
   operator. */
int tfl_check_subgraph_call(tfl_ctx *c);

/* The translator of a builtin code, or NULL (tflite_ops.c). */
typedef int (*tfl_op_fn)(tfl_ctx *c);
tfl_op_fn tfl_op_lookup(int32_t code);

/* Translators (tflite_ops_conv.c, tflite_ops_shape.c, tflite_edge.c). */
int tfl_op_conv(tfl_ctx *c);
int tfl_op_depthwise(tfl_ctx *c);
int tfl_op_fc(tfl_ctx *c);
int tfl_op_avgpool(tfl_ctx *c);
int tfl_op_maxpool(tfl_ctx *c);
int tfl_op_concat(tfl_ctx *c);
int tfl_op_pad(tfl_ctx *c);
int tfl_op_mean(tfl_ctx *c);
int tfl_op_quantize(tfl_ctx *c);
int tfl_op_dequantize(tfl_ctx *c);
/* tflite_ops_resize.c */
int tfl_op_resize_bilinear(tfl_ctx *c);
int tfl_op_resize_nearest(tfl_ctx *c);
/* tflite_ops_slice.c */
int tfl_op_transpose(tfl_ctx *c);
int tfl_op_slice(tfl_ctx *c);
int tfl_op_strided_slice(tfl_ctx *c);
int tfl_op_transpose_conv(tfl_ctx *c);   /* tflite_ops_tconv.c */

#endif
