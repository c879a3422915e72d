/*
** mcn_internal.h: what the engine's runtime files share: an operator and
** its tensors decoded from the verified FlatBuffer into plain structs,
** and the per-op functions that check them (at mcn_init) or run them.
** C99, freestanding. Not for host code: the host uses mcn.h.
*/
#ifndef MCN_INTERNAL_H
#define MCN_INTERNAL_H

#include "mcn.h"
#include "mcn_call.h"
#include "mcn_kernels.h"

/* CONCATENATION takes the most: as many as a host graph node holds. */
#define MCN_OP_MAX_IN 4

/* Return the status of x unless it is MCN_OK. */
#define MCN_TRY(x)                                                            \
    do {                                                                      \
        mcn_status s_ = (x);                                                  \
        if (s_ != MCN_OK)                                                     \
            return s_;                                                        \
    } while (0)

/* A tensor of the model. Constants point into the model (read-only);
   activations into the arena. */
typedef struct {
    int present;              /* 0: index -1 (optional input absent) */
    int32_t index;
    mcn_dtype dtype;
    int rank;
    int32_t dims[MCN_MAX_DIMS];
    uint32_t elems, bytes;
    int is_const;
    const uint8_t *data;      /* NULL for an activation with no arena slot */
    uint8_t *wdata;           /* writable view of data; NULL for constants */
    uint32_t n_quant;         /* scales in its Quantization, 0 if none */
    uint32_t scale_bits;      /* first scale, as float bits */
    int32_t zero_point;       /* first zero point (0 if none) */
    uint32_t zps, n_zps;      /* position and count of all zero points */
} mcn_tview;

typedef struct {
    uint32_t index;
    int opcode;
    uint32_t n_in, n_out;
    mcn_tview in[MCN_OP_MAX_IN];
    mcn_tview out;
    int options_type;
    uint32_t options;         /* options table, 0 if absent */
    int has_requant;
    const int32_t *multiplier, *shift;
    uint32_t n_rq;
    int32_t act_min, act_max;
    int32_t left_shift;
    int32_t input1_multiplier, input1_shift;
    int32_t input2_multiplier, input2_shift;
    int32_t diff_min;
    int32_t scratch_offset;
    uint32_t scratch_bytes;
    uint8_t *scratch;         /* arena + scratch_offset; NULL if no bytes */
    uint8_t kernel;           /* Operator.kernel (mcn_plan.h) */
    const uint8_t *model;     /* for reading the options table */
} mcn_opview;

/* Positions of the model's vectors into ctx, for a model mcn_verify
   passed; no arena (activations then have no data). */
void mcn_bind(mcn_ctx *ctx, const uint8_t *model, uint32_t model_size);

/* Decode tensor `index` (-1 gives present = 0). */
void mcn_tview_get(const mcn_ctx *ctx, int32_t index, mcn_tview *t);
/* Decode operator i. MCN_ERR_MODEL if it has more inputs or outputs than
   any op takes. */
mcn_status mcn_opview_get(const mcn_ctx *ctx, uint32_t i, mcn_opview *v);

/* One per opcode: with call NULL, check everything the kernel relies on;
   otherwise (only after a successful check) fill in the kernel call that
   does the operator's work (mcn_call.h). */
typedef mcn_status (*mcn_op_fn)(const mcn_opview *v, mcn_call *call);

/* The call of kernel `kind` on `val`, a parameter struct of the union
   member `field`. */
#define MCN_CALL_SET(c, kind_, field, val)                                  \
    ((c)->kind = (kind_), (c)->p.field = (val))

/* The call of the conv family's optimised kernel `id` on p. */
static inline void mcn_call_kernel(mcn_call *c, uint8_t id,
                                   const mcn_k_conv_params *p)
{
    c->kind = MCN_CALL_CONV_KERNEL;
    c->kernel = id;
    c->p.conv = *p;
}

mcn_status mcn_op_conv(const mcn_opview *v, mcn_call *call);
mcn_status mcn_op_dwconv(const mcn_opview *v, mcn_call *call);
mcn_status mcn_op_fc(const mcn_opview *v, mcn_call *call);
mcn_status mcn_op_maxpool(const mcn_opview *v, mcn_call *call);
mcn_status mcn_op_avgpool(const mcn_opview *v, mcn_call *call);
mcn_status mcn_op_global_avgpool(const mcn_opview *v, mcn_call *call);
mcn_status mcn_op_add(const mcn_opview *v, mcn_call *call);
mcn_status mcn_op_softmax(const mcn_opview *v, mcn_call *call);
mcn_status mcn_op_reshape(const mcn_opview *v, mcn_call *call);
mcn_status mcn_op_clip(const mcn_opview *v, mcn_call *call);
mcn_status mcn_op_quantize(const mcn_opview *v, mcn_call *call);
mcn_status mcn_op_mul(const mcn_opview *v, mcn_call *call);
mcn_status mcn_op_concat(const mcn_opview *v, mcn_call *call);
mcn_status mcn_op_pad(const mcn_opview *v, mcn_call *call);
mcn_status mcn_op_mean(const mcn_opview *v, mcn_call *call);
mcn_status mcn_op_logistic(const mcn_opview *v, mcn_call *call);
mcn_status mcn_op_tanh(const mcn_opview *v, mcn_call *call);
mcn_status mcn_op_hard_swish(const mcn_opview *v, mcn_call *call);
mcn_status mcn_op_leaky_relu(const mcn_opview *v, mcn_call *call);
mcn_status mcn_op_resize(const mcn_opview *v, mcn_call *call);
mcn_status mcn_op_transpose(const mcn_opview *v, mcn_call *call);
mcn_status mcn_op_slice(const mcn_opview *v, mcn_call *call);
mcn_status mcn_op_global_maxpool(const mcn_opview *v, mcn_call *call);
mcn_status mcn_op_transpose_conv(const mcn_opview *v, mcn_call *call);
mcn_status mcn_op_sub(const mcn_opview *v, mcn_call *call);
mcn_status mcn_op_div(const mcn_opview *v, mcn_call *call);
mcn_status mcn_op_prelu(const mcn_opview *v, mcn_call *call);
/* ELU and HARD_SIGMOID: the packer's 256-entry table. */
mcn_status mcn_op_lut(const mcn_opview *v, mcn_call *call);
mcn_status mcn_op_log_softmax(const mcn_opview *v, mcn_call *call);

/* ---- the conv family's kernels (mcn_kernel_table.c) ---- */

/* One optimised kernel for CONV_2D, DEPTHWISE_CONV_2D or FULLY_CONNECTED
   (which runs as a 1x1 CONV_2D over its batch rows). Same bytes as the
   reference kernels wherever `applies` holds. */
typedef struct {
    const char *name;
    uint8_t ops;              /* MCN_KOP_* it serves */
    uint8_t targets;          /* bit t: worth choosing for mcn_target t */
    int (*applies)(const mcn_k_conv_params *p);
    uint32_t (*scratch_bytes)(const mcn_k_conv_params *p);
    /* NULL: reads the reference layout. Otherwise rewrites the weights
       (w, weight_bytes of them, from p->filter_data) and bias (one per
       output channel, holding the reference bias or zeros) in place. */
    void (*layout)(const mcn_k_conv_params *p, int8_t *w, int32_t *bias);
    void (*run)(const mcn_k_conv_params *p);
    /* NULL: the output must not overlap the input. Otherwise 1 when it
       may, by the order the kernel reads and writes, with the offsets
       (output start - input start, in bytes) it tolerates in [*lo, *hi];
       a disjoint output is always fine. */
    int (*overlap)(const mcn_k_conv_params *p, int32_t *lo, int32_t *hi);
    /* NULL: its weight layout is p->filter's bytes. Otherwise the bytes
       layout writes and the model's weight buffer holds (more than the
       filter's: a kernel that keeps a widened copy in flash, say), which
       mcn_init checks exactly. */
    uint32_t (*weight_bytes)(const mcn_k_conv_params *p);
    /* NULL: chosen in table order. Otherwise, where it applies and this
       says 1, the kernel is chosen before the table's earlier ones (a
       later kernel that is faster on some shapes only; the earlier ones
       still apply there, for the models that name them). */
    int (*preferred)(const mcn_k_conv_params *p);
    /* NULL: nothing to check. Otherwise 1 when what layout derived from
       the operator's (verified) parameters and put among the weights, a
       requantization table say, is what it would derive now: mcn_init
       refuses the model otherwise (and where the weights are not a
       constant: an arena tensor may change after it), so a kernel never
       shifts, multiplies or starts a sum by a value nobody checked. Runs
       in mcn_init only. */
    int (*verify)(const mcn_k_conv_params *p);
} mcn_conv_kernel;

#define MCN_KOP_CONV 1u
#define MCN_KOP_DWCONV 2u
#define MCN_KOP_FC 4u
/* Not an op: a kernel the lean choice may take (mcn_conv_kernel_choose_lean)
   where it needs less scratch than the first choice: SRAM first at the
   arena's peak, flash or instructions second. */
#define MCN_KOP_LEAN 8u

/* Kernel k's overlap window for p as the planner and mcn_chk_window take
   it (mcn_kernels.h): disjoint when k has no overlap function or it
   says no. */
mcn_k_window mcn_conv_kernel_window(const mcn_conv_kernel *k,
                                    const mcn_k_conv_params *p);

/* The bytes of constant t's buffer in the model (0 for an activation):
   its shape's, or a kernel's larger weight layout. */
uint32_t mcn_const_bytes(const uint8_t *model, const mcn_tview *t);

/* The bytes kernel k's weight layout takes for p (mcn_conv_kernel). */
uint32_t mcn_conv_kernel_weight_bytes(const mcn_conv_kernel *k,
                                      const mcn_k_conv_params *p);

/* Kernel `id` (1-based, as Operator.kernel), or NULL. */
const mcn_conv_kernel *mcn_conv_kernel_get(uint8_t id);
/* The table itself: kernel id k is mcn_conv_kernels[k - 1]. */
extern const mcn_conv_kernel *const mcn_conv_kernels;
/* The best kernel for p on target among those serving `kop`: its id, or
   0 (the reference family). */
uint8_t mcn_conv_kernel_choose(const mcn_k_conv_params *p, uint8_t kop,
                               int target);
/* For an op whose scratch sets the arena's peak: of mcn_conv_kernel_choose's
   kernel and the others in the table marked MCN_KOP_LEAN that serve, suit
   and apply, the one needing the least scratch (the first choice, then
   the earlier, on a tie). */
uint8_t mcn_conv_kernel_choose_lean(const mcn_k_conv_params *p, uint8_t kop,
                                    int target);

/* The conv-family op files' parameters, shared with the planner
   (mcn_plan.c): p from operator v, MCN_ERR_* when v cannot give them;
   kop says which family member v is. FULLY_CONNECTED comes as a 1x1
   convolution over [batches, 1, 1, depth]. */
mcn_status mcn_conv_family_params(const mcn_opview *v, mcn_k_conv_params *p,
                                  uint8_t *kop);

/* ---- checks shared by the op files (mcn_check.c) ---- */

/* An int8 activation the kernel reads (or, if out, writes): present,
   int8, with data, a zero point in int8 and fewer than 2^31 bytes. */
mcn_status mcn_chk_int8(const mcn_tview *t, int out);
/* Output clamp inside int8 and non-empty. */
mcn_status mcn_chk_act_range(const mcn_opview *v);
mcn_status mcn_chk_shift(int32_t shift);
/* The requant vectors: present, n entries 1 or `channels`, shifts sane. */
mcn_status mcn_chk_requant(const mcn_opview *v, int32_t channels);
/* Constant weights: int8, symmetric (every zero point 0). */
mcn_status mcn_chk_weights(const mcn_opview *v, const mcn_tview *w, int rank);
/* Output vs an input: disjoint, or (if same_ok) exactly the same bytes. */
mcn_status mcn_chk_alias(const mcn_tview *out, const mcn_tview *in,
                         int same_ok);
/* 1 when in is an activation sharing arena bytes with out. */
int mcn_overlapping(const mcn_tview *out, const mcn_tview *in);
/* Output vs an input: disjoint, or overlapping with the output starting
   at (input start + d), d inside the kernel's window w. */
mcn_status mcn_chk_window(const mcn_tview *out, const mcn_tview *in,
                          mcn_k_window w);
/* Same rank and dims. */
int mcn_same_shape(const mcn_tview *a, const mcn_tview *b);
/* Rank-4 tensor as NHWC dims; MCN_ERR_MODEL if not rank 4. */
mcn_status mcn_dims4(const mcn_tview *t, mcn_k_dims *d);
/* out == (in + pad0 + pad1 - ((k - 1) * dil + 1)) / stride + 1 with every
   term small enough that the kernels' index arithmetic cannot overflow. */
int mcn_out_size_ok(int32_t in, int32_t k, int32_t dil, int32_t stride,
                    int32_t pad0, int32_t pad1, int32_t out);
/* TRANSPOSE_CONV's axis (quantizer/fexec_tconv.c): the full output
   (in - 1) * stride + (k - 1) * dil + 1 minus the pads is at least 1, and
   out is that plus an output padding below max(stride, dil); every term
   small enough that the kernel's index arithmetic cannot overflow. */
int mcn_tconv_size_ok(int32_t in, int32_t k, int32_t dil, int32_t stride,
                      int32_t pad0, int32_t pad1, int32_t out);
/* Inline: every weighted operator asks for it on every invoke. */
static inline mcn_k_requant mcn_requant_of(const mcn_opview *v)
{
    mcn_k_requant rq;
    rq.multiplier = v->multiplier;
    rq.shift = v->shift;
    rq.count = (int32_t)v->n_rq;
    return rq;
}

#endif
