// The offline app: after one visit (with a detection brief in use) the page loads and checks
// files with the network off — header-only, pixel and detection engines alike — and a new version
// waits behind a "new version — reload" notice until the user takes it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setup, openApp, dropFiles, corpusFiles, waitAllChecked, readCards, repoRoot } from './helpers.mjs';
import { writePrecache } from '../../scripts/precache.mjs';
import { startServer } from '../../scripts/serve.mjs';

/** @type {Awaited<ReturnType<typeof setup>>} */ let env;
before(async () => {
  writePrecache();   // the list must describe www/ as it is now (the service worker verifies every hash)
  env = await setup();
});
after(async () => { await env?.close(); });

const PORTRAIT = 'faces/skimage__astronaut.png';   // 1 face
const JPEG = 'metadata/exifpy__Canon_40D.jpg';

/** Waits until a service worker controls the page (the first version claims the page it installs from). */
const controlled = (/** @type {import('playwright-core').Page} */ page) =>
  page.waitForFunction(() => !!navigator.serviceWorker.controller, null, { timeout: 60_000 });

/** Selects a preset brief by name and waits until it is in use (its engine loaded). */
async function useBrief(/** @type {import('playwright-core').Page} */ page, /** @type {string} */ label) {
  await page.selectOption('#brief-select', { label });
  await page.waitForFunction((l) => document.getElementById('progress')?.dataset.brief === l, label, { timeout: 60_000 });
}

/** Drops files, waits for every verdict and returns the cards. */
async function check(/** @type {import('playwright-core').Page} */ page, /** @type {string[]} */ rels) {
  await page.locator('#clear').click({ timeout: 1000 }).catch(() => {});   // hidden when there is nothing to clear
  const files = await corpusFiles(rels);
  await dropFiles(page, files);
  await waitAllChecked(page, files.length, 120_000);
  return readCards(page);
}

test('after one visit the app loads and checks files offline: header-only, pixel and detection engines', async () => {
  const { page, errors } = await openApp(env.context, env.url);
  page.setDefaultTimeout(60_000);
  await controlled(page);
  // The visit: a brief with faces rules, used once (its engine and models are kept as fetched).
  await useBrief(page, 'Portraits with model releases (example)');
  const online = await check(page, [PORTRAIT]);
  assert.equal(online[0].checks.faces, 'pass', 'one face found online');

  await env.context.setOffline(true);
  try {
    const response = await page.reload();
    await page.waitForSelector('html[data-ready="true"]', { timeout: 30_000 });
    assert.ok(response?.fromServiceWorker(), 'the page came from the service worker');

    const header = await check(page, [JPEG]);
    assert.ok(['pass', 'warn', 'fail'].includes(/** @type {string} */ (header[0].verdict)), `header-only verdict offline: ${header[0].verdict}`);
    assert.equal(header[0].checks.format, 'pass');

    await useBrief(page, 'Adobe Stock — photos');
    const pixels = await check(page, [JPEG]);
    assert.ok(pixels[0].checks.sharpness, 'the pixel engine ran offline (a sharpness finding)');
    assert.notEqual(pixels[0].checks.pixels, 'warn', 'pixel checks were not "unavailable"');

    await useBrief(page, 'Portraits with model releases (example)');
    const faces = await check(page, [PORTRAIT]);
    assert.equal(faces[0].checks.faces, 'pass', 'detection ran offline and found the one face');
    assert.equal(await page.locator(`.card[data-file="${path.basename(PORTRAIT)}"] .det--face`).count(), 1);
    assert.deepEqual(errors, [], 'nothing failed to load offline');
    // The network really was off: anything the service worker does not keep fails.
    assert.equal(await page.evaluate(() => fetch(`not-kept-${Date.now()}.txt`).then(() => 'loaded', () => 'failed')), 'failed');
  } finally {
    await env.context.setOffline(false);
  }
  await page.close();
});

test('a new version waits behind a visible "new version — reload" notice, then takes over', async () => {
  // A copy of www/ to change under the running app (the real one stays untouched).
  const root = mkdtempSync(path.join(tmpdir(), 'preflight-www-'));
  cpSync(path.join(repoRoot, 'www'), root, { recursive: true });
  const v1 = writePrecache(root).version;
  const server = await startServer({ port: 0, root });
  const context = await env.browser.newContext();
  try {
    const { page, errors } = await openApp(context, server.url);
    await controlled(page);
    assert.equal(await page.locator('#update').isVisible(), false, 'no notice on the first visit');

    appendFileSync(path.join(root, 'style.css'), '\n/* v2 */\n');
    const v2 = writePrecache(root).version;
    assert.notEqual(v2, v1);
    await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r?.update()));
    await page.locator('#update').waitFor({ state: 'visible', timeout: 30_000 });
    // Until the user says so, the page keeps running the version it loaded.
    assert.deepEqual((await page.evaluate(() => caches.keys())).sort(), [`preflight-${v1}`, `preflight-${v2}`].sort(),
      'both versions cached while the new one waits');
    assert.doesNotMatch(await page.evaluate(() => fetch('style.css').then((r) => r.text())), /v2/);

    await Promise.all([page.waitForEvent('load'), page.locator('#update-reload').click()]);
    await page.waitForSelector('html[data-ready="true"]');
    assert.match(await page.evaluate(() => fetch('style.css').then((r) => r.text())), /\/\* v2 \*\//, 'the new version serves the new file');
    assert.deepEqual(await page.evaluate(() => caches.keys()), [`preflight-${v2}`], 'the old version is gone');
    assert.equal(await page.locator('#update').isVisible(), false);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
    await server.close();
    rmSync(root, { recursive: true, force: true });
  }
});
