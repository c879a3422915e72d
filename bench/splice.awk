# splice.awk: a file with the lines between "<!-- bench:begin -->" and
# "<!-- bench:end -->" replaced by the file named by -v block (the marker
# lines stay), for README.md's benchmark summary:
#
#   awk -v block=summary.md -f bench/splice.awk README.md > README.new
#
# Exits 1, printing nothing, when either marker is missing.
{
    line[++n] = $0
    if ($0 == "<!-- bench:begin -->" && !begin)
        begin = n
    else if ($0 == "<!-- bench:end -->" && begin && !end)
        end = n
}

END {
    if (!begin || !end)
        exit 1
    for (i = 1; i <= begin; i++)
        print line[i]
    while ((getline l < block) > 0)
        print l
    for (i = end; i <= n; i++)
        print line[i]
}
