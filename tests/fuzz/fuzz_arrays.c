/* fuzz_arrays.c: the calibration readers on any bytes (libFuzzer): the
   first byte picks .npy, .npz, PNG or PGM/PPM, the rest is the file. */
#include <stdlib.h>

#include "npy.h"
#include "npz.h"
#include "png.h"
#include "pnm.h"

/* tests/test_fuzz_regressions.c includes this file under another name. */
#ifndef FUZZ_ENTRY
#define FUZZ_ENTRY LLVMFuzzerTestOneInput
#endif

int FUZZ_ENTRY(const uint8_t *data, size_t size);

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const uint8_t *p = data + 1;
    const size_t n = size - 1;
    mcn_err e;
    switch (data[0] & 3) {
    case 0: {
        npy_array a = {0};
        if (npy_load_mem(p, n, &a, &e) == 0)
            npy_free(&a);
        break;
    }
    case 1: {
        npz_archive z;
        if (npz_open(&z, p, n, &e) == 0) {
            for (int i = 0; i < z.n; i++) {
                npy_array a = {0};
                if (npz_read(&z, i, &a, &e) == 0)
                    npy_free(&a);
            }
            npz_close(&z);
        }
        break;
    }
    default: {
        image_u8 img;
        if (((data[0] & 3) == 2 ? png_decode : pnm_decode)(p, n, &img, &e) == 0)
            image_free(&img);
        break;
    }
    }
    return 0;
}
