/* fuzz_tflite.c: mcn-import's TFLite reader on any bytes (libFuzzer). */
#include "tflite_import.h"

/* tests/test_fuzz_regressions.c includes this file under another name. */
#ifndef FUZZ_ENTRY
#define FUZZ_ENTRY LLVMFuzzerTestOneInput
#endif

int FUZZ_ENTRY(const uint8_t *data, size_t size);

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
    graph g;
    mcn_err e;
    if (tflite_import(data, size, NULL, &g, &e) == 0)
        graph_free(&g);
    return 0;
}
