/* test_calib_input.c: calibration data as users have it, into a model's
   input: the options as typed, images (gray, RGB, channels, BGR, scale,
   mean and std, resize) and arrays (.npy, .npz, raw; layout transposed)
   in the model's layout, directories in their order with the limit, the
   messages for every bad input, and the MNIST digits as PNGs giving the
   bytes calib.npy gives. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <fcntl.h>

#include "calib_input.h"
#include "onnx_import.h"
#include "test_calib_util.h"
#include "testutil.h"

/* ---- models and files ---- */

/* A model whose one input is (1, h, w, c) in graph layout, named "x". */
static void one_input(graph *g, mcn_dtype dt, int h, int w, int c,
                      mcn_layout layout)
{
    graph_init(g);
    int32_t shape[4] = {1, h, w, c};
    int t = graph_add_tensor(g, "x", dt, 4, shape);
    ck_assert_int_ge(t, 0);
    g->tensors[t].layout = layout;
    g->inputs[g->n_inputs++] = t;
}

/* tu_scratch/rel, into one of a few buffers so that calls can nest. */
static const char *at(const char *rel)
{
    static char bufs[4][600];
    static int k;
    char *p = bufs[k++ % 4];
    snprintf(p, sizeof bufs[0], "%s/%s", tu_scratch, rel);
    return p;
}

/* Write tu_scratch/rel, making the directories above it. */
static void put(const char *rel, const void *data, size_t n)
{
    char dir[600];
    snprintf(dir, sizeof dir, "%s", at(rel));
    for (char *s = dir + strlen(tu_scratch) + 1; (s = strchr(s, '/')); s++) {
        *s = '\0';
        mkdir(dir, 0755);
        *s = '/';
    }
    ck_assert_int_eq(tu_write_file(at(rel), data, n), 0);
}

static void put_png_as(const char *rel, const cu_png *p)
{
    size_t n;
    uint8_t *f = cu_png_file(p, &n);
    put(rel, f, n);
    free(f);
}

static void put_png(const char *rel, uint32_t h, uint32_t w, int ctype,
                    const uint8_t *px)
{
    cu_png p = {.w = w, .h = h, .depth = 8, .ctype = ctype, .rows = px};
    put_png_as(rel, &p);
}

static void put_npy(const char *rel, npy_dtype dt, int rank,
                    const int64_t *shape, const void *data)
{
    npy_array a;
    memset(&a, 0, sizeof a);
    a.dtype = dt;
    a.rank = rank;
    memcpy(a.shape, shape, (size_t)rank * sizeof *shape);
    a.data = (void *)data;
    a.nbytes = (size_t)npy_elems(&a) * npy_dtype_size(dt);
    put(rel, "", 0);  /* its directories */
    mcn_err e;
    ck_assert_msg(npy_save(at(rel), &a, &e) == 0, "%s", e.msg);
}

static sample_batch load(const graph *g, const char *rel,
                         const calib_opts *o)
{
    sample_batch b;
    mcn_err e = {0};
    ck_assert_msg(calib_load(g, 0, at(rel), o, &b, &e) == 0, "%s", e.msg);
    return b;
}

/* The samples of rel are these floats. */
static void loads_floats(const graph *g, const char *rel, const calib_opts *o,
                         int n, const float *want)
{
    sample_batch b = load(g, rel, o);
    ck_assert_int_eq(b.n, n);
    ck_assert_int_eq(b.dtype, MCN_DT_FLOAT32);
    size_t all = (size_t)n * b.sample_bytes;
    for (size_t i = 0; i < all / sizeof(float); i++)
        ck_assert_msg(((const float *)b.data)[i] == want[i],
                      "value %zu is %g, not %g", i,
                      (double)((const float *)b.data)[i], (double)want[i]);
    sample_batch_free(&b);
}

/* calib_load fails with msg, where "@" in msg stands for tu_scratch. */
static void refuses(const graph *g, const char *rel, const calib_opts *o,
                    const char *msg)
{
    char want[1024], *w = want;
    for (const char *m = msg; *m && w < want + sizeof want - 600; m++)
        if (*m == '@')
            w += snprintf(w, 600, "%s", tu_scratch);
        else
            *w++ = *m;
    *w = '\0';
    sample_batch b;
    mcn_err e = {0};
    ck_assert_int_eq(calib_load(g, 0, rel[0] == '/' ? rel : at(rel), o, &b,
                                &e), -1);
    ck_assert_str_eq(e.msg, want);
    ck_assert_ptr_null(b.data);
}

/* ---- options ---- */

START_TEST(options_as_typed)
{
    char *argv[] = {"tool", "--calib-scale", "1/255", "--calib-mean=0.5,1,2",
                    "--calib-std", "2,4,8", "--calib-bgr", "--resize",
                    "--layout", "NHWC", "--calib-shape", "28,28,1",
                    "--calib-dtype=float32", "--calib-key", "x",
                    "--calib-limit", "10", "--calib", "--calib-limits", NULL};
    int argc = 19;
    calib_opts o;
    calib_opts_init(&o);
    ck_assert(o.scale == 1.0f && o.n_mean == 0 && o.n_std == 0 && !o.bgr &&
              !o.resize && o.layout == CALIB_LAYOUT_MODEL &&
              o.raw_rank == 0 && o.raw_dtype == MCN_DT_UINT8 &&
              o.npz_key == NULL && o.limit == 0);
    static const int next[] = {3, 4, 6, 7, 8, 10, 12, 13, 15, 17};
    mcn_err e = {0};
    int i = 1;
    for (int k = 0; k < 10; k++, i++) {
        ck_assert_msg(calib_opts_take(argc, argv, &i, &o, &e) == 1, "%s",
                      e.msg);
        ck_assert_int_eq(i + 1, next[k]);
    }
    /* --calib is the tool's own, --calib-limits nobody's */
    ck_assert_int_eq(calib_opts_take(argc, argv, &i, &o, &e), 0);
    i++;
    ck_assert_int_eq(calib_opts_take(argc, argv, &i, &o, &e), 0);
    ck_assert_int_eq(i, 18);
    ck_assert(o.scale == (float)(1.0 / 255));
    ck_assert_int_eq(o.n_mean, 3);
    ck_assert(o.mean[0] == 0.5f && o.mean[1] == 1 && o.mean[2] == 2);
    ck_assert_int_eq(o.n_std, 3);
    ck_assert(o.std[0] == 2 && o.std[1] == 4 && o.std[2] == 8);
    ck_assert(o.bgr && o.resize);
    ck_assert_int_eq(o.layout, CALIB_LAYOUT_NHWC);
    ck_assert_int_eq(o.raw_rank, 3);
    ck_assert(o.raw_shape[0] == 28 && o.raw_shape[1] == 28 &&
              o.raw_shape[2] == 1);
    ck_assert_int_eq(o.raw_dtype, MCN_DT_FLOAT32);
    ck_assert_str_eq(o.npz_key, "x");
    ck_assert_int_eq(o.limit, 10);
    /* every option is in the help */
    for (int k = 1; k < 17; k++)
        if (argv[k][0] == '-') {
            char name[32];
            snprintf(name, sizeof name, "%.*s", (int)strcspn(argv[k], "="),
                     argv[k]);
            ck_assert_msg(strstr(calib_opts_help, name), "%s", name);
        }
}
END_TEST

static void bad_option(const char *opt, const char *value, const char *msg)
{
    char *argv[3] = {(char *)opt, (char *)value, NULL};
    calib_opts o, before;
    calib_opts_init(&o);
    before = o;
    int i = 0;
    mcn_err e = {0};
    ck_assert_int_eq(calib_opts_take(value ? 2 : 1, argv, &i, &o, &e), -1);
    ck_assert_str_eq(e.msg, msg);
    ck_assert_mem_eq(&o, &before, sizeof o);  /* left as it was */
}

START_TEST(options_refused)
{
    bad_option("--calib-scale", NULL, "missing a value after --calib-scale");
    bad_option("--calib-scale", "x", "--calib-scale: bad value 'x' (a number "
               "or a fraction, e.g. 1/255)");
    bad_option("--calib-scale", "1/0", "--calib-scale: bad value '1/0' (a "
               "number or a fraction, e.g. 1/255)");
    bad_option("--calib-scale", "inf", "--calib-scale: bad value 'inf' (a "
               "number or a fraction, e.g. 1/255)");
    bad_option("--calib-scale", "1e39", "--calib-scale: bad value '1e39' (a "
               "number or a fraction, e.g. 1/255)");
    bad_option("--calib-mean", "1,2,3,4,5", "--calib-mean: bad value "
               "'1,2,3,4,5' (1 to 4 numbers, comma-separated)");
    bad_option("--calib-mean", "1,,3", "--calib-mean: bad value '1,,3' (1 "
               "to 4 numbers, comma-separated)");
    bad_option("--calib-mean", "1,", "--calib-mean: bad value '1,' (1 to 4 "
               "numbers, comma-separated)");
    bad_option("--calib-std", "1,0,1", "--calib-std: bad value '1,0,1' (1 "
               "to 4 non-zero numbers, comma-separated)");
    bad_option("--calib-bgr=1", NULL, "--calib-bgr takes no value");
    bad_option("--layout", "chw", "--layout: bad value 'chw' (nchw or nhwc)");
    bad_option("--calib-shape", "28,0", "--calib-shape: bad value '28,0' (1 "
               "to 7 positive sizes, comma-separated)");
    bad_option("--calib-shape", "1,2,3,4,5,6,7,8", "--calib-shape: bad value "
               "'1,2,3,4,5,6,7,8' (1 to 7 positive sizes, comma-separated)");
    bad_option("--calib-shape", "4294967296", "--calib-shape: bad value "
               "'4294967296' (1 to 7 positive sizes, comma-separated)");
    bad_option("--calib-dtype", "float64", "--calib-dtype: bad value "
               "'float64' (uint8, int8, int16, int32, int64 or float32)");
    bad_option("--calib-key=", NULL, "--calib-key: bad value '' (the name of "
               "an array)");
    bad_option("--calib-limit", "-1", "--calib-limit: bad value '-1' (a "
               "count of samples, 0 for all)");
    bad_option("--calib-limit", "10x", "--calib-limit: bad value '10x' (a "
               "count of samples, 0 for all)");
}
END_TEST

/* ---- images ---- */

/* Gray into an ONNX-born (NCHW) input of 1 channel: the raw values. */
START_TEST(gray_png_is_its_pixels)
{
    graph g;
    one_input(&g, MCN_DT_FLOAT32, 2, 3, 1, MCN_LAYOUT_NCHW);
    const uint8_t px[6] = {0, 1, 2, 128, 254, 255};
    put_png("g.png", 2, 3, 0, px);
    calib_opts o;
    calib_opts_init(&o);
    const float want[6] = {0, 1, 2, 128, 254, 255};
    loads_floats(&g, "g.png", &o, 1, want);
    const char pgm[] = "P2 3 2 255 0 1 2 128 254 255";
    put("g.pgm", pgm, sizeof pgm - 1);
    loads_floats(&g, "g.pgm", &o, 1, want);
    graph_free(&g);
}
END_TEST

/* A 3-channel input: gray repeated, RGB as it is or swapped to BGR, and
   (raw * scale - mean[c]) / std[c] per channel of the model; the samples
   in graph layout (NHWC) whatever the source layout. */
START_TEST(channels_and_normalization)
{
    for (int lay = 0; lay < 2; lay++) {
        graph g;
        one_input(&g, MCN_DT_FLOAT32, 1, 2, 3, (mcn_layout)lay);
        calib_opts o;
        calib_opts_init(&o);
        const uint8_t gray[2] = {10, 20}, rgb[6] = {1, 2, 3, 4, 5, 6};
        put_png("gray.png", 1, 2, 0, gray);
        put_png("rgb.png", 1, 2, 2, rgb);
        const char ppm[] = "P6 2 1 255\n\1\2\3\4\5\6";
        put("rgb.ppm", ppm, sizeof ppm - 1);
        const float g3[6] = {10, 10, 10, 20, 20, 20};
        loads_floats(&g, "gray.png", &o, 1, g3);
        const float same[6] = {1, 2, 3, 4, 5, 6};
        loads_floats(&g, "rgb.png", &o, 1, same);
        loads_floats(&g, "rgb.ppm", &o, 1, same);
        o.bgr = true;
        const float bgr[6] = {3, 2, 1, 6, 5, 4};
        loads_floats(&g, "rgb.png", &o, 1, bgr);
        loads_floats(&g, "gray.png", &o, 1, g3);
        o.bgr = false;
        o.scale = 0.5f;
        o.n_mean = o.n_std = 3;
        memcpy(o.mean, (float[3]){1, 2, 3}, sizeof(float[3]));
        memcpy(o.std, (float[3]){2, 4, 8}, sizeof(float[3]));
        const float norm[6] = {-0.25f, -0.25f, -0.1875f, 0.5f, 0.125f, 0};
        loads_floats(&g, "rgb.png", &o, 1, norm);
        o.bgr = true;  /* the swap first: mean[c] is the model's channel c */
        const float bgr_norm[6] = {0.25f, -0.25f, -0.3125f, 1.0f, 0.125f,
                                   -0.125f};
        loads_floats(&g, "rgb.png", &o, 1, bgr_norm);
        o.bgr = false;
        o.n_mean = o.n_std = 1;  /* one value for every channel */
        const float one[6] = {-0.25f, 0, 0.25f, 0.5f, 0.75f, 1};
        loads_floats(&g, "rgb.png", &o, 1, one);
        graph_free(&g);
    }
}
END_TEST

/* An int8 input: the floats quantized as sample_inputs_from_npy does,
   round(x / 0.5) - 3 clamped. */
START_TEST(int8_input_is_quantized)
{
    graph g;
    one_input(&g, MCN_DT_INT8, 1, 3, 1, MCN_LAYOUT_NCHW);
    float scale = 0.5f;
    int32_t zp = -3;
    graph_set_quant(&g, g.inputs[0], 1, &scale, &zp, 0);
    const uint8_t px[3] = {10, 20, 255};
    put_png("q.png", 1, 3, 0, px);
    calib_opts o;
    calib_opts_init(&o);
    sample_batch b = load(&g, "q.png", &o);
    ck_assert_int_eq(b.dtype, MCN_DT_INT8);
    ck_assert_uint_eq(b.sample_bytes, 3);
    const int8_t want[3] = {17, 37, 127};
    ck_assert_mem_eq(b.data, want, 3);
    sample_batch_free(&b);
    graph_free(&g);
}
END_TEST

/* Half-pixel bilinear, edges clamped (sample_io.h): 2 x 2 to 4 x 4 reads
   each axis at 0, 0.25, 0.75, 1 of the way. Images of mixed sizes in one
   directory; a .npy of the same pixels resizes the same. */
START_TEST(resize_to_the_model)
{
    graph g;
    one_input(&g, MCN_DT_FLOAT32, 4, 4, 1, MCN_LAYOUT_NCHW);
    const uint8_t small[4] = {0, 4, 8, 12};
    put_png("d/a.png", 2, 2, 0, small);
    uint8_t big[16];
    for (int i = 0; i < 16; i++)
        big[i] = (uint8_t)(100 + i);
    put_png("d/b.png", 4, 4, 0, big);
    const float b_npy[4] = {0, 4, 8, 12};
    put_npy("d/c.npy", NPY_F32, 4, (int64_t[4]){1, 1, 2, 2}, b_npy);
    calib_opts o;
    calib_opts_init(&o);
    refuses(&g, "d", &o, "@/d/a.png: the image is 2x2, input 0 'x' takes "
            "4x4 (height x width); --resize resizes it");
    o.resize = true;
    float want[48] = {0, 1, 3, 4, 2, 3, 5, 6, 6, 7, 9, 10, 8, 9, 11, 12};
    for (int i = 0; i < 16; i++) {
        want[16 + i] = (float)big[i];
        want[32 + i] = want[i];
    }
    loads_floats(&g, "d", &o, 3, want);
    graph_free(&g);
}
END_TEST

/* ---- arrays ---- */

/* An NHWC array for an NCHW model with --layout nhwc gives what the NCHW
   array gives; the same the other way round; per-channel mean and std on
   the channel axis of the model's layout. */
START_TEST(array_layouts)
{
    float nchw[24], nhwc[24];
    for (int n = 0; n < 2; n++)
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < 2; y++)
                for (int x = 0; x < 2; x++) {
                    float v = (float)(n * 100 + c * 10 + y * 2 + x);
                    nchw[((n * 3 + c) * 2 + y) * 2 + x] = v;
                    nhwc[((n * 2 + y) * 2 + x) * 3 + c] = v;
                }
    put_npy("nchw.npy", NPY_F32, 4, (int64_t[4]){2, 3, 2, 2}, nchw);
    put_npy("nhwc.npy", NPY_F32, 4, (int64_t[4]){2, 2, 2, 3}, nhwc);
    put_npy("one_nhwc.npy", NPY_F32, 4, (int64_t[4]){1, 2, 2, 3}, nhwc);
    for (int lay = 0; lay < 2; lay++) {
        graph g;
        one_input(&g, MCN_DT_FLOAT32, 2, 2, 3, (mcn_layout)lay);
        calib_opts o;
        calib_opts_init(&o);
        /* graph layout is NHWC: the samples are nhwc[] either way */
        o.layout = lay ? CALIB_LAYOUT_NCHW : CALIB_LAYOUT_NCHW;
        loads_floats(&g, "nchw.npy", &o, 2, nhwc);
        o.layout = CALIB_LAYOUT_NHWC;
        loads_floats(&g, "nhwc.npy", &o, 2, nhwc);
        o.layout = CALIB_LAYOUT_MODEL;
        loads_floats(&g, lay ? "nchw.npy" : "nhwc.npy", &o, 2, nhwc);
        if (lay) {
            /* one sample: the input's own shape, in NHWC */
            o.layout = CALIB_LAYOUT_NHWC;
            sample_batch b = load(&g, "one_nhwc.npy", &o);
            ck_assert_int_eq(b.n, 1);
            ck_assert_mem_eq(b.data, nhwc, 12 * sizeof(float));
            sample_batch_free(&b);
            o.layout = CALIB_LAYOUT_MODEL;
        }
        o.n_mean = 3;
        o.n_std = 1;
        memcpy(o.mean, (float[3]){0, 10, 20}, sizeof(float[3]));
        o.std[0] = 2;
        float want[24];
        for (int i = 0; i < 24; i++)
            want[i] = (nhwc[i] - (float)(i % 3) * 10) / 2;
        loads_floats(&g, lay ? "nchw.npy" : "nhwc.npy", &o, 2, want);
        graph_free(&g);
    }
}
END_TEST

/* .npz members by --calib-key, raw files by --calib-shape. */
START_TEST(npz_and_raw)
{
    graph g;
    one_input(&g, MCN_DT_FLOAT32, 2, 2, 1, MCN_LAYOUT_NCHW);
    const uint8_t x[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    const float y[4] = {0.5f, 1.5f, 2.5f, 3.5f};
    size_t xn, yn;
    npy_array xa = {NPY_U8, 4, {2, 1, 2, 2}, (void *)x, 8};
    npy_array ya = {NPY_F32, 4, {1, 1, 2, 2}, (void *)y, 16};
    uint8_t *xb = cu_npy_bytes(tu_scratch, &xa, &xn);
    uint8_t *yb = cu_npy_bytes(tu_scratch, &ya, &yn);
    cu_zip_member m[3] = {{"x.npy", xb, xn, 8, 0, false, true},
                          {"y.npy", yb, yn, 0, 0, false, true},
                          {"z.npy", yb, yn, 8, 0, false, true}};
    size_t n;
    uint8_t *zip = cu_zip(m, 3, NULL, &n);
    put("three.npz", zip, n);
    free(zip);
    zip = cu_zip(m + 1, 1, NULL, &n);
    put("one.npz", zip, n);
    free(zip);
    free(xb);
    free(yb);
    calib_opts o;
    calib_opts_init(&o);
    refuses(&g, "three.npz", &o, "@/three.npz holds 3 arrays (x, y, z): "
            "choose one with --calib-key");
    loads_floats(&g, "one.npz", &o, 1, y);
    o.npz_key = "x";
    const float xf[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    loads_floats(&g, "three.npz", &o, 2, xf);
    o.npz_key = "y.npy";
    loads_floats(&g, "three.npz", &o, 1, y);
    o.npz_key = "w";
    refuses(&g, "three.npz", &o, "@/three.npz has no array 'w' (it holds x, "
            "y, z)");
    refuses(&g, "one.npz", &o, "@/one.npz has no array 'w' (it holds y)");

    /* raw: float32 samples of (1, 2, 2), then uint8 of (2, 2) per
       sample into the input's (N, 1, 2, 2) */
    calib_opts_init(&o);
    const float r[8] = {1, 2, 3, 4, -1, -2, -3, -4};
    put("r.raw", r, sizeof r);
    put("r.BIN", x, 8);
    refuses(&g, "r.raw", &o, "@/r.raw: raw data needs --calib-shape");
    o.raw_rank = 3;
    memcpy(o.raw_shape, (int64_t[3]){1, 2, 2}, 3 * sizeof(int64_t));
    o.raw_dtype = MCN_DT_FLOAT32;
    loads_floats(&g, "r.raw", &o, 2, r);
    put("r7.raw", r, 28);
    refuses(&g, "r7.raw", &o, "@/r7.raw: 28 bytes are not a whole number of "
            "samples of 16 bytes (--calib-shape 1,2,2, float32)");
    o.raw_dtype = MCN_DT_UINT8;
    loads_floats(&g, "r.BIN", &o, 2, xf);
    o.raw_rank = 2;  /* (N, 2, 2) is not (N, 1, 2, 2) */
    o.raw_shape[0] = o.raw_shape[1] = 2;
    refuses(&g, "r.BIN", &o, "@/r.BIN: array of shape (2,2,2) does not fit "
            "input of shape (1,1,2,2) (expected it, or N samples of it)");
    graph_free(&g);
}
END_TEST

/* ---- directories ---- */

/* A one-pixel gray input, so each sample is one number. */
static void pixel_files(void)
{
    put_png("d/b/x.png", 1, 1, 0, (const uint8_t[1]){3});
    put("d/a-1.pgm", "P5 1 1 255\n\1", 12);
    put_png("d/a/z.PNG", 1, 1, 0, (const uint8_t[1]){2});
    put("d/.hidden.png", "not a png", 9);
    put("d/.git/config", "[core]", 6);
    put_npy("d/c.npy", NPY_I16, 4, (int64_t[4]){2, 1, 1, 1},
            (const int16_t[2]){4, 5});
    size_t n, zn;
    npy_array a = {NPY_F32, 4, {1, 1, 1, 1}, (float[1]){6}, 4};
    uint8_t *npy = cu_npy_bytes(tu_scratch, &a, &n);
    cu_zip_member m = {"only.npy", npy, n, 8, 0, false, false};
    uint8_t *zip = cu_zip(&m, 1, NULL, &zn);
    put("d/d.npz", zip, zn);
    free(zip);
    free(npy);
    put("d/e.raw", "\7\10", 2);
}

START_TEST(directory_order_and_limit)
{
    graph g;
    one_input(&g, MCN_DT_FLOAT32, 1, 1, 1, MCN_LAYOUT_NCHW);
    pixel_files();
    calib_opts o;
    calib_opts_init(&o);
    refuses(&g, "d", &o, "@/d/e.raw: raw data needs --calib-shape");
    o.raw_rank = 3;
    o.raw_shape[0] = o.raw_shape[1] = o.raw_shape[2] = 1;
    /* strcmp order of the paths below d: "a-1" < "a/" ('-' < '/') */
    const float want[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    loads_floats(&g, "d", &o, 8, want);
    char slash[600];
    snprintf(slash, sizeof slash, "%s/", at("d"));
    sample_batch b;
    mcn_err e;
    ck_assert_msg(calib_load(&g, 0, slash, &o, &b, &e) == 0, "%s", e.msg);
    ck_assert_int_eq(b.n, 8);
    sample_batch_free(&b);
    for (long limit = 1; limit <= 9; limit++) {
        o.limit = limit;
        loads_floats(&g, "d", &o, limit < 8 ? (int)limit : 8, want);
    }
    /* a file past the limit is not read, yet its name is checked */
    put("d/f.png", "not a png", 9);
    o.limit = 8;
    loads_floats(&g, "d", &o, 8, want);
    o.limit = 0;
    refuses(&g, "d", &o, "@/d/f.png: not a PNG file (bad signature)");
    put("d/notes.txt", "", 0);
    o.limit = 1;
    refuses(&g, "d", &o, "@/d/notes.txt: not a calibration file; a "
            "directory may hold .npy .npz .png .pgm .ppm .pnm, and .raw .bin "
            "with --calib-shape");
    graph_free(&g);
}
END_TEST

START_TEST(directories_refused)
{
    graph g;
    one_input(&g, MCN_DT_FLOAT32, 1, 1, 1, MCN_LAYOUT_NCHW);
    calib_opts o;
    calib_opts_init(&o);
    mkdir(at("empty"), 0755);
    refuses(&g, "empty", &o, "@/empty: no calibration files in the directory "
            "(accepted are .npy .npz .png .pgm .ppm .pnm, and .raw .bin with "
            "--calib-shape)");
    put("dots/.a.png", "", 0);
    put("dots/.cache/b.png", "", 0);
    refuses(&g, "dots", &o, "@/dots: no calibration files in the directory "
            "(accepted are .npy .npz .png .pgm .ppm .pnm, and .raw .bin with "
            "--calib-shape)");
    put_png("links/a.png", 1, 1, 0, (const uint8_t[1]){1});
    ck_assert_int_eq(symlink(at("nowhere.png"), at("links/b.png")), 0);
    refuses(&g, "links", &o, "@/links/b.png: cannot open: No such file or "
            "directory");
    unlink(at("links/b.png"));
    ck_assert_int_eq(symlink(".", at("links/up")), 0);
    refuses(&g, "links", &o, "@/links/up: a link back to a directory above "
            "it");
    graph_free(&g);
}
END_TEST

/* ---- single files: by name, by content, and every bad one ---- */

START_TEST(files_by_content)
{
    graph g;
    one_input(&g, MCN_DT_FLOAT32, 1, 2, 1, MCN_LAYOUT_NCHW);
    put_npy("calib.dat", NPY_U8, 4, (int64_t[4]){1, 1, 1, 2},
            (const uint8_t[2]){9, 10});
    put_png("image.data", 1, 2, 0, (const uint8_t[2]){11, 12});
    calib_opts o;
    calib_opts_init(&o);
    loads_floats(&g, "calib.dat", &o, 1, (const float[2]){9, 10});
    loads_floats(&g, "image.data", &o, 1, (const float[2]){11, 12});
    put("notes.txt", "hello", 5);
    refuses(&g, "notes.txt", &o, "@/notes.txt: not a calibration file; "
            "accepted are .npy .npz .png .pgm .ppm .pnm, and .raw .bin with "
            "--calib-shape");
    /* stdin */
    int saved = dup(0);
    int fd = open(at("image.data"), O_RDONLY);
    ck_assert_int_ge(fd, 0);
    dup2(fd, 0);
    close(fd);
    sample_batch b;
    mcn_err e = {0};
    int rc = calib_load(&g, 0, "-", &o, &b, &e);
    dup2(saved, 0);
    close(saved);
    ck_assert_msg(rc == 0, "%s", e.msg);
    ck_assert(((float *)b.data)[0] == 11 && ((float *)b.data)[1] == 12);
    sample_batch_free(&b);
    graph_free(&g);
}
END_TEST

START_TEST(bad_files_named)
{
    graph g;
    one_input(&g, MCN_DT_FLOAT32, 2, 2, 1, MCN_LAYOUT_NCHW);
    calib_opts o;
    calib_opts_init(&o);
    const uint8_t px[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    cu_png p = {.w = 2, .h = 2, .depth = 8, .ctype = 0, .rows = px};
    size_t n;
    uint8_t *f = cu_png_file(&p, &n);
    put("cut.png", f, n - 20);
    f[8 + 25 + 8] ^= 1;  /* the IDAT's first data byte */
    put("crc.png", f, n);
    free(f);
    refuses(&g, "cut.png", &o, "@/cut.png: truncated PNG: chunk 'IDAT' runs "
            "past the end of the file");
    refuses(&g, "crc.png", &o, "@/crc.png: bad CRC in PNG chunk 'IDAT'");
    put_npy("npy.png", NPY_U8, 1, (int64_t[1]){4}, px);
    refuses(&g, "npy.png", &o, "@/npy.png: not a PNG file (bad signature)");
    put("bad.npy", "\x93NUMPX", 6);
    refuses(&g, "bad.npy", &o, "@/bad.npy: not a .npy file (bad magic)");
    put("bad.npz", "PK\3\4", 4);
    refuses(&g, "bad.npz", &o, "@/bad.npz: truncated .npz: no ZIP end of "
            "central directory");
    put("bad.pgm", "P4 1 1 \x80", 8);
    refuses(&g, "bad.pgm", &o, "@/bad.pgm: PBM bitmaps (P4) are not "
            "supported; use PGM or PPM");
    cu_png q = {.w = 2, .h = 2, .depth = 8, .ctype = 0, .rows = px,
                .interlace = 1};
    put_png_as("adam7.png", &q);
    refuses(&g, "adam7.png", &o, "@/adam7.png: interlaced PNG is not "
            "supported");
    q.interlace = 0;
    q.depth = 16;
    put_png_as("deep.png", &q);
    refuses(&g, "deep.png", &o, "@/deep.png: 16-bit PNG is not supported (8 "
            "bits or fewer per sample)");
    put_png("rgb.png", 2, 2, 2, px);
    refuses(&g, "rgb.png", &o, "@/rgb.png: an RGB image for input 0 'x' of 1 "
            "channel; give gray images");
    put_png("wide.png", 2, 3, 0, px);
    refuses(&g, "wide.png", &o, "@/wide.png: the image is 2x3, input 0 'x' "
            "takes 2x2 (height x width); --resize resizes it");
    refuses(&g, "missing.png", &o, "@/missing.png: cannot open: No such file "
            "or directory");
    put_npy("wrong.npy", NPY_U8, 2, (int64_t[2]){3, 4}, px);
    refuses(&g, "wrong.npy", &o, "@/wrong.npy: array of shape (3,4) does not "
            "fit input of shape (1,1,2,2) (expected it, or N samples of it)");
    o.n_mean = 3;
    refuses(&g, "wide.png", &o, "--calib-mean gives 3 values; input 0 'x' "
            "has 1 channels");
    /* options set by hand, not through calib_opts_take */
    o.n_mean = 5;
    refuses(&g, "wide.png", &o, "--calib-mean gives 5 values; at most 4 can "
            "be given");
    o.n_mean = 0;
    o.raw_rank = 8;
    refuses(&g, "wide.png", &o, "--calib-shape has 8 dimensions; at most 7 "
            "can be given");
    o.raw_rank = 2;
    o.raw_shape[0] = 2;
    o.raw_shape[1] = 0;
    refuses(&g, "wide.png", &o, "--calib-shape has a size of 0");
    graph_free(&g);

    /* inputs images cannot feed, and a layout for a flat input */
    graph h;
    graph_init(&h);
    int32_t flat[2] = {1, 4};
    h.inputs[h.n_inputs++] = graph_add_tensor(&h, "v", MCN_DT_FLOAT32, 2,
                                              flat);
    calib_opts_init(&o);
    refuses(&h, "wide.png", &o, "@/wide.png: an image for input 0 'v' of "
            "rank 2 (images feed 4-D inputs)");
    o.layout = CALIB_LAYOUT_NHWC;
    refuses(&h, "wrong.npy", &o, "@/wrong.npy: --layout is for 4-D inputs; "
            "input 0 'v' has rank 2");
    o.layout = CALIB_LAYOUT_MODEL;
    o.n_std = 2;
    refuses(&h, "wrong.npy", &o, "--calib-std gives 2 values, one per "
            "channel, but input 0 'v' has rank 2, not 4");
    graph_free(&h);
    one_input(&h, MCN_DT_FLOAT32, 2, 2, 2, MCN_LAYOUT_NHWC);
    calib_opts_init(&o);
    refuses(&h, "wide.png", &o, "@/wide.png: an image for input 0 'x' of 2 "
            "channels (images give 1 or 3)");
    graph_free(&h);
}
END_TEST

/* ---- the equivalence ---- */

/* The 200 MNIST calibration digits as 8-bit gray PNGs in two class-like
   folders (each image with its own filter pattern), through calib_load,
   give byte for byte the samples calib.npy gives through
   sample_inputs_from_npy, into the model the example imports. */
START_TEST(mnist_pngs_equal_calib_npy)
{
    size_t len;
    uint8_t *onnx = tu_read_file(TU_SRC("examples/mnist/mnist_cnn.onnx"),
                                 &len);
    ck_assert_ptr_nonnull(onnx);
    graph g;
    mcn_err e = {0};
    ck_assert_msg(onnx_import(onnx, len, NULL, &g, &e) == 0, "%s", e.msg);
    free(onnx);
    npy_array x;
    ck_assert_msg(npy_load(TU_SRC("examples/mnist/calib.npy"), &x, &e) == 0,
                  "%s", e.msg);
    ck_assert_int_eq(x.dtype, NPY_U8);
    ck_assert_int_eq(x.shape[0], 200);
    ck_assert_int_eq(x.shape[2] * x.shape[3], 784);
    for (int s = 0; s < 200; s++) {
        char rel[64];
        snprintf(rel, sizeof rel, "digits/%s/%03d.png", s < 100 ? "a" : "b",
                 s);
        put(rel, "", 0);
        cu_png_gray_file(at(rel), (const uint8_t *)x.data + s * 784, 28, 28,
                         s % 5);
    }
    sample_batch want, got;
    ck_assert_msg(sample_inputs_from_npy(&g, 0, &x, &want, &e) == 0, "%s",
                  e.msg);
    calib_opts o;
    calib_opts_init(&o);
    got = load(&g, "digits", &o);
    ck_assert_int_eq(got.n, 200);
    ck_assert_int_eq(got.n, want.n);
    ck_assert_int_eq(got.dtype, want.dtype);
    ck_assert_uint_eq(got.sample_bytes, want.sample_bytes);
    ck_assert_uint_eq(got.sample_bytes, 784 * sizeof(float));
    ck_assert(memcmp(got.data, want.data, 200 * got.sample_bytes) == 0);
    sample_batch_free(&got);
    /* and the limit takes the first ones */
    o.limit = 7;
    got = load(&g, "digits", &o);
    ck_assert_int_eq(got.n, 7);
    ck_assert(memcmp(got.data, want.data, 7 * got.sample_bytes) == 0);
    sample_batch_free(&got);
    sample_batch_free(&want);
    npy_free(&x);
    graph_free(&g);
}
END_TEST

Suite *suite_calib_input(void)
{
    Suite *s = suite_create("calib_input");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, tu_scratch_setup, tu_scratch_teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, options_as_typed);
    tcase_add_test(tc, options_refused);
    tcase_add_test(tc, gray_png_is_its_pixels);
    tcase_add_test(tc, channels_and_normalization);
    tcase_add_test(tc, int8_input_is_quantized);
    tcase_add_test(tc, resize_to_the_model);
    tcase_add_test(tc, array_layouts);
    tcase_add_test(tc, npz_and_raw);
    tcase_add_test(tc, directory_order_and_limit);
    tcase_add_test(tc, directories_refused);
    tcase_add_test(tc, files_by_content);
    tcase_add_test(tc, bad_files_named);
    tcase_add_test(tc, mnist_pngs_equal_calib_npy);
    suite_add_tcase(s, tc);
    return s;
}
