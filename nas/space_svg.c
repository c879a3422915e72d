/*
** space_svg.c: nas_space_svg (space.h). MACs across, the fraction of a
** space's fitting sub-networks with at most that many up: one step line
** per space, the best first and boldest, a legend with each space's
** mean and how many of its samples fit. The further right a curve, the
** more its fitting networks compute (MCUNet's figure for choosing).
*/
#include "space.h"

#include <string.h>

enum { W = 760, H = 440, LEFT = 64, RIGHT = 220, TOP = 44, BOTTOM = 52 };

static const char *const colours[] = {"#1f77b4", "#d62728", "#2ca02c",
                                      "#ff7f0e", "#9467bd", "#8c564b",
                                      "#e377c2", "#7f7f7f"};
#define N_COLOURS (int)(sizeof colours / sizeof colours[0])

static void escaped(FILE *f, const char *s)
{
    for (; *s; s++)
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc((unsigned char)*s < 0x20 ? '?' : *s, f);
        }
}

/* A round step for about `parts` ticks over [0, top]. */
static double tick_step(double top, int parts)
{
    double raw = top / parts, p = 1;
    while (p * 10 <= raw)
        p *= 10;
    while (p > raw)
        p /= 10;
    return raw <= 2 * p ? 2 * p : raw <= 5 * p ? 5 * p : 10 * p;
}

int nas_space_svg(FILE *f, const nas_space *s, int n, int top,
                  const char *title, mcn_err *e)
{
    int shown = 0;
    double most = 0;
    for (int i = 0; i < n && shown < top; i++)
        if (s[i].fits) {
            shown++;
            if ((double)s[i].fit_macs[s[i].fits - 1] > most)
                most = (double)s[i].fit_macs[s[i].fits - 1];
        }
    double step = tick_step(most > 0 ? most / 1e6 : 1, 5);
    double xmax = step * 1e6;
    while (xmax < most)
        xmax += step * 1e6;
    const double pw = W - LEFT - RIGHT, ph = H - TOP - BOTTOM;
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
            "height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" "
            "font-size=\"11\">\n<rect width=\"%d\" height=\"%d\" "
            "fill=\"white\"/>\n<text x=\"%d\" y=\"24\" font-size=\"14\">",
            W, H, W, H, W, H, LEFT);
    escaped(f, title ? title : "search spaces");
    fputs("</text>\n", f);
    for (int k = 0; k <= 4; k++) {
        double y = TOP + ph - ph * k / 4;
        fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                "stroke=\"#ddd\"/><text x=\"%d\" y=\"%.1f\" "
                "text-anchor=\"end\">%d%%</text>\n", LEFT, y, LEFT + pw, y,
                LEFT - 6, y + 4, 25 * k);
    }
    for (double v = 0; v <= xmax / 1e6 + step / 2; v += step) {
        double x = LEFT + pw * v * 1e6 / xmax;
        fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\" "
                "stroke=\"#ddd\"/><text x=\"%.1f\" y=\"%.1f\" "
                "text-anchor=\"middle\">%g</text>\n", x, TOP, x, TOP + ph,
                x, TOP + ph + 16, v);
    }
    fprintf(f, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">MACs "
            "(millions) of the sub-networks that fit</text>\n<text "
            "transform=\"translate(16 %.1f) rotate(-90)\" "
            "text-anchor=\"middle\">fitting sub-networks at or below"
            "</text>\n", LEFT + pw / 2, H - 12, TOP + ph / 2);
    int c = 0;
    for (int i = 0; i < n && c < shown; i++) {
        const nas_space *sp = &s[i];
        if (!sp->fits)
            continue;
        fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width="
                "\"%s\" points=\"", colours[c % N_COLOURS],
                c == 0 ? "2.5" : "1.5");
        for (int j = 0; j < sp->fits; j++) {
            double x = LEFT + pw * (double)sp->fit_macs[j] / xmax;
            double y0 = TOP + ph - ph * j / sp->fits;
            double y1 = TOP + ph - ph * (j + 1) / sp->fits;
            fprintf(f, "%.1f,%.1f %.1f,%.1f ", x, y0, x, y1);
        }
        fputs("\"/>\n", f);
        double ly = TOP + 14 + 34.0 * c;
        fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
                "stroke=\"%s\" stroke-width=\"3\"/><text x=\"%d\" "
                "y=\"%.1f\">width %.2f, %dx%d</text><text x=\"%d\" "
                "y=\"%.1f\" fill=\"#555\">mean %.2fM MACs, %d/%d fit"
                "</text>\n", W - RIGHT + 12, ly - 4, W - RIGHT + 32, ly - 4,
                colours[c % N_COLOURS], W - RIGHT + 38, ly, sp->width,
                sp->resolution, sp->resolution, W - RIGHT + 38, ly + 14,
                sp->mean_macs / 1e6, sp->fits, sp->samples);
        c++;
    }
    if (!shown)
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">no "
                "sub-network fits</text>\n", LEFT + pw / 2, TOP + ph / 2);
    fputs("</svg>\n", f);
    return ferror(f) ? mcn_fail(e, "write failed") : 0;
}
