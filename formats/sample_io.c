/* sample_io.c: see sample_io.h. */
#include "sample_io.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "layout.h"
#include "qmath.h"

/* The array is one sample in the source shape, with no N axis. */
static bool exact_shape(const graph_tensor *t, const npy_array *a)
{
    int32_t src[MCN_MAX_DIMS];
    layout_source_shape(t, src);
    if (a->rank != t->rank)
        return false;
    for (int i = 0; i < t->rank; i++)
        if (a->shape[i] != src[i])
            return false;
    return true;
}

static const char *tensor_label(const graph_tensor *t)
{
    return t->name ? t->name : "";
}

int sample_inputs_from_npy(const graph *g, int input, const npy_array *a,
                           sample_batch *b, mcn_err *e)
{
    memset(b, 0, sizeof *b);
    if (input < 0 || input >= g->n_inputs)
        return mcn_fail(e, "the model has no input %d", input);
    const graph_tensor *t = &g->tensors[g->inputs[input]];
    if (t->dtype != MCN_DT_FLOAT32 && t->dtype != MCN_DT_INT8)
        return mcn_fail(e, "input %d '%s' is %s; only float32 and int8 "
                        "inputs can be fed", input, tensor_label(t),
                        graph_dtype_name(t->dtype));
    int n = layout_batch_count(t, a->rank, a->shape, e);
    if (n < 0)
        return -1;
    int64_t elems = graph_tensor_elems(t);
    bool raw = t->dtype == MCN_DT_INT8 && a->dtype == NPY_I8;
    if (t->dtype == MCN_DT_INT8 && !raw &&
        (t->nscale < 1 || !(t->scale[0] > 0.0f) || !isfinite(t->scale[0])))
        return mcn_fail(e, "input %d '%s' is int8 without a usable scale",
                        input, tensor_label(t));
    if (npy_elems(a) != elems * n)
        return mcn_fail(e, "array holds %lld values, not %d samples of %lld",
                        (long long)npy_elems(a), n, (long long)elems);
    size_t elem = mcn_dtype_size(t->dtype);
    b->n = n;
    b->dtype = t->dtype;
    b->sample_bytes = (size_t)elems * elem;
    b->form = exact_shape(t, a)     ? SAMPLE_ONE
              : a->rank == t->rank ? SAMPLE_BATCH_DIM
                                   : SAMPLE_LEADING_AXIS;
    b->data = malloc(b->sample_bytes * (size_t)n + 1);
    float *f = raw ? NULL : npy_to_f32(a, e);
    /* One sample in source order before the transpose. */
    void *tmp = malloc(b->sample_bytes + 1);
    if (!b->data || !tmp || (!raw && !f)) {
        free(tmp);
        free(f);
        sample_batch_free(b);
        return raw || f ? mcn_fail(e, "out of memory reading samples") : -1;
    }
    for (int s = 0; s < n; s++) {
        uint8_t *dst = (uint8_t *)b->data + (size_t)s * b->sample_bytes;
        if (raw) {
            layout_to_graph(t, (const int8_t *)a->data + (size_t)s * elems,
                            dst, 1);
            continue;
        }
        const float *x = f + (size_t)s * (size_t)elems;
        if (t->dtype == MCN_DT_FLOAT32) {
            layout_to_graph(t, x, dst, sizeof(float));
            continue;
        }
        int8_t *q = tmp;
        for (int64_t i = 0; i < elems; i++) {
            if (isnan(x[i])) {
                free(tmp);
                free(f);
                sample_batch_free(b);
                return mcn_fail(e, "sample %d has NaN at element %lld", s,
                                (long long)i);
            }
            /* TFLite's AffineQuantize, the division in float. */
            q[i] = (int8_t)qmath_quantize_value(x[i], t->scale[0],
                                                t->zero_point[0]);
        }
        layout_to_graph(t, q, dst, 1);
    }
    free(tmp);
    free(f);
    return 0;
}

int sample_outputs_to_npy(const graph *g, int output, const void *data,
                          int n, sample_form form, bool raw, npy_array *out,
                          mcn_err *e)
{
    memset(out, 0, sizeof *out);
    if (output < 0 || output >= g->n_outputs)
        return mcn_fail(e, "the model has no output %d", output);
    const graph_tensor *t = &g->tensors[g->outputs[output]];
    bool q8 = t->dtype == MCN_DT_INT8;
    if (!q8 && t->dtype != MCN_DT_FLOAT32)
        return mcn_fail(e, "output %d '%s' is %s; only float32 and int8 "
                        "outputs can be written", output, tensor_label(t),
                        graph_dtype_name(t->dtype));
    if (q8 && !raw && t->nscale < 1)
        return mcn_fail(e, "output %d '%s' is int8 without a scale", output,
                        tensor_label(t));
    if (n < 1 || (form == SAMPLE_ONE && n != 1))
        return mcn_fail(e, "%d samples for an unbatched output", n);
    bool keep_int8 = q8 && raw;
    size_t elem = keep_int8 ? 1 : sizeof(float);
    int64_t elems = graph_tensor_elems(t);
    int32_t src[MCN_MAX_DIMS];
    layout_source_shape(t, src);
    int k = 0, first = 0;
    if (form == SAMPLE_BATCH_DIM && t->rank >= 1 && src[0] == 1)
        first = 1;  /* N takes the place of the batch of 1 */
    if (form != SAMPLE_ONE)
        out->shape[k++] = n;
    for (int i = first; i < t->rank; i++)
        out->shape[k++] = src[i];
    out->rank = k;
    out->dtype = keep_int8 ? NPY_I8 : NPY_F32;
    out->nbytes = (size_t)elems * (size_t)n * elem;
    out->data = malloc(out->nbytes + 1);
    float *tmp = malloc((size_t)elems * sizeof(float) + 1);
    if (!out->data || !tmp) {
        free(tmp);
        npy_free(out);
        return mcn_fail(e, "out of memory writing outputs");
    }
    size_t in_bytes = (size_t)elems * mcn_dtype_size(t->dtype);
    for (int s = 0; s < n; s++) {
        const int8_t *x = (const int8_t *)data + (size_t)s * in_bytes;
        uint8_t *dst = (uint8_t *)out->data + (size_t)s * (size_t)elems * elem;
        if (!q8 || raw) {
            layout_from_graph(t, x, dst, elem);
            continue;
        }
        /* TFLite's Dequantize: the scale widened to double. */
        double scale = t->scale[0];
        int32_t zp = t->zero_point[0];
        for (int64_t i = 0; i < elems; i++)
            tmp[i] = (float)(scale * (double)(x[i] - zp));
        layout_from_graph(t, tmp, dst, sizeof(float));
    }
    free(tmp);
    return 0;
}

void sample_batch_free(sample_batch *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

int64_t sample_argmax(const npy_array *y, int s, int n)
{
    int64_t per = npy_elems(y) / n, best = 0, base = (int64_t)s * per;
    bool q = y->dtype == NPY_I8;
    if (per <= 0)
        return -1;
    for (int64_t k = 1; k < per; k++) {
        int64_t a = base + k, b = base + best;
        if (q ? ((const int8_t *)y->data)[a] > ((const int8_t *)y->data)[b]
              : ((const float *)y->data)[a] > ((const float *)y->data)[b])
            best = k;
    }
    return best;
}

void sample_print(FILE *f, const npy_array *y, int s, int n)
{
    int64_t per = npy_elems(y) / n;
    fprintf(f, "sample %d: class %lld  [", s, (long long)sample_argmax(y, s, n));
    for (int64_t k = 0; k < per; k++) {
        int64_t at = (int64_t)s * per + k;
        if (y->dtype == NPY_I8)
            fprintf(f, "%s%d", k ? " " : "", ((const int8_t *)y->data)[at]);
        else
            fprintf(f, "%s%g", k ? " " : "",
                    (double)((const float *)y->data)[at]);
    }
    fprintf(f, "]\n");
}

int64_t sample_label_at(const npy_array *a, int64_t i)
{
    switch (a->dtype) {
    case NPY_I8: return ((const int8_t *)a->data)[i];
    case NPY_U8: case NPY_BOOL: return ((const uint8_t *)a->data)[i];
    case NPY_I16: return ((const int16_t *)a->data)[i];
    case NPY_I32: return ((const int32_t *)a->data)[i];
    case NPY_I64: return ((const int64_t *)a->data)[i];
    default: return -1;
    }
}

void sample_resize_bilinear(const float *in, int n, int h, int w, int c,
                            int oh, int ow, float *out)
{
    for (int b = 0; b < n; b++) {
        const float *src = in + (size_t)b * h * w * c;
        float *dst = out + (size_t)b * oh * ow * c;
        for (int y = 0; y < oh; y++) {
            double fy = ((double)y + 0.5) * h / oh - 0.5;
            fy = fy < 0 ? 0 : fy;
            int y0 = (int)floor(fy), y1 = y0 + 1 < h ? y0 + 1 : h - 1;
            double ty = fy - y0;
            for (int x = 0; x < ow; x++) {
                double fx = ((double)x + 0.5) * w / ow - 0.5;
                fx = fx < 0 ? 0 : fx;
                int x0 = (int)floor(fx), x1 = x0 + 1 < w ? x0 + 1 : w - 1;
                double tx = fx - x0;
                const float *p00 = src + ((size_t)y0 * w + x0) * c,
                            *p01 = src + ((size_t)y0 * w + x1) * c,
                            *p10 = src + ((size_t)y1 * w + x0) * c,
                            *p11 = src + ((size_t)y1 * w + x1) * c;
                float *q = dst + ((size_t)y * ow + x) * c;
                for (int k = 0; k < c; k++)
                    q[k] = (float)((1 - ty) * ((1 - tx) * p00[k] +
                                               tx * p01[k]) +
                                   ty * ((1 - tx) * p10[k] + tx * p11[k]));
            }
        }
    }
}

int sample_inputs_resized(const graph *g, int input, const npy_array *a,
                          sample_batch *b, mcn_err *e)
{
    if (input < 0 || input >= g->n_inputs)
        return sample_inputs_from_npy(g, input, a, b, e);
    const graph_tensor *t = &g->tensors[g->inputs[input]];
    int hy = t->layout == MCN_LAYOUT_NCHW ? 2 : 1;
    bool q8 = t->dtype == MCN_DT_INT8;
    if (t->rank != 4 || (!q8 && t->dtype != MCN_DT_FLOAT32) ||
        (q8 && (a->dtype == NPY_I8 || t->nscale < 1 ||
                !(t->scale[0] > 0.0f) || !isfinite(t->scale[0]))) ||
        a->rank < 3 ||
        a->rank > 4 || (a->shape[a->rank - 4 + hy] == t->shape[1] &&
                        a->shape[a->rank - 3 + hy] == t->shape[2]))
        return sample_inputs_from_npy(g, input, a, b, e);
    int64_t h = a->shape[a->rank - 4 + hy], w = a->shape[a->rank - 3 + hy];
    if (h < 1 || w < 1 || h > 65535 || w > 65535)
        return sample_inputs_from_npy(g, input, a, b, e);
    /* The samples as they are, through a copy of the graph whose input
       has their size. */
    graph v = *g;
    v.tensors = malloc((size_t)g->n_tensors * sizeof *v.tensors);
    if (!v.tensors)
        return mcn_fail(e, "out of memory reading samples");
    memcpy(v.tensors, g->tensors, (size_t)g->n_tensors * sizeof *v.tensors);
    v.tensors[g->inputs[input]].shape[1] = (int32_t)h;
    v.tensors[g->inputs[input]].shape[2] = (int32_t)w;
    v.tensors[g->inputs[input]].dtype = MCN_DT_FLOAT32;  /* resized first */
    sample_batch at;
    int rc = sample_inputs_from_npy(&v, input, a, &at, e);
    free(v.tensors);
    if (rc)
        return -1;
    *b = at;
    int64_t elems = graph_tensor_elems(t);
    b->dtype = t->dtype;
    b->sample_bytes = (size_t)elems * (q8 ? 1 : sizeof(float));
    b->data = malloc(b->sample_bytes * (size_t)at.n + 1);
    float *f = q8 ? malloc((size_t)elems * (size_t)at.n * sizeof *f + 1)
                  : b->data;
    if (!b->data || !f) {
        if (q8)
            free(f);
        free(b->data);
        sample_batch_free(&at);
        return mcn_fail(e, "out of memory reading samples");
    }
    sample_resize_bilinear(at.data, at.n, (int)h, (int)w, t->shape[3],
                           t->shape[1], t->shape[2], f);
    sample_batch_free(&at);
    for (int64_t i = 0; q8 && i < elems * b->n; i++) {
        if (isnan(f[i])) {
            free(f);
            sample_batch_free(b);
            return mcn_fail(e, "sample %lld has NaN at element %lld",
                            (long long)(i / elems), (long long)(i % elems));
        }
        ((int8_t *)b->data)[i] = (int8_t)qmath_quantize_value(
            f[i], t->scale[0], t->zero_point[0]);
    }
    if (q8)
        free(f);
    return 0;
}
