/* test_kernel_variants.c: every optimised conv-family kernel in the
   engine's table (mcn_kernel_table.c) gives the reference kernels' bytes,
   on random convolutions, depthwise convolutions and fully connected
   layers wherever it says it applies, with the weights and bias laid out
   as it asks. On the host the DSP kernels run mcn_arch.h's portable
   SMLAD and SXTB16, so this is also the check of those; on the chip
   tests/test_tflm_oracle.c runs them for real. A kernel added to the
   table is tested without touching this file; one that applies to too
   few of the shapes drawn here fails, so it cannot go untested. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "mcn_internal.h"
#include "mcn_plan.h"

#define CASES 1500
#define MIN_APPLIED 40

static uint64_t rng;

static uint32_t next(void)
{
    uint64_t z = (rng += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return (uint32_t)((z ^ (z >> 31)) >> 32);
}

/* A whole number in [lo, hi]. */
static int32_t pick(int32_t lo, int32_t hi)
{
    return lo + (int32_t)(next() % (uint32_t)(hi - lo + 1));
}

typedef struct {
    mcn_k_conv_params p;
    uint8_t kop;
    int8_t *x, *w, *y_ref, *y;
    int32_t *bias, *mult, *shift;
    int32_t *scratch;
    size_t nx, nw, ny;
} conv_case;

static size_t elems(mcn_k_dims d)
{
    return (size_t)d.n * (size_t)d.h * (size_t)d.w * (size_t)d.c;
}

/* One axis: kernel, stride, dilation, pads and the output they give. */
static int32_t axis(int32_t in, int32_t k, int32_t stride, int32_t dil,
                    int32_t pad0, int32_t pad1)
{
    int32_t span = in + pad0 + pad1 - ((k - 1) * dil + 1);
    return span < 0 ? 0 : span / stride + 1;
}

/* A random member of family kop; a third of them in the shapes the
   optimised kernels target (1x1 stride 1, 3x3), the rest anything. */
static int draw(conv_case *c, uint8_t kop)
{
    mcn_k_conv_params *p = &c->p;
    memset(c, 0, sizeof *c);
    c->kop = kop;
    int shape = pick(0, 2);
    int32_t n = pick(1, 2), h = pick(1, 12), w = pick(1, 12);
    int32_t cin = pick(1, 40), cout = pick(1, 40);
    /* A fifth of the convolutions read a first layer's 1 to 3 channels. */
    if (kop == MCN_KOP_CONV && pick(0, 4) == 0)
        cin = pick(1, 3);
    /* A third of the 1x1 ones in the common case of the MLPerf models'
       1x1 layers (what conv_1x1_s8_smlad_paired3 takes): channels in a
       multiple of 4, an even count out, no clamp, right shifts only. */
    const int common = shape == 0 && kop != MCN_KOP_DWCONV && pick(0, 2) == 0;
    if (common) {
        cin = 4 * pick(1, kop == MCN_KOP_FC ? 63 : 20);
        cout = 2 * pick(1, 20);
        if (kop == MCN_KOP_FC)
            n = pick(3, 12);
    }
    int32_t kh = 1, kw = 1, sh = 1, sw = 1, dh = 1, dw = 1;
    int32_t pt = 0, pl = 0, pb = 0, pr = 0;
    if (kop == MCN_KOP_FC) {
        h = w = 1;
        if (!common)
            cin = pick(1, 300);
    } else if (shape == 1) {
        kh = kw = 3;
        sh = sw = pick(1, 2);
        pt = pl = pick(0, 1);
        pb = pr = pick(0, 1);
    } else if (shape == 2) {
        kh = pick(1, 7);
        kw = pick(1, 7);
        sh = pick(1, 3);
        sw = pick(1, 3);
        dh = pick(1, 2);
        dw = pick(1, 2);
        pt = pick(0, kh - 1);
        pl = pick(0, kw - 1);
        pb = pick(0, kh - 1);
        pr = pick(0, kw - 1);
    }
    int32_t mult = 1;
    if (kop == MCN_KOP_DWCONV) {
        mult = pick(1, 3) == 3 ? 2 : 1;
        cout = cin * mult;
    }
    int32_t oh = axis(h, kh, sh, dh, pt, pb), ow = axis(w, kw, sw, dw, pl, pr);
    if (oh < 1 || ow < 1)
        return 0;
    p->input = (mcn_k_dims){n, h, w, cin};
    p->output = (mcn_k_dims){n, oh, ow, cout};
    p->filter = kop == MCN_KOP_DWCONV ? (mcn_k_dims){1, kh, kw, cout}
                                      : (mcn_k_dims){cout, kh, kw, cin};
    p->stride_h = sh;
    p->stride_w = sw;
    p->dilation_h = dh;
    p->dilation_w = dw;
    p->pad_top = pt;
    p->pad_left = pl;
    p->groups = 1;
    p->depth_multiplier = mult;
    p->input_offset = -pick(-128, 127);
    p->output_offset = pick(-128, 127);
    p->act_min = common ? -128 : pick(-128, 0);
    p->act_max = common ? 127 : pick(p->act_min, 127);
    c->nx = elems(p->input);
    c->nw = elems(p->filter);
    c->ny = elems(p->output);
    c->x = malloc(c->nx);
    c->w = malloc(c->nw);
    c->y_ref = malloc(c->ny);
    c->y = malloc(c->ny);
    c->bias = malloc((size_t)cout * sizeof *c->bias);
    int per_channel = pick(0, 3) != 0;
    int32_t nrq = per_channel ? cout : 1;
    c->mult = malloc((size_t)nrq * sizeof *c->mult);
    c->shift = malloc((size_t)nrq * sizeof *c->shift);
    ck_assert(c->x && c->w && c->y_ref && c->y && c->bias && c->mult &&
              c->shift);
    for (size_t i = 0; i < c->nx; i++)
        c->x[i] = (int8_t)pick(-128, 127);
    for (size_t i = 0; i < c->nw; i++)
        c->w[i] = (int8_t)pick(-127, 127);
    for (int32_t i = 0; i < cout; i++)
        c->bias[i] = pick(-70000, 70000);
    for (int32_t i = 0; i < nrq; i++) {
        c->mult[i] = (int32_t)((1u << 30) + (next() >> 2));
        c->shift[i] = common ? pick(-22, -1) : pick(-14, 1);
    }
    p->rq = (mcn_k_requant){c->mult, c->shift, nrq};
    p->input_data = c->x;
    p->filter_data = c->w;
    p->bias = c->bias;
    return 1;
}

static void drop(conv_case *c)
{
    free(c->x);
    free(c->w);
    free(c->y_ref);
    free(c->y);
    free(c->bias);
    free(c->mult);
    free(c->shift);
    free(c->scratch);
}

static void run_reference(conv_case *c)
{
    c->p.output_data = c->y_ref;
    if (c->kop == MCN_KOP_DWCONV)
        mcn_k_dwconv_s8(&c->p);
    else
        mcn_k_conv_s8(&c->p);
}

/* Kernel k on case c, laid out as it asks: 1 if it applied. */
static int run_kernel(const mcn_conv_kernel *k, conv_case *c, int id,
                      int trial)
{
    if (!(k->ops & c->kop) || !k->applies(&c->p))
        return 0;
    mcn_k_conv_params q = c->p;
    /* Its layout may be larger than the filter (a widened copy after). */
    const size_t nw = mcn_conv_kernel_weight_bytes(k, &c->p);
    ck_assert(nw >= c->nw);
    int8_t *w = malloc(nw);
    int32_t *b = malloc((size_t)c->p.output.c * sizeof *b);
    ck_assert(w && b);
    memset(w, 0x55, nw);
    memcpy(w, c->w, c->nw);
    memcpy(b, c->bias, (size_t)c->p.output.c * sizeof *b);
    if (k->layout)
        k->layout(&c->p, w, b);
    q.filter_data = w;
    q.bias = b;
    uint32_t need = k->scratch_bytes ? k->scratch_bytes(&c->p) : 0;
    int32_t *scratch = need ? malloc(need) : NULL;
    ck_assert(!need || scratch);
    q.scratch = scratch;
    memset(c->y, 0x55, c->ny);
    q.output_data = c->y;
    k->run(&q);
    for (size_t i = 0; i < c->ny; i++)
        ck_assert_msg(c->y[i] == c->y_ref[i], "kernel %d (%s), case %d: "
                      "output %zu is %d, the reference says %d", id,
                      k->name, trial, i, c->y[i], c->y_ref[i]);
    int32_t lo, hi;
    if (k->overlap && k->overlap(&c->p, &lo, &hi)) {
        /* The output overlapping the input at the window's edge and
           inside it: still the reference's bytes. */
        const int64_t ds[3] = {hi, (int64_t)hi - 1, (int64_t)hi - 37};
        for (int j = 0; j < 3; j++) {
            int64_t d = ds[j];
            if (d < lo || d <= -(int64_t)c->ny)
                continue;
            size_t base = d < 0 ? (size_t)-d : 0;
            size_t span = base + c->nx;
            if ((int64_t)base + d + (int64_t)c->ny > (int64_t)span)
                span = (size_t)((int64_t)base + d + (int64_t)c->ny);
            int8_t *buf = malloc(span);
            ck_assert_ptr_nonnull(buf);
            memcpy(buf + base, c->x, c->nx);
            q.input_data = buf + base;
            q.output_data = buf + (int64_t)base + d;
            k->run(&q);
            ck_assert_msg(memcmp(q.output_data, c->y_ref, c->ny) == 0,
                          "kernel %d (%s), case %d: output overlapping the "
                          "input %lld bytes on differs from the reference",
                          id, k->name, trial, (long long)d);
            free(buf);
        }
    }
    free(w);
    free(b);
    free(scratch);
    return 1;
}

START_TEST(every_kernel_matches_the_reference)
{
    static const uint8_t kops[3] = {MCN_KOP_CONV, MCN_KOP_DWCONV, MCN_KOP_FC};
    int applied[256] = {0};
    rng = 12345;
    for (int trial = 0; trial < CASES; trial++) {
        conv_case c;
        if (!draw(&c, kops[trial % 3])) {
            drop(&c);
            continue;
        }
        run_reference(&c);
        for (int id = 1; mcn_conv_kernel_get((uint8_t)id); id++)
            applied[id] += run_kernel(mcn_conv_kernel_get((uint8_t)id), &c,
                                      id, trial);
        drop(&c);
    }
    for (int id = 1; mcn_conv_kernel_get((uint8_t)id); id++)
        ck_assert_msg(applied[id] >= MIN_APPLIED, "kernel %d (%s) applied to "
                      "only %d of the random layers", id,
                      mcn_conv_kernel_get((uint8_t)id)->name, applied[id]);
}
END_TEST

/* The target picks: nothing for the reference, no DSP kernel for a core
   without the DSP extension. */
START_TEST(targets_choose_within_their_cores)
{
    conv_case c;
    rng = 7;
    int drew = 0;
    while (!drew) {
        drew = draw(&c, MCN_KOP_CONV);
        if (!drew)
            drop(&c);
    }
    c.p.filter.h = c.p.filter.w = 1;
    c.p.stride_h = c.p.stride_w = 1;
    c.p.pad_top = c.p.pad_left = 0;
    c.p.dilation_h = c.p.dilation_w = 1;
    c.p.output.h = c.p.input.h;
    c.p.output.w = c.p.input.w;
    ck_assert_int_eq(mcn_conv_kernel_choose(&c.p, MCN_KOP_CONV,
                                            MCN_TARGET_REFERENCE), 0);
    uint8_t m4 = mcn_conv_kernel_choose(&c.p, MCN_KOP_CONV,
                                        MCN_TARGET_CORTEX_M4);
    ck_assert_int_ne(m4, 0);
    ck_assert_str_eq(mcn_conv_kernel_get(m4)->name,
                     c.p.output.n * c.p.output.h * c.p.output.w > 1
                         ? "conv_1x1_s8_smlad_paired"
                         : "fc_s8_smlad_paired");
    uint8_t m3 = mcn_conv_kernel_choose(&c.p, MCN_KOP_CONV,
                                        MCN_TARGET_CORTEX_M3);
    ck_assert(m3 == 0 || strstr(mcn_conv_kernel_get(m3)->name, "smlad") ==
                             NULL);
    ck_assert_ptr_null(mcn_conv_kernel_get(0));
    ck_assert_ptr_null(mcn_conv_kernel_get(255));
    drop(&c);
}
END_TEST

Suite *suite_kernel_variants(void)
{
    Suite *s = suite_create("kernel_variants");
    TCase *tc = tcase_create("kernel_variants");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, every_kernel_matches_the_reference);
    tcase_add_test(tc, targets_choose_within_their_cores);
    suite_add_tcase(s, tc);
    return s;
}
