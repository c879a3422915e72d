/*
** tool_args.h: the command line of the tools that read one model and
** write one (mcn-import, mcn-export): MODEL or "-", -o FILE, -h/--help,
** the tool's own flags, and the refusal to write binary to a terminal.
*/
#ifndef MCN_TOOL_ARGS_H
#define MCN_TOOL_ARGS_H

typedef struct {
    const char *tool;    /* "mcn-export": error lines start with it */
    const char *help;    /* printed on stdout by -h/--help */
    int usage_status;    /* exit status of a usage error: TOOL_EX_USAGE */
    /* Another option s: 1 if the tool takes it, 0 if unknown. NULL:
       none. */
    int (*flag)(const char *s, void *user);
    void *user;
} tool_args;

/* Parse argv into *in and *out (NULL: stdout). Returns -1 to go on, or
   the status to exit with (0 after --help; usage_status after a usage
   error, reported on stderr in one line). */
int tool_args_parse(const tool_args *t, int argc, char **argv,
                    const char **in, const char **out);
/* One usage line, "TOOL: WHAT 'ARG' (see TOOL --help)"; returns
   t->usage_status. */
int tool_usage_error(const tool_args *t, const char *what, const char *arg);

#endif
