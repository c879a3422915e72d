/*
** test_bad_inputs_util.h: what test_bad_inputs.c and test_resource_bombs.c
** share: a bad-input case, running one, the fixtures both need, and the
** table of them all that docs/bad-inputs.md is.
**
** A case runs `cmd` with sh in a scratch directory holding its suite's
** fixtures, the tools first on PATH and allocations capped (ASan's
** max_allocation_size_mb in a sanitized build, ulimit -v otherwise), so
** a tool that sizes a buffer by what a file declares fails the case. It
** must exit with `status`, print exactly `msg` and a newline on stderr
** (the scratch directory's path written DIR), and leave out/ as `prep`
** made it: no output file, no temporary.
*/
#ifndef MCN_TEST_BAD_INPUTS_UTIL_H
#define MCN_TEST_BAD_INPUTS_UTIL_H

#include <stddef.h>

typedef struct {
    const char *tool;   /* the table's first column: "mcn-import (ONNX)" */
    const char *what;   /* the class of bad input, a short phrase */
    const char *cmd;    /* as typed in the scratch directory */
    int status;
    const char *msg;
    const char *prep;   /* sh run in out/ before cmd, or NULL */
} bad_case;

extern const bad_case bad_cases[];
extern const int n_bad_cases;
extern const bad_case bomb_cases[];
extern const int n_bomb_cases;

/* Run c in dir and assert all of the above. */
void bad_case_check(const char *dir, const bad_case *c);

/* Fixtures: name's bytes into dir; the MNIST example's model as f.mcn
   (float), q.mcn (int8) and p.mcn (packed), net.onnx and x.npy (its
   first four digits); a .tflite from JSON (flatc, schemas/tflite.fbs). */
void bad_save(const char *dir, const char *name, const void *p, size_t n);
void bad_mnist_models(const char *dir);
void bad_tflite(const char *dir, const char *name, const char *json);

/* Both tables as docs/bad-inputs.md has them (malloc'd). */
char *bad_render_doc(void);

#endif
