// An example consumer of the embeddable API, type-checked by `tsc --noEmit -p tests/types`.
// Every `@ts-expect-error` line is a misuse the declarations must reject: if one stopped being an
// error, tsc would fail ("Unused '@ts-expect-error' directive").
import { createPreflight, summarize, type Brief, type Report, type Verdict } from '../../www/preflight.js';
import { PhotoPreflight, type PhotoPreflightValue } from '../../www/photo-preflight.js';
import { PreflightUppy } from '../../www/adapters/uppy.js';
import FilePondPluginPreflight, { type FilePondPreflightOptions } from '../../www/adapters/filepond.js';

const brief: Brief = {
  preflight_brief: 1,
  name: 'Marketplace',
  checks: {
    format: { allow: ['jpeg', 'RAW'], extension_must_match: true },
    resolution: { min_megapixels: 4, aspect_ratio: { allow: ['3:2', 1.5] }, orientation: { is: 'landscape', severity: 'warn' } },
    exif: { required: ['DateTimeOriginal', 'GPSLatitude'] },
    labels: { required_roots: ['scene'], taxonomy: { scene: { outdoor: ['beach'] } } },
    faces: { max: 0 },
    plates: { max: 0 },
    privacy: { forbid: ['gps', 'serial_numbers'] },
    duplicates: { near: { max_distance: 8 } },
    series: { same: ['camera', 'lens'], overlap: { min_percent: 60 } },
  },
};

// @ts-expect-error: the format version is 1
const wrongVersion: Brief = { preflight_brief: 2, name: 'x' };
// @ts-expect-error: unknown check block (typo)
const typo: Brief = { preflight_brief: 1, name: 'x', checks: { resolutoin: { min_megapixels: 4 } } };
// @ts-expect-error: not an EXIF field preflight knows
const badField: Brief = { preflight_brief: 1, name: 'x', checks: { exif: { required: ['Lens'] } } };
// @ts-expect-error: plates needs `max`
const noMax: Brief = { preflight_brief: 1, name: 'x', checks: { plates: {} } };

export async function run(input: HTMLInputElement): Promise<Verdict[]> {
  const pf = createPreflight({ brief, workers: 2, models: new URL('/models/', location.href), timeoutMs: 30_000 });
  const info = await pf.ready;
  const version: string = info.version;
  pf.addEventListener('progress', (ev) => { const left: number = ev.detail.total - ev.detail.done; void left; });
  pf.addEventListener('report', (ev) => { const file: string = ev.detail.report.file; void file; });
  pf.addEventListener('batch', (ev) => { const groups = ev.detail.groups.map((g) => g.kind); void groups; });
  // @ts-expect-error: a progress event carries no report
  pf.addEventListener('progress', (ev) => ev.detail.report);

  const reports: Report[] = await pf.check(input.files ?? [], (report, _file, { index, overlay }) => {
    const mp: number | null = report.megapixels;
    const when: string | null = report.metadata.datetime_original;
    const faces = report.faces?.length ?? 0;
    const focus = overlay?.focus?.scores.length;
    void [mp, when, faces, focus, index];
  }, { signal: AbortSignal.timeout(60_000), batch: true });
  // @ts-expect-error: verdicts are 'pass' | 'warn' | 'fail' | 'error'
  const ok: boolean = reports[0].verdict === 'ok';
  // @ts-expect-error: check() takes files, not a brief
  await pf.check(brief);

  const counts = summarize(reports);
  const csv: string = pf.manifest(reports);
  const name: string = await pf.setBrief(JSON.stringify(brief));
  pf.pause(); pf.resume();
  const paused: boolean = pf.paused;
  pf.terminate();
  void [version, counts.fail, csv, name, paused, ok, wrongVersion, typo, badField, noMax];
  return reports.flatMap((r) => r.findings.map((f) => f.verdict));
}

// The custom element, from the tag name.
const el = document.querySelector('photo-preflight');
if (el) {
  const blocked: boolean = el.mode === 'block' && !el.checkValidity();
  el.addEventListener('preflight-done', (ev) => {
    const value: PhotoPreflightValue = { preflight: '', brief: '', reports: ev.detail.reports };
    void [value, ev.detail.blocked];
  });
  // @ts-expect-error: reports are read-only
  el.reports = [];
  void [blocked, el instanceof PhotoPreflight];
}

// The adapters.
const uppyOpts = { mode: 'annotate', brief } as const;
const plugin = new PreflightUppy({}, uppyOpts);
// @ts-expect-error: mode is 'reject' or 'annotate'
new PreflightUppy({}, { mode: 'drop' });
const pondOptions: FilePondPreflightOptions = { preflight: createPreflight({ brief }), labelPreflightInvalid: 'Rejected' };
void [plugin.id, pondOptions, FilePondPluginPreflight];
