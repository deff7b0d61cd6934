// A filled page, for the README: test-results/screenshot.png (and -mobile.png).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { setup, openApp, dropFiles, corpusFiles, waitAllChecked, readCards, resultsDir } from './helpers.mjs';

/** @type {Awaited<ReturnType<typeof setup>>} */ let env;
before(async () => { env = await setup({ viewport: { width: 1280, height: 900 } }); await mkdir(resultsDir, { recursive: true }); });
after(async () => { await env?.close(); });

const SET = [
  'metadata/exifpy__Nikon_D70.jpg', 'metadata/exifpy__heic_hdlr_box.jpg', 'metadata/mei__HTC_Desire.webp',
  'metadata/exifpy__Canon_40D.jpg', 'metadata/ianare__IMG_5195.HEIC', 'faces/skimage__astronaut.png',
  'metadata/exiftool__Nikon.nef', 'metadata/mei__User_Comment_Encoding.jpg', 'metadata/exifpy__DSCN0010.jpg',
];

test('screenshot of a filled page', async () => {
  const { page, errors } = await openApp(env.context, env.url);
  const files = await corpusFiles(SET);
  await dropFiles(page, files);
  await waitAllChecked(page, files.length);
  await page.waitForFunction(() => document.querySelectorAll('.card__thumb canvas').length >= 3 || performance.now() > 20_000);
  await page.waitForTimeout(300);
  const cards = await readCards(page);
  assert.ok(cards.length >= 6);
  const out = path.join(resultsDir, 'screenshot.png');
  await page.screenshot({ path: out, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(200);
  await page.screenshot({ path: path.join(resultsDir, 'screenshot-mobile.png') });
  const verdicts = new Set(cards.map((c) => c.verdict));
  // With the real checks the set is mixed (the README wants pass + fail side by side).
  assert.ok(verdicts.size >= 2, `mixed verdicts, got ${[...verdicts]}`);
  assert.deepEqual(errors, []);
  await page.close();
});
