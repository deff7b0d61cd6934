// README command 1: install what is missing, build, serve on http://127.0.0.1:8080/.
import { setup } from './setup.mjs';
import { build } from './build.mjs';

await setup({ models: true });   // the page serves the detection models from its own origin
build();
const { startServer } = await import('./serve.mjs');
const port = Number(process.env.PORT || 8080);
const server = await startServer({ port });
console.log(`\npreflight is running at ${server.url}  (Ctrl-C to stop)`);
