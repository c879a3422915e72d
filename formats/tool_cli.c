/* tool_cli.c: the tools' shared command-line behaviour (tool_cli.h). */
#include "tool_cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void tool_cli_standard(int argc, char **argv, const char *name,
                       const char *help)
{
    for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(help, stdout);
            if (help[0] && help[strlen(help) - 1] != '\n')
                fputc('\n', stdout);
            exit(0);
        }
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
