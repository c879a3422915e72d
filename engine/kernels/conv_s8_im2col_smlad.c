/*
** conv_s8_im2col_smlad.c: CONV_2D with one group and any filter, stride,
** dilation and padding, on the DSP extension: four output pixels at a time
** im2col'd into an int16 column, then each output channel's int8 weights
** against it, four K-elements per step (the weight word split by SXTB16,
** two LDMs of the four pixels' column words, eight SMLADs: 16 MACs in 13
** instructions). The column, the K order the weights are permuted to and
** the requantization are conv_smlad.h's; the requantization table is
** made at pack time and kept in flash after the weights (its weight
** layout is larger than the filter: mcn_conv_kernel.weight_bytes). Same
** bits as mcn_k_conv_s8 wherever it applies.
*/
#include "conv_smlad.h"

int mcn_k_conv_s8_im2col_smlad_applies(const mcn_k_conv_params *p)
{
    return mcn_smlad_applies(p);
}

uint32_t mcn_k_conv_s8_im2col_smlad_scratch_bytes(const mcn_k_conv_params *p)
{
    return mcn_smlad_scratch_bytes(p);
}

int mcn_k_conv_s8_im2col_smlad_verify(const mcn_k_conv_params *p)
{
    return mcn_smlad_rq_matches(p, (const uint8_t *)p->filter_data +
                                       mcn_smlad_rows_bytes(p));
}

uint32_t mcn_k_conv_s8_im2col_smlad_weight_bytes(const mcn_k_conv_params *p)
{
    return mcn_smlad_rows_bytes(p) + mcn_smlad_rq_bytes(p);
}

/* The weights in the column's K order, then the rq table (conv_smlad.h);
   the bias stays the graph's (the input offset is added to the column,
   not folded). */
void mcn_k_conv_s8_im2col_smlad_layout(const mcn_k_conv_params *p, int8_t *w,
                                       int32_t *bias)
{
    (void)bias;
    mcn_smlad_layout(p, w);
    mcn_smlad_layout_rq(p, (uint8_t *)w + mcn_smlad_rows_bytes(p));
}

void mcn_k_conv_s8_im2col_smlad(const mcn_k_conv_params *p)
{
    const mcn_smlad_geom g = mcn_smlad_geom_of(p);
    const mcn_smlad_scratch s = mcn_smlad_scratch_of(
        p, &g, (const uint8_t *)p->filter_data + mcn_smlad_rows_bytes(p));
    /* With t = K % 4 != 0 the last quad's word is the row's last four
       bytes, 4 - t back from where the others leave off. */
    mcn_smlad_run(p, &g, &s, g.quads - (g.tail != 0), g.tail ? 4 - g.tail : 0,
                  p->filter_data, mcn_smlad_channels_byte);
}
