/*
** conv_s8_first_smlad.c: CONV_2D for a network's first layer (three input
** channels or fewer: an image, a spectrogram), where K and the count of
** output channels are small, so what surrounds the multiplies costs as
** much as they do. conv_s8_im2col_smlad's column, K order and channel
** loop (conv_smlad.h), with the weights widened at pack time as SXTB16
** makes them and kept in flash after the int8 rows (so its weight layout
** is larger than the filter: mcn_conv_kernel.weight_bytes, and it needs
** no scratch for them; the requantization table after them, as
** conv_s8_im2col_smlad's): the same words in the same order (the last
** quad's from the row's last four bytes), two per quad per channel. A
** step then reads them with one LDRD, 16 MACs in 11 instructions instead
** of 13, and the last quad needs no step back. Same bits as
** mcn_k_conv_s8 wherever it applies.
*/
#include "conv_smlad.h"

/* Widened weights are 8 bytes per quad per channel: what they may take
   (flash, now, but a first layer's stay small). */
#define MAX_WIDE_BYTES 8192
#define MAX_IN_C 3

int mcn_k_conv_s8_first_smlad_applies(const mcn_k_conv_params *p)
{
    if (p->input.c > MAX_IN_C || !mcn_smlad_applies(p))
        return 0;
    const mcn_smlad_geom g = mcn_smlad_geom_of(p);
    return (int64_t)p->output.c * g.quads * 8 <= MAX_WIDE_BYTES;
}

uint32_t mcn_k_conv_s8_first_smlad_scratch_bytes(const mcn_k_conv_params *p)
{
    return mcn_smlad_scratch_bytes(p);
}

/* Where the widened words start: after the int8 rows, 4-byte aligned
   (the weight buffer is: FlatBuffers vectors are); the rq table after
   them. */
static uint32_t wide_at(const mcn_k_conv_params *p, const mcn_smlad_geom *g)
{
    (void)g;
    return mcn_smlad_rows_bytes(p);
}

static uint32_t rq_at(const mcn_k_conv_params *p, const mcn_smlad_geom *g)
{
    return wide_at(p, g) + (uint32_t)p->output.c * (uint32_t)g->quads * 8u;
}

uint32_t mcn_k_conv_s8_first_smlad_weight_bytes(const mcn_k_conv_params *p)
{
    const mcn_smlad_geom g = mcn_smlad_geom_of(p);
    return rq_at(p, &g) + mcn_smlad_rq_bytes(p);
}

/* Quad q's weight word of a row in the column's K order (the last
   quad's from the row's last four bytes), split into even and odd
   halves. */
static void wide_quad(const mcn_smlad_geom *g, const int8_t *row, int32_t q,
                      uint32_t half[2])
{
    const int32_t straight = g->quads - (g->tail != 0);
    const uint32_t v = mcn_load_u32(row + (q < straight ? 4 * q : g->k - 4));
    half[0] = mcn_sxtb16(v);
    half[1] = mcn_sxtb16_ror8(v);
}

/* Each channel's widened words (from rows in the column's K order) in the
   order the column reads them. */
static void widen(const mcn_k_conv_params *p, const mcn_smlad_geom *g,
                  const int8_t *rows, uint8_t *wide)
{
    for (int32_t oc = 0; oc < p->output.c; oc++)
        for (int32_t q = 0; q < g->quads; q++, wide += 8) {
            uint32_t h[2];
            wide_quad(g, rows + (int64_t)oc * g->k, q, h);
            mcn_store_u32(wide, h[0]);
            mcn_store_u32(wide + 4, h[1]);
        }
}

/* 1 when wide holds what widen makes of rows. */
static int widened(const mcn_k_conv_params *p, const mcn_smlad_geom *g,
                   const int8_t *rows, const uint8_t *wide)
{
    for (int32_t oc = 0; oc < p->output.c; oc++)
        for (int32_t q = 0; q < g->quads; q++, wide += 8) {
            uint32_t h[2];
            wide_quad(g, rows + (int64_t)oc * g->k, q, h);
            if (mcn_load_u32(wide) != h[0] || mcn_load_u32(wide + 4) != h[1])
                return 0;
        }
    return 1;
}

/* The rq table (conv_smlad.h), and the widened words the kernel
   multiplies by, as the rows the weights hold give them. */
int mcn_k_conv_s8_first_smlad_verify(const mcn_k_conv_params *p)
{
    const mcn_smlad_geom g = mcn_smlad_geom_of(p);
    const uint8_t *w = (const uint8_t *)p->filter_data;
    return mcn_smlad_rq_matches(p, w + rq_at(p, &g)) &&
           widened(p, &g, p->filter_data, w + wide_at(p, &g));
}

/* The rows in the column's K order (as conv_s8_im2col_smlad's), then
   the widened words, then the rq table. */
void mcn_k_conv_s8_first_smlad_layout(const mcn_k_conv_params *p, int8_t *w,
                                      int32_t *bias)
{
    (void)bias;
    const mcn_smlad_geom g = mcn_smlad_geom_of(p);
    mcn_smlad_layout(p, w);
    widen(p, &g, w, (uint8_t *)w + wide_at(p, &g));
    mcn_smlad_layout_rq(p, (uint8_t *)w + rq_at(p, &g));
}

void mcn_k_conv_s8_first_smlad(const mcn_k_conv_params *p)
{
    const mcn_smlad_geom g = mcn_smlad_geom_of(p);
    const mcn_smlad_scratch s = mcn_smlad_scratch_of(
        p, &g, (const uint8_t *)p->filter_data + rq_at(p, &g));
    mcn_smlad_run(p, &g, &s, g.quads, 0,
                  (const uint8_t *)p->filter_data + wide_at(p, &g),
                  mcn_smlad_channels_wide);
}

/* The same through mcn_smlad_run_narrow (cin <= 3 here, so 4 never
   divides it): for generated code with no other column convolution,
   which then links only the narrow column code (mcn_kernels.h). */
void mcn_k_conv_s8_first_smlad_narrow(const mcn_k_conv_params *p)
{
    const mcn_smlad_geom g = mcn_smlad_geom_of(p);
    const mcn_smlad_scratch s = mcn_smlad_scratch_of(
        p, &g, (const uint8_t *)p->filter_data + rq_at(p, &g));
    mcn_smlad_run_narrow(p, &g, &s, g.quads, 0,
                         (const uint8_t *)p->filter_data + wide_at(p, &g),
                         mcn_smlad_channels_wide);
}
