/* test_bad_inputs.c: every tool against each class of bad input, each
   case the exact status and line it gets (test_bad_inputs_util.h), and
   docs/bad-inputs.md, the table of these cases and test_resource_bombs.c's,
   kept in step with them. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npy.h"
#include "test_bad_inputs_util.h"
#include "test_onnx_build.h"
#include "testutil.h"

static char *dir;

static void save_onnx(ob *b, const char *name)
{
    size_t n;
    uint8_t *p = ob_pack(b, &n);
    bad_save(dir, name, p, n);
    free(p);
    ob_free(b);
}

/* x [1,4] -> OP -> y, for the nodes the importer refuses. */
static ob *onnx_one(int opset, const char *op, const char *inputs)
{
    ob *b = ob_new(opset);
    ob_input(b, "x", 2, OB_DIMS(1, 4));
    ob_node(b, op, "n1", inputs, "y");
    ob_output(b, "y", -1, NULL);
    return b;
}

static void onnx_files(void)
{
    save_onnx(onnx_one(13, "Einsum", "x"), "einsum.onnx");
    save_onnx(onnx_one(99, "Relu", "x"), "opset99.onnx");
    ob *b = ob_new(13);
    ob_input_typed(b, "x", ONNX__TENSOR_PROTO__DATA_TYPE__INT16, 2,
                   OB_DIMS(1, 4));
    ob_node(b, "Relu", "n1", "x", "y");
    ob_output(b, "y", -1, NULL);
    save_onnx(b, "int16.onnx");
    b = onnx_one(13, "Add", "x,W");
    ob_init_f(b, "W", 1, OB_DIMS(4), (const float[]){1, 2, 3, 4});
    Onnx__TensorProto *w = ob_model(b)->graph->initializer[0];
    w->has_data_location = 1;
    w->data_location = ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL;
    save_onnx(b, "external.onnx");
    b = onnx_one(13, "Relu", "x");
    ob_output(b, "z", -1, NULL);
    save_onnx(b, "noout.onnx");
    b = onnx_one(13, "Softmax", "x");
    ob_attr_f(b, ob_model(b)->graph->node[0], "axis", 1.5f);
    save_onnx(b, "attr.onnx");
    b = onnx_one(13, "Add", "x,W");
    ob_init_f(b, "W", 2, OB_DIMS(1, 3), (const float[]){1, 2, 3});
    save_onnx(b, "bcast.onnx");
}

static void tflite_files(void)
{
    static const char *const models[][2] = {
        {"lsh.tflite", "LSH_PROJECTION"}, {"v2.tflite", "ADD"},
        {"i16.tflite", "RELU"},
    };
    for (int i = 0; i < 3; i++) {
        char json[1024];
        snprintf(json, sizeof json,
                 "{version: %d, operator_codes: [{builtin_code: %s}],\n"
                 "subgraphs: [{tensors: [{shape: [1, 4], name: \"x\"%s},"
                 " {shape: [1, 4], name: \"y\"%s}], inputs: [0],"
                 " outputs: [1], operators: [{opcode_index: 0,"
                 " inputs: [0], outputs: [1]}]}], buffers: [{}]}\n",
                 i == 1 ? 2 : 3, models[i][1], i == 2 ? ", type: INT16" : "",
                 i == 2 ? ", type: INT16" : "");
        bad_tflite(dir, models[i][0], json);
    }
}

static void npy_files(void)
{
    static float x[28 * 28];
    for (int i = 0; i < 28 * 28; i++)
        x[i] = i == 100 ? NAN : 0.5f;
    npy_array a = {NPY_F32, 4, {1, 1, 28, 28}, x, sizeof x};
    char path[1024];
    mcn_err e;
    snprintf(path, sizeof path, "%s/nan.npy", dir);
    ck_assert_msg(npy_save(path, &a, &e) == 0, "%s", e.msg);
    /* The header of another dtype over the same bytes. */
    size_t n;
    uint8_t *b = tu_read_file(path, &n);
    ck_assert_ptr_nonnull(b);
    char *d = n > 10 ? strstr((char *)b + 10, "<f4") : NULL;  /* after
                                                  the magic and length */
    ck_assert_ptr_nonnull(d);
    memcpy(d, "<c8", 3);
    bad_save(dir, "c8.npy", b, n);
    free(b);
}

static void fixtures(void)
{
    dir = tu_mkdtemp();
    ck_assert_ptr_nonnull(dir);
    bad_mnist_models(dir);
    char cmd[2048], *err = NULL;
    snprintf(cmd, sizeof cmd, "cd '%s' && : > empty && "
             "echo 'not a model' > notes.txt && "
             "mkdir adir emptydir calibdir && cp notes.txt calibdir/ && "
             "head -c 1000 net.onnx > trunc.onnx && "
             "head -c 1000 q.mcn > trunc.mcn && "
             "head -c 100 x.npy > trunc.npy && "
             "cp q.mcn magic.mcn && printf XXXX | "
             "dd of=magic.mcn bs=1 seek=4 conv=notrunc 2>/dev/null && "
             "cp '%s/examples/mnist/first4_y.npy' y.npy && "
             "cp '%s/examples/mnist/test_y.npy' labels1000.npy && "
             "head -c 3000 '%s/models/mlperf-tiny/kws_ref_model.tflite' "
             "> trunc.tflite && head -c 784 /dev/zero > raw.bin", dir,
             MCN_SRC_DIR, MCN_SRC_DIR, MCN_SHARED_DIR);
    ck_assert_msg(tu_run(cmd, NULL, &err) == 0, "%s", err);
    free(err);
    onnx_files();
    tflite_files();
    npy_files();
}

static void fixtures_done(void)
{
    tu_rmdir(dir);
    dir = NULL;
}

#define IMP "mcn-import (ONNX)"
#define TFL "mcn-import (TFLite)"
#define RO "touch ro.mcn && chmod 444 ro.mcn"

const bad_case bad_cases[] = {
    {IMP, "empty file", "mcn-import empty -o out/net.mcn", 65,
     "empty: not an ONNX model (the file is empty)", NULL},
    {IMP, "not a model", "mcn-import notes.txt -o out/net.mcn", 65,
     "notes.txt: not an ONNX model (protobuf parse failed)", NULL},
    {IMP, "truncated file", "mcn-import trunc.onnx -o out/net.mcn", 65,
     "trunc.onnx: not an ONNX model (protobuf parse failed)", NULL},
    {IMP, "missing input file", "mcn-import missing.onnx -o out/net.mcn", 66,
     "missing.onnx: cannot open: No such file or directory", NULL},
    {IMP, "input is a directory", "mcn-import adir -o out/net.mcn", 66,
     "adir: cannot read: Is a directory", NULL},
    {IMP, "unsupported op", "mcn-import einsum.onnx -o out/net.mcn", 65,
     "einsum.onnx: node 'n1' (Einsum, opset 13): unsupported operator", NULL},
    {IMP, "unsupported opset", "mcn-import opset99.onnx -o out/net.mcn", 65,
     "opset99.onnx: opset 99 is not supported (only 1 to 17 are)", NULL},
    {IMP, "unsupported input type", "mcn-import int16.onnx -o out/net.mcn", 65,
     "int16.onnx: input 'x' has data type int16; only float32, uint8 and "
     "int8 inputs are supported", NULL},
    {IMP, "external data", "mcn-import external.onnx -o out/net.mcn", 65,
     "external.onnx: initializer 'W': external data is not supported", NULL},
    {IMP, "output no node makes", "mcn-import noout.onnx -o out/net.mcn", 65,
     "noout.onnx: output 'z' is not produced by any node", NULL},
    {IMP, "attribute of the wrong type", "mcn-import attr.onnx -o out/net.mcn",
     65,
     "attr.onnx: node 'n1' (Softmax, opset 13): attribute 'axis' should be "
     "an int", NULL},
    {IMP, "shapes that do not broadcast",
     "mcn-import bcast.onnx -o out/net.mcn", 65,
     "bcast.onnx: node 'n1' (Add, opset 13): shapes [1,4] and [1,3] do not "
     "broadcast", NULL},
    {IMP, "output directory missing", "mcn-import net.onnx -o nodir/net.mcn",
     73, "nodir/net.mcn: cannot create a file beside it: No such file or "
     "directory", NULL},
    {IMP, "output is a directory", "mcn-import net.onnx -o out", 73,
     "out: cannot write: it is a directory", NULL},
    {IMP, "output is read-only", "mcn-import net.onnx -o out/ro.mcn", 73,
     "out/ro.mcn: cannot write: the file is read-only", RO},
    {IMP, "output is a dangling symlink",
     "mcn-import net.onnx -o out/link.mcn", 73,
     "out/link.mcn: cannot write: a symlink to nothing (No such file or "
     "directory)", "ln -s ../nodir/x.mcn link.mcn"},
    {IMP, "output to /dev/full", "mcn-import net.onnx -o /dev/full", 74,
     "/dev/full: cannot write: No space left on device", NULL},
    {IMP, "stdout to /dev/full", "mcn-import net.onnx > /dev/full", 74,
     "<stdout>: cannot write: No space left on device", NULL},
    {IMP, "missing value", "mcn-import net.onnx -o", 64,
     "mcn-import: missing a file name after '-o' (see mcn-import --help)",
     NULL},
    {TFL, "truncated file", "mcn-import trunc.tflite -o out/net.mcn", 65,
     "trunc.tflite: not a TFLite model (bad model table)", NULL},
    {TFL, "unsupported op", "mcn-import lsh.tflite -o out/net.mcn", 65,
     "lsh.tflite: operator 0 (LSH_PROJECTION): unsupported operator", NULL},
    {TFL, "unsupported schema version", "mcn-import v2.tflite -o out/net.mcn",
     65, "v2.tflite: not a TFLite model (schema version 2, expected 3)", NULL},
    {TFL, "unsupported input type", "mcn-import i16.tflite -o out/net.mcn", 65,
     "i16.tflite: model input 'x' has type INT16 (only FLOAT32, INT8 and "
     "INT32 are supported)", NULL},
    {"mcn-quantize", "truncated model",
     "mcn-quantize --calib x.npy trunc.mcn -o out/q.mcn", 65,
     "trunc.mcn: truncated or corrupt (buffer 0: out of bounds)", NULL},
    {"mcn-quantize", "already quantized model",
     "mcn-quantize --calib x.npy q.mcn -o out/q.mcn", 65,
     "q.mcn: the model is already quantized (tensor 'input' is int8 with a "
     "scale); mcn-quantize takes a float model", NULL},
    {"mcn-quantize", "missing calibration data",
     "mcn-quantize f.mcn -o out/q.mcn", 64,
     "mcn-quantize: --calib CALIB is required (see mcn-quantize --help)",
     NULL},
    {"mcn-quantize", "not a calibration file",
     "mcn-quantize --calib notes.txt f.mcn -o out/q.mcn", 65,
     "notes.txt: not a calibration file; accepted are .npy .npz .png .pgm "
     ".ppm .pnm, and .raw .bin with --calib-shape", NULL},
    {"mcn-quantize", "empty calibration directory",
     "mcn-quantize --calib emptydir f.mcn -o out/q.mcn", 65,
     "emptydir: no calibration files in the directory (accepted are .npy "
     ".npz .png .pgm .ppm .pnm, and .raw .bin with --calib-shape)", NULL},
    {"mcn-quantize", "stray file in the calibration directory",
     "mcn-quantize --calib calibdir f.mcn -o out/q.mcn", 65,
     "calibdir/notes.txt: not a calibration file; a directory may hold .npy "
     ".npz .png .pgm .ppm .pnm, and .raw .bin with --calib-shape", NULL},
    {"mcn-quantize", "calibration array of the wrong shape",
     "mcn-quantize --calib y.npy f.mcn -o out/q.mcn", 65,
     "y.npy: array of shape (4) does not fit input of shape (1,1,28,28) "
     "(expected it, or N samples of it)", NULL},
    {"mcn-quantize", "NaN calibration data",
     "mcn-quantize --calib nan.npy f.mcn -o out/q.mcn", 65,
     "nan.npy: sample 0 has NaN at element 100", NULL},
    {"mcn-quantize", "unsupported .npy dtype",
     "mcn-quantize --calib c8.npy f.mcn -o out/q.mcn", 65,
     "c8.npy: unsupported .npy dtype '<c8'", NULL},
    {"mcn-quantize", "raw data without its shape",
     "mcn-quantize --calib raw.bin f.mcn -o out/q.mcn", 65,
     "raw.bin: raw data needs --calib-shape", NULL},
    {"mcn-quantize", "malformed --layer",
     "mcn-quantize --calib x.npy f.mcn --layer conv -o out/q.mcn", 64,
     "mcn-quantize: --layer conv: expected NAME=METHOD or NAME=LO,HI (see "
     "mcn-quantize --help)", NULL},
    {"mcn-quantize", "output directory missing",
     "mcn-quantize --calib x.npy f.mcn -o nodir/q.mcn", 73,
     "nodir/q.mcn: cannot create a file beside it: No such file or directory",
     NULL},
    {"mcn-quantize", "output to /dev/full",
     "mcn-quantize --calib x.npy f.mcn -o /dev/full", 74,
     "/dev/full: cannot write: No space left on device", NULL},
    {"mcn-quantize", "report directory missing",
     "mcn-quantize --calib x.npy f.mcn --report nodir/r.json -o out/q.mcn", 73,
     "nodir/r.json: cannot create a file beside it: No such file or directory",
     NULL},
    {"mcn-quantize", "batch output directory missing",
     "mcn-quantize --calib x.npy f.mcn q.mcn --out-dir nodir", 73,
     "nodir: not a directory (--out-dir)", NULL},
    {"mcn-quantize", "missing value", "mcn-quantize f.mcn --calib", 64,
     "mcn-quantize: missing a value after '--calib' (see mcn-quantize --help)",
     NULL},
    {"mcn-pack", "truncated model", "mcn-pack trunc.mcn -o out/p.mcn", 65,
     "trunc.mcn: truncated or corrupt (buffer 0: out of bounds)", NULL},
    {"mcn-pack", "wrong magic / not a model",
     "mcn-pack magic.mcn -o out/p.mcn", 65,
     "magic.mcn: not an mcn model (bad file identifier)", NULL},
    {"mcn-pack", "float model", "mcn-pack f.mcn -o out/p.mcn", 65,
     "f.mcn: graph input 0 'input' is float32; mcn-pack needs a quantized "
     "graph (run mcn-quantize)", NULL},
    {"mcn-pack", "unknown target",
     "mcn-pack q.mcn --target cortex-a53 -o out/p.mcn", 64,
     "mcn-pack: unknown target 'cortex-a53' (see mcn-pack --help)", NULL},
    {"mcn-pack", "missing value", "mcn-pack q.mcn -o out/p.mcn --target", 64,
     "mcn-pack: missing a value after '--target' (see mcn-pack --help)", NULL},
    {"mcn-pack", "C array name not an identifier",
     "mcn-pack q.mcn --c-array 9lives -o out/p.c", 64,
     "mcn-pack: --c-array '9lives' is not a C identifier of at most 100 "
     "characters (see mcn-pack --help)", NULL},
    {"mcn-pack", "output to /dev/full", "mcn-pack q.mcn -o /dev/full", 74,
     "/dev/full: cannot write: No space left on device", NULL},
    {"mcn-run", "truncated model", "mcn-run trunc.mcn x.npy -o out/y.npy", 65,
     "trunc.mcn: truncated or corrupt (buffer 0: out of bounds)", NULL},
    {"mcn-run", "missing input file", "mcn-run q.mcn missing.npy -o out/y.npy",
     66, "missing.npy: cannot open: No such file or directory", NULL},
    {"mcn-run", "truncated .npy", "mcn-run q.mcn trunc.npy -o out/y.npy", 65,
     "trunc.npy: truncated .npy header", NULL},
    {"mcn-run", "not a .npy", "mcn-run q.mcn notes.txt -o out/y.npy", 65,
     "notes.txt: not a .npy file (bad magic)", NULL},
    {"mcn-run", "input of the wrong shape", "mcn-run q.mcn y.npy -o out/y.npy",
     65, "y.npy: array of shape (4) does not fit input of shape (1,1,28,28) "
     "(expected it, or N samples of it)", NULL},
    {"mcn-run", "NaN input to an int8 model",
     "mcn-run q.mcn nan.npy -o out/y.npy", 65,
     "nan.npy: sample 0 has NaN at element 100", NULL},
    {"mcn-run", "labels for other samples",
     "mcn-run q.mcn x.npy --labels labels1000.npy -o out/y.npy", 65,
     "labels1000.npy: 1000 labels for 4 samples", NULL},
    {"mcn-run", "reference model missing",
     "mcn-run q.mcn x.npy --compare missing.mcn -o out/y.npy", 66,
     "missing.mcn: cannot open: No such file or directory", NULL},
    {"mcn-run", "output to /dev/full", "mcn-run q.mcn x.npy -o /dev/full", 74,
     "/dev/full: cannot write: No space left on device", NULL},
    {"mcn-run", "missing value", "mcn-run q.mcn x.npy -o", 64,
     "mcn-run: missing a value after '-o' (see mcn-run --help)", NULL},
    {"mcn-run", "no input given", "mcn-run q.mcn", 64,
     "mcn-run: expected MODEL and INPUT.npy (see mcn-run --help)", NULL},
    {"mcn-info", "empty file", "mcn-info empty", 65,
     "empty: truncated (0 bytes, shorter than any model)", NULL},
    {"mcn-info", "truncated model", "mcn-info trunc.mcn", 65,
     "trunc.mcn: truncated or corrupt (buffer 0: out of bounds)", NULL},
    {"mcn-info", "wrong magic / not a model", "mcn-info magic.mcn", 65,
     "magic.mcn: not an mcn model (bad file identifier)", NULL},
    {"mcn-info", "picture's directory missing",
     "mcn-info q.mcn --memory nodir/m.svg > /dev/null", 73,
     "nodir/m.svg: cannot create a file beside it: No such file or directory",
     NULL},
    {"mcn-info", "picture to /dev/full",
     "mcn-info q.mcn --memory /dev/full > /dev/null", 74,
     "/dev/full: cannot write: No space left on device", NULL},
    {"mcn-info", "stdout to /dev/full", "mcn-info q.mcn > /dev/full", 74,
     "<stdout>: cannot write: No space left on device", NULL},
    {"mcn-info", "missing value", "mcn-info q.mcn --memory", 64,
     "mcn-info: missing a value after '--memory' (see mcn-info --help)", NULL},
    {"mcn-export", "truncated model", "mcn-export trunc.mcn -o out/net.onnx",
     65, "trunc.mcn: truncated or corrupt (buffer 0: out of bounds)", NULL},
    {"mcn-export", "packed model", "mcn-export p.mcn -o out/net.onnx", 65,
     "p.mcn: the model is packed (mcn-pack's output); export the model "
     "before mcn-pack", NULL},
    {"mcn-export", "output directory missing",
     "mcn-export f.mcn -o nodir/net.onnx", 73,
     "nodir/net.onnx: cannot create a file beside it: No such file or "
     "directory", NULL},
    {"mcn-export", "output to /dev/full", "mcn-export f.mcn -o /dev/full", 74,
     "/dev/full: cannot write: No space left on device", NULL},
    {"mcn-gen", "truncated model", "mcn-gen trunc.mcn -o out/gen", 65,
     "trunc.mcn: truncated or corrupt (buffer 0: out of bounds)", NULL},
    {"mcn-gen", "float model", "mcn-gen f.mcn -o out/gen", 65,
     "f.mcn: graph input 0 'input' is float32; mcn-pack needs a quantized "
     "graph (run mcn-quantize)", NULL},
    {"mcn-gen", "output directory's parent missing",
     "mcn-gen p.mcn -o nodir/gen", 73,
     "nodir/gen: cannot create directory: No such file or directory", NULL},
    {"mcn-gen", "output directory is a file", "mcn-gen p.mcn -o out/gen", 73,
     "out/gen: cannot create directory: Not a directory", "touch gen"},
    {"mcn-gen", "second file cannot be written", "mcn-gen p.mcn -o out/gen",
     73, "out/gen/net.c: cannot write: it is a directory",
     "mkdir -p gen/net.c"},
    {"mcn-gen", "missing value", "mcn-gen p.mcn -o", 64,
     "mcn-gen: missing a value after '-o' (see mcn-gen --help)", NULL},
    {"mcn-nas", "truncated model",
     "mcn-nas apply trunc.mcn --width 0.5 -o out/n.mcn", 65,
     "trunc.mcn: truncated or corrupt (buffer 0: out of bounds)", NULL},
    {"mcn-nas", "int8 model", "mcn-nas apply q.mcn --width 0.5 -o out/n.mcn",
     65, "q.mcn: tensor 'input' is int8: mcn-nas scales a float model (before "
     "mcn-quantize)", NULL},
    {"mcn-nas", "more blocks than a stage has",
     "mcn-nas apply f.mcn --width 0.5 --depth 1,2 -o out/n.mcn", 65,
     "f.mcn: --depth: stage 2 has 1 blocks, not 2", NULL},
    {"mcn-nas", "calibration array of the wrong shape",
     "mcn-nas apply f.mcn --width 0.5 --calib y.npy -o out/n.mcn", 65,
     "y.npy: array of shape (4) does not fit input of shape (1,1,28,28) "
     "(expected it, or N samples of it)", NULL},
    {"mcn-nas", "output to /dev/full",
     "mcn-nas apply f.mcn --width 0.5 -o /dev/full", 74,
     "/dev/full: cannot write: No space left on device", NULL},
    {"mcn-nas", "unknown board", "mcn-nas space f.mcn --board nucleo", 64,
     "mcn-nas: unknown board 'nucleo' (boards: stm32f412, stm32f746, "
     "stm32h743, stm32l4r5, nrf52840, rp2040, samd21, mps2-an385, "
     "mps2-an386, mps2-an500, mps3-an547) (see mcn-nas space --help)", NULL},
    {"mcn-nas", "linker script to /dev/full",
     "mcn-nas ld --board stm32f746 -o /dev/full", 74,
     "/dev/full: cannot write: No space left on device", NULL},
    {"mcn-nas", "truncated model to search",
     "mcn-nas search trunc.mcn -o out/s.mcn --board stm32f746 --width 0.5", 65,
     "trunc.mcn: truncated or corrupt (buffer 0: out of bounds)", NULL},
    {"mcn-nas", "missing value", "mcn-nas apply f.mcn --width", 64,
     "mcn-nas: unexpected argument '--width' or a missing value after it "
     "(see mcn-nas --help)", NULL},
    {"mcn-sim", "truncated model", "mcn-sim trunc.mcn x.npy -o out/y.npy", 65,
     "trunc.mcn: truncated or corrupt (buffer 0: out of bounds)", NULL},
    {"mcn-sim", "float model", "mcn-sim f.mcn x.npy -o out/y.npy", 65,
     "f.mcn: graph input 0 'input' is float32; mcn-pack needs a quantized "
     "graph (run mcn-quantize)", NULL},
    {"mcn-sim", "missing input file", "mcn-sim q.mcn missing.npy -o out/y.npy",
     66, "missing.npy: cannot open: No such file or directory", NULL},
    {"mcn-sim", "input of the wrong shape", "mcn-sim q.mcn y.npy -o out/y.npy",
     65, "y.npy: array of shape (4) does not fit input of shape (1,1,28,28) "
     "(expected it, or N samples of it)", NULL},
    {"mcn-sim", "unknown board", "mcn-sim q.mcn x.npy --board mps2-an999", 64,
     "mcn-sim: unknown board 'mps2-an999' (one of mps2-an385, mps2-an386, "
     "mps2-an500, mps3-an547) (see mcn-sim --help)", NULL},
    {"mcn-sim", "missing value", "mcn-sim q.mcn x.npy -o", 64,
     "mcn-sim: missing a value after '-o' (see mcn-sim --help)", NULL},
};
const int n_bad_cases = (int)(sizeof bad_cases / sizeof bad_cases[0]);

START_TEST(bad_input)
{
    bad_case_check(dir, &bad_cases[_i]);
}
END_TEST

START_TEST(doc_is_the_table)
{
    char *doc = bad_render_doc();
    int rows = 0;
    for (const char *p = strstr(doc, "|---|"); p && (p = strchr(p, '\n'));)
        rows += *++p == '|';
    ck_assert_int_eq(rows, n_bad_cases + n_bomb_cases);
    const char *path = TU_SRC("docs/bad-inputs.md");
    if (getenv("MCN_WRITE_DOCS")) {
        ck_assert_int_eq(tu_write_file(path, doc, strlen(doc)), 0);
    } else {
        char *have = (char *)tu_read_file(path, NULL);
        ck_assert_msg(have && !strcmp(have, doc), "docs/bad-inputs.md is "
                      "out of date: MCN_WRITE_DOCS=1 CK_RUN_SUITE=bad_inputs "
                      "build/tests/mcn_tests writes it");
        free(have);
    }
    free(doc);
}
END_TEST

Suite *suite_bad_inputs(void)
{
    Suite *s = suite_create("bad_inputs");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_unchecked_fixture(tc, fixtures, fixtures_done);
    tcase_add_loop_test(tc, bad_input, 0, n_bad_cases);
    tcase_add_test(tc, doc_is_the_table);
    suite_add_tcase(s, tc);
    return s;
}
