// Finds onnxruntime-node outside the repository's tracked files: in each NODE_PATH entry, then
// in build/npm/node_modules, where scripts/install-npm-deps.sh installs the pinned version.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function loadOrt() {
  const dirs = (process.env.NODE_PATH || '').split(path.delimiter).filter(Boolean);
  dirs.push(path.join(repo, 'build', 'npm', 'node_modules'));
  for (const dir of dirs) {
    const p = path.join(dir, 'onnxruntime-node');
    if (fs.existsSync(p)) return require(p);
  }
  throw new Error(`onnxruntime-node not found in ${dirs.join(', ')}; `
    + 'run scripts/install-npm-deps.sh');
}
