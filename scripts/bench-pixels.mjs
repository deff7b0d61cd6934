// Benchmark of the pixel checks on big camera-like JPEGs:
//   files   — 24 MP, 45 MP (and 100 MP for the memory bound) JPEGs made from a real corpus photo by
//             `cargo run --release --example make-big-jpeg` (upscale + sensor-like grain, 4:2:2,
//             q92, camera EXIF), cached in bench-results/ (git-ignored);
//   wasm    — Engine.check() with a brief that runs every pixel measure, in a Web Worker in headless
//             Chromium; the first (cold) run on a fresh worker and ≥ 3 warm runs; the worker's
//             wasm memory size afterwards is the peak (wasm memory never shrinks);
//   browser — createImageBitmap(blob), the browser's own full decode of the same file, in a worker
//             of the same page, cold + warm the same way: the yardstick;
//   native  — the release CLI (`preflight check --brief … FILE`), best of 3, process start included;
//   pool    — throughput of createPreflight() over 8 × the 24 MP file with 1 worker and with all cores.
// Prints a table and the ratio wasm / createImageBitmap, writes bench-results/pixels.json.
//   node scripts/bench-pixels.mjs            (BENCH_RUNS=5 for more warm runs, BENCH_NO_100MP=1 to skip 100 MP)
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { chromium as pw } from 'playwright-core';
import { root, corpus, chromium, run } from './lib.mjs';
import { build } from './build.mjs';
import { startServer } from './serve.mjs';

const RUNS = Math.max(3, Number(process.env.BENCH_RUNS) || 3);
const out = path.join(root, 'bench-results');
mkdirSync(out, { recursive: true });

const BRIEF = {
  preflight_brief: 1, name: 'bench: every pixel measure',
  checks: {
    exposure: { max_highlights_percent: 5 }, sharpness: { min_sharpest: 50 }, information: { min_entropy_bits: 2 },
    noise: { max_sigma: 20 }, upsampling: {},
  },
};
const briefPath = path.join(out, 'bench-pixels-brief.json');
writeFileSync(briefPath, JSON.stringify(BRIEF, null, 2));

// 1. Test files (cached).
const sizes = [
  { label: '24 MP', w: 6000, h: 4000 },
  { label: '45 MP', w: 8192, h: 5464 },
  ...(process.env.BENCH_NO_100MP ? [] : [{ label: '100 MP', w: 12288, h: 8192, memoryOnly: true }]),
];
const source = path.join(corpus, 'faces/darknet__kite.jpg');
run('cargo', ['build', '--quiet', '--release', '--example', 'make-big-jpeg', '--bin', 'preflight'], { quiet: true });
for (const s of sizes) {
  s.file = path.join(out, `pixels-${s.w}x${s.h}.jpg`);
  if (!existsSync(s.file)) run(path.join(root, 'target/release/examples/make-big-jpeg'), [s.file, String(s.w), String(s.h), source]);
  s.bytes = readFileSync(s.file).length;
}

// 2. Native: the release CLI, best of 3.
const cli = path.join(root, 'target/release/preflight');
for (const s of sizes) {
  const times = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const r = spawnSync(cli, ['check', '--json', '--jobs', '1', '--brief', briefPath, s.file], { encoding: 'utf8' });
    times.push(performance.now() - t0);
    if (i === 0) {
      try { s.nativeReport = JSON.parse(r.stdout)[0]; } catch { s.nativeReport = null; }
    }
  }
  s.native_ms = Math.min(...times);
}

// 3. Browser.
build({ quiet: true });
const WORKER = `
import { initSync, Engine } from '/pkg/preflight.js';
let wasm = null, engine = null;
self.onmessage = async ({ data: m }) => {
  try {
    if (m.type === 'init') {
      wasm = initSync({ module: m.module });
      engine = new Engine(m.brief);
      self.postMessage({ ok: true, memory: wasm.memory.buffer.byteLength });
    } else if (m.type === 'engine') {
      const t0 = performance.now();
      const out = JSON.parse(engine.check(m.blob, m.name, Date.now()));
      const ms = performance.now() - t0;
      const r = out.report;
      self.postMessage({ ok: true, ms, memory: wasm.memory.buffer.byteLength,
        pixels: r.pixels ?? null, findings: r.findings.filter((f) => /^(exposure|sharpness|information|noise|upsampling)/.test(f.check)).map((f) => [f.check, f.verdict, f.measured]) });
    } else if (m.type === 'bitmap') {
      const t0 = performance.now();
      const b = await createImageBitmap(m.blob);
      const ms = performance.now() - t0;
      const size = [b.width, b.height];
      b.close();
      self.postMessage({ ok: true, ms, size });
    }
  } catch (e) { self.postMessage({ ok: false, message: String(e?.stack ?? e) }); }
};`;

const stats = (xs) => { const s = [...xs].sort((a, b) => a - b); return { best: s[0], median: s[Math.floor((s.length - 1) / 2)], runs: s.length }; };

const server = await startServer({ port: 0, root: path.join(root, 'www') });
const browser = await pw.launch({
  executablePath: chromium,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
});
let pool = null;
try {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') console.error('page:', m.text()); });
  await page.route('**/__bench/worker.js', (r) => r.fulfill({ contentType: 'text/javascript', body: WORKER }));
  await page.route('**/__bench/file/*', (r) => {
    const i = Number(r.request().url().split('/').pop());
    r.fulfill({ contentType: 'image/jpeg', body: readFileSync(sizes[i].file) });
  });
  await page.goto(new URL("index.html", server.url).href);
  await page.evaluate(async () => {
    const module = await WebAssembly.compileStreaming(fetch('/pkg/full/preflight_bg.wasm')); // the build with decoders
    const call = (w, msg) => new Promise((res, rej) => {
      w.onmessage = ({ data }) => (data.ok ? res(data) : rej(new Error(data.message)));
      w.onerror = (e) => rej(new Error(e.message));
      w.postMessage(msg);
    });
    window.__bench = { module, call, blobs: [] };
  });
  for (const [i, s] of sizes.entries()) {
    process.stderr.write(`${s.label}: browser runs…\n`);
    s.browser = await page.evaluate(async ({ i, brief, runs, memoryOnly }) => {
      const { module, call } = window.__bench;
      const blob = await (await fetch(`/__bench/file/${i}`)).blob();
      window.__bench.blobs[i] = blob;
      const fresh = () => new Worker('/__bench/worker.js', { type: 'module' });
      // wasm: a fresh worker (cold run, then warm runs); its memory afterwards is the peak.
      const ew = fresh();
      const init = await call(ew, { type: 'init', module, brief });
      const eng = [];
      let last;
      for (let r = 0; r < (memoryOnly ? 1 : runs + 1); r++) {
        last = await call(ew, { type: 'engine', blob, name: 'bench.jpg' });
        eng.push(last.ms);
      }
      ew.terminate();
      // createImageBitmap in its own fresh worker, same protocol.
      const bw = fresh();
      const bmp = [];
      let size;
      for (let r = 0; r < (memoryOnly ? 1 : runs + 1); r++) {
        const b = await call(bw, { type: 'bitmap', blob });
        bmp.push(b.ms);
        size = b.size;
      }
      bw.terminate();
      // A benchmark that silently measured nothing would be worse than none.
      if (!last.pixels) throw new Error(`the engine ran no pixel checks on file ${i}: ${JSON.stringify(last.findings)}`);
      return { wasm: eng, bitmap: bmp, bitmapSize: size, memoryAtInit: init.memory, memoryPeak: last.memory,
        pixels: last.pixels, findings: last.findings };
    }, { i, brief: JSON.stringify(BRIEF), runs: RUNS, memoryOnly: !!s.memoryOnly });
  }
  // Throughput: 8 × the 24 MP file through the real worker pool, 1 worker vs all cores.
  process.stderr.write('pool throughput…\n');
  pool = await page.evaluate(async (brief) => {
    const { createPreflight } = await import('/preflight.js');
    const blob = window.__bench.blobs[0];
    const files = Array.from({ length: 8 }, (_, k) => new File([blob], `bench-${k}.jpg`, { type: 'image/jpeg' }));
    const cores = navigator.hardwareConcurrency || 2;
    const res = {};
    for (const workers of [...new Set([1, cores])]) {
      const pf = createPreflight({ brief, workers });
      await pf.ready;
      await pf.check(files.slice(0, workers)); // warm every worker once
      const t0 = performance.now();
      const reports = await pf.check(files);
      const ms = performance.now() - t0;
      pf.terminate();
      if (reports.some((r) => !r.pixels)) throw new Error('the pool ran no pixel checks');
      res[workers] = { files: files.length, ms, files_per_s: files.length / (ms / 1000), errors: reports.filter((r) => r.verdict === 'error').length };
    }
    return { cores, res };
  }, BRIEF);
} finally {
  await browser.close();
  await server.close();
}

// 4. Report.
const r1 = (x) => Math.round(x * 10) / 10;
const mb = (x) => r1(x / (1024 * 1024));
const summary = { date: new Date().toISOString(), runs_warm: RUNS, chromium: chromium, files: [], pool: null };
console.log(`\nPixel checks (exposure, sharpness, information, noise, upsampling) vs the browser's own decode, ms`);
console.log(`${'file'.padEnd(26)}${'wasm cold'.padStart(10)}${'warm best'.padStart(10)}${'median'.padStart(8)}` +
  `${'cIB cold'.padStart(10)}${'warm best'.padStart(10)}${'median'.padStart(8)}${'ratio'.padStart(7)}${'native'.padStart(8)}${'wasm mem'.padStart(10)}`);
for (const s of sizes) {
  const b = s.browser;
  const [wCold, ...wWarm] = b.wasm;
  const [bCold, ...bWarm] = b.bitmap;
  const w = wWarm.length ? stats(wWarm) : null;
  const c = bWarm.length ? stats(bWarm) : null;
  const ratio = w && c ? w.median / c.median : null;
  const entry = {
    label: s.label, path: path.relative(root, s.file), width: s.w, height: s.h, bytes: s.bytes,
    wasm_ms: { cold: r1(wCold), ...(w && { best: r1(w.best), median: r1(w.median) }) },
    create_image_bitmap_ms: { cold: r1(bCold), ...(c && { best: r1(c.best), median: r1(c.median) }) },
    ratio_wasm_to_create_image_bitmap: ratio && Math.round(ratio * 100) / 100,
    native_cli_ms: r1(s.native_ms),
    wasm_memory_mb: { at_init: mb(b.memoryAtInit), peak: mb(b.memoryPeak) },
    pixels: b.pixels, findings: b.findings, native_pixels: s.nativeReport?.pixels ?? null,
  };
  summary.files.push(entry);
  const f = (x) => (x === undefined || x === null ? '-' : x.toFixed(0)).padStart(10);
  console.log(`${`${s.label} ${(s.bytes / 1e6).toFixed(1)} MB`.padEnd(26)}${f(wCold)}${f(w?.best)}${(w ? w.median.toFixed(0) : '-').padStart(8)}` +
    `${f(bCold)}${f(c?.best)}${(c ? c.median.toFixed(0) : '-').padStart(8)}${(ratio ? ratio.toFixed(2) : '-').padStart(7)}` +
    `${s.native_ms.toFixed(0).padStart(8)}${`${mb(b.memoryPeak)} MB`.padStart(10)}`);
}
if (pool) {
  summary.pool = pool;
  for (const [n, p] of Object.entries(pool.res)) {
    console.log(`pool, ${n} worker${n === '1' ? '' : 's'}: ${p.files} × 24 MP in ${p.ms.toFixed(0)} ms = ${p.files_per_s.toFixed(2)} files/s${p.errors ? ` (${p.errors} errors)` : ''}`);
  }
}
console.log('ratio = warm median wasm pixel checks / warm median createImageBitmap; native = release CLI incl. process start');
writeFileSync(path.join(out, 'pixels.json'), JSON.stringify(summary, null, 2));
console.log('written: bench-results/pixels.json');
