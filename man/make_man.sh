#!/bin/sh
# make_man.sh BIN_DIR OUT_DIR: a man page per tool, made from its --help
# (the help text is the one place the options are written down).
# tests/test_tools_cli.c checks that man/*.1 is what this makes.
set -eu
bin=$1
out=$2
mkdir -p "$out"
summary() {
    case $1 in
    mcn-import) echo "ONNX or TFLite model to an mcn graph" ;;
    mcn-quantize) echo "float mcn model to int8, calibrated on user data" ;;
    mcn-pack) echo "int8 mcn model packed for the engine" ;;
    mcn-run) echo "run a model on the host" ;;
    mcn-sim) echo "run a model on an emulated Cortex-M (QEMU)" ;;
    mcn-info) echo "layers, MACs, SRAM and flash of a model" ;;
    mcn-export) echo "mcn model to ONNX (float, or QDQ for int8)" ;;
    mcn-gen) echo "a packed model as specialised C" ;;
    mcn-nas) echo "TinyNAS: fit a network to a board" ;;
    mcn-conformance) echo "ONNX's backend test cases, one line each" ;;
    *) echo "an mcn tool" ;;
    esac
}
# Subcommands with a --help of their own, in the same page.
subcommands() {
    case $1 in
    mcn-nas) echo "space search ld" ;;
    esac
}
# roff: a backslash doubled, a leading . or ' guarded.
escape() {
    sed -e 's/\\/\\e/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"
}
for tool in "$bin"/mcn-*; do
    name=$(basename "$tool")
    upper=$(echo "$name" | tr 'a-z' 'A-Z')
    version=$("$tool" --version | sed 's/.* //')
    "$tool" --help >"$out/$name.help"
    {
        printf '.TH %s 1 "" "mcn %s" "mcn manual"\n' "$upper" "$version"
        printf '.SH NAME\n%s \\- %s\n' "$name" "$(summary "$name")"
        printf '.SH SYNOPSIS\n.nf\n'
        sed -n '1,/^$/p' "$out/$name.help" | sed '/^$/d' | escape
        printf '.fi\n.SH DESCRIPTION\n.nf\n'
        sed '1,/^$/d' "$out/$name.help" | sed '/^Exit status/,$d' | escape
        for sub in $(subcommands "$name"); do
            printf '.fi\n.SS %s %s\n.nf\n' "$name" "$sub"
            "$tool" "$sub" --help | sed '/^Exit status/,$d' | escape
        done
        printf '.fi\n.SH EXIT STATUS\n.nf\n'
        sed -n '/^Exit status/,$p' "$out/$name.help" | escape
        printf '.fi\n'
        printf '.SH SEE ALSO\n'
        for other in "$bin"/mcn-*; do
            o=$(basename "$other")
            [ "$o" = "$name" ] || printf '.BR %s (1)\n' "$o"
        done
    } >"$out/$name.1"
    rm "$out/$name.help"
done
