// Hostile and broken files (tests/fixtures/malformed/, see examples/make-malformed.rs) in the
// browser: each gets a clean `warn`/`error` report saying what is wrong, within a time bound and
// identical to the CLI's; and a file that makes its worker die (here: a decode that outlives the
// pool's timeout) ends as an `error` with the reason while the batch completes and every other
// file keeps its verdict.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { setup, openApp, repoRoot, dropFiles, waitAllChecked, readCards, releaseCli } from './helpers.mjs';

const dir = path.join(repoRoot, 'tests/fixtures/malformed');
/** @type {{ file: string, what: string, says: string, pixels_only?: boolean }[]} */
const expected = JSON.parse(readFileSync(path.join(dir, 'expected.json'), 'utf8'));
const names = expected.map((e) => e.file);
const briefPath = path.join(dir, 'brief.json');
const brief = readFileSync(briefPath, 'utf8');
/** The release CLI (built in `before` when missing). */
let cli = '';
/** Time the worker may spend on one file (the slowest, a 24 MP PNG it decodes, takes ~0.35 s). */
const PER_FILE_MS = 5000;

/**
 * A complete, valid PNG of `w × h` black grey pixels: ~100 KB that inflate to 100 MB at
 * 10000 × 10000 — a decompression bomb just under the 120 MP pixel limit, so it is decoded,
 * slowly (made here rather than committed: natively, in a debug build, it takes seconds).
 */
function flatPng(w, h) {
  const chunk = (type, data) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth; colour type 0 (grey), no interlace
  const idat = zlib.deflateSync(Buffer.alloc(h * (w + 1)), { level: 9 });
  return Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]);
}

let env;
before(async () => {
  cli = releaseCli();
  env = await setup();
});
after(() => env?.close());

const fixture = (/** @type {string} */ name) => ({ name, bytes: readFileSync(path.join(dir, name)) });

/**
 * Checks `list` (`{ name, bytes }`) with `createPreflight(options)` inside the page.
 * @returns {Promise<{ report: any, ms: number }[]>} in input order (`ms`: the worker's own time, 0 when it died)
 */
async function checkInPage(page, list, options) {
  const files = list.map(({ name, bytes }) => ({ name, b64: Buffer.from(bytes).toString('base64') }));
  return page.evaluate(async ({ files, options }) => {
    const { createPreflight } = await import('./preflight.js');
    const pf = createPreflight(options);
    await pf.ready;
    const blobs = files.map(({ name, b64 }) => {
      const bin = atob(b64);
      const u8 = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) u8[i] = bin.charCodeAt(i);
      return new File([u8], name);
    });
    const ms = [];
    const reports = await pf.check(blobs, (_report, _file, info) => { ms[info.index] = info.ms; });
    pf.terminate();
    return reports.map((report, i) => ({ report, ms: ms[i] }));
  }, { files, options });
}

const text = (report) => report.findings.map((f) => f.message).join(' | ');

test(`${names.length} malformed files: a clean warn/error report each, in bounded time, identical to the CLI's`, async () => {
  const { page, errors } = await openApp(env.context, env.url);
  const results = await checkInPage(page, names.map(fixture), { brief, workers: 2 });
  await page.close();
  assert.equal(results.length, names.length);
  const run = spawnSync(cli, ['check', '--json', '--brief', briefPath, ...names], { cwd: dir, encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.ok(run.status === 0 || run.status === 1, `CLI exit ${run.status}: ${run.stderr}`);
  const fromCli = JSON.parse(run.stdout);
  let slowest = { ms: 0, file: '' };
  for (const [i, { report, ms }] of results.entries()) {
    const e = expected[i];
    assert.equal(report.file, e.file);
    assert.ok(['warn', 'error'].includes(report.verdict), `${e.file}: verdict ${report.verdict}: ${text(report)}`);
    assert.ok(text(report).toLowerCase().includes(e.says.toLowerCase()), `${e.file}: no "${e.says}" in: ${text(report)}`);
    assert.doesNotMatch(text(report), /Could not check this file|internal error/, `${e.file}: the worker failed`);
    assert.ok(ms < PER_FILE_MS, `${e.file}: ${ms} ms`);
    assert.deepStrictEqual(report, fromCli[i], `${e.file}: browser and CLI reports differ`);
    if (ms > slowest.ms) slowest = { ms, file: e.file };
  }
  console.log(`slowest in the browser: ${slowest.file} in ${Math.round(slowest.ms)} ms`);
  assert.deepEqual(errors, []);
});

test('a file that kills its worker: reported as error with the reason, the batch completes, other verdicts intact', async () => {
  // The slow file sits mid-batch and there is one worker, so the files after it can only be
  // checked by the worker that replaces the killed one.
  const SLOW = 'bomb-within-limits-10000x10000.png';
  // (Without the fixtures that are decoded at full size too: they are slow-ish themselves.)
  const list = expected.filter((e) => !e.pixels_only).map((e) => fixture(e.file));
  list.splice(list.length / 2, 0, { name: SLOW, bytes: flatPng(10_000, 10_000) });
  const slowAt = list.findIndex((f) => f.name === SLOW);
  const { page, errors } = await openApp(env.context, env.url);
  // 1. With the default timeout: how long each file really takes here.
  const calm = await checkInPage(page, list, { brief, workers: 1 });
  assert.equal(calm[slowAt].report.verdict, 'warn', 'the 100 MP file is decoded and checked when given the time');
  const slowMs = calm[slowAt].ms;
  const othersMs = Math.max(...calm.filter((_, i) => i !== slowAt).map((r) => r.ms));
  const slowest = calm.map((r, i) => `${list[i].name} ${Math.round(r.ms)} ms`).sort((a, b) => parseInt(b.split(' ').at(-2)) - parseInt(a.split(' ').at(-2)));
  assert.ok(slowMs > 10 * othersMs, `the slow file must take far longer than the others: ${slowest.slice(0, 4).join(', ')}`);
  // 2. A timeout between the two (≥ 3× either side): the slow file's worker is killed
  //    mid-decode and replaced.
  const timeoutMs = Math.round(Math.sqrt(slowMs * othersMs));
  const t0 = Date.now();
  const killed = await checkInPage(page, list, { brief, workers: 1, timeoutMs });
  const batchMs = Date.now() - t0;
  await page.close();
  console.log(`slow file ${Math.round(slowMs)} ms, others ≤ ${Math.round(othersMs)} ms; timeout ${timeoutMs} ms; batch ${batchMs} ms`);

  assert.equal(killed.length, list.length, 'every file has a report: the batch completed');
  const dead = killed[slowAt].report;
  assert.equal(dead.verdict, 'error');
  assert.equal(dead.file, SLOW);
  assert.deepEqual(dead.findings.map((f) => [f.check, f.verdict]), [['read', 'error']]);
  const limit = timeoutMs < 1000 ? `${timeoutMs} ms` : `${+(timeoutMs / 1000).toFixed(1)} s`;
  assert.ok(text(dead).includes(`Could not check this file: checking took longer than ${limit}.`), text(dead));
  for (const [i, { name }] of list.entries()) {
    if (i === slowAt) continue;
    assert.deepStrictEqual(killed[i].report, calm[i].report, `${name}: its report changed when a neighbour's worker died`);
  }
  assert.deepEqual(errors, []);
});

test('dropped on the page: one card per malformed file, each with a warn or error verdict', async () => {
  const { page, errors } = await openApp(env.context, env.url);
  await dropFiles(page, names.map(fixture));
  await waitAllChecked(page, names.length, 60_000);
  const cards = await readCards(page);
  assert.deepEqual(cards.map((c) => c.file), names);
  for (const c of cards) assert.ok(['warn', 'error'].includes(c.verdict), `${c.file}: ${c.verdict}`);
  assert.deepEqual(errors, []);
  await page.close();
});
