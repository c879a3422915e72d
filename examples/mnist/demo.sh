#!/bin/sh
# The MNIST example end to end: import the trained ONNX model, quantize it
# to int8, pack it, compare float and int8 accuracy on the 1,000 held-out
# digits, then run four digits on an emulated Cortex-M4.
#
# usage: examples/mnist/demo.sh BIN_DIR     (make demo passes build/bin)
set -eu

if [ $# -ne 1 ]; then
    echo "usage: $0 BIN_DIR" >&2
    exit 2
fi
BIN=$(cd "$1" && pwd)
EX=$(cd "$(dirname "$0")" && pwd)

for tool in mcn-import mcn-quantize mcn-pack mcn-run mcn-info mcn-sim; do
    if [ ! -x "$BIN/$tool" ]; then
        echo "demo: $BIN/$tool: not built (run make first)" >&2
        exit 1
    fi
done

T=$(mktemp -d "${TMPDIR:-/tmp}/mcn-demo.XXXXXX")
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM

step() {
    printf '\n== %s\n' "$*"
}

# Runs a tool with its stderr kept in $T/NAME.err, so the lines the demo
# wants can be picked out; on failure the whole of it is shown.
run() {
    log=$T/$1.err
    shift
    if ! "$@" 2>"$log"; then
        cat "$log" >&2
        echo "demo: failed: $*" >&2
        exit 1
    fi
}

accuracy() {
    a=$(sed -n 's/.*top-1 accuracy: \([0-9.]*\)%.*/\1/p' "$T/$1.err" | tail -n 1)
    if [ -z "$a" ]; then
        cat "$T/$1.err" >&2
        echo "demo: $1: no 'top-1 accuracy' line from mcn-run" >&2
        exit 1
    fi
    echo "$a"
}

# The values of a small int64 .npy (v1.0, little-endian), one a line; od
# is enough for the four labels and keeps the demo free of Python.
npy_i64() {
    if ! head -c 128 "$1" | grep -q "'descr': '<i8'"; then
        echo "demo: $1: expected an int64 .npy" >&2
        exit 1
    fi
    hlen=$(od -An -tu2 -j8 -N2 "$1" | tr -d ' ')
    od -An -v -td8 -j$((10 + hlen)) "$1" | tr -s ' ' '\n' | sed '/^$/d'
}

# "sample I: class K  [...]" lines from a tool's stdout and stderr.
samples() {
    cat "$T/$1.out" "$T/$1.err" | grep '^sample [0-9]*: class ' || true
}

step "1/7 import: mnist_cnn.onnx -> float.mcn"
run import "$BIN/mcn-import" "$EX/mnist_cnn.onnx" -o "$T/float.mcn"
echo "float.mcn: $(wc -c <"$T/float.mcn") bytes"

step "2/7 quantize: 200 calibration digits -> int8.mcn"
run quantize "$BIN/mcn-quantize" --calib "$EX/calib.npy" "$T/float.mcn" \
    -o "$T/int8.mcn"
echo "int8.mcn: $(wc -c <"$T/int8.mcn") bytes"

step "3/7 pack: arena plan and requantization -> packed.mcn"
run pack "$BIN/mcn-pack" "$T/int8.mcn" -o "$T/packed.mcn"
echo "packed.mcn: $(wc -c <"$T/packed.mcn") bytes"

step "4/7 accuracy on the 1,000 held-out digits (host)"
run run_float "$BIN/mcn-run" "$T/float.mcn" "$EX/test_x.npy" \
    --labels "$EX/test_y.npy" -o "$T/f.npy"
run run_int8 "$BIN/mcn-run" "$T/packed.mcn" "$EX/test_x.npy" \
    --labels "$EX/test_y.npy" -o "$T/q.npy"
fa=$(accuracy run_float)
qa=$(accuracy run_int8)
printf 'float32 (float.mcn):  %6.2f%%\n' "$fa"
printf 'int8    (packed.mcn): %6.2f%%\n' "$qa"
printf 'difference:           %+6.2f points\n' \
    "$(awk "BEGIN { print $qa - $fa }")"

step "5/7 calibration methods: int8 accuracy and mean SQNR per method"
# Each method's model, its accuracy on the held-out digits, and the mean
# per-layer SQNR its report measured on the calibration digits.
echo "| method | int8 top-1 | vs float | mean SQNR |"
echo "|---|---:|---:|---:|"
for m in minmax percentile entropy mse "minmax --bias-correction"; do
    name=$(echo "$m" | tr -d ' -')
    # shellcheck disable=SC2086 # $m carries the method and its flag
    run "q_$name" "$BIN/mcn-quantize" --calib "$EX/calib.npy" --method $m \
        "$T/float.mcn" -o "$T/$name.mcn" --report "$T/$name.json"
    run "r_$name" "$BIN/mcn-run" "$T/$name.mcn" "$EX/test_x.npy" \
        --labels "$EX/test_y.npy" -o "$T/$name.npy"
    a=$(accuracy "r_$name")
    db=$(sed -n 's/.*mean SQNR \([0-9.-]*\) dB.*/\1/p' "$T/q_$name.err")
    printf '| %s | %.2f%% | %+.2f | %s dB |\n' "$(echo "$m" | sed 's/ --/ + /')" \
        "$a" "$(awk "BEGIN { print $a - $fa }")" "$db"
done

step "6/7 mcn-info packed.mcn"
(cd "$T" && "$BIN/mcn-info" packed.mcn) >"$T/info.out"
head -n 1 "$T/info.out"
grep -E '^(total|peak_sram_bytes|flash_bytes):' "$T/info.out" || true

step "7/7 the first 4 test digits on an emulated Cortex-M4 (mcn-sim)"
run sim "$BIN/mcn-sim" "$T/packed.mcn" "$EX/first4_x.npy" >"$T/sim.out"
run host4 "$BIN/mcn-run" "$T/packed.mcn" "$EX/first4_x.npy" >"$T/host4.out"
samples sim >"$T/sim.samples"
samples host4 >"$T/host4.samples"
npy_i64 "$EX/first4_y.npy" >"$T/labels"
if [ "$(wc -l <"$T/sim.samples")" -ne "$(wc -l <"$T/labels")" ]; then
    cat "$T/sim.out" "$T/sim.err" >&2
    echo "demo: mcn-sim did not print one 'sample' line per digit" >&2
    exit 1
fi
echo "digit  label  Cortex-M4  host"
i=0
while read -r label; do
    i=$((i + 1))
    sim=$(sed -n "${i}s/^sample [0-9]*: class \([0-9-]*\).*/\1/p" "$T/sim.samples")
    host=$(sed -n "${i}s/^sample [0-9]*: class \([0-9-]*\).*/\1/p" "$T/host4.samples")
    mark=""
    [ "$sim" = "$label" ] || mark="  (wrong)"
    printf '%5d  %5s  %9s  %4s%s\n' $((i - 1)) "$label" "$sim" "$host" "$mark"
done <"$T/labels"
echo
grep -v '^sample [0-9]*: class ' "$T/sim.err" || true
# The engine is the same C on both sides, so the outputs (not only the
# classes) must agree exactly; anything else is a bug worth stopping on.
if ! cmp -s "$T/sim.samples" "$T/host4.samples"; then
    echo "demo: the Cortex-M4 outputs differ from the host engine's:" >&2
    diff "$T/host4.samples" "$T/sim.samples" >&2 || true
    exit 1
fi
echo "Cortex-M4 outputs match the host engine exactly."
