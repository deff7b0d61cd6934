// preflight worker: one Engine per worker, one file at a time. Started by preflight.js.
//
// Protocol (page → worker):
//   { type: 'init',  module: WebAssembly.Module, build: 'main'|'detect', brief: string, modelsUrl?: string }
//        → { type: 'ready', name, modelsMs } | { type: 'init-error', message }
//      (`build`: which JS glue the module needs; the detection build also fetches the two models,
//       once, from `modelsUrl` (a folder; default ./pkg/models/ beside this file), before it says
//       ready — `modelsMs` is what that took)
//   { type: 'brief', brief: string }                                → (nothing; later checks use it) | { type: 'init-error', message }
//   { type: 'check', id, file: File|Blob, name, nowMs, thumb: number } →
//        { type: 'report', id, report, io, ms, overlay } | { type: 'failed', id, message, fatal }
//      (`overlay`: where the pixel problems are, for drawing on the preview; null without pixel rules)
//      then { type: 'done', id, bitmap: ImageBitmap|null } (bitmap transferred; only when thumb > 0)
//   { type: 'batch', id, reports: string } → { type: 'batch-result', id, result: string } | { type: 'batch-failed', id, message }
//      (the brief's duplicates / series rules over a whole batch's reports: Engine.checkBatch)
//   { type: 'memory', id } → { type: 'memory', id, bytes }   (this worker's wasm memory size)
//   { type: 'clean', id, file: Blob, regions: string } → { type: 'clean-result', id, bytes: Uint8Array, summary: string }
//        | { type: 'clean-failed', id, message }   (Engine.clean: a clean copy; `regions` to blur, JSON)
/** The wasm-bindgen glue of the module this worker runs (header-only/full share one; detection has its own). */
let glue = /** @type {any} */ (null);
/** The instance's exports (for its memory size). */
let exports = /** @type {any} */ (null);
/** This worker's wasm memory in bytes, for devtools and the memory test (wasm memory never shrinks). */
/** @type {any} */ (self).preflightMemory = () => exports?.memory?.buffer.byteLength ?? 0;
/** @type {any} */
let engine = null;

/** Formats the browser itself can decode into a thumbnail (Chromium: no HEIC, TIFF or RAW). */
const DECODABLE = new Set(['JPEG', 'PNG', 'WEBP', 'AVIF', 'GIF', 'BMP']);
const DECODABLE_TYPES = /^image\/(jpeg|png|webp|avif|gif|bmp)$/;
/** Skip thumbnails of huge images: decoding them would cost a lot of memory for a 320 px preview. */
const MAX_THUMB_MP = 150;

const post = (msg, transfer) => self.postMessage(msg, transfer ?? []);

/** Formats preflight has no pixel decoder for, but a browser may (Chromium: AVIF; Safari: HEIC too). */
const BROWSER_PIXELS = new Set(['AVIF', 'HEIC']);
/** Above this, the RGBA copy a browser decode needs (4 bytes per pixel, twice) is not worth it. */
const MAX_BROWSER_DECODE_MP = 50;

/**
 * When the engine could not decode a file's pixels but the browser can, decode them here and
 * check again with them. Returns the better output, or the first one.
 * @param {Blob} file @param {string} name @param {number} nowMs @param {any} out
 */
async function withBrowserPixels(file, name, nowMs, out) {
  const r = out.report;
  const missing = r.findings.some((f) => f.check === 'pixels' && f.verdict === 'warn');
  if (!missing || !BROWSER_PIXELS.has(r.format) || (r.megapixels ?? 0) > MAX_BROWSER_DECODE_MP) return out;
  let bitmap;
  try { bitmap = await createImageBitmap(file, { imageOrientation: 'none' }); } catch { return out; } // no decoder here
  try {
    const { width, height } = bitmap;
    const ctx = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
    if (!ctx) return out;
    ctx.drawImage(bitmap, 0, 0);
    const rgba = ctx.getImageData(0, 0, width, height).data;
    return JSON.parse(engine.checkDecoded(file, name, nowMs, new Uint8Array(rgba.buffer), width, height));
  } finally {
    bitmap.close();
  }
}

/** @param {string} brief */
function setBrief(brief) {
  const next = new glue.Engine(brief);   // throws with every problem listed
  engine?.free();
  engine = next;
}

/** @param {Blob} file @param {any} report @param {number} size */
async function thumbnail(file, report, size) {
  const decodable = report.format ? DECODABLE.has(report.format) : DECODABLE_TYPES.test(file.type);
  if (!decodable || file.size === 0 || (report.megapixels ?? 0) > MAX_THUMB_MP) return null;
  // Fit the longer displayed side to `size` (EXIF orientation 5–8 swaps width and height).
  let { width: w, height: h } = report;
  if (report.metadata?.orientation >= 5) [w, h] = [h, w];
  const opts = /** @type {ImageBitmapOptions} */ ({ resizeQuality: 'medium', imageOrientation: 'from-image' });
  if (w && h && h > w) opts.resizeHeight = Math.min(size, h); else opts.resizeWidth = Math.min(size, w || size);
  try { return await createImageBitmap(file, opts); } catch { return null; }
}

/** The detection models, fetched from `base` (a folder URL) and parsed once per worker. Returns ms. */
async function loadModels(/** @type {string} */ base) {
  const t0 = performance.now();
  const get = async (/** @type {string} */ file) => {
    const res = await fetch(new URL(file, base));
    if (!res.ok) throw new Error(`could not load the detection model ${file}: HTTP ${res.status}`);
    return new Uint8Array(await res.arrayBuffer());
  };
  // Faces: YuNet. Plates: a text detector and a text reader (the plate verifier is built in).
  // Fetched together; when some fail, the first in this order is reported, whichever failed first.
  const got = await Promise.allSettled(['yunet.onnx', 'textdet.onnx', 'textrec.onnx'].map(get));
  const failed = got.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  const [face, text, reader] = got.map((r) => /** @type {PromiseFulfilledResult<Uint8Array>} */ (r).value);
  glue.loadModels(face, text, reader);
  return performance.now() - t0;
}

/** @param {any} msg */
async function handle(msg) {
  switch (msg.type) {
    case 'init':
      try {
        glue = await (msg.build === 'detect' ? import('./pkg/detect/preflight.js') : import('./pkg/preflight.js'));
        exports = glue.initSync({ module: msg.module });
        const modelsMs = msg.build === 'detect' ? await loadModels(msg.modelsUrl ?? new URL('./pkg/models/', import.meta.url).href) : null;
        setBrief(msg.brief);
        post({ type: 'ready', name: engine?.name ?? '', modelsMs });
      } catch (e) {
        post({ type: 'init-error', message: String(e?.message ?? e) });
      }
      break;
    case 'brief':
      try { setBrief(msg.brief); } catch (e) { post({ type: 'init-error', message: String(e?.message ?? e) }); }
      break;
    case 'memory':
      post({ type: 'memory', id: msg.id, bytes: exports?.memory?.buffer.byteLength ?? null });
      break;
    case 'batch':
      try {
        if (!engine) throw new Error('engine not initialised');
        post({ type: 'batch-result', id: msg.id, result: engine.checkBatch(msg.reports) });
      } catch (e) {
        post({ type: 'batch-failed', id: msg.id, message: String(e?.message ?? e) });
      }
      break;
    case 'clean':
      try {
        if (!engine) throw new Error('engine not initialised');
        const copy = engine.clean(new Uint8Array(await msg.file.arrayBuffer()), msg.regions);
        const bytes = copy.takeBytes();
        const summary = copy.summary;
        copy.free();
        post({ type: 'clean-result', id: msg.id, bytes, summary }, [bytes.buffer]);
      } catch (e) {
        post({ type: 'clean-failed', id: msg.id, message: String(e?.message ?? e) });
      }
      break;
    case 'check': {
      const { id, file, name, nowMs, thumb } = msg;
      let report = null;
      const t0 = performance.now();
      try {
        if (!engine) throw new Error('engine not initialised');
        const out = await withBrowserPixels(file, name, nowMs, JSON.parse(engine.check(file, name, nowMs)));
        report = out.report;
        post({ type: 'report', id, report, io: out.io, ms: performance.now() - t0, overlay: out.overlay ?? null });
      } catch (e) {
        // A wasm trap (RuntimeError) may leave the instance inconsistent: ask to be replaced.
        const fatal = e instanceof WebAssembly.RuntimeError || !(e instanceof Error) || e.name === 'RangeError';
        post({ type: 'failed', id, message: String(e?.message ?? e), fatal });
        if (fatal) return;
      }
      const bitmap = thumb > 0 && report ? await thumbnail(file, report, thumb) : null;
      post({ type: 'done', id, bitmap }, bitmap ? [bitmap] : []);
      break;
    }
  }
}
// One message at a time, in order (init awaits the glue and the models; a brief or a check
// posted meanwhile waits for it).
let turn = Promise.resolve();
self.onmessage = ({ data }) => { turn = turn.then(() => handle(data)); };
// Anything that escapes (e.g. an unhandled rejection) is reported instead of silently lost.
self.addEventListener('unhandledrejection', (ev) => {
  ev.preventDefault();
  post({ type: 'crash', message: String(ev.reason?.message ?? ev.reason) });
});
