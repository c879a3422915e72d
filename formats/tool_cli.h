/*
** tool_cli.h: what every mcn tool's command line has in common.
**   --help, -h   the full help text on stdout, exit 0
**   --version    "NAME (mcn) VERSION" on stdout, exit 0
**   a mistake    one line on stderr, exit 64 (sysexits' EX_USAGE)
**   a failure    "FILE: MESSAGE" on stderr, exit the error's sysexits
**                status (err.h): 65 bad data, 66 cannot open, 73 cannot
**                create, 74 I/O, 71 out of memory
** The man pages (man/) are made from the help texts (man/make_man.sh).
*/
#ifndef MCN_TOOL_CLI_H
#define MCN_TOOL_CLI_H

#include "err.h"

#define MCN_VERSION "0.11"
#define TOOL_EX_USAGE MCN_EX_USAGE

/* The exit statuses every tool shares; --help ends with them. */
extern const char tool_exit_help[];

/* Handles --help/-h and --version anywhere before a "--" argument, which
   it does not return from; `help` begins with the tool's usage lines and
   tool_exit_help follows it. */
void tool_cli_standard(int argc, char **argv, const char *name,
                       const char *help);

/* "NAME: WHAT (see NAME --help)" on stderr; returns TOOL_EX_USAGE. */
int tool_usage(const char *name, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The usage mistake of an argument the tool's parser could not take:
   "missing a value after 'ARG'" when ARG is one of `valued` (the options
   that take a value, NULL-ended), "unknown option 'ARG'" for another
   option, "unexpected argument 'ARG'" otherwise. Returns TOOL_EX_USAGE. */
int tool_bad_arg(const char *name, const char *arg,
                 const char *const *valued);

/* help, then tool_exit_help, on stdout; exit 0. For a subcommand's own
   --help (tool_cli_standard does this for the tool's). */
void tool_cli_help(const char *help) __attribute__((noreturn));

/* "FILE: MESSAGE" on stderr; returns the status to exit with. */
int tool_fail(const char *file, const mcn_err *e);

#endif
