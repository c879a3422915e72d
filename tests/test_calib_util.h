/*
** test_calib_util.h: the calibration suites' writers of tiny files, each
** built from the format's definition rather than from our decoders:
** PNG (every filter, chunk by chunk, so a test can damage any part),
** ZIP (stored or deflated members, NumPy's zip64 extra field) and .npy
** bytes. A growing byte buffer holds what they write.
*/
#ifndef MCN_TEST_CALIB_UTIL_H
#define MCN_TEST_CALIB_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "npy.h"

typedef struct {
    uint8_t *p;
    size_t n, cap;
} cu_buf;

void cu_put(cu_buf *b, const void *data, size_t n);
void cu_put_be32(cu_buf *b, uint32_t v);
void cu_put_le16(cu_buf *b, uint16_t v);
void cu_put_le32(cu_buf *b, uint32_t v);

/* ---- PNG ---- */

typedef struct {
    uint32_t w, h;
    int depth, ctype;       /* ctype 0 gray, 2 RGB, 3 palette, 4 GA, 6 RGBA */
    int interlace;
    const uint8_t *rows;    /* h rows of cu_png_row_bytes, unfiltered */
    const int *filters;     /* each row's filter type, 0..4; NULL: none */
    bool prefiltered;       /* rows are already h x (filter byte, row) */
    const uint8_t *plte;    /* n_plte RGB entries, written when n_plte */
    int n_plte;
    size_t idat_split;      /* bytes per IDAT chunk; 0: one chunk */
    const uint8_t *stream;  /* the IDAT data as it is, when stream_len */
    size_t stream_len;
} cu_png;

size_t cu_png_row_bytes(const cu_png *p);
/* A chunk: length, type, data, CRC. */
void cu_png_chunk(cu_buf *b, const char *type, const void *data, size_t n);
/* The rows, each after its filter byte and filtered by it (unless
   prefiltered), deflated. */
uint8_t *cu_png_idat_stream(const cu_png *p, size_t *len);
/* A whole file: signature, IHDR, PLTE, IDAT(s) of p->stream or of
   cu_png_idat_stream, IEND. */
uint8_t *cu_png_file(const cu_png *p, size_t *len);
/* An 8-bit gray PNG of h x w pixels, written to path; every row's filter
   is (row + filter0) % 5. */
void cu_png_gray_file(const char *path, const uint8_t *px, uint32_t h,
                      uint32_t w, int filter0);

/* ---- ZIP ---- */

typedef struct {
    const char *name;
    const void *data;
    size_t len;
    int method;             /* 8 deflates; any other is stored as it is,
                               labelled with that method */
    uint16_t flags;         /* general purpose bits (1: encrypted) */
    bool bad_crc;           /* a CRC one off */
    bool zip64_extra;       /* NumPy's force_zip64 local extra field */
} cu_zip_member;

/* Local headers and data, the central directory, the end record with
   `comment` (NULL: none). */
uint8_t *cu_zip(const cu_zip_member *m, int n, const char *comment,
                size_t *len);

/* ---- .npy ---- */

/* The bytes npy_save writes for a (through a file in dir). */
uint8_t *cu_npy_bytes(const char *dir, const npy_array *a, size_t *len);

#endif
