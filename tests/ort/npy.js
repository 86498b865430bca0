'use strict';
// Minimal NumPy .npy (format 1.0/2.0/3.0) reader and writer: little-endian
// numeric dtypes, C order only. Enough to feed onnxruntime-node and to write
// its outputs back for comparison.
const fs = require('fs');

const DTYPES = {
  '<f4': { ort: 'float32', array: Float32Array },
  '<f8': { ort: 'float64', array: Float64Array },
  '<i8': { ort: 'int64', array: BigInt64Array },
  '<i4': { ort: 'int32', array: Int32Array },
  '<i2': { ort: 'int16', array: Int16Array },
  '|i1': { ort: 'int8', array: Int8Array },
  '|u1': { ort: 'uint8', array: Uint8Array },
  '|b1': { ort: 'bool', array: Uint8Array },
};
const ORT_TO_DESCR = Object.fromEntries(Object.entries(DTYPES).map(([d, v]) => [v.ort, d]));

function fail(file, what) {
  throw new Error(`${file}: ${what}`);
}

function readNpy(file) {
  const buf = fs.readFileSync(file);
  if (buf.length < 10 || buf.toString('latin1', 0, 6) !== '\x93NUMPY') fail(file, 'not a .npy file (bad magic)');
  const major = buf[6];
  let headerLen, offset;
  if (major === 1) { headerLen = buf.readUInt16LE(8); offset = 10; }
  else if (major === 2 || major === 3) { headerLen = buf.readUInt32LE(8); offset = 12; }
  else fail(file, `unsupported .npy version ${major}`);
  if (offset + headerLen > buf.length) fail(file, 'truncated header');
  const header = buf.toString('latin1', offset, offset + headerLen);
  const descr = /'descr':\s*'([^']+)'/.exec(header);
  const order = /'fortran_order':\s*(True|False)/.exec(header);
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header);
  if (!descr || !order || !shape) fail(file, `cannot parse header ${header.trim()}`);
  if (order[1] === 'True') fail(file, 'fortran_order arrays are not supported');
  const dt = DTYPES[descr[1]];
  if (!dt) fail(file, `unsupported dtype ${descr[1]}`);
  const dims = shape[1].split(',').map((s) => s.trim()).filter((s) => s.length).map(Number);
  const count = dims.reduce((a, b) => a * b, 1);
  const dataOffset = offset + headerLen;
  const bytes = count * dt.array.BYTES_PER_ELEMENT;
  if (dataOffset + bytes > buf.length) fail(file, `truncated data: need ${bytes} bytes`);
  const copy = new Uint8Array(bytes);
  buf.copy(copy, 0, dataOffset, dataOffset + bytes);  // aligned copy
  const data = new dt.array(copy.buffer);
  return { type: dt.ort, dims, data: dt.ort === 'bool' ? Uint8Array.from(data, (v) => (v ? 1 : 0)) : data };
}

function writeNpy(file, type, dims, data) {
  const descr = ORT_TO_DESCR[type];
  if (!descr) fail(file, `cannot write dtype ${type}`);
  const shape = dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1; head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  const raw = type === 'bool' ? Uint8Array.from(data, (v) => (v ? 1 : 0)) : data;
  const body = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  fs.writeFileSync(file, Buffer.concat([head, Buffer.from(header, 'latin1'), body]));
}

module.exports = { readNpy, writeNpy };
