/* tool_args.c: see tool_args.h. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tool_args.h"
#include "tool_cli.h"

int tool_usage_error(const tool_args *t, const char *what, const char *arg)
{
    fprintf(stderr, "%s: %s%s%s%s (see %s --help)\n", t->tool, what,
            arg ? " '" : "", arg ? arg : "", arg ? "'" : "", t->tool);
    return t->usage_status;
}

int tool_args_parse(const tool_args *t, int argc, char **argv,
                    const char **in, const char **out)
{
    *in = NULL;
    *out = NULL;
    tool_cli_standard(argc, argv, t->tool, t->help);
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        if (!strcmp(s, "-h") || !strcmp(s, "--help")) {
            fputs(t->help, stdout);
            return 0;
        } else if (t->flag && t->flag(s, t->user)) {
            continue;
        } else if (!strcmp(s, "-o")) {
            if (i + 1 >= argc)
                return tool_usage_error(t, "missing a file name after", s);
            *out = argv[++i];
        } else if (s[0] == '-' && s[1]) {
            return tool_usage_error(t, "unknown option", s);
        } else if (*in) {
            return tool_usage_error(t, "more than one input model:", s);
        } else {
            *in = s;
        }
    }
    if (!*in)
        return tool_usage_error(t, "no model given", NULL);
    if ((!*out || !strcmp(*out, "-")) && isatty(STDOUT_FILENO))
        return tool_usage_error(t, "will not write a binary model to a "
                                "terminal; use -o FILE or a pipe", NULL);
    return -1;
}
