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
import init, { Engine, manifestCsv, manifestJson, validateBrief, version, withTaxonomy } from './pkg/preflight.js';

// The types of everything here (options, Report, Brief, events…) are declared in preflight.d.ts,
// next to this file; the typedefs below re-export them for the JSDoc in this file and app.js.
/**
 * @typedef {import('./preflight.js').Verdict} Verdict
 * @typedef {import('./preflight.js').Finding} Finding
 * @typedef {import('./preflight.js').Metadata} Metadata
 * @typedef {import('./preflight.js').Report} Report
 * @typedef {import('./preflight.js').ReportInfo} ReportInfo
 * @typedef {import('./preflight.js').Overlay} Overlay
 * @typedef {import('./preflight.js').FileInput} FileInput
 * @typedef {import('./preflight.js').BriefProblem} BriefProblem
 * @typedef {import('./preflight.js').CheckOptions} CheckOptions
 * @typedef {import('./preflight.js').BatchResult} BatchResult
 * @typedef {import('./preflight.js').PreflightOptions} PreflightOptions
 * @typedef {import('./preflight.js').ReadyInfo} ReadyInfo
 * @typedef {import('./preflight.js').Preflight} Preflight
 * @typedef {import('./preflight.js').CleanCopy} CleanCopy
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

/** `base` as an absolute folder URL (with its trailing slash, so file names resolve inside it). */
function folderUrl(/** @type {string|URL} */ base) {
  const url = new URL(base, globalThis.document?.baseURI ?? location.href);
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url.href;
}

/**
 * Starts a pool of workers checking files against `brief`.
 *
 * The returned object is an `EventTarget`: besides the callbacks, it dispatches `ready`,
 * `error` (startup failed), `report`, `progress` and `batch` as `CustomEvent`s (see
 * `PreflightEventMap` in preflight.d.ts for each `detail`).
 * @param {PreflightOptions} [options]
 * @returns {Preflight}
 */
export function createPreflight({ brief = DEFAULT_BRIEF, workers, models, wasmUrl, fullWasmUrl, detectWasmUrl, timeoutMs = 60_000, onReady } = {}) {
  const size = Math.max(1, Math.floor(workers ?? Math.min(navigator.hardwareConcurrency || 2, 4)));
  const workerUrl = new URL('./worker.js', import.meta.url);
  // Detection models are fetched by the workers, once each, only for briefs with faces/plates rules.
  const modelsUrl = folderUrl(models ?? new URL('./pkg/models/', import.meta.url));
  const events = new EventTarget();
  const emit = (/** @type {string} */ type, /** @type {any} */ detail) => {
    try { events.dispatchEvent(new CustomEvent(type, { detail })); } catch (e) { setTimeout(() => { throw e; }); }
  };
  // Two builds of one engine (same JS glue): the small header-only one, always loaded, and the
  // one with pixel decoders (~3× larger), fetched the first time a brief has pixel rules.
  /** @type {WebAssembly.Module} */ let lite;
  /** @type {Promise<WebAssembly.Module>|null} */ let fullPromise = null;
  /** @type {WebAssembly.Module} */ let module;      // what new workers get
  const fullModule = () => (fullPromise ??= compile(fullWasmUrl ?? new URL('./pkg/full/preflight_bg.wasm', import.meta.url)));
  // A third build, with face and plate detection (our ONNX interpreter; models fetched apart), only for briefs
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
   *   total: number, resolve: Function, reject: Function, aborted: boolean }} Batch
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
    emit('report', { report, file: job.file, info });
    b.left--;
    emit('progress', { done: b.total - b.left, total: b.total });
    if (b.left === 0) finish(b);
  }

  /** Every file of `b` is reported: run the brief's batch rules (in a worker), then resolve. */
  function finish(/** @type {Batch} */ b) {
    if (!hasBatch || !b.runBatch) { b.resolve(b.results); return; }
    runBatch(b.results).then((out) => {
      if (b.aborted) return;
      b.results = out.reports;
      try { b.onBatch?.(out); } catch (e) { setTimeout(() => { throw e; }); }
      emit('batch', out);
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
  /** Starts a worker on `mod` (by default the build the brief needs). @param {Slot} slot @param {WebAssembly.Module} [mod] */
  function spawn(slot, mod = module) {
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
    slot.module = mod;
    w.postMessage({ type: 'init', module: mod, build: mod === detectMod ? 'detect' : 'main', brief: current?.json, modelsUrl });
  }

  /** The worker died or hung: its file gets an error report, a fresh worker takes its place. */
  function replace(/** @type {Slot} */ slot, /** @type {string|null} */ reason) {
    clearTimeout(slot.timer);
    const job = slot.job;
    slot.job = null;
    slot.w.terminate();
    if (job && reason) deliver(job, errorReport(job.name, job.file.size, reason), { io: null, ms: 0, index: job.index, overlay: null });
    for (const [id, run] of replies) if (run.slot === slot) reply(id, null, reason ?? 'the checker was restarted');
    if (slot === cleaner) cleaner = null;           // started again when next needed
    else if (!terminated) spawn(slot);
  }

  /**
   * Clean copies need the rewriters, which only the pixel and detection engines carry. Under a
   * header-only brief they are made by a worker of the pixel engine of their own, started on the
   * first copy and kept for the next (it follows the brief).
   * @type {Slot|null}
   */
  let cleaner = null;
  async function cleanSlot() {
    if (module !== lite) {
      cleaner?.w.terminate();
      cleaner = null;
      const slot = slots.find((s) => s.live && !s.job) ?? slots.find((s) => s.live);
      if (!slot) throw new Error('no checker is running');
      return slot;
    }
    if (cleaner?.dead) cleaner = null;              // it could not start: try again
    if (!cleaner) {
      const mod = await fullModule();
      cleaner = /** @type {Slot} */ ({ job: null, timer: null, live: false });
      spawn(cleaner, mod);
    }
    await cleaner.ready;
    return cleaner;
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
    emit('ready', info);
    return info;
  })();
  ready.catch((error) => emit('error', { error }));

  /** @type {Omit<Preflight, keyof EventTarget>} */
  const api = {
    ready,
    get version() { return ver; },

    /**
     * The batch manifest as CSV: one row per report, every check's verdict and measured value —
     * byte-for-byte what `preflight check --manifest` writes for the same reports.
     * @param {Report[]} reports @returns {string}
     */
    manifest(reports) { return manifestCsv(JSON.stringify(reports)); },
    /**
     * The same manifest as JSON (`{ preflight_manifest: 1, generator, columns, files }`, one object
     * per file with typed values and a `checks` map) — what `preflight check --manifest out.json` writes.
     * @param {Report[]} reports @returns {string}
     */
    manifestJson(reports) { return manifestJson(JSON.stringify(reports)); },

    /**
     * A brief (object or JSON text) with the buyer's taxonomy file placed in as
     * `checks.labels.taxonomy` — the same as the CLI's `--taxonomy FILE`. The file is JSON (a tree
     * or a list of paths) or one `a > b > c` path per line. Returns the new brief's JSON text (pass
     * it to `setBrief`); throws like `setBrief` (`err.problems`) when the brief or the file is wrong.
     * @param {object|string} brief @param {string} taxonomy @param {string} name the file's name, for messages
     * @returns {string}
     */
    withTaxonomy(brief, taxonomy, name) {
      const text = typeof brief === 'string' ? brief : JSON.stringify(brief);
      const r = JSON.parse(withTaxonomy(text, taxonomy, name));
      if (r.problems) {
        const err = new Error(`Invalid brief:\n${r.problems.map((/** @type {BriefProblem} */ p) => `${p.path ? `${p.path}: ` : ''}${p.message}`).join('\n')}`);
        /** @type {any} */ (err).problems = r.problems;
        throw err;
      }
      return r.brief;
    },
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
      const slot = await cleanSlot();
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
        const batch = { onReport, onThumbnail, onBatch, runBatch: runBatchRules, results: new Array(list.length), left: list.length,
          total: list.length, resolve, reject, aborted: false };
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
      cleaner?.w.postMessage({ type: 'brief', brief: b.json });
      return String(b.brief.name ?? '');
    },

    /** Stops handing out files (those being checked finish); `resume()` continues. */
    pause() { paused = true; },
    resume() { paused = false; pump(); },
    get paused() { return paused; },

    terminate() {
      terminated = true;
      for (const slot of slots) { clearTimeout(slot.timer); slot.w?.terminate(); }
      cleaner?.w.terminate();
      const pending = new Set(queue.map((j) => j.batch));
      for (const slot of slots) if (slot.job) pending.add(slot.job.batch);
      queue.length = 0;
      for (const b of pending) if (!b.aborted && b.left > 0) b.reject(new Error('preflight was terminated'));
    },
  };
  // One object that is both the API and an EventTarget (getters kept, so `paused` stays live).
  return /** @type {Preflight} */ (Object.defineProperties(events, Object.getOwnPropertyDescriptors(api)));
}
