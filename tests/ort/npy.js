// npy.js: the .npy reading and writing the node scripts share
// (tests/refs/ort_run.js, tests/ort/check_qdq.js,
// examples/mnist/fetch_mnist.js). Versions 1-3, C order; uint8, int8,
// float32 and float64 read (as float32 values); any typed array written.
'use strict';

const fs = require('fs');

const TYPES = {
  '|u1': [1, (b, i) => b.readUInt8(i)],
  '|i1': [1, (b, i) => b.readInt8(i)],
  '<f4': [4, (b, i) => b.readFloatLE(i)],
  '<f8': [8, (b, i) => b.readDoubleLE(i)],
};

// { dims, descr, data: Float32Array }; throws an Error naming the file.
function readNpy(file) {
  const buf = fs.readFileSync(file);
  const fail = (msg) => { throw new Error(file + ': ' + msg); };
  if (buf.length < 10 || buf.toString('latin1', 0, 6) !== '\x93NUMPY')
    fail('not a .npy file');
  const major = buf[6];
  let hlen, off;
  if (major === 1) {
    hlen = buf.readUInt16LE(8);
    off = 10;
  } else if (major === 2 || major === 3) {
    hlen = buf.readUInt32LE(8);
    off = 12;
  } else {
    fail('unsupported .npy version ' + major);
  }
  const header = buf.toString('latin1', off, off + hlen);
  const descr = /'descr':\s*'([^']*)'/.exec(header);
  const fortran = /'fortran_order':\s*(True|False)/.exec(header);
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header);
  if (!descr || !fortran || !shape) fail('bad header: ' + header);
  if (fortran[1] === 'True') fail('Fortran order is not supported');
  const dims = shape[1].split(',').map((s) => s.trim()).filter((s) => s)
                       .map(Number);
  const count = dims.reduce((a, b) => a * b, 1);
  const start = off + hlen;
  const t = TYPES[descr[1]];
  if (!t) fail('dtype ' + descr[1] + ' is not supported');
  if (buf.length - start < count * t[0])
    fail('truncated: ' + count + ' elements of ' + descr[1] + ' need ' +
         count * t[0] + ' bytes, have ' + (buf.length - start));
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++) data[i] = t[1](buf, start + i * t[0]);
  return { dims, descr: descr[1], data };
}

// The .npy v1.0 header: magic, version, little-endian u16 length, then a
// Python dict literal padded with spaces so that the data starts on a
// 64-byte boundary, ending in '\n'.
function npyHeader(descr, shape) {
  const dims = shape.length === 1 ? shape[0] + ',' : shape.join(', ');
  let dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" +
             dims + '), }';
  const fixed = 10;
  const total = Math.ceil((fixed + dict.length + 1) / 64) * 64;
  dict = dict + ' '.repeat(total - fixed - dict.length - 1) + '\n';
  const head = Buffer.alloc(fixed);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(dict.length, 8);
  return Buffer.concat([head, Buffer.from(dict, 'latin1')]);
}

// A typed array's bytes as they are (the host is little-endian, as descr
// says), written to FILE.tmp and renamed, so a failed run leaves no file.
function writeNpy(file, descr, shape, data) {
  const tmp = file + '.tmp';
  fs.writeFileSync(tmp, Buffer.concat([
    npyHeader(descr, shape),
    Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
  fs.renameSync(tmp, file);
}

function writeNpyF32(file, shape, data) {
  writeNpy(file, '<f4', shape, Float32Array.from(data));
}

module.exports = { readNpy, writeNpy, writeNpyF32 };
