/* test_int8_nets.c: every whole network the float tests import also runs
   in int8, through the tools as a user runs them:
       mcn-import NET.onnx -o f.mcn
       mcn-quantize --calib calib.npy < f.mcn | mcn-pack -o p.mcn
       mcn-run p.mcn eval.npy    (host engine)   vs   mcn-run f.mcn eval.npy
   and, for the nets marked `sim` (those a microcontroller can hold),
   mcn-sim p.mcn eval.npy on the emulated Cortex-M4 and the code mcn-gen
   writes for p.mcn, compiled for the host, give the host engine's bytes.

   How int8 is judged to track float, per net (the floors below were
   measured with this test, MCN_TEST_VERBOSE=1 prints the figures, and set
   a little under what was measured; see doc/DESIGN.md):
     - the trained MNIST example: top-1 of int8 equals top-1 of float on at
       least 90% of its 1,000 test digits;
     - random-weight torchvision nets (tests/data/onnx-nets): near-tied
       logits make top-1 unfair, so the SQNR of the int8 logits against the
       float ones, 10 log10(sum f^2 / sum (f - q)^2), on the worst of five
       inputs (the committed one and four seeded standard-normal ones),
       after calibrating on eight other seeded inputs;
     - ONNX's light models (../shared/onnx-light): constant weights give
       nearly uniform softmax outputs (1/1000 each), which an int8 output
       on TFLite's fixed 1/256 grid cannot resolve, so SQNR says nothing;
       they must stay within `max_lsb` steps of the output's scale of
       ONNX Runtime's output instead (calibrated and evaluated on the
       committed input; tests/test_onnx_nets.c holds our float path to
       that same output, and running VGG-19 in float again under ASan
       would cost a minute). Models needing LRN (AlexNet, Inception v1, ZFNet) do not
       import and are not listed. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph_io.h"
#include "npy.h"
#include "testutil.h"

typedef enum { NET_TORCH, NET_LIGHT, NET_MNIST } net_kind;

typedef struct {
    net_kind kind;
    const char *name;
    double sqnr_floor;  /* dB, on the worst input; 0 = not judged by it */
    double max_lsb;     /* 0 = not judged by it */
    int sim;            /* also compare mcn-sim's bytes with the host's */
} int8_case;

/* Measured (worst SQNR / max error) -> floor:
     dscnn_kws 37.84 dB, mobilenet_v2_035 5.73, mobilenet_v3_small_050
     22.68, mnasnet_020 7.46, shufflenet_v2_x0_5 4.99, squeezenet1_1_half
     37.21, resnet18_w8 18.05; the light models 0.26 output steps (0.00
     for DenseNet); MNIST agrees on 999 of 1,000 digits.
   The low ones are the nets, not the kernels: in float alone, a uniform
   perturbation of the input of about one int8 step (rms 0.01 on unit
   variance) leaves mobilenet_v2_035's logits at 14.4 dB, shufflenet's
   at 11.8, mnasnet's at 17.5 and resnet18's at 31.3, against 42.1 for
   mobilenet_v3 and 61.1 for dscnn: random weights amplify small errors
   layer after layer, and int8 adds one at every layer. */
static const int8_case cases[] = {
    {NET_MNIST, "mnist_cnn", 0, 0, 1},
    {NET_TORCH, "dscnn_kws", 35, 0, 1},
    {NET_TORCH, "mobilenet_v2_035", 5, 0, 1},
    {NET_TORCH, "mobilenet_v3_small_050", 20, 0, 1},
    {NET_TORCH, "mnasnet_020", 6.5, 0, 1},
    {NET_TORCH, "shufflenet_v2_x0_5", 4, 0, 1},
    {NET_TORCH, "squeezenet1_1_half", 35, 0, 1},
    {NET_TORCH, "resnet18_w8", 16, 0, 1},
    {NET_LIGHT, "light_densenet121", 0, 1, 0},
    {NET_LIGHT, "light_inception_v2", 0, 1, 0},
    {NET_LIGHT, "light_resnet50", 0, 1, 0},
    {NET_LIGHT, "light_shufflenet", 0, 1, 0},
    {NET_LIGHT, "light_squeezenet", 0, 1, 0},
    {NET_LIGHT, "light_vgg19", 0, 1, 0},
};

#define N_CALIB 8
#define N_EVAL 4   /* seeded ones, after the committed input */
#define MNIST_AGREE 0.90

/* Run a command in the scratch directory; fail the test with its stderr. */
static void run(const char *cmd)
{
    char full[4096];
    char *err = NULL;
    snprintf(full, sizeof full, "cd '%s' && %s", tu_scratch, cmd);
    int rc = tu_run(full, NULL, &err);
    ck_assert_msg(rc == 0, "%s\nexit %d: %s", cmd, rc, err ? err : "");
    free(err);
}

static npy_array load(const char *file)
{
    char path[1024];
    npy_array a;
    mcn_err e;
    snprintf(path, sizeof path, "%s/%s", tu_scratch, file);
    ck_assert_msg(npy_load(path, &a, &e) == 0, "%s: %s", path, e.msg);
    return a;
}

/* SplitMix64, then Box-Muller: standard normal floats from a seed. */
static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static void normals(float *x, int64_t n, uint64_t seed)
{
    for (int64_t i = 0; i < n; i += 2) {
        double u1 = ((double)(splitmix(&seed) >> 11) + 1.0) / 9007199254740993.0;
        double u2 = (double)(splitmix(&seed) >> 11) / 9007199254740992.0;
        double r = sqrt(-2.0 * log(u1));
        x[i] = (float)(r * cos(6.283185307179586 * u2));
        if (i + 1 < n)
            x[i + 1] = (float)(r * sin(6.283185307179586 * u2));
    }
}

/* `file` in the scratch dir, shaped (N, *x.shape[1:]) where x is one
   sample (batch 1): x itself first when keep_x, then n samples seeded
   from `seed` on. */
static void write_batch(const char *file, const npy_array *x, int keep_x,
                        int n, uint64_t seed)
{
    ck_assert_int_eq(x->shape[0], 1);
    int64_t per = npy_elems(x);
    int total = keep_x + n;
    npy_array a = *x;
    a.shape[0] = total;
    a.dtype = NPY_F32;
    a.nbytes = (size_t)(per * total) * sizeof(float);
    float *v = malloc(a.nbytes);
    ck_assert_ptr_nonnull(v);
    if (keep_x) {
        float *f = npy_to_f32(x, NULL);
        ck_assert_ptr_nonnull(f);
        memcpy(v, f, (size_t)per * sizeof(float));
        free(f);
    }
    for (int s = 0; s < n; s++)
        normals(v + (keep_x + s) * per, per, seed + (uint64_t)s);
    a.data = v;
    char path[1024];
    mcn_err e;
    snprintf(path, sizeof path, "%s/%s", tu_scratch, file);
    ck_assert_msg(npy_save(path, &a, &e) == 0, "%s", e.msg);
    free(v);
}

/* The int8 model output's scale: one step of the output grid. */
static double output_scale(void)
{
    char path[1024];
    graph g;
    mcn_err e;
    snprintf(path, sizeof path, "%s/q.mcn", tu_scratch);
    ck_assert_msg(graph_load_file(&g, path, &e) == 0, "%s", e.msg);
    const graph_tensor *y = &g.tensors[g.outputs[0]];
    ck_assert_int_eq(y->nscale, 1);
    double s = y->scale[0];
    graph_free(&g);
    return s;
}

static int64_t argmax(const float *v, int64_t n)
{
    int64_t k = 0;
    for (int64_t i = 1; i < n; i++)
        if (v[i] > v[k])
            k = i;
    return k;
}

static void judge(const int8_case *c)
{
    npy_array yf = load("yf.npy"), yq = load("yq.npy");
    ck_assert_int_eq(yf.dtype, NPY_F32);
    ck_assert_int_eq(yq.dtype, NPY_F32);
    ck_assert_int_eq(npy_elems(&yf), npy_elems(&yq));
    int64_t n = yf.shape[0], per = npy_elems(&yf) / n;
    const float *f = yf.data, *q = yq.data;
    double worst_sqnr = INFINITY, worst_err = 0;
    int64_t agree = 0;
    for (int64_t s = 0; s < n; s++) {
        double sig = 0, noise = 0;
        for (int64_t i = 0; i < per; i++) {
            double d = (double)f[s * per + i] - q[s * per + i];
            sig += (double)f[s * per + i] * f[s * per + i];
            noise += d * d;
            if (fabs(d) > worst_err)
                worst_err = fabs(d);
        }
        double sqnr = noise > 0 ? 10 * log10(sig / noise) : INFINITY;
        if (sqnr < worst_sqnr)
            worst_sqnr = sqnr;
        agree += argmax(f + s * per, per) == argmax(q + s * per, per);
    }
    double lsb = worst_err / output_scale();
    if (getenv("MCN_TEST_VERBOSE"))
        fprintf(stderr, "int8_nets: %-24s samples %3lld  worst SQNR %6.2f dB"
                "  max error %5.2f LSB  top-1 agreement %5.1f%%\n", c->name,
                (long long)n, worst_sqnr, lsb, 100.0 * agree / n);
    if (c->kind == NET_MNIST)
        ck_assert_msg(agree >= MNIST_AGREE * n, "%s: int8 agrees with float "
                      "on %lld of %lld", c->name, (long long)agree,
                      (long long)n);
    if (c->sqnr_floor > 0)
        ck_assert_msg(worst_sqnr >= c->sqnr_floor, "%s: SQNR %.2f dB, the "
                      "floor is %.1f", c->name, worst_sqnr, c->sqnr_floor);
    if (c->max_lsb > 0)
        ck_assert_msg(lsb <= c->max_lsb, "%s: int8 is %.2f output steps from "
                      "float, at most %.1f allowed", c->name, lsb,
                      c->max_lsb);
    npy_free(&yf);
    npy_free(&yq);
}

static void same_bytes(const char *a, const char *b, const char *what)
{
    npy_array x = load(a), y = load(b);
    ck_assert_int_eq(x.nbytes, y.nbytes);
    ck_assert_msg(memcmp(x.data, y.data, x.nbytes) == 0,
                  "%s differ from the host engine's", what);
    npy_free(&x);
    npy_free(&y);
}

/* The emulated Cortex-M4 gives the host engine's bytes, and so does the
   code mcn-gen writes for the model, compiled for the host. */
static void same_on_the_chip_and_generated(void)
{
    run(MCN_BUILD_DIR "/bin/mcn-run p.mcn eval.npy --raw -o hr.npy && "
        MCN_BUILD_DIR "/bin/mcn-sim p.mcn eval.npy --raw -o sr.npy");
    same_bytes("hr.npy", "sr.npy", "mcn-sim's bytes");
    char *err = NULL, model[1024];
    snprintf(model, sizeof model, "%s/p.mcn", tu_scratch);
    ck_assert_msg(tu_gen_build(tu_scratch, model, &err) == 0, "mcn-gen: %s",
                  err);
    free(err);
    run("./host p.mcn eval.npy gr.npy");
    same_bytes("hr.npy", "gr.npy", "the generated code's bytes");
}

START_TEST(int8_tracks_float)
{
    const int8_case *c = &cases[_i];
    char src[1024], calib[1024], cmd[4096];
    if (c->kind == NET_MNIST) {
        snprintf(src, sizeof src, "%s", TU_SRC("examples/mnist/mnist_cnn.onnx"));
        snprintf(calib, sizeof calib, "%s", TU_SRC("examples/mnist/calib.npy"));
        snprintf(cmd, sizeof cmd, "cp '%s' eval.npy",
                 TU_SRC("examples/mnist/test_x.npy"));
        run(cmd);
    } else {
        const char *d = c->kind == NET_TORCH ? TU_SRC("tests/data/onnx-nets")
                                             : TU_SHARED("onnx-light");
        snprintf(src, sizeof src, "%s/%s.onnx", d, c->name);
        char in[1024];
        snprintf(in, sizeof in, "%s/%s.input.npy", d, c->name);
        npy_array x;
        mcn_err e;
        ck_assert_msg(npy_load(in, &x, &e) == 0, "%s: %s", in, e.msg);
        if (c->kind == NET_TORCH) {
            write_batch("calib.npy", &x, 0, N_CALIB, 1000);
            snprintf(calib, sizeof calib, "calib.npy");
            write_batch("eval.npy", &x, 1, N_EVAL, 2000);
        } else {
            snprintf(calib, sizeof calib, "%s", in);
            snprintf(cmd, sizeof cmd, "cp '%s' eval.npy && cp '%s/%s.output.npy'"
                     " yf.npy", in, d, c->name);
            run(cmd);
        }
        npy_free(&x);
    }
    snprintf(cmd, sizeof cmd,
             "B=%s/bin && $B/mcn-import '%s' -o f.mcn && "
             "$B/mcn-quantize --calib '%s' < f.mcn > q.mcn && "
             "$B/mcn-pack -o p.mcn < q.mcn && %s"
             "$B/mcn-run p.mcn eval.npy -o yq.npy > /dev/null",
             MCN_BUILD_DIR, src, calib, c->kind == NET_LIGHT ? ""
             : "$B/mcn-run f.mcn eval.npy -o yf.npy > /dev/null && ");
    run(cmd);
    judge(c);
    if (c->sim)
        same_on_the_chip_and_generated();
}
END_TEST

Suite *suite_int8_nets(void)
{
    Suite *s = suite_create("int8_nets");
    TCase *tc = tcase_create("int8_nets");
    tcase_add_checked_fixture(tc, tu_scratch_setup, tu_scratch_teardown);
    /* VGG-19 (144M weights) through every tool under ASan. */
    tcase_set_timeout(tc, 900);
    tcase_add_loop_test(tc, int8_tracks_float, 0,
                        (int)(sizeof cases / sizeof cases[0]));
    suite_add_tcase(s, tc);
    return s;
}
