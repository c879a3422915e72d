/*
** dir_list.h: the regular files below a directory, as a data set keeps
** them (ImageNet's class folders): recursively, dot-files and
** dot-directories skipped (.git, .DS_Store, editors' backups), each
** named by its path relative to the directory, in strcmp order of those
** paths so that every machine reads them in the same order. Symbolic
** links are followed; one that leads back to a directory being listed
** is an error rather than an endless walk.
*/
#ifndef MCN_DIR_LIST_H
#define MCN_DIR_LIST_H

#include <stddef.h>

#include "err.h"

typedef struct {
    char **paths;    /* relative: "cat/001.png" */
    size_t n;
} dir_list;

/* Errors start with the path they concern ("DIR/sub: cannot open ..."). */
int dir_list_files(const char *dir, dir_list *l, mcn_err *e);
void dir_list_free(dir_list *l);
/* "dir/rel" (one '/' between them), malloc'd; NULL when out of memory. */
char *dir_join(const char *dir, const char *rel);

#endif
