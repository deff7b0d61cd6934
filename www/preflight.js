// preflight — check photos against a buyer's brief, locally, in Web Workers.
//
//   import { createPreflight } from './preflight.js';
//   const pf = createPreflight({ brief: await (await fetch('brief.json')).json() });
//   await pf.ready;
//   const reports = await pf.check(input.files, (report) => console.log(report.file, report.verdict));
//
// The wasm is fetched and compiled once, here, and the compiled module is handed to every
// worker: after `ready` resolves, checking files never touches the network. Files are passed
// to workers by reference (structured clone of a File is a handle, not a copy) one at a time,
// and each worker reads only the byte ranges the parsers ask for.
import init, { Engine, manifestCsv, validateBrief, version } from './pkg/preflight.js';

/**
 * @typedef {'pass'|'warn'|'fail'|'error'} Verdict
 * @typedef {{ check: string, verdict: Verdict, measured: string|null, expected: string|null, message: string }} Finding
 * @typedef {{ lat: number, lon: number, alt: number|null }} Gps
 * @typedef {{ make: string|null, model: string|null, lens_make: string|null, lens_model: string|null,
 *   body_serial: string|null, lens_serial: string|null, datetime_original: string|null,
 *   offset_time_original: string|null, create_date: string|null, gps: Gps|null,
 *   focal_length_mm: number|null, focal_length_35mm: number|null, f_number: number|null,
 *   exposure_time_s: number|null, iso: number|null, orientation: number|null, software: string|null,
 *   artist: string|null, copyright: string|null, keywords: string[], hierarchical_keywords: string[],
 *   title: string|null, description: string|null, blocks: string[], warnings: string[] }} Metadata
 * @typedef {{ analysed: 'image'|'embedded_preview', width: number, height: number, highlights_percent: number|null,
 *   shadows_percent: number|null, largest_highlight_area_percent: number|null, largest_shadow_area_percent: number|null,
 *   brightness_percent: number|null, sharpest_tile: number|null, in_focus_percent: number|null, blur: string|null,
 *   entropy_bits: number|null, grayscale_as_rgb: boolean|null, noise_sigma: number|null, detail_ratio: number|null }} Pixels
 *   What the pixel checks measured (present only when the brief has pixel rules).
 * @typedef {{ file: string, file_size: number, format: string|null, width: number|null, height: number|null,
 *   megapixels: number|null, bit_depth: number|null, metadata: Metadata, pixels?: Pixels|null,
 *   faces?: ObjectBox[]|null, plates?: ObjectBox[]|null, findings: Finding[], verdict: Verdict }} Report
 *   `faces` / `plates`: null unless the brief has such a block and detection ran.
 * @typedef {{ file_size: number, bytes_read: number, read_calls: number }} IoStats
 * @typedef {{ width: number, height: number, mask: string }} ClipMask
 *   `mask`: base64, one byte per pixel of a `width` × `height` grid (≤ 320 px on its longer side)
 *   covering the whole image; bit 0 = blown highlight, bit 1 = crushed shadow.
 * @typedef {{ cols: number, rows: number, tile: number, in_focus: number, scores: number[] }} FocusGrid
 *   Laplacian variance per tile, row-major; tile (c, r) covers pixels [c·tile, (c+1)·tile) ×
 *   [r·tile, (r+1)·tile) of the overlay's width × height; a score ≥ `in_focus` is in focus.
 * @typedef {{ width: number, height: number, clip: ClipMask|null, focus: FocusGrid|null }} Overlay
 *   Where the pixel problems are, in the analysed image's *stored* orientation (EXIF
 *   orientation not applied: rotate/flip by `report.metadata.orientation` to draw it on a preview).
 *   Not part of the report (reports stay identical to the CLI's).
 * @typedef {{ io: IoStats|null, ms: number, index: number, overlay: Overlay|null }} ReportInfo
 *   `overlay` is null when the brief has no pixel rules or the file could not be analysed.
 * @typedef {File | Blob | { file: Blob, name: string }} FileInput
 *   A `File` is reported under its `webkitRelativePath` (folder pickers) or `name`; pass
 *   `{ file, name }` to choose the name yourself (e.g. a path inside a dropped folder).
 * @typedef {{ path: string, message: string }} BriefProblem
 * @typedef {{
 *   signal?: AbortSignal,
 *   thumbnailSize?: number,
 *   onThumbnail?: (bitmap: ImageBitmap, file: Blob, index: number) => void,
 *   onBatch?: (result: BatchResult) => void,
 *   batch?: boolean,
 * }} CheckOptions
 *   Briefs with `duplicates` / `series` rules: once every file is reported, the batch rules run
 *   over them (unless `batch: false`), `onBatch` gets the reports updated with the batch
 *   findings, and `check` resolves with those — what the CLI prints for the same files.
 * @typedef {{ kind: 'exact'|'near', files: string[] }} DuplicateGroup
 * @typedef {{ reports: Report[], groups: DuplicateGroup[], overlap_percent: (number|null)[], error: string|null }} BatchResult
 *   `overlap_percent[i]`: file i's overlap with the previous frame of the scan (series.overlap);
 *   `error`: the batch rules could not run (the reports are then the per-file ones).
 *   `onThumbnail` receives a small ImageBitmap (longer side `thumbnailSize`, default 320 px),
 *   decoded in the worker, for formats the browser can decode; you own it (call `close()`).
 * @typedef {{
 *   brief?: object|string,
 *   workers?: number,
 *   wasmUrl?: string|URL,
 *   fullWasmUrl?: string|URL,
 *   detectWasmUrl?: string|URL,
 *   timeoutMs?: number,
 *   onReady?: (info: ReadyInfo) => void,
 * }} PreflightOptions
 * @typedef {{ version: string, briefName: string, workers: number }} ReadyInfo
 * @typedef {{ blob: Blob, format: 'JPEG'|'PNG'|'WEBP', lossless: boolean, removed: string[], notes: string[], blurred: number }} CleanCopy
 *   A clean copy: `removed` names each thing left out and why; `lossless`: image data copied byte for byte.
 * @typedef {{ x: number, y: number, w: number, h: number, score: number }} ObjectBox
 *   A face or licence plate: top-left corner and size in full-size pixels of the image as
 *   displayed (EXIF orientation applied), score 0–1.
 * @typedef {{
 *   ready: Promise<ReadyInfo>,
 *   check(files: Iterable<FileInput>|ArrayLike<FileInput>, onReport?: (report: Report, file: Blob, info: ReportInfo) => void, options?: CheckOptions): Promise<Report[]>,
 *   batch(reports: Report[]): Promise<BatchResult>,
 *   memory(): Promise<number[]>,
 *   setBrief(brief: object|string): Promise<string>,
 *   pause(): void,
 *   resume(): void,
 *   readonly paused: boolean,
 *   manifest(reports: Report[]): string,
 *   clean(file: Blob, report: Report|null, options?: { blur?: ('faces'|'plates')[] }): Promise<CleanCopy>,
 *   terminate(): void,
 *   readonly version: string,
 *   readonly brief: object|null,
 * }} Preflight
 */

const DEFAULT_BRIEF = { preflight_brief: 1, name: 'General photo check', checks: {} };

/**
 * Counts reports per verdict.
 * @param {Iterable<Pick<Report, 'verdict'>>} reports
 * @returns {{ pass: number, warn: number, fail: number, error: number, total: number }}
 */
export function summarize(reports) {
  const counts = { pass: 0, warn: 0, fail: 0, error: 0, total: 0 };
  for (const r of reports) {
    if (r && r.verdict in counts && r.verdict !== 'total') counts[r.verdict]++;
    counts.total++;
  }
  return counts;
}

/**
 * A report for a file that could not be checked at all (worker crash, timeout…): same shape as
 * the engine's, verdict `error`, one `read` finding saying why.
 * @param {string} name @param {number} size @param {string} reason @returns {Report}
 */
export function errorReport(name, size, reason) {
  return {
    file: name, file_size: size, format: null, width: null, height: null, megapixels: null, bit_depth: null,
    metadata: {
      make: null, model: null, lens_make: null, lens_model: null, body_serial: null, lens_serial: null,
      datetime_original: null, offset_time_original: null, create_date: null, gps: null,
      focal_length_mm: null, focal_length_35mm: null, f_number: null, exposure_time_s: null, iso: null,
      orientation: null, software: null, artist: null, copyright: null,
      keywords: [], hierarchical_keywords: [], title: null, description: null, blocks: [], warnings: [],
    },
    findings: [{ check: 'read', verdict: 'error', measured: null, expected: null,
      message: `Could not check this file: ${reason}. Try again; if it keeps failing, open the file in an image viewer to see whether it is damaged.` }],
    verdict: 'error',
  };
}

/**
 * Parses and validates a brief (object or JSON text). Throws an Error listing every problem,
 * one per line, with `.problems` = `[{ path, message }]`.
 * @param {object|string} brief @returns {{ json: string, brief: any }}
 */
function normaliseBrief(brief) {
  /** @type {BriefProblem[]} */
  let problems;
  let parsed = brief;
  const json = typeof brief === 'string' ? brief : JSON.stringify(brief);
  if (typeof brief === 'string') {
    try { parsed = JSON.parse(brief); } catch (e) {
      problems = [{ path: '(file)', message: `not valid JSON: ${e.message}` }];
    }
  }
  if (!problems && (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))) {
    problems = [{ path: '(file)', message: 'a brief must be a JSON object' }];
  }
  problems ??= JSON.parse(validateBrief(json));
  if (problems.length) {
    const err = new Error(`Invalid brief:\n${problems.map((p) => `${p.path}: ${p.message}`).join('\n')}`);
    /** @type {any} */ (err).problems = problems;
    throw err;
  }
  return { json, brief: parsed };
}

/** @param {string|URL} url */
async function compile(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`could not load ${url}: HTTP ${res.status}`);
  // compileStreaming needs `Content-Type: application/wasm`; fall back when a server gets it wrong.
  if (WebAssembly.compileStreaming && res.headers.get('content-type')?.startsWith('application/wasm')) {
    return WebAssembly.compileStreaming(res);
  }
  return WebAssembly.compile(await res.arrayBuffer());
}

/**
 * Starts a pool of workers checking files against `brief`.
 * @param {PreflightOptions} [options]
 * @returns {Preflight}
 */
export function createPreflight({ brief = DEFAULT_BRIEF, workers, wasmUrl, fullWasmUrl, detectWasmUrl, timeoutMs = 60_000, onReady } = {}) {
  const size = Math.max(1, Math.floor(workers ?? Math.min(navigator.hardwareConcurrency || 2, 4)));
  const workerUrl = new URL('./worker.js', import.meta.url);
  // Two builds of one engine (same JS glue): the small header-only one, always loaded, and the
  // one with pixel decoders (~3× larger), fetched the first time a brief has pixel rules.
  /** @type {WebAssembly.Module} */ let lite;
  /** @type {Promise<WebAssembly.Module>|null} */ let fullPromise = null;
  /** @type {WebAssembly.Module} */ let module;      // what new workers get
  const fullModule = () => (fullPromise ??= compile(fullWasmUrl ?? new URL('./pkg/full/preflight_bg.wasm', import.meta.url)));
  // A third build, with face and plate detection (tract + models, several MB), only for briefs
  // with `faces` / `plates` rules. It has its own JS glue; its workers fetch the models once.
  /** @type {Promise<WebAssembly.Module>|null} */ let detectPromise = null;
  /** @type {WebAssembly.Module|null} */ let detectMod = null;
  const detectModule = () => (detectPromise ??= compile(detectWasmUrl ?? new URL('./pkg/detect/preflight_bg.wasm', import.meta.url))
    .then((m) => (detectMod = m)));
  /** The build a brief needs (falls back to a smaller one if a bigger one cannot load: the
   *  findings then say that detection or pixel checks were unavailable). */
  async function moduleFor(/** @type {string} */ json) {
    const e = new Engine(json);
    const pixels = e.needsPixels, detect = e.needsDetection;
    hasBatch = e.hasBatchRules;
    e.free();
    if (detect) {
      try { return await detectModule(); } catch { detectPromise = null; }
    }
    if (!pixels && !detect) return lite;
    try { return await fullModule(); } catch { fullPromise = null; return lite; }
  }
  let current = /** @type {{ json: string, brief: any } | null} */ (null);
  /** The current brief has batch rules (duplicates, series): run them when a batch completes. */
  let hasBatch = false;
  let paused = false;
  let ver = '';
  let terminated = false;
  let nextId = 1;

  /**
   * @typedef {{ id: number, file: Blob, name: string, index: number, thumb: number, batch: Batch, reported: boolean }} Job
   * @typedef {{ onReport?: Function, onThumbnail?: Function, onBatch?: Function, runBatch: boolean, results: Report[], left: number,
   *   resolve: Function, reject: Function, aborted: boolean }} Batch
   * @typedef {{ w: Worker, job: Job|null, timer: any, ready: Promise<void>, live: boolean, dead?: boolean, module?: WebAssembly.Module }} Slot
   */
  /** @type {Job[]} */ const queue = [];
  /** @type {Slot[]} */ const slots = [];
  /** Requests waiting for a worker's answer (batch-rule runs, memory sizes), by message id. @type {Map<number, { slot: Slot, done: Function }>} */
  const replies = new Map();

  /** @param {Job} job @param {Report} report @param {ReportInfo} info */
  function deliver(job, report, info) {
    if (job.reported) return;
    job.reported = true;
    const b = job.batch;
    if (b.aborted) return;
    b.results[job.index] = report;
    try { b.onReport?.(report, job.file, info); } catch (e) { setTimeout(() => { throw e; }); }
    if (--b.left === 0) finish(b);
  }

  /** Every file of `b` is reported: run the brief's batch rules (in a worker), then resolve. */
  function finish(/** @type {Batch} */ b) {
    if (!hasBatch || !b.runBatch) { b.resolve(b.results); return; }
    runBatch(b.results).then((out) => {
      if (b.aborted) return;
      b.results = out.reports;
      try { b.onBatch?.(out); } catch (e) { setTimeout(() => { throw e; }); }
      b.resolve(b.results);
    });
  }

  /**
   * The brief's batch rules over `reports`, in a worker (never rejects: a failure comes back as
   * `error` with the reports unchanged).
   * @param {Report[]} reports @returns {Promise<BatchResult>}
   */
  function runBatch(reports) {
    const unchanged = (/** @type {string} */ error) =>
      ({ reports, groups: [], overlap_percent: reports.map(() => null), error });
    const slot = slots.find((s) => s.live && !s.job) ?? slots.find((s) => s.live);
    if (!hasBatch) return Promise.resolve({ ...unchanged(''), error: null });
    if (!slot) return Promise.resolve(unchanged('no checker is running'));
    const id = nextId++;
    return new Promise((resolve) => {
      replies.set(id, {
        slot,
        done: (/** @type {string|null} */ result, /** @type {string|null} */ error) =>
          resolve(result ? { ...JSON.parse(result), error: null } : unchanged(error ?? 'unknown error')),
      });
      slot.w.postMessage({ type: 'batch', id, reports: JSON.stringify(reports) });
    });
  }

  /** A worker answered request `id` (`result`) or it failed (`error`). */
  function reply(/** @type {number} */ id, /** @type {string|null} */ result, /** @type {string|null} */ error) {
    const run = replies.get(id);
    if (!run) return;
    replies.delete(id);
    run.done(result, error);
  }

  /** @param {Slot} slot */
  function spawn(slot) {
    const w = new Worker(workerUrl, { type: 'module', name: 'preflight' });
    slot.w = w;
    slot.job = null;
    slot.live = false;
    slot.ready = new Promise((ok, ko) => {
      /** Before `ready` a failure means the worker cannot start: give up on this slot. */
      const broken = (/** @type {string} */ reason) => {
        if (slot.live) { replace(slot, reason); return; }
        slot.dead = true;
        w.terminate();
        ko(new Error(reason));
        pump();
      };
      w.onmessage = ({ data: m }) => {
        if (m.type === 'ready') { slot.live = true; slot.dead = false; ok(); pump(); return; }
        if (m.type === 'init-error' || m.type === 'crash') { broken(`the checker stopped (${m.message})`); return; }
        if (m.type === 'batch-result') { reply(m.id, m.result, null); return; }
        if (m.type === 'memory') { reply(m.id, String(m.bytes), null); return; }
        if (m.type === 'batch-failed') { reply(m.id, null, m.message); return; }
        if (m.type === 'clean-result') { reply(m.id, m, null); return; }
        if (m.type === 'clean-failed') { reply(m.id, null, m.message); return; }
        const job = slot.job;
        if (!job || job.id !== m.id) return;           // stale message from a replaced job
        if (m.type === 'report') {
          deliver(job, m.report, { io: m.io, ms: m.ms, index: job.index, overlay: m.overlay ?? null });
        } else if (m.type === 'failed') {
          deliver(job, errorReport(job.name, job.file.size, m.message), { io: null, ms: 0, index: job.index, overlay: null });
          if (m.fatal) replace(slot, null);
        } else if (m.type === 'done') {
          clearTimeout(slot.timer);
          if (m.bitmap) {
            if (!job.batch.aborted && job.batch.onThumbnail) {
              try { job.batch.onThumbnail(m.bitmap, job.file, job.index); } catch (e) { setTimeout(() => { throw e; }); }
            } else m.bitmap.close();
          }
          slot.job = null;
          if (slot.module !== module) { replace(slot, null); return; }   // the brief switched engine builds
          pump();
        }
      };
      w.onerror = (ev) => { ev.preventDefault(); broken(`the checker crashed (${ev.message || 'worker error'})`); };
      w.onmessageerror = () => broken('the file could not be passed to the checker');
    });
    slot.ready.catch(() => {});
    slot.module = module;
    w.postMessage({ type: 'init', module, build: module === detectMod ? 'detect' : 'main', brief: current?.json });
  }

  /** The worker died or hung: its file gets an error report, a fresh worker takes its place. */
  function replace(/** @type {Slot} */ slot, /** @type {string|null} */ reason) {
    clearTimeout(slot.timer);
    const job = slot.job;
    slot.job = null;
    slot.w.terminate();
    if (job && reason) deliver(job, errorReport(job.name, job.file.size, reason), { io: null, ms: 0, index: job.index, overlay: null });
    for (const [id, run] of replies) if (run.slot === slot) reply(id, null, reason ?? 'the checker was restarted');
    if (!terminated) spawn(slot);
  }

  function pump() {
    if (terminated || paused) return;
    if (queue.length && slots.length && slots.every((s) => s.dead)) {
      // No worker could start: fail the queue rather than wait forever.
      for (const job of queue.splice(0)) deliver(job, errorReport(job.name, job.file.size, 'the checker could not start'), { io: null, ms: 0, index: job.index, overlay: null });
      return;
    }
    for (const slot of slots) {
      if (!queue.length) return;
      if (slot.job || !slot.live) continue;
      const job = queue.shift();
      if (job.batch.aborted) continue;
      slot.job = job;
      const limit = timeoutMs < 1000 ? `${Math.round(timeoutMs)} ms` : `${+(timeoutMs / 1000).toFixed(1)} s`;
      slot.timer = setTimeout(() => replace(slot, `checking took longer than ${limit}`), timeoutMs);
      slot.w.postMessage({ type: 'check', id: job.id, file: job.file, name: job.name, nowMs: Date.now(), thumb: job.thumb });
    }
  }

  const ready = (async () => {
    const url = wasmUrl ?? new URL('./pkg/preflight_bg.wasm', import.meta.url);
    lite = await compile(url);
    await init({ module_or_path: lite });         // main-thread instance: brief validation, version
    ver = version();
    current = normaliseBrief(brief);
    module = await moduleFor(current.json);
    for (let i = 0; i < size; i++) { const slot = /** @type {Slot} */ ({}); slots.push(slot); spawn(slot); }
    const started = await Promise.allSettled(slots.map((s) => s.ready));
    const failed = started.find((s) => s.status === 'rejected');
    if (failed && started.every((s) => s.status === 'rejected')) {
      throw new Error(`preflight could not start its workers: ${/** @type {any} */ (failed).reason?.message}`);
    }
    /** @type {ReadyInfo} */
    const info = { version: ver, briefName: String(current.brief.name ?? ''), workers: size };
    onReady?.(info);
    return info;
  })();
  ready.catch(() => {});

  return {
    ready,
    get version() { return ver; },

    /**
     * The batch manifest as CSV: one row per report, every check's verdict and measured value —
     * byte-for-byte what `preflight check --manifest` writes for the same reports.
     * @param {Report[]} reports @returns {string}
     */
    manifest(reports) { return manifestCsv(JSON.stringify(reports)); },
    get brief() { return current?.brief ?? null; },

    /**
     * The brief's batch rules (duplicates, series) over reports from earlier `check` calls —
     * for a page that adds files in several drops and judges them together.
     * @param {Report[]} reports @returns {Promise<BatchResult>}
     */
    async batch(reports) { await ready; return runBatch(reports); },

    /**
     * Each live worker's wasm memory in MB (wasm memory never shrinks: its peak so far).
     * @returns {Promise<number[]>}
     */
    async memory() {
      await ready;
      return Promise.all(slots.filter((s) => s.live).map((slot) => new Promise((resolve) => {
        const id = nextId++;
        replies.set(id, { slot, done: (/** @type {string|null} */ bytes) => resolve(Number(bytes) / 1e6) });
        slot.w.postMessage({ type: 'memory', id });
      })));
    },

    /**
     * A clean copy of `file` for the current brief (see "Clean copies" in the README): the
     * metadata it forbids removed, losslessly; with `blur: ['faces', 'plates']` the report's
     * boxes of those kinds blurred (JPEG, re-encoded; the brief must have looked for them).
     * Rejects with the reason when no copy can be made.
     * @param {Blob} file @param {Report|null} report @param {{ blur?: ('faces'|'plates')[] }} [options]
     * @returns {Promise<CleanCopy>}
     */
    async clean(file, report, { blur = [] } = {}) {
      await ready;
      const regions = blur.flatMap((kind) => {
        const boxes = report?.[kind];
        if (!Array.isArray(boxes)) throw new Error(`${kind} were not looked for (the brief has no ${kind} rule), so they cannot be blurred`);
        return boxes;
      });
      const slot = slots.find((s) => s.live && !s.job) ?? slots.find((s) => s.live);
      if (!slot) throw new Error('no checker is running');
      const id = nextId++;
      const m = await new Promise((resolve, reject) => {
        replies.set(id, { slot, done: (/** @type {any} */ res, /** @type {string|null} */ err) => (res ? resolve(res) : reject(new Error(err ?? 'unknown error'))) });
        slot.w.postMessage({ type: 'clean', id, file, regions: JSON.stringify(regions) });
      });
      const summary = JSON.parse(m.summary);
      const type = { JPEG: 'image/jpeg', PNG: 'image/png', WEBP: 'image/webp' }[/** @type {string} */ (summary.format)] ?? '';
      return { ...summary, blob: new Blob([m.bytes], { type }) };
    },

    async check(files, onReport, { signal, onThumbnail, onBatch, batch: runBatchRules = true, thumbnailSize = 320 } = {}) {
      await ready;
      if (terminated) throw new Error('preflight was terminated');
      signal?.throwIfAborted();
      const list = Array.from(/** @type {Iterable<FileInput>} */ (files));
      if (!list.length) return [];
      return new Promise((resolve, reject) => {
        /** @type {Batch} */
        const batch = { onReport, onThumbnail, onBatch, runBatch: runBatchRules, results: new Array(list.length), left: list.length, resolve, reject, aborted: false };
        signal?.addEventListener('abort', () => {
          batch.aborted = true;
          for (let i = queue.length - 1; i >= 0; i--) if (queue[i].batch === batch) queue.splice(i, 1);
          reject(signal.reason ?? new DOMException('Aborted', 'AbortError'));
        }, { once: true });
        list.forEach((item, index) => {
          const file = item instanceof Blob ? item : item.file;
          const name = item instanceof Blob
            ? (/** @type {File} */ (item).webkitRelativePath || /** @type {File} */ (item).name || `file-${index + 1}`)
            : item.name;
          queue.push({ id: nextId++, file, name, index, thumb: onThumbnail ? thumbnailSize : 0, batch, reported: false });
        });
        pump();
      });
    },

    async setBrief(next) {
      await ready;
      const b = normaliseBrief(next);    // throws on problems; the current brief stays
      const needed = await moduleFor(b.json);
      current = b;
      if (needed !== module) {
        // Another engine build: idle workers restart with it now, busy ones after their file.
        module = needed;
        for (const slot of slots) if (!slot.job && !slot.dead) replace(slot, null);
        await Promise.allSettled(slots.map((s) => s.ready));
        return String(b.brief.name ?? '');
      }
      // Workers handle messages in order: every check posted after this uses the new brief.
      for (const slot of slots) slot.w.postMessage({ type: 'brief', brief: b.json });
      return String(b.brief.name ?? '');
    },

    /** Stops handing out files (those being checked finish); `resume()` continues. */
    pause() { paused = true; },
    resume() { paused = false; pump(); },
    get paused() { return paused; },

    terminate() {
      terminated = true;
      for (const slot of slots) { clearTimeout(slot.timer); slot.w?.terminate(); }
      const pending = new Set(queue.map((j) => j.batch));
      for (const slot of slots) if (slot.job) pending.add(slot.job.batch);
      queue.length = 0;
      for (const b of pending) if (!b.aborted && b.left > 0) b.reject(new Error('preflight was terminated'));
    },
  };
}
