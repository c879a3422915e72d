#!/bin/sh
# npy_row.sh IN.npy ROW OUT.npy: row ROW (from 0) of a C-order .npy v1.0
# as a one-row array of the same dtype, e.g. input row 3 of TFLM's
# reference inputs, which its figures were measured on.
#
# The header keeps its length: "(N, " becomes "(1, " and the characters
# saved are spaces before its newline, so the 10 bytes before it and the
# data's offset stay as they were.
set -eu
if [ $# -ne 3 ]; then
    echo "usage: $0 IN.npy ROW OUT.npy" >&2
    exit 2
fi
in=$1 row=$2 out=$3
fail() {
    echo "npy_row.sh: $in: $*" >&2
    exit 1
}
[ "$(head -c 8 "$in" | od -An -tx1 | tr -d ' \n')" = 934e554d50590100 ] ||
    fail "not a version 1.0 .npy"
hlen=$(od -An -tu2 -j8 -N2 "$in" | tr -d ' ')
head=$(dd if="$in" bs=1 skip=10 count="$hlen" 2>/dev/null)
# descr, shape and the row's bytes, from the header's text.
set -- $(printf '%s\n' "$head" | awk '
    {
        if (!match($0, /\x27descr\x27: *\x27[<|>]?[a-z][0-9]+\x27/)) exit 1
        descr = substr($0, RSTART, RLENGTH)
        sub(/.*: *\x27/, "", descr); sub(/\x27$/, "", descr)
        if ($0 ~ /\x27fortran_order\x27: *True/) exit 1
        if (!match($0, /\x27shape\x27: *\([0-9, ]*\)/)) exit 1
        shape = substr($0, RSTART, RLENGTH)
        sub(/.*\(/, "", shape); sub(/\).*/, "", shape)
        n = split(shape, d, /, */)
        if (n < 1 || d[1] == "") exit 1
        item = descr; sub(/^[<|>]?[a-z]/, "", item)
        per = item
        for (i = 2; i <= n; i++) if (d[i] != "") per *= d[i]
        print d[1], per
    }') || fail "a C-order header with a descr and a shape is needed"
rows=$1 rowbytes=$2
[ "$row" -ge 0 ] && [ "$row" -lt "$rows" ] || fail "no row $row (it has $rows)"
pad=$(printf '%*s' $((${#rows} - 1)) '')
newhead=$(printf '%s\n' "$head" | sed "s/'shape': *($rows,/'shape': (1,/; s/\$/$pad/")
[ ${#newhead} -eq ${#head} ] || fail "cannot rewrite the header's shape"
{
    head -c 10 "$in"
    printf '%s\n' "$newhead"
    tail -c +$((11 + hlen + row * rowbytes)) "$in" | head -c "$rowbytes"
} >"$out"
