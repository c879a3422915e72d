/*
** mcn-nas: fit a float network to a microcontroller (TinyNAS, issue 9).
** Built so far: the boards table; `apply`, which scales a trained float
** model's width (structured channel pruning by filter L1 norm,
** nas/channels.h) and input resolution (graph_shapes.h); and `space`
** (tools/nas/nas_space_cmd.c), search-space optimisation; `search` and
** the run without a subcommand (tools/nas/nas_search_cmd.c), the
** evolutionary search; `ld` (tools/nas/nas_ld_cmd.c), a board's linker
** script for the fit check.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "blocks.h"
#include "boards.h"
#include "channels.h"
#include "graph_cost.h"
#include "graph_io.h"
#include "graph_shapes.h"
#include "npy.h"
#include "realign.h"
#include "nas_cli.h"
#include "nas_cmds.h"
#include "sample_io.h"
#include "tool_cli.h"

static const char usage[] =
    "usage: mcn-nas --list-boards\n"
    "       mcn-nas space --help\n"
    "       mcn-nas search --help (also how mcn-nas runs with no subcommand)\n"
    "       mcn-nas ld --help (the board's linker script for nas/fit_check.sh)\n"
    "       mcn-nas apply [IN.mcn|-] [-o OUT.mcn] [--width R] "
    "[--resolution N|HxW] [--divisor N]\n"
    "                     [--depth LIST] [--calib CALIB.npy [--passes N]]\n"
    "  apply: a float model (before mcn-quantize) scaled to width R (0 < R "
    "<= 1: each\n"
    "  channel group keeps its R most important channels, rounded to a "
    "multiple of\n"
    "  --divisor, default 8) and to a new input resolution. With --calib, "
    "each kept\n"
    "  channel's mean and deviation before its activation are matched to "
    "the trained\n"
    "  network's on those samples (at the trained resolution), N passes "
    "(default 3).\n"
    "  --depth a,b,...: stage s (the identity residual blocks of one "
    "residual stream,\n"
    "  as mcn-nas space counts them) keeps that many of its first blocks.";

#define MAX_STAGES 64

typedef struct {
    const char *in, *out, *calib;
    double width;
    int h, w, divisor, passes;
    int depth[MAX_STAGES], n_depth;  /* --depth: blocks kept per stage */
} apply_args;

/* --depth: stage s keeps its first depth[s] identity residual blocks
   (nas/blocks.h), found on the trained graph g; d, sliced from it,
   loses the others. */
static int apply_depth(const apply_args *a, const graph *g,
                       const nas_channels *ch, graph *d, mcn_err *e)
{
    nas_blocks bl;
    if (nas_blocks_find(g, ch, &bl, e))
        return -1;
    int rc = 0;
    if (a->n_depth != bl.n_stages)
        rc = mcn_fail(e, "--depth gives %d stages; the network has %d "
                      "stages of identity residual blocks", a->n_depth,
                      bl.n_stages);
    for (int s = 0; rc == 0 && s < bl.n_stages; s++)
        if (a->depth[s] > bl.stages[s].count)
            rc = mcn_fail(e, "--depth: stage %d has %d blocks, not %d", s + 1,
                          bl.stages[s].count, a->depth[s]);
    bool *drop = rc ? NULL : calloc((size_t)bl.n_blocks + 1, sizeof *drop);
    if (rc == 0 && !drop)
        rc = mcn_fail(e, "out of memory");
    if (rc == 0) {
        nas_blocks_for_depths(&bl, a->depth, drop);
        nas_bypass_blocks(d, &bl, drop);
        graph_prune(d);
    }
    free(drop);
    nas_blocks_free(&bl);
    return rc;
}

/* The calibration samples through both graphs at the trained size; 0 or
   the status to exit with. */
static int realign(const apply_args *a, const graph *g, graph *d,
                   const nas_channels *ch, const int *keep, int *n_samples)
{
    npy_array x;
    sample_batch b;
    mcn_err e = {0};
    if (npy_load(a->calib, &x, &e))
        return tool_fail(a->calib, &e);
    int rc = sample_inputs_from_npy(g, 0, &x, &b, &e);
    npy_free(&x);
    if (rc)
        return tool_fail(a->calib, &e);
    rc = b.dtype != MCN_DT_FLOAT32
             ? mcn_fail(&e, "the model's input is not float")
             : nas_realign(d, g, ch, keep, b.data, b.data, b.n, a->passes,
                           &e);
    if (rc)
        rc = tool_fail(a->calib, &e);
    *n_samples = b.n;
    sample_batch_free(&b);
    return rc;
}

static int run_apply(const apply_args *a)
{
    graph g, d;
    nas_channels ch;
    mcn_err e = {0};
    graph_init(&g);
    graph_init(&d);
    memset(&ch, 0, sizeof ch);
    int rc, *keep = NULL, aligned = 0;
    if (graph_load_file(&g, a->in, &e) || nas_cli_float_model(&g, &e) ||
        nas_channels_find(&g, &ch, &e))
        goto fail;
    keep = malloc(((size_t)ch.n_groups + 1) * sizeof *keep);
    if (!keep) {
        mcn_fail(&e, "out of memory");
        goto fail;
    }
    for (int k = 0; k < ch.n_groups; k++)
        keep[k] = nas_group_width(&ch.groups[k], a->width, a->divisor);
    if (graph_slice_channels(&g, &ch, keep, &d, &e))
        goto fail;
    if (a->calib && (rc = realign(a, &g, &d, &ch, keep, &aligned)) != 0)
        goto done;
    if ((a->n_depth && apply_depth(a, &g, &ch, &d, &e)) ||
        (a->h && graph_set_resolution(&d, 0, a->h, a->w, &e)))
        goto fail;
    if (graph_save_file(&d, a->out, &e)) {
        rc = tool_fail(a->out ? a->out : "<stdout>", &e);
        goto done;
    }
    /* Said once the model is written, so that a failure is one line. */
    if (a->calib)
        fprintf(stderr, "mcn-nas: statistics re-aligned on %d samples "
                "(%d passes)\n", aligned, a->passes);
    graph_cost before = graph_total_cost(&g), after = graph_total_cost(&d);
    const graph_tensor *x = &d.tensors[d.inputs[0]];
    /* ", depth " and up to 64 numbers of at most 5 digits, comma led. */
    char depth[8 + 6 * MAX_STAGES + 1] = "";
    for (int s = 0, at = 0; s < a->n_depth; s++)
        at += snprintf(depth + at, sizeof depth - (size_t)at, "%s%d",
                       s ? "," : ", depth ", a->depth[s]);
    fprintf(stderr, "mcn-nas: width %.2f, input %dx%d%s: %lld -> %lld MACs, "
            "%lld -> %lld params\n", a->width, x->rank == 4 ? x->shape[1] : 0,
            x->rank == 4 ? x->shape[2] : 0, depth, (long long)before.macs,
            (long long)after.macs, (long long)before.params,
            (long long)after.params);
    rc = 0;
    goto done;
fail:
    rc = tool_fail(nas_cli_shown(a->in), &e);
done:
    free(keep);
    nas_channels_free(&ch);
    graph_free(&d);
    graph_free(&g);
    return rc;
}

static int apply_main(int argc, char **argv)
{
    apply_args a = {"-", NULL, NULL, 1.0, 0, 0, 8, 3, {0}, 0};
    int have_in = 0;
    for (int i = 2; i < argc; i++) {
        const char *s = argv[i];
        char *end;
        if (strcmp(s, "-o") == 0 && i + 1 < argc) {
            a.out = argv[++i];
        } else if (strcmp(s, "--width") == 0 && i + 1 < argc) {
            a.width = strtod(argv[++i], &end);
            if (*end || !(a.width > 0 && a.width <= 1))
                return nas_cli_usage("--width must lie in (0, 1]", usage);
        } else if (strcmp(s, "--resolution") == 0 && i + 1 < argc) {
            if (nas_cli_resolution(argv[++i], &a.h, &a.w))
                return nas_cli_usage("--resolution takes N or HxW, "
                                   "1..65535", usage);
        } else if (strcmp(s, "--depth") == 0 && i + 1 < argc) {
            a.n_depth = nas_cli_ints(argv[++i], 0, 65535, a.depth,
                                     MAX_STAGES);
            if (a.n_depth < 1)
                return nas_cli_usage("--depth takes a number of blocks "
                                     "per stage: a,b,c", usage);
        } else if (strcmp(s, "--calib") == 0 && i + 1 < argc) {
            a.calib = argv[++i];
        } else if (strcmp(s, "--passes") == 0 && i + 1 < argc) {
            long v = strtol(argv[++i], &end, 10);
            if (*end || v < 1 || v > 100)
                return nas_cli_usage("--passes must lie in 1..100", usage);
            a.passes = (int)v;
        } else if (strcmp(s, "--divisor") == 0 && i + 1 < argc) {
            long v = strtol(argv[++i], &end, 10);
            if (*end || v < 1 || v > 256)
                return nas_cli_usage("--divisor must lie in 1..256", usage);
            a.divisor = (int)v;
        } else if ((s[0] != '-' || strcmp(s, "-") == 0) && !have_in) {
            a.in = s;
            have_in = 1;
        } else {
            return nas_cli_unexpected(s, usage);
        }
    }
    if ((!a.out || strcmp(a.out, "-") == 0) && isatty(STDOUT_FILENO)) {
        fprintf(stderr, "mcn-nas: refusing to write a binary model to a "
                        "terminal (use -o FILE or a pipe)\n");
        return 64;
    }
    return run_apply(&a);
}

int main(int argc, char **argv)
{
    /* A subcommand has its own --help. */
    const char *sub = argc > 1 ? argv[1] : "";
    if (strcmp(sub, "space") && strcmp(sub, "search") && strcmp(sub, "ld"))
        tool_cli_standard(argc, argv, "mcn-nas", usage);
    if (argc < 2)
        return nas_cli_usage("a subcommand or a model is needed", usage);
    if (strcmp(argv[1], "--list-boards") == 0 && argc == 2) {
        nas_board_list(stdout);
        return 0;
    }
    if (strcmp(argv[1], "apply") == 0)
        return apply_main(argc, argv);
    if (strcmp(argv[1], "space") == 0)
        return nas_space_main(argc, argv);
    if (strcmp(argv[1], "search") == 0)
        return nas_search_main(argc, argv);
    if (strcmp(argv[1], "ld") == 0)
        return nas_ld_main(argc, argv);
    return nas_whole_main(argc, argv);
}
