/*
** err.h: how host library code reports a failure. A function that can fail
** fills an mcn_err with one line (no trailing newline, no file name) and
** returns -1; the tool prints "FILE: MESSAGE" and exits with the error's
** status, so a script can tell bad data from a missing file or a full disk.
** The statuses are sysexits(3)'s.
*/
#ifndef MCN_ERR_H
#define MCN_ERR_H

enum {
    MCN_EX_USAGE = 64,    /* the command line is wrong */
    MCN_EX_DATAERR = 65,  /* the input is malformed or unsupported */
    MCN_EX_NOINPUT = 66,  /* an input file cannot be opened */
    MCN_EX_UNAVAILABLE = 69, /* a program it needs is not installed */
    MCN_EX_SOFTWARE = 70, /* a program it ran failed or crashed */
    MCN_EX_OSERR = 71,    /* out of memory, cannot start a program */
    MCN_EX_CANTCREAT = 73, /* the output file cannot be created */
    MCN_EX_IOERR = 74     /* reading or writing failed part way */
};

typedef struct {
    char msg[512];
    int status; /* one of MCN_EX_*; mcn_fail sets MCN_EX_DATAERR */
} mcn_err;

/* Format into e (if e is not NULL), status MCN_EX_DATAERR, and return -1. */
int mcn_fail(mcn_err *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The same with another status: fileio's, or a wrapped error's own. */
int mcn_fail_status(mcn_err *e, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* What a tool exits with after e: its status, or MCN_EX_DATAERR if e was
   filled some other way. */
int mcn_exit_status(const mcn_err *e);

#endif
