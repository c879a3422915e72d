/* err.c: filling an mcn_err (err.h). */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>

static int fail_v(mcn_err *e, int status, const char *fmt, va_list ap)
{
    if (e) {
        vsnprintf(e->msg, sizeof e->msg, fmt, ap);
        e->status = status;
    }
    return -1;
}

int mcn_fail(mcn_err *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fail_v(e, MCN_EX_DATAERR, fmt, ap);
    va_end(ap);
    return -1;
}

int mcn_fail_status(mcn_err *e, int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fail_v(e, status, fmt, ap);
    va_end(ap);
    return -1;
}

int mcn_exit_status(const mcn_err *e)
{
    int s = e ? e->status : 0;
    return s >= MCN_EX_USAGE && s <= 78 ? s : MCN_EX_DATAERR;
}
