/*
** nas_cli.h: what mcn-nas's subcommands share (tools/mcn-nas.c: the
** entry point and `apply`; nas_space_cmd.c: `space`): argument helpers,
** loading the trained network, and exit statuses (sysexits: 64 usage,
** 65 bad input data, 73 output not written).
*/
#ifndef MCN_NAS_CLI_H
#define MCN_NAS_CLI_H

#include <stdint.h>

#include "candidate.h"
#include "graph.h"

enum { NAS_EX_USAGE = 64, NAS_EX_DATA = 65, NAS_EX_CANTCREAT = 73 };

/* "<stdin>" for "-" or NULL, else path. */
const char *nas_cli_shown(const char *path);
/* Prints why (if any) and usage on stderr; returns NAS_EX_USAGE. */
int nas_cli_usage(const char *why, const char *usage);
/* -1 with why when g is not a float model (quantized already). */
int nas_cli_float_model(const graph *g, mcn_err *e);
/* The float model at path ("-": stdin) as a nas_net; -1 with why. */
int nas_cli_load_net(const char *path, nas_net *n, mcn_err *e);

/* "N" or "HxW", each in 1..65535. */
int nas_cli_resolution(const char *s, int *h, int *w);
/* A list of numbers: "a,b,c" or "first:last:step" (last included when
   the steps land on it within a part in a million). Each in [lo, hi];
   at most cap; the count, or -1. */
int nas_cli_doubles(const char *s, double lo, double hi, double *out,
                    int cap);
int nas_cli_ints(const char *s, int lo, int hi, int *out, int cap);

#endif
