/* test_sim_results.c: the results file mcn-sim's firmware writes
   (sim_proto.h: header, samples, trailer), parsed from hand-made byte
   strings. */
#include <check.h>
#include <string.h>

#include "sim_proto.h"
#include "sim_results.h"

typedef struct {
    uint8_t b[256];
    size_t n;
} buf;

static void w32(buf *f, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        f->b[f->n++] = (uint8_t)(v >> (8 * i));
}

static void header(buf *f, int32_t status, uint32_t samples, uint32_t outs)
{
    f->n = 0;
    w32(f, SIM_MAGIC);
    w32(f, (uint32_t)status);
    w32(f, 0xffffffffu);
    w32(f, 50000);
    w32(f, samples);
    w32(f, outs);
}

static void sample(buf *f, uint32_t lo, uint32_t hi, const char *out3)
{
    w32(f, 0);
    w32(f, 0xffffffffu);
    w32(f, lo);
    w32(f, hi);
    w32(f, 3);
    memcpy(f->b + f->n, out3, 3);
    f->n += 3;
}

/* The trailer: the hooked run's status, the stack, n operator counts. */
static void trailer(buf *f, int32_t status, uint32_t stack, uint32_t n,
                    const uint32_t *ticks)
{
    w32(f, (uint32_t)status);
    w32(f, status ? 2u : 0xffffffffu);
    w32(f, stack);
    w32(f, n);
    for (uint32_t i = 0; i < n; i++)
        w32(f, ticks[i]);
}

static const size_t three[1] = {3};
static const uint32_t op_ticks[3] = {7, 0, 123456};

START_TEST(complete_run)
{
    buf f;
    header(&f, 0, 2, 1);
    sample(&f, 100, 0, "abc");
    sample(&f, 5, 1, "def");
    trailer(&f, 0, 816, 3, op_ticks);
    sim_results r;
    mcn_err e = {0};
    ck_assert_msg(sim_results_parse(f.b, f.n, 2, 1, three, 3, &r, &e) == 0,
                  "%s", e.msg);
    ck_assert(r.init_ok);
    ck_assert_int_eq(r.status, 0);
    ck_assert_int_eq(r.done, 2);
    ck_assert_uint_eq(r.calib_ticks, 50000);
    ck_assert_uint_eq(r.ticks[0], 100);
    ck_assert_uint_eq(r.ticks[1], 5 + (1ull << 32));
    ck_assert(memcmp(r.out[0], "abcdef", 6) == 0);
    ck_assert(r.profiled);
    ck_assert_uint_eq(r.stack_bytes, 816);
    ck_assert_int_eq(r.n_ops, 3);
    ck_assert_uint_eq(r.op_ticks[0], 7);
    ck_assert_uint_eq(r.op_ticks[1], 0);
    ck_assert_uint_eq(r.op_ticks[2], 123456);
    sim_results_free(&r);
}
END_TEST

START_TEST(trailer_is_checked)
{
    buf f;
    sim_results r;
    mcn_err e = {0};
    header(&f, 0, 1, 1);
    sample(&f, 100, 0, "abc");
    size_t samples_end = f.n;
    trailer(&f, 0, SIM_STACK_OVERFLOW, 3, op_ticks);
    /* The model has 4 operators, the firmware counted 3. */
    ck_assert_int_eq(sim_results_parse(f.b, f.n, 1, 1, three, 4, &r, &e), -1);
    ck_assert_str_eq(e.msg, "results: 3 operator counts, expected 4");
    sim_results_free(&r);
    /* Cut inside the counts, and before the trailer. */
    ck_assert_int_eq(sim_results_parse(f.b, f.n - 2, 1, 1, three, 3, &r, &e),
                     -1);
    ck_assert_str_eq(e.msg, "results end in the operator counts");
    sim_results_free(&r);
    ck_assert_int_eq(sim_results_parse(f.b, samples_end, 1, 1, three, 3, &r,
                                       &e), -1);
    ck_assert_str_eq(e.msg, "results end before the operator counts");
    ck_assert_int_eq(r.done, 1);
    sim_results_free(&r);
    /* The overflow mark comes through as it is. */
    ck_assert_int_eq(sim_results_parse(f.b, f.n, 1, 1, three, 3, &r, &e), 0);
    ck_assert_uint_eq(r.stack_bytes, SIM_STACK_OVERFLOW);
    sim_results_free(&r);

    /* The hooked run failed: its status, no counts. */
    f.n = samples_end;
    trailer(&f, -6, 400, 0, NULL);
    ck_assert_int_eq(sim_results_parse(f.b, f.n, 1, 1, three, 3, &r, &e), 0);
    ck_assert(r.profiled);
    ck_assert_int_eq(r.status, -6);
    ck_assert_int_eq(r.failed_op, 2);
    ck_assert_int_eq(r.n_ops, 0);
    sim_results_free(&r);
    w32(&f, 0);
    ck_assert_int_eq(sim_results_parse(f.b, f.n, 1, 1, three, 3, &r, &e), -1);
    ck_assert_str_eq(e.msg, "results: data after the failure of the "
                            "profiled run");
    sim_results_free(&r);
}
END_TEST

START_TEST(engine_failure_ends_the_records)
{
    buf f;
    header(&f, 0, 3, 1);
    sample(&f, 100, 0, "abc");
    w32(&f, (uint32_t)-6);
    w32(&f, 3);
    w32(&f, 0);
    w32(&f, 0);
    sim_results r;
    mcn_err e = {0};
    ck_assert_int_eq(sim_results_parse(f.b, f.n, 3, 1, three, 3, &r, &e), 0);
    ck_assert_int_eq(r.status, -6);
    ck_assert_int_eq(r.failed_op, 3);
    ck_assert_int_eq(r.done, 1);
    sim_results_free(&r);

    header(&f, -5, 3, 0);
    ck_assert_int_eq(sim_results_parse(f.b, f.n, 3, 1, three, 3, &r, &e), 0);
    ck_assert(!r.init_ok);
    ck_assert_int_eq(r.status, -5);
    ck_assert_int_eq(r.failed_op, -1);
    sim_results_free(&r);
}
END_TEST

START_TEST(damage_is_reported)
{
    buf f;
    sim_results r;
    mcn_err e = {0};
    header(&f, 0, 2, 1);
    sample(&f, 100, 0, "abc");
    sample(&f, 100, 0, "abc");
    ck_assert_int_eq(sim_results_parse(f.b, f.n - 1, 2, 1, three, 0, &r, &e),
                     -1);
    ck_assert_str_eq(e.msg, "results end in sample 1");
    ck_assert_int_eq(r.done, 1);
    sim_results_free(&r);

    const size_t four[1] = {4};
    ck_assert_int_eq(sim_results_parse(f.b, f.n, 2, 1, four, 0, &r, &e), -1);
    ck_assert_str_eq(e.msg, "results: sample 0 output 0 has 3 bytes, "
                            "expected 4");
    sim_results_free(&r);

    ck_assert_int_eq(sim_results_parse(f.b, f.n, 3, 1, three, 0, &r, &e), -1);
    ck_assert_str_eq(e.msg, "results: 2 samples of 1 outputs, expected 3 "
                            "of 1");
    sim_results_free(&r);

    f.b[0] ^= 1;
    ck_assert_int_eq(sim_results_parse(f.b, f.n, 2, 1, three, 0, &r, &e), -1);
    ck_assert_str_eq(e.msg, "results: bad magic 0x534e434c");
    sim_results_free(&r);

    ck_assert_int_eq(sim_results_parse(f.b, 10, 2, 1, three, 0, &r, &e), -1);
    ck_assert_str_eq(e.msg, "the firmware wrote no results");
    sim_results_free(&r);
}
END_TEST

Suite *suite_sim_results(void)
{
    Suite *s = suite_create("sim_results");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, complete_run);
    tcase_add_test(tc, engine_failure_ends_the_records);
    tcase_add_test(tc, trailer_is_checked);
    tcase_add_test(tc, damage_is_reported);
    suite_add_tcase(s, tc);
    return s;
}
