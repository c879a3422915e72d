/*
** nas_cli.h: what mcn-nas's subcommands share (tools/mcn-nas.c: the
** entry point and `apply`; nas_space_cmd.c: `space`): argument helpers,
** loading the trained network. Exit statuses are err.h's.
*/
#ifndef MCN_NAS_CLI_H
#define MCN_NAS_CLI_H

#include <stdint.h>

#include "candidate.h"
#include "graph.h"

/* "<stdin>" for "-" or NULL, else path. */
const char *nas_cli_shown(const char *path);
/* "mcn-nas: WHY (see mcn-nas CMD --help)" on stderr, CMD read from
   usage's first line; returns MCN_EX_USAGE. */
int nas_cli_usage(const char *why, const char *usage);
/* The same for an argument the command does not take. */
int nas_cli_unexpected(const char *arg, const char *usage);
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
