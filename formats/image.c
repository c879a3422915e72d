/* image.c: see image.h. */
#include "image.h"

#include <stdlib.h>
#include <string.h>

uint64_t image_bytes(uint64_t h, uint64_t w, uint64_t c, const char *what,
                     mcn_err *e)
{
    if (!h || !w || !c) {
        mcn_fail(e, "%s image with no pixels", what);
        return 0;
    }
    /* Each factor is checked before the product, so nothing overflows. */
    if (h > IMAGE_MAX_BYTES || w > IMAGE_MAX_BYTES || c > 8 ||
        h * w > IMAGE_MAX_BYTES / (c ? c : 1)) {
        mcn_fail(e, "%s image of %llu x %llu x %llu bytes is too large "
                 "(over %llu)", what, (unsigned long long)h,
                 (unsigned long long)w, (unsigned long long)c,
                 (unsigned long long)IMAGE_MAX_BYTES);
        return 0;
    }
    return h * w * c;
}

int image_alloc(image_u8 *img, uint32_t h, uint32_t w, int c,
                const char *what, mcn_err *e)
{
    memset(img, 0, sizeof *img);
    uint64_t n = image_bytes(h, w, (uint64_t)c, what, e);
    if (!n)
        return -1;
    img->data = malloc((size_t)n);
    if (!img->data)
        return mcn_fail(e, "out of memory for a %u x %u image", h, w);
    img->h = (int)h;
    img->w = (int)w;
    img->c = c;
    return 0;
}

void image_free(image_u8 *img)
{
    free(img->data);
    memset(img, 0, sizeof *img);
}
