/* qreport.c: mcn-quantize's accuracy report as JSON and SVG (qreport.h). */
#include "qreport.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"

double qreport_mean_sqnr(const qreport *r, int *counted)
{
    double sum = 0;
    int k = 0;
    for (int i = 0; i < r->n_layers; i++) {
        const double db = sqnr_db(&r->layers[i].acc);
        if (isfinite(db)) {
            sum += db;
            k++;
        }
    }
    *counted = k;
    return k ? sum / k : NAN;
}

void qreport_svg_path(const char *json_path, char *buf, size_t n)
{
    const char *slash = strrchr(json_path, '/');
    const char *dot = strrchr(json_path, '.');
    size_t stem = dot && (!slash || dot > slash) ? (size_t)(dot - json_path)
                                                 : strlen(json_path);
    snprintf(buf, n, "%.*s.svg", (int)stem, json_path);
}

/* A JSON string: the name, escaped; "" for none. */
static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; s && *s; s++) {
        const unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

/* JSON has no infinities: an exact layer's SQNR is null. */
static void json_num(FILE *f, double v)
{
    if (isfinite(v))
        fprintf(f, "%.9g", v);
    else
        fputs("null", f);
}

static const char *layer_name(const qreport *r, const layer_sqnr *l)
{
    const char *n = r->fg->tensors[l->tensor].name;
    return n ? n : "?";
}

static const char *layer_op(const qreport *r, const layer_sqnr *l)
{
    return l->node >= 0 ? graph_op_name(r->fg->nodes[l->node].op) : "?";
}

static void write_json(const qreport *r, FILE *f)
{
    int counted;
    const double mean = qreport_mean_sqnr(r, &counted);
    fputs("{\"model\": ", f);
    json_str(f, r->model);
    fprintf(f, ", \"method\": \"%s\", \"samples\": %d, \"mean_sqnr_db\": ",
            qrange_method_name(r->method), r->n_samples);
    json_num(f, mean);
    fputs(", \"output_sqnr_db\": ", f);
    json_num(f, r->n_layers ? sqnr_db(&r->layers[r->n_layers - 1].acc)
                            : NAN);
    fputs(",\n \"layers\": [", f);
    for (int i = 0; i < r->n_layers; i++) {
        const layer_sqnr *l = &r->layers[i];
        const quantize_tensor_stats *st = &r->stats[l->tensor];
        const graph_tensor *q = &r->qg->tensors[l->tensor];
        fputs(i ? ",\n  {\"name\": " : "\n  {\"name\": ", f);
        json_str(f, layer_name(r, l));
        fprintf(f, ", \"op\": \"%s\", \"method\": \"%s\"", layer_op(r, l),
                st->method < 0 ? "fixed" : qrange_method_name(st->method));
        fputs(", \"min\": ", f);
        json_num(f, st->calibrated ? st->min : NAN);
        fputs(", \"max\": ", f);
        json_num(f, st->calibrated ? st->max : NAN);
        fputs(", \"scale\": ", f);
        json_num(f, q->nscale ? q->scale[0] : NAN);
        fprintf(f, ", \"zero_point\": %d", q->nscale ? (int)q->zero_point[0]
                                                     : 0);
        fputs(", \"clipped\": ", f);
        json_num(f, st->clipped);
        fputs(", \"sqnr_db\": ", f);
        json_num(f, sqnr_db(&l->acc));
        fputc('}', f);
    }
    fputs("\n ]}\n", f);
}

/* One bar a layer, longest the best; the worst layers stand out in red. */
#define ROW 18
#define LABEL 260
#define BAR 420

static void write_svg(const qreport *r, FILE *f)
{
    double top = 1, worst = INFINITY;
    for (int i = 0; i < r->n_layers; i++) {
        const double db = sqnr_db(&r->layers[i].acc);
        if (isfinite(db) && db > top)
            top = db;
        if (isfinite(db) && db < worst)
            worst = db;
    }
    const int h = 60 + ROW * r->n_layers;
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
               "height=\"%d\" font-family=\"sans-serif\" font-size=\"11\">\n",
            LABEL + BAR + 80, h);
    fputs("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n", f);
    fprintf(f, "<text x=\"8\" y=\"18\" font-size=\"13\">int8 vs float, "
               "SQNR per layer (dB), %s calibration on %d samples</text>\n",
            qrange_method_name(r->method), r->n_samples);
    for (int i = 0; i < r->n_layers; i++) {
        const layer_sqnr *l = &r->layers[i];
        const double db = sqnr_db(&l->acc);
        const double shown = isfinite(db) ? (db > 0 ? db : 0) : top;
        const int y = 36 + ROW * i;
        /* Within 3 dB of the worst: where to look first. */
        const char *fill = isfinite(db) && db <= worst + 3 ? "#c0392b"
                                                           : "#2e86c1";
        fputs("<text x=\"8\" y=\"", f);
        fprintf(f, "%d\">", y + 12);
        for (const char *s = layer_name(r, l); *s; s++)
            if (*s == '<')
                fputs("&lt;", f);
            else if (*s == '&')
                fputs("&amp;", f);
            else
                fputc(*s, f);
        fprintf(f, " (%s)</text>\n", layer_op(r, l));
        fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
                   "fill=\"%s\"/>\n", LABEL, y + 2, BAR * shown / top,
                ROW - 4, fill);
        fprintf(f, "<text x=\"%.1f\" y=\"%d\">", LABEL + BAR * shown / top + 4,
                y + 12);
        if (isfinite(db))
            fprintf(f, "%.1f", db);
        else
            fputs("exact", f);
        fputs("</text>\n", f);
    }
    fputs("</svg>\n", f);
}

static int write_one(const qreport *r, const char *path,
                     void (*fill)(const qreport *, FILE *), mcn_err *e)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return mcn_fail(e, "out of memory");
    fill(r, f);
    if (fclose(f) != 0) {
        free(buf);
        return mcn_fail(e, "out of memory");
    }
    int rc = file_write_atomic(path, buf, len, e);
    free(buf);
    return rc;
}

int qreport_write(const qreport *r, const char *json_path, mcn_err *e)
{
    char svg[4096];
    qreport_svg_path(json_path, svg, sizeof svg);
    if (strcmp(svg, json_path) == 0)
        return mcn_fail(e, "%s: the report's SVG would overwrite it",
                        json_path);
    if (write_one(r, json_path, write_json, e))
        return -1;
    if (write_one(r, svg, write_svg, e)) {
        qreport_remove(json_path);
        return -1;
    }
    return 0;
}

void qreport_remove(const char *json_path)
{
    char svg[4096];
    if (!json_path || strcmp(json_path, "-") == 0)
        return;
    qreport_svg_path(json_path, svg, sizeof svg);
    remove(json_path);
    if (strcmp(svg, json_path) != 0)
        remove(svg);
}
