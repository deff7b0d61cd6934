// Pixel-check overlays on the card previews: clipping mask and focus heat map, toggleable.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { setup, openApp, dropFiles, corpusFiles, waitAllChecked, readCards, resultsDir } from './helpers.mjs';

/** @type {Awaited<ReturnType<typeof setup>>} */ let env;
before(async () => { env = await setup({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 2 }); await mkdir(resultsDir, { recursive: true }); });
after(async () => { await env?.close(); });

const HDR = 'exifpy__canon_hdr_NO.jpg';          // heavy highlight clipping; EXIF orientation 6
const SHARP = 'exifr__door-knocker.jpg';          // a normal, sharp photo
const FLAT = 'exifpy__67-0_length_string.jpg';    // flat grey: fails sharpness

const card = (/** @type {string} */ file) => `.card[data-file="${file}"]`;

/**
 * Reads a layer canvas back in the page: its size, the displayed thumbnail's size, and how many
 * pixels are clearly red (blown), blue (crushed), green (in focus) or painted at all.
 * @param {import('playwright-core').Page} page @param {string} file @param {'clip'|'focus'} kind
 */
function readLayer(page, file, kind) {
  return page.$eval(`${card(file)} .ov--${kind}`, (el) => {
    const c = /** @type {HTMLCanvasElement} */ (el);
    const d = /** @type {CanvasRenderingContext2D} */ (c.getContext('2d')).getImageData(0, 0, c.width, c.height).data;
    let red = 0, blue = 0, green = 0, painted = 0;
    for (let i = 0; i < d.length; i += 4) {
      const [r, g, b, a] = [d[i], d[i + 1], d[i + 2], d[i + 3]];
      if (a === 0) continue;
      painted++;
      if (r > 180 && g < 90 && b < 120) red++;
      else if (b > 180 && r < 100) blue++;
      else if (g > 120 && r < 100) green++;
    }
    const img = /** @type {HTMLCanvasElement|null} */ (c.parentElement?.querySelector('.card__img') ?? null);
    return { w: c.width, h: c.height, red, blue, green, painted, total: c.width * c.height, hidden: c.hidden,
      img: img ? { w: img.width, h: img.height } : null };
  });
}

test('overlays: clipping shown where highlights clip, focus map where sharpness fails, both toggle', async () => {
  const { page, errors } = await openApp(env.context, env.url);
  await page.selectOption('#brief-select', { label: 'Adobe Stock — photos' });
  await page.waitForFunction(() => /Adobe/.test(document.getElementById('brief-summary')?.textContent ?? ''));
  const files = await corpusFiles([`metadata/${HDR}`, `metadata/${SHARP}`, `metadata/${FLAT}`]);
  await dropFiles(page, files);
  await waitAllChecked(page, files.length, 60_000);
  // Every card has its preview (the overlay is laid over it) and its toggles.
  await page.waitForFunction(() => document.querySelectorAll('.card__thumb .card__img').length === 3, null, { timeout: 20_000 });

  const cards = Object.fromEntries((await readCards(page)).map((c) => [c.file, c]));
  assert.equal(cards[HDR].checks['exposure.highlights'], 'warn', 'the HDR frame clips its highlights');
  assert.equal(cards[FLAT].checks.sharpness, 'fail', 'the flat grey frame is not sharp');
  assert.equal(cards[SHARP].checks['exposure.highlights'], 'pass');

  // ── canon_hdr: clipping on by default, red where blown, drawn in the displayed orientation ──
  const hdrClip = page.locator(`${card(HDR)} .ovbtn[data-layer="clip"]`);
  const hdrFocus = page.locator(`${card(HDR)} .ovbtn[data-layer="focus"]`);
  assert.equal(await hdrClip.textContent(), 'Clipping');
  assert.equal(await hdrFocus.textContent(), 'Focus map');
  assert.equal(await hdrClip.getAttribute('aria-pressed'), 'true', 'clipping is shown by default when highlights warn');
  assert.equal(await hdrFocus.getAttribute('aria-pressed'), 'false', 'focus map stays off when sharpness passes');
  let clip = await readLayer(page, HDR, 'clip');
  assert.equal(clip.hidden, false);
  assert.ok(clip.red > clip.total * 0.03, `blown areas painted red: ${clip.red} of ${clip.total}`);
  assert.equal(clip.blue, 0, 'nothing crushed in this frame');
  // Stored 2048 × 1536, orientation 6: shown portrait, like the thumbnail.
  assert.ok(clip.h > clip.w, `clip layer rotated to portrait: ${clip.w} × ${clip.h}`);
  assert.ok(clip.img && Math.abs(clip.w / clip.h - clip.img.w / clip.img.h) < 0.02,
    `layer and thumbnail share one aspect ratio: ${clip.w}×${clip.h} vs ${clip.img?.w}×${clip.img?.h}`);
  // Where the layer is red, the thumbnail under it is near white (same orientation, same place).
  const under = await page.$eval(`${card(HDR)} .card__thumb`, (thumb) => {
    const ov = /** @type {HTMLCanvasElement} */ (thumb.querySelector('.ov--clip'));
    const img = /** @type {HTMLCanvasElement} */ (thumb.querySelector('.card__img'));
    const m = /** @type {CanvasRenderingContext2D} */ (ov.getContext('2d')).getImageData(0, 0, ov.width, ov.height).data;
    // The thumbnail resampled to the layer's size, to compare pixel for pixel.
    const c = document.createElement('canvas'); c.width = ov.width; c.height = ov.height;
    const ctx = /** @type {CanvasRenderingContext2D} */ (c.getContext('2d'));
    ctx.drawImage(img, 0, 0, c.width, c.height);
    const t = ctx.getImageData(0, 0, c.width, c.height).data;
    let inSum = 0, inN = 0, outSum = 0, outN = 0;
    for (let i = 0; i < m.length; i += 4) {
      const y = 0.2126 * t[i] + 0.7152 * t[i + 1] + 0.0722 * t[i + 2];
      if (m[i + 3] > 0) { inSum += y; inN++; } else { outSum += y; outN++; }
    }
    return { blown: inSum / inN, rest: outSum / outN };
  });
  assert.ok(under.blown > 200 && under.blown > under.rest + 60, `red lies over the bright lamps: ${JSON.stringify(under)}`);
  // The facts line shows the report's own numbers (their exact values belong to the Rust tests).
  assert.match(await page.$eval(`${card(HDR)} .card__pixels`, (el) => el.textContent), /^11 % blown · sharpest [\d,]+ · σ \d+\.\d$/);

  // Toggle by click, then by keyboard: aria-pressed and the layer follow.
  await hdrClip.click();
  assert.equal(await hdrClip.getAttribute('aria-pressed'), 'false');
  assert.equal((await readLayer(page, HDR, 'clip')).hidden, true);
  await hdrClip.focus();
  await page.keyboard.press('Enter');
  assert.equal(await hdrClip.getAttribute('aria-pressed'), 'true');
  assert.equal((await readLayer(page, HDR, 'clip')).hidden, false);
  await page.keyboard.press('Tab');          // focus moves to the next toggle…
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Focus map');
  await page.keyboard.press('Space');        // …and Space turns the focus map on
  assert.equal(await hdrFocus.getAttribute('aria-pressed'), 'true');
  const hdrMap = await readLayer(page, HDR, 'focus');
  assert.ok(hdrMap.green > 0 && hdrMap.painted > hdrMap.total * 0.5, `focus tiles painted: ${JSON.stringify(hdrMap)}`);

  // ── door-knocker: sharp, nothing clips → no overlay shown by default, but both are available ──
  const sharpClip = page.locator(`${card(SHARP)} .ovbtn[data-layer="clip"]`);
  const sharpFocus = page.locator(`${card(SHARP)} .ovbtn[data-layer="focus"]`);
  assert.equal(await sharpClip.getAttribute('aria-pressed'), 'false');
  assert.equal(await sharpFocus.getAttribute('aria-pressed'), 'false');
  assert.equal(await page.locator(`${card(SHARP)} .ov:not([hidden])`).count(), 0, 'no overlay drawn by default');
  await sharpFocus.click();
  assert.equal(await sharpFocus.getAttribute('aria-pressed'), 'true');
  const sharpMap = await readLayer(page, SHARP, 'focus');
  assert.ok(sharpMap.green > sharpMap.painted * 0.9, `a sharp photo is green all over: ${JSON.stringify(sharpMap)}`);
  assert.equal(sharpMap.red, 0);
  await sharpFocus.click();
  assert.equal(await sharpFocus.getAttribute('aria-pressed'), 'false');
  assert.equal((await readLayer(page, SHARP, 'focus')).hidden, true);

  // ── flat grey: sharpness fails → the focus map is shown by default, red where tiles exist ──
  const flatFocus = page.locator(`${card(FLAT)} .ovbtn[data-layer="focus"]`);
  assert.equal(await flatFocus.getAttribute('aria-pressed'), 'true', 'focus map shown when sharpness fails');
  assert.equal(await page.locator(`${card(FLAT)} .ovbtn[data-layer="clip"]`).getAttribute('aria-pressed'), 'false');
  const flatMap = await readLayer(page, FLAT, 'focus');
  assert.ok(flatMap.red > flatMap.painted * 0.9 && flatMap.green === 0, `out-of-focus tiles in red: ${JSON.stringify(flatMap)}`);

  // A screenshot of the three cards, to look at: clipping on the HDR frame, a green map on the
  // sharp photo, the red map on the flat one.
  await hdrFocus.click();
  assert.equal(await hdrFocus.getAttribute('aria-pressed'), 'false');
  await sharpFocus.click();
  await page.mouse.move(0, 0);
  await page.evaluate(() => document.getElementById('results')?.scrollIntoView());
  await page.waitForTimeout(150);
  const box = await page.locator('#cards').boundingBox();
  assert.ok(box);
  await page.screenshot({ path: path.join(resultsDir, 'overlay.png'),
    clip: { x: Math.max(0, box.x - 12), y: Math.max(0, box.y - 12), width: box.width + 24, height: Math.min(box.height + 24, 1400) } });

  assert.deepEqual(errors, []);
  await page.close();
});

test('overlays: none without pixel rules, and re-checking under another brief drops them', async () => {
  const { page, errors } = await openApp(env.context, env.url);
  await page.selectOption('#brief-select', { label: 'Adobe Stock — photos' });
  await page.waitForFunction(() => /Adobe/.test(document.getElementById('brief-summary')?.textContent ?? ''));
  await dropFiles(page, await corpusFiles([`metadata/${HDR}`]));
  await waitAllChecked(page, 1, 60_000);
  await page.waitForSelector(`${card(HDR)} .ovbtn[aria-pressed="true"]`);
  await page.waitForSelector(`${card(HDR)} .card__img`, { timeout: 20_000 });
  // A brief without pixel rules: no overlay, no toggles, no pixel facts.
  await page.locator('#brief-file').setInputFiles({ name: 'meta.json', mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify({ preflight_brief: 1, name: 'Metadata only', checks: {} })) });
  await page.waitForFunction(() => document.getElementById('progress')?.dataset.brief === 'Metadata only');
  await waitAllChecked(page, 1, 60_000);
  await page.waitForFunction((sel) => document.querySelectorAll(`${sel} .ovbtn, ${sel} .ov`).length === 0, card(HDR));
  assert.equal(await page.locator(`${card(HDR)} .card__tools`).isHidden(), true);
  assert.equal(await page.locator(`${card(HDR)} .card__pixels`).textContent(), '');
  assert.equal(await page.locator(`${card(HDR)} .card__img`).count(), 1, 'the preview itself stays');
  assert.equal(await page.locator(`${card(HDR)} .card__ph`).count(), 0, 'no placeholder over a real preview');
  assert.deepEqual(errors, []);
  await page.close();
});
