/* test_gen_entries.c: the kernels' specialised entry points, which mcn-gen
   calls in place of a table kernel where every layer of a model that runs
   it qualifies (tools/gen/gen_calls.c), give the reference kernel's bytes
   wherever they say they apply: on random layers of their shape, with
   the weights and bias laid out as the table kernel asks, out of place and
   overlapping the input as far as the table kernel's overlap allows (the
   packer plans in-place layers by it). On the host the DSP paths run
   mcn_arch.h's portable forms; tests/test_gen.c runs generated code on
   the MLPerf models, which take these entries. The global average pool's
   entry has its own test. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "mcn_internal.h"
#include "mcn_plan.h"
#include "testutil.h"

#define CASES 1500
#define MIN_APPLIED 25

typedef struct {
    const char *table_name;      /* the kernel it stands in for */
    int (*applies)(const mcn_k_conv_params *p);
    void (*run)(const mcn_k_conv_params *p);
    int shape;                   /* drawn as: */
} entry;

enum { ONE_BY_ONE, DEPTHWISE, FIRST_LAYER, SHAPES };

static const entry entries[] = {
    {"conv_1x1_s8_smlad_paired", mcn_k_conv_1x1_s8_smlad_paired_fast_applies,
     mcn_k_conv_1x1_s8_smlad_paired_fast, ONE_BY_ONE},
    {"fc_s8_smlad_paired", mcn_k_fc_s8_smlad_paired_fast_applies,
     mcn_k_fc_s8_smlad_paired_fast, ONE_BY_ONE},
    {"fc_s8_smlad_paired", mcn_k_fc_s8_smlad_paired_pair_applies,
     mcn_k_fc_s8_smlad_paired_pair, ONE_BY_ONE},
    {"fc_s8_smlad_paired", mcn_k_fc_s8_smlad_paired_quads_applies,
     mcn_k_fc_s8_smlad_paired_quads, ONE_BY_ONE},
    {"dwconv_s8_smlad", mcn_k_dwconv_s8_smlad_3x3_applies,
     mcn_k_dwconv_s8_smlad_3x3, DEPTHWISE},
    {"conv_s8_first_smlad", mcn_k_conv_s8_first_smlad_applies,
     mcn_k_conv_s8_first_smlad_narrow, FIRST_LAYER},
};
#define N_ENTRIES ((int)(sizeof entries / sizeof *entries))

static uint64_t rng;

static uint32_t next(void)
{
    return (uint32_t)(tu_splitmix(&rng) >> 32);
}

static int32_t pick(int32_t lo, int32_t hi)
{
    return lo + (int32_t)(next() % (uint32_t)(hi - lo + 1));
}

static const mcn_conv_kernel *table_kernel(const char *name)
{
    for (int id = 1; mcn_conv_kernel_get((uint8_t)id); id++)
        if (strcmp(mcn_conv_kernel_get((uint8_t)id)->name, name) == 0)
            return mcn_conv_kernel_get((uint8_t)id);
    return NULL;
}

typedef struct {
    mcn_k_conv_params p;
    int8_t *x, *w, *y_ref;
    int32_t *bias, *mult, *shift;
    size_t nx, nw, ny;
} layer;

static void fill(layer *c, int common);
static void draw_first(layer *c);

/* A random depthwise layer (multiplier 1), mostly 3x3 at stride 1 or 2,
   some big enough to go through the ring of staged rows, some filters of
   other sizes. */
static void draw_dw(layer *c)
{
    mcn_k_conv_params *p = &c->p;
    const int three = pick(0, 3) != 0;
    const int32_t kh = three ? 3 : pick(1, 5), kw = three ? 3 : pick(1, 5);
    const int32_t sh = pick(1, 2), sw = pick(1, 2);
    const int big = pick(0, 3) == 0;
    const int32_t n = pick(1, 2), ch = pick(1, 12);
    const int32_t h = big ? pick(30, 50) : pick(kh, 12);
    const int32_t w = big ? pick(30, 50) : pick(kw, 12);
    const int32_t pt = pick(0, kh / 2), pl = pick(0, kw / 2);
    const int32_t pb = pick(0, kh / 2), pr = pick(0, kw / 2);
    const int32_t oh = (h + pt + pb - kh) / sh + 1;
    const int32_t ow = (w + pl + pr - kw) / sw + 1;
    p->input = (mcn_k_dims){n, h, w, ch};
    p->output = (mcn_k_dims){n, oh, ow, ch};
    p->filter = (mcn_k_dims){1, kh, kw, ch};
    p->stride_h = sh;
    p->stride_w = sw;
    p->dilation_h = p->dilation_w = 1;
    p->pad_top = pt;
    p->pad_left = pl;
    p->groups = 1;
    p->depth_multiplier = 1;
    p->input_offset = -pick(-128, 127);
    p->output_offset = pick(-128, 127);
    const int full = pick(0, 1);
    p->act_min = full ? -128 : pick(-128, 0);
    p->act_max = full ? 127 : pick(p->act_min, 127);
    c->nx = (size_t)n * h * w * ch;
    c->ny = (size_t)n * oh * ow * ch;
    c->nw = (size_t)kh * kw * ch;
    fill(c, pick(0, 1));
}

/* A random first layer: 1 to 3 input channels, filters 1x1 to 5x5 (3x3
   most), strides 1 or 2, padding or none, a dilation now and then. */
static void draw_first(layer *c)
{
    mcn_k_conv_params *p = &c->p;
    const int three = pick(0, 2) != 0;
    const int32_t kh = three ? 3 : pick(1, 5), kw = three ? 3 : pick(1, 5);
    const int32_t sh = pick(1, 2), sw = pick(1, 2);
    const int32_t dh = pick(0, 5) ? 1 : 2, dw = pick(0, 5) ? 1 : 2;
    const int32_t n = pick(1, 2), cin = pick(1, 3), cout = pick(1, 24);
    const int32_t h = pick((kh - 1) * dh + 1, 20);
    const int32_t w = pick((kw - 1) * dw + 1, 20);
    const int32_t pt = pick(0, kh / 2), pl = pick(0, kw / 2);
    const int32_t pb = pick(0, kh / 2), pr = pick(0, kw / 2);
    const int32_t oh = (h + pt + pb - ((kh - 1) * dh + 1)) / sh + 1;
    const int32_t ow = (w + pl + pr - ((kw - 1) * dw + 1)) / sw + 1;
    p->input = (mcn_k_dims){n, h, w, cin};
    p->output = (mcn_k_dims){n, oh, ow, cout};
    p->filter = (mcn_k_dims){cout, kh, kw, cin};
    p->stride_h = sh;
    p->stride_w = sw;
    p->dilation_h = dh;
    p->dilation_w = dw;
    p->pad_top = pt;
    p->pad_left = pl;
    p->groups = 1;
    p->depth_multiplier = 1;
    p->input_offset = -pick(-128, 127);
    p->output_offset = pick(-128, 127);
    const int full = pick(0, 1);
    p->act_min = full ? -128 : pick(-128, 0);
    p->act_max = full ? 127 : pick(p->act_min, 127);
    c->nx = (size_t)n * h * w * cin;
    c->ny = (size_t)n * oh * ow * cout;
    c->nw = (size_t)cout * kh * kw * cin;
    fill(c, 0);
}

/* A random 1x1 stride-1 layer (a third of them one pixel), mostly in the
   entries' common case: depth a multiple of 4 up to 256 and beyond, even
   channels, the act range all of int8, right shifts of 2 or more;
   otherwise anything nearby. */
static void draw(layer *c, int shape)
{
    mcn_k_conv_params *p = &c->p;
    memset(c, 0, sizeof *c);
    if (shape == DEPTHWISE) {
        draw_dw(c);
        return;
    }
    if (shape == FIRST_LAYER) {
        draw_first(c);
        return;
    }
    const int common = pick(0, 3) != 0;
    /* A third of them one pixel (FULLY_CONNECTED's shape). */
    const int one = pick(0, 2) == 0;
    int32_t n = one ? 1 : pick(1, 2), h = one ? 1 : pick(1, 9);
    int32_t w = one ? 1 : pick(1, 9);
    int32_t cin = common ? 4 * pick(1, pick(0, 4) ? 64 : 80) : pick(1, 300);
    int32_t cout = common ? (pick(0, 2) ? 2 * pick(1, 24) : 2)
                          : pick(1, 48);
    p->input = (mcn_k_dims){n, h, w, cin};
    p->output = (mcn_k_dims){n, h, w, cout};
    p->filter = (mcn_k_dims){cout, 1, 1, cin};
    p->stride_h = p->stride_w = 1;
    p->dilation_h = p->dilation_w = 1;
    p->groups = 1;
    p->depth_multiplier = 1;
    p->input_offset = -pick(-128, 127);
    p->output_offset = pick(-128, 127);
    p->act_min = common ? -128 : pick(-128, 0);
    p->act_max = common ? 127 : pick(p->act_min, 127);
    c->nx = (size_t)n * h * w * cin;
    c->ny = (size_t)n * h * w * cout;
    c->nw = (size_t)cout * cin;
    fill(c, common);
}

/* Layer c's data and requantization, its shapes set. */
static void fill(layer *c, int common)
{
    mcn_k_conv_params *p = &c->p;
    const int32_t cout = p->output.c;
    int32_t nrq = pick(0, 3) ? cout : 1;
    c->x = malloc(c->nx);
    c->w = malloc(c->nw);
    c->y_ref = malloc(c->ny);
    c->bias = malloc((size_t)cout * sizeof *c->bias);
    c->mult = malloc((size_t)nrq * sizeof *c->mult);
    c->shift = malloc((size_t)nrq * sizeof *c->shift);
    ck_assert(c->x && c->w && c->y_ref && c->bias && c->mult && c->shift);
    for (size_t i = 0; i < c->nx; i++)
        c->x[i] = (int8_t)pick(-128, 127);
    for (size_t i = 0; i < c->nw; i++)
        c->w[i] = (int8_t)pick(-127, 127);
    for (int32_t i = 0; i < cout; i++)
        c->bias[i] = pick(-70000, 70000);
    for (int32_t i = 0; i < nrq; i++) {
        c->mult[i] = pick(0, 30) ? (int32_t)((1u << 30) + (next() >> 2)) : 0;
        c->shift[i] = common ? pick(-16, -2) : pick(-14, 1);
    }
    p->rq = (mcn_k_requant){c->mult, c->shift, nrq};
    p->input_data = c->x;
    p->filter_data = c->w;
    p->bias = c->bias;
}

static void drop(layer *c)
{
    free(c->x);
    free(c->w);
    free(c->y_ref);
    free(c->bias);
    free(c->mult);
    free(c->shift);
}

/* Entry e on layer c (the reference's output in y_ref): 1 if it applied. */
static int check_entry(const entry *e, const mcn_conv_kernel *k, layer *c,
                       int trial)
{
    if (!e->applies(&c->p))
        return 0;
    ck_assert_msg(k->applies(&c->p), "%s's entry applies where the kernel "
                  "does not (case %d)", e->table_name, trial);
    mcn_k_conv_params q = c->p;
    /* Its layout may be larger than the filter (a widened copy after). */
    const size_t nw = mcn_conv_kernel_weight_bytes(k, &c->p);
    ck_assert(nw >= c->nw);
    int8_t *w = malloc(nw);
    int32_t *b = malloc((size_t)c->p.output.c * sizeof *b);
    uint32_t need = k->scratch_bytes ? k->scratch_bytes(&c->p) : 0;
    int32_t *scratch = malloc(need ? need : 4);
    int8_t *y = malloc(c->ny);
    ck_assert(w && b && scratch && y);
    memset(w, 0x55, nw);
    memcpy(w, c->w, c->nw);
    memcpy(b, c->bias, (size_t)c->p.output.c * sizeof *b);
    if (k->layout)
        k->layout(&c->p, w, b);
    q.filter_data = w;
    q.bias = b;
    q.scratch = scratch;
    memset(y, 0x55, c->ny);
    q.output_data = y;
    e->run(&q);
    ck_assert_msg(memcmp(y, c->y_ref, c->ny) == 0, "%s's entry, case %d: "
                  "not the reference's bytes", e->table_name, trial);
    int32_t lo, hi;
    if (k->overlap && k->overlap(&c->p, &lo, &hi)) {
        const int64_t ds[2] = {hi, (int64_t)hi - 5};
        for (int j = 0; j < 2; j++) {
            const int64_t d = ds[j];
            if (d < lo || d <= -(int64_t)c->ny || d > (int64_t)c->nx)
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
            e->run(&q);
            ck_assert_msg(memcmp(q.output_data, c->y_ref, c->ny) == 0,
                          "%s's entry, case %d: output %lld bytes on from "
                          "the input differs", e->table_name, trial,
                          (long long)d);
            free(buf);
        }
    }
    free(w);
    free(b);
    free(scratch);
    free(y);
    return 1;
}

START_TEST(entries_give_the_reference_bytes)
{
    int applied[N_ENTRIES] = {0};
    rng = 2026;
    for (int trial = 0; trial < CASES; trial++) {
        layer c;
        const int shape = trial % SHAPES;
        draw(&c, shape);
        c.p.output_data = c.y_ref;
        if (shape == DEPTHWISE)
            mcn_k_dwconv_s8(&c.p);
        else
            mcn_k_conv_s8(&c.p);
        for (int i = 0; i < N_ENTRIES; i++) {
            if (entries[i].shape != shape)
                continue;
            const mcn_conv_kernel *k = table_kernel(entries[i].table_name);
            ck_assert_msg(k != NULL, "no table kernel %s",
                          entries[i].table_name);
            applied[i] += check_entry(&entries[i], k, &c, trial);
        }
        drop(&c);
    }
    for (int i = 0; i < N_ENTRIES; i++)
        ck_assert_msg(applied[i] >= MIN_APPLIED, "%s's entry applied to only "
                      "%d random layers", entries[i].table_name, applied[i]);
}
END_TEST

/* The global average pool's entry: random pools over the whole image (and
   some not, which it must refuse or match). */
START_TEST(global_pool_gives_the_reference_bytes)
{
    int applied = 0;
    rng = 77;
    for (int trial = 0; trial < 400; trial++) {
        mcn_k_pool_params p;
        memset(&p, 0, sizeof p);
        const int32_t n = pick(1, 2), h = pick(1, 12), w = pick(1, 12);
        const int32_t c = pick(1, 40);
        const int global = pick(0, 3) != 0;
        p.filter_h = global ? h + pick(0, 1) : pick(1, h);
        p.filter_w = global ? w + pick(0, 1) : pick(1, w);
        p.stride_h = pick(1, 2);
        p.stride_w = pick(1, 2);
        p.dilation_h = p.dilation_w = 1;
        p.count_include_pad = pick(0, 1);
        p.zero_point = pick(-128, 127);
        p.act_min = pick(0, 1) ? -128 : pick(-128, 0);
        p.act_max = pick(0, 1) ? 127 : pick(p.act_min, 127);
        const int32_t oh =
            h < p.filter_h ? 1 : (h - p.filter_h) / p.stride_h + 1;
        const int32_t ow =
            w < p.filter_w ? 1 : (w - p.filter_w) / p.stride_w + 1;
        p.input = (mcn_k_dims){n, h, w, c};
        p.output = (mcn_k_dims){n, oh, ow, c};
        const size_t nx = (size_t)n * h * w * c, ny = (size_t)n * oh * ow * c;
        int8_t *x = malloc(nx), *y_ref = malloc(ny), *y = malloc(ny);
        ck_assert(x && y_ref && y);
        for (size_t i = 0; i < nx; i++)
            x[i] = (int8_t)pick(-128, 127);
        p.input_data = x;
        p.output_data = y_ref;
        mcn_k_avgpool_s8(&p);
        if (mcn_k_avgpool_s8_global_applies(&p)) {
            memset(y, 0x55, ny);
            p.output_data = y;
            mcn_k_avgpool_s8_global(&p);
            ck_assert_msg(memcmp(y, y_ref, ny) == 0, "global pool, case %d: "
                          "not the reference's bytes", trial);
            applied++;
        }
        free(x);
        free(y_ref);
        free(y);
    }
    ck_assert_msg(applied >= 100, "the global pool applied to only %d",
                  applied);
}
END_TEST

Suite *suite_gen_entries(void)
{
    Suite *s = suite_create("gen_entries");
    TCase *tc = tcase_create("gen_entries");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, entries_give_the_reference_bytes);
    tcase_add_test(tc, global_pool_gives_the_reference_bytes);
    suite_add_tcase(s, tc);
    return s;
}
