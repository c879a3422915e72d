/*
** gen.c: a packed model as C source (gen.h): bind it to a host arena with
** mcn_init, take every operator's kernel call (mcn_op_call), print them,
** and print the constants they point into and the I/O they leave where.
*/
#include "gen.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fb_read.h"
#include "gen_internal.h"
#include "mcn_format.h"
#include "pack.h"

#define MAX_NAME GEN_NAME_MAX

/* ---- the constants ---- */

static int add_region(gen_ctx *g, uint32_t pos, uint32_t len, int *cap)
{
    if (len == 0)
        return 0;
    if (g->n_regions == *cap) {
        int n = *cap ? *cap * 2 : 64;
        gen_region *r = realloc(g->regions, (size_t)n * sizeof *r);
        if (!r)
            return mcn_fail(g->e, "out of memory");
        g->regions = r;
        *cap = n;
    }
    g->regions[g->n_regions++] = (gen_region){pos, len, NULL, 0};
    return 0;
}

/* Every buffer's data and every Requant vector: all a kernel call can
   point into inside the model (its checks proved where data lives). */
static int find_regions(gen_ctx *g)
{
    const uint8_t *b = g->model;
    uint32_t m = fb_u32(b), n, vec;
    int cap = 0;
    vec = fb_get_vector(b, m, MCN_MODEL_BUFFERS, &n);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t len, bt = fb_vector_table(b, vec, i);
        uint32_t data = fb_get_vector(b, bt, MCN_BUFFER_DATA, &len);
        if (add_region(g, data, len, &cap))
            return -1;
    }
    vec = fb_get_vector(b, m, MCN_MODEL_OPERATORS, &n);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t o = fb_vector_table(b, vec, i);
        uint32_t rq = fb_get_ref(b, o, MCN_OPERATOR_REQUANT);
        if (!rq)
            continue;
        static const int ids[2] = {MCN_REQUANT_MULTIPLIER, MCN_REQUANT_SHIFT};
        for (int k = 0; k < 2; k++) {
            uint32_t len, pos = fb_get_vector(b, rq, ids[k], &len);
            if (add_region(g, pos, len * 4u, &cap))
                return -1;
        }
    }
    return 0;
}

static size_t elem_size(const char *ctype)
{
    return strstr(ctype, "int32_t") ? 4 : 1;
}

/* "const int8_t *" -> "int8_t" */
static void base_type(const char *ctype, char *out, size_t n)
{
    const char *s = strncmp(ctype, "const ", 6) == 0 ? ctype + 6 : ctype;
    size_t k = strcspn(s, " *");
    snprintf(out, n, "%.*s", (int)k, s);
}

const char *gen_ptr(gen_ctx *g, const void *p, const char *ctype, char *buf,
                    size_t n)
{
    const uint8_t *q = p;
    if (!q) {
        snprintf(buf, n, "0");
        return buf;
    }
    int is_const = strncmp(ctype, "const ", 6) == 0;
    if (q >= g->arena && q <= g->arena + g->arena_bytes) {
        snprintf(buf, n, "(%s)(%svoid *)(%s_arena + %u)", ctype,
                 is_const ? "const " : "", g->name,
                 (unsigned)(q - g->arena));
        return buf;
    }
    if (q >= g->model && q < g->model + g->len) {
        uint32_t pos = (uint32_t)(q - g->model);
        for (int i = 0; i < g->n_regions; i++) {
            gen_region *r = &g->regions[i];
            if (pos < r->pos || pos >= r->pos + r->len)
                continue;
            char base[32];
            base_type(ctype, base, sizeof base);
            if (strcmp(base, "void") == 0)
                snprintf(base, sizeof base, "int8_t");
            if (!r->ctype) {
                r->ctype = strcmp(base, "int32_t") == 0 ? "int32_t"
                                                        : "int8_t";
                r->elem = elem_size(r->ctype);
            }
            uint32_t d = pos - r->pos;
            if (d % r->elem || r->len % r->elem)
                break;
            snprintf(buf, n, "(%s)(const void *)(%s_c%d + %u)", ctype,
                     g->name, i, (unsigned)(d / r->elem));
            return buf;
        }
    }
    if (!g->failed)
        mcn_fail(g->e, "a kernel parameter points outside the arena and "
                       "the model's constants");
    g->failed = 1;
    snprintf(buf, n, "0");
    return buf;
}

static void print_region(FILE *f, const gen_ctx *g, int i)
{
    const gen_region *r = &g->regions[i];
    const uint8_t *p = g->model + r->pos;
    size_t count = r->len / r->elem;
    fprintf(f, "static const %s %s_c%d[%zu] __attribute__((aligned(4))) = {",
            r->ctype, g->name, i, count);
    for (size_t k = 0; k < count; k++) {
        if (k % (r->elem == 4 ? 8 : 16) == 0)
            fprintf(f, "\n   ");
        if (r->elem == 4)
            fprintf(f, " %ld,", (long)(int32_t)fb_u32(p + 4 * k));
        else
            fprintf(f, " %d,", (int)(int8_t)p[k]);
    }
    fprintf(f, "\n};\n\n");
}

/* ---- the files ---- */

static void upper(const char *s, char *out)
{
    size_t i = 0;
    for (; s[i]; i++)
        out[i] = (char)toupper((unsigned char)s[i]);
    out[i] = 0;
}

/* The I/O tensor's macros, and its offset into *off (-1: a constant). */
static void io_macros(FILE *f, const char *up, const char *what, int i,
                      const mcn_tensor *t, const gen_ctx *g)
{
    const uint8_t *d = t->data;
    long off = d >= g->arena && d <= g->arena + g->arena_bytes
                   ? (long)(d - g->arena) : -1;
    fprintf(f, "#define %s_%s%d_BYTES %u\n", up, what, i, (unsigned)t->bytes);
    fprintf(f, "#define %s_%s%d_OFFSET %ld\n", up, what, i, off);
    fprintf(f, "#define %s_%s%d_SCALE %.9gf\n", up, what, i,
            (double)t->scale);
    fprintf(f, "#define %s_%s%d_ZERO_POINT %d\n", up, what, i,
            (int)t->zero_point);
}

static void print_header(FILE *f, const gen_ctx *g, const mcn_ctx *ctx)
{
    char up[MAX_NAME + 1];
    upper(g->name, up);
    fprintf(f, "/* %s.h: generated by mcn-gen; do not edit. */\n"
               "#ifndef %s_H\n#define %s_H\n\n#include <stdint.h>\n\n",
            g->name, up, up);
    fprintf(f, "#define %s_ARENA_BYTES %u\n#define %s_INPUTS %d\n"
               "#define %s_OUTPUTS %d\n", up, (unsigned)g->arena_bytes, up,
            mcn_num_inputs(ctx), up, mcn_num_outputs(ctx));
    for (int i = 0; i < mcn_num_inputs(ctx); i++) {
        mcn_tensor t;
        mcn_input(ctx, i, &t);
        io_macros(f, up, "INPUT", i, &t, g);
    }
    for (int i = 0; i < mcn_num_outputs(ctx); i++) {
        mcn_tensor t;
        mcn_output(ctx, i, &t);
        io_macros(f, up, "OUTPUT", i, &t, g);
    }
    fprintf(f, "\n/* The planned arena: every activation and scratch. */\n"
               "extern uint8_t %s_arena[];\n\n"
               "/* Run the model once: fill the inputs, call, read the "
               "outputs. */\nvoid %s_invoke(void);\n"
               "int8_t *%s_input(int i);\nint8_t *%s_output(int i);\n"
               "uint32_t %s_input_bytes(int i);\n"
               "uint32_t %s_output_bytes(int i);\n"
               "int %s_inputs(void);\nint %s_outputs(void);\n\n#endif\n",
            g->name, g->name, g->name, g->name, g->name, g->name, g->name,
            g->name);
}

/* net_input / net_output and their byte counts, from the macros. */
static void print_io(FILE *f, const gen_ctx *g, const mcn_ctx *ctx,
                     const char *what, const char *upwhat, int n)
{
    char up[MAX_NAME + 1];
    upper(g->name, up);
    fprintf(f, "int8_t *%s_%s(int i)\n{\n    switch (i) {\n", g->name, what);
    for (int i = 0; i < n; i++) {
        mcn_tensor t;
        if (upwhat[0] == 'I')
            mcn_input(ctx, i, &t);
        else
            mcn_output(ctx, i, &t);
        const uint8_t *d = t.data;
        if (d >= g->arena && d <= g->arena + g->arena_bytes)
            fprintf(f, "    case %d: return (int8_t *)(void *)(%s_arena + "
                       "%s_%s%d_OFFSET);\n", i, g->name, up, upwhat, i);
    }
    fprintf(f, "    default: return 0;\n    }\n}\n\n");
    fprintf(f, "uint32_t %s_%s_bytes(int i)\n{\n    switch (i) {\n", g->name,
            what);
    for (int i = 0; i < n; i++)
        fprintf(f, "    case %d: return %s_%s%d_BYTES;\n", i, up, upwhat, i);
    fprintf(f, "    default: return 0;\n    }\n}\n\n");
}

static int print_source(gen_ctx *g, const mcn_ctx *ctx, FILE *f, int *calls)
{
    char *body = NULL, *invoke = NULL;
    size_t body_len = 0, invoke_len = 0;
    FILE *fb = open_memstream(&body, &body_len);
    FILE *fi = open_memstream(&invoke, &invoke_len);
    if (!fb || !fi) {
        if (fb)
            fclose(fb);
        free(body);
        return mcn_fail(g->e, "out of memory");
    }
    g->f = fb;
    *calls = 0;
    for (uint32_t i = 0; i < ctx->n_operators; i++) {
        mcn_call c;
        memset(&c, 0, sizeof c);
        if (mcn_op_call(ctx, i, &c) == MCN_OK)
            gen_note_call(g, &c);
    }
    for (uint32_t i = 0; i < ctx->n_operators && !g->failed; i++) {
        mcn_call c;
        memset(&c, 0, sizeof c);
        if (mcn_op_call(ctx, i, &c) != MCN_OK) {
            mcn_fail(g->e, "operator %u: the engine gives no call", i);
            g->failed = 1;
            break;
        }
        if (c.kind == MCN_CALL_NONE ||
            (c.kind == MCN_CALL_RESHAPE &&
             c.p.reshape.input_data == c.p.reshape.output_data))
            continue;   /* nothing moves */
        const char *fn = gen_call(g, &c, i);
        if (!fn)
            break;
        fprintf(fi, "    MCN_GEN_OP_HOOK(%u, 0);\n    %s(&%s_op%u);\n"
                    "    MCN_GEN_OP_HOOK(%u, 1);\n", i, fn, g->name, i, i);
        (*calls)++;
    }
    fclose(fb);
    fclose(fi);
    if (!g->failed) {
        fprintf(f, "/* %s.c: generated by mcn-gen; do not edit. %d kernel "
                   "calls over a %u-byte arena. */\n"
                   "#include \"%s.h\"\n#include \"mcn_kernels.h\"\n\n"
                   "#ifndef MCN_GEN_OP_HOOK\n"
                   "#define MCN_GEN_OP_HOOK(op, done) ((void)0)\n#endif\n\n"
                   "uint8_t %s_arena[%u] __attribute__((aligned(16)));\n\n",
                g->name, *calls, (unsigned)g->arena_bytes, g->name, g->name,
                (unsigned)(g->arena_bytes ? g->arena_bytes : 16));
        for (int i = 0; i < g->n_regions; i++)
            if (g->regions[i].ctype)
                print_region(f, g, i);
        fputs(body, f);
        fprintf(f, "void %s_invoke(void)\n{\n%s}\n\n", g->name, invoke);
        print_io(f, g, ctx, "input", "INPUT", mcn_num_inputs(ctx));
        print_io(f, g, ctx, "output", "OUTPUT", mcn_num_outputs(ctx));
        char up[MAX_NAME + 1];
        upper(g->name, up);
        fprintf(f, "int %s_inputs(void)\n{\n    return %s_INPUTS;\n}\n\n"
                   "int %s_outputs(void)\n{\n    return %s_OUTPUTS;\n}\n",
                g->name, up, g->name, up);
    }
    free(body);
    free(invoke);
    return g->failed ? -1 : 0;
}

int gen_model(const uint8_t *model, size_t len, const char *name,
              gen_out *out, mcn_err *e)
{
    memset(out, 0, sizeof *out);
    if (!pack_c_identifier(name, GEN_NAME_MAX))
        return mcn_fail(e, "'%s' is not a C identifier of at most %d "
                        "characters", name ? name : "", MAX_NAME);
    gen_ctx g;
    memset(&g, 0, sizeof g);
    g.name = name;
    g.e = e;
    uint8_t *copy = aligned_alloc(16, (len + 15) / 16 * 16);
    uint32_t need = mcn_arena_bytes(model, len);
    uint8_t *arena = aligned_alloc(16, need ? (need + 15) / 16 * 16 : 16);
    int rc = -1;
    mcn_ctx ctx;
    if (!copy || !arena) {
        mcn_fail(e, "out of memory");
        goto done;
    }
    memcpy(copy, model, len);
    if (need == 0) {
        mcn_fail(e, "the model is not packed (run mcn-pack first)");
        goto done;
    }
    mcn_status s = mcn_init(&ctx, copy, len, arena, need);
    if (s != MCN_OK) {
        mcn_fail(e, "the engine refuses the model: %s", mcn_status_str(s));
        goto done;
    }
    g.model = copy;
    g.len = len;
    g.arena = arena;
    g.arena_bytes = need;
    if (find_regions(&g))
        goto done;
    size_t cl, hl;
    char *c = NULL, *h = NULL;
    FILE *fc = open_memstream(&c, &cl), *fh = open_memstream(&h, &hl);
    if (!fc || !fh) {
        if (fc)
            fclose(fc);
        mcn_fail(e, "out of memory");
        goto done;
    }
    int calls = 0;
    rc = print_source(&g, &ctx, fc, &calls);
    print_header(fh, &g, &ctx);
    fclose(fc);
    fclose(fh);
    out->c_src = c;
    out->h_src = h;
    out->arena_bytes = need;
    out->n_calls = calls;
    if (rc)
        gen_out_free(out);
done:
    free(g.regions);
    free(copy);
    free(arena);
    return rc;
}

void gen_out_free(gen_out *out)
{
    free(out->c_src);
    free(out->h_src);
    out->c_src = out->h_src = NULL;
}
