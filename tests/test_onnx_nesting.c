/* test_onnx_nesting.c: an ONNX file whose subgraphs nest thousands deep
   is refused before protobuf-c's recursive unpack can overflow the stack
   (it did, at 5,000 If levels in 107 KB); the wire walk itself on small
   hand-made messages. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "onnx_import.h"
#include "onnx_nesting.h"
#include "test_pb_wire.h"
#include "testutil.h"

/* Field f (length-delimited) holding `inner`, as a new buffer. */
static wire wrap(int f, const wire *inner)
{
    wire o = {0};
    wire_field(&o, f, inner->b, inner->n);
    return o;
}

/* ModelProto.graph = GraphProto{node{attribute{g{node{...}}}}}, `levels`
   graphs deep: GraphProto.node = 1, NodeProto.attribute = 5,
   AttributeProto.g = 6, ModelProto.graph = 7. */
static wire nested_model(int levels)
{
    wire g = {0};
    for (int k = 1; k < levels; k++) {
        wire a = wrap(6, &g), n = wrap(5, &a), g2 = wrap(1, &n);
        free(g.b);
        free(a.b);
        free(n.b);
        g = g2;
    }
    wire m = wrap(7, &g);
    free(g.b);
    return m;
}

START_TEST(deep_subgraphs_are_refused_not_a_crash)
{
    wire m = nested_model(5000);
    graph g;
    mcn_err e;
    ck_assert_int_eq(onnx_import(m.b, m.n, NULL, &g, &e), -1);
    ck_assert_str_eq(e.msg, "subgraphs or types nest more than 64 deep");
    graph_free(&g);
    /* And through the tool, as the report found it. */
    char dir_path[1024], cmd[2048], *err = NULL;
    char *dir = tu_mkdtemp();
    snprintf(dir_path, sizeof dir_path, "%s/deep.onnx", dir);
    ck_assert_int_eq(tu_write_file(dir_path, m.b, m.n), 0);
    snprintf(cmd, sizeof cmd, "%s %s -o %s/out.mcn", TU_BIN("mcn-import"),
             dir_path, dir);
    ck_assert_int_eq(tu_run(cmd, NULL, &err), 65);
    char want[1200];
    snprintf(want, sizeof want, "%s: subgraphs or types nest more than 64 "
             "deep\n", dir_path);
    ck_assert_str_eq(err, want);
    free(err);
    snprintf(dir_path, sizeof dir_path, "%s/out.mcn", dir);
    ck_assert(!tu_exists(dir_path));
    tu_rmdir(dir);
    free(m.b);
}
END_TEST

START_TEST(walk_counts_only_recursive_fields)
{
    /* 21 graphs: model -> graph, then 20 x (node -> attribute -> graph):
       61 messages below the model. */
    wire m = nested_model(21);
    ck_assert_int_eq(onnx_check_nesting(m.b, m.n, 61), ONNX_NESTING_OK);
    ck_assert_int_eq(onnx_check_nesting(m.b, m.n, 60),
                     ONNX_NESTING_TOO_DEEP);
    free(m.b);
    /* A string field holding what looks like nesting is not entered:
       ModelProto.doc_string = 6 carrying the deep model's bytes. */
    wire deep = nested_model(100), doc = wrap(6, &deep);
    ck_assert_int_eq(onnx_check_nesting(doc.b, doc.n, 3), ONNX_NESTING_OK);
    /* Cut short: a length past the end, a varint that never ends. */
    ck_assert_int_eq(onnx_check_nesting(doc.b, doc.n - 1, 64),
                     ONNX_NESTING_MALFORMED);
    const uint8_t endless[3] = {0x08, 0xff, 0xff};
    ck_assert_int_eq(onnx_check_nesting(endless, 3, 64),
                     ONNX_NESTING_MALFORMED);
    /* Group wire types do not occur in onnx.proto. */
    const uint8_t group[1] = {0x0b};
    ck_assert_int_eq(onnx_check_nesting(group, 1, 64),
                     ONNX_NESTING_MALFORMED);
    free(deep.b);
    free(doc.b);
}
END_TEST

Suite *suite_onnx_nesting(void)
{
    Suite *s = suite_create("onnx_nesting");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, deep_subgraphs_are_refused_not_a_crash);
    tcase_add_test(tc, walk_counts_only_recursive_fields);
    suite_add_tcase(s, tc);
    return s;
}
