/*
** calib_opts.c: calib_input.h's options: defaults, the command-line
** words, the help text. Values are checked here, where the user typed
** them; what depends on the model (channel counts) is checked by
** calib_load, which also refuses counts and sizes a struct filled by
** hand could get wrong.
*/
#include "calib_input.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char calib_opts_help[] =
    "  --calib-scale S     pixel values are multiplied by S (default 1;\n"
    "                      a fraction such as 1/255 is fine)\n"
    "  --calib-mean M,...  then M is subtracted: one value, or one per\n"
    "                      channel in the model's order (default 0)\n"
    "  --calib-std S,...   then divided by S, likewise (default 1)\n"
    "  --calib-bgr         the model takes BGR: images' channels are swapped\n"
    "  --resize            images and arrays of another height and width are\n"
    "                      resized to the model's input (bilinear)\n"
    "  --layout nchw|nhwc  the layout of .npy/.npz/raw arrays, when it is\n"
    "                      not the model's (NCHW for ONNX)\n"
    "  --calib-shape D,... one sample of a .raw/.bin file, e.g. 28,28,1\n"
    "  --calib-dtype T     its elements: uint8 (default), int8, int16,\n"
    "                      int32, int64, float32 (little-endian)\n"
    "  --calib-key NAME    the array of a .npz that holds several\n"
    "  --calib-limit N     the first N samples only\n";

void calib_opts_init(calib_opts *o)
{
    memset(o, 0, sizeof *o);
    o->scale = 1.0f;
    for (int c = 0; c < CALIB_MAX_CHANNELS; c++)
        o->std[c] = 1.0f;
    o->layout = CALIB_LAYOUT_MODEL;
    o->raw_dtype = MCN_DT_UINT8;
}

/* A finite number, or a fraction of two ("1/255"), and nothing else
   before `end`. */
static int parse_number(const char *s, const char *end, float *v)
{
    char *p;
    errno = 0;
    double x = strtod(s, &p);
    if (p == s || errno)
        return -1;
    if (p < end && *p == '/') {
        const char *q = p + 1;
        double d = strtod(q, &p);
        if (p == q || errno || d == 0)
            return -1;
        x /= d;
    }
    if (p != end || !isfinite(x) || !isfinite((float)x))
        return -1;
    *v = (float)x;
    return 0;
}

/* Comma-separated numbers into v[max]; their count, or -1. */
static int parse_numbers(const char *s, float *v, int max)
{
    int n = 0;
    for (;;) {
        const char *end = strchr(s, ',');
        if (!end)
            end = s + strlen(s);
        if (n == max || parse_number(s, end, &v[n]))
            return -1;
        n++;
        if (!*end)
            return n;
        s = end + 1;
    }
}

static int parse_shape(const char *s, calib_opts *o)
{
    int64_t shape[CALIB_MAX_RAW_RANK];
    int n = 0;
    for (;;) {
        char *end;
        errno = 0;
        long long d = strtoll(s, &end, 10);
        if (end == s || errno || d < 1 || d > 0x7fffffff ||
            n == CALIB_MAX_RAW_RANK || (*end && *end != ','))
            return -1;
        shape[n++] = d;
        if (!*end)
            break;
        s = end + 1;
    }
    memcpy(o->raw_shape, shape, (size_t)n * sizeof *shape);
    o->raw_rank = n;
    return 0;
}

static int parse_dtype(const char *s, mcn_dtype *dt)
{
    for (int k = 0; k < MCN_DT_COUNT; k++)
        if (!strcmp(s, graph_dtype_name((mcn_dtype)k))) {
            *dt = (mcn_dtype)k;
            return 0;
        }
    return -1;
}

static int parse_limit(const char *s, long *limit)
{
    char *end;
    errno = 0;
    long l = strtol(s, &end, 10);
    if (end == s || *end || errno || l < 0)
        return -1;
    *limit = l;
    return 0;
}

/* Per-channel values; std must not divide by zero. */
static int parse_channels(const char *s, bool nonzero, float *v, int *n)
{
    float f[CALIB_MAX_CHANNELS];
    int k = parse_numbers(s, f, CALIB_MAX_CHANNELS);
    for (int c = 0; nonzero && c < k; c++)
        if (f[c] == 0)
            return -1;
    if (k < 0)
        return -1;
    memcpy(v, f, (size_t)k * sizeof *f);
    *n = k;
    return 0;
}

enum {
    OPT_SCALE, OPT_MEAN, OPT_STD, OPT_BGR, OPT_RESIZE, OPT_LAYOUT,
    OPT_SHAPE, OPT_DTYPE, OPT_KEY, OPT_LIMIT
};

static const struct {
    const char *name;
    const char *want;   /* what a good value is; NULL: a flag */
} opts[] = {
    [OPT_SCALE] = {"--calib-scale", "a number or a fraction, e.g. 1/255"},
    [OPT_MEAN] = {"--calib-mean", "1 to 4 numbers, comma-separated"},
    [OPT_STD] = {"--calib-std", "1 to 4 non-zero numbers, comma-separated"},
    [OPT_BGR] = {"--calib-bgr", NULL},
    [OPT_RESIZE] = {"--resize", NULL},
    [OPT_LAYOUT] = {"--layout", "nchw or nhwc"},
    [OPT_SHAPE] = {"--calib-shape", "1 to 7 positive sizes, comma-separated"},
    [OPT_DTYPE] = {"--calib-dtype", "uint8, int8, int16, int32, int64 or "
                                    "float32"},
    [OPT_KEY] = {"--calib-key", "the name of an array"},
    [OPT_LIMIT] = {"--calib-limit", "a count of samples, 0 for all"},
};
#define N_OPTS (int)(sizeof opts / sizeof opts[0])

/* Option k's value into o; -1, with o as it was, if it is not good. */
static int parse_value(int k, const char *v, calib_opts *o)
{
    switch (k) {
    case OPT_SCALE:
        return parse_number(v, v + strlen(v), &o->scale);
    case OPT_MEAN:
        return parse_channels(v, false, o->mean, &o->n_mean);
    case OPT_STD:
        return parse_channels(v, true, o->std, &o->n_std);
    case OPT_LAYOUT:
        if (strcasecmp(v, "nchw") && strcasecmp(v, "nhwc"))
            return -1;
        o->layout = !strcasecmp(v, "nchw") ? CALIB_LAYOUT_NCHW
                                           : CALIB_LAYOUT_NHWC;
        return 0;
    case OPT_SHAPE:
        return parse_shape(v, o);
    case OPT_DTYPE:
        return parse_dtype(v, &o->raw_dtype);
    case OPT_KEY:
        if (!*v)
            return -1;
        o->npz_key = v;
        return 0;
    case OPT_LIMIT:
        return parse_limit(v, &o->limit);
    }
    return -1;
}

int calib_opts_take(int argc, char **argv, int *i, calib_opts *o,
                    mcn_err *e)
{
    const char *s = argv[*i];
    int k = 0;
    size_t n = 0;
    for (; k < N_OPTS; k++) {
        n = strlen(opts[k].name);
        if (!strncmp(s, opts[k].name, n) && (s[n] == '\0' || s[n] == '='))
            break;
    }
    if (k == N_OPTS)
        return 0;
    if (!opts[k].want) {
        if (s[n] == '=')
            return mcn_fail(e, "%s takes no value", opts[k].name);
        *(k == OPT_BGR ? &o->bgr : &o->resize) = true;
        return 1;
    }
    const char *v = s + n + 1;
    if (s[n] != '=') {
        if (*i + 1 >= argc)
            return mcn_fail(e, "missing a value after %s", s);
        v = argv[++*i];
    }
    if (parse_value(k, v, o))
        return mcn_fail(e, "%s: bad value '%s' (%s)", opts[k].name, v,
                        opts[k].want);
    return 1;
}
