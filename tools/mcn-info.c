/*
** mcn-info: what a model costs: per layer MACs and parameters, then the
** SRAM peak (the arena plan) and the flash size (the packed file). For a
** model that is not packed yet, both come from packing or planning a copy,
** so the numbers are what mcn-pack would give. For a float model it also
** says which nodes would stop it from running in int8, and why, before
** the user calibrates (pack_int8_blockers). --memory draws the arena plan
** (plan_svg.h) of the packed model, or of that copy.
*/
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "graph_cost.h"
#include "graph_io.h"
#include "pack.h"
#include "plan_arena.h"
#include "plan_svg.h"
#include "tool_cli.h"

static const char usage[] =
    "usage: mcn-info MODEL [--json] [--memory OUT.svg]\n"
    "\n"
    "What a model holds and costs: its layers (op, output shape, MACs,\n"
    "parameters, dtype and quantization), peak SRAM and flash; for a float\n"
    "model, the nodes that would stop int8 packing and why.\n"
    "\n"
    "  --json            the same as one JSON object\n"
    "  --memory OUT.svg  the arena plan drawn: each tensor and scratch a\n"
    "                    rectangle at its offset over its lifetime\n"
    "  -h, --help        this text;  --version  the version\n"
    "\n"
    "On a failure, one line on stderr names the file and the problem.\n";

static const graph_tensor *tensor(const graph *g, int t)
{
    return t >= 0 && t < g->n_tensors ? &g->tensors[t] : NULL;
}

static void shape_str(char *buf, size_t n, const graph_tensor *t)
{
    size_t k = 0;
    buf[0] = 0;
    for (int i = 0; t && i < t->rank && k < n; i++)
        k += (size_t)snprintf(buf + k, n - k, "%s%d", i ? "x" : "",
                              (int)t->shape[i]);
}

static void json_string(const char *s)
{
    if (!s) {
        fputs("null", stdout);
        return;
    }
    putchar('"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            printf("\\%c", *p);
        else if (*p < 0x20)
            printf("\\u%04x", *p);
        else
            putchar(*p);
    }
    putchar('"');
}

static bool is_float_graph(const graph *g)
{
    return g->n_inputs > 0 && g->inputs[0] >= 0 &&
           g->inputs[0] < g->n_tensors &&
           g->tensors[g->inputs[0]].dtype == MCN_DT_FLOAT32;
}

/* Peak SRAM and flash: the packed model's own, or a packed (int8) or
   planned and serialized (float) copy's; that copy, when `planned` is
   not NULL, goes there (else the model itself is the plan). */
static int sizes(const graph *g, size_t file_len, int64_t *peak,
                 size_t *flash, graph *planned, mcn_err *e)
{
    if (g->arena_bytes) {
        *peak = g->arena_bytes;
        *flash = file_len;
        return 0;
    }
    graph c;
    if (graph_clone(&c, g, e))
        return -1;
    int rc;
    if (is_float_graph(g)) {
        rc = plan_arena(&c, e);
        *peak = c.arena_bytes;
        *flash = file_len;
    } else {
        uint8_t *buf = NULL;
        pack_opts o = {.keep_names = planned != NULL,
                       .target = PACK_DEFAULT_TARGET};
        rc = pack_to_mcn(&c, &o, &buf, flash, e);
        *peak = c.arena_bytes;
        free(buf);
    }
    if (rc == 0 && planned)
        *planned = c;
    else
        graph_free(&c);
    return rc ? -1 : 0;
}

/* The plan's picture into path. */
static int draw_memory(const graph *g, const char *path, mcn_err *e)
{
    char *svg;
    size_t len;
    if (plan_svg(g, &svg, &len, e))
        return -1;
    int rc = file_write_atomic(path, svg, len, e);
    free(svg);
    return rc;
}

static void print_layers(const graph *g, bool json, int64_t *macs,
                         int64_t *params)
{
    if (!json)
        printf("%4s  %-20s %-18s %12s %10s  %-8s %12s %5s\n", "#", "op",
               "output", "MACs", "params", "dtype", "scale", "zp");
    for (int i = 0; i < g->n_nodes; i++) {
        const graph_node *nd = &g->nodes[i];
        graph_cost c = graph_node_cost(g, nd);
        *macs += c.macs;
        *params += c.params;
        const graph_tensor *y = nd->n_out >= 1 ? tensor(g, nd->out[0]) : NULL;
        bool q = y && y->dtype == MCN_DT_INT8 && y->nscale >= 1;
        char shape[96];
        shape_str(shape, sizeof shape, y);
        const char *dt = y ? graph_dtype_name(y->dtype) : "?";
        if (!json) {
            printf("%4d  %-20s %-18s %12lld %10lld  %-8s", i,
                   graph_op_name(nd->op), shape, (long long)c.macs,
                   (long long)c.params, dt);
            if (q)
                printf(" %12.6g %5d", (double)y->scale[0],
                       (int)y->zero_point[0]);
            putchar('\n');
            continue;
        }
        printf("%s\n    {\"index\": %d, \"op\": \"%s\", \"name\": ",
               i ? "," : "", i, graph_op_name(nd->op));
        json_string(nd->name);
        printf(", \"output_shape\": [");
        for (int k = 0; y && k < y->rank; k++)
            printf("%s%d", k ? ", " : "", (int)y->shape[k]);
        printf("], \"macs\": %lld, \"params\": %lld, \"dtype\": \"%s\", ",
               (long long)c.macs, (long long)c.params, dt);
        if (q)
            printf("\"scale\": %.9g, \"zero_point\": %d}",
                   (double)y->scale[0], (int)y->zero_point[0]);
        else
            printf("\"scale\": null, \"zero_point\": null}");
    }
}

/* The blockers as they are found: printed at once (text) or collected
   into a JSON array. */
typedef struct {
    bool json;
    int n;
} blockers;

static void print_blocker(void *user, int node, const char *msg)
{
    blockers *b = user;
    if (!b->json) {
        printf("  %s\n", msg);
    } else {
        printf("%s\n    {\"node\": %d, \"message\": ", b->n ? "," : "",
               node);
        json_string(msg);
        putchar('}');
    }
    b->n++;
}

/* For a float graph: "int8_blockers" (JSON) or an "int8:" section. */
static int report_blockers(const graph *g, bool json, mcn_err *e)
{
    blockers b = {json, 0};
    if (json)
        printf(",\n  \"int8_blockers\": [");
    else
        printf("int8:\n");
    int n = pack_int8_blockers(g, print_blocker, &b, e);
    if (n < 0)
        return -1;
    if (json)
        printf("%s]", n ? "\n  " : "");
    else if (n == 0)
        printf("  every node has an int8 kernel\n");
    else
        printf("  %d node%s would stop int8 packing\n", n, n == 1 ? "" : "s");
    return 0;
}

int main(int argc, char **argv)
{
    tool_cli_standard(argc, argv, "mcn-info", usage);
    const char *path = NULL, *memory = NULL;
    bool json = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            json = true;
        else if (strcmp(argv[i], "--memory") == 0 && i + 1 < argc && !memory)
            memory = argv[++i];
        else if (!path && (argv[i][0] != '-' || strcmp(argv[i], "-") == 0))
            path = argv[i];
        else if (strcmp(argv[i], "--memory") == 0 && memory)
            return tool_usage("mcn-info", "--memory given twice");
        else {
            static const char *const valued[] = {"--memory", NULL};
            return tool_bad_arg("mcn-info", argv[i], valued);
        }
    }
    if (!path)
        return tool_usage("mcn-info", "no model given");
    const char *shown = strcmp(path, "-") == 0 ? "<stdin>" : path;
    mcn_err e = {0};
    uint8_t *buf = NULL;
    size_t len = 0, flash = 0;
    int64_t peak = 0;
    graph g, planned;
    graph_init(&g);
    graph_init(&planned);
    const char *failed = shown;
    if (file_read_all(path, &buf, &len, &e) ||
        graph_from_mcn(&g, buf, len, &e) ||
        sizes(&g, len, &peak, &flash, memory ? &planned : NULL, &e) ||
        (memory && (failed = memory) &&
         draw_memory(planned.arena_bytes ? &planned : &g, memory, &e))) {
        int status = tool_fail(failed, &e);
        free(buf);
        graph_free(&g);
        graph_free(&planned);
        return status;
    }
    graph_free(&planned);
    int64_t macs = 0, params = 0;
    if (json)
        printf("{\"layers\": [");
    else
        printf("%s: %d layers, %s\n", shown, g.n_nodes,
               g.arena_bytes ? "packed" : "not packed");
    print_layers(&g, json, &macs, &params);
    if (json)
        printf("\n  ],\n  \"macs\": %lld, \"params\": %lld, "
               "\"peak_sram_bytes\": %lld, \"flash_bytes\": %zu, "
               "\"arena_bytes\": %u, \"packed\": %s",
               (long long)macs, (long long)params, (long long)peak, flash,
               (unsigned)g.arena_bytes, g.arena_bytes ? "true" : "false");
    else
        printf("total: %lld MACs, %lld params\npeak_sram_bytes: %lld\n"
               "flash_bytes: %zu\n", (long long)macs, (long long)params,
               (long long)peak, flash);
    int rc = 0;
    if (is_float_graph(&g) && report_blockers(&g, json, &e)) {
        fflush(stdout);
        rc = tool_fail(shown, &e);
    }
    if (json)
        printf("}\n");
    /* A report cut short (a full disk, a closed pipe) is a failure. */
    if (rc == 0 && (fflush(stdout) != 0 || ferror(stdout))) {
        mcn_fail_status(&e, MCN_EX_IOERR, "cannot write: %s",
                        strerror(errno));
        rc = tool_fail("<stdout>", &e);
    }
    free(buf);
    graph_free(&g);
    return rc;
}
