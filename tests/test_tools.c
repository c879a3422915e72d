/* test_tools.c: mcn-pack, mcn-run and mcn-info from the command line:
   bad files give one line naming the file and leave no output; a good
   model packs, compiles as a C array, reports and draws its arena and
   runs. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"
#include "graph_io.h"
#include "npy.h"
#include "testutil.h"

static char *dir;
static char model[600], input[600], out[600];

static char *path_in(const char *name)
{
    static char buf[8][600];
    static int k;
    char *p = buf[k++ % 8];
    snprintf(p, sizeof buf[0], "%s/%s", dir, name);
    return p;
}

/* int8 in [1,4,4,1] -> conv 3x3 (2 ch, relu6) -> avgpool 2x2 -> reshape
   -> fc 3 -> softmax. All weights 0, so every class is equally likely. */
static void write_model(const char *path)
{
    graph g;
    graph_init(&g);
    int32_t s_in[4] = {1, 4, 4, 1}, s_c[4] = {1, 4, 4, 2},
            s_p[4] = {1, 2, 2, 2}, s_r[2] = {1, 8}, s_f[2] = {1, 3},
            s_w[4] = {2, 3, 3, 1}, s_b[1] = {2}, s_fw[2] = {3, 8},
            s_fb[1] = {3};
    struct { const int32_t *shape; int rank; float s; int32_t zp; } a[6] = {
        {s_in, 4, 0.5f, 0}, {s_c, 4, 0.05f, -10}, {s_p, 4, 0.05f, -10},
        {s_r, 2, 0.05f, -10}, {s_f, 2, 0.2f, 5}, {s_f, 2, 1.0f / 256, -128},
    };
    for (int i = 0; i < 6; i++) {
        int t = graph_add_tensor(&g, NULL, MCN_DT_INT8, a[i].rank,
                                 a[i].shape);
        graph_set_quant(&g, t, 1, &a[i].s, &a[i].zp, 0);
    }
    float ws[2] = {0.25f, 0.3f}, fs = 0.01f;
    int w = graph_add_tensor(&g, NULL, MCN_DT_INT8, 4, s_w);
    graph_set_quant(&g, w, 2, ws, NULL, 0);
    graph_set_data(&g, w, NULL, 18);
    int b = graph_add_tensor(&g, NULL, MCN_DT_INT32, 1, s_b);
    graph_set_data(&g, b, NULL, 8);
    int fw = graph_add_tensor(&g, NULL, MCN_DT_INT8, 2, s_fw);
    graph_set_quant(&g, fw, 1, &fs, NULL, 0);
    graph_set_data(&g, fw, NULL, 24);
    int fb = graph_add_tensor(&g, NULL, MCN_DT_INT32, 1, s_fb);
    graph_set_data(&g, fb, NULL, 12);
    const struct { mcn_opcode op; int in, w, b, out; } n[5] = {
        {MCN_OP_CONV_2D, 0, w, b, 1}, {MCN_OP_AVERAGE_POOL_2D, 1, -1, -1, 2},
        {MCN_OP_RESHAPE, 2, -1, -1, 3}, {MCN_OP_FULLY_CONNECTED, 3, fw, fb, 4},
        {MCN_OP_SOFTMAX, 4, -1, -1, 5},
    };
    for (int i = 0; i < 5; i++) {
        int k = graph_add_node(&g, n[i].op, "layer");
        graph_node_add_input(&g, k, n[i].in);
        if (n[i].w >= 0) {
            graph_node_add_input(&g, k, n[i].w);
            graph_node_add_input(&g, k, n[i].b);
        }
        graph_node_add_output(&g, k, n[i].out);
    }
    graph_node *conv = &g.nodes[0], *pool = &g.nodes[1];
    conv->pad_top = conv->pad_left = conv->pad_bottom = conv->pad_right = 1;
    conv->act = MCN_ACT_RELU6;
    pool->filter_h = pool->filter_w = pool->stride_h = pool->stride_w = 2;
    g.inputs[g.n_inputs++] = 0;
    g.outputs[g.n_outputs++] = 5;
    mcn_err e = {0};
    ck_assert_msg(graph_save_file(&g, path, &e) == 0, "%s", e.msg);
    graph_free(&g);
}

static void setup(void)
{
    dir = tu_mkdtemp();
    ck_assert_ptr_nonnull(dir);
    snprintf(model, sizeof model, "%s/model.mcn", dir);
    snprintf(input, sizeof input, "%s/x.npy", dir);
    snprintf(out, sizeof out, "%s/out.bin", dir);
    write_model(model);
    float x[16];
    for (int i = 0; i < 16; i++)
        x[i] = (float)i * 0.25f;
    npy_array a = {.dtype = NPY_F32, .rank = 4, .shape = {1, 4, 4, 1},
                   .data = x, .nbytes = sizeof x};
    mcn_err e = {0};
    ck_assert_msg(npy_save(input, &a, &e) == 0, "%s", e.msg);
}

static void teardown(void)
{
    tu_rmdir(dir);
    dir = NULL;
}

/* A failing run: exit `status`, one stderr line naming `file`, and no
   output file left behind. */
static void expect_failure(const char *cmd, int status, const char *file)
{
    char *o = NULL, *err = NULL;
    int rc = tu_run(cmd, &o, &err);
    ck_assert_msg(rc == status, "%s: exit %d, want %d", cmd, rc, status);
    ck_assert_msg(tu_count_lines(err) == 1, "%s: stderr '%s'", cmd, err);
    ck_assert_msg(strstr(err, file) != NULL, "%s: stderr '%s'", cmd, err);
    ck_assert_msg(!tu_exists(out), "%s left %s", cmd, out);
    free(o);
    free(err);
}

START_TEST(bad_models_fail_cleanly)
{
    size_t len;
    uint8_t *bytes = tu_read_file(model, &len);
    ck_assert_ptr_nonnull(bytes);
    char *trunc = path_in("truncated.mcn");
    ck_assert_int_eq(tu_write_file(trunc, bytes, len / 2), 0);
    free(bytes);
    char *noise = path_in("noise.mcn");
    uint8_t junk[300];
    uint32_t seed = 7;
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (uint8_t)((seed = seed * 1664525u + 1013904223u) >> 24);
    ck_assert_int_eq(tu_write_file(noise, junk, sizeof junk), 0);
    const char *bad[3] = {trunc, noise, path_in("missing.mcn")};
    const int status[3] = {65, 65, 66};
    char cmd[2400];
    for (int i = 0; i < 3; i++) {
        snprintf(cmd, sizeof cmd, "%s '%s' -o '%s'", TU_BIN("mcn-pack"),
                 bad[i], out);
        expect_failure(cmd, status[i], bad[i]);
        snprintf(cmd, sizeof cmd, "%s '%s' '%s' -o '%s'", TU_BIN("mcn-run"),
                 bad[i], input, out);
        expect_failure(cmd, status[i], bad[i]);
        snprintf(cmd, sizeof cmd, "%s '%s' --json > /dev/null",
                 TU_BIN("mcn-info"), bad[i]);
        expect_failure(cmd, status[i], bad[i]);
    }
    /* A bad input array is named, not the model. */
    snprintf(cmd, sizeof cmd, "%s '%s' '%s' -o '%s'", TU_BIN("mcn-run"),
             model, noise, out);
    expect_failure(cmd, 65, noise);
}
END_TEST

START_TEST(c_array_compiles)
{
    char cmd[2400], *o = NULL, *err = NULL;
    char *src = path_in("net.c"), *obj = path_in("net.o");
    snprintf(cmd, sizeof cmd, "%s '%s' --c-array net_model -o '%s'",
             TU_BIN("mcn-pack"), model, src);
    ck_assert_int_eq(tu_run(cmd, NULL, &err), 0);
    free(err);
    char *text = (char *)tu_read_file(src, NULL);
    ck_assert_ptr_nonnull(text);
    /* The arena of the pack test's graph, packed for the Cortex-M4: the
       convolution's 16-byte input and 32-byte output, which may start 8
       bytes before it (conv_s8_first_smlad reads four pixels' windows
       before it writes their outputs), so 32 for both, and its scratch
       beside them: K = 9 (rows of 3 bytes, all leftovers) in 3 quads: a
       column of 3 * 32, 9 * 4 of leftover slots, 8 for a last group's
       outputs, 4 for a gathered row = 144 (its widened weights and its
       requantization are in flash); 32 + 144 = 176. */
    ck_assert_ptr_nonnull(strstr(text, "#define NET_MODEL_ARENA_BYTES 176\n"));
    ck_assert_ptr_nonnull(strstr(text, "const unsigned char net_model[] "
                                       "__attribute__((aligned(16))) = {"));
    free(text);
    snprintf(cmd, sizeof cmd, "cc -std=c99 -Wall -Wextra -Werror -c '%s' "
             "-o '%s'", src, obj);
    ck_assert_msg(tu_run(cmd, &o, &err) == 0, "cc: %s", err);
    ck_assert(tu_exists(obj));
    free(o);
    free(err);
    /* Not an identifier: a usage mistake, nothing written. */
    snprintf(cmd, sizeof cmd, "%s '%s' --c-array 9lives -o '%s'",
             TU_BIN("mcn-pack"), model, out);
    expect_failure(cmd, 64, "'9lives' is not a C identifier");
}
END_TEST

START_TEST(info_reports_the_packed_arena)
{
    char cmd[2400], *o = NULL, *err = NULL;
    char *packed = path_in("packed.mcn");
    snprintf(cmd, sizeof cmd, "%s '%s' -o '%s'", TU_BIN("mcn-pack"), model,
             packed);
    ck_assert_int_eq(tu_run(cmd, NULL, NULL), 0);
    graph g;
    mcn_err e = {0};
    ck_assert_msg(graph_load_file(&g, packed, &e) == 0, "%s", e.msg);
    ck_assert_uint_eq(g.arena_bytes, 176);   /* as in c_array_compiles */
    size_t flash;
    free(tu_read_file(packed, &flash));
    graph_free(&g);
    snprintf(cmd, sizeof cmd, "%s '%s' --json", TU_BIN("mcn-info"), packed);
    ck_assert_int_eq(tu_run(cmd, &o, &err), 0);
    char want[200];
    snprintf(want, sizeof want, "\"peak_sram_bytes\": 176, \"flash_bytes\": "
             "%zu, \"arena_bytes\": 176, \"packed\": true}", flash);
    ck_assert_msg(strstr(o, want) != NULL, "%s", o);
    /* conv: 4*4*2 outputs * 3*3*1 = 288 MACs, 18 + 2 params; fc: 3 * 8
       = 24 MACs, 24 + 3 params. */
    ck_assert_ptr_nonnull(strstr(o, "\"macs\": 312, \"params\": 47,"));
    ck_assert_ptr_nonnull(strstr(o, "\"op\": \"CONV_2D\", \"name\": null, "
                                    "\"output_shape\": [1, 4, 4, 2], "
                                    "\"macs\": 288, \"params\": 20, "
                                    "\"dtype\": \"int8\", \"scale\": "
                                    "0.0500000007, \"zero_point\": -10}"));
    free(o);
    free(err);
    /* Unpacked, the same numbers come from packing a copy. */
    snprintf(cmd, sizeof cmd, "%s '%s' --json", TU_BIN("mcn-info"), model);
    ck_assert_int_eq(tu_run(cmd, &o, NULL), 0);
    snprintf(want, sizeof want, "\"peak_sram_bytes\": 176, \"flash_bytes\": "
             "%zu, \"arena_bytes\": 0, \"packed\": false}", flash);
    ck_assert_msg(strstr(o, want) != NULL, "%s", o);
    free(o);
}
END_TEST

/* --memory: the packed model's blocks (test_pack.c works the plan out,
   for the reference kernels) as rectangles at their offsets over their
   lifetimes; an unpacked model is drawn as mcn-pack would pack it. */
START_TEST(info_draws_the_arena)
{
    char cmd[2400], *o = NULL, *err = NULL;
    char *packed = path_in("packed.mcn"), *svg = path_in("arena.svg");
    snprintf(cmd, sizeof cmd, "%s '%s' --target reference -o '%s'",
             TU_BIN("mcn-pack"), model, packed);
    ck_assert_int_eq(tu_run(cmd, NULL, NULL), 0);
    {
        snprintf(cmd, sizeof cmd, "%s '%s' --memory '%s'", TU_BIN("mcn-info"),
                 packed, svg);
        ck_assert_int_eq(tu_run(cmd, &o, &err), 0);
        ck_assert_ptr_nonnull(strstr(o, "peak_sram_bytes: 48\n"));
        size_t len;
        char *pic = (char *)tu_read_file(svg, &len);
        ck_assert_ptr_nonnull(pic);
        ck_assert_ptr_nonnull(strstr(pic, "peak 48 bytes"));
        /* x(16)@32 [-1,0], c(32)@0 [0,1], p and r (8)@0 [1,3], f(3)@16
           [3,4], y(3)@0 [4,5]. */
        static const char *const want[5] = {
            "data-offset=\"32\" data-bytes=\"16\" data-first=\"-1\" "
            "data-last=\"0\"",
            "data-offset=\"0\" data-bytes=\"32\" data-first=\"0\" "
            "data-last=\"1\"",
            "data-offset=\"0\" data-bytes=\"8\" data-first=\"1\" "
            "data-last=\"3\"",
            "data-offset=\"16\" data-bytes=\"3\" data-first=\"3\" "
            "data-last=\"4\"",
            "data-offset=\"0\" data-bytes=\"3\" data-first=\"4\" "
            "data-last=\"5\"",
        };
        const char *at = pic;
        for (int i = 0; i < 5; i++) {
            at = strstr(at, want[i]);
            ck_assert_msg(at != NULL, "block %d missing", i);
        }
        int rects = 0;
        for (const char *r = strstr(pic, "data-offset="); r;
             r = strstr(r + 1, "data-offset="))
            rects++;
        ck_assert_int_eq(rects, 5);
        free(pic);
        free(o);
        free(err);
    }
    /* Unpacked: the picture of the default packing. */
    char *packed4 = path_in("packed4.mcn"), *svg4 = path_in("arena4.svg");
    snprintf(cmd, sizeof cmd, "%s '%s' -o '%s' && %s '%s' --memory '%s' && "
             "%s '%s' --memory '%s'", TU_BIN("mcn-pack"), model, packed4,
             TU_BIN("mcn-info"), packed4, svg4, TU_BIN("mcn-info"), model,
             svg);
    ck_assert_int_eq(tu_run(cmd, NULL, NULL), 0);
    size_t la, lb;
    char *a = (char *)tu_read_file(svg, &la), *b = (char *)tu_read_file(svg4,
                                                                    &lb);
    ck_assert(a && b && la == lb && memcmp(a, b, la) == 0);
    ck_assert_ptr_nonnull(strstr(a, "peak 176 bytes"));
    free(a);
    free(b);
    /* A picture that cannot be written: one line naming it, exit 73. */
    snprintf(cmd, sizeof cmd, "%s '%s' --memory '%s/no/such/dir/a.svg'",
             TU_BIN("mcn-info"), packed, dir);
    ck_assert_int_eq(tu_run(cmd, &o, &err), 73);
    ck_assert_int_eq(tu_count_lines(err), 1);
    ck_assert_ptr_nonnull(strstr(err, "/no/such/dir/a.svg: cannot "));
    free(o);
    free(err);
    /* --memory needs a file name: a usage mistake, one line, 64. */
    snprintf(cmd, sizeof cmd, "%s '%s' --memory", TU_BIN("mcn-info"),
             packed);
    ck_assert_int_eq(tu_run(cmd, &o, &err), 64);
    ck_assert_str_eq(err, "mcn-info: missing a value after '--memory' (see "
                          "mcn-info --help)\n");
    free(o);
    free(err);
}
END_TEST

START_TEST(run_prints_classes_and_accuracy)
{
    char cmd[2400], *o = NULL, *err = NULL;
    int64_t label = 0;
    npy_array l = {.dtype = NPY_I64, .rank = 1, .shape = {1},
                   .data = &label, .nbytes = sizeof label};
    mcn_err e = {0};
    char *labels = path_in("labels.npy");
    ck_assert_int_eq(npy_save(labels, &l, &e), 0);
    snprintf(cmd, sizeof cmd, "%s '%s' '%s' --labels '%s'",
             TU_BIN("mcn-run"), model, input, labels);
    ck_assert_int_eq(tu_run(cmd, &o, &err), 0);
    /* Equal logits: equal probabilities, and argmax takes the first. */
    ck_assert_msg(strncmp(o, "sample 0: class 0  [", 20) == 0, "%s", o);
    ck_assert_int_eq(tu_count_lines(o), 1);
    ck_assert_str_eq(err, "top-1 accuracy: 100.00% (1/1)\n");
    free(o);
    free(err);
    /* -o: the dequantized output in the output's shape, nothing printed. */
    snprintf(cmd, sizeof cmd, "%s '%s' '%s' -o '%s'", TU_BIN("mcn-run"),
             model, input, out);
    ck_assert_int_eq(tu_run(cmd, &o, NULL), 0);
    ck_assert_str_eq(o, "");
    free(o);
    npy_array y;
    ck_assert_msg(npy_load(out, &y, &e) == 0, "%s", e.msg);
    ck_assert_int_eq(y.dtype, NPY_F32);
    ck_assert_int_eq(y.rank, 2);
    ck_assert_int_eq(y.shape[1], 3);
    const float *p = y.data;
    ck_assert_float_eq(p[0], p[1]);
    ck_assert_float_eq(p[1], p[2]);
    npy_free(&y);
}
END_TEST

Suite *suite_tools(void)
{
    Suite *s = suite_create("tools");
    TCase *tc = tcase_create("cli");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, bad_models_fail_cleanly);
    tcase_add_test(tc, c_array_compiles);
    tcase_add_test(tc, info_reports_the_packed_arena);
    tcase_add_test(tc, info_draws_the_arena);
    tcase_add_test(tc, run_prints_classes_and_accuracy);
    suite_add_tcase(s, tc);
    return s;
}
