/* nas_cli.c: see nas_cli.h. */
#include "nas_cli.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph_io.h"

const char *nas_cli_shown(const char *path)
{
    return !path || strcmp(path, "-") == 0 ? "<stdin>" : path;
}

/* "mcn-nas space" from "usage: mcn-nas space ...": where its --help is. */
static int command_len(const char *usage)
{
    const char *c = strncmp(usage, "usage: ", 7) == 0 ? usage + 7 : "mcn-nas";
    int n = (int)strcspn(c, " \n");
    const char *sub = c + n + (c[n] == ' ');
    if (c[n] == ' ' && *sub >= 'a' && *sub <= 'z')
        n = (int)(sub - c) + (int)strcspn(sub, " \n");
    return n;
}

int nas_cli_usage(const char *why, const char *usage)
{
    const char *c = strncmp(usage, "usage: ", 7) == 0 ? usage + 7 : "mcn-nas";
    fprintf(stderr, "mcn-nas: %s (see %.*s --help)\n",
            why ? why : "wrong arguments", command_len(usage), c);
    return MCN_EX_USAGE;
}

int nas_cli_unexpected(const char *arg, const char *usage)
{
    char why[160];
    snprintf(why, sizeof why, "unexpected argument '%.100s'%s", arg,
             arg[0] == '-' ? " or a missing value after it" : "");
    return nas_cli_usage(why, usage);
}

int nas_cli_float_model(const graph *g, mcn_err *e)
{
    for (int t = 0; t < g->n_tensors; t++)
        if (g->tensors[t].dtype != MCN_DT_FLOAT32 &&
            (g->tensors[t].data || g->tensors[t].nscale))
            return mcn_fail(e, "tensor '%s' is %s: mcn-nas scales a float "
                            "model (before mcn-quantize)",
                            g->tensors[t].name ? g->tensors[t].name : "?",
                            graph_dtype_name(g->tensors[t].dtype));
    return 0;
}

int nas_cli_load_net(const char *path, nas_net *n, mcn_err *e)
{
    graph g;
    graph_init(&g);
    if (graph_load_file(&g, path, e) || nas_cli_float_model(&g, e)) {
        graph_free(&g);
        return -1;
    }
    return nas_net_init(n, &g, e);
}

int nas_cli_resolution(const char *s, int *h, int *w)
{
    char *end;
    long a = strtol(s, &end, 10), b = a;
    if (*end == 'x')
        b = strtol(end + 1, &end, 10);
    if (*end || a < 1 || b < 1 || a > 65535 || b > 65535)
        return -1;
    *h = (int)a;
    *w = (int)b;
    return 0;
}

int nas_cli_doubles(const char *s, double lo, double hi, double *out,
                    int cap)
{
    char *end;
    int n = 0;
    double a = strtod(s, &end);
    if (end == s)
        return -1;
    if (*end == ':') {
        double last = strtod(end + 1, &end), step;
        if (*end != ':')
            return -1;
        step = strtod(end + 1, &end);
        if (*end || !(step > 0) || !(last >= a))
            return -1;
        double tol = step * 1e-6;
        for (int k = 0; a + k * step <= last + tol; k++) {
            if (n == cap)
                return -1;
            double v = a + k * step;
            if (fabs(v - last) <= tol)
                v = last;
            out[n++] = v;
        }
    } else {
        for (;;) {
            if (n == cap)
                return -1;
            out[n++] = a;
            if (*end == '\0')
                break;
            if (*end != ',')
                return -1;
            s = end + 1;
            a = strtod(s, &end);
            if (end == s)
                return -1;
        }
    }
    for (int i = 0; i < n; i++)
        if (!(out[i] >= lo && out[i] <= hi))
            return -1;
    return n;
}

int nas_cli_ints(const char *s, int lo, int hi, int *out, int cap)
{
    double v[1024];
    int n = nas_cli_doubles(s, lo, hi, v, cap < 1024 ? cap : 1024);
    for (int i = 0; i < n; i++) {
        if (v[i] != floor(v[i]))
            return -1;
        out[i] = (int)v[i];
    }
    return n;
}
