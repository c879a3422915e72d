/* test_nas_util.h: what the nas suites share: running a tool, the MNIST
   example imported into the scratch directory, a network as mcn-nas
   holds it. */
#ifndef MCN_TEST_NAS_UTIL_H
#define MCN_TEST_NAS_UTIL_H

#include "candidate.h"

/* tu_run, failing the test when the command could not be run at all. */
int nas_tu_run(const char *cmd, char **out, char **err);
/* examples/mnist/mnist_cnn.onnx imported to tu_scratch/f.mcn. */
void nas_tu_mnist_float(void);
/* The ONNX model at path imported and taken apart (nas_net_init). */
void nas_tu_load_net(const char *path, nas_net *n);

#endif
