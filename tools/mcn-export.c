/*
** mcn-export: an mcn model out as ONNX (onnx_export.h), opset 13, so a
** network mcn-nas pruned can be fine-tuned in PyTorch or run in ONNX
** Runtime, and then come back through mcn-import; an int8 model goes out
** as QDQ ONNX. The inputs and outputs keep the names, shapes and layout
** of the model it was imported from.
**
**     mcn-nas apply net.mcn --width 0.5 | mcn-export - -o pruned.onnx
**     mcn-quantize --calib c.npy net.mcn | mcn-export - -o net_int8.onnx
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "graph_io.h"
#include "onnx_export.h"
#include "tool_args.h"
#include "tool_cli.h"

static const char help[] =
    "usage: mcn-export MODEL.mcn|- [-o OUT.onnx]\n"
    "\n"
    "Write an mcn model as an ONNX model, opset 13: 4-D activations\n"
    "NCHW, weights as initializers, fused activations as their own nodes.\n"
    "The inputs and outputs keep the source's names, shapes and layout.\n"
    "An int8 model (mcn-quantize's, or an imported int8 one) is written\n"
    "as QDQ: float input and output, int8 activations, each op between\n"
    "DequantizeLinear and QuantizeLinear, int8 weights and int32 biases\n"
    "through DequantizeLinear. A packed model (mcn-pack's) is refused:\n"
    "export the model before mcn-pack.\n"
    "\n"
    "  -o FILE     output model (default: stdout, which must not be a\n"
    "              terminal)\n"
    "  -h, --help  this text\n"
    "\n"
    "MODEL '-' reads stdin. On any error nothing is written.\n";

static int export_file(const char *in, const char *out)
{
    graph g;
    mcn_err e;
    uint8_t *buf = NULL;
    size_t len = 0;
    graph_init(&g);
    int rc = 0;
    if (graph_load_file(&g, in, &e) || onnx_export(&g, &buf, &len, &e)) {
        rc = tool_fail(strcmp(in, "-") ? in : "<stdin>", &e);
    } else if (file_write_atomic(out, buf, len, &e)) {
        rc = tool_fail(out && strcmp(out, "-") ? out : "<stdout>", &e);
    }
    free(buf);
    graph_free(&g);
    return rc;
}

int main(int argc, char **argv)
{
    const tool_args t = {"mcn-export", help, TOOL_EX_USAGE, NULL, NULL};
    const char *in, *out;
    int rc = tool_args_parse(&t, argc, argv, &in, &out);
    return rc >= 0 ? rc : export_file(in, out);
}
