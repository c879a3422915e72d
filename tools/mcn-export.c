/*
** mcn-export: a float mcn model out as ONNX (onnx_export.h), opset 13, so
** a network mcn-nas pruned can be fine-tuned in PyTorch or run in ONNX
** Runtime, and then come back through mcn-import. The inputs and outputs
** keep the names, shapes and layout of the model it was imported from.
**
**     mcn-nas apply net.mcn --width 0.5 | mcn-export - -o pruned.onnx
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"
#include "graph_io.h"
#include "onnx_export.h"

static const char help[] =
    "usage: mcn-export MODEL.mcn|- [-o OUT.onnx]\n"
    "\n"
    "Write a float mcn model (mcn-import's or mcn-nas's, before\n"
    "mcn-quantize) as an ONNX model, opset 13: 4-D activations NCHW,\n"
    "weights as initializers, fused activations as their own nodes.\n"
    "The inputs and outputs keep the source's names, shapes and layout.\n"
    "An int8 or packed model is refused.\n"
    "\n"
    "  -o FILE     output model (default: stdout, which must not be a\n"
    "              terminal)\n"
    "  -h, --help  this text\n"
    "\n"
    "MODEL '-' reads stdin. On any error nothing is written.\n"
    "Exit status: 64 usage, 65 a model it cannot export, 73 cannot write.\n";

static int usage_error(const char *what, const char *arg)
{
    fprintf(stderr, "mcn-export: %s%s%s%s (see mcn-export --help)\n", what,
            arg ? " '" : "", arg ? arg : "", arg ? "'" : "");
    return 64;
}

static int export_file(const char *in, const char *out)
{
    graph g;
    mcn_err e;
    uint8_t *buf = NULL;
    size_t len = 0;
    graph_init(&g);
    int rc = 0;
    if (graph_load_file(&g, in, &e) || onnx_export(&g, &buf, &len, &e)) {
        fprintf(stderr, "%s: %s\n", strcmp(in, "-") ? in : "<stdin>", e.msg);
        rc = 65;
    } else if (file_write_atomic(out, buf, len, &e)) {
        fprintf(stderr, "%s: %s\n", out && strcmp(out, "-") ? out
                                                            : "<stdout>",
                e.msg);
        rc = 73;
    }
    free(buf);
    graph_free(&g);
    return rc;
}

int main(int argc, char **argv)
{
    const char *in = NULL, *out = NULL;
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        if (!strcmp(s, "-h") || !strcmp(s, "--help")) {
            fputs(help, stdout);
            return 0;
        } else if (!strcmp(s, "-o")) {
            if (i + 1 >= argc)
                return usage_error("missing a file name after", s);
            out = argv[++i];
        } else if (s[0] == '-' && s[1]) {
            return usage_error("unknown option", s);
        } else if (in) {
            return usage_error("more than one input model:", s);
        } else {
            in = s;
        }
    }
    if (!in)
        return usage_error("no model given", NULL);
    if ((!out || !strcmp(out, "-")) && isatty(STDOUT_FILENO))
        return usage_error("will not write a binary model to a terminal; "
                           "use -o FILE or a pipe", NULL);
    return export_file(in, out);
}
