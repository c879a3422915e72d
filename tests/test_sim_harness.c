/* test_sim_harness.c: the Cortex-M4 firmware harness (tools/sim) and
   sim_job_run, with a stand-in engine whose cost is known exactly, so the
   clock, the fault path and the engine-error path are checked apart from
   the real engine. Runs QEMU, briefly. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_build.h"
#include "sim_proto.h"
#include "testutil.h"

/* Input int8[8] at arena+0, output int8[8] at arena+16 = input + the
   model's bytes. Two operators, each between the hook's calls: operator 0
   spins a two-instruction loop as many times as input word 0 says,
   operator 1 makes the output. input[4] == 0xEE fails operator 3, 0xFF
   writes to unmapped memory (a bus fault), 0xDD fills 80,000 bytes of
   stack, past the bottom of the 64 KiB region. */
static const char stub_src[] =
    "#include \"mcn.h\"\n"
    "mcn_status mcn_init(mcn_ctx *c, const void *m, size_t n, void *a,\n"
    "                    size_t an)\n"
    "{\n"
    "    if (n != 8 || an < 32) return MCN_ERR_ARENA;\n"
    "    c->model = m; c->arena = a; c->failed_op = -1;\n"
    "    c->n_operators = 2; c->hook = 0;\n"
    "    return MCN_OK;\n"
    "}\n"
    "mcn_status mcn_set_op_hook(mcn_ctx *c, mcn_op_hook h, void *u)\n"
    "{ c->hook = h; c->hook_user = u; return MCN_OK; }\n"
    "static void hook(mcn_ctx *c, uint32_t op, int done)\n"
    "{ if (c->hook) c->hook(c->hook_user, op, done); }\n"
    "int mcn_num_inputs(const mcn_ctx *c) { (void)c; return 1; }\n"
    "int mcn_num_outputs(const mcn_ctx *c) { (void)c; return 1; }\n"
    "mcn_status mcn_input(const mcn_ctx *c, int i, mcn_tensor *t)\n"
    "{ (void)i; t->data = c->arena; t->bytes = 8; return MCN_OK; }\n"
    "mcn_status mcn_output(const mcn_ctx *c, int i, mcn_tensor *t)\n"
    "{ (void)i; t->data = c->arena + 16; t->bytes = 8; return MCN_OK; }\n"
    "mcn_status mcn_invoke(mcn_ctx *c)\n"
    "{\n"
    "    uint8_t *a = c->arena;\n"
    "    uint32_t n = a[0] | a[1] << 8 | a[2] << 16 | (uint32_t)a[3] << 24;\n"
    "    hook(c, 0, 0);\n"
    "    if (n) __asm__ volatile(\"1: subs %0, %0, #1\\n\\tbne 1b\"\n"
    "                            : \"+r\"(n) :: \"cc\");\n"
    "    hook(c, 0, 1);\n"
    "    hook(c, 1, 0);\n"
    "    for (int i = 0; i < 8; i++) a[16 + i] = a[i] + c->model[i];\n"
    "    hook(c, 1, 1);\n"
    "    if (a[4] == 0xEE) { c->failed_op = 3; return MCN_ERR_UNSUPPORTED; }\n"
    "    if (a[4] == 0xFF) *(volatile uint32_t *)0x30000000u = 1;\n"
    "    if (a[4] == 0xDD) {\n"
    "        volatile uint8_t big[80000];\n"
    "        for (uint32_t i = 0; i < sizeof big; i++) big[i] = 0;\n"
    "    }\n"
    "    return MCN_OK;\n"
    "}\n";

static char *dir;
static char arm[700];

/* dir/arm: the real linker scripts, and in cortex-m4/ the real harness
   objects and flags beside a libmcn.a holding only the stub. */
static void stub_setup(void)
{
    dir = tu_mkdtemp();
    ck_assert_ptr_nonnull(dir);
    snprintf(arm, sizeof arm, "%s/arm", dir);
    char src[700], cmd[4096], *err = NULL;
    snprintf(src, sizeof src, "%s/stub.c", dir);
    ck_assert_int_eq(tu_write_file(src, stub_src, strlen(stub_src)), 0);
#define M4 MCN_BUILD_DIR "/lib/mcn/arm/cortex-m4"
    snprintf(cmd, sizeof cmd,
             "mkdir -p '%s/cortex-m4' && cp " MCN_BUILD_DIR
             "/lib/mcn/arm/*.ld '%s' && cp " M4 "/*.o " M4 "/cflags "
             "'%s/cortex-m4' && arm-none-eabi-gcc $(cat " M4 "/cflags) -O2 "
             "-ffunction-sections -I" MCN_SRC_DIR "/engine -I" MCN_SRC_DIR
             "/formats -c '%s' -o '%s/stub.o' && "
             "arm-none-eabi-ar rcs '%s/cortex-m4/libmcn.a' '%s/stub.o'",
             arm, arm, arm, src, dir, arm, dir);
#undef M4
    int rc = tu_run(cmd, NULL, &err);
    ck_assert_msg(rc == 0, "%s", err);
    free(err);
}

static void stub_teardown(void)
{
    tu_rmdir(dir);
    dir = NULL;
}

static const uint8_t model[8] = {1, 2, 3, 4, 5, 6, 7, 8};
static const size_t out_bytes[1] = {8};

static sim_job job(const uint8_t *samples, int n)
{
    sim_job j = {
        .model = model, .model_len = sizeof model, .arena_bytes = 32,
        .samples = samples, .n_samples = n, .sample_bytes = 8,
        .n_outputs = 1, .out_bytes = out_bytes, .n_ops = 2,
        .keep_dir = NULL, .arm_dir = arm, .timeout_s = 60,
    };
    return j;
}

static void set_iters(uint8_t *s, uint32_t n)
{
    for (int i = 0; i < 4; i++)
        s[i] = (uint8_t)(n >> (8 * i));
}

START_TEST(clock_counts_instructions)
{
    uint8_t s[3][8] = {{0}};
    set_iters(s[0], 20000);
    set_iters(s[1], 1020000);
    set_iters(s[2], 20000);
    s[2][5] = 100;
    sim_job j = job(&s[0][0], 3);
    sim_run r;
    mcn_err e = {0};
    ck_assert_msg(sim_job_run(&j, &r, &e) == 0, "%s", e.msg);
    ck_assert_int_eq(r.res.done, 3);
    /* figures.md: the calibration loop reads 2,000,000, i.e. 50,000
       ticks of 40 instructions, give or take the one-tick resolution. */
    ck_assert_uint_ge(r.res.calib_ticks, 49999);
    ck_assert_uint_le(r.res.calib_ticks, 50001);
    /* A million more iterations is 2,000,000 more instructions. */
    int64_t extra = (int64_t)r.res.ticks[1] - (int64_t)r.res.ticks[0];
    ck_assert_int_ge(extra, 49999);
    ck_assert_int_le(extra, 50001);
    ck_assert_uint_gt(r.res.ticks[0], 0);
    int64_t same = (int64_t)r.res.ticks[2] - (int64_t)r.res.ticks[0];
    ck_assert_int_le(same < 0 ? -same : same, 1);
    /* Outputs came back: input + model. */
    const uint8_t want[8] = {0x20 + 1, 0x4e + 2, 3, 4, 5, 106, 7, 8};
    ck_assert(memcmp(r.res.out[0] + 16, want, 8) == 0);  /* 20000 = 0x4E20 */
    ck_assert_uint_eq(r.res.out[0][8], 0x60 + 1);  /* 1020000 = 0xF9060 */
    /* Sample 0 again, hooked: operator 0's 20,000 iterations are 40,000
       instructions, 1,000 ticks, plus the few of the hook's own return
       and call (under 3 ticks: 120 instructions); operator 1 is some
       tens of instructions. Together they are the unhooked sample's count
       to a few ticks (what lies outside the operators, less the hook's). */
    ck_assert(r.res.profiled);
    ck_assert_int_eq(r.res.n_ops, 2);
    ck_assert_uint_ge(r.res.op_ticks[0], 999);
    ck_assert_uint_le(r.res.op_ticks[0], 1003);
    ck_assert_uint_le(r.res.op_ticks[1], 5);
    int64_t ops = (int64_t)r.res.op_ticks[0] + r.res.op_ticks[1];
    ck_assert_int_le(llabs(ops - (int64_t)r.res.ticks[0]), 3);
    /* The stub's few saved registers (16 bytes as built), well inside
       the 64 KiB region. */
    ck_assert_uint_gt(r.res.stack_bytes, 0);
    ck_assert_uint_lt(r.res.stack_bytes, 256);
    /* The stub is all of libmcn.a; the firmware also has the harness. */
    ck_assert_uint_gt(r.engine_bytes, 0);
    ck_assert_uint_gt(r.firmware_bytes, r.engine_bytes + sizeof model);
    sim_run_free(&r);
}
END_TEST

START_TEST(engine_status_comes_back)
{
    uint8_t s[3][8] = {{0}};
    s[1][4] = 0xEE;
    sim_job j = job(&s[0][0], 3);
    sim_run r;
    mcn_err e = {0};
    ck_assert_msg(sim_job_run(&j, &r, &e) == 0, "%s", e.msg);
    ck_assert(r.res.init_ok);
    ck_assert_int_eq(r.res.status, -6);
    ck_assert_int_eq(r.res.failed_op, 3);
    ck_assert_int_eq(r.res.done, 1);
    sim_run_free(&r);

    /* mcn_init's refusal: the stub wants an 8-byte model. */
    j.model_len = 7;
    ck_assert_msg(sim_job_run(&j, &r, &e) == 0, "%s", e.msg);
    ck_assert(!r.res.init_ok);
    ck_assert_int_eq(r.res.status, -5);
    sim_run_free(&r);
}
END_TEST

START_TEST(stack_past_its_region_is_flagged)
{
    uint8_t s[1][8] = {{0}};
    s[0][4] = 0xDD;
    sim_job j = job(&s[0][0], 1);
    sim_run r;
    mcn_err e = {0};
    ck_assert_msg(sim_job_run(&j, &r, &e) == 0, "%s", e.msg);
    ck_assert_uint_eq(r.res.stack_bytes, SIM_STACK_OVERFLOW);
    sim_run_free(&r);
}
END_TEST

START_TEST(fault_and_timeout_are_errors)
{
    uint8_t s[2][8] = {{0}};
    s[1][4] = 0xFF;
    sim_job j = job(&s[0][0], 2);
    sim_run r;
    mcn_err e = {0};
    ck_assert_int_eq(sim_job_run(&j, &r, &e), -1);
    ck_assert_msg(strncmp(e.msg, "mcn-sim firmware: fault at pc 0x", 32) == 0,
                  "%s", e.msg);
    ck_assert_msg(strstr(e.msg, ", cfsr 0x00008200 (in sample 1)") != NULL,
                  "%s", e.msg);
    sim_run_free(&r);

    /* 2^32 - 1 iterations would take QEMU most of a minute. */
    set_iters(s[0], 0xffffffffu);
    j.timeout_s = 1;
    ck_assert_int_eq(sim_job_run(&j, &r, &e), -1);
    ck_assert_str_eq(e.msg, "the firmware did not finish within 1 s");
    sim_run_free(&r);
}
END_TEST

Suite *suite_sim_harness(void)
{
    Suite *s = suite_create("sim_harness");
    TCase *tc = tcase_create("qemu");
    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, stub_setup, stub_teardown);
    tcase_add_test(tc, clock_counts_instructions);
    tcase_add_test(tc, engine_status_comes_back);
    tcase_add_test(tc, stack_past_its_region_is_flagged);
    tcase_add_test(tc, fault_and_timeout_are_errors);
    suite_add_tcase(s, tc);
    return s;
}
