/*
** nas_space_cmd.c: `mcn-nas space`, search-space optimisation
** (nas/space.h) under a board's budget: the ranking on stdout, the best
** spaces' MACs distributions as SVG with --svg.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "boards.h"
#include "fileio.h"
#include "nas_cli.h"
#include "nas_cmds.h"
#include "progress.h"
#include "space.h"
#include "tool_cli.h"

#define MAX_LIST 256
#define SVG_SPACES 5

static const char usage[] =
    "usage: mcn-nas space [IN.mcn|-] (--board NAME | --sram N --flash N)\n"
    "         [--reserve-sram N] [--reserve-flash N] [--widths LIST] "
    "[--resolutions LIST]\n"
    "         [--choices LIST] [--samples N] [--seed N] [--divisor N] "
    "[--top N] [--svg OUT.svg]\n"
    "  Ranks search spaces (a width multiplier and an input resolution) "
    "by the mean MACs\n"
    "  of their sampled sub-networks that fit the budget: int8 arena (the "
    "packer's plan)\n"
    "  within SRAM less the stack and firmware data, int8 model within "
    "flash less the code.\n"
    "  LIST: a,b,c or first:last:step. Defaults: --widths 0.2:1:0.1, "
    "--resolutions 48:224:16,\n"
    "  --choices 0.5,0.75,1 (each group's factor of the width), --samples "
    "1000, --seed 1,\n"
    "  --divisor 8, --top 10 (lines printed; the SVG draws the best 5).";

typedef struct {
    const char *in, *svg;
    nas_budget_opts budget;
    double widths[MAX_LIST], choices[MAX_LIST];
    int resolutions[MAX_LIST];
    int n_widths, n_resolutions, n_choices;
    int samples, divisor, top;
    unsigned long long seed;
} space_args;

static int parse(space_args *a, int argc, char **argv)
{
    int have_in = 0;
    for (int i = 2; i < argc; i++) {
        const char *s = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        mcn_err e = {0};
        char *end;
        int took = nas_budget_arg(&a->budget, argc, argv, i, &e);
        if (took < 0)
            return nas_cli_usage(e.msg, usage);
        if (took > 0) {
            i += took - 1;
            continue;
        }
        if (v && strcmp(s, "--widths") == 0) {
            a->n_widths = nas_cli_doubles(v, 0.01, 1, a->widths, MAX_LIST);
            if (a->n_widths < 1)
                return nas_cli_usage("--widths: numbers in (0, 1]", usage);
        } else if (v && strcmp(s, "--resolutions") == 0) {
            a->n_resolutions = nas_cli_ints(v, 1, 65535, a->resolutions,
                                            MAX_LIST);
            if (a->n_resolutions < 1)
                return nas_cli_usage("--resolutions: whole numbers in "
                                     "1..65535", usage);
        } else if (v && strcmp(s, "--choices") == 0) {
            a->n_choices = nas_cli_doubles(v, 0.01, 1, a->choices, MAX_LIST);
            if (a->n_choices < 1)
                return nas_cli_usage("--choices: numbers in (0, 1]", usage);
        } else if (v && (strcmp(s, "--samples") == 0 ||
                         strcmp(s, "--divisor") == 0 ||
                         strcmp(s, "--top") == 0)) {
            long n = strtol(v, &end, 10);
            int *to = s[2] == 's' ? &a->samples
                      : s[2] == 'd' ? &a->divisor : &a->top;
            long most = s[2] == 'd' ? 256 : 1000000;
            if (*end || n < 1 || n > most) {
                char why[64];
                snprintf(why, sizeof why, "%s takes 1..%ld", s, most);
                return nas_cli_usage(why, usage);
            }
            *to = (int)n;
        } else if (v && strcmp(s, "--seed") == 0) {
            a->seed = strtoull(v, &end, 10);
            if (*end || *v == '-')
                return nas_cli_usage("--seed takes a whole number", usage);
        } else if (v && strcmp(s, "--svg") == 0) {
            a->svg = v;
        } else if ((s[0] != '-' || strcmp(s, "-") == 0) && !have_in) {
            a->in = s;
            have_in = 1;
            continue;
        } else {
            return nas_cli_unexpected(s, usage);
        }
        i++;
    }
    return 0;
}

static void defaults(space_args *a)
{
    memset(a, 0, sizeof *a);
    a->in = "-";
    a->n_widths = nas_cli_doubles("0.2:1:0.1", 0, 1, a->widths, MAX_LIST);
    a->n_resolutions = nas_cli_ints("48:224:16", 1, 65535, a->resolutions,
                                    MAX_LIST);
    a->n_choices = nas_cli_doubles("0.5,0.75,1", 0, 1, a->choices, MAX_LIST);
    a->samples = 1000;
    a->divisor = 8;
    a->top = 10;
    a->seed = 1;
}

static void print_ranking(const nas_space *s, int n, int top)
{
    printf("rank  width  input     fit        mean MACs    most MACs\n");
    for (int i = 0; i < n && i < top; i++) {
        if (s[i].why[0]) {
            printf("%4d  %5.2f  %3dx%-3d   cannot take it: %s\n", i + 1,
                   s[i].width, s[i].resolution, s[i].resolution, s[i].why);
            continue;
        }
        printf("%4d  %5.2f  %3dx%-3d %5d/%-5d %12.0f %12lld\n", i + 1,
               s[i].width, s[i].resolution, s[i].resolution, s[i].fits,
               s[i].samples, s[i].mean_macs,
               s[i].fits ? (long long)s[i].fit_macs[s[i].fits - 1] : 0LL);
    }
}

static int write_svg(const space_args *a, const nas_space *s, int n,
                     const char *title)
{
    char *buf = NULL;
    size_t len = 0;
    mcn_err e = {0};
    FILE *f = open_memstream(&buf, &len);
    int rc = f ? nas_space_svg(f, s, n, SVG_SPACES, title, &e)
               : mcn_fail(&e, "out of memory");
    if (f && fclose(f) && rc == 0)
        rc = mcn_fail(&e, "out of memory");
    if (rc == 0)
        rc = file_write_atomic(a->svg, buf, len, &e);
    free(buf);
    return rc ? tool_fail(a->svg, &e) : 0;
}

int nas_space_main(int argc, char **argv)
{
    tool_cli_standard(argc, argv, "mcn-nas", usage);
    space_args a;
    defaults(&a);
    int rc = parse(&a, argc, argv);
    if (rc)
        return rc;
    nas_budget b;
    mcn_err e = {0};
    if (nas_budget_resolve(&a.budget, &b, &e))
        return nas_cli_usage(e.msg, usage);
    nas_space_opts o = {
        a.widths, a.n_widths, a.resolutions, a.n_resolutions, a.choices,
        a.n_choices, a.samples, a.divisor, a.seed, 0, 0, progress_cb, NULL};
    nas_budget_model_limits(&b, &o.arena_limit, &o.flash_limit);
    if (o.arena_limit < 1 || o.flash_limit < 1)
        return nas_cli_usage("the budget leaves no room for a model once "
                             "the stack and the code are counted", usage);
    nas_net net;
    if (nas_cli_load_net(a.in, &net, &e))
        return tool_fail(nas_cli_shown(a.in), &e);
    progress bar;
    progress_init(&bar, "sampling");
    o.user = &bar;
    nas_space *s = NULL;
    int n = 0;
    clock_t t0 = clock();
    rc = nas_space_rank(&net, &o, &s, &n, &e);
    progress_end(&bar);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    if (rc) {
        nas_net_free(&net);
        return tool_fail(nas_cli_shown(a.in), &e);
    }
    char sram[24], flash[24], title[160];
    printf("mcn-nas space: %d spaces x %d samples in %.2f s (cpu); model "
           "within arena %lld B, flash %lld B (%s SRAM, %s flash%s%s)\n", n,
           a.samples, secs, (long long)o.arena_limit,
           (long long)o.flash_limit, nas_format_bytes(b.sram, sram, 24),
           nas_format_bytes(b.flash, flash, 24), b.board ? ": " : "",
           b.board ? b.board->name : "");
    print_ranking(s, n, a.top);
    snprintf(title, sizeof title, "search spaces under %s SRAM, %s flash%s%s",
             sram, flash, b.board ? ": " : "", b.board ? b.board->name : "");
    rc = a.svg ? write_svg(&a, s, n, title) : 0;
    nas_spaces_free(s, n);
    nas_net_free(&net);
    return rc;
}
