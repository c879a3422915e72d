/*
** calib_input.c: calib_load (see calib_input.h). Each file becomes a
** sample_batch through sample_inputs_from_npy, as a .npy always has, so
** every format meets the model in one place (its layout, dtype and
** int8 quantization); the batches are then joined in order.
*/
#include "calib_input.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "dir_list.h"
#include "fileio.h"
#include "image.h"
#include "layout.h"
#include "npz.h"
#include "png.h"
#include "pnm.h"

typedef enum { K_UNKNOWN, K_NPY, K_NPZ, K_PNG, K_PNM, K_RAW } file_kind;

static const char accepted[] =
    ".npy .npz .png .pgm .ppm .pnm, and .raw .bin with --calib-shape";

/* What a loader needs of the call while it goes from file to file. */
typedef struct {
    const graph *g;
    int input;
    const graph_tensor *t;
    const calib_opts *o;
    sample_batch all;
    size_t cap;         /* samples all.data has room for */
    int files;          /* files whose samples are in all */
} loader;

static file_kind kind_of_name(const char *path)
{
    static const struct {
        const char *ext;
        file_kind k;
    } exts[] = {{"npy", K_NPY}, {"npz", K_NPZ}, {"png", K_PNG},
                {"pgm", K_PNM}, {"ppm", K_PNM}, {"pnm", K_PNM},
                {"raw", K_RAW}, {"bin", K_RAW}};
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(slash ? slash + 1 : path, '.');
    for (size_t i = 0; dot && i < sizeof exts / sizeof exts[0]; i++)
        if (!strcasecmp(dot + 1, exts[i].ext))
            return exts[i].k;
    return K_UNKNOWN;
}

/* For stdin and files of other names: the formats' magic numbers. */
static file_kind kind_of_bytes(const uint8_t *b, size_t n)
{
    if (n >= 6 && !memcmp(b, "\x93NUMPY", 6))
        return K_NPY;
    if (n >= 4 && (!memcmp(b, "PK\3\4", 4) || !memcmp(b, "PK\5\6", 4)))
        return K_NPZ;
    if (n >= 8 && !memcmp(b, "\x89PNG\r\n\x1a\n", 8))
        return K_PNG;
    if (n >= 2 && b[0] == 'P' && strchr("2356", b[1]) && b[1])
        return K_PNM;
    return K_UNKNOWN;
}

/* value = (raw * scale - mean[c]) / std[c], c a channel of the model. */
static float normalize(const calib_opts *o, float raw, int c)
{
    float m = o->n_mean ? o->mean[o->n_mean == 1 ? 0 : c] : 0.0f;
    float s = o->n_std ? o->std[o->n_std == 1 ? 0 : c] : 1.0f;
    return (raw * o->scale - m) / s;
}

static bool normalizes(const calib_opts *o)
{
    return o->scale != 1.0f || o->n_mean || o->n_std;
}

static const char *label(const graph_tensor *t)
{
    return t->name ? t->name : "";
}

/* ---- images ---- */

/* An image's pixels as floats, HWC with the input's channels. */
static void image_floats(const calib_opts *o, const image_u8 *img, int C,
                         float *out)
{
    size_t n = (size_t)img->h * (size_t)img->w;
    for (size_t i = 0; i < n; i++)
        for (int c = 0; c < C; c++) {
            int k = img->c == 1 ? 0 : o->bgr ? C - 1 - c : c;
            out[i * (size_t)C + (size_t)c] =
                normalize(o, img->data[i * (size_t)img->c + (size_t)k], c);
        }
}

static int image_fits(const loader *ld, const image_u8 *img, mcn_err *e)
{
    const graph_tensor *t = ld->t;
    if (t->rank != 4)
        return mcn_fail(e, "an image for input %d '%s' of rank %d (images "
                        "feed 4-D inputs)", ld->input, label(t), t->rank);
    if (t->shape[0] != 1)
        return mcn_fail(e, "an image for input %d '%s' of batch %d (images "
                        "feed a batch of 1)", ld->input, label(t),
                        t->shape[0]);
    int C = t->shape[3];
    if (C != 1 && C != 3)
        return mcn_fail(e, "an image for input %d '%s' of %d channels "
                        "(images give 1 or 3)", ld->input, label(t), C);
    if (img->c == 3 && C == 1)
        return mcn_fail(e, "an RGB image for input %d '%s' of 1 channel; "
                        "give gray images", ld->input, label(t));
    if (!ld->o->resize && (img->h != t->shape[1] || img->w != t->shape[2]))
        return mcn_fail(e, "the image is %dx%d, input %d '%s' takes %dx%d "
                        "(height x width); --resize resizes it", img->h,
                        img->w, ld->input, label(t), t->shape[1],
                        t->shape[2]);
    return 0;
}

/* One sample: normalized, resized if asked, then as an array in the
   model's source layout for sample_inputs_from_npy. */
static int image_samples(const loader *ld, const image_u8 *img,
                         sample_batch *one, mcn_err *e)
{
    if (image_fits(ld, img, e))
        return -1;
    const graph_tensor *t = ld->t;
    int H = t->shape[1], W = t->shape[2], C = t->shape[3];
    bool resize = img->h != H || img->w != W;
    size_t n = (size_t)H * (size_t)W * (size_t)C;
    float *px = malloc((size_t)img->h * (size_t)img->w * (size_t)C *
                       sizeof *px);
    float *sized = resize ? malloc(n * sizeof *sized) : px;
    float *src = malloc(n * sizeof *src);
    int rc = -1;
    if (!px || !sized || !src) {
        mcn_fail(e, "out of memory for a %dx%d image", img->h, img->w);
        goto out;
    }
    image_floats(ld->o, img, C, px);
    if (resize)
        sample_resize_bilinear(px, 1, img->h, img->w, C, H, W, sized);
    layout_from_graph(t, sized, src, sizeof *src);
    npy_array a;
    memset(&a, 0, sizeof a);
    int32_t shape[MCN_MAX_DIMS];
    layout_source_shape(t, shape);
    a.dtype = NPY_F32;
    a.rank = 4;
    for (int i = 0; i < 4; i++)
        a.shape[i] = shape[i];
    a.data = src;
    a.nbytes = n * sizeof *src;
    rc = sample_inputs_from_npy(ld->g, ld->input, &a, one, e);
out:
    if (sized != px)
        free(sized);
    free(px);
    free(src);
    return rc;
}

/* ---- arrays ---- */

/* The last three axes of a, (H, W, C) <-> (C, H, W), into a malloc'd
   copy v: layout.h's transpose, over a tensor of the array's shape. */
static int move_channels(const npy_array *a, bool to_nchw, npy_array *v,
                         mcn_err *e)
{
    int r = a->rank;
    int64_t outer = 1;
    for (int i = 0; i < r - 3; i++)
        outer *= a->shape[i];
    const int64_t *d = a->shape + r - 3;
    if (outer > INT32_MAX || d[0] > INT32_MAX || d[1] > INT32_MAX ||
        d[2] > INT32_MAX)
        return mcn_fail(e, "the array is too large to transpose");
    graph_tensor t;
    memset(&t, 0, sizeof t);
    t.rank = 4;
    t.layout = MCN_LAYOUT_NCHW;
    t.shape[0] = (int32_t)outer;
    /* t's shape is the NHWC side. */
    t.shape[1] = (int32_t)(to_nchw ? d[0] : d[1]);
    t.shape[2] = (int32_t)(to_nchw ? d[1] : d[2]);
    t.shape[3] = (int32_t)(to_nchw ? d[2] : d[0]);
    *v = *a;
    v->data = malloc(a->nbytes + 1);
    if (!v->data)
        return mcn_fail(e, "out of memory transposing the array");
    (to_nchw ? layout_from_graph : layout_to_graph)(
        &t, a->data, v->data, npy_dtype_size(a->dtype));
    int64_t *s = v->shape + r - 3;
    s[0] = to_nchw ? d[2] : d[1];
    s[1] = to_nchw ? d[0] : d[2];
    s[2] = to_nchw ? d[1] : d[0];
    return 0;
}

/* scale, mean and std on a float copy of v, channel by channel along the
   axis the input's layout puts them on. */
static int normalize_array(const loader *ld, npy_array *v, mcn_err *e)
{
    const calib_opts *o = ld->o;
    int64_t inner = 1, C = 1;
    if (o->n_mean > 1 || o->n_std > 1) {
        int ax = v->rank - (ld->t->layout == MCN_LAYOUT_NCHW ? 3 : 1);
        if (ax < 0 || v->shape[ax] != ld->t->shape[3])
            return mcn_fail(e, "a %d-D array with no axis of the input's %d "
                            "channels where its layout puts them (for "
                            "--calib-mean/--calib-std)", v->rank,
                            ld->t->shape[3]);
        C = v->shape[ax];
        for (int i = ax + 1; i < v->rank; i++)
            inner *= v->shape[i];
    }
    float *f = npy_to_f32(v, e);
    if (!f)
        return -1;
    int64_t n = npy_elems(v);
    for (int64_t i = 0; i < n; i++)
        f[i] = normalize(o, f[i], (int)(i / inner % C));
    v->dtype = NPY_F32;
    v->data = f;
    v->nbytes = (size_t)n * sizeof *f;
    return 0;
}

/* NaN or inf in the samples is the file's fault, said of the file
   (calibration would only meet it as some tensor's range). */
static int finite_samples(const npy_array *v, int n, mcn_err *e)
{
    if (v->dtype != NPY_F32 && v->dtype != NPY_F64)
        return 0;
    int64_t elems = npy_elems(v), per = n > 0 ? elems / n : elems;
    if (per < 1)
        per = 1;
    for (int64_t i = 0; i < elems; i++) {
        double x = v->dtype == NPY_F32 ? ((const float *)v->data)[i]
                                       : ((const double *)v->data)[i];
        if (!isfinite(x))
            return mcn_fail(e, "sample %lld has %s at element %lld",
                            (long long)(i / per), isnan(x) ? "NaN" : "inf",
                            (long long)(i % per));
    }
    return 0;
}

/* An array into samples: to the model's layout, normalized, then
   sample_inputs_from_npy (or _resized). */
static int array_samples(const loader *ld, const npy_array *a,
                         sample_batch *one, mcn_err *e)
{
    const graph_tensor *t = ld->t;
    const calib_opts *o = ld->o;
    npy_array v = *a;
    void *moved = NULL, *floats = NULL;
    int model = t->layout == MCN_LAYOUT_NCHW ? CALIB_LAYOUT_NCHW
                                             : CALIB_LAYOUT_NHWC;
    if (o->layout != CALIB_LAYOUT_MODEL && t->rank != 4)
        return mcn_fail(e, "--layout is for 4-D inputs; input %d '%s' has "
                        "rank %d", ld->input, label(t), t->rank);
    if (o->layout != CALIB_LAYOUT_MODEL && o->layout != model &&
        a->rank >= 3) {
        if (move_channels(a, o->layout == CALIB_LAYOUT_NHWC, &v, e))
            return -1;
        moved = v.data;
    }
    int rc = 0;
    if (normalizes(o)) {
        rc = normalize_array(ld, &v, e);
        floats = rc ? NULL : v.data;
    }
    if (!rc)
        rc = (o->resize ? sample_inputs_resized : sample_inputs_from_npy)(
            ld->g, ld->input, &v, one, e);
    if (!rc && (rc = finite_samples(&v, one->n, e)) != 0)
        sample_batch_free(one);
    free(moved);
    free(floats);
    return rc;
}

static npy_dtype npy_of(mcn_dtype dt)
{
    switch (dt) {
    case MCN_DT_INT8: return NPY_I8;
    case MCN_DT_INT16: return NPY_I16;
    case MCN_DT_INT32: return NPY_I32;
    case MCN_DT_INT64: return NPY_I64;
    case MCN_DT_FLOAT32: return NPY_F32;
    default: return NPY_U8;
    }
}

/* A raw file as an array (N, *raw_shape) over its bytes (borrowed). */
static int raw_array(const calib_opts *o, const uint8_t *buf, size_t len,
                     npy_array *a, mcn_err *e)
{
    memset(a, 0, sizeof *a);
    a->dtype = npy_of(o->raw_dtype);
    size_t sample = npy_dtype_size(a->dtype);
    char shape[160];
    int k = 0;
    for (int i = 0; i < o->raw_rank; i++) {
        size_t d = (size_t)o->raw_shape[i];
        if (sample > SIZE_MAX / d)
            return mcn_fail(e, "--calib-shape is too large");
        sample *= d;
        k += snprintf(shape + k, sizeof shape - (size_t)k, "%s%lld",
                      i ? "," : "", (long long)o->raw_shape[i]);
    }
    if (len == 0 || len % sample)
        return mcn_fail(e, "%zu bytes are not a whole number of samples of "
                        "%zu bytes (--calib-shape %s, %s)", len, sample,
                        shape, graph_dtype_name(o->raw_dtype));
    a->rank = o->raw_rank + 1;
    a->shape[0] = (int64_t)(len / sample);
    memcpy(a->shape + 1, o->raw_shape,
           (size_t)o->raw_rank * sizeof *a->shape);
    a->data = (void *)(uintptr_t)buf;
    a->nbytes = len;
    return 0;
}

/* The names of z's arrays, "x, y, z", into s[n]. */
static void member_names(const npz_archive *z, char *s, size_t n)
{
    size_t k = 0;
    s[0] = '\0';
    for (int i = 0; i < z->n && k + 1 < n; i++)
        k += (size_t)snprintf(s + k, n - k, "%s%.*s", i ? ", " : "",
                              (int)npz_key_len(&z->members[i]),
                              z->members[i].name);
}

/* The member o->npz_key names, else the only one; whole messages. */
static int npz_samples(const loader *ld, const char *name,
                       const uint8_t *buf, size_t len, sample_batch *one,
                       mcn_err *e)
{
    npz_archive z;
    mcn_err sub;
    char names[256];
    if (npz_open(&z, buf, len, &sub))
        return mcn_fail_status(e, sub.status, "%s: %s", name, sub.msg);
    member_names(&z, names, sizeof names);
    const char *key = ld->o->npz_key;
    int i = key ? npz_find(&z, key) : z.n == 1 ? 0 : -1;
    int rc = -1;
    npy_array a;
    memset(&a, 0, sizeof a);
    if (key && i < 0)
        mcn_fail(e, "%s has no array '%s' (it holds %s)", name, key,
                 z.n ? names : "none");
    else if (z.n == 0)
        mcn_fail(e, "%s holds no arrays", name);
    else if (i < 0)
        mcn_fail(e, "%s holds %d arrays (%s): choose one with --calib-key",
                 name, z.n, names);
    else if (npz_read(&z, i, &a, &sub) || array_samples(ld, &a, one, &sub))
        mcn_fail_status(e, sub.status, "%s: %s", name, sub.msg);
    else
        rc = 0;
    npy_free(&a);
    npz_close(&z);
    return rc;
}

/* ---- files ---- */

static int decode_samples(const loader *ld, file_kind k, const uint8_t *buf,
                          size_t len, sample_batch *one, mcn_err *e)
{
    npy_array a;
    image_u8 img;
    int rc;
    switch (k) {
    case K_PNG:
    case K_PNM:
        rc = (k == K_PNG ? png_decode : pnm_decode)(buf, len, &img, e) ||
             image_samples(ld, &img, one, e);
        image_free(&img);
        return rc ? -1 : 0;
    case K_NPY:
        rc = npy_load_mem(buf, len, &a, e) || array_samples(ld, &a, one, e);
        npy_free(&a);
        return rc ? -1 : 0;
    case K_RAW:
        return raw_array(ld->o, buf, len, &a, e) ||
               array_samples(ld, &a, one, e) ? -1 : 0;
    default:
        return mcn_fail(e, "not a calibration file; accepted are %s",
                        accepted);
    }
}

/* one's samples after those already read; one is taken over. */
static int append(loader *ld, sample_batch *one, mcn_err *e)
{
    if (ld->files++ == 0) {
        ld->all = *one;
        ld->cap = (size_t)one->n;
        return 0;
    }
    sample_batch *all = &ld->all;
    size_t sb = all->sample_bytes;
    if (one->n > INT_MAX - all->n) {
        sample_batch_free(one);
        return mcn_fail(e, "more than %d calibration samples", INT_MAX);
    }
    size_t need = (size_t)all->n + (size_t)one->n;
    if (need > ld->cap) {
        size_t cap = need > 2 * ld->cap ? need : 2 * ld->cap;
        void *p = sb && cap <= SIZE_MAX / sb ? realloc(all->data, cap * sb + 1)
                                             : NULL;
        if (!p) {
            sample_batch_free(one);
            return mcn_fail(e, "out of memory for %zu calibration samples",
                            need);
        }
        all->data = p;
        ld->cap = cap;
    }
    memcpy((uint8_t *)all->data + (size_t)all->n * sb, one->data,
           (size_t)one->n * sb);
    all->n = (int)need;
    all->form = SAMPLE_LEADING_AXIS;
    sample_batch_free(one);
    return 0;
}

/* File `path` (shown as `name`) of kind k, or of the kind its bytes say
   when k is K_UNKNOWN. */
static int load_file(loader *ld, const char *path, const char *name,
                     file_kind k, mcn_err *e)
{
    uint8_t *buf;
    size_t len;
    mcn_err sub;
    if (file_read_all(path, &buf, &len, &sub))
        return mcn_fail_status(e, sub.status, "%s: %s", name, sub.msg);
    if (k == K_UNKNOWN)
        k = kind_of_bytes(buf, len);
    sample_batch one;
    memset(&one, 0, sizeof one);
    int rc = k == K_NPZ ? npz_samples(ld, name, buf, len, &one, e)
                        : decode_samples(ld, k, buf, len, &one, &sub);
    free(buf);
    if (rc)
        return k == K_NPZ ? -1 : mcn_fail_status(e, sub.status, "%s: %s", name, sub.msg);
    return append(ld, &one, e);
}

static bool full(const loader *ld)
{
    return ld->o->limit > 0 && ld->all.n >= ld->o->limit;
}

/* Every file's kind first, so that a stray one is reported whatever
   the limit; then the files in order, until the limit. */
static int load_dir(loader *ld, const char *dir, mcn_err *e)
{
    dir_list l;
    if (dir_list_files(dir, &l, e))
        return -1;
    int rc = 0;
    if (l.n == 0)
        rc = mcn_fail(e, "%s: no calibration files in the directory "
                      "(accepted are %s)", dir, accepted);
    for (size_t i = 0; !rc && i < l.n; i++) {
        file_kind k = kind_of_name(l.paths[i]);
        if (k == K_UNKNOWN || (k == K_RAW && !ld->o->raw_rank)) {
            char *p = dir_join(dir, l.paths[i]);
            rc = k == K_RAW
                     ? mcn_fail(e, "%s: raw data needs --calib-shape",
                                p ? p : l.paths[i])
                     : mcn_fail(e, "%s: not a calibration file; a directory "
                                "may hold %s", p ? p : l.paths[i], accepted);
            free(p);
        }
    }
    for (size_t i = 0; !rc && i < l.n && !full(ld); i++) {
        char *p = dir_join(dir, l.paths[i]);
        rc = p ? load_file(ld, p, p, kind_of_name(l.paths[i]), e)
               : mcn_fail(e, "%s: out of memory", dir);
        free(p);
    }
    dir_list_free(&l);
    return rc;
}

static int check_channels(const loader *ld, const char *what, int n,
                          mcn_err *e)
{
    const graph_tensor *t = ld->t;
    if (n < 0 || n > CALIB_MAX_CHANNELS)
        return mcn_fail(e, "%s gives %d values; at most %d can be given",
                        what, n, CALIB_MAX_CHANNELS);
    if (n <= 1)
        return 0;
    if (t->rank != 4)
        return mcn_fail(e, "%s gives %d values, one per channel, but input "
                        "%d '%s' has rank %d, not 4", what, n, ld->input,
                        label(t), t->rank);
    if (n != t->shape[3])
        return mcn_fail(e, "%s gives %d values; input %d '%s' has %d "
                        "channels", what, n, ld->input, label(t),
                        t->shape[3]);
    return 0;
}

int calib_load(const graph *g, int input, const char *path,
               const calib_opts *o, sample_batch *b, mcn_err *e)
{
    memset(b, 0, sizeof *b);
    if (input < 0 || input >= g->n_inputs)
        return mcn_fail(e, "the model has no input %d", input);
    loader ld;
    memset(&ld, 0, sizeof ld);
    ld.g = g;
    ld.input = input;
    ld.t = &g->tensors[g->inputs[input]];
    ld.o = o;
    if (check_channels(&ld, "--calib-mean", o->n_mean, e) ||
        check_channels(&ld, "--calib-std", o->n_std, e))
        return -1;
    if (o->raw_rank < 0 || o->raw_rank > CALIB_MAX_RAW_RANK)
        return mcn_fail(e, "--calib-shape has %d dimensions; at most %d can "
                        "be given", o->raw_rank, CALIB_MAX_RAW_RANK);
    for (int i = 0; i < o->raw_rank; i++)
        if (o->raw_shape[i] < 1)
            return mcn_fail(e, "--calib-shape has a size of %lld",
                            (long long)o->raw_shape[i]);
    bool is_stdin = !strcmp(path, "-");
    struct stat st;
    int rc;
    if (!is_stdin && stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        rc = load_dir(&ld, path, e);
    } else {
        file_kind k = is_stdin ? K_UNKNOWN : kind_of_name(path);
        rc = k == K_RAW && !o->raw_rank
                 ? mcn_fail(e, "%s: raw data needs --calib-shape", path)
                 : load_file(&ld, path, is_stdin ? "<stdin>" : path, k, e);
    }
    if (rc) {
        sample_batch_free(&ld.all);
        return -1;
    }
    if (full(&ld))
        ld.all.n = (int)o->limit;
    *b = ld.all;
    return 0;
}
