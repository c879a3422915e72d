/*
** realign.h: statistics re-alignment after pruning (BatchNorm
** recalibration in its folded form). A pruned network's layers see inputs
** the trained one never produced; for every CONV_2D, DEPTHWISE_CONV_2D and
** FULLY_CONNECTED, each kept channel's mean and standard deviation before
** the activation, over the calibration samples, are matched to the same
** channel's in the trained network by scaling that channel's filter and
** bias by a = sd / sd' and adding mean - a * mean' to the bias. A layer's
** correction changes what the next ones see, so the matching is repeated
** (`passes` times; the first layer matches after one).
*/
#ifndef MCN_NAS_REALIGN_H
#define MCN_NAS_REALIGN_H

#include "channels.h"
#include "graph.h"

/* cut: graph_slice_channels(orig, ch, keep) (the same nodes, in the same
   order), changed in place. orig_in / cut_in: n samples for graph input 0
   of each, in graph layout (the same images at each one's resolution). */
int nas_realign(graph *cut, const graph *orig, const nas_channels *ch,
                const int *keep, const float *orig_in, const float *cut_in,
                int n, int passes, mcn_err *e);

#endif
