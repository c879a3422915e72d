/* test_verify.c: mcn_verify against truncated, mutated and hand-broken
   models. Each model is copied into a buffer of exactly its size so that
   ASan catches any read past the end. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "fb_read.h"
#include "graph_io.h"
#include "mcn.h"
#include "mcn_verify.h"

/* A packed two-op model: FC [1,4] -> [1,2] then SOFTMAX, with per-channel
   weights. Arena: x at 0 (4 bytes), fc_out at 16 (2), y at 32 (2) of 48;
   the FC has 8 bytes of scratch at 40. */
static uint8_t *valid_model(size_t *len)
{
    graph g;
    graph_init(&g);
    int32_t s14[2] = {1, 4}, s24[2] = {2, 4}, s2[1] = {2}, s12[2] = {1, 2};
    int x = graph_add_tensor(&g, "x", MCN_DT_INT8, 2, s14);
    int w = graph_add_tensor(&g, "w", MCN_DT_INT8, 2, s24);
    int b = graph_add_tensor(&g, "b", MCN_DT_INT32, 1, s2);
    int h = graph_add_tensor(&g, "h", MCN_DT_INT8, 2, s12);
    int y = graph_add_tensor(&g, "y", MCN_DT_INT8, 2, s12);
    int8_t wd[8] = {1, 2, -3, 4, -5, 6, 7, -8};
    int32_t bd[2] = {100, -300};
    float ws[2] = {0.125f, 0.25f}, xs = 0.5f;
    int32_t xz = -3;
    ck_assert_int_eq(graph_set_data(&g, w, wd, sizeof wd), 0);
    ck_assert_int_eq(graph_set_data(&g, b, bd, sizeof bd), 0);
    ck_assert_int_eq(graph_set_quant(&g, w, 2, ws, NULL, 0), 0);
    ck_assert_int_eq(graph_set_quant(&g, x, 1, &xs, &xz, 0), 0);
    g.tensors[x].arena_offset = 0;
    g.tensors[h].arena_offset = 16;
    g.tensors[y].arena_offset = 32;
    int fc = graph_add_node(&g, MCN_OP_FULLY_CONNECTED, "fc");
    graph_node_add_input(&g, fc, x);
    graph_node_add_input(&g, fc, w);
    graph_node_add_input(&g, fc, b);
    graph_node_add_output(&g, fc, h);
    ck_assert_int_eq(graph_set_requant(&g.nodes[fc], 2), 0);
    g.nodes[fc].rq.multiplier[0] = 1073741824;
    g.nodes[fc].scratch_offset = 40;
    g.nodes[fc].scratch_bytes = 8;
    int sm = graph_add_node(&g, MCN_OP_SOFTMAX, "softmax");
    graph_node_add_input(&g, sm, h);
    graph_node_add_output(&g, sm, y);
    g.nodes[sm].beta = 0.5f;
    g.inputs[g.n_inputs++] = x;
    g.outputs[g.n_outputs++] = y;
    g.arena_bytes = 48;
    uint8_t *buf;
    mcn_err e = {0};
    ck_assert_msg(graph_to_mcn(&g, &buf, len, &e) == 0, "%s", e.msg);
    graph_free(&g);
    return buf;
}

/* Positions inside a valid model, for surgical damage. */
static uint32_t root_of(const uint8_t *m) { return fb_u32(m); }

static uint32_t tensor_at(const uint8_t *m, uint32_t i)
{
    uint32_t n, v = fb_get_vector(m, root_of(m), MCN_MODEL_TENSORS, &n);
    ck_assert_uint_lt(i, n);
    return fb_vector_table(m, v, i);
}

static uint32_t operator_at(const uint8_t *m, uint32_t i)
{
    uint32_t n, v = fb_get_vector(m, root_of(m), MCN_MODEL_OPERATORS, &n);
    ck_assert_uint_lt(i, n);
    return fb_vector_table(m, v, i);
}

static void put_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

/* The verdict and reason for a model copied to an exact-size buffer. */
static mcn_status verify_exact(const uint8_t *m, size_t len,
                               mcn_verify_report *r)
{
    uint8_t *copy = malloc(len ? len : 1);
    ck_assert_ptr_nonnull(copy);
    memcpy(copy, m, len);
    mcn_status s = mcn_verify_ex(copy, len, r);
    free(copy);
    return s;
}

START_TEST(valid_model_passes)
{
    size_t len;
    uint8_t *m = valid_model(&len);
    ck_assert_int_eq(verify_exact(m, len, NULL), MCN_OK);
    ck_assert_uint_eq(mcn_arena_bytes(m, len), 48);
    ck_assert_int_eq(mcn_verify(NULL, 100), MCN_ERR_ARG);
    free(m);
}
END_TEST

START_TEST(every_truncation_is_rejected)
{
    size_t len;
    uint8_t *m = valid_model(&len);
    for (size_t n = 0; n < len; n++) {
        mcn_status s = verify_exact(m, n, NULL);
        ck_assert_msg(s != MCN_OK, "truncated to %zu of %zu bytes passed", n,
                      len);
        uint8_t *copy = malloc(n ? n : 1);
        memcpy(copy, m, n);
        ck_assert_uint_eq(mcn_arena_bytes(copy, n), 0);
        free(copy);
    }
    free(m);
}
END_TEST

/* xorshift32: a fixed sequence, so a failure can be replayed. */
static uint32_t next_rand(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

START_TEST(random_mutations_never_read_out_of_bounds)
{
    size_t len;
    uint8_t *m = valid_model(&len);
    uint32_t seed = 0x2545f491u;
    int passed = 0, rejected = 0;
    for (int round = 0; round < 2000; round++) {
        uint8_t *copy = malloc(len);
        memcpy(copy, m, len);
        int flips = 1 + (int)(next_rand(&seed) % 4);
        for (int k = 0; k < flips; k++)
            copy[next_rand(&seed) % len] = (uint8_t)next_rand(&seed);
        if (mcn_verify(copy, len) == MCN_OK) {
            /* What passes must also be safe to read in full. */
            graph g;
            mcn_err e;
            if (graph_from_mcn(&g, copy, len, &e) == 0)
                graph_free(&g);
            passed++;
        } else {
            rejected++;
        }
        free(copy);
    }
    /* Both outcomes occur, so both paths were exercised. */
    ck_assert_int_gt(passed, 100);
    ck_assert_int_gt(rejected, 100);
    free(m);
}
END_TEST

START_TEST(wrong_identifier_is_a_model_error)
{
    size_t len;
    uint8_t *m = valid_model(&len);
    mcn_verify_report r;
    m[7] = '1';
    ck_assert_int_eq(verify_exact(m, len, &r), MCN_ERR_MODEL);
    ck_assert_str_eq(r.what, "bad file identifier");
    free(m);
}
END_TEST

START_TEST(other_version_is_a_version_error)
{
    size_t len;
    uint8_t *m = valid_model(&len);
    uint32_t f = fb_field(m, root_of(m), MCN_MODEL_VERSION);
    ck_assert_uint_ne(f, 0);
    put_u32(m + f, 2);
    ck_assert_int_eq(verify_exact(m, len, NULL), MCN_ERR_VERSION);
    put_u32(m + f, 1);
    ck_assert_int_eq(verify_exact(m, len, NULL), MCN_OK);
    free(m);
}
END_TEST

START_TEST(tensor_past_the_arena_end_is_rejected)
{
    size_t len;
    uint8_t *m = valid_model(&len);
    uint32_t f = fb_field(m, root_of(m), MCN_MODEL_ARENA_BYTES);
    mcn_verify_report r;
    /* The scratch (40 + 8) ends last; move it down so y (32 + 2) does. */
    uint32_t so = fb_field(m, operator_at(m, 0), MCN_OPERATOR_SCRATCH_OFFSET);
    put_u32(m + so, 24);
    put_u32(m + f, 34);
    ck_assert_int_eq(verify_exact(m, len, NULL), MCN_OK);
    put_u32(m + f, 33);
    ck_assert_int_eq(verify_exact(m, len, &r), MCN_ERR_MODEL);
    ck_assert_str_eq(r.where, "tensor");
    ck_assert_int_eq(r.index, 4);
    ck_assert_str_eq(r.what, "arena slot outside the arena");
    /* Offsets near 2^31 must not wrap around. */
    uint32_t ao = fb_field(m, tensor_at(m, 4), MCN_TENSOR_ARENA_OFFSET);
    put_u32(m + f, 0xffffffffu);
    put_u32(m + ao, 0x7fffffffu);
    ck_assert_int_eq(verify_exact(m, len, NULL), MCN_OK);
    put_u32(m + f, 0x80000000u);
    ck_assert_int_eq(verify_exact(m, len, NULL), MCN_ERR_MODEL);
    put_u32(m + ao, (uint32_t)-1);
    put_u32(m + f, 34);
    ck_assert_int_eq(verify_exact(m, len, NULL), MCN_ERR_MODEL);
    free(m);
}
END_TEST

START_TEST(scratch_past_the_arena_end_is_rejected)
{
    size_t len;
    uint8_t *m = valid_model(&len);
    uint32_t f = fb_field(m, root_of(m), MCN_MODEL_ARENA_BYTES);
    mcn_verify_report r;
    put_u32(m + f, 47);
    ck_assert_int_eq(verify_exact(m, len, &r), MCN_ERR_MODEL);
    ck_assert_str_eq(r.where, "operator");
    ck_assert_int_eq(r.index, 0);
    ck_assert_str_eq(r.what, "scratch outside the arena");
    /* An unplanned model has no arena to be outside of. */
    put_u32(m + f, 0);
    ck_assert_int_eq(verify_exact(m, len, NULL), MCN_OK);
    free(m);
}
END_TEST

START_TEST(operator_index_out_of_range_is_rejected)
{
    size_t len;
    uint8_t *m = valid_model(&len);
    uint32_t n, in = fb_get_vector(m, operator_at(m, 1), MCN_OPERATOR_INPUTS,
                                   &n);
    mcn_verify_report r;
    ck_assert_uint_eq(n, 1);
    put_u32(m + in, 5);  /* there are 5 tensors */
    ck_assert_int_eq(verify_exact(m, len, &r), MCN_ERR_MODEL);
    ck_assert_str_eq(r.where, "operator");
    ck_assert_int_eq(r.index, 1);
    ck_assert_str_eq(r.what, "tensor index out of range");
    put_u32(m + in, (uint32_t)-2);
    ck_assert_int_eq(verify_exact(m, len, NULL), MCN_ERR_MODEL);
    put_u32(m + in, (uint32_t)-1);  /* an absent optional input */
    ck_assert_int_eq(verify_exact(m, len, NULL), MCN_OK);
    uint32_t out = fb_get_vector(m, operator_at(m, 1), MCN_OPERATOR_OUTPUTS,
                                 &n);
    put_u32(m + out, (uint32_t)-1);  /* outputs are never optional */
    ck_assert_int_eq(verify_exact(m, len, NULL), MCN_ERR_MODEL);
    put_u32(m + out, 1);  /* writing the constant weights */
    ck_assert_int_eq(verify_exact(m, len, &r), MCN_ERR_MODEL);
    ck_assert_str_eq(r.what, "writes a constant tensor");
    free(m);
}
END_TEST

/* Tensors: x 0, w 1, b 2, h 3, y 4; fc (op 0) x -> h, softmax h -> y. */
START_TEST(tensors_are_written_before_they_are_read)
{
    size_t len;
    uint8_t *m = valid_model(&len);
    mcn_verify_report r;
    uint32_t n, sm_in = fb_get_vector(m, operator_at(m, 1),
                                      MCN_OPERATOR_INPUTS, &n);
    put_u32(m + sm_in, 4);  /* softmax reads its own output */
    ck_assert_int_eq(verify_exact(m, len, &r), MCN_ERR_MODEL);
    ck_assert_str_eq(r.where, "operator");
    ck_assert_int_eq(r.index, 1);
    ck_assert_str_eq(r.what, "reads a tensor nothing wrote before it");
    put_u32(m + sm_in, 0);  /* the model input: written by the caller */
    ck_assert_int_eq(verify_exact(m, len, NULL), MCN_OK);
    put_u32(m + sm_in, 3);
    uint32_t fc_in = fb_get_vector(m, operator_at(m, 0), MCN_OPERATOR_INPUTS,
                                   &n);
    put_u32(m + fc_in, 4);  /* fc reads what only a later op writes */
    ck_assert_int_eq(verify_exact(m, len, &r), MCN_ERR_MODEL);
    ck_assert_int_eq(r.index, 0);
    ck_assert_str_eq(r.what, "reads a tensor nothing wrote before it");
    put_u32(m + fc_in, 0);
    /* softmax in place on h: y, the model's output, is never written. */
    uint32_t sm_out = fb_get_vector(m, operator_at(m, 1),
                                    MCN_OPERATOR_OUTPUTS, &n);
    put_u32(m + sm_out, 3);
    ck_assert_int_eq(verify_exact(m, len, &r), MCN_ERR_MODEL);
    ck_assert_str_eq(r.where, "model output");
    ck_assert_str_eq(r.what, "no operator writes it");
    free(m);
}
END_TEST

START_TEST(bad_shapes_are_rejected)
{
    size_t len;
    uint8_t *m = valid_model(&len);
    uint32_t rank, shape = fb_get_vector(m, tensor_at(m, 3),
                                         MCN_TENSOR_SHAPE, &rank);
    mcn_verify_report r;
    ck_assert_uint_eq(rank, 2);
    put_u32(m + shape, 0);
    ck_assert_int_eq(verify_exact(m, len, &r), MCN_ERR_MODEL);
    ck_assert_str_eq(r.where, "tensor");
    ck_assert_int_eq(r.index, 3);
    ck_assert_str_eq(r.what,
                     "shape has a dimension below 1 or exceeds 4 GiB");
    /* 65536 * 65536 int8 bytes is 2^32: one more than a u32 holds. */
    put_u32(m + shape, 65536);
    put_u32(m + shape + 4, 65536);
    ck_assert_int_eq(verify_exact(m, len, &r), MCN_ERR_MODEL);
    ck_assert_int_eq(r.index, 3);
    ck_assert_str_eq(r.what,
                     "shape has a dimension below 1 or exceeds 4 GiB");
    /* 65535 * 65536 fits the size check, but not the arena. */
    put_u32(m + shape, 65535);
    ck_assert_int_eq(verify_exact(m, len, &r), MCN_ERR_MODEL);
    ck_assert_str_eq(r.what, "arena slot outside the arena");
    free(m);
}
END_TEST

START_TEST(constant_data_must_match_its_shape)
{
    size_t len;
    uint8_t *m = valid_model(&len);
    uint32_t rank, shape = fb_get_vector(m, tensor_at(m, 1),
                                         MCN_TENSOR_SHAPE, &rank);
    mcn_verify_report r;
    put_u32(m + shape + 4, 5);  /* w [2,5]: 10 bytes, but 8 stored */
    ck_assert_int_eq(verify_exact(m, len, &r), MCN_ERR_MODEL);
    ck_assert_int_eq(r.index, 1);
    ck_assert_str_eq(r.what, "constant data size differs from its shape");
    /* w [2,3]: 6 bytes, 8 stored. int8 weights may hold a kernel's
       larger layout (mcn_conv_kernel.weight_bytes): mcn_init holds them
       to the kernel their operator names (test_conv_smlad.c). */
    put_u32(m + shape + 4, 3);
    ck_assert_int_eq(verify_exact(m, len, &r), MCN_OK);
    put_u32(m + shape + 4, 4);
    /* Any other constant holds exactly its shape: b [1], 4 bytes of 8. */
    uint32_t bshape = fb_get_vector(m, tensor_at(m, 2), MCN_TENSOR_SHAPE,
                                    &rank);
    put_u32(m + bshape, 1);
    ck_assert_int_eq(verify_exact(m, len, &r), MCN_ERR_MODEL);
    ck_assert_int_eq(r.index, 2);
    ck_assert_str_eq(r.what, "constant data size differs from its shape");
    free(m);
}
END_TEST

/* x's zero point -3 (tensor 0, int8) set past int8: refused, before a
   kernel negates it (INT32_MIN, which fuzzing found, overflowed). */
START_TEST(zero_points_fit_their_type)
{
    size_t len;
    uint8_t *m = valid_model(&len);
    const uint32_t q = fb_get_ref(m, tensor_at(m, 0), MCN_TENSOR_QUANT);
    uint32_t n, zd = fb_get_vector(m, q, MCN_QUANT_ZERO_POINT, &n);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(fb_i32(m + zd), -3);
    mcn_verify_report r;
    const uint32_t bad[3] = {0x80000000u, 128, (uint32_t)-129};
    for (int k = 0; k < 3; k++) {
        put_u32(m + zd, bad[k]);
        ck_assert_int_eq(verify_exact(m, len, &r), MCN_ERR_MODEL);
        ck_assert_int_eq(r.index, 0);
        ck_assert_str_eq(r.what, "zero point outside its type's range");
    }
    put_u32(m + zd, 127);
    ck_assert_int_eq(verify_exact(m, len, NULL), MCN_OK);
    free(m);
}
END_TEST

START_TEST(enums_and_counts_are_checked)
{
    size_t len;
    uint8_t *m = valid_model(&len);
    mcn_verify_report r;
    /* dtype: x is INT8, stored as a one-byte field */
    uint32_t dt = fb_field(m, tensor_at(m, 0), MCN_TENSOR_DTYPE);
    m[dt] = MCN_DT_COUNT;
    ck_assert_int_eq(verify_exact(m, len, &r), MCN_ERR_MODEL);
    ck_assert_str_eq(r.what, "unknown dtype");
    m[dt] = MCN_DT_INT8;
    /* opcode */
    uint32_t op = fb_field(m, operator_at(m, 0), MCN_OPERATOR_OPCODE);
    m[op] = MCN_OP_COUNT;
    ck_assert_int_eq(verify_exact(m, len, &r), MCN_ERR_MODEL);
    ck_assert_str_eq(r.what, "unknown opcode");
    /* the softmax carrying pool options */
    m[op] = MCN_OP_FULLY_CONNECTED;
    uint32_t ot = fb_field(m, operator_at(m, 1), MCN_OPERATOR_OPTIONS_TYPE);
    m[ot] = MCN_OPTIONS_POOL2D;
    ck_assert_int_eq(verify_exact(m, len, &r), MCN_ERR_MODEL);
    ck_assert_str_eq(r.what, "options of the wrong type for the opcode");
    m[ot] = MCN_OPTIONS_NONE;  /* the table is still there */
    ck_assert_int_eq(verify_exact(m, len, &r), MCN_ERR_MODEL);
    ck_assert_str_eq(r.what, "options missing, untyped or out of bounds");
    m[ot] = MCN_OPTIONS_SOFTMAX;
    /* weights: per-channel scale count must equal shape[axis] */
    uint32_t q = fb_get_ref(m, tensor_at(m, 1), MCN_TENSOR_QUANT);
    uint32_t n, scale = fb_get_vector(m, q, MCN_QUANT_SCALE, &n);
    ck_assert_uint_eq(n, 2);
    put_u32(m + scale - 4, 1);
    ck_assert_int_eq(verify_exact(m, len, &r), MCN_ERR_MODEL);
    ck_assert_str_eq(r.what, "scale and zero_point counts differ");
    put_u32(m + scale - 4, 2);
    ck_assert_int_eq(verify_exact(m, len, NULL), MCN_OK);
    free(m);
}
END_TEST

Suite *suite_verify(void)
{
    Suite *s = suite_create("verify");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, valid_model_passes);
    tcase_add_test(tc, every_truncation_is_rejected);
    tcase_add_test(tc, random_mutations_never_read_out_of_bounds);
    tcase_add_test(tc, wrong_identifier_is_a_model_error);
    tcase_add_test(tc, other_version_is_a_version_error);
    tcase_add_test(tc, tensor_past_the_arena_end_is_rejected);
    tcase_add_test(tc, scratch_past_the_arena_end_is_rejected);
    tcase_add_test(tc, operator_index_out_of_range_is_rejected);
    tcase_add_test(tc, tensors_are_written_before_they_are_read);
    tcase_add_test(tc, bad_shapes_are_rejected);
    tcase_add_test(tc, constant_data_must_match_its_shape);
    tcase_add_test(tc, zero_points_fit_their_type);
    tcase_add_test(tc, enums_and_counts_are_checked);
    suite_add_tcase(s, tc);
    return s;
}
