/*
** mcn-gen: a packed model as C source (gen.h): DIR/NAME.c and DIR/NAME.h,
** to compile with the engine's kernels (engine/mcn_kernels.h, libmcn.a)
** into firmware that runs the model without the interpreter.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fileio.h"
#include "gen.h"
#include "graph_io.h"
#include "pack.h"
#include "tool_cli.h"

static const char usage[] =
    "usage: mcn-gen MODEL -o DIR [--name NAME] [--target CORE]\n"
    "  writes DIR/NAME.c and DIR/NAME.h (NAME: net); a model that is not\n"
    "  packed yet is packed first, for CORE (default cortex-m4)";

int main(int argc, char **argv)
{
    tool_cli_standard(argc, argv, "mcn-gen", usage);
    const char *in = NULL, *dir = NULL, *name = "net";
    mcn_target target = PACK_DEFAULT_TARGET;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
            dir = argv[++i];
        else if (strcmp(argv[i], "--name") == 0 && i + 1 < argc)
            name = argv[++i];
        else if (strcmp(argv[i], "--target") == 0 && i + 1 < argc) {
            if (pack_target_parse(argv[++i], &target))
                return tool_usage("mcn-gen", "unknown target '%s'", argv[i]);
        } else if (!in && (argv[i][0] != '-' || strcmp(argv[i], "-") == 0))
            in = argv[i];
        else {
            static const char *const valued[] = {"-o", "--name", "--target",
                                                 NULL};
            return tool_bad_arg("mcn-gen", argv[i], valued);
        }
    }
    if (!in || !dir)
        return tool_usage("mcn-gen", "MODEL and -o DIR are needed");
    if (!pack_c_identifier(name, GEN_NAME_MAX))
        return tool_usage("mcn-gen", "--name '%s' is not a C identifier of "
                          "at most %d characters", name, GEN_NAME_MAX);
    const char *shown = strcmp(in, "-") == 0 ? "<stdin>" : in;
    mcn_err e = {0};
    uint8_t *buf = NULL, *packed = NULL;
    size_t len = 0;
    graph g;
    graph_init(&g);
    gen_out out = {0};
    int rc;
    if (file_read_all(in, &buf, &len, &e) ||
        graph_from_mcn(&g, buf, len, &e)) {
        rc = tool_fail(shown, &e);
        goto done;
    }
    const uint8_t *model = buf;
    if (g.arena_bytes == 0) {
        pack_opts po = {.keep_names = false, .target = target};
        if (pack_to_mcn(&g, &po, &packed, &len, &e)) {
            rc = tool_fail(shown, &e);
            goto done;
        }
        model = packed;
    }
    if (gen_model(model, len, name, &out, &e)) {
        rc = tool_fail(shown, &e);
        goto done;
    }
    struct stat st;
    if (mkdir(dir, 0777) != 0 &&
        (errno != EEXIST || (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode)))) {
        fprintf(stderr, "%s: cannot create directory: %s\n", dir,
                strerror(errno == EEXIST ? ENOTDIR : errno));
        rc = MCN_EX_CANTCREAT;
        goto done;
    }
    char h[4096], c[4096];
    snprintf(h, sizeof h, "%s/%s.h", dir, name);
    snprintf(c, sizeof c, "%s/%s.c", dir, name);
    if (file_write_atomic(h, out.h_src, strlen(out.h_src), &e)) {
        rc = tool_fail(h, &e);
        goto done;
    }
    /* The pair or nothing: a header without its source is no output. */
    if (file_write_atomic(c, out.c_src, strlen(out.c_src), &e)) {
        remove(h);
        rc = tool_fail(c, &e);
        goto done;
    }
    rc = 0;
done:
    gen_out_free(&out);
    graph_free(&g);
    free(buf);
    free(packed);
    return rc;
}
