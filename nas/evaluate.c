/* evaluate.c: see evaluate.h. */
#include "evaluate.h"

#include <stdlib.h>
#include <string.h>

#include "float_exec.h"
#include "npy.h"
#include "sample_io.h"

void nas_eval_free(nas_eval_set *s)
{
    for (int i = 0; s->sized && i < s->n_sized; i++)
        free(s->sized[i].x);
    free(s->sized);
    free(s->x);
    free(s->labels);
    memset(s, 0, sizeof *s);
}

int nas_eval_load(const graph *g, const char *x_path,
                  const char *labels_path, nas_eval_set *s, mcn_err *e)
{
    memset(s, 0, sizeof *s);
    npy_array x, y;
    sample_batch b;
    mcn_err why = {0};
    const graph_tensor *in = &g->tensors[g->inputs[0]];
    if (npy_load(x_path, &x, &why))
        return mcn_fail_status(e, why.status, "%s: %s", x_path, why.msg);
    int rc = sample_inputs_from_npy(g, 0, &x, &b, &why);
    npy_free(&x);
    if (rc)
        return mcn_fail_status(e, why.status, "%s: %s", x_path, why.msg);
    if (b.dtype != MCN_DT_FLOAT32 || in->rank != 4) {
        sample_batch_free(&b);
        return mcn_fail(e, "%s: the model's input is not a float image",
                        x_path);
    }
    s->n = b.n;
    s->h = in->shape[1];
    s->w = in->shape[2];
    s->c = in->shape[3];
    s->x = b.data;  /* taken over */
    if (!labels_path)
        return 0;
    if (npy_load(labels_path, &y, &why)) {
        nas_eval_free(s);
        return mcn_fail_status(e, why.status, "%s: %s", labels_path,
                               why.msg);
    }
    rc = 0;
    if (npy_elems(&y) != s->n)
        rc = mcn_fail(e, "%s: %lld labels for %d samples in %s", labels_path,
                      (long long)npy_elems(&y), s->n, x_path);
    else if (y.dtype == NPY_F32 || y.dtype == NPY_F64)
        rc = mcn_fail(e, "%s: labels must be integers", labels_path);
    else if (!(s->labels = malloc(((size_t)s->n + 1) * sizeof *s->labels)))
        rc = mcn_fail(e, "out of memory");
    for (int i = 0; rc == 0 && i < s->n; i++)
        s->labels[i] = sample_label_at(&y, i);
    npy_free(&y);
    if (rc)
        nas_eval_free(s);
    return rc;
}

/* The samples at h x w, resized once. */
const float *nas_eval_sized(nas_eval_set *s, int h, int w, mcn_err *e)
{
    if (h == s->h && w == s->w)
        return s->x;
    for (int i = 0; i < s->n_sized; i++)
        if (s->sized[i].h == h && s->sized[i].w == w)
            return s->sized[i].x;
    nas_sized *m = realloc(s->sized, ((size_t)s->n_sized + 1) * sizeof *m);
    if (!m) {
        mcn_fail(e, "out of memory");
        return NULL;
    }
    s->sized = m;
    float *x = malloc((size_t)s->n * h * w * s->c * sizeof *x);
    if (!x) {
        mcn_fail(e, "out of memory");
        return NULL;
    }
    sample_resize_bilinear(s->x, s->n, s->h, s->w, s->c, h, w, x);
    s->sized[s->n_sized++] = (nas_sized){h, w, x};
    return x;
}

int nas_eval_top1(nas_eval_set *s, const graph *g, double *acc, mcn_err *e)
{
    if (!s->labels)
        return mcn_fail(e, "no labels to score against");
    const graph_tensor *in = &g->tensors[g->inputs[0]];
    const float *x = nas_eval_sized(s, in->shape[1], in->shape[2], e);
    if (!x)
        return -1;
    float_exec *fx;
    if (fexec_create(&fx, g, e))
        return -1;
    size_t per = (size_t)in->shape[1] * in->shape[2] * s->c;
    const graph_tensor *out = &g->tensors[g->outputs[0]];
    int64_t classes = graph_tensor_elems(out);
    int correct = 0;
    for (int i = 0; i < s->n; i++) {
        const float *xi = x + (size_t)i * per;
        if (fexec_run(fx, &xi, e)) {
            fexec_free(fx);
            return -1;
        }
        const float *y = fexec_tensor(fx, g->outputs[0]);
        int64_t top = 0;
        for (int64_t k = 1; k < classes; k++)
            if (y[k] > y[top])
                top = k;
        correct += top == s->labels[i];
    }
    fexec_free(fx);
    *acc = s->n ? (double)correct / s->n : 0;
    return 0;
}
