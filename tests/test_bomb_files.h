/*
** test_bomb_files.h: the bad files of test_resource_bombs.c, written into
** a directory: ONNX and TFLite models, .mcn graphs and .npy arrays, each
** a few bytes (at most 32 MB) declaring gigabytes, size_t overflows,
** millions of nodes, cycles or nesting a hundred deep.
*/
#ifndef MCN_TEST_BOMB_FILES_H
#define MCN_TEST_BOMB_FILES_H

void bomb_files(const char *dir);
/* n Tanh nodes in a chain, x [1,4] float to y: an ONNX file `name` in
   the directory bomb_files was last given. */
void bomb_onnx_chain(const char *name, long n);

#endif
