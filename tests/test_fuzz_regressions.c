/* test_fuzz_regressions.c: every fuzz target's seeds and every input a
   fuzzer once crashed on (tests/fuzz/regressions/NAME/), through the same
   harness `make fuzz` runs, here under the suite's ASan and UBSan; and
   what each regression must now get. */
#include <check.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#define FUZZ_ENTRY fuzz_onnx_entry
#include "fuzz/fuzz_onnx.c"
#undef FUZZ_ENTRY
#define FUZZ_ENTRY fuzz_tflite_entry
#include "fuzz/fuzz_tflite.c"
#undef FUZZ_ENTRY
#define FUZZ_ENTRY fuzz_engine_entry
#include "fuzz/fuzz_engine.c"
#undef FUZZ_ENTRY
#define FUZZ_ENTRY fuzz_arrays_entry
#include "fuzz/fuzz_arrays.c"
#undef FUZZ_ENTRY

static const struct {
    const char *name;
    int (*entry)(const uint8_t *, size_t);
} targets[] = {
    {"onnx", fuzz_onnx_entry},
    {"tflite", fuzz_tflite_entry},
    {"engine", fuzz_engine_entry},
    {"arrays", fuzz_arrays_entry},
};

/* Every file in dir through entry; how many. */
static int run_dir(const char *dir, int (*entry)(const uint8_t *, size_t))
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int n = 0;
    struct dirent *ent;
    while ((ent = readdir(d))) {
        if (ent->d_name[0] == '.')
            continue;
        char path[2048];
        size_t len;
        snprintf(path, sizeof path, "%s/%s", dir, ent->d_name);
        uint8_t *buf = tu_read_file(path, &len);
        ck_assert_msg(buf != NULL, "%s", path);
        entry(buf, len);
        free(buf);
        n++;
    }
    closedir(d);
    return n;
}

START_TEST(seeds_and_regressions_run_clean)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/%s", TU_SRC("tests/fuzz/seeds"),
             targets[_i].name);
    ck_assert_int_gt(run_dir(dir, targets[_i].entry), 0);
    snprintf(dir, sizeof dir, "%s/%s", TU_SRC("tests/fuzz/regressions"),
             targets[_i].name);
    run_dir(dir, targets[_i].entry);
}
END_TEST

/* The packed MNIST model with one byte of its first convolution's
   requantization table (laid out among the weights for the SMLAD kernel)
   changed: the kernel shifted by 32769 (UBSan). mcn_init now refuses the
   table for not being what the layout derives. */
START_TEST(engine_refuses_a_bad_smlad_table)
{
    size_t len;
    uint8_t *m = tu_read_file(TU_SRC("tests/fuzz/regressions/engine/"
                                     "smlad_rq_left1.mcn"), &len);
    ck_assert_ptr_nonnull(m);
    const uint32_t need = mcn_arena_bytes(m, len);
    ck_assert_uint_gt(need, 0);
    uint8_t *arena = aligned_alloc(16, (need + 15u) & ~15u);
    mcn_ctx ctx;
    ck_assert_int_eq(mcn_init(&ctx, m, len, arena, (need + 15u) & ~15u),
                     MCN_ERR_MODEL);
    ck_assert_int_eq(ctx.failed_op, 0);
    free(arena);
    free(m);
}
END_TEST

Suite *suite_fuzz_regressions(void)
{
    Suite *s = suite_create("fuzz_regressions");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, seeds_and_regressions_run_clean, 0,
                        (int)(sizeof targets / sizeof targets[0]));
    tcase_add_test(tc, engine_refuses_a_bad_smlad_table);
    suite_add_tcase(s, tc);
    return s;
}
