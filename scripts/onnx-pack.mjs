// Makes an ONNX model smaller to download, as a valid ONNX model any engine runs:
//
// - int8 weights: every float weight of ≥ 1024 values read only as a convolution's or a matrix
//   product's weight is stored as int8 with one f32 scale per output channel (symmetric,
//   scale = max |w| / 127), followed by `Cast(to float) → Mul(scale)`. preflight's interpreter
//   runs those two nodes once at load (src/nn/fold.rs), so inference costs the same as with the
//   f32 file. A quarter of the bytes; gzip takes little more off.
// - keep only some output classes (`classes`): for a text reader, the Latin letters, digits and
//   punctuation of its character list. Every float tensor whose last dimension is the class count
//   is cut to the kept classes (the final MatMul's weight and bias), and the metadata's
//   `character` list with them.
//
// Deterministic: the same input gives the same bytes (scripts/models.mjs checks their sha256).
// Fields this file does not rewrite are copied byte for byte.
//
//   node scripts/onnx-pack.mjs IN.onnx OUT.onnx [--int8] [--latin]

// ---------------------------------------------------------------- protobuf, just what ONNX needs

/** A varint at `buf[p]`: `[value (BigInt), position after it]`. */
function readVarint(buf, p) {
  let v = 0n;
  let shift = 0n;
  for (;;) {
    if (p >= buf.length) throw new Error('protobuf: truncated varint');
    const b = buf[p++];
    v |= BigInt(b & 0x7f) << shift;
    if (!(b & 0x80)) return [v, p];
    shift += 7n;
  }
}

/** The fields of one message: `{ no, wt, start, end, val, raw }` (`val`: a BigInt for varints,
 * else the value's bytes; `raw`: the whole field, tag included, to copy it unchanged). */
export function fields(buf) {
  const out = [];
  let p = 0;
  const varint = () => {
    let v;
    [v, p] = readVarint(buf, p);
    return v;
  };
  while (p < buf.length) {
    const start = p;
    const tag = Number(varint());
    const no = tag >>> 3;
    const wt = tag & 7;
    let val;
    if (wt === 0) val = varint();
    else if (wt === 1) (val = buf.subarray(p, p + 8)), (p += 8);
    else if (wt === 5) (val = buf.subarray(p, p + 4)), (p += 4);
    else if (wt === 2) {
      const len = Number(varint());
      if (p + len > buf.length) throw new Error('protobuf: field runs past the end');
      val = buf.subarray(p, p + len);
      p += len;
    } else throw new Error(`protobuf: wire type ${wt}`);
    out.push({ no, wt, start, end: p, val, raw: buf.subarray(start, p) });
  }
  return out;
}

function varintBytes(v) {
  let x = BigInt(v);
  if (x < 0n) x += 1n << 64n;
  const out = [];
  do {
    let b = Number(x & 0x7fn);
    x >>= 7n;
    if (x) b |= 0x80;
    out.push(b);
  } while (x);
  return Buffer.from(out);
}

const enc = {
  varint: (no, v) => Buffer.concat([varintBytes(no << 3), varintBytes(v)]),
  bytes: (no, b) => Buffer.concat([varintBytes((no << 3) | 2), varintBytes(b.length), b]),
  string: (no, s) => enc.bytes(no, Buffer.from(s, 'utf8')),
};

// ---------------------------------------------------------------- ONNX messages

const FLOAT = 1;
const INT8 = 3;

/** TensorProto → { name, dims, dataType, floats (Float32Array, for float tensors) }. */
function readTensor(buf) {
  const t = { name: '', dims: [], dataType: 0, raw: null, floatData: [] };
  for (const f of fields(buf)) {
    if (f.no === 1 && f.wt === 0) t.dims.push(Number(f.val));
    else if (f.no === 1 && f.wt === 2) {
      for (const g of packedVarints(f.val)) t.dims.push(Number(g));
    } else if (f.no === 2) t.dataType = Number(f.val);
    else if (f.no === 8) t.name = f.val.toString('utf8');
    else if (f.no === 9) t.raw = f.val;
    else if (f.no === 4 && f.wt === 2) t.floatData.push(...floatsOf(f.val));
    else if (f.no === 4 && f.wt === 5) t.floatData.push(f.val.readFloatLE(0));
    else if (f.no === 14 || f.no === 13) throw new Error(`tensor ${t.name}: external data is not supported`);
  }
  if (t.dataType === FLOAT) t.floats = t.raw ? floatsOf(t.raw) : Float32Array.from(t.floatData);
  return t;
}

function* packedVarints(buf) {
  for (let p = 0; p < buf.length; ) {
    let v;
    [v, p] = readVarint(buf, p);
    yield v;
  }
}

function floatsOf(buf) {
  const out = new Float32Array(buf.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = buf.readFloatLE(i * 4);
  return out;
}

function tensorBytes(name, dims, dataType, raw) {
  return Buffer.concat([...dims.map((d) => enc.varint(1, d)), enc.varint(2, dataType), enc.string(8, name), enc.bytes(9, raw)]);
}

const floatTensor = (name, dims, floats) =>
  tensorBytes(name, dims, FLOAT, Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength));

/** NodeProto → { inputs, outputs, name, opType, attrs: [{ name, field }] }. */
function readNode(buf) {
  const n = { inputs: [], outputs: [], name: '', opType: '', domain: '', attrs: [] };
  for (const f of fields(buf)) {
    if (f.no === 1) n.inputs.push(f.val.toString('utf8'));
    else if (f.no === 2) n.outputs.push(f.val.toString('utf8'));
    else if (f.no === 3) n.name = f.val.toString('utf8');
    else if (f.no === 4) n.opType = f.val.toString('utf8');
    else if (f.no === 7) n.domain = f.val.toString('utf8');
    else if (f.no === 5) {
      const a = { name: '', i: null, t: null };
      for (const g of fields(f.val)) {
        if (g.no === 1) a.name = g.val.toString('utf8');
        else if (g.no === 3) a.i = Number(g.val);
        else if (g.no === 5) a.t = g.val;
      }
      n.attrs.push(a);
    }
  }
  return n;
}

// AttributeProto: name 1, i 3, t 5, type 20 (INT 2, TENSOR 4).
const intAttr = (name, v) => enc.bytes(5, Buffer.concat([enc.string(1, name), enc.varint(3, v), enc.varint(20, 2)]));
const tensorAttr = (name, t) => enc.bytes(5, Buffer.concat([enc.string(1, name), enc.bytes(5, t), enc.varint(20, 4)]));

function nodeBytes({ inputs = [], outputs, name, opType, attrs = [] }) {
  return Buffer.concat([
    ...inputs.map((i) => enc.string(1, i)),
    ...outputs.map((o) => enc.string(2, o)),
    enc.string(3, name),
    enc.string(4, opType),
    ...attrs,
  ]);
}

// ---------------------------------------------------------------- the rewrites

/** The axis that indexes output channels of a weight read only by `readers`, or -1. */
function outputAxis(dims, readers) {
  if (readers.length === 0) return -1;
  const axes = new Set(
    readers.map(({ node, index }) => {
      if (index !== 1) return -1;
      if (node.opType === 'Conv' && dims.length === 4) return 0;
      if (node.opType === 'MatMul' && dims.length === 2) return 1;
      if (node.opType === 'Gemm' && dims.length === 2) return node.attrs.find((a) => a.name === 'transB')?.i ? 0 : 1;
      return -1;
    }),
  );
  return axes.size === 1 ? [...axes][0] : -1;
}

/** Symmetric per-channel int8: the int8 bytes and one f32 scale per channel along `axis`. */
export function quantise(floats, dims, axis) {
  const channels = dims[axis];
  const inner = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const channelOf = (i) => Math.floor(i / inner) % channels;
  const max = new Float64Array(channels);
  for (let i = 0; i < floats.length; i++) max[channelOf(i)] = Math.max(max[channelOf(i)], Math.abs(floats[i]));
  const scales = Float32Array.from(max, (m) => (m > 0 ? m / 127 : 1));
  const q = Buffer.alloc(floats.length);
  for (let i = 0; i < floats.length; i++) {
    const v = Math.round(floats[i] / scales[channelOf(i)]);
    q.writeInt8(Math.max(-127, Math.min(127, v)), i);
  }
  return { q, scales };
}

/** Rewrites a message's length-delimited field `path[0]`, recursively, with `fn` at the end. */
function rewriteField(buf, path, fn) {
  const [no, ...rest] = path;
  return Buffer.concat(
    fields(buf).map((f) => {
      if (f.no !== no || f.wt !== 2) return f.raw;
      return rest.length ? enc.bytes(no, rewriteField(f.val, rest, fn)) : fn(f);
    }),
  );
}

/** A ValueInfoProto whose tensor shape has `from` as a fixed dimension gets `to` instead
 * (ValueInfo.type 2 → TypeProto.tensor_type 1 → shape 2 → dim 1 → dim_value 1). */
function resizeDim(valueInfo, from, to) {
  return rewriteField(valueInfo, [2, 1, 2, 1], (dim) => {
    const d = fields(dim.val);
    const fixed = d.find((x) => x.no === 1 && x.wt === 0);
    return fixed && Number(fixed.val) === from ? enc.bytes(1, enc.varint(1, to)) : dim.raw;
  });
}

/** Cuts the last axis of a float tensor to the classes in `keep`. */
function keepLast(t, keep) {
  const n = t.dims[t.dims.length - 1];
  const rows = t.floats.length / n;
  const out = new Float32Array(rows * keep.length);
  for (let r = 0; r < rows; r++) for (let j = 0; j < keep.length; j++) out[r * keep.length + j] = t.floats[r * n + keep[j]];
  return { ...t, dims: [...t.dims.slice(0, -1), keep.length], floats: out };
}

/** Printable ASCII (letters, digits, punctuation) of a PaddleOCR character list, as class indices
 * of the network's output (0 is the CTC blank, then the list, then a space). */
function latinClasses(characters) {
  const chars = characters.split('\n');
  const kept = chars.map((c, i) => [c, i]).filter(([c]) => c.length === 1 && c >= '!' && c <= '~');
  return {
    keep: [0, ...kept.map(([, i]) => i + 1), chars.length + 1],
    characters: kept.map(([c]) => c).join('\n'),
    total: chars.length + 2,
  };
}

/**
 * Packs an ONNX model (a Buffer); returns the new bytes and what was done.
 * `int8`: quantise weights; `latin`: keep the Latin classes of a PaddleOCR reader.
 */
export function pack(model, { int8 = false, latin = false, minSize = 1024 } = {}) {
  const top = fields(model);
  const graphField = top.find((f) => f.no === 7);
  if (!graphField) throw new Error('no graph in the model');
  let keep = null;
  let characters = null;
  let totalClasses = null;
  if (latin) {
    const md = top.filter((f) => f.no === 14).map((f) => fields(f.val));
    const entry = md.find((e) => e.find((g) => g.no === 1)?.val.toString('utf8') === 'character');
    if (!entry) throw new Error('--latin: the model has no `character` metadata');
    ({ keep, characters, total: totalClasses } = latinClasses(entry.find((g) => g.no === 2).val.toString('utf8')));
  }
  const g = fields(graphField.val);
  // Every node, parsed once (by its field), and who reads each value.
  const nodes = new Map(g.filter((f) => f.no === 1).map((f) => [f, readNode(f.val)]));
  const readers = new Map();
  for (const n of nodes.values()) {
    n.inputs.forEach((v, index) => {
      if (!readers.has(v)) readers.set(v, []);
      readers.get(v).push({ node: n, index });
    });
  }
  const stats = { quantised: 0, cut: 0, bytesBefore: 0, bytesAfter: 0 };

  // One float weight → the field(s) that replace it: the tensor itself, or int8 + scale + nodes.
  // `asConstant`: it came from a Constant node (its replacement is nodes), else an initializer.
  const rewrite = (t, asConstant) => {
    let cut = false;
    if (t.dataType === FLOAT && keep && t.dims[t.dims.length - 1] === totalClasses) {
      t = keepLast(t, keep);
      stats.cut++;
      cut = true;
    }
    const numel = t.dims.reduce((a, b) => a * b, 1);
    const axis = t.dataType === FLOAT && int8 && numel >= minSize ? outputAxis(t.dims, readers.get(t.name) || []) : -1;
    if (axis < 0) {
      if (cut) {
        const bytes = floatTensor(t.name, t.dims, t.floats);
        return asConstant
          ? { nodes: [nodeBytes({ outputs: [t.name], name: t.name, opType: 'Constant', attrs: [tensorAttr('value', bytes)] })] }
          : { inits: [bytes] };
      }
      return null; // unchanged
    }
    const { q, scales } = quantise(t.floats, t.dims, axis);
    const scaleDims = t.dims.map((d, i) => (i === axis ? d : 1));
    const qName = `${t.name}::int8`;
    const sName = `${t.name}::scale`;
    const fName = `${t.name}::float`;
    const qBytes = tensorBytes(qName, t.dims, INT8, q);
    const sBytes = floatTensor(sName, scaleDims, scales);
    stats.quantised++;
    const dequant = [
      nodeBytes({ inputs: [qName], outputs: [fName], name: `${t.name}::cast`, opType: 'Cast', attrs: [intAttr('to', FLOAT)] }),
      nodeBytes({ inputs: [fName, sName], outputs: [t.name], name: `${t.name}::dequantise`, opType: 'Mul' }),
    ];
    if (asConstant) {
      return {
        nodes: [
          nodeBytes({ outputs: [qName], name: qName, opType: 'Constant', attrs: [tensorAttr('value', qBytes)] }),
          nodeBytes({ outputs: [sName], name: sName, opType: 'Constant', attrs: [tensorAttr('value', sBytes)] }),
          ...dequant,
        ],
      };
    }
    return { inits: [qBytes, sBytes], nodes: dequant, removedInit: t.name };
  };

  // Initialisers first (their dequantising nodes must precede every node), then one pass in
  // the file's order so that untouched fields keep their place.
  const headNodes = [];
  const removedInputs = new Set();
  const initReplacement = new Map();
  for (const f of g) {
    if (f.no !== 5) continue;
    const r = rewrite(readTensor(f.val), false);
    if (!r) continue;
    initReplacement.set(f, r.inits.map((b) => enc.bytes(5, b)));
    if (r.nodes) headNodes.push(...r.nodes);
    if (r.removedInit) removedInputs.add(r.removedInit);
  }
  const graphOut = [];
  let headDone = false;
  for (const f of g) {
    if (f.no === 5) {
      graphOut.push(...(initReplacement.get(f) || [f.raw]));
    } else if (f.no === 1) {
      if (!headDone) {
        headNodes.forEach((b) => graphOut.push(enc.bytes(1, b)));
        headDone = true;
      }
      const n = nodes.get(f);
      const value = n.attrs.find((a) => a.name === 'value' && a.t);
      if (n.opType === 'Constant' && (n.domain === '' || n.domain === 'ai.onnx') && value && n.outputs.length === 1) {
        const t = readTensor(value.t);
        t.name = n.outputs[0];
        const r = rewrite(t, true);
        if (r) {
          r.nodes.forEach((b) => graphOut.push(enc.bytes(1, b)));
          continue;
        }
      }
      graphOut.push(f.raw);
    } else if ((f.no === 12 || f.no === 13) && keep) {
      // The declared output shapes follow the cut head.
      graphOut.push(enc.bytes(f.no, resizeDim(f.val, totalClasses, keep.length)));
    } else if (f.no === 11 && removedInputs.has(fields(f.val).find((x) => x.no === 1)?.val.toString('utf8'))) {
      // An older exporter lists initialisers among the inputs; the int8 one replaces it.
    } else graphOut.push(f.raw);
  }
  if (!headDone) headNodes.forEach((b) => graphOut.push(enc.bytes(1, b)));
  if (keep && stats.cut !== 2) throw new Error(`--latin: expected the head's weight and bias, cut ${stats.cut} tensors`);

  const out = [];
  for (const f of top) {
    if (f.no === 7) out.push(enc.bytes(7, Buffer.concat(graphOut)));
    else if (f.no === 14 && keep) {
      const e = fields(f.val);
      const key = e.find((x) => x.no === 1)?.val.toString('utf8');
      out.push(key === 'character' ? enc.bytes(14, Buffer.concat([enc.string(1, key), enc.string(2, characters)])) : f.raw);
    } else out.push(f.raw);
  }
  const bytes = Buffer.concat(out);
  stats.bytesBefore = model.length;
  stats.bytesAfter = bytes.length;
  return { bytes, stats };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { readFileSync, writeFileSync } = await import('node:fs');
  const [input, output] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  if (!input || !output) {
    console.error('usage: node scripts/onnx-pack.mjs IN.onnx OUT.onnx [--int8] [--latin]');
    process.exit(2);
  }
  const { bytes, stats } = pack(readFileSync(input), {
    int8: process.argv.includes('--int8'),
    latin: process.argv.includes('--latin'),
  });
  writeFileSync(output, bytes);
  console.log(`${output}: ${stats.bytesBefore} → ${stats.bytesAfter} bytes, ${stats.quantised} weights int8, ${stats.cut} tensors cut`);
}
