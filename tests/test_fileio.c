/* test_fileio.c: whole-file reads, stdin/stdout, and writes that leave
   either the complete new file or nothing at all. */
#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fileio.h"
#include "testutil.h"

/* Number of entries in dir besides . and .. */
static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    int n = 0;
    struct dirent *ent;
    while ((ent = readdir(d)))
        n += strcmp(ent->d_name, ".") != 0 && strcmp(ent->d_name, "..") != 0;
    closedir(d);
    return n;
}

START_TEST(write_then_replace)
{
    char *dir = tu_mkdtemp(), path[512];
    snprintf(path, sizeof path, "%s/out.bin", dir);
    mcn_err e = {0};
    mode_t old = umask(022);
    ck_assert_msg(file_write_atomic(path, "first version", 13, &e) == 0,
                  "%s", e.msg);
    umask(old);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0644);  /* not mkstemp's 0600 */
    /* A reader holding the old file keeps seeing it: a new inode. */
    int fd = open(path, O_RDONLY);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(file_write_atomic(path, "v2", 2, &e), 0);
    char old_bytes[13];
    ck_assert_int_eq(read(fd, old_bytes, sizeof old_bytes), 13);
    ck_assert_mem_eq(old_bytes, "first version", 13);
    close(fd);
    uint8_t *buf;
    size_t len;
    ck_assert_int_eq(file_read_all(path, &buf, &len, &e), 0);
    ck_assert_uint_eq(len, 2);
    ck_assert_mem_eq(buf, "v2", 2);
    free(buf);
    ck_assert_int_eq(count_entries(dir), 1);  /* no temporary left */
    /* Empty files and files larger than one read chunk. */
    ck_assert_int_eq(file_write_atomic(path, "", 0, &e), 0);
    ck_assert_int_eq(file_read_all(path, &buf, &len, &e), 0);
    ck_assert_uint_eq(len, 0);
    free(buf);
    size_t big = 200000;
    uint8_t *data = malloc(big);
    for (size_t i = 0; i < big; i++)
        data[i] = (uint8_t)(i * 31 + (i >> 9));
    ck_assert_int_eq(file_write_atomic(path, data, big, &e), 0);
    ck_assert_int_eq(file_read_all(path, &buf, &len, &e), 0);
    ck_assert_uint_eq(len, big);
    ck_assert_mem_eq(buf, data, big);
    free(buf);
    free(data);
    tu_rmdir(dir);
}
END_TEST

START_TEST(failed_write_leaves_nothing)
{
    char *dir = tu_mkdtemp(), path[512];
    mcn_err e = {0};
    /* The target is a directory: refused before a temporary is made. */
    snprintf(path, sizeof path, "%s/sub", dir);
    ck_assert_int_eq(mkdir(path, 0755), 0);
    ck_assert_int_eq(file_write_atomic(path, "x", 1, &e), -1);
    ck_assert_str_eq(e.msg, "cannot write: it is a directory");
    ck_assert_int_eq(e.status, MCN_EX_CANTCREAT);
    ck_assert_int_eq(count_entries(dir), 1);
    ck_assert_int_eq(count_entries(path), 0);
    /* The directory does not exist. */
    snprintf(path, sizeof path, "%s/missing/out.bin", dir);
    ck_assert_int_eq(file_write_atomic(path, "x", 1, &e), -1);
    ck_assert_str_eq(e.msg,
                     "cannot create a file beside it: No such file or "
                     "directory");
    ck_assert_int_eq(count_entries(dir), 1);
    /* A name that names no file. */
    snprintf(path, sizeof path, "%s/", dir);
    ck_assert_int_eq(file_write_atomic(path, "x", 1, &e), -1);
    ck_assert_str_eq(e.msg, "cannot write: not a file name");
    /* An unwritable directory (root may write anywhere: then skip). */
    snprintf(path, sizeof path, "%s/ro", dir);
    ck_assert_int_eq(mkdir(path, 0555), 0);
    if (access(path, W_OK) != 0) {
        snprintf(path, sizeof path, "%s/ro/out.bin", dir);
        ck_assert_int_eq(file_write_atomic(path, "x", 1, &e), -1);
        ck_assert_str_eq(e.msg,
                         "cannot create a file beside it: Permission denied");
        snprintf(path, sizeof path, "%s/ro", dir);
        ck_assert_int_eq(count_entries(path), 0);
    }
    tu_rmdir(dir);
}
END_TEST

static void exit_7(int sig)
{
    (void)sig;
    _exit(7);
}

static void raise_term(void)
{
    raise(SIGTERM);
}

/* A signal after the temporary is written, before the rename: the
   process dies of it, the temporary is gone, the old file is as it was. */
START_TEST(signal_mid_write_leaves_the_old_file)
{
    char *dir = tu_mkdtemp(), path[512];
    mcn_err e = {0};
    snprintf(path, sizeof path, "%s/out.bin", dir);
    ck_assert_int_eq(file_write_atomic(path, "old", 3, &e), 0);
    pid_t pid = fork();
    if (pid == 0) {   /* no ck_ calls in the child: they report as the test */
        /* Check's runner forwards SIGTERM to its process group: the
           child takes the default a tool starts with. */
        signal(SIGTERM, SIG_DFL);
        file_write_test_hook(raise_term);
        file_write_atomic(path, "new!", 4, &e);
        _exit(0);   /* not reached: SIGTERM's default kills */
    }
    int st;
    ck_assert_int_gt(pid, 0);
    ck_assert_int_eq(waitpid(pid, &st, 0), pid);
    ck_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
    ck_assert_int_eq(count_entries(dir), 1);
    size_t len;
    uint8_t *got = tu_read_file(path, &len);
    ck_assert_uint_eq(len, 3);
    ck_assert_mem_eq(got, "old", 3);
    free(got);
    /* A tool's own handler still gets the signal, after the cleanup. */
    pid = fork();
    if (pid == 0) {
        signal(SIGTERM, exit_7);
        file_write_test_hook(raise_term);
        file_write_atomic(path, "new!", 4, &e);
        _exit(0);
    }
    ck_assert_int_gt(pid, 0);
    ck_assert_int_eq(waitpid(pid, &st, 0), pid);
    ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 7);
    ck_assert_int_eq(count_entries(dir), 1);
    tu_rmdir(dir);
}
END_TEST

static void expect_content(const char *path, const char *want)
{
    size_t len;
    uint8_t *got = tu_read_file(path, &len);
    ck_assert_ptr_nonnull(got);
    ck_assert_uint_eq(len, strlen(want));
    ck_assert_mem_eq(got, want, len);
    free(got);
}

/* What -o does to what is already there: a read-only file is refused and
   kept, a symlink is written through and stays a link. */
START_TEST(read_only_and_symlink_targets)
{
    char *dir = tu_mkdtemp(), path[512], link[512];
    mcn_err e = {0};
    snprintf(path, sizeof path, "%s/ro.bin", dir);
    ck_assert_int_eq(file_write_atomic(path, "keep", 4, &e), 0);
    ck_assert_int_eq(chmod(path, 0444), 0);
    ck_assert_int_eq(file_write_atomic(path, "lost", 4, &e), -1);
    ck_assert_str_eq(e.msg, "cannot write: the file is read-only");
    expect_content(path, "keep");
    ck_assert_int_eq(count_entries(dir), 1);
    /* Through a link to a writable file. */
    snprintf(path, sizeof path, "%s/real.bin", dir);
    snprintf(link, sizeof link, "%s/link.bin", dir);
    ck_assert_int_eq(file_write_atomic(path, "old", 3, &e), 0);
    ck_assert_int_eq(symlink("real.bin", link), 0);
    ck_assert_int_eq(file_write_atomic(link, "new", 3, &e), 0);
    struct stat st;
    ck_assert_int_eq(lstat(link, &st), 0);
    ck_assert(S_ISLNK(st.st_mode));
    expect_content(path, "new");
    /* A link to nothing is refused, and left. */
    snprintf(link, sizeof link, "%s/dangling.bin", dir);
    ck_assert_int_eq(symlink("nowhere/x.bin", link), 0);
    ck_assert_int_eq(file_write_atomic(link, "x", 1, &e), -1);
    ck_assert_str_eq(e.msg, "cannot write: a symlink to nothing (No such "
                            "file or directory)");
    ck_assert_int_eq(count_entries(dir), 4);
    tu_rmdir(dir);
}
END_TEST

/* A device is written into, never renamed over: as root, a temporary
   renamed onto /dev/null made it a plain file for every program. A FIFO
   is read back to show the bytes went through it. */
START_TEST(devices_and_fifos_are_written_into)
{
    mcn_err e = {0};
    struct stat st;
    ck_assert_int_eq(file_write_atomic("/dev/null", "x", 1, &e), 0);
    ck_assert_int_eq(stat("/dev/null", &st), 0);
    ck_assert(S_ISCHR(st.st_mode));
    ck_assert_int_eq(file_write_atomic("/dev/full", "x", 1, &e), -1);
    ck_assert_str_eq(e.msg, "cannot write: No space left on device");
    ck_assert_int_eq(e.status, MCN_EX_IOERR);
    ck_assert_int_eq(stat("/dev/full", &st), 0);
    ck_assert(S_ISCHR(st.st_mode));
    char *dir = tu_mkdtemp(), fifo[512], cmd[1024], *out = NULL;
    snprintf(fifo, sizeof fifo, "%s/pipe", dir);
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    snprintf(cmd, sizeof cmd, "cat '%s' > '%s/got' &", fifo, dir);
    ck_assert_int_eq(system(cmd), 0);
    ck_assert_int_eq(file_write_atomic(fifo, "bytes", 5, &e), 0);
    snprintf(cmd, sizeof cmd, "cd '%s' && for i in $(seq 100); do "
             "[ \"$(cat got)\" = bytes ] && break; sleep 0.05; done; "
             "cat got", dir);
    ck_assert_int_eq(tu_run(cmd, &out, NULL), 0);
    ck_assert_str_eq(out, "bytes");
    ck_assert_int_eq(count_entries(dir), 2);
    free(out);
    tu_rmdir(dir);
}
END_TEST

START_TEST(read_errors_say_why)
{
    uint8_t *buf = (uint8_t *)"unchanged";
    size_t len = 5;
    mcn_err e = {0};
    ck_assert_int_eq(file_read_all("/nonexistent/f", &buf, &len, &e), -1);
    ck_assert_str_eq(e.msg, "cannot open: No such file or directory");
    ck_assert_ptr_null(buf);
    ck_assert_uint_eq(len, 0);
    char *dir = tu_mkdtemp();
    ck_assert_int_eq(file_read_all(dir, &buf, &len, &e), -1);
    ck_assert_str_eq(e.msg, "cannot read: Is a directory");
    tu_rmdir(dir);
}
END_TEST

/* "-" is stdin and stdout; swap the descriptors around the call. */
START_TEST(dash_is_stdin_and_stdout)
{
    char *dir = tu_mkdtemp(), path[512];
    snprintf(path, sizeof path, "%s/io", dir);
    ck_assert_int_eq(tu_write_file(path, "from stdin", 10), 0);
    int saved = dup(0), fd = open(path, O_RDONLY);
    dup2(fd, 0);
    close(fd);
    uint8_t *buf;
    size_t len;
    int rc = file_read_all("-", &buf, &len, NULL);
    dup2(saved, 0);
    close(saved);
    clearerr(stdin);
    ck_assert_int_eq(rc, 0);
    ck_assert_uint_eq(len, 10);
    ck_assert_mem_eq(buf, "from stdin", 10);
    free(buf);

    fflush(stdout);
    saved = dup(1);
    fd = open(path, O_WRONLY | O_TRUNC);
    dup2(fd, 1);
    close(fd);
    rc = file_write_atomic("-", "to stdout", 9, NULL);
    int rc2 = file_write_atomic(NULL, "!", 1, NULL);
    dup2(saved, 1);
    close(saved);
    ck_assert_int_eq(rc, 0);
    ck_assert_int_eq(rc2, 0);
    uint8_t *out = tu_read_file(path, &len);
    ck_assert_uint_eq(len, 10);
    ck_assert_mem_eq(out, "to stdout!", 10);
    free(out);
    ck_assert_int_eq(count_entries(dir), 1);
    tu_rmdir(dir);
}
END_TEST

Suite *suite_fileio(void)
{
    Suite *s = suite_create("fileio");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, write_then_replace);
    tcase_add_test(tc, failed_write_leaves_nothing);
    tcase_add_test(tc, signal_mid_write_leaves_the_old_file);
    tcase_add_test(tc, read_only_and_symlink_targets);
    tcase_add_test(tc, devices_and_fifos_are_written_into);
    tcase_add_test(tc, read_errors_say_why);
    tcase_add_test(tc, dash_is_stdin_and_stdout);
    suite_add_tcase(s, tc);
    return s;
}
