/*
** lut_s8.c: an int8 -> int8 function as a 256-entry table (TFLM's ELU,
** EvalUsingLookupTable; HARD_SIGMOID by the same rule). The packer fills
** the table on the host from float, TFLM's PopulateLookupTable
** (qmath_lut_s8); here each byte only indexes it, by its bits.
*/
#include "mcn_kernels.h"

void mcn_k_lut_s8(const mcn_k_lut_params *p)
{
    for (uint32_t i = 0; i < p->size; i++)
        p->output_data[i] = p->table[(uint8_t)p->input_data[i]];
}
