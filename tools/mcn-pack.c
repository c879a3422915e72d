/* mcn-pack: a quantized graph in, the model the engine runs out (pack.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"
#include "graph_io.h"
#include "pack.h"

static const char usage[] =
    "usage: mcn-pack [IN.mcn|-] [-o OUT.mcn] [--target CORE] [--c-array NAME] "
    "[--keep-names]\n"
    "  --target: reference, generic, cortex-m3, cortex-m4 (default), "
    "cortex-m7, cortex-m55";

static const char *shown(const char *path)
{
    return !path || strcmp(path, "-") == 0 ? "<stdin>" : path;
}

static int fail(const char *file, const mcn_err *e)
{
    fprintf(stderr, "%s: %s\n", file, e->msg);
    return 1;
}

int main(int argc, char **argv)
{
    const char *in = "-", *out = NULL, *c_name = NULL;
    pack_opts opts = {.keep_names = false, .target = PACK_DEFAULT_TARGET};
    int have_in = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
            out = argv[++i];
        else if (strcmp(argv[i], "--target") == 0 && i + 1 < argc) {
            const char *t = argv[++i];
            if (pack_target_parse(t, &opts.target)) {
                fprintf(stderr, "mcn-pack: unknown target '%s'\n%s\n", t,
                        usage);
                return 2;
            }
        } else if (strcmp(argv[i], "--c-array") == 0 && i + 1 < argc)
            c_name = argv[++i];
        else if (strcmp(argv[i], "--keep-names") == 0)
            opts.keep_names = true;
        else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            puts(usage);
            return 0;
        } else if ((argv[i][0] != '-' || strcmp(argv[i], "-") == 0) &&
                   !have_in) {
            in = argv[i];
            have_in = 1;
        } else {
            fprintf(stderr, "%s\n", usage);
            return 2;
        }
    }
    int to_stdout = !out || strcmp(out, "-") == 0;
    if (to_stdout && !c_name && isatty(STDOUT_FILENO)) {
        fprintf(stderr, "mcn-pack: refusing to write a binary model to a "
                        "terminal (use -o FILE or a pipe)\n");
        return 1;
    }

    mcn_err e = {{0}};
    graph g;
    graph_init(&g);
    uint8_t *model = NULL, *text = NULL;
    size_t len = 0;
    int rc = 1;
    if (graph_load_file(&g, in, &e) ||
        pack_to_mcn(&g, &opts, &model, &len, &e)) {
        fail(shown(in), &e);
        goto out;
    }
    const void *bytes = model;
    if (c_name) {
        char *src;
        if (pack_c_array(model, len, g.arena_bytes, c_name, &src, &len, &e)) {
            fail(shown(in), &e);
            goto out;
        }
        text = (uint8_t *)src;
        bytes = text;
    }
    if (file_write_atomic(out, bytes, len, &e)) {
        fail(to_stdout ? "<stdout>" : out, &e);
        goto out;
    }
    rc = 0;
out:
    free(model);
    free(text);
    graph_free(&g);
    return rc;
}
