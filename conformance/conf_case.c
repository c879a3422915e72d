/* conf_case.c: one case: its model, the live inputs search, and why a
   case that does not import is skipped or failed (conformance.h). */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "conformance.h"
#include "fileio.h"
#include "onnx_import.h"
#include "onnx_internal.h"

#define DT(x) ONNX__TENSOR_PROTO__DATA_TYPE__##x

/* Ops whose presence makes int8/uint8/int32 data legitimate. */
static const char *const quant_ops[] = {
    "QuantizeLinear", "DequantizeLinear", "QLinearConv", "QLinearMatMul",
    "ConvInteger", "MatMulInteger", "DynamicQuantizeLinear",
};

static bool is_quant_op(const char *op)
{
    for (size_t i = 0; i < sizeof quant_ops / sizeof quant_ops[0]; i++)
        if (!strcmp(op, quant_ops[i]))
            return true;
    return false;
}

static void add_op(conf_result *r, const char *op)
{
    for (int i = 0; i < r->n_ops; i++)
        if (!strcmp(r->ops[i], op))
            return;
    if (r->n_ops < CONF_MAX_OPS)
        snprintf(r->ops[r->n_ops++], sizeof r->ops[0], "%s", op);
}

static bool is_initializer(const Onnx__GraphProto *g, const char *name)
{
    for (size_t i = 0; i < g->n_initializer; i++)
        if (g->initializer[i]->name && !strcmp(g->initializer[i]->name, name))
            return true;
    return false;
}

static int model_load(const char *dir, conf_model *md, conf_result *r)
{
    char path[1024];
    uint8_t *buf;
    size_t len;
    mcn_err e;
    if (!conf_join(path, sizeof path, dir, "model.onnx"))
        return conf_fail(r, "path too long");
    if (file_read_all(path, &buf, &len, &e))
        return conf_fail(r, "%s", e.msg);
    md->m = onnx__model_proto__unpack(NULL, len, buf);
    free(buf);
    if (!md->m || !md->m->graph)
        return conf_fail(r, "model.onnx is not an ONNX model");
    const Onnx__GraphProto *g = md->m->graph;
    for (size_t i = 0; i < g->n_input; i++) {
        if (is_initializer(g, g->input[i]->name ? g->input[i]->name : ""))
            continue;
        if (md->n_real == CONF_MAX_TENSORS)
            return conf_fail(r, "more than %d inputs", CONF_MAX_TENSORS);
        md->real[md->n_real++] = g->input[i];
    }
    for (size_t i = 0; i < g->n_node; i++)
        md->quant |= is_quant_op(g->node[i]->op_type ? g->node[i]->op_type
                                                     : "");
    return 0;
}

/* ---- why a case does not import ---- */

/* Ops the importer has no translation for. */
static void unknown_ops(const conf_model *md, conf_result *r)
{
    const Onnx__GraphProto *g = md->m->graph;
    for (size_t i = 0; i < g->n_node; i++) {
        const Onnx__NodeProto *n = g->node[i];
        const char *op = n->op_type ? n->op_type : "";
        char name[96];
        if (n->domain && n->domain[0] && strcmp(n->domain, "ai.onnx")) {
            snprintf(name, sizeof name, "%s.%s", n->domain, op);
            add_op(r, name);
        } else if (!onnx_op_lookup(op)) {
            add_op(r, op);
        }
    }
}

/* The first node reading (or, for an output, writing) value `name`. */
static const char *op_touching(const Onnx__GraphProto *g, const char *name)
{
    for (size_t i = 0; i < g->n_node; i++) {
        const Onnx__NodeProto *n = g->node[i];
        for (size_t j = 0; j < n->n_input + n->n_output; j++) {
            const char *v = j < n->n_input ? n->input[j]
                                           : n->output[j - n->n_input];
            if (v && !strcmp(v, name))
                return n->op_type;
        }
    }
    return "?";
}

/* A declared input's or output's element type, or a negative code for
   what is not a tensor. */
enum { KIND_SEQUENCE = -1, KIND_MAP = -2, KIND_OPTIONAL = -3, KIND_OTHER = -4 };

static int declared_type(const Onnx__ValueInfoProto *vi)
{
    const Onnx__TypeProto *t = vi->type;
    if (!t)
        return DT(UNDEFINED);
    switch (t->value_case) {
    case ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE:
        return t->tensor_type->elem_type;
    case ONNX__TYPE_PROTO__VALUE_SEQUENCE_TYPE: return KIND_SEQUENCE;
    case ONNX__TYPE_PROTO__VALUE_MAP_TYPE: return KIND_MAP;
    case ONNX__TYPE_PROTO__VALUE_OPTIONAL_TYPE: return KIND_OPTIONAL;
    default: return KIND_OTHER;
    }
}

static const char *type_name(int t)
{
    return t == KIND_SEQUENCE   ? "sequence"
           : t == KIND_MAP      ? "map"
           : t == KIND_OPTIONAL ? "optional"
           : t == KIND_OTHER    ? "non-tensor"
                                : conf_dtype_name(t);
}

/* "(op, dtype) outside the supported set", from the declared types of the
   real inputs and the outputs (conformance.h). */
static void unsupported_types(const conf_model *md, conf_result *r)
{
    const Onnx__GraphProto *g = md->m->graph;
    for (size_t i = 0; i < (size_t)md->n_real + g->n_output; i++) {
        bool is_in = i < (size_t)md->n_real;
        const Onnx__ValueInfoProto *vi =
            is_in ? md->real[i] : g->output[i - (size_t)md->n_real];
        int dt = declared_type(vi);
        bool ok = dt == DT(FLOAT) || dt == DT(UNDEFINED) ||
                  (is_in && i > 0 && (dt == DT(INT64) || dt == DT(INT32))) ||
                  (md->quant && (dt == DT(INT8) || dt == DT(UINT8) ||
                                 dt == DT(INT32)));
        if (ok || !vi->name)
            continue;
        char what[96];
        snprintf(what, sizeof what, "%s on %s", op_touching(g, vi->name),
                 type_name(dt));
        add_op(r, what);
    }
}

/* Skipped, with what to count, if the case is outside the supported set;
   else a failure for `why`. */
static int classify(const conf_model *md, conf_result *r, const char *why)
{
    r->n_ops = 0;
    unknown_ops(md, r);
    if (!r->n_ops)
        unsupported_types(md, r);
    if (!r->n_ops)
        conf_unsupported_variants(md, r, add_op);
    if (!r->n_ops)
        return conf_fail(r, "%s", why);
    r->kind = CONF_UNSUPPORTED;
    return -1;
}

/* ---- importing ---- */

/* The model with real inputs `live`.. frozen into initializers, packed. */
static uint8_t *freeze(const conf_model *md, const conf_data *s, int live,
                       size_t *len)
{
    Onnx__GraphProto *g = md->m->graph;
    int n_frozen = md->n_real - live;
    if (n_frozen > s->n_in - live)
        n_frozen = s->n_in - live;
    if (n_frozen < 0)
        n_frozen = 0;
    Onnx__TensorProto **inits =
        calloc(g->n_initializer + (size_t)n_frozen + 1, sizeof *inits);
    char **names = calloc((size_t)n_frozen + 1, sizeof *names);
    uint8_t *buf = NULL;
    if (!inits || !names)
        goto out;
    if (g->n_initializer)
        memcpy(inits, g->initializer, g->n_initializer * sizeof *inits);
    for (int i = 0; i < n_frozen; i++) {
        Onnx__TensorProto *t = s->in[live + i].tp;
        /* Named as the input it replaces while packing; restored below. */
        names[i] = t->name;
        t->name = md->real[live + i]->name;
        inits[g->n_initializer + (size_t)i] = t;
    }
    Onnx__TensorProto **old = g->initializer;
    size_t n_old = g->n_initializer;
    g->initializer = inits;
    g->n_initializer = n_old + (size_t)n_frozen;
    *len = onnx__model_proto__get_packed_size(md->m);
    buf = malloc(*len + 1);
    if (buf)
        onnx__model_proto__pack(md->m, buf);
    g->initializer = old;
    g->n_initializer = n_old;
    for (int i = 0; i < n_frozen; i++)
        s->in[live + i].tp->name = names[i];
out:
    free(names);
    free(inits);
    return buf;
}

static int import_with(const conf_model *md, const conf_data *s, int live,
                       FILE *verbose, graph *g, mcn_err *e)
{
    size_t len;
    uint8_t *buf = freeze(md, s, live, &len);
    if (!buf)
        return mcn_fail(e, "out of memory");
    if (verbose)
        fprintf(verbose, "  import with %d live input%s\n", live,
                live == 1 ? "" : "s");
    onnx_import_opts io = {.verbose = verbose};
    int rc = onnx_import(buf, len, &io, g, e);
    free(buf);
    if (rc && verbose)
        fprintf(verbose, "    %s\n", e->msg);
    return rc;
}

/* L = 1, 2, ... live inputs until one imports. Of the errors, the first
   (weights frozen, as a model would carry them) and, if different, the
   last (the most inputs live) are reported. */
static int import_case(const conf_model *md, const conf_data *s,
                       FILE *verbose, graph *g, conf_result *r)
{
    int max = md->n_real < GRAPH_MAX_IO ? md->n_real : GRAPH_MAX_IO;
    mcn_err first = {0}, last = {0};
    char why[2 * sizeof first.msg + 64];
    if (max < 1)
        max = 1;
    for (int live = 1; live <= max; live++)
        if (!import_with(md, s, live, verbose, g, live == 1 ? &first : &last))
            return 0;
    if (max > 1 && strcmp(first.msg, last.msg))
        snprintf(why, sizeof why, "import: %s (with %d live inputs: %s)",
                 first.msg, max, last.msg);
    else
        snprintf(why, sizeof why, "import: %s", first.msg);
    return classify(md, r, why);
}

static int run_set(const char *name, const conf_model *md, const char *dir,
                   FILE *verbose, conf_result *r)
{
    conf_data s;
    char why[1024];
    graph g;
    int rc;
    if (conf_data_read(dir, &s, why, sizeof why)) {
        rc = classify(md, r, why);
    } else if (!(rc = import_case(md, &s, verbose, &g, r))) {
        rc = conf_run_graph(&g, md, &s, name, r);
        graph_free(&g);
    }
    conf_data_free(&s);
    return rc;
}

/* "test_data_set_N" directories of a case, sorted (malloc'd). */
static int by_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int data_sets(const char *dir, char ***names, int *n)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    *names = NULL;
    *n = 0;
    while (d && (de = readdir(d))) {
        if (strncmp(de->d_name, "test_data_set_", 14))
            continue;
        char **grown = realloc(*names, (size_t)(*n + 1) * sizeof *grown);
        if (!grown)
            break;
        *names = grown;
        if (!((*names)[*n] = strdup(de->d_name)))
            break;
        (*n)++;
    }
    if (d)
        closedir(d);
    if (*n)
        qsort(*names, (size_t)*n, sizeof **names, by_name);
    return *n ? 0 : -1;
}

void conf_run_case(const char *dir, const char *name, FILE *verbose,
                   conf_result *r)
{
    conf_model md;
    char **sets = NULL;
    int n_sets = 0;
    memset(r, 0, sizeof *r);
    memset(&md, 0, sizeof md);
    r->kind = CONF_PASS;
    if (model_load(dir, &md, r))
        goto out;
    if (data_sets(dir, &sets, &n_sets)) {
        conf_fail(r, "no test_data_set_N directory");
        goto out;
    }
    for (int i = 0; i < n_sets && r->kind == CONF_PASS; i++) {
        char path[1024];
        if (!conf_join(path, sizeof path, dir, sets[i]))
            conf_fail(r, "path too long");
        else if (run_set(name, &md, path, verbose, r) && n_sets > 1 &&
                 r->kind == CONF_FAIL) {
            /* Say which set, in front of the message. */
            size_t k = strlen(sets[i]), room = sizeof r->why;
            if (k + 2 < room) {
                memmove(r->why + k + 2, r->why, room - k - 2);
                memcpy(r->why, sets[i], k);
                memcpy(r->why + k, ": ", 2);
                r->why[room - 1] = 0;
            }
        }
    }
out:
    for (int i = 0; i < n_sets; i++)
        free(sets[i]);
    free(sets);
    if (md.m)
        onnx__model_proto__free_unpacked(md.m, NULL);
}
