// Benchmark of the header-only checks (format, resolution, bit depth, EXIF, file size):
//   wasm  — preflight's engine in one Web Worker in headless Chromium, time inside the worker
//           (and the round trip the page sees), every file of ../shared/corpus, warm (2nd pass);
//   exifr — the yardstick: exifr 7 parsing the same File objects in the same page (tiff+exif+gps);
//   native — `cargo bench --bench header` on the same files.
// Prints a table and writes bench-results/header.json. Never fails on a slow machine.
import { readdirSync, readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium as pw } from 'playwright-core';
import { root, corpus, chromium, output } from './lib.mjs';
import { setup } from './setup.mjs';
import { build } from './build.mjs';
import { startServer } from './serve.mjs';

await setup({ browser: true });
build({ quiet: true });

const files = [];
for (const dir of ['metadata', 'faces', 'plates']) {
  for (const f of readdirSync(path.join(corpus, dir)).sort()) {
    files.push({ name: `${dir}/${f}`, b64: readFileSync(path.join(corpus, dir, f)).toString('base64') });
  }
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor((s.length - 1) / 2)]; };
const p90 = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.round((s.length - 1) * 0.9)]; };

const server = await startServer({ port: 0, root: path.join(root, 'www') });
const browser = await pw.launch({
  executablePath: chromium,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
});
let result;
try {
  const page = await browser.newPage();
  // exifr is a dev dependency, served only to this benchmark page.
  await page.route('**/__bench/exifr.mjs', (route) => route.fulfill({
    contentType: 'text/javascript', body: readFileSync(path.join(root, 'node_modules/exifr/dist/full.esm.mjs')),
  }));
  await page.goto(`${server.url}/index.html`);
  result = await page.evaluate(async (files) => {
    const { createPreflight } = await import('/preflight.js');
    const exifr = (await import('/__bench/exifr.mjs')).default;
    const blobs = files.map(({ name, b64 }) => {
      const bin = atob(b64); const u8 = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) u8[i] = bin.charCodeAt(i);
      return new File([u8], name.split('/').pop());
    });
    const brief = await (await fetch('/pkg/briefs/default.json')).json();
    const pf = createPreflight({ brief, workers: 1 });
    await pf.ready;
    const runWasm = async () => {
      const inWorker = [], roundTrip = [], bytesRead = [];
      for (const f of blobs) { // one at a time: per-file latency, not throughput
        const t0 = performance.now();
        let info;
        await pf.check([f], (_r, _f, i) => { info = i; });
        roundTrip.push(performance.now() - t0);
        inWorker.push(info.ms);
        bytesRead.push(info.io ? info.io.bytes_read : NaN);
      }
      return { inWorker, roundTrip, bytesRead };
    };
    const first = await runWasm(); // cold: tier-up, memory growth
    const warm = await runWasm();
    const runExifr = async () => {
      const t = [];
      for (const f of blobs) {
        const t0 = performance.now();
        try { await exifr.parse(f, { tiff: true, exif: true, gps: true, xmp: false, icc: false, iptc: false }); } catch {}
        t.push(performance.now() - t0);
      }
      return t;
    };
    await runExifr();
    const exifrWarm = await runExifr();
    pf.terminate();
    return { first, warm, exifrWarm, sizes: blobs.map((b) => b.size) };
  }, files);
} finally {
  await browser.close();
  await server.close();
}

const nativeLine = output('cargo', ['bench', '--quiet', '--bench', 'header']);
const native = nativeLine ? JSON.parse(nativeLine.split('\n').pop()) : null;

const totalBytes = result.sizes.reduce((a, b) => a + b, 0);
const readBytes = result.warm.bytesRead.reduce((a, b) => a + b, 0);
const summary = {
  files: files.length,
  corpus_mb: +(totalBytes / 1e6).toFixed(1),
  wasm_in_worker_ms: { median: +median(result.warm.inWorker).toFixed(3), p90: +p90(result.warm.inWorker).toFixed(3) },
  wasm_round_trip_ms: { median: +median(result.warm.roundTrip).toFixed(3), p90: +p90(result.warm.roundTrip).toFixed(3) },
  wasm_cold_in_worker_ms: { median: +median(result.first.inWorker).toFixed(3) },
  exifr_ms: { median: +median(result.exifrWarm).toFixed(3), p90: +p90(result.exifrWarm).toFixed(3) },
  native_ms: native ? { median: native.median_ms, p90: native.p90_ms } : null,
  bytes_read_fraction: +(readBytes / totalBytes).toFixed(4),
};
summary.ratio_wasm_to_exifr = +(summary.wasm_in_worker_ms.median / summary.exifr_ms.median).toFixed(2);

mkdirSync(path.join(root, 'bench-results'), { recursive: true });
writeFileSync(path.join(root, 'bench-results/header.json'), JSON.stringify({ date: new Date().toISOString(), ...summary }, null, 2));

const row = (label, m) => console.log(`${label.padEnd(44)} ${m ? `${m.median.toFixed(3).padStart(8)} ms  p90 ${m.p90 !== undefined ? m.p90.toFixed(3) : '   -  '} ms` : 'n/a'}`);
console.log(`\nHeader-only checks, ${summary.files} corpus files (${summary.corpus_mb} MB), median per file:`);
row('wasm, inside the worker (warm)', summary.wasm_in_worker_ms);
row('wasm, page round trip (postMessage incl.)', summary.wasm_round_trip_ms);
row('wasm, inside the worker (first pass, cold)', { ...summary.wasm_cold_in_worker_ms });
row('exifr 7 in the same page (yardstick)', summary.exifr_ms);
row('native (cargo bench --bench header)', summary.native_ms);
console.log(`ratio wasm / exifr: ${summary.ratio_wasm_to_exifr}   bytes read: ${(summary.bytes_read_fraction * 100).toFixed(2)} % of the corpus`);
console.log('written: bench-results/header.json');
