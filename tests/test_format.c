/* test_format.c: graph <-> .mcn round trips, checked against flatc both
   ways: flatc decodes what graph_to_mcn writes, and graph_from_mcn reads
   what flatc compiles from hand-written JSON. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fb_read.h"
#include "graph_io.h"
#include "mcn.h"
#include "testutil.h"

#define SCHEMA TU_SRC("schemas/mcn.fbs")

static int tensor(graph *g, const char *name, mcn_dtype dt, int rank,
                  int32_t d0, int32_t d1, int32_t d2, int32_t d3, int32_t off)
{
    int32_t shape[4] = {d0, d1, d2, d3};
    int t = graph_add_tensor(g, name, dt, rank, shape);
    ck_assert_int_ge(t, 0);
    g->tensors[t].arena_offset = off;
    return t;
}

static void constant(graph *g, int t, uint8_t seed)
{
    size_t n = graph_tensor_bytes(&g->tensors[t]);
    uint8_t *d = malloc(n);
    for (size_t i = 0; i < n; i++)
        d[i] = (uint8_t)(seed + 7 * i);
    ck_assert_int_eq(graph_set_data(g, t, d, n), 0);
    free(d);
}

static int node(graph *g, mcn_opcode op, const char *name, int in0, int in1,
                int in2, int out)
{
    int n = graph_add_node(g, op, name);
    ck_assert_int_ge(n, 0);
    graph_node_add_input(g, n, in0);
    if (in1 != -2)
        graph_node_add_input(g, n, in1);
    if (in2 != -2)
        graph_node_add_input(g, n, in2);
    graph_node_add_output(g, n, out);
    return n;
}

/* Every field of the schema with a value unlike its default and unlike
   its neighbours, so a swapped field id shows. Constants have odd sizes,
   so an unaligned buffer would show too. */
static void build_rich(graph *g)
{
    graph_init(g);
    ck_assert_int_eq(graph_set_name(&g->description, "rich graph"), 0);
    int x = tensor(g, "x", MCN_DT_INT8, 4, 1, 8, 8, 3, 0);
    g->tensors[x].layout = MCN_LAYOUT_NCHW;
    float xs = 0.5f;
    int32_t xz = -3;
    graph_set_quant(g, x, 1, &xs, &xz, 0);
    int cw = tensor(g, "conv_w", MCN_DT_INT8, 4, 4, 3, 3, 3, -1);
    constant(g, cw, 1);  /* 108 bytes */
    float ws[4] = {0.5f, 0.25f, 0.125f, 0.0625f};
    int32_t wz[4] = {0, 1, -2, 3};
    graph_set_quant(g, cw, 4, ws, wz, 0);
    int cb = tensor(g, NULL, MCN_DT_INT32, 1, 5, 0, 0, 0, -1);
    constant(g, cb, 2);  /* 20 bytes */
    int co = tensor(g, "conv_out", MCN_DT_INT8, 4, 1, 4, 4, 5, 192);
    int dw = tensor(g, "dw_w", MCN_DT_INT8, 4, 1, 3, 3, 10, -1);
    constant(g, dw, 3);  /* 90 bytes */
    int dwo = tensor(g, "dw_out", MCN_DT_INT8, 4, 1, 4, 4, 10, 272);
    int po = tensor(g, "pool_out", MCN_DT_INT8, 4, 1, 2, 2, 10, 432);
    int ao = tensor(g, "avg_out", MCN_DT_FLOAT32, 4, 1, 1, 1, 10, 480);
    int fw = tensor(g, "fc_w", MCN_DT_INT16, 2, 3, 10, 0, 0, -1);
    constant(g, fw, 4);  /* 60 bytes */
    int fo = tensor(g, "fc_out", MCN_DT_INT8, 2, 1, 3, 0, 0, 528);
    int so = tensor(g, "prob", MCN_DT_INT8, 2, 1, 3, 0, 0, 544);
    int y = tensor(g, "y", MCN_DT_INT8, 2, 1, 3, 0, 0, 560);
    int k = tensor(g, "k", MCN_DT_INT64, 0, 0, 0, 0, 0, -1);
    constant(g, k, 5);  /* a scalar: 8 bytes */

    int n = node(g, MCN_OP_CONV_2D, "conv", x, cw, cb, co);
    graph_node *c = &g->nodes[n];
    c->stride_h = 2, c->stride_w = 3, c->dilation_h = 4, c->dilation_w = 5;
    c->pad_top = 6, c->pad_left = 7, c->pad_bottom = 8, c->pad_right = 9;
    c->groups = 10;
    c->act = MCN_ACT_RELU;
    c->scratch_offset = 576;
    c->scratch_bytes = 40;
    ck_assert_int_eq(graph_set_requant(c, 5), 0);
    for (int i = 0; i < 5; i++) {
        c->rq.multiplier[i] = 1073741824 + i;
        c->rq.shift[i] = -i;
    }
    c->rq.act_min = 0;
    c->rq.act_max = 100;

    n = node(g, MCN_OP_DEPTHWISE_CONV_2D, "dw", co, dw, -1, dwo);
    g->nodes[n].depth_multiplier = 2;
    g->nodes[n].act = MCN_ACT_RELU6;

    n = node(g, MCN_OP_MAX_POOL_2D, NULL, dwo, -2, -2, po);
    c = &g->nodes[n];
    c->filter_h = 11, c->filter_w = 12, c->stride_h = 13, c->stride_w = 14;
    c->pad_top = 15, c->pad_left = 16, c->pad_bottom = 17, c->pad_right = 18;
    c->dilation_h = 19, c->dilation_w = 20;

    n = node(g, MCN_OP_AVERAGE_POOL_2D, "avg", po, -2, -2, ao);
    g->nodes[n].count_include_pad = true;
    g->nodes[n].filter_h = 2;
    g->nodes[n].act = MCN_ACT_CLIP;
    g->nodes[n].act_min = -1.5f;
    g->nodes[n].act_max = 2.25f;

    node(g, MCN_OP_FULLY_CONNECTED, "fc", ao, fw, -2, fo);

    n = node(g, MCN_OP_SOFTMAX, "softmax", fo, -2, -2, so);
    g->nodes[n].beta = 0.75f;
    g->nodes[n].has_requant = true;  /* no channels: only diff_min */
    g->nodes[n].rq.act_min = -128;
    g->nodes[n].rq.act_max = 127;
    g->nodes[n].rq.diff_min = -248;

    n = node(g, MCN_OP_ADD, "add", so, fo, -2, y);
    c = &g->nodes[n];
    ck_assert_int_eq(graph_set_requant(c, 1), 0);
    c->rq.multiplier[0] = 1500000000;
    c->rq.shift[0] = -19;
    c->rq.left_shift = 20;
    c->rq.input1_multiplier = 1200000000;
    c->rq.input1_shift = -1;
    c->rq.input2_multiplier = 1100000000;
    c->rq.input2_shift = -2;

    g->inputs[g->n_inputs++] = x;
    g->outputs[g->n_outputs++] = y;
    g->outputs[g->n_outputs++] = so;
    g->arena_bytes = 640;
}

static void same_str(const char *a, const char *b)
{
    if (!a || !b)
        ck_assert_ptr_eq(a, b);
    else
        ck_assert_str_eq(a, b);
}

static void same_graph(const graph *a, const graph *b)
{
    same_str(a->description, b->description);
    ck_assert_uint_eq(a->arena_bytes, b->arena_bytes);
    ck_assert_int_eq(a->n_inputs, b->n_inputs);
    ck_assert_int_eq(a->n_outputs, b->n_outputs);
    for (int i = 0; i < a->n_inputs; i++)
        ck_assert_int_eq(a->inputs[i], b->inputs[i]);
    for (int i = 0; i < a->n_outputs; i++)
        ck_assert_int_eq(a->outputs[i], b->outputs[i]);
    ck_assert_int_eq(a->n_tensors, b->n_tensors);
    for (int i = 0; i < a->n_tensors; i++) {
        const graph_tensor *s = &a->tensors[i], *t = &b->tensors[i];
        same_str(s->name, t->name);
        ck_assert_int_eq(s->dtype, t->dtype);
        ck_assert_int_eq(s->rank, t->rank);
        for (int d = 0; d < s->rank; d++)
            ck_assert_int_eq(s->shape[d], t->shape[d]);
        ck_assert_int_eq(s->layout, t->layout);
        ck_assert_int_eq(s->nscale, t->nscale);
        for (int q = 0; q < s->nscale; q++) {
            ck_assert_float_eq(s->scale[q], t->scale[q]);
            ck_assert_int_eq(s->zero_point[q], t->zero_point[q]);
        }
        if (s->nscale)
            ck_assert_int_eq(s->quant_axis, t->quant_axis);
        ck_assert_int_eq(s->data != NULL, t->data != NULL);
        ck_assert_uint_eq(s->nbytes, t->nbytes);
        if (s->data)
            ck_assert_mem_eq(s->data, t->data, s->nbytes);
        ck_assert_int_eq(s->arena_offset, t->arena_offset);
    }
    ck_assert_int_eq(a->n_nodes, b->n_nodes);
    for (int i = 0; i < a->n_nodes; i++) {
        const graph_node *s = &a->nodes[i], *t = &b->nodes[i];
        ck_assert_int_eq(s->op, t->op);
        same_str(s->name, t->name);
        ck_assert_int_eq(s->n_in, t->n_in);
        ck_assert_int_eq(s->n_out, t->n_out);
        ck_assert_mem_eq(s->in, t->in, sizeof s->in[0] * (size_t)s->n_in);
        ck_assert_mem_eq(s->out, t->out, sizeof s->out[0] * (size_t)s->n_out);
        int conv = s->op == MCN_OP_CONV_2D ||
                   s->op == MCN_OP_DEPTHWISE_CONV_2D;
        int pool = s->op == MCN_OP_MAX_POOL_2D ||
                   s->op == MCN_OP_AVERAGE_POOL_2D;
        if (conv || pool) {
            ck_assert_int_eq(s->stride_h, t->stride_h);
            ck_assert_int_eq(s->stride_w, t->stride_w);
            ck_assert_int_eq(s->pad_top, t->pad_top);
            ck_assert_int_eq(s->pad_left, t->pad_left);
            ck_assert_int_eq(s->pad_bottom, t->pad_bottom);
            ck_assert_int_eq(s->pad_right, t->pad_right);
        }
        if (conv || pool) {
            ck_assert_int_eq(s->dilation_h, t->dilation_h);
            ck_assert_int_eq(s->dilation_w, t->dilation_w);
        }
        if (conv) {
            ck_assert_int_eq(s->groups, t->groups);
            ck_assert_int_eq(s->depth_multiplier, t->depth_multiplier);
        }
        if (pool) {
            ck_assert_int_eq(s->filter_h, t->filter_h);
            ck_assert_int_eq(s->filter_w, t->filter_w);
            ck_assert_int_eq(s->count_include_pad, t->count_include_pad);
        }
        if (s->op == MCN_OP_SOFTMAX)
            ck_assert_float_eq(s->beta, t->beta);
        ck_assert_int_eq(s->act, t->act);
        ck_assert_float_eq(s->act_min, t->act_min);
        ck_assert_float_eq(s->act_max, t->act_max);
        ck_assert_int_eq(s->has_requant, t->has_requant);
        ck_assert_int_eq(s->rq.n, t->rq.n);
        for (int q = 0; q < s->rq.n; q++) {
            ck_assert_int_eq(s->rq.multiplier[q], t->rq.multiplier[q]);
            ck_assert_int_eq(s->rq.shift[q], t->rq.shift[q]);
        }
        if (s->has_requant) {
            ck_assert_int_eq(s->rq.act_min, t->rq.act_min);
            ck_assert_int_eq(s->rq.act_max, t->rq.act_max);
            ck_assert_int_eq(s->rq.left_shift, t->rq.left_shift);
            ck_assert_int_eq(s->rq.input1_multiplier, t->rq.input1_multiplier);
            ck_assert_int_eq(s->rq.input1_shift, t->rq.input1_shift);
            ck_assert_int_eq(s->rq.input2_multiplier, t->rq.input2_multiplier);
            ck_assert_int_eq(s->rq.input2_shift, t->rq.input2_shift);
            ck_assert_int_eq(s->rq.diff_min, t->rq.diff_min);
        }
        ck_assert_int_eq(s->scratch_offset, t->scratch_offset);
        ck_assert_uint_eq(s->scratch_bytes, t->scratch_bytes);
    }
}

START_TEST(round_trip_keeps_every_field)
{
    graph g, back;
    mcn_err e = {0};
    uint8_t *buf, *again;
    size_t len, len2;
    build_rich(&g);
    ck_assert_msg(graph_to_mcn(&g, &buf, &len, &e) == 0, "%s", e.msg);
    ck_assert_int_eq(mcn_verify(buf, len), MCN_OK);
    ck_assert_msg(graph_from_mcn(&back, buf, len, &e) == 0, "%s", e.msg);
    same_graph(&g, &back);
    /* Writing is deterministic: the same graph, the same bytes. */
    ck_assert_int_eq(graph_to_mcn(&back, &again, &len2, &e), 0);
    ck_assert_uint_eq(len, len2);
    ck_assert_mem_eq(buf, again, len);
    free(buf);
    free(again);
    graph_free(&g);
    graph_free(&back);
}
END_TEST

START_TEST(constant_data_is_16_byte_aligned)
{
    graph g;
    uint8_t *m;
    size_t len;
    build_rich(&g);
    ck_assert_int_eq(graph_to_mcn(&g, &m, &len, NULL), 0);
    uint32_t root = fb_u32(m), nt, nb, consts = 0;
    uint32_t tv = fb_get_vector(m, root, MCN_MODEL_TENSORS, &nt);
    uint32_t bv = fb_get_vector(m, root, MCN_MODEL_BUFFERS, &nb);
    ck_assert_uint_eq(nb, 6);  /* buffers[0] and one per constant */
    uint32_t n0;
    (void)fb_get_vector(m, fb_vector_table(m, bv, 0), MCN_BUFFER_DATA, &n0);
    ck_assert_uint_eq(n0, 0);
    for (uint32_t i = 0; i < nt; i++) {
        uint32_t t = fb_vector_table(m, tv, i);
        uint32_t buf = fb_get_u32(m, t, MCN_TENSOR_BUFFER, 0), n;
        if (!buf)
            continue;
        uint32_t data = fb_get_vector(m, fb_vector_table(m, bv, buf),
                                      MCN_BUFFER_DATA, &n);
        ck_assert_uint_eq(data % MCN_BUFFER_ALIGN, 0);
        ck_assert_uint_eq(n, g.tensors[i].nbytes);
        ck_assert_mem_eq(m + data, g.tensors[i].data, n);
        consts++;
    }
    ck_assert_uint_eq(consts, 5);
    /* The whole file is a multiple of 16, so an array of it keeps this. */
    ck_assert_uint_eq(len % MCN_BUFFER_ALIGN, 0);
    free(m);
    graph_free(&g);
}
END_TEST

/* The file as flatc prints it, with all whitespace removed. */
static char *flatc_json(const char *dir, const char *mcn)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "flatc --json --raw-binary --strict-json -o '%s' '%s' -- '%s'",
             dir, SCHEMA, mcn);
    char *err = NULL;
    int rc = tu_run(cmd, NULL, &err);
    ck_assert_msg(rc == 0, "flatc failed: %s", err ? err : "");
    free(err);
    snprintf(cmd, sizeof cmd, "%s/m.json", dir);
    size_t n;
    char *j = (char *)tu_read_file(cmd, &n);
    ck_assert_ptr_nonnull(j);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (j[i] != ' ' && j[i] != '\n')
            j[k++] = j[i];
    j[k] = '\0';
    return j;
}

START_TEST(flatc_decodes_what_we_write)
{
    static const char *const expect[] = {
        "\"version\":1", "\"description\":\"richgraph\"",
        "\"arena_bytes\":640", "\"inputs\":[0]", "\"outputs\":[11,10]",
        /* tensors */
        "\"name\":\"x\",\"dtype\":\"INT8\",\"shape\":[1,8,8,3],"
        "\"quant\":{\"scale\":[0.5],\"zero_point\":[-3]},\"arena_offset\":0,"
        "\"layout\":\"NCHW\"",
        "\"name\":\"conv_w\",\"dtype\":\"INT8\",\"shape\":[4,3,3,3],"
        "\"buffer\":1,\"quant\":{\"scale\":[0.5,0.25,0.125,0.0625],"
        "\"zero_point\":[0,1,-2,3]}}",
        "{\"dtype\":\"INT32\",\"shape\":[5],\"buffer\":2}",
        "\"name\":\"avg_out\",\"shape\":[1,1,1,10],"  /* FLOAT32: default */
        "\"arena_offset\":480}",
        "\"name\":\"fc_w\",\"dtype\":\"INT16\",\"shape\":[3,10],\"buffer\":4}",
        "\"name\":\"k\",\"dtype\":\"INT64\",\"shape\":[],\"buffer\":5}",
        /* operators */
        "\"inputs\":[0,1,2],\"outputs\":[3],"
        "\"options_type\":\"Conv2DOptions\","
        "\"options\":{\"stride_h\":2,\"stride_w\":3,\"dilation_h\":4,"
        "\"dilation_w\":5,\"pad_top\":6,\"pad_left\":7,\"pad_bottom\":8,"
        "\"pad_right\":9,\"groups\":10},\"activation\":\"RELU\","
        "\"requant\":{\"multiplier\":[1073741824,1073741825,1073741826,"
        "1073741827,1073741828],\"shift\":[0,-1,-2,-3,-4],\"act_min\":0,"
        "\"act_max\":100},\"name\":\"conv\",\"scratch_offset\":576,"
        "\"scratch_bytes\":40}",
        "\"opcode\":\"DEPTHWISE_CONV_2D\",\"inputs\":[3,4,-1],\"outputs\":[5],"
        "\"options_type\":\"Conv2DOptions\",\"options\":{"
        "\"depth_multiplier\":2},\"activation\":\"RELU6\",\"name\":\"dw\"}",
        "\"opcode\":\"MAX_POOL_2D\",\"inputs\":[5],\"outputs\":[6],"
        "\"options_type\":\"Pool2DOptions\",\"options\":{\"filter_h\":11,"
        "\"filter_w\":12,\"stride_h\":13,\"stride_w\":14,\"pad_top\":15,"
        "\"pad_left\":16,\"pad_bottom\":17,\"pad_right\":18,"
        "\"dilation_h\":19,\"dilation_w\":20}}",
        "\"options\":{\"filter_h\":2,\"count_include_pad\":true},"
        "\"activation\":\"CLIP\",\"act_min\":-1.5,\"act_max\":2.25,"
        "\"name\":\"avg\"}",
        "{\"opcode\":\"FULLY_CONNECTED\",\"inputs\":[7,8],\"outputs\":[9],"
        "\"name\":\"fc\"}",
        "\"opcode\":\"SOFTMAX\",\"inputs\":[9],\"outputs\":[10],"
        "\"options_type\":\"SoftmaxOptions\",\"options\":{\"beta\":0.75},"
        "\"requant\":{\"diff_min\":-248},\"name\":\"softmax\"}",
        "\"opcode\":\"ADD\",\"inputs\":[10,9],\"outputs\":[11],\"requant\":{"
        "\"multiplier\":[1500000000],\"shift\":[-19],\"left_shift\":20,"
        "\"input1_multiplier\":1200000000,\"input1_shift\":-1,"
        "\"input2_multiplier\":1100000000,\"input2_shift\":-2},"
        "\"name\":\"add\"}",
        /* buffers: the empty one, then conv_w's first bytes (seed 1) */
        "\"buffers\":[{},{\"data\":[1,8,15,22,",
    };
    graph g;
    mcn_err e = {0};
    char *dir = tu_mkdtemp(), path[512];
    snprintf(path, sizeof path, "%s/m.mcn", dir);
    build_rich(&g);
    ck_assert_msg(graph_save_file(&g, path, &e) == 0, "%s", e.msg);
    char *json = flatc_json(dir, path);
    for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++)
        ck_assert_msg(strstr(json, expect[i]), "flatc output lacks %s\n%s",
                      expect[i], json);
    free(json);
    graph_free(&g);
    tu_rmdir(dir);
}
END_TEST

/* flatc -b FILE.json into dir; returns the malloc'd .mcn bytes. */
static uint8_t *flatc_compile(const char *dir, const char *json,
                              const char *stem, size_t *len)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "flatc -b -o '%s' '%s' '%s'", dir, SCHEMA, json);
    char *err = NULL;
    int rc = tu_run(cmd, NULL, &err);
    ck_assert_msg(rc == 0, "flatc failed: %s", err ? err : "");
    free(err);
    snprintf(cmd, sizeof cmd, "%s/%s.mcn", dir, stem);
    uint8_t *m = tu_read_file(cmd, len);
    ck_assert_ptr_nonnull(m);
    return m;
}

/*
** tiny_fc.json, by hand. x = [10, -20, 30, 5], zp_in = -3, so x - zp_in =
** [13, -17, 33, 8]; w = [[1, 2, -3, 4], [-5, 6, 7, -8]]; bias [100, -250].
**   acc0 = 100 + 13 - 34 - 99 + 32 = 12
**   acc1 = -250 - 65 - 102 + 231 - 64 = -250
** MultiplyByQuantizedMultiplier(acc, m, shift):
**   ch0: m = 2^30 (0.5), shift 0: SRDHM(12, 2^30) = (12*2^30 + 2^30) / 2^31
**        = 6.5, truncated to 6; out = 5 + 6 = 11, clamped to act_max 10.
**   ch1: m = 1518500250 (~0.7071), shift -2:
**        SRDHM(-250, m) = (-379625062500 + 1 - 2^30) / 2^31 = -177.28 -> -177
**        RoundingDivideByPOT(-177, 2): -177 / 4 = -44.25 -> -44
**        (remainder 3 > threshold 2 rounds -45 up); out = 5 - 44 = -39.
*/
START_TEST(hand_written_model_runs)
{
    char *dir = tu_mkdtemp();
    size_t len;
    uint8_t *m = flatc_compile(dir, TU_SRC("tests/data/format/tiny_fc.json"),
                               "tiny_fc", &len);
    ck_assert_int_eq(mcn_verify(m, len), MCN_OK);
    ck_assert_uint_eq(mcn_arena_bytes(m, len), 32);

    graph g;
    mcn_err e = {0};
    ck_assert_msg(graph_from_mcn(&g, m, len, &e) == 0, "%s", e.msg);
    ck_assert_int_eq(g.n_tensors, 4);
    ck_assert_int_eq(g.n_nodes, 1);
    ck_assert_int_eq(g.nodes[0].op, MCN_OP_FULLY_CONNECTED);
    ck_assert_int_eq(g.nodes[0].rq.n, 2);
    ck_assert_int_eq(g.nodes[0].rq.multiplier[1], 1518500250);
    ck_assert_int_eq(g.nodes[0].rq.shift[1], -2);
    ck_assert_int_eq(g.nodes[0].rq.act_max, 10);
    ck_assert_int_eq(g.tensors[2].dtype, MCN_DT_INT32);
    ck_assert_int_eq(((const int32_t *)g.tensors[2].data)[1], -250);
    ck_assert_int_eq(g.tensors[3].arena_offset, 16);
    ck_assert_float_eq(g.tensors[1].scale[0], 0.125f);
    graph_free(&g);

    static uint8_t arena[32] __attribute__((aligned(16)));
    mcn_ctx ctx;
    mcn_tensor in, out;
    ck_assert_int_eq(mcn_init(&ctx, m, len, arena, sizeof arena), MCN_OK);
    ck_assert_int_eq(mcn_input(&ctx, 0, &in), MCN_OK);
    ck_assert_uint_eq(in.bytes, 4);
    const int8_t x[4] = {10, -20, 30, 5};
    memcpy(in.data, x, sizeof x);
    ck_assert_int_eq(mcn_invoke(&ctx), MCN_OK);
    ck_assert_int_eq(mcn_output(&ctx, 0, &out), MCN_OK);
    ck_assert_uint_eq(out.bytes, 2);
    ck_assert_int_eq(((const int8_t *)out.data)[0], 10);
    ck_assert_int_eq(((const int8_t *)out.data)[1], -39);
    free(m);
    tu_rmdir(dir);
}
END_TEST

START_TEST(load_errors_are_one_clear_line)
{
    graph g;
    mcn_err e = {0};
    uint8_t *m;
    size_t len;
    build_rich(&g);
    ck_assert_int_eq(graph_to_mcn(&g, &m, &len, &e), 0);
    graph_free(&g);

    ck_assert_int_eq(graph_from_mcn(&g, m, 5, &e), -1);
    ck_assert_str_eq(e.msg, "truncated (5 bytes, shorter than any model)");
    ck_assert_int_eq(graph_from_mcn(&g, m, len / 2, &e), -1);
    ck_assert_msg(strncmp(e.msg, "truncated or corrupt (", 22) == 0, "%s",
                  e.msg);
    uint32_t vf = fb_field(m, fb_u32(m), MCN_MODEL_VERSION);
    m[vf] = 7;
    ck_assert_int_eq(graph_from_mcn(&g, m, len, &e), -1);
    ck_assert_str_eq(e.msg, "format version 7, this build reads version 1");
    m[4] = 'T';  /* say, a TFLite file ("TFL3") */
    ck_assert_int_eq(graph_from_mcn(&g, m, len, &e), -1);
    ck_assert_str_eq(e.msg, "not an mcn model (bad file identifier)");
    free(m);

    ck_assert_int_eq(graph_load_file(&g, "/nonexistent/x.mcn", &e), -1);
    ck_assert_str_eq(e.msg, "cannot open: No such file or directory");
}
END_TEST

START_TEST(invalid_graph_is_not_written)
{
    graph g;
    mcn_err e = {0};
    uint8_t *m;
    size_t len;
    build_rich(&g);
    float s3[3] = {1, 2, 3};
    graph_set_quant(&g, 1, 3, s3, NULL, 0);  /* conv_w has 4 channels */
    ck_assert_int_eq(graph_to_mcn(&g, &m, &len, &e), -1);
    ck_assert_ptr_null(m);
    ck_assert_str_eq(e.msg, "cannot write an invalid graph (tensor 1: "
                            "per-channel scale count differs from the axis "
                            "size)");
    graph_free(&g);
}
END_TEST

START_TEST(too_many_operator_inputs_are_reported)
{
    char *dir = tu_mkdtemp(), path[512];
    snprintf(path, sizeof path, "%s/wide.json", dir);
    const char *json =
        "{ version: 1, tensors: [ { shape: [1] } ],"
        "  operators: [ { opcode: ADD, inputs: [0, 0, 0, 0, 0],"
        "                 outputs: [0] } ], inputs: [0] }";
    ck_assert_int_eq(tu_write_file(path, json, strlen(json)), 0);
    size_t len;
    uint8_t *m = flatc_compile(dir, path, "wide", &len);
    ck_assert_int_eq(mcn_verify(m, len), MCN_OK);
    graph g;
    mcn_err e = {0};
    ck_assert_int_eq(graph_from_mcn(&g, m, len, &e), -1);
    ck_assert_str_eq(e.msg, "operator 0: 5 inputs, at most 4 supported");
    ck_assert_int_eq(g.n_tensors, 0);  /* left empty */
    free(m);
    tu_rmdir(dir);
}
END_TEST

Suite *suite_format(void)
{
    Suite *s = suite_create("format");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, round_trip_keeps_every_field);
    tcase_add_test(tc, constant_data_is_16_byte_aligned);
    tcase_add_test(tc, flatc_decodes_what_we_write);
    tcase_add_test(tc, hand_written_model_runs);
    tcase_add_test(tc, load_errors_are_one_clear_line);
    tcase_add_test(tc, invalid_graph_is_not_written);
    tcase_add_test(tc, too_many_operator_inputs_are_reported);
    suite_add_tcase(s, tc);
    return s;
}
