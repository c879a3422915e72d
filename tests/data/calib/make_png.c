/*
** make_png.c: the PNG fixtures of tests/data/calib, written by libpng so
** that the decoder is checked against an encoder that is not ours (see
** README.md). Not part of the build:
**
**     cc tests/data/calib/make_png.c -lpng -o /tmp/make_png
**     /tmp/make_png tests/data/calib
*/
#include <png.h>
#include <stdio.h>
#include <stdlib.h>

static int write_png(const char *path, int w, int h, int depth, int ctype,
                     int filters, size_t zbuf, png_bytep *rows,
                     const png_color *plte, int n_plte)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL,
                                              NULL, NULL);
    png_infop info = png_create_info_struct(png);
    if (setjmp(png_jmpbuf(png))) {
        fclose(f);
        return -1;
    }
    png_init_io(png, f);
    png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, depth, ctype,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    if (plte) {
        png_byte alpha = 0;
        png_set_PLTE(png, info, plte, n_plte);
        png_set_tRNS(png, info, &alpha, 1, NULL);  /* the decoder ignores */
    }
    png_set_filter(png, PNG_FILTER_TYPE_BASE, filters);
    if (zbuf)
        png_set_compression_buffer_size(png, zbuf);  /* several IDATs */
    png_write_info(png, info);
    png_write_image(png, rows);
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    return fclose(f);
}

int main(int argc, char **argv)
{
    if (argc != 2)
        return 2;
    char path[512];
    static png_byte rgb[5][7 * 3], pal[4][5];
    png_bytep rows[5];
    for (int y = 0; y < 5; y++) {
        for (int x = 0; x < 7; x++) {
            rgb[y][x * 3] = (png_byte)((x * 37 + y * 11) & 255);
            rgb[y][x * 3 + 1] = (png_byte)((x * y * 13 + 200) & 255);
            rgb[y][x * 3 + 2] = (png_byte)((255 - x * 30 + y * y * 7) & 255);
        }
        rows[y] = rgb[y];
    }
    snprintf(path, sizeof path, "%s/rgb_7x5_paeth.png", argv[1]);
    if (write_png(path, 7, 5, 8, PNG_COLOR_TYPE_RGB, PNG_FILTER_PAETH, 0,
                  rows, NULL, 0))
        return 1;

    png_color plte[11];
    for (int i = 0; i < 11; i++)
        plte[i] = (png_color){(png_byte)(20 * i), (png_byte)(255 - 20 * i),
                              (png_byte)(7 * i)};
    for (int y = 0; y < 4; y++) {
        for (int x = 0; x < 9; x++) {
            int i = (x + 2 * y) % 11;
            pal[y][x / 2] |= (png_byte)(x % 2 ? i : i << 4);
        }
        rows[y] = pal[y];
    }
    snprintf(path, sizeof path, "%s/palette4_9x4.png", argv[1]);
    return write_png(path, 9, 4, 4, PNG_COLOR_TYPE_PALETTE, PNG_ALL_FILTERS,
                     8, rows, plte, 11) ? 1 : 0;
}
