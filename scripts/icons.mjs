#!/usr/bin/env node
// Rasterises www/icon.svg into the PNG icons the web app manifest names (www/icons/), with
// headless Chromium (playwright-core + Debian chromium). The PNGs are committed; re-run after
// changing the icon: `node scripts/icons.mjs`.
//   icon-192.png, icon-512.png  the icon as drawn (rounded square, transparent corners)
//   maskable-512.png            full-bleed background, the mark inside the 80 % safe zone
//                               (launchers crop maskable icons to their own shape)
//   apple-touch-icon.png        180 px, full-bleed (iOS rounds the corners itself)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { root } from './lib.mjs';

const svg = readFileSync(path.join(root, 'www/icon.svg'), 'utf8');
const background = /<rect[^>]*fill="([^"]+)"/.exec(svg)?.[1] ?? '#1f3a5f';
// The same drawing without its rounded square: the mark alone, for the full-bleed variants.
const mark = svg.replace(/<rect[^>]*\/>/, '');

/** name → [size, html body] */
const ICONS = {
  'icon-192.png': [192, svg],
  'icon-512.png': [512, svg],
  // 0.8 of the size is the maskable safe zone; the mark's own viewBox already has margins.
  'maskable-512.png': [512, `<div style="background:${background};width:100%;height:100%;display:grid;place-items:center">`
    + `<div style="width:80%;height:80%">${mark}</div></div>`],
  'apple-touch-icon.png': [180, `<div style="background:${background};width:100%;height:100%">${mark}</div>`],
};

const outDir = path.join(root, 'www/icons');
mkdirSync(outDir, { recursive: true });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--font-render-hinting=none'] });
try {
  for (const [name, [size, body]] of Object.entries(ICONS)) {
    const page = await browser.newPage({ viewport: { width: size, height: size }, deviceScaleFactor: 1 });
    await page.setContent(`<!doctype html><style>html,body{margin:0;width:100%;height:100%;background:transparent}`
      + `svg{display:block;width:100%;height:100%}</style>${body}`);
    writeFileSync(path.join(outDir, name), await page.screenshot({ omitBackground: true }));
    await page.close();
    console.log(`icons: www/icons/${name} (${size} × ${size})`);
  }
} finally {
  await browser.close();
}
