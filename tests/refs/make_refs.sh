#!/bin/sh
# Regenerate the ONNX Runtime reference outputs in tests/data/mnist/.
#
# usage: tests/refs/make_refs.sh        (from anywhere)
#
# Installs onnxruntime-node into MCN_NPM_CACHE (default
# $HOME/.cache/mcn-npm) on first use (tests/ort/ort_env.sh). Only this
# script and `make check-ort` need npm; the outputs are committed and the
# tests read them as plain files.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=$root/tests/data/mnist
. "$root/tests/ort/ort_env.sh"

mkdir -p "$out"
echo "== ORT logits on examples/mnist/test_x.npy"
node "$here/ort_run.js" \
    "$root/examples/mnist/mnist_cnn.onnx" \
    "$root/examples/mnist/test_x.npy" \
    "$out/ort_logits.npy"
