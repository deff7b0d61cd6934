// Types for photo-preflight.js, the <photo-preflight> element (see preflight.d.ts for Report).
import type { Preflight, Report } from './preflight.js';

export interface PhotoPreflightEventMap extends HTMLElementEventMap {
  /** One file is checked. */
  'preflight-report': CustomEvent<{ report: Report; file: Blob }>;
  /** Every chosen file is checked; `blocked`: mode="block" holds the form back. */
  'preflight-done': CustomEvent<{ reports: Report[]; blocked: boolean; name: string }>;
  /** The checker could not start (brief not found or invalid…); files are then not checked and not held back. */
  'preflight-error': CustomEvent<{ error: unknown }>;
}

/** What the element submits under its `name`: `JSON.parse(formData.get('preflight'))`. */
export interface PhotoPreflightValue {
  /** The engine's version. */
  preflight: string;
  /** The brief's name. */
  brief: string;
  reports: Report[];
}

/**
 * `<photo-preflight brief="brief.json" mode="block|warn" name="preflight" workers="2" models="/models/">`
 * around an `<input type="file">`. Parts: `status`, `cards`, `card` (+ `pass`/`warn`/`fail`/`error`/`checking`),
 * `verdict`, `name`, `findings`, `finding`. Custom properties: `--preflight-pass`, `--preflight-warn`,
 * `--preflight-fail`, `--preflight-error`, `--preflight-border`, `--preflight-card-bg`, `--preflight-text`,
 * `--preflight-focus`, `--preflight-radius`, `--preflight-gap`, `--preflight-font-size`.
 */
export class PhotoPreflight extends HTMLElement {
  static formAssociated: true;
  /** User-facing text, replaceable to translate. */
  static strings: Record<string, string | ((...n: number[]) => string) | ((why: string) => string)>;
  readonly mode: 'block' | 'warn';
  /** The chosen files' reports, in input order. */
  readonly reports: Report[];
  readonly checking: boolean;
  readonly preflight: Preflight | null;
  readonly form: HTMLFormElement | null;
  readonly validity: ValidityState;
  readonly validationMessage: string;
  checkValidity(): boolean;
  reportValidity(): boolean;
  addEventListener<K extends keyof PhotoPreflightEventMap>(
    type: K, listener: (this: PhotoPreflight, ev: PhotoPreflightEventMap[K]) => any, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
}

declare global {
  interface HTMLElementTagNameMap { 'photo-preflight': PhotoPreflight }
}
