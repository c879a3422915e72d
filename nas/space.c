/* space.c: see space.h. */
#include "space.h"

#include <stdlib.h>
#include <string.h>

#include "rng.h"

void nas_space_sample(const nas_net *n, const nas_space_opts *o,
                      double width, int resolution, uint64_t *rng,
                      nas_candidate *c)
{
    c->h = c->w = resolution;
    for (int k = 0; k < n->ch.n_groups; k++) {
        double f = o->choices[nas_rng_below(rng, o->n_choices)];
        c->keep[k] = nas_group_width(&n->ch.groups[k], width * f,
                                     o->divisor);
    }
    for (int s = 0; s < n->bl.n_stages; s++) {
        const nas_stage *st = &n->bl.stages[s];
        int low = nas_stage_shallowest(st);
        c->depth[s] = low + nas_rng_below(rng, st->count - low + 1);
    }
}

static int macs_cmp(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Samples one space into sp. */
static int score(const nas_net *n, const nas_space_opts *o, nas_coster *k,
                 nas_candidate *c, int index, nas_space *sp, int *done,
                 int total, mcn_err *e)
{
    uint64_t rng = o->seed ^ ((uint64_t)(index + 1) *
                              UINT64_C(0xD1B54A32D192ED03));
    sp->fit_macs = malloc(((size_t)o->samples + 1) * sizeof *sp->fit_macs);
    if (!sp->fit_macs)
        return mcn_fail(e, "out of memory");
    double sum = 0;
    for (int i = 0; i < o->samples; i++) {
        nas_space_sample(n, o, sp->width, sp->resolution, &rng, c);
        nas_cost cost;
        mcn_err why = {0};
        if (nas_coster_cost(k, c, o->arena_limit, o->flash_limit, &cost,
                            &why)) {
            /* The network cannot take this resolution: the space is out. */
            snprintf(sp->why, sizeof sp->why, "%s", why.msg);
            sp->fits = 0;
            *done += o->samples - i;
            break;
        }
        sp->samples++;
        if (cost.planned && cost.arena_bytes <= o->arena_limit &&
            cost.flash_bytes <= o->flash_limit) {
            sp->fit_macs[sp->fits++] = cost.macs;
            sum += (double)cost.macs;
        }
        if (++*done % 256 == 0 && o->progress)
            o->progress(*done, total, o->user);
    }
    qsort(sp->fit_macs, (size_t)sp->fits, sizeof *sp->fit_macs, macs_cmp);
    sp->mean_macs = sp->fits ? sum / sp->fits : 0;
    return 0;
}

static int rank_cmp(const void *pa, const void *pb)
{
    const nas_space *a = pa, *b = pb;
    if (a->mean_macs != b->mean_macs)
        return a->mean_macs > b->mean_macs ? -1 : 1;
    if (a->fits != b->fits)
        return a->fits > b->fits ? -1 : 1;
    return 0;
}

int nas_space_rank(const nas_net *n, const nas_space_opts *o,
                   nas_space **out, int *n_out, mcn_err *e)
{
    int ns = o->n_widths * o->n_resolutions;
    nas_space *sp = calloc((size_t)ns + 1, sizeof *sp);
    nas_coster k;
    nas_candidate c = {0};
    if (!sp)
        return mcn_fail(e, "out of memory");
    if (nas_coster_init(&k, n, e)) {
        free(sp);
        return -1;
    }
    int rc = nas_candidate_alloc(n, &c, e), done = 0;
    int total = ns * o->samples;
    for (int i = 0; i < ns && rc == 0; i++) {
        sp[i].width = o->widths[i / o->n_resolutions];
        sp[i].resolution = o->resolutions[i % o->n_resolutions];
        rc = score(n, o, &k, &c, i, &sp[i], &done, total, e);
    }
    if (o->progress && rc == 0)
        o->progress(total, total, o->user);
    nas_candidate_free(&c);
    nas_coster_free(&k);
    if (rc) {
        nas_spaces_free(sp, ns);
        return -1;
    }
    /* qsort is not stable: the grid's order breaks the remaining ties. */
    for (int i = 0; i < ns; i++)
        for (int j = i; j > 0 && rank_cmp(&sp[j - 1], &sp[j]) > 0; j--) {
            nas_space t = sp[j];
            sp[j] = sp[j - 1];
            sp[j - 1] = t;
        }
    *out = sp;
    *n_out = ns;
    return 0;
}

void nas_spaces_free(nas_space *s, int n)
{
    for (int i = 0; s && i < n; i++)
        free(s[i].fit_macs);
    free(s);
}
