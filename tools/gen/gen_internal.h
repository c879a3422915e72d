/*
** gen_internal.h: what gen.c (the model, its constants, the files) and
** gen_calls.c (one kernel call as C) share.
*/
#ifndef MCN_GEN_INTERNAL_H
#define MCN_GEN_INTERNAL_H

#include <stdio.h>

#include "gen.h"
#include "mcn_call.h"

/* A constant the calls point into: a buffer's data or a Requant vector
   of the model, emitted once as a const array of the type first seen. */
typedef struct {
    uint32_t pos, len;       /* bytes, inside the model */
    const char *ctype;       /* element type, NULL until referenced */
    size_t elem;             /* its size */
} gen_region;

typedef struct {
    const char *name;        /* symbol prefix */
    const uint8_t *model;    /* the aligned copy mcn_init ran on */
    size_t len;
    const uint8_t *arena;
    uint32_t arena_bytes;
    gen_region *regions;
    int n_regions;
    uint32_t generic;        /* bit i: a call of specials[i]'s kernel
                                that its specialised entry does not take */
    FILE *f;                 /* where the call being printed goes */
    mcn_err *e;
    int failed;
} gen_ctx;

/* The C expression for pointer p as a `ctype` (e.g. "const int8_t *"):
   0, an arena offset, or an element of a region's array. Sets failed
   (with e) for a pointer that is none of those. */
const char *gen_ptr(gen_ctx *g, const void *p, const char *ctype,
                    char *buf, size_t n);

/* Before any gen_call: note call c, so that a kernel's specialised entry
   (gen_calls.c) is called only when every call of the kernel takes it:
   then the general one, and what only it reaches, is not linked. */
void gen_note_call(gen_ctx *g, const mcn_call *c);

/* Print call c of operator op as `static const TYPE NAME_opOP = {...};`
   and return the kernel function to call on it (NULL on failure). */
const char *gen_call(gen_ctx *g, const mcn_call *c, uint32_t op);

#endif
