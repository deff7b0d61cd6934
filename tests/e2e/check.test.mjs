// Files in (drag-and-drop, file picker, folder picker) → one card per file with a verdict.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, mkdir, rm, copyFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setup, openApp, dropFiles, corpusFiles, corpus, waitAllChecked, readCards } from './helpers.mjs';

/** @type {Awaited<ReturnType<typeof setup>>} */ let env;
// Test 4 swaps worker.js through context.route, which the offline app's service worker would bypass.
before(async () => { env = await setup({ serviceWorkers: 'block' }); });
after(async () => { await env?.close(); });

const byFile = (/** @type {any[]} */ cards) => Object.fromEntries(cards.map((c) => [c.file, c]));

test('drag-and-drop: every dropped file gets a card with a verdict, bad files included', async () => {
  const { page, errors } = await openApp(env.context, env.url);
  const files = await corpusFiles([
    'metadata/exifpy__Canon_40D.jpg',
    'metadata/mei__HTC_Desire.webp',
    'metadata/exifpy__heic_hdlr_box.jpg',
    'metadata/mei__User_Comment_Encoding.jpg',
  ]);
  const random = new Uint8Array(4096);
  for (let i = 0; i < random.length; i++) random[i] = (i * 2654435761) >>> 24;   // deterministic noise
  files.push({ name: 'empty.jpg', type: 'image/jpeg', bytes: new Uint8Array(0) }, { name: 'noise.jpg', type: 'image/jpeg', bytes: random });

  await dropFiles(page, files);
  // Cards appear at once, in drop order, before results are in.
  await page.waitForFunction((n) => document.querySelectorAll('#cards > .card').length === n, files.length);
  await waitAllChecked(page, files.length);
  assert.match(await page.locator('#progress').textContent() ?? '', new RegExp(`All ${files.length} files checked against “.+”`));

  const cards = await readCards(page);
  assert.deepEqual(cards.map((c) => c.file), files.map((f) => f.name), 'one card per file, in drop order');
  for (const c of cards) {
    assert.ok(['pass', 'warn', 'fail', 'error'].includes(c.verdict), `${c.file}: verdict ${c.verdict}`);
    assert.match(c.badge, /^[✓!✕⚠]\s*(Pass|Warn|Fail|Error)$/, `${c.file}: badge has icon and text`);
  }
  const f = byFile(cards);
  // What the real parsers and checks must find (these need the real engine, not the stubs):
  assert.equal(f['exifpy__Canon_40D.jpg'].format, 'JPEG');
  const canon = page.locator('.card[data-file="exifpy__Canon_40D.jpg"]');
  assert.match(await canon.locator('.card__facts').textContent() ?? '', /100 × 68/);
  assert.match(await canon.locator('.card__meta').textContent() ?? '', /Canon/);
  assert.equal(f['mei__HTC_Desire.webp'].format, 'WEBP');
  assert.equal(f['exifpy__heic_hdlr_box.jpg'].format, 'HEIC', 'format comes from the bytes, not the name');
  assert.ok(['warn', 'fail'].includes(f['exifpy__heic_hdlr_box.jpg'].checks['format.extension']), 'HEIC named .jpg is flagged');
  assert.equal(f['mei__User_Comment_Encoding.jpg'].format, 'JPEG');
  assert.notEqual(f['mei__User_Comment_Encoding.jpg'].verdict, 'pass', 'a truncated file does not pass');
  for (const name of ['empty.jpg', 'noise.jpg']) {
    assert.ok(['error', 'fail'].includes(f[name].verdict), `${name} is rejected, got ${f[name].verdict}`);
  }
  // The summary bar adds up.
  const counts = await page.$$eval('#summary .chip', (chips) => chips.map((c) => Number(c.querySelector('.chip__n')?.textContent)));
  assert.equal(counts.reduce((a, b) => a + b, 0), files.length);
  assert.deepEqual(errors, []);
  await page.close();
});

test('file picker and folder picker: cards with verdicts; folder files keep their relative path', async () => {
  const { page, errors } = await openApp(env.context, env.url);
  const picked = ['metadata/exifpy__Nikon_D70.jpg', 'faces/skimage__astronaut.png', 'metadata/exifr__Irvine_CA.avif'];
  await page.locator('#file-input').setInputFiles(picked.map((p) => path.join(corpus, p)));
  await waitAllChecked(page, picked.length);
  let cards = byFile(await readCards(page));
  assert.equal(Object.keys(cards).length, 3);
  for (const c of Object.values(cards)) assert.ok(['pass', 'warn', 'fail', 'error'].includes(c.verdict));

  const dir = await mkdtemp(path.join(os.tmpdir(), 'preflight-e2e-'));
  try {
    await mkdir(path.join(dir, 'shoot', 'day2'), { recursive: true });
    await copyFile(path.join(corpus, 'metadata/exifpy__Canon_40D.jpg'), path.join(dir, 'shoot', 'a.jpg'));
    await copyFile(path.join(corpus, 'metadata/mei__HTC_Desire.webp'), path.join(dir, 'shoot', 'day2', 'b.webp'));
    await writeFile(path.join(dir, 'shoot', '.DS_Store'), 'junk');
    await page.locator('#folder-input').setInputFiles(path.join(dir, 'shoot'));
    await waitAllChecked(page, 5);
    cards = byFile(await readCards(page));
    assert.ok(cards['shoot/a.jpg'], `relative path kept: ${Object.keys(cards)}`);
    assert.ok(cards['shoot/day2/b.webp'], `nested path kept: ${Object.keys(cards)}`);
    assert.ok(!Object.keys(cards).some((k) => k.includes('.DS_Store')), 'hidden files in folders are skipped');
  } finally { await rm(dir, { recursive: true, force: true }); }

  // Real engine: formats from content.
  assert.equal(cards['exifpy__Nikon_D70.jpg'].format, 'JPEG');
  assert.equal(cards['skimage__astronaut.png'].format, 'PNG');
  assert.equal(cards['exifr__Irvine_CA.avif'].format, 'AVIF');
  assert.deepEqual(errors, []);
  await page.close();
});

test('changing the brief re-checks every file; clear empties the list', async () => {
  const { page } = await openApp(env.context, env.url);
  const files = await corpusFiles(['metadata/exifpy__Canon_40D.jpg', 'metadata/mei__Nikon_D5000.jpg']);
  await dropFiles(page, files);
  await waitAllChecked(page, 2);
  // Load a custom brief: everything is checked again under it.
  await page.locator('#brief-file').setInputFiles({ name: 'b.json', mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify({ preflight_brief: 1, name: 'Other', checks: {} })) });
  await page.waitForFunction(() => document.getElementById('progress')?.dataset.brief === 'Other');
  await waitAllChecked(page, 2);
  assert.match(await page.locator('#progress').textContent() ?? '', /All 2 files checked against “Other”/);
  assert.equal((await readCards(page)).length, 2);
  await page.locator('#clear').click();
  assert.equal(await page.locator('#cards > .card').count(), 0);
  assert.equal(await page.locator('#progress').getAttribute('data-state'), 'idle');
  await page.close();
});

test('embed API: order, callbacks, summarize; a crashing or hanging worker still yields an error report', async () => {
  // Swap in a worker that misbehaves on two file names, to prove the pool survives it.
  await env.context.route('**/worker.js', async (route) => {
    const res = await route.fetch();
    const body = (await res.text()).replace("case 'check': {", `case 'check': {
      if (msg.name === 'boom.jpg') { setTimeout(() => { throw new Error('boom'); }); return; }
      if (msg.name === 'hang.jpg') { for (;;) {} }`);
    await route.fulfill({ response: res, body });
  });
  const page = await env.context.newPage();
  await page.goto(env.url);
  await page.waitForSelector('html[data-ready="true"]');
  const out = await page.evaluate(async () => {
    const { createPreflight, summarize } = await import('./preflight.js');
    const pf = createPreflight({ brief: { preflight_brief: 1, name: 'Embed', checks: {} }, workers: 2, timeoutMs: 2000 });
    const info = await pf.ready;
    const names = ['a.jpg', 'boom.jpg', 'b.jpg', 'hang.jpg', 'c.jpg', 'd.jpg'];
    const seen = [];
    const reports = await pf.check(names.map((n) => new File([new Uint8Array([0xff, 0xd8, 0xff, 0xd9])], n)),
      (r, file, i) => seen.push([r.file, file.name, i.index, typeof i.ms]));
    let rejected = '';
    try { await pf.setBrief('{"nope":'); } catch (e) { rejected = e.message; }
    pf.terminate();
    return { info, files: reports.map((r) => r.file), verdicts: reports.map((r) => r.verdict),
      checks: reports.map((r) => r.findings[0]?.check ?? null), seen: seen.length, seenOk: seen.every(([a, b, , t]) => a === b && t === 'number'),
      summary: summarize(reports), rejected };
  });
  await env.context.unrouteAll({ behavior: 'ignoreErrors' });
  assert.equal(out.info.workers, 2);
  assert.equal(out.info.briefName, 'Embed');
  assert.deepEqual(out.files, ['a.jpg', 'boom.jpg', 'b.jpg', 'hang.jpg', 'c.jpg', 'd.jpg'], 'reports in input order');
  assert.equal(out.seen, 6);
  assert.ok(out.seenOk);
  assert.equal(out.verdicts[1], 'error');
  assert.equal(out.checks[1], 'read');
  assert.equal(out.verdicts[3], 'error');
  assert.equal(out.checks[3], 'read');
  assert.equal(out.summary.total, 6);
  assert.ok(out.summary.error >= 2);
  assert.match(out.rejected, /not valid JSON/);
  await page.close();
});

test('results can be saved as one JSON file', async () => {
  const { page } = await openApp(env.context, env.url);
  const files = await corpusFiles(['metadata/exifpy__Canon_40D.jpg', 'metadata/mei__HTC_Desire.webp']);
  await dropFiles(page, files);
  await waitAllChecked(page, 2);
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#export').click()]);
  const text = await (await import('node:fs/promises')).readFile(await download.path(), 'utf8');
  const data = JSON.parse(text);
  assert.deepEqual(data.reports.map((r) => r.file), files.map((f) => f.name));
  assert.ok(data.reports.every((r) => r.verdict && Array.isArray(r.findings) && r.metadata));
  assert.equal(typeof data.brief.name, 'string');
  // The manifest: a header and one CSV row per file, in drop order.
  const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.locator('#export-csv').click()]);
  assert.equal(csvDownload.suggestedFilename(), 'manifest.csv');
  const csv = await (await import('node:fs/promises')).readFile(await csvDownload.path(), 'utf8');
  const rows = csv.split('\r\n').filter(Boolean);
  assert.equal(rows.length, 3, csv);
  assert.match(rows[0], /^file,file_size,format,width,height,/);
  assert.match(rows[1], /^exifpy__Canon_40D\.jpg,7958,JPEG,100,68,/);
  assert.match(rows[2], /^mei__HTC_Desire\.webp,46362,WEBP,776,909,/);
  await page.close();
});
