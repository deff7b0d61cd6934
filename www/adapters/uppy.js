// preflight as an Uppy plugin (Uppy 4–6 plugin API): every file added is checked on this device;
// a file that fails the brief is removed (mode 'reject', default) or kept with Uppy's error mark
// and held back from upload (mode 'annotate'). Reasons show in Uppy's informer and, when
// annotated, on the file in the Dashboard. Each file's report goes into its meta
// (`preflight_verdict`, `preflight_report`), so uploaders send it along.
//
//   import { Uppy, Dashboard } from 'uppy';
//   import { PreflightUppy } from 'preflight/adapters/uppy.js';
//   new Uppy().use(Dashboard, { inline: true, target: '#uppy' }).use(PreflightUppy, { brief });
//
// Written against Uppy's plugin contract (what `uppy.use` calls: `id`, `type`, `install`,
// `uninstall`, `update`, `setOptions`) rather than extending `BasePlugin`, so this file needs no
// import from Uppy and works with any build of it (npm, bundle, CDN-free vendored copy).
import { createPreflight } from '../preflight.js';

const BLOCKING = new Set(['fail', 'error']);

/** @typedef {import('../preflight.js').Report} Report */

export class PreflightUppy {
  static VERSION = '0.1.0';

  /**
   * @param {any} uppy
   * @param {import('./uppy.js').PreflightUppyOptions} [opts]
   */
  constructor(uppy, opts = {}) {
    this.uppy = uppy;
    this.opts = { mode: 'reject', checkingMessage: 'Checking against the brief…', ...opts };
    this.id = this.opts.id ?? 'Preflight';
    this.type = 'modifier';
    /** @type {import('../preflight.js').Preflight|null} */
    this.preflight = null;
    /** Checks in flight, by Uppy file id (the upload waits for them). @type {Map<string, Promise<Report>>} */
    this.pending = new Map();
  }

  install() {
    const { preflight, brief, workers, models } = this.opts;
    this.ownsPreflight = !preflight;
    this.preflight = preflight ?? createPreflight({ brief, workers, models });
    this.uppy.on('files-added', this.onFilesAdded);
    this.uppy.addPreProcessor(this.beforeUpload);
  }

  uninstall() {
    this.uppy.off('files-added', this.onFilesAdded);
    this.uppy.removePreProcessor(this.beforeUpload);
    if (this.ownsPreflight) this.preflight?.terminate();
  }

  update() {}

  /** @param {object} opts */
  setOptions(opts) { Object.assign(this.opts, opts); }

  /** @param {any[]} files Uppy file objects */
  onFilesAdded = (files) => {
    const local = files.filter((f) => f.data instanceof Blob);   // remote (Companion) files have no bytes here
    if (!local.length || !this.preflight) return;
    for (const f of local) {
      this.uppy.emit('preprocess-progress', f, { mode: 'indeterminate', message: this.opts.checkingMessage });
    }
    const done = this.preflight.check(local.map((f) => ({ file: f.data, name: f.name })), (report, _blob, info) => {
      this.apply(local[info.index], report);
    });
    local.forEach((f, i) => this.pending.set(f.id, done.then((reports) => reports[i])));
    done.catch((err) => this.uppy.info({ message: 'preflight could not check the files', details: String(err?.message ?? err) }, 'error', 8000))
      .finally(() => { for (const f of local) this.pending.delete(f.id); });
  };

  /** Annotates or rejects one file by its report. @param {any} file @param {Report} report */
  apply(file, report) {
    if (!this.uppy.getFile(file.id)) return;                      // removed while it was being checked
    this.uppy.emit('preprocess-complete', file);
    this.uppy.setFileMeta(file.id, { preflight_verdict: report.verdict, preflight_report: JSON.stringify(report) });
    this.uppy.emit('preflight:report', file, report);
    if (!BLOCKING.has(report.verdict)) return;
    const reasons = report.findings.filter((f) => BLOCKING.has(f.verdict)).map((f) => f.message).join(' ');
    if (this.opts.mode === 'annotate') {
      this.uppy.setFileState(file.id, { error: reasons });
      this.uppy.info({ message: `${file.name} does not meet the brief`, details: reasons }, 'error', 10_000);
    } else {
      this.uppy.removeFile(file.id);
      this.uppy.info({ message: `${file.name} was not added: it does not meet the brief`, details: reasons }, 'error', 10_000);
    }
  }

  /** Uppy pre-processor: waits for pending checks, refuses to start while a file fails. @param {string[]} ids */
  beforeUpload = async (ids) => {
    await Promise.allSettled(ids.map((id) => this.pending.get(id)));
    const failing = ids.map((id) => this.uppy.getFile(id)).filter((f) => f && BLOCKING.has(f.meta.preflight_verdict));
    if (!failing.length) return;
    const err = /** @type {Error & { isUserFacing?: boolean, details?: string }} */ (
      new Error(`${failing.length} file${failing.length === 1 ? '' : 's'} do${failing.length === 1 ? 'es' : ''} not meet the brief`));
    err.isUserFacing = true;
    err.details = failing.map((f) => f.name).join(', ');
    throw err;
  };
}

export default PreflightUppy;
