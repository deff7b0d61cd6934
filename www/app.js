// The page: brief selector, drop zone, one card per file. All checking goes through preflight.js.
import { createPreflight, summarize } from './preflight.js';
import { strings as S, LANGUAGES, language, preferredLanguage, setLanguage } from './strings.js';
import { paintClip, paintFocus, paintBoxes, displayed } from './overlay.js';
import { registerOffline } from './offline.js';
import { cardCleanButtons, wireCleanZip } from './clean.js';

/** @typedef {import('./preflight.js').Report} Report */
/** @typedef {import('./preflight.js').Overlay} Overlay */
/**
 * One overlay layer on a card's preview: painted on first show, then kept (the canvas is the cache).
 * @typedef {{ on: boolean, canvas: HTMLCanvasElement|null }} Layer
 * @typedef {{ data: Overlay|null, report: Report, orientation: number|null, clip: Layer|null, focus: Layer|null,
 *   boxes: Layer|null, built: boolean }} CardOverlay
 * @typedef {{ file: File, name: string, report: Report|null, card: HTMLElement|null, thumbed: boolean,
 *   bitmap: ImageBitmap|null, overlay: CardOverlay|null, base?: Report|null, group?: Group|null, order?: number }} Entry
 *   `base`: the file's own report; `report` adds the batch findings (duplicates, series) once every
 *   file is checked; `group`: its duplicate group.
 * @typedef {{ kind: string, index: number, size: number }} Group
 */

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
const els = {
  select: /** @type {HTMLSelectElement} */ ($('brief-select')), load: $('brief-load'),
  taxonomyLoad: $('taxonomy-load'), taxonomyFile: /** @type {HTMLInputElement} */ ($('taxonomy-file')),
  briefFile: /** @type {HTMLInputElement} */ ($('brief-file')), briefError: $('brief-error'), briefSummary: $('brief-summary'),
  drop: $('drop'), pickFiles: /** @type {HTMLButtonElement} */ ($('pick-files')), pickFolder: /** @type {HTMLButtonElement} */ ($('pick-folder')),
  fileInput: /** @type {HTMLInputElement} */ ($('file-input')), folderInput: /** @type {HTMLInputElement} */ ($('folder-input')),
  status: $('status'), progress: $('progress'), summary: $('summary'), clear: $('clear'), exportBtn: $('export'), exportCsv: $('export-csv'), bar: $('bar-fill'), cards: $('cards'),
  version: $('version'), pause: $('pause'), cancel: $('cancel'), checkFilter: /** @type {HTMLSelectElement} */ ($('check-filter')),
  sort: /** @type {HTMLSelectElement} */ ($('sort')), reasons: $('reasons'),
  lang: /** @type {HTMLSelectElement} */ ($('lang')), announce: $('announce'), update: $('update'), updateReload: $('update-reload'),
};
const VERDICTS = /** @type {const} */ (['fail', 'error', 'warn', 'pass']);
const DECODABLE = new Set(['JPEG', 'PNG', 'WEBP', 'AVIF', 'GIF', 'BMP']);
const THUMB = Math.round(120 * Math.min(window.devicePixelRatio || 1, 2.5));
/** Longer side of the focus-map layer (tiles are coarse; this keeps the hairlines between them crisp). */
const FOCUS_SIZE = Math.max(THUMB, 240);

/** @type {ReturnType<typeof createPreflight>} */ let pf;
/** @type {{ file: string, name: string, text: string }[]} */ let presets = [];
let customText = '';
let customName = '';          // the loaded brief's name, for its option in the select
let selected = '';            // value of the select that is in use
let selectedText = '';        // and its brief's JSON text (a taxonomy file is placed into it)
/** @type {Entry[]} */ let entries = [];
let controller = new AbortController();
let filter = 'all';
let checkFilter = '';          // show only cards with a non-pass finding of this check
let dropCount = 0;             // entries added so far (their drop order)
/** Files/s over the current run: when it started and how many reports had arrived then. */
let rate = { t0: 0, done0: 0 };
let batchGen = 0;              // batch-rule runs: only the latest one's answer is applied
let engineVersion = '';
/** @type {ReturnType<typeof registerOffline>|null} */ let offline = null;

// ───────────────────────────── DOM helpers ─────────────────────────────
/**
 * @param {string} tag @param {Record<string, any>|null} [attrs] @param {...(Node|string|null|undefined|false)} kids
 * @returns {HTMLElement}
 */
function h(tag, attrs, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v == null || v === false) continue;
    if (k === 'class') el.className = v; else if (k === 'text') el.textContent = v; else el.setAttribute(k, v === true ? '' : v);
  }
  for (const kid of kids) if (kid) el.append(kid);
  return el;
}
/** replaceChildren, skipping empty slots (it would print "null"). @param {Element} el @param {...any} kids */
const fill = (el, ...kids) => el.replaceChildren(...kids.filter((k) => k != null && k !== false && k !== ''));
const badge = (/** @type {string} */ v, extra = '') =>
  h('span', { class: `badge badge--${v} ${extra}` }, h('span', { class: 'badge__icon', 'aria-hidden': 'true', text: S.verdictIcon[v] }), S.verdict[v]);

// ───────────────────────────── formatting ─────────────────────────────
const extOf = (/** @type {string} */ name) => (/\.([A-Za-z0-9]{1,5})$/.exec(name)?.[1] ?? '').toUpperCase();

/** @param {Report} r */
function facts(r) {
  return [r.format ?? S.unknownFormat, r.width && r.height ? `${r.width} × ${r.height}` : null,
    r.megapixels != null ? S.megapixels(r.megapixels) : null, r.bit_depth ? S.bitDepth(r.bit_depth) : null,
    S.fileSize(r.file_size)].filter(Boolean).join(' · ');
}
/** @param {Report['metadata']} m */
function cameraLine(m) {
  if (!m) return '';
  const make = m.make?.trim(), model = m.model?.trim();
  const camera = model ? (make && !model.toLowerCase().startsWith(make.split(/\s/)[0].toLowerCase()) ? `${make} ${model}` : model) : make;
  const date = m.datetime_original ? m.datetime_original.replace('T', ' ').replace(/:\d\d(\.\d+)?$/, '') + (m.offset_time_original ? ` ${m.offset_time_original}` : '') : null;
  const t = m.exposure_time_s;
  const exposure = [m.focal_length_mm ? `${+m.focal_length_mm.toFixed(1)} mm` : null, m.f_number ? `f/${+m.f_number.toFixed(1)}` : null,
    t ? (t >= 1 ? `${+t.toFixed(1)} s` : `1/${Math.round(1 / t)} s`) : null, m.iso ? `ISO ${m.iso}` : null].filter(Boolean).join(' ');
  return [camera, m.lens_model?.trim(), date, exposure].filter(Boolean).join(' · ');
}

/**
 * The labels to show: hierarchical paths first (`a > b > c`), then flat keywords that are not
 * already a segment of one of them (Lightroom writes both).
 * @param {Report['metadata']} m
 */
function keywordList(m) {
  if (!m) return [];
  const paths = (m.hierarchical_keywords ?? []).map((k) => k.split('|').map((t) => t.trim()).join(' > '));
  const inPaths = new Set(paths.flatMap((p) => p.split(' > ')).map((t) => t.toLowerCase()));
  const flat = (m.keywords ?? []).filter((k) => !inPaths.has(k.toLowerCase()));
  return [...paths, ...flat];
}

// ───────────────────────────── cards ─────────────────────────────
/** Text with <wbr> after _ - . / so long file names wrap at natural points. @param {string} text */
function breakable(text) {
  const out = [];
  for (const part of text.split(/(?<=[_\-./])/)) { if (out.length) out.push(h('wbr')); out.push(part); }
  return out;
}

/** @param {Entry} e */
function createCard(e) {
  const slash = e.name.lastIndexOf('/');
  const nameEl = h('h3', { class: 'card__name', title: e.name },
    slash >= 0 ? h('span', { class: 'card__dir' }, ...breakable(e.name.slice(0, slash + 1))) : null, ...breakable(e.name.slice(slash + 1)));
  const thumb = h('div', { class: 'card__thumb' }, h('span', { class: 'fmt', text: extOf(e.name) || '?' }));
  // Focusable, so a keyboard reaches every result with Tab (its findings are inside).
  const card = h('li', { class: 'card', 'data-verdict': 'pending', 'data-file': e.name, 'aria-busy': 'true', tabindex: '0' },
    h('div', { class: 'card__media' }, thumb, h('div', { class: 'card__tools', role: 'group', 'aria-label': S.overlayGroup, hidden: true }),
      h('ol', { class: 'dets', 'aria-label': S.detectionsLabel, hidden: true })),
    h('div', { class: 'card__main' },
      h('div', { class: 'card__head' }, nameEl, badge('pending', 'card__verdict')),
      h('p', { class: 'card__facts', text: S.checking }),
      h('p', { class: 'card__meta' }),
      h('p', { class: 'card__keywords' }),
      h('p', { class: 'card__pixels' })),
    h('div', { class: 'card__findings' }));
  e.card = card;
  return card;
}

/** @param {import('./preflight.js').Finding} f */
function findingEl(f) {
  const title = S.checkNames[/** @type {keyof S['checkNames']} */ (f.check)] ?? f.check;
  const dl = (f.measured != null || f.expected != null) ? h('dl', { class: 'finding__mx' },
    f.measured != null && h('div', null, h('dt', { text: S.measured }), h('dd', { text: f.measured })),
    f.expected != null && h('div', null, h('dt', { text: S.expected }), h('dd', { text: f.expected }))) : null;
  return h('li', { class: `finding finding--${f.verdict}`, 'data-check': f.check },
    h('span', { class: 'finding__icon', 'aria-hidden': 'true', text: S.verdictIcon[f.verdict] }),
    h('div', { class: 'finding__body' },
      h('p', { class: 'finding__title' }, h('span', { class: 'sr', text: `${S.verdict[f.verdict]}: ` }), title),
      h('p', { class: 'finding__msg', text: f.message }), dl));
}

// ───────────────────────────── overlays ─────────────────────────────
const LAYERS = /** @type {const} */ (['clip', 'focus', 'boxes']);
const badVerdict = (/** @type {string} */ v) => v === 'fail' || v === 'warn';

/**
 * Keeps the overlay of a fresh report. Shown at once: clipping when highlights/shadows warn or
 * fail, the focus map when a sharpness check fails; the rest stays one click away.
 * @param {Entry} e @param {Overlay|null|undefined} data
 */
function setOverlay(e, data) {
  const r = e.report;
  const found = (r?.faces?.length ?? 0) + (r?.plates?.length ?? 0) > 0;
  if (!r || (!found && (!data || (!data.clip && !data.focus)))) { e.overlay = null; return; }
  const f = r.findings;
  const clipOn = f.some((x) => (x.check === 'exposure.highlights' || x.check === 'exposure.shadows') && badVerdict(x.verdict));
  const focusOn = f.some((x) => (x.check === 'sharpness' || x.check.startsWith('sharpness.')) && x.verdict === 'fail');
  e.overlay = {
    data: data ?? null, report: r, orientation: r.metadata?.orientation ?? null, built: false,
    clip: data?.clip ? { on: clipOn, canvas: null } : null,
    focus: data?.focus ? { on: focusOn, canvas: null } : null,
    // Faces and plates are shown at once: where they are is the point.
    boxes: found ? { on: true, canvas: null } : null,
  };
}

/** The full-size image as displayed (the size detection boxes are given in). @param {CardOverlay} ov */
function shownSize(ov) {
  const r = ov.report;
  if (r.width && r.height) return displayed(r.width, r.height, ov.orientation);
  return ov.data ? displayed(ov.data.width, ov.data.height, ov.orientation) : { width: 1, height: 1 };
}

/** Paints a layer the first time it is shown (then drops the mask's base64). @param {CardOverlay} ov @param {'clip'|'focus'|'boxes'} kind */
function layerCanvas(ov, kind) {
  const layer = /** @type {Layer} */ (ov[kind]);
  if (!layer.canvas) {
    const canvas = kind === 'boxes' ? paintBoxes(shownSize(ov), ov.report.faces ?? [], ov.report.plates ?? [], FOCUS_SIZE)
      : !ov.data ? null
      : kind === 'clip' ? paintClip(ov.data, ov.orientation) : paintFocus(ov.data, ov.orientation, FOCUS_SIZE);
    if (kind === 'clip' && ov.data?.clip) ov.data.clip.mask = '';
    if (!canvas) return null;
    canvas.className = `ov ov--${kind}`;
    canvas.setAttribute('aria-hidden', 'true');
    layer.canvas = canvas;
  }
  return layer.canvas;
}

/** Shows or hides one layer over the preview and syncs its toggle. @param {Entry} e @param {'clip'|'focus'|'boxes'} kind */
function applyLayer(e, kind) {
  const ov = e.overlay, layer = ov?.[kind], card = e.card;
  if (!ov || !layer || !card) return;
  const thumb = /** @type {HTMLElement} */ (card.querySelector('.card__thumb'));
  if (layer.on) {
    const canvas = layerCanvas(ov, kind);
    if (canvas && canvas.parentElement !== thumb) {
      // Boxes on top, then clipping, then the focus map.
      const before = kind === 'focus' ? thumb.querySelector('.ov--clip, .ov--boxes') : kind === 'clip' ? thumb.querySelector('.ov--boxes') : null;
      thumb.insertBefore(canvas, before);
    }
    if (canvas) canvas.hidden = false;
  } else if (layer.canvas) layer.canvas.hidden = true;
  card.querySelector(`.ovbtn[data-layer="${kind}"]`)?.setAttribute('aria-pressed', String(layer.on));
  card.dataset[`${kind}Shown`] = String(layer.on);
}

/** (Re)builds a card's overlay toggles and layers after a new report. @param {Entry} e @param {HTMLElement} thumb @param {HTMLElement} tools */
function buildOverlay(e, thumb, tools) {
  for (const old of thumb.querySelectorAll('.ov')) old.remove();
  const ov = e.overlay;
  tools.hidden = !ov;
  delete e.card?.dataset.clipShown;
  delete e.card?.dataset.focusShown;
  delete e.card?.dataset.boxesShown;
  if (!ov) { tools.replaceChildren(); return; }
  ov.built = true;
  tools.replaceChildren(...LAYERS.filter((k) => ov[k]).map((kind) => {
    const btn = h('button', { type: 'button', class: `ovbtn ovbtn--${kind}`, 'data-layer': kind,
      'aria-pressed': String(/** @type {Layer} */ (ov[kind]).on), title: S.overlayHelp[kind] },
      h('span', { class: 'ovbtn__swatch', 'aria-hidden': 'true' }), S.overlayToggle[kind]);
    btn.addEventListener('click', () => {
      const layer = e.overlay?.[kind];
      if (!layer) return;
      layer.on = !layer.on;
      applyLayer(e, kind);
    });
    return btn;
  }));
  for (const kind of LAYERS) applyLayer(e, kind);
}

/**
 * The list under the preview: every face and plate with its score (numbered as on the preview).
 * @param {HTMLElement} list @param {Report|null} r
 */
function fillDetections(list, r) {
  const items = [
    ...(r?.faces ?? []).map((b, i) => ({ kind: 'face', b, i })),
    ...(r?.plates ?? []).map((b, i) => ({ kind: 'plate', b, i })),
  ];
  list.hidden = !items.length;
  list.replaceChildren(...items.map(({ kind, b, i }) => h('li', { class: `det det--${kind}`, 'data-kind': kind,
    'data-score': String(b.score), title: S.detectionBox(b) },
    h('span', { class: 'det__swatch', 'aria-hidden': 'true' }), S.detection(kind, i + 1, b.score))));
}

/** A neutral stand-in of the image's displayed aspect ratio, for overlays on files without a preview. @param {CardOverlay} ov */
function placeholder(ov) {
  const d = shownSize(ov);
  const k = FOCUS_SIZE / Math.max(d.width, d.height, 1);
  const c = /** @type {HTMLCanvasElement} */ (h('canvas', { class: 'card__ph', 'aria-hidden': 'true' }));
  c.width = Math.max(1, Math.round(d.width * k)); c.height = Math.max(1, Math.round(d.height * k));
  // Painted, not a CSS background: only the image's own rectangle (object-fit: contain) is shaded.
  const ctx = /** @type {CanvasRenderingContext2D} */ (c.getContext('2d'));
  ctx.fillStyle = '#d5dae1';
  ctx.fillRect(0, 0, c.width, c.height);
  ctx.strokeStyle = '#c9cfd8';
  ctx.lineWidth = 4;
  ctx.beginPath();
  for (let x = -c.height; x < c.width; x += 12) { ctx.moveTo(x, c.height); ctx.lineTo(x + c.height, 0); }
  ctx.stroke();
  return c;
}

/** Replaces what is under the overlay layers (image, placeholder, format label), keeping the layers. @param {HTMLElement} thumb @param {...(Node|null|false)} nodes */
function setBase(thumb, ...nodes) {
  for (const el of [...thumb.children]) if (!el.classList.contains('ov')) el.remove();
  thumb.prepend(...nodes.filter((n) => !!n));
}

/** @param {Entry} e */
function renderCard(e) {
  const card = e.card ?? createCard(e);
  const r = e.report;
  const [media, main, findings] = /** @type {HTMLElement[]} */ ([...card.children]);
  const [thumb, tools] = /** @type {HTMLElement[]} */ ([...media.children]);
  const verdict = r ? r.verdict : 'pending';
  card.dataset.verdict = verdict;
  card.toggleAttribute('aria-busy', !r);
  if (r?.format) card.dataset.format = r.format; else delete card.dataset.format;
  main.querySelector('.card__verdict')?.replaceWith(badge(verdict, 'card__verdict'));
  /** @type {HTMLElement} */ (main.querySelector('.card__facts')).textContent = r ? facts(r) : S.checking;
  /** @type {HTMLElement} */ (main.querySelector('.card__meta')).textContent = r ? cameraLine(r.metadata) : '';
  card.dataset.bad = r ? r.findings.filter((f) => f.verdict !== 'pass').map((f) => f.check).join(' ') : '';
  card.hidden = !matchesCheck(card);
  const head = /** @type {HTMLElement} */ (main.querySelector('.card__head'));
  head.querySelector('.card__group')?.remove();
  if (e.group) head.append(h('span', { class: 'card__group', text: S.groupLabel(e.group.kind, e.group.index, e.group.size) }));
  tools.setAttribute('aria-label', S.overlayGroup);
  media.querySelector('.dets')?.setAttribute('aria-label', S.detectionsLabel);
  thumb.querySelector('.card__img')?.setAttribute('aria-label', S.thumbAlt(e.name));
  const kw = /** @type {HTMLElement} */ (main.querySelector('.card__keywords'));
  const labels = r ? keywordList(r.metadata) : [];
  kw.textContent = labels.length ? S.keywordsLine(labels) : '';
  if (labels.length) kw.title = labels.join('\n'); else kw.removeAttribute('title');
  const px = /** @type {HTMLElement} */ (main.querySelector('.card__pixels'));
  px.textContent = r?.pixels ? S.pixelFacts(r.pixels) : '';
  if (r?.pixels) px.title = S.pixelDetails(r.pixels); else px.removeAttribute('title');
  if (e.bitmap) {
    const canvas = /** @type {HTMLCanvasElement} */ (h('canvas', { class: 'card__img', role: 'img', 'aria-label': S.thumbAlt(e.name) }));
    canvas.width = e.bitmap.width; canvas.height = e.bitmap.height;
    // drawImage, not a 'bitmaprenderer' transfer: Chromium's transfer shows the bitmap's pixels
    // as stored, ignoring the EXIF rotation createImageBitmap applied (orientation 5–8 came out
    // sideways and squashed); drawImage honours it, so the preview and overlays line up.
    /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d')).drawImage(e.bitmap, 0, 0);
    e.bitmap.close();
    e.bitmap = null;
    setBase(thumb, canvas);
    thumb.classList.add('has-image');
  } else if (r && !thumb.classList.contains('has-image')) {
    const label = r.format ?? (extOf(e.name) || '?');
    setBase(thumb, e.overlay ? placeholder(e.overlay) : null, h('span', { class: 'fmt', text: label }),
      !DECODABLE.has(r.format ?? '') ? h('span', { class: 'fmt__note', text: S.noPreview }) : null);
  }
  thumb.classList.toggle('has-overlay', !!e.overlay);
  if (e.overlay ? !e.overlay.built : !tools.hidden) buildOverlay(e, thumb, tools);
  fillDetections(/** @type {HTMLElement} */ (media.querySelector('.dets')), r);
  if (!r) { findings.replaceChildren(); return; }
  const bad = r.findings.filter((f) => f.verdict !== 'pass');
  const good = r.findings.filter((f) => f.verdict === 'pass');
  fill(findings,
    bad.length ? h('ul', { class: 'findings' }, ...bad.map(findingEl)) : null,
    good.length ? h('details', { class: 'passed' }, h('summary', { text: S.passedChecks(good.length) }),
      h('ul', { class: 'findings' }, ...good.map(findingEl))) : null,
    !r.findings.length ? h('p', { class: 'finding__none', text: S.noFindings }) : null);
  cardCleanButtons(main, e, () => pf);
}

// Batched rendering: results arrive in bursts; touch the DOM once per frame.
/** @type {Set<Entry>} */ const dirty = new Set();
/** @type {Entry[]} */ let toCreate = [];
let frame = 0;
let lastProgressText = 0;
let progressTimer = 0;
function schedule() { if (!frame) frame = requestAnimationFrame(flush); }
function flush() {
  frame = 0;
  const t0 = performance.now();
  if (toCreate.length) {
    // At most 20 cards a frame, fewer when they take more than ~6 ms (a slow machine).
    const frag = document.createDocumentFragment();
    let n = 0;
    do {
      const e = /** @type {Entry} */ (toCreate.shift());
      frag.append(e.card ?? createCard(e));
    } while (toCreate.length && ++n < 20 && performance.now() - t0 < 6);
    els.cards.append(frag);
    if (toCreate.length) schedule();
  }
  for (const e of dirty) {
    if (!e.card?.isConnected) continue;        // rendered once it is created
    dirty.delete(e);
    renderCard(e);
    if (performance.now() - t0 > 8) { schedule(); break; }    // keep frames short
  }
  updateProgress();
}
/** @param {Entry} e */
function touch(e) { dirty.add(e); schedule(); }

function updateProgress() {
  const total = entries.length;
  const reports = entries.map((e) => e.report).filter(Boolean);
  const done = reports.length;
  const finished = total > 0 && done === total;
  els.bar.style.transform = `scaleX(${total ? done / total : 0})`;
  els.bar.parentElement?.classList.toggle('is-active', total > 0 && !finished);
  // The live region is read aloud: rewrite it at most every 750 ms while running, at once when done.
  els.progress.dataset.state = !total ? 'idle' : finished ? 'done' : 'running';
  els.progress.dataset.done = String(done);
  els.progress.dataset.total = String(total);
  els.progress.dataset.brief = String(pf?.brief?.name ?? '');
  const now = performance.now();
  clearTimeout(progressTimer);
  if (finished || !total || now - lastProgressText >= 750) {
    lastProgressText = now;
    const secs = (now - rate.t0) / 1000;
    const perSec = secs > 1 ? (done - rate.done0) / secs : 0;
    els.progress.textContent = !total ? S.progressIdle
      : (finished ? S.progressDone(total) : S.progress(done, total) + (perSec > 0 ? S.rate(perSec, (total - done) / perSec) : ''))
        + (pf?.paused && !finished ? S.pausedNote : '') + S.against(String(pf?.brief?.name ?? ''));
  } else {
    progressTimer = setTimeout(updateProgress, 750 - (now - lastProgressText));
  }
  const c = summarize(reports);
  announceProgress(done, total, finished);
  els.summary.hidden = !total;
  els.clear.hidden = !total;
  els.exportBtn.hidden = !finished;
  els.exportCsv.hidden = !finished;
  els.pause.hidden = els.cancel.hidden = finished || !total;
  els.pause.textContent = pf?.paused ? S.resume : S.pause;
  els.pause.setAttribute('aria-pressed', String(!!pf?.paused));
  updateCheckFilter();
  for (const v of VERDICTS) {
    const btn = /** @type {HTMLElement} */ (els.summary.querySelector(`[data-v="${v}"]`));
    /** @type {HTMLElement} */ (btn.querySelector('.chip__n')).textContent = String(c[v]);
    btn.classList.toggle('is-zero', c[v] === 0);
  }
}

// ───────────────────────────── announcements ─────────────────────────────
// Screen readers hear the batch, not every file (500 verdicts read aloud help nobody): its start,
// its progress at most every 10 s, and once it is done each verdict of a small drop, else the counts.
const ANNOUNCE_EVERY_MS = 10_000;
const SAY_EACH_UP_TO = 3;
let announcedAt = 0;
let announceTimer = 0;

function announce(/** @type {string} */ text) {
  announcedAt = performance.now();
  if (els.announce.textContent !== text) els.announce.textContent = text;
}

/** @param {number} done @param {number} total @param {boolean} finished */
function announceProgress(done, total, finished) {
  clearTimeout(announceTimer);
  if (!total) return;
  if (!finished) {
    if (performance.now() - announcedAt >= ANNOUNCE_EVERY_MS) announce(S.announceProgress(done, total));
    return;
  }
  // The batch rules may change verdicts right after the last file: speak once they settled.
  announceTimer = setTimeout(() => {
    const reports = /** @type {Report[]} */ (entries.map((e) => e.report).filter(Boolean));
    if (reports.length !== entries.length || !reports.length) return;
    announce(reports.length <= SAY_EACH_UP_TO
      ? S.announceFiles(entries.map((e) => ({ name: e.name, verdict: /** @type {Report} */ (e.report).verdict })))
      : S.announceDone(reports.length, summarize(reports)));
  }, 600);
}

function buildSummary() {
  const chip = (/** @type {string} */ v, /** @type {string} */ label, icon = '') =>
    h('button', { type: 'button', class: `chip chip--${v}`, 'data-v': v, 'aria-pressed': String(filter === v) },
      icon && h('span', { class: 'chip__icon', 'aria-hidden': 'true', text: icon }),
      h('span', { class: 'chip__n', text: '0' }), ' ', h('span', { class: 'chip__label', text: label }));
  els.summary.replaceChildren(...VERDICTS.map((v) => chip(v, S.chip[v], S.verdictIcon[v])));
  els.summary.addEventListener('click', (ev) => {
    const btn = /** @type {HTMLElement} */ (ev.target).closest('button');
    if (!btn) return;
    filter = filter === btn.dataset.v ? 'all' : /** @type {string} */ (btn.dataset.v);
    els.cards.dataset.filter = filter;
    for (const b of els.summary.querySelectorAll('button')) b.setAttribute('aria-pressed', String(b.dataset.v === filter));
  });
}

// ───────────────────────────── checking ─────────────────────────────
/** @param {Entry[]} list @param {boolean} wantThumbs */
function run(list, wantThumbs) {
  if (!list.length) return;
  const { signal } = controller;
  if (!entries.some((e) => e.report === null && !list.includes(e))) rate = { t0: performance.now(), done0: entries.filter((e) => e.report).length };
  pf.check(list.map((e) => ({ file: e.file, name: e.name })), (report, _file, info) => {
    const e = list[info.index];
    e.report = report;
    e.base = report;
    setOverlay(e, info.overlay);
    touch(e);
    if (entries.every((x) => x.report)) applyBatch();
  }, {
    signal, thumbnailSize: THUMB, batch: false,
    onThumbnail: wantThumbs ? (bitmap, _file, i) => {
      const e = list[i];
      if (e.thumbed || !entries.includes(e)) { bitmap.close(); return; }
      e.thumbed = true; e.bitmap = bitmap; touch(e);
    } : undefined,
  }).catch((err) => { if (err?.name !== 'AbortError') showStatus(String(err?.message ?? err), true); });
}

/**
 * Every file is checked: run the brief's batch rules (duplicates, series) over all of them — all
 * drops together, like the CLI over a folder — and show their findings and groups.
 */
function applyBatch() {
  const gen = ++batchGen;
  const list = entries.slice();
  pf.batch(list.map((e) => /** @type {Report} */ (e.base ?? e.report))).then((out) => {
    if (gen !== batchGen || list.length !== entries.length || !list.every((e, i) => e === entries[i])) return;
    if (out.error) showStatus(S.batchError(out.error), true);
    if (out.reports.every((r, i) => r === list[i].base) && !out.groups.length) return;   // no batch rules
    /** @type {Map<string, Group>} */ const groupOf = new Map();
    out.groups.forEach((g, i) => { for (const f of g.files) groupOf.set(f, { kind: g.kind, index: i + 1, size: g.files.length }); });
    list.forEach((e, i) => {
      e.report = out.reports[i];
      e.group = groupOf.get(e.name) ?? null;
      touch(e);
    });
  });
}

/** @param {HTMLElement} card */
function matchesCheck(card) {
  return !checkFilter || (card.dataset.bad ?? '').split(' ').includes(checkFilter);
}

/** The most common non-pass checks of the batch, worst first: the "top reasons". */
/** Each report's checks that did not pass, computed once per report (reasons() runs every frame). */
/** @type {WeakMap<Report, string[]>} */ const notPassed = new WeakMap();
function reasons() {
  /** @type {Map<string, number>} */ const n = new Map();
  for (const { report } of entries) {
    if (!report) continue;
    let checks = notPassed.get(report);
    if (!checks) {
      checks = [...new Set(report.findings.filter((f) => f.verdict !== 'pass').map((f) => f.check))];
      notPassed.set(report, checks);
    }
    for (const c of checks) n.set(c, (n.get(c) ?? 0) + 1);
  }
  return [...n].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

function updateCheckFilter() {
  const top = reasons();
  const name = (/** @type {string} */ c) => S.checkNames[/** @type {keyof S['checkNames']} */ (c)] ?? c;
  const key = top.map(([c, k]) => `${c}:${k}`).join();
  if (els.checkFilter.dataset.key !== key) {
    els.checkFilter.dataset.key = key;
    if (checkFilter && !top.some(([c]) => c === checkFilter)) top.push([checkFilter, 0]);
    els.checkFilter.replaceChildren(h('option', { value: '', text: S.allChecks }),
      ...top.map(([c, k]) => h('option', { value: c, text: S.checkOption(name(c), k) })));
    els.checkFilter.value = checkFilter;
    fill(els.reasons, ...top.slice(0, 3).filter(([, k]) => k > 0).map(([c, k]) =>
      h('button', { type: 'button', class: 'reason', 'data-check': c, text: S.reason(name(c), k) })));
  }
  els.checkFilter.hidden = els.reasons.hidden = !top.length;
}

function setCheckFilter(/** @type {string} */ c) {
  checkFilter = c;
  els.checkFilter.value = c;
  for (const e of entries) if (e.card) e.card.hidden = !matchesCheck(e.card);
}

const RANK = { fail: 0, error: 1, warn: 2, pass: 3 };
function sortCards() {
  const by = els.sort.value;
  const list = entries.slice();
  if (by === 'name') list.sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
  else if (by === 'verdict') list.sort((a, b) => (RANK[/** @type {keyof RANK} */ (a.report?.verdict)] ?? 4) - (RANK[/** @type {keyof RANK} */ (b.report?.verdict)] ?? 4) || (a.order ?? 0) - (b.order ?? 0));
  else list.sort((a, b) => (a.order ?? 0) - (b.order ?? 0));
  const frag = document.createDocumentFragment();
  for (const e of list) if (e.card) frag.append(e.card);
  els.cards.append(frag);
}

/** @param {{ file: File, name: string }[]} items */
function addFiles(items) {
  if (!items.length) return;
  const added = items.map(({ file, name }) => /** @type {Entry} */ ({ file, name, report: null, card: null, thumbed: false, bitmap: null, overlay: null, order: dropCount++ }));
  entries.push(...added);
  toCreate.push(...added);
  announce(S.announceStart(added.length));
  schedule();
  run(added, true);
}

function recheckAll() {
  controller.abort();
  controller = new AbortController();
  for (const e of entries) { e.report = null; e.base = null; e.group = null; e.overlay = null; touch(e); }
  run(entries.filter((e) => !e.thumbed), true);
  run(entries.filter((e) => e.thumbed), false);
}

function clearAll() {
  controller.abort();
  controller = new AbortController();
  for (const e of entries) e.bitmap?.close();
  entries = []; toCreate = []; dirty.clear(); batchGen++;
  els.cards.replaceChildren();
  setCheckFilter('');
  updateProgress();
}

// ───────────────────────────── files in ─────────────────────────────
const JUNK = /^(\.|Thumbs\.db$|desktop\.ini$)/i;     // skipped inside folders only
const byName = (/** @type {{name: string}} */ a, /** @type {{name: string}} */ b) => a.name.localeCompare(b.name, undefined, { numeric: true });

/** @param {any} dir @param {{ file: File, name: string }[]} out */
async function walk(dir, out) {
  const reader = dir.createReader();
  /** @type {any[]} */ const all = [];
  for (;;) {   // readEntries returns at most 100 at a time
    const batch = await new Promise((ok, ko) => reader.readEntries(ok, ko));
    if (!batch.length) break;
    all.push(...batch);
  }
  for (const ent of all.sort(byName)) {
    if (JUNK.test(ent.name)) continue;
    if (ent.isDirectory) await walk(ent, out);
    else out.push({ file: await new Promise((ok, ko) => ent.file(ok, ko)), name: ent.fullPath.replace(/^\/+/, '') });
  }
}

/** @param {DataTransfer} dt */
async function filesFromDrop(dt) {
  // Everything on a DataTransfer must be taken synchronously, before the first await.
  const items = [...(dt.items ?? [])].filter((i) => i.kind === 'file');
  const grabbed = items.map((i) => ({ entry: i.webkitGetAsEntry?.() ?? null, file: i.getAsFile() }));
  if (!grabbed.length) return [...dt.files].map((file) => ({ file, name: file.name }));
  /** @type {{ file: File, name: string }[]} */ const out = [];
  if (grabbed.some((g) => g.entry?.isDirectory)) showStatus(S.readingFolders);
  for (const { entry, file } of grabbed) {
    if (entry?.isDirectory) {
      try { await walk(entry, out); } catch (err) { showStatus(String(err), true); }
    } else if (file) out.push({ file, name: file.name });
  }
  showStatus('');
  return out;
}

/** @param {FileList|null} list */
function filesFromInput(list) {
  return [...(list ?? [])].filter((f) => !(f.webkitRelativePath && f.webkitRelativePath.split('/').some((p) => JUNK.test(p))))
    .map((file) => ({ file, name: file.webkitRelativePath || file.name }));
}

function wireDrop() {
  const zone = els.drop;
  const hasFiles = (/** @type {DragEvent} */ ev) => [...(ev.dataTransfer?.types ?? [])].includes('Files');
  let depth = 0;
  /** @param {DragEvent} ev */
  const over = (ev) => {
    if (!hasFiles(ev)) return;
    ev.preventDefault();
    if (ev.dataTransfer) ev.dataTransfer.dropEffect = pf && zone.dataset.state === 'ready' ? 'copy' : 'none';
  };
  // The whole page accepts drops (a missed drop must not open the photo in the tab).
  document.addEventListener('dragenter', (ev) => { if (hasFiles(ev)) { depth++; zone.classList.add('is-over'); over(ev); } });
  document.addEventListener('dragleave', () => { if (--depth <= 0) { depth = 0; zone.classList.remove('is-over'); } });
  document.addEventListener('dragover', over);
  document.addEventListener('drop', async (ev) => {
    if (!hasFiles(ev) || !ev.dataTransfer) return;
    ev.preventDefault();
    depth = 0; zone.classList.remove('is-over');
    if (zone.dataset.state !== 'ready') return;
    addFiles(await filesFromDrop(ev.dataTransfer));
  });
  els.pickFiles.addEventListener('click', () => els.fileInput.click());
  // The zone itself is a tab stop: Enter or Space there opens the file picker.
  zone.addEventListener('keydown', (ev) => {
    if (ev.target !== zone || (ev.key !== 'Enter' && ev.key !== ' ')) return;
    ev.preventDefault();
    if (zone.dataset.state === 'ready') els.fileInput.click();
  });
  els.pickFolder.addEventListener('click', () => els.folderInput.click());
  for (const input of [els.fileInput, els.folderInput]) {
    input.addEventListener('change', () => { addFiles(filesFromInput(input.files)); input.value = ''; });
  }
  els.clear.addEventListener('click', clearAll);
  // Saves every report as one JSON file, made here (a local blob: URL, revoked at once; no upload).
  /** Saves `data` as a local file (a blob: URL, revoked at once; nothing is uploaded). */
  const save = (/** @type {string} */ data, /** @type {string} */ type, /** @type {string} */ name) => {
    const url = URL.createObjectURL(new Blob([data], { type }));
    const a = /** @type {HTMLAnchorElement} */ (h('a', { href: url, download: name }));
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };
  els.exportBtn.addEventListener('click', () => {
    const data = { brief: pf.brief, version: pf.version, checked_at: new Date().toISOString(), reports: entries.map((e) => e.report) };
    save(JSON.stringify(data, null, 2), 'application/json', S.exportName);
  });
  els.exportCsv.addEventListener('click', () => {
    const reports = entries.map((e) => e.report).filter(Boolean);
    // One click, both files the buyer asked for (same rows; the JSON keeps numbers typed).
    save(pf.manifest(/** @type {Report[]} */ (reports)), 'text/csv', S.exportCsvName);
    // (In a second task: each stays short on a big batch.)
    setTimeout(() => save(pf.manifestJson(/** @type {Report[]} */ (reports)), 'application/json', S.exportManifestJsonName));
  });
  wireCleanZip(els.exportCsv, () => entries, () => pf, showStatus);
}

function wireBatchControls() {
  els.pause.addEventListener('click', () => {
    if (pf.paused) { pf.resume(); rate = { t0: performance.now(), done0: entries.filter((e) => e.report).length }; } else pf.pause();
    updateProgress();
  });
  els.cancel.addEventListener('click', () => {
    // Keep every result so far; drop the files not yet checked.
    controller.abort();
    controller = new AbortController();
    if (pf.paused) pf.resume();
    const left = entries.filter((e) => !e.report);
    entries = entries.filter((e) => e.report);
    toCreate = toCreate.filter((e) => entries.includes(e));
    for (const e of left) { e.card?.remove(); e.bitmap?.close(); dirty.delete(e); }
    showStatus(S.cancelled(left.length));
    if (entries.length) applyBatch();
    updateProgress();
  });
  els.checkFilter.addEventListener('change', () => setCheckFilter(els.checkFilter.value));
  els.reasons.addEventListener('click', (ev) => {
    const b = /** @type {HTMLElement} */ (ev.target).closest('button');
    if (b) setCheckFilter(checkFilter === b.dataset.check ? '' : /** @type {string} */ (b.dataset.check));
  });
  els.sort.addEventListener('change', sortCards);
}

// ───────────────────────────── briefs ─────────────────────────────
/** @param {string} text */
function showStatus(text, isError = false) {
  els.status.textContent = text;
  els.status.classList.toggle('is-error', isError);
}

/** @param {any} err @param {string} [fileName] */
function showBriefError(err, fileName) {
  const problems = /** @type {{path: string, message: string}[]} */ (err?.problems)
    ?? String(err?.message ?? err).split('\n').filter((l) => l && !/^Invalid brief:?$/.test(l)).map((l) => ({ path: '', message: l }));
  fill(els.briefError,
    h('p', { class: 'alert__title', text: S.briefErrorTitle(fileName) }),
    h('ul', { class: 'alert__list' }, ...problems.map((p) => h('li', null, p.path ? h('code', { text: p.path }) : null, p.path ? ' ' : null, p.message))),
    h('p', { class: 'alert__foot', text: S.briefErrorKeep }));
  els.briefError.hidden = false;
}

// Brief keys without a unit are shown as the brief names them (they are its format's identifiers).
const human = (/** @type {string} */ k) => k.replace(/_/g, ' ');
/** @param {any} v @returns {string} */
function describe(v) {
  if (v === true) return S.briefOn;
  if (Array.isArray(v)) return v.map(describe).join(', ');
  if (v && typeof v === 'object') {
    if (!Object.keys(v).length) return S.briefOn;   // `"upsampling": {}`: on, with its defaults
    return Object.entries(v).map(([k, x]) => {
      const m = /^(min|max)_(.+)$/.exec(k);
      if (k === 'taxonomy') return `${human(k)}: ${S.taxonomyTerms(terms(x))}`;   // not the whole tree
      if (!m) return x === true ? human(k) : `${human(k)}: ${describe(x)}`;
      const op = m[1] === 'min' ? '≥' : '≤';
      const unit = /** @type {Record<string, string[]>} */ (S.briefUnits)[m[2]];
      if (unit) return `${unit[0]}${op} ${describe(x)}${unit[1]}`;
      const pct = /^(.+)_percent$/.exec(m[2]);
      return pct ? `${human(pct[1])} ${op} ${describe(x)} %` : `${human(m[2])} ${op} ${describe(x)}`;
    }).join(' · ');
  }
  return String(v);
}

/** Distinct terms in an inline taxonomy (a tree, or paths `a > b | c`; shared prefixes once).
 * @param {any} t @returns {number} */
function terms(t) {
  const seen = new Set();
  const walk = (/** @type {any} */ v, /** @type {string[]} */ at) => {
    const add = (/** @type {string[]} */ segs) => segs.forEach((_, i) => seen.add([...at, ...segs.slice(0, i + 1)].join('\u0000')));
    if (Array.isArray(v)) for (const p of v) add(String(p).split(/[>|]/).map((x) => x.trim()).filter(Boolean));
    else if (v && typeof v === 'object') for (const [k, c] of Object.entries(v)) { add([k]); walk(c, [...at, k]); }
  };
  walk(t, []);
  return seen.size;
}

/** @param {any} brief */
function renderBrief(brief) {
  const checks = Object.entries(brief?.checks ?? {}).filter(([, v]) => v !== false && v != null);
  fill(els.briefSummary,
    brief?.description ? h('p', { class: 'brief__desc', text: brief.description }) : null,
    checks.length
      ? h('dl', { class: 'brief__checks', 'aria-label': S.briefAsks },
        ...checks.map(([k, v]) => h('div', null,
          h('dt', { text: S.checkNames[/** @type {keyof S['checkNames']} */ (k)] ?? human(k) }), h('dd', { text: describe(v) }))))
      : h('p', { class: 'brief__desc', text: S.briefNothing }));
}

/** @param {string} text @param {string} value @param {string} [fileName] */
async function useBrief(text, value, fileName) {
  try {
    await pf.setBrief(text);
  } catch (err) {
    showBriefError(err, fileName);
    els.select.value = selected;
    return false;
  }
  els.briefError.hidden = true;
  selected = value;
  selectedText = text;
  els.select.value = value;
  renderBrief(pf.brief);
  if (pf.brief?.checks?.faces || pf.brief?.checks?.plates) offline?.keepDetection();
  if (entries.length) recheckAll(); else updateProgress();
  return true;
}

function wireBriefs() {
  els.select.addEventListener('change', () => {
    const v = els.select.value;
    const text = v === 'custom' ? customText : presets[Number(v)]?.text;
    if (text != null) useBrief(text, v);
  });
  els.load.addEventListener('click', () => els.briefFile.click());
  els.briefFile.addEventListener('change', async () => {
    const file = els.briefFile.files?.[0];
    els.briefFile.value = '';
    if (!file) return;
    const text = await file.text();
    let ok = false;
    try { await pf.setBrief(text); ok = true; } catch (err) { showBriefError(err, file.name); }
    if (!ok) return;
    await useCustom(text, String(pf.brief?.name ?? file.name), file.name);
  });
  // The buyer's taxonomy as its own file, placed into the brief in use (as the CLI's --taxonomy).
  els.taxonomyLoad.addEventListener('click', () => els.taxonomyFile.click());
  els.taxonomyFile.addEventListener('change', async () => {
    const file = els.taxonomyFile.files?.[0];
    els.taxonomyFile.value = '';
    if (!file) return;
    let merged;
    try { merged = pf.withTaxonomy(selectedText, await file.text(), file.name); } catch (err) { showBriefError(err, file.name); return; }
    await useCustom(merged, S.briefWithTaxonomy(String(pf.brief?.name ?? ''), file.name), file.name);
  });
}

/** Uses a brief of the user's own (loaded, or with a taxonomy added) as the select's "custom" entry.
 * @param {string} text @param {string} name @param {string} fileName */
async function useCustom(text, name, fileName) {
  customText = text;
  customName = name;
  let opt = /** @type {HTMLOptionElement|null} */ (els.select.querySelector('option[value="custom"]'));
  if (!opt) { opt = /** @type {HTMLOptionElement} */ (h('option', { value: 'custom' })); els.select.append(opt); }
  opt.textContent = S.briefCustom(customName);
  await useBrief(text, 'custom', fileName);
}

// ───────────────────────────── language ─────────────────────────────
function wireLanguage() {
  els.lang.replaceChildren(...Object.entries(LANGUAGES).map(([code, l]) => h('option', { value: code, lang: code, text: l.name })));
  els.lang.addEventListener('change', () => {
    setLanguage(els.lang.value, { remember: true });
    applyLanguage();
  });
}

/** Puts the current language's strings everywhere the page shows them, results included. */
function applyLanguage() {
  document.documentElement.lang = language;
  els.lang.value = language;
  document.title = S.pageTitle;
  document.querySelector('meta[name="description"]')?.setAttribute('content', S.pageDescription);
  for (const el of document.querySelectorAll('[data-s]')) {
    const v = S[/** @type {keyof S} */ (/** @type {HTMLElement} */ (el).dataset.s)];
    if (typeof v === 'string') el.textContent = v;
  }
  els.drop.setAttribute('aria-description', S.dropZoneLabel);
  els.summary.setAttribute('aria-label', S.filterLabel);
  for (const v of VERDICTS) {
    const label = els.summary.querySelector(`[data-v="${v}"] .chip__label`);
    if (label) label.textContent = S.chip[v];
  }
  if (engineVersion) els.version.textContent = S.footerVersion(engineVersion);
  if (els.drop.dataset.state === 'starting') showStatus(S.starting);
  const custom = els.select.querySelector('option[value="custom"]');
  if (custom) custom.textContent = S.briefCustom(customName);
  if (pf?.brief) renderBrief(pf.brief);
  delete els.checkFilter.dataset.key;            // its options hold check names
  for (const e of entries) {
    if (e.overlay) e.overlay.built = false;      // its toggles hold labels
    touch(e);
  }
  lastProgressText = 0;
  updateProgress();
}

// ───────────────────────────── start ─────────────────────────────
async function loadPresets() {
  try {
    const res = await fetch('pkg/briefs/index.json');
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    /** @type {{ file: string, name: string }[]} */ const index = await res.json();
    // Fetch every preset now, so choosing one later never touches the network.
    presets = await Promise.all(index.map(async (p) => ({ ...p, text: await (await fetch(`pkg/briefs/${encodeURIComponent(p.file)}`)).text() })));
  } catch {
    presets = [];
    showBriefError({ message: S.briefLoadFailed });
  }
  els.select.replaceChildren(...presets.map((p, i) => h('option', { value: String(i), text: p.name })));
}

async function start() {
  buildSummary();
  setLanguage(preferredLanguage());
  wireLanguage();
  applyLanguage();
  wireDrop();
  wireBatchControls();
  wireBriefs();
  updateProgress();
  showStatus(S.starting);
  await loadPresets();
  pf = createPreflight({ brief: presets[0]?.text });
  try {
    const info = await pf.ready;
    engineVersion = info.version;
    els.version.textContent = S.footerVersion(engineVersion);
  } catch (err) {
    showStatus(S.startFailed(String(/** @type {any} */ (err)?.message ?? err)), true);
    els.drop.dataset.state = 'failed';
    return;
  }
  selected = els.select.value = presets.length ? '0' : '';
  renderBrief(pf.brief);
  els.select.disabled = false;
  els.pickFiles.disabled = false;
  els.pickFolder.disabled = false;
  els.drop.dataset.state = 'ready';
  showStatus('');
  document.documentElement.dataset.ready = 'true';
  offline = registerOffline({
    onUpdate: (apply) => {
      els.update.hidden = false;
      els.updateReload.onclick = apply;
    },
  });
}

start();
