/*
** npz.h: NumPy .npz archives, a ZIP of .npy members (np.savez stores
** them, np.savez_compressed deflates them), read from memory.
**
** The central directory is the archive's index and the only place a
** member's sizes and CRC are sure to be (a streamed ZIP leaves them out
** of the local headers), so it is read from the end-of-central-directory
** record; a local header is used only to find where its data starts.
** Members may be stored (method 0) or deflated (8); their CRC-32 is
** checked. Other methods, encryption, zip64 sizes and multi-disk
** archives are refused with a message saying so.
*/
#ifndef MCN_NPZ_H
#define MCN_NPZ_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "npy.h"

typedef struct {
    char *name;               /* as stored: "x.npy" */
    uint16_t flags, method;
    uint32_t crc, csize, usize;
    uint32_t offset;          /* of its local header */
} npz_member;

typedef struct {
    const uint8_t *buf;       /* the archive, borrowed: keep it alive */
    size_t len;
    int n;
    npz_member *members;      /* in central directory order */
} npz_archive;

/* Read the directory of the archive in buf[len]. */
int npz_open(npz_archive *z, const uint8_t *buf, size_t len, mcn_err *e);
void npz_close(npz_archive *z);

/* The member NumPy would give for z[key]: named key or key".npy"; -1 if
   there is none. */
int npz_find(const npz_archive *z, const char *key);
/* The length of a member's array name: its name without ".npy". */
size_t npz_key_len(const npz_member *m);

/* Member i, inflated and CRC-checked, parsed as .npy (npy_load_mem).
   Messages name the member: "member 'x.npy': bad CRC". */
int npz_read(const npz_archive *z, int i, npy_array *a, mcn_err *e);

#endif
