/*
** qdq_layers: the pieces `make check-ort` (tests/ort/check_ort.sh) needs
** to hold each op of an int8 model's QDQ export to the engine by itself:
** end to end, ONNX Runtime's correctly rounded kernels and TFLM's
** arithmetic (which the engine keeps bit for bit, and whose requantization
** rounds twice) part by one step now and then, and those steps grow layer
** after layer; fed the engine's own inputs, one op at a time, they must
** not.
**
**     qdq_layers MODEL.mcn DIR
**
** For each node K of MODEL (an int8 graph, not packed) it writes
** DIR/cut_K.mcn, the model up to node K's output (which mcn-run then runs
** on the model's input), and DIR/node_K.onnx, node K alone as mcn-export
** writes it, its activation inputs the model's inputs; and prints a line
** "K OP P0 P1 ..." a node, Pj the node whose output is the j-th input of
** node_K.onnx, -1 for the model's own input.
*/
#include <stdio.h>
#include <stdlib.h>

#include "fileio.h"
#include "graph_io.h"
#include "onnx_export.h"

static int fail(const char *what, const mcn_err *e)
{
    fprintf(stderr, "qdq_layers: %s: %s\n", what, e->msg);
    return 1;
}

/* The model's nodes up to k, its output node k's. */
static int cut(const graph *g, int k, graph *out, mcn_err *e)
{
    if (graph_clone(out, g, e))
        return -1;
    out->outputs[0] = g->nodes[k].out[0];
    out->n_outputs = 1;
    graph_prune(out);
    return 0;
}

/* Node k alone: each node that made one of its activation inputs writes
   a stray tensor instead, so pruning drops it. */
static int alone(const graph *g, int k, graph *out, int *producer,
                 mcn_err *e)
{
    const graph_node *n = &g->nodes[k];
    if (graph_clone(out, g, e))
        return -1;
    out->n_inputs = 0;
    for (int j = 0; j < n->n_in; j++) {
        int t = n->in[j];
        bool seen = false;
        for (int i = 0; i < out->n_inputs; i++)
            seen = seen || out->inputs[i] == t;
        if (t < 0 || g->tensors[t].data || seen)
            continue;
        int p = graph_producer(g, t);
        producer[out->n_inputs] = p;
        out->inputs[out->n_inputs++] = t;
        for (int o = 0; p >= 0 && o < out->nodes[p].n_out; o++)
            if (out->nodes[p].out[o] == t) {
                int32_t s[MCN_MAX_DIMS] = {0};
                int stray = graph_add_tensor(out, NULL, MCN_DT_FLOAT32, 1, s);
                if (stray < 0)
                    return mcn_fail(e, "out of memory");
                out->nodes[p].out[o] = stray;
            }
    }
    out->outputs[0] = n->out[0];
    out->n_outputs = 1;
    graph_prune(out);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: qdq_layers MODEL.mcn DIR\n");
        return 64;
    }
    graph g;
    mcn_err e;
    char path[4096];
    graph_init(&g);
    if (graph_load_file(&g, argv[1], &e))
        return fail(argv[1], &e);
    for (int k = 0; k < g.n_nodes; k++) {
        graph c, one;
        int producer[GRAPH_MAX_IO];
        uint8_t *buf = NULL;
        size_t len = 0;
        snprintf(path, sizeof path, "%s/cut_%d.mcn", argv[2], k);
        if (cut(&g, k, &c, &e) || graph_save_file(&c, path, &e))
            return fail(path, &e);
        graph_free(&c);
        snprintf(path, sizeof path, "%s/node_%d.onnx", argv[2], k);
        if (alone(&g, k, &one, producer, &e) ||
            onnx_export(&one, &buf, &len, &e) ||
            file_write_atomic(path, buf, len, &e))
            return fail(path, &e);
        printf("%d %s", k, graph_op_name(g.nodes[k].op));
        for (int i = 0; i < one.n_inputs; i++)
            printf(" %d", producer[i]);
        printf("\n");
        free(buf);
        graph_free(&one);
    }
    graph_free(&g);
    return 0;
}
