// Embedding: <photo-preflight> in a plain form, the Uppy and FilePond adapters in the real widgets
// (from npm, served from the page's own origin by scripts/serve.mjs), all on www/examples/.
// Fixtures against www/examples/brief.json (≥ 320 × 240): a 100 × 68 JPEG fails, a 640 × 480 passes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { setup, repoRoot } from './helpers.mjs';

const fixture = (/** @type {string} */ name) => path.join(repoRoot, 'tests/fixtures/corpus', name);
const FAILING = fixture('exifpy__Canon_40D.jpg');      // 100 × 68
const PASSING = fixture('exifpy__DSCN0010.jpg');       // 640 × 480

/** @type {Awaited<ReturnType<typeof setup>>} */ let env;
before(async () => { env = await setup(); });
after(async () => { await env?.close(); });

/** Opens an example page; fails the test on any page error or console error (CSP violations included). */
async function open(/** @type {string} */ file) {
  const page = await env.context.newPage();
  page.setDefaultTimeout(15_000);
  /** @type {string[]} */ const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(new URL(`examples/${file}`, env.url).href);
  return { page, errors };
}

/** Waits until <photo-preflight> has a finished report for every chosen file. */
const settled = (/** @type {import('playwright-core').Page} */ page, /** @type {number} */ n) => page.waitForFunction((count) => {
  const el = /** @type {any} */ (document.querySelector('photo-preflight'));
  return el && !el.checking && el.reports.length === count && el.reports.every(Boolean);
}, n);

test('<photo-preflight> blocks the submit while a file fails, and submits the reports with the files once it passes', async () => {
  const { page, errors } = await open('plain-form.html');
  /** @type {string[]} */ const posts = [];
  page.on('request', (r) => { if (r.method() === 'POST') posts.push(r.url()); });

  let requestsWhileChecking = 0;
  const countRequests = () => { requestsWhileChecking++; };
  await page.waitForFunction(() => /** @type {any} */ (document.querySelector('photo-preflight'))?.preflight);
  page.on('request', countRequests);
  await page.setInputFiles('input[type=file]', FAILING);
  await settled(page, 1);
  page.off('request', countRequests);
  assert.equal(requestsWhileChecking, 0, 'checking a file makes no network request');

  const card = await page.evaluate(() => {
    const el = /** @type {any} */ (document.querySelector('photo-preflight'));
    const li = el.shadowRoot.querySelector('[part~=card]');
    return { verdict: li.dataset.verdict, part: li.getAttribute('part'), text: li.textContent, tabIndex: li.tabIndex,
      status: el.shadowRoot.querySelector('[part=status]').textContent,
      live: el.shadowRoot.querySelector('[part=status]').getAttribute('role'),
      listLive: el.shadowRoot.querySelector('[part=cards]').getAttribute('aria-live'),
      valid: el.validity.valid, message: el.validationMessage };
  });
  assert.equal(card.verdict, 'fail');
  assert.equal(card.part, 'card fail');
  assert.match(card.text, /exifpy__Canon_40D\.jpg/);
  assert.match(card.text, /100 × 68|width|320/i, 'the card says why');
  assert.equal(card.tabIndex, 0, 'cards are keyboard reachable');
  assert.equal(card.live, 'status');
  assert.equal(card.listLive, 'polite');
  assert.match(card.status, /1 of 1 photo does not meet the brief/);
  assert.equal(card.valid, false);
  assert.match(card.message, /does not meet the brief/);

  // Keyboard: Tab from the file input reaches the card inside the shadow root.
  await page.focus('input[type=file]');
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => /** @type {any} */ (document.activeElement)?.shadowRoot?.activeElement?.dataset.verdict);
  assert.equal(focused, 'fail');

  await page.click('button');
  await page.waitForTimeout(300);
  assert.deepEqual(posts, [], 'a failing file holds the form back');
  assert.match(page.url(), /plain-form\.html$/);

  // mode="warn" only shows; the form may go.
  assert.equal(await page.evaluate(() => {
    const el = /** @type {any} */ (document.querySelector('photo-preflight'));
    el.setAttribute('mode', 'warn');
    const valid = el.checkValidity();
    el.setAttribute('mode', 'block');
    return valid;
  }), true);

  // Replace the file with one that passes: the form submits, with the reports as a field.
  await page.setInputFiles('input[type=file]', PASSING);
  await settled(page, 1);
  assert.deepEqual(errors, []);      // (checked before leaving: the JSON answer page asks for a favicon)
  const [response] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/examples/upload')), page.click('button')]);
  const { received } = await response.json();
  assert.deepEqual(received.photos, [{ file: 'exifpy__DSCN0010.jpg', size: (await readFile(PASSING)).length }]);
  assert.equal(received.preflight.length, 1);
  const sent = JSON.parse(received.preflight[0]);
  assert.equal(sent.brief, 'Example marketplace');
  assert.match(sent.preflight, /^\d+\.\d+\.\d+/);
  assert.equal(sent.reports.length, 1);
  assert.equal(sent.reports[0].file, 'exifpy__DSCN0010.jpg');
  assert.equal(sent.reports[0].verdict, 'pass');
  assert.equal(sent.reports[0].width, 640);

  // preflight.d.ts declares exactly the keys a real report carries.
  const dts = await readFile(path.join(repoRoot, 'www/preflight.d.ts'), 'utf8');
  const declared = (/** @type {string} */ name) => [...dts.slice(dts.indexOf(`export interface ${name} {`)).split('\n}')[0]
    .matchAll(/^  (\w+)\??:/gm)].map((m) => m[1]);
  assert.deepEqual(Object.keys(sent.reports[0]).filter((k) => !declared('Report').includes(k)), [], 'undeclared report keys');
  assert.deepEqual(Object.keys(sent.reports[0].metadata), declared('Metadata'));
  assert.deepEqual(Object.keys(sent.reports[0].findings[0]), declared('Finding'));
  await page.close();
});

test('<photo-preflight> with a file that is still being checked holds the form back until it is done', async () => {
  const { page, errors } = await open('plain-form.html');
  // The checker is paused, so the file stays "being checked" for as long as the test needs.
  await page.waitForFunction(() => /** @type {any} */ (document.querySelector('photo-preflight'))?.preflight);
  await page.evaluate(() => /** @type {any} */ (document.querySelector('photo-preflight')).preflight.pause());
  await page.setInputFiles('input[type=file]', PASSING);
  const blocked = await page.evaluate(() => {
    const el = /** @type {any} */ (document.querySelector('photo-preflight'));
    return { checking: el.checking, valid: el.checkValidity(), message: el.validationMessage };
  });
  assert.equal(blocked.checking, true);
  assert.equal(blocked.valid, false);
  assert.match(blocked.message, /Wait until the photos are checked/);
  await page.evaluate(() => /** @type {any} */ (document.querySelector('photo-preflight')).preflight.resume());
  await settled(page, 1);
  assert.equal(await page.evaluate(() => /** @type {any} */ (document.querySelector('photo-preflight')).checkValidity()), true);
  assert.deepEqual(errors, []);
  await page.close();
});

test('Uppy: the plugin rejects a failing file with the reason in Uppy\'s informer, keeps a passing one, and annotates in annotate mode', async () => {
  const { page, errors } = await open('uppy.html');
  await page.waitForFunction(() => /** @type {any} */ (globalThis).uppy?.getPlugin('Preflight')?.preflight);
  const input = page.locator('input.uppy-Dashboard-input').first();

  await input.setInputFiles(FAILING);
  // (Uppy 6's Dashboard renders its informer twice; the first is the visible one.)
  const informer = page.locator('.uppy-Informer').first();
  await informer.getByText('exifpy__Canon_40D.jpg was not added: it does not meet the brief').waitFor();
  assert.equal(await page.evaluate(() => /** @type {any} */ (globalThis).uppy.getFiles().length), 0, 'the failing file is removed');
  const details = await informer.locator('[role=tooltip]').getAttribute('aria-label');
  assert.match(details ?? '', /320/, 'the reason names the brief\'s limit');

  await input.setInputFiles(PASSING);
  await page.waitForFunction(() => /** @type {any} */ (globalThis).uppy.getFiles()[0]?.meta.preflight_verdict);
  const kept = await page.evaluate(() => {
    const f = /** @type {any} */ (globalThis).uppy.getFiles()[0];
    return { name: f.name, verdict: f.meta.preflight_verdict, report: JSON.parse(f.meta.preflight_report) };
  });
  assert.deepEqual([kept.name, kept.verdict, kept.report.width], ['exifpy__DSCN0010.jpg', 'pass', 640]);

  // The passing file uploads with its report (XHRUpload to the example server).
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/examples/upload')),
    page.evaluate(() => /** @type {any} */ (globalThis).uppy.upload()),
  ]);
  const { received } = await response.json();
  assert.equal(received.photos[0].file, 'exifpy__DSCN0010.jpg');
  assert.equal(JSON.parse(received.preflight_report[0]).verdict, 'pass');

  // annotate: the failing file stays, marked with the reason in the Dashboard, and the upload is refused.
  await page.evaluate(() => {
    const uppy = /** @type {any} */ (globalThis).uppy;
    uppy.clear();
    uppy.getPlugin('Preflight').setOptions({ mode: 'annotate' });
  });
  await input.setInputFiles(FAILING);
  await page.waitForFunction(() => /** @type {any} */ (globalThis).uppy.getFiles()[0]?.error);
  const marked = await page.locator('.uppy-Dashboard-Item-errorDetails').getAttribute('aria-label');
  assert.match(marked ?? '', /320/);
  const refused = await page.evaluate(() => /** @type {any} */ (globalThis).uppy.upload().then(() => 'uploaded', (e) => e.message));
  assert.equal(refused, '1 file does not meet the brief');
  assert.deepEqual(errors.filter((e) => !/does not meet the brief/.test(e)), []);
  await page.close();
});

test('FilePond: the plugin marks a failing item invalid with the reason, and accepts a passing one with its report', async () => {
  const { page, errors } = await open('filepond.html');
  await page.waitForFunction(() => /** @type {any} */ (globalThis).pond);
  const input = page.locator('input.filepond--browser');

  await input.setInputFiles(FAILING);
  const item = page.locator('.filepond--item').first();
  await page.waitForFunction(() => document.querySelector('.filepond--item')?.getAttribute('data-filepond-item-state') === 'load-invalid');
  assert.equal(await item.locator('.filepond--file-status-main').textContent(), 'Does not meet the brief');
  assert.match(await item.locator('.filepond--file-status-sub').textContent() ?? '', /320/);

  await page.evaluate(() => /** @type {any} */ (globalThis).pond.removeFiles());
  const [response] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/examples/upload')), input.setInputFiles(PASSING)]);
  const { received } = await response.json();
  assert.equal(received.photos.find((/** @type {any} */ v) => typeof v === 'object').file, 'exifpy__DSCN0010.jpg');
  const meta = JSON.parse(received.photos.find((/** @type {any} */ v) => typeof v === 'string'));
  assert.equal(meta.preflight.verdict, 'pass');
  assert.equal(await page.evaluate(() => /** @type {any} */ (globalThis).pond.getFile().getMetadata('preflight').verdict), 'pass');
  assert.deepEqual(errors, []);
  await page.close();
});

test('createPreflight: events mirror the callbacks, and `models` says where the workers fetch the detection models', async () => {
  const { page } = await open('plain-form.html');
  const bytes = [...await readFile(PASSING)];
  const out = await page.evaluate(async (data) => {
    const { createPreflight } = await import('/preflight.js');
    const file = new File([new Uint8Array(data)], 'a.jpg', { type: 'image/jpeg' });
    /** @type {string[]} */ const seen = [];
    const pf = createPreflight({ brief: { preflight_brief: 1, name: 'Events', checks: { resolution: { min_width: 320 } } }, workers: 1 });
    for (const type of ['ready', 'report', 'progress', 'batch', 'error']) {
      pf.addEventListener(type, (/** @type {any} */ ev) => seen.push(`${type}:${JSON.stringify(ev.detail?.report?.verdict ?? ev.detail?.done ?? ev.detail?.briefName ?? null)}`));
    }
    await pf.check([file, file]);
    pf.terminate();

    // Faces brief, models from a folder that does not exist: the workers cannot start, and say why.
    const faces = { preflight_brief: 1, name: 'Faces', checks: { faces: { max: 0 } } };
    const nowhere = createPreflight({ brief: faces, workers: 1, models: '/no-models-here' });
    const failed = await nowhere.ready.then(() => 'started', (e) => e.message);
    nowhere.terminate();
    // The same brief with the models' real folder (no trailing slash: it is added) runs detection.
    const there = createPreflight({ brief: faces, workers: 1, models: '/pkg/models' });
    const [report] = await there.check([file]);
    there.terminate();
    return { seen, failed, faces: report.faces, verdict: report.findings.find((/** @type {any} */ f) => f.check === 'faces')?.verdict };
  }, bytes);
  assert.deepEqual(out.seen, ['ready:"Events"', 'report:"pass"', 'progress:1', 'report:"pass"', 'progress:2']);
  assert.match(out.failed, /could not load the detection model yunet\.onnx: HTTP 404/);
  assert.ok(Array.isArray(out.faces), 'detection ran with the models from the given folder');
  assert.ok(out.verdict === 'pass' || out.verdict === 'fail');
  await page.close();
});
