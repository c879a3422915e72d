/*
** fw_size.h: what a linked firmware costs, read from the GNU ld map and
** the ELF, the way TFLM's Cortex-M4 figures count it
** (../shared/reference/tflm/figures.md).
*/
#ifndef MCN_FW_SIZE_H
#define MCN_FW_SIZE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* Bytes the members of `archive` (the path exactly as it was given to the
   linker) place in the output sections named in `sections` (NULL-ended),
   summed over the map's "Linker script and memory map" part. Padding
   (*fill*) is nobody's. */
int fw_map_archive_bytes(const char *map, size_t len, const char *archive,
                         const char *const *sections, uint64_t *bytes,
                         mcn_err *e);

/* The same for one object file linked by name (e.g. "net.o"). */
int fw_map_object_bytes(const char *map, size_t len, const char *object,
                        const char *const *sections, uint64_t *bytes,
                        mcn_err *e);

typedef struct {
    uint64_t text;   /* allocated, read-only: code and constants */
    uint64_t data;   /* allocated, writable, with contents */
    uint64_t bss;    /* allocated, no contents */
} fw_elf_sizes;

/* Berkeley-style sizes of a 32-bit little-endian ELF (as binutils' size),
   leaving out the section named `skip` (NULL: none). */
int fw_elf_sizes_get(const uint8_t *elf, size_t len, const char *skip,
                     fw_elf_sizes *s, mcn_err *e);

#endif
