/* test_engine_mutants.c: the engine on broken packed models. Each mutant
   of the packed MNIST model (bits flipped, words overwritten with values
   that make offsets and counts go wrong, truncated, or a stretch spliced
   in from elsewhere in the file) sits in an allocation of exactly its
   size, with the arena in one of exactly the size it asks for, so that
   AddressSanitizer sees any read or write outside either. mcn_init must
   refuse it, or accept it and then run it in bounds.
   MCN_MUTANTS sets the count (make test: 5,000; make fuzz: 100,000). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "mcn.h"
#include "npy.h"
#include "onnx_import.h"
#include "pack.h"
#include "quantize.h"
#include "sample_io.h"
#include "testutil.h"

#define EX TU_SRC("examples/mnist/")

static uint8_t *packed_mnist(size_t *len)
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
    pack_opts po = {.target = PACK_DEFAULT_TARGET};
    uint8_t *buf;
    ck_assert_msg(pack_to_mcn(&g, &po, &buf, len, &e) == 0, "%s", e.msg);
    sample_batch_free(&b);
    npy_free(&x);
    graph_free(&g);
    return buf;
}

static uint64_t rnd(uint64_t *s)
{
    return tu_splitmix(s);
}

/* Offsets and counts that break things when a word lands on one. */
static const uint32_t nasty[] = {0, 1, 2, 3, 4, 0x7f, 0x80, 0xff, 0x100,
                                 0xffff, 0x10000, 0x7fffffff, 0x80000000u,
                                 0xfffffffcu, 0xffffffffu};

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
        const uint32_t v = nasty[rnd(s) % (sizeof nasty / sizeof *nasty)];
        memcpy(c + at, &v, 4);
    } else if (kind == 3) {                         /* a stretch spliced */
        const size_t span = 1 + (size_t)(rnd(s) % 64);
        const size_t to = (size_t)(rnd(s) % (*n - span));
        const size_t from = (size_t)(rnd(s) % (len - span));
        memmove(c + to, m + from, span);
    }
    return c;
}

/* Arenas a mutant may ask for; bigger requests are refused by size. */
#define MAX_ARENA (8u << 20)

START_TEST(mutants_are_refused_or_run_in_bounds)
{
    size_t len;
    uint8_t *m = packed_mnist(&len);
    const char *env = getenv("MCN_MUTANTS");
    const long count = env && atol(env) > 0 ? atol(env) : 5000;
    uint64_t seed = 0x6d636e2d6d75ULL;
    long refused = 0, ran = 0;
    for (long k = 0; k < count; k++) {
        size_t n;
        uint8_t *c = mutate(m, len, &seed, &n);
        const uint32_t need = mcn_arena_bytes(c, n);
        if (need == 0 || need > MAX_ARENA) {
            refused++;
            free(c);
            continue;
        }
        uint8_t *arena = aligned_alloc(16, (need + 15u) & ~15u);
        ck_assert_ptr_nonnull(arena);
        mcn_ctx ctx;
        if (mcn_init(&ctx, c, n, arena, (need + 15u) & ~15u) == MCN_OK) {
            mcn_tensor in;
            if (mcn_input(&ctx, 0, &in) == MCN_OK)
                memset(in.data, (int)(k & 0x7f), in.bytes);
            ck_assert_int_eq(mcn_invoke(&ctx), MCN_OK);
            ran++;
        } else {
            refused++;
        }
        free(arena);
        free(c);
    }
    /* Both outcomes, so both paths ran (most bytes are weights: flipping
       one leaves a model that runs). */
    ck_assert_int_gt(ran, count / 20);
    ck_assert_int_gt(refused, count / 20);
    free(m);
}
END_TEST

Suite *suite_engine_mutants(void)
{
    Suite *s = suite_create("engine_mutants");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, mutants_are_refused_or_run_in_bounds);
    suite_add_tcase(s, tc);
    return s;
}
