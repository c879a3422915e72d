/* test_onnx_build.c: the model builder the ONNX importer tests share
   (test_onnx_build.h), and a check that what it builds survives a
   protobuf round trip. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "onnx_import.h"
#include "test_onnx_build.h"

#define OB_MAX 64

struct ob {
    Onnx__ModelProto m;
    Onnx__GraphProto g;
    Onnx__OperatorSetIdProto opset;
    Onnx__OperatorSetIdProto *opsets[1];
    void **allocs;
    size_t n_allocs, cap;
};

static void *ob_alloc(ob *b, size_t n)
{
    if (b->n_allocs == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 64;
        b->allocs = realloc(b->allocs, b->cap * sizeof *b->allocs);
        ck_assert_ptr_nonnull(b->allocs);
    }
    void *p = calloc(1, n ? n : 1);
    ck_assert_ptr_nonnull(p);
    b->allocs[b->n_allocs++] = p;
    return p;
}

static char *ob_str(ob *b, const char *s)
{
    char *p = ob_alloc(b, strlen(s) + 1);
    memcpy(p, s, strlen(s) + 1);
    return p;
}

ob *ob_new(int opset)
{
    ob *b = calloc(1, sizeof *b);
    ck_assert_ptr_nonnull(b);
    Onnx__ModelProto m = ONNX__MODEL_PROTO__INIT;
    Onnx__GraphProto g = ONNX__GRAPH_PROTO__INIT;
    Onnx__OperatorSetIdProto o = ONNX__OPERATOR_SET_ID_PROTO__INIT;
    b->m = m;
    b->g = g;
    b->opset = o;
    b->opset.domain = ob_str(b, "");
    b->opset.has_version = 1;
    b->opset.version = opset;
    b->opsets[0] = &b->opset;
    b->m.has_ir_version = 1;
    b->m.ir_version = 8;
    b->m.producer_name = ob_str(b, "mcn-tests");
    b->m.n_opset_import = 1;
    b->m.opset_import = b->opsets;
    b->m.graph = &b->g;
    b->g.name = ob_str(b, "test");
    b->g.node = ob_alloc(b, OB_MAX * sizeof *b->g.node);
    b->g.initializer = ob_alloc(b, OB_MAX * sizeof *b->g.initializer);
    b->g.input = ob_alloc(b, OB_MAX * sizeof *b->g.input);
    b->g.output = ob_alloc(b, OB_MAX * sizeof *b->g.output);
    return b;
}

void ob_free(ob *b)
{
    for (size_t i = 0; i < b->n_allocs; i++)
        free(b->allocs[i]);
    free(b->allocs);
    free(b);
}

Onnx__ModelProto *ob_model(ob *b)
{
    return &b->m;
}

static Onnx__ValueInfoProto *value_info(ob *b, const char *name, int rank,
                                        const int64_t *dims, int elem_type)
{
    Onnx__ValueInfoProto *vi = ob_alloc(b, sizeof *vi);
    Onnx__ValueInfoProto vi0 = ONNX__VALUE_INFO_PROTO__INIT;
    Onnx__TypeProto *tp = ob_alloc(b, sizeof *tp);
    Onnx__TypeProto tp0 = ONNX__TYPE_PROTO__INIT;
    Onnx__TypeProto__Tensor *tt = ob_alloc(b, sizeof *tt);
    Onnx__TypeProto__Tensor tt0 = ONNX__TYPE_PROTO__TENSOR__INIT;
    *vi = vi0;
    *tp = tp0;
    *tt = tt0;
    vi->name = ob_str(b, name);
    vi->type = tp;
    tp->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
    tp->tensor_type = tt;
    tt->has_elem_type = 1;
    tt->elem_type = elem_type;
    if (rank < 0)
        return vi;
    Onnx__TensorShapeProto *sp = ob_alloc(b, sizeof *sp);
    Onnx__TensorShapeProto sp0 = ONNX__TENSOR_SHAPE_PROTO__INIT;
    *sp = sp0;
    tt->shape = sp;
    sp->n_dim = (size_t)rank;
    sp->dim = ob_alloc(b, (size_t)rank * sizeof *sp->dim);
    for (int i = 0; i < rank; i++) {
        Onnx__TensorShapeProto__Dimension *d = ob_alloc(b, sizeof *d);
        Onnx__TensorShapeProto__Dimension d0 =
            ONNX__TENSOR_SHAPE_PROTO__DIMENSION__INIT;
        *d = d0;
        if (dims[i] < 0) {
            d->value_case =
                ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM;
            d->dim_param = ob_str(b, "N");
        } else {
            d->value_case =
                ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
            d->dim_value = dims[i];
        }
        sp->dim[i] = d;
    }
    return vi;
}

void ob_input(ob *b, const char *name, int rank, const int64_t *dims)
{
    b->g.input[b->g.n_input++] =
        value_info(b, name, rank, dims, ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT);
}

void ob_input_typed(ob *b, const char *name, int elem_type, int rank,
                    const int64_t *dims)
{
    b->g.input[b->g.n_input++] = value_info(b, name, rank, dims, elem_type);
}

void ob_output(ob *b, const char *name, int rank, const int64_t *dims)
{
    b->g.output[b->g.n_output++] =
        value_info(b, name, rank, dims, ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT);
}

static Onnx__TensorProto *tensor(ob *b, const char *name, int rank,
                                 const int64_t *dims)
{
    Onnx__TensorProto *t = ob_alloc(b, sizeof *t);
    Onnx__TensorProto t0 = ONNX__TENSOR_PROTO__INIT;
    *t = t0;
    t->name = ob_str(b, name);
    t->n_dims = (size_t)rank;
    t->dims = ob_alloc(b, (size_t)rank * sizeof *t->dims);
    if (rank)
        memcpy(t->dims, dims, (size_t)rank * sizeof *t->dims);
    t->has_data_type = 1;
    return t;
}

static size_t count(int rank, const int64_t *dims)
{
    size_t n = 1;
    for (int i = 0; i < rank; i++)
        n *= (size_t)dims[i];
    return n;
}

void ob_init_f(ob *b, const char *name, int rank, const int64_t *dims,
               const float *data)
{
    Onnx__TensorProto *t = tensor(b, name, rank, dims);
    t->data_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
    t->n_float_data = count(rank, dims);
    t->float_data = ob_alloc(b, t->n_float_data * sizeof *t->float_data);
    memcpy(t->float_data, data, t->n_float_data * sizeof *t->float_data);
    b->g.initializer[b->g.n_initializer++] = t;
}

void ob_init_i(ob *b, const char *name, int rank, const int64_t *dims,
               const int64_t *data)
{
    /* raw_data, little-endian, to cover the other encoding too. */
    Onnx__TensorProto *t = tensor(b, name, rank, dims);
    size_t n = count(rank, dims);
    t->data_type = ONNX__TENSOR_PROTO__DATA_TYPE__INT64;
    t->has_raw_data = 1;
    t->raw_data.len = n * 8;
    t->raw_data.data = ob_alloc(b, n * 8);
    for (size_t i = 0; i < n; i++)
        for (int k = 0; k < 8; k++)
            t->raw_data.data[i * 8 + (size_t)k] =
                (uint8_t)((uint64_t)data[i] >> (8 * k));
    b->g.initializer[b->g.n_initializer++] = t;
}

void ob_init_q(ob *b, const char *name, int elem_type, int rank,
               const int64_t *dims, const int32_t *data)
{
    /* 8-bit types as raw bytes, int32 in int32_data: both encodings. */
    Onnx__TensorProto *t = tensor(b, name, rank, dims);
    size_t n = count(rank, dims);
    t->data_type = elem_type;
    if (elem_type == ONNX__TENSOR_PROTO__DATA_TYPE__INT32) {
        t->n_int32_data = n;
        t->int32_data = ob_alloc(b, n * sizeof *t->int32_data);
        memcpy(t->int32_data, data, n * sizeof *t->int32_data);
    } else {
        t->has_raw_data = 1;
        t->raw_data.len = n;
        t->raw_data.data = ob_alloc(b, n);
        for (size_t i = 0; i < n; i++)
            t->raw_data.data[i] = (uint8_t)data[i];
    }
    b->g.initializer[b->g.n_initializer++] = t;
}

/* "a,b,,c" -> {"a","b","","c"}; "" -> none. */
static char **split(ob *b, const char *list, size_t *n)
{
    char **v = ob_alloc(b, 16 * sizeof *v);
    *n = 0;
    if (!list[0])
        return v;
    const char *p = list;
    for (;;) {
        const char *q = strchr(p, ',');
        size_t len = q ? (size_t)(q - p) : strlen(p);
        v[*n] = ob_alloc(b, len + 1);
        memcpy(v[*n], p, len);
        (*n)++;
        if (!q)
            return v;
        p = q + 1;
    }
}

Onnx__NodeProto *ob_node(ob *b, const char *op, const char *name,
                         const char *inputs, const char *outputs)
{
    Onnx__NodeProto *n = ob_alloc(b, sizeof *n);
    Onnx__NodeProto n0 = ONNX__NODE_PROTO__INIT;
    *n = n0;
    n->op_type = ob_str(b, op);
    n->name = ob_str(b, name);
    n->input = split(b, inputs, &n->n_input);
    n->output = split(b, outputs, &n->n_output);
    n->attribute = ob_alloc(b, 16 * sizeof *n->attribute);
    b->g.node[b->g.n_node++] = n;
    return n;
}

static Onnx__AttributeProto *attr(ob *b, Onnx__NodeProto *n,
                                  const char *name, int type)
{
    Onnx__AttributeProto *a = ob_alloc(b, sizeof *a);
    Onnx__AttributeProto a0 = ONNX__ATTRIBUTE_PROTO__INIT;
    *a = a0;
    a->name = ob_str(b, name);
    a->has_type = 1;
    a->type = type;
    n->attribute[n->n_attribute++] = a;
    return a;
}

void ob_attr_i(ob *b, Onnx__NodeProto *n, const char *name, int64_t v)
{
    Onnx__AttributeProto *a =
        attr(b, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT);
    a->has_i = 1;
    a->i = v;
}

void ob_attr_f(ob *b, Onnx__NodeProto *n, const char *name, float v)
{
    Onnx__AttributeProto *a =
        attr(b, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT);
    a->has_f = 1;
    a->f = v;
}

void ob_attr_s(ob *b, Onnx__NodeProto *n, const char *name, const char *v)
{
    Onnx__AttributeProto *a =
        attr(b, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING);
    a->has_s = 1;
    a->s.len = strlen(v);
    a->s.data = (uint8_t *)ob_str(b, v);
}

void ob_attr_ints(ob *b, Onnx__NodeProto *n, const char *name, int count_,
                  const int64_t *v)
{
    Onnx__AttributeProto *a =
        attr(b, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS);
    a->n_ints = (size_t)count_;
    a->ints = ob_alloc(b, (size_t)count_ * sizeof *a->ints);
    memcpy(a->ints, v, (size_t)count_ * sizeof *a->ints);
}

void ob_attr_tensor(ob *b, Onnx__NodeProto *n, const char *name, int rank,
                    const int64_t *dims, const float *data)
{
    Onnx__AttributeProto *a =
        attr(b, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR);
    Onnx__TensorProto *t = tensor(b, "", rank, dims);
    t->data_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
    t->n_float_data = count(rank, dims);
    t->float_data = ob_alloc(b, t->n_float_data * sizeof *t->float_data);
    memcpy(t->float_data, data, t->n_float_data * sizeof *t->float_data);
    a->t = t;
}

uint8_t *ob_pack(ob *b, size_t *len)
{
    *len = onnx__model_proto__get_packed_size(&b->m);
    uint8_t *buf = malloc(*len ? *len : 1);
    ck_assert_ptr_nonnull(buf);
    ck_assert_uint_eq(onnx__model_proto__pack(&b->m, buf), *len);
    return buf;
}

int ob_import(ob *b, graph *g, char *err, size_t err_size, FILE *verbose)
{
    size_t len;
    uint8_t *buf = ob_pack(b, &len);
    onnx_import_opts o = {verbose};
    mcn_err e = {0};
    int rc = onnx_import(buf, len, &o, g, &e);
    if (err)
        snprintf(err, err_size, "%s", rc ? e.msg : "");
    free(buf);
    return rc;
}

char *ob_import_log(ob *b, graph *g)
{
    char *log = NULL, err[512];
    size_t len = 0;
    FILE *f = open_memstream(&log, &len);
    ck_assert_ptr_nonnull(f);
    int rc = ob_import(b, g, err, sizeof err, f);
    fclose(f);
    ck_assert_msg(rc == 0, "import failed: %s", err);
    return log;
}

void ob_import_ok(ob *b, graph *g)
{
    free(ob_import_log(b, g));
}

void ob_expect_error(ob *b, const char *want)
{
    graph g;
    char err[512];
    ck_assert_int_eq(ob_import(b, &g, err, sizeof err, NULL), -1);
    ck_assert_str_eq(err, want);
    ck_assert_int_eq(g.n_nodes, 0);  /* left empty on failure */
    ob_free(b);
}

void ob_assert_floats(const float *got, const float *want, int n)
{
    for (int i = 0; i < n; i++)
        ck_assert_msg(got[i] == want[i], "[%d] = %g, expected %g", i,
                      (double)got[i], (double)want[i]);
}

void ob_assert_shape(const graph_tensor *t, int rank, const int32_t *s)
{
    ck_assert_int_eq(t->rank, rank);
    for (int i = 0; i < rank; i++)
        ck_assert_msg(t->shape[i] == s[i], "dim %d = %d, expected %d", i,
                      t->shape[i], s[i]);
}

const float *ob_data(const graph *g, int node, int input)
{
    return g->tensors[g->nodes[node].in[input]].data;
}

START_TEST(builder_round_trips)
{
    ob *b = ob_new(13);
    ob_input(b, "x", 2, OB_DIMS(1, -1));
    ob_init_i(b, "shape", 1, OB_DIMS(2), OB_DIMS(-1, 300));
    Onnx__NodeProto *n = ob_node(b, "Reshape", "r", "x,shape", "y");
    ob_attr_ints(b, n, "allowzero", 1, OB_DIMS(0));
    size_t len;
    uint8_t *buf = ob_pack(b, &len);
    Onnx__ModelProto *m = onnx__model_proto__unpack(NULL, len, buf);
    ck_assert_ptr_nonnull(m);
    ck_assert_uint_eq(m->graph->n_node, 1);
    ck_assert_str_eq(m->graph->node[0]->input[1], "shape");
    ck_assert_uint_eq(m->graph->initializer[0]->raw_data.len, 16);
    /* 300 = 0x12c, little-endian in the second element. */
    ck_assert_uint_eq(m->graph->initializer[0]->raw_data.data[8], 0x2c);
    ck_assert_uint_eq(m->graph->initializer[0]->raw_data.data[9], 0x01);
    ck_assert_str_eq(m->graph->input[0]->type->tensor_type->shape->dim[1]
                         ->dim_param, "N");
    onnx__model_proto__free_unpacked(m, NULL);
    free(buf);
    ob_free(b);
}
END_TEST

Suite *suite_onnx_build(void)
{
    Suite *s = suite_create("onnx_build");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, builder_round_trips);
    suite_add_tcase(s, tc);
    return s;
}
