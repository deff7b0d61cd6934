// scripts/onnx-pack.mjs: the packer that makes the shipped models small (int8 weights, the
// reader's Latin classes). Its effect on accuracy is measured in train/plates/README.md; here,
// that it rewrites only what it says it does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fields, pack, quantise } from '../../scripts/onnx-pack.mjs';
import { MODELS, modelsDir } from '../../scripts/models.mjs';

const root = path.resolve(import.meta.dirname, '../..');
const verifier = readFileSync(path.join(root, 'train/plates/plate_verifier.onnx'));
const original = (file) => readFileSync(path.join(modelsDir, 'original', file));

test('packing with nothing to do gives back the same bytes', () => {
  for (const bytes of [verifier, original('textrec.onnx'), original('yunet.onnx')]) {
    assert.ok(pack(bytes).bytes.equals(bytes));
  }
});

test('the committed int8 verifier is what the packer makes of the trained one', () => {
  const committed = readFileSync(path.join(root, 'train/plates/plate_verifier.int8.onnx'));
  assert.ok(pack(verifier, { int8: true }).bytes.equals(committed), 're-run: node scripts/onnx-pack.mjs '
    + 'train/plates/plate_verifier.onnx train/plates/plate_verifier.int8.onnx --int8');
});

test('int8: one scale per output channel, every weight within half a step', () => {
  // Two output channels (axis 0) of three values; the second is all zero.
  const w = Float32Array.from([0.5, -1.27, 0.01, 0, 0, 0]);
  const { q, scales } = quantise(w, [2, 3], 0);
  assert.equal(scales.length, 2);
  assert.ok(Math.abs(scales[0] - 0.01) < 1e-7);
  assert.equal(scales[1], 1);
  assert.deepEqual([...q].map((b) => (b << 24) >> 24), [50, -127, 1, 0, 0, 0]);
  // Axis 1 of a 2 × 3 matrix: three channels.
  const m = quantise(Float32Array.from([1, 2, 4, -1, -2, -4]), [2, 3], 1);
  assert.deepEqual([...m.scales].map((s) => s * 127), [1, 2, 4].map((v) => Math.fround(v / 127) * 127));
  for (const [i, v] of [1, 2, 4, -1, -2, -4].entries()) {
    const back = ((m.q[i] << 24) >> 24) * m.scales[i % 3];
    assert.ok(Math.abs(back - v) <= m.scales[i % 3] / 2 + 1e-6, `${v} came back as ${back}`);
  }
});

test('the packed reader keeps the Latin classes, in order, and its head is cut to them', () => {
  const m = MODELS.find((x) => x.file === 'textrec.onnx');
  const { bytes, stats } = pack(original('textrec.onnx'), m.pack);
  assert.equal(stats.cut, 2);
  assert.ok(stats.quantised > 30, `${stats.quantised} weights int8`);
  const characters = (model) =>
    fields(model)
      .filter((f) => f.no === 14)
      .map((f) => fields(f.val))
      .find((e) => e.find((g) => g.no === 1).val.toString() === 'character')
      .find((g) => g.no === 2)
      .val.toString()
      .split('\n');
  const chars = characters(bytes);
  const printable = characters(original('textrec.onnx')).filter((c) => c.length === 1 && c >= '!' && c <= '~');
  assert.equal(chars.length, 94);
  assert.deepEqual(chars, printable);
  for (const c of 'AZaz09-.') assert.ok(chars.includes(c), c);
  assert.ok(bytes.length < original('textrec.onnx').length / 4);
});
