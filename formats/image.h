/*
** image.h: an 8-bit image as the decoders give it (png.h, pnm.h): h rows
** of w pixels of c channels (1 gray, 3 RGB), row by row, the channels of
** a pixel side by side:
**
**     data[(y * w + x) * c + k]
**
** A file's header can claim 2^31 x 2^31 pixels, so decoders size the
** image through image_alloc, which refuses more than IMAGE_MAX_BYTES
** before any memory is taken.
*/
#ifndef MCN_IMAGE_H
#define MCN_IMAGE_H

#include <stdint.h>

#include "err.h"

/* 256 MiB: a 9000 x 9000 RGB photograph fits, a forged header does not. */
#define IMAGE_MAX_BYTES ((uint64_t)1 << 28)

typedef struct {
    int h, w, c;
    uint8_t *data;    /* malloc'd, h * w * c bytes */
} image_u8;

/* The bytes of an h x w x c image, or 0 (with e set) if that is none
   or more than IMAGE_MAX_BYTES. `what` names the format in the message. */
uint64_t image_bytes(uint64_t h, uint64_t w, uint64_t c, const char *what,
                     mcn_err *e);
/* img->data for h x w x c (image_bytes' bound), the sizes filled in. */
int image_alloc(image_u8 *img, uint32_t h, uint32_t w, int c,
                const char *what, mcn_err *e);
void image_free(image_u8 *img);

#endif
