/* test_bad_inputs_util.c: see test_bad_inputs_util.h. No suite of its
   own. */
#include "test_bad_inputs_util.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

/* What a case runs under: a file declaring gigabytes must be refused,
   not allocated, so an allocation that large ends the tool. ASan maps
   terabytes of shadow and cannot run under ulimit -v. */
static const char *memory_cap(void)
{
    return MCN_SANFLAGS[0]
        ? "export ASAN_OPTIONS=\"${ASAN_OPTIONS:+$ASAN_OPTIONS:}"
          "max_allocation_size_mb=512:hard_rss_limit_mb=1536\""
        : "ulimit -v 2000000";
}

/* Everything under out/ and any temporary beside a file in dir. */
static char *leftovers(const char *dir)
{
    char cmd[1024], *o = NULL;
    snprintf(cmd, sizeof cmd, "cd '%s/out' && find . | sort && "
             "ls -A .. | grep '\\.tmp' || true", dir);
    ck_assert_int_eq(tu_run(cmd, &o, NULL), 0);
    return o;
}

/* s with every `from` written `to` (malloc'd). */
static char *replace(const char *s, const char *from, const char *to)
{
    size_t n = strlen(from), cap = strlen(s) + 1, k = 0;
    for (const char *p = strstr(s, from); p; p = strstr(p + n, from))
        cap += strlen(to);
    char *out = malloc(cap);
    ck_assert_ptr_nonnull(out);
    while (*s) {
        if (!strncmp(s, from, n)) {
            k += (size_t)sprintf(out + k, "%s", to);
            s += n;
        } else {
            out[k++] = *s++;
        }
    }
    out[k] = 0;
    return out;
}

void bad_case_check(const char *dir, const bad_case *c)
{
    char cmd[4096], *err = NULL;
    snprintf(cmd, sizeof cmd, "cd '%s' && rm -rf out && mkdir out && "
             "cd out && %s", dir, c->prep ? c->prep : ":");
    ck_assert_msg(tu_run(cmd, NULL, NULL) == 0, "prep: %s", cmd);
    char *before = leftovers(dir);
    snprintf(cmd, sizeof cmd, "cd '%s' && PATH='%s/bin':\"$PATH\" && "
             "export PATH && %s && %s", dir, MCN_BUILD_DIR, memory_cap(),
             c->cmd);
    int rc = tu_run(cmd, NULL, &err);
    char *msg = replace(err ? err : "", dir, "DIR"), want[1024];
    snprintf(want, sizeof want, "%s\n", c->msg);
    ck_assert_msg(rc == c->status && !strcmp(msg, want),
                  "%s: %s\n  exit %d, want %d\n  stderr: %s  want:   %s",
                  c->tool, c->cmd, rc, c->status, msg, want);
    char *after = leftovers(dir);
    ck_assert_msg(!strcmp(before, after), "%s: %s left\n%s(before:\n%s)",
                  c->tool, c->cmd, after, before);
    free(before);
    free(after);
    free(msg);
    free(err);
}

void bad_save(const char *dir, const char *name, const void *p, size_t n)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    ck_assert_int_eq(tu_write_file(path, p, n), 0);
}

void bad_mnist_models(const char *dir)
{
    char cmd[2048], *err = NULL;
    snprintf(cmd, sizeof cmd, "cd '%s' && B='%s/bin' && "
             "cp '%s/examples/mnist/mnist_cnn.onnx' net.onnx && "
             "cp '%s/examples/mnist/first4_x.npy' x.npy && "
             "$B/mcn-import net.onnx -o f.mcn && "
             "$B/mcn-quantize --calib x.npy f.mcn -o q.mcn && "
             "$B/mcn-pack q.mcn -o p.mcn", dir, MCN_BUILD_DIR, MCN_SRC_DIR,
             MCN_SRC_DIR);
    ck_assert_msg(tu_run(cmd, NULL, &err) == 0, "%s", err);
    free(err);
}

void bad_tflite(const char *dir, const char *name, const char *json)
{
    char path[1024], *err = NULL;
    snprintf(path, sizeof path, "%s/%.*s.json", dir,
             (int)(strlen(name) - strlen(".tflite")), name);
    ck_assert_int_eq(tu_write_file(path, json, strlen(json)), 0);
    size_t n;
    uint8_t *b = tu_flatc(TU_SRC("schemas/tflite.fbs"), path, dir, "tflite",
                          &n, &err);
    ck_assert_msg(b != NULL, "flatc %s: %s", path, err ? err : "");
    free(b);
    free(err);
    remove(path);
}

/* ---- docs/bad-inputs.md ---- */

static const char *const tools[] = {
    "mcn-import (ONNX)", "mcn-import (TFLite)", "mcn-quantize", "mcn-pack",
    "mcn-run", "mcn-info", "mcn-export", "mcn-gen", "mcn-nas", "mcn-sim",
};

static const char intro[] =
    "# Bad inputs\n"
    "\n"
    "Each class of bad input the tools were tried with, the command, and\n"
    "what they answer: one line on stderr naming the file and the problem\n"
    "(and the node or operator, where there is one), a sysexits status,\n"
    "and no output file left behind, not even a temporary one. Files that\n"
    "declare something huge (a dimension of 2^40, an element count past\n"
    "size_t, millions of nodes, a cycle, subgraphs nested a hundred deep)\n"
    "are refused before anything of that size is allocated: the cases run\n"
    "with allocations capped (at 512 MB a block under ASan, 2 GB of\n"
    "address space otherwise).\n"
    "\n"
    "Exit statuses: 64 a usage mistake, 65 bad data (malformed, unsupported\n"
    "or refused), 66 an input that cannot be opened, 69 a program mcn-sim\n"
    "needs is missing, 70 its build or firmware failed, 71 out of memory,\n"
    "73 an output that cannot be created, 74 a read or write that failed\n"
    "part way.\n"
    "\n"
    "The commands run in a scratch directory (DIR in the messages) holding\n"
    "the MNIST example as `net.onnx`, `f.mcn` (float), `q.mcn` (int8) and\n"
    "`p.mcn` (packed), its first four digits as `x.npy`, and the bad files,\n"
    "each made by the test from those or by hand; `out/` is where outputs\n"
    "go. This file is generated by tests/test_bad_inputs.c (with the cases\n"
    "of tests/test_resource_bombs.c), which fails when it is out of date;\n"
    "regenerate it with\n"
    "\n"
    "    MCN_WRITE_DOCS=1 CK_RUN_SUITE=bad_inputs build/tests/mcn_tests\n"
    "\n"
    "| tool | bad input | command | exit | message |\n"
    "|---|---|---|---|---|\n";

/* s as a Markdown table cell in backticks: '|' escaped. */
static void cell(FILE *f, const char *s, int code)
{
    fputs(code ? " `" : " ", f);
    for (; *s; s++)
        fputs(*s == '|' ? "\\|" : (char[2]){*s, 0}, f);
    fputs(code ? "` |" : " |", f);
}

static void rows(FILE *f, const char *tool, const bad_case *c, int n)
{
    for (int i = 0; i < n; i++) {
        if (strcmp(c[i].tool, tool))
            continue;
        fputc('|', f);
        cell(f, c[i].tool, 0);
        cell(f, c[i].what, 0);
        cell(f, c[i].cmd, 1);
        fprintf(f, " %d |", c[i].status);
        cell(f, c[i].msg, 1);
        fputc('\n', f);
    }
}

char *bad_render_doc(void)
{
    char *s = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&s, &n);
    ck_assert_ptr_nonnull(f);
    fputs(intro, f);
    for (size_t t = 0; t < sizeof tools / sizeof tools[0]; t++) {
        rows(f, tools[t], bad_cases, n_bad_cases);
        rows(f, tools[t], bomb_cases, n_bomb_cases);
    }
    ck_assert_int_eq(fclose(f), 0);
    return s;
}
