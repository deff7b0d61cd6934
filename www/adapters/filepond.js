// preflight as a FilePond plugin: each file added is checked on this device before FilePond
// accepts it; a file that fails the brief becomes an invalid item whose label says why (FilePond's
// own "load-invalid" state, as its validate-size / validate-type plugins do). The report is put
// on the item's metadata (`preflight`), which FilePond sends with the file.
//
//   import { create, registerPlugin } from 'filepond';
//   import FilePondPluginPreflight from 'preflight/adapters/filepond.js';
//   registerPlugin(FilePondPluginPreflight);
//   create(input, { preflight: createPreflight({ brief }) });
//
// Options it adds to FilePond: `allowPreflight` (default true), `preflight` (a Preflight from
// createPreflight), `labelPreflightInvalid` (the item's main label when a file fails; the sub
// label is the brief's reasons).
const BLOCKING = new Set(['fail', 'error']);

/**
 * @param {{ addFilter: (name: string, fn: (value: any, args: any) => any) => void, utils: { Type: Record<string, string> } }} api
 */
export default function FilePondPluginPreflight({ addFilter, utils }) {
  const { Type } = utils;

  // DID_LOAD_ITEM runs once the file is read and before FilePond adds it; rejecting with
  // `{ error, status }` turns the item invalid and shows `status.main` / `status.sub` on it.
  addFilter('DID_LOAD_ITEM', (item, { query }) => new Promise((resolve, reject) => {
    /** @type {import('../preflight.js').Preflight|null} */
    const preflight = query('GET_PREFLIGHT');
    if (!query('GET_ALLOW_PREFLIGHT') || !preflight || !(item.file instanceof Blob)) { resolve(item); return; }
    preflight.check([{ file: item.file, name: item.filename }]).then(([report]) => {
      item.setMetadata('preflight', report);
      if (!BLOCKING.has(report.verdict)) { resolve(item); return; }
      const reasons = report.findings.filter((f) => BLOCKING.has(f.verdict)).map((f) => f.message).join(' ');
      reject({ error: { type: 'preflight', code: report.verdict, body: reasons, report },
        status: { main: query('GET_LABEL_PREFLIGHT_INVALID'), sub: reasons } });
    }, (err) => {
      // The checker itself failed: say so on the item rather than accept it unchecked.
      reject({ error: { type: 'preflight', code: 'error', body: String(err?.message ?? err) },
        status: { main: query('GET_LABEL_PREFLIGHT_INVALID'), sub: String(err?.message ?? err) } });
    });
  }));

  return {
    options: {
      allowPreflight: [true, Type.BOOLEAN],
      preflight: [null, Type.OBJECT],
      labelPreflightInvalid: ['Does not meet the brief', Type.STRING],
    },
  };
}
