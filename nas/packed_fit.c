/* packed_fit.c: see packed_fit.h. */
#include "packed_fit.h"

#include <stdlib.h>

#include "pack.h"
#include "quantize.h"

int nas_packed_cost(const graph *g, mcn_target target, const float *calib,
                    int n, int64_t *arena, int64_t *flash, mcn_err *e)
{
    graph c;
    if (graph_clone(&c, g, e))
        return -1;
    const float **samples = NULL;
    int rc = 0;
    if (calib) {
        int64_t per = graph_tensor_elems(&g->tensors[g->inputs[0]]);
        samples = malloc(((size_t)n + 1) * sizeof *samples);
        if (!samples)
            rc = mcn_fail(e, "out of memory");
        for (int i = 0; rc == 0 && i < n; i++)
            samples[i] = calib + (size_t)i * (size_t)per;
        quantize_opts qo = {.n_samples = n, .samples = samples};
        if (rc == 0)
            rc = quantize_graph(&c, &qo, e);
    } else {
        rc = pack_quantize_synthetic(&c, e);
    }
    uint8_t *buf = NULL;
    size_t len = 0;
    pack_opts po = {.target = target};
    if (rc == 0)
        rc = pack_to_mcn(&c, &po, &buf, &len, e);
    if (rc == 0) {
        *arena = c.arena_bytes;
        *flash = (int64_t)len;
    }
    free(buf);
    free(samples);
    graph_free(&c);
    return rc;
}

mcn_target nas_pack_target_for(const nas_board *b)
{
    mcn_target t = PACK_DEFAULT_TARGET;
    if (b && (!b->engine_cpu || pack_target_parse(b->engine_cpu, &t)))
        t = MCN_TARGET_GENERIC;
    return t;
}
