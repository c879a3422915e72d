/*
** tool_cli.h: what every mcn tool's command line has in common.
**   --help, -h   the full help text on stdout, exit 0
**   --version    "NAME (mcn) VERSION" on stdout, exit 0
**   a mistake    one line on stderr, exit 64 (sysexits' EX_USAGE)
** The man pages (man/) are made from the help texts (man/make_man.sh).
*/
#ifndef MCN_TOOL_CLI_H
#define MCN_TOOL_CLI_H

#define MCN_VERSION "0.11"
#define TOOL_EX_USAGE 64

/* Handles --help/-h and --version anywhere before a "--" argument, which
   it does not return from; `help` begins with the tool's usage lines. */
void tool_cli_standard(int argc, char **argv, const char *name,
                       const char *help);

/* "NAME: WHAT (see NAME --help)" on stderr; returns TOOL_EX_USAGE. */
int tool_usage(const char *name, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
