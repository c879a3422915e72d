/* test_resize_int8.c: RESIZE end to end. TFLite files (JSON compiled by
   flatc with schemas/tflite.fbs) for RESIZE_BILINEAR and
   RESIZE_NEAREST_NEIGHBOR in each flag combination, imported, packed and
   run on the engine, give the bytes TFLM's arithmetic gives (worked in
   test_kernel_resize.c for bilinear, below for nearest); their float
   twins run on the float path with TFLite's semantics. ONNX Resize
   graphs, quantized from calibration samples, track the float path:
   nearest exactly, bilinear within 1.5 steps (the quantized endpoints
   round by half a step, the 10-bit coordinates move the weights by at
   most 2 / 1024 here, which is half a step of the widest difference,
   and the result rounds by half a step). */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "float_exec.h"
#include "graph_io.h"
#include "mcn.h"
#include "pack.h"
#include "qmath.h"
#include "quantize.h"
#include "test_onnx_build.h"
#include "testutil.h"
#include "tflite_import.h"

/* Pack g and run every sample through the engine: y[s] gets sample s's
   output (ny bytes each); x[s] the input, quantized here from xf. */
static void run_engine(graph *g, int n, const float *const *xf, size_t nx,
                       int8_t *y, size_t ny)
{
    mcn_err e = {0};
    uint8_t *buf;
    size_t len;
    ck_assert_msg(pack_graph(g, NULL, &e) == 0, "%s", e.msg);
    ck_assert_msg(graph_to_mcn(g, &buf, &len, &e) == 0, "%s", e.msg);
    size_t arena_len = (g->arena_bytes + 15u) / 16u * 16u + 16u;
    void *arena = aligned_alloc(16, arena_len);
    ck_assert_ptr_nonnull(arena);
    mcn_ctx ctx;
    mcn_tensor in, out;
    ck_assert_int_eq(mcn_init(&ctx, buf, len, arena, arena_len), MCN_OK);
    ck_assert_int_eq(mcn_input(&ctx, 0, &in), MCN_OK);
    ck_assert_int_eq(mcn_output(&ctx, 0, &out), MCN_OK);
    ck_assert_uint_eq(in.bytes, nx);
    ck_assert_uint_eq(out.bytes, ny);
    for (int s = 0; s < n; s++) {
        for (size_t i = 0; i < nx; i++)
            ((int8_t *)in.data)[i] = (int8_t)qmath_quantize_value(
                xf[s][i], in.scale, in.zero_point);
        ck_assert_int_eq(mcn_invoke(&ctx), MCN_OK);
        memcpy(y + (size_t)s * ny, out.data, ny);
    }
    free(arena);
    free(buf);
}

static void bytes_are(const int8_t *got, const int8_t *want, int n)
{
    for (int i = 0; i < n; i++)
        ck_assert_msg(got[i] == want[i], "byte %d is %d, not %d", i, got[i],
                      want[i]);
}

/* ---- TFLite ---- */

/* x [1,h,w,c] -> OP (options) with a constant size -> y [1,oh,ow,c];
   int8 at (0.5, 0) when int8, else float. The size is [oh, ow] unless
   size_h says otherwise. */
static uint8_t *tflite_sized(bool int8, bool bilinear, const char *options,
                             int h, int w, int c, int oh, int ow, int size_h,
                             size_t *len)
{
    const char *q = int8 ? "type: INT8, quantization: {scale: [0.5], "
                           "zero_point: [0]}" : "";
    char json[2048];
    snprintf(json, sizeof json,
             "{version: 3, operator_codes: [{builtin_code: %s}],\n"
             "subgraphs: [{tensors: [\n"
             " {shape: [1, %d, %d, %d], name: \"x\", %s},\n"
             " {shape: [2], type: INT32, buffer: 1, name: \"size\"},\n"
             " {shape: [1, %d, %d, %d], name: \"y\", %s}],\n"
             " inputs: [0], outputs: [2], operators: [\n"
             " {opcode_index: 0, inputs: [0, 1], outputs: [2],"
             "  builtin_options_type: %s, builtin_options: {%s}}]}],\n"
             "buffers: [{}, {data: [%d, %d, 0, 0, %d, %d, 0, 0]}]}\n",
             bilinear ? "RESIZE_BILINEAR" : "RESIZE_NEAREST_NEIGHBOR", h, w,
             c, q, oh, ow, c, q,
             bilinear ? "ResizeBilinearOptions"
                      : "ResizeNearestNeighborOptions",
             options, size_h & 255, size_h >> 8, ow & 255, ow >> 8);
    char *dir = tu_mkdtemp(), path[600], *err = NULL;
    snprintf(path, sizeof path, "%s/m.json", dir);
    ck_assert_int_eq(tu_write_file(path, json, strlen(json)), 0);
    uint8_t *b = tu_flatc(TU_SRC("schemas/tflite.fbs"), path, dir, "tflite",
                          len, &err);
    ck_assert_msg(b != NULL, "flatc: %s\n%s", err ? err : "", json);
    free(err);
    tu_rmdir(dir);
    return b;
}

static uint8_t *tflite_resize(bool int8, bool bilinear, const char *options,
                              int h, int w, int c, int oh, int ow,
                              size_t *len)
{
    return tflite_sized(int8, bilinear, options, h, w, c, oh, ow, oh, len);
}

static void import_ok(const uint8_t *b, size_t len, graph *g)
{
    mcn_err e = {0};
    ck_assert_msg(tflite_import(b, len, NULL, g, &e) == 0, "%s", e.msg);
}

/* An int8 TFLite model's output for int8 input x (as real values x/2 at
   scale 0.5, which quantize back to x exactly). */
static void run_tflite(const uint8_t *b, size_t len, const int8_t *x,
                       size_t nx, int8_t *y, size_t ny)
{
    graph g;
    import_ok(b, len, &g);
    ck_assert_int_eq(g.n_nodes, 1);
    ck_assert_int_eq(g.nodes[0].op, MCN_OP_RESIZE);
    ck_assert_int_eq(g.nodes[0].n_in, 1);   /* the size is not a tensor */
    float xf[64];
    ck_assert_uint_le(nx, 64);
    for (size_t i = 0; i < nx; i++)
        xf[i] = 0.5f * (float)x[i];
    const float *samples[1] = {xf};
    run_engine(&g, 1, samples, nx, y, ny);
    graph_free(&g);
}

/* The int8 model of OP on x [1,h,w,c] gives exactly want [1,oh,ow,c]. */
static void tflite_gives(bool bilinear, const char *options, int h, int w,
                         int c, int oh, int ow, const int8_t *x,
                         const int8_t *want)
{
    size_t len, nx = (size_t)(h * w * c), ny = (size_t)(oh * ow * c);
    int8_t y[64];
    ck_assert_uint_le(ny, sizeof y);
    uint8_t *b = tflite_resize(true, bilinear, options, h, w, c, oh, ow, &len);
    run_tflite(b, len, x, nx, y, ny);
    bytes_are(y, want, (int)ny);
    free(b);
}

/* The images and TFLM's outputs of test_kernel_resize.c (worked there). */
static const int8_t x22[8] = {10, -128, 51, 127, -30, -1, 91, -100};
static const int8_t x33[18] = {10, -100, 20, 0,  30, 100, 40, -50, 50,
                               5,  60,   55, 70, 120, 80, -128, 90, 127};

START_TEST(tflite_bilinear_each_flag)
{
    static const struct {
        const char *options;
        int8_t up[32], down[8];
    } cases[] = {
        {"", {10, -128, 31, -1, 51, 127, 51, 127, -10, -65, 31, -26, 71, 14,
              71, 14, -30, -1, 31, -51, 91, -100, 91, -100, -30, -1, 31, -51,
              91, -100, 91, -100},
         {10, -100, 25, 50, 55, 35, 70, 15}},
        {"half_pixel_centers: true",
         {10, -128, 20, -64, 41, 63, 51, 127, 0, -96, 15, -55, 46, 29, 61,
          70, -20, -33, 5, -35, 56, -41, 81, -43, -30, -1, 0, -26, 61, -75,
          91, -100},
         {20, -65, 35, 67, 65, 34, 80, 58}},
        {"align_corners: true",
         {10, -128, 24, -43, 37, 42, 51, 127, -3, -86, 19, -40, 42, 6, 64,
          51, -17, -43, 15, -37, 46, -31, 78, -24, -30, -1, 10, -34, 51, -67,
          91, -100},
         {10, -100, 30, 100, 70, 120, 90, 127}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tflite_gives(true, cases[i].options, 2, 2, 2, 4, 4, x22,
                     cases[i].up);
        tflite_gives(true, cases[i].options, 3, 3, 2, 2, 2, x33,
                     cases[i].down);
    }
}
END_TEST

/* GetNearestNeighbor on 3 -> 2 rows and 3 -> 5 columns:
     none:   rows floor(1.5 o) = 0, 1; columns floor(0.6 o) = 0 0 1 1 2
     half:   rows floor(1.5 (o + 0.5)) = 0, 2; columns floor(0.6 (o +
             0.5)) = floor(0.3, 0.9, 1.5, 2.1, 2.7) = 0 0 1 2 2
     align:  rows round(2 o) = 0, 2; columns round(0.5 o) = round(0,
             0.5, 1, 1.5, 2) = 0 1 1 2 2 (halves away from zero)
   One channel, x[r][c] = 10 r + c. And 26 -> 22 rows: output 11 reads
   row 12, where exact arithmetic would read 13 (test_pack_resize.c). */
START_TEST(tflite_nearest_each_flag)
{
    static const struct {
        const char *options;
        int8_t want[10];
    } cases[] = {
        {"", {0, 0, 1, 1, 2, 10, 10, 11, 11, 12}},
        {"half_pixel_centers: true", {0, 0, 1, 2, 2, 20, 20, 21, 22, 22}},
        {"align_corners: true", {0, 1, 1, 2, 2, 20, 21, 21, 22, 22}},
    };
    const int8_t x[9] = {0, 1, 2, 10, 11, 12, 20, 21, 22};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        tflite_gives(false, cases[i].options, 3, 3, 1, 2, 5, x,
                     cases[i].want);
    /* Rows 26 -> 22: floor(o * 1.1818181f), 0 1 2 3 4 5 7 8 9 10 11 12
       14 ..., the twelfth 12 where 11 * 26 / 22 = 13 exactly. */
    int8_t x26[26], want[22];
    for (int i = 0; i < 26; i++)
        x26[i] = (int8_t)i;
    for (int o = 0; o < 22; o++)
        want[o] = (int8_t)(o * 26 / 22 - (o == 11));
    tflite_gives(false, "", 26, 1, 1, 22, 1, x26, want);
}
END_TEST

/* Float twins on the float path: nearest 26 -> 22 reads row 12 at output
   11 as TFLite's float kernel does; bilinear half pixel 2x2 -> 4x4 is
   TFLite's (o + 0.5) / 2 - 0.5 coordinates, exactly: channel 0 of
   test_kernel_resize.c's image before rounding, 81 / 4 = 20.25 at (0,1)
   and 0.25 at (3,1). */
START_TEST(tflite_float_models_keep_tflite_semantics)
{
    size_t len;
    uint8_t *b = tflite_resize(false, false, "", 26, 1, 1, 22, 1, &len);
    graph g;
    import_ok(b, len, &g);
    free(b);
    ck_assert(g.nodes[0].resize_tflite);
    float x[26], y[32];
    for (int i = 0; i < 26; i++)
        x[i] = (float)i;
    float_exec *fx;
    mcn_err e = {0};
    const float *in[1] = {x};
    ck_assert_msg(fexec_create(&fx, &g, &e) == 0, "%s", e.msg);
    ck_assert_msg(fexec_run(fx, in, &e) == 0, "%s", e.msg);
    memcpy(y, fexec_tensor(fx, g.outputs[0]), 22 * sizeof(float));
    fexec_free(fx);
    graph_free(&g);
    ck_assert_float_eq(y[11], 12.0f);

    b = tflite_resize(false, true, "half_pixel_centers: true", 2, 2, 2, 4, 4,
                      &len);
    import_ok(b, len, &g);
    free(b);
    ck_assert(!g.nodes[0].resize_tflite);
    for (int i = 0; i < 8; i++)
        x[i] = (float)x22[i];
    ck_assert_msg(fexec_create(&fx, &g, &e) == 0, "%s", e.msg);
    ck_assert_msg(fexec_run(fx, in, &e) == 0, "%s", e.msg);
    memcpy(y, fexec_tensor(fx, g.outputs[0]), 32 * sizeof(float));
    fexec_free(fx);
    graph_free(&g);
    ck_assert_float_eq_tol(y[2], 20.25f, 1e-5f);
    ck_assert_float_eq_tol(y[26], 0.25f, 1e-5f);
}
END_TEST

START_TEST(tflite_bad_resizes_are_refused)
{
    static const struct {
        bool bilinear;
        const char *options;
        int size_h;
        const char *msg;
    } cases[] = {
        {true, "align_corners: true, half_pixel_centers: true", 4,
         "operator 0 (RESIZE_BILINEAR): align_corners and "
         "half_pixel_centers are both set, which TensorFlow's resize "
         "kernels refuse"},
        {false, "align_corners: true, half_pixel_centers: true", 4,
         "operator 0 (RESIZE_NEAREST_NEIGHBOR): align_corners and "
         "half_pixel_centers are both set, which TensorFlow's resize "
         "kernels refuse"},
        {false, "", 3,
         "operator 0 (RESIZE_NEAREST_NEIGHBOR): output [1,4,4,2] does not "
         "follow from input [1,2,2,2] and size [3,4]"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t len;
        uint8_t *b = tflite_sized(true, cases[i].bilinear, cases[i].options,
                                  2, 2, 2, 4, 4, cases[i].size_h, &len);
        graph g;
        mcn_err e = {0};
        ck_assert_int_eq(tflite_import(b, len, NULL, &g, &e), -1);
        ck_assert_str_eq(e.msg, cases[i].msg);
        free(b);
    }
}
END_TEST

/* ---- ONNX, quantized from samples ---- */

typedef struct {
    const char *mode, *coord;
    const int64_t *sizes;     /* or scales */
    const float *scales;
    double tol;               /* steps; 0 = exactly the input's bytes */
} onnx_case;

/* x [1,2,3,4] (NCHW) -> Resize-13 -> y. */
static void onnx_resize(const onnx_case *k, graph *g)
{
    ob *b = ob_new(13);
    ob_input(b, "x", 4, OB_DIMS(1, 2, 3, 4));
    if (k->sizes)
        ob_init_i(b, "sizes", 1, OB_DIMS(4), k->sizes);
    else
        ob_init_f(b, "scales", 1, OB_DIMS(4), k->scales);
    Onnx__NodeProto *n =
        ob_node(b, "Resize", "rs", k->sizes ? "x,,,sizes" : "x,,scales", "y");
    ob_attr_s(b, n, "mode", k->mode);
    ob_attr_s(b, n, "coordinate_transformation_mode", k->coord);
    ob_output(b, "y", -1, NULL);
    ob_import_ok(b, g);
    ob_free(b);
}

START_TEST(onnx_resize_tracks_float_in_int8)
{
    const onnx_case cases[] = {
        {"linear", "half_pixel", OB_DIMS(1, 2, 5, 7), NULL, 1.5},
        {"linear", "align_corners", OB_DIMS(1, 2, 5, 7), NULL, 1.5},
        {"linear", "pytorch_half_pixel", OB_DIMS(1, 2, 1, 7), NULL, 1.5},
        {"linear", "asymmetric", NULL, (const float[]){1, 1, 2, 2}, 1.0},
        {"linear", "half_pixel", NULL, (const float[]){1, 1, 0.6f, 1.5f},
         1.5},
        {"nearest", "half_pixel", OB_DIMS(1, 2, 5, 7), NULL, 0},
        {"nearest", "asymmetric", NULL, (const float[]){1, 1, 0.6f, 1.5f},
         0},
    };
    enum { N = 4, NX = 24 };
    float xs[N][NX];
    uint32_t state = 77;
    for (int s = 0; s < N; s++)
        for (int i = 0; i < NX; i++) {
            state = state * 1664525u + 1013904223u;
            xs[s][i] = (float)(state >> 8) / (float)(1 << 24) * 5.0f - 2.0f;
        }
    const float *samples[N] = {xs[0], xs[1], xs[2], xs[3]};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        graph g, ref;
        onnx_resize(&cases[c], &g);
        mcn_err e = {0};
        ck_assert_msg(graph_clone(&ref, &g, &e) == 0, "%s", e.msg);
        quantize_opts o = {.n_samples = N, .samples = samples};
        ck_assert_msg(quantize_graph(&g, &o, &e) == 0, "%s", e.msg);
        const graph_tensor *ty = &g.tensors[g.outputs[0]];
        float s_out = ty->scale[0];
        int32_t zp = ty->zero_point[0];
        size_t ny = (size_t)graph_tensor_elems(ty);
        int8_t *y = malloc(N * ny);
        ck_assert_ptr_nonnull(y);
        run_engine(&g, N, samples, NX, y, ny);
        graph_free(&g);

        float_exec *fx;
        ck_assert_msg(fexec_create(&fx, &ref, &e) == 0, "%s", e.msg);
        double worst = 0;
        for (int s = 0; s < N; s++) {
            const float *in[1] = {samples[s]};
            ck_assert_msg(fexec_run(fx, in, &e) == 0, "%s", e.msg);
            const float *yf = fexec_tensor(fx, ref.outputs[0]);
            for (size_t i = 0; i < ny; i++) {
                int8_t q = y[(size_t)s * ny + i];
                if (cases[c].tol == 0)
                    ck_assert_int_eq(q, qmath_quantize_value(yf[i], s_out,
                                                             zp));
                double d = fabs((double)q - zp - (double)yf[i] / s_out);
                worst = d > worst ? d : worst;
            }
        }
        ck_assert_msg(worst <= (cases[c].tol ? cases[c].tol : 0.5),
                      "case %zu (%s %s): %g steps off", c, cases[c].mode,
                      cases[c].coord, worst);
        fexec_free(fx);
        graph_free(&ref);
        free(y);
    }
}
END_TEST

Suite *suite_resize_int8(void)
{
    Suite *s = suite_create("resize_int8");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, tflite_bilinear_each_flag);
    tcase_add_test(tc, tflite_nearest_each_flag);
    tcase_add_test(tc, tflite_float_models_keep_tflite_semantics);
    tcase_add_test(tc, tflite_bad_resizes_are_refused);
    tcase_add_test(tc, onnx_resize_tracks_float_in_int8);
    suite_add_tcase(s, tc);
    return s;
}
