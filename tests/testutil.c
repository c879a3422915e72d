/* testutil.c: see testutil.h. */
#include "testutil.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char *slurp_fd(FILE *f)
{
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    if (!buf)
        return NULL;
    size_t got;
    while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n - 1 == 0) {
            char *p = realloc(buf, cap * 2);
            if (!p)
                break;
            buf = p;
            cap *= 2;
        }
    }
    buf[n] = 0;
    return buf;
}

int tu_run(const char *cmd, char **out, char **err)
{
    char errpath[] = "/tmp/mcn-tu-errXXXXXX";
    int efd = mkstemp(errpath);
    if (efd < 0)
        return -1;
    close(efd);
    size_t len = strlen(cmd) + strlen(errpath) + 32;
    char *full = malloc(len);
    if (!full)
        return -1;
    snprintf(full, len, "(%s) 2>%s", cmd, errpath);
    FILE *p = popen(full, "r");
    free(full);
    if (!p) {
        unlink(errpath);
        return -1;
    }
    char *o = slurp_fd(p);
    int st = pclose(p);
    if (out)
        *out = o;
    else
        free(o);
    if (err) {
        FILE *f = fopen(errpath, "r");
        *err = f ? slurp_fd(f) : NULL;
        if (f)
            fclose(f);
    }
    unlink(errpath);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

char *tu_mkdtemp(void)
{
    const char *base = getenv("TMPDIR");
    char buf[512];
    snprintf(buf, sizeof buf, "%s/mcn-test-XXXXXX", base ? base : "/tmp");
    char *d = mkdtemp(buf);
    return d ? strdup(d) : NULL;
}

void tu_rmdir(char *dir)
{
    if (!dir)
        return;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    free(dir);
}

char *tu_scratch;

void tu_scratch_setup(void)
{
    tu_scratch = tu_mkdtemp();
    ck_assert_ptr_nonnull(tu_scratch);
}

void tu_scratch_teardown(void)
{
    tu_rmdir(tu_scratch);
    tu_scratch = NULL;
}

uint8_t *tu_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *s = slurp_fd(f);  /* binary-safe apart from the added NUL */
    long n = ftell(f);
    fclose(f);
    if (s && len)
        *len = n > 0 ? (size_t)n : 0;
    return (uint8_t *)s;
}

int tu_write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t w = fwrite(data, 1, len, f);
    return fclose(f) == 0 && w == len ? 0 : -1;
}

int tu_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

int tu_count_lines(const char *s)
{
    int n = 0;
    for (; s && *s; s++)
        if (*s == '\n' || s[1] == 0)
            n++;
    return n;
}

uint8_t *tu_flatc(const char *schema, const char *json_path,
                  const char *out_dir, const char *ext, size_t *len,
                  char **err)
{
    char cmd[2048], path[1024];
    snprintf(cmd, sizeof cmd, "flatc -o '%s' -b '%s' '%s'", out_dir, schema,
             json_path);
    if (tu_run(cmd, NULL, err) != 0)
        return NULL;
    const char *base = strrchr(json_path, '/');
    base = base ? base + 1 : json_path;
    size_t n = strlen(base);
    if (n > 5 && !strcmp(base + n - 5, ".json"))
        n -= 5;
    snprintf(path, sizeof path, "%s/%.*s.%s", out_dir, (int)n, base, ext);
    return tu_read_file(path, len);
}

int tu_gen_build(const char *dir, const char *model, char **err)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "%s '%s' -o '%s' && %s -std=c11 -D_POSIX_C_SOURCE=200809L -O1 "
             "-Wall -Wextra -Werror %s -I'%s' -I%s/engine -I%s/formats "
             "'%s/net.c' %s/tests/gen_host_main.c %s/lib/libmcnhost.a "
             "%s/lib/libmcn.a -lprotobuf-c -lz -lm -o '%s/host'",
             TU_BIN("mcn-gen"), model, dir, MCN_CC, MCN_SANFLAGS, dir,
             MCN_SRC_DIR, MCN_SRC_DIR, dir, MCN_SRC_DIR, MCN_BUILD_DIR,
             MCN_BUILD_DIR, dir);
    return tu_run(cmd, NULL, err);
}
