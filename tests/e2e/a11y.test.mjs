// Accessibility and language: axe-core (from node_modules, injected into the real page) finds no
// serious or critical violation on the empty page, on a page of results (every verdict, filter
// and sort shown) and in German; the keyboard reaches everything (the drop zone opens the file
// picker with Enter and Space, cards are Tab stops with a visible focus ring); progress and
// verdicts are announced, summarised for a batch; the language switch changes the page's strings
// and is remembered.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { setup, openApp, dropFiles, corpusFiles, waitAllChecked, readCards } from './helpers.mjs';
import { en, LANGUAGES } from '../../www/strings.js';
import { writePrecache } from '../../scripts/precache.mjs';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** @type {Awaited<ReturnType<typeof setup>>} */ let env;
before(async () => {
  writePrecache();   // the pages here run with the service worker, as users get them
  env = await setup();
});
after(async () => { await env?.close(); });

/** A brief under which the four files below get pass, warn, fail and error (and pixel overlays). */
const BRIEF = { preflight_brief: 1, name: 'Accessibility test', checks: {
  format: { allow: ['jpeg', 'png'] },
  resolution: { min_megapixels: 0.2, orientation: { is: 'landscape', severity: 'warn' } },
  exposure: { max_highlights_percent: 5 } } };
const FILES = ['faces/skimage__coffee.png', 'faces/skimage__astronaut.png', 'metadata/exifpy__Canon_40D.jpg'];   // pass, warn, fail
const EMPTY = { name: 'empty.jpg', type: 'image/jpeg', bytes: new Uint8Array(0) };                               // error

/** Serious and critical axe violations on the page as it is, as readable lines. @param {import('playwright-core').Page} page */
async function axeViolations(page) {
  // Evaluated through the DevTools protocol: the page's CSP (script-src 'self') stays as it is.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const r = await /** @type {any} */ (window).axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((/** @type {any} */ v) => ({ id: v.id, impact: v.impact,
      nodes: v.nodes.slice(0, 3).map((/** @type {any} */ n) => `${n.target.join(' ')}: ${n.failureSummary.split('\n')[1] ?? ''}`) }));
  });
  const minor = violations.filter((v) => v.impact !== 'serious' && v.impact !== 'critical');
  if (minor.length) console.log(`# axe, minor: ${minor.map((v) => `${v.id} (${v.impact})`).join(', ')}`);
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}): ${v.nodes.join(' | ')}`);
}

/** Loads BRIEF as a custom brief, drops the four files, waits for every verdict. @param {import('playwright-core').Page} page */
async function showResults(page) {
  await page.setInputFiles('#brief-file', { name: 'a11y.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(BRIEF)) });
  await page.waitForFunction((name) => document.getElementById('progress')?.dataset.brief === name, BRIEF.name);
  const files = [...await corpusFiles(FILES), EMPTY];
  await dropFiles(page, files);
  await waitAllChecked(page, files.length, 60_000);
  return files;
}

/** The leaves of a string table: [path, value] (functions and strings). */
function leaves(/** @type {Record<string, any>} */ table, prefix = '') {
  /** @type {[string, any][]} */ const out = [];
  for (const [k, v] of Object.entries(table)) {
    if (v && typeof v === 'object' && !Array.isArray(v)) out.push(...leaves(v, `${prefix}${k}.`));
    else out.push([`${prefix}${k}`, v]);
  }
  return out;
}

test('the German table has every English key, of the same kind, and is really translated', () => {
  const de = LANGUAGES.de.table;
  const enLeaves = leaves(en), deLeaves = new Map(leaves(de));
  assert.deepEqual([...deLeaves.keys()].sort(), enLeaves.map(([k]) => k).sort(), 'same keys');
  for (const [k, v] of enLeaves) {
    assert.equal(typeof deLeaves.get(k), typeof v, `${k}: same kind`);
    if (typeof v === 'function') assert.equal(deLeaves.get(k).length, v.length, `${k}: same parameters`);
  }
  // Only names, symbols and units may read the same in both languages.
  const same = enLeaves.filter(([k, v]) => typeof v === 'string' && deLeaves.get(k) === v).map(([k]) => k);
  assert.deepEqual(same.filter((k) => !/^(product|exportCsvName|exportManifestJsonName|cleanZipName|verdictIcon\.|checkNames\.gps$)/.test(k)), [], 'untranslated strings');
  assert.equal(de.checkOption('Schärfe', 3), 'Schärfe (3)');
  assert.equal(de.megapixels(24.35), '24,4 MP', 'German decimal comma');
  assert.equal(de.announceDone(5, { pass: 1, warn: 2, fail: 1, error: 1 }), 'Alle 5 Dateien geprüft: 1 bestanden, 2 mit Warnung, 1 nicht bestanden, 1 mit Fehler.');
});

test('axe-core: no serious or critical violations on the empty page, with results, and in German', async () => {
  const { page, errors } = await openApp(env.context, env.url);
  assert.deepEqual(await axeViolations(page), [], 'empty page');

  await showResults(page);
  const verdicts = (await readCards(page)).map((c) => c.verdict).sort();
  assert.deepEqual(verdicts, ['error', 'fail', 'pass', 'warn'], 'one card of each verdict');
  assert.ok(await page.locator('#check-filter').isVisible(), 'check filter shown');
  assert.ok(await page.locator('#sort').isVisible(), 'sort shown');
  assert.ok(await page.locator('.ovbtn').count() > 0, 'overlay toggles shown');
  // Everything a user can open or be shown: passed checks, the update notice.
  await page.evaluate(() => {
    for (const d of document.querySelectorAll('details')) d.open = true;
    /** @type {HTMLElement} */ (document.getElementById('update')).hidden = false;
  });
  assert.deepEqual(await axeViolations(page), [], 'results page');

  // A filter chosen, and counts of zero (their chips are muted, and must stay legible).
  await page.locator('#summary .chip--fail').click();
  assert.deepEqual(await axeViolations(page), [], 'results filtered by verdict');
  await page.locator('#summary .chip--fail').click();
  await page.locator('#clear').click();
  await dropFiles(page, [EMPTY]);
  await waitAllChecked(page, 1);
  assert.equal(await page.locator('#summary .chip.is-zero').count(), 3);
  assert.deepEqual(await axeViolations(page), [], 'results with zero counts');

  await page.selectOption('#lang', 'de');
  await page.waitForFunction(() => document.documentElement.lang === 'de');
  const german = await axeViolations(page);
  await page.selectOption('#lang', 'en');   // the choice is remembered in this context: give it back
  assert.deepEqual(german, [], 'German results page');
  assert.deepEqual(errors, []);
  await page.close();
});

test('keyboard: Tab reaches the drop zone, Enter and Space open the file picker, every card is a Tab stop with a visible focus ring', async () => {
  const { page, errors } = await openApp(env.context, env.url);
  // Listening before any key is pressed: Playwright turns file-chooser interception on asynchronously.
  /** @type {import('playwright-core').FileChooser[]} */ const choosers = [];
  page.on('filechooser', (c) => choosers.push(c));
  const pickerFrom = async (/** @type {string} */ key) => {
    const n = choosers.length;
    await page.keyboard.press(key);
    for (let waited = 0; choosers.length === n; waited += 50) {
      if (waited > 5000) throw new Error(`${key} on the drop zone opened no file picker`);
      await page.waitForTimeout(50);
    }
    return choosers[n];
  };
  /** Presses Tab until `done(activeElement)` holds; returns the ids/classes passed on the way. */
  const tabUntil = async (/** @type {string} */ selector, max = 40) => {
    for (let i = 0; i < max; i++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate((s) => !!document.activeElement?.matches(s), selector)) return i + 1;
    }
    throw new Error(`Tab never reached ${selector}`);
  };
  assert.ok(await tabUntil('#drop') <= 8, 'the drop zone is among the first Tab stops');
  const chooser = await pickerFrom('Enter');
  assert.equal(chooser.isMultiple(), true);
  const files = await corpusFiles(FILES);
  await chooser.setFiles(files.map((f) => ({ name: f.name, mimeType: f.type, buffer: Buffer.from(f.bytes) })));
  await waitAllChecked(page, files.length);
  await page.locator('#drop').focus();
  await (await pickerFrom(' ')).setFiles([]);

  /** @type {string[]} */ const reached = [];
  await page.locator('#drop').focus();
  while (reached.length < files.length) {
    await tabUntil('#cards > .card');
    const focus = await page.evaluate(() => {
      const el = /** @type {HTMLElement} */ (document.activeElement);
      const s = getComputedStyle(el);
      return { file: el.dataset.file ?? '', outline: s.outlineStyle, width: parseFloat(s.outlineWidth) };
    });
    assert.notEqual(focus.outline, 'none', `${focus.file}: visible focus`);
    assert.ok(focus.width >= 2, `${focus.file}: focus ring ≥ 2 px`);
    reached.push(focus.file);
  }
  assert.deepEqual(reached, files.map((f) => f.name), 'every card, in order');
  assert.deepEqual(errors, []);
  await page.close();
});

test('announcements: a small drop says each verdict; a batch says its start and its counts, never each file', async () => {
  const { page, errors } = await openApp(env.context, env.url);
  await page.evaluate(() => {
    /** @type {any} */ (window).said = [];
    const el = /** @type {HTMLElement} */ (document.getElementById('announce'));
    new MutationObserver(() => /** @type {any} */ (window).said.push(el.textContent)).observe(el, { childList: true, characterData: true, subtree: true });
  });
  const one = await corpusFiles([FILES[0]]);
  await dropFiles(page, one);
  await waitAllChecked(page, 1);
  const verdict = (await readCards(page))[0].verdict;
  await page.waitForFunction((t) => /** @type {any} */ (window).said.includes(t), `${one[0].name}: ${en.verdict[/** @type {'pass'} */ (verdict)]}.`);

  await page.locator('#clear').click();
  await page.evaluate(() => { /** @type {any} */ (window).said = []; });
  // 12 files: every corpus JPEG of the metadata folder would do; these are small and varied.
  const batch = await corpusFiles(['metadata/exifpy__Canon_40D.jpg', 'metadata/exifpy__Nikon_D70.jpg', 'metadata/mei__HTC_Desire.webp',
    'faces/skimage__coffee.png', 'faces/skimage__astronaut.png', 'metadata/exifr__001.tif', 'metadata/mei__IMG_2927.HEIC',
    'metadata/exifpy__heic_hdlr_box.jpg', 'metadata/mei__User_Comment_Encoding.jpg', 'plates/alpr__eu1.jpg',
    'faces/dlib__bald_guys.jpg', 'faces/darknet__person.jpg']);
  const t0 = Date.now();
  await dropFiles(page, batch);
  await waitAllChecked(page, batch.length, 60_000);
  await page.waitForFunction(() => /^All \d+ files checked:/.test(/** @type {any} */ (window).said.at(-1) ?? ''));
  const seconds = (Date.now() - t0) / 1000;
  /** @type {string[]} */ const said = await page.evaluate(() => /** @type {any} */ (window).said);
  assert.equal(said[0], 'Checking 12 files.');
  const c = Object.fromEntries(['pass', 'warn', 'fail', 'error'].map((v) => [v, 0]));
  for (const card of await readCards(page)) c[/** @type {string} */ (card.verdict)]++;
  assert.equal(said.at(-1), en.announceDone(12, /** @type {any} */ (c)));
  assert.ok(said.length <= 2 + Math.ceil(seconds / 10), `at most one progress line per 10 s: ${JSON.stringify(said)}`);
  for (const f of batch) assert.ok(!said.some((s) => s.includes(f.name)), `${f.name} not announced on its own`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('language: follows the browser, a visible switch changes every page string (results included) and is remembered', async () => {
  const context = await env.browser.newContext({ locale: 'de-DE' });
  try {
    const { page, errors } = await openApp(context, env.url);
    const de = LANGUAGES.de.table;
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'de', 'German from navigator.language');
    assert.equal(await page.locator('#drop-title').textContent(), de.dropTitle);
    assert.equal(await page.title(), de.pageTitle);
    const untranslated = await page.$$eval('[data-s]', (els, table) => els.filter((el) =>
      el.textContent !== table[/** @type {HTMLElement} */ (el).dataset.s ?? '']).map((el) => el.outerHTML.slice(0, 80)), /** @type {any} */ (
      Object.fromEntries(Object.entries(de).filter(([, v]) => typeof v === 'string'))));
    assert.deepEqual(untranslated, [], 'every marked element shows its German string');

    await showResults(page);
    const cards = await readCards(page);
    const pass = cards.find((c) => c.verdict === 'pass');
    assert.match(/** @type {string} */ (pass?.badge), /Bestanden$/);
    assert.equal(await page.locator('#progress').textContent(), `${de.progressDone(4)}${de.against(BRIEF.name)}`);
    assert.equal(await page.locator('.card[data-verdict="fail"] .finding--fail .finding__title').first().textContent(),
      `${de.verdict.fail}: ${de.checkNames.resolution}`);

    const togglesDe = await page.locator('.ovbtn').allTextContents();
    assert.ok(togglesDe.length && togglesDe.every((t) => Object.values(de.overlayToggle).includes(t)), `German overlay toggles: ${togglesDe}`);

    // Switch to English: the same results, relabelled; the engine's messages were English all along.
    const message = await page.locator('.card[data-verdict="fail"] .finding--fail .finding__msg').first().textContent();
    await page.selectOption('#lang', 'en');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    assert.equal(await page.locator('#drop-title').textContent(), en.dropTitle);
    assert.equal(await page.locator('#progress').textContent(), `${en.progressDone(4)}${en.against(BRIEF.name)}`);
    assert.match(/** @type {string} */ ((await readCards(page)).find((c) => c.verdict === 'pass')?.badge), /Pass$/);
    assert.equal(await page.locator('.card[data-verdict="fail"] .finding--fail .finding__title').first().textContent(),
      `${en.verdict.fail}: ${en.checkNames.resolution}`);
    assert.equal(await page.locator('.card[data-verdict="fail"] .finding--fail .finding__msg').first().textContent(), message);
    assert.equal(await page.locator('#summary .chip--pass .chip__label').textContent(), en.chip.pass);
    const toggles = await page.locator('.ovbtn').allTextContents();
    assert.ok(toggles.length && toggles.every((t) => Object.values(en.overlayToggle).includes(t)), `overlay toggles relabelled: ${toggles}`);

    // Remembered over the browser's language.
    await page.reload();
    await page.waitForSelector('html[data-ready="true"]');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    assert.equal(await page.locator('#lang').inputValue(), 'en');
    assert.equal(await page.locator('#drop-title').textContent(), en.dropTitle);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
