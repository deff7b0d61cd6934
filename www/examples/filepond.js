// FilePond + preflight: the whole integration (FilePond served from this origin, see scripts/serve.mjs).
import { create, registerPlugin } from '../vendor/filepond/filepond.esm.min.js';
import FilePondPluginPreflight from '../adapters/filepond.js';
import { createPreflight } from '../preflight.js';

registerPlugin(FilePondPluginPreflight);
const preflight = createPreflight({ brief: await (await fetch('brief.json')).json() });
const pond = create(document.querySelector('input[type=file]'), {
  preflight,
  allowMultiple: true,
  server: { process: 'upload' },      // valid files only; the report goes along as the item's metadata
});
globalThis.pond = pond;   // for devtools and the e2e test
