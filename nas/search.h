/*
** search.h: evolutionary search inside one space (TinyNAS's second
** step, as once-for-all runs it). A genome is an input resolution (one
** of a short list), a factor per channel group (one of the space's
** choices, times its width) and a depth per stage; only genomes whose
** sub-network fits the limits (nas/candidate.h's judge) are ever
** evaluated. Each generation keeps its best `parents` and refills the
** population half by mutation (each gene redrawn with probability
** `mutate`) and half by crossover (each gene from either of two parents).
** A genome met before is not evaluated again. Seeded: the same options
** give the same search.
*/
#ifndef MCN_NAS_SEARCH_H
#define MCN_NAS_SEARCH_H

#include <stdint.h>

#include "candidate.h"

/* A fitting candidate's fitness, higher better: 0, or -1 with why. */
typedef int (*nas_fitness_fn)(void *user, const nas_candidate *c,
                              const nas_cost *cost, double *score,
                              mcn_err *e);

typedef struct {
    double width;
    const int *resolutions;
    int n_resolutions;
    const double *choices;
    int n_choices;
    int divisor;
    int64_t arena_limit, flash_limit;
    int population, generations, parents;
    double mutate;
    uint64_t seed;
    nas_fitness_fn fitness;   /* NULL: MACs */
    void *user;
    /* Each evaluation, as it is made (for a log); may be NULL. */
    void (*seen)(void *user, int generation, const nas_candidate *c,
                 const nas_cost *cost, double score);
    void (*progress)(int done, int total, void *user);
    void *progress_user;
    /* The last word on fitting, asked of every candidate the judge fits
       before its fitness: 1 takes it, 0 refuses it (never evaluated nor
       bred from), -1 fails with why (a check that really quantizes and
       packs, nas/packed_fit.h). NULL: the judge's word is final. */
    int (*accept)(void *user, const nas_candidate *c, mcn_err *e);
} nas_search_opts;

/* best (allocated by nas_candidate_alloc) gets the fittest candidate
   that accept takes; -1 with why when no sampled genome fits, accept
   takes none, or the fitness fails. */
int nas_search(const nas_net *n, const nas_search_opts *o,
               nas_candidate *best, nas_cost *best_cost, double *best_score,
               mcn_err *e);

#endif
