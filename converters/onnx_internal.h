/*
** onnx_internal.h: what the ONNX importer's files share (the public API is
** onnx_import.h).
**
** The importer walks the ONNX nodes in order and records, for every ONNX
** value name, what the name stands for:
**   - a constant, still in ONNX order (row-major, 4-D as NCHW); it becomes a
**     graph tensor only when an op takes it as weights, reordered then;
**   - an activation already in the graph (4-D stored NHWC), with its shape
**     in ONNX order beside it, since ONNX attributes speak in that order;
**   - an output we cannot provide (a Dropout mask, MaxPool indices): an
**     error, but only if something reads it.
** A node whose inputs are all constants is evaluated (onnx_fold) instead of
** translated.
**
** Where NHWC storage would reorder what an op must see (a reshape that
** regroups channels, a softmax over C), the op reads a transposed copy
** (onnx_layout.c). Rank-3 [N,C,L] values are stored as ONNX orders them,
** and may also have a channels-last twin [N,1,L,C] that 1-D convs, pools
** and elementwise ops use, so that chains of them stay transpose-free.
** Q/DQ and QLinear ops leave their scales on the float tensors; the graph
** becomes int8 once translated (onnx_qdq.c).
*/
#ifndef MCN_ONNX_INTERNAL_H
#define MCN_ONNX_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "graph.h"
#include "onnx/onnx.pb-c.h"
#include "onnx_import.h"

#define ONNX_MIN_OPSET 1
/* Opsets below this one go through onnx_legacy.c first. */
#define ONNX_LEGACY_OPSET 7
#define ONNX_MAX_OPSET 17
/* Elements in one constant; keeps size arithmetic far from overflow. */
#define ONNX_MAX_ELEMS ((int64_t)1 << 30)
/* Bytes a folded constant may take when it is larger than the node's
   inputs: what a few bytes can ask for (ConstantOfShape, Range, a
   broadcast). ONNX's "light" test networks build their weights so, up
   to VGG-19's fc6 of 102.8M floats (411 MB). */
#define ONNX_MAX_FOLD_BYTES ((int64_t)512 << 20)
/* Channels of a standalone 2-D per-channel scale (a diagonal fc). */
#define ONNX_MAX_DIAGONAL 4096

typedef struct {
    int rank;
    int64_t d[MCN_MAX_DIMS];
} onnx_shape;

/* How a DequantizeLinear (or a QLinear op's operand) quantized a constant:
   kept with the float values it produced so that an op can store the
   integers again exactly, after reordering the floats. */
typedef struct {
    int n;               /* 0: none; 1: per tensor; else per channel */
    int axis;            /* ONNX axis of the channels */
    float *scale;
    int32_t *zp;         /* in the int8 domain (a uint8 zero point - 128) */
} onnx_qparams;

typedef struct {
    bool is_int;         /* integer elements in i (shapes, indices, and
                            quantized data); else float32 in f */
    int dtype;           /* the ONNX data type it was read or made as */
    onnx_shape shape;
    int64_t n;           /* element count */
    float *f;
    int64_t *i;
    onnx_qparams q;      /* float data made by DequantizeLinear */
} onnx_const;

typedef enum { ONNX_VAL_CONST, ONNX_VAL_ACT, ONNX_VAL_UNUSABLE } onnx_val_kind;

typedef struct {
    char *name;
    onnx_val_kind kind;
    onnx_shape shape;    /* ONNX order, whatever the kind */
    onnx_const c;        /* CONST */
    int tensor;          /* ACT: the graph tensor */
    /* ACT: a 2-D [N, C*H*W] flattening of an NCHW tensor with H*W > 1.
       Stored from NHWC, its columns run in H,W,C order, which only a reader
       with constant weights (Gemm, MatMul) can absorb; chw[] = C, H, W. */
    bool chw_flat;
    int64_t chw[3];
    int chw_src;         /* chw_flat: the 4-D tensor it flattens */
    /* ACT of rank 3, [N,C,L]: -1, or a 4-D tensor [N,1,L,C] holding the
       same data channels-last, which 1-D convolutions and pools read and
       write, so that chains of them need no transposes. */
    int twin;
    int nat;             /* ACT of rank 4: -1, or its NCHW-ordered copy */
    /* ACT: the output of a constant-zero Pad of H and W only; a Conv that
       reads it may take the pads as its own and read pad_src instead. */
    int pad_src;
    int64_t pad4[4];     /* top, left, bottom, right */
    /* ACT holding an ONNX uint8/int8 value (QuantizeLinear's output): its
       tensor is the float it stands for, with the scale and zero point as
       the tensor's quantization. 0 for a float value. */
    int q_type;
    int origin;          /* index of the ONNX node that made it, or -1 */
} onnx_value;

/* Name -> value, open addressing; values are owned and never move. */
typedef struct {
    onnx_value **slot;
    size_t cap, count;
} onnx_values;

/* A graph node's name and the ONNX op it came from, for the pass log. */
typedef struct {
    char *node;
    const char *op_type;
} onnx_label;

typedef struct {
    graph *g;
    mcn_err *e;
    FILE *verbose;
    int opset;
    const Onnx__GraphProto *gp;
    onnx_values vals;
    const Onnx__NodeProto *node;   /* being translated; NULL outside nodes */
    int node_index;
    onnx_label *labels;
    int n_labels, cap_labels;
    bool quantized;   /* some tensor carries Q/DQ scales: onnx_qdq_finish */
    int64_t fold_inputs; /* elements of the folded node's largest input */
} onnx_ctx;

/* ---- onnx_values.c: the value table and constants ---- */
int onnx_values_init(onnx_values *vs, size_t hint);
void onnx_values_free(onnx_values *vs);
onnx_value *onnx_values_get(const onnx_values *vs, const char *name);
/* A new zeroed value (origin -1, tensor -1); NULL if the name is taken
   or memory runs out (*dup tells which). */
onnx_value *onnx_values_add(onnx_values *vs, const char *name, bool *dup);

int64_t onnx_shape_elems(const onnx_shape *s);
/* Zeroed data for a shape (dtype int64 or float); -1 when too large or
   out of memory. */
int onnx_const_alloc(onnx_const *k, bool is_int, const onnx_shape *s);
/* Copy scales and zero points (n of them) into k->q; -1 out of memory. */
int onnx_qparams_set(onnx_qparams *q, int n, int axis, const float *scale,
                     const int32_t *zp);
void onnx_qparams_free(onnx_qparams *q);
int onnx_const_copy(onnx_const *dst, const onnx_const *src);
void onnx_const_free(onnx_const *k);
double onnx_const_at(const onnx_const *k, int64_t idx);

/* ---- onnx_model.c: reading protobuf messages ---- */
const Onnx__AttributeProto *onnx_attr(const Onnx__NodeProto *n,
                                      const char *name);
/* Attribute readers return the default when absent, -1 on a wrong type. */
int onnx_attr_int(onnx_ctx *c, const char *name, int64_t def, int64_t *v);
int onnx_attr_float(onnx_ctx *c, const char *name, float def, float *v);
/* A list of ints: *count = -1 when absent; error past `max` entries. */
int onnx_attr_ints(onnx_ctx *c, const char *name, int64_t *v, int max,
                   int *count);
/* A string into buf; def when absent. */
int onnx_attr_string(onnx_ctx *c, const char *name, const char *def,
                     char *buf, size_t size);
/* An ONNX TensorProto data type's name ("int16"; "unknown"). */
const char *onnx_dtype_name(int dt);
/* TensorProto -> constant; why names the problem on failure. */
int onnx_tensor_decode(const Onnx__TensorProto *t, onnx_const *k,
                       char *why, size_t why_size);

/* ---- onnx_ctx.c: messages, inputs, outputs, graph nodes ---- */
const char *onnx_node_name(const Onnx__NodeProto *n);
/* "node 'NAME' (Op, opset N): ..." for the current node. */
int onnx_fail(onnx_ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void onnx_log(onnx_ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The error a reader of an unusable value gets. */
int onnx_fail_value(onnx_ctx *c, const onnx_value *v);

enum {
    ONNX_IN_OPTIONAL = 1,   /* absent (missing or "") gives NULL */
    ONNX_IN_CHW_FLAT = 2,   /* the reader copes with chw_flat values (any
                               other reader gets the value un-flattened) */
    ONNX_IN_QUANT = 4,      /* the reader copes with quantized values */
};
int onnx_input(onnx_ctx *c, int i, unsigned flags, onnx_value **v);
/* An activation of the given rank (0 = any). */
int onnx_input_act(onnx_ctx *c, int i, int rank, onnx_value **v);
/* Same, for ops that only move data: quantized values pass (see
   onnx_pass_quant). */
int onnx_input_data(onnx_ctx *c, int i, int rank, onnx_value **v);
/* A constant: want_int 0 = float32, 1 = integer, -1 = either. */
int onnx_input_const(onnx_ctx *c, int i, unsigned flags, int want_int,
                     onnx_value **v);
/* A list of at most max integers from a constant input (absent: *n = -1). */
int onnx_input_ints(onnx_ctx *c, int i, int64_t *v, int max, int *n);

/* Define output i of the current node. Absent outputs are ignored. */
int onnx_output_act(onnx_ctx *c, int i, const onnx_shape *s,
                    onnx_value **out);
int onnx_output_const(onnx_ctx *c, int i, onnx_const *k);  /* takes k */
int onnx_output_alias(onnx_ctx *c, int i, const onnx_value *src);
/* An output the translation cannot provide: an error for its readers. */
int onnx_output_unusable(onnx_ctx *c, int i);
/* out (an output of an op that only moves data) stays quantized like x. */
void onnx_pass_quant(onnx_value *out, const onnx_value *x);

/* A graph node for the current ONNX node; suffix (may be NULL) is added
   to its name. Returns the node index. */
int onnx_add_node(onnx_ctx *c, mcn_opcode op, const char *suffix);
/* A float32 graph constant. Returns the tensor index. */
int onnx_add_weights(onnx_ctx *c, const char *name, int rank,
                     const int32_t *shape, const float *data);
/* The constant's Q/DQ scales onto graph tensor t, channels on stored
   axis `axis` (ignored per tensor). */
int onnx_weights_quant(onnx_ctx *c, int t, const onnx_const *k, int axis);
/* An activation tensor that no ONNX name refers to (between the graph
   nodes one ONNX node becomes); rank and shape as the graph stores it. */
int onnx_add_temp(onnx_ctx *c, const char *suffix, const onnx_shape *s);
int onnx_add_temp_raw(onnx_ctx *c, const char *suffix, int rank,
                      const int32_t *shape);
/* Inputs (-1 = none) and the output of graph node `node`. */
int onnx_link(onnx_ctx *c, int node, int in0, int in1, int in2, int out);

/* ---- onnx_shapes.c ---- */
/* The graph's shape for an ONNX shape: 4-D NCHW -> NHWC; -1 if a dim does
   not fit in int32. */
int onnx_graph_shape(const onnx_shape *s, int32_t *out);
/* Whether NHWC storage holds the elements in ONNX (row-major) order. */
bool onnx_is_natural(const onnx_shape *s);
bool onnx_shape_eq(const onnx_shape *a, const onnx_shape *b);
const char *onnx_shape_str(const onnx_shape *s, char *buf, size_t size);
int onnx_broadcast(const onnx_shape *a, const onnx_shape *b, onnx_shape *out);
/* Whether k, right-aligned against x (NumPy broadcasting), varies along
   x's axis 1 (channels) at most: a per-channel scale or offset. */
bool onnx_per_channel(const onnx_shape *x, const onnx_shape *k);
int onnx_axis(onnx_ctx *c, int64_t axis, int rank, const char *what,
              int *out);

typedef enum {
    ONNX_PAD_NOTSET, ONNX_PAD_VALID, ONNX_PAD_SAME_UPPER, ONNX_PAD_SAME_LOWER
} onnx_auto_pad;
int onnx_auto_pad_parse(onnx_ctx *c, onnx_auto_pad *ap);

/* One spatial axis of a sliding window. in, k, stride, dil, and for
   NOTSET pad0/pad1, are inputs; out and the pads are resolved. */
typedef struct {
    int64_t in, k, stride, dil, pad0, pad1, out;
} onnx_window;
int onnx_window_resolve(onnx_window *w, onnx_auto_pad ap, bool ceil_mode);

/* Shape transforms shared by folding and activation reshapes. */
int onnx_reshape_target(onnx_ctx *c, const onnx_shape *in,
                        const onnx_const *target, bool allowzero,
                        onnx_shape *out);
int onnx_flatten_shape(onnx_ctx *c, const onnx_shape *in, int64_t axis,
                       onnx_shape *out);
/* axes from the attribute (opset < 13) or input 1 (opset >= 13). */
int onnx_squeeze_shape(onnx_ctx *c, const onnx_shape *in, bool unsqueeze,
                       onnx_shape *out);

/* ---- onnx_window.c: the 2-D window of convs and pools ---- */
/* H and W; a 1-D window (nd 1) is H = 1 over W = L. */
typedef struct {
    onnx_window w[2];
    onnx_auto_pad ap;
    int nd;
} onnx_spatial;
/* Strides, dilations, pads and auto_pad around kernel k[nd] over the
   spatial dims in[nd] (ONNX attributes name nd values). */
int onnx_read_spatial(onnx_ctx *c, int nd, const int64_t *in,
                      const int64_t *k, bool dilations_ok, onnx_spatial *sp);
int onnx_resolve_spatial(onnx_ctx *c, onnx_spatial *sp, bool ceil_mode);
void onnx_set_window(graph_node *n, const onnx_spatial *sp);
/* x, if it is the output of a zero Pad of H and W that the window can
   take as its own padding (resolved over the padded size): the tensor to
   read instead, with sp's pads grown; else x's own tensor. */
/* The graph's padding rule for a resolved window (mcn-nas recomputes
   SAME and VALID pads at a new input size; explicit pads stay). */
void onnx_set_padding(graph_node *n, const onnx_spatial *sp);
int onnx_absorb_pad(onnx_ctx *c, const onnx_value *x, onnx_spatial *sp);
/* kernel_shape (nd values), checked against k when given. */
int onnx_kernel_shape(onnx_ctx *c, int nd, const int64_t *k,
                      const char *what);

/* ---- onnx_layout.c: the stored (NHWC) layout ---- */
/* Stored axis of ONNX axis a of a rank-r tensor, and back. */
int onnx_stored_axis(int rank, int a);
int onnx_source_axis(int rank, int s);
/* The graph's permutation of a Transpose with ONNX perm p over an input
   of rank r: stored output axis s is stored input axis q[s]. */
void onnx_stored_perm(int rank, const int64_t *p, int32_t *q);
/* A float constant as a graph tensor, in the stored layout of its shape
   padded with leading 1s to `rank` (0: its own rank); strip_ones drops
   the leading 1s of the stored shape again (a [C] PRelu slope). */
int onnx_const_tensor(onnx_ctx *c, const onnx_value *k, int rank,
                      bool strip_ones);
/* A TRANSPOSE node: out = in with stored perm q (rank of in). */
int onnx_emit_transpose(onnx_ctx *c, const char *suffix, int in,
                        const int32_t *q, int out);
/* A RESHAPE node in -> out. */
int onnx_emit_reshape_node(onnx_ctx *c, const char *suffix, int in, int out);
/* A tensor holding v's elements in ONNX order (shaped as ONNX says when
   it has to be transposed): v's own tensor, or a TRANSPOSE of it. */
int onnx_natural(onnx_ctx *c, onnx_value *v);
/* A graph tensor with the stored layout of shape s (padded to `rank`)
   from a tensor `nat` holding its elements in ONNX order: written into
   `out` when out >= 0, else a new temp (or nat itself if it fits). */
int onnx_from_natural(onnx_ctx *c, int nat, const onnx_shape *s, int rank,
                      const char *suffix, int out);
/* x reshaped to `target` as output 0 (RESHAPE, transposes where NHWC
   storage reorders, a flat [N, C*H*W] kept for weight readers). */
int onnx_emit_reshape(onnx_ctx *c, onnx_value *x, const onnx_shape *target);
/* Rank-3 values: the [N,1,L,C] twin (made on first use). */
int onnx_twin(onnx_ctx *c, onnx_value *v);
/* Output i of rank-3 shape s whose data a node has written, channels-last,
   into 4-D tensor `twin`; the plain [N,C,L] tensor is derived from it. */
int onnx_output_twin(onnx_ctx *c, int i, const onnx_shape *s, int twin,
                     onnx_value **out);
/* Where an op that keeps the channels-last layout reads and writes: x's
   twin and a twin-shaped temp when x has a twin and y is rank 3 too,
   else x's tensor and output 0. onnx_like_end defines output 0. */
typedef struct {
    int in, out;
    bool twin;
    onnx_shape ys;
    onnx_value *v;
} onnx_like;
int onnx_like_begin(onnx_ctx *c, const onnx_value *x, const onnx_shape *ys,
                    onnx_like *l);
int onnx_like_end(onnx_ctx *c, onnx_like *l, onnx_value **out);
/* Un-flatten a chw_flat value for a reader that needs NCHW order. */
int onnx_unflatten(onnx_ctx *c, onnx_value *v);

/* ---- onnx_ops_*.c: translation ---- */
typedef int (*onnx_op_fn)(onnx_ctx *c);
onnx_op_fn onnx_op_lookup(const char *op_type);
int onnx_op_conv(onnx_ctx *c);
int onnx_op_conv_transpose(onnx_ctx *c);
int onnx_op_maxpool(onnx_ctx *c);
int onnx_op_avgpool(onnx_ctx *c);
int onnx_op_global_avgpool(onnx_ctx *c);
int onnx_op_global_maxpool(onnx_ctx *c);
int onnx_op_reduce_mean(onnx_ctx *c);
int onnx_op_gemm(onnx_ctx *c);
int onnx_op_matmul(onnx_ctx *c);
int onnx_op_batchnorm(onnx_ctx *c);
int onnx_op_arith(onnx_ctx *c);
int onnx_op_sum(onnx_ctx *c);
int onnx_op_flatten(onnx_ctx *c);
int onnx_op_reshape(onnx_ctx *c);
int onnx_op_squeeze(onnx_ctx *c);
int onnx_op_transpose(onnx_ctx *c);
int onnx_op_softmax(onnx_ctx *c);
int onnx_op_concat(onnx_ctx *c);
int onnx_op_pad(onnx_ctx *c);
int onnx_op_resize(onnx_ctx *c);
int onnx_op_unary(onnx_ctx *c);
int onnx_op_prelu(onnx_ctx *c);
int onnx_op_quantize(onnx_ctx *c);
int onnx_op_dequantize(onnx_ctx *c);
int onnx_op_qlinear_conv(onnx_ctx *c);
int onnx_op_qlinear_matmul(onnx_ctx *c);

/* Conv and MatMul on given operands (QLinearConv and QLinearMatMul pass
   dequantized weights); output 0 is defined. */
int onnx_conv_with(onnx_ctx *c, onnx_value *x, const onnx_value *w,
                   const onnx_value *b);
/* Bias b (NULL: zeros) of m channels as a graph constant. */
int onnx_conv_bias(onnx_ctx *c, const onnx_value *b, int64_t m);
int onnx_matmul_with(onnx_ctx *c, onnx_value *a, const onnx_value *b);
/* y[:, ch, ...] = x[:, ch, ...] * scale[ch] + bias[ch] as one graph node
   that gpass_fold_affine can fold into the producer of x. */
int onnx_emit_affine(onnx_ctx *c, onnx_value *x, const float *scale,
                     const float *bias);
/* A node applying op to each element of x, as output 0 (through x's
   twin when it has one). Returns the node index, for its attributes. */
int onnx_emit_unary(onnx_ctx *c, onnx_value *x, mcn_opcode op);

/* ---- onnx_legacy.c: opsets below ONNX_LEGACY_OPSET ---- */
/* Check the current node's old definition: refuse it, or rewrite it into
   its opset-7 form and translate that (*done), or leave it as it is. */
int onnx_legacy_node(onnx_ctx *c, bool *done);

/* ---- onnx_const_fold.c ---- */
/* Evaluate the current node when it is foldable and its inputs constant;
   *done tells whether it was. */
int onnx_fold(onnx_ctx *c, bool *done);
/* Element strides of `in` read through a broadcast to `out` (0 = repeat). */
void onnx_bcast_strides(const onnx_shape *in, const onnx_shape *out,
                        int64_t *st);
/* Elements a folded result may have: as many as the node's largest
   input, or ONNX_MAX_FOLD_BYTES of them. */
int64_t onnx_fold_limit(const onnx_ctx *c, bool is_int);
/* A folded op's result, refused in one line before anything is
   allocated when it would pass onnx_fold_limit. */
int onnx_fold_alloc(onnx_ctx *c, onnx_const *out, bool is_int,
                    const onnx_shape *s);
/* One folded op: its result into *out (onnx_fold_*.c). */
typedef int (*onnx_fold_fn)(onnx_ctx *c, onnx_const *out);
int onnx_fold_shape(onnx_ctx *c, onnx_const *out);
int onnx_fold_gather(onnx_ctx *c, onnx_const *out);
int onnx_fold_concat(onnx_ctx *c, onnx_const *out);
int onnx_fold_constant_of_shape(onnx_ctx *c, onnx_const *out);
int onnx_fold_slice(onnx_ctx *c, onnx_const *out);
/* Slice's starts/ends/axes/steps (attributes before opset 10, inputs
   after) resolved against `in` as ONNX does: per axis the first index and
   the step, and the result's shape. */
int onnx_slice_bounds(onnx_ctx *c, const onnx_shape *in, int64_t *start,
                      int64_t *step, onnx_shape *out);
int onnx_op_slice(onnx_ctx *c);
int onnx_fold_range(onnx_ctx *c, onnx_const *out);
int onnx_fold_equal(onnx_ctx *c, onnx_const *out);
int onnx_fold_where(onnx_ctx *c, onnx_const *out);
int onnx_fold_expand(onnx_ctx *c, onnx_const *out);
int onnx_fold_quantize(onnx_ctx *c, onnx_const *out);
int onnx_fold_dequantize(onnx_ctx *c, onnx_const *out);
int onnx_fold_matmul(onnx_ctx *c, onnx_const *out);
int onnx_fold_unary(onnx_ctx *c, onnx_const *out);

/* ---- onnx_quant.c: scales and zero points ---- */
/* A scale/zero point input pair, per tensor (max 1) or per axis; the
   zero points come back in the int8 domain. *type: in, the type when
   there is no zero point; out, the zero point's ONNX type (UINT8, INT8
   or INT32). q->axis is left 0 for the caller. */
int onnx_read_qparams(onnx_ctx *c, int si, int zi, int64_t max,
                      onnx_qparams *q, int *type);
/* Quantization of activation value v's tensor: set it, or check it. */
int onnx_quant_act(onnx_ctx *c, onnx_value *v, const onnx_qparams *q,
                   int type);
/* Dequantize an integer constant: float values with k->q set. */
int onnx_dequant_const(onnx_ctx *c, const onnx_const *x,
                       const onnx_qparams *q, int type, onnx_const *out);

/* ---- onnx_qdq.c, onnx_edge.c: passes after translation ---- */
/* Tensors carrying Q/DQ scales become int8 (weights int8 per channel,
   biases int32); float nodes between them get DEQUANTIZE/QUANTIZE. */
int onnx_qdq_finish(onnx_ctx *c);
/* Constants of int8 node `node` (onnx_qdq_const.c): weights int8 per
   channel along `axis`, bias int32 at s_in * s_w, others int8. */
int onnx_qdq_weights(onnx_ctx *c, int node, int t, int axis);
int onnx_qdq_bias(onnx_ctx *c, int node, int t);
int onnx_qdq_const(onnx_ctx *c, int t);
/* A 4-D input read only through a Transpose to NHWC becomes an NHWC
   input (and a Transpose before an output likewise). */
int onnx_edge_transposes(onnx_ctx *c);

#endif
