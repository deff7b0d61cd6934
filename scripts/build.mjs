// Builds the browser engines into www/pkg/ (git-ignored):
//   cargo (wasm32, +simd128, release) → wasm-bindgen --target web → wasm-opt -O3 (npm binaryen)
// three times — header-only (pkg/), with pixel decoders (pkg/full/), with pixel decoders and face
// / plate detection (pkg/detect/, its own JS glue) — copies the detection models from models/ to
// www/pkg/models/ (served from the page's own origin) and briefs/*.json to www/pkg/briefs/.
// Prints the shipped sizes (raw and gzip).
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { root, run, cargoBin } from './lib.mjs';
import { MODELS, modelsDir } from './models.mjs';

const pkg = path.join(root, 'www', 'pkg');

/** One engine build: cargo (wasm32, +simd128, release) → wasm-bindgen → wasm-opt, into `outDir`. */
function engine({ features, targetDir, outDir, quiet }) {
  const args = ['build', '--release', '--lib', '--target', 'wasm32-unknown-unknown', '--target-dir', targetDir];
  if (!features) args.push('--no-default-features');
  else if (features !== true) args.push('--features', features);
  run('cargo', args, { quiet });
  const wasm = path.join(targetDir, 'wasm32-unknown-unknown/release/preflight.wasm');
  const out = path.join(outDir, 'preflight_bg.wasm');
  mkdirSync(outDir, { recursive: true });
  if (!existsSync(out) || statSync(out).mtimeMs < statSync(wasm).mtimeMs) {
    run(cargoBin('wasm-bindgen'), ['--target', 'web', '--out-dir', outDir, '--out-name', 'preflight', wasm], { quiet });
    const wasmOpt = path.join(root, 'node_modules/.bin/wasm-opt');
    run(wasmOpt, ['-O3', '--enable-simd', '--enable-bulk-memory', '--enable-nontrapping-float-to-int',
      '--enable-sign-ext', '--enable-mutable-globals', '--enable-reference-types', '--enable-multivalue',
      out, '-o', out], { quiet });
  }
}

export function build({ quiet = false } = {}) {
  // RUSTFLAGS would replace .cargo/config.toml's +simd128: refuse to build a slower engine silently.
  if (process.env.RUSTFLAGS) console.warn('warning: RUSTFLAGS is set and overrides .cargo/config.toml (+simd128)');
  // Two engines: the small header-only one every page loads, and the one with pixel decoders,
  // loaded only for briefs with pixel rules.
  engine({ features: false, targetDir: path.join(root, 'target/lite'), outDir: pkg, quiet });
  engine({ features: true, targetDir: path.join(root, 'target'), outDir: path.join(pkg, 'full'), quiet });
  // The third, with tract and the detectors, loaded only for briefs with faces / plates rules
  // (its own target dir: switching features in one would rebuild the others every time).
  engine({ features: 'detect', targetDir: path.join(root, 'target/detect'), outDir: path.join(pkg, 'detect'), quiet });
  // The models it fetches, from the page's own origin (never from anywhere else).
  const modelsOut = path.join(pkg, 'models');
  mkdirSync(modelsOut, { recursive: true });
  for (const m of MODELS) {
    const src = path.join(modelsDir, m.file);
    if (!existsSync(src)) throw new Error(`${src} is missing: run \`node scripts/models.mjs\` first`);
    const out = path.join(modelsOut, m.file);
    if (!existsSync(out) || statSync(out).mtimeMs < statSync(src).mtimeMs) copyFileSync(src, out);
  }
  // The page loads one JS glue for both modules: they must agree.
  if (readFileSync(path.join(pkg, 'preflight.js'), 'utf8') !== readFileSync(path.join(pkg, 'full/preflight.js'), 'utf8')) {
    throw new Error('the header-only and full engine builds produced different JS glue; www/preflight.js assumes one');
  }
  // Briefs: the presets the page offers (index.json lists them in display order).
  const briefsOut = path.join(pkg, 'briefs');
  rmSync(briefsOut, { recursive: true, force: true });
  mkdirSync(briefsOut, { recursive: true });
  for (const f of readdirSync(path.join(root, 'briefs'))) {
    if (f.endsWith('.json')) copyFileSync(path.join(root, 'briefs', f), path.join(briefsOut, f));
  }
  const sizes = {};
  for (const f of ['preflight_bg.wasm', 'preflight.js', 'full/preflight_bg.wasm', 'detect/preflight_bg.wasm',
    'detect/preflight.js', ...MODELS.map((m) => `models/${m.file}`)]) {
    const bytes = readFileSync(path.join(pkg, f));
    sizes[f] = { bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  }
  const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
  console.log(`build: www/pkg ready — ` + Object.entries(sizes)
    .map(([f, s]) => `${f} ${kb(s.bytes)} (${kb(s.gzip)} gzip)`).join(', '));
  return sizes;
}

if (import.meta.url === `file://${process.argv[1]}`) build();
