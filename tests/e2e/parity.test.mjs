// The browser and the CLI are two doors into one core: for the same file and brief they must
// produce identical report JSON. Every file of the corpus's metadata/ folder (JPEG, HEIC, PNG,
// WebP, AVIF, TIFF, DNG, ARW, CR3, NEF, broken files) under three briefs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setup, openApp, corpus, repoRoot, releaseCli } from './helpers.mjs';

const dir = path.join(corpus, 'metadata');
const names = readdirSync(dir).sort();
/** The release CLI (built in `before` when missing). */
let cli = '';

/** A report without what its pixels fed (pixel measures and findings, faces and plates, the verdict). */
function withoutPixels(r) {
  const pixel = /^(pixels|exposure|sharpness|information|noise|upsampling|faces|plates)(\.|$)/;
  // The fingerprint (duplicates, series) is made from the pixels too.
  const { pixels, faces, plates, fingerprint, verdict, ...rest } = r;
  return { ...rest, findings: r.findings.filter((f) => !pixel.test(f.check)) };
}

let env;
before(async () => {
  cli = releaseCli();
  env = await setup();
});
after(() => env?.close());

for (const briefFile of ['default.json', 'street-dataset.json', 'adobe-stock.json']) {
  test(`browser and CLI reports are identical: ${names.length} corpus files, brief ${briefFile}`, async () => {
    const briefPath = path.join(repoRoot, 'briefs', briefFile);
    // CLI, run from inside the folder so its `file` names are the bare names the browser sees.
    const manifestPath = path.join(os.tmpdir(), `preflight-parity-${process.pid}-${briefFile}.csv`);
    const run = spawnSync(cli, ['check', '--json', '--brief', briefPath, '--manifest', manifestPath, ...names], { cwd: dir, encoding: 'utf8', maxBuffer: 64 << 20 });
    assert.ok(run.status === 0 || run.status === 1, `CLI exit ${run.status}: ${run.stderr}`);
    const fromCli = JSON.parse(run.stdout);
    assert.equal(fromCli.length, names.length);

    const { page } = await openApp(env.context, env.url);
    const files = names.map((name) => ({ name, b64: readFileSync(path.join(dir, name)).toString('base64') }));
    const { reports: fromBrowser, csv: browserCsv } = await page.evaluate(async ({ files, brief }) => {
      const { createPreflight } = await import('./preflight.js');
      const pf = createPreflight({ brief, workers: 2 });
      await pf.ready;
      const list = files.map(({ name, b64 }) => {
        const bin = atob(b64);
        const u8 = new Uint8Array(bin.length);
        for (let i = 0; i < bin.length; i++) u8[i] = bin.charCodeAt(i);
        return new File([u8], name);
      });
      const reports = await pf.check(list);
      const csv = pf.manifest(reports);
      pf.terminate();
      return { reports, csv };
    }, { files, brief: readFileSync(briefPath, 'utf8') });
    await page.close();

    assert.equal(fromBrowser.length, fromCli.length);
    let browserDecoded = 0;
    for (let i = 0; i < names.length; i++) {
      let [b, c] = [fromBrowser[i], fromCli[i]];
      if (b.pixels?.analysed === 'browser_decode') {
        // The browser decoded pixels of a format the CLI has no decoder for (AVIF in Chromium):
        // the CLI says so with a `pixels` warning (and, when the brief asks for faces, a `faces`
        // one); everything else must still be identical.
        browserDecoded++;
        assert.equal(c.pixels, null, names[i]);
        assert.ok(c.findings.some((f) => f.check === 'pixels' && f.verdict === 'warn'), names[i]);
        if (b.faces) assert.ok(c.findings.some((f) => f.check === 'faces' && f.verdict === 'warn' && c.faces === null), names[i]);
        [b, c] = [withoutPixels(b), withoutPixels(c)];
      }
      assert.deepStrictEqual(b, c, `report for ${names[i]} differs between browser and CLI`);
    }
    // The manifest is the same CSV from both doors (when the reports are the same).
    if (browserDecoded === 0) assert.equal(browserCsv, readFileSync(manifestPath, 'utf8'), 'manifest CSV differs');
    const pixelBrief = /"(exposure|sharpness|information|noise|upsampling)"/.test(readFileSync(briefPath, 'utf8'));
    assert.equal(browserDecoded, pixelBrief ? names.filter((n) => n.endsWith('.avif')).length : 0, 'AVIF pixels come from the browser exactly when the brief needs pixels');
    // Not trivially equal: the reports carry real content.
    assert.ok(fromCli.filter((r) => r.format).length >= 45, 'formats detected');
    assert.ok(fromCli.every((r) => r.findings.length > 0 || r.verdict === 'pass'));
  });
}
