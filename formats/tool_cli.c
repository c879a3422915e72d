/* tool_cli.c: the tools' shared command-line behaviour (tool_cli.h). */
#include "tool_cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char tool_exit_help[] =
    "Exit status (sysexits):\n"
    "  0   success\n"
    "  64  a usage mistake: the command line is wrong\n"
    "  65  bad data: an input is malformed, unsupported or refused\n"
    "  66  an input file cannot be opened\n"
    "  69  a program it needs is not installed\n"
    "  70  a program it runs failed or crashed\n"
    "  71  out of memory, or a program it runs cannot be started\n"
    "  73  the output file cannot be created\n"
    "  74  a read or write failed part way\n";

void tool_cli_help(const char *help)
{
    fputs(help, stdout);
    if (help[0] && help[strlen(help) - 1] != '\n')
        fputc('\n', stdout);
    fputc('\n', stdout);
    fputs(tool_exit_help, stdout);
    exit(0);
}

void tool_cli_standard(int argc, char **argv, const char *name,
                       const char *help)
{
    for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
            tool_cli_help(help);
        if (!strcmp(argv[i], "--version")) {
            printf("%s (mcn) %s\n", name, MCN_VERSION);
            exit(0);
        }
    }
}

int tool_usage(const char *name, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (see %s --help)\n", name);
    return TOOL_EX_USAGE;
}

int tool_bad_arg(const char *name, const char *arg,
                 const char *const *valued)
{
    for (int i = 0; valued && valued[i]; i++)
        if (!strcmp(arg, valued[i]))
            return tool_usage(name, "missing a value after '%s'", arg);
    if (arg[0] == '-' && arg[1])
        return tool_usage(name, "unknown option '%s'", arg);
    return tool_usage(name, "unexpected argument '%s'", arg);
}

int tool_fail(const char *file, const mcn_err *e)
{
    fprintf(stderr, "%s: %s\n", file, e->msg);
    return mcn_exit_status(e);
}
