// README command 2: every test, from a fresh clone.
//   1. native `cargo test` (core on real fixtures and ../shared/corpus)
//   2. wasm-bindgen-test in headless Chromium (the browser door, in a dedicated worker)
//   3. release build of the page's engines (header-only, pixels, detection) and of the CLI
//      (with detection)
//   4. browser end-to-end tests (node:test + playwright-core + Debian chromium)
// Stops at the first failing stage with a non-zero exit status.
import { setup } from './setup.mjs';
import { build } from './build.mjs';
import { run, chromedriver } from './lib.mjs';

const stages = [];
const stage = async (name, fn) => {
  const t0 = Date.now();
  console.log(`\n=== ${name} ===`);
  await fn();
  stages.push(`${name}: ok (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
};

try {
  await stage('setup', () => setup({ browser: true, models: true }));
  // The model packer (int8 weights, the reader's Latin head) on the real models.
  await stage('script tests (node --test tests/scripts/)', () =>
    run(process.execPath, ['--test', 'tests/scripts/']));
  await stage('native tests (cargo test)', () => run('cargo', ['test', '--quiet']));
  await stage('detection tests (cargo test --features detect, real models on the corpus)', () => {
    // nn: preflight's ONNX interpreter against tract (the oracle, a dev-dependency) per network.
    run('cargo', ['test', '--quiet', '--features', 'detect', '--test', 'detect', '--test', 'clean_detect', '--test', 'nn']);
    run('cargo', ['test', '--quiet', '--features', 'detect', '--lib', 'detect::']);
  });
  await stage('wasm tests (wasm-bindgen-test, headless Chromium)', () => {
    run('cargo', ['test', '--target', 'wasm32-unknown-unknown', '--test', 'wasm'], {
      env: {
        ...process.env,
        CHROMEDRIVER: chromedriver,
        WASM_BINDGEN_TEST_DRIVER_TIMEOUT: '60',
        WASM_BINDGEN_TEST_TIMEOUT: '120',
      },
    });
    // The simd128 matrix kernel rounds exactly as the portable one (and so as the CLI's AVX one).
    run('cargo', ['test', '--release', '--target', 'wasm32-unknown-unknown', '--lib', 'nn::gemm']);
  });
  await stage('release build (wasm engine + CLI)', () => {
    build();
    // With detection: the e2e parity test compares its faces/plates with the page's.
    run('cargo', ['build', '--release', '--quiet', '--features', 'detect', '--bin', 'preflight']);
  });
  await stage('browser e2e tests (node --test) + embedding types (tsc)', () => {
    run(process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', 'tests/types']);
    run(process.execPath, ['--test', '--test-concurrency=1', 'tests/e2e/']);
  });
} catch (e) {
  console.error(`\nFAILED: ${e.message}`);
  for (const s of stages) console.error(`  ${s}`);
  process.exit(e.status || 1);
}
console.log('\nAll stages passed:');
for (const s of stages) console.log(`  ${s}`);
