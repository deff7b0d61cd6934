// Clean copies in the page: "Make upload-ready copy" on each card, and every copy of a batch as
// one zip with the manifest inside. The engine makes the copies in a worker (pf.clean); nothing
// leaves the device — the results are saved as local downloads.
import { makeZip, uniqueName } from './zip.js';
import { strings as S } from './strings.js';

/** @typedef {import('./preflight.js').Report} Report */
/** @typedef {import('./preflight.js').Preflight} Preflight */
/** @typedef {import('./preflight.js').CleanCopy} CleanCopy */


/** Saves `blob` as a local file (a blob: URL, revoked at once; nothing is uploaded). */
export function saveBlob(/** @type {Blob} */ blob, /** @type {string} */ name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

const baseName = (/** @type {string} */ name) => name.slice(name.lastIndexOf('/') + 1);

/** What a copy's name adds before its extension, as `preflight clean --suffix` does. */
export const CLEAN_SUFFIX = '.clean';

/** `photo.jpg` → `photo.clean.jpg` (no extension: appended). */
export function copyName(/** @type {string} */ name, suffix = CLEAN_SUFFIX) {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? `${name.slice(0, dot)}${suffix}${name.slice(dot)}` : `${name}${suffix}`;
}

/** Boxes the report holds (faces and plates found), for the blur button. */
function detected(/** @type {Report} */ r) {
  return (r.faces?.length ?? 0) + (r.plates?.length ?? 0);
}

/** Which report each card's buttons were made for. @type {WeakMap<HTMLElement, Report|null>} */
const shownFor = new WeakMap();

/**
 * Puts the clean-copy buttons on a card (once; later calls refresh them for the new report).
 * @param {HTMLElement} container where the buttons go (inside the card)
 * @param {{ file: File, name: string, report: Report|null }} entry
 * @param {() => Preflight} getPf
 */
export function cardCleanButtons(container, entry, getPf) {
  let box = /** @type {HTMLElement|null} */ (container.querySelector('.card__clean'));
  if (!box) {
    box = document.createElement('div');
    box.className = 'card__clean';
    container.append(box);
  }
  const r = entry.report;
  // Re-rendered for the same report in the same language: keep the status line.
  if (shownFor.get(box) === r && box.lang === document.documentElement.lang) return;
  shownFor.set(box, r);
  box.lang = document.documentElement.lang;
  if (!r || r.verdict === 'error') { box.replaceChildren(); return; }
  const status = document.createElement('p');
  status.className = 'card__clean-status';
  status.setAttribute('role', 'status');
  const make = (/** @type {string} */ label, /** @type {('faces'|'plates')[]} */ blur) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'btn btn--quiet card__clean-btn';
    b.textContent = label;
    b.dataset.blur = blur.join(',');
    b.addEventListener('click', async () => {
      b.disabled = true;
      status.textContent = S.cleanWorking;
      try {
        const kinds = blur.filter((k) => (entry.report?.[k]?.length ?? 0) > 0);
        const copy = await getPf().clean(entry.file, entry.report, { blur: kinds });
        saveBlob(copy.blob, copyName(baseName(entry.name)));
        status.textContent = S.cleanMade(copy);
      } catch (e) {
        status.textContent = S.cleanFailed(String(/** @type {any} */ (e)?.message ?? e));
      } finally {
        b.disabled = false;
      }
    });
    return b;
  };
  const n = detected(r);
  box.replaceChildren(make(S.cleanCard, []), n ? make(S.cleanBlur(n), ['faces', 'plates']) : '', status);
}

/**
 * Every file's clean copy, then the copies checked again (so manifest.csv and reports.json
 * describe what is in the zip, not the originals, which still hold what was removed), zipped.
 * With `uploadReady` (the default) the zip leaves out copies that still fail the brief and
 * exact duplicates of an earlier file, and reports.json's `left_out` says which and why.
 * @param {Preflight} pf @param {{ file: File, name: string, report?: Report|null }[]} files
 * @param {(done: number, total: number) => void} [onProgress]
 * @param {{ uploadReady?: boolean }} [options]
 * @returns {Promise<{ zip: Blob, copied: number, skipped: number, leftOut: number }>}
 */
export async function cleanZip(pf, files, onProgress, { uploadReady = true } = {}) {
  /** @type {{ name: string, blob: Blob, copy: Omit<CleanCopy, 'blob'>, from: string }[]} */ const copies = [];
  /** @type {{ file: string, reason: string }[]} */ const notCopied = [];
  const used = new Set();
  let done = 0;
  /** @type {{ file: string, reason: string }[]} */ const leftOut = [];
  for (const f of files) {
    const dup = f.report?.findings.find((x) => x.check === 'duplicates.exact' && x.verdict !== 'pass');
    if (uploadReady && dup) {
      leftOut.push({ file: f.name, reason: `an exact duplicate: ${dup.message}` });
      onProgress?.(++done, files.length);
      continue;
    }
    try {
      const { blob, ...copy } = await pf.clean(f.file, null);
      copies.push({ name: uniqueName(copyName(baseName(f.name)), used), blob, copy, from: f.name });
    } catch (e) {
      notCopied.push({ file: f.name, reason: String(/** @type {any} */ (e)?.message ?? e) });
    }
    onProgress?.(++done, files.length);
  }
  const checked = await pf.check(copies.map((c) => new File([c.blob], c.name, { type: c.blob.type })));
  const kept = copies.map((c, i) => ({ ...c, report: checked[i] })).filter((c) => {
    if (!uploadReady || c.report.verdict !== 'fail') return true;
    const failing = c.report.findings.filter((x) => x.verdict === 'fail').map((x) => x.check);
    leftOut.push({ file: c.from, reason: `the copy still fails the brief: ${failing.join(', ')}` });
    return false;
  });
  const reports = kept.map((c) => c.report);
  const summary = {
    brief: pf.brief, version: pf.version, made_at: new Date().toISOString(),
    upload_ready: uploadReady,
    copies: kept.map((c) => ({ file: c.name, from: c.from, ...c.copy, report: c.report })),
    not_copied: notCopied,
    left_out: leftOut,
  };
  const zip = await makeZip([
    ...kept.map((c) => ({ name: c.name, data: c.blob })),
    { name: 'manifest.csv', data: pf.manifest(reports) },
    { name: 'reports.json', data: JSON.stringify(summary, null, 2) },
  ]);
  return { zip, copied: kept.length, skipped: notCopied.length, leftOut: leftOut.length };
}

/**
 * Adds the "Download clean copies (zip)" button after `anchor` (a toolbar button); it is shown
 * whenever `anchor` is.
 * @param {HTMLElement} anchor @param {() => { file: File, name: string, report: Report|null }[]} getEntries
 * @param {() => Preflight} getPf @param {(text: string, isError?: boolean) => void} showStatus
 */
export function wireCleanZip(anchor, getEntries, getPf, showStatus) {
  const btn = document.createElement('button');
  btn.type = 'button';
  btn.id = 'export-clean';
  btn.className = anchor.className;
  btn.textContent = S.cleanZip;
  btn.dataset.s = 'cleanZip';     // relabelled when the language changes
  btn.hidden = anchor.hidden;
  // Upload-ready (default): leave out copies that still fail and exact duplicates.
  const label = document.createElement('label');
  label.className = 'clean-ready';
  const ready = document.createElement('input');
  ready.type = 'checkbox';
  ready.id = 'clean-ready';
  ready.checked = true;
  const text = document.createElement('span');
  text.textContent = S.cleanReady;
  text.dataset.s = 'cleanReady';
  label.append(ready, ' ', text);
  label.hidden = anchor.hidden;
  anchor.after(btn, label);
  new MutationObserver(() => { btn.hidden = anchor.hidden; label.hidden = anchor.hidden; })
    .observe(anchor, { attributes: true, attributeFilter: ['hidden'] });
  btn.addEventListener('click', async () => {
    btn.disabled = true;
    try {
      const files = getEntries().filter((e) => e.report && e.report.verdict !== 'error');
      const { zip, copied, skipped, leftOut } = await cleanZip(getPf(), files,
        (d, t) => showStatus(S.cleanZipWorking(d, t)), { uploadReady: ready.checked });
      saveBlob(zip, S.cleanZipName);
      showStatus(S.cleanZipDone(copied, skipped, leftOut));
    } catch (e) {
      showStatus(S.cleanFailed(String(/** @type {any} */ (e)?.message ?? e)), true);
    } finally {
      btn.disabled = false;
    }
  });
}
