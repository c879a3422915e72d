/*
** plan_internal.h: what the arena planner's files share (plan_arena.h is
** the API): the blocks to place, the windows in which two of them may
** overlap, and the two searches, placement (plan_place.c) and execution
** order (plan_order.c).
*/
#ifndef MCN_PLAN_INTERNAL_H
#define MCN_PLAN_INTERNAL_H

#include <stdint.h>

#include "plan_arena.h"

/* One stretch of arena: an alias group of tensors, or a node's scratch.
   It lives from its birth to its death, execution positions (-1: before
   the first node, n_nodes: after the last). */
typedef struct {
    int64_t size;
    int64_t offset;
    int birth, death;
    int id;             /* >= 0: root tensor; < 0: scratch of node -id-1 */
    int pair0, npairs;  /* its windows: plan_set.pairs[pair0 ..] */
} plan_block;

/* While the two overlap, (own offset - other's offset) is in [lo, hi]. */
typedef struct {
    int other;
    int64_t lo, hi;
} plan_pair;

typedef struct {
    plan_block *blocks;
    int n;
    plan_pair *pairs;   /* each window twice, once from either side */
} plan_set;

/* ---- plan_place.c ---- */

typedef struct plan_placer plan_placer;

/* Room for up to max_blocks blocks; NULL when out of memory. */
plan_placer *plan_placer_new(int max_blocks);
void plan_placer_free(plan_placer *p);
/* Sets every block's offset: the lowest peak over several first-fit
   orders (and, for a handful of blocks, over every order); returns it. */
int64_t plan_place(plan_placer *p, plan_set *s);
/* Steps taken by every plan_place on p so far (see plan_opts.steps). */
int64_t plan_placer_steps(const plan_placer *p);

/* ---- plan_order.c ---- */

/* Execution orders other than the stored one that a memory-aware list
   schedule gives: up to PLAN_ORDERS of them, each n_nodes positions
   (orders[k][i] = the node run i-th), each different from the stored
   order and from the others. block_of_tensor maps a tensor to its block
   (-1: not in the arena); sizes are the blocks'. Returns how many, or -1
   when out of memory. */
#define PLAN_ORDERS 2
int plan_orders(const graph *g, const int *block_of_tensor,
                const int64_t *block_size, int n_blocks, int **orders);

#endif
