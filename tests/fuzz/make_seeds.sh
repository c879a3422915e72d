#!/bin/sh
# Regenerate the fuzz targets' seed corpora in tests/fuzz/seeds/ from the
# test fixtures (committed; run from anywhere after `make`).
#   onnx/    the MNIST example's model
#   tflite/  tests/data/tflite/float_edges.json through flatc
#   engine/  the MNIST example packed, and tests/data/format/tiny_fc.json
#   arrays/  fuzz_arrays.c's selector byte, then a .npy, .npz, PNG, PGM
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=$root/build/bin
out=$root/tests/fuzz/seeds
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir -p "$out/onnx" "$out/tflite" "$out/engine" "$out/arrays"
cp "$root/examples/mnist/mnist_cnn.onnx" "$out/onnx/mnist_cnn.onnx"
flatc -b -o "$T" "$root/schemas/tflite.fbs" "$root/tests/data/tflite/float_edges.json"
cp "$T/float_edges.tflite" "$out/tflite/float_edges.tflite"
flatc -b -o "$T" "$root/schemas/mcn.fbs" "$root/tests/data/format/tiny_fc.json"
cp "$T"/tiny_fc.* "$out/engine/tiny_fc.mcn"
"$bin/mcn-import" "$root/examples/mnist/mnist_cnn.onnx" |
    "$bin/mcn-quantize" --calib "$root/examples/mnist/calib.npy" |
    "$bin/mcn-pack" -o "$out/engine/mnist.mcn"
sel() { printf "\\$(printf '%03o' "$1")"; }
{ sel 0; cat "$root/examples/mnist/first4_x.npy"; } >"$out/arrays/first4_x.npy"
{ sel 1; cat "$root/tests/data/calib/infozip.npz"; } >"$out/arrays/infozip.npz"
{ sel 2; cat "$root/tests/data/calib/rgb_7x5_paeth.png"; } >"$out/arrays/rgb.png"
{ sel 3; printf 'P2\n# a comment\n3 2\n255\n0 128 255\n1 2 3\n'; } >"$out/arrays/tiny.pgm"
