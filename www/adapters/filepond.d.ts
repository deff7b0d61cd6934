// Types for adapters/filepond.js: a FilePond plugin for `registerPlugin`.
import type { Preflight } from '../preflight.js';

/** The options the plugin adds to FilePond's `create(…, options)`. */
export interface FilePondPreflightOptions {
  /** Default true. */
  allowPreflight?: boolean;
  preflight?: Preflight | null;
  /** The invalid item's main label (the sub label gives the reasons). */
  labelPreflightInvalid?: string;
}

declare function FilePondPluginPreflight(api: {
  addFilter: (name: string, fn: (value: any, args: any) => any) => void;
  utils: { Type: Record<string, string> };
}): { options: Record<keyof FilePondPreflightOptions, [unknown, string]> };
export default FilePondPluginPreflight;
