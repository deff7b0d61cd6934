// Types for adapters/uppy.js. Structural (no import from Uppy): any Uppy 4–6 instance fits.
import type { Brief, Preflight } from '../preflight.js';

export interface PreflightUppyOptions {
  /** Plugin id (default 'Preflight'). */
  id?: string;
  /** 'reject' (default): failing files are removed; 'annotate': kept with Uppy's error mark, upload refused. */
  mode?: 'reject' | 'annotate';
  /** Share a running checker… */
  preflight?: Preflight;
  /** …or let the plugin start one (terminated on uninstall). */
  brief?: Brief | string;
  workers?: number;
  models?: string | URL;
  /** Shown on each file while it is checked. */
  checkingMessage?: string;
}

/** Pass to `uppy.use(PreflightUppy, options)`. Files get meta `preflight_verdict` and `preflight_report` (JSON). */
export class PreflightUppy {
  static VERSION: string;
  constructor(uppy: unknown, opts?: PreflightUppyOptions);
  readonly id: string;
  readonly type: 'modifier';
  preflight: Preflight | null;
  install(): void;
  uninstall(): void;
  update(): void;
  setOptions(opts: Partial<PreflightUppyOptions>): void;
}
export default PreflightUppy;
