/*
** conv_s8_first_smlad.c: CONV_2D for a network's first layer (three input
** channels or fewer: an image, a spectrogram), where K and the count of
** output channels are small, so what surrounds the multiplies costs as
** much as they do. conv_s8_im2col_smlad's column, K order and channel
** loop (conv_smlad.h), with the weights widened once per run into scratch
** as SXTB16 makes them: the same words in the same order (the last
** quad's from the row's last four bytes), two per quad per channel. A
** step then reads them with one LDRD, 16 MACs in 11 instructions instead
** of 13, and the last quad needs no step back. Same bits as
** mcn_k_conv_s8 wherever it applies.
*/
#include "conv_smlad.h"

/* Widened weights are 8 bytes per quad per channel: what they may take. */
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
    return mcn_smlad_scratch_bytes(p, 1);
}

void mcn_k_conv_s8_first_smlad_layout(const mcn_k_conv_params *p, int8_t *w,
                                      int32_t *bias)
{
    (void)bias;
    mcn_smlad_layout(p, w);
}

/* Each channel's weight words in the order the column reads them, split
   into even and odd halves. */
static void widen(const mcn_k_conv_params *p, const mcn_smlad_geom *g,
                  uint32_t *wide)
{
    const int32_t straight = g->quads - (g->tail != 0);
    for (int32_t oc = 0; oc < p->output.c; oc++) {
        const int8_t *row = p->filter_data + (int64_t)oc * g->k;
        for (int32_t q = 0; q < g->quads; q++, wide += 2) {
            const uint32_t v =
                mcn_load_u32(row + (q < straight ? 4 * q : g->k - 4));
            wide[0] = mcn_sxtb16(v);
            wide[1] = mcn_sxtb16_ror8(v);
        }
    }
}

void mcn_k_conv_s8_first_smlad(const mcn_k_conv_params *p)
{
    const mcn_smlad_geom g = mcn_smlad_geom_of(p);
    const mcn_smlad_scratch s = mcn_smlad_scratch_of(p, &g, 1);
    widen(p, &g, s.wide);
    mcn_smlad_run(p, &g, &s, g.quads, 0, s.wide, mcn_smlad_channels_wide);
}

/* The same through mcn_smlad_run_narrow (cin <= 3 here, so 4 never
   divides it): for generated code with no other column convolution,
   which then links only the narrow column code (mcn_kernels.h). */
void mcn_k_conv_s8_first_smlad_narrow(const mcn_k_conv_params *p)
{
    const mcn_smlad_geom g = mcn_smlad_geom_of(p);
    const mcn_smlad_scratch s = mcn_smlad_scratch_of(p, &g, 1);
    widen(p, &g, s.wide);
    mcn_smlad_run_narrow(p, &g, &s, g.quads, 0, s.wide,
                         mcn_smlad_channels_wide);
}
