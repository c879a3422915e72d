#!/bin/sh
# fit_check.sh: does a model, as the firmware would carry it, fit a board?
# Builds the generated form of MODEL (mcn-gen's C, as mcn-sim --form
# generated runs it: only the kernels the model calls, its weights as
# const data, its arena as one static buffer) with a minimal firmware
# around it (a reset handler that copies .data and zeroes .bss, a vector
# table, a main loop that fills the inputs, calls net_invoke and reads the
# outputs), compiles it for the board's core with the flags the Cortex-M
# engine was built with, and links it against BOARD_LD (a script written
# by nas_board_write_ld, nas/boards.h, which INCLUDEs nas/fit_sections.ld):
# code and constants in FLASH, .data, .bss with the arena and a stack of
# STACK bytes in SRAM. What mcn-sim's harness adds (semihosting, samples,
# per-operator counts) is not linked: it is QEMU's, not the board's.
#
# usage: nas/fit_check.sh MODEL.mcn BOARD_LD [--cpu CPU] [--stack N]
#                         [--keep DIR]
#   CPU    the engine build to link (lib/mcn/arm/CPU: cortex-m0plus,
#          cortex-m3, cortex-m4, cortex-m7, cortex-m55); default: BOARD_LD's
#          "mcn-cpu:" line
#   N      bytes of stack reserved at the top of SRAM (default: the
#          script's __fit_stack_bytes, 4096 as nas_board_write_ld writes it)
#   DIR    keep the work directory there (net.c, fit_main.c, fit.elf,
#          fit.map, link.log) instead of a temporary one
# Environment: MCN_BIN, the directory with mcn-gen (default: build/bin next
# to this script's directory); MCN_ARM, the Cortex-M engines (default:
# $MCN_BIN/../lib/mcn/arm, where make arm puts them).
#
# Exit status: 0 when it links, with one line on stdout:
#   fits: flash F of FT bytes, SRAM S of ST bytes (stack K)
# 1 when it does not, with ld's overflow lines on stderr
# ("region `SRAM' overflowed by N bytes"); 2 for anything else (bad
# arguments, a missing tool, mcn-gen or the compiler failing).
set -u

me=fit_check.sh
die() {
    echo "$me: $*" >&2
    exit 2
}
usage="usage: nas/fit_check.sh MODEL.mcn BOARD_LD [--cpu CPU] [--stack N] [--keep DIR]"

model= ld= cpu= stack= keep=
while [ $# -gt 0 ]; do
    case $1 in
    --cpu | --stack | --keep)
        [ $# -ge 2 ] || die "$1 needs a value"
        case $1 in
        --cpu) cpu=$2 ;;
        --stack) stack=$2 ;;
        --keep) keep=$2 ;;
        esac
        shift 2
        ;;
    -h | --help)
        echo "$usage"
        exit 0
        ;;
    -*) die "unknown option '$1'; $usage" ;;
    *)
        if [ -z "$model" ]; then
            model=$1
        elif [ -z "$ld" ]; then
            ld=$1
        else
            die "$usage"
        fi
        shift
        ;;
    esac
done
[ -n "$model" ] && [ -n "$ld" ] || die "$usage"
[ -r "$model" ] || die "$model: cannot read it"
[ -r "$ld" ] || die "$ld: cannot read it"
if [ -n "$stack" ]; then
    case $stack in
    *[!0-9]* | '') die "--stack: '$stack' is not a byte count" ;;
    esac
fi

here=$(cd "$(dirname "$0")" && pwd) || die "cannot find my own directory"
BIN=${MCN_BIN:-$here/../build/bin}
[ -d "$BIN" ] || die "$BIN: no such directory (MCN_BIN)"
BIN=$(cd "$BIN" && pwd)  # the compiler runs in the work directory
ARM=${MCN_ARM:-$BIN/../lib/mcn/arm}
[ ! -d "$ARM" ] || ARM=$(cd "$ARM" && pwd)
[ -x "$BIN/mcn-gen" ] || die "$BIN/mcn-gen: not built (make tools)"
CC=arm-none-eabi-gcc
command -v $CC >/dev/null 2>&1 ||
    die "$CC not found: install gcc-arm-none-eabi and libnewlib-arm-none-eabi"

if [ -z "$cpu" ]; then
    cpu=$(sed -n 's/^[ *]*mcn-cpu: *\([a-z0-9-]*\).*/\1/p' "$ld" | head -n 1)
    [ -n "$cpu" ] || die "$ld: no 'mcn-cpu:' line says which engine to link; give --cpu"
fi
[ -r "$ARM/$cpu/libmcn.a" ] && [ -r "$ARM/$cpu/cflags" ] ||
    die "no $cpu engine: $ARM/$cpu/libmcn.a or cflags is missing (make arm)"
cflags=$(cat "$ARM/$cpu/cflags")

# Absolute paths: the compiler and linker run in the work directory.
abs() {
    case $1 in
    /*) echo "$1" ;;
    *) echo "$(pwd)/$1" ;;
    esac
}
model=$(abs "$model")
ld=$(abs "$ld")

if [ -n "$keep" ]; then
    mkdir -p "$keep" || die "cannot create $keep"
    W=$(cd "$keep" && pwd)
else
    W=$(mktemp -d "${TMPDIR:-/tmp}/mcn-fit.XXXXXX") || die "cannot create a temporary directory"
    trap 'rm -rf "$W"' EXIT
    trap 'exit 130' INT TERM
fi

# An unpacked model is packed for this core (mcn-pack's target of that
# name; the ARMv6-M cores have portable C kernels only: "generic"); a
# packed one keeps its plan.
case $cpu in
cortex-m0 | cortex-m0plus | cortex-m1) target=generic ;;
*) target=$cpu ;;
esac
"$BIN/mcn-gen" "$model" -o "$W" --name net --target "$target" 2>"$W/gen.log" ||
    die "mcn-gen failed: $(tail -n 1 "$W/gen.log")"

cat >"$W/fit_main.c" <<'EOF'
/* fit_main.c: written by nas/fit_check.sh; the least firmware that
   runs the generated model: reset, vectors, a loop over net_invoke. */
#include <stdint.h>

#include "net.h"

/* From nas/fit_sections.ld. */
extern uint32_t __fit_data_load[], __fit_data_start[], __fit_data_end[];
extern uint32_t __fit_bss_start[], __fit_bss_end[], __fit_stack_top[];

void fit_reset(void) __attribute__((noreturn));
void fit_fault(void) __attribute__((noreturn));

/* What the application would feed in and take out. */
volatile int8_t fit_io;

void fit_fault(void)
{
    for (;;)
        ;
}

void fit_reset(void)
{
#if defined(__ARM_FP)
    /* CP10/CP11 full access before any FP (or MVE) instruction. */
    *(volatile uint32_t *)0xE000ED88u |= 0xFu << 20;
    __asm__ volatile("dsb\n\tisb" ::: "memory");
#endif
    const uint32_t *src = __fit_data_load;
    for (uint32_t *dst = __fit_data_start; dst < __fit_data_end;)
        *dst++ = *src++;
    for (uint32_t *dst = __fit_bss_start; dst < __fit_bss_end;)
        *dst++ = 0;
    for (;;) {
        for (int i = 0; i < net_inputs(); i++) {
            int8_t *p = net_input(i);
            for (uint32_t k = 0; k < net_input_bytes(i); k++)
                p[k] = fit_io;
        }
        net_invoke();
        for (int i = 0; i < net_outputs(); i++) {
            const int8_t *p = net_output(i);
            for (uint32_t k = 0; k < net_output_bytes(i); k++)
                fit_io = p[k];
        }
    }
}

struct fit_vector_table {
    uint32_t *initial_sp;
    void (*handler[15])(void);
};

__attribute__((section(".vectors"), used))
const struct fit_vector_table fit_vectors = {
    __fit_stack_top,
    {fit_reset, fit_fault, fit_fault, fit_fault, fit_fault, fit_fault,
     0, 0, 0, 0, fit_fault, fit_fault, 0, fit_fault, fit_fault},
};
EOF

# The flags mcn-sim compiles generated code with (sim_build.c), and the
# engine's own for this core.
common="-std=c99 -O2 -ffunction-sections -fdata-sections"
# shellcheck disable=SC2086
(cd "$W" && $CC $cflags $common -I"$ARM/include" -c net.c -o net.o) \
    >"$W/cc.log" 2>&1 || die "compiling the generated code failed: $(grep -m1 error "$W/cc.log")"
# shellcheck disable=SC2086
(cd "$W" && $CC $cflags $common -Wall -Wextra -Werror -c fit_main.c -o fit_main.o) \
    >>"$W/cc.log" 2>&1 || die "compiling fit_main.c failed: $(grep -m1 error "$W/cc.log")"

defsym=
[ -n "$stack" ] && defsym="-Wl,--defsym=__fit_stack_bytes=$stack"
# shellcheck disable=SC2086
if ! (cd "$W" && $CC $cflags -nostartfiles --specs=nano.specs \
    -Wl,--gc-sections -Wl,-Map=fit.map $defsym -L "$here" -T "$ld" \
    fit_main.o net.o "$ARM/$cpu/libmcn.a" -o fit.elf) >"$W/link.log" 2>&1; then
    if grep -q 'overflowed by' "$W/link.log"; then
        grep 'overflowed by' "$W/link.log" | sed 's/^.*: *\(region \)/\1/' >&2
        exit 1
    fi
    die "linking failed: $(grep -m1 -i 'error\|undefined\|cannot' "$W/link.log" || tail -n 1 "$W/link.log")"
fi

# Where each memory's use ends and how long it is, from the symbols
# fit_sections.ld sets.
syms=$(arm-none-eabi-nm "$W/fit.elf") || die "cannot read fit.elf's symbols"
sym() {
    v=$(printf '%s\n' "$syms" | sed -n "s/^\([0-9a-fA-F]*\) . $1\$/\1/p")
    echo "${v:+$((0x$v))}"
}
flash_end=$(sym __fit_flash_end) flash_at=$(sym __fit_flash_origin)
flash_len=$(sym __fit_flash_length) sram_end=$(sym __fit_sram_end)
sram_at=$(sym __fit_sram_origin) sram_len=$(sym __fit_sram_length)
stack_len=$(sym __fit_stack_bytes)
for v in "$flash_end" "$flash_at" "$flash_len" "$sram_end" "$sram_at" \
    "$sram_len" "$stack_len"; do
    [ -n "$v" ] || die "fit.elf lacks the symbols nas/fit_sections.ld sets"
done
echo "fits: flash $((flash_end - flash_at)) of $flash_len bytes," \
    "SRAM $((sram_end - sram_at)) of $sram_len bytes (stack $stack_len)"
exit 0
