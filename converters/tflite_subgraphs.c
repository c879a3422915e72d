/*
** tflite_subgraphs.c: operators that run another subgraph. TFLite Micro
** invokes subgraph 0 (MicroInterpreter::Invoke) and runs the others only
** when an operator calls them: CALL_ONCE, IF, WHILE, and the older CALL
** (micro_interpreter_graph.cc, InvokeSubgraph). The importer takes
** subgraph 0 alone, so extra subgraphs nothing calls are not read, and an
** operator that calls one is refused naming what it runs:
**   "operator 0 (CALL_ONCE): runs subgraph 1 'init'; only subgraph 0 is
**    imported"
** The subgraph indices are the options' fields (schemas/tflite.fbs:
** CallOptions, IfOptions, WhileOptions, CallOnceOptions).
*/
#include <stdio.h>

#include "tflite_internal.h"

static const struct {
    int32_t code;
    uint8_t options;     /* BuiltinOptions member */
    int n_subgraphs;     /* index fields, the first n of the table */
} callers[] = {
    {TFL_OP_CALL, TFL_OPT_CALL, 1},
    {TFL_OP_IF, TFL_OPT_IF, 2},
    {TFL_OP_WHILE, TFL_OPT_WHILE, 2},
    {TFL_OP_CALL_ONCE, TFL_OPT_CALL_ONCE, 1},
};

int tfl_check_subgraph_call(tfl_ctx *c)
{
    int32_t code = c->m->codes[c->o->opcode].code;
    size_t k = 0;
    while (k < sizeof callers / sizeof callers[0] && callers[k].code != code)
        k++;
    if (k == sizeof callers / sizeof callers[0])
        return 0;
    bool have;
    if (tfl_options(c, callers[k].options, false, &have))
        return -1;
    char list[300];
    size_t len = 0;
    for (int f = 0; f < callers[k].n_subgraphs; f++) {
        int32_t field;
        if (tfl_opt_i32(c, f, 0, &field))
            return -1;
        /* CallOptions.subgraph is a uint, the others ints: as unsigned,
           a negative index is out of range too. */
        uint32_t idx = (uint32_t)field;
        if (idx >= c->m->n_subgraphs)
            return tfl_fail(c, "runs subgraph %u, but the model has %u", idx,
                            c->m->n_subgraphs);
        int w = snprintf(list + len, sizeof list - len, "%s%u '%.80s'",
                         f ? " and " : "", idx, c->m->subgraph_names[idx]);
        if (w > 0 && (size_t)w < sizeof list - len)
            len += (size_t)w;
    }
    return tfl_fail(c, "runs subgraph%s %s; only subgraph 0 is imported",
                    callers[k].n_subgraphs > 1 ? "s" : "", list);
}
