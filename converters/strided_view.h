/*
** strided_view.h: what a chain of RESHAPE and TRANSPOSE nodes makes of
** its input, as a strided view of it, and the fewest such nodes that make
** the same tensor (gpass_collapse_views uses both).
**
** Each axis of the view is a list of atoms, (size, stride) pairs,
** outermost first: the axis index, written in the mixed radix of the
** atom sizes, gives one index per atom, and the element read is the sum
** of index * stride over every atom of every axis, as an offset into the
** source read flat (row-major). Kept canonical: no atom has size 1 (an
** axis of size 1 has none), and no two neighbouring atoms of one axis are
** contiguous (outer.stride == inner.stride * inner.size: they are one).
** Sorted by stride, the atoms always cut the source's flat index into
** digits: a TRANSPOSE only reorders axes, and a RESHAPE only re-cuts.
**
** A RESHAPE reads the atoms of all axes in order as one list and cuts it
** into the new axes: a new axis takes whole atoms while its size allows
** and splits the next atom when its remaining size divides it. Any other
** cut is no strided view (regrouping a shuffled tensor that way needs the
** shuffle written out first).
*/
#ifndef MCN_STRIDED_VIEW_H
#define MCN_STRIDED_VIEW_H

#include <stdbool.h>
#include <stdint.h>

#include "mcn_format.h"

/* Atoms have size >= 2 and multiply to the element count, kept below
   2^62 (view_init), so there are at most 62. */
#define VIEW_MAX_ATOMS 64

typedef struct {
    int64_t size, stride;
} view_atom;

typedef struct {
    int rank;
    int32_t shape[MCN_MAX_DIMS];
    int first[MCN_MAX_DIMS + 1];  /* axis d: atom[first[d] .. first[d+1]) */
    view_atom atom[VIEW_MAX_ATOMS];
} strided_view;

/* The source itself; false when a dimension is below 1 or there are
   2^62 elements or more. */
bool view_init(strided_view *v, int rank, const int32_t *shape);
/* TRANSPOSE: axis d of the result is axis perm[d] (a permutation of
   0..rank-1, checked by the caller). */
void view_transpose(strided_view *v, const int32_t *perm);
/* RESHAPE to rank/shape; false (v unchanged) when the result is no
   strided view of the source or has another element count. */
bool view_reshape(strided_view *v, int rank, const int32_t *shape);

/* One node of a plan: a RESHAPE to, or a TRANSPOSE giving, rank/shape;
   a TRANSPOSE's output axis d is its input's axis perm[d]. */
typedef struct {
    bool transpose;
    int rank;
    int32_t shape[MCN_MAX_DIMS];
    int32_t perm[MCN_MAX_DIMS];
} view_step;

typedef struct {
    int n;  /* 0: the view is its source, same shape */
    view_step step[3];
} view_plan;

/* The fewest nodes that make view v from its source of shape
   src_rank/src_shape: none; one RESHAPE when v reads the source in order;
   else one TRANSPOSE with a RESHAPE before and/or after it where needed,
   over the fewest axes among the forms with the fewest nodes. False when
   no TRANSPOSE of at most MCN_MAX_DIMS axes does it. */
bool view_plan_make(const strided_view *v, int src_rank,
                    const int32_t *src_shape, view_plan *p);

#endif
