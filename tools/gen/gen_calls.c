/*
** gen_calls.c: one kernel call (mcn_call.h) as C: its parameter struct as
** a designated initializer, field by field, and the kernel's name.
**
** Every parameter struct of engine/mcn_kernels.h has a printer here, and
** each names every field: a field a printer forgot would be zero in the
** generated code, which the tests catch by running generated code against
** the interpreter on whole networks (tests/test_gen.c).
*/
#include <inttypes.h>
#include <string.h>

#include "gen_internal.h"
#include "mcn_plan.h"

#define I8 "const int8_t *"
#define W8 "int8_t *"
#define I32 "const int32_t *"
#define W32 "int32_t *"

static void fi(gen_ctx *g, const char *name, int64_t v)
{
    fprintf(g->f, "    .%s = %" PRId64 ",\n", name, v);
}

static void fp(gen_ctx *g, const char *name, const void *p,
               const char *ctype)
{
    char buf[200];
    fprintf(g->f, "    .%s = %s,\n", name,
            gen_ptr(g, p, ctype, buf, sizeof buf));
}

static void fdims(gen_ctx *g, const char *name, mcn_k_dims d)
{
    fprintf(g->f, "    .%s = {.n = %d, .h = %d, .w = %d, .c = %d},\n", name,
            (int)d.n, (int)d.h, (int)d.w, (int)d.c);
}

static void fints(gen_ctx *g, const char *name, const int32_t *v, int n)
{
    fprintf(g->f, "    .%s = {", name);
    for (int i = 0; i < n; i++)
        fprintf(g->f, "%s%d", i ? ", " : "", (int)v[i]);
    fprintf(g->f, "},\n");
}

static void frq(gen_ctx *g, const char *name, const mcn_k_requant *rq)
{
    char m[200], s[200];
    fprintf(g->f, "    .%s = {.multiplier = %s, .shift = %s, .count = %d},\n",
            name,
            gen_ptr(g, rq->multiplier, I32, m, sizeof m),
            gen_ptr(g, rq->shift, I32, s, sizeof s), (int)rq->count);
}

static void fbcast(gen_ctx *g, const char *name, const mcn_k_bcast *b)
{
    fprintf(g->f, "    .%s = {\n    ", name);
    fints(g, "dims", b->dims, MCN_K_BCAST_DIMS);
    fprintf(g->f, "    ");
    fints(g, "stride1", b->stride1, MCN_K_BCAST_DIMS);
    fprintf(g->f, "    ");
    fints(g, "stride2", b->stride2, MCN_K_BCAST_DIMS);
    fprintf(g->f, "    },\n");
}

static void conv(gen_ctx *g, const mcn_k_conv_params *p)
{
    fi(g, "input_offset", p->input_offset);
    fi(g, "output_offset", p->output_offset);
    fi(g, "stride_h", p->stride_h);
    fi(g, "stride_w", p->stride_w);
    fi(g, "dilation_h", p->dilation_h);
    fi(g, "dilation_w", p->dilation_w);
    fi(g, "pad_top", p->pad_top);
    fi(g, "pad_left", p->pad_left);
    fi(g, "groups", p->groups);
    fi(g, "depth_multiplier", p->depth_multiplier);
    fi(g, "act_min", p->act_min);
    fi(g, "act_max", p->act_max);
    frq(g, "rq", &p->rq);
    fdims(g, "input", p->input);
    fp(g, "input_data", p->input_data, I8);
    fdims(g, "filter", p->filter);
    fp(g, "filter_data", p->filter_data, I8);
    fp(g, "bias", p->bias, I32);
    fdims(g, "output", p->output);
    fp(g, "output_data", p->output_data, W8);
    fp(g, "scratch", p->scratch, W32);
}

static void fc(gen_ctx *g, const mcn_k_fc_params *p)
{
    fi(g, "input_offset", p->input_offset);
    fi(g, "output_offset", p->output_offset);
    fi(g, "act_min", p->act_min);
    fi(g, "act_max", p->act_max);
    frq(g, "rq", &p->rq);
    fi(g, "batches", p->batches);
    fi(g, "depth", p->depth);
    fi(g, "out_depth", p->out_depth);
    fp(g, "input_data", p->input_data, I8);
    fp(g, "filter_data", p->filter_data, I8);
    fp(g, "bias", p->bias, I32);
    fp(g, "output_data", p->output_data, W8);
}

static void add(gen_ctx *g, const mcn_k_add_params *p)
{
    fi(g, "input1_offset", p->input1_offset);
    fi(g, "input2_offset", p->input2_offset);
    fi(g, "output_offset", p->output_offset);
    fi(g, "left_shift", p->left_shift);
    fi(g, "input1_multiplier", p->input1_multiplier);
    fi(g, "input1_shift", p->input1_shift);
    fi(g, "input2_multiplier", p->input2_multiplier);
    fi(g, "input2_shift", p->input2_shift);
    fi(g, "output_multiplier", p->output_multiplier);
    fi(g, "output_shift", p->output_shift);
    fi(g, "act_min", p->act_min);
    fi(g, "act_max", p->act_max);
    fi(g, "size", p->size);
    fi(g, "broadcast", p->broadcast);
    fbcast(g, "bcast", &p->bcast);
    fp(g, "input1_data", p->input1_data, I8);
    fp(g, "input2_data", p->input2_data, I8);
    fp(g, "output_data", p->output_data, W8);
    fi(g, "subtract", p->subtract);
    fp(g, "lut", p->lut, I32);
}

static void mul(gen_ctx *g, const mcn_k_mul_params *p)
{
    fi(g, "input1_offset", p->input1_offset);
    fi(g, "input2_offset", p->input2_offset);
    fi(g, "output_offset", p->output_offset);
    fi(g, "output_multiplier", p->output_multiplier);
    fi(g, "output_shift", p->output_shift);
    fi(g, "act_min", p->act_min);
    fi(g, "act_max", p->act_max);
    fi(g, "size", p->size);
    fi(g, "broadcast", p->broadcast);
    fbcast(g, "bcast", &p->bcast);
    fp(g, "input1_data", p->input1_data, I8);
    fp(g, "input2_data", p->input2_data, I8);
    fp(g, "output_data", p->output_data, W8);
}

static void prelu(gen_ctx *g, const mcn_k_prelu_params *p)
{
    fi(g, "input_offset", p->input_offset);
    fi(g, "alpha_offset", p->alpha_offset);
    fi(g, "output_offset", p->output_offset);
    fi(g, "identity_multiplier", p->identity_multiplier);
    fi(g, "identity_shift", p->identity_shift);
    fi(g, "alpha_multiplier", p->alpha_multiplier);
    fi(g, "alpha_shift", p->alpha_shift);
    fi(g, "size", p->size);
    fbcast(g, "bcast", &p->bcast);
    fp(g, "input_data", p->input_data, I8);
    fp(g, "alpha_data", p->alpha_data, I8);
    fp(g, "output_data", p->output_data, W8);
}

static void pool(gen_ctx *g, const mcn_k_pool_params *p)
{
    fi(g, "filter_h", p->filter_h);
    fi(g, "filter_w", p->filter_w);
    fi(g, "stride_h", p->stride_h);
    fi(g, "stride_w", p->stride_w);
    fi(g, "dilation_h", p->dilation_h);
    fi(g, "dilation_w", p->dilation_w);
    fi(g, "pad_top", p->pad_top);
    fi(g, "pad_left", p->pad_left);
    fi(g, "pad_bottom", p->pad_bottom);
    fi(g, "pad_right", p->pad_right);
    fi(g, "count_include_pad", p->count_include_pad);
    fi(g, "zero_point", p->zero_point);
    fi(g, "act_min", p->act_min);
    fi(g, "act_max", p->act_max);
    fdims(g, "input", p->input);
    fp(g, "input_data", p->input_data, I8);
    fdims(g, "output", p->output);
    fp(g, "output_data", p->output_data, W8);
}

static void softmax(gen_ctx *g, const mcn_k_softmax_params *p)
{
    fi(g, "input_multiplier", p->input_multiplier);
    fi(g, "input_left_shift", p->input_left_shift);
    fi(g, "diff_min", p->diff_min);
    fi(g, "rows", p->rows);
    fi(g, "depth", p->depth);
    fp(g, "input_data", p->input_data, I8);
    fp(g, "output_data", p->output_data, W8);
}

static void log_softmax(gen_ctx *g, const mcn_k_log_softmax_params *p)
{
    fi(g, "input_multiplier", p->input_multiplier);
    fi(g, "input_left_shift", p->input_left_shift);
    fi(g, "reverse_scaling_divisor", p->reverse_scaling_divisor);
    fi(g, "reverse_scaling_shift", p->reverse_scaling_shift);
    fi(g, "diff_min", p->diff_min);
    fi(g, "rows", p->rows);
    fi(g, "depth", p->depth);
    fp(g, "input_data", p->input_data, I8);
    fp(g, "output_data", p->output_data, W8);
}

static void clip(gen_ctx *g, const mcn_k_clip_params *p)
{
    fi(g, "act_min", p->act_min);
    fi(g, "act_max", p->act_max);
    fi(g, "size", p->size);
    fp(g, "input_data", p->input_data, I8);
    fp(g, "output_data", p->output_data, W8);
}

static void quantize(gen_ctx *g, const mcn_k_quantize_params *p)
{
    fi(g, "input_offset", p->input_offset);
    fi(g, "output_offset", p->output_offset);
    fi(g, "multiplier", p->multiplier);
    fi(g, "shift", p->shift);
    fi(g, "size", p->size);
    fp(g, "input_data", p->input_data, I8);
    fp(g, "output_data", p->output_data, W8);
}

static void reshape(gen_ctx *g, const mcn_k_reshape_params *p)
{
    fi(g, "bytes", p->bytes);
    fp(g, "input_data", p->input_data, "const void *");
    fp(g, "output_data", p->output_data, "void *");
}

static void transpose(gen_ctx *g, const mcn_k_transpose_params *p)
{
    fi(g, "rank", p->rank);
    fints(g, "dims", p->dims, 6);
    fints(g, "steps", p->steps, 6);
    fi(g, "start", p->start);
    fp(g, "input_data", p->input_data, I8);
    fp(g, "output_data", p->output_data, W8);
}

static void concat(gen_ctx *g, const mcn_k_concat_params *p)
{
    char buf[200];
    fi(g, "outer", p->outer);
    fi(g, "inner", p->inner);
    fi(g, "n_inputs", p->n_inputs);
    fi(g, "output_offset", p->output_offset);
    fprintf(g->f, "    .in = {\n");
    for (uint32_t k = 0; k < p->n_inputs && k < MCN_K_CONCAT_MAX_IN; k++) {
        const mcn_k_concat_input *x = &p->in[k];
        fprintf(g->f, "        {.axis_len = %u, .input_offset = %d, "
                ".multiplier = %d, .shift = %d, .data = %s},\n",
                (unsigned)x->axis_len, (int)x->input_offset,
                (int)x->multiplier, (int)x->shift,
                gen_ptr(g, x->data, I8, buf, sizeof buf));
    }
    fprintf(g->f, "    },\n");
    fp(g, "output_data", p->output_data, W8);
}

static void pad(gen_ctx *g, const mcn_k_pad_params *p)
{
    fi(g, "rank", p->rank);
    fints(g, "input_dims", p->input_dims, 6);
    fints(g, "output_dims", p->output_dims, 6);
    fints(g, "pad_before", p->pad_before, 6);
    fints(g, "pad_after", p->pad_after, 6);
    fi(g, "mode", p->mode);
    fi(g, "pad_value", p->pad_value);
    fp(g, "input_data", p->input_data, I8);
    fp(g, "output_data", p->output_data, W8);
}

static void mean(gen_ctx *g, const mcn_k_mean_params *p)
{
    fi(g, "input_zero_point", p->input_zero_point);
    fi(g, "output_offset", p->output_offset);
    fi(g, "multiplier", p->multiplier);
    fi(g, "shift", p->shift);
    fi(g, "count", p->count);
    fi(g, "n_kept", p->n_kept);
    fi(g, "n_reduced", p->n_reduced);
    fints(g, "kept_dims", p->kept_dims, 6);
    fints(g, "kept_steps", p->kept_steps, 6);
    fints(g, "reduced_dims", p->reduced_dims, 6);
    fints(g, "reduced_steps", p->reduced_steps, 6);
    fp(g, "input_data", p->input_data, I8);
    fp(g, "output_data", p->output_data, W8);
}

static void logistic(gen_ctx *g, const mcn_k_logistic_params *p)
{
    fi(g, "input_zero_point", p->input_zero_point);
    fi(g, "input_range_radius", p->input_range_radius);
    fi(g, "input_multiplier", p->input_multiplier);
    fi(g, "input_left_shift", p->input_left_shift);
    fi(g, "size", p->size);
    fp(g, "input_data", p->input_data, I8);
    fp(g, "output_data", p->output_data, W8);
}

static void hard_swish(gen_ctx *g, const mcn_k_hard_swish_params *p)
{
    fi(g, "input_zero_point", p->input_zero_point);
    fi(g, "output_zero_point", p->output_zero_point);
    fi(g, "output_multiplier", p->output_multiplier);
    fi(g, "output_exponent", p->output_exponent);
    fi(g, "reluish_multiplier", p->reluish_multiplier);
    fi(g, "reluish_exponent", p->reluish_exponent);
    fi(g, "size", p->size);
    fp(g, "input_data", p->input_data, I8);
    fp(g, "output_data", p->output_data, W8);
}

static void leaky_relu(gen_ctx *g, const mcn_k_leaky_relu_params *p)
{
    fi(g, "input_zero_point", p->input_zero_point);
    fi(g, "output_offset", p->output_offset);
    fi(g, "identity_multiplier", p->identity_multiplier);
    fi(g, "identity_shift", p->identity_shift);
    fi(g, "alpha_multiplier", p->alpha_multiplier);
    fi(g, "alpha_shift", p->alpha_shift);
    fi(g, "size", p->size);
    fp(g, "input_data", p->input_data, I8);
    fp(g, "output_data", p->output_data, W8);
}

static void lut(gen_ctx *g, const mcn_k_lut_params *p)
{
    fi(g, "size", p->size);
    fp(g, "table", p->table, I8);
    fp(g, "input_data", p->input_data, I8);
    fp(g, "output_data", p->output_data, W8);
}

static void resize(gen_ctx *g, const mcn_k_resize_params *p)
{
    fi(g, "bilinear", p->bilinear);
    fdims(g, "input", p->input);
    fp(g, "input_data", p->input_data, I8);
    fdims(g, "output", p->output);
    fp(g, "output_data", p->output_data, W8);
    fp(g, "rows", p->rows, I32);
    fp(g, "cols", p->cols, I32);
}

/* Per kind: the parameter type, the kernel, and its printer. */
typedef struct {
    const char *type, *kernel;
} kind_info;

static const kind_info kinds[MCN_CALL_COUNT] = {
    [MCN_CALL_CONV] = {"mcn_k_conv_params", "mcn_k_conv_s8"},
    [MCN_CALL_CONV_1X1] = {"mcn_k_conv_params", "mcn_k_conv_1x1_s8"},
    [MCN_CALL_DWCONV] = {"mcn_k_conv_params", "mcn_k_dwconv_s8"},
    [MCN_CALL_CONV_KERNEL] = {"mcn_k_conv_params", NULL},
    [MCN_CALL_TRANSPOSE_CONV] = {"mcn_k_conv_params",
                                 "mcn_k_transpose_conv_s8"},
    [MCN_CALL_FC] = {"mcn_k_fc_params", "mcn_k_fc_s8"},
    [MCN_CALL_ADD] = {"mcn_k_add_params", "mcn_k_add_s8"},
    [MCN_CALL_MUL] = {"mcn_k_mul_params", "mcn_k_mul_s8"},
    [MCN_CALL_DIV] = {"mcn_k_div_params", "mcn_k_div_s8"},
    [MCN_CALL_PRELU] = {"mcn_k_prelu_params", "mcn_k_prelu_s8"},
    [MCN_CALL_MAXPOOL] = {"mcn_k_pool_params", "mcn_k_maxpool_s8"},
    [MCN_CALL_AVGPOOL] = {"mcn_k_pool_params", "mcn_k_avgpool_s8"},
    [MCN_CALL_SOFTMAX] = {"mcn_k_softmax_params", "mcn_k_softmax_s8"},
    [MCN_CALL_LOG_SOFTMAX] = {"mcn_k_log_softmax_params",
                              "mcn_k_log_softmax_s8"},
    [MCN_CALL_CLIP] = {"mcn_k_clip_params", "mcn_k_clip_s8"},
    [MCN_CALL_QUANTIZE] = {"mcn_k_quantize_params", "mcn_k_quantize_s8"},
    [MCN_CALL_RESHAPE] = {"mcn_k_reshape_params", "mcn_k_reshape"},
    [MCN_CALL_TRANSPOSE] = {"mcn_k_transpose_params", "mcn_k_transpose_s8"},
    [MCN_CALL_CONCAT] = {"mcn_k_concat_params", "mcn_k_concat_s8"},
    [MCN_CALL_PAD] = {"mcn_k_pad_params", "mcn_k_pad_s8"},
    [MCN_CALL_MEAN] = {"mcn_k_mean_params", "mcn_k_mean_s8"},
    [MCN_CALL_LOGISTIC] = {"mcn_k_logistic_params", "mcn_k_logistic_s8"},
    [MCN_CALL_TANH] = {"mcn_k_tanh_params", "mcn_k_tanh_s8"},
    [MCN_CALL_HARD_SWISH] = {"mcn_k_hard_swish_params",
                             "mcn_k_hard_swish_s8"},
    [MCN_CALL_LEAKY_RELU] = {"mcn_k_leaky_relu_params",
                             "mcn_k_leaky_relu_s8"},
    [MCN_CALL_LUT] = {"mcn_k_lut_params", "mcn_k_lut_s8"},
    [MCN_CALL_RESIZE] = {"mcn_k_resize_params", "mcn_k_resize_s8"},
    [MCN_CALL_ADD_LUT] = {"mcn_k_add_params", "mcn_k_add_s8_lut"},
};

static void fields(gen_ctx *g, const mcn_call *c)
{
    switch ((mcn_call_kind)c->kind) {
    case MCN_CALL_CONV: case MCN_CALL_CONV_1X1: case MCN_CALL_DWCONV:
    case MCN_CALL_CONV_KERNEL: case MCN_CALL_TRANSPOSE_CONV:
        conv(g, &c->p.conv); break;
    case MCN_CALL_FC: fc(g, &c->p.fc); break;
    case MCN_CALL_ADD: case MCN_CALL_ADD_LUT: add(g, &c->p.add); break;
    case MCN_CALL_MUL: case MCN_CALL_DIV: mul(g, &c->p.mul); break;
    case MCN_CALL_PRELU: prelu(g, &c->p.prelu); break;
    case MCN_CALL_MAXPOOL: case MCN_CALL_AVGPOOL: pool(g, &c->p.pool); break;
    case MCN_CALL_SOFTMAX: softmax(g, &c->p.softmax); break;
    case MCN_CALL_LOG_SOFTMAX: log_softmax(g, &c->p.log_softmax); break;
    case MCN_CALL_CLIP: clip(g, &c->p.clip); break;
    case MCN_CALL_QUANTIZE: quantize(g, &c->p.quantize); break;
    case MCN_CALL_RESHAPE: reshape(g, &c->p.reshape); break;
    case MCN_CALL_TRANSPOSE: transpose(g, &c->p.transpose); break;
    case MCN_CALL_CONCAT: concat(g, &c->p.concat); break;
    case MCN_CALL_PAD: pad(g, &c->p.pad); break;
    case MCN_CALL_MEAN: mean(g, &c->p.mean); break;
    case MCN_CALL_LOGISTIC: case MCN_CALL_TANH:
        logistic(g, &c->p.logistic); break;
    case MCN_CALL_HARD_SWISH: hard_swish(g, &c->p.hard_swish); break;
    case MCN_CALL_LEAKY_RELU: leaky_relu(g, &c->p.leaky_relu); break;
    case MCN_CALL_LUT: lut(g, &c->p.lut); break;
    case MCN_CALL_RESIZE: resize(g, &c->p.resize); break;
    case MCN_CALL_NONE: case MCN_CALL_COUNT: break;
    }
}

/* Kernels with an entry point for a common case alone (mcn_kernels.h):
   the same bits where `applies` holds, without the code for the rest. A
   kernel's entries go narrowest first: a model's calls of it take the
   first that all of them fit, and that no call of kernel `unless` rules
   out (the rest would be linked for that kernel anyway, so the entry
   would only add code). */
typedef struct {
    const char *kernel, *entry;
    int (*applies)(const mcn_call *c);
    const char *unless;
} special;

static int always(const mcn_call *c)
{
    (void)c;
    return 1;
}

static int conv_1x1_fast(const mcn_call *c)
{
    return mcn_k_conv_1x1_s8_smlad_paired_fast_applies(&c->p.conv);
}

static int fc_pair(const mcn_call *c)
{
    return mcn_k_fc_s8_smlad_paired_pair_applies(&c->p.conv);
}

static int fc_quads(const mcn_call *c)
{
    return mcn_k_fc_s8_smlad_paired_quads_applies(&c->p.conv);
}

static int fc_fast(const mcn_call *c)
{
    return mcn_k_fc_s8_smlad_paired_fast_applies(&c->p.conv);
}

static int dwconv_3x3(const mcn_call *c)
{
    return mcn_k_dwconv_s8_smlad_3x3_applies(&c->p.conv);
}

static int avgpool_global(const mcn_call *c)
{
    return mcn_k_avgpool_s8_global_applies(&c->p.pool);
}

static const special specials[] = {
    {"mcn_k_conv_1x1_s8_smlad_paired", "mcn_k_conv_1x1_s8_smlad_paired_fast",
     conv_1x1_fast, NULL},
    {"mcn_k_fc_s8_smlad_paired", "mcn_k_fc_s8_smlad_paired_pair", fc_pair,
     NULL},
    {"mcn_k_fc_s8_smlad_paired", "mcn_k_fc_s8_smlad_paired_quads", fc_quads,
     NULL},
    {"mcn_k_fc_s8_smlad_paired", "mcn_k_fc_s8_smlad_paired_fast", fc_fast,
     NULL},
    {"mcn_k_dwconv_s8_smlad", "mcn_k_dwconv_s8_smlad_3x3", dwconv_3x3, NULL},
    {"mcn_k_avgpool_s8", "mcn_k_avgpool_s8_global", avgpool_global, NULL},
    /* The first layer's column code without rows of whole quads, unless
       an im2col layer links all of it. */
    {"mcn_k_conv_s8_first_smlad", "mcn_k_conv_s8_first_smlad_narrow", always,
     "mcn_k_conv_s8_im2col_smlad"},
};
#define N_SPECIALS ((int)(sizeof specials / sizeof *specials))

/* The kernel of call c (NULL: none known), into buf for a table kernel. */
static const char *kernel_of(const mcn_call *c, char *buf, size_t n)
{
    if (c->kind <= MCN_CALL_NONE || c->kind >= MCN_CALL_COUNT)
        return NULL;
    if (c->kind != MCN_CALL_CONV_KERNEL)
        return kinds[c->kind].kernel;
    const char *name = mcn_plan_kernel_name(c->kernel);
    if (!name)
        return NULL;
    snprintf(buf, n, "mcn_k_%s", name);
    return buf;
}

typedef char specials_fit[N_SPECIALS <= 32 ? 1 : -1];

void gen_note_call(gen_ctx *g, const mcn_call *c)
{
    char buf[120];
    const char *fn = kernel_of(c, buf, sizeof buf);
    for (int i = 0; fn && i < N_SPECIALS; i++)
        if ((strcmp(fn, specials[i].kernel) == 0 && !specials[i].applies(c)) ||
            (specials[i].unless && strcmp(fn, specials[i].unless) == 0))
            g->generic |= 1u << i;
}

/* The entry to call for kernel fn: its first special every call fits. */
static const char *entry_of(const gen_ctx *g, const char *fn)
{
    for (int i = 0; i < N_SPECIALS; i++)
        if (strcmp(fn, specials[i].kernel) == 0 && !(g->generic & 1u << i))
            return specials[i].entry;
    return fn;
}

const char *gen_call(gen_ctx *g, const mcn_call *c, uint32_t op)
{
    static char kernel[120];
    if (c->kind <= MCN_CALL_NONE || c->kind >= MCN_CALL_COUNT) {
        mcn_fail(g->e, "operator %u: no kernel call (kind %d)", (unsigned)op,
                 (int)c->kind);
        g->failed = 1;
        return NULL;
    }
    const kind_info *k = &kinds[c->kind];
    const char *fn = kernel_of(c, kernel, sizeof kernel);
    if (!fn) {
        mcn_fail(g->e, "operator %u: unknown kernel %u", (unsigned)op,
                 (unsigned)c->kernel);
        g->failed = 1;
        return NULL;
    }
    fn = entry_of(g, fn);
    fprintf(g->f, "static const %s %s_op%u = {\n", k->type, g->name,
            (unsigned)op);
    fields(g, c);
    fprintf(g->f, "};\n\n");
    return g->failed ? NULL : fn;
}
