// Clean copies in the page: a card's "Make upload-ready copy" download has no GPS (read back by
// exifr, an independent reader) but the same camera, time and exposure; "Download clean copies
// (zip)" gives a zip (read here by its central directory, CRCs checked) with every copy,
// manifest.csv and reports.json — and neither makes a network request. ExifTool (the privacy
// oracle of tests/privacy_oracle.rs) reads the zipped copies back: no GPS tag, no new warning.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import exifr from 'exifr';
import { setup, openApp, dropFiles, corpusFiles, waitAllChecked } from './helpers.mjs';

/** @type {Awaited<ReturnType<typeof setup>>} */ let env;
before(async () => { env = await setup(); });
after(async () => { await env?.close(); });

const BRIEF = { preflight_brief: 1, name: 'No GPS please', checks: {
  privacy: { forbid: ['gps'] }, exif: { recommended: ['DateTimeOriginal', 'Make', 'Model', 'ExposureTime', 'FNumber', 'ISO'] } } };
const GPS_JPEG = 'exifpy__DSCN0010.jpg';
const FILES = ['metadata/exifpy__DSCN0010.jpg', 'metadata/mei__Apple_iPhone_4.jpg', 'metadata/exifr__png_with_exif_and_gps.png',
  'metadata/ianare__IMG_5195.HEIC', 'metadata/exifr__001.tif', 'metadata/exifr__Irvine_CA.avif'];
const AVIF = 'exifr__Irvine_CA.avif';
const COPIED = ['exifpy__DSCN0010.jpg', 'mei__Apple_iPhone_4.jpg', 'exifr__png_with_exif_and_gps.png', 'ianare__IMG_5195.HEIC'];
/** A copy's name says it is one (as `preflight clean` names them). */
const copyName = (/** @type {string} */ n) => n.replace(/(\.[^.]+)$/, '.clean$1');

/** ExifTool's `-a -G1 -j` reading of some bytes: { 'Group:Tag': value }. */
function exiftool(/** @type {Buffer} */ bytes, /** @type {string} */ name) {
  const dir = mkdtempSync(path.join(tmpdir(), 'pf-oracle-'));
  try {
    writeFileSync(path.join(dir, name), bytes);
    return JSON.parse(execFileSync('exiftool', ['-a', '-G1', '-j', '-s', '-n', path.join(dir, name)], { encoding: 'utf8' }))[0];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Stored (method 0) zip entries by name, from the central directory; checks each CRC-32. */
function unzip(/** @type {Buffer} */ zip) {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(end >= 0, 'end of central directory');
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  /** @type {Map<string, Buffer>} */ const out = new Map();
  for (let i = 0; i < count; i++) {
    assert.equal(zip.readUInt32LE(at), 0x02014b50, 'central directory entry');
    assert.equal(zip.readUInt16LE(at + 10), 0, 'stored, not deflated');
    const crc = zip.readUInt32LE(at + 16), size = zip.readUInt32LE(at + 20), nameLen = zip.readUInt16LE(at + 28);
    const extra = zip.readUInt16LE(at + 30), comment = zip.readUInt16LE(at + 32), local = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLen);
    assert.equal(zip.readUInt32LE(local), 0x04034b50, `local header of ${name}`);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(start, start + size);
    assert.equal(crc32(data), crc, `CRC of ${name}`);
    out.set(name, data);
    at += 46 + nameLen + extra + comment;
  }
  return out;
}

const gpsOf = async (/** @type {Buffer} */ b) => (await exifr.gps(b)) ?? null;
const KEPT = ['Make', 'Model', 'DateTimeOriginal', 'ExposureTime', 'FNumber', 'ISO', 'FocalLength'];
async function kept(/** @type {Buffer} */ b) {
  const t = await exifr.parse(b, { pick: KEPT });
  return Object.fromEntries(KEPT.map((k) => [k, t?.[k] instanceof Date ? t[k].toISOString() : t?.[k] ?? null]));
}

test('a card\'s clean copy and the batch zip: no GPS, the same camera fields, nothing uploaded', async () => {
  const { page, errors } = await openApp(env.context, env.url);
  await page.locator('#brief-file').setInputFiles({ name: 'no-gps.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(BRIEF)) });
  await page.waitForFunction((name) => document.getElementById('progress')?.dataset.brief === name, BRIEF.name);
  const files = await corpusFiles(FILES);
  await dropFiles(page, files);
  await waitAllChecked(page, files.length);
  await page.waitForLoadState('networkidle');
  /** @type {string[]} */ const requests = [];
  const onRequest = (/** @type {import('playwright-core').Request} */ r) => requests.push(`${r.method()} ${r.url()}`);
  env.context.on('request', onRequest);

  const card = page.locator(`.card[data-file="${GPS_JPEG}"]`);
  assert.equal(await card.locator('.finding[data-check="privacy.gps"]').getAttribute('class').then((c) => c?.match(/finding--(\w+)/)?.[1]), 'fail');
  const [download] = await Promise.all([page.waitForEvent('download'), card.locator('.card__clean-btn').first().click()]);
  assert.equal(download.suggestedFilename(), 'exifpy__DSCN0010.clean.jpg');
  const copy = await readFile(/** @type {string} */ (await download.path()));
  const original = files[0].bytes;
  assert.ok(await gpsOf(original), 'the original has GPS (exifr)');
  assert.equal(await gpsOf(copy), null, 'exifr finds no GPS in the copy');
  assert.deepEqual(await kept(copy), await kept(original), 'camera, time and exposure kept');
  assert.equal((await kept(copy)).Make, 'NIKON');
  await page.waitForFunction((f) => document.querySelector(`.card[data-file="${f}"] .card__clean-status`)?.textContent?.startsWith('Removed:'), GPS_JPEG);
  assert.match(await card.locator('.card__clean-status').textContent() ?? '', /GPS directory, every GPS tag \(0x8825\)/);

  const [zipDownload] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), page.locator('#export-clean').click()]);
  assert.equal(zipDownload.suggestedFilename(), 'clean-copies.zip');
  const entries = unzip(await readFile(/** @type {string} */ (await zipDownload.path())));
  assert.deepEqual([...entries.keys()], [...COPIED.map(copyName), copyName(AVIF), 'manifest.csv', 'reports.json']);
  // The AVIF copy (cleaned in place) still opens in the browser, at the original's size.
  const decode = (/** @type {Buffer} */ b) => page.evaluate(async (b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const bmp = await createImageBitmap(new Blob([bytes], { type: 'image/avif' }));
    return [bmp.width, bmp.height];
  }, b.toString('base64'));
  const avif = files.find((f) => f.name === AVIF);
  assert.deepEqual(await decode(/** @type {Buffer} */ (entries.get(copyName(AVIF)))), await decode(/** @type {any} */ (avif).bytes));
  for (const [i, name] of COPIED.entries()) {
    const data = /** @type {Buffer} */ (entries.get(copyName(name)));
    assert.ok(await gpsOf(files[i].bytes), `${name}: the original has GPS`);
    assert.equal(await gpsOf(data), null, `${name}: no GPS in the zipped copy`);
    assert.deepEqual(await kept(data), await kept(files[i].bytes), `${name}: fields kept`);
    // The oracle: ExifTool finds no GPS tag in the copy and no warning it did not have before.
    const [before, after] = [exiftool(files[i].bytes, name), exiftool(data, name)];
    assert.ok(Object.keys(before).some((k) => k.startsWith('GPS:GPSLatitude')), `${name}: ExifTool sees GPS in the original`);
    assert.deepEqual(Object.keys(after).filter((k) => /^(GPS:|XMP-exif:GPS)/.test(k)), [], `${name}: ExifTool sees no GPS in the copy`);
    const warnings = (/** @type {any} */ t) => Object.entries(t).filter(([k]) => /:(Warning|Error)$/.test(k)).map(([, v]) => v);
    assert.deepEqual(warnings(after).filter((w) => !warnings(before).includes(w)), [], `${name}: no new ExifTool warning`);
  }
  assert.deepEqual(entries.get('exifpy__DSCN0010.clean.jpg'), copy, 'the zip holds the same copy as the card button');
  const csv = String(entries.get('manifest.csv')).trim().split('\n');
  const head = csv[0].split(',');
  assert.equal(csv.length, COPIED.length + 2, 'a header and one row per copy');
  for (const row of csv.slice(1)) {
    const cells = row.split(',');
    assert.equal(cells[head.indexOf('gps_lat')], '', `no position in the manifest: ${row}`);
  }
  const summary = JSON.parse(String(entries.get('reports.json')));
  assert.equal(summary.copies.length, COPIED.length + 1);
  assert.ok(summary.copies.every((/** @type {any} */ c) => c.report.metadata.gps === null && c.lossless));
  assert.deepEqual(summary.not_copied.map((/** @type {any} */ n) => n.file), ['exifr__001.tif']);
  assert.match(summary.not_copied[0].reason, /no copy of this TIFF file was made/);

  env.context.off('request', onRequest);
  // Under this header-only brief the first copy starts a worker of the pixel engine: the page
  // may fetch its own code for it (served from the offline cache once installed) — never
  // anything else, and never a file's bytes.
  const code = /^GET http:\/\/127\.0\.0\.1:\d+\/(worker\.js|pkg\/preflight\.js|pkg\/full\/preflight_bg\.wasm)$/;
  assert.deepEqual(requests.filter((r) => !code.test(r)), [], 'no request but the app’s own code while copying and zipping');
  assert.deepEqual(errors, []);
  await page.close();
});

test('the upload-ready zip leaves out copies that still fail and exact duplicates, and says so', async () => {
  // JPEG only: the PNG's copy still fails the format rule; the second DSCN0010 is a duplicate.
  const brief = { preflight_brief: 1, name: 'JPEG, no GPS', checks: { privacy: { forbid: ['gps'] },
    format: { allow: ['jpeg'] }, duplicates: { exact: 'fail' } } };
  const { page, errors } = await openApp(env.context, env.url);
  page.setDefaultTimeout(60_000);
  await page.locator('#brief-file').setInputFiles({ name: 'jpeg.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(brief)) });
  await page.waitForFunction((name) => document.getElementById('progress')?.dataset.brief === name, brief.name);
  const files = await corpusFiles(['metadata/exifpy__DSCN0010.jpg', 'metadata/exifr__png_with_exif_and_gps.png']);
  files.push({ ...files[0], name: 'again.jpg' });
  await dropFiles(page, files);
  await waitAllChecked(page, files.length);
  const zipOf = async () => {
    const [d] = await Promise.all([page.waitForEvent('download'), page.locator('#export-clean').click()]);
    return unzip(await readFile(/** @type {string} */ (await d.path())));
  };
  assert.equal(await page.locator('#clean-ready').isChecked(), true, 'upload-ready is the default');
  let entries = await zipOf();
  assert.deepEqual([...entries.keys()], ['exifpy__DSCN0010.clean.jpg', 'manifest.csv', 'reports.json']);
  const summary = JSON.parse(String(entries.get('reports.json')));
  assert.equal(summary.upload_ready, true);
  assert.deepEqual(summary.left_out.map((/** @type {any} */ x) => x.file).sort(), ['again.jpg', 'exifr__png_with_exif_and_gps.png']);
  assert.match(summary.left_out.find((/** @type {any} */ x) => x.file === 'again.jpg').reason, /^an exact duplicate/);
  assert.match(summary.left_out.find((/** @type {any} */ x) => x.file.endsWith('.png')).reason, /still fails the brief: format/);
  assert.match(await page.locator('#status').textContent() ?? '', /2 left out/);
  // Unchecked: every copy goes in.
  await page.locator('#clean-ready').uncheck();
  entries = await zipOf();
  assert.deepEqual([...entries.keys()].sort(),
    ['again.clean.jpg', 'exifpy__DSCN0010.clean.jpg', 'exifr__png_with_exif_and_gps.clean.png', 'manifest.csv', 'reports.json']);
  assert.deepEqual(errors, []);
  await page.close();
});

test('blurred copy in the page: the detection engine finds no face in it any more', async () => {
  const brief = { preflight_brief: 1, name: 'Blur faces', checks: { faces: { max: 100 }, plates: { max: 100 } } };
  const { page, errors } = await openApp(env.context, env.url);
  page.setDefaultTimeout(120_000);
  await page.locator('#brief-file').setInputFiles({ name: 'faces.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(brief)) });
  await page.waitForFunction((name) => document.getElementById('progress')?.dataset.brief === name, brief.name);
  const [photo] = await corpusFiles(['faces/facerec__two_people.jpg']);
  await dropFiles(page, [photo]);
  await waitAllChecked(page, 1, 120_000);
  const card = page.locator('.card[data-file="facerec__two_people.jpg"]');
  assert.equal(await card.locator('.det--face').count(), 2, 'two faces found in the original');
  const blurBtn = card.locator('.card__clean-btn[data-blur="faces,plates"]');
  assert.equal(await blurBtn.textContent(), 'Copy with 2 faces/plates blurred');
  const [download] = await Promise.all([page.waitForEvent('download'), blurBtn.click()]);
  const blurred = await readFile(/** @type {string} */ (await download.path()));
  assert.deepEqual([...blurred.subarray(0, 3)], [0xFF, 0xD8, 0xFF], 'a JPEG');
  assert.notDeepEqual(blurred, photo.bytes);
  await page.waitForFunction(() => document.querySelector('.card__clean-status')?.textContent?.includes('2 regions blurred irreversibly'));

  // The copy, checked by the same page with the same detectors: no face left.
  await dropFiles(page, [{ name: 'blurred.jpg', type: 'image/jpeg', bytes: blurred }]);
  await waitAllChecked(page, 2, 120_000);
  const copyCard = page.locator('.card[data-file="blurred.jpg"]');
  assert.equal(await copyCard.locator('.det--face').count(), 0, 'no face detected in the blurred copy');
  assert.equal(await card.locator('.det--face').count(), 2);
  assert.deepEqual(errors, []);
  await page.close();
});
