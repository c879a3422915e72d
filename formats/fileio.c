/*
** fileio.c: whole-file reads, and writes that either replace the target
** completely or leave it (and its directory) as they were.
*/
/* realpath() */
#define _XOPEN_SOURCE 700

#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

static int is_std(const char *path)
{
    return path == NULL || strcmp(path, "-") == 0;
}

int file_read_all(const char *path, uint8_t **buf, size_t *len, mcn_err *e)
{
    *buf = NULL;
    *len = 0;
    int use_stdin = is_std(path);
    FILE *f = use_stdin ? stdin : fopen(path, "rb");
    if (!f)
        return mcn_fail_status(e, MCN_EX_NOINPUT, "cannot open: %s", strerror(errno));
    /* Read in growing chunks: stdin has no size to ask for in advance. */
    size_t cap = 1 << 16, n = 0;
    uint8_t *p = malloc(cap);
    int rc = 0;
    while (p) {
        if (n == cap) {
            uint8_t *q = cap <= SIZE_MAX / 2 ? realloc(p, cap * 2) : NULL;
            if (!q) {
                free(p);
                p = NULL;
                break;
            }
            p = q;
            cap *= 2;
        }
        size_t got = fread(p + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    if (!p)
        rc = mcn_fail_status(e, MCN_EX_OSERR, "out of memory reading the file");
    else if (ferror(f))
        rc = mcn_fail_status(e, errno == EISDIR ? MCN_EX_NOINPUT : MCN_EX_IOERR,
                             "cannot read: %s", strerror(errno));
    if (!use_stdin)
        fclose(f);
    if (rc) {
        free(p);
        return rc;
    }
    uint8_t *fit = realloc(p, n ? n : 1);  /* give back the slack */
    *buf = fit ? fit : p;
    *len = n;
    return 0;
}

static int write_all(int fd, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    while (len) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

/* The temporary lives beside the target so rename() never crosses file
   systems and so is atomic. */
static char *temp_template(const char *path)
{
    const char *slash = strrchr(path, '/');
    size_t dir = slash ? (size_t)(slash - path) + 1 : 0;
    const char *base = path + dir;
    size_t n = dir + 1 + strlen(base) + sizeof ".tmpXXXXXX";
    char *t = malloc(n);
    if (t)
        snprintf(t, n, "%.*s.%s.tmpXXXXXX", (int)dir, path, base);
    return t;
}

/* ---- a signal while the temporary exists removes it ---- */

static const int caught[] = {SIGINT, SIGTERM, SIGHUP};
#define N_CAUGHT (sizeof caught / sizeof caught[0])
static struct sigaction saved[N_CAUGHT];
static bool installed[N_CAUGHT];
static char *volatile live_tmp;
static void (*before_rename)(void);

/* Async-signal-safe: unlink, then the tool's own disposition (a handler
   of its own, or death by the signal) takes the signal again. */
static void on_signal(int sig)
{
    char *t = live_tmp;
    if (t)
        unlink(t);
    for (size_t i = 0; i < N_CAUGHT; i++)
        if (caught[i] == sig)
            sigaction(sig, &saved[i], NULL);
    raise(sig);
}

static void guard_temp(char *tmp)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    live_tmp = tmp;
    for (size_t i = 0; i < N_CAUGHT; i++) {
        /* An ignored signal cannot interrupt us: leave it ignored. */
        installed[i] = sigaction(caught[i], NULL, &saved[i]) == 0 &&
                       saved[i].sa_handler != SIG_IGN &&
                       sigaction(caught[i], &sa, NULL) == 0;
    }
}

static void unguard_temp(void)
{
    for (size_t i = 0; i < N_CAUGHT; i++)
        if (installed[i])
            sigaction(caught[i], &saved[i], NULL);
    live_tmp = NULL;
}

void file_write_test_hook(void (*hook)(void))
{
    before_rename = hook;
}

static int write_beside(const char *path, const void *buf, size_t len,
                        mcn_err *e);

static int write_into(const char *path, const void *buf, size_t len,
                      mcn_err *e)
{
    int fd = open(path, O_WRONLY);
    if (fd < 0)
        return mcn_fail_status(e, MCN_EX_CANTCREAT, "cannot open: %s",
                               strerror(errno));
    int ok = write_all(fd, buf, len) == 0, err = errno;
    if (close(fd) != 0 && ok) {
        ok = 0;
        err = errno;
    }
    return ok ? 0 : mcn_fail_status(e, MCN_EX_IOERR, "cannot write: %s",
                                     strerror(err));
}

int file_write_atomic(const char *path, const void *buf, size_t len,
                      mcn_err *e)
{
    if (is_std(path)) {
        if (fwrite(buf, 1, len, stdout) != len || fflush(stdout))
            return mcn_fail_status(e, MCN_EX_IOERR,
                                   "cannot write: %s", strerror(errno));
        return 0;
    }
    if (*path == '\0' || path[strlen(path) - 1] == '/')
        return mcn_fail_status(e, MCN_EX_CANTCREAT,
                               "cannot write: not a file name");
    /* A symlink is written through (the link stays, its file is
       replaced); a file nobody may write is left alone, as cp would. */
    struct stat st;
    char *real = NULL;
    if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
        if (!(real = realpath(path, NULL)))
            return mcn_fail_status(e, MCN_EX_CANTCREAT,
                                   "cannot write: a symlink to nothing (%s)",
                                   strerror(errno));
        path = real;
    }
    bool exists = stat(path, &st) == 0;
    if (exists && S_ISREG(st.st_mode) &&
        ((st.st_mode & 0222) == 0 || access(path, W_OK) != 0)) {
        free(real);
        return mcn_fail_status(e, MCN_EX_CANTCREAT,
                               "cannot write: the file is read-only");
    }
    if (exists && S_ISDIR(st.st_mode)) {
        free(real);
        return mcn_fail_status(e, MCN_EX_CANTCREAT,
                               "cannot write: it is a directory");
    }
    /* A device or a FIFO (/dev/null, /dev/full, a named pipe) is written
       into: renaming a file over it would replace the device itself for
       everyone, as root may. */
    int rc = exists && !S_ISREG(st.st_mode) ? write_into(path, buf, len, e)
                                            : write_beside(path, buf, len, e);
    free(real);
    return rc;
}

static int write_beside(const char *path, const void *buf, size_t len,
                        mcn_err *e)
{
    char *tmp = temp_template(path);
    if (!tmp)
        return mcn_fail_status(e, MCN_EX_OSERR, "out of memory");
    guard_temp(tmp);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        unguard_temp();
        int rc = mcn_fail_status(e, MCN_EX_CANTCREAT,
                                 "cannot create a file beside it: %s",
                                 strerror(errno));
        free(tmp);
        return rc;
    }
    /* mkstemp makes the file 0600; a model is an ordinary output file. */
    mode_t mask = umask(0);
    umask(mask);
    const char *stage = "cannot write";
    int ok = fchmod(fd, 0666 & ~mask) == 0;
    ok = ok && write_all(fd, buf, len) == 0;
    if (ok) {
        stage = "cannot sync";
        ok = fsync(fd) == 0;
    }
    int err = errno;
    if (close(fd) != 0 && ok) {
        ok = 0;
        err = errno;
    }
    if (ok && before_rename)
        before_rename();
    if (ok) {
        stage = "cannot replace";
        ok = rename(tmp, path) == 0;
        err = errno;
    }
    if (!ok)
        unlink(tmp);
    unguard_temp();
    free(tmp);
    return ok ? 0 : mcn_fail_status(e, MCN_EX_IOERR, "%s: %s", stage,
                                     strerror(err));
}
