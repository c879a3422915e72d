/* test_engine_mutants.c: the engine on broken packed models. Each mutant
   of a packed model (bits flipped, words overwritten with values that make
   offsets and counts go wrong, truncated, or a stretch spliced in from
   elsewhere in the file) sits in an allocation of exactly its size, with
   the arena in one of exactly the size it asks for, so that
   AddressSanitizer sees any read or write outside either. mcn_init must
   refuse it, or accept it and then run it in bounds.

   The models: MNIST and the four MLPerf Tiny int8 ones (packed for the
   Cortex-M4, so that every DSP kernel of the table runs: its portable C
   on the host), and KWS for the Cortex-M3 (the planar depthwise kernel).
   Random positions mostly land on raw weights, so a share of the mutants
   is aimed at what the kernels read from the model besides the graph's
   weights: anywhere in a kernel's weight buffer, bias or ADD table; and
   at the bytes there that the layout derived from the operator's
   parameters (a requantization table, a folded bias, widened weights).
   Changing only those leaves a model no packer writes, which mcn_init
   must refuse: a kernel would otherwise run on shifts, multipliers and
   sums nobody checked. A second test flips a spread of those bytes one at
   a time, every region's, and expects each refused.
   MCN_MUTANTS sets the count over all models (make test: 5,000; make
   fuzz: 100,000). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "mcn.h"
#include "mcn_internal.h"
#include "mcn_plan.h"
#include "npy.h"
#include "onnx_import.h"
#include "pack.h"
#include "quantize.h"
#include "sample_io.h"
#include "testutil.h"
#include "tflite_import.h"

#define EX TU_SRC("examples/mnist/")
#define TINY TU_SHARED("models/mlperf-tiny/")

static void pack(graph *g, mcn_target target, uint8_t **buf, size_t *len)
{
    mcn_err e;
    pack_opts po = {.target = target};
    ck_assert_msg(pack_to_mcn(g, &po, buf, len, &e) == 0, "%s", e.msg);
    graph_free(g);
}

static void packed_mnist(mcn_target target, uint8_t **buf, size_t *len)
{
    uint8_t *onnx;
    size_t n;
    graph g;
    mcn_err e;
    npy_array x = {0};
    sample_batch b = {0};
    ck_assert_msg(file_read_all(EX "mnist_cnn.onnx", &onnx, &n, &e) == 0,
                  "%s", e.msg);
    ck_assert_msg(onnx_import(onnx, n, NULL, &g, &e) == 0, "%s", e.msg);
    free(onnx);
    ck_assert_msg(npy_load(EX "first4_x.npy", &x, &e) == 0 &&
                  sample_inputs_from_npy(&g, 0, &x, &b, &e) == 0, "%s",
                  e.msg);
    const float *s[4];
    for (int i = 0; i < b.n && i < 4; i++)
        s[i] = (const float *)((const char *)b.data + i * b.sample_bytes);
    quantize_opts qo = {.n_samples = b.n < 4 ? b.n : 4, .samples = s};
    ck_assert_msg(quantize_graph(&g, &qo, &e) == 0, "%s", e.msg);
    sample_batch_free(&b);
    npy_free(&x);
    pack(&g, target, buf, len);
}

static void packed_tflite(const char *path, mcn_target target,
                          uint8_t **buf, size_t *len)
{
    size_t n;
    uint8_t *t = tu_read_file(path, &n);
    ck_assert_msg(t != NULL, "cannot read %s", path);
    graph g;
    mcn_err e;
    ck_assert_msg(tflite_import(t, n, NULL, &g, &e) == 0, "%s: %s", path,
                  e.msg);
    free(t);
    pack(&g, target, buf, len);
}

/* ---- what a kernel reads from the model besides the graph's weights ---- */

/* A stretch of the model an operator's kernel reads: its weight buffer
   (laid out by kernel `kernel`), its bias, or an ADD's table. */
typedef struct {
    uint32_t at, bytes;
    uint32_t op;
    uint8_t kernel;    /* the weight buffer's layout; 0: bias or table */
    uint8_t table;     /* an ADD's table: every byte derived */
    uint32_t filter;   /* the graph's weight bytes */
    int32_t depth;     /* input channels (the filter's last axis) */
} region;

#define MAX_REGIONS 96

typedef struct {
    const char *name;
    uint8_t *m;
    size_t len;
    uint32_t share;    /* of the mutants, by what one invoke costs */
    region r[MAX_REGIONS];
    int n_r;
    int with_derived[MAX_REGIONS];   /* the regions holding derived bytes */
    int n_derived;
} subject;

/* Whether byte i of region r is one the layout derived from the
   operator's verified parameters rather than a raw weight: the kernels'
   layouts (mcn_kernels.h; conv_smlad.h, conv_1x1_s8_smlad_paired3.c,
   fc_s8_smlad_wide.c). */
static int derived(const region *r, uint32_t i)
{
    if (r->table)
        return 1;
    switch (r->kernel) {
    case 6:     /* first_smlad: rows, then widened words and rq table */
    case 7:     /* im2col_smlad: rows, then the rq table */
        return i >= ((r->filter + 3u) & ~3u);   /* rows padded to words */
    case 8:     /* fc_wide: int16 weights, whose high bytes are signs */
        return i & 1u;
    case 10: {  /* paired3: per pair b_l, the lanes, 7 words */
        const uint32_t pair = 32u + 2u * (uint32_t)r->depth;
        return i % pair < 4u || i % pair >= 4u + 2u * (uint32_t)r->depth;
    }
    default:
        return 0;
    }
}

static void add_region(subject *s, const mcn_tview *t, uint32_t op,
                       uint8_t kernel, uint8_t table, int32_t depth)
{
    ck_assert_int_lt(s->n_r, MAX_REGIONS);
    region *r = &s->r[s->n_r++];
    r->at = (uint32_t)(t->data - s->m);
    r->bytes = mcn_const_bytes(s->m, t);
    r->op = op;
    r->kernel = kernel;
    r->table = table;
    r->filter = t->bytes;
    r->depth = depth;
    int any = 0;
    for (uint32_t i = 0; i < r->bytes && !any; i++)
        any = derived(r, i);
    if (any)
        s->with_derived[s->n_derived++] = s->n_r - 1;
}

/* Every conv-family operator's weight buffer and bias under an optimised
   kernel, and every ADD's table, of s's packed model. */
static void find_regions(subject *s)
{
    const uint32_t need = mcn_arena_bytes(s->m, s->len);
    uint8_t *arena = aligned_alloc(16, (need + 15u) & ~15u);
    ck_assert_ptr_nonnull(arena);
    mcn_ctx ctx;
    ck_assert_int_eq(mcn_init(&ctx, s->m, s->len, arena,
                              (need + 15u) & ~15u), MCN_OK);
    for (uint32_t i = 0; i < ctx.n_operators; i++) {
        mcn_opview v;
        ck_assert_int_eq(mcn_opview_get(&ctx, i, &v), MCN_OK);
        if ((v.opcode == MCN_OP_ADD || v.opcode == MCN_OP_SUB) &&
            v.n_in == 3)
            add_region(s, &v.in[2], i, 0, 1, 0);
        if (!v.kernel)
            continue;
        const mcn_tview *w = &v.in[1];
        add_region(s, w, i, v.kernel, 0, w->dims[w->rank - 1]);
        if (v.n_in > 2 && v.in[2].present)
            add_region(s, &v.in[2], i, 0, 0, 0);
    }
    free(arena);
}

/* ---- mutants ---- */

static uint64_t rnd(uint64_t *s)
{
    return tu_splitmix(s);
}

/* Offsets and counts that break things when a word lands on one. */
static const uint32_t nasty[] = {0, 1, 2, 3, 4, 0x7f, 0x80, 0xff, 0x100,
                                 0xffff, 0x10000, 0x7fffffff, 0x80000000u,
                                 0xfffffffcu, 0xffffffffu};
#define N_NASTY (sizeof nasty / sizeof *nasty)

/* One mutant of m (len bytes) into a fresh buffer of *n bytes. */
static uint8_t *mutate(const uint8_t *m, size_t len, uint64_t *s, size_t *n)
{
    const unsigned kind = (unsigned)(rnd(s) % 4);
    *n = len;
    if (kind == 2)
        *n = 1 + (size_t)(rnd(s) % (len - 1));     /* truncated */
    uint8_t *c = malloc(*n);
    ck_assert_ptr_nonnull(c);
    memcpy(c, m, *n);
    if (kind == 0) {                                /* bits flipped */
        const int flips = 1 + (int)(rnd(s) % 4);
        for (int k = 0; k < flips; k++)
            c[rnd(s) % *n] ^= (uint8_t)(1u << (rnd(s) % 8));
    } else if (kind == 1) {                         /* a word overwritten */
        const size_t at = (size_t)(rnd(s) % (*n - 4)) & ~(size_t)3;
        const uint32_t v = nasty[rnd(s) % N_NASTY];
        memcpy(c + at, &v, 4);
    } else if (kind == 3) {                         /* a stretch spliced */
        const size_t span = 1 + (size_t)(rnd(s) % 64);
        const size_t to = (size_t)(rnd(s) % (*n - span));
        const size_t from = (size_t)(rnd(s) % (len - span));
        memmove(c + to, m + from, span);
    }
    return c;
}

/* c, a copy of s's model, with region r changed at a random byte: the
   aligned word holding it overwritten first, maybe (a nasty value, or a
   word from elsewhere in the model), then the byte's bits flipped. With
   only_derived, only bytes the layout derived change, and at least one
   does. Returns the byte's offset in the region. */
static uint32_t aim(const subject *s, const region *r, int only_derived,
                    uint64_t *st, uint8_t *c)
{
    uint32_t i;
    do
        i = (uint32_t)(rnd(st) % r->bytes);
    while (only_derived && !derived(r, i));
    uint8_t *at = c + r->at;
    const uint32_t w = i & ~3u;
    const unsigned kind = (unsigned)(rnd(st) % 3);
    uint8_t word[4];
    if (kind > 0 && w + 4 <= r->bytes) {
        uint32_t v = nasty[rnd(st) % N_NASTY];
        if (kind == 2)
            memcpy(&v, s->m + ((rnd(st) % (s->len - 4)) & ~(size_t)3), 4);
        memcpy(word, &v, 4);
        for (uint32_t k = 0; k < 4; k++)
            if (!only_derived || derived(r, w + k))
                at[w + k] = word[k];
    }
    do
        at[i] ^= (uint8_t)(1u + rnd(st) % 255u);
    while (only_derived && at[i] == s->m[r->at + i]);
    return i;
}

/* Arenas a mutant may ask for; bigger requests are refused by size. */
#define MAX_ARENA (8u << 20)

/* mcn_init on mutant c (n bytes) in an exact-size arena, and if it
   accepts, one invoke. 1 when it ran. */
static int init_and_run(const uint8_t *c, size_t n, long k)
{
    const uint32_t need = mcn_arena_bytes(c, n);
    if (need == 0 || need > MAX_ARENA)
        return 0;
    uint8_t *arena = aligned_alloc(16, (need + 15u) & ~15u);
    ck_assert_ptr_nonnull(arena);
    mcn_ctx ctx;
    int ran = 0;
    if (mcn_init(&ctx, c, n, arena, (need + 15u) & ~15u) == MCN_OK) {
        mcn_tensor in;
        if (mcn_input(&ctx, 0, &in) == MCN_OK)
            memset(in.data, (int)(k & 0x7f), in.bytes);
        ck_assert_int_eq(mcn_invoke(&ctx), MCN_OK);
        ran = 1;
    }
    free(arena);
    return ran;
}

typedef struct {
    long ran, refused;
} tally;

/* count mutants of s: half random, the rest aimed at its regions (half
   of those at derived bytes only, which must all be refused). */
static void run_subject(const subject *s, long count, uint64_t *seed,
                        tally *t)
{
    for (long k = 0; k < count; k++) {
        const unsigned kind = s->n_r ? (unsigned)(k % 4) : 0;
        size_t n = s->len;
        uint8_t *c;
        const region *r = 0;
        uint32_t i = 0;
        if (kind < 2) {
            c = mutate(s->m, s->len, seed, &n);
        } else {
            c = malloc(n);
            ck_assert_ptr_nonnull(c);
            memcpy(c, s->m, n);
            const int only = kind == 3 && s->n_derived > 0;
            r = only ? &s->r[s->with_derived[rnd(seed) %
                                             (uint64_t)s->n_derived]]
                     : &s->r[rnd(seed) % (uint64_t)s->n_r];
            i = aim(s, r, only, seed, c);
            if (!only)
                r = 0;
        }
        const int ran = init_and_run(c, n, k);
        ck_assert_msg(!ran || !r,
                      "%s: op %u (%s) runs with byte %u changed, which "
                      "the packer derives", s->name, r ? r->op : 0,
                      !r ? "" : r->table ? "ADD table"
                                         : mcn_plan_kernel_name(r->kernel),
                      i);
        t->ran += ran;
        t->refused += !ran;
        free(c);
    }
}

/* The models, packed, and what their kernels read; share: of the
   mutants, less for the models whose invoke costs more. */
#define N_SUBJECTS 6
static void open_subjects(subject *s)
{
    static const struct {
        const char *name, *tflite;
        mcn_target target;
        uint32_t share;
    } m[N_SUBJECTS] = {
        {"mnist", NULL, MCN_TARGET_CORTEX_M4, 30},
        {"ad01", TINY "ad01_int8.tflite", MCN_TARGET_CORTEX_M4, 20},
        {"kws", TINY "kws_ref_model.tflite", MCN_TARGET_CORTEX_M4, 18},
        {"kws (cortex-m3)", TINY "kws_ref_model.tflite", MCN_TARGET_CORTEX_M3,
         7},
        {"vww", TINY "vww_96_int8.tflite", MCN_TARGET_CORTEX_M4, 13},
        {"resnet", TINY "pretrainedResnet_quant.tflite", MCN_TARGET_CORTEX_M4,
         12},
    };
    for (int i = 0; i < N_SUBJECTS; i++) {
        memset(&s[i], 0, sizeof s[i]);
        s[i].name = m[i].name;
        s[i].share = m[i].share;
        if (m[i].tflite)
            packed_tflite(m[i].tflite, m[i].target, &s[i].m, &s[i].len);
        else
            packed_mnist(m[i].target, &s[i].m, &s[i].len);
        find_regions(&s[i]);
    }
}

static void close_subjects(subject *s)
{
    for (int i = 0; i < N_SUBJECTS; i++)
        free(s[i].m);
}

START_TEST(mutants_are_refused_or_run_in_bounds)
{
    static subject s[N_SUBJECTS];
    open_subjects(s);
    const char *env = getenv("MCN_MUTANTS");
    const long count = env && atol(env) > 0 ? atol(env) : 5000;
    uint64_t seed = 0x6d636e2d6d75ULL;
    tally t = {0, 0};
    for (int i = 0; i < N_SUBJECTS; i++) {
        const long mine = count * (long)s[i].share / 100;
        tally own = {0, 0};
        run_subject(&s[i], mine > 0 ? mine : 1, &seed, &own);
        ck_assert_msg(own.ran > 0 || mine < 20, "%s: no mutant ran",
                      s[i].name);
        t.ran += own.ran;
        t.refused += own.refused;
    }
    close_subjects(s);
    /* Both outcomes, so both paths ran (most bytes are weights: flipping
       one leaves a model that runs). */
    ck_assert_int_gt(t.ran, count / 20);
    ck_assert_int_gt(t.refused, count / 20);
}
END_TEST

/* The derived bytes of every region that has them swept: SWEEP of them
   spread evenly over the region (all of them in a small one) and the
   last, each flipped alone in turn. mcn_init accepts the model as packed
   and refuses it with any one of them flipped. */
#define SWEEP 64
START_TEST(every_derived_byte_is_checked)
{
    static subject s[N_SUBJECTS];
    open_subjects(s);
    long swept = 0;
    for (int i = 0; i < N_SUBJECTS; i++) {
        uint8_t *c = malloc(s[i].len);
        const uint32_t need = (mcn_arena_bytes(s[i].m, s[i].len) + 15u) & ~15u;
        uint8_t *arena = aligned_alloc(16, need);
        ck_assert(c && arena);
        memcpy(c, s[i].m, s[i].len);
        mcn_ctx ctx;
        ck_assert_int_eq(mcn_init(&ctx, c, s[i].len, arena, need), MCN_OK);
        for (int d = 0; d < s[i].n_derived; d++) {
            const region *r = &s[i].r[s[i].with_derived[d]];
            uint32_t n = 0;
            for (uint32_t b = 0; b < r->bytes; b++)
                n += (uint32_t)derived(r, b);
            for (uint32_t b = 0, k = 0; b < r->bytes; b++) {
                if (!derived(r, b))
                    continue;
                /* The k-th derived byte, if it is one of those swept. */
                const int take = n <= SWEEP || k == n - 1 ||
                                 (uint64_t)k * SWEEP / n !=
                                     ((uint64_t)k + 1) * SWEEP / n;
                k++;
                if (!take)
                    continue;
                c[r->at + b] ^= 0x01;
                ck_assert_msg(mcn_init(&ctx, c, s[i].len, arena, need) !=
                                  MCN_OK,
                              "%s: op %u (%s) accepted with its byte %u "
                              "flipped, which the packer derives",
                              s[i].name, r->op,
                              r->table ? "ADD table"
                                       : mcn_plan_kernel_name(r->kernel),
                              b);
                c[r->at + b] ^= 0x01;
                swept++;
            }
        }
        free(arena);
        free(c);
    }
    close_subjects(s);
    ck_assert_int_gt(swept, 0);
}
END_TEST

Suite *suite_engine_mutants(void)
{
    Suite *s = suite_create("engine_mutants");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 1800);
    tcase_add_test(tc, mutants_are_refused_or_run_in_bounds);
    tcase_add_test(tc, every_derived_byte_is_checked);
    suite_add_tcase(s, tc);
    return s;
}
