#!/bin/sh
# check_ort.sh: `make check-ort`. Each int8 model goes out through
# mcn-export as QDQ ONNX and runs in ONNX Runtime (check_qdq.js) beside
# mcn-run of the packed model on the same inputs:
#   - MNIST: examples/mnist/mnist_cnn.onnx through mcn-import and
#     mcn-quantize --calib examples/mnist/calib.npy, on the first 100
#     digits of examples/mnist/test_x.npy;
#   - the MLPerf Tiny int8 models (SHARED/models/mlperf-tiny), through
#     mcn-import, on TFLM's reference inputs (SHARED/reference/tflm, int8
#     rows: check_qdq.js dequantizes them for the float ONNX input, whose
#     QuantizeLinear gives back the same bytes; mcn-run takes them as they
#     are);
#   - the torchvision nets of tests/data/onnx-nets (random weights, so no
#     top-1), quantized on their one committed input and run on it: the
#     ops the models above lack (hard swish and sigmoid, products,
#     concatenations, slices, transposes, means, max pools).
# Then each op alone, fed the engine's own values (tests/qdq_layers).
# One line a model; exits non-zero if any fails.
#
# usage: tests/ort/check_ort.sh BUILD SHARED    (BUILD/bin has the tools,
#        BUILD/tests/qdq_layers the helper)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$(cd "$1" && pwd)
shared=$(cd "$2" && pwd)
. "$here/ort_env.sh"

bin=$build/bin
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
failed=0 models=0

# check NAME MODEL.mcn INPUT.npy [check_qdq.js flags]
check() {
    name=$1 model=$2 input=$3
    shift 3
    d=$work/$name
    mkdir -p "$d/layers"
    "$bin/mcn-export" "$model" -o "$d/qdq.onnx"
    "$bin/mcn-pack" "$model" -o "$d/packed.mcn"
    "$bin/mcn-run" "$d/packed.mcn" "$input" -o "$d/mcn.npy" >/dev/null
    "$build/tests/qdq_layers" "$model" "$d/layers" >"$d/layers/layers.txt"
    for cut in "$d"/layers/cut_*.mcn; do
        "$bin/mcn-run" "$cut" "$input" -o "${cut%.mcn}.npy" >/dev/null
    done
    models=$((models + 1))
    node "$here/check_qdq.js" "$name" "$d/qdq.onnx" "$input" "$d/mcn.npy" \
        --layers "$d/layers" "$@" || failed=$((failed + 1))
}

"$bin/mcn-import" "$root/examples/mnist/mnist_cnn.onnx" -o "$work/mnist_f.mcn"
"$bin/mcn-quantize" --calib "$root/examples/mnist/calib.npy" \
    "$work/mnist_f.mcn" -o "$work/mnist.mcn"
check mnist_cnn "$work/mnist.mcn" "$root/examples/mnist/test_x.npy" \
    --limit 100 --classifier

for m in vww_96_int8:--classifier kws_ref_model:--classifier \
         pretrainedResnet_quant:--classifier ad01_int8:; do
    name=${m%%:*} flag=${m#*:}
    "$bin/mcn-import" "$shared/models/mlperf-tiny/$name.tflite" \
        -o "$work/$name.mcn"
    check "$name" "$work/$name.mcn" \
        "$shared/reference/tflm/$name.inputs.npy" $flag
done

for name in dscnn_kws mnasnet_020 mobilenet_v2_035 mobilenet_v3_small_050 \
            resnet18_w8 shufflenet_v2_x0_5 squeezenet1_1_half; do
    net=$root/tests/data/onnx-nets/$name
    "$bin/mcn-import" "$net.onnx" -o "$work/${name}_f.mcn"
    "$bin/mcn-quantize" --calib "$net.input.npy" "$work/${name}_f.mcn" \
        -o "$work/$name.mcn"
    check "$name" "$work/$name.mcn" "$net.input.npy"
done

if [ "$failed" -ne 0 ]; then
    echo "check-ort: $failed of $models models FAILED"
    exit 1
fi
echo "check-ort: $models models passed"
