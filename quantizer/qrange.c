/* qrange.c: choosing an activation's int8 range from its histogram
   (qrange.h). */
#include "qrange.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* int8 has 256 codes, so 255 steps between the range's ends. */
#define STEPS 255.0
/* Candidates per search in mse; entropy tries every 4th kept width. */
#define MSE_GRID 1000
#define KL_STRIDE 4

static const char *const names[QRANGE_COUNT] = {"minmax", "percentile",
                                                "entropy", "mse"};

const char *qrange_method_name(qrange_method m)
{
    return m >= 0 && m < QRANGE_COUNT ? names[m] : "?";
}

int qrange_method_parse(const char *s)
{
    for (int m = 0; m < QRANGE_COUNT; m++)
        if (strcmp(s, names[m]) == 0)
            return m;
    return -1;
}

void qrange_hist_init(qrange_hist *h, double lo, double hi)
{
    h->lo = lo < 0 ? lo : 0;
    h->hi = hi > 0 ? hi : 0;
    if (!(h->hi > h->lo))
        h->hi = h->lo + 1;
    h->zeros = 0;
    memset(h->counts, 0, sizeof h->counts);
    memset(h->atom_bits, 0, sizeof h->atom_bits);
    memset(h->atom_count, 0, sizeof h->atom_count);
}

static uint32_t float_bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

static void count_atom(qrange_hist *h, float v)
{
    const uint32_t u = float_bits(v);
    const uint32_t slot = (u * 2654435761u) >> 22;   /* 10 bits */
    if (h->atom_count[slot] <= 0) {
        h->atom_bits[slot] = u;
        h->atom_count[slot] = 1;
    } else if (h->atom_bits[slot] == u) {
        h->atom_count[slot] += 1;
    } else {
        h->atom_count[slot] -= 1;
    }
}

static double width(const qrange_hist *h)
{
    return (h->hi - h->lo) / QRANGE_BINS;
}

static int bin_of(const qrange_hist *h, double w, float v)
{
    double x = ((double)v - h->lo) / w;
    return x <= 0 ? 0 : x >= QRANGE_BINS - 1 ? QRANGE_BINS - 1 : (int)x;
}

void qrange_hist_add(qrange_hist *h, const float *v, int64_t n)
{
    const double w = width(h);
    for (int64_t i = 0; i < n; i++) {
        if (isnan(v[i]))
            continue;
        if (v[i] == 0) {
            h->zeros += 1;
            continue;
        }
        h->counts[bin_of(h, w, v[i])] += 1;
        count_atom(h, v[i]);
    }
}

static double total(const qrange_hist *h)
{
    double n = 0;
    for (int i = 0; i < QRANGE_BINS; i++)
        n += h->counts[i];
    return n;
}

/* Zero stays inside: the ends of a range int8 can represent exactly. */
static void set_range(double a, double b, float *lo, float *hi)
{
    *lo = (float)(a < 0 ? a : 0);
    *hi = (float)(b > 0 ? b : 0);
}

static void percentile(const qrange_hist *h, double p, float *lo, float *hi)
{
    const double tail = (total(h) + h->zeros) * (100.0 - p) / 200.0;
    int k0 = 0, k1 = QRANGE_BINS;
    double cut = 0;
    while (k0 < QRANGE_BINS && cut + h->counts[k0] <= tail)
        cut += h->counts[k0++];
    cut = 0;
    while (k1 > k0 && cut + h->counts[k1 - 1] <= tail)
        cut += h->counts[--k1];
    set_range(h->lo + k0 * width(h), h->lo + k1 * width(h), lo, hi);
}

/* Prefix sums of count, count * x, count * x^2 over bin centres x: the
   squared error of clipping at any end is then three lookups. */
typedef struct {
    double c[QRANGE_BINS + 1], s1[QRANGE_BINS + 1], s2[QRANGE_BINS + 1];
} prefix;

static void prefix_fill(const qrange_hist *h, prefix *p)
{
    const double w = width(h);
    p->c[0] = p->s1[0] = p->s2[0] = 0;
    for (int i = 0; i < QRANGE_BINS; i++) {
        const double x = h->lo + (i + 0.5) * w, n = h->counts[i];
        p->c[i + 1] = p->c[i] + n;
        p->s1[i + 1] = p->s1[i] + n * x;
        p->s2[i + 1] = p->s2[i] + n * x * x;
    }
}

/* Bins whose centre lies below x. */
static int centres_below(const qrange_hist *h, double x)
{
    double k = ceil((x - h->lo) / width(h) - 0.5);
    return k < 0 ? 0 : k > QRANGE_BINS ? QRANGE_BINS : (int)k;
}

static double sq_error(const qrange_hist *h, const prefix *p, double a,
                       double b)
{
    const int ia = centres_below(h, a), ib = centres_below(h, b);
    const double below = p->s2[ia] - 2 * a * p->s1[ia] + a * a * p->c[ia];
    const double above = (p->s2[QRANGE_BINS] - p->s2[ib]) -
                         2 * b * (p->s1[QRANGE_BINS] - p->s1[ib]) +
                         b * b * (p->c[QRANGE_BINS] - p->c[ib]);
    const double step = (b - a) / STEPS;
    return below + above + (p->c[ib] - p->c[ia]) * step * step / 12.0;
}

static void mse(const qrange_hist *h, float *lo, float *hi)
{
    prefix *p = malloc(sizeof *p);
    if (!p) {  /* the measured range is always a valid answer */
        set_range(h->lo, h->hi, lo, hi);
        return;
    }
    prefix_fill(h, p);
    double a = h->lo, b = h->hi, best = sq_error(h, p, a, b);
    /* Both ends towards zero together, then each end on its own. */
    for (int k = 1; k < MSE_GRID; k++) {
        const double f = (double)k / MSE_GRID, e =
            sq_error(h, p, h->lo * f, h->hi * f);
        if (e < best) {
            best = e;
            a = h->lo * f;
            b = h->hi * f;
        }
    }
    const double a0 = a, b0 = b;
    for (int k = 1; k <= MSE_GRID && b0 > 0; k++) {
        const double nb = b0 * 2.0 * k / MSE_GRID;
        if (nb > h->hi || nb - a <= 0)
            continue;
        const double e = sq_error(h, p, a, nb);
        if (e < best) {
            best = e;
            b = nb;
        }
    }
    for (int k = 1; k <= MSE_GRID && a0 < 0; k++) {
        const double na = a0 * 2.0 * k / MSE_GRID;
        if (na < h->lo || b - na <= 0)
            continue;
        const double e = sq_error(h, p, na, b);
        if (e < best) {
            best = e;
            a = na;
        }
    }
    free(p);
    set_range(a, b, lo, hi);
}

/* KL(P || Q) for the kept bins [i0, i1): P the histogram with what lies
   outside folded into its edge bins, Q the kept bins' own counts merged
   into 255 steps and spread back evenly over the bins where P is not
   zero (so clipping is paid for: the folded mass is missing from Q). */
static double kl_of(const double *counts, int i0, int i1, double n_all)
{
    const int n = i1 - i0;
    double below = 0, above = 0, q_total = 0;
    for (int i = 0; i < i0; i++)
        below += counts[i];
    for (int i = i1; i < QRANGE_BINS; i++)
        above += counts[i];
    for (int i = i0; i < i1; i++)
        q_total += counts[i];
    if (q_total <= 0)
        return INFINITY;
    double kl = 0;
    for (int l = 0; l < (int)STEPS; l++) {
        const int j0 = i0 + (int)((int64_t)l * n / (int)STEPS);
        const int j1 = i0 + (int)((int64_t)(l + 1) * n / (int)STEPS);
        double mass = 0;
        int nonzero = 0;
        for (int j = j0; j < j1; j++) {
            const double pj = counts[j] + (j == i0 ? below : 0) +
                              (j == i1 - 1 ? above : 0);
            mass += counts[j];
            nonzero += pj > 0;
        }
        for (int j = j0; j < j1; j++) {
            const double pj = counts[j] + (j == i0 ? below : 0) +
                              (j == i1 - 1 ? above : 0);
            if (pj <= 0)
                continue;
            /* A bin only outliers reached: Q is empty there, and a tiny
               floor keeps the divergence finite but large. */
            double qj = mass / nonzero / q_total;
            if (qj < 1e-12)
                qj = 1e-12;
            kl += pj / n_all * log(pj / n_all / qj);
        }
    }
    return kl;
}

/* The atoms' bins and counts (at most one atom per slot). */
static int atoms_of(const qrange_hist *h, int *bin, double *count)
{
    const double n = total(h) + h->zeros;
    int k = 0;
    for (int s = 0; s < QRANGE_ATOM_SLOTS; s++) {
        float v;
        memcpy(&v, &h->atom_bits[s], sizeof v);
        if (h->atom_count[s] >= QRANGE_ATOM_SHARE * n && v != 0) {
            bin[k] = bin_of(h, width(h), v);
            count[k++] = h->atom_count[s];
        }
    }
    return k;
}

static void entropy(const qrange_hist *h, float *lo, float *hi)
{
    const double n_all = total(h), z = -h->lo / width(h);
    int b0 = 0, b1 = QRANGE_BINS;
    double best = INFINITY;
    int atom_bin[QRANGE_ATOM_SLOTS];
    double atom_n[QRANGE_ATOM_SLOTS];
    double *counts = malloc(sizeof h->counts);
    if (!counts) {
        set_range(h->lo, h->hi, lo, hi);
        return;
    }
    const int n_atoms = atoms_of(h, atom_bin, atom_n);
    /* At least one bin per step; from the widest down, so ties keep it. */
    for (int kept = QRANGE_BINS; kept >= (int)STEPS + 1; kept -= KL_STRIDE) {
        const double f = (double)kept / QRANGE_BINS;
        int i0 = (int)floor(z * (1 - f));
        int i1 = (int)ceil(z + (QRANGE_BINS - z) * f);
        i1 = i1 > QRANGE_BINS ? QRANGE_BINS : i1;
        if (i1 - i0 < (int)STEPS + 1)
            continue;
        memcpy(counts, h->counts, sizeof h->counts);
        double n = n_all;
        for (int a = 0; a < n_atoms; a++)
            if (atom_bin[a] >= i0 && atom_bin[a] < i1) {
                const double k = atom_n[a] < counts[atom_bin[a]]
                                     ? atom_n[a] : counts[atom_bin[a]];
                counts[atom_bin[a]] -= k;
                n -= k;
            }
        const double kl = n > 0 ? kl_of(counts, i0, i1, n) : 0;
        if (kl < best) {
            best = kl;
            b0 = i0;
            b1 = i1;
        }
    }
    free(counts);
    set_range(h->lo + b0 * width(h), h->lo + b1 * width(h), lo, hi);
}

void qrange_choose(const qrange_hist *h, qrange_method m, double p,
                   float *lo, float *hi)
{
    switch (m) {
    case QRANGE_PERCENTILE: percentile(h, p, lo, hi); return;
    case QRANGE_ENTROPY: entropy(h, lo, hi); return;
    case QRANGE_MSE: mse(h, lo, hi); return;
    default: set_range(h->lo, h->hi, lo, hi); return;
    }
}

double qrange_clipped(const qrange_hist *h, float lo, float hi)
{
    const double w = width(h), n = total(h) + h->zeros;
    double out = 0;
    for (int i = 0; i < QRANGE_BINS; i++) {
        const double a = h->lo + i * w, b = a + w;
        /* Whole bins only; a bin the range cuts counts as kept. */
        if (b <= (double)lo || a >= (double)hi)
            out += h->counts[i];
    }
    return n > 0 ? out / n : 0;
}
