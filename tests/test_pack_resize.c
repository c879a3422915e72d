/* test_pack_resize.c: the tables the packer derives for RESIZE
   (packer/requant_resize.c), checked entry by entry against values worked
   by hand from TFLM's formulas (test_kernel_resize.c shows the working
   for the TFLite modes) and from mcn's rules where TFLite has none; that
   packing twice changes nothing; what the packer refuses, naming the
   node; and that mcn_init refuses a table entry the kernels could not
   follow safely. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"
#include "graph_io.h"
#include "mcn.h"
#include "pack.h"

static _Alignas(16) uint8_t arena[4096];

static int act8(graph *g, const char *name, int32_t h, int32_t w, int32_t c,
                float scale, int32_t zp)
{
    const int32_t shape[4] = {1, h, w, c};
    int t = graph_add_tensor(g, name, MCN_DT_INT8, 4, shape);
    graph_set_quant(g, t, 1, &scale, &zp, 0);
    return t;
}

/* x [1,h,w,1] -> RESIZE -> y [1,oh,ow,1], both at (0.5, 3). */
static graph_node *one_resize(graph *g, int32_t h, int32_t w, int32_t oh,
                              int32_t ow, mcn_resize_mode mode,
                              mcn_coord_mode coord)
{
    graph_init(g);
    int x = act8(g, "x", h, w, 1, 0.5f, 3);
    int y = act8(g, "y", oh, ow, 1, 0.5f, 3);
    int n = graph_add_node(g, MCN_OP_RESIZE, "rs");
    graph_node_add_input(g, n, x);
    graph_node_add_output(g, n, y);
    g->inputs[g->n_inputs++] = x;
    g->outputs[g->n_outputs++] = y;
    graph_node *nd = &g->nodes[n];
    nd->resize_mode = mode;
    nd->coord_mode = coord;
    return nd;
}

static void pack_ok(graph *g)
{
    mcn_err e = {0};
    ck_assert_msg(pack_graph(g, NULL, &e) == 0, "%s", e.msg);
    ck_assert_int_eq(g->nodes[0].n_in, 3);
}

/* Table k (1 rows, 2 columns) of node 0 is exactly want[n]. */
static void table_is(const graph *g, int k, const int32_t *want, int n)
{
    const graph_tensor *t = &g->tensors[g->nodes[0].in[k]];
    ck_assert_int_eq(t->dtype, MCN_DT_INT32);
    ck_assert_int_eq(t->rank, 1);
    ck_assert_int_eq(t->shape[0], n);
    const int32_t *v = t->data;
    for (int i = 0; i < n; i++)
        ck_assert_msg(v[i] == want[i], "table %d entry %d is %d, not %d", k,
                      i, (int)v[i], (int)want[i]);
}

/* TFLite's three modes: rows 2 -> 4, columns 3 -> 2 (the tables of
   test_kernel_resize.c's header). */
START_TEST(bilinear_tables_are_tflm_coordinates)
{
    static const struct {
        mcn_coord_mode coord;
        int32_t rows[12], cols[6];
    } cases[] = {
        {MCN_COORD_ASYMMETRIC, {0, 0, 0, 0, 1, 512, 1, 1, 0, 1, 1, 512},
         {0, 0, 0, 1, 2, 512}},
        {MCN_COORD_HALF_PIXEL, {0, 0, -256, 0, 1, 256, 0, 1, 768, 1, 1, 256},
         {0, 1, 256, 1, 2, 768}},
        {MCN_COORD_ALIGN_CORNERS, {0, 0, 0, 0, 1, 341, 0, 1, 682, 0, 1, 1023},
         {0, 0, 0, 2, 2, 0}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        graph g;
        one_resize(&g, 2, 3, 4, 2, MCN_RESIZE_BILINEAR, cases[i].coord);
        pack_ok(&g);
        table_is(&g, 1, cases[i].rows, 12);
        table_is(&g, 2, cases[i].cols, 6);
        ck_assert(!g.nodes[0].has_requant);
        graph_free(&g);
    }
}
END_TEST

/* mcn's rules where TFLite has none:
   - PYTORCH_HALF_PIXEL with one output row: coordinate 0, (0,0,0); the
     same 3 -> 1 in HALF_PIXEL is the middle row: step 3072, v = 1536 -
     512 = 1024 -> (1,1,0). Columns 3 -> 2 as HALF_PIXEL's.
   - a scale the model gave: 4 -> 2 at 0.6 (ONNX's floor(2.4) = 2) maps
     with 1 / 0.6, step round(1024 / 0.6f) = round(1706.67) = 1707:
     (0,0,0) (1,2,683), where out / in would give step 2048 and (2,2,0).
     ALIGN_CORNERS at 0.6: in * s = 2.4000001 (float), step round(1024 *
     3 / 1.4000001) = round(2194.29) = 2194: (0,0,0) (2,3,146).
   - 1 -> 89 rows, asymmetric: step (1024 + 44) / 89 = 12; row 85 at
     v = 1020 is (0,0,1020), but from row 86 (v = 1032) TFLM's lower
     index is 1, past the only row: row 88 (v = 1056) is (0,0,32). */
START_TEST(bilinear_tables_beyond_tflite)
{
    graph g;
    one_resize(&g, 3, 3, 1, 2, MCN_RESIZE_BILINEAR,
               MCN_COORD_PYTORCH_HALF_PIXEL);
    pack_ok(&g);
    table_is(&g, 1, (const int32_t[]){0, 0, 0}, 3);
    table_is(&g, 2, (const int32_t[]){0, 1, 256, 1, 2, 768}, 6);
    graph_free(&g);
    one_resize(&g, 3, 3, 1, 2, MCN_RESIZE_BILINEAR, MCN_COORD_HALF_PIXEL);
    pack_ok(&g);
    table_is(&g, 1, (const int32_t[]){1, 1, 0}, 3);
    graph_free(&g);

    one_resize(&g, 4, 4, 2, 2, MCN_RESIZE_BILINEAR, MCN_COORD_ASYMMETRIC)
        ->resize_scale_h = 0.6f;
    pack_ok(&g);
    table_is(&g, 1, (const int32_t[]){0, 0, 0, 1, 2, 683}, 6);
    table_is(&g, 2, (const int32_t[]){0, 0, 0, 2, 2, 0}, 6);
    graph_free(&g);
    one_resize(&g, 4, 4, 2, 2, MCN_RESIZE_BILINEAR, MCN_COORD_ALIGN_CORNERS)
        ->resize_scale_w = 0.6f;
    pack_ok(&g);
    table_is(&g, 2, (const int32_t[]){0, 0, 0, 2, 3, 146}, 6);
    graph_free(&g);

    one_resize(&g, 1, 1, 89, 1, MCN_RESIZE_BILINEAR, MCN_COORD_ASYMMETRIC);
    pack_ok(&g);
    const int32_t *rows = g.tensors[g.nodes[0].in[1]].data;
    ck_assert_int_eq(rows[3 * 85], 0);
    ck_assert_int_eq(rows[3 * 85 + 1], 0);
    ck_assert_int_eq(rows[3 * 85 + 2], 1020);
    ck_assert_int_eq(rows[3 * 88], 0);
    ck_assert_int_eq(rows[3 * 88 + 1], 0);
    ck_assert_int_eq(rows[3 * 88 + 2], 32);
    graph_free(&g);
}
END_TEST

/* NEAREST tables are the float path's indices.
   ONNX HALF_PIXEL, rows 4 -> 2: coordinates (o + 0.5) * 2 - 0.5 = 0.5,
   2.5, ties: ROUND_PREFER_CEIL reads 1, 3, ROUND_PREFER_FLOOR 0, 2;
   columns 3 -> 2: 0.25, 1.75 -> 0, 2 either way.
   TFLite's float arithmetic, 26 -> 22 asymmetric: 11 * (26 / 22) is 13
   exactly, but the float quotient 1.1818181f times 11 rounds below 13,
   so TFLM reads row 12 there; an ONNX node (exact) reads 13. */
START_TEST(nearest_tables_follow_the_float_path)
{
    graph g;
    graph_node *n =
        one_resize(&g, 4, 3, 2, 2, MCN_RESIZE_NEAREST, MCN_COORD_HALF_PIXEL);
    n->nearest_mode = MCN_NEAREST_ROUND_PREFER_CEIL;
    pack_ok(&g);
    table_is(&g, 1, (const int32_t[]){1, 3}, 2);
    table_is(&g, 2, (const int32_t[]){0, 2}, 2);
    graph_free(&g);
    one_resize(&g, 4, 3, 2, 2, MCN_RESIZE_NEAREST, MCN_COORD_HALF_PIXEL);
    pack_ok(&g);
    table_is(&g, 1, (const int32_t[]){0, 2}, 2);
    graph_free(&g);

    for (int tflite = 0; tflite < 2; tflite++) {
        n = one_resize(&g, 26, 1, 22, 1, MCN_RESIZE_NEAREST,
                       MCN_COORD_ASYMMETRIC);
        n->nearest_mode = MCN_NEAREST_FLOOR;
        n->resize_tflite = tflite;
        pack_ok(&g);
        const int32_t *rows = g.tensors[g.nodes[0].in[1]].data;
        ck_assert_int_eq(rows[10], 11);   /* 11.8: both floor to 11 */
        ck_assert_int_eq(rows[11], tflite ? 12 : 13);
        graph_free(&g);
    }
}
END_TEST

/* Packing a packed graph (read back from its .mcn) keeps the same two
   tables; a constant the node had besides x (ONNX's roi) is dropped. */
START_TEST(packing_twice_changes_nothing)
{
    graph g, back;
    one_resize(&g, 2, 3, 4, 2, MCN_RESIZE_BILINEAR, MCN_COORD_HALF_PIXEL);
    const int32_t s1[1] = {8};
    int roi = graph_add_tensor(&g, "roi", MCN_DT_FLOAT32, 1, s1);
    graph_set_data(&g, roi, (const float[8]){0}, 8 * sizeof(float));
    graph_node_add_input(&g, 0, roi);
    graph_node_add_input(&g, 0, roi);   /* read twice: not reused */
    pack_ok(&g);
    ck_assert_int_ne(g.nodes[0].in[1], roi);
    ck_assert_int_ne(g.nodes[0].in[2], roi);
    uint8_t *buf;
    size_t len;
    mcn_err e = {0};
    ck_assert_msg(graph_to_mcn(&g, &buf, &len, &e) == 0, "%s", e.msg);
    ck_assert_msg(graph_from_mcn(&back, buf, len, &e) == 0, "%s", e.msg);
    int tensors = back.n_tensors, rows = back.nodes[0].in[1];
    pack_ok(&back);
    ck_assert_int_eq(back.n_tensors, tensors);
    ck_assert_int_eq(back.nodes[0].in[1], rows);
    table_is(&back, 1,
             (const int32_t[]){0, 0, -256, 0, 1, 256, 0, 1, 768, 1, 1, 256},
             12);
    uint8_t *buf2;
    size_t len2;
    ck_assert_msg(graph_to_mcn(&back, &buf2, &len2, &e) == 0, "%s", e.msg);
    ck_assert_uint_eq(len2, len);
    ck_assert_mem_eq(buf2, buf, len);
    free(buf);
    free(buf2);
    graph_free(&g);
    graph_free(&back);
}
END_TEST

static void expect_pack_error(graph *g, const char *want)
{
    mcn_err e = {0};
    ck_assert_int_eq(pack_graph(g, NULL, &e), -1);
    ck_assert_str_eq(e.msg, want);
    graph_free(g);
}

START_TEST(packer_refuses_what_int8_cannot_do)
{
    graph g;
    one_resize(&g, 2, 2, 4, 4, MCN_RESIZE_NEAREST, MCN_COORD_ASYMMETRIC);
    g.tensors[1].zero_point[0] = 4;
    expect_pack_error(&g, "node 0 'rs' (RESIZE): input and output "
                      "quantization differ (scale 0.5, zero point 3 vs "
                      "scale 0.5, zero point 4)");
    one_resize(&g, 2, 2, 4, 4, MCN_RESIZE_BILINEAR, MCN_COORD_ASYMMETRIC)
        ->act = MCN_ACT_RELU;
    expect_pack_error(&g, "node 0 'rs' (RESIZE): a fused activation is not "
                      "supported here");
    one_resize(&g, 2, 2, 4, 4, MCN_RESIZE_NEAREST,
               MCN_COORD_PYTORCH_HALF_PIXEL)->resize_tflite = true;
    expect_pack_error(&g, "node 0 'rs' (RESIZE): unknown mode (resize 0, "
                      "coordinates 3, nearest 0)");
    one_resize(&g, 2, 2, 4, 4, MCN_RESIZE_BILINEAR, MCN_COORD_ASYMMETRIC)
        ->resize_scale_w = 1e-7f;
    expect_pack_error(&g, "node 0 'rs' (RESIZE): width 2 -> 4 at scale "
                      "1e-07 is out of range for 10-bit fixed-point "
                      "coordinates");
}
END_TEST

/* mcn_init refuses tables the kernels could not follow: the packed
   2 -> 4 (rows), 3 -> 2 (columns) graph edited after packing. */
static void row_past_input(graph *g, int32_t *r, int32_t *c)
{
    (void)g, (void)c;
    r[3 * 3 + 1] = 2;   /* upper index of the last row: H is 2 */
}
static void column_negative(graph *g, int32_t *r, int32_t *c)
{
    (void)g, (void)r;
    c[0] = -1;
}
static void fraction_too_large(graph *g, int32_t *r, int32_t *c)
{
    (void)g, (void)c;
    r[3 * 1 + 2] = 1024;
}
static void negative_fraction_between_rows(graph *g, int32_t *r, int32_t *c)
{
    (void)g, (void)r;
    c[2] = -256;   /* (0, 1, -256): extrapolates past int8 */
}
static void table_too_short(graph *g, int32_t *r, int32_t *c)
{
    (void)r, (void)c;
    g->tensors[g->nodes[0].in[2]].shape[0] = 5;
    g->tensors[g->nodes[0].in[2]].nbytes = 20;
}
static void table_missing(graph *g, int32_t *r, int32_t *c)
{
    (void)r, (void)c;
    g->nodes[0].n_in = 2;
}
static void rescales(graph *g, int32_t *r, int32_t *c)
{
    (void)r, (void)c;
    g->tensors[1].scale[0] = 0.25f;
}

START_TEST(prepare_refuses_tables_outside_the_input)
{
    static const struct {
        void (*edit)(graph *, int32_t *, int32_t *);
        mcn_status want;
    } cases[] = {
        {row_past_input, MCN_ERR_MODEL},
        {column_negative, MCN_ERR_MODEL},
        {fraction_too_large, MCN_ERR_MODEL},
        {negative_fraction_between_rows, MCN_ERR_MODEL},
        {table_too_short, MCN_ERR_MODEL},
        {table_missing, MCN_ERR_MODEL},
        {rescales, MCN_ERR_UNSUPPORTED},
        {NULL, MCN_OK},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        graph g;
        one_resize(&g, 2, 3, 4, 2, MCN_RESIZE_BILINEAR, MCN_COORD_HALF_PIXEL);
        pack_ok(&g);
        if (cases[i].edit)
            cases[i].edit(&g, g.tensors[g.nodes[0].in[1]].data,
                          g.tensors[g.nodes[0].in[2]].data);
        uint8_t *buf;
        size_t len;
        mcn_err e = {0};
        ck_assert_msg(graph_to_mcn(&g, &buf, &len, &e) == 0, "%s", e.msg);
        ck_assert_uint_le(g.arena_bytes, sizeof arena);
        graph_free(&g);
        mcn_ctx ctx;
        mcn_status s = mcn_init(&ctx, buf, len, arena, sizeof arena);
        ck_assert_msg(s == cases[i].want, "case %zu: status %d, want %d", i,
                      (int)s, (int)cases[i].want);
        if (s != MCN_OK)
            ck_assert_int_eq(ctx.failed_op, 0);
        free(buf);
    }
}
END_TEST

/* And NEAREST's: an index equal to the input's length. */
START_TEST(prepare_refuses_nearest_index_past_input)
{
    for (int bad = 0; bad < 2; bad++) {
        graph g;
        one_resize(&g, 2, 3, 4, 2, MCN_RESIZE_NEAREST, MCN_COORD_ASYMMETRIC);
        pack_ok(&g);
        if (bad)
            ((int32_t *)g.tensors[g.nodes[0].in[2]].data)[1] = 3;
        uint8_t *buf;
        size_t len;
        mcn_err e = {0};
        ck_assert_msg(graph_to_mcn(&g, &buf, &len, &e) == 0, "%s", e.msg);
        graph_free(&g);
        mcn_ctx ctx;
        ck_assert_int_eq(mcn_init(&ctx, buf, len, arena, sizeof arena),
                         bad ? MCN_ERR_MODEL : MCN_OK);
        free(buf);
    }
}
END_TEST

Suite *suite_pack_resize(void)
{
    Suite *s = suite_create("pack_resize");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, bilinear_tables_are_tflm_coordinates);
    tcase_add_test(tc, bilinear_tables_beyond_tflite);
    tcase_add_test(tc, nearest_tables_follow_the_float_path);
    tcase_add_test(tc, packing_twice_changes_nothing);
    tcase_add_test(tc, packer_refuses_what_int8_cannot_do);
    tcase_add_test(tc, prepare_refuses_tables_outside_the_input);
    tcase_add_test(tc, prepare_refuses_nearest_index_past_input);
    suite_add_tcase(s, tc);
    return s;
}
