// Faces and licence plates in the page: a brief with `faces` / `plates` rules loads the detection
// build and its models from the page's own origin (nowhere else), then every dropped photo gets
// its boxes drawn on the preview, a numbered list with scores, and the findings — the same boxes
// the CLI reports.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setup, openApp, dropFiles, corpusFiles, corpus, waitAllChecked, readCards, repoRoot, releaseCli } from './helpers.mjs';

/** @type {Awaited<ReturnType<typeof setup>>} */ let env;
before(async () => { env = await setup(); });
after(async () => { await env?.close(); });

const PEOPLE = 'faces/ultralight__19.jpg';     // 5 faces (labels.csv)
const PORTRAIT = 'faces/skimage__astronaut.png'; // 1 face
const CAR = 'plates/alpr__eu1.jpg';              // 1 plate, openalpr box x=396 y=340 w=203 h=46
const EMPTY = 'faces/skimage__coffee.png';       // no face, no plate

/** Every `.det` item of a card as { kind, score }. */
const detections = (/** @type {import('playwright-core').Page} */ page, /** @type {string} */ file) =>
  page.$$eval(`.card[data-file="${file}"] .det`, (els) => els.map((el) => ({
    kind: /** @type {HTMLElement} */ (el).dataset.kind, score: Number(/** @type {HTMLElement} */ (el).dataset.score),
    text: el.textContent })));

/** Pixels of the boxes layer painted amber (faces) and cyan (plates). */
const boxPixels = (/** @type {import('playwright-core').Page} */ page, /** @type {string} */ file) =>
  page.$eval(`.card[data-file="${file}"] .ov--boxes`, (el) => {
    const c = /** @type {HTMLCanvasElement} */ (el);
    const d = /** @type {CanvasRenderingContext2D} */ (c.getContext('2d')).getImageData(0, 0, c.width, c.height).data;
    let amber = 0, cyan = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i + 3] < 200) continue;
      if (d[i] > 220 && d[i + 1] > 150 && d[i + 1] < 200 && d[i + 2] < 60) amber++;
      else if (d[i] < 60 && d[i + 1] > 170 && d[i + 2] > 220) cyan++;
    }
    return { amber, cyan, hidden: c.hidden };
  });

test('faces and plates: boxes on the preview, a scored list, release warning; only same-origin requests', async () => {
  /** @type {string[]} */ const requests = [];
  env.context.on('request', (r) => requests.push(r.url()));
  const { page, errors } = await openApp(env.context, env.url);
  page.setDefaultTimeout(60_000);

  // A portrait brief: exactly one face, model release reminder. Switching to it loads the
  // detection build and the models (before the switch completes).
  await page.selectOption('#brief-select', { label: 'Portraits with model releases (example)' });
  // The progress line names the brief once setBrief has resolved, i.e. the new workers (and models) are ready.
  const briefInUse = (/** @type {string} */ prefix) =>
    page.waitForFunction((p) => document.getElementById('progress')?.dataset.brief?.startsWith(p), prefix);
  await briefInUse('Portraits');
  await page.waitForLoadState('networkidle');
  const before = requests.length;

  const files = await corpusFiles([PEOPLE, PORTRAIT, CAR, EMPTY]);
  await dropFiles(page, files);
  await waitAllChecked(page, files.length, 120_000);
  const cards = Object.fromEntries((await readCards(page)).map((c) => [c.file, c]));
  const [people, portrait, car, empty] = files.map((f) => f.name);

  assert.equal(cards[people].checks.faces, 'fail', 'five faces where the brief wants exactly one');
  assert.equal(cards[people].checks['faces.release'], 'warn', 'model release warning');
  const release = await page.locator(`.card[data-file="${people}"] .finding[data-check="faces.release"] .finding__msg`).textContent();
  assert.match(release ?? '', /^Model release needed for 5 faces/);
  assert.equal(cards[portrait].checks.faces, 'pass');
  assert.equal(cards[empty].checks.faces, 'fail', 'no face in a portrait brief');

  const peopleDets = await detections(page, people);
  assert.equal(peopleDets.filter((d) => d.kind === 'face').length, 5);
  assert.ok(peopleDets.every((d) => d.score >= 0.5 && d.score <= 1), JSON.stringify(peopleDets));
  assert.match(peopleDets[0].text ?? '', /^Face 1 · 0\.\d\d$/);
  assert.equal((await detections(page, portrait)).length, 1);
  assert.deepEqual(await detections(page, empty), [], 'nothing found, nothing listed');
  await page.waitForFunction(() => document.querySelectorAll('.ov--boxes').length >= 2);
  const painted = await boxPixels(page, people);
  assert.ok(painted.amber > 100 && painted.cyan === 0 && !painted.hidden, JSON.stringify(painted));
  assert.equal(await page.locator(`.card[data-file="${empty}"] .ov--boxes`).count(), 0);

  // Checking made no request at all (models were loaded when the brief was chosen) …
  assert.deepEqual(requests.slice(before), [], 'no request while checking');

  // … and a street brief (no faces, no plates) shows the plate in its own colour.
  await page.locator('#clear').click();
  await page.selectOption('#brief-select', { label: 'Street scenes dataset (example)' });
  await briefInUse('Street');
  const carFile = await corpusFiles([CAR, EMPTY]);
  await dropFiles(page, carFile);
  await waitAllChecked(page, 2, 120_000);
  const street = Object.fromEntries((await readCards(page)).map((c) => [c.file, c]));
  assert.equal(street[car].checks.plates, 'fail');
  assert.equal(street[empty].checks.plates, 'pass');
  assert.equal(street[empty].checks.faces, 'pass');
  const carDets = await detections(page, car);
  assert.deepEqual(carDets.map((d) => d.kind), ['plate']);
  await page.waitForFunction((f) => !!document.querySelector(`.card[data-file="${f}"] .ov--boxes`), car);
  const carPaint = await boxPixels(page, car);
  assert.ok(carPaint.cyan > 50 && carPaint.amber === 0, JSON.stringify(carPaint));

  // Everything this page ever asked for came from its own origin.
  const foreign = requests.filter((u) => !u.startsWith(env.url));
  assert.deepEqual(foreign, [], 'requests only to the page origin');
  assert.ok(requests.some((u) => u.endsWith('/pkg/models/yunet.onnx')), 'models come from the page origin');
  assert.deepEqual(errors, []);
  await page.close();
});

test('the page reports the same boxes as the CLI', async () => {
  const cli = releaseCli();
  const briefPath = path.join(repoRoot, 'briefs/street-dataset.json');
  const rels = [PEOPLE, CAR];
  // The CLI runs next to each photo, so its `file` names are the bare names the page sees.
  const fromCli = rels.map((rel) => {
    const r = spawnSync(cli, ['check', '--json', '--brief', briefPath, path.basename(rel)],
      { cwd: path.join(corpus, path.dirname(rel)), encoding: 'utf8' });
    assert.ok(r.status === 0 || r.status === 1, `CLI exit ${r.status}: ${r.stderr}`);
    return JSON.parse(r.stdout)[0];
  });
  assert.ok(Array.isArray(fromCli[0].faces), JSON.stringify(fromCli[0].findings));

  const { page } = await openApp(env.context, env.url);
  page.setDefaultTimeout(120_000);
  const files = rels.map((rel) => ({ name: path.basename(rel), b64: readFileSync(path.join(corpus, rel)).toString('base64') }));
  const fromPage = await page.evaluate(async ({ files, brief }) => {
    const { createPreflight } = await import('./preflight.js');
    const pf = createPreflight({ brief, workers: 1 });
    await pf.ready;
    const list = files.map(({ name, b64 }) => {
      const bin = atob(b64);
      const u8 = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) u8[i] = bin.charCodeAt(i);
      return new File([u8], name);
    });
    const reports = await pf.check(list);
    pf.terminate();
    return reports;
  }, { files, brief: readFileSync(briefPath, 'utf8') });
  await page.close();
  for (let i = 0; i < rels.length; i++) {
    assert.deepStrictEqual(fromPage[i].faces, fromCli[i].faces, `${rels[i]}: faces`);
    assert.deepStrictEqual(fromPage[i].plates, fromCli[i].plates, `${rels[i]}: plates`);
  }
  assert.equal(fromPage[0].faces.length, 5);
  const p = fromPage[1].plates[0];
  // On the plate openalpr marked (x 396, y 340, 203 × 46): intersection over union > 0.5.
  const iw = Math.min(p.x + p.w, 599) - Math.max(p.x, 396), ih = Math.min(p.y + p.h, 386) - Math.max(p.y, 340);
  const inter = Math.max(0, iw) * Math.max(0, ih);
  assert.ok(inter / (p.w * p.h + 203 * 46 - inter) > 0.5, JSON.stringify(p));
});
