/*
** space.h: search-space optimisation (TinyNAS's first step). A space is
** a width multiplier W and an input resolution R; its sub-networks give
** each channel group W times one of a few factors (`choices`: the
** expansion ratios of an MCUNet space) of its trained width, and each
** stage of droppable blocks (nas/blocks.h) one of its three deepest
** depths (once-for-all's 2, 3 or 4 of 4). N of them are sampled per
** space, each costed with the packer's planner (nas/candidate.h); a
** space scores the mean MACs of those that fit the limits: the space
** whose fitting networks can compute the most is the one to search.
*/
#ifndef MCN_NAS_SPACE_H
#define MCN_NAS_SPACE_H

#include <stdint.h>
#include <stdio.h>

#include "candidate.h"

typedef struct {
    const double *widths;
    int n_widths;
    const int *resolutions;  /* square inputs */
    int n_resolutions;
    const double *choices;   /* per-group factors, each in (0, 1] */
    int n_choices;
    int samples;             /* per space */
    int divisor;             /* channel counts a multiple of this */
    uint64_t seed;
    int64_t arena_limit, flash_limit;
    void (*progress)(int done, int total, void *user);
    void *user;
} nas_space_opts;

typedef struct {
    double width;
    int resolution;
    int samples, fits;
    double mean_macs;        /* of the fitting ones; 0 when none fits */
    int64_t *fit_macs;       /* theirs, ascending */
    char why[512];           /* not empty: the network cannot take R */
} nas_space;

/* Every space of the grid, best first (mean MACs, then more fitting,
   then the grid's order). *out is malloc'd: nas_spaces_free. */
int nas_space_rank(const nas_net *n, const nas_space_opts *o,
                   nas_space **out, int *n_out, mcn_err *e);
void nas_spaces_free(nas_space *s, int n);

/* The sub-network of space (width, resolution) that sample number
   `sample` of a run seeded `seed` gives (what nas_space_rank costs). */
void nas_space_sample(const nas_net *n, const nas_space_opts *o,
                      double width, int resolution, uint64_t *rng,
                      nas_candidate *c);

/* The cumulative distribution of the fitting networks' MACs in the
   first `top` spaces of a ranking, as an SVG chart. */
int nas_space_svg(FILE *f, const nas_space *s, int n, int top,
                  const char *title, mcn_err *e);

#endif
