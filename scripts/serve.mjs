#!/usr/bin/env node
// Zero-dependency static server for www/ (dev and tests). Binds 127.0.0.1 only.
//   node scripts/serve.mjs            → http://127.0.0.1:8080/ (PORT env overrides)
//   import { startServer } from './serve.mjs'; const s = await startServer({ port: 0 }); … s.close()
// For the embedding examples (www/examples/) it also serves the upload widgets from node_modules
// under /vendor/ (same origin: the CSP allows no other), and answers the examples' form posts
// at /examples/upload with what a server would receive (JSON), so the demo forms can submit.
import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CSP = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; " +
  "connect-src 'self'; img-src 'self' data:; style-src 'self'; font-src 'self'; manifest-src 'self'; " +
  "base-uri 'none'; form-action 'none'";

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm', '.json': 'application/json; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json', '.ts': 'text/plain; charset=utf-8',
};
const DEFAULT_ROOT = fileURLToPath(new URL('../www/', import.meta.url));
const NODE_MODULES = fileURLToPath(new URL('../node_modules/', import.meta.url));
/** URL prefix → folder: the only node_modules files served (the examples' upload widgets). */
const VENDOR = { '/vendor/uppy/': join(NODE_MODULES, 'uppy/dist'), '/vendor/filepond/': join(NODE_MODULES, 'filepond/dist') };
/** The example forms post to their own origin (the app page itself posts nowhere). */
const EXAMPLES_CSP = CSP.replace("form-action 'none'", "form-action 'self'");

/** What a server would receive from a multipart form: text fields as given, files by name and size. */
async function echoUpload(/** @type {import('node:http').IncomingMessage} */ req) {
  const form = await new Request('http://localhost/', { method: 'POST', headers: /** @type {any} */ (req.headers),
    body: /** @type {any} */ (Readable.toWeb(req)), duplex: 'half' }).formData();
  /** @type {Record<string, any[]>} */ const fields = {};
  for (const [key, value] of form) {
    (fields[key] ??= []).push(typeof value === 'string' ? value : { file: value.name, size: value.size });
  }
  return JSON.stringify({ received: fields });
}

/** @param {{ port?: number, root?: string, host?: string }} [opts] @returns {Promise<{ url: string, close(): Promise<void> }>} */
export function startServer({ port = 0, root = DEFAULT_ROOT, host = '127.0.0.1' } = {}) {
  const base = resolve(root);
  const server = createServer(async (req, res) => {
    const examples = req.url?.startsWith('/examples/');
    const headers = { 'Cache-Control': 'no-cache', 'Content-Security-Policy': examples ? EXAMPLES_CSP : CSP,
      'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer', 'Cross-Origin-Opener-Policy': 'same-origin' };
    const fail = (code) => { res.writeHead(code, { ...headers, 'Content-Type': 'text/plain' }); res.end(`${code}\n`); };
    if (req.method === 'POST' && req.url === '/examples/upload') {
      try {
        const body = await echoUpload(req);
        res.writeHead(200, { ...headers, 'Content-Type': 'application/json; charset=utf-8' });
        return res.end(body);
      } catch { return fail(400); }
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return fail(405);
    let path;
    try { path = decodeURIComponent(new URL(req.url, 'http://x').pathname); } catch { return fail(400); }
    if (path.includes('\0')) return fail(400);
    const vendor = Object.keys(VENDOR).find((prefix) => path.startsWith(prefix));
    const dir = vendor ? resolve(VENDOR[vendor]) : base;
    let file = resolve(join(dir, vendor ? path.slice(vendor.length) : path));
    if (file !== dir && !file.startsWith(dir + sep)) return fail(403);   // no traversal
    try {
      let st = await stat(file);
      if (st.isDirectory()) { file = join(file, 'index.html'); st = await stat(file); }
      res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
        'Content-Length': st.size });
      if (req.method === 'HEAD') return res.end();
      createReadStream(file).on('error', () => res.destroy()).pipe(res);
    } catch { fail(404); }
  });
  return new Promise((ok, ko) => {
    server.once('error', ko);
    server.listen(port, host, () => {
      const { port: p } = /** @type {import('node:net').AddressInfo} */ (server.address());
      ok({ url: `http://${host}:${p}/`,
        close: () => new Promise((done) => { server.closeAllConnections?.(); server.close(() => done()); }) });
    });
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { url } = await startServer({ port: Number(process.env.PORT ?? 8080) });
  console.log(`preflight: serving www/ at ${url}  (Ctrl+C to stop)`);
}
