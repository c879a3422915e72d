/*
** fileio.h: whole-file reads and all-or-nothing writes for the host tools.
** "-" (or NULL for writes) means stdin / stdout, so tools compose in pipes.
*/
#ifndef MCN_FILEIO_H
#define MCN_FILEIO_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* Read all of `path` ("-" = stdin) into a malloc'd buffer. */
int file_read_all(const char *path, uint8_t **buf, size_t *len, mcn_err *e);
/* Write to `path` through a temporary file in the same directory and
   rename it into place, so a failure never leaves a partial file.
   NULL or "-" writes to stdout. */
int file_write_atomic(const char *path, const void *buf, size_t len,
                      mcn_err *e);
/* A symlink is written through: the link stays, the file it names is
   replaced. A file that may not be written (mode, owner) is refused,
   untouched. Reading a file whole first, a tool may write its own input.
   A SIGINT, SIGTERM or SIGHUP while the temporary exists removes it, then
   takes its course (the tool's own handler, or death).
   For tests: call hook once the temporary is written, before the rename
   (NULL: none), so a signal can be raised inside the window. */
void file_write_test_hook(void (*hook)(void));

#endif
