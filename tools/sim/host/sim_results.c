/* sim_results.c: see sim_results.h. */
#include "sim_results.h"

#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "sim_proto.h"

typedef struct {
    const uint8_t *p;
    size_t left;
} cursor;

static bool take(cursor *c, void *dst, size_t n)
{
    if (c->left < n)
        return false;
    if (dst)
        memcpy(dst, c->p, n);
    c->p += n;
    c->left -= n;
    return true;
}

static bool word(cursor *c, uint32_t *v)
{
    uint8_t b[4];
    if (!take(c, b, 4))
        return false;
    *v = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
         (uint32_t)b[3] << 24;
    return true;
}

/* After the last sample: the stack, and the hooked run's operators. */
static int parse_trailer(cursor *c, int n_samples, int n_ops, sim_results *r,
                         mcn_err *e)
{
    uint32_t t[SIM_TRAILER_WORDS];
    for (int i = 0; i < SIM_TRAILER_WORDS; i++)
        if (!word(c, &t[i]))
            return mcn_fail(e, "results end before the operator counts");
    r->profiled = true;
    r->stack_bytes = t[2];
    if (t[0] != 0) {
        r->status = (int32_t)t[0];
        r->failed_op = (int32_t)t[1];
        return t[3] || c->left ? mcn_fail(e, "results: data after the "
                                          "failure of the profiled run")
                               : 0;
    }
    uint32_t want = n_samples > 0 ? (uint32_t)n_ops : 0u;
    if (t[3] != want)
        return mcn_fail(e, "results: %u operator counts, expected %u",
                        (unsigned)t[3], (unsigned)want);
    r->op_ticks = calloc((size_t)want + 1, sizeof *r->op_ticks);
    if (!r->op_ticks)
        return mcn_fail(e, "out of memory reading results");
    for (uint32_t i = 0; i < want; i++)
        if (!word(c, &r->op_ticks[i]))
            return mcn_fail(e, "results end in the operator counts");
    r->n_ops = (int)want;
    return 0;
}

int sim_results_parse(const uint8_t *buf, size_t len, int n_samples,
                      int n_outputs, const size_t *out_bytes, int n_ops,
                      sim_results *r, mcn_err *e)
{
    memset(r, 0, sizeof *r);
    r->failed_op = -1;
    if (n_samples < 0 || n_outputs < 0 || n_outputs > SIM_MAX_OUTPUTS ||
        n_ops < 0)
        return mcn_fail(e, "results: %d samples of %d outputs, %d operators "
                        "is out of range", n_samples, n_outputs, n_ops);
    r->ticks = calloc((size_t)n_samples + 1, sizeof *r->ticks);
    for (int i = 0; i < n_outputs; i++)
        r->out[i] = malloc(out_bytes[i] * (size_t)n_samples + 1);
    for (int i = 0; i < n_outputs; i++)
        if (!r->out[i])
            return mcn_fail(e, "out of memory reading results");
    if (!r->ticks)
        return mcn_fail(e, "out of memory reading results");

    cursor c = {buf, len};
    uint32_t h[SIM_HEADER_WORDS];
    for (int i = 0; i < SIM_HEADER_WORDS; i++)
        if (!word(&c, &h[i]))
            return mcn_fail(e, "the firmware wrote no results");
    if (h[0] != SIM_MAGIC)
        return mcn_fail(e, "results: bad magic 0x%08x", (unsigned)h[0]);
    r->have_header = true;
    r->status = (int32_t)h[1];
    r->failed_op = (int32_t)h[2];
    r->calib_ticks = h[3];
    if (r->status != 0)
        return c.left ? mcn_fail(e, "results: data after a failed init") : 0;
    r->init_ok = true;
    if (h[4] != (uint32_t)n_samples || h[5] != (uint32_t)n_outputs)
        return mcn_fail(e, "results: %u samples of %u outputs, expected %d "
                        "of %d", (unsigned)h[4], (unsigned)h[5], n_samples,
                        n_outputs);

    for (int s = 0; s < n_samples; s++) {
        uint32_t rec[SIM_SAMPLE_WORDS];
        for (int i = 0; i < SIM_SAMPLE_WORDS; i++)
            if (!word(&c, &rec[i]))
                return mcn_fail(e, "results end in sample %d", s);
        if (rec[0] != 0) {
            r->status = (int32_t)rec[0];
            r->failed_op = (int32_t)rec[1];
            return c.left ? mcn_fail(e, "results: data after the failure "
                                     "of sample %d", s) : 0;
        }
        r->ticks[s] = (uint64_t)rec[2] | (uint64_t)rec[3] << 32;
        for (int i = 0; i < n_outputs; i++) {
            uint32_t n;
            if (!word(&c, &n))
                return mcn_fail(e, "results end in sample %d", s);
            if (n != out_bytes[i])
                return mcn_fail(e, "results: sample %d output %d has %u "
                                "bytes, expected %zu", s, i, (unsigned)n,
                                out_bytes[i]);
            if (!take(&c, r->out[i] + (size_t)s * out_bytes[i], n))
                return mcn_fail(e, "results end in sample %d", s);
        }
        r->done = s + 1;
    }
    if (parse_trailer(&c, n_samples, n_ops, r, e))
        return -1;
    if (c.left)
        return mcn_fail(e, "results: %zu bytes after the last sample",
                        c.left);
    return 0;
}

int sim_results_read(const char *path, int n_samples, int n_outputs,
                     const size_t *out_bytes, int n_ops, sim_results *r,
                     mcn_err *e)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    if (file_read_all(path, &buf, &len, e)) {
        memset(r, 0, sizeof *r);
        r->failed_op = -1;
        return mcn_fail(e, "the firmware wrote no results");
    }
    int rc = sim_results_parse(buf, len, n_samples, n_outputs, out_bytes,
                               n_ops, r, e);
    free(buf);
    return rc;
}

void sim_results_free(sim_results *r)
{
    free(r->ticks);
    free(r->op_ticks);
    for (int i = 0; i < SIM_MAX_OUTPUTS; i++)
        free(r->out[i]);
    memset(r, 0, sizeof *r);
    r->failed_op = -1;
}
