/*
** pnm.h: Netpbm's PGM (gray) and PPM (RGB) images, binary (P5, P6) and
** plain ASCII (P2, P3), with '#' comments, decoded to image.h's 8-bit
** image. maxval may be 1..255 and the samples are kept as stored, not
** rescaled to 0..255: a calibration set written with maxval 15 means
** what its writer meant. maxval above 255 (16-bit samples), bitmaps
** (P1, P4) and PAM (P7) are refused.
*/
#ifndef MCN_PNM_H
#define MCN_PNM_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "image.h"

/* The first image of the file; img->c is 1 for PGM, 3 for PPM. */
int pnm_decode(const uint8_t *buf, size_t len, image_u8 *img, mcn_err *e);

#endif
