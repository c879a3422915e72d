#!/usr/bin/env node
// Run an ONNX model under ONNX Runtime's CPU provider and save its first
// output: the float reference the importer and float executor are
// checked against.
//
// usage: node ort_run.js MODEL.onnx INPUT.npy OUTPUT.npy
//
// INPUT is C-order .npy of uint8, int8, float32 or float64; it is fed as
// float32 with its own shape to the model's first input. OUTPUT is
// float32 .npy. Needs the npm package onnxruntime-node on NODE_PATH
// (make_refs.sh sets that up); it is only used to make committed data,
// never at test time.
'use strict';

function die(msg) {
  process.stderr.write('ort_run.js: ' + msg + '\n');
  process.exit(1);
}

// The .npy reader and writer, and the session, tests/ort/check_qdq.js
// uses too.
const { readNpy, writeNpyF32 } = require('../ort/npy.js');
const { load, session: openSession } = require('../ort/session.js');

async function main() {
  const args = process.argv.slice(2);
  if (args.length !== 3)
    die('usage: node ort_run.js MODEL.onnx INPUT.npy OUTPUT.npy');
  const [modelPath, inPath, outPath] = args;

  const ort = load();
  const input = readNpy(inPath);
  // No graph rewrites beyond the basic ones keep the reference close to
  // the graph as written.
  const session = await openSession(modelPath, 'basic');
  const feeds = {};
  feeds[session.inputNames[0]] =
      new ort.Tensor('float32', input.data, input.dims);
  const results = await session.run(feeds);
  const out = results[session.outputNames[0]];
  if (out.type !== 'float32')
    die(modelPath + ': first output is ' + out.type + ', not float32');
  writeNpyF32(outPath, out.dims.map(Number), out.data);
  process.stderr.write(outPath + ': ' + session.outputNames[0] + ' [' +
                       out.dims.join(',') + '] from onnxruntime-node ' +
                       (ort.env.versions.node || '?') + '\n');
}

main().catch((err) => die(err.message || String(err)));
