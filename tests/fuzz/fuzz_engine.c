/* fuzz_engine.c: the engine on any bytes as a packed model (libFuzzer):
   the model in an allocation of exactly its size, the arena in one of
   exactly what the model asks for, so ASan sees any access outside
   either; mcn_init must refuse, or the invoke must stay inside. */
#include <stdlib.h>
#include <string.h>

#include "mcn.h"

/* tests/test_fuzz_regressions.c includes this file under another name. */
#ifndef FUZZ_ENTRY
#define FUZZ_ENTRY LLVMFuzzerTestOneInput
#endif

int FUZZ_ENTRY(const uint8_t *data, size_t size);

/* Bigger arenas are refused here, as a chip without that SRAM would. */
#define MAX_ARENA (16u << 20)

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
    uint8_t *m = malloc(size ? size : 1);
    if (!m)
        return 0;
    memcpy(m, data, size);
    const uint32_t need = mcn_arena_bytes(m, size);
    if (need == 0 || need > MAX_ARENA) {
        (void)mcn_verify(m, size);
        free(m);
        return 0;
    }
    const size_t bytes = (need + 15u) & ~(size_t)15u;
    uint8_t *arena = aligned_alloc(16, bytes);
    mcn_ctx ctx;
    if (arena && mcn_init(&ctx, m, size, arena, bytes) == MCN_OK) {
        mcn_tensor in;
        if (mcn_input(&ctx, 0, &in) == MCN_OK && in.data)
            memset(in.data, 0x5a, in.bytes);
        (void)mcn_invoke(&ctx);
    }
    free(arena);
    free(m);
    return 0;
}
