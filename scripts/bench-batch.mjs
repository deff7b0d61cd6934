// Batch benchmark: N × the 24 MP camera-like JPEG of `npm run bench:pixels` (default N = 200)
// through createPreflight() in headless Chromium, with 1 worker and with one per core, under a
// brief with every pixel measure and the duplicates rule (so the batch pass runs too). Prints
// files/s, the batch pass's time, and the peak memory: the page's JS heap
// (performance.memory, sampled every 100 ms) and each worker's wasm memory (never shrinks, so
// its size at the end is its peak). Writes bench-results/batch.json.
//   node scripts/bench-batch.mjs            (BATCH_FILES=50 for a shorter run)
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { chromium as pw } from 'playwright-core';
import { root, corpus, chromium, run } from './lib.mjs';
import { build } from './build.mjs';
import { startServer } from './serve.mjs';

const N = Math.max(2, Number(process.env.BATCH_FILES) || 200);
const out = path.join(root, 'bench-results');
mkdirSync(out, { recursive: true });
const file = path.join(out, 'pixels-6000x4000.jpg');
if (!existsSync(file)) {
  run('cargo', ['build', '--quiet', '--release', '--example', 'make-big-jpeg'], { quiet: true });
  run(path.join(root, 'target/release/examples/make-big-jpeg'), [file, '6000', '4000', path.join(corpus, 'faces/darknet__kite.jpg')]);
}
build();

const BRIEF = {
  preflight_brief: 1, name: 'bench: batch',
  checks: {
    exposure: { max_highlights_percent: 5 }, sharpness: { min_sharpest: 50 }, information: { min_entropy_bits: 2 },
    noise: { max_sigma: 20 }, upsampling: {}, duplicates: { exact: 'fail', near: { max_distance: 10 } },
  },
};

const server = await startServer({ port: 0, root: path.join(root, 'www') });
const browser = await pw.launch({
  executablePath: chromium,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic', '--enable-precise-memory-info'],
});
const cores = Math.min(os.availableParallelism?.() ?? os.cpus().length, 4);
const results = [];
try {
  const page = await (await browser.newContext({ serviceWorkers: 'block' })).newPage();
  page.on('console', (m) => { if (m.type() === 'error') console.error('page:', m.text()); });
  await page.route('**/__bench/file.jpg', (r) => r.fulfill({ contentType: 'image/jpeg', body: readFileSync(file) }));
  await page.goto(new URL('index.html', server.url).href);
  for (const workers of [...new Set([1, cores])]) {
    process.stderr.write(`${N} files, ${workers} worker(s)…\n`);
    results.push(await page.evaluate(async ({ brief, n, workers }) => {
      const { createPreflight } = await import('/preflight.js');
      const bytes = await (await fetch('/__bench/file.jpg')).blob();
      // N distinct File objects over one set of bytes (as many files as a shoot, one copy in memory).
      const files = Array.from({ length: n }, (_, i) => new File([bytes], `shoot/IMG_${String(i).padStart(4, '0')}.jpg`, { type: 'image/jpeg' }));
      const heap = () => /** @type {any} */ (performance).memory?.usedJSHeapSize ?? 0;
      let peakHeap = heap();
      const sampler = setInterval(() => { peakHeap = Math.max(peakHeap, heap()); }, 100);
      const pf = createPreflight({ brief, workers });
      await pf.ready;
      let done = 0, batchMs = 0, tBatch = 0;
      const t0 = performance.now();
      const reports = await pf.check(files, () => { if (++done === n) tBatch = performance.now(); },
        { onBatch: () => { batchMs = performance.now() - tBatch; } });
      const ms = performance.now() - t0;
      clearInterval(sampler);
      peakHeap = Math.max(peakHeap, heap());
      const wasm = await pf.memory();
      pf.terminate();
      if (reports.some((r) => !r.pixels)) throw new Error('the pool ran no pixel checks');
      const groups = reports.filter((r) => r.findings.some((f) => f.check === 'duplicates.exact' && f.verdict === 'fail')).length;
      return { workers, files: n, ms, files_per_s: n / (ms / 1000), batch_pass_ms: batchMs, exact_duplicates_flagged: groups,
        peak_js_heap_mb: peakHeap / 1e6, wasm_memory_mb: wasm };
    }, { brief: JSON.stringify(BRIEF), n: N, workers }));
  }
} finally {
  await browser.close();
  await server.close();
}
console.log(`\nBatch of ${N} × 24 MP JPEG (8.3 MB), every pixel measure + duplicates, Chromium headless`);
console.log('workers  time      files/s  batch pass  peak JS heap  wasm memory per worker');
for (const r of results) {
  console.log(`${String(r.workers).padEnd(8)} ${(r.ms / 1000).toFixed(1).padStart(6)} s ${r.files_per_s.toFixed(2).padStart(8)} ${r.batch_pass_ms.toFixed(0).padStart(8)} ms ${r.peak_js_heap_mb.toFixed(1).padStart(9)} MB  ${r.wasm_memory_mb ? r.wasm_memory_mb.map((m) => m.toFixed(1)).join(', ') + ' MB' : 'n/a'}`);
}
writeFileSync(path.join(out, 'batch.json'), JSON.stringify({ date: new Date().toISOString(), chromium, results }, null, 2));
console.log('written: bench-results/batch.json');
