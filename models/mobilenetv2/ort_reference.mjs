// Run mobilenetv2.onnx with ONNX Runtime (onnxruntime-node, CPU) on input.npy and write
// reference_features.npy (float32 [1,1280]).
//
// Usage: node ort_reference.mjs [MODEL.onnx] [INPUT.npy] [OUTPUT.npy]
//        (defaults: mobilenetv2.onnx, input.npy, reference_features.npy next to this file)
// onnxruntime-node is looked up in each NODE_PATH entry, then in build/npm/node_modules, where
// scripts/install-npm-deps.sh installs it (outside git tracking).
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { loadOrt } from '../../bench/load_ort.mjs';
import { readNpy, writeNpy } from '../../bench/npy.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

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
