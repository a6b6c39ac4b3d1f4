// Minimal reader/writer for numpy's .npy format: little-endian float32 in C order only, which
// is all the ONNX Runtime scripts exchange with the Python side.
import fs from 'node:fs';

// Returns { shape, data: Float32Array } or throws naming the file and what it holds instead.
export function readNpy(file) {
  const buf = fs.readFileSync(file);
  if (buf.toString('latin1', 0, 6) !== '\x93NUMPY') throw new Error(`${file}: not .npy`);
  const major = buf[6];
  const headerStart = major === 1 ? 10 : 12;
  const hlen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = headerStart + hlen;
  const header = buf.toString('latin1', headerStart, start);
  if (!/'descr':\s*'<f4'/.test(header) || /'fortran_order':\s*True/.test(header)) {
    throw new Error(`${file}: need little-endian float32 in C order, got ${header}`);
  }
  const shape = header.match(/'shape':\s*\(([^)]*)\)/)[1].split(',')
    .map((s) => s.trim()).filter(Boolean).map(Number);
  const bytes = buf.subarray(start);
  const data = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  const count = shape.reduce((a, b) => a * b, 1);
  if (data.length !== count) {
    throw new Error(`${file}: shape (${shape}) needs ${count} values, file has ${data.length}`);
  }
  return { shape, data };
}

// Writes a float32 array as .npy version 1.0 (header padded to a multiple of 64 bytes).
// The .npy type of a typed array (ONNX Runtime's outputs: float32, int32, int64, uint8, ...).
function npyDescr(data) {
  const names = {
    Float32Array: '<f4', Float64Array: '<f8', Int32Array: '<i4', Uint32Array: '<u4',
    BigInt64Array: '<i8', BigUint64Array: '<u8', Int8Array: '|i1', Uint8Array: '|u1',
    Int16Array: '<i2', Uint16Array: '<u2',
  };
  const descr = names[data.constructor.name];
  if (!descr) throw new Error(`writeNpy: no .npy type for ${data.constructor.name}`);
  return descr;
}

export function writeNpy(file, shape, data) {
  let header = `{'descr': '${npyDescr(data)}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  header += ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n';
  const pre = Buffer.alloc(10);
  pre.write('\x93NUMPY', 0, 'latin1');
  pre[6] = 1; pre[7] = 0;
  pre.writeUInt16LE(header.length, 8);
  fs.writeFileSync(file, Buffer.concat([pre, Buffer.from(header, 'latin1'),
    Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
}
