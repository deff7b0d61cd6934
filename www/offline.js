// The page's side of the offline app: registers the service worker (www/sw.js) and tells the
// page when a new version is installed and waiting, with a function that switches to it.

/**
 * @param {{ onUpdate: (apply: () => void) => void }} hooks
 * @returns {{ keepDetection(): void }}
 */
export function registerOffline({ onUpdate }) {
  const sw = navigator.serviceWorker;
  if (!sw) return { keepDetection() {} };
  let takingOver = false;
  sw.addEventListener('controllerchange', () => {
    // A new version took over because this page asked: reload into it (never run two versions).
    if (takingOver) location.reload();
  });
  /** @param {ServiceWorker} waiting */
  const offer = (waiting) => onUpdate(() => { takingOver = true; waiting.postMessage({ type: 'take-over' }); });
  sw.register('sw.js').then((reg) => {
    // Only an update is "new": the first install has no controller to replace.
    if (reg.waiting && sw.controller) offer(reg.waiting);
    reg.addEventListener('updatefound', () => {
      const next = reg.installing;
      next?.addEventListener('statechange', () => {
        if (next.state === 'installed' && sw.controller) offer(next);
      });
    });
  }).catch((err) => console.warn('preflight: offline use unavailable:', err?.message ?? err));
  return {
    /** The brief in use needs the detection engine and models: have the service worker keep them. */
    keepDetection() {
      sw.ready.then((reg) => reg.active?.postMessage({ type: 'keep-detection' }));
    },
  };
}
