/* test_qrange.c: the calibration methods' range choice (qrange.h) on
   histograms whose answer can be worked out by hand. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "qrange.h"
#include "testutil.h"

static qrange_hist *hist_of(const float *v, int n, float lo, float hi)
{
    qrange_hist *h = malloc(sizeof *h);
    ck_assert_ptr_nonnull(h);
    qrange_hist_init(h, lo, hi);
    qrange_hist_add(h, v, n);
    return h;
}

/* The integers -1000..1000: bins of 2000/2048 = 0.9765625, so value k
   lands in bin floor((k + 1000) / 0.9765625). */
static qrange_hist *integers(void)
{
    float v[2001];
    for (int k = -1000; k <= 1000; k++)
        v[k + 1000] = (float)k;
    return hist_of(v, 2001, -1000, 1000);
}

START_TEST(minmax_is_the_measured_range)
{
    qrange_hist *h = integers();
    float lo, hi;
    qrange_choose(h, QRANGE_MINMAX, 0, &lo, &hi);
    ck_assert_float_eq(lo, -1000.0f);
    ck_assert_float_eq(hi, 1000.0f);
    ck_assert(qrange_clipped(h, lo, hi) == 0.0);
    free(h);
    /* A one-sided range still holds zero. */
    const float pos[3] = {2, 3, 4};
    h = hist_of(pos, 3, 2, 4);
    qrange_choose(h, QRANGE_MINMAX, 0, &lo, &hi);
    ck_assert_float_eq(lo, 0.0f);
    ck_assert_float_eq(hi, 4.0f);
    free(h);
}
END_TEST

START_TEST(percentile_cuts_whole_bins_of_each_tail)
{
    qrange_hist *h = integers();
    float lo, hi;
    /* 99.5% of 2001 values leaves 5.0025 to each tail: the five integers
       -1000..-996 (bins 0 to 4) and 996..1000 (bins 2043 to 2047). -995
       sits in bin 5 (5 / 0.9765625 = 5.12), so the range starts at bin
       5's edge, 5 * 0.9765625 - 1000; 995 sits in bin 2042 (1995 /
       0.9765625 = 2042.88), so it ends at bin 2043's edge. */
    qrange_choose(h, QRANGE_PERCENTILE, 99.5, &lo, &hi);
    ck_assert_float_eq(lo, (float)(5 * 0.9765625 - 1000));
    ck_assert_float_eq(hi, (float)(2043 * 0.9765625 - 1000));
    /* Exactly the ten integers cut. */
    ck_assert_double_eq_tol(qrange_clipped(h, lo, hi), 10.0 / 2001, 1e-12);
    free(h);
}
END_TEST

START_TEST(exact_zeros_count_for_percentile_only)
{
    /* 1,000 zeros and 1..1000: the zeros double the tail's share but are
       never in a histogram bin. */
    float *v = malloc(2000 * sizeof *v);
    ck_assert_ptr_nonnull(v);
    for (int k = 0; k < 1000; k++) {
        v[k] = 0;
        v[1000 + k] = (float)(k + 1);
    }
    qrange_hist *h = hist_of(v, 2000, 0, 1000);
    ck_assert(h->zeros == 1000);
    double in_bins = 0;
    for (int i = 0; i < QRANGE_BINS; i++)
        in_bins += h->counts[i];
    ck_assert(in_bins == 1000);
    float lo, hi;
    /* 99.5% of 2000: 5 values per tail, 996..1000 cut at the top. */
    qrange_choose(h, QRANGE_PERCENTILE, 99.5, &lo, &hi);
    ck_assert_float_eq(lo, 0.0f);
    ck_assert_float_eq(hi, (float)(ceil(995 * 2.048) * (1000.0 / 2048)));
    free(h);
    free(v);
}
END_TEST

START_TEST(entropy_keeps_a_uniform_range_and_its_spikes)
{
    /* Uniform: every candidate loses information but the whole range. */
    float *v = malloc(20481 * sizeof *v);
    ck_assert_ptr_nonnull(v);
    for (int k = 0; k < 20480; k++)
        v[k] = (float)((k + 0.5) / 20480.0);
    qrange_hist *h = hist_of(v, 20480, 0, 1);
    float lo, hi;
    qrange_choose(h, QRANGE_ENTROPY, 0, &lo, &hi);
    ck_assert_float_eq(lo, 0.0f);
    ck_assert_float_eq(hi, 1.0f);
    free(h);
    /* A spike: a third of the values exactly 0.3 (a channel's bias over
       a blank input). Smearing it over its step would cost the wide
       range dearly; int8 keeps it a spike, so the range stays whole. */
    float *sv = malloc(30720 * sizeof *sv);
    ck_assert_ptr_nonnull(sv);
    memcpy(sv, v, 20480 * sizeof *sv);
    for (int k = 20480; k < 30720; k++)
        sv[k] = 0.3f;
    h = hist_of(sv, 30720, 0, 1);
    qrange_choose(h, QRANGE_ENTROPY, 0, &lo, &hi);
    ck_assert_float_eq(lo, 0.0f);
    ck_assert_float_eq(hi, 1.0f);
    free(h);
    free(sv);
    free(v);
}
END_TEST

/* n draws of an exponential distribution (-log u, u uniform in (0, 1)),
   the same every run. */
static float *exponential(int n, float *max)
{
    float *v = malloc((size_t)n * sizeof *v);
    ck_assert_ptr_nonnull(v);
    uint64_t state = 42;
    *max = 0;
    for (int k = 0; k < n; k++) {
        double u = ((double)(tu_splitmix(&state) >> 11) + 0.5) / 9007199254740992.0;
        v[k] = (float)-log(u);
        *max = v[k] > *max ? v[k] : *max;
    }
    return v;
}

START_TEST(entropy_and_mse_cut_a_long_tail)
{
    float max, lo, hi;
    float *v = exponential(200000, &max);
    qrange_hist *h = hist_of(v, 200000, 0, max);
    const qrange_method m[2] = {QRANGE_ENTROPY, QRANGE_MSE};
    for (int k = 0; k < 2; k++) {
        qrange_choose(h, m[k], 0, &lo, &hi);
        ck_assert_float_eq(lo, 0.0f);
        ck_assert_msg(hi > 5.0f && hi < 0.95f * max, "%s: hi %g of %g",
                      qrange_method_name(m[k]), (double)hi, (double)max);
        const double cut = qrange_clipped(h, lo, hi);
        ck_assert_msg(cut > 0 && cut < 0.01, "%s: clipped %g",
                      qrange_method_name(m[k]), cut);
    }
    free(h);
    free(v);
}
END_TEST

START_TEST(mse_keeps_a_rare_outlier)
{
    /* One value at 50 among 10,000 in [0, 0.99]: clipping it at 1 costs
       49^2 = 2401, the full range's step 50/255 costs 10,000 * step^2 /
       12 = 32 in all, so mse keeps it. */
    float *v = malloc(10001 * sizeof *v);
    ck_assert_ptr_nonnull(v);
    for (int k = 0; k < 10000; k++)
        v[k] = (float)(k % 100) / 100.0f;
    v[10000] = 50.0f;
    qrange_hist *h = hist_of(v, 10001, 0, 50);
    float lo, hi;
    qrange_choose(h, QRANGE_MSE, 0, &lo, &hi);
    ck_assert_float_eq(lo, 0.0f);
    /* (It may shave the outlier a little: 49.35 clips it by 0.65.) */
    ck_assert_msg(hi > 49.0f, "hi %g", (double)hi);
    free(h);
    /* Nor in cutting a two-point distribution, but for a step of the
       search's grid (1/1000 of the range) inside the half bin the
       histogram cannot see: its values sit at their bins' centres. */
    const float two[4] = {-1, -1, 1, 1};
    h = hist_of(two, 4, -1, 1);
    qrange_choose(h, QRANGE_MSE, 0, &lo, &hi);
    ck_assert_msg(lo <= -0.999f && hi >= 0.999f, "[%g, %g]",
                  (double)lo, (double)hi);
    free(h);
    free(v);
}
END_TEST

START_TEST(method_names_round_trip)
{
    for (int m = 0; m < QRANGE_COUNT; m++)
        ck_assert_int_eq(qrange_method_parse(qrange_method_name(m)), m);
    ck_assert_int_eq(qrange_method_parse("kl"), -1);
    ck_assert_str_eq(qrange_method_name(QRANGE_ENTROPY), "entropy");
}
END_TEST

START_TEST(nan_is_not_counted)
{
    const float v[3] = {NAN, 1, -1};
    qrange_hist *h = hist_of(v, 3, -1, 1);
    double n = 0;
    for (int i = 0; i < QRANGE_BINS; i++)
        n += h->counts[i];
    ck_assert(n == 2);
    ck_assert(h->counts[0] == 1 && h->counts[QRANGE_BINS - 1] == 1);
    free(h);
}
END_TEST

Suite *suite_qrange(void)
{
    Suite *s = suite_create("qrange");
    TCase *tc = tcase_create("methods");
    tcase_add_test(tc, minmax_is_the_measured_range);
    tcase_add_test(tc, percentile_cuts_whole_bins_of_each_tail);
    tcase_add_test(tc, exact_zeros_count_for_percentile_only);
    tcase_add_test(tc, entropy_keeps_a_uniform_range_and_its_spikes);
    tcase_add_test(tc, entropy_and_mse_cut_a_long_tail);
    tcase_add_test(tc, mse_keeps_a_rare_outlier);
    tcase_add_test(tc, method_names_round_trip);
    tcase_add_test(tc, nan_is_not_counted);
    suite_add_tcase(s, tc);
    return s;
}
