/* test_sim.c: mcn-sim against mcn-run on a small packed int8 network
   (conv 3x3 + relu -> depthwise 3x3 -> add residual -> avgpool -> fc):
   the emulated Cortex-M4, and the M3, M7 and M55 boards, must give the
   host's bytes, and the costs it reports (whole and per operator, stack,
   code) must be the model's. Runs QEMU a few times, briefly. */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"
#include "graph_io.h"
#include "npy.h"
#include "pack.h"
#include "testutil.h"

#define N_SAMPLES 4

static uint32_t lcg_state;

static int8_t lcg8(void)
{
    lcg_state = lcg_state * 1664525u + 1013904223u;
    return (int8_t)(lcg_state >> 24);
}

static int act8(graph *g, int rank, const int32_t *shape, float scale,
                int32_t zp)
{
    int t = graph_add_tensor(g, NULL, MCN_DT_INT8, rank, shape);
    graph_set_quant(g, t, 1, &scale, &zp, 0);
    return t;
}

/* int8 weights, one scale per channel of `axis` (0.01, 0.011, ...). */
static int weights(graph *g, int rank, const int32_t *shape, int axis)
{
    int t = graph_add_tensor(g, NULL, MCN_DT_INT8, rank, shape);
    int64_t n = graph_tensor_elems(&g->tensors[t]);
    int8_t *w = malloc((size_t)n);
    for (int64_t i = 0; i < n; i++)
        w[i] = lcg8();
    graph_set_data(g, t, w, (size_t)n);
    free(w);
    float s[16];
    for (int c = 0; c < shape[axis]; c++)
        s[c] = 0.01f + 0.001f * (float)c;
    graph_set_quant(g, t, shape[axis], s, NULL, axis);
    return t;
}

static int bias(graph *g, int n)
{
    int32_t shape[1] = {n}, v[16];
    for (int i = 0; i < n; i++)
        v[i] = 40 * lcg8();
    int t = graph_add_tensor(g, NULL, MCN_DT_INT32, 1, shape);
    graph_set_data(g, t, v, (size_t)n * sizeof *v);
    return t;
}

static int node(graph *g, mcn_opcode op, int a, int b, int c, int out)
{
    int n = graph_add_node(g, op, NULL);
    graph_node_add_input(g, n, a);
    if (b >= 0)
        graph_node_add_input(g, n, b);
    if (c >= 0)
        graph_node_add_input(g, n, c);
    graph_node_add_output(g, n, out);
    return n;
}

static void build(graph *g)
{
    graph_init(g);
    lcg_state = 7;
    int32_t s_x[4] = {1, 6, 6, 2}, s_a[4] = {1, 6, 6, 4},
            s_p[4] = {1, 3, 3, 4}, s_r[2] = {1, 36}, s_y[2] = {1, 10},
            s_cw[4] = {4, 3, 3, 2}, s_dw[4] = {1, 3, 3, 4},
            s_fw[2] = {10, 36};
    int x = act8(g, 4, s_x, 0.1f, 3);
    int c = act8(g, 4, s_a, 0.08f, -20);
    int d = act8(g, 4, s_a, 0.1f, 5);
    int a = act8(g, 4, s_a, 0.15f, -3);
    int p = act8(g, 4, s_p, 0.15f, -3);
    int r = act8(g, 2, s_r, 0.15f, -3);
    int y = act8(g, 2, s_y, 0.2f, 1);
    /* One statement each: the random stream must not depend on the order
       in which a compiler evaluates arguments. */
    int cw = weights(g, 4, s_cw, 0), cb = bias(g, 4);
    int dw = weights(g, 4, s_dw, 3), db = bias(g, 4);
    int fw = weights(g, 2, s_fw, 0), fb = bias(g, 10);
    int n = node(g, MCN_OP_CONV_2D, x, cw, cb, c);
    g->nodes[n].pad_top = g->nodes[n].pad_left = 1;
    g->nodes[n].pad_bottom = g->nodes[n].pad_right = 1;
    g->nodes[n].act = MCN_ACT_RELU;
    n = node(g, MCN_OP_DEPTHWISE_CONV_2D, c, dw, db, d);
    g->nodes[n].pad_top = g->nodes[n].pad_left = 1;
    g->nodes[n].pad_bottom = g->nodes[n].pad_right = 1;
    node(g, MCN_OP_ADD, c, d, -1, a);
    n = node(g, MCN_OP_AVERAGE_POOL_2D, a, -1, -1, p);
    g->nodes[n].filter_h = g->nodes[n].filter_w = 2;
    g->nodes[n].stride_h = g->nodes[n].stride_w = 2;
    node(g, MCN_OP_RESHAPE, p, -1, -1, r);
    node(g, MCN_OP_FULLY_CONNECTED, r, fw, fb, y);
    g->inputs[g->n_inputs++] = x;
    g->outputs[g->n_outputs++] = y;
}

typedef struct {
    char *dir;
    char model[600], unpacked[600], x8[600], xf[600];
    uint32_t arena_bytes;
    size_t model_bytes;
} fixture;

/* dir/net.mcn (packed), dir/raw.mcn (quantized, not packed), dir/x8.npy (int8) and dir/xf.npy (float32),
   each N_SAMPLES of shape (6, 6, 2). */
static void setup(fixture *f)
{
    f->dir = tu_mkdtemp();
    ck_assert_ptr_nonnull(f->dir);
    snprintf(f->model, sizeof f->model, "%s/net.mcn", f->dir);
    snprintf(f->unpacked, sizeof f->unpacked, "%s/raw.mcn", f->dir);
    snprintf(f->x8, sizeof f->x8, "%s/x8.npy", f->dir);
    snprintf(f->xf, sizeof f->xf, "%s/xf.npy", f->dir);
    graph g;
    build(&g);
    mcn_err e = {0};
    ck_assert_msg(graph_save_file(&g, f->unpacked, &e) == 0, "%s", e.msg);
    ck_assert_msg(pack_graph(&g, NULL, &e) == 0, "%s", e.msg);
    ck_assert_msg(graph_save_file(&g, f->model, &e) == 0, "%s", e.msg);
    f->arena_bytes = g.arena_bytes;
    ck_assert_uint_gt(f->arena_bytes, 0);
    graph_free(&g);
    free(tu_read_file(f->model, &f->model_bytes));

    int8_t q[N_SAMPLES * 72];
    float v[N_SAMPLES * 72];
    for (int i = 0; i < N_SAMPLES * 72; i++) {
        q[i] = lcg8();
        v[i] = (float)lcg8() / 100.0f;
    }
    npy_array a8 = {NPY_I8, 4, {N_SAMPLES, 6, 6, 2}, q, sizeof q};
    npy_array af = {NPY_F32, 4, {N_SAMPLES, 6, 6, 2}, v, sizeof v};
    ck_assert_int_eq(npy_save(f->x8, &a8, &e), 0);
    ck_assert_int_eq(npy_save(f->xf, &af, &e), 0);
}

static int run(char **out, char **err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int run(char **out, char **err, const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    return tu_run(cmd, out, err);
}

static void same_files(const char *a, const char *b)
{
    size_t la = 0, lb = 0;
    uint8_t *pa = tu_read_file(a, &la), *pb = tu_read_file(b, &lb);
    ck_assert_ptr_nonnull(pa);
    ck_assert_ptr_nonnull(pb);
    ck_assert_uint_eq(la, lb);
    ck_assert_msg(memcmp(pa, pb, la) == 0, "%s and %s differ", a, b);
    free(pa);
    free(pb);
}

START_TEST(sim_gives_mcn_runs_bytes)
{
    fixture f;
    setup(&f);
    char *out = NULL, *err = NULL, *out2 = NULL;
    /* A private TMPDIR: the work directory must be gone afterwards. */
    ck_assert_int_eq(run(NULL, NULL, "mkdir '%s/tmp'", f.dir), 0);
    ck_assert_int_eq(run(NULL, &err, TU_BIN("mcn-run") " '%s' '%s' --raw "
                         "-o '%s/run.npy'", f.model, f.x8, f.dir), 0);
    free(err);
    int rc = run(NULL, &err, "TMPDIR='%s/tmp' " TU_BIN("mcn-sim")
                 " '%s' '%s' --raw -o '%s/sim.npy'", f.dir, f.model, f.x8,
                 f.dir);
    ck_assert_msg(rc == 0, "mcn-sim: %s", err);
    free(err);
    char a[700], b[700];
    snprintf(a, sizeof a, "%s/run.npy", f.dir);
    snprintf(b, sizeof b, "%s/sim.npy", f.dir);
    same_files(a, b);
    /* A model that is not packed yet is packed on the way. */
    rc = run(NULL, &err, TU_BIN("mcn-sim") " '%s' '%s' --raw -o '%s'",
             f.unpacked, f.x8, b);
    ck_assert_msg(rc == 0, "mcn-sim: %s", err);
    free(err);
    same_files(a, b);
    ck_assert_int_eq(run(&out, NULL, "ls -A '%s/tmp'", f.dir), 0);
    ck_assert_str_eq(out, "");
    free(out);

    /* Float samples, dequantized: the same lines on stdout. */
    ck_assert_int_eq(run(&out, NULL, TU_BIN("mcn-run") " '%s' '%s'",
                         f.model, f.xf), 0);
    rc = run(&out2, &err, TU_BIN("mcn-sim") " '%s' '%s'", f.model, f.xf);
    ck_assert_msg(rc == 0, "mcn-sim: %s", err);
    ck_assert_int_eq(tu_count_lines(out), N_SAMPLES);
    ck_assert(strncmp(out, "sample 0: class ", 16) == 0);
    ck_assert_str_eq(out2, out);
    free(out);
    free(out2);
    free(err);
    tu_rmdir(f.dir);
}
END_TEST

/* The value after "key": in a JSON text. */
static long long json_num(const char *json, const char *key)
{
    char k[64];
    snprintf(k, sizeof k, "\"%s\": ", key);
    const char *p = strstr(json, k);
    ck_assert_msg(p != NULL, "no %s in %s", key, json);
    return strtoll(p + strlen(k), NULL, 10);
}

/* The network's operators as built, with their MACs by figures.md's
   rules: conv 6*6*4 outputs * 3*3*2 = 2,592; depthwise 6*6*4 * 3*3 =
   1,296; fully connected 10 * 36 = 360; the rest 0. */
static const struct {
    const char *op, *kind;
    long long macs;
} net_ops[] = {
    {"CONV_2D", "conv_first", 2592},
    {"DEPTHWISE_CONV_2D", "dw_3x3", 1296},
    {"ADD", "other", 0},
    {"AVERAGE_POOL_2D", "other", 0},
    {"RESHAPE", "other", 0},
    {"FULLY_CONNECTED", "fc", 360},
};

/* "ops" lists every operator in order; each count is whole ticks, and
   together they are sample 0's count give or take a tick per operator and
   1 %: what mcn_invoke spends between operators is in neither, a little
   of the hook's own cost is in them (measured: 145,080 against the
   sample's 144,960). */
static void check_ops(const char *json, long long sample0)
{
    const char *p = strstr(json, "\"ops\": [");
    ck_assert_ptr_nonnull(p);
    p += strlen("\"ops\": [");
    long long sum = 0;
    size_t n = sizeof net_ops / sizeof *net_ops;
    for (size_t i = 0; i < n; i++) {
        int index = -1, used = 0;
        char op[32], kind[16];
        long long insns = -1, macs = -1;
        int got = sscanf(p, "{\"index\": %d, \"op\": \"%31[^\"]\", "
                         "\"kind\": \"%15[^\"]\", \"instructions\": %lld, "
                         "\"macs\": %lld}%n", &index, op, kind, &insns, &macs,
                         &used);
        ck_assert_msg(got == 5 && used > 0, "operator %zu in %s", i, p);
        ck_assert_int_eq(index, (int)i);
        ck_assert_str_eq(op, net_ops[i].op);
        ck_assert_str_eq(kind, net_ops[i].kind);
        ck_assert_int_eq(macs, net_ops[i].macs);
        ck_assert_int_eq(insns % 40, 0);
        sum += insns;
        p += used;
        if (i + 1 < n) {
            ck_assert(strncmp(p, ", ", 2) == 0);
            p += 2;
        }
    }
    ck_assert_int_eq(*p, ']');
    long long margin = 40 * (long long)n + sample0 / 100;
    ck_assert_msg(llabs(sum - sample0) <= margin, "operators %lld, sample "
                  "%lld", sum, sample0);
}

START_TEST(json_reports_the_models_costs)
{
    fixture f;
    setup(&f);
    char *out = NULL, *err = NULL;
    int rc = run(&out, &err, TU_BIN("mcn-sim") " '%s' '%s' --json -o "
                 "'%s/y.npy' --keep '%s/keep'", f.model, f.x8, f.dir, f.dir);
    ck_assert_msg(rc == 0, "mcn-sim: %s", err);
    ck_assert_int_eq(tu_count_lines(out), 1);
    long long insns = json_num(out, "instructions");
    ck_assert_int_gt(insns, 0);
    /* Every count is whole SysTick ticks, and the mean is theirs. */
    const char *p = strstr(out, "\"instructions_per_sample\": [");
    ck_assert_ptr_nonnull(p);
    p = strchr(p, '[') + 1;
    long long sum = 0, first = 0;
    for (int i = 0; i < N_SAMPLES; i++) {
        char *end;
        long long v = strtoll(p, &end, 10);
        if (i == 0)
            first = v;
        ck_assert_int_gt(v, 0);
        ck_assert_int_eq(v % 40, 0);
        sum += v;
        p = end + (i + 1 < N_SAMPLES ? 2 : 0);
    }
    ck_assert_int_eq(*p, ']');
    ck_assert_int_eq(insns, (sum + N_SAMPLES / 2) / N_SAMPLES);
    ck_assert_int_eq(json_num(out, "arena_bytes"), f.arena_bytes);
    ck_assert_int_eq(json_num(out, "model_bytes"), (long long)f.model_bytes);
    long long flash = json_num(out, "flash_bytes");
    ck_assert_int_gt(flash, (long long)f.model_bytes);
    ck_assert_int_gt(json_num(out, "firmware_bytes"), flash);
    /* Flash is the engine's code (from the map) and the model. */
    long long code = json_num(out, "code_bytes");
    ck_assert_int_eq(code + (long long)f.model_bytes, flash);
    ck_assert_int_gt(code, 1000);
    /* Some frames deep, inside the 64 KiB stack region. */
    long long stack = json_num(out, "stack_bytes");
    ck_assert_int_gt(stack, 64);
    ck_assert_int_lt(stack, 64 * 1024);
    ck_assert_ptr_nonnull(strstr(out, "\"form\": \"interpreter\""));
    ck_assert_ptr_nonnull(strstr(out, "\"board\": \"mps2-an386\""));
    check_ops(out, first);
    /* The human report went to stderr. */
    ck_assert_ptr_nonnull(strstr(err, "instructions per inference: "));
    free(out);
    free(err);
    static const char *const kept[] = {"run.S", "fw.elf", "fw.map",
                                       "model.mcn", "mcn-sim.out"};
    for (size_t i = 0; i < sizeof kept / sizeof *kept; i++) {
        char path[700];
        snprintf(path, sizeof path, "%s/keep/%s", f.dir, kept[i]);
        ck_assert_msg(tu_exists(path), "%s was not kept", kept[i]);
    }
    tu_rmdir(f.dir);
}
END_TEST

/* Each board links its CPU's engine build: the same model gives the
   host's bytes on all four (QEMU 7.2 has every one of them). */
START_TEST(every_board_gives_the_hosts_bytes)
{
    fixture f;
    setup(&f);
    char *out = NULL, *err = NULL;
    ck_assert_int_eq(run(NULL, &err, TU_BIN("mcn-run") " '%s' '%s' --raw "
                         "-o '%s/run.npy'", f.model, f.x8, f.dir), 0);
    free(err);
    static const char *const boards[] = {"mps2-an385", "mps2-an386",
                                         "mps2-an500", "mps3-an547"};
    for (size_t i = 0; i < sizeof boards / sizeof *boards; i++) {
        int rc = run(&out, &err, TU_BIN("mcn-sim") " '%s' '%s' --raw "
                     "--board %s --json -o '%s/%s.npy'", f.model, f.x8,
                     boards[i], f.dir, boards[i]);
        ck_assert_msg(rc == 0, "%s: %s", boards[i], err);
        char board[64], a[700], b[700];
        snprintf(board, sizeof board, "\"board\": \"%s\"", boards[i]);
        ck_assert_ptr_nonnull(strstr(out, board));
        ck_assert_int_gt(json_num(out, "instructions"), 0);
        /* No clock warning: the board's ticks-to-instructions factor holds. */
        ck_assert_ptr_null(strstr(err, "warning"));
        free(out);
        free(err);
        snprintf(a, sizeof a, "%s/run.npy", f.dir);
        snprintf(b, sizeof b, "%s/%s.npy", f.dir, boards[i]);
        same_files(a, b);
    }
    tu_rmdir(f.dir);
}
END_TEST

/* The generated form (mcn-gen's code for the model, without the
   interpreter) gives the interpreter's bytes on every board, says so in
   the JSON, and counts its own calls as code and its constants as the
   model; it links no model parser, so it has less code. */
START_TEST(generated_form_gives_the_interpreters_bytes)
{
    fixture f;
    setup(&f);
    char *out = NULL, *err = NULL;
    ck_assert_int_eq(run(NULL, &err, TU_BIN("mcn-run") " '%s' '%s' --raw "
                         "-o '%s/run.npy'", f.model, f.x8, f.dir), 0);
    free(err);
    ck_assert_int_eq(run(&out, &err, TU_BIN("mcn-sim") " '%s' '%s' --raw "
                         "--json -o '%s/i.npy'", f.model, f.x8, f.dir), 0);
    int64_t code_i = json_num(out, "code_bytes");
    free(out);
    free(err);
    static const char *const boards[] = {"mps2-an385", "mps2-an386",
                                         "mps2-an500", "mps3-an547"};
    for (size_t i = 0; i < sizeof boards / sizeof *boards; i++) {
        int rc = run(&out, &err, TU_BIN("mcn-sim") " '%s' '%s' --raw "
                     "--board %s --form generated --json -o '%s/g.npy'",
                     f.model, f.x8, boards[i], f.dir);
        ck_assert_msg(rc == 0, "%s: %s", boards[i], err);
        ck_assert_ptr_nonnull(strstr(out, "\"form\": \"generated\""));
        int64_t code_g = json_num(out, "code_bytes");
        int64_t model_g = json_num(out, "model_bytes");
        ck_assert_int_gt(code_g, 0);
        ck_assert_int_lt(code_g, code_i);
        ck_assert_int_gt(model_g, 0);
        ck_assert_int_eq(json_num(out, "flash_bytes"), code_g + model_g);
        free(out);
        free(err);
        char a[700], b[700];
        snprintf(a, sizeof a, "%s/run.npy", f.dir);
        snprintf(b, sizeof b, "%s/g.npy", f.dir);
        same_files(a, b);
    }
    tu_rmdir(f.dir);
}
END_TEST

/* A board too small for the model says so before building anything:
   600,000 bytes of weights against mps3-an547's 512 KiB of flash (its
   ITCM); the other boards have 4 MiB. */
START_TEST(a_board_too_small_says_so)
{
    char *d = tu_mkdtemp(), model[700], x[700], *err = NULL;
    ck_assert_ptr_nonnull(d);
    snprintf(model, sizeof model, "%s/big.mcn", d);
    snprintf(x, sizeof x, "%s/x.npy", d);
    graph g;
    graph_init(&g);
    int32_t s_x[2] = {1, 1200}, s_y[2] = {1, 500}, s_w[2] = {500, 1200};
    int in = act8(&g, 2, s_x, 0.1f, 0), out = act8(&g, 2, s_y, 0.5f, 0);
    /* One scale for all 500 rows (weights() makes one per row, for 16). */
    int w = graph_add_tensor(&g, NULL, MCN_DT_INT8, 2, s_w);
    int8_t *wv = calloc(600000, 1);
    ck_assert_ptr_nonnull(wv);
    graph_set_data(&g, w, wv, 600000);
    free(wv);
    float ws = 0.01f;
    graph_set_quant(&g, w, 1, &ws, NULL, 0);
    node(&g, MCN_OP_FULLY_CONNECTED, in, w, -1, out);
    g.inputs[g.n_inputs++] = in;
    g.outputs[g.n_outputs++] = out;
    mcn_err e = {0};
    ck_assert_msg(pack_graph(&g, NULL, &e) == 0, "%s", e.msg);
    ck_assert_msg(graph_save_file(&g, model, &e) == 0, "%s", e.msg);
    graph_free(&g);
    size_t len = 0;
    free(tu_read_file(model, &len));
    int8_t q[1200] = {0};
    npy_array a = {NPY_I8, 2, {1, 1200}, q, sizeof q};
    ck_assert_int_eq(npy_save(x, &a, &e), 0);
    ck_assert_int_eq(run(NULL, &err, TU_BIN("mcn-sim") " '%s' '%s' --board "
                         "mps3-an547 -o '%s/y.npy'", model, x, d), 65);
    char want[200];
    snprintf(want, sizeof want, "mcn-sim: the model takes %zu bytes; "
             "mps3-an547 has 524288 bytes of flash for the model and the "
             "code\n", len);
    ck_assert_str_eq(err, want);
    free(err);
    tu_rmdir(d);
}
END_TEST

START_TEST(failures_are_one_line)
{
    fixture f;
    setup(&f);
    char *err = NULL;
    ck_assert_int_eq(run(NULL, &err, TU_BIN("mcn-sim") " '%s' '%s' --board "
                         "mps2-an505 -o '%s/y.npy'", f.model, f.x8, f.dir), 64);
    ck_assert_str_eq(err, "mcn-sim: unknown board 'mps2-an505' (one of "
                          "mps2-an385, mps2-an386, mps2-an500, mps3-an547) "
                          "(see mcn-sim --help)\n");
    free(err);
    ck_assert_int_eq(run(NULL, &err, TU_BIN("mcn-sim") " '%s' '%s' --form "
                         "jit -o '%s/y.npy'", f.model, f.x8, f.dir), 64);
    ck_assert_str_eq(err, "mcn-sim: unknown form 'jit' (interpreter or "
                          "generated) (see mcn-sim --help)\n");
    free(err);

    /* A model cut in half is refused by the verifier, before any build. */
    size_t len;
    uint8_t *m = tu_read_file(f.model, &len);
    char cut[700];
    snprintf(cut, sizeof cut, "%s/cut.mcn", f.dir);
    ck_assert_int_eq(tu_write_file(cut, m, len / 2), 0);
    free(m);
    ck_assert_int_eq(run(NULL, &err, TU_BIN("mcn-sim") " '%s' '%s' -o "
                         "'%s/y.npy'", cut, f.x8, f.dir), 65);
    ck_assert_int_eq(tu_count_lines(err), 1);
    ck_assert_msg(strncmp(err, cut, strlen(cut)) == 0 &&
                  strncmp(err + strlen(cut), ": ", 2) == 0, "%s", err);
    free(err);

    ck_assert_int_eq(run(NULL, &err, "PATH=/nonexistent " TU_BIN("mcn-sim")
                         " '%s' '%s' -o '%s/y.npy'", f.model, f.x8, f.dir),
                     69);
    ck_assert_str_eq(err, "mcn-sim: arm-none-eabi-gcc not found: install "
                          "gcc-arm-none-eabi and libnewlib-arm-none-eabi\n");
    free(err);
    /* The cross compiler alone on PATH: QEMU is what is missing. */
    ck_assert_int_eq(run(NULL, NULL, "mkdir '%s/bin' && ln -s \"$(command "
                         "-v arm-none-eabi-gcc)\" '%s/bin/'", f.dir, f.dir),
                     0);
    ck_assert_int_eq(run(NULL, &err, "PATH='%s/bin' " TU_BIN("mcn-sim")
                         " '%s' '%s' -o '%s/y.npy'", f.dir, f.model, f.x8,
                         f.dir), 69);
    ck_assert_str_eq(err, "mcn-sim: qemu-system-arm not found: install "
                          "qemu-system-arm\n");
    free(err);
    char y[700];
    snprintf(y, sizeof y, "%s/y.npy", f.dir);
    ck_assert(!tu_exists(y));
    tu_rmdir(f.dir);
}
END_TEST

Suite *suite_sim(void)
{
    Suite *s = suite_create("sim");
    TCase *tc = tcase_create("qemu");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, sim_gives_mcn_runs_bytes);
    tcase_add_test(tc, json_reports_the_models_costs);
    tcase_add_test(tc, every_board_gives_the_hosts_bytes);
    tcase_add_test(tc, generated_form_gives_the_interpreters_bytes);
    tcase_add_test(tc, a_board_too_small_says_so);
    tcase_add_test(tc, failures_are_one_line);
    suite_add_tcase(s, tc);
    return s;
}
