/* dir_list.c: see dir_list.h. */
#include "dir_list.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#define WALK_MAX_DEPTH 64

typedef struct {
    const char *root;
    dir_list *l;
    size_t cap;
    struct {
        dev_t dev;
        ino_t ino;
    } up[WALK_MAX_DEPTH];   /* the directories being listed, root first */
    int depth;
} walker;

char *dir_join(const char *dir, const char *rel)
{
    size_t n = strlen(dir);
    if (!*rel)
        return strdup(dir);
    int slash = n > 0 && dir[n - 1] != '/';
    char *p = malloc(n + (size_t)slash + strlen(rel) + 1);
    if (p) {
        memcpy(p, dir, n);
        if (slash)
            p[n] = '/';
        strcpy(p + n + (size_t)slash, rel);
    }
    return p;
}

void dir_list_free(dir_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->paths[i]);
    free(l->paths);
    l->paths = NULL;
    l->n = 0;
}

static int add_file(walker *w, char *rel, mcn_err *e)
{
    if (w->l->n == w->cap) {
        size_t cap = w->cap ? 2 * w->cap : 64;
        char **p = realloc(w->l->paths, cap * sizeof *p);
        if (!p) {
            free(rel);
            return mcn_fail(e, "%s: out of memory listing it", w->root);
        }
        w->l->paths = p;
        w->cap = cap;
    }
    w->l->paths[w->l->n++] = rel;
    return 0;
}

static int walk(walker *w, const char *rel, const struct stat *st,
                mcn_err *e);

/* One entry of directory `rel`: a file to keep, a directory to walk. */
static int visit(walker *w, const char *rel, const char *name, mcn_err *e)
{
    char *child = *rel ? dir_join(rel, name) : strdup(name);
    char *path = child ? dir_join(w->root, child) : NULL;
    struct stat st;
    int rc = 0;
    if (!path)
        rc = mcn_fail(e, "%s: out of memory listing it", w->root);
    else if (stat(path, &st) != 0)
        rc = mcn_fail(e, "%s: cannot open: %s", path, strerror(errno));
    else if (S_ISDIR(st.st_mode))
        rc = walk(w, child, &st, e);
    else if (S_ISREG(st.st_mode)) {
        rc = add_file(w, child, e);
        child = NULL;  /* the list owns it */
    }
    free(path);
    free(child);
    return rc;
}

static int walk(walker *w, const char *rel, const struct stat *st,
                mcn_err *e)
{
    char *path = dir_join(w->root, rel);
    if (!path)
        return mcn_fail(e, "%s: out of memory listing it", w->root);
    for (int k = 0; k < w->depth; k++)
        if (w->up[k].dev == st->st_dev && w->up[k].ino == st->st_ino) {
            int rc = mcn_fail(e, "%s: a link back to a directory above it",
                              path);
            free(path);
            return rc;
        }
    if (w->depth == WALK_MAX_DEPTH) {
        int rc = mcn_fail(e, "%s: directories nested more than %d deep",
                          path, WALK_MAX_DEPTH);
        free(path);
        return rc;
    }
    DIR *d = opendir(path);
    if (!d) {
        int rc = mcn_fail(e, "%s: cannot open the directory: %s", path,
                          strerror(errno));
        free(path);
        return rc;
    }
    w->up[w->depth].dev = st->st_dev;
    w->up[w->depth].ino = st->st_ino;
    w->depth++;
    int rc = 0;
    struct dirent *ent;
    while (!rc && (ent = readdir(d)))
        if (ent->d_name[0] != '.')
            rc = visit(w, rel, ent->d_name, e);
    w->depth--;
    closedir(d);
    free(path);
    return rc;
}

static int by_strcmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int dir_list_files(const char *dir, dir_list *l, mcn_err *e)
{
    l->paths = NULL;
    l->n = 0;
    walker w;
    memset(&w, 0, sizeof w);
    w.root = dir;
    w.l = l;
    struct stat st;
    if (stat(dir, &st) != 0)
        return mcn_fail(e, "%s: cannot open: %s", dir, strerror(errno));
    if (walk(&w, "", &st, e)) {
        dir_list_free(l);
        return -1;
    }
    if (l->n > 1)
        qsort(l->paths, l->n, sizeof *l->paths, by_strcmp);
    return 0;
}
