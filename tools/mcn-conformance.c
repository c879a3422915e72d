/*
** mcn-conformance: ONNX's own backend test cases (Debian's
** libonnx-testdata) imported, run, and every output compared with the one
** stored beside the model (conformance/conformance.h does one case). It is
** the importer's and the executors' op coverage report, and with --expect
** the regression gate `make check` runs.
*/
#include <dirent.h>
#include <fnmatch.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conformance.h"
#include "fileio.h"
#include "tool_cli.h"

#define DATA_ROOT "/usr/share/libonnx-testdata/data/"

static const char usage[] =
    "usage: mcn-conformance [--data DIR]... [--expect FILE] "
    "[--write-expect FILE]\n"
    "                       [--verbose] [--quiet] [CASE-GLOB]...\n"
    "\n"
    "Imports each ONNX backend test case, runs it on the host (float\n"
    "reference; pack + engine when the imported graph is int8) and compares\n"
    "every output with the stored one: |got - want| <= 1e-5 + 1e-4 |want|,\n"
    "one output quantum more for int8 outputs of the engine, and wider for\n"
    "the cases conformance/conf_run.c's table lists with a reason. Weights\n"
    "that node tests declare as graph inputs are frozen into initializers\n"
    "(inputs after the first L, trying L = 1, 2, ... until the model\n"
    "imports).\n"
    "\n"
    "  --data DIR    a directory of cases, or one case (repeatable; default\n"
    "                " DATA_ROOT "{node,pytorch-converted,\n"
    "                pytorch-operator,simple}); a case is named DIR/CASE\n"
    "                after DIR's last component, e.g. node/test_relu\n"
    "  --expect F    F lists cases that passed (one per line, # comments);\n"
    "                exit 1 if any of them does not pass now\n"
    "  --write-expect F  write the passing cases' names, sorted, to F\n"
    "  --verbose     also print each import attempt and the importer's log\n"
    "  --quiet       leave out `pass` and `unsupported` lines\n"
    "  CASE-GLOB     only cases whose name or CASE part matches (fnmatch)\n"
    "\n"
    "One line per case: `pass NAME`, `fail NAME: WHY` or\n"
    "`unsupported NAME: WHAT`, then the unsupported (op, dtype) counts,\n"
    "any regressions, and last `N passed, M failed, K skipped`.\n"
    "A case is skipped (unsupported) only when it does not import and either\n"
    "uses an op the importer does not know (onnx_op_lookup), or its data is\n"
    "not float32: input 0 or an output of another type, or an input after 0\n"
    "other than float32, int64 or int32 (shapes, axes, indices). Models\n"
    "with a quantization op (QuantizeLinear, QLinearConv, ...) may also\n"
    "carry int8, uint8 and int32. Such a case prints `OP on DTYPE`. Any\n"
    "other import error, and every run or comparison error, is a failure.\n"
    "\n"
    "Exit status 1: without --expect, a case failed; with --expect, a\n"
    "listed case does not pass (failures of unlisted cases are known work,\n"
    "reported but not fatal). The others are every tool's:\n";

typedef struct {
    char *name;         /* GROUP/CASE */
    char *dir;
} conf_case;

typedef struct {
    conf_case *cases;
    int n, cap;
} case_list;

typedef struct {
    char what[96];      /* "Op" or "Op on dtype" */
    int cases;
} op_count;

static int by_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void free_names(char **names, int n)
{
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* Sorted subdirectory names of dir (malloc'd). */
static int list_dirs(const char *dir, char ***names, int *n)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    *names = NULL;
    *n = 0;
    if (!d)
        return -1;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        char **grown = realloc(*names, (size_t)(*n + 1) * sizeof *grown);
        if (!grown)
            break;
        *names = grown;
        if (!((*names)[*n] = strdup(de->d_name)))
            break;
        (*n)++;
    }
    closedir(d);
    if (*n)
        qsort(*names, (size_t)*n, sizeof **names, by_name);
    return 0;
}

static int add_case(case_list *l, const char *group, const char *base,
                    const char *dir)
{
    if (l->n == l->cap) {
        int cap = l->cap ? 2 * l->cap : 256;
        conf_case *grown = realloc(l->cases, (size_t)cap * sizeof *grown);
        if (!grown)
            return -1;
        l->cases = grown;
        l->cap = cap;
    }
    size_t len = strlen(group) + strlen(base) + 2;
    conf_case *c = &l->cases[l->n];
    c->name = malloc(len);
    c->dir = strdup(dir);
    if (!c->name || !c->dir) {
        free(c->name);
        free(c->dir);
        return -1;
    }
    snprintf(c->name, len, "%s/%s", group, base);
    l->n++;
    return 0;
}

static bool has_model(const char *dir)
{
    char path[1024];
    FILE *f = conf_join(path, sizeof path, dir, "model.onnx")
                  ? fopen(path, "rb") : NULL;
    if (f)
        fclose(f);
    return f != NULL;
}

/* The last path component of dir (without trailing slashes) into buf. */
static const char *last_part(const char *dir, char *buf, size_t size)
{
    snprintf(buf, size, "%s", dir);
    size_t n = strlen(buf);
    while (n > 1 && buf[n - 1] == '/')
        buf[--n] = 0;
    const char *s = strrchr(buf, '/');
    return s ? s + 1 : buf;
}

static int collect(const char *dir, case_list *l)
{
    char buf[1024], path[2048];
    if (has_model(dir)) {
        /* One case: named after its parent directory, as in a full walk. */
        char base[256];
        snprintf(base, sizeof base, "%s", last_part(dir, buf, sizeof buf));
        char *slash = strrchr(buf, '/');
        if (slash && slash > buf)
            *slash = 0;
        const char *group = slash && slash > buf ? last_part(buf, path,
                                                             sizeof path)
                                                 : ".";
        return add_case(l, group, base, dir);
    }
    char **names;
    int n;
    if (list_dirs(dir, &names, &n))
        return -1;
    const char *group = last_part(dir, buf, sizeof buf);
    int rc = 0;
    for (int i = 0; i < n && !rc; i++) {
        if (conf_join(path, sizeof path, dir, names[i]) && has_model(path))
            rc = add_case(l, group, names[i], path);
    }
    free_names(names, n);
    return rc;
}

static bool selected(const char *name, char **globs, int n_globs)
{
    if (!n_globs)
        return true;
    const char *base = strchr(name, '/');
    base = base ? base + 1 : name;
    for (int i = 0; i < n_globs; i++)
        if (!fnmatch(globs[i], name, 0) || !fnmatch(globs[i], base, 0))
            return true;
    return false;
}

static void count_ops(op_count **t, int *n, const conf_result *r)
{
    for (int i = 0; i < r->n_ops; i++) {
        int j = 0;
        while (j < *n && strcmp((*t)[j].what, r->ops[i]))
            j++;
        if (j == *n) {
            op_count *grown = realloc(*t, (size_t)(*n + 1) * sizeof *grown);
            if (!grown)
                return;
            *t = grown;
            memset(&(*t)[j], 0, sizeof **t);
            snprintf((*t)[j].what, sizeof (*t)[j].what, "%s", r->ops[i]);
            (*n)++;
        }
        (*t)[j].cases++;
    }
}

static int by_count(const void *a, const void *b)
{
    const op_count *x = a, *y = b;
    return x->cases != y->cases ? y->cases - x->cases
                                : strcmp(x->what, y->what);
}

/* Names listed in an expectation file (malloc'd); 0 or an exit status. */
static int read_expect(const char *path, char ***names, int *n)
{
    uint8_t *buf;
    size_t len;
    mcn_err e;
    *names = NULL;
    *n = 0;
    if (file_read_all(path, &buf, &len, &e))
        return tool_fail(path, &e);
    char *text = realloc(buf, len + 1);
    if (!text) {
        free(buf);
        return MCN_EX_OSERR;
    }
    text[len] = 0;
    int cap = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        line += strspn(line, " \t");
        size_t k = strcspn(line, " \t\r#");
        if (!k)
            continue;
        line[k] = 0;
        if (*n == cap) {
            cap = cap ? 2 * cap : 256;
            char **grown = realloc(*names, (size_t)cap * sizeof *grown);
            if (!grown)
                break;
            *names = grown;
        }
        if (((*names)[*n] = strdup(line)))
            (*n)++;
    }
    free(text);
    return 0;
}

static int write_expect(const char *path, char **passed, int n)
{
    size_t len = 0;
    for (int i = 0; i < n; i++)
        len += strlen(passed[i]) + 1;
    static const char head[] =
        "# Cases mcn-conformance passes; `make conformance` fails if one of\n"
        "# them stops passing. Regenerate with\n"
        "#   build/bin/mcn-conformance --write-expect tests/conformance.expect\n";
    char *text = malloc(sizeof head + len + 1), *p = text;
    mcn_err e;
    if (!text)
        return MCN_EX_OSERR;
    p += sprintf(p, "%s", head);
    for (int i = 0; i < n; i++)
        p += sprintf(p, "%s\n", passed[i]);
    int rc = file_write_atomic(path, text, (size_t)(p - text), &e);
    if (rc)
        rc = tool_fail(path, &e);
    free(text);
    return rc;
}

typedef struct {
    char **data;
    int n_data;
    const char *expect, *write;
    char **globs;
    int n_globs;
    bool verbose, quiet;
} conf_args;

static int parse_args(int argc, char **argv, conf_args *a)
{
    static char *defaults[] = {
        DATA_ROOT "node", DATA_ROOT "pytorch-converted",
        DATA_ROOT "pytorch-operator", DATA_ROOT "simple"};
    memset(a, 0, sizeof *a);
    a->data = calloc((size_t)argc + 4, sizeof *a->data);
    a->globs = calloc((size_t)argc + 1, sizeof *a->globs);
    if (!a->data || !a->globs)
        return -1;
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        bool has_arg = i + 1 < argc;
        if (!strcmp(s, "--data") && has_arg)
            a->data[a->n_data++] = argv[++i];
        else if (!strcmp(s, "--expect") && has_arg)
            a->expect = argv[++i];
        else if (!strcmp(s, "--write-expect") && has_arg)
            a->write = argv[++i];
        else if (!strcmp(s, "--verbose") || !strcmp(s, "-v"))
            a->verbose = true;
        else if (!strcmp(s, "--quiet") || !strcmp(s, "-q"))
            a->quiet = true;
        else if (!strcmp(s, "--help") || !strcmp(s, "-h"))
            return 1;
        else if (s[0] == '-')
            return -1;
        else
            a->globs[a->n_globs++] = argv[i];
    }
    if (!a->n_data)
        for (int i = 0; i < 4; i++)
            a->data[a->n_data++] = defaults[i];
    return 0;
}

static bool listed(char **want, int n_want, const char *name)
{
    for (int i = 0; i < n_want; i++)
        if (!strcmp(want[i], name))
            return true;
    return false;
}

/* Listed cases, in the walked groups and selected, that did not pass (or
   minus an exit status), and a note of passing cases not listed yet. */
static int regressions(const conf_args *a, const case_list *l,
                       const conf_kind *kinds, char **passed, int n_passed)
{
    char **want;
    int n_want, n_bad = 0, n_new = 0;
    int st = read_expect(a->expect, &want, &n_want);
    if (st)
        return -st;
    for (int i = 0; i < n_want; i++) {
        if (!selected(want[i], a->globs, a->n_globs))
            continue;
        int j = 0;
        while (j < l->n && strcmp(l->cases[j].name, want[i]))
            j++;
        const char *now = j == l->n                  ? "is missing"
                          : kinds[j] == CONF_FAIL        ? "fails"
                          : kinds[j] == CONF_UNSUPPORTED ? "is unsupported"
                                                         : NULL;
        /* A group not walked this time (other --data) is not missing. */
        size_t glen = strcspn(want[i], "/");
        bool walked = false;
        for (int k = 0; k < l->n && !walked; k++)
            walked = !strncmp(l->cases[k].name, want[i], glen + 1);
        if (!now || !walked)
            continue;
        if (!n_bad++)
            printf("regressions (passing in %s):\n", a->expect);
        printf("  %s %s\n", want[i], now);
    }
    for (int i = 0; i < n_passed; i++)
        n_new += !listed(want, n_want, passed[i]);
    if (n_new)
        printf("%d passing case%s not in %s yet (--write-expect adds "
               "them)\n", n_new, n_new == 1 ? " is" : "s are", a->expect);
    free_names(want, n_want);
    return n_bad;
}

/* The unsupported (op, dtype) counts, most common first, wrapped. */
static void print_ops(op_count *ops, int n)
{
    int col = 0;
    qsort(ops, (size_t)n, sizeof *ops, by_count);
    printf("unsupported (op or op on dtype: cases):\n ");
    for (int i = 0; i < n; i++) {
        char item[128];
        int len = snprintf(item, sizeof item, " %s: %d%s", ops[i].what,
                           ops[i].cases, i + 1 < n ? "," : "");
        if (col && col + len > 76) {
            printf("\n ");
            col = 0;
        }
        col += printf("%s", item);
    }
    printf("\n");
}

static void print_line(const conf_case *cc, const conf_result *r, bool quiet)
{
    if (r->kind == CONF_FAIL) {
        printf("fail %s: %s\n", cc->name, r->why);
    } else if (quiet) {
        return;
    } else if (r->kind == CONF_PASS) {
        printf("pass %s\n", cc->name);
    } else {
        printf("unsupported %s: ", cc->name);
        for (int k = 0; k < r->n_ops; k++)
            printf("%s%s", k ? ", " : "", r->ops[k]);
        printf("\n");
    }
    fflush(stdout);
}

int main(int argc, char **argv)
{
    tool_cli_standard(argc, argv, "mcn-conformance", usage);
    conf_args a;
    case_list l;
    int rc = parse_args(argc, argv, &a);
    if (rc) {
        free(a.data);
        free(a.globs);
        if (rc > 0) {
            fputs(usage, stdout);
            return 0;
        }
        return tool_usage("mcn-conformance", "an unknown option, or an "
                          "option without its value");
    }
    memset(&l, 0, sizeof l);
    for (int i = 0; i < a.n_data; i++)
        if (collect(a.data[i], &l)) {
            fprintf(stderr, "%s: cannot read the directory\n", a.data[i]);
            return MCN_EX_NOINPUT;
        }
    /* Cases not selected keep CONF_PASS: regressions() skips them. */
    conf_kind *kinds = calloc((size_t)l.n + 1, sizeof *kinds);
    char **passed = calloc((size_t)l.n + 1, sizeof *passed);
    conf_result *r = malloc(sizeof *r);
    op_count *ops = NULL;
    int n_ops = 0, counts[3] = {0, 0, 0}, n_passed = 0;
    if (!kinds || !passed || !r)
        return MCN_EX_OSERR;
    for (int i = 0; i < l.n; i++) {
        const conf_case *cc = &l.cases[i];
        if (!selected(cc->name, a.globs, a.n_globs))
            continue;
        if (a.verbose)
            printf("case %s\n", cc->name);
        conf_run_case(cc->dir, cc->name, a.verbose ? stdout : NULL, r);
        kinds[i] = r->kind;
        counts[r->kind]++;
        if (r->kind == CONF_PASS)
            passed[n_passed++] = cc->name;
        if (r->kind == CONF_UNSUPPORTED)
            count_ops(&ops, &n_ops, r);
        print_line(cc, r, a.quiet);
    }
    if (n_ops)
        print_ops(ops, n_ops);
    int status = counts[CONF_FAIL] ? 1 : 0;
    qsort(passed, (size_t)n_passed, sizeof *passed, by_name);
    if (a.expect) {
        int bad = regressions(&a, &l, kinds, passed, n_passed);
        status = bad < 0 ? -bad : bad > 0;
    }
    int wrote = a.write ? write_expect(a.write, passed, n_passed) : 0;
    if (wrote)
        status = wrote;
    printf("%d passed, %d failed, %d skipped\n", counts[CONF_PASS],
           counts[CONF_FAIL], counts[CONF_UNSUPPORTED]);
    free(ops);
    free(r);
    free(passed);
    free(kinds);
    for (int i = 0; i < l.n; i++) {
        free(l.cases[i].name);
        free(l.cases[i].dir);
    }
    free(l.cases);
    free(a.data);
    free(a.globs);
    return status;
}
