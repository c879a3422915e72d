/*
** onnx_export_internal.h: what onnx_export.c (the model, names,
** initializers, layout), onnx_export_ops.c (one writer per op) and
** onnx_export_qdq.c (an int8 graph's QuantizeLinear/DequantizeLinear)
** share.
**
** Every graph tensor has one ONNX value, name[t], holding it in ONNX
** order: a 4-D tensor (NHWC in the graph) as NCHW, any other as stored.
** An int8 activation's value is int8 (the op writers see it through a
** DequantizeLinear, onnx_export_qdq.c), a quantized constant's is the
** float its DequantizeLinear makes of the int8 or int32 initializer.
** An op that must see the stored element order (a reshape, a matmul over
** the last stored axis) reads ox_stored(), a transposed copy made once.
** Everything the protobuf points to is allocated through ox_alloc and
** freed together when the export ends.
*/
#ifndef MCN_ONNX_EXPORT_INTERNAL_H
#define MCN_ONNX_EXPORT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "graph.h"
#include "onnx/onnx.pb-c.h"

typedef struct {
    const graph *g;
    mcn_err *e;
    void **own;
    size_t n_own, cap_own;
    Onnx__NodeProto **nodes;
    size_t n_nodes, cap_nodes;
    Onnx__TensorProto **inits;
    size_t n_inits, cap_inits;
    char **name;      /* per tensor: its value in ONNX order */
    char **nhwc;      /* per 4-D tensor: its copy in stored order, once made */
    char **wide;      /* per tensor: its 4-D NCHW broadcast form, once made */
    char **dq;        /* per int8 activation: its DequantizeLinear, once */
    bool *made;       /* per constant: its initializer is written */
    int n_temps;
    int node;         /* the graph node being written, -1 outside */
} ox_ctx;

/* ---- onnx_export.c ---- */
int ox_fail(ox_ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Zeroed memory freed with the context; NULL (error set) when out. */
void *ox_alloc(ox_ctx *c, size_t n);
char *ox_str(ox_ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* A fresh value name derived from tensor t's: "NAME/ROLE_K". */
char *ox_temp(ox_ctx *c, int t, const char *role);

/* Append a node reading in[0..n_in) (NULL: an absent optional input)
   and writing out. */
Onnx__NodeProto *ox_node(ox_ctx *c, const char *op, const char *const *in,
                         int n_in, const char *out);
int ox_attr_int(ox_ctx *c, Onnx__NodeProto *n, const char *name, int64_t v);
int ox_attr_ints(ox_ctx *c, Onnx__NodeProto *n, const char *name,
                 const int64_t *v, int count);
int ox_attr_float(ox_ctx *c, Onnx__NodeProto *n, const char *name, float v);
int ox_attr_string(ox_ctx *c, Onnx__NodeProto *n, const char *name,
                   const char *v);

/* Initializers; they return the name given, NULL on failure. dtype is
   ONNX's (FLOAT, INT8, INT32 or INT64), data in that type. */
const char *ox_init_typed(ox_ctx *c, const char *name, int dtype, int rank,
                          const int64_t *dims, const void *data);
const char *ox_init_float(ox_ctx *c, const char *name, int rank,
                          const int64_t *dims, const float *data);
const char *ox_init_ints(ox_ctx *c, const char *name, int count,
                         const int64_t *v);
/* A rank-0 float, named after tensor t. */
const char *ox_scalar(ox_ctx *c, int t, const char *role, float v);

/* dst axis j is src axis perm[j], for a 4-D array of elem-byte values. */
void ox_permute4(const void *src, size_t elem, const int64_t s[4],
                 const int perm[4], void *dst);
/* Constant t as an initializer under its name, once: its data seen as
   the 4-D array s (its shape with ones in front), permuted by perm, the
   last `rank` axes kept. Quantized (int8 weights, int32 bias), it is
   read through a DequantizeLinear whose per-channel axis follows the
   permutation. Returns the value to read. */
const char *ox_const(ox_ctx *c, int t, const int64_t s[4], const int perm[4],
                     int rank);
/* The ONNX-order dims of tensor t (4-D: N,C,H,W). */
void ox_dims(const graph_tensor *t, int64_t *d);
/* The ONNX axis of stored axis s of a rank-`rank` tensor, and back. */
int ox_onnx_axis(int rank, int s);
int ox_stored_axis(int rank, int a);

/* Tensor t in ONNX order (a constant becomes an initializer). */
const char *ox_in(ox_ctx *c, int t);
/* Tensor t in stored order and shape. */
const char *ox_stored(ox_ctx *c, int t);
/* A value whose elements, read flat, come in t's stored order. */
const char *ox_flat(ox_ctx *c, int t);
/* Reshape `in` to dims into `out` (the shape named after tensor t). */
const char *ox_reshape(ox_ctx *c, int t, const char *in, int rank,
                       const int64_t *dims, const char *out);
/* Tensor t broadcast as a 4-D NCHW operand (its stored shape with ones
   in front, then transposed), for an elementwise op of rank 4. */
const char *ox_wide(ox_ctx *c, int t);
/* Where an op writes tensor t computed in stored order, and the
   transpose into name[t] after (nothing for a tensor not 4-D). */
const char *ox_stored_out(ox_ctx *c, int t);
int ox_stored_done(ox_ctx *c, int t, const char *s);
/* Whether t's NCHW value holds its elements in stored order (C or H*W
   is 1, or t is not 4-D). */
bool ox_same_order(const graph_tensor *t);
/* Where node n's op writes before its fused activation makes `out` (out
   itself when it has none), and that activation after. */
const char *ox_act_target(ox_ctx *c, const graph_node *n, const char *out);
int ox_act_emit(ox_ctx *c, const graph_node *n, const char *y,
                const char *out);

/* ---- onnx_export_ops.c ---- */
/* Node n's float computation on the values name[] holds. */
int ox_write_node(ox_ctx *c, const graph_node *n);

/* ---- onnx_export_qdq.c ---- */
/* Fails, saying why, unless g is a float graph or an int8 one (int8
   activations with one scale, quantized constants), not packed. */
int ox_check_model(const graph *g, mcn_err *e);
/* ONNX's data type for a graph dtype that has one here, else 0. */
int ox_onnx_dtype(mcn_dtype dt);
/* Whether tensor t is an int8 activation (one scale and zero point). */
bool ox_q8(const graph *g, int t);
/* DequantizeLinear of `in` (holding t's quantized values) into `out`,
   per channel along `axis` when t has several scales; QuantizeLinear of
   float `in` at t's parameters. Both return out (NULL on failure, or
   when in or out is NULL). */
const char *ox_dq(ox_ctx *c, int t, const char *in, int axis,
                  const char *out);
const char *ox_q(ox_ctx *c, int t, const char *in, const char *out);
/* Node n: its int8 inputs dequantized, its float op (ox_write_node), its
   int8 output quantized; QUANTIZE and DEQUANTIZE themselves. */
int ox_qdq_node(ox_ctx *c, const graph_node *n);

#endif
