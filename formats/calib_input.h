/*
** calib_input.h: calibration data as users have it, for --calib PATH:
** a .npy, a .npz, an image (PNG, PGM, PPM), a raw file of a stated
** shape, or a directory of any of them (class folders included), turned
** into the samples of one graph input, in graph layout, as
** sample_inputs_from_npy gives them.
**
**   image   one sample: value = (raw * scale - mean[c]) / std[c] (raw
**           pixel values by default, so a PNG of a uint8 digit feeds what
**           the .npy of it does), gray repeated for a 3-channel input,
**           RGB swapped to BGR with bgr, then in the model's layout (NCHW
**           for an ONNX-born model) at its height and width, or resized
**   array   .npy, a .npz member, raw data: one sample or N stacked, as
**           sample_inputs_from_npy takes them, transposed first when
**           `layout` says it is not the model's, normalized as above
**           when scale, mean or std is given
**
** Every error is one line; one about a file starts with that file (PATH,
** or PATH/REL inside a directory), so a tool prints it as it is rather
** than after "PATH: " as it does for its other inputs.
*/
#ifndef MCN_CALIB_INPUT_H
#define MCN_CALIB_INPUT_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "graph.h"
#include "sample_io.h"

enum { CALIB_LAYOUT_MODEL = 0, CALIB_LAYOUT_NCHW = 1, CALIB_LAYOUT_NHWC = 2 };

#define CALIB_MAX_CHANNELS 4
#define CALIB_MAX_RAW_RANK 7   /* with N in front: npy.h's 8 dimensions */

typedef struct {
    float scale;            /* value = (raw * scale - mean[c]) / std[c] */
    int n_mean, n_std;      /* 0 (defaults 0 and 1), 1 (all channels) or C */
    float mean[CALIB_MAX_CHANNELS], std[CALIB_MAX_CHANNELS];
    bool bgr;               /* images: channel order of the model: BGR */
    bool resize;            /* images/arrays of another HxW: bilinear */
    int layout;             /* CALIB_LAYOUT_MODEL (default), _NCHW, _NHWC:
                               how .npy/.npz/raw arrays are laid out */
    int raw_rank;           /* --calib-shape for raw files (.raw, .bin) */
    int64_t raw_shape[8];
    mcn_dtype raw_dtype;    /* --calib-dtype, default uint8 */
    const char *npz_key;    /* --calib-key */
    long limit;             /* --calib-limit, 0 = all */
} calib_opts;

/* The defaults: scale 1, no mean or std, the model's layout, uint8 raw
   data, every sample. */
void calib_opts_init(calib_opts *o);

/* argv[*i] is one of the options above (--calib-shape 28,28,1 ...): parse
   it (consuming its value, advancing *i) and return 1; 0 if it is not one
   of them; -1 with e set on a bad value. For the tools' parsers. A value
   follows as the next argument or after '=' (--calib-limit=100); *i is
   left on the last argument used, for the caller's loop to step past. */
int calib_opts_take(int argc, char **argv, int *i, calib_opts *o,
                    mcn_err *e);

/* The calibration samples for graph input `input` from PATH (a file, "-"
   for stdin, or a directory), in graph layout, as sample_inputs_from_npy
   gives them: every file's samples in order, cut at o->limit (files past
   it are not read).
   A directory: its regular files, recursively (dir_list.h: dot-files
   skipped, strcmp order of their relative paths), each of a type its
   extension names, in any case: .npy .npz .png .pgm .ppm .pnm, and .raw
   .bin with --calib-shape; any other file is an error. PATH itself, when
   it is a file of none of these names (or stdin), is known by its first
   bytes instead, so `--calib x.dat` of a .npy works as it always has. */
int calib_load(const graph *g, int input, const char *path,
               const calib_opts *o, sample_batch *b, mcn_err *e);

/* The help lines the tools print for these options. */
extern const char calib_opts_help[];

#endif
