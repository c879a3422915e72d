/* test_nas_search.c: the evolutionary search (nas/search.h).
     - with MACs as fitness every candidate it evaluates fits the limits
       (the judge says so again), none twice, and the best is the one of
       most MACs; the same seed gives the same search, another seed
       another;
     - accept has the last word: what it refuses is never evaluated,
       bred from or returned;
     - limits nothing fits are refused with a message. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "search.h"
#include "test_nas_util.h"
#include "testutil.h"

#define MAX_SEEN 256

typedef struct {
    const nas_net *n;
    int count;
    int64_t macs[MAX_SEEN];
    int h[MAX_SEEN];
    int64_t bound;    /* refuse_over_bound refuses more MACs than this */
    int asked, refused;
} watch;

static void seen(void *user, int generation, const nas_candidate *c,
                 const nas_cost *cost, double score)
{
    watch *w = user;
    ck_assert_int_ge(generation, 0);
    ck_assert(score == (double)cost->macs);
    ck_assert_int_lt(w->count, MAX_SEEN);
    w->h[w->count] = c->h;
    w->macs[w->count++] = cost->macs;
}

/* The candidate's MACs from the judge, as the search costs it. */
static int refuse_over_bound(void *user, const nas_candidate *c, mcn_err *e)
{
    watch *w = user;
    nas_coster k;
    nas_cost cost;
    ck_assert(nas_coster_init(&k, w->n, e) == 0);
    ck_assert(nas_coster_cost(&k, c, INT64_MAX, INT64_MAX, &cost, e) == 0);
    nas_coster_free(&k);
    w->asked++;
    if (cost.macs <= w->bound)
        return 1;
    w->refused++;
    return 0;
}

static const int res[3] = {96, 112, 128};
static const double choices[3] = {0.5, 0.75, 1};

static nas_search_opts options(watch *w, uint64_t seed)
{
    nas_search_opts o = {
        .width = 0.7, .resolutions = res, .n_resolutions = 3,
        .choices = choices, .n_choices = 3, .divisor = 8,
        .arena_limit = 60000, .flash_limit = 400000, .population = 10,
        .generations = 4, .parents = 3, .mutate = 0.3, .seed = seed,
        .user = w, .seen = seen};
    return o;
}

START_TEST(macs_search_stays_in_budget)
{
    nas_net n;
    mcn_err e;
    nas_tu_load_net(TU_SRC("tests/data/onnx-nets/mobilenet_v2_035.onnx"), &n);
    watch a = {.n = &n}, b = {.n = &n}, c = {.n = &n};
    nas_search_opts o = options(&a, 5);
    nas_candidate best, again;
    nas_cost bc, ac;
    double bs, as;
    ck_assert(nas_candidate_alloc(&n, &best, &e) == 0);
    ck_assert(nas_candidate_alloc(&n, &again, &e) == 0);
    ck_assert_msg(nas_search(&n, &o, &best, &bc, &bs, &e) == 0, "%s", e.msg);
    ck_assert_int_gt(a.count, o.population);  /* later generations bred */
    int64_t most = 0;
    for (int i = 0; i < a.count; i++)
        most = a.macs[i] > most ? a.macs[i] : most;
    ck_assert_int_eq(bc.macs, most);
    ck_assert(bs == (double)most);
    /* The judge agrees that the best fits. */
    nas_coster k;
    nas_cost check;
    ck_assert(nas_coster_init(&k, &n, &e) == 0);
    ck_assert(nas_coster_cost(&k, &best, INT64_MAX, INT64_MAX, &check, &e) ==
              0);
    ck_assert_int_le(check.arena_bytes, o.arena_limit);
    ck_assert_int_le(check.flash_bytes, o.flash_limit);
    ck_assert_int_eq(check.macs, bc.macs);
    nas_coster_free(&k);
    /* The same seed: the same search. */
    o.user = &b;
    ck_assert(nas_search(&n, &o, &again, &ac, &as, &e) == 0);
    ck_assert_int_eq(b.count, a.count);
    ck_assert(!memcmp(a.macs, b.macs, (size_t)a.count * sizeof *a.macs));
    ck_assert_int_eq(ac.macs, bc.macs);
    /* Another seed: another. */
    o = options(&c, 6);
    ck_assert(nas_search(&n, &o, &again, &ac, &as, &e) == 0);
    ck_assert(c.count != a.count ||
              memcmp(a.macs, c.macs, (size_t)a.count * sizeof *a.macs));
    nas_candidate_free(&again);
    nas_candidate_free(&best);
    nas_net_free(&n);
}
END_TEST

/* accept is asked of every candidate the judge fits, before it is
   evaluated: one refusing what has more MACs than a bound gives a search
   that never evaluates, breeds from or returns such a candidate. */
START_TEST(accept_has_the_last_word)
{
    nas_net n;
    mcn_err e;
    nas_tu_load_net(TU_SRC("tests/data/onnx-nets/mobilenet_v2_035.onnx"), &n);
    watch a = {.n = &n};
    nas_search_opts o = options(&a, 9);
    nas_candidate best;
    nas_cost free_cost, bound_cost;
    double s;
    ck_assert(nas_candidate_alloc(&n, &best, &e) == 0);
    ck_assert(nas_search(&n, &o, &best, &free_cost, &s, &e) == 0);
    /* Bound below the free search's best: refusals happen. */
    watch b = {.n = &n, .bound = free_cost.macs * 3 / 4};
    o.user = &b;
    o.accept = refuse_over_bound;
    ck_assert_msg(nas_search(&n, &o, &best, &bound_cost, &s, &e) == 0, "%s",
                  e.msg);
    ck_assert_int_gt(b.refused, 0);
    ck_assert_int_eq(b.asked, b.count + b.refused);  /* asked before seen */
    ck_assert_int_le(bound_cost.macs, b.bound);
    for (int i = 0; i < b.count; i++)
        ck_assert_int_le(b.macs[i], b.bound);
    /* The best of those it took: the most MACs of all it evaluated. */
    int64_t most = 0;
    for (int i = 0; i < b.count; i++)
        most = b.macs[i] > most ? b.macs[i] : most;
    ck_assert_int_eq(bound_cost.macs, most);
    /* Refusing everything: an error that says so. */
    watch c = {.n = &n, .bound = 0};
    o.user = &c;
    ck_assert(nas_search(&n, &o, &best, &bound_cost, &s, &e) != 0);
    ck_assert_msg(strstr(e.msg, "that the judge fitted in an arena of 60000 "
                         "bytes and 400000 bytes of flash fits once "
                         "checked") != NULL, "%s", e.msg);
    ck_assert_int_eq(c.count, 0);
    nas_candidate_free(&best);
    nas_net_free(&n);
}
END_TEST

START_TEST(nothing_fits)
{
    nas_net n;
    mcn_err e;
    nas_tu_load_net(TU_SRC("tests/data/onnx-nets/mobilenet_v2_035.onnx"), &n);
    watch a = {.n = &n};
    nas_search_opts o = options(&a, 1);
    o.arena_limit = 1000;
    nas_candidate best;
    nas_cost c;
    double s;
    ck_assert(nas_candidate_alloc(&n, &best, &e) == 0);
    ck_assert(nas_search(&n, &o, &best, &c, &s, &e) != 0);
    ck_assert_msg(strstr(e.msg, "no sub-network at width 0.70 fits an arena "
                         "of 1000 bytes") != NULL, "%s", e.msg);
    ck_assert_int_eq(a.count, 0);
    nas_candidate_free(&best);
    nas_net_free(&n);
}
END_TEST

Suite *suite_nas_search(void)
{
    Suite *s = suite_create("nas_search");
    TCase *tc = tcase_create("search");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, macs_search_stays_in_budget);
    tcase_add_test(tc, accept_has_the_last_word);
    tcase_add_test(tc, nothing_fits);
    suite_add_tcase(s, tc);
    return s;
}
