// Builds the browser engine into www/pkg/ (git-ignored):
//   cargo (wasm32, +simd128, release) → wasm-bindgen --target web → wasm-opt -O3 (npm binaryen)
// and copies briefs/*.json to www/pkg/briefs/. Prints the shipped sizes (raw and gzip).
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { root, run, cargoBin } from './lib.mjs';

const pkg = path.join(root, 'www', 'pkg');

export function build({ quiet = false } = {}) {
  // RUSTFLAGS would replace .cargo/config.toml's +simd128: refuse to build a slower engine silently.
  if (process.env.RUSTFLAGS) console.warn('warning: RUSTFLAGS is set and overrides .cargo/config.toml (+simd128)');
  run('cargo', ['build', '--release', '--lib', '--target', 'wasm32-unknown-unknown'], { quiet });
  const wasm = path.join(root, 'target/wasm32-unknown-unknown/release/preflight.wasm');
  const out = path.join(pkg, 'preflight_bg.wasm');
  mkdirSync(pkg, { recursive: true });
  if (!existsSync(out) || statSync(out).mtimeMs < statSync(wasm).mtimeMs) {
    run(cargoBin('wasm-bindgen'), ['--target', 'web', '--out-dir', pkg, '--out-name', 'preflight', wasm], { quiet });
    const wasmOpt = path.join(root, 'node_modules/.bin/wasm-opt');
    run(wasmOpt, ['-O3', '--enable-simd', '--enable-bulk-memory', '--enable-nontrapping-float-to-int',
      '--enable-sign-ext', '--enable-mutable-globals', '--enable-reference-types', '--enable-multivalue',
      out, '-o', out], { quiet });
  }
  // Briefs: the presets the page offers (index.json lists them in display order).
  const briefsOut = path.join(pkg, 'briefs');
  rmSync(briefsOut, { recursive: true, force: true });
  mkdirSync(briefsOut, { recursive: true });
  for (const f of readdirSync(path.join(root, 'briefs'))) {
    if (f.endsWith('.json')) copyFileSync(path.join(root, 'briefs', f), path.join(briefsOut, f));
  }
  const sizes = {};
  for (const f of ['preflight_bg.wasm', 'preflight.js']) {
    const bytes = readFileSync(path.join(pkg, f));
    sizes[f] = { bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  }
  const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
  console.log(`build: www/pkg ready — ` + Object.entries(sizes)
    .map(([f, s]) => `${f} ${kb(s.bytes)} (${kb(s.gzip)} gzip)`).join(', '));
  return sizes;
}

if (import.meta.url === `file://${process.argv[1]}`) build();
