# sim_json.awk: the figures of one `mcn-sim --json` report (one line), as
# "MODEL KEY VALUE" lines for the numbers at its top level, and a
# "MODEL op KIND INSTRUCTIONS MACS" line per entry of "ops", in order:
#
#   awk -v model=vww_96_int8 -f bench/sim_json.awk sim.json
#
# Only what mcn-sim writes is understood: flat numbers, the
# instructions_per_sample array (skipped), strings, and "ops", an array of
# flat objects.
function field(obj, key,    r) {
    r = "\"" key "\": "
    if (!match(obj, r "(\"[^\"]*\"|-?[0-9]+)"))
        return ""
    r = substr(obj, RSTART + length(key) + 4, RLENGTH - length(key) - 4)
    gsub(/"/, "", r)
    return r
}

{
    text = text $0
}

END {
    if (model == "") {
        print "sim_json.awk: set -v model=NAME" > "/dev/stderr"
        exit 2
    }
    at = index(text, "\"ops\": [")
    if (!at) {
        printf "sim_json.awk: %s: no \"ops\" in the report\n", model \
            > "/dev/stderr"
        exit 1
    }
    top = substr(text, 1, at - 1)
    ops = substr(text, at + 8)
    gsub(/"instructions_per_sample": \[[^]]*\]/, "", top)
    while (match(top, /"[a-z_]+": -?[0-9]+/)) {
        kv = substr(top, RSTART, RLENGTH)
        top = substr(top, RSTART + RLENGTH)
        split(kv, p, /": /)
        print model, substr(p[1], 2), p[2]
    }
    while (match(ops, /\{[^}]*\}/)) {
        obj = substr(ops, RSTART, RLENGTH)
        ops = substr(ops, RSTART + RLENGTH)
        print model, "op", field(obj, "kind"), field(obj, "instructions"),
              field(obj, "macs")
    }
}
