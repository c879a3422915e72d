/*
** mcn-import: an ONNX or TFLite model in, an mcn graph out (onnx_import.h,
** tflite_import.h): NHWC activations, weights in the kernels' layouts,
** BatchNorm and activations folded; an int8 .tflite keeps its own scales.
** The format is told by the file's content, not its name, so stdin works.
** Writes stdout by default so it starts a pipe:
**
**     mcn-import net.onnx | mcn-quantize --calib c.npy | mcn-pack -o net.mcn
*/
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"
#include "graph_io.h"
#include "onnx_import.h"
#include "tflite_import.h"

static const char help[] =
    "usage: mcn-import MODEL.onnx|MODEL.tflite|- [-o OUT.mcn] [--verbose]\n"
    "\n"
    "Translate an ONNX model (opsets 7 to 17; int8 when it is quantized\n"
    "with Q/DQ or QLinear ops) or a TFLite model (float or int8) into a\n"
    "float or int8 mcn graph.\n"
    "Activations become NHWC; an ONNX model's inputs and outputs keep NCHW,\n"
    "so the other tools take and give samples in the source layout.\n"
    "\n"
    "  -o FILE       output model (default: stdout, which must not be a\n"
    "                terminal)\n"
    "  -v, --verbose say on stderr what was folded, fused, collapsed or\n"
    "                removed\n"
    "  -h, --help    this text\n"
    "\n"
    "MODEL '-' reads stdin. On any error nothing is written.\n";

static int usage_error(const char *what, const char *arg)
{
    fprintf(stderr, "mcn-import: %s%s%s%s (see mcn-import --help)\n", what,
            arg ? " '" : "", arg ? arg : "", arg ? "'" : "");
    return 1;
}

/* A FlatBuffer with TFLite's identifier; anything else is taken as ONNX
   (protobuf has no magic of its own). */
static bool is_tflite(const uint8_t *buf, size_t len)
{
    return len >= 8 && memcmp(buf + 4, "TFL3", 4) == 0;
}

static int import(const char *in, const char *out, bool verbose)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    graph g;
    mcn_err e;
    const char *where = strcmp(in, "-") ? in : "<stdin>";
    graph_init(&g);
    int rc = file_read_all(in, &buf, &len, &e);
    if (!rc && is_tflite(buf, len)) {
        tflite_import_opts o = {verbose ? stderr : NULL};
        rc = tflite_import(buf, len, &o, &g, &e);
    } else if (!rc) {
        onnx_import_opts o = {verbose ? stderr : NULL};
        rc = onnx_import(buf, len, &o, &g, &e);
    }
    if (!rc) {
        where = out && strcmp(out, "-") ? out : "<stdout>";
        rc = graph_save_file(&g, out ? out : "-", &e);
    }
    if (rc)
        fprintf(stderr, "%s: %s\n", where, e.msg);
    free(buf);
    graph_free(&g);
    return rc ? 1 : 0;
}

int main(int argc, char **argv)
{
    const char *in = NULL, *out = NULL;
    bool verbose = false;
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        if (!strcmp(s, "-h") || !strcmp(s, "--help")) {
            fputs(help, stdout);
            return 0;
        } else if (!strcmp(s, "-v") || !strcmp(s, "--verbose")) {
            verbose = true;
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
    return import(in, out, verbose);
}
