// Shared e2e setup: the static server (in-process, closed after) + Chromium via playwright-core.
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from '../../scripts/serve.mjs';

export const repoRoot = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const corpus = process.env.PREFLIGHT_CORPUS ?? path.resolve(repoRoot, '../shared/corpus');
export const resultsDir = path.join(repoRoot, 'test-results');

/**
 * The release CLI the page is compared with (built with detection, as `npm test` builds it, when
 * it is missing). @returns {string} its path
 */
export function releaseCli() {
  const cli = path.join(repoRoot, 'target/release/preflight');
  if (!existsSync(cli)) {
    const b = spawnSync('cargo', ['build', '--release', '--features', 'detect', '--bin', 'preflight'], { cwd: repoRoot, stdio: 'inherit' });
    if (b.status !== 0) throw new Error(`cargo build of the CLI failed (status ${b.status})`);
  }
  return cli;
}

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

/**
 * Starts the server and a browser; returns helpers and a `close()` for `after()`.
 * `serviceWorkers: 'block'` for tests that route requests: what the offline app's service worker
 * answers never reaches `context.route`.
 * @param {{ viewport?: { width: number, height: number }, deviceScaleFactor?: number, serviceWorkers?: 'allow'|'block' }} [opts]
 */
export async function setup(opts = {}) {
  if (!existsSync(path.join(repoRoot, 'www/pkg/preflight_bg.wasm'))) {
    throw new Error('www/pkg is missing: build the wasm first (see README: cargo build + wasm-bindgen)');
  }
  const server = await startServer({ port: 0, root: path.join(repoRoot, 'www') });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ARGS });
  const context = await browser.newContext({ viewport: opts.viewport ?? { width: 1280, height: 900 }, deviceScaleFactor: opts.deviceScaleFactor ?? 1,
    serviceWorkers: opts.serviceWorkers ?? 'allow' });
  return {
    server, browser, context, url: server.url,
    async close() { await context.close().catch(() => {}); await browser.close().catch(() => {}); await server.close(); },
  };
}

/**
 * Opens the page, collecting console errors and page errors; resolves once the checker is ready.
 * @param {import('playwright-core').BrowserContext} context @param {string} url
 */
export async function openApp(context, url) {
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  /** @type {string[]} */ const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  const response = await page.goto(url);
  await page.waitForSelector('html[data-ready="true"]', { timeout: 15_000 });
  return { page, errors, response };
}

/** MIME type a browser would give a file of this name (what a real drop carries). */
export function mimeOf(/** @type {string} */ name) {
  const ext = name.split('.').pop()?.toLowerCase() ?? '';
  return { jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', avif: 'image/avif',
    heic: 'image/heic', tif: 'image/tiff', tiff: 'image/tiff', gif: 'image/gif' }[ext] ?? '';
}

/** Reads corpus files as `{ name, bytes, type }` (name = base name). @param {string[]} rels */
export async function corpusFiles(rels) {
  return Promise.all(rels.map(async (rel) => {
    const name = path.basename(rel);
    return { name, type: mimeOf(name), bytes: await readFile(path.join(corpus, rel)) };
  }));
}

/** Reads a corpus file (relative to the corpus dir). */
export const corpusFile = (/** @type {string} */ rel) => readFile(path.join(corpus, rel));

/**
 * Drops files on the drop zone the way a browser does: a DataTransfer built in the page,
 * dragenter → dragover → drop.
 * @param {import('playwright-core').Page} page @param {{ name: string, bytes: Uint8Array, type?: string }[]} files
 */
export async function dropFiles(page, files) {
  const payload = files.map((f) => ({ name: f.name, type: f.type ?? '', b64: Buffer.from(f.bytes).toString('base64') }));
  await page.evaluate((list) => {
    const dt = new DataTransfer();
    for (const f of list) {
      const bin = atob(f.b64);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      dt.items.add(new File([bytes], f.name, { type: f.type }));
    }
    const zone = /** @type {HTMLElement} */ (document.getElementById('drop'));
    for (const type of ['dragenter', 'dragover', 'drop']) {
      zone.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: dt }));
    }
  }, payload);
}

/** Waits until the progress line says every one of `total` files is checked. */
export async function waitAllChecked(/** @type {import('playwright-core').Page} */ page, /** @type {number} */ total, timeout = 20_000) {
  await page.waitForFunction((n) => {
    const p = document.getElementById('progress');
    return p?.dataset.state === 'done' && p.dataset.total === String(n) && p.dataset.done === String(n);
  }, total, { timeout });
}

/** Each card as `{ file, verdict, format, checks: {id: verdict} }`, in page order. */
export function readCards(/** @type {import('playwright-core').Page} */ page) {
  return page.$$eval('#cards > .card', (cards) => cards.map((c) => ({
    file: /** @type {HTMLElement} */ (c).dataset.file,
    verdict: /** @type {HTMLElement} */ (c).dataset.verdict,
    format: /** @type {HTMLElement} */ (c).dataset.format ?? null,
    badge: c.querySelector('.card__verdict')?.textContent?.trim(),
    checks: Object.fromEntries([...c.querySelectorAll('.finding')].map((f) => [
      /** @type {HTMLElement} */ (f).dataset.check, f.className.match(/finding--(\w+)/)?.[1]])),
  })));
}
