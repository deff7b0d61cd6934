#!/usr/bin/env node
// Zero-dependency static server for www/ (dev and tests). Binds 127.0.0.1 only.
//   node scripts/serve.mjs            → http://127.0.0.1:8080/ (PORT env overrides)
//   import { startServer } from './serve.mjs'; const s = await startServer({ port: 0 }); … s.close()
import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
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

/** @param {{ port?: number, root?: string, host?: string }} [opts] @returns {Promise<{ url: string, close(): Promise<void> }>} */
export function startServer({ port = 0, root = DEFAULT_ROOT, host = '127.0.0.1' } = {}) {
  const base = resolve(root);
  const server = createServer(async (req, res) => {
    const headers = { 'Cache-Control': 'no-cache', 'Content-Security-Policy': CSP,
      'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer', 'Cross-Origin-Opener-Policy': 'same-origin' };
    const fail = (code) => { res.writeHead(code, { ...headers, 'Content-Type': 'text/plain' }); res.end(`${code}\n`); };
    if (req.method !== 'GET' && req.method !== 'HEAD') return fail(405);
    let path;
    try { path = decodeURIComponent(new URL(req.url, 'http://x').pathname); } catch { return fail(400); }
    if (path.includes('\0')) return fail(400);
    let file = resolve(join(base, path));
    if (file !== base && !file.startsWith(base + sep)) return fail(403);   // no traversal
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
