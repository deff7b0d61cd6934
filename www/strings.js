// Every user-facing string of the page, one table per language: English here, German in
// strings.de.js (the same keys; tests/e2e/a11y.test.mjs checks that they match). Functions take
// the values they interpolate. The findings' messages and measured / expected values come from
// the Rust engine and stay English; check names, verdicts and everything the page says itself
// are translated.
import { de } from './strings.de.js';

const num = (/** @type {number} */ n) => Math.round(n).toLocaleString('en-US');
const pct = (/** @type {number} */ v) => `${v === 0 ? '0' : v < 0.1 ? '< 0.1' : v < 10 ? v.toFixed(1) : v.toFixed(0)} %`;

export const en = {
  product: 'preflight',
  tagline: 'Check photos against a buyer’s brief before you deliver.',
  promise: 'Checked on this device. Nothing is uploaded.',
  pageTitle: 'preflight — check photos against a brief, on this device',
  pageDescription: 'Check photos against a buyer’s brief, locally in your browser. Nothing is uploaded.',
  skipToResults: 'Skip to results',
  language: 'Language',
  updateReady: 'A new version of preflight is ready.',
  updateReload: 'Reload to use it',

  briefLabel: 'Brief',
  briefLoad: 'Load my own brief.json…',
  briefCustom: (name) => `Your brief: ${name || 'untitled'}`,
  briefErrorTitle: (file) => `${file ? `“${file}”` : 'This brief'} can’t be used:`,
  briefErrorKeep: 'The previous brief is still in use.',
  taxonomyLoad: 'Add a taxonomy file…',
  briefWithTaxonomy: (brief, file) => `${brief || 'untitled'} + ${file}`,
  taxonomyTerms: (n) => `${num(n)} ${n === 1 ? 'term' : 'terms'}`,
  briefLoadFailed: 'The list of briefs could not be loaded.',
  briefAsks: 'This brief checks:',
  briefNothing: 'Only basic sanity checks (the file is a readable photo).',
  briefOn: 'on',
  /** How a brief's `min_x` / `max_x` reads: [label before the operator, unit after the value]. */
  briefUnits: {
    megapixels: ['', ' MP'], mb: ['', ' MB'], kb: ['', ' KB'], bytes: ['', ' bytes'],
    width: ['width ', ' px'], height: ['height ', ' px'], short_side: ['short side ', ' px'], long_side: ['long side ', ' px'],
  },

  dropTitle: 'Drop photos or folders here',
  dropHint: 'JPEG, PNG, TIFF, WebP, HEIC, AVIF, DNG and other RAW — as many as you like.',
  pickFiles: 'Choose files…',
  pickFolder: 'Choose a folder…',
  dropZoneLabel: 'Drop photos or folders here, or press Enter or Space to choose files',
  starting: 'Starting the checker…',
  startFailed: (msg) => `The checker could not start: ${msg}`,
  readingFolders: 'Reading folders…',

  progressIdle: 'No files yet.',
  progress: (done, total) => `${done} of ${total} checked`,
  progressDone: (total) => `All ${total} ${total === 1 ? 'file' : 'files'} checked`,
  rate: (perSec, secsLeft) => ` · ${perSec >= 10 ? Math.round(perSec) : perSec.toFixed(1)} files/s · ${secsLeft < 60 ? `${Math.max(1, Math.round(secsLeft))} s` : `${Math.round(secsLeft / 60)} min`} left`,
  pausedNote: ' · paused',
  pause: 'Pause',
  resume: 'Resume',
  cancel: 'Cancel',
  cancelled: (n) => `Cancelled: ${n} ${n === 1 ? 'file was' : 'files were'} not checked; results so far are kept.`,
  allChecks: 'All checks',
  checkOption: (name, n) => n ? `${name} (${n})` : name,
  reason: (name, n) => `${name} ×${n}`,
  sortLabel: 'Order',
  sortDropped: 'As dropped',
  sortName: 'By name',
  sortVerdict: 'Worst first',
  checkFilterLabel: 'Only files with a problem in',
  groupLabel: (kind, i, n) => kind === 'exact' ? `Duplicate set ${i} · ${n} files, same pixels` : `Similar set ${i} · ${n} near-identical frames`,
  batchError: (why) => `The batch checks (duplicates, series) could not run: ${why}`,
  against: (brief) => ` against “${brief}”`,
  clear: 'Clear results',
  export: 'Save results (JSON)',
  exportName: 'preflight-results.json',
  exportCsv: 'Save manifest (CSV + JSON)',
  exportCsvName: 'manifest.csv',
  cleanCard: 'Make upload-ready copy',
  cleanBlur: (n) => `Copy with ${n} face${n === 1 ? '' : 's'}/plate${n === 1 ? '' : 's'} blurred`,
  cleanZip: 'Download clean copies (zip)',
  cleanWorking: 'Making the copy…',
  cleanZipWorking: (done, total) => `Making clean copies… ${done} of ${total}`,
  cleanMade: (c) => (c.removed.length
    ? `Removed: ${c.removed.join('; ')}.`
    : 'Nothing to remove: the copy carries no metadata the brief forbids.') + (c.notes.length ? ` ${c.notes.join('; ')}.` : ''),
  cleanFailed: (why) => `No copy made: ${why}`,
  cleanZipDone: (n, skipped, leftOut) =>
    `Saved ${n} clean cop${n === 1 ? 'y' : 'ies'}${skipped ? ` (${skipped} could not be copied: see reports.json)` : ''}`
    + `${leftOut ? `; ${leftOut} left out (still failing, or exact duplicates: see reports.json)` : ''}.`,
  cleanReady: 'Leave out copies that still fail, and exact duplicates',
  cleanZipName: 'clean-copies.zip',
  exportManifestJsonName: 'manifest.json',
  filterLabel: 'Show only',

  checking: 'checking…',
  verdict: { pass: 'Pass', warn: 'Warn', fail: 'Fail', error: 'Error', pending: 'Checking' },
  verdictIcon: { pass: '✓', warn: '!', fail: '✕', error: '⚠', pending: '…' },
  /** After the count on the summary's filter buttons: "3 pass". */
  chip: { pass: 'pass', warn: 'warn', fail: 'fail', error: 'error' },
  passedChecks: (n) => `${n} ${n === 1 ? 'check' : 'checks'} passed`,
  noFindings: 'No checks apply to this file under this brief.',
  measured: 'Measured',
  expected: 'Expected',
  unknownFormat: 'Unknown',
  bitDepth: (n) => `${n}-bit`,
  megapixels: (mp) => `${mp < 1 ? mp.toFixed(2) : mp.toFixed(1)} MP`,
  noPreview: 'No preview',
  /** The labels line on a card: the first few, then how many more. */
  keywordsLine: (/** @type {string[]} */ k) => `Labels: ${k.slice(0, 4).join(' · ')}${k.length > 4 ? ` (+${k.length - 4})` : ''}`,
  thumbAlt: (name) => `Preview of ${name}`,
  fileSize: (/** @type {number} */ n) => n < 1024 ? `${n} B` : n < 1048576 ? `${(n / 1024).toFixed(0)} KB`
    : n < 1073741824 ? `${(n / 1048576).toFixed(1)} MB` : `${(n / 1073741824).toFixed(2)} GB`,

  // Read aloud (aria-live): the batch, not every file.
  announceStart: (n) => `Checking ${n} ${n === 1 ? 'file' : 'files'}.`,
  announceProgress: (done, total) => `${done} of ${total} files checked.`,
  /** A small drop: every file's verdict. */
  announceFiles: (/** @type {{ name: string, verdict: string }[]} */ list) =>
    list.map((f) => `${f.name}: ${en.verdict[/** @type {keyof en['verdict']} */ (f.verdict)]}.`).join(' '),
  /** A batch: the counts. */
  announceDone: (total, c) => `All ${total} files checked: ${c.pass} pass, ${c.warn} warn, ${c.fail} fail, ${c.error} error.`,

  checkNames: {
    format: 'File format',
    'format.extension': 'File extension',
    resolution: 'Resolution',
    'resolution.aspect_ratio': 'Aspect ratio',
    'resolution.orientation': 'Orientation',
    bit_depth: 'Bit depth',
    exif: 'EXIF metadata',
    'exif.required': 'Required EXIF fields',
    'exif.recommended': 'Recommended EXIF fields',
    capture_time: 'Capture time',
    'capture_time.window': 'Capture date window',
    'capture_time.future': 'Capture time not in the future',
    gps: 'GPS',
    'gps.bounds': 'GPS region',
    'gps.null_island': 'GPS not 0, 0',
    file_size: 'File size',
    integrity: 'File integrity',
    read: 'Readable',
    pixels: 'Pixel analysis',
    exposure: 'Exposure',
    'exposure.highlights': 'Highlights',
    'exposure.shadows': 'Shadows',
    'exposure.brightness': 'Brightness',
    sharpness: 'Sharpness',
    'sharpness.depth': 'Sharp front to back',
    information: 'Tonal information',
    'information.entropy': 'Tonal information',
    'information.grayscale': 'Grayscale as RGB',
    noise: 'Noise',
    upsampling: 'Upsampling',
    labels: 'Labels',
    'labels.present': 'Keywords present',
    'labels.roots': 'Required label roots',
    'labels.depth': 'Label depth',
    'labels.taxonomy': 'Labels in the taxonomy',
    'metadata.consistency': 'Metadata blocks agree',
    faces: 'Faces',
    'faces.release': 'Model releases',
    plates: 'Licence plates',
    privacy: 'Privacy metadata',
    'privacy.gps': 'No GPS position',
    'privacy.location_text': 'No place names',
    'privacy.serial_numbers': 'No serial numbers',
    'privacy.photographer': "No photographer's name or contact details",
    'privacy.camera_owner': 'No camera owner name',
    'privacy.xmp_history': 'No editing history',
    'privacy.thumbnail_mismatch': 'Thumbnail matches the image',
    'privacy.content_credentials': 'Content Credentials (C2PA)',
    duplicates: 'Duplicates',
    'duplicates.exact': 'Exact duplicates',
    'duplicates.near': 'Near-identical frames',
    series: 'Series',
    'series.camera': 'Same camera',
    'series.lens': 'Same lens',
    'series.focal_length': 'Same focal length',
    'series.aperture': 'Same aperture',
    'series.exposure_time': 'Same exposure time',
    'series.iso': 'ISO spread',
    'series.white_balance': 'Same white balance',
    'series.overlap': 'Overlap frame to frame',
    'series.calibration': 'Calibration frame',
  },

  // Overlays on the preview (where the pixel problems are).
  overlayGroup: 'Show on the preview',
  overlayToggle: { clip: 'Clipping', focus: 'Focus map', boxes: 'Faces & plates' },
  overlayHelp: {
    clip: 'Clipping: blown highlights in red, crushed shadows in blue',
    focus: 'Focus map: tiles in focus in green, out of focus in red (checked at 100 %)',
    boxes: 'Detections: faces in amber, licence plates in blue, numbered as in the list below',
  },
  detectionsLabel: 'Faces and licence plates found',
  /** One line of the detection list, e.g. "Face 1 · 0.93". */
  detection: (/** @type {'face'|'plate'} */ kind, /** @type {number} */ n, /** @type {number} */ score) =>
    `${kind === 'face' ? 'Face' : 'Plate'} ${n} · ${score.toFixed(2)}`,
  detectionBox: (/** @type {{ x: number, y: number, w: number, h: number }} */ b) => `${b.w} × ${b.h} px at ${b.x}, ${b.y}`,
  /** Compact pixel facts, e.g. "0.4 % blown · sharpest 1,240 · σ 1.8". */
  pixelFacts: (p) => [
    p.analysed === 'embedded_preview' ? 'Embedded preview:' : null,
    p.highlights_percent != null ? `${pct(p.highlights_percent)} blown` : null,
    p.shadows_percent ? `${pct(p.shadows_percent)} crushed` : null,
    p.sharpest_tile != null ? `sharpest ${num(p.sharpest_tile)}` : null,
    p.noise_sigma != null ? `σ ${p.noise_sigma.toFixed(1)}` : null,
  ].filter(Boolean).join(' · ').replace(': · ', ': '),
  /** Every pixel measure, one per line (tooltip of the compact line). */
  pixelDetails: (p) => [
    `Analysed: ${p.analysed === 'embedded_preview' ? 'embedded preview' : 'full image'}, ${p.width} × ${p.height} px`,
    p.highlights_percent != null ? `Blown highlights: ${pct(p.highlights_percent)} (largest area ${pct(p.largest_highlight_area_percent ?? 0)})` : null,
    p.shadows_percent != null ? `Crushed shadows: ${pct(p.shadows_percent)} (largest area ${pct(p.largest_shadow_area_percent ?? 0)})` : null,
    p.brightness_percent != null ? `Brightness: ${p.brightness_percent.toFixed(0)} %` : null,
    p.sharpest_tile != null ? `Sharpest tile: ${num(p.sharpest_tile)}${p.in_focus_percent != null ? ` · ${p.in_focus_percent.toFixed(0)} % of tiles in focus` : ''}${p.blur ? ` · ${p.blur}` : ''}` : null,
    p.entropy_bits != null ? `Tonal information: ${p.entropy_bits.toFixed(2)} bits` : null,
    p.noise_sigma != null ? `Noise: σ ${p.noise_sigma.toFixed(2)}` : null,
    p.detail_ratio != null ? `Detail ratio: ${p.detail_ratio.toFixed(2)}` : null,
  ].filter(Boolean).join('\n'),

  footerVersion: (v) => `preflight ${v}`,
  footerBytes: '0 bytes uploaded',
  footerLocal: 'Every check runs in your browser, in WebAssembly.',
  footerLicences: 'Model licences',
};

/** The languages the page offers, each named in its own language. */
export const LANGUAGES = /** @type {const} */ ({ en: { name: 'English', table: en }, de: { name: 'Deutsch', table: de } });
/** @typedef {keyof typeof LANGUAGES} Language */
const STORE = 'preflight.language';

/** The strings in use: a live binding, replaced by `setLanguage`. */
export let strings = en;
/** @type {Language} */ export let language = 'en';

const known = (/** @type {string|null|undefined} */ code) => !!code && Object.hasOwn(LANGUAGES, code);

/** The language to start in: the one chosen on the page before, else the browser's first one offered here, else English. */
export function preferredLanguage() {
  let stored = null;
  try { stored = localStorage.getItem(STORE); } catch { /* storage blocked: fall through */ }
  if (known(stored)) return /** @type {Language} */ (stored);
  for (const tag of navigator.languages ?? [navigator.language]) {
    const code = String(tag).slice(0, 2).toLowerCase();
    if (known(code)) return /** @type {Language} */ (code);
  }
  return 'en';
}

/** Switches the table; `remember` keeps the choice for the next visit. @param {string} code */
export function setLanguage(code, { remember = false } = {}) {
  if (!known(code)) return;
  language = /** @type {Language} */ (code);
  strings = LANGUAGES[language].table;
  if (remember) try { localStorage.setItem(STORE, code); } catch { /* not persisted; still switched */ }
}
