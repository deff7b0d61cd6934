// <photo-preflight>: wraps an upload form's <input type="file"> and checks photos as they are chosen.
//
//   <form action="/upload" method="post" enctype="multipart/form-data">
//     <photo-preflight brief="brief.json" mode="block" name="preflight">
//       <input type="file" name="photos" multiple accept="image/*">
//     </photo-preflight>
//     <button>Upload</button>
//   </form>
//   <script type="module" src="photo-preflight.js"></script>
//
// It is a form-associated custom element: its value (the reports as JSON) is submitted with the
// form under `name`, and while a file fails (mode="block") it is invalid, so the browser refuses
// to submit and points at the input. Everything runs in this page's workers; nothing is uploaded
// until the form is.
import { createPreflight } from './preflight.js';

/** User-facing text; replace entries (e.g. `PhotoPreflight.strings.fail = '…'`) to translate. */
const strings = {
  pass: 'Passes', warn: 'Passes with warnings', fail: 'Fails', error: 'Could not be checked', checking: 'Checking…',
  loading: 'Loading the checker…',
  checkingN: (/** @type {number} */ n) => `Checking ${n} photo${n === 1 ? '' : 's'}…`,
  wait: 'Wait until the photos are checked.',
  allPass: (/** @type {number} */ n) => `${n === 1 ? 'The photo meets' : `All ${n} photos meet`} the brief.`,
  failing: (/** @type {number} */ bad, /** @type {number} */ n) =>
    `${bad} of ${n} photo${n === 1 ? '' : 's'} do${bad === 1 && n === 1 ? 'es' : ''} not meet the brief.`,
  blocked: 'Replace or remove the photos that fail before uploading.',
  warnings: (/** @type {number} */ n) => `${n} with warnings.`,
  briefFailed: (/** @type {string} */ why) => `The photo checker could not start (${why}); the files were not checked.`,
  cards: 'Photo checks',
};

const BLOCKING = new Set(['fail', 'error']);

const css = new CSSStyleSheet();
css.replaceSync(`
:host { display: block; font-size: var(--preflight-font-size, 0.9rem); }
:host([hidden]) { display: none; }
[part~=status] { margin: var(--preflight-gap, 0.5rem) 0; }
[part~=status]:empty { display: none; }
[part~=cards] { list-style: none; margin: 0; padding: 0; display: grid; gap: var(--preflight-gap, 0.5rem); }
[part~=card] { border: 1px solid var(--preflight-border, #d0d7de); border-left: 4px solid var(--preflight-accent);
  border-radius: var(--preflight-radius, 6px); padding: 0.5rem 0.75rem; background: var(--preflight-card-bg, #fff);
  color: var(--preflight-text, #1f2328); }
[part~=card]:focus-visible { outline: 3px solid var(--preflight-focus, #0969da); outline-offset: 2px; }
[part~=pass] { --preflight-accent: var(--preflight-pass, #1a7f37); }
[part~=warn] { --preflight-accent: var(--preflight-warn, #9a6700); }
[part~=fail] { --preflight-accent: var(--preflight-fail, #cf222e); }
[part~=error] { --preflight-accent: var(--preflight-error, #57606a); }
[part~=checking] { --preflight-accent: var(--preflight-border, #d0d7de); }
[part~=verdict] { font-weight: 600; color: var(--preflight-accent); }
[part~=name] { overflow-wrap: anywhere; }
[part~=findings] { margin: 0.25rem 0 0; padding-left: 1.1rem; }
`);

export class PhotoPreflight extends HTMLElement {
  static formAssociated = true;
  static observedAttributes = ['brief', 'workers', 'models', 'mode'];
  static strings = strings;

  #internals = this.attachInternals();
  #status = /** @type {HTMLElement} */ (document.createElement('p'));
  #list = /** @type {HTMLUListElement} */ (document.createElement('ul'));
  /** @type {import('./preflight.js').Preflight|null} */ #pf = null;
  /** @type {Promise<import('./preflight.js').Preflight|null>|null} */ #starting = null;
  /** @type {HTMLInputElement|null} */ #input = null;
  /** @type {AbortController|null} */ #run = null;
  /** @type {import('./preflight.js').Report[]} */ #reports = [];
  #checking = false;
  #onChange = () => { this.#checkFiles(); };
  #onSubmit = (/** @type {SubmitEvent} */ ev) => {
    // A `novalidate` form skips validity: keep the promise of mode="block" there too.
    if (this.#blocking() && this.#internals.form?.noValidate) {
      ev.preventDefault();
      this.#internals.reportValidity();
      this.#list.querySelector('[data-verdict=fail], [data-verdict=error]')?.focus();
    }
  };

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    root.adoptedStyleSheets = [css];
    this.#status.setAttribute('part', 'status');
    this.#status.setAttribute('role', 'status');    // polite live region: the summary is announced
    this.#list.setAttribute('part', 'cards');
    this.#list.setAttribute('aria-live', 'polite');
    this.#list.setAttribute('aria-label', strings.cards);
    root.append(document.createElement('slot'), this.#status, this.#list);
  }

  /** `block` (default): the form cannot be submitted while a photo fails; `warn`: only shown. */
  get mode() { return this.getAttribute('mode') === 'warn' ? 'warn' : 'block'; }
  /** The reports of the files chosen now, in input order (complete once `checking` is false). */
  get reports() { return this.#reports.slice(); }
  get checking() { return this.#checking; }
  /** The checker (after the brief loaded), e.g. to listen to its events or read `manifest()`. */
  get preflight() { return this.#pf; }
  get form() { return this.#internals.form; }
  get validity() { return this.#internals.validity; }
  get validationMessage() { return this.#internals.validationMessage; }
  checkValidity() { return this.#internals.checkValidity(); }
  reportValidity() { return this.#internals.reportValidity(); }

  connectedCallback() {
    // The reports are submitted under `name`; a form-associated element without one is skipped.
    if (!this.hasAttribute('name')) this.setAttribute('name', 'preflight');
    this.#input = this.querySelector('input[type=file]');
    this.#input?.addEventListener('change', this.#onChange);
    this.#internals.form?.addEventListener('submit', this.#onSubmit);
    this.#restart();
  }

  disconnectedCallback() {
    this.#input?.removeEventListener('change', this.#onChange);
    this.#internals.form?.removeEventListener('submit', this.#onSubmit);
    this.#stop();
  }

  attributeChangedCallback(/** @type {string} */ attr) {
    if (attr === 'mode') this.#setValidity();
    else if (this.isConnected && this.#starting) this.#restart();
  }

  formResetCallback() { this.#show([]); }

  #stop() {
    this.#run?.abort();
    this.#pf?.terminate();
    this.#pf = null;
    this.#starting = null;
  }

  /** (Re)creates the checker for the current attributes, then checks the files already chosen. */
  #restart() {
    this.#stop();
    const starting = this.#starting = (async () => {
      const url = this.getAttribute('brief');
      let brief;
      if (url) {
        const res = await fetch(new URL(url, document.baseURI));
        if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
        brief = await res.text();
      }
      const workers = Number(this.getAttribute('workers')) || undefined;
      const pf = createPreflight({ brief, workers, models: this.getAttribute('models') ?? undefined });
      await pf.ready;
      if (this.#starting !== starting) { pf.terminate(); return null; }
      return (this.#pf = pf);
    })();
    starting.catch((error) => {
      if (this.#starting !== starting) return;
      this.#status.textContent = strings.briefFailed(error?.message ?? String(error));
      this.#dispatch('preflight-error', { error });
      this.#setValidity();
    });
    if (this.#input?.files?.length) this.#checkFiles();
  }

  async #checkFiles() {
    this.#run?.abort();
    const run = this.#run = new AbortController();
    const files = [...(this.#input?.files ?? [])];
    this.#show(files);
    if (!files.length) return;
    this.#checking = true;
    this.#setValidity();
    this.#status.textContent = this.#pf ? strings.checkingN(files.length) : strings.loading;
    let pf;
    try {
      pf = await this.#starting;
    } catch {
      pf = null;                                  // reported by #restart
    }
    if (run.signal.aborted) return;
    if (!pf) { this.#checking = false; this.#setValidity(); return; }
    this.#status.textContent = strings.checkingN(files.length);
    try {
      const reports = await pf.check(files, (report, file, info) => {
        this.#reports[info.index] = report;
        this.#fillCard(info.index, report);
        this.#dispatch('preflight-report', { report, file });
      }, { signal: run.signal });
      this.#reports = reports;
      reports.forEach((r, i) => this.#fillCard(i, r));   // batch rules may have changed verdicts
    } catch (error) {
      if (run.signal.aborted) return;
      this.#status.textContent = strings.briefFailed(/** @type {Error} */ (error)?.message ?? String(error));
    }
    this.#checking = false;
    this.#finish();
  }

  /** One card per chosen file, "checking" until its report arrives. */
  #show(/** @type {File[]} */ files) {
    this.#reports = new Array(files.length);
    this.#checking = false;
    this.#list.replaceChildren(...files.map((f) => {
      const li = document.createElement('li');
      li.tabIndex = 0;
      li.dataset.file = f.name;
      li.dataset.verdict = 'checking';
      li.setAttribute('part', 'card checking');
      const verdict = document.createElement('span');
      verdict.setAttribute('part', 'verdict');
      verdict.textContent = strings.checking;
      const name = document.createElement('span');
      name.setAttribute('part', 'name');
      name.textContent = f.name;
      li.append(verdict, ' ', name);
      return li;
    }));
    this.#status.textContent = '';
    this.#internals.setFormValue(null);
    this.#setValidity();
  }

  #fillCard(/** @type {number} */ i, /** @type {import('./preflight.js').Report} */ r) {
    const li = /** @type {HTMLElement|undefined} */ (this.#list.children[i]);
    if (!li) return;
    li.dataset.verdict = r.verdict;
    li.setAttribute('part', `card ${r.verdict}`);
    /** @type {HTMLElement} */ (li.querySelector('[part=verdict]')).textContent = strings[r.verdict];
    li.querySelector('[part=findings]')?.remove();
    const problems = r.findings.filter((f) => f.verdict !== 'pass');
    if (problems.length) {
      const ul = document.createElement('ul');
      ul.setAttribute('part', 'findings');
      for (const f of problems) {
        const item = document.createElement('li');
        item.setAttribute('part', `finding ${f.verdict}`);
        item.dataset.check = f.check;
        item.textContent = f.message;
        ul.append(item);
      }
      li.append(ul);
    }
  }

  #finish() {
    const reports = this.#reports;
    const name = this.getAttribute('name') || 'preflight';
    const value = JSON.stringify({ preflight: this.#pf?.version ?? '', brief: this.#pf?.brief?.name ?? '', reports });
    this.#internals.setFormValue(value);
    const bad = reports.filter((r) => BLOCKING.has(r.verdict)).length;
    const warned = reports.filter((r) => r.verdict === 'warn').length;
    this.#status.textContent = bad
      ? `${strings.failing(bad, reports.length)}${this.mode === 'block' ? ` ${strings.blocked}` : ''}`
      : `${strings.allPass(reports.length)}${warned ? ` ${strings.warnings(warned)}` : ''}`;
    this.#setValidity();
    this.#dispatch('preflight-done', { reports, blocked: this.#blocking(), name });
  }

  /** Whether mode="block" holds the form back now (a file fails, or files are still being checked). */
  #blocking() {
    if (this.mode !== 'block') return false;
    return this.#checking || this.#reports.some((r) => r && BLOCKING.has(r.verdict));
  }

  #setValidity() {
    if (!this.#blocking()) { this.#internals.setValidity({}); return; }
    const message = this.#checking ? strings.wait : `${this.#status.textContent}`;
    this.#internals.setValidity({ customError: true }, message, this.#input ?? undefined);
  }

  #dispatch(/** @type {string} */ type, /** @type {any} */ detail) {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }
}

if (!customElements.get('photo-preflight')) customElements.define('photo-preflight', PhotoPreflight);
