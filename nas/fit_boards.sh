#!/bin/sh
# fit_boards.sh: TinyNAS's promise, board by board. For each board (every
# one `mcn-nas --list-boards` knows, or those named), fits the float
# model to it with mcn-nas (space optimisation, then the search), then
# does what a user does with the result: mcn-quantize, mcn-pack for the
# board's core, mcn-info --json, and the fit check (nas/fit_check.sh:
# firmware linked into `mcn-nas ld`'s script of exactly the board's
# memories). One line per board on stdout:
#
#   BOARD CORE TARGET HxW MACS ARENA SRAM_LIMIT MODEL FLASH_LIMIT
#         LINKED_FLASH FLASH LINKED_SRAM SRAM SECONDS
#
# ARENA and MODEL are mcn-info's peak_sram_bytes and flash_bytes, the
# limits what mcn-nas allows the model (the memories less the stack,
# firmware data and code: nas_budget_model_limits); LINKED_* what the
# firmware takes of the board's FLASH and SRAM once linked.
#
# usage: nas/fit_boards.sh BIN MODEL.mcn CALIB.npy [--boards "A B"]
#                          [-- MCN-NAS-OPTIONS...]
# BIN holds the tools (build/bin; fit_check.sh is given it as MCN_BIN,
# and finds the Cortex-M engines beside it). Exit status 0 when every
# board fits, 1 when one does not (its line says which check failed), 2
# on misuse.
set -u
me=fit_boards.sh
die() {
    echo "$me: $*" >&2
    exit 2
}
[ $# -ge 3 ] || die "usage: nas/fit_boards.sh BIN MODEL.mcn CALIB.npy [--boards \"A B\"] [-- OPTIONS...]"
BIN=$1 MODEL=$2 CALIB=$3
shift 3
boards=
if [ $# -ge 2 ] && [ "$1" = --boards ]; then
    boards=$2
    shift 2
fi
if [ $# -ge 1 ]; then
    [ "$1" = -- ] || die "unknown argument '$1'"
    shift
fi
HERE=$(cd "$(dirname "$0")" && pwd)
[ -d "$BIN" ] || die "$BIN: no such directory"
BIN=$(cd "$BIN" && pwd)
for tool in mcn-nas mcn-quantize mcn-pack mcn-info mcn-gen; do
    [ -x "$BIN/$tool" ] || die "$BIN/$tool: not built (make tools)"
done
[ -r "$MODEL" ] || die "$MODEL: cannot read it"
[ -r "$CALIB" ] || die "$CALIB: cannot read it"
[ -n "$boards" ] ||
    boards=$("$BIN/mcn-nas" --list-boards | awk 'NR > 1 { print $1 }')

T=$(mktemp -d "${TMPDIR:-/tmp}/mcn-fit-boards.XXXXXX") || die "no temporary directory"
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM

json() {
    sed -n "s/.*\"$1\": *\([0-9]*\).*/\1/p" "$2" | tail -n 1
}

# mcn-nas's last word, "written: HxW; quantized and packed for TARGET,
# arena A B of LIMIT, model M B of LIMIT", into res, target, al and fl_;
# 1 when it is missing. TARGET is what its check packed for (the board's
# core), and so what is packed for here.
read_written() {
    w=$(sed -n 's/.*written: \([0-9]*x[0-9]*\); quantized and packed for \([a-z0-9-]*\), arena [0-9]* B of \([0-9]*\), model [0-9]* B of \([0-9]*\)$/\1 \2 \3 \4/p' "$1")
    [ -n "$w" ] || return 1
    read -r res target al fl_ <<EOF
$w
EOF
}

status=0
for b in $boards; do
    core=$("$BIN/mcn-nas" --list-boards | awk -v b="$b" '$1 == b { print $2 }')
    [ -n "$core" ] || die "$b: not a board mcn-nas --list-boards knows"
    "$BIN/mcn-nas" ld --board "$b" -o "$T/$b.ld" || die "$b: mcn-nas ld failed"
    start=$(date +%s)
    fail= target=-
    if ! "$BIN/mcn-nas" --board "$b" --calib "$CALIB" "$MODEL" \
        -o "$T/$b.mcn" "$@" 2>"$T/$b.nas.log"; then
        fail="mcn-nas: $(tail -n 1 "$T/$b.nas.log")"
    elif ! read_written "$T/$b.nas.log"; then
        fail="no 'written:' line from mcn-nas"
    elif ! "$BIN/mcn-quantize" --resize --calib "$CALIB" "$T/$b.mcn" 2>"$T/$b.q.log" |
        "$BIN/mcn-pack" --target "$target" -o "$T/$b.p.mcn" 2>>"$T/$b.q.log"; then
        fail="quantize/pack: $(tail -n 1 "$T/$b.q.log")"
    elif ! "$BIN/mcn-info" --json "$T/$b.p.mcn" >"$T/$b.json"; then
        fail="mcn-info failed"
    fi
    if [ -z "$fail" ]; then
        arena=$(json peak_sram_bytes "$T/$b.json")
        model=$(json flash_bytes "$T/$b.json")
        macs=$(json macs "$T/$b.json")
        if [ "$arena" -gt "$al" ] || [ "$model" -gt "$fl_" ]; then
            fail="over the budget: arena $arena of $al, model $model of $fl_"
        elif ! out=$(MCN_BIN=$BIN sh "$HERE/fit_check.sh" "$T/$b.p.mcn" "$T/$b.ld" 2>"$T/$b.fit.log"); then
            fail="fit check: $(tail -n 1 "$T/$b.fit.log")"
        else
            # fits: flash F of FT bytes, SRAM S of ST bytes (stack K)
            read -r _ _ lf _ fl _ _ ls _ sl _ <<EOF
$out
EOF
        fi
    fi
    secs=$(($(date +%s) - start))
    if [ -n "$fail" ]; then
        echo "$b $core $target FAILED $fail"
        status=1
    else
        echo "$b $core $target $res $macs $arena $al $model $fl_ $lf $fl $ls $sl $secs"
    fi
done
exit $status
