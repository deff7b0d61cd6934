// Uppy + preflight: the whole integration (Uppy served from this origin, see scripts/serve.mjs).
import { Uppy, Dashboard, XHRUpload } from '../vendor/uppy/uppy.min.mjs';
import { PreflightUppy } from '../adapters/uppy.js';

const brief = await (await fetch('brief.json')).json();
const uppy = new Uppy()
  // The page's CSP allows no blob: images, so Dashboard's thumbnails are off.
  .use(Dashboard, { inline: true, target: '#dashboard', disableThumbnailGenerator: true, proudlyDisplayPoweredByUppy: false })
  .use(PreflightUppy, { brief, mode: 'reject' })       // or 'annotate': keep the file, marked, and hold the upload
  .use(XHRUpload, { endpoint: 'upload', fieldName: 'photos' });

// Demo only: show what the server received (each file's report travels as meta `preflight_report`).
uppy.on('upload-success', (_file, response) => {
  document.getElementById('result').textContent = JSON.stringify(response.body, null, 1).slice(0, 2000);
});
globalThis.uppy = uppy;   // for devtools and the e2e test
