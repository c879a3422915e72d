/*
** npz.c: see npz.h. ZIP's records, all little-endian (PKWARE's APPNOTE):
**
**   local header   "PK\3\4" ... method@8 ... name_len@26 extra_len@28,
**                  30 bytes, then name, extra, the member's data
**   directory      "PK\1\2" flags@8 method@10 crc@16 csize@20 usize@24
**                  name_len@28 extra_len@30 comment_len@32 offset@42,
**                  46 bytes, then name, extra, comment
**   end record     "PK\5\6" disk@4 cd_disk@6 n_disk@8 n@10 cd_size@12
**                  cd_offset@16 comment_len@20, 22 bytes, then comment
**
** NumPy writes every member with a zip64 extra field in its local header
** (force_zip64) but plain 32-bit sizes in the directory while they fit,
** so zip64 is refused only where a size or offset needs it.
*/
#include "npz.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define SIG_LOCAL 0x04034b50u
#define SIG_DIR 0x02014b50u
#define SIG_END 0x06054b50u
#define SIG_ZIP64_LOCATOR 0x07064b50u
#define END_BYTES 22
#define DIR_BYTES 46
#define LOCAL_BYTES 30
#define ZIP64_MARK 0xffffffffu

static uint16_t le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

void npz_close(npz_archive *z)
{
    for (int i = 0; i < z->n; i++)
        free(z->members[i].name);
    free(z->members);
    memset(z, 0, sizeof *z);
}

/* The last end record whose comment fits in the file: it is the end. */
static int find_end(const uint8_t *buf, size_t len, size_t *at, mcn_err *e)
{
    if (len >= END_BYTES) {
        size_t lo = len - END_BYTES > 0xffff ? len - END_BYTES - 0xffff : 0;
        for (size_t p = len - END_BYTES + 1; p-- > lo;)
            if (le32(buf + p) == SIG_END &&
                le16(buf + p + 20) <= len - p - END_BYTES) {
                *at = p;
                return 0;
            }
    }
    if (len >= 4 && le32(buf) == SIG_LOCAL)
        return mcn_fail(e, "truncated .npz: no ZIP end of central directory");
    return mcn_fail(e, "not a .npz file (no ZIP end of central directory)");
}

static int read_entry(npz_member *m, const uint8_t *p, size_t room, int i,
                      mcn_err *e)
{
    if (room < DIR_BYTES || le32(p) != SIG_DIR)
        return mcn_fail(e, "bad .npz: central directory entry %d is "
                        "damaged", i);
    size_t nlen = le16(p + 28),
           skip = nlen + le16(p + 30) + le16(p + 32);
    if (skip > room - DIR_BYTES)
        return mcn_fail(e, "bad .npz: central directory entry %d runs past "
                        "the directory", i);
    m->flags = le16(p + 8);
    m->method = le16(p + 10);
    m->crc = le32(p + 16);
    m->csize = le32(p + 20);
    m->usize = le32(p + 24);
    m->offset = le32(p + 42);
    if (m->csize == ZIP64_MARK || m->usize == ZIP64_MARK ||
        m->offset == ZIP64_MARK)
        return mcn_fail(e, "zip64 .npz archives are not supported (member "
                        "%d is over 4 GiB or past 4 GiB)", i);
    if (memchr(p + DIR_BYTES, '\0', nlen))
        return mcn_fail(e, "bad .npz: member %d's name holds a NUL", i);
    m->name = malloc(nlen + 1);
    if (!m->name)
        return mcn_fail(e, "out of memory reading a .npz directory");
    memcpy(m->name, p + DIR_BYTES, nlen);
    m->name[nlen] = '\0';
    return (int)(DIR_BYTES + skip);
}

static int read_directory(npz_archive *z, mcn_err *e)
{
    size_t end = 0;
    if (find_end(z->buf, z->len, &end, e))
        return -1;
    const uint8_t *r = z->buf + end;
    if (end >= 20 && le32(r - 20) == SIG_ZIP64_LOCATOR)
        return mcn_fail(e, "zip64 .npz archives are not supported");
    uint16_t n_disk = le16(r + 8), n = le16(r + 10);
    uint32_t size = le32(r + 12), off = le32(r + 16);
    if (n == 0xffff || size == ZIP64_MARK || off == ZIP64_MARK)
        return mcn_fail(e, "zip64 .npz archives are not supported");
    if (le16(r + 4) || le16(r + 6) || n_disk != n)
        return mcn_fail(e, "multi-disk ZIP archives are not supported");
    if (off > end || size > end - off)
        return mcn_fail(e, "bad .npz: the central directory (%u bytes at "
                        "%u) is not before its end record at %zu", size,
                        off, end);
    z->members = calloc(n ? n : 1, sizeof *z->members);
    if (!z->members)
        return mcn_fail(e, "out of memory reading a .npz directory");
    const uint8_t *p = z->buf + off;
    size_t room = size;
    for (int i = 0; i < n; i++) {
        int used = read_entry(&z->members[i], p, room, i, e);
        z->n += z->members[i].name != NULL;
        if (used < 0)
            return -1;
        p += used;
        room -= (size_t)used;
    }
    return 0;
}

int npz_open(npz_archive *z, const uint8_t *buf, size_t len, mcn_err *e)
{
    memset(z, 0, sizeof *z);
    z->buf = buf;
    z->len = len;
    if (read_directory(z, e)) {
        npz_close(z);
        return -1;
    }
    return 0;
}

size_t npz_key_len(const npz_member *m)
{
    size_t n = strlen(m->name);
    return n >= 4 && !strcmp(m->name + n - 4, ".npy") ? n - 4 : n;
}

int npz_find(const npz_archive *z, const char *key)
{
    /* NumPy's NpzFile looks for the name as stored first. */
    for (int i = 0; i < z->n; i++)
        if (!strcmp(z->members[i].name, key))
            return i;
    size_t k = strlen(key);
    for (int i = 0; i < z->n; i++) {
        const char *s = z->members[i].name;
        if (strlen(s) == k + 4 && !strncmp(s, key, k) &&
            !strcmp(s + k, ".npy"))
            return i;
    }
    return -1;
}

/* Member m's bytes, as the directory describes them, into out[usize]. */
static int extract(const npz_archive *z, const npz_member *m, uint8_t *out,
                   mcn_err *e)
{
    const char *name = m->name;
    if (m->flags & 1)
        return mcn_fail(e, "member '%s' is encrypted; encrypted .npz "
                        "archives are not supported", name);
    if (m->method != 0 && m->method != 8)
        return mcn_fail(e, "member '%s' is compressed with method %u; only "
                        "stored (0) and deflated (8) members are supported",
                        name, m->method);
    if (m->offset > z->len || z->len - m->offset < LOCAL_BYTES ||
        le32(z->buf + m->offset) != SIG_LOCAL)
        return mcn_fail(e, "member '%s': no local header where the "
                        "directory puts it", name);
    const uint8_t *h = z->buf + m->offset;
    size_t data = (size_t)m->offset + LOCAL_BYTES + le16(h + 26) +
                  le16(h + 28);
    if (data > z->len || z->len - data < m->csize)
        return mcn_fail(e, "truncated .npz: member '%s' runs past the end "
                        "of the file", name);
    if (m->method == 0) {
        if (m->csize != m->usize)
            return mcn_fail(e, "member '%s': stored, yet %u bytes are said "
                            "to give %u", name, m->csize, m->usize);
        memcpy(out, z->buf + data, m->usize);
        return 0;
    }
    z_stream s;
    memset(&s, 0, sizeof s);
    if (inflateInit2(&s, -MAX_WBITS) != Z_OK)  /* raw deflate: no header */
        return mcn_fail(e, "out of memory starting zlib");
    s.next_in = (Bytef *)(uintptr_t)(z->buf + data);
    s.avail_in = m->csize;
    s.next_out = out;
    s.avail_out = m->usize;
    int rc = inflate(&s, Z_FINISH);
    uLong got = s.total_out;
    const char *why = s.msg;
    inflateEnd(&s);
    if (rc == Z_STREAM_END && got == m->usize)
        return 0;
    if (rc == Z_STREAM_END)
        return mcn_fail(e, "member '%s' inflates to %lu bytes, not the %u "
                        "its directory entry says", name, got, m->usize);
    if (rc == Z_BUF_ERROR && got == m->usize)
        return mcn_fail(e, "member '%s' inflates to more than the %u bytes "
                        "its directory entry says", name, m->usize);
    if (rc == Z_BUF_ERROR)
        return mcn_fail(e, "member '%s': its deflate data ends early",
                        name);
    return mcn_fail(e, "member '%s': corrupt deflate data (zlib: %s)", name,
                    why ? why : zError(rc));
}

int npz_read(const npz_archive *z, int i, npy_array *a, mcn_err *e)
{
    memset(a, 0, sizeof *a);
    if (i < 0 || i >= z->n)
        return mcn_fail(e, "the .npz has no member %d", i);
    const npz_member *m = &z->members[i];
    /* A size the data cannot hold is refused before it is allocated:
       deflate expands at most 1032:1 (stored data, 1:1, is held to its
       size exactly when it is read). */
    const uint64_t held = m->csize < z->len ? m->csize : z->len;
    if ((uint64_t)m->usize > held * 1032u + 64u)
        return mcn_fail(e, "member '%s' claims %u bytes from %u compressed, "
                        "more than the data can hold", m->name, m->usize,
                        m->csize);
    uint8_t *out = malloc((size_t)m->usize + 1);
    if (!out)
        return mcn_fail(e, "out of memory for member '%s' (%u bytes)",
                        m->name, m->usize);
    int rc = extract(z, m, out, e);
    if (!rc && crc32(0L, out, m->usize) != m->crc)
        rc = mcn_fail(e, "member '%s': bad CRC", m->name);
    mcn_err sub;
    if (!rc && npy_load_mem(out, m->usize, a, &sub))
        rc = mcn_fail_status(e, sub.status, "member '%s': %s", m->name,
                             sub.msg);
    free(out);
    return rc;
}
