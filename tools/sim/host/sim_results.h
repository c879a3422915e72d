/*
** sim_results.h: the results file mcn-sim's firmware writes back over
** semihosting (layout in sim_proto.h), read and checked on the host.
*/
#ifndef MCN_SIM_RESULTS_H
#define MCN_SIM_RESULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define SIM_MAX_OUTPUTS 4

typedef struct {
    bool have_header;
    uint32_t calib_ticks;
    bool init_ok;         /* mcn_init and the input/output checks passed */
    int32_t status;       /* 0, or the status that stopped the firmware */
    int32_t failed_op;    /* operator index with it, or -1 */
    int done;             /* samples complete: ticks and outputs */
    uint64_t *ticks;      /* [n_samples] */
    uint8_t *out[SIM_MAX_OUTPUTS];  /* [n_samples * out_bytes[i]] */
    /* The trailer, once every sample ran. */
    bool profiled;        /* it was read; status != 0: the hooked run failed */
    uint32_t stack_bytes; /* or SIM_STACK_OVERFLOW */
    int n_ops;            /* entries of op_ticks */
    uint32_t *op_ticks;   /* [n_ops]: each operator's ticks in sample 0 */
} sim_results;

/* Parse into r (free with sim_results_free even on failure). Returns 0 for
   a complete file: every sample and the trailer with n_ops operators, or
   records ending in a failure status. -1 for anything else, with r
   holding what could be read (r->done). */
int sim_results_parse(const uint8_t *buf, size_t len, int n_samples,
                      int n_outputs, const size_t *out_bytes, int n_ops,
                      sim_results *r, mcn_err *e);
int sim_results_read(const char *path, int n_samples, int n_outputs,
                     const size_t *out_bytes, int n_ops, sim_results *r,
                     mcn_err *e);
void sim_results_free(sim_results *r);

#endif
