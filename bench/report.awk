# report.awk: bench/results.md from the facts bench.sh gathered, one a
# line ("SOURCE NAME KEY VALUE..."):
#
#   meta KEY TEXT...                 date, machine, commit, qemu, gcc, board
#   model NAME                       the models, in table order
#   tflm NAME KEY N                  figures.awk's output
#   mcn NAME KEY N                   sim_json.awk's top-level numbers
#   mcn NAME op KIND INSNS MACS      and its operators
#   gen NAME KEY N                   the generated form's, once mcn-gen exists
#   host KEY TEXT...                 the host tools' timing
#   fit BOARD FIELDS...              nas/fit_boards.sh's line for a board
#
# Every number in the tables comes from these lines; a model TFLM has no
# figures for shows "n/a" in TFLM's columns. With -v part=summary it
# prints only the short table README.md quotes.
function commas(n,    s, sign, out) {
    s = sprintf("%.0f", n)
    sign = ""
    if (s ~ /^-/) {
        sign = "-"
        s = substr(s, 2)
    }
    out = ""
    while (length(s) > 3) {
        out = "," substr(s, length(s) - 2) out
        s = substr(s, 1, length(s) - 3)
    }
    return sign s out
}

function ratio(a, b) {
    return b > 0 && a != "" ? sprintf("%.2f", a / b) : "n/a"
}

function have(src, m, k) {
    return (src SUBSEP m SUBSEP k) in v
}

function get(src, m, k) {
    return v[src, m, k]
}

# "a / b", or n/a when TFLM has no such model.
function pair(m, k1, k2) {
    if (!have("tflm", m, k1))
        return "n/a / n/a"
    return commas(get("tflm", m, k1)) " / " commas(get("tflm", m, k2))
}

function tflm_ratio(m, k, mine) {
    return have("tflm", m, k) ? ratio(get("tflm", m, k), mine) : "n/a"
}

function gen(m, k) {
    return have("gen", m, k) ? commas(get("gen", m, k)) : "n/a"
}

# $2 onwards.
function rest0(    s, i) {
    s = $2
    for (i = 3; i <= NF; i++)
        s = s " " $i
    return s
}

function rest(    s, i) {
    s = $3
    for (i = 4; i <= NF; i++)
        s = s " " $i
    return s
}

$1 == "meta" { meta[$2] = rest(); next }
$1 == "host" { host[$2] = rest(); next }
$1 == "fit" { fits[++n_fits] = rest0(); next }
$1 == "model" { models[++n_models] = $2; next }
$1 == "mcn" && $3 == "op" {
    m = $2
    ops_insns[m, $4] += $5
    ops_macs[m, $4] += $6
    ops_count[m, $4]++
    op_total[m] += $5
    mac_total[m] += $6
    next
}
NF >= 4 { v[$1, $2, $3] = $4; next }

function per_mac(m,    t) {
    if (!have("tflm", m, "macs"))
        return "n/a / n/a"
    t = get("tflm", m, "macs")
    return ratio(get("tflm", m, "ref_insns"), t) " / " \
           ratio(get("tflm", m, "cmsis_insns"), t)
}

function table1(    i, m, insns, sram, code, macs, tfl) {
    print "| model | MACs | instructions: mcn / TFLM ref / CMSIS-NN | ref ÷ mcn | CMSIS-NN ÷ mcn | instructions per MAC: mcn / ref / CMSIS-NN | SRAM: mcn arena + stack | TFLM arena, ref / CMSIS-NN | CMSIS-NN ÷ mcn | code: mcn | TFLM+kernels, ref / CMSIS-NN | CMSIS-NN ÷ mcn | model data: mcn / .tflite | generated: instructions / code |"
    print "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    for (i = 1; i <= n_models; i++) {
        m = models[i]
        insns = get("mcn", m, "instructions")
        sram = get("mcn", m, "arena_bytes") + get("mcn", m, "stack_bytes")
        code = get("mcn", m, "code_bytes")
        macs = commas(mac_total[m])
        if (have("tflm", m, "macs") && get("tflm", m, "macs") != mac_total[m])
            macs = macs " (TFLM " commas(get("tflm", m, "macs")) ")"
        tfl = have("tflm", m, "file_bytes") ? \
              commas(get("tflm", m, "file_bytes")) : "n/a"
        printf "| %s | %s | %s / %s | %s | %s | %s / %s ",
            m, macs, commas(insns), pair(m, "ref_insns", "cmsis_insns"),
            tflm_ratio(m, "ref_insns", insns),
            tflm_ratio(m, "cmsis_insns", insns),
            ratio(insns, mac_total[m]), per_mac(m)
        printf "| %s + %s | %s | %s ",
            commas(get("mcn", m, "arena_bytes")),
            commas(get("mcn", m, "stack_bytes")),
            pair(m, "ref_arena", "cmsis_arena"),
            tflm_ratio(m, "cmsis_arena", sram)
        printf "| %s | %s | %s | %s / %s | %s / %s |\n",
            commas(code), pair(m, "ref_flash", "cmsis_flash"),
            tflm_ratio(m, "cmsis_flash", code),
            commas(get("mcn", m, "model_bytes")), tfl,
            gen(m, "instructions"), gen(m, "code_bytes")
    }
}

# instructions per MAC of one kind, and its share of the inference.
function kind_cell(m, k) {
    if (!((m, k) in ops_count))
        return "—"
    return sprintf("%s (%.1f %%)", ratio(ops_insns[m, k], ops_macs[m, k]),
                   100 * ops_insns[m, k] / op_total[m])
}

function table2(    i, m, other) {
    print "| model | first conv (≤ 3 input channels) | 1x1 conv | depthwise 3x3 | other conv | fully connected | the rest: instructions | all: instructions per MAC |"
    print "|---|---:|---:|---:|---:|---:|---:|---:|"
    for (i = 1; i <= n_models; i++) {
        m = models[i]
        other = "—"
        if ((m, "other") in ops_count)
            other = sprintf("%s (%.1f %%)", commas(ops_insns[m, "other"]),
                            100 * ops_insns[m, "other"] / op_total[m])
        printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", m,
            kind_cell(m, "conv_first"), kind_cell(m, "conv_1x1"),
            kind_cell(m, "dw_3x3"), kind_cell(m, "conv"),
            kind_cell(m, "fc"), other, ratio(op_total[m], mac_total[m])
    }
}

function table3(    t) {
    t = host["import"] + host["quantize"] + host["pack"]
    print "| step | wall seconds |"
    print "|---|---:|"
    printf "| mcn-import %s | %.2f |\n", host["model"], host["import"]
    printf "| mcn-quantize --calib (%s samples of %s) | %.2f |\n",
        host["samples"], host["shape"], host["quantize"]
    printf "| mcn-pack | %.2f |\n", host["pack"]
    printf "| all three | %.2f |\n", t
    printf "| mcn-nas space --board %s (9 widths x 12 resolutions x 1000 " \
        "samples) | %.2f |\n", host["space_board"], host["space"]
    print ""
    print "The best space for " host["space_board"] ": " host["space_best"] \
        " (bench/space_" host["space_board"] ".svg: the fitting " \
        "sub-networks' MACs in the best five spaces)."
}

# fit_boards.sh's fields: board core target HxW macs arena arena_limit
# model model_limit linked_flash flash linked_sram sram seconds.
function table4(    i, f, k) {
    print "| board | core | packed for | input | MACs | arena (limit) | " \
          "model (limit) | linked flash of | linked SRAM of | seconds |"
    print "|---|---|---|---|---:|---:|---:|---:|---:|---:|"
    for (i = 1; i <= n_fits; i++) {
        k = split(fits[i], f, " ")
        if (f[4] == "FAILED") {
            printf "| %s | %s | %s | **failed**: %s | | | | | | |\n",
                f[1], f[2], f[3], substr(fits[i], index(fits[i], "FAILED") + 7)
            continue
        }
        printf "| %s | %s | %s | %s | %s | %s (%s) | %s (%s) | %s of %s " \
            "| %s of %s | %s |\n", f[1], f[2], f[3], f[4], commas(f[5]),
            commas(f[6]), commas(f[7]), commas(f[8]), commas(f[9]),
            commas(f[10]), commas(f[11]), commas(f[12]), commas(f[13]), f[14]
    }
}

# mine ÷ TFLM's k against the target ratio: "0.44 met", "0.64 over".
function target_cell(m, k, mine, limit,    r) {
    if (!have("tflm", m, k) || mine == "")
        return "n/a"
    r = mine / get("tflm", m, k)
    return sprintf("%.4f %s", r, r <= limit ? "met" : "**over**")
}

# Issue 8's targets, as mcn ÷ TFLM (below the limit is met).
function table5(    i, m, ia, ga) {
    print "| model | instructions ÷ CMSIS-NN's (≤ 0.45): interpreter / " \
          "generated | arena ÷ TFLM ref's (≤ 0.5) | code ÷ CMSIS-NN's " \
          "(≤ 0.2): interpreter / generated | code ÷ TFLM ref's (≤ 0.35): " \
          "interpreter / generated |"
    print "|---|---:|---:|---:|---:|"
    for (i = 1; i <= n_models; i++) {
        m = models[i]
        if (!have("tflm", m, "macs"))
            continue
        ia = get("mcn", m, "code_bytes")
        ga = have("gen", m, "code_bytes") ? get("gen", m, "code_bytes") : ""
        printf "| %s | %s / %s | %s | %s / %s | %s / %s |\n", m,
            target_cell(m, "cmsis_insns", get("mcn", m, "instructions"),
                        0.45),
            target_cell(m, "cmsis_insns", have("gen", m, "instructions") ? \
                        get("gen", m, "instructions") : "", 0.45),
            target_cell(m, "ref_arena", get("mcn", m, "arena_bytes"), 0.5),
            target_cell(m, "cmsis_flash", ia, 0.2),
            target_cell(m, "cmsis_flash", ga, 0.2),
            target_cell(m, "ref_flash", ia, 0.35),
            target_cell(m, "ref_flash", ga, 0.35)
    }
}

function summary(    i, m, insns) {
    print "| model | instructions | TFLM ref ÷ mcn | CMSIS-NN ÷ mcn | SRAM: arena + stack | CMSIS-NN arena ÷ mcn | code | CMSIS-NN code ÷ mcn |"
    print "|---|---:|---:|---:|---:|---:|---:|---:|"
    for (i = 1; i <= n_models; i++) {
        m = models[i]
        insns = get("mcn", m, "instructions")
        printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", m,
            commas(insns), tflm_ratio(m, "ref_insns", insns),
            tflm_ratio(m, "cmsis_insns", insns),
            commas(get("mcn", m, "arena_bytes") + \
                   get("mcn", m, "stack_bytes")),
            tflm_ratio(m, "cmsis_arena", get("mcn", m, "arena_bytes") + \
                       get("mcn", m, "stack_bytes")),
            commas(get("mcn", m, "code_bytes")),
            tflm_ratio(m, "cmsis_flash", get("mcn", m, "code_bytes"))
    }
    print ""
    print "From bench/results.md, " meta["date"] ", commit " meta["commit"] \
          "; above 1, mcn needs less."
}

END {
    if (part == "summary") {
        summary()
        exit
    }
    print "# mcn benchmarks"
    print ""
    print "Written by `make bench` (bench/bench.sh) on " meta["date"] \
          "; nothing in it is typed by hand."
    print ""
    print "- machine: " meta["machine"]
    print "- mcn: commit " meta["commit"]
    print "- emulator: " meta["qemu"] ", machine " meta["board"] \
          ", `-icount shift=0`"
    print "- compiler: " meta["gcc"]
    print "- TFLM: ../shared/reference/tflm/figures.md (TFLM " \
          "90b983c2b3f1480642e040bbd2ddb37b998f3424, CMSIS-NN " \
          "4ab83cc3cc98fb85ed6dafb55e8ca02f1628dcae), measured the same way"
    print ""
    print "## Against TFLite Micro"
    print ""
    print "One inference on input row 3 of TFLM's reference inputs " \
          "(MNIST: row 3 of examples/mnist/first4_x.npy), counted as " \
          "TFLM's figures are: SysTick ticks around mcn_invoke, " \
          "1 ns per instruction. Ratios are TFLM ÷ mcn: above 1, mcn " \
          "needs less. SRAM is mcn's arena plus its stack high-water " \
          "mark (mcn_init and the inference); TFLM's arena_used_bytes " \
          "counts no stack. Code is the engine's .text + .rodata + " \
          ".data from the linker map, as TFLM+kernels flash is; model " \
          "data is the packed model, next to the .tflite file TFLM " \
          "reads in place. MACs as figures.md counts them."
    print ""
    table1()
    print ""
    print "## The engine's targets"
    print ""
    print "The same figures the other way up, as mcn ÷ TFLM, against the " \
          "targets the engine is built to (issue 8): instructions at most " \
          "0.45x TFLM + CMSIS-NN's, arena (scratch included; stack not, " \
          "as TFLM's arena_used_bytes has none) at most 0.5x TFLM's, " \
          "code at most 0.2x TFLM + CMSIS-NN's and 0.35x TFLM reference's. " \
          "README.md says what stands in the way of the figures over " \
          "their target."
    print ""
    table5()
    print ""
    print "## Instructions per MAC by layer kind"
    print ""
    print "From the per-operator counts of the same inference " \
          "(mcn_set_op_hook): instructions per MAC of each kind and, in " \
          "brackets, its share of the inference; layers without MACs are " \
          "\"the rest\". \"—\": the model has none of that kind."
    print ""
    table2()
    print ""
    print "## Host tools"
    print ""
    print "Wall seconds on the machine above for " host["model"] \
          " (tests/data/onnx-nets), " host["samples"] " calibration " \
          "samples generated by bench/calib_npy.awk."
    print ""
    table3()
    if (n_fits) {
        print ""
        print "## TinyNAS, board by board"
        print ""
        print "nas/fit_boards.sh: " host["model"] " fitted to each board " \
              "by `mcn-nas --board B --calib` (defaults: space over the " \
              "full grid, then the search; fitness MACs), then " \
              "`mcn-quantize`, `mcn-pack --target` the board's core, " \
              "`mcn-info --json` (arena and model, within what mcn-nas " \
              "allows the model: the memories less a 4K stack, 256 B of " \
              "data and 16K of code) and nas/fit_check.sh (the generated " \
              "firmware linked into `mcn-nas ld`'s script of exactly the " \
              "board's memories)."
        print ""
        table4()
    }
}
