/* search.c: see search.h. */
#include "search.h"

#include <stdlib.h>
#include <string.h>

#include "rng.h"

/* Draws before giving up on finding a fitting child or first genome. */
#define TRIES_PER_GENOME 200
/* Fitting genomes drawn per place in the first generation. */
#define POOL_PER_GENOME 8

typedef struct {
    int *genes;      /* resolution index, a choice per group, a depth per
                        stage */
    double score;
    nas_cost cost;
    bool refused;        /* by accept: never offered again */
} genome;

typedef struct {
    const nas_net *n;
    const nas_search_opts *o;
    nas_coster k;
    nas_candidate c;
    uint64_t rng;
    int len, ng, ns;       /* genes; groups; stages */
    genome *seen;          /* every genome evaluated, in order */
    int n_seen, cap_seen;
    int *pop, n_pop;       /* indices into seen */
    int *scratch;          /* one genome's genes */
    int done, total, generation;
} search;

static void decode(const search *s, const int *g, nas_candidate *c)
{
    const nas_search_opts *o = s->o;
    c->h = c->w = o->resolutions[g[0]];
    for (int k = 0; k < s->ng; k++)
        c->keep[k] = nas_group_width(&s->n->ch.groups[k],
                                     o->width * o->choices[g[1 + k]],
                                     o->divisor);
    for (int t = 0; t < s->ns; t++)
        c->depth[t] = g[1 + s->ng + t];
}

/* Gene i drawn afresh. */
static int draw(search *s, int i)
{
    if (i == 0)
        return nas_rng_below(&s->rng, s->o->n_resolutions);
    if (i <= s->ng)
        return nas_rng_below(&s->rng, s->o->n_choices);
    const nas_stage *st = &s->n->bl.stages[i - 1 - s->ng];
    int low = nas_stage_shallowest(st);
    return low + nas_rng_below(&s->rng, st->count - low + 1);
}

static int find(const search *s, const int *g)
{
    for (int i = 0; i < s->n_seen; i++)
        if (!memcmp(s->seen[i].genes, g, (size_t)s->len * sizeof *g))
            return i;
    return -1;
}

static bool in_pop(const search *s, int idx)
{
    for (int i = 0; i < s->n_pop; i++)
        if (s->pop[i] == idx)
            return true;
    return false;
}

/* 1 if g fits (its cost in *cost), 0 if not, -1 on failure. */
static int fits(search *s, const int *g, nas_cost *cost, mcn_err *e)
{
    decode(s, g, &s->c);
    if (nas_coster_cost(&s->k, &s->c, s->o->arena_limit, s->o->flash_limit,
                        cost, e))
        return -1;
    return cost->planned && cost->arena_bytes <= s->o->arena_limit &&
           cost->flash_bytes <= s->o->flash_limit;
}

/* g into the population if it fits and is not in it yet, evaluated
   unless it was before: 1 added, 0 not, -1 on failure. */
static int offer(search *s, const int *g, mcn_err *e)
{
    int idx = find(s, g);
    if (idx >= 0) {
        if (in_pop(s, idx) || s->seen[idx].refused)
            return 0;
        s->pop[s->n_pop++] = idx;
        return 1;
    }
    nas_cost cost;
    int f = fits(s, g, &cost, e);
    if (f <= 0)
        return f;
    if (s->n_seen == s->cap_seen) {
        int cap = s->cap_seen ? 2 * s->cap_seen : 64;
        genome *m = realloc(s->seen, (size_t)cap * sizeof *m);
        if (!m)
            return mcn_fail(e, "out of memory");
        s->seen = m;
        s->cap_seen = cap;
    }
    genome *x = &s->seen[s->n_seen];
    x->genes = malloc((size_t)s->len * sizeof *x->genes);
    if (!x->genes)
        return mcn_fail(e, "out of memory");
    memcpy(x->genes, g, (size_t)s->len * sizeof *g);
    x->cost = cost;
    x->score = (double)cost.macs;
    x->refused = false;
    decode(s, g, &s->c);
    /* The last word on fitting, before the fitness: the search breeds
       only from what really fits. */
    if (s->o->accept) {
        int r = s->o->accept(s->o->user, &s->c, e);
        if (r < 0) {
            free(x->genes);
            return -1;
        }
        x->refused = r == 0;
        if (!r) {
            s->n_seen++;
            return 0;
        }
    }
    if (s->o->fitness &&
        s->o->fitness(s->o->user, &s->c, &cost, &x->score, e)) {
        free(x->genes);
        return -1;
    }
    if (s->o->seen)
        s->o->seen(s->o->user, s->generation, &s->c, &cost, x->score);
    s->pop[s->n_pop++] = s->n_seen++;
    if (s->o->progress && s->done < s->total)
        s->o->progress(++s->done, s->total, s->o->progress_user);
    return 1;
}

/* Best first: fitness, then fewer MACs (the cheaper of equals), then
   the earlier found. Insertion sort: stable. */
static bool before(const search *s, int a, int b)
{
    const genome *x = &s->seen[a], *y = &s->seen[b];
    if (x->score != y->score)
        return x->score > y->score;
    if (x->cost.macs != y->cost.macs)
        return x->cost.macs < y->cost.macs;
    return a < b;
}

static void rank(search *s)
{
    for (int i = 1; i < s->n_pop; i++)
        for (int j = i; j > 0 && before(s, s->pop[j], s->pop[j - 1]); j--) {
            int t = s->pop[j];
            s->pop[j] = s->pop[j - 1];
            s->pop[j - 1] = t;
        }
}

static void child(search *s, int kept, bool cross)
{
    const int *a = s->seen[s->pop[nas_rng_below(&s->rng, kept)]].genes;
    const int *b = s->seen[s->pop[nas_rng_below(&s->rng, kept)]].genes;
    for (int i = 0; i < s->len; i++) {
        if (cross)
            s->scratch[i] = nas_rng_below(&s->rng, 2) ? b[i] : a[i];
        else
            s->scratch[i] = nas_rng_unit(&s->rng) < s->o->mutate
                                ? draw(s, i) : a[i];
    }
}

typedef struct {
    int *genes;
    int64_t macs;
    int order;     /* of drawing: ties go the same way on every libc */
} drawn;

static int by_macs_down(const void *a, const void *b)
{
    const drawn *x = a, *y = b;
    if (x->macs != y->macs)
        return x->macs < y->macs ? 1 : -1;
    return (x->order > y->order) - (x->order < y->order);
}

/* The first generation: of POOL_PER_GENOME times as many fitting random
   genomes as the population, the ones with the most MACs (TinyNAS's
   finding: within a space, more computation is more accuracy), so that
   the fitness is spent on the likeliest. The number of draws, or -1. */
static int first_population(search *s, mcn_err *e)
{
    const nas_search_opts *o = s->o;
    int want = POOL_PER_GENOME * o->population, n = 0, tries = 0, rc = 0;
    drawn *pool = calloc((size_t)want, sizeof *pool);
    if (!pool)
        return mcn_fail(e, "out of memory");
    int widest = 0;
    for (int c = 1; c < o->n_choices; c++)
        if (o->choices[c] > o->choices[widest])
            widest = c;
    while (n < want && tries++ < TRIES_PER_GENOME * o->population) {
        /* The space's largest sub-network at each resolution first: on
           a roomy board it is the answer. */
        bool largest = tries <= o->n_resolutions;
        for (int i = 0; i < s->len; i++)
            s->scratch[i] = !largest ? draw(s, i)
                            : i == 0 ? tries - 1
                            : i <= s->ng
                                ? widest
                                : s->n->bl.stages[i - 1 - s->ng].count;
        bool again = false;
        for (int j = 0; j < n && !again; j++)
            again = !memcmp(pool[j].genes, s->scratch,
                            (size_t)s->len * sizeof *s->scratch);
        nas_cost cost;
        int f = again ? 0 : fits(s, s->scratch, &cost, e);
        if (f < 0 || (f && !(pool[n].genes = malloc(
                                 (size_t)s->len * sizeof *s->scratch)))) {
            rc = f < 0 ? -1 : mcn_fail(e, "out of memory");
            break;
        }
        if (f) {
            memcpy(pool[n].genes, s->scratch,
                   (size_t)s->len * sizeof *s->scratch);
            pool[n].macs = cost.macs;
            pool[n].order = n;
            n++;
        }
    }
    if (!rc)
        qsort(pool, (size_t)n, sizeof *pool, by_macs_down);
    for (int j = 0; j < n && !rc && s->n_pop < o->population; j++)
        if (offer(s, pool[j].genes, e) < 0)
            rc = -1;
    for (int j = 0; j < n; j++)
        free(pool[j].genes);
    free(pool);
    return rc ? -1 : tries;
}

static int evolve(search *s, mcn_err *e)
{
    const nas_search_opts *o = s->o;
    int tries = first_population(s, e);
    if (tries < 0)
        return -1;
    if (s->n_pop == 0 && s->n_seen > 0)
        return mcn_fail(e, "none of the %d sub-networks at width %.2f that "
                        "the judge fitted in an arena of %lld bytes and "
                        "%lld bytes of flash fits once checked", s->n_seen,
                        o->width, (long long)o->arena_limit,
                        (long long)o->flash_limit);
    if (s->n_pop == 0)
        return mcn_fail(e, "no sub-network at width %.2f fits an arena of "
                        "%lld bytes and %lld bytes of flash (%d tried)",
                        o->width, (long long)o->arena_limit,
                        (long long)o->flash_limit, tries - 1);
    for (s->generation = 1; s->generation < o->generations;
         s->generation++) {
        rank(s);
        int kept = o->parents < s->n_pop ? o->parents : s->n_pop;
        s->n_pop = kept;
        tries = 0;
        for (int made = 0; s->n_pop < o->population &&
                           tries++ < TRIES_PER_GENOME * o->population;) {
            child(s, kept, made % 2 == 1);
            int r = offer(s, s->scratch, e);
            if (r < 0)
                return -1;
            made += r;
        }
    }
    rank(s);
    return 0;
}

/* The best genome evaluated: the first of the ranked last generation,
   since each generation keeps its best (and accept's refusals never
   enter one). */
static const genome *take(search *s)
{
    if (s->o->progress)
        s->o->progress(s->total, s->total, s->o->progress_user);
    return &s->seen[s->pop[0]];
}

int nas_search(const nas_net *n, const nas_search_opts *o,
               nas_candidate *best, nas_cost *best_cost, double *best_score,
               mcn_err *e)
{
    search s;
    memset(&s, 0, sizeof s);
    s.n = n;
    s.o = o;
    s.ng = n->ch.n_groups;
    s.ns = n->bl.n_stages;
    s.len = 1 + s.ng + s.ns;
    s.rng = o->seed;
    s.total = o->population * o->generations;
    s.pop = malloc(((size_t)o->population + 1) * sizeof *s.pop);
    s.scratch = malloc((size_t)s.len * sizeof *s.scratch);
    int rc = -1;
    if (!s.pop || !s.scratch) {
        mcn_fail(e, "out of memory");
    } else if (nas_coster_init(&s.k, n, e) == 0) {
        if (nas_candidate_alloc(n, &s.c, e) == 0) {
            rc = evolve(&s, e);
            const genome *g = rc ? NULL : take(&s);
            if (g) {
                decode(&s, g->genes, best);
                *best_cost = g->cost;
                *best_score = g->score;
            } else {
                rc = -1;
            }
            nas_candidate_free(&s.c);
        }
        nas_coster_free(&s.k);
    }
    for (int i = 0; i < s.n_seen; i++)
        free(s.seen[i].genes);
    free(s.seen);
    free(s.pop);
    free(s.scratch);
    return rc;
}
