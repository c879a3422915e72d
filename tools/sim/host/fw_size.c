/* fw_size.c: see fw_size.h. */
#include "fw_size.h"

#include <stdbool.h>
#include <string.h>

/* ---- the ld map ---- */

typedef struct {
    const char *p, *end;
} span;

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

static span next_token(span *s)
{
    while (s->p < s->end && is_blank(*s->p))
        s->p++;
    span t = {s->p, s->p};
    while (s->p < s->end && !is_blank(*s->p))
        s->p++;
    t.end = s->p;
    return t;
}

static span trim(span s)
{
    while (s.p < s.end && is_blank(*s.p))
        s.p++;
    while (s.end > s.p && is_blank(s.end[-1]))
        s.end--;
    return s;
}

static bool hex_value(span t, uint64_t *v)
{
    if (t.end - t.p < 3 || t.p[0] != '0' || t.p[1] != 'x')
        return false;
    uint64_t x = 0;
    for (const char *c = t.p + 2; c < t.end; c++) {
        int d = *c >= '0' && *c <= '9' ? *c - '0'
              : *c >= 'a' && *c <= 'f' ? *c - 'a' + 10
              : *c >= 'A' && *c <= 'F' ? *c - 'A' + 10 : -1;
        if (d < 0 || x >> 60)
            return false;
        x = x << 4 | (uint64_t)d;
    }
    *v = x;
    return true;
}

static bool span_is(span t, const char *s)
{
    size_t n = strlen(s);
    return (size_t)(t.end - t.p) == n && memcmp(t.p, s, n) == 0;
}

static bool wanted(span out, const char *const *sections)
{
    for (; *sections; sections++)
        if (span_is(out, *sections))
            return true;
    return false;
}

/* "0xADDR 0xSIZE FILE": the size when FILE is a member of the archive. */
/* "0xADDR 0xSIZE FILE": the size when FILE is a member of the archive
   (member set) or the object itself (member clear). */
static uint64_t member_bytes(span rest, const char *archive, bool member)
{
    uint64_t addr, size;
    if (!hex_value(next_token(&rest), &addr) ||
        !hex_value(next_token(&rest), &size))
        return 0;
    span file = trim(rest);
    size_t n = strlen(archive), got = (size_t)(file.end - file.p);
    if (member && got > n && memcmp(file.p, archive, n) == 0 &&
        file.p[n] == '(')
        return size;
    if (!member && got == n && memcmp(file.p, archive, n) == 0)
        return size;
    return 0;
}

static int map_bytes(const char *map, size_t len, const char *archive,
                     bool member, const char *const *sections,
                     uint64_t *bytes, mcn_err *e)
{
    static const char marker[] = "Linker script and memory map";
    const char *end = map + len, *p = map;
    bool found = false;
    span out = {NULL, NULL};
    /* A long input section name sits alone on its line; the address,
       size and file follow on the next. */
    bool pending = false;
    uint64_t total = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        span line = {p, nl ? nl : end};
        p = nl ? nl + 1 : end;
        if (!found) {
            size_t n = sizeof marker - 1;
            found = (size_t)(line.end - line.p) >= n &&
                    memcmp(line.p, marker, n) == 0;
            continue;
        }
        bool was_pending = pending;
        pending = false;
        if (line.p == line.end)
            continue;
        if (!is_blank(line.p[0])) {
            span s = line;
            out = next_token(&s);
            continue;
        }
        if (!wanted(out, sections))
            continue;
        if (line.end - line.p > 1 && line.p[0] == ' ' && !is_blank(line.p[1])) {
            span s = line;
            span name = next_token(&s);
            if (name.p[0] == '*')  /* a pattern, or *fill* */
                continue;
            if (trim(s).p == s.end)
                pending = true;
            else
                total += member_bytes(s, archive, member);
        } else if (was_pending) {
            total += member_bytes(line, archive, member);
        }
    }
    if (!found)
        return mcn_fail(e, "not a GNU ld map: no \"%s\"", marker);
    *bytes = total;
    return 0;
}

int fw_map_archive_bytes(const char *map, size_t len, const char *archive,
                         const char *const *sections, uint64_t *bytes,
                         mcn_err *e)
{
    return map_bytes(map, len, archive, true, sections, bytes, e);
}

int fw_map_object_bytes(const char *map, size_t len, const char *object,
                        const char *const *sections, uint64_t *bytes,
                        mcn_err *e)
{
    return map_bytes(map, len, object, false, sections, bytes, e);
}

/* ---- the ELF ---- */

enum { SHF_WRITE = 1, SHF_ALLOC = 2, SHT_NOBITS = 8, SH_SIZE = 40 };

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static uint32_t rd16(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

int fw_elf_sizes_get(const uint8_t *elf, size_t len, const char *skip,
                     fw_elf_sizes *s, mcn_err *e)
{
    memset(s, 0, sizeof *s);
    if (len < 52 || memcmp(elf, "\177ELF", 4) != 0 || elf[4] != 1 ||
        elf[5] != 1)
        return mcn_fail(e, "not a 32-bit little-endian ELF file");
    uint64_t shoff = rd32(elf + 0x20), shentsize = rd16(elf + 0x2e);
    uint64_t shnum = rd16(elf + 0x30), shstrndx = rd16(elf + 0x32);
    if (shentsize < SH_SIZE || shoff + shnum * shentsize > len ||
        (shnum && shstrndx >= shnum))
        return mcn_fail(e, "ELF section headers out of bounds");
    const uint8_t *strtab = NULL;
    uint64_t strtab_len = 0;
    if (shnum) {
        const uint8_t *sh = elf + shoff + shstrndx * shentsize;
        uint64_t off = rd32(sh + 16), size = rd32(sh + 20);
        if (off + size > len)
            return mcn_fail(e, "ELF section names out of bounds");
        strtab = elf + off;
        strtab_len = size;
    }
    for (uint64_t i = 0; i < shnum; i++) {
        const uint8_t *sh = elf + shoff + i * shentsize;
        uint32_t name = rd32(sh), type = rd32(sh + 4), flags = rd32(sh + 8);
        uint64_t size = rd32(sh + 20);
        if (!(flags & SHF_ALLOC))
            continue;
        if (skip && name < strtab_len) {
            const char *nm = (const char *)strtab + name;
            size_t room = (size_t)(strtab_len - name);
            if (strnlen(nm, room) < room && strcmp(nm, skip) == 0)
                continue;
        }
        if (type == SHT_NOBITS)
            s->bss += size;
        else if (flags & SHF_WRITE)
            s->data += size;
        else
            s->text += size;
    }
    return 0;
}
