/*
** tflite_quant.c: a TFLite tensor's QuantizationParameters as the graph
** holds them, read the way TFLite Micro reads them, so every file TFLM
** runs imports and means what it means to TFLM:
**
**  - The quantization counts only when scale and zero_point both have
**    entries; otherwise the tensor is not quantized (micro_allocator.cc,
**    InitializeTfLiteTensorFromFlatbuffer). An empty table, or min/max
**    without a scale, is therefore no quantization at all.
**  - One zero point with several scales stands for every channel: TFLM
**    copies zero_point[0] to each (the same function; its comment calls
**    it the space-saving form for symmetric weights).
**  - quantized_dimension matters only with several scales: kernels read
**    it only for per-channel filters (kernel_util.cc, PopulateConvolution-
**    QuantizationParams, which checks dims[quantized_dimension] against
**    the scale count there). One scale gets axis 0 whatever the file says.
**  - A bias's quantization is never read by TFLM: conv, depthwise conv
**    and fully connected take the multipliers from the input's and the
**    filter's scales and add the int32 bias as stored (the same function
**    leaves the bias scale unchecked, with a TODO). So a bias keeps its
**    scales along its only axis, whatever quantized_dimension says (the
**    person-detection model writes 3 on its rank-1 biases), and loses
**    them when their counts fit neither 1 nor its length.
**
** Refused, with TFLite's own reasons where it has one: scales without zero
** points, zero point counts other than 1 or one per scale (TFLite's
** interpreter_builder.cc ParseQuantization refuses both; TFLM would read
** zero_point[0] for every channel), a per-channel constant whose count
** does not match its quantized_dimension, and an activation whose scales
** or zero points differ: TFLM computes with element 0 only (kernels read
** TfLiteTensor.params, filled from scale[0] and zero_point[0]), so such a
** file means something TFLM does not do. Equal per-channel entries on an
** activation are read as the one scale they repeat.
*/
#include <stdio.h>
#include <stdlib.h>

#include "fb_read.h"
#include "tflite_internal.h"

static int64_t zero_point_at(const tfl_model *m, const tfl_tensor *t,
                             uint32_t i)
{
    const uint8_t *p = m->b + t->zp + 8u * i;
    uint64_t u = (uint64_t)fb_u32(p) | ((uint64_t)fb_u32(p + 4) << 32);
    return u <= INT64_MAX ? (int64_t)u : -(int64_t)(~u) - 1;
}

static float scale_at(const tfl_model *m, const tfl_tensor *t, uint32_t i)
{
    return fb_f32(m->b + t->scale + 4u * i);
}

/* Zero point of channel i: its own, or the one for all. */
static int64_t channel_zp(const tfl_model *m, const tfl_tensor *t,
                          uint32_t i)
{
    return zero_point_at(m, t, t->n_zp == t->n_scale ? i : 0);
}

/* Every channel has channel 0's scale and zero point. */
static bool all_same(const tfl_model *m, const tfl_tensor *t)
{
    for (uint32_t i = 1; i < t->n_scale; i++)
        if (scale_at(m, t, i) != scale_at(m, t, 0) ||
            channel_zp(m, t, i) != channel_zp(m, t, 0))
            return false;
    return true;
}

/* How many of the scales the graph keeps (0: none) and along which axis;
   -1 with the reason in why. */
static int count(const tfl_model *m, const tfl_tensor *t, bool bias,
                 int rank, const int32_t *shape, uint32_t *n, int *axis,
                 char *why, size_t n_why)
{
    uint32_t ns = t->n_scale, nz = t->n_zp;
    bool zp_fits = nz == ns || nz == 1;
    *n = 0;
    *axis = 0;
    if (ns == 0 || (bias && nz == 0))
        return 0;
    if (bias) {
        if (zp_fits && (ns == 1 || (rank == 1 && (uint32_t)shape[0] == ns)))
            *n = ns;
        return 0;
    }
    if (nz == 0) {
        snprintf(why, n_why, "has %u scale%s but no zero point", ns,
                 ns == 1 ? "" : "s");
        return -1;
    }
    if (!zp_fits) {
        snprintf(why, n_why, "has %u scales but %u zero points (one, or "
                 "one per scale, is expected)", ns, nz);
        return -1;
    }
    if (ns > 1 && !t->data) {
        if (!all_same(m, t)) {
            snprintf(why, n_why, "is an activation with %u different "
                     "scales or zero points (TFLite quantizes activations "
                     "per tensor)", ns);
            return -1;
        }
        *n = 1;
        return 0;
    }
    if (ns > 1 && (t->qdim < 0 || t->qdim >= rank ||
                   (uint32_t)shape[t->qdim] != ns)) {
        snprintf(why, n_why, "has %u scales along dimension %d of a rank %d "
                 "tensor", ns, (int)t->qdim, rank);
        return -1;
    }
    *n = ns;
    *axis = ns > 1 ? (int)t->qdim : 0;
    return 0;
}

int tfl_read_quant(const tfl_model *m, const tfl_tensor *t, bool bias,
                   int rank, const int32_t *shape, tfl_quant *q, char *why,
                   size_t n_why)
{
    uint32_t n;
    q->n = 0;
    q->axis = 0;
    q->scale = NULL;
    q->zp = NULL;
    if (count(m, t, bias, rank, shape, &n, &q->axis, why, n_why))
        return -1;
    if (n == 0)
        return 0;
    q->scale = malloc(n * sizeof *q->scale);
    q->zp = malloc(n * sizeof *q->zp);
    if (!q->scale || !q->zp) {
        snprintf(why, n_why, "out of memory");
        return -1;
    }
    for (uint32_t i = 0; i < n; i++) {
        int64_t z = channel_zp(m, t, i);
        if (z < INT32_MIN || z > INT32_MAX) {
            snprintf(why, n_why, "has zero point %lld", (long long)z);
            return -1;
        }
        q->scale[i] = scale_at(m, t, i);
        q->zp[i] = (int32_t)z;
    }
    q->n = (int)n;
    return 0;
}

void tfl_quant_free(tfl_quant *q)
{
    free(q->scale);
    free(q->zp);
    q->scale = NULL;
    q->zp = NULL;
    q->n = 0;
}
