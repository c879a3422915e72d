/*
** tflite_tensors.c: a TFLite tensor becomes a graph tensor the first time
** an operator or the model's interface uses it. int8 models keep their
** quantization as TFLite Micro reads it (tflite_quant.c); in a float
** model, int8 constants (dynamic-range quantized weights) are
** dequantized, since the float graph has no int8 weights.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fb_read.h"
#include "tflite_internal.h"

/* Elements in one tensor: far above any model, far below int32 overflow
   of any byte count. */
#define TFL_MAX_ELEMS ((int64_t)1 << 28)

const char *tfl_type_name(int8_t type)
{
    static const char *const n[] = {
        "FLOAT32", "FLOAT16", "INT32", "UINT8", "INT64", "STRING", "BOOL",
        "INT16", "COMPLEX64", "INT8", "FLOAT64", "COMPLEX128", "UINT64",
        "RESOURCE", "VARIANT", "UINT32", "UINT16", "INT4"};
    return type >= 0 && (size_t)type < sizeof n / sizeof n[0] ? n[type]
                                                               : "unknown";
}

/* real = scale[c] * (q - zp[c]), c the index along qdim when per channel. */
static float *dequantize(const int8_t *q, int64_t elems, int rank,
                         const int32_t *shape, int qdim, int n,
                         const float *scale, const int32_t *zp)
{
    int64_t inner = 1;
    for (int d = qdim + 1; n > 1 && d < rank; d++)
        inner *= shape[d];
    float *f = malloc((size_t)(elems ? elems : 1) * sizeof *f);
    if (!f)
        return NULL;
    for (int64_t j = 0; j < elems; j++) {
        int c = n > 1 ? (int)((j / inner) % n) : 0;
        f[j] = scale[c] * (float)(q[j] - zp[c]);
    }
    return f;
}

static int check_form(const tfl_tensor *t, mcn_dtype *dt, char *why,
                      size_t n_why)
{
    const char *no = t->variable ? "is a variable"
                   : t->sparse ? "is sparse"
                   : t->custom_quant ? "has custom quantization"
                   : t->external ? "keeps its data outside the flatbuffer"
                   : NULL;
    if (no) {
        snprintf(why, n_why, "%s, which is not supported", no);
        return -1;
    }
    switch (t->type) {
    case TFL_FLOAT32: *dt = MCN_DT_FLOAT32; return 0;
    case TFL_INT8: *dt = MCN_DT_INT8; return 0;
    case TFL_INT32: *dt = MCN_DT_INT32; return 0;
    default:
        snprintf(why, n_why, "has type %s (only FLOAT32, INT8 and INT32 "
                 "are supported)", tfl_type_name(t->type));
        return -1;
    }
}

static int check_shape(const tfl_model *m, const tfl_tensor *t,
                       int32_t *shape, int64_t *elems, char *why,
                       size_t n_why)
{
    if (t->rank > MCN_MAX_DIMS) {
        snprintf(why, n_why, "has rank %u (at most %d is supported)",
                 t->rank, MCN_MAX_DIMS);
        return -1;
    }
    *elems = 1;
    for (uint32_t d = 0; d < t->rank; d++) {
        shape[d] = tfl_i32_at(m, t->shape, d);
        if (shape[d] < 1 || shape[d] > TFL_MAX_ELEMS ||
            (*elems *= shape[d]) > TFL_MAX_ELEMS) {
            snprintf(why, n_why, "has dimension %u of size %d%s", d,
                     (int)shape[d], shape[d] < 1 ? "" : " (too large)");
            return -1;
        }
    }
    return 0;
}

/* Graph tensor for TFLite tensor i, made now if it does not exist yet;
   `bias` reads its quantization as a bias's (tflite_quant.c). */
static int make(tfl_ctx *c, uint32_t i, bool bias, char *why, size_t n_why)
{
    const tfl_tensor *t = &c->m->tensors[i];
    mcn_dtype dt;
    int32_t shape[MCN_MAX_DIMS];
    int64_t elems;
    int rank = (int)t->rank;
    if (check_form(t, &dt, why, n_why) ||
        check_shape(c->m, t, shape, &elems, why, n_why))
        return -1;
    if (t->data && (uint64_t)elems * mcn_dtype_size(dt) != t->nbytes) {
        snprintf(why, n_why, "holds %u bytes for %lld %s elements", t->nbytes,
                 (long long)elems, tfl_type_name(t->type));
        return -1;
    }
    /* Quantization only means something for the int8 graph's int8 and
       int32 tensors, and for the int8 weights a float graph dequantizes. */
    bool dequant = c->float_model && dt == MCN_DT_INT8 && t->data;
    bool quant = dt != MCN_DT_FLOAT32 && (!c->float_model || dequant);
    tfl_quant q = {0};
    int rc = -1, gt = -1;
    void *data = (void *)t->data;
    float *f = NULL;
    if (quant && tfl_read_quant(c->m, t, bias, rank, shape, &q, why, n_why))
        goto done;
    if (dequant && q.n == 0) {
        snprintf(why, n_why, "is int8 without a scale in a float model");
        goto done;
    }
    if (dequant) {
        data = f = dequantize((const int8_t *)t->data, elems, rank, shape,
                              q.axis, q.n, q.scale, q.zp);
        if (!f) {
            snprintf(why, n_why, "out of memory");
            goto done;
        }
        dt = MCN_DT_FLOAT32;
        tfl_quant_free(&q);
    }
    gt = graph_add_tensor(c->g, t->name, dt, rank, shape);
    if (gt < 0 ||
        (data && graph_set_data(c->g, gt, data,
                                (size_t)elems * mcn_dtype_size(dt))) ||
        (q.n && graph_set_quant(c->g, gt, q.n, q.scale, q.zp, q.axis))) {
        snprintf(why, n_why, "out of memory");
        goto done;
    }
    c->g->tensors[gt].layout = MCN_LAYOUT_NHWC;
    c->gt[i] = gt;
    rc = 0;
done:
    tfl_quant_free(&q);
    free(f);
    return rc;
}

int tfl_graph_tensor_as(tfl_ctx *c, uint32_t i, bool bias, char *why,
                        size_t n_why)
{
    if (c->gt[i] >= 0)
        return c->gt[i];
    return make(c, i, bias, why, n_why) ? -1 : c->gt[i];
}

int tfl_graph_tensor(tfl_ctx *c, uint32_t i, char *why, size_t n_why)
{
    return tfl_graph_tensor_as(c, i, false, why, n_why);
}
