#!/usr/bin/env node
// check_qdq.js: a QDQ model mcn-export wrote, run in ONNX Runtime, against
// mcn-run's outputs for the same inputs (tests/ort/check_ort.sh runs it
// for each model: `make check-ort`).
//
// usage: node check_qdq.js NAME MODEL.onnx INPUT.npy MCN.npy
//                          [--limit N] [--classifier] [--layers DIR]
//
// INPUT holds samples of the model's input in its source layout, float or
// int8 (quantized already, as TFLM's reference inputs are: dequantized at
// the input's scale and zero point first, which its QuantizeLinear turns
// back into the same bytes). MCN is mcn-run's float output for them (the
// packed model's int8 output, dequantized). Each sample runs by itself
// (the models' batch is 1) under ORT's CPU provider with every graph
// optimization on, so ORT fuses the Q/DQ pairs into its integer kernels
// where it can. Scales come from the model: the QuantizeLinear after each
// input, the DequantizeLinear before the output.
//
// --layers DIR: also each op by itself, as tests/qdq_layers wrote it
// (DIR/layers.txt: "K OP P0 P1 ..."; DIR/node_K.onnx, fed DIR/cut_P.npy,
// mcn-run's output of node P, or INPUT for P = -1, against DIR/cut_K.npy).
//
// One line: the largest |ort - mcn| on any element, in steps of the
// output's scale (LSB), end to end and (--layers) over the ops alone,
// with how many ops agree exactly; with --classifier how many samples
// have the same top-1. Exit 1 unless
// every op alone is within 1.001 LSB and (--classifier) every top-1
// agrees; end to end the two arithmetics drift apart by design (TFLM's
// requantization rounds twice, ORT's once, and a step's difference in
// one layer moves the next), so that figure is printed, not held to 1.
'use strict';

const fs = require('fs');
const path = require('path');
const { readNpy } = require('./npy.js');
const { load, session: openSession } = require('./session.js');

function die(msg) {
  process.stderr.write('check_qdq.js: ' + msg + '\n');
  process.exit(2);
}

// ---- just enough protobuf for ONNX's graph, nodes and initializers ----

function varint(b, p) {
  let v = 0, mul = 1;
  for (;;) {
    const x = b[p.i++];
    v += (x & 0x7f) * mul;
    if (x < 0x80) return v;
    mul *= 128;
  }
}

// The fields of one message, { number: [values] }: a Buffer for a
// length-delimited field or a fixed32/64 one, a number for a varint.
function fields(b) {
  const out = {};
  const p = { i: 0 };
  while (p.i < b.length) {
    const key = varint(b, p), wt = key & 7;
    const size = wt === 5 ? 4 : wt === 1 ? 8 : wt === 2 ? varint(b, p) : -1;
    let v;
    if (wt === 0) {
      v = varint(b, p);
    } else if (size >= 0) {
      v = b.subarray(p.i, p.i + size);
      p.i += size;
    } else {
      throw new Error('protobuf wire type ' + wt);
    }
    (out[Math.floor(key / 8)] = out[Math.floor(key / 8)] || []).push(v);
  }
  return out;
}

const str = (v) => (v ? v.toString('utf8') : '');

// ModelProto.graph 7; GraphProto node 1, initializer 5, input 11,
// output 12; NodeProto input 1, output 2, op_type 4; ValueInfoProto and
// TensorProto name 1 and 8; TensorProto data_type 2, raw_data 9.
function readModel(file) {
  const g = fields(fields(fs.readFileSync(file))[7][0]);
  const nodes = (g[1] || []).map((b) => {
    const f = fields(b);
    return { inputs: (f[1] || []).map(str), outputs: (f[2] || []).map(str),
             op: str((f[4] || [])[0]) };
  });
  const inits = {};
  for (const b of g[5] || []) {
    const f = fields(b);
    inits[str(f[8][0])] = f;
  }
  const name = (b) => str(fields(b)[1][0]);
  return { nodes, inits, inputs: (g[11] || []).map(name),
           output: name(g[12][0]) };
}

// The first element of a scalar initializer (float, int8 or int32) in
// raw_data, as mcn-export writes them.
function scalar(model, name) {
  const f = model.inits[name];
  const raw = f && f[9] ? f[9][0] : null;
  if (!raw) die('initializer ' + name + ' is missing or has no raw_data');
  switch (f[2][0]) {
  case 1: return raw.readFloatLE(0);
  case 3: return raw.readInt8(0);
  case 6: return raw.readInt32LE(0);
  default: die('initializer ' + name + ' has data type ' + f[2][0]);
  }
}

// Layout nodes the exporter puts between an edge and its Q or DQ.
const MOVES = ['Transpose', 'Reshape', 'Identity'];

// The QuantizeLinear after input v (forward) or the DequantizeLinear
// before output v: { scale, zp }.
function edgeQuant(model, v, forward) {
  const want = forward ? 'QuantizeLinear' : 'DequantizeLinear';
  for (;;) {
    const n = model.nodes.find((x) => (forward ? x.inputs[0]
                                               : x.outputs[0]) === v);
    if (!n || !(n.op === want || MOVES.includes(n.op)))
      die('no ' + want + ' at ' + v + (n ? ' (' + n.op + ')' : ''));
    if (n.op === want)
      return { scale: scalar(model, n.inputs[1]),
               zp: scalar(model, n.inputs[2]) };
    v = forward ? n.outputs[0] : n.inputs[0];
  }
}

function argmax(a, from, n) {
  let best = 0;
  for (let i = 1; i < n; i++)
    if (a[from + i] > a[from + best]) best = i;
  return best;
}

// MODEL on the first n of the N samples each array in xs holds (one a
// model input, in order); calls each(sample, output) with ORT's float
// output of the sample. Returns the output's scale.
async function runOrt(ort, modelPath, xs, N, n, each) {
  const model = readModel(modelPath);
  const session = await openSession(modelPath, 'all');
  if (session.inputNames.length !== xs.length)
    die(modelPath + ' has ' + session.inputNames.length + ' inputs, ' +
        xs.length + ' arrays were given');
  const quant = session.inputNames.map((v) => edgeQuant(model, v, true));
  for (let s = 0; s < n; s++) {
    const feeds = {};
    session.inputNames.forEach((v, j) => {
      const x = xs[j], per = x.data.length / N;
      const d = x.data.slice(s * per, (s + 1) * per);
      if (x.descr === '|i1')
        for (let i = 0; i < d.length; i++)
          d[i] = quant[j].scale * (d[i] - quant[j].zp);
      feeds[v] = new ort.Tensor('float32', d,
                                session.inputMetadata[j].shape.map(Number));
    });
    const y = (await session.run(feeds))[session.outputNames[0]].data;
    each(s, y);
  }
  return edgeQuant(model, model.output, false).scale;
}

// The largest |ort - mcn| in LSB over n samples, and the top-1 agreement.
async function compare(ort, modelPath, xs, want, N, n) {
  const per = want.data.length / N;
  let diff = 0, agree = 0, bad = null;
  const scale = await runOrt(ort, modelPath, xs, N, n, (s, y) => {
    if (y.length !== per)
      bad = 'ORT gives ' + y.length + ' values a sample, mcn-run ' + per;
    for (let i = 0; i < per; i++)
      diff = Math.max(diff, Math.abs(y[i] - want.data[s * per + i]));
    agree += argmax(y, 0, per) === argmax(want.data, s * per, per);
  });
  if (bad) die(modelPath + ': ' + bad);
  return { lsb: diff / scale, agree };
}

// Each op alone: the largest difference, and how many ops have none.
async function layers(ort, dir, x, N, n) {
  const list = fs.readFileSync(path.join(dir, 'layers.txt'), 'utf8')
                   .split('\n').filter((l) => l);
  let lsb = 0, exact = 0;
  for (const line of list) {
    const [k, , ...from] = line.split(' ');
    const xs = from.map((p) => (p === '-1' ? x : readNpy(
        path.join(dir, 'cut_' + p + '.npy'))));
    const r = await compare(ort, path.join(dir, 'node_' + k + '.onnx'), xs,
                            readNpy(path.join(dir, 'cut_' + k + '.npy')), N,
                            n);
    lsb = Math.max(lsb, r.lsb);
    exact += r.lsb < 0.5;
  }
  return { lsb, exact, ops: list.length };
}

async function main() {
  const args = process.argv.slice(2);
  const flag = (f, valued) => {
    const i = args.indexOf(f);
    return i < 0 ? null : args.splice(i, valued ? 2 : 1).pop();
  };
  const limit = Number(flag('--limit', true) || Infinity);
  const dir = flag('--layers', true);
  const classifier = flag('--classifier', false) !== null;
  if (args.length !== 4)
    die('usage: node check_qdq.js NAME MODEL.onnx INPUT.npy MCN.npy ' +
        '[--limit N] [--classifier] [--layers DIR]');
  const [label, modelPath, inPath, mcnPath] = args;
  const ort = load();
  const x = readNpy(inPath), want = readNpy(mcnPath);
  // Samples: the input's elements over the model input's (the array may
  // or may not have a leading axis of samples).
  const shape = (await openSession(modelPath, 'basic'))
                    .inputMetadata[0].shape.map(Number);
  const N = x.data.length / shape.reduce((a, b) => a * b, 1);
  if (!Number.isInteger(N) || N < 1)
    die(inPath + ' does not hold samples of shape [' + shape + ']');
  const n = Math.min(N, limit);
  const all = await compare(ort, modelPath, [x], want, N, n);
  const one = dir ? await layers(ort, dir, x, N, n) : null;
  const ok = (!one || one.lsb <= 1.001) && (!classifier || all.agree === n);
  process.stdout.write(
      label.padEnd(24) + n + ' samples: end to end max ' +
      all.lsb.toFixed(3) + ' LSB' +
      (classifier ? ', top-1 agrees on ' + all.agree + '/' + n : '') +
      (one ? '; op by op max ' + one.lsb.toFixed(3) + ' LSB (' + one.exact +
             '/' + one.ops + ' ops exact)' : '') +
      (ok ? '' : '  FAILED') + '\n');
  process.exit(ok ? 0 : 1);
}

main().catch((err) => die(err.message || String(err)));
