/*
** fb_read.h: reading a FlatBuffer in place. C99, freestanding.
**
** Two layers. The fb_check_* functions bounds-check one object against the
** buffer and return 1 (good) or 0 (bad); a verifier calls them once over
** every object it will use. The fb_get_* accessors then read without
** checks: call them only on objects a verifier has passed.
**
** Positions are byte offsets from the start of the buffer; 0 means
** "absent" (no object can sit at 0, where the root offset lives).
** Reads are byte-wise little-endian, so no alignment is assumed.
**
** Wire facts: a table starts with an i32 (table - vtable); a vtable is u16
** vtable bytes, u16 table bytes, then one u16 offset per field (0 =
** absent). References (tables, vectors, strings) are u32 offsets relative
** to where they are stored. A vector is a u32 count then its elements; a
** string is a vector of bytes followed by a NUL.
*/
#ifndef FB_READ_H
#define FB_READ_H

#include <stdint.h>

static inline uint16_t fb_u16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static inline uint32_t fb_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
           ((uint32_t)p[3] << 24);
}

static inline int32_t fb_i32(const uint8_t *p)
{
    uint32_t u = fb_u32(p);
    /* Two's complement without implementation-defined conversion. */
    return u <= 0x7fffffffu ? (int32_t)u : -(int32_t)(~u) - 1;
}

static inline float fb_f32(const uint8_t *p)
{
    union { uint32_t u; float f; } v;
    v.u = fb_u32(p);
    return v.f;
}

/* ---- checks: 1 = in bounds and well formed, 0 = bad ---- */

/* Size fits, identifier matches (if ident != 0), root table is sound. */
int fb_check_root(const uint8_t *b, uint32_t size, const char *ident,
                  uint32_t *root);
int fb_check_table(const uint8_t *b, uint32_t size, uint32_t table);
/* Field `id` absent, or present with `width` bytes inside the table. */
int fb_check_scalar(const uint8_t *b, uint32_t table, int id, uint32_t width);
/* Sub-table field: absent (*sub = 0) or a sound table. */
int fb_check_subtable(const uint8_t *b, uint32_t size, uint32_t table, int id,
                      uint32_t *sub);
/* Vector field of `elem` byte elements: absent (*data = 0, *len = 0), or
   *len elements starting at *data, all inside the buffer. */
int fb_check_vector(const uint8_t *b, uint32_t size, uint32_t table, int id,
                    uint32_t elem, uint32_t *data, uint32_t *len);
/* String field: a vector of bytes with its NUL inside the buffer. */
int fb_check_string(const uint8_t *b, uint32_t size, uint32_t table, int id);
/* Element i of a checked vector of tables is itself a sound table. */
int fb_check_vector_table(const uint8_t *b, uint32_t size, uint32_t data,
                          uint32_t i, uint32_t *sub);

/* ---- unchecked accessors, for verified objects only ---- */

/* Position of field `id` of `table`, or 0 when absent. */
static inline uint32_t fb_field(const uint8_t *b, uint32_t table, int id)
{
    uint32_t vt = (uint32_t)((int64_t)table - fb_i32(b + table));
    uint32_t slot = 4u + 2u * (uint32_t)id;
    if (slot + 2u > fb_u16(b + vt))
        return 0;
    uint16_t off = fb_u16(b + vt + slot);
    return off ? table + off : 0;
}

static inline uint8_t fb_get_u8(const uint8_t *b, uint32_t t, int id,
                                uint8_t dflt)
{
    uint32_t f = fb_field(b, t, id);
    return f ? b[f] : dflt;
}

static inline uint16_t fb_get_u16(const uint8_t *b, uint32_t t, int id,
                                  uint16_t dflt)
{
    uint32_t f = fb_field(b, t, id);
    return f ? fb_u16(b + f) : dflt;
}

static inline int32_t fb_get_i32(const uint8_t *b, uint32_t t, int id,
                                 int32_t dflt)
{
    uint32_t f = fb_field(b, t, id);
    return f ? fb_i32(b + f) : dflt;
}

static inline uint32_t fb_get_u32(const uint8_t *b, uint32_t t, int id,
                                  uint32_t dflt)
{
    uint32_t f = fb_field(b, t, id);
    return f ? fb_u32(b + f) : dflt;
}

static inline float fb_get_f32(const uint8_t *b, uint32_t t, int id,
                               float dflt)
{
    uint32_t f = fb_field(b, t, id);
    return f ? fb_f32(b + f) : dflt;
}

/* Target of a reference field (table, vector or string), or 0. */
static inline uint32_t fb_get_ref(const uint8_t *b, uint32_t t, int id)
{
    uint32_t f = fb_field(b, t, id);
    return f ? f + fb_u32(b + f) : 0;
}

/* Vector field: position of the first element (0 if absent), count. */
static inline uint32_t fb_get_vector(const uint8_t *b, uint32_t t, int id,
                                     uint32_t *len)
{
    uint32_t v = fb_get_ref(b, t, id);
    *len = v ? fb_u32(b + v) : 0;
    return v ? v + 4u : 0;
}

/* Element i of a vector of tables. */
static inline uint32_t fb_vector_table(const uint8_t *b, uint32_t data,
                                       uint32_t i)
{
    uint32_t e = data + 4u * i;
    return e + fb_u32(b + e);
}

/* A verified table with its vtable found once, for reading several of its
   fields: what fb_field does per field, less the vtable's lookup. */
typedef struct {
    const uint8_t *b;
    uint32_t table, vt, vt_bytes;
} fb_tab;

static inline fb_tab fb_tab_of(const uint8_t *b, uint32_t table)
{
    fb_tab t;
    t.b = b;
    t.table = table;
    t.vt = (uint32_t)((int64_t)table - fb_i32(b + table));
    t.vt_bytes = fb_u16(b + t.vt);
    return t;
}

static inline uint32_t fb_tab_field(const fb_tab *t, int id)
{
    uint32_t slot = 4u + 2u * (uint32_t)id;
    if (slot + 2u > t->vt_bytes)
        return 0;
    uint16_t off = fb_u16(t->b + t->vt + slot);
    return off ? t->table + off : 0;
}

static inline uint8_t fb_tab_u8(const fb_tab *t, int id, uint8_t dflt)
{
    uint32_t f = fb_tab_field(t, id);
    return f ? t->b[f] : dflt;
}

static inline uint16_t fb_tab_u16(const fb_tab *t, int id, uint16_t dflt)
{
    uint32_t f = fb_tab_field(t, id);
    return f ? fb_u16(t->b + f) : dflt;
}

static inline int32_t fb_tab_i32(const fb_tab *t, int id, int32_t dflt)
{
    uint32_t f = fb_tab_field(t, id);
    return f ? fb_i32(t->b + f) : dflt;
}

static inline uint32_t fb_tab_u32(const fb_tab *t, int id, uint32_t dflt)
{
    uint32_t f = fb_tab_field(t, id);
    return f ? fb_u32(t->b + f) : dflt;
}

static inline uint32_t fb_tab_ref(const fb_tab *t, int id)
{
    uint32_t f = fb_tab_field(t, id);
    return f ? f + fb_u32(t->b + f) : 0;
}

static inline uint32_t fb_tab_vector(const fb_tab *t, int id, uint32_t *len)
{
    uint32_t v = fb_tab_ref(t, id);
    *len = v ? fb_u32(t->b + v) : 0;
    return v ? v + 4u : 0;
}

/* String field as a NUL-terminated C string, or 0 when absent. */
static inline const char *fb_get_string(const uint8_t *b, uint32_t t, int id)
{
    uint32_t v = fb_get_ref(b, t, id);
    return v ? (const char *)(b + v + 4u) : 0;
}

#endif
