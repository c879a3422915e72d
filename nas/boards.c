/*
** boards.c: see boards.h. The table's figures, and where they are from.
** Each board's SRAM is the one contiguous block a linker script would
** give .data, .bss and the stack; banks at other addresses are named and
** left out. Sizes are binary (K = 1024 bytes).
**
** stm32f412  STM32F412xG (RM0402): 1 MB flash at 0x08000000; SRAM1 is
**            the only SRAM, 256 KB at 0x20000000.
** stm32f746  STM32F746xG (RM0385; CMSIS stm32f746xx.h): 1 MB flash at
**            0x08000000 (its AXI address; the ITCM alias at 0x00200000 is
**            the same flash). SRAM 320 KB counts all three banks, which
**            are contiguous: DTCM 64 KB at 0x20000000, SRAM1 240 KB at
**            0x20010000, SRAM2 16 KB at 0x2004C000 (ending at
**            0x20050000). The 16 KB ITCM RAM at 0x00000000 is left out.
** stm32h743  STM32H743xI (RM0433): 2 MB flash at 0x08000000 (banks 1 and
**            2, contiguous). SRAM is the 512 KB AXI SRAM at 0x24000000,
**            the largest contiguous block; DTCM (128 KB at 0x20000000),
**            ITCM (64 KB), the D2 SRAM1-3 (288 KB at 0x30000000) and the
**            D3 SRAM4 (64 KB at 0x38000000) are separate and left out.
** stm32l4r5  STM32L4R5xI (RM0432; CMSIS stm32l4r5xx.h): 2 MB flash at
**            0x08000000. SRAM 640 KB at 0x20000000: SRAM1 192 KB, SRAM2
**            64 KB (at 0x10000000, and mapped again at 0x20030000 right
**            after SRAM1), SRAM3 384 KB at 0x20040000, ending at
**            0x200A0000.
** nrf52840   nRF52840 (Nordic product specification): 1 MB flash at
**            0x00000000, 256 KB RAM at 0x20000000 (eight 32 KB sections,
**            one block). A SoftDevice, when used, takes the bottom of
**            both: that is what --reserve-flash and --reserve-sram are
**            for.
** rp2040     RP2040 (Raspberry Pi RP2040 datasheet, 2.6.2): 264 KB SRAM
**            at 0x20000000 (256 KB striped over banks 0-3, then the 4 KB
**            banks 4 and 5 at 0x20040000 and 0x20041000: one contiguous
**            block). No internal flash: 2 MB of external QSPI flash (the
**            Raspberry Pi Pico's W25Q16JV) executed in place at
**            0x10000000; its first 256 bytes hold the second-stage boot
**            loader, which the fit check does not link.
** samd21     ATSAMD21G18A (Microchip SAM D21 datasheet; CMSIS
**            samd21g18a.h): 256 KB flash at 0x00000000, 32 KB SRAM at
**            0x20000000.
** mps2-an385, mps2-an386, mps2-an500, mps3-an547: tools/sim/<board>.ld's
**            FLASH and SRAM (QEMU 7.2's hw/arm/mps2.c and mps2-tz.c, as
**            tools/sim/host/sim_board.c has them): 4 MiB each at
**            0x00000000 and 0x20000000 on the MPS2 boards; on the AN547
**            512 KiB of ITCM as flash at 0x00000000 and 4 MiB of ISRAM at
**            0x21000000. mcn-sim keeps the top 64 KiB of that SRAM as its
**            stack.
**
** The Cortex-M7 engine is built for the AN500's double-precision FPU
** (fpv5-d16); the STM32F746's FPU is single precision. The fit check
** links that build for it: the sizes are what matter there.
*/
#include "boards.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#define KiB INT64_C(1024)
#define MiB (1024 * KiB)

static const nas_board boards[] = {
    {"stm32f412", "STM32F412xG", "Cortex-M4", "cortex-m4",
     256 * KiB, 1 * MiB, 0x20000000u, 0x08000000u},
    {"stm32f746", "STM32F746xG", "Cortex-M7", "cortex-m7",
     320 * KiB, 1 * MiB, 0x20000000u, 0x08000000u},
    {"stm32h743", "STM32H743xI", "Cortex-M7", "cortex-m7",
     512 * KiB, 2 * MiB, 0x24000000u, 0x08000000u},
    {"stm32l4r5", "STM32L4R5xI", "Cortex-M4", "cortex-m4",
     640 * KiB, 2 * MiB, 0x20000000u, 0x08000000u},
    {"nrf52840", "nRF52840", "Cortex-M4", "cortex-m4",
     256 * KiB, 1 * MiB, 0x20000000u, 0x00000000u},
    {"rp2040", "RP2040", "Cortex-M0+", "cortex-m0plus",
     264 * KiB, 2 * MiB, 0x20000000u, 0x10000000u},
    {"samd21", "ATSAMD21G18A", "Cortex-M0+", "cortex-m0plus",
     32 * KiB, 256 * KiB, 0x20000000u, 0x00000000u},
    {"mps2-an385", "QEMU mps2-an385", "Cortex-M3", "cortex-m3",
     4 * MiB, 4 * MiB, 0x20000000u, 0x00000000u},
    {"mps2-an386", "QEMU mps2-an386", "Cortex-M4", "cortex-m4",
     4 * MiB, 4 * MiB, 0x20000000u, 0x00000000u},
    {"mps2-an500", "QEMU mps2-an500", "Cortex-M7", "cortex-m7",
     4 * MiB, 4 * MiB, 0x20000000u, 0x00000000u},
    {"mps3-an547", "QEMU mps3-an547", "Cortex-M55", "cortex-m55",
     4 * MiB, 512 * KiB, 0x21000000u, 0x00000000u},
};

#define N_BOARDS ((int)(sizeof boards / sizeof *boards))

int nas_board_count(void)
{
    return N_BOARDS;
}

const nas_board *nas_board_at(int i)
{
    return i >= 0 && i < N_BOARDS ? &boards[i] : NULL;
}

static bool same_name(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return false;
    return *a == *b;
}

const nas_board *nas_board_find(const char *name)
{
    for (int i = 0; name && i < N_BOARDS; i++)
        if (same_name(boards[i].name, name))
            return &boards[i];
    return NULL;
}

const char *nas_board_names(void)
{
    /* Every name and its ", ": well under this for the table above. */
    static char names[512];
    if (!names[0]) {
        size_t len = 0;
        for (int i = 0; i < N_BOARDS; i++) {
            int k = snprintf(names + len, sizeof names - len, "%s%s",
                             i ? ", " : "", boards[i].name);
            if (k < 0 || (size_t)k >= sizeof names - len)
                break;
            len += (size_t)k;
        }
    }
    return names;
}

void nas_board_list(FILE *f)
{
    char sram[24], flash[24];
    fprintf(f, "%-12s %-11s %6s %6s  %s\n", "board", "core", "SRAM",
            "flash", "part");
    for (int i = 0; i < N_BOARDS; i++) {
        const nas_board *b = &boards[i];
        fprintf(f, "%-12s %-11s %6s %6s  %s\n", b->name, b->core,
                nas_format_bytes(b->sram_bytes, sram, sizeof sram),
                nas_format_bytes(b->flash_bytes, flash, sizeof flash),
                b->part);
    }
}

/* ---- byte counts ---- */

/* The multiplier a suffix names (after the number): "", "B", "K", "KB",
   "KiB" and the same for M and G, in either case; 0 for anything else. */
static int64_t suffix_mult(const char *s)
{
    int64_t mult = 1;
    switch (tolower((unsigned char)*s)) {
    case 'k': mult = KiB; break;
    case 'm': mult = MiB; break;
    case 'g': mult = 1024 * MiB; break;
    case 'b': return s[1] ? 0 : 1;
    case 0: return 1;
    default: return 0;
    }
    s++;
    if (tolower((unsigned char)s[0]) == 'i' &&
        tolower((unsigned char)s[1]) == 'b')
        s += 2;
    else if (tolower((unsigned char)s[0]) == 'b')
        s++;
    return *s ? 0 : mult;
}

int nas_parse_bytes(const char *s, int64_t *out)
{
    if (!s || !isdigit((unsigned char)*s))
        return -1;
    /* The whole part, then up to 9 fraction digits as frac / scale. */
    int64_t whole = 0;
    for (; isdigit((unsigned char)*s); s++) {
        int d = *s - '0';
        if (whole > (INT64_MAX - d) / 10)
            return -1;
        whole = whole * 10 + d;
    }
    int64_t frac = 0, scale = 1;
    if (*s == '.') {
        s++;
        if (!isdigit((unsigned char)*s))
            return -1;
        for (; isdigit((unsigned char)*s); s++) {
            if (scale == INT64_C(1000000000))
                return -1;
            frac = frac * 10 + (*s - '0');
            scale *= 10;
        }
    }
    int64_t mult = suffix_mult(s);
    if (mult == 0)
        return -1;
    /* frac < scale <= 1e9 and mult <= 2^30: the product fits. */
    if (frac * mult % scale != 0)
        return -1;
    int64_t part = frac * mult / scale;
    if (whole > (INT64_MAX - part) / mult)
        return -1;
    *out = whole * mult + part;
    return 0;
}

char *nas_format_bytes(int64_t n, char *buf, size_t cap)
{
    if (n > 0 && n % (1024 * MiB) == 0)
        snprintf(buf, cap, "%" PRId64 "G", n / (1024 * MiB));
    else if (n > 0 && n % MiB == 0)
        snprintf(buf, cap, "%" PRId64 "M", n / MiB);
    else if (n > 0 && n % KiB == 0)
        snprintf(buf, cap, "%" PRId64 "K", n / KiB);
    else
        snprintf(buf, cap, "%" PRId64, n);
    return buf;
}

/* ---- the budget options ---- */

static const char *const budget_flags[] = {
    "--board", "--sram", "--flash", "--reserve-sram", "--reserve-flash",
};

/* Where budget_flags[k]'s value goes. */
static const char **budget_field(nas_budget_opts *o, size_t k)
{
    switch (k) {
    case 0: return &o->board;
    case 1: return &o->sram;
    case 2: return &o->flash;
    case 3: return &o->reserve_sram;
    default: return &o->reserve_flash;
    }
}

int nas_budget_arg(nas_budget_opts *o, int argc, char *const argv[], int i,
                   mcn_err *e)
{
    const char *arg = argv[i];
    for (size_t k = 0; k < sizeof budget_flags / sizeof *budget_flags;
         k++) {
        const char *flag = budget_flags[k];
        size_t n = strlen(flag);
        if (strncmp(arg, flag, n) != 0 || (arg[n] && arg[n] != '='))
            continue;
        const char **field = budget_field(o, k);
        if (*field)
            return mcn_fail(e, "%s given twice", flag);
        if (arg[n] == '=') {
            *field = arg + n + 1;
            return 1;
        }
        if (i + 1 >= argc)
            return mcn_fail(e, "%s needs a value", flag);
        *field = argv[i + 1];
        return 2;
    }
    return 0;
}

/* The largest memory a 32-bit Cortex-M can address. */
#define MAX_MEMORY (4 * 1024 * MiB)

static int parse_size(const char *flag, const char *s, bool zero_ok,
                      int64_t *out, mcn_err *e)
{
    if (nas_parse_bytes(s, out) != 0)
        return mcn_fail(e, "%s: '%s' is not a byte count (say 65536, "
                        "256K or 1.5M)", flag, s);
    if (*out == 0 && !zero_ok)
        return mcn_fail(e, "%s: 0 bytes leaves nothing to search in",
                        flag);
    if (*out > MAX_MEMORY)
        return mcn_fail(e, "%s: %s is more than the 4G a Cortex-M "
                        "addresses", flag, s);
    return 0;
}

/* total less the reserve in *left, or why not. */
static int take_reserve(const nas_board *b, const char *what,
                        const char *flag, const char *s, int64_t total,
                        int64_t *left, mcn_err *e)
{
    int64_t r = 0;
    if (s && parse_size(flag, s, true, &r, e))
        return -1;
    if (r >= total) {
        char rb[24], tb[24];
        if (b)
            return mcn_fail(e, "%s %s leaves nothing of %s's %s of %s",
                            flag, nas_format_bytes(r, rb, sizeof rb),
                            b->name,
                            nas_format_bytes(total, tb, sizeof tb), what);
        return mcn_fail(e, "%s %s leaves nothing of the %s of %s", flag,
                        nas_format_bytes(r, rb, sizeof rb),
                        nas_format_bytes(total, tb, sizeof tb), what);
    }
    *left = total - r;
    return 0;
}

int nas_budget_resolve(const nas_budget_opts *o, nas_budget *out,
                       mcn_err *e)
{
    memset(out, 0, sizeof *out);
    if (o->board && (o->sram || o->flash))
        return mcn_fail(e, "--board %s and %s together: the board gives "
                        "both sizes (leave room with --reserve-sram and "
                        "--reserve-flash)", o->board,
                        o->sram ? "--sram" : "--flash");
    if (o->board) {
        const nas_board *b = nas_board_find(o->board);
        if (!b)
            return mcn_fail(e, "unknown board '%s' (boards: %s)", o->board,
                            nas_board_names());
        out->board = b;
        out->sram_total = b->sram_bytes;
        out->flash_total = b->flash_bytes;
    } else if (o->sram && o->flash) {
        if (parse_size("--sram", o->sram, false, &out->sram_total, e) ||
            parse_size("--flash", o->flash, false, &out->flash_total, e))
            return -1;
    } else if (o->sram || o->flash) {
        return mcn_fail(e, "%s without %s: give both sizes, or --board "
                        "NAME", o->sram ? "--sram" : "--flash",
                        o->sram ? "--flash" : "--sram");
    } else {
        return mcn_fail(e, "no budget: give --board NAME (one of %s), or "
                        "--sram N and --flash N", nas_board_names());
    }
    if (take_reserve(out->board, "SRAM", "--reserve-sram", o->reserve_sram,
                     out->sram_total, &out->sram, e) ||
        take_reserve(out->board, "flash", "--reserve-flash", o->reserve_flash,
                     out->flash_total, &out->flash, e))
        return -1;
    return 0;
}

void nas_budget_model_limits(const nas_budget *b, int64_t *arena,
                             int64_t *flash)
{
    *arena = b->sram - NAS_FIT_STACK_BYTES - NAS_DATA_ALLOWANCE;
    *flash = b->flash - NAS_CODE_ALLOWANCE;
}
