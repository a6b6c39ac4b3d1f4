// Run mobilenetv2.onnx with ONNX Runtime (onnxruntime-node, CPU) on input.npy and write
// reference_features.npy (float32 [1,1280]).
//
// Usage: node ort_reference.mjs [MODEL.onnx] [INPUT.npy] [OUTPUT.npy]
//        (defaults: mobilenetv2.onnx, input.npy, reference_features.npy next to this file)
// onnxruntime-node is looked up in each NODE_PATH entry, then /tmp/ort/node_modules; install
// it outside the repo with:
//   mkdir -p /tmp/ort && cd /tmp/ort && ONNXRUNTIME_NODE_INSTALL=skip npm install onnxruntime-node@1.30.0
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

function loadOrt() {
  const dirs = (process.env.NODE_PATH || '').split(path.delimiter).filter(Boolean);
  dirs.push('/tmp/ort/node_modules');
  for (const dir of dirs) {
    const p = path.join(dir, 'onnxruntime-node');
    if (fs.existsSync(p)) return require(p);
  }
  throw new Error(`onnxruntime-node not found in ${dirs.join(', ')}`);
}

// Minimal reader/writer for numpy's .npy format (little-endian float32, C order only).
function readNpy(file) {
  const buf = fs.readFileSync(file);
  if (buf.toString('latin1', 0, 6) !== '\x93NUMPY') throw new Error(`${file}: not .npy`);
  const major = buf[6];
  const hlen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = (major === 1 ? 10 : 12) + hlen;
  const header = buf.toString('latin1', major === 1 ? 10 : 12, start);
  if (!/'descr':\s*'<f4'/.test(header) || /'fortran_order':\s*True/.test(header)) {
    throw new Error(`${file}: need little-endian float32 in C order, got ${header}`);
  }
  const shape = header.match(/'shape':\s*\(([^)]*)\)/)[1].split(',')
    .map((s) => s.trim()).filter(Boolean).map(Number);
  const bytes = buf.subarray(start);
  const data = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  return { shape, data };
}

function writeNpy(file, shape, data) {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  header += ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n';
  const pre = Buffer.alloc(10);
  pre.write('\x93NUMPY', 0, 'latin1');
  pre[6] = 1; pre[7] = 0;
  pre.writeUInt16LE(header.length, 8);
  fs.writeFileSync(file, Buffer.concat([pre, Buffer.from(header, 'latin1'),
    Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
}

const [modelPath = path.join(here, 'mobilenetv2.onnx'),
  inputPath = path.join(here, 'input.npy'),
  outputPath = path.join(here, 'reference_features.npy')] = process.argv.slice(2);

const ort = loadOrt();
const input = readNpy(inputPath);
const session = await ort.InferenceSession.create(modelPath, {
  executionProviders: ['cpu'], graphOptimizationLevel: 'all',
});
const results = await session.run({ input: new ort.Tensor('float32', input.data, input.shape) });
const out = results.features;
writeNpy(outputPath, out.dims, out.data);
let sum = 0;
let max = -Infinity;
for (const v of out.data) { sum += v; max = Math.max(max, v); }
console.log(`wrote ${outputPath}: [${out.dims}] mean=${(sum / out.data.length).toFixed(6)} max=${max.toFixed(6)}`);
