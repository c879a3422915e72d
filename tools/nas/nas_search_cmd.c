/*
** nas_search_cmd.c: `mcn-nas search` (evolution inside one space,
** nas/search.h) and mcn-nas with no subcommand (space optimisation,
** then the search inside the best space). Fitness: top-1 on --eval /
** --labels after re-alignment (nas/evaluate.h), a number printed by
** --eval-cmd, or else MACs. The uniform width that fits the same budget
** is measured too, and written instead when the search found nothing
** better. Every evaluation goes to the --log JSON.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "boards.h"
#include "evaluate.h"
#include "fileio.h"
#include "graph_io.h"
#include "nas_cli.h"
#include "nas_cmds.h"
#include "npy.h"
#include "packed_fit.h"
#include "progress.h"
#include "sample_io.h"
#include "search.h"
#include "space.h"
#include "tool_cli.h"

#define MAX_LIST 256
/* Calibration samples the packed check quantizes with: the sizes hang on
   the shapes, hardly on the ranges. */
#define PACK_SAMPLES 16

static const char usage[] =
    "usage: mcn-nas search [IN.mcn|-] -o OUT.mcn (--board NAME | --sram N "
    "--flash N) --width W\n"
    "         [--resolutions LIST] [--choices LIST] [--divisor N] "
    "[--population N] [--generations N]\n"
    "         [--parents N] [--mutate P] [--seed N] [--calib C.npy "
    "[--passes N]]\n"
    "         [--eval X.npy --labels Y.npy [--eval-limit N] | --eval-cmd "
    "'CMD {}'] [--log OUT.json]\n"
    "       mcn-nas [IN.mcn|-] -o OUT.mcn (--board NAME | --sram N --flash "
    "N) [the options above\n"
    "         but --width; and space's --widths, --samples]: space "
    "optimisation, then the search\n"
    "         in the best space at its resolution and those 16 either "
    "side\n"
    "  Evolves per-group widths, per-stage depths and the resolution under "
    "the budget:\n"
    "  the model's int8 arena and flash as mcn-nas space counts them, then "
    "each one's\n"
    "  once quantized and packed for the board's core (mcn-pack --target: "
    "the board's\n"
    "  engine build; generic on a Cortex-M0+; cortex-m4 for sizes alone). "
    "Fitness:\n"
    "  top-1 on X.npy and Y.npy (their first N) after statistics "
    "re-alignment on C.npy\n"
    "  (default: the first 200 of X); or the last number that CMD prints, "
    "given the\n"
    "  candidate's path for {}; else MACs. The widest uniform width that "
    "fits is measured\n"
    "  too, and written instead if it does better. Defaults: --resolutions "
    "the trained one,\n"
    "  --choices 0.5,0.75,1, --population 16, --generations 8, --parents 4, "
    "--mutate 0.2,\n"
    "  --seed 1, --passes 3.";

typedef struct {
    const char *in, *out, *calib, *eval, *labels, *eval_cmd, *log;
    nas_budget_opts budget;
    bool whole;              /* no subcommand: space first */
    double width;
    double widths[MAX_LIST], choices[MAX_LIST];
    int resolutions[MAX_LIST];
    int n_widths, n_resolutions, n_choices;
    int population, generations, parents, divisor, passes, samples;
    int eval_limit;
    double mutate;
    unsigned long long seed;
} search_args;

typedef struct {
    const search_args *a;
    const nas_net *net;
    nas_eval_set eval, calib;
    bool have_eval, have_calib;
    int64_t arena_limit, flash_limit;
    mcn_target target;       /* what the packed check packs for */
    FILE *log;               /* a memstream */
    char *log_buf;
    size_t log_len;
    int logged;
    int rejected;            /* candidates over the budget once packed */
} run_ctx;

/* ---- arguments ---- */

static int number(const char *s, const char *v, long lo, long hi, int *to)
{
    char *end;
    long n = strtol(v, &end, 10);
    if (*end || n < lo || n > hi) {
        char why[80];
        snprintf(why, sizeof why, "%s takes %ld..%ld", s, lo, hi);
        return nas_cli_usage(why, usage);
    }
    *to = (int)n;
    return 0;
}

static int parse(search_args *a, int argc, char **argv, int from)
{
    int have_in = 0, rc = 0;
    for (int i = from; i < argc && rc == 0; i++) {
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
        if (!v || s[0] != '-' || strcmp(s, "-") == 0) {
            if ((s[0] != '-' || strcmp(s, "-") == 0) && !have_in) {
                a->in = s;
                have_in = 1;
                continue;
            }
            return nas_cli_unexpected(s, usage);
        }
        i++;
        if (strcmp(s, "-o") == 0) a->out = v;
        else if (strcmp(s, "--calib") == 0) a->calib = v;
        else if (strcmp(s, "--eval") == 0) a->eval = v;
        else if (strcmp(s, "--labels") == 0) a->labels = v;
        else if (strcmp(s, "--eval-cmd") == 0) a->eval_cmd = v;
        else if (strcmp(s, "--log") == 0) a->log = v;
        else if (strcmp(s, "--width") == 0 && !a->whole) {
            a->width = strtod(v, &end);
            if (*end || !(a->width > 0 && a->width <= 1))
                return nas_cli_usage("--width must lie in (0, 1]", usage);
        } else if (strcmp(s, "--widths") == 0 && a->whole) {
            a->n_widths = nas_cli_doubles(v, 0.01, 1, a->widths, MAX_LIST);
            if (a->n_widths < 1)
                return nas_cli_usage("--widths: numbers in (0, 1]", usage);
        } else if (strcmp(s, "--resolutions") == 0) {
            a->n_resolutions = nas_cli_ints(v, 1, 65535, a->resolutions,
                                            MAX_LIST);
            if (a->n_resolutions < 1)
                return nas_cli_usage("--resolutions: whole numbers in "
                                     "1..65535", usage);
        } else if (strcmp(s, "--choices") == 0) {
            a->n_choices = nas_cli_doubles(v, 0.01, 1, a->choices, MAX_LIST);
            if (a->n_choices < 1)
                return nas_cli_usage("--choices: numbers in (0, 1]", usage);
        } else if (strcmp(s, "--mutate") == 0) {
            a->mutate = strtod(v, &end);
            if (*end || !(a->mutate >= 0 && a->mutate <= 1))
                return nas_cli_usage("--mutate must lie in [0, 1]", usage);
        } else if (strcmp(s, "--seed") == 0) {
            a->seed = strtoull(v, &end, 10);
            if (*end || *v == '-')
                return nas_cli_usage("--seed takes a whole number", usage);
        } else if (strcmp(s, "--population") == 0) {
            rc = number(s, v, 2, 100000, &a->population);
        } else if (strcmp(s, "--generations") == 0) {
            rc = number(s, v, 1, 100000, &a->generations);
        } else if (strcmp(s, "--parents") == 0) {
            rc = number(s, v, 1, 100000, &a->parents);
        } else if (strcmp(s, "--divisor") == 0) {
            rc = number(s, v, 1, 256, &a->divisor);
        } else if (strcmp(s, "--passes") == 0) {
            rc = number(s, v, 1, 100, &a->passes);
        } else if (strcmp(s, "--eval-limit") == 0) {
            rc = number(s, v, 1, 100000000, &a->eval_limit);
        } else if (strcmp(s, "--samples") == 0 && a->whole) {
            rc = number(s, v, 1, 1000000, &a->samples);
        } else {
            return nas_cli_unexpected(s, usage);
        }
    }
    if (rc)
        return rc;
    if (!a->out)
        return nas_cli_usage("-o OUT.mcn is needed", usage);
    if (!a->whole && a->width == 0)
        return nas_cli_usage("--width W names the space to search (mcn-nas "
                             "space ranks them)", usage);
    if (!a->eval != !a->labels)
        return nas_cli_usage("--eval and --labels go together", usage);
    if (a->eval && a->eval_cmd)
        return nas_cli_usage("--eval and --eval-cmd are two fitnesses: give "
                             "one", usage);
    if (a->parents >= a->population)
        return nas_cli_usage("--parents must be fewer than --population",
                             usage);
    return 0;
}

static void defaults(search_args *a, bool whole)
{
    memset(a, 0, sizeof *a);
    a->whole = whole;
    a->in = "-";
    a->n_choices = nas_cli_doubles("0.5,0.75,1", 0, 1, a->choices, MAX_LIST);
    a->n_widths = nas_cli_doubles("0.2:1:0.1", 0, 1, a->widths, MAX_LIST);
    a->population = 16;
    a->generations = 8;
    a->parents = 4;
    a->mutate = 0.2;
    a->seed = 1;
    a->divisor = 8;
    a->passes = 3;
    a->samples = 1000;
}

/* ---- fitness ---- */

/* The calibration samples: --calib's, else the first of --eval's. */
static nas_eval_set *calib_set(run_ctx *r, int *n)
{
    nas_eval_set *s = r->have_calib ? &r->calib
                      : r->have_eval ? &r->eval : NULL;
    *n = !s ? 0 : s == &r->eval && s->n > 200 ? 200 : s->n;
    return s;
}

static int build(run_ctx *r, const nas_candidate *c, graph *g, mcn_err *e)
{
    int n;
    nas_eval_set *s = calib_set(r, &n);
    return nas_candidate_build(r->net, c, s ? s->x : NULL, n, r->a->passes,
                               g, e);
}

/* g (the candidate, built) quantized on the calibration samples at its
   resolution, else (or when only the sizes matter) synthetic ones, and
   packed: its arena and flash. */
static int packed_cost(run_ctx *r, const graph *g, const nas_candidate *c,
                       bool sizes_only, int64_t *arena, int64_t *flash,
                       mcn_err *e)
{
    int n = 0;
    nas_eval_set *s = sizes_only ? NULL : calib_set(r, &n);
    const float *x = s ? nas_eval_sized(s, c->h, c->w, e) : NULL;
    if (s && !x)
        return -1;
    return nas_packed_cost(g, r->target, x, n < PACK_SAMPLES ? n
                                                            : PACK_SAMPLES,
                           arena, flash, e);
}

/* Whether the candidate fits once packed (nas_search_opts.accept). */
static int accept(void *user, const nas_candidate *c, mcn_err *e)
{
    run_ctx *r = user;
    int64_t arena, flash;
    graph g;
    /* Sizes follow the shapes, nearly: the check skips the re-alignment
       and the calibration (nearly all the time it would take), though a
       kernel chosen on the quantization may lay its weights out otherwise
       (MobileNetV2 on the M55: 456,016 or 462,416 B of model from two
       calibration sets); the model written is checked again as it is. */
    if (nas_candidate_build(r->net, c, NULL, 0, 0, &g, e))
        return -1;
    int rc = packed_cost(r, &g, c, true, &arena, &flash, e);
    graph_free(&g);
    if (rc)
        return -1;
    if (arena <= r->arena_limit && flash <= r->flash_limit)
        return 1;
    r->rejected++;
    return 0;
}

/* The last number in s. */
static int last_number(const char *s, double *v)
{
    int found = 0;
    for (const char *p = s; *p;) {
        char *end;
        double x = strtod(p, &end);
        if (end != p) {
            *v = x;
            found = 1;
            p = end;
        } else {
            p++;
        }
    }
    return found ? 0 : -1;
}

static int run_eval_cmd(run_ctx *r, const graph *g, double *score,
                        mcn_err *e)
{
    const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    char path[512], cmd[4096], out[4096];
    snprintf(path, sizeof path, "%s/mcn-nas-XXXXXX", dir);
    int fd = mkstemp(path);
    if (fd < 0)
        return mcn_fail(e, "--eval-cmd: cannot create a file in %s", dir);
    close(fd);
    int rc = graph_save_file(g, path, e);
    const char *cut = strstr(r->a->eval_cmd, "{}");
    if (cut)
        snprintf(cmd, sizeof cmd, "%.*s%s%s", (int)(cut - r->a->eval_cmd),
                 r->a->eval_cmd, path, cut + 2);
    else
        snprintf(cmd, sizeof cmd, "%s %s", r->a->eval_cmd, path);
    FILE *p = rc ? NULL : popen(cmd, "r");
    size_t len = 0;
    if (!rc && !p)
        rc = mcn_fail(e, "--eval-cmd: cannot run '%s'", cmd);
    if (p) {
        size_t k;
        while ((k = fread(out + len, 1, sizeof out - 1 - len, p)) > 0)
            len += k;
        out[len] = '\0';
        int status = pclose(p);
        if (status != 0)
            rc = mcn_fail(e, "--eval-cmd: '%s' failed (status %d)", cmd,
                          status);
        else if (last_number(out, score))
            rc = mcn_fail(e, "--eval-cmd: '%s' printed no number", cmd);
    }
    unlink(path);
    return rc;
}

static int fitness(void *user, const nas_candidate *c, const nas_cost *cost,
                   double *score, mcn_err *e)
{
    run_ctx *r = user;
    (void)cost;
    graph g;
    if (build(r, c, &g, e))
        return -1;
    int rc = r->have_eval ? nas_eval_top1(&r->eval, &g, score, e)
                          : run_eval_cmd(r, &g, score, e);
    graph_free(&g);
    return rc;
}

static void log_seen(void *user, int generation, const nas_candidate *c,
                     const nas_cost *cost, double score)
{
    run_ctx *r = user;
    if (!r->log)
        return;
    FILE *f = r->log;
    fprintf(f, "%s\n  {\"generation\": %d, \"resolution\": [%d, %d], "
            "\"keep\": [", r->logged++ ? "," : "", generation, c->h, c->w);
    for (int k = 0; k < r->net->ch.n_groups; k++)
        fprintf(f, "%s%d", k ? ", " : "", c->keep[k]);
    fputs("], \"depth\": [", f);
    for (int s = 0; s < r->net->bl.n_stages; s++)
        fprintf(f, "%s%d", s ? ", " : "", c->depth[s]);
    fprintf(f, "], \"macs\": %lld, \"params\": %lld, \"arena_bytes\": %lld, "
            "\"flash_bytes\": %lld, \"fitness\": %.6g}",
            (long long)cost->macs, (long long)cost->params,
            (long long)cost->arena_bytes, (long long)cost->flash_bytes,
            score);
}

/* ---- the run ---- */

static int load_data(run_ctx *r, mcn_err *e)
{
    const search_args *a = r->a;
    if (a->eval) {
        if (nas_eval_load(&r->net->g, a->eval, a->labels, &r->eval, e))
            return -1;
        r->have_eval = true;
        if (a->eval_limit && a->eval_limit < r->eval.n)
            r->eval.n = a->eval_limit;
    }
    if (a->calib) {
        if (nas_eval_load(&r->net->g, a->calib, NULL, &r->calib, e))
            return -1;
        r->have_calib = true;
    }
    return 0;
}

/* The widest uniform width (at the trained resolution, whole depth) that
   fits, by the judge and then packed: its candidate in c, 0; 1 when none
   does. */
static int uniform_fit(run_ctx *r, const nas_search_opts *o,
                       nas_candidate *c, double *ratio, mcn_err *e)
{
    const nas_net *n = r->net;
    nas_coster k;
    if (nas_coster_init(&k, n, e))
        return -1;
    int rc = 1;
    for (int pct = 100; pct >= 1 && rc == 1; pct--) {
        nas_cost cost;
        nas_candidate_uniform(n, c, pct / 100.0, o->divisor, n->in_h,
                              n->in_w);
        if (nas_coster_cost(&k, c, o->arena_limit, o->flash_limit, &cost, e))
            rc = -1;
        else if (cost.planned && cost.arena_bytes <= o->arena_limit &&
                 cost.flash_bytes <= o->flash_limit) {
            int ok = accept(r, c, e);
            if (ok < 0)
                rc = -1;
            if (ok > 0) {
                *ratio = pct / 100.0;
                rc = 0;
            }
        }
    }
    nas_coster_free(&k);
    return rc;
}

/* The best space, for the run without a subcommand. */
static int pick_space(const search_args *a, const nas_net *n,
                      const nas_search_opts *so, double *width, int *res,
                      mcn_err *e)
{
    static const int grid[] = {48, 64, 80, 96, 112, 128, 144, 160, 176, 192,
                               208, 224};
    nas_space_opts o = {
        a->widths, a->n_widths, a->n_resolutions ? a->resolutions : grid,
        a->n_resolutions ? a->n_resolutions : 12, a->choices, a->n_choices,
        a->samples, a->divisor, a->seed, so->arena_limit, so->flash_limit,
        progress_cb, NULL};
    progress bar;
    progress_init(&bar, "spaces");
    o.user = &bar;
    nas_space *s;
    int ns;
    int rc = nas_space_rank(n, &o, &s, &ns, e);
    progress_end(&bar);
    if (rc)
        return -1;
    if (!s[0].fits) {
        nas_spaces_free(s, ns);
        return mcn_fail(e, "no sampled sub-network of any space fits the "
                        "budget");
    }
    *width = s[0].width;
    *res = s[0].resolution;
    fprintf(stderr, "mcn-nas: best space: width %.2f at %dx%d (mean %.0f "
            "MACs, %d/%d fit)\n", *width, *res, *res, s[0].mean_macs,
            s[0].fits, s[0].samples);
    nas_spaces_free(s, ns);
    return 0;
}

static double score_of(run_ctx *r, const nas_candidate *c,
                       const nas_cost *cost, mcn_err *e, int *rc)
{
    double v = (double)cost->macs;
    if (r->have_eval || r->a->eval_cmd)
        *rc = fitness(r, c, cost, &v, e);
    return v;
}

static int finish(run_ctx *r, const nas_search_opts *o, nas_candidate *best,
                  nas_cost *bc, double bs, mcn_err *e)
{
    const nas_net *n = r->net;
    nas_candidate u = {0};
    double ratio = 0;
    int rc = nas_candidate_alloc(n, &u, e);
    int have_u = rc ? -1 : uniform_fit(r, o, &u, &ratio, e);
    if (have_u < 0)
        return -1;
    const char *what = r->have_eval ? "top-1" : r->a->eval_cmd ? "fitness"
                                                               : "MACs";
    fprintf(stderr, "mcn-nas: searched: %dx%d, %lld MACs, %s %.6g (%d "
            "candidates over the budget once packed)\n", best->h, best->w,
            (long long)bc->macs, what, bs, r->rejected);
    if (have_u == 0) {
        nas_coster k;
        nas_cost uc;
        rc = nas_coster_init(&k, n, e);
        if (rc == 0)
            rc = nas_coster_cost(&k, &u, INT64_MAX, INT64_MAX, &uc, e);
        nas_coster_free(&k);
        double us = rc ? 0 : score_of(r, &u, &uc, e, &rc);
        if (rc) {
            nas_candidate_free(&u);
            return -1;
        }
        fprintf(stderr, "mcn-nas: uniform width %.2f: %dx%d, %lld MACs, %s "
                "%.6g\n", ratio, u.h, u.w, (long long)uc.macs, what, us);
        if (us > bs) {
            fprintf(stderr, "mcn-nas: the uniform width does better: "
                    "writing it\n");
            nas_candidate_copy(n, best, &u);
        }
    } else {
        fprintf(stderr, "mcn-nas: no uniform width fits the budget\n");
    }
    nas_candidate_free(&u);
    int64_t arena, flash;
    graph g;
    if (build(r, best, &g, e))
        return -1;
    if (packed_cost(r, &g, best, false, &arena, &flash, e)) {
        graph_free(&g);
        return -1;
    }
    if (arena > r->arena_limit || flash > r->flash_limit) {
        graph_free(&g);
        return mcn_fail(e, "the chosen sub-network, re-aligned, quantized "
                        "and packed for %s, is over the budget after all "
                        "(arena %lld B of %lld, model %lld B of %lld)",
                        mcn_target_name(r->target), (long long)arena,
                        (long long)r->arena_limit, (long long)flash,
                        (long long)r->flash_limit);
    }
    fprintf(stderr, "mcn-nas: written: %dx%d; quantized and packed for %s, "
            "arena %lld B of %lld, model %lld B of %lld\n", best->h, best->w,
            mcn_target_name(r->target), (long long)arena,
            (long long)r->arena_limit, (long long)flash,
            (long long)r->flash_limit);
    rc = graph_save_file(&g, r->a->out, e);
    graph_free(&g);
    return rc ? 1 : 0;
}

static int write_log(run_ctx *r)
{
    mcn_err e = {0};
    fputs("\n]\n", r->log);
    if (fclose(r->log)) {
        r->log = NULL;
        fprintf(stderr, "%s: out of memory\n", r->a->log);
        return MCN_EX_OSERR;
    }
    r->log = NULL;
    return file_write_atomic(r->a->log, r->log_buf, r->log_len, &e)
               ? tool_fail(r->a->log, &e)
               : 0;
}

static int run(const search_args *a)
{
    nas_budget b;
    mcn_err e = {0};
    if (nas_budget_resolve(&a->budget, &b, &e))
        return nas_cli_usage(e.msg, usage);
    nas_net net;
    if (nas_cli_load_net(a->in, &net, &e))
        return tool_fail(nas_cli_shown(a->in), &e);
    run_ctx r = {.a = a, .net = &net};
    int res[3], n_res = 0, status = MCN_EX_OSERR;
    nas_search_opts o = {
        .width = a->width, .choices = a->choices, .n_choices = a->n_choices,
        .divisor = a->divisor, .population = a->population,
        .generations = a->generations, .parents = a->parents,
        .mutate = a->mutate, .seed = a->seed, .user = &r, .seen = log_seen,
        .progress = progress_cb};
    nas_budget_model_limits(&b, &o.arena_limit, &o.flash_limit);
    r.arena_limit = o.arena_limit;
    r.flash_limit = o.flash_limit;
    r.target = nas_pack_target_for(b.board);
    o.accept = accept;
    if (a->eval || a->eval_cmd)
        o.fitness = fitness;
    if (a->log && !(r.log = open_memstream(&r.log_buf, &r.log_len))) {
        fprintf(stderr, "mcn-nas: out of memory\n");
        goto done;
    }
    if (r.log)
        fputc('[', r.log);
    if (o.arena_limit < 1 || o.flash_limit < 1) {
        status = nas_cli_usage("the budget leaves no room for a model once "
                               "the stack and the code are counted", usage);
        goto done;
    }
    if (load_data(&r, &e))
        goto fail;
    if (a->whole) {
        int r0 = 0;
        if (pick_space(a, &net, &o, &o.width, &r0, &e))
            goto fail;
        for (int d = -16; d <= 16; d += 16)
            if (r0 + d >= 8)
                res[n_res++] = r0 + d;
        o.resolutions = res;
        o.n_resolutions = n_res;
    } else if (a->n_resolutions) {
        o.resolutions = a->resolutions;
        o.n_resolutions = a->n_resolutions;
    } else {
        res[0] = net.in_h;
        o.resolutions = res;
        o.n_resolutions = 1;
    }
    nas_candidate best;
    nas_cost bc;
    double bs;
    if (nas_candidate_alloc(&net, &best, &e))
        goto fail;
    progress bar;
    progress_init(&bar, "searching");
    o.progress_user = &bar;
    int rc = nas_search(&net, &o, &best, &bc, &bs, &e);
    progress_end(&bar);
    if (rc == 0) {
        rc = finish(&r, &o, &best, &bc, bs, &e);
        if (rc > 0) {
            status = tool_fail(a->out, &e);
            nas_candidate_free(&best);
            goto done;
        }
    }
    nas_candidate_free(&best);
    if (rc)
        goto fail;
    status = r.log ? write_log(&r) : 0;
    goto done;
fail:
    status = tool_fail(nas_cli_shown(a->in), &e);
done:
    if (r.log)
        fclose(r.log);
    free(r.log_buf);
    if (r.have_eval)
        nas_eval_free(&r.eval);
    if (r.have_calib)
        nas_eval_free(&r.calib);
    nas_net_free(&net);
    return status;
}

static int main_from(int argc, char **argv, int from, bool whole)
{
    if (from == 2)
        tool_cli_standard(argc, argv, "mcn-nas", usage);
    search_args a;
    defaults(&a, whole);
    int rc = parse(&a, argc, argv, from);
    if (rc)
        return rc;
    if (strcmp(a.out, "-") == 0 && isatty(STDOUT_FILENO)) {
        fprintf(stderr, "mcn-nas: refusing to write a binary model to a "
                        "terminal (use -o FILE or a pipe)\n");
        return MCN_EX_USAGE;
    }
    return run(&a);
}

int nas_search_main(int argc, char **argv)
{
    return main_from(argc, argv, 2, false);
}

int nas_whole_main(int argc, char **argv)
{
    return main_from(argc, argv, 1, true);
}
