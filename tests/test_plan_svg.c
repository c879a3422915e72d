/* test_plan_svg.c: the arena picture (plan_svg.h) against the plan it
   draws: one rectangle per planned block, at the block's offset and over
   its lifetime, scratch and zero-copy slices included, names escaped. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"
#include "plan_arena.h"
#include "plan_svg.h"
#include "test_model_util.h"

static int act(graph *g, const char *name, int bytes)
{
    int32_t shape[2] = {1, bytes};
    return graph_add_tensor(g, name, MCN_DT_INT8, 2, shape);
}

/* The value of attribute `name` in the element starting at s. */
static long long attr(const char *s, const char *name)
{
    char key[32];
    snprintf(key, sizeof key, " %s=\"", name);
    const char *end = strchr(s, '>'), *at = strstr(s, key);
    ck_assert_msg(at && at < end, "no %s in %.80s", name, s);
    return strtoll(at + strlen(key), NULL, 10);
}

/* x -> a, x -> b, c = concat(a, b) on axis 1 (a and b are slices of c),
   o = clip(c) with 40 bytes of scratch; x is named with XML's
   specials. Blocks: x(16,[-1,1]), c with a and b (80,[0,3]), o(16,[3,4]),
   scratch(40,[3,3]). */
START_TEST(one_rect_per_block_at_its_offset)
{
    graph g;
    graph_init(&g);
    int x = act(&g, "x<&\"'>", 16), a = act(&g, NULL, 32),
        b = act(&g, NULL, 48), c = act(&g, NULL, 80), o = act(&g, NULL, 16);
    tm_node(&g, MCN_OP_CLIP, x, -1, a);
    tm_node(&g, MCN_OP_CLIP, x, -1, b);
    int cat = tm_node(&g, MCN_OP_CONCATENATION, a, b, c);
    g.nodes[cat].axis = 1;
    int last = tm_node(&g, MCN_OP_CLIP, c, -1, o);
    g.nodes[last].scratch_bytes = 40;
    g.inputs[g.n_inputs++] = x;
    g.outputs[g.n_outputs++] = o;
    mcn_err e = {0};
    ck_assert_msg(plan_arena(&g, &e) == 0, "%s", e.msg);
    /* Node 3 holds c, o and the scratch: 136 at least. Largest first
       puts c@0, the scratch (meets c) at 80 and o (meets both) at 120,
       rounded up to 128: 144. Earliest birth first: x@0, c (meets x)
       16, the scratch (meets c) 96, o (meets c and scratch) 0: 136, so
       a@16, b@48. */
    ck_assert_int_eq(g.arena_bytes, 136);
    ck_assert_int_eq(g.tensors[a].arena_offset, 16);
    ck_assert_int_eq(g.tensors[b].arena_offset, 48);

    plan_extent *blk;
    int n;
    ck_assert_msg(plan_arena_layout(&g, &blk, &n, &e) == 0, "%s", e.msg);
    ck_assert_int_eq(n, 4);
    const struct {
        int tensor, node;
        long long offset, bytes;
        int first, last;
    } want[4] = {
        {x, -1, 0, 16, -1, 1}, {c, -1, 16, 80, 0, 3}, {o, -1, 0, 16, 3, 4},
        {-1, last, 96, 40, 3, 3},
    };
    for (int k = 0; k < 4; k++) {
        ck_assert_int_eq(blk[k].tensor, want[k].tensor);
        ck_assert_int_eq(blk[k].node, want[k].node);
        ck_assert_int_eq(blk[k].offset, want[k].offset);
        ck_assert_int_eq(blk[k].bytes, want[k].bytes);
        ck_assert_int_eq(blk[k].first, want[k].first);
        ck_assert_int_eq(blk[k].last, want[k].last);
    }
    free(blk);

    char *svg;
    size_t len;
    ck_assert_msg(plan_svg(&g, &svg, &len, &e) == 0, "%s", e.msg);
    ck_assert_uint_eq(strlen(svg), len);
    ck_assert(strncmp(svg, "<?xml version=\"1.0\"", 19) == 0);
    ck_assert(strcmp(svg + len - 7, "</svg>\n") == 0);
    int k = 0;
    for (const char *r = strstr(svg, "<rect class=\""); r;
         r = strstr(r + 1, "<rect class=\"")) {
        if (strncmp(r, "<rect class=\"tensor\"", 20) != 0 &&
            strncmp(r, "<rect class=\"scratch\"", 21) != 0)
            continue;
        ck_assert_int_lt(k, 4);
        ck_assert_int_eq(attr(r, "data-offset"), want[k].offset);
        ck_assert_int_eq(attr(r, "data-bytes"), want[k].bytes);
        ck_assert_int_eq(attr(r, "data-first"), want[k].first);
        ck_assert_int_eq(attr(r, "data-last"), want[k].last);
        ck_assert_int_eq(strncmp(r + 13, want[k].tensor < 0 ? "scratch"
                                                             : "tensor", 6),
                         0);
        k++;
    }
    ck_assert_int_eq(k, 4);
    /* The peak: its line and label, and node 3's column shaded (the only
       position reaching 136). */
    ck_assert_ptr_nonnull(strstr(svg, "peak 136 bytes"));
    ck_assert_ptr_nonnull(strstr(svg, "<line class=\"peak\""));
    const char *col = strstr(svg, "<rect class=\"peak-column\"");
    ck_assert_ptr_nonnull(col);
    ck_assert_ptr_null(strstr(col + 1, "<rect class=\"peak-column\""));
    /* x's name, escaped; nothing unescaped is left. */
    ck_assert_ptr_nonnull(strstr(svg, "x&lt;&amp;&quot;&apos;&gt;"));
    ck_assert_ptr_null(strstr(svg, "x<&"));
    free(svg);
    graph_free(&g);
}
END_TEST

START_TEST(an_unplanned_graph_has_no_picture)
{
    graph g;
    graph_init(&g);
    int x = act(&g, NULL, 16), y = act(&g, NULL, 16);
    tm_node(&g, MCN_OP_CLIP, x, -1, y);
    g.inputs[g.n_inputs++] = x;
    g.outputs[g.n_outputs++] = y;
    char *svg;
    size_t len;
    mcn_err e = {0};
    ck_assert_int_eq(plan_svg(&g, &svg, &len, &e), -1);
    ck_assert_str_eq(e.msg, "the graph has no arena plan (run mcn-pack)");
    graph_free(&g);
}
END_TEST

Suite *suite_plan_svg(void)
{
    Suite *s = suite_create("plan_svg");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, one_rect_per_block_at_its_offset);
    tcase_add_test(tc, an_unplanned_graph_has_no_picture);
    suite_add_tcase(s, tc);
    return s;
}
