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

#include "fileio.h"
#include "graph_io.h"
#include "onnx_import.h"
#include "tflite_import.h"
#include "tool_args.h"
#include "tool_cli.h"

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
    /* A graph the model made that cannot be written (a limit of
       graph_check_limits) is the model's fault, not the output's. */
    uint8_t *mcn = NULL;
    size_t mcn_len = 0;
    if (!rc)
        rc = graph_to_mcn(&g, &mcn, &mcn_len, &e);
    if (!rc) {
        where = out && strcmp(out, "-") ? out : "<stdout>";
        rc = file_write_atomic(out, mcn, mcn_len, &e);
    }
    if (rc)
        rc = tool_fail(where, &e);
    free(mcn);
    free(buf);
    graph_free(&g);
    return rc;
}

static int verbose_flag(const char *s, void *user)
{
    if (strcmp(s, "-v") && strcmp(s, "--verbose"))
        return 0;
    *(bool *)user = true;
    return 1;
}

int main(int argc, char **argv)
{
    bool verbose = false;
    const tool_args t = {"mcn-import", help, TOOL_EX_USAGE, verbose_flag,
                         &verbose};
    const char *in, *out;
    int rc = tool_args_parse(&t, argc, argv, &in, &out);
    return rc >= 0 ? rc : import(in, out, verbose);
}
