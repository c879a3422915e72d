/*
** rng.h: the searches' random numbers, splitmix64: one 64-bit state, the
** same sequence on every machine for a given --seed.
*/
#ifndef MCN_NAS_RNG_H
#define MCN_NAS_RNG_H

#include <stdint.h>

static inline uint64_t nas_rng_next(uint64_t *s)
{
    uint64_t z = (*s += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* Uniform in 0 .. n - 1 (n >= 1); the bias for n << 2^64 is nil. */
static inline int nas_rng_below(uint64_t *s, int n)
{
    return (int)(nas_rng_next(s) % (uint64_t)n);
}

/* Uniform in [0, 1). */
static inline double nas_rng_unit(uint64_t *s)
{
    return (double)(nas_rng_next(s) >> 11) * (1.0 / 9007199254740992.0);
}

#endif
