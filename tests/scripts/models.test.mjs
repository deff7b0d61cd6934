// scripts/models.mjs: what ships, and under which licence. Nothing ships without one, and the
// NOTICE.txt the build puts beside the models carries every shipped file's source, change and
// full licence text (Apache-2.0 §4 and MIT ask for them in redistributed copies).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MODELS, PAGE_MODELS, notices } from '../../scripts/models.mjs';

const root = path.resolve(import.meta.dirname, '../..');

test('the page ships YuNet and the plate detector’s two models, never clp_det (no licence)', () => {
  assert.deepEqual(PAGE_MODELS.map((m) => m.file), ['yunet.onnx', 'textdet.onnx', 'textrec.onnx']);
  assert.ok(MODELS.some((m) => m.file === 'clp_det.onnx' && m.page === false));
});

test('NOTICE.txt names every shipped model, its source, what was changed, and each licence in full', () => {
  const text = notices();
  for (const m of PAGE_MODELS) {
    assert.match(text, new RegExp(`^${m.file.replace('.', '\\.')}: .+\\n  licence: ${m.licence.spdx}\\n  from: PyPI ${m.pkg}`, 'm'));
    assert.ok(text.includes(m.sha256), m.file);
  }
  assert.match(text, /textrec\.onnx[^]*output classes cut to the 94 printable ASCII characters/);
  assert.ok(text.includes(readFileSync(path.join(root, 'licenses/Apache-2.0.txt'), 'utf8').trimEnd()));
  assert.ok(text.includes('Copyright (c) 2020 Shiqi Yu'));
  // Each licence text once, however many models share it.
  assert.equal(text.split('TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION').length, 2);
});

test('a shipped model without a licence is refused', () => {
  const clp = MODELS.find((m) => m.file === 'clp_det.onnx');
  assert.throws(() => notices([...PAGE_MODELS, clp]), /clp_det\.onnx: a shipped model needs a licence/);
});
