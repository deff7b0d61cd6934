#!/usr/bin/env node
// Packs the embeddable part of www/ into one folder a site can copy as is, or `npm pack`/publish:
//   node scripts/pack.mjs [--out dist/preflight] [--models]
// → preflight.js (API), photo-preflight.js (element), adapters/, worker.js, the three engine
//   builds under pkg/, the .d.ts files and a package.json (`photo-preflight`, version = the
//   crate's) with `exports` and `types`. The page itself (index.html, app.js…) stays out.
// Detection models are not included unless --models (3.4 MB, with NOTICE.txt: their sources and
// licences, MIT and Apache-2.0): or host them yourself and pass
// `createPreflight({ models: '/their/folder/' })`.
// Needs a built www/pkg (`npm run build`).
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PAGE_MODELS } from './models.mjs';

const root = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const www = path.join(root, 'www');

/** The files a site needs, relative to www/. */
export const FILES = [
  'preflight.js', 'preflight.d.ts', 'worker.js', 'photo-preflight.js', 'photo-preflight.d.ts',
  'adapters/uppy.js', 'adapters/uppy.d.ts', 'adapters/filepond.js', 'adapters/filepond.d.ts',
  'pkg/preflight.js', 'pkg/preflight_bg.wasm',          // header-only engine + the glue it shares with full
  'pkg/full/preflight_bg.wasm',                          // pixel checks
  'pkg/detect/preflight.js', 'pkg/detect/preflight_bg.wasm',   // faces and plates
];
const MODELS = [...PAGE_MODELS.map((m) => `pkg/models/${m.file}`), 'pkg/models/NOTICE.txt'];

/** The crate's version: the engine reports it (`pf.version`), so the package carries the same. */
function crateVersion() {
  const m = readFileSync(path.join(root, 'Cargo.toml'), 'utf8').match(/^version\s*=\s*"([^"]+)"/m);
  if (!m) throw new Error('no version in Cargo.toml');
  return m[1];
}

/** @param {{ out?: string, models?: boolean }} [opts] @returns {string} the folder */
export function pack({ out = path.join(root, 'dist/preflight'), models = false } = {}) {
  const files = models ? [...FILES, ...MODELS] : FILES;
  const missing = files.filter((f) => !existsSync(path.join(www, f)));
  if (missing.length) throw new Error(`missing in www/ (run \`npm run build\` first): ${missing.join(', ')}`);
  rmSync(out, { recursive: true, force: true });
  for (const f of files) {
    mkdirSync(path.dirname(path.join(out, f)), { recursive: true });
    cpSync(path.join(www, f), path.join(out, f));
  }
  const { license, description } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  const entry = (/** @type {string} */ base) => ({ types: `./${base}.d.ts`, default: `./${base}.js` });
  const pkg = {
    name: 'photo-preflight',
    version: crateVersion(),
    description,
    license,
    type: 'module',
    main: './preflight.js',
    types: './preflight.d.ts',
    exports: {
      '.': entry('preflight'),
      './element': entry('photo-preflight'),
      './adapters/uppy': entry('adapters/uppy'),
      './adapters/filepond': entry('adapters/filepond'),
      './package.json': './package.json',
    },
    // Importing the element registers <photo-preflight>.
    sideEffects: ['./photo-preflight.js'],
    files: [...new Set(files.map((f) => f.split('/')[0]))],
  };
  writeFileSync(path.join(out, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  writeFileSync(path.join(out, 'README.md'), `# photo-preflight ${pkg.version}

Checks photos against a buyer's brief in the browser (WebAssembly in Web Workers); nothing is
uploaded. Serve this folder from your own origin (the workers and wasm load from beside
preflight.js) and see the project README, section "Embedding":

\`\`\`js
import { createPreflight } from 'photo-preflight';            // or './preflight/preflight.js'
const pf = createPreflight({ brief, models: '/models/' });
const reports = await pf.check(input.files, (r) => console.log(r.file, r.verdict));
\`\`\`

\`<photo-preflight brief="brief.json">\` around an \`<input type="file">\`: \`import 'photo-preflight/element'\`.
Uppy: \`photo-preflight/adapters/uppy\`; FilePond: \`photo-preflight/adapters/filepond\`.
Servers: serve \`.wasm\` as \`application/wasm\`; a CSP needs \`script-src 'self' 'wasm-unsafe-eval'\`.
`);
  return out;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--out');
  const out = pack({ out: at >= 0 ? path.resolve(args[at + 1]) : undefined, models: args.includes('--models') });
  console.log(`packed ${path.relative(process.cwd(), out) || out} (npm pack ${path.relative(process.cwd(), out)} makes the tarball)`);
}
