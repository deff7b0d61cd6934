// Benchmark of face + licence-plate detection on a 24 MP camera-like JPEG:
//   file    — 6000 × 4000 made from a corpus photo with three faces by
//             `cargo run --release --example make-big-jpeg` (cached in bench-results/, git-ignored);
//   wasm    — the detection build's Engine.check() with a brief of only `faces` + `plates` rules,
//             in a Web Worker in headless Chromium: model fetch + parse once, then the first call on
//             the fresh worker and ≥ 3 warm calls.
//             The time is the whole check: header, reduced JPEG decode (DCT-scaled) and both
//             detectors;
//   native  — the release CLI with detection (`preflight check --brief … FILE`), best of 3,
//             process start and model loading included;
//   split   — the same photo at 1500 × 1000 (the detectors run the same passes on it) gives
//             the detection time alone; the difference is the 24 MP decode
//             (DCT-scaled to 3000 × 2000: at least twice the largest pass, the faces' 1024);
//   bundle  — the detection build's wasm and the models it fetches, raw and gzip;
//   accuracy — the same detectors natively (`accuracy`, the engine the page runs, same boxes):
//             faces and plates on ../shared/corpus, and plates on ../shared/plates per region and
//             plate width, tune half (rules and thresholds were chosen on it) and report half.
// Prints a table, writes bench-results/detect.json.
//   node scripts/bench-detect.mjs            (BENCH_RUNS=5 for more warm runs)
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { chromium as pw } from 'playwright-core';
import { root, corpus, chromium, run } from './lib.mjs';
import { build } from './build.mjs';
import { PAGE_MODELS } from './models.mjs';
import { startServer } from './serve.mjs';

const RUNS = Math.max(3, Number(process.env.BENCH_RUNS) || 3);
const out = path.join(root, 'bench-results');
mkdirSync(out, { recursive: true });

const BRIEF = { preflight_brief: 1, name: 'bench: faces and plates', checks: { faces: { release_required_if_present: true }, plates: { max: 0 } } };
const briefPath = path.join(out, 'bench-detect-brief.json');
writeFileSync(briefPath, JSON.stringify(BRIEF, null, 2));

// 1. The 24 MP test file (cached).
const file = path.join(out, 'detect-6000x4000.jpg');
run('cargo', ['build', '--quiet', '--release', '--example', 'make-big-jpeg'], { quiet: true });
run('cargo', ['build', '--quiet', '--release', '--features', 'detect', '--bin', 'preflight'], { quiet: true });
if (!existsSync(file)) {
  run(path.join(root, 'target/release/examples/make-big-jpeg'), [file, '6000', '4000', path.join(corpus, 'faces/facerec__obama_and_biden.jpg')]);
}
const bytes = readFileSync(file);
const small = path.join(out, 'detect-1500x1000.jpg');
if (!existsSync(small)) {
  run(path.join(root, 'target/release/examples/make-big-jpeg'), [small, '1500', '1000', path.join(corpus, 'faces/facerec__obama_and_biden.jpg')]);
}
const smallBytes = readFileSync(small);

// 2. Native: the release CLI, best of 3 (models from ./models).
const cli = path.join(root, 'target/release/preflight');
const nativeTimes = [];
let nativeReport = null;
for (let i = 0; i < 3; i++) {
  const t0 = performance.now();
  const r = spawnSync(cli, ['check', '--json', '--jobs', '1', '--brief', briefPath, file], { encoding: 'utf8', cwd: root });
  nativeTimes.push(performance.now() - t0);
  nativeReport ??= JSON.parse(r.stdout)[0];
}

// 3. Browser.
build({ quiet: true });
const WORKER = `
import * as glue from '/pkg/detect/preflight.js';
let wasm = null, engine = null;
self.onmessage = async ({ data: m }) => {
  try {
    if (m.type === 'init') {
      wasm = glue.initSync({ module: m.module });
      const t0 = performance.now();
      const get = async (f) => new Uint8Array(await (await fetch('/pkg/models/' + f)).arrayBuffer());
      const [face, text, reader] = await Promise.all([get('yunet.onnx'), get('textdet.onnx'), get('textrec.onnx')]);
      glue.loadModels(face, text, reader);
      const modelsMs = performance.now() - t0;
      engine = new glue.Engine(m.brief);
      self.postMessage({ ok: true, modelsMs, memory: wasm.memory.buffer.byteLength });
    } else {
      const t0 = performance.now();
      const r = JSON.parse(engine.check(m.blob, 'bench.jpg', Date.now())).report;
      const ms = performance.now() - t0;
      self.postMessage({ ok: true, ms, memory: wasm.memory.buffer.byteLength, faces: r.faces, plates: r.plates,
        findings: r.findings.map((f) => [f.check, f.verdict, f.measured]) });
    }
  } catch (e) { self.postMessage({ ok: false, message: String(e?.stack ?? e) }); }
};`;

const server = await startServer({ port: 0, root: path.join(root, 'www') });
const browser = await pw.launch({
  executablePath: chromium,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
});
let wasm;
try {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') console.error('page:', m.text()); });
  await page.route('**/__bench/worker.js', (r) => r.fulfill({ contentType: 'text/javascript', body: WORKER }));
  await page.route('**/__bench/file.jpg', (r) => r.fulfill({ contentType: 'image/jpeg', body: bytes }));
  await page.route('**/__bench/small.jpg', (r) => r.fulfill({ contentType: 'image/jpeg', body: smallBytes }));
  await page.goto(new URL('index.html', server.url).href);
  wasm = await page.evaluate(async ({ brief, runs }) => {
    const module = await WebAssembly.compileStreaming(fetch('/pkg/detect/preflight_bg.wasm'));
    const blob = await (await fetch('/__bench/file.jpg')).blob();
    const smallBlob = await (await fetch('/__bench/small.jpg')).blob();
    const w = new Worker('/__bench/worker.js', { type: 'module' });
    const call = (msg) => new Promise((res, rej) => {
      w.onmessage = ({ data }) => (data.ok ? res(data) : rej(new Error(data.message)));
      w.onerror = (e) => rej(new Error(e.message));
      w.postMessage(msg);
    });
    const init = await call({ type: 'init', module, brief });
    const times = [];
    let last;
    for (let r = 0; r < runs + 1; r++) {
      last = await call({ type: 'check', blob });
      times.push(last.ms);
    }
    // The same work without the 24 MP decode (the same passes).
    const smallTimes = [];
    for (let r = 0; r < runs; r++) smallTimes.push((await call({ type: 'check', blob: smallBlob })).ms);
    w.terminate();
    return { modelsMs: init.modelsMs, times, smallTimes, memoryPeak: last.memory, faces: last.faces, plates: last.plates, findings: last.findings };
  }, { brief: JSON.stringify(BRIEF), runs: RUNS });
} finally {
  await browser.close();
  await server.close();
}

// 4. Report.
if (!Array.isArray(wasm.faces) || !Array.isArray(nativeReport?.faces)) {
  throw new Error(`detection did not run: ${JSON.stringify(wasm.findings)} / ${JSON.stringify(nativeReport?.findings)}`);
}
const sorted = (xs) => [...xs].sort((a, b) => a - b);
const [cold, ...warm] = wasm.times;
const w = sorted(warm);
const median = w[Math.floor((w.length - 1) / 2)];
const sm = sorted(wasm.smallTimes);
const detectOnly = sm[Math.floor((sm.length - 1) / 2)];
const size = (rel) => { const b = readFileSync(path.join(root, 'www/pkg', rel)); return { bytes: b.length, gzip: gzipSync(b, { level: 9 }).length }; };
const bundle = Object.fromEntries(['detect/preflight_bg.wasm', 'detect/preflight.js', ...PAGE_MODELS.map((m) => `models/${m.file}`)].map((f) => [f, size(f)]));
const r1 = (x) => Math.round(x * 10) / 10;
const summary = {
  date: new Date().toISOString(), chromium, file: path.relative(root, file), width: 6000, height: 4000, bytes: bytes.length,
  wasm_ms: { models_fetch_and_parse: r1(wasm.modelsMs), first_call_fresh_worker: r1(cold), warm_best: r1(w[0]), warm_median: r1(median), runs_warm: warm.length,
    detection_only_warm_median: r1(detectOnly), decode_24mp_estimate: r1(median - detectOnly) },
  wasm_memory_mb: r1(wasm.memoryPeak / 1048576),
  native_cli_ms_best_of_3: r1(Math.min(...nativeTimes)),
  found: { wasm: { faces: wasm.faces.length, plates: wasm.plates.length }, native: { faces: nativeReport.faces.length, plates: nativeReport.plates.length } },
  same_boxes_as_native: JSON.stringify(wasm.faces) === JSON.stringify(nativeReport.faces) && JSON.stringify(wasm.plates) === JSON.stringify(nativeReport.plates),
  bundle,
};
const kb = (n) => `${(n / 1024).toFixed(0)} KiB`;
console.log(`\nFaces + plates on a 24 MP JPEG (${(bytes.length / 1e6).toFixed(1)} MB), whole check incl. reduced decode, ms`);
console.log(`wasm (Chromium): models fetch + parse ${r1(wasm.modelsMs)}, first call on a fresh worker ${r1(cold)}, warm best ${r1(w[0])} / median ${r1(median)} (${warm.length} runs), memory ${summary.wasm_memory_mb} MB`);
console.log(`  of which detection (the same photo at 1500 × 1000, warm median) ${r1(detectOnly)}, the 24 MP reduced decode ≈ ${r1(median - detectOnly)}`);
console.log(`native CLI (process, model load, check): best of 3 ${summary.native_cli_ms_best_of_3}`);
console.log(`found: wasm ${wasm.faces.length} faces, ${wasm.plates.length} plates; native ${nativeReport.faces.length} faces, ${nativeReport.plates.length} plates; identical boxes: ${summary.same_boxes_as_native}`);
console.log(`bundle: ${Object.entries(bundle).map(([f, s]) => `${f} ${kb(s.bytes)} (${kb(s.gzip)} gzip)`).join(', ')}`);
const totalGzip = Object.values(bundle).reduce((a, s) => a + s.gzip, 0);
console.log(`  detection engine + models: ${(totalGzip / 1e6).toFixed(2)} MB gzip`);

// 5. Accuracy, natively (the same engine and boxes as the page's).
run('cargo', ['build', '--quiet', '--release', '--features', 'detect', '--bin', 'accuracy'], { quiet: true });
const accuracy = (args) => {
  const r = spawnSync(path.join(root, 'target/release/accuracy'), args, { encoding: 'utf8', cwd: root, maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`accuracy ${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
  return r.stdout.split('\n');
};
const corpusLines = accuracy(['--corpus', corpus]).filter((l) => /^(faces|plates) \(strict\)/.test(l));
console.log(`\nAccuracy on ${path.relative(root, corpus)} (faces/ and plates/):`);
for (const l of corpusLines) console.log(`  ${l}`);
summary.accuracy = { corpus: corpusLines };
const plateBench = path.join(corpus, '../plates');
if (existsSync(path.join(plateBench, 'labels.csv'))) {
  for (const half of ['tune', 'report']) {
    const lines = accuracy(['--plate-bench', plateBench, '--half', half]).filter((l) => /^\s+(br|eu|us|all)\s+recall|detection time per photo/.test(l));
    console.log(`Plates on ${path.relative(root, plateBench)}, ${half} half (IoU ≥ 0.3; by plate width in px):`);
    for (const l of lines) console.log(l);
    summary.accuracy[`plates_${half}`] = lines.map((l) => l.trim());
  }
} else {
  console.log(`(no plate benchmark at ${plateBench}: per-region plate figures skipped)`);
}
writeFileSync(path.join(out, 'detect.json'), JSON.stringify(summary, null, 2));
console.log('written: bench-results/detect.json');
