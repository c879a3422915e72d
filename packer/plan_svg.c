/*
** plan_svg.c: a planned graph's arena as an SVG picture (plan_svg.h):
** execution position across (graph inputs, each node, graph outputs),
** arena offset up, every block (plan_arena_layout) a rectangle at its
** offset over the positions it lives (translucent: an output overlapping
** its input in place shows), scratch hatched grey, the peak a dashed
** line with a mark above each column that reaches it. Each block's
** rectangle carries its numbers as data- attributes and a <title>
** tooltip, and a label when the label fits.
*/
#include "plan_svg.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    LEFT = 78, RIGHT = 24, TOP = 42, BOTTOM = 48, PLOT_H = 480,
    PLOT_W_MIN = 640, PLOT_W_MAX = 1600, COL_W_MAX = 48, FONT = 10
};

typedef struct {
    char *s;
    size_t len, cap;
    int failed;
} text;

static void put(text *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void put(text *t, const char *fmt, ...)
{
    if (t->failed)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        size_t room = t->cap - t->len;
        int n = vsnprintf(t->s ? t->s + t->len : NULL, room, fmt, ap);
        va_end(ap);
        if (n < 0) {
            t->failed = 1;
            return;
        }
        if ((size_t)n < room) {
            t->len += (size_t)n;
            return;
        }
        size_t cap = t->cap ? t->cap * 2 : 4096;
        while (cap - t->len <= (size_t)n)
            cap *= 2;
        char *s = realloc(t->s, cap);
        if (!s) {
            t->failed = 1;
            return;
        }
        t->s = s;
        t->cap = cap;
    }
}

/* s with XML's five specials escaped. */
static void put_escaped(text *t, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': put(t, "&amp;"); break;
        case '<': put(t, "&lt;"); break;
        case '>': put(t, "&gt;"); break;
        case '"': put(t, "&quot;"); break;
        case '\'': put(t, "&apos;"); break;
        default:
            /* Control bytes are not XML characters. */
            put(t, "%c", (unsigned char)*s < 0x20 ? '?' : *s);
        }
    }
}

typedef struct {
    double col_w, scale;  /* pixels per position, per byte */
    int64_t top;          /* bytes at the top of the plot */
} axes;

static double px_x(const axes *a, int pos)
{
    return LEFT + (pos + 1) * a->col_w;
}

static double px_y(const axes *a, int64_t offset)
{
    return TOP + PLOT_H - (double)offset * a->scale;
}

/* Who a block is: its root tensor's name (or index) and producer, or
   the node whose scratch it is. */
static void describe(text *t, const graph *g, const plan_extent *b,
                     int short_form)
{
    if (b->tensor < 0) {
        put(t, "scratch of node %d (%s)", b->node,
            graph_op_name(g->nodes[b->node].op));
        return;
    }
    const char *name = g->tensors[b->tensor].name;
    if (name && *name)
        put_escaped(t, name);
    else
        put(t, "tensor %d", b->tensor);
    int by = graph_producer(g, b->tensor);
    if (!short_form && by >= 0)
        put(t, " (%s)", graph_op_name(g->nodes[by].op));
}

/* A mark above each column at the peak: the positions where the highest
   live byte is the top of the arena. */
static void shade_peak(text *t, const axes *a, const plan_extent *b, int n,
                       int positions, int64_t peak)
{
    int64_t *high = calloc((size_t)positions, sizeof *high);
    if (!high) {
        t->failed = 1;
        return;
    }
    for (int k = 0; k < n; k++)
        for (int p = b[k].first; p <= b[k].last; p++)
            if (b[k].offset + b[k].bytes > high[p + 1])
                high[p + 1] = b[k].offset + b[k].bytes;
    for (int p = 0; p < positions; p++)
        if (high[p] == peak)
            put(t, "<rect class=\"peak-column\" x=\"%.2f\" y=\"%d\" "
                   "width=\"%.2f\" height=\"5\" fill=\"#c0392b\"><title>"
                   "the peak is reached here</title></rect>\n",
                px_x(a, p - 1), TOP - 9, a->col_w);
    free(high);
}

static void draw_axes(text *t, const axes *a, int nodes, int64_t peak)
{
    double right = px_x(a, nodes + 1);
    /* Gridlines a round 1, 2 or 5 times a power of ten apart, about five
       up to the peak. */
    int64_t step = 1;
    for (int k = 0; step * 5 < a->top; k++)
        step = k % 3 == 1 ? step * 5 / 2 : step * 2;  /* 1 2 5 10 */
    for (int64_t bytes = 0; bytes <= a->top; bytes += step) {
        double y = px_y(a, bytes);
        put(t, "<line x1=\"%d\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" "
               "stroke=\"#dddddd\"/>\n", LEFT, y, right, y);
        put(t, "<text x=\"%d\" y=\"%.2f\" text-anchor=\"end\" "
               "dominant-baseline=\"middle\">%lld</text>\n", LEFT - 6, y,
            (long long)bytes);
    }
    /* About one position label per 40 pixels. */
    int every = 1;
    for (int k = 0; every * a->col_w < 40; k++)
        every = k % 3 == 1 ? every * 5 / 2 : every * 2;
    for (int p = -1; p <= nodes; p++) {
        if (p >= 0 && p < nodes && p % every != 0)
            continue;
        double x = px_x(a, p) + a->col_w / 2;
        char label[16];
        if (p < 0)
            snprintf(label, sizeof label, "in");
        else if (p == nodes)
            snprintf(label, sizeof label, "out");
        else
            snprintf(label, sizeof label, "%d", p);
        put(t, "<text x=\"%.2f\" y=\"%d\" text-anchor=\"middle\">%s"
               "</text>\n", x, TOP + PLOT_H + 16, label);
    }
    put(t, "<text x=\"%.2f\" y=\"%d\" text-anchor=\"middle\">operator "
           "(execution order)</text>\n", (LEFT + right) / 2,
        TOP + PLOT_H + 36);
    put(t, "<text x=\"14\" y=\"%d\" text-anchor=\"middle\" "
           "transform=\"rotate(-90 14 %d)\">arena offset (bytes)</text>\n",
        TOP + PLOT_H / 2, TOP + PLOT_H / 2);
    double y = px_y(a, peak);
    put(t, "<line class=\"peak\" x1=\"%d\" y1=\"%.2f\" x2=\"%.2f\" "
           "y2=\"%.2f\" stroke=\"#c0392b\" stroke-dasharray=\"6 3\"/>\n",
        LEFT, y, right, y);
    put(t, "<text x=\"%.2f\" y=\"%.2f\" text-anchor=\"end\" "
           "fill=\"#c0392b\">peak %lld bytes</text>\n", right, y - 4,
        (long long)peak);
}

static void block_box(const axes *a, const plan_extent *b, double *x,
                      double *y, double *w, double *h)
{
    *x = px_x(a, b->first);
    *w = (b->last - b->first + 1) * a->col_w;
    *h = (double)b->bytes * a->scale;
    *y = px_y(a, b->offset + b->bytes);
    if (*h < 0.5)
        *h = 0.5;
}

/* A block translucent, so what overlaps in place shows through. */
static void draw_block(text *t, const axes *a, const graph *g,
                       const plan_extent *b)
{
    double x, y, w, h;
    block_box(a, b, &x, &y, &w, &h);
    int scratch = b->tensor < 0;
    unsigned hue = scratch ? 0 : (unsigned)b->tensor * 137u % 360u;
    put(t, "<rect class=\"%s\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" "
           "height=\"%.2f\" ", scratch ? "scratch" : "tensor", x, y, w, h);
    if (scratch)
        put(t, "fill=\"url(#hatch)\" stroke=\"#666666\" ");
    else
        put(t, "fill=\"hsl(%u,55%%,70%%)\" fill-opacity=\"0.8\" "
               "stroke=\"hsl(%u,45%%,35%%)\" ", hue, hue);
    put(t, "stroke-width=\"0.6\" data-offset=\"%lld\" data-bytes=\"%lld\" "
           "data-first=\"%d\" data-last=\"%d\"><title>",
        (long long)b->offset, (long long)b->bytes, b->first, b->last);
    describe(t, g, b, 0);
    put(t, ": %lld bytes at %lld, positions %d to %d</title></rect>\n",
        (long long)b->bytes, (long long)b->offset, b->first, b->last);
}

/* Its label, on top of every block, where about 6 pixels a character and
   a line fit. */
static void label_block(text *t, const axes *a, const graph *g,
                        const plan_extent *b)
{
    double x, y, w, h;
    block_box(a, b, &x, &y, &w, &h);
    text label = {0};
    describe(&label, g, b, 1);
    if (!label.failed && label.len && w >= 6.0 * (double)label.len + 4 &&
        h >= FONT + 2)
        put(t, "<text x=\"%.2f\" y=\"%.2f\" text-anchor=\"middle\" "
               "dominant-baseline=\"middle\">%s</text>\n", x + w / 2,
            y + h / 2, label.s);
    t->failed |= label.failed;
    free(label.s);
}

int plan_svg(const graph *g, char **svg, size_t *len, mcn_err *e)
{
    *svg = NULL;
    *len = 0;
    plan_extent *b;
    int n;
    if (plan_arena_layout(g, &b, &n, e))
        return -1;
    int64_t peak = g->arena_bytes;
    for (int k = 0; k < n; k++)
        if (b[k].offset + b[k].bytes > peak)
            peak = b[k].offset + b[k].bytes;
    int positions = g->n_nodes + 2;
    double plot_w = positions * (double)COL_W_MAX;
    if (plot_w < PLOT_W_MIN)
        plot_w = PLOT_W_MIN;
    if (plot_w > PLOT_W_MAX)
        plot_w = PLOT_W_MAX;
    axes a = {plot_w / positions, (double)PLOT_H / (double)(peak ? peak : 1),
              peak ? peak : 1};
    int width = LEFT + (int)plot_w + RIGHT, height = TOP + PLOT_H + BOTTOM;
    text t = {0};
    put(&t, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
            "height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" "
            "font-size=\"%d\">\n", width, height, width, height, FONT);
    put(&t, "<title>arena plan: %lld bytes, %d operators, %d blocks"
            "</title>\n", (long long)peak, g->n_nodes, n);
    put(&t, "<defs><pattern id=\"hatch\" width=\"6\" height=\"6\" "
            "patternUnits=\"userSpaceOnUse\" "
            "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" "
            "fill=\"#e6e6e6\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" "
            "stroke=\"#999999\" stroke-width=\"2\"/></pattern></defs>\n");
    put(&t, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", width,
        height);
    put(&t, "<text x=\"%d\" y=\"18\" font-size=\"13\">arena over time: %d "
            "operators, %d blocks, peak %lld bytes</text>\n", LEFT,
        g->n_nodes, n, (long long)peak);
    shade_peak(&t, &a, b, n, positions, peak);
    draw_axes(&t, &a, g->n_nodes, peak);
    for (int k = 0; k < n; k++)
        draw_block(&t, &a, g, &b[k]);
    for (int k = 0; k < n; k++)
        label_block(&t, &a, g, &b[k]);
    put(&t, "</svg>\n");
    free(b);
    if (t.failed) {
        free(t.s);
        return mcn_fail(e, "out of memory drawing the arena");
    }
    *svg = t.s;
    *len = t.len;
    return 0;
}
