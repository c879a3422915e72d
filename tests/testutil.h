/*
** testutil.h: what the suites share: paths into the tree, running a tool
** and capturing what it printed, scratch directories, file checks.
*/
#ifndef MCN_TESTUTIL_H
#define MCN_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>

/* MCN_SRC_DIR, MCN_BUILD_DIR and MCN_SHARED_DIR come from the Makefile. */
#define TU_BIN(tool) MCN_BUILD_DIR "/bin/" tool
#define TU_SRC(path) MCN_SRC_DIR "/" path
#define TU_SHARED(path) MCN_SHARED_DIR "/" path

/* Run `cmd` with sh -c; stdout and stderr go to *out / *err (malloc'd,
   NUL-terminated; pass NULL to discard). Returns the exit status, or -1
   if it did not exit normally. */
int tu_run(const char *cmd, char **out, char **err);
/* A fresh directory under $TMPDIR (or /tmp), removed by tu_rmdir. */
char *tu_mkdtemp(void);
void tu_rmdir(char *dir);
/* A scratch directory for each test of a TCase, as a Check fixture:
   tcase_add_checked_fixture(tc, tu_scratch_setup, tu_scratch_teardown);
   tu_scratch is its path while a test runs. */
extern char *tu_scratch;
void tu_scratch_setup(void);
void tu_scratch_teardown(void);
/* Read a whole file (malloc'd); NULL if it cannot. */
uint8_t *tu_read_file(const char *path, size_t *len);
int tu_write_file(const char *path, const void *data, size_t len);
int tu_exists(const char *path);
/* Number of lines in s (a final line without '\n' counts). */
int tu_count_lines(const char *s);
/* Compile the JSON file json_path with flatc against `schema` into
   out_dir and read the binary back (out_dir/BASE.ext, BASE the JSON's
   name without ".json"; malloc'd, its length in *len). NULL when flatc
   fails, with what it printed in *err (malloc'd). */
uint8_t *tu_flatc(const char *schema, const char *json_path,
                  const char *out_dir, const char *ext, size_t *len,
                  char **err);

/* mcn-gen on a packed model, and the generated code compiled on the host
   with tests/gen_host_main.c into DIR/host (MODEL.mcn IN.npy OUT.npy:
   raw int8 outputs), with the flags and libraries this build's tools
   have. 0, or the exit status with what failed in *err (malloc'd). */
int tu_gen_build(const char *dir, const char *model, char **err);

#endif
