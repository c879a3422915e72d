/* test_fb_build.c: the FlatBuffers builder's exact bytes, worked out by
   hand from the wire rules, and its sticky errors. (That flatc reads what
   it builds is tested in test_format.c.) */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "fb_build.h"
#include "fb_read.h"

/*
** One table, one i32 field (id 0) = 7, identifier "MCN0". Built back to
** front: the field (4 bytes), the table's soffset (4), its vtable (6),
** 2 bytes of padding so root offset + identifier end 4-aligned, then they.
**   0: 10 00 00 00   root table at 16
**   4: M C N 0
**   8: 00 00         padding
**  10: 06 00 08 00 04 00   vtable: 6 bytes, table 8 bytes, field 0 at +4
**  16: 06 00 00 00   soffset: vtable at 16 - 6 = 10
**  20: 07 00 00 00
*/
START_TEST(one_table_exact_bytes)
{
    static const uint8_t expect[24] = {
        0x10, 0, 0, 0, 'M', 'C', 'N', '0', 0, 0, 6, 0, 8, 0, 4, 0,
        6,    0, 0, 0, 7,   0,   0,   0};
    fbb b;
    fbb_init(&b);
    fbb_start_table(&b);
    fbb_add_i32(&b, 0, 7, 0);
    fbb_add_i32(&b, 1, 3, 3);  /* equal to its default: omitted */
    fbb_ref t = fbb_end_table(&b);
    uint8_t *out;
    size_t len;
    ck_assert_int_eq(fbb_finish(&b, t, "MCN0", &out, &len, NULL), 0);
    ck_assert_uint_eq(len, sizeof expect);
    ck_assert_mem_eq(out, expect, sizeof expect);
    free(out);
    fbb_free(&b);
}
END_TEST

/* A string, a force-aligned vector and two tables sharing one vtable. */
START_TEST(references_alignment_and_shared_vtables)
{
    fbb b;
    fbb_init(&b);
    fbb_ref s = fbb_create_string(&b, "abc");
    uint8_t data[3] = {9, 8, 7};
    fbb_ref v = fbb_create_vector(&b, 1, 3, data, 16);
    fbb_ref tables[2];
    for (int i = 0; i < 2; i++) {
        fbb_start_table(&b);
        fbb_add_u8(&b, 0, (uint8_t)(i + 1), 0);
        tables[i] = fbb_end_table(&b);
    }
    fbb_ref tv = fbb_create_vector_offsets(&b, 2, tables);
    fbb_start_table(&b);
    fbb_add_offset(&b, 0, s);
    fbb_add_offset(&b, 1, v);
    fbb_add_offset(&b, 2, tv);
    fbb_add_f32(&b, 3, -2.5f, 0.0f);
    fbb_add_u16(&b, 4, 0xbeef, 0);
    fbb_add_offset(&b, 5, 0);  /* absent */
    fbb_ref root = fbb_end_table(&b);
    uint8_t *m;
    size_t len;
    ck_assert_int_eq(fbb_finish(&b, root, NULL, &m, &len, NULL), 0);
    fbb_free(&b);

    uint32_t r, data_pos, n, tabs;
    ck_assert_int_eq(fb_check_root(m, (uint32_t)len, NULL, &r), 1);
    ck_assert_int_eq(fb_check_string(m, (uint32_t)len, r, 0), 1);
    ck_assert_str_eq(fb_get_string(m, r, 0), "abc");
    ck_assert_int_eq(fb_check_vector(m, (uint32_t)len, r, 1, 1, &data_pos,
                                     &n), 1);
    ck_assert_uint_eq(n, 3);
    ck_assert_uint_eq(data_pos % 16, 0);
    ck_assert_mem_eq(m + data_pos, data, 3);
    ck_assert_int_eq(fb_check_vector(m, (uint32_t)len, r, 2, 4, &tabs, &n),
                     1);
    ck_assert_uint_eq(n, 2);
    uint32_t t0, t1;
    ck_assert_int_eq(fb_check_vector_table(m, (uint32_t)len, tabs, 0, &t0), 1);
    ck_assert_int_eq(fb_check_vector_table(m, (uint32_t)len, tabs, 1, &t1), 1);
    ck_assert_int_eq(fb_get_u8(m, t0, 0, 0), 1);
    ck_assert_int_eq(fb_get_u8(m, t1, 0, 0), 2);
    /* Identical layouts share one vtable. */
    ck_assert_int_eq(t0 - fb_i32(m + t0), t1 - fb_i32(m + t1));
    ck_assert_float_eq(fb_get_f32(m, r, 3, 0.0f), -2.5f);
    ck_assert_uint_eq(fb_get_u16(m, r, 4, 0), 0xbeef);
    ck_assert_uint_eq(fb_field(m, r, 5), 0);
    ck_assert_uint_eq(len % 16, 0);
    free(m);
}
END_TEST

START_TEST(misuse_is_reported_at_finish)
{
    fbb b;
    mcn_err e = {0};
    uint8_t *out = (uint8_t *)"x";
    size_t len = 1;
    fbb_init(&b);
    fbb_add_i32(&b, 0, 5, 0);  /* outside a table */
    fbb_start_table(&b);
    ck_assert_uint_eq(fbb_end_table(&b), 0);  /* every call now fails */
    ck_assert_int_eq(fbb_finish(&b, 0, NULL, &out, &len, &e), -1);
    ck_assert_str_eq(e.msg, "field added outside a table or with a bad id");
    ck_assert_ptr_null(out);
    ck_assert_uint_eq(len, 0);
    fbb_free(&b);

    fbb_init(&b);
    fbb_start_table(&b);
    fbb_create_string(&b, "nested");
    fbb_end_table(&b);
    ck_assert_int_eq(fbb_finish(&b, 0, NULL, &out, &len, &e), -1);
    ck_assert_str_eq(e.msg, "string built inside a table");
    fbb_free(&b);
}
END_TEST

Suite *suite_fb_build(void)
{
    Suite *s = suite_create("fb_build");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, one_table_exact_bytes);
    tcase_add_test(tc, references_alignment_and_shared_vtables);
    tcase_add_test(tc, misuse_is_reported_at_finish);
    suite_add_tcase(s, tc);
    return s;
}
