/* test_bench.c: the parsing `make bench` relies on (the awk scripts in
   bench/ and bench/npy_row.sh), on hand-made inputs whose outputs are
   worked out in the comments, and figures.awk on the real figures.md. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npy.h"
#include "testutil.h"

#define BENCH(f) MCN_SRC_DIR "/bench/" f

/* tu_scratch/name holding text; its path in path. */
static void put(char *path, size_t cap, const char *name, const char *text)
{
    snprintf(path, cap, "%s/%s", tu_scratch, name);
    ck_assert_int_eq(tu_write_file(path, text, strlen(text)), 0);
}

/* Run cmd on file `in`; its stdout. */
static char *awk_out(const char *script, const char *vars, const char *in,
                     int want_rc)
{
    char cmd[2048], *out = NULL, *err = NULL;
    snprintf(cmd, sizeof cmd, "awk %s -f '%s' '%s'", vars, script, in);
    int rc = tu_run(cmd, &out, &err);
    ck_assert_msg(rc == want_rc, "rc %d: %s", rc, err);
    free(err);
    return out;
}

/* Columns in another order than figures.md's, a second table after a
   paragraph, and the cells figures.md writes: thousands commas,
   "ref / CMSIS-NN" pairs, "45,999 (25,400)". */
static const char figures[] =
    "# TFLM\n"
    "\n"
    "| model | CMSIS-NN instructions | ref instructions | "
    "arena_used_bytes, ref / CMSIS-NN |\n"
    "|---|---:|---:|---:|\n"
    "| tiny | 1,000 | 4,000 | 10 / 20 |\n"
    "\n"
    "Some words | with a bar.\n"
    "\n"
    "| model | TFLM+kernels flash, CMSIS-NN (CMSIS-NN objects alone) | "
    "TFLM+kernels flash, ref | MACs | file bytes |\n"
    "|---|---:|---:|---:|---:|\n"
    "| tiny | 45,999 (25,400) | 33,751 | 7 | 88 |\n";

START_TEST(figures_by_column_name)
{
    char path[700];
    put(path, sizeof path, "figures.md", figures);
    char *out = awk_out(BENCH("figures.awk"), "", path, 0);
    ck_assert_str_eq(out,
                     "tiny cmsis_insns 1000\n"
                     "tiny ref_insns 4000\n"
                     "tiny ref_arena 10\n"
                     "tiny cmsis_arena 20\n"
                     "tiny cmsis_flash 45999\n"
                     "tiny ref_flash 33751\n"
                     "tiny macs 7\n"
                     "tiny file_bytes 88\n");
    free(out);

    /* A cell that is not a number fails, naming it. */
    put(path, sizeof path, "bad.md",
        "| model | ref instructions |\n|---|---|\n| tiny | many |\n");
    char cmd[800], *err = NULL;
    snprintf(cmd, sizeof cmd, "awk -f '%s' '%s'", BENCH("figures.awk"), path);
    ck_assert_int_eq(tu_run(cmd, NULL, &err), 1);
    ck_assert_str_eq(err, "figures.awk: tiny: ref_insns is \"many\", not a "
                          "number\n");
    free(err);
}
END_TEST

/* The real file: the figures TFLM's tables give for two of the models. */
START_TEST(figures_md_as_published)
{
    char *out = awk_out(BENCH("figures.awk"), "",
                        TU_SHARED("reference/tflm/figures.md"), 0);
    static const char *const want[] = {
        "vww_96_int8 macs 7489664\n", "vww_96_int8 ref_insns 100250960\n",
        "vww_96_int8 cmsis_insns 24101520\n",
        "vww_96_int8 cmsis_arena 100708\n", "vww_96_int8 ref_flash 33751\n",
        "ad01_int8 file_bytes 276976\n", "ad01_int8 cmsis_flash 22955\n",
        "ad01_int8 ref_arena 2260\n",
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++)
        ck_assert_msg(strstr(out, want[i]) != NULL, "no %s", want[i]);
    /* 5 models x 8 figures */
    ck_assert_int_eq(tu_count_lines(out), 40);
    free(out);
}
END_TEST

START_TEST(sim_json_numbers_and_ops)
{
    char path[700];
    put(path, sizeof path, "sim.json",
        "{\"board\": \"mps2-an386\", \"form\": \"interpreter\", "
        "\"instructions\": 1200, \"instructions_per_sample\": [1200, 1240], "
        "\"arena_bytes\": 64, \"stack_bytes\": 16, \"code_bytes\": 999, "
        "\"model_bytes\": 50, \"flash_bytes\": 1049, \"firmware_bytes\": "
        "2000, \"ops\": [{\"index\": 0, \"op\": \"CONV_2D\", \"kind\": "
        "\"conv_first\", \"instructions\": 800, \"macs\": 40}, {\"index\": "
        "1, \"op\": \"SOFTMAX\", \"kind\": \"other\", \"instructions\": 400, "
        "\"macs\": 0}]}\n");
    char *out = awk_out(BENCH("sim_json.awk"), "-v model='mcn m'", path, 0);
    ck_assert_str_eq(out,
                     "mcn m instructions 1200\n"
                     "mcn m arena_bytes 64\n"
                     "mcn m stack_bytes 16\n"
                     "mcn m code_bytes 999\n"
                     "mcn m model_bytes 50\n"
                     "mcn m flash_bytes 1049\n"
                     "mcn m firmware_bytes 2000\n"
                     "mcn m op conv_first 800 40\n"
                     "mcn m op other 400 0\n");
    free(out);
    put(path, sizeof path, "old.json", "{\"instructions\": 1200}\n");
    free(awk_out(BENCH("sim_json.awk"), "-v model=m", path, 1));
}
END_TEST

/* Model m1 has TFLM figures, m2 none. m1's operators: 2,000 instructions
   for 100 MACs of first conv, 1x1 convs 1,500 + 1,500 for 500 + 300, a
   fully connected 100 for 100, the rest 900: 6,000 in all for 1,000 MACs,
   as many as TFLM counts. */
static const char facts[] =
    "meta date D\nmeta machine M\nmeta commit C\nmeta qemu Q\n"
    "meta gcc G\nmeta board B\n"
    "model m1\nmodel m2\n"
    "tflm m1 macs 1000\ntflm m1 file_bytes 5000\n"
    "tflm m1 ref_insns 12000\ntflm m1 cmsis_insns 3000\n"
    "tflm m1 ref_arena 2000\ntflm m1 cmsis_arena 2100\n"
    "tflm m1 ref_flash 30000\ntflm m1 cmsis_flash 40000\n"
    "mcn m1 instructions 6000\nmcn m1 arena_bytes 1000\n"
    "mcn m1 stack_bytes 500\nmcn m1 code_bytes 20000\n"
    "mcn m1 model_bytes 4000\n"
    "mcn m1 op conv_first 2000 100\nmcn m1 op conv_1x1 1500 500\n"
    "mcn m1 op conv_1x1 1500 300\nmcn m1 op other 900 0\n"
    "mcn m1 op fc 100 100\n"
    "mcn m2 instructions 1234567\nmcn m2 arena_bytes 64\n"
    "mcn m2 stack_bytes 32\nmcn m2 code_bytes 20000\n"
    "mcn m2 model_bytes 700\nmcn m2 op dw_3x3 1234000 100\n"
    "host model net.onnx\nhost samples 100\nhost shape 3x96x96\n"
    "host import 0.25\nhost quantize 1.5\nhost pack 0.125\n";

START_TEST(report_tables_from_facts)
{
    char path[700];
    put(path, sizeof path, "facts", facts);
    char *out = awk_out(BENCH("report.awk"), "", path, 0);
    /* m1: 12,000 / 6,000 = 2.00 and 3,000 / 6,000 = 0.50; 6.00 / 12.00 /
       3.00 per MAC; SRAM 1,500 against 2,100: 1.40; code 40,000 / 20,000
       = 2.00. */
    ck_assert_msg(strstr(out,
        "| m1 | 1,000 | 6,000 / 12,000 / 3,000 | 2.00 | 0.50 | "
        "6.00 / 12.00 / 3.00 | 1,000 + 500 | 2,000 / 2,100 | 1.40 | 20,000 "
        "| 30,000 / 40,000 | 2.00 | 4,000 / 5,000 | n/a / n/a |\n") != NULL,
        "%s", out);
    /* m2: 1,234,567 / 100 MACs = 12345.67 */
    ck_assert_msg(strstr(out,
        "| m2 | 100 | 1,234,567 / n/a / n/a | n/a | n/a | "
        "12345.67 / n/a / n/a | 64 + 32 | n/a / n/a | n/a | 20,000 | "
        "n/a / n/a | n/a | 700 / n/a | n/a / n/a |\n") != NULL, "%s", out);
    /* By kind: 2,000/100 = 20.00 (2,000 of 6,000 = 33.3 %), 3,000/800 =
       3.75 (50.0 %), 100/100 = 1.00 (1.7 %), the rest 900 (15.0 %). */
    ck_assert_msg(strstr(out,
        "| m1 | 20.00 (33.3 %) | 3.75 (50.0 %) | — | — | 1.00 (1.7 %) | "
        "900 (15.0 %) | 6.00 |\n") != NULL, "%s", out);
    ck_assert_msg(strstr(out,
        "| m2 | — | — | 12340.00 (100.0 %) | — | — | — | 12340.00 |\n")
        != NULL, "%s", out);
    /* 0.25 + 1.5 + 0.125 = 1.875, printed to two places. */
    ck_assert_ptr_nonnull(strstr(out, "| mcn-quantize --calib (100 samples "
                                      "of 3x96x96) | 1.50 |\n"));
    ck_assert_ptr_nonnull(strstr(out, "| all three | 1.88 |\n"));
    ck_assert_ptr_nonnull(strstr(out, "- mcn: commit C\n"));
    free(out);

    /* README's summary: m1's 1,500 bytes of SRAM against 2,100. */
    out = awk_out(BENCH("report.awk"), "-v part=summary", path, 0);
    ck_assert_msg(strstr(out, "| m1 | 6,000 | 2.00 | 0.50 | 1,500 | 1.40 | "
                              "20,000 | 2.00 |\n| m2 | 1,234,567 | n/a | "
                              "n/a | 96 | n/a | 20,000 | n/a |\n") != NULL,
                  "%s", out);
    ck_assert_ptr_null(strstr(out, "## "));
    free(out);
}
END_TEST

/* The summary goes between README's markers, replacing what was there;
   without both markers nothing is written. */
START_TEST(splice_between_markers)
{
    char doc[700], block[700];
    put(block, sizeof block, "block.md", "new 1\nnew 2\n");
    put(doc, sizeof doc, "doc.md",
        "a\n<!-- bench:begin -->\nold\n<!-- bench:end -->\nb\n");
    char vars[800];
    snprintf(vars, sizeof vars, "-v block='%s'", block);
    char *out = awk_out(BENCH("splice.awk"), vars, doc, 0);
    ck_assert_str_eq(out, "a\n<!-- bench:begin -->\nnew 1\nnew 2\n"
                          "<!-- bench:end -->\nb\n");
    free(out);
    put(doc, sizeof doc, "doc.md", "a\n<!-- bench:begin -->\nb\n");
    out = awk_out(BENCH("splice.awk"), vars, doc, 1);
    ck_assert_str_eq(out, "");
    free(out);
}
END_TEST

/* MAC totals that differ from TFLM's are shown beside them. */
START_TEST(report_flags_other_macs)
{
    char path[700];
    put(path, sizeof path, "facts",
        "model m\ntflm m macs 999\nmcn m instructions 10\n"
        "mcn m op fc 10 1000\n");
    char *out = awk_out(BENCH("report.awk"), "", path, 0);
    ck_assert_msg(strstr(out, "| m | 1,000 (TFLM 999) | ") != NULL, "%s",
                  out);
    free(out);
}
END_TEST

/* Row 3 of a (12, 2, 3) int8 array whose element i is i: bytes 18..23,
   shape (1, 2, 3); "(12, " becomes "(1, " and one space pads it. */
START_TEST(npy_row_takes_one_row)
{
    char in[700], out[700], cmd[2048], *err = NULL;
    snprintf(in, sizeof in, "%s/in.npy", tu_scratch);
    snprintf(out, sizeof out, "%s/row.npy", tu_scratch);
    int8_t v[72];
    for (int i = 0; i < 72; i++)
        v[i] = (int8_t)i;
    npy_array a = {NPY_I8, 3, {12, 2, 3}, v, sizeof v};
    mcn_err e = {0};
    ck_assert_int_eq(npy_save(in, &a, &e), 0);
    snprintf(cmd, sizeof cmd, "sh '%s' '%s' 3 '%s'", BENCH("npy_row.sh"), in,
             out);
    ck_assert_int_eq(tu_run(cmd, NULL, &err), 0);
    free(err);
    npy_array r;
    ck_assert_msg(npy_load(out, &r, &e) == 0, "%s", e.msg);
    ck_assert_int_eq(r.dtype, NPY_I8);
    ck_assert_int_eq(r.rank, 3);
    ck_assert_int_eq(r.shape[0], 1);
    ck_assert_int_eq(r.shape[1], 2);
    ck_assert_int_eq(r.shape[2], 3);
    ck_assert_uint_eq(r.nbytes, 6);
    for (int i = 0; i < 6; i++)
        ck_assert_int_eq(((int8_t *)r.data)[i], 18 + i);
    npy_free(&r);

    /* float32, row 1 of (2, 2): elements 2 and 3. */
    float f[4] = {0.5f, -1.0f, 2.25f, 3.0f};
    npy_array af = {NPY_F32, 2, {2, 2}, f, sizeof f};
    ck_assert_int_eq(npy_save(in, &af, &e), 0);
    snprintf(cmd, sizeof cmd, "sh '%s' '%s' 1 '%s'", BENCH("npy_row.sh"), in,
             out);
    ck_assert_int_eq(tu_run(cmd, NULL, &err), 0);
    free(err);
    ck_assert_msg(npy_load(out, &r, &e) == 0, "%s", e.msg);
    ck_assert_int_eq(r.shape[0], 1);
    ck_assert_int_eq(r.shape[1], 2);
    ck_assert(((float *)r.data)[0] == 2.25f && ((float *)r.data)[1] == 3.0f);
    npy_free(&r);

    snprintf(cmd, sizeof cmd, "sh '%s' '%s' 2 '%s'", BENCH("npy_row.sh"), in,
             out);
    ck_assert_int_eq(tu_run(cmd, NULL, &err), 1);
    ck_assert_msg(strstr(err, ": no row 2 (it has 2)\n") != NULL, "%s", err);
    free(err);
}
END_TEST

/* Two samples of (2, 3). The first value: MINSTD from 1 draws 48,271
   (low byte 143) then 48,271^2 mod (2^31 - 1) = 182,605,794 (low byte
   226): k = 143 + 226 - 255 = 114, 114/128 = 0.890625. Every value is
   k/128 with |k| <= 255, and a second run gives the same bytes. */
START_TEST(calib_samples_are_fixed)
{
    char path[700], cmd[2048], *err = NULL;
    snprintf(path, sizeof path, "%s/c.npy", tu_scratch);
    snprintf(cmd, sizeof cmd, "awk -v n=2 -v shape='2, 3' -f '%s' > '%s'",
             BENCH("calib_npy.awk"), path);
    ck_assert_int_eq(tu_run(cmd, NULL, &err), 0);
    free(err);
    npy_array a;
    mcn_err e = {0};
    ck_assert_msg(npy_load(path, &a, &e) == 0, "%s", e.msg);
    ck_assert_int_eq(a.dtype, NPY_F32);
    ck_assert_int_eq(a.rank, 3);
    ck_assert_int_eq(a.shape[0], 2);
    ck_assert_int_eq(a.shape[1], 2);
    ck_assert_int_eq(a.shape[2], 3);
    const float *x = a.data;
    ck_assert(x[0] == 0.890625f);
    for (int i = 0; i < 12; i++) {
        float k = x[i] * 128.0f;
        ck_assert(k == (float)(int)k && k >= -255.0f && k <= 255.0f);
    }
    size_t n1 = 0, n2 = 0;
    uint8_t *b1 = tu_read_file(path, &n1);
    ck_assert_int_eq(tu_run(cmd, NULL, NULL), 0);
    uint8_t *b2 = tu_read_file(path, &n2);
    ck_assert_uint_eq(n1, n2);
    ck_assert(memcmp(b1, b2, n1) == 0);
    free(b1);
    free(b2);
    npy_free(&a);
}
END_TEST

Suite *suite_bench(void)
{
    Suite *s = suite_create("bench");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, tu_scratch_setup, tu_scratch_teardown);
    tcase_add_test(tc, figures_by_column_name);
    tcase_add_test(tc, figures_md_as_published);
    tcase_add_test(tc, sim_json_numbers_and_ops);
    tcase_add_test(tc, report_tables_from_facts);
    tcase_add_test(tc, report_flags_other_macs);
    tcase_add_test(tc, splice_between_markers);
    tcase_add_test(tc, npy_row_takes_one_row);
    tcase_add_test(tc, calib_samples_are_fixed);
    suite_add_tcase(s, tc);
    return s;
}
