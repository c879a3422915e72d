/*
** png.h: PNG images (ISO/IEC 15948) for calibration data, decoded to an
** 8-bit gray or RGB image (image.h).
**
** Read: colour types gray (bit depth 1, 2, 4, 8), gray+alpha (8), RGB (8),
** RGBA (8) and palette (1, 2, 4, 8); the five row filters; the IDAT
** chunks as one zlib stream; every chunk's CRC. Alpha is dropped (no
** compositing), a palette is expanded to RGB and its tRNS ignored, and
** gray of fewer than 8 bits is scaled to 0..255 as PNG defines it (a
** 1-bit image gives 0 and 255). Refused, each with its own message:
** 16-bit samples, interlaced (Adam7) images, unknown critical chunks,
** anything truncated or failing a CRC.
*/
#ifndef MCN_PNG_H
#define MCN_PNG_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "image.h"

/* img->c is 1 for gray and gray+alpha, 3 for RGB, RGBA and palette. */
int png_decode(const uint8_t *buf, size_t len, image_u8 *img, mcn_err *e);

#endif
