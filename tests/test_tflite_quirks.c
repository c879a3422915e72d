/* test_tflite_quirks.c: TFLite files as found in the wild. Each MLPerf
   Tiny int8 model is written again (tests/tflite_rewrite.h) in a form
   other converters or older tools produce, imported, packed and run on
   the host engine over every reference input: TFLite Micro runs each form
   exactly as it runs the original, so each must give TFLM's bytes
   (../shared/reference/tflm). The TFLM rule behind each form is at its
   row in `forms`. Where TFLM would not run a form, or would run it
   meaning something other than the file says, the importer refuses it
   naming the tensor, operator or subgraph. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "float_exec.h"
#include "graph_io.h"
#include "pack.h"
#include "testutil.h"
#include "tflite_import.h"
#include "tflite_rewrite.h"
#include "tflm_ref.h"

static const char *const int8_models[] = {
    "vww_96_int8", "kws_ref_model", "pretrainedResnet_quant", "ad01_int8"};
static const char *const float_models[] = {
    "vww_96_float", "kws_ref_model_float32", "pretrainedResnet",
    "ad01_fp32"};
#define N_MODELS 4
enum { VWW = 1, KWS = 2, RESNET = 4, AD01 = 8, ALL = 15 };

/* Each form, and the models where it changes the file (elsewhere the
   rewrite is the plain copy, and is skipped). */
static const struct {
    unsigned quirks;
    unsigned models;
} forms[] = {
    /* TFLM never reads a bias's quantization: kernel_util.cc
       PopulateConvolutionQuantizationParams takes the filter's scales and
       leaves the bias unchecked (its TODO); the reference kernels add the
       int32 bias as stored. The person-detection model's case. */
    {TR_BIAS_STALE_QDIM, ALL},
    /* micro_allocator.cc InitializeTfLiteTensorFromFlatbuffer copies
       zero_point[0] to every channel when there is one zero point. */
    {TR_ONE_ZERO_POINT, VWW | KWS | RESNET},
    /* quantized_dimension is read only for per-channel filters
       (PopulateConvolutionQuantizationParams). */
    {TR_PER_TENSOR_QDIM, ALL},
    /* No table and an empty table are both "not quantized" (the
       allocator copies quantization only when scale and zero_point have
       entries); the MLPerf files write the empty one. */
    {TR_DROP_EMPTY_QUANT, VWW | KWS | RESNET},
    /* reshape_common.cc ReshapeOutput takes the output tensor's shape and
       never reads input 1. */
    {TR_RESHAPE_NO_SHAPE, VWW | KWS | RESNET},
    /* micro_allocator.cc GetFlatbufferTensorBuffer: a buffer without data,
       or with zero bytes of it, leaves the tensor to the arena. */
    {TR_ACT_EMPTY_BUFFERS, ALL},
    {TR_ACT_BUFFER_0, ALL},
    /* schema_utils.cc GetBuiltinCode: max(builtin_code,
       deprecated_builtin_code), whichever fields are set. */
    {TR_CODE_DEPRECATED_ONLY, VWW | RESNET},
    {TR_CODE_BUILTIN_ONLY, ALL},
    {TR_CODE_BOTH, KWS | RESNET | AD01},
    /* MicroInterpreter::Invoke runs subgraph 0 only. */
    {TR_UNUSED_SUBGRAPH, ALL},
    /* Equal per-channel entries on an activation: TFLM computes with
       element 0 (TfLiteTensor.params), which is all of them. kws's input
       has one channel. */
    {TR_INPUT_PER_CHANNEL, VWW | RESNET | AD01},
    /* All of the above that combine, at once. */
    {TR_BIAS_STALE_QDIM | TR_ONE_ZERO_POINT | TR_PER_TENSOR_QDIM |
         TR_DROP_EMPTY_QUANT | TR_RESHAPE_NO_SHAPE | TR_ACT_EMPTY_BUFFERS |
         TR_CODE_BUILTIN_ONLY | TR_UNUSED_SUBGRAPH,
     ALL},
};
#define N_FORMS ((int)(sizeof forms / sizeof forms[0]))

static uint8_t *rewrite_file(const char *model, unsigned quirks,
                             size_t *len)
{
    char path[512];
    size_t n;
    mcn_err e;
    snprintf(path, sizeof path, TFLM_MODELS "%s.tflite", model);
    uint8_t *src = tu_read_file(path, &n);
    ck_assert_msg(src != NULL, "cannot read %s", path);
    uint8_t *out;
    int rc = tflite_rewrite(src, n, quirks, &out, len, &e);
    free(src);
    ck_assert_msg(rc == 0, "%s: %s", model, e.msg);
    return out;
}

static void import_ok(const uint8_t *b, size_t len, graph *g)
{
    mcn_err e;
    ck_assert_msg(tflite_import(b, len, NULL, g, &e) == 0, "%s", e.msg);
}

static void import_form(const char *model, unsigned quirks, graph *g)
{
    size_t len;
    uint8_t *b = rewrite_file(model, quirks, &len);
    import_ok(b, len, g);
    free(b);
}

static void expect_refused(const char *model, unsigned quirks,
                           const char *msg)
{
    size_t len;
    uint8_t *b = rewrite_file(model, quirks, &len);
    graph g;
    mcn_err e = {0};
    ck_assert_int_eq(tflite_import(b, len, NULL, &g, &e), -1);
    ck_assert_str_eq(e.msg, msg);
    free(b);
}

/* The rewrite with no switch is the original, field for field: flatc
   decodes both to the same JSON. */
START_TEST(plain_copy_decodes_like_the_original)
{
    const char *name = int8_models[_i];
    char *dir = tu_mkdtemp(), path[600], cmd[1600], *err = NULL;
    ck_assert_ptr_nonnull(dir);
    size_t len;
    uint8_t *copy = rewrite_file(name, 0, &len);
    snprintf(path, sizeof path, "%s/copy/%s.tflite", dir, name);
    snprintf(cmd, sizeof cmd, "mkdir -p '%s/copy' '%s/orig'", dir, dir);
    ck_assert_int_eq(tu_run(cmd, NULL, NULL), 0);
    ck_assert_int_eq(tu_write_file(path, copy, len), 0);
    free(copy);
    snprintf(cmd, sizeof cmd,
             "flatc -o '%s/orig' --json --raw-binary " TU_SRC(
                 "schemas/tflite.fbs") " -- " TFLM_MODELS "%s.tflite && "
             "flatc -o '%s/copy' --json --raw-binary " TU_SRC(
                 "schemas/tflite.fbs") " -- '%s' && "
             "cmp '%s/orig/%s.json' '%s/copy/%s.json'",
             dir, name, dir, path, dir, name, dir, name);
    int rc = tu_run(cmd, NULL, &err);
    ck_assert_msg(rc == 0, "%s: %s", name, err);
    free(err);
    tu_rmdir(dir);
}
END_TEST

/* Every form of every model gives TFLM's bytes on every reference row. */
START_TEST(form_gives_tflm_bytes)
{
    int f = _i / N_MODELS, m = _i % N_MODELS;
    if (!(forms[f].models & (1u << m)))
        return;
    const char *name = int8_models[m];
    size_t len, plain_len;
    uint8_t *b = rewrite_file(name, forms[f].quirks, &len);
    uint8_t *plain = rewrite_file(name, 0, &plain_len);
    ck_assert_msg(len != plain_len || memcmp(b, plain, len),
                  "%s: form %d is the plain copy", name, f);
    free(plain);
    graph g;
    import_ok(b, len, &g);
    free(b);
    tflm_engine r;
    tflm_engine_open(&r, &g);
    tflm_engine_matches(&r, name);
    tflm_engine_close(&r);
    graph_free(&g);
}
END_TEST

static const graph_tensor *input_of(const graph *g, int node, int k)
{
    ck_assert_int_lt(node, g->n_nodes);
    ck_assert_int_lt(k, g->nodes[node].n_in);
    ck_assert_int_ge(g->nodes[node].in[k], 0);
    return &g->tensors[g->nodes[node].in[k]];
}

/* What the importer makes of the quantization forms, on kws: node 0 is a
   CONV_2D with [64,10,4,1] weights quantized per output channel and a
   [64] bias with 64 scales; node 11 the FULLY_CONNECTED with one weight
   scale. */
START_TEST(quantization_forms_read_as_tflm_reads_them)
{
    graph g0, g;
    import_form("kws_ref_model", 0, &g0);
    const graph_tensor *w0 = input_of(&g0, 0, 1), *b0 = input_of(&g0, 0, 2);
    ck_assert_int_eq(w0->nscale, 64);
    ck_assert_int_eq(b0->nscale, 64);

    /* The bias's scales stay, along its only axis. */
    import_form("kws_ref_model", TR_BIAS_STALE_QDIM, &g);
    const graph_tensor *b = input_of(&g, 0, 2);
    ck_assert_int_eq(b->nscale, 64);
    ck_assert_int_eq(b->quant_axis, 0);
    ck_assert(!memcmp(b->scale, b0->scale, 64 * sizeof *b->scale));
    graph_free(&g);

    /* One zero point for 64 scales: each channel's is that one. */
    import_form("kws_ref_model", TR_ONE_ZERO_POINT, &g);
    const graph_tensor *w = input_of(&g, 0, 1);
    ck_assert_int_eq(w->nscale, 64);
    ck_assert_int_eq(w->quant_axis, 0);
    for (int c = 0; c < 64; c++) {
        ck_assert_int_eq(w->zero_point[c], 0);
        ck_assert(w->scale[c] == w0->scale[c]);
    }
    graph_free(&g);

    /* One scale: axis 0, whatever quantized_dimension says. */
    import_form("kws_ref_model", TR_PER_TENSOR_QDIM, &g);
    ck_assert_int_eq(input_of(&g, 11, 1)->nscale, 1);
    ck_assert_int_eq(input_of(&g, 11, 1)->quant_axis, 0);
    ck_assert_int_eq(g.tensors[g.inputs[0]].quant_axis, 0);
    graph_free(&g);
    graph_free(&g0);

    /* vww's input as three equal channels: one scale. */
    import_form("vww_96_int8", TR_INPUT_PER_CHANNEL, &g);
    ck_assert_int_eq(g.tensors[g.inputs[0]].nscale, 1);
    ck_assert(g.tensors[g.inputs[0]].scale[0] == 0.00392156886f);
    ck_assert_int_eq(g.tensors[g.inputs[0]].zero_point[0], -128);
    graph_free(&g);
}
END_TEST

/* Why one scale must come with axis 0: the engine checks every
   quantization axis against the tensor's rank (mcn_verify.c check_quant),
   and graph_to_mcn runs that check on what it writes. */
START_TEST(engine_refuses_a_stale_axis)
{
    graph g;
    mcn_err e;
    import_form("ad01_int8", TR_PER_TENSOR_QDIM, &g);
    pack_opts po = {.keep_names = false};
    ck_assert_msg(pack_graph(&g, &po, &e) == 0, "%s", e.msg);
    graph_tensor *w = &g.tensors[g.nodes[0].in[1]];
    ck_assert_int_eq(w->rank, 2);
    ck_assert_int_eq(w->quant_axis, 0);
    uint8_t *model;
    size_t len;
    ck_assert_int_eq(graph_to_mcn(&g, &model, &len, &e), 0);
    ck_assert_int_eq(mcn_verify(model, len), MCN_OK);
    free(model);
    w->quant_axis = 3;   /* what the file says */
    ck_assert_int_eq(graph_to_mcn(&g, &model, &len, &e), -1);
    ck_assert_str_eq(e.msg, "cannot write an invalid graph (tensor 1: "
                     "quantization axis out of range)");
    graph_free(&g);
}
END_TEST

/* The int8 outputs of every reference row (TFLM_ROWS * out bytes). */
static int8_t *run_rows(const char *name, unsigned quirks, size_t *bytes)
{
    graph g;
    import_form(name, quirks, &g);
    tflm_engine r;
    tflm_engine_open(&r, &g);
    npy_array x;
    tflm_load_ref(name, "inputs", &x);
    ck_assert_uint_eq(x.nbytes, TFLM_ROWS * r.in.bytes);
    int8_t *y = malloc(TFLM_ROWS * r.out.bytes);
    ck_assert_ptr_nonnull(y);
    for (int row = 0; row < TFLM_ROWS; row++) {
        memcpy(r.in.data, (const int8_t *)x.data + row * r.in.bytes,
               r.in.bytes);
        ck_assert_int_eq(mcn_invoke(&r.ctx), MCN_OK);
        memcpy(y + row * r.out.bytes, r.out.data, r.out.bytes);
    }
    *bytes = TFLM_ROWS * r.out.bytes;
    npy_free(&x);
    tflm_engine_close(&r);
    graph_free(&g);
    return y;
}

/* A -1 bias is no bias: TFLM's reference kernels add bias_data[c] only
   when there is one (reference/integer_ops conv.h, depthwise_conv.h,
   fully_connected.h: `if (bias_data)`), so it must equal an all-zero
   bias. No TFLM bytes exist for that model; the zero-bias one, through
   the same engine, is the oracle, and it differs from TFLM's original
   outputs, so the biases were in use. */
START_TEST(absent_bias_is_a_zero_bias)
{
    const char *name = int8_models[_i];
    graph g;
    import_form(name, TR_NO_BIAS, &g);
    int weighted = 0;
    for (int k = 0; k < g.n_nodes; k++) {
        const graph_node *n = &g.nodes[k];
        if (n->op == MCN_OP_CONV_2D || n->op == MCN_OP_DEPTHWISE_CONV_2D ||
            n->op == MCN_OP_FULLY_CONNECTED) {
            ck_assert(n->n_in == 2 || n->in[2] < 0);
            weighted++;
        }
    }
    ck_assert_int_gt(weighted, 0);
    graph_free(&g);
    size_t n_none, n_zero;
    int8_t *none = run_rows(name, TR_NO_BIAS, &n_none);
    int8_t *zero = run_rows(name, TR_ZERO_BIAS, &n_zero);
    ck_assert_uint_eq(n_none, n_zero);
    long d = tflm_first_diff(none, zero, n_none);
    ck_assert_msg(d < 0, "%s: byte %ld differs", name, d);
    npy_array tflm;
    tflm_load_ref(name, "outputs", &tflm);
    ck_assert_uint_eq(tflm.nbytes, n_zero);
    ck_assert(tflm_first_diff(zero, tflm.data, n_zero) >= 0);
    npy_free(&tflm);
    free(none);
    free(zero);
}
END_TEST

/* Float tensors' quantization is not read: min/max without a scale, or
   no table at all, gives the same float graph and bit-identical float
   outputs. */
START_TEST(float_forms_run_the_same)
{
    static const unsigned quirks[2] = {TR_FLOAT_MIN_MAX, TR_DROP_EMPTY_QUANT};
    const char *name = float_models[_i / 2];
    graph g0, g;
    import_form(name, 0, &g0);
    size_t len, plain_len;
    uint8_t *b = rewrite_file(name, quirks[_i % 2], &len);
    uint8_t *plain = rewrite_file(name, 0, &plain_len);
    ck_assert(len != plain_len || memcmp(b, plain, len));
    free(plain);
    import_ok(b, len, &g);
    free(b);
    ck_assert_int_eq(g.n_nodes, g0.n_nodes);
    const graph_tensor *x = &g0.tensors[g0.inputs[0]];
    int64_t n_in = graph_tensor_elems(x);
    float *in = malloc((size_t)n_in * sizeof *in);
    ck_assert_ptr_nonnull(in);
    for (int64_t j = 0; j < n_in; j++)
        in[j] = (float)((j * 37) % 101) / 50.0f - 1.0f;
    float_exec *f0, *f;
    mcn_err e;
    ck_assert_msg(fexec_create(&f0, &g0, &e) == 0, "%s", e.msg);
    ck_assert_msg(fexec_create(&f, &g, &e) == 0, "%s", e.msg);
    const float *ins = in;
    ck_assert_msg(fexec_run(f0, &ins, &e) == 0, "%s", e.msg);
    ck_assert_msg(fexec_run(f, &ins, &e) == 0, "%s", e.msg);
    int64_t n_out = graph_tensor_elems(&g0.tensors[g0.outputs[0]]);
    ck_assert(!memcmp(fexec_tensor(f0, g0.outputs[0]),
                      fexec_tensor(f, g.outputs[0]),
                      (size_t)n_out * sizeof(float)));
    fexec_free(f0);
    fexec_free(f);
    free(in);
    graph_free(&g0);
    graph_free(&g);
}
END_TEST

/* Forms TFLM refuses, or would run meaning something else. */
START_TEST(refused_forms_name_what_is_wrong)
{
    /* TFLM runs the called subgraphs; mcn imports subgraph 0 only. */
    expect_refused("kws_ref_model", TR_CALL_ONCE,
                   "operator 0 (CALL_ONCE): runs subgraph 1 'init'; only "
                   "subgraph 0 is imported");
    expect_refused("kws_ref_model", TR_CALL_ONCE | TR_UNUSED_SUBGRAPH,
                   "operator 0 (CALL_ONCE): runs subgraph 2 'init'; only "
                   "subgraph 0 is imported");
    expect_refused("ad01_int8", TR_IF,
                   "operator 0 (IF): runs subgraphs 1 'then' and 2 'else'; "
                   "only subgraph 0 is imported");
    expect_refused("ad01_int8", TR_CALL,
                   "operator 0 (CALL): runs subgraph 1 'callee'; only "
                   "subgraph 0 is imported");
    /* micro_interpreter_graph.cc InvokeSubgraph: "Accessing subgraph %d
       but only %d subgraphs found". */
    expect_refused("ad01_int8", TR_WHILE_NO_BODY,
                   "operator 0 (WHILE): runs subgraph 99, but the model has "
                   "2");
    /* max(3, 127) is the placeholder, which names no operator. */
    expect_refused("ad01_int8", TR_CODE_ALL_PLACEHOLDER,
                   "operator 0 (PLACEHOLDER_FOR_GREATER_OP_CODES): "
                   "unsupported operator");
    /* TFLM would compute with the first channel's scale only. */
    expect_refused("vww_96_int8", TR_INPUT_PER_CHANNEL_SKEWED,
                   "model input 'input_1_int8' is an activation with 3 "
                   "different scales or zero points (TFLite quantizes "
                   "activations per tensor)");
    /* TFLite's ParseQuantization: "QuantizationParam has %d zero_point
       values and %d scale values. Must have same number." */
    expect_refused("kws_ref_model", TR_TWO_ZERO_POINTS,
                   "operator 0 (CONV_2D): input 1 'functional_1/conv2d/"
                   "Conv2D' has 64 scales but 2 zero points (one, or one "
                   "per scale, is expected)");
    /* The same: "Quantization parameters has non-null scale but null
       zero_point." */
    expect_refused("kws_ref_model", TR_NO_ZERO_POINTS,
                   "model input 'input_1' has 1 scale but no zero point");
}
END_TEST

Suite *suite_tflite_quirks(void)
{
    Suite *s = suite_create("tflite_quirks");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, plain_copy_decodes_like_the_original, 0,
                        N_MODELS);
    tcase_add_loop_test(tc, form_gives_tflm_bytes, 0, N_FORMS * N_MODELS);
    tcase_add_test(tc, quantization_forms_read_as_tflm_reads_them);
    tcase_add_test(tc, engine_refuses_a_stale_axis);
    tcase_add_loop_test(tc, absent_bias_is_a_zero_bias, 0, N_MODELS);
    tcase_add_loop_test(tc, float_forms_run_the_same, 0, 2 * N_MODELS);
    tcase_add_test(tc, refused_forms_name_what_is_wrong);
    suite_add_tcase(s, tc);
    return s;
}
