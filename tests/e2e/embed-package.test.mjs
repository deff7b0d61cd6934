// The npm package: scripts/pack.mjs → `npm pack` → the tarball installed into a bare site's
// node_modules; its `exports` resolve, and a page importing only from the installed package
// checks a photo with <photo-preflight> in Chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { repoRoot } from './helpers.mjs';
import { pack, FILES } from '../../scripts/pack.mjs';
import { startServer } from '../../scripts/serve.mjs';

const tmp = mkdtempSync(path.join(tmpdir(), 'preflight-pack-'));
/** @type {{ name: string, version: string, files: { path: string }[] }} */ let packed;
const site = path.join(tmp, 'site');

before(() => {
  const dir = pack({ out: path.join(tmp, 'photo-preflight') });
  [packed] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', tmp], { cwd: dir, encoding: 'utf8' }));
  const installed = path.join(site, 'node_modules/photo-preflight');
  mkdirSync(installed, { recursive: true });
  execFileSync('tar', ['-xzf', path.join(tmp, `${packed.name}-${packed.version}.tgz`), '-C', installed, '--strip-components=1']);
});
after(() => rmSync(tmp, { recursive: true, force: true }));

test('npm pack holds the module, element, adapters, workers, engines and types — not the app', () => {
  const files = packed.files.map((f) => f.path).sort();
  assert.deepEqual(files, [...FILES, 'package.json', 'README.md'].sort());
  assert.equal(packed.name, 'photo-preflight');
  assert.match(packed.version, /^\d+\.\d+\.\d+/);
});

test('the installed package\'s exports resolve to its files', () => {
  const resolve = (/** @type {string} */ spec) => execFileSync(process.execPath,
    ['--input-type=module', '-e', `console.log(import.meta.resolve(${JSON.stringify(spec)}))`], { cwd: site, encoding: 'utf8' }).trim();
  const base = `file://${site}/node_modules/photo-preflight/`;
  assert.equal(resolve('photo-preflight'), `${base}preflight.js`);
  assert.equal(resolve('photo-preflight/element'), `${base}photo-preflight.js`);
  assert.equal(resolve('photo-preflight/adapters/uppy'), `${base}adapters/uppy.js`);
  assert.equal(resolve('photo-preflight/adapters/filepond'), `${base}adapters/filepond.js`);
});

test('a page using only the installed package checks photos in the browser', async () => {
  writeFileSync(path.join(site, 'brief.json'), JSON.stringify({ preflight_brief: 1, name: 'Site', checks: { resolution: { min_width: 320 } } }));
  writeFileSync(path.join(site, 'index.html'), `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>site</title><link rel="icon" href="data:,">
<script type="module" src="node_modules/photo-preflight/photo-preflight.js"></script></head>
<body><form><photo-preflight brief="brief.json"><input type="file" multiple></photo-preflight></form></body></html>`);
  const server = await startServer({ port: 0, root: site });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  try {
    const page = await browser.newPage();
    /** @type {string[]} */ const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await page.goto(server.url);
    await page.setInputFiles('input[type=file]', ['exifpy__Canon_40D.jpg', 'exifpy__DSCN0010.jpg']
      .map((f) => path.join(repoRoot, 'tests/fixtures/corpus', f)));
    await page.waitForFunction(() => {
      const el = /** @type {any} */ (document.querySelector('photo-preflight'));
      return !el.checking && el.reports.length === 2 && el.reports.every(Boolean);
    }, null, { timeout: 15_000 });
    const verdicts = await page.evaluate(() => /** @type {any} */ (document.querySelector('photo-preflight')).reports.map((/** @type {any} */ r) => r.verdict));
    assert.deepEqual(verdicts, ['fail', 'pass']);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await server.close();
  }
});
