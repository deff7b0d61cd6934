// Privacy: once the page is ready, checking files makes no network request at all.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, openApp, dropFiles, corpusFiles, waitAllChecked } from './helpers.mjs';
import { CSP } from '../../scripts/serve.mjs';
import { writePrecache } from '../../scripts/precache.mjs';

/** @type {Awaited<ReturnType<typeof setup>>} */ let env;
before(async () => {
  writePrecache();   // the service worker installs only if its list matches www/ as it is now
  env = await setup();
});
after(async () => { await env?.close(); });

test('zero requests while a batch is checked; CSP header and meta are strict', async () => {
  const { page, errors, response } = await openApp(env.context, env.url);
  assert.equal(response?.headers()['content-security-policy'], CSP, 'CSP response header');
  assert.equal(await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content'), CSP, 'CSP meta');
  for (const directive of ["default-src 'none'", "connect-src 'self'", "form-action 'none'", "base-uri 'none'"]) {
    assert.ok(CSP.includes(directive), directive);
  }
  assert.ok(!/unsafe-inline|'unsafe-eval'|\*/.test(CSP), 'no wildcard, no unsafe-inline or unsafe-eval');

  // Let the startup settle (icon, workers' module graph, and the service worker installing the
  // offline copy, which it does right after load), then count everything the context sees,
  // including requests made by workers and by the service worker.
  await page.waitForLoadState('networkidle');
  await page.waitForFunction(() => !!navigator.serviceWorker.controller);
  await checkWithoutRequests(page);
  // Once more in a page served by the service worker: requests it answers count too.
  await page.reload();
  await page.waitForSelector('html[data-ready="true"]');
  await page.waitForLoadState('networkidle');
  await checkWithoutRequests(page);
  assert.deepEqual(errors, []);
  await page.close();
});

/** Drops a mixed batch, uses the results, and asserts that none of it made a request. @param {import('playwright-core').Page} page */
async function checkWithoutRequests(page) {
  /** @type {string[]} */ const requests = [];
  const onRequest = (/** @type {import('playwright-core').Request} */ r) => requests.push(`${r.method()} ${r.url()}`);
  env.context.on('request', onRequest);
  page.on('websocket', (ws) => requests.push(`WS ${ws.url()}`));

  const files = await corpusFiles(['metadata/exifpy__Canon_40D.jpg', 'metadata/mei__HTC_Desire.webp', 'faces/skimage__coffee.png',
    'metadata/mei__IMG_2927.HEIC', 'metadata/exifr__001.tif', 'metadata/exifpy__Nikon_D70.jpg']);
  await dropFiles(page, files);
  await waitAllChecked(page, files.length);
  // Thumbnails come after the reports; give them time to land, then interact with the results.
  await page.waitForFunction(() => document.querySelectorAll('.card__thumb canvas').length >= 2 || performance.now() > 30_000);
  await page.waitForTimeout(300);
  await page.locator('#summary .chip--pass').click();
  await page.locator('#summary .chip--pass').click();
  env.context.off('request', onRequest);

  assert.deepEqual(requests, [], 'no network request after ready');
  assert.ok(await page.locator('.card__thumb canvas').count() >= 2, 'thumbnails drawn from ImageBitmaps');
  assert.equal(await page.locator('img[src^="blob:"], [src^="blob:"], [href^="blob:"]').count(), 0, 'no blob: URLs');
}
