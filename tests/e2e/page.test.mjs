// The page loads cleanly, with the default brief, a strict CSP, and rejects a bad custom brief.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, openApp, corpusFiles, dropFiles, waitAllChecked, readCards } from './helpers.mjs';
import { CSP } from '../../scripts/serve.mjs';

/** @type {Awaited<ReturnType<typeof setup>>} */ let env;
before(async () => { env = await setup(); });
after(async () => { await env?.close(); });

test('loads with the default brief selected, no console errors, CSP meta present', async () => {
  const { page, errors } = await openApp(env.context, env.url);
  const select = page.locator('#brief-select');
  assert.equal(await select.isEnabled(), true);
  const options = await select.locator('option').allTextContents();
  assert.ok(options.length >= 1, 'at least one preset brief');
  assert.equal(await select.inputValue(), '0', 'the first preset (default.json) is selected');
  assert.equal(await page.locator('#brief-select option:checked').textContent(), options[0]);
  // The brief summary says something about what the brief asks.
  assert.ok((await page.locator('#brief-summary').textContent())?.trim().length, 'brief summary shown');
  assert.match(await page.locator('.promise').textContent() ?? '', /Nothing is uploaded/);
  assert.match(await page.locator('#version').textContent() ?? '', /^preflight \d+\.\d+\.\d+/);
  assert.match(await page.locator('footer').textContent() ?? '', /0 bytes uploaded/);
  // Progress is read aloud from one throttled live region (a11y.test.mjs), not the busy progress line.
  assert.equal(await page.locator('#announce').getAttribute('role'), 'status');
  assert.equal(await page.locator('#pick-files').isEnabled(), true);
  const meta = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  assert.equal(meta, CSP, 'the CSP meta matches the server header');
  // No inline scripts or styles in the served HTML.
  const html = await (await fetch(env.url)).text();
  assert.doesNotMatch(html, /<script(?![^>]*\ssrc=)[^>]*>/i, 'no inline <script>');
  assert.doesNotMatch(html, /<style|\sstyle=|\son[a-z]+=/i, 'no inline styles or handlers');
  assert.deepEqual(errors, []);
  await page.close();
});

test('an invalid custom brief shows every problem and keeps the previous brief', async () => {
  const { page, errors } = await openApp(env.context, env.url);
  const before = await page.locator('#brief-summary').textContent();

  // Not JSON at all.
  await page.locator('#brief-file').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"preflight_brief": 1,') });
  const alert = page.locator('#brief-error');
  await alert.waitFor({ state: 'visible' });
  assert.match(await alert.textContent() ?? '', /broken\.json/);
  assert.match(await alert.textContent() ?? '', /not valid JSON/);
  assert.equal(await alert.getAttribute('role'), 'alert');
  assert.equal(await page.locator('#brief-select').inputValue(), '0', 'still on the default brief');
  assert.equal(await page.locator('#brief-summary').textContent(), before);

  // Valid JSON, wrong brief: the engine's validator lists each problem with its path.
  const bad = { preflight_brief: 1, name: 42, checks: { resolution: { min_megapixels: 'lots' }, no_such_check: {} } };
  await page.locator('#brief-file').setInputFiles({ name: 'bad-brief.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(bad)) });
  await page.waitForFunction(() => document.querySelector('#brief-error')?.textContent?.includes('bad-brief.json')
    || document.querySelector('#brief-select option[value="custom"]'), null, { timeout: 5000 });
  assert.equal(await page.locator('#brief-select option[value="custom"]').count(), 0, 'the bad brief was rejected');
  const items = await page.locator('#brief-error li').allTextContents();
  assert.ok(items.length >= 2, `several problems listed, got ${JSON.stringify(items)}`);
  assert.ok(items.some((t) => /min_megapixels/.test(t)), `the bad option is named: ${JSON.stringify(items)}`);
  assert.ok(items.some((t) => /no_such_check/.test(t)), `the unknown check is named: ${JSON.stringify(items)}`);

  // A good custom brief is accepted, selected, and clears the error.
  const good = { preflight_brief: 1, name: 'My buyer', checks: {} };
  await page.locator('#brief-file').setInputFiles({ name: 'good.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(good)) });
  await page.waitForFunction(() => document.querySelector('#brief-select')?.value === 'custom');
  assert.equal(await alert.isHidden(), true);
  assert.match(await page.locator('#brief-select option:checked').textContent() ?? '', /My buyer/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a taxonomy file is placed into the brief in use, and labels are judged against it', async () => {
  const { page, errors } = await openApp(env.context, env.url);
  const brief = { preflight_brief: 1, name: 'Keywords', checks: { labels: { required_roots: ['Jet2.com_Keywords'] } } };
  await page.locator('#brief-file').setInputFiles({ name: 'keywords.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(brief)) });
  await page.waitForFunction(() => document.querySelector('#brief-select')?.value === 'custom');
  // A broken taxonomy file is refused, naming the file and line; the brief stays.
  await page.locator('#taxonomy-file').setInputFiles({ name: 'bad.txt', mimeType: 'text/plain', buffer: Buffer.from('Jet2.com_Keywords > x\n>\n') });
  const alert = page.locator('#brief-error');
  await alert.waitFor({ state: 'visible' });
  assert.match(await alert.textContent() ?? '', /bad\.txt line 2: an empty path/);
  // The buyer's taxonomy as a text file (one path per line) that does not hold this photo's place.
  const taxonomy = '# Jet2 keywords\nJet2.com_Keywords > Geographic Keywords > Europe > Turkey > DLM_Dalaman > Ölüdeniz\n'
    + 'Jet2.com_Keywords | Image Source | Photographer - Gavin Priestley\n';
  await page.locator('#taxonomy-file').setInputFiles({ name: 'jet2.txt', mimeType: 'text/plain', buffer: Buffer.from(taxonomy) });
  await page.waitForFunction(() => /jet2\.txt/.test(document.querySelector('#brief-select option:checked')?.textContent ?? ''));
  assert.equal(await alert.isHidden(), true);
  assert.match(await page.locator('#brief-summary').textContent() ?? '', /taxonomy: 8 terms/);
  await dropFiles(page, await corpusFiles(['metadata/exifr__tif-with-iptc-icc-xmp.tif']));
  await waitAllChecked(page, 1);
  const [card] = await readCards(page);
  assert.equal(card.checks['labels.taxonomy'], 'fail', JSON.stringify(card));
  assert.match(await page.locator('.finding[data-check="labels.taxonomy"]').textContent() ?? '', /Dalyan/);
  assert.deepEqual(errors, []);
  await page.close();
});

