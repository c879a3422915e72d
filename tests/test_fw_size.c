/* test_fw_size.c: engine bytes from a GNU ld map, text/data/bss from an
   ELF, on hand-made inputs whose sums are worked out below. */
#include <check.h>
#include <string.h>

#include "fw_size.h"

/* The shapes GNU ld 2.40 prints: a long input section name on a line of
   its own, symbols under it, *fill*, the same archive discarded before
   the memory map, a look-alike archive path, and non-flash sections. */
static const char map[] =
    "Archive member included to satisfy reference by file (symbol)\n"
    "\n"
    "/x/libmcn.a(engine.o)         sim_main.o (mcn_init)\n"
    "\n"
    "Discarded input sections\n"
    "\n"
    " .text          0x00000000       0x10 /x/libmcn.a(engine.o)\n"
    "\n"
    "Linker script and memory map\n"
    "\n"
    "LOAD sim_main.o\n"
    "LOAD /x/libmcn.a\n"
    "                0x00010000                __sim_stack_bytes = 0x10000\n"
    "\n"
    ".text           0x00000000      0x200\n"
    " *(.vectors)\n"
    " .vectors       0x00000000       0x40 sim_start.o\n"
    "                0x00000000                sim_vectors\n"
    " *(.text .text.*)\n"
    " .text.mcn_invoke\n"
    "                0x00000040       0x48 /x/libmcn.a(engine.o)\n"
    "                0x00000040                mcn_invoke\n"
    " .text          0x00000088       0x20 /x/libmcn.a(kernel.o)\n"
    " .text          0x000000a8       0x30 /y/libc_nano.a(lib_a-memcpy.o)\n"
    " *fill*         0x000000d8        0x8 \n"
    " .text.x        0x000000e0       0x12 /x/libmcn.a.bak(evil.o)\n"
    "\n"
    ".rodata         0x00000200       0x40\n"
    " .rodata.tab    0x00000200        0x7 /x/libmcn.a(kernel.o)\n"
    " .rodata.mcn_sim_model\n"
    "                0x00000210      0x100 /tmp/ccXYZ.o\n"
    "\n"
    ".data           0x20000000        0x4 load address 0x00000300\n"
    " .data.v        0x20000000        0x4 /x/libmcn.a(engine.o)\n"
    "\n"
    ".bss            0x20000010      0x100\n"
    " .bss.arena     0x20000010      0x100 /x/libmcn.a(engine.o)\n"
    "\n"
    ".debug_info     0x00000000     0x5000\n"
    " .debug_info    0x00000000     0x1000 /x/libmcn.a(engine.o)\n";

static const char *const flash[] = {".text", ".rodata", ".data", NULL};

START_TEST(map_counts_only_the_archive_in_flash_sections)
{
    uint64_t n = 99;
    mcn_err e = {0};
    ck_assert_int_eq(fw_map_archive_bytes(map, strlen(map), "/x/libmcn.a",
                                          flash, &n, &e), 0);
    /* .text 0x48 + 0x20, .rodata 0x7, .data 0x4 */
    ck_assert_uint_eq(n, 0x48 + 0x20 + 0x7 + 0x4);
    /* Another archive: only its one member. */
    ck_assert_int_eq(fw_map_archive_bytes(map, strlen(map),
                                          "/y/libc_nano.a", flash, &n, &e),
                     0);
    ck_assert_uint_eq(n, 0x30);
    static const char *const bss[] = {".bss", NULL};
    ck_assert_int_eq(fw_map_archive_bytes(map, strlen(map), "/x/libmcn.a",
                                          bss, &n, &e), 0);
    ck_assert_uint_eq(n, 0x100);
}
END_TEST

/* mcn-sim's code_bytes: the members of the board's CPU's libmcn.a
   (lib/mcn/arm/<cpu>/libmcn.a) in .text, .rodata, .data and .ARM.exidx,
   as figures.md counts "TFLM+kernels flash"; another CPU's archive of the
   same name, libgcc and the harness are not code_bytes. */
static const char cpu_map[] =
    "Linker script and memory map\n"
    "\n"
    ".text           0x00000000      0x300\n"
    " .text.mcn_k_conv_s8\n"
    "                0x00000100      0x1f4 /b/lib/mcn/arm/cortex-m7/libmcn.a(conv_s8.o)\n"
    " .text.mcn_k_fc_s8\n"
    "                0x000002f4       0x64 /b/lib/mcn/arm/cortex-m4/libmcn.a(fc_s8.o)\n"
    " .text          0x00000358       0x5c /usr/lib/gcc/arm-none-eabi/12.2.1/thumb/v7e-m+fp/hard/libgcc.a(_udivmoddi4.o)\n"
    " .text.main     0x000003b4       0x80 /b/lib/mcn/arm/cortex-m4/sim_main.o\n"
    "\n"
    ".rodata         0x00000440       0x20\n"
    " .rodata.mcn_op_table\n"
    "                0x00000440       0x18 /b/lib/mcn/arm/cortex-m4/libmcn.a(mcn_engine.o)\n"
    "\n"
    ".ARM.exidx      0x00000460        0x8\n"
    " .ARM.exidx     0x00000460        0x8 /b/lib/mcn/arm/cortex-m4/libmcn.a(fc_s8.o)\n";

START_TEST(code_bytes_are_the_cpus_archive)
{
    static const char *const code[] = {".text", ".rodata", ".data",
                                       ".ARM.exidx", NULL};
    uint64_t n = 0;
    mcn_err e = {0};
    ck_assert_int_eq(fw_map_archive_bytes(cpu_map, strlen(cpu_map),
                                          "/b/lib/mcn/arm/cortex-m4/libmcn.a",
                                          code, &n, &e), 0);
    /* fc_s8 0x64 + the op table 0x18 + fc_s8's unwind entry 0x8 */
    ck_assert_uint_eq(n, 0x64 + 0x18 + 0x8);
    ck_assert_int_eq(fw_map_archive_bytes(cpu_map, strlen(cpu_map),
                                          "/b/lib/mcn/arm/cortex-m7/libmcn.a",
                                          code, &n, &e), 0);
    ck_assert_uint_eq(n, 0x1f4);
}
END_TEST

START_TEST(map_without_memory_map_is_refused)
{
    uint64_t n = 0;
    mcn_err e = {0};
    const char *text = "hello\nworld\n";
    ck_assert_int_eq(fw_map_archive_bytes(text, strlen(text), "/x/libmcn.a",
                                          flash, &n, &e), -1);
    ck_assert_str_eq(e.msg, "not a GNU ld map: no \"Linker script and "
                            "memory map\"");
}
END_TEST

static void put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, v & 0xffff);
    put16(p + 2, v >> 16);
}

/* A section header table of 7 at offset 128; names in a string table at
   52. Only the fields fw_elf_sizes_get reads are set. */
static size_t make_elf(uint8_t *elf)
{
    static const char names[] =
        "\0.text\0.data\0.bss\0.samples\0.comment\0.shstrtab";
    memset(elf, 0, 128 + 7 * 40);
    memcpy(elf, "\177ELF\1\1\1", 7);
    memcpy(elf + 52, names, sizeof names);
    put32(elf + 0x20, 128);
    put16(elf + 0x2e, 40);
    put16(elf + 0x30, 7);
    put16(elf + 0x32, 6);
    /* name, type, flags, size: PROGBITS 1, NOBITS 8, STRTAB 3;
       WRITE 1, ALLOC 2, EXEC 4 */
    static const uint32_t sh[7][4] = {
        {0, 0, 0, 0},
        {1, 1, 2 | 4, 100},     /* .text */
        {7, 1, 1 | 2, 8},       /* .data */
        {13, 8, 1 | 2, 64},     /* .bss */
        {18, 1, 2, 1000},       /* .samples */
        {27, 1, 0, 30},         /* .comment, not allocated */
        {36, 3, 0, sizeof names},
    };
    for (int i = 0; i < 7; i++) {
        uint8_t *h = elf + 128 + 40 * i;
        put32(h, sh[i][0]);
        put32(h + 4, sh[i][1]);
        put32(h + 8, sh[i][2]);
        put32(h + 20, sh[i][3]);
    }
    put32(elf + 128 + 40 * 6 + 16, 52);  /* .shstrtab's offset */
    return 128 + 7 * 40;
}

START_TEST(elf_sizes_as_binutils_size)
{
    uint8_t elf[128 + 7 * 40];
    size_t len = make_elf(elf);
    fw_elf_sizes s;
    mcn_err e = {0};
    ck_assert_int_eq(fw_elf_sizes_get(elf, len, NULL, &s, &e), 0);
    ck_assert_uint_eq(s.text, 1100);
    ck_assert_uint_eq(s.data, 8);
    ck_assert_uint_eq(s.bss, 64);
    ck_assert_int_eq(fw_elf_sizes_get(elf, len, ".samples", &s, &e), 0);
    ck_assert_uint_eq(s.text, 100);
    /* The section table reaches past the end. */
    ck_assert_int_eq(fw_elf_sizes_get(elf, len - 1, NULL, &s, &e), -1);
    ck_assert_str_eq(e.msg, "ELF section headers out of bounds");
    elf[4] = 2;
    ck_assert_int_eq(fw_elf_sizes_get(elf, len, NULL, &s, &e), -1);
    ck_assert_str_eq(e.msg, "not a 32-bit little-endian ELF file");
}
END_TEST

Suite *suite_fw_size(void)
{
    Suite *s = suite_create("fw_size");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, map_counts_only_the_archive_in_flash_sections);
    tcase_add_test(tc, code_bytes_are_the_cpus_archive);
    tcase_add_test(tc, map_without_memory_map_is_refused);
    tcase_add_test(tc, elf_sizes_as_binutils_size);
    suite_add_tcase(s, tc);
    return s;
}
