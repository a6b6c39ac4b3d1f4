// Times one ONNX model in ONNX Runtime (onnxruntime-node, CPU provider): the peer that
// bench/compare_ort.py measures our runtime against.
//
// Usage: node bench/ort_peer.mjs MODEL.onnx --input NAME=FILE.npy [--input ...]
//          [--threads T] [--warmup W] [--runs N] [--output-dir D] [--json]
//   --threads T     intra-op threads (default 1); inter-op threads are always 1
//   --warmup W      untimed runs first (default 3)
//   --runs N        timed runs of session.run (default 20)
//   --output-dir D  also write each output of the last run as D/<output name>.npy
//   --json          print one JSON object instead of a line of text:
//                   {model, ort_version, threads, warmup, runs, median_ms, p90_ms, min_ms,
//                    mean_ms, session_create_ms, peak_rss_mb}
// Inputs are float32 C-order .npy files. The session uses the CPU provider, sequential
// execution and every graph optimisation ('all'), as an application tuned for speed would.
import path from 'node:path';
import fs from 'node:fs';
import { parseArgs } from 'node:util';

import { loadOrt } from './load_ort.mjs';
import { readNpy, writeNpy } from './npy.mjs';

function count(flag, text) {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) {
    throw new Error(`--${flag}: expected a whole number, got '${text}'`);
  }
  return n;
}

// Median (mean of the two middle values for an even count), nearest-rank p90, min, mean.
function summarize(ms) {
  const s = [...ms].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return {
    median_ms: s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2,
    p90_ms: s[Math.ceil(0.9 * s.length) - 1],
    min_ms: s[0],
    mean_ms: s.reduce((a, b) => a + b, 0) / s.length,
  };
}

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    input: { type: 'string', multiple: true, default: [] },
    threads: { type: 'string', default: '1' },
    warmup: { type: 'string', default: '3' },
    runs: { type: 'string', default: '20' },
    'output-dir': { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
if (positionals.length !== 1) {
  throw new Error('usage: ort_peer.mjs MODEL.onnx --input NAME=FILE.npy ... (see its header)');
}
const [model] = positionals;
const threads = count('threads', opts.threads);
const warmup = count('warmup', opts.warmup);
const runs = count('runs', opts.runs);
if (runs < 1) throw new Error('--runs must be at least 1');

const ort = loadOrt();
const feeds = {};
for (const spec of opts.input) {
  const eq = spec.indexOf('=');
  if (eq < 1) throw new Error(`--input expects NAME=FILE, got '${spec}'`);
  const { shape, data } = readNpy(spec.slice(eq + 1));
  feeds[spec.slice(0, eq)] = new ort.Tensor('float32', data, shape);
}

const t0 = performance.now();
const session = await ort.InferenceSession.create(model, {
  executionProviders: ['cpu'],
  intraOpNumThreads: threads,
  interOpNumThreads: 1,
  graphOptimizationLevel: 'all',
  executionMode: 'sequential',
});
const sessionCreateMs = performance.now() - t0;

for (let i = 0; i < warmup; ++i) await session.run(feeds);
const times = [];
let outputs;
for (let i = 0; i < runs; ++i) {
  const start = performance.now();
  outputs = await session.run(feeds);
  times.push(performance.now() - start);
}

if (opts['output-dir']) {
  fs.mkdirSync(opts['output-dir'], { recursive: true });
  for (const [name, t] of Object.entries(outputs)) {
    writeNpy(path.join(opts['output-dir'], `${name}.npy`), t.dims, t.data);
  }
}

const result = {
  model,
  ort_version: ort.env.versions.common,
  threads,
  warmup,
  runs,
  ...summarize(times),
  session_create_ms: sessionCreateMs,
  peak_rss_mb: process.resourceUsage().maxRSS / 1024,  // maxRSS is in KiB
};
if (opts.json) {
  console.log(JSON.stringify(result));
} else {
  const f = (x) => x.toFixed(3);
  console.log(`${path.basename(model)} ORT ${result.ort_version} threads ${threads}: session ` +
    `${f(sessionCreateMs)} ms; run x${runs} after ${warmup} warm-up: min ${f(result.min_ms)} ms, ` +
    `median ${f(result.median_ms)} ms, p90 ${f(result.p90_ms)} ms, mean ${f(result.mean_ms)} ms; ` +
    `peak RSS ${result.peak_rss_mb.toFixed(1)} MB`);
}
