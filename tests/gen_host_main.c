/*
** gen_host_main.c: a host program around mcn-gen's output, for the tests:
**   prog MODEL.mcn INPUT.npy OUT.npy
** quantizes the samples as mcn-run does (sample_io.h, against the packed
** MODEL the code was generated from), runs the generated NET on each and
** writes output 0 raw (int8), so its bytes compare with mcn-run --raw.
** Compiled by tests/test_gen.c with the generated net.c; not part of the
** test runner.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph_io.h"
#include "net.h"
#include "npy.h"
#include "sample_io.h"

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s MODEL.mcn INPUT.npy OUT.npy\n", argv[0]);
        return 2;
    }
    graph g;
    npy_array x, y;
    sample_batch b;
    mcn_err e;
    if (graph_load_file(&g, argv[1], &e) || npy_load(argv[2], &x, &e) ||
        sample_inputs_from_npy(&g, 0, &x, &b, &e)) {
        fprintf(stderr, "%s\n", e.msg);
        return 1;
    }
    if (b.sample_bytes != net_input_bytes(0)) {
        fprintf(stderr, "sample of %zu bytes, input of %u\n", b.sample_bytes,
                (unsigned)net_input_bytes(0));
        return 1;
    }
    uint32_t ny = net_output_bytes(0);
    int8_t *out = malloc((size_t)b.n * ny);
    if (!out)
        return 1;
    for (int s = 0; s < b.n; s++) {
        memcpy(net_input(0), (const uint8_t *)b.data + (size_t)s *
               b.sample_bytes, b.sample_bytes);
        net_invoke();
        memcpy(out + (size_t)s * ny, net_output(0), ny);
    }
    if (sample_outputs_to_npy(&g, 0, out, b.n, b.form, true, &y, &e) ||
        npy_save(argv[3], &y, &e)) {
        fprintf(stderr, "%s\n", e.msg);
        return 1;
    }
    free(out);
    npy_free(&y);
    npy_free(&x);
    sample_batch_free(&b);
    graph_free(&g);
    return 0;
}
