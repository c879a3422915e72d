/* mcn-pack: a quantized graph in, the model the engine runs out (pack.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"
#include "graph_io.h"
#include "pack.h"
#include "tool_cli.h"

static const char usage[] =
    "usage: mcn-pack [IN.mcn|-] [-o OUT.mcn] [--target CORE] [--c-array NAME] "
    "[--keep-names]\n"
    "\n"
    "Pack a quantized (int8) model for the engine: requantization\n"
    "precomputed, each convolution's kernel chosen for the core with its\n"
    "weights laid out for it, the arena planned, names stripped. The bytes\n"
    "are offered to the engine's own mcn_init before they are written.\n"
    "\n"
    "  --target CORE   reference, generic, cortex-m3, cortex-m4 (default),\n"
    "                  cortex-m7, cortex-m55\n"
    "  --c-array NAME  write a C source holding the model as a const array\n"
    "  --keep-names    keep tensor and node names\n"
    "  -o FILE         output (default: stdout, not a terminal)\n"
    "  -h, --help      this text;  --version  the version\n"
    "\n"
    "IN defaults to stdin. On any error nothing is written.\n";

static const char *shown(const char *path)
{
    return !path || strcmp(path, "-") == 0 ? "<stdin>" : path;
}

int main(int argc, char **argv)
{
    tool_cli_standard(argc, argv, "mcn-pack", usage);
    const char *in = "-", *out = NULL, *c_name = NULL;
    pack_opts opts = {.keep_names = false, .target = PACK_DEFAULT_TARGET};
    int have_in = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
            out = argv[++i];
        else if (strcmp(argv[i], "--target") == 0 && i + 1 < argc) {
            const char *t = argv[++i];
            if (pack_target_parse(t, &opts.target))
                return tool_usage("mcn-pack", "unknown target '%s'", t);
        } else if (strcmp(argv[i], "--c-array") == 0 && i + 1 < argc) {
            c_name = argv[++i];
            if (!pack_c_identifier(c_name, PACK_C_NAME_MAX))
                return tool_usage("mcn-pack", "--c-array '%s' is not a C "
                                  "identifier of at most %d characters",
                                  c_name, PACK_C_NAME_MAX);
        }
        else if (strcmp(argv[i], "--keep-names") == 0)
            opts.keep_names = true;
        else if ((argv[i][0] != '-' || strcmp(argv[i], "-") == 0) &&
                 !have_in) {
            in = argv[i];
            have_in = 1;
        } else {
            static const char *const valued[] = {"-o", "--target",
                                                 "--c-array", NULL};
            return tool_bad_arg("mcn-pack", argv[i], valued);
        }
    }
    int to_stdout = !out || strcmp(out, "-") == 0;
    if (to_stdout && !c_name && isatty(STDOUT_FILENO)) {
        fprintf(stderr, "mcn-pack: refusing to write a binary model to a "
                        "terminal (use -o FILE or a pipe)\n");
        return TOOL_EX_USAGE;
    }

    mcn_err e = {0};
    graph g;
    graph_init(&g);
    uint8_t *model = NULL, *text = NULL;
    size_t len = 0;
    int rc;
    if (graph_load_file(&g, in, &e) ||
        pack_to_mcn(&g, &opts, &model, &len, &e)) {
        rc = tool_fail(shown(in), &e);
        goto out;
    }
    const void *bytes = model;
    if (c_name) {
        char *src;
        if (pack_c_array(model, len, g.arena_bytes, c_name, &src, &len, &e)) {
            rc = tool_fail(shown(in), &e);
            goto out;
        }
        text = (uint8_t *)src;
        bytes = text;
    }
    if (file_write_atomic(out, bytes, len, &e)) {
        rc = tool_fail(to_stdout ? "<stdout>" : out, &e);
        goto out;
    }
    rc = 0;
out:
    free(model);
    free(text);
    graph_free(&g);
    return rc;
}
