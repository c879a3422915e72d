# figures.awk: TFLM's figures for each model, read from the tables of
# ../shared/reference/tflm/figures.md by their column headings (so a
# reordered column still reads right), one "MODEL KEY VALUE" line each:
#
#   macs, file_bytes                    (## Models)
#   ref_insns, cmsis_insns              (## Speed and RAM: instructions)
#   ref_arena, cmsis_arena              (arena_used_bytes, ref / CMSIS-NN)
#   ref_flash, cmsis_flash              (## Flash: TFLM+kernels flash)
#
# Numbers lose their thousands commas; "45,999 (25,400)" is 45999. A
# table row is "| cell | cell |"; the row after a heading row is its
# |---| rule. Anything else ends the table.
function trim(s) {
    gsub(/^[ \t]+|[ \t]+$/, "", s)
    return s
}

function num(s) {
    s = trim(s)
    sub(/[ (].*/, "", s)
    gsub(/,/, "", s)
    return s
}

function cells(line, out,    n, i) {
    sub(/^[ \t]*\|/, "", line)
    sub(/\|[ \t]*$/, "", line)
    n = split(line, out, /\|/)
    for (i = 1; i <= n; i++)
        out[i] = trim(out[i])
    return n
}

function emit(model, key, value) {
    if (value !~ /^[0-9]+$/) {
        printf "figures.awk: %s: %s is \"%s\", not a number\n", model, key,
               value > "/dev/stderr"
        bad = 1
        return
    }
    print model, key, value
}

/^[ \t]*\|/ {
    n = cells($0, c)
    if (!in_table) {
        in_table = 1
        ncol = n
        for (i = 1; i <= n; i++)
            head[i] = c[i]
        rule = 1
        next
    }
    if (rule) {
        rule = 0
        next
    }
    model = c[1]
    for (i = 2; i <= n && i <= ncol; i++) {
        h = head[i]
        if (h == "MACs")
            emit(model, "macs", num(c[i]))
        else if (h == "file bytes")
            emit(model, "file_bytes", num(c[i]))
        else if (h == "ref instructions")
            emit(model, "ref_insns", num(c[i]))
        else if (h == "CMSIS-NN instructions")
            emit(model, "cmsis_insns", num(c[i]))
        else if (h ~ /^arena_used_bytes, ref \/ CMSIS-NN/) {
            split(c[i], ab, /\//)
            emit(model, "ref_arena", num(ab[1]))
            emit(model, "cmsis_arena", num(ab[2]))
        } else if (h == "TFLM+kernels flash, ref")
            emit(model, "ref_flash", num(c[i]))
        else if (h ~ /^TFLM\+kernels flash, CMSIS-NN/)
            emit(model, "cmsis_flash", num(c[i]))
    }
    next
}

{ in_table = 0 }

END { exit bad }
