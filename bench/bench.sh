#!/bin/sh
# bench.sh BIN SHARED OUT.md: what `make bench` runs. Each MLPerf Tiny int8
# model (../shared/models/mlperf-tiny) and the bundled MNIST example goes
# through the tools and one inference on input row 3 runs on the emulated
# Cortex-M4 (mcn-sim --json); TFLM's figures for the same models come from
# ../shared/reference/tflm/figures.md; then the host tools are timed on
# MobileNetV2-0.35 (mcn-nas space's SVG goes to bench/space_BOARD.svg),
# which nas/fit_boards.sh then fits to every board.
# report.awk makes the tables, printed and written to
# OUT.md, and a summary of them replaces what README.md (beside bench/)
# holds between its "<!-- bench:begin -->" and "<!-- bench:end -->"
# lines. Shell and awk only: bench/*.awk hold the parsing.
set -eu
if [ $# -ne 3 ]; then
    echo "usage: $0 BIN SHARED OUT.md" >&2
    exit 2
fi
BIN=$(cd "$1" && pwd)
SHARED=$(cd "$2" && pwd)
OUT=$3
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/.." && pwd)
BOARD=mps2-an386
ROW=3
MLPERF="vww_96_int8 kws_ref_model pretrainedResnet_quant ad01_int8"
HOST_NET=mobilenet_v2_035
HOST_SAMPLES=100
NAS_BOARD=stm32f746

for tool in mcn-import mcn-quantize mcn-pack mcn-nas mcn-sim; do
    [ -x "$BIN/$tool" ] || { echo "bench: $BIN/$tool: not built (make all)" >&2; exit 1; }
done

T=$(mktemp -d "${TMPDIR:-/tmp}/mcn-bench.XXXXXX")
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM

# A step's stderr is kept; on failure it is shown and the bench stops.
run() {
    log=$T/step.err
    if ! "$@" 2>"$log"; then
        cat "$log" >&2
        echo "bench: failed: $*" >&2
        exit 1
    fi
}

now() {
    date +%s.%N
}

elapsed() {
    awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f\n", b - a }'
}

FACTS=$T/facts
: >"$FACTS"

# mcn-sim on one row; the generated form's too once mcn-gen exists.
sim() {
    name=$1 model=$2 input=$3
    echo "bench: $name on $BOARD" >&2
    run sh "$HERE/npy_row.sh" "$input" "$ROW" "$T/$name.row.npy"
    run "$BIN/mcn-sim" "$model" "$T/$name.row.npy" --board "$BOARD" \
        --json -o "$T/$name.y.npy" >"$T/$name.json"
    echo "model $name" >>"$FACTS"
    awk -v model="mcn $name" -f "$HERE/sim_json.awk" "$T/$name.json" >>"$FACTS"
    if [ -x "$BIN/mcn-gen" ]; then
        run "$BIN/mcn-sim" "$model" "$T/$name.row.npy" --board "$BOARD" \
            --form generated --json -o "$T/$name.g.npy" >"$T/$name.gen.json"
        awk -v model="gen $name" -f "$HERE/sim_json.awk" "$T/$name.gen.json" |
            awk '$3 != "op"' >>"$FACTS"
    fi
}

for name in $MLPERF; do
    run "$BIN/mcn-import" "$SHARED/models/mlperf-tiny/$name.tflite" -o "$T/$name.mcn"
    run "$BIN/mcn-pack" "$T/$name.mcn" -o "$T/$name.p.mcn"
    sim "$name" "$T/$name.p.mcn" "$SHARED/reference/tflm/$name.inputs.npy"
done

EX=$SRC/examples/mnist
run "$BIN/mcn-import" "$EX/mnist_cnn.onnx" -o "$T/mnist.mcn"
run "$BIN/mcn-quantize" --calib "$EX/calib.npy" "$T/mnist.mcn" -o "$T/mnist.q.mcn"
run "$BIN/mcn-pack" "$T/mnist.q.mcn" -o "$T/mnist.p.mcn"
sim mnist "$T/mnist.p.mcn" "$EX/first4_x.npy"

awk -f "$HERE/figures.awk" "$SHARED/reference/tflm/figures.md" |
    sed 's/^/tflm /' >>"$FACTS"

# The host tools, one after the other, on deterministic samples.
echo "bench: host tools on $HOST_NET" >&2
NET=$SRC/tests/data/onnx-nets/$HOST_NET.onnx
awk -v n=$HOST_SAMPLES -v shape="3, 96, 96" -f "$HERE/calib_npy.awk" \
    >"$T/calib.npy"
t0=$(now)
run "$BIN/mcn-import" "$NET" -o "$T/host.mcn"
t1=$(now)
run "$BIN/mcn-quantize" --calib "$T/calib.npy" "$T/host.mcn" -o "$T/host.q.mcn"
t2=$(now)
run "$BIN/mcn-pack" "$T/host.q.mcn" -o "$T/host.p.mcn"
t3=$(now)
# TinyNAS's space optimisation on the float model: the full grid.
run "$BIN/mcn-nas" space "$T/host.mcn" --board $NAS_BOARD \
    --svg "$HERE/space_$NAS_BOARD.svg" >"$T/space.txt"
t4=$(now)
# And fitted to every board, each result quantized, packed and linked.
echo "bench: mcn-nas on every board" >&2
fit_rc=0
sh "$SRC/nas/fit_boards.sh" "$BIN" "$T/host.mcn" "$T/calib.npy" \
    >"$T/fit.txt" 2>"$T/fit.err" || fit_rc=$?
if [ $fit_rc -gt 1 ]; then
    cat "$T/fit.err" >&2
    exit 1
fi
[ $fit_rc -eq 0 ] || echo "bench: a board did not fit: see its row" >&2
sed 's/^/fit /' "$T/fit.txt" >>"$FACTS"
{
    echo "host model $HOST_NET.onnx"
    echo "host samples $HOST_SAMPLES"
    echo "host shape 3x96x96"
    echo "host import $(elapsed "$t0" "$t1")"
    echo "host quantize $(elapsed "$t1" "$t2")"
    echo "host pack $(elapsed "$t2" "$t3")"
    echo "host space $(elapsed "$t3" "$t4")"
    echo "host space_board $NAS_BOARD"
    echo "host space_best $(awk '$1 == "1" { print "width " $2 ", " $3 ", " $4 " fit, mean " $5 " MACs" }' "$T/space.txt")"
} >>"$FACTS"

cpu=$(sed -n 's/^model name[[:space:]]*: *//p' /proc/cpuinfo 2>/dev/null | head -n 1)
commit=$(git -C "$SRC" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
if [ "$commit" != unknown ] && [ -n "$(git -C "$SRC" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
    commit="$commit (with uncommitted changes)"
fi
{
    echo "meta date $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "meta machine $(uname -srm), ${cpu:-unknown CPU}, $(getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?') CPUs"
    echo "meta commit $commit"
    echo "meta qemu $(qemu-system-arm --version | head -n 1)"
    echo "meta gcc $(arm-none-eabi-gcc --version | head -n 1)"
    echo "meta board $BOARD"
} >>"$FACTS"

awk -f "$HERE/report.awk" "$FACTS" >"$T/results.md"
cp "$T/results.md" "$OUT"
cat "$OUT"

# README.md's summary, when it has the markers for one.
awk -v part=summary -f "$HERE/report.awk" "$FACTS" >"$T/summary.md"
if awk -v block="$T/summary.md" -f "$HERE/splice.awk" "$SRC/README.md" \
        >"$T/README.md"; then
    cat "$T/README.md" >"$SRC/README.md"
fi
