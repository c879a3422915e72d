/*
** plan_svg.h: a planned graph's arena over time as an SVG picture, for
** mcn-info --memory: x the execution position (graph inputs, each
** operator, graph outputs), y the arena offset, each block of
** plan_arena_layout a rectangle at its offset over its lifetime (its
** numbers in data-offset, data-bytes, data-first and data-last), scratch
** hatched, the peak marked.
*/
#ifndef MCN_PLAN_SVG_H
#define MCN_PLAN_SVG_H

#include <stddef.h>

#include "plan_arena.h"

/* *svg is malloc'd, NUL-terminated, *len bytes. */
int plan_svg(const graph *g, char **svg, size_t *len, mcn_err *e);

#endif
