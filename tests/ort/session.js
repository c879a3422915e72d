// session.js: ONNX Runtime as the node scripts run it (tests/refs/ort_run.js,
// tests/ort/check_qdq.js): onnxruntime-node from NODE_PATH (tests/ort/
// ort_env.sh installs it and sets that), the CPU provider on one thread,
// so that a run repeats exactly.
'use strict';

function load() {
  try {
    return require('onnxruntime-node');
  } catch (err) {
    throw new Error('cannot load onnxruntime-node (' +
                    err.message.split('\n')[0] + '); tests/ort/ort_env.sh ' +
                    'installs it and puts it on NODE_PATH');
  }
}

// An InferenceSession for FILE with graph optimizations up to `level`
// ('basic' keeps close to the graph as written, 'all' fuses).
function session(file, level) {
  return load().InferenceSession.create(file, {
    executionProviders: ['cpu'],
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    graphOptimizationLevel: level,
  });
}

module.exports = { load, session };
