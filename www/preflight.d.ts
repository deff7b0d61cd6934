// Type declarations for preflight.js (hand-written; keep in step with preflight.js, src/report.rs,
// src/metadata/mod.rs, src/pixels/analysis.rs, src/batch/ and the brief parsers in src/checks/).
// Checked by `tsc --noEmit -p tests/types`.

// ───────────────────────────── Report JSON (src/report.rs) ─────────────────────────────

/** How a check came out, best to worst. A report's verdict is its worst finding's. */
export type Verdict = 'pass' | 'warn' | 'fail' | 'error';

/** One check's outcome for one file. */
export interface Finding {
  /** Stable id: `format`, `resolution.aspect_ratio`, `exif.required`, `series.<property>`… (docs/brief-format.md, "Finding ids"). */
  check: string;
  verdict: Verdict;
  /** What preflight measured, for a person (`"6000 × 4000 px (24.0 MP)"`); null if unmeasurable. */
  measured: string | null;
  /** What the brief asks (`"≥ 4 MP"`); null for plain sanity checks. */
  expected: string | null;
  /** One line: what is wrong and how to fix it (or what is right). */
  message: string;
}

/** Decimal degrees, south and west negative; `alt` in metres above sea level. */
export interface Gps {
  lat: number;
  lon: number;
  alt: number | null;
}

/** What the file says about itself. Every key is always present (null / [] when absent). */
export interface Metadata {
  make: string | null;
  model: string | null;
  lens_make: string | null;
  lens_model: string | null;
  body_serial: string | null;
  lens_serial: string | null;
  /** ISO 8601 local time, `2008-05-30T15:56:01` (sub-seconds appended when recorded). */
  datetime_original: string | null;
  /** `+02:00`. */
  offset_time_original: string | null;
  create_date: string | null;
  gps: Gps | null;
  focal_length_mm: number | null;
  focal_length_35mm: number | null;
  f_number: number | null;
  exposure_time_s: number | null;
  iso: number | null;
  /** EXIF WhiteBalance: 0 = auto, 1 = manual. */
  white_balance: number | null;
  /** EXIF Orientation 1–8 (1 = as stored; 6 = rotate 90° clockwise to display). */
  orientation: number | null;
  software: string | null;
  artist: string | null;
  copyright: string | null;
  /** XMP dc:subject, then IPTC Keywords not already listed. */
  keywords: string[];
  /** Lightroom lr:hierarchicalSubject, as written (`|`-separated). */
  hierarchical_keywords: string[];
  title: string | null;
  description: string | null;
  /** Metadata blocks present: `exif`, `xmp`, `iptc`, `icc`. */
  blocks: string[];
  /** Problems met while reading metadata. */
  warnings: string[];
}

/** What the pixel checks measured (only when the brief has pixel rules and the image decoded). */
export interface Pixels {
  analysed: 'image' | 'embedded_preview' | 'browser_decode';
  width: number;
  height: number;
  highlights_percent: number | null;
  shadows_percent: number | null;
  largest_highlight_area_percent: number | null;
  largest_shadow_area_percent: number | null;
  brightness_percent: number | null;
  sharpest_tile: number | null;
  in_focus_percent: number | null;
  blur: 'sharp' | 'defocus' | 'motion' | null;
  entropy_bits: number | null;
  grayscale_as_rgb: boolean | null;
  noise_sigma: number | null;
  detail_ratio: number | null;
}

/** A face or licence plate: top-left corner and size in full-size pixels of the image as displayed; score 0–1. */
export interface ObjectBox {
  x: number;
  y: number;
  w: number;
  h: number;
  score: number;
}

/** What the batch rules need of one file's pixels (only with `duplicates` / `series` rules). */
export interface Fingerprint {
  /** Pixel hash, 16 hex digits. */
  pixels: string;
  /** Perceptual hash, 16 hex digits. */
  phash: string;
  /** Grey thumbnail, `"WxH:base64"`. */
  thumb: string;
  checkerboard: boolean;
}

/** Everything preflight says about one file — the same JSON from the page and the CLI. */
export interface Report {
  /** The name given: a dropped file's relative path, the CLI's path as typed. */
  file: string;
  file_size: number;
  /** From the content: `JPEG`, `PNG`, `HEIC`, `DNG`, `NEF`…; null if unrecognised. */
  format: string | null;
  width: number | null;
  height: number | null;
  megapixels: number | null;
  bit_depth: number | null;
  metadata: Metadata;
  pixels?: Pixels | null;
  /** null unless the brief has a `faces` block and detection ran; `[]` = ran, found none. */
  faces?: ObjectBox[] | null;
  plates?: ObjectBox[] | null;
  fingerprint?: Fingerprint;
  /** Worst first. */
  findings: Finding[];
  verdict: Verdict;
}

/** Where the pixel problems are, for drawing on a preview (not part of the report). */
export interface Overlay {
  width: number;
  height: number;
  /** `mask`: base64, one byte per cell; bit 0 = blown highlight, bit 1 = crushed shadow. */
  clip: { width: number; height: number; mask: string } | null;
  /** Laplacian variance per `tile`-px tile, row-major; ≥ `in_focus` is in focus. */
  focus: { cols: number; rows: number; tile: number; in_focus: number; scores: number[] } | null;
}

export interface IoStats {
  file_size: number;
  bytes_read: number;
  read_calls: number;
}

export interface ReportInfo {
  io: IoStats | null;
  ms: number;
  /** The file's position in the list given to `check`. */
  index: number;
  overlay: Overlay | null;
}

export interface DuplicateGroup {
  kind: 'exact' | 'near';
  files: string[];
}

export interface BatchResult {
  /** The reports with the batch findings added (verdicts updated). */
  reports: Report[];
  groups: DuplicateGroup[];
  /** File i's overlap with the previous frame of the scan (series.overlap). */
  overlap_percent: (number | null)[];
  /** The batch rules could not run (the reports are then the per-file ones). */
  error: string | null;
}

// ─────────────────────────── Brief JSON (docs/brief-format.md) ───────────────────────────

export type Severity = 'fail' | 'warn';
type FormatId =
  | 'jpeg' | 'jpg' | 'png' | 'tiff' | 'tif' | 'webp' | 'heic' | 'heif' | 'avif' | 'dng' | 'cr2' | 'cr3'
  | 'nef' | 'arw' | 'orf' | 'rw2' | 'raf' | 'pef' | 'srw' | 'gif' | 'bmp' | 'jxl' | 'psd' | 'raw';
/** A format name, case-insensitive (`raw` = every camera raw format). */
export type FormatName = FormatId | Uppercase<FormatId>;
/** EXIF tag names as ExifTool prints them (src/metadata/mod.rs REQUIRED_FIELD_NAMES). */
export type ExifField =
  | 'DateTimeOriginal' | 'OffsetTimeOriginal' | 'SubSecTimeOriginal' | 'CreateDate' | 'GPSLatitude'
  | 'GPSLongitude' | 'GPSAltitude' | 'Make' | 'Model' | 'LensMake' | 'LensModel' | 'SerialNumber'
  | 'LensSerialNumber' | 'FocalLength' | 'FocalLengthIn35mmFormat' | 'FNumber' | 'ExposureTime' | 'ISO'
  | 'Orientation' | 'Software' | 'Artist' | 'Copyright';
/** `"3:2"`, `"1.85:1"` or width ÷ height as a number. */
export type AspectRatio = string | number;
/** `"YYYY-MM-DD"` or `"YYYY-MM-DDTHH:MM[:SS]"`, local time, no zone. */
export type LocalDate = string;

interface Block { severity?: Severity }

export interface FormatRule extends Block { allow?: FormatName[]; extension_must_match?: boolean }
export interface ResolutionRule extends Block {
  min_megapixels?: number; max_megapixels?: number;
  min_width?: number; max_width?: number; min_height?: number; max_height?: number;
  min_short_side?: number; max_short_side?: number; min_long_side?: number; max_long_side?: number;
  aspect_ratio?: { min?: AspectRatio; max?: AspectRatio; allow?: AspectRatio[]; tolerance?: number; severity?: Severity };
  orientation?: Orientation | { is: Orientation; severity?: Severity };
}
export type Orientation = 'any' | 'landscape' | 'portrait' | 'square';
export interface BitDepthRule extends Block { min?: number; max?: number; allow?: number[] }
export interface ExifRule extends Block { required?: ExifField[]; recommended?: ExifField[] }
export interface CaptureTimeRule extends Block { not_before?: LocalDate; not_after?: LocalDate; allow_future?: boolean }
export interface GpsRule extends Block {
  bounds?: { south: number; west: number; north: number; east: number };
  reject_null_island?: boolean;
}
/** At most one `min_*` and one `max_*`; decimal units (1 MB = 1,000,000 bytes). */
export interface FileSizeRule extends Block {
  min_bytes?: number; min_kb?: number; min_mb?: number;
  max_bytes?: number; max_kb?: number; max_mb?: number;
}
export interface ExposureRule extends Block {
  max_highlights_percent?: number; max_shadows_percent?: number; max_clipped_area_percent?: number;
  min_brightness_percent?: number; max_brightness_percent?: number;
}
export interface SharpnessRule extends Block { min_sharpest?: number; min_in_focus_percent?: number }
export interface InformationRule extends Block { min_entropy_bits?: number; reject_grayscale_as_rgb?: boolean }
export interface NoiseRule extends Block { max_sigma?: number }
export interface UpsamplingRule extends Block { min_detail_ratio?: number }
/** A tree (`{ "scene": { "outdoor": ["beach"] } }`) or a list of paths (`["scene > outdoor > beach"]`). */
export type Taxonomy = TaxonomyTree | string[];
export interface TaxonomyTree { [term: string]: TaxonomyTree | string[] }
export interface LabelsRule extends Block { required_roots?: string[]; min_depth?: number; taxonomy?: Taxonomy }
export interface FacesRule extends Block {
  min?: number; max?: number;
  release_required_if_present?: boolean; release_severity?: Severity; thorough?: boolean;
}
export interface PlatesRule extends Block { max: number }
export interface PrivacyRule extends Block {
  /** `owner` stands for `photographer` + `camera_owner`. */
  forbid: ('gps' | 'location_text' | 'serial_numbers' | 'photographer' | 'camera_owner' | 'owner' | 'xmp_history' | 'thumbnail_mismatch')[];
  /** Clean copies keep a C2PA manifest (Content Credentials); default false. */
  keep_content_credentials?: boolean;
}
export interface DuplicatesRule {
  exact?: Severity;
  near?: { max_distance?: number; max_per_group?: number; severity?: Severity };
}
export interface SeriesRule extends Block {
  same?: ('camera' | 'lens' | 'focal_length' | 'aperture' | 'exposure_time' | 'iso' | 'white_balance')[];
  iso_max_ratio?: number;
  overlap?: { min_percent?: number; max_percent?: number };
  calibration_frame?: boolean;
  order?: 'capture_time' | 'name';
}

/** Every block is optional; a present block must ask something. Unknown keys are errors. */
export interface Checks {
  format?: FormatRule;
  resolution?: ResolutionRule;
  bit_depth?: BitDepthRule;
  exif?: ExifRule;
  capture_time?: CaptureTimeRule;
  gps?: GpsRule;
  file_size?: FileSizeRule;
  exposure?: ExposureRule;
  sharpness?: SharpnessRule;
  information?: InformationRule;
  noise?: NoiseRule;
  upsampling?: UpsamplingRule;
  labels?: LabelsRule;
  faces?: FacesRule;
  plates?: PlatesRule;
  privacy?: PrivacyRule;
  duplicates?: DuplicatesRule;
  series?: SeriesRule;
}

/** A buyer's brief, format version 1. */
export interface Brief {
  preflight_brief: 1;
  name: string;
  description?: string;
  source?: string;
  checks?: Checks;
}

/** One problem in a brief, at its JSON path (`checks.resolution.min_megapixels`). */
export interface BriefProblem {
  path: string;
  message: string;
}

/** What `createPreflight`/`setBrief` throw for an invalid brief. */
export interface BriefError extends Error {
  problems: BriefProblem[];
}

// ──────────────────────────────────────── API ────────────────────────────────────────

/** A `File` (reported under its `webkitRelativePath` or `name`), a `Blob`, or a blob with a name of your choice. */
export type FileInput = File | Blob | { file: Blob; name: string };

export interface PreflightOptions {
  /** A brief object or its JSON text (default: a brief with no rules — sanity checks only). */
  brief?: Brief | string;
  /** Workers in the pool (default: cores, at most 4). */
  workers?: number;
  /** Folder URL of the detection models (`yunet.onnx`, `textdet.onnx`, `textrec.onnx`); default `./pkg/models/` beside preflight.js. */
  models?: string | URL;
  /** Where the three engine builds are; default `./pkg/…` beside preflight.js. */
  wasmUrl?: string | URL;
  fullWasmUrl?: string | URL;
  detectWasmUrl?: string | URL;
  /** A file taking longer gets an `error` report and its worker is replaced (default 60 000). */
  timeoutMs?: number;
  onReady?: (info: ReadyInfo) => void;
}

export interface ReadyInfo {
  /** The engine's version (the crate's, = the CLI's). */
  version: string;
  briefName: string;
  workers: number;
}

export interface CheckOptions {
  signal?: AbortSignal;
  /** Longer side of `onThumbnail`'s bitmaps (default 320). */
  thumbnailSize?: number;
  /** A small decoded preview, for formats the browser can decode; you own it (call `close()`). */
  onThumbnail?: (bitmap: ImageBitmap, file: Blob, index: number) => void;
  /** Briefs with `duplicates` / `series` rules: the reports with the batch findings. */
  onBatch?: (result: BatchResult) => void;
  /** Run the brief's batch rules once every file is reported (default true). */
  batch?: boolean;
}

/** The `detail` of each event a `Preflight` dispatches (all are `CustomEvent`s). */
export interface PreflightEventMap {
  /** The workers are running (same as `ready` resolving). */
  ready: CustomEvent<ReadyInfo>;
  /** Startup failed (same as `ready` rejecting). */
  error: CustomEvent<{ error: unknown }>;
  /** One file is checked (any `check` call). */
  report: CustomEvent<{ report: Report; file: Blob; info: ReportInfo }>;
  /** After each report: files done of this `check` call's total. */
  progress: CustomEvent<{ done: number; total: number }>;
  /** A `check` call's batch rules ran. */
  batch: CustomEvent<BatchResult>;
}

export interface Preflight extends EventTarget {
  readonly ready: Promise<ReadyInfo>;
  /** The engine's version; '' until ready. */
  readonly version: string;
  /** The current brief, parsed. */
  readonly brief: Brief | null;
  readonly paused: boolean;
  /** Checks files; resolves with the reports in input order (after the batch rules, if any). */
  check(
    files: Iterable<FileInput> | ArrayLike<FileInput>,
    onReport?: (report: Report, file: Blob, info: ReportInfo) => void,
    options?: CheckOptions,
  ): Promise<Report[]>;
  /** The brief's batch rules over reports from earlier `check` calls. Never rejects. */
  batch(reports: Report[]): Promise<BatchResult>;
  /** Each live worker's wasm memory in MB. */
  memory(): Promise<number[]>;
  /** Switches brief; resolves with its name. Throws a `BriefError` (current brief kept). */
  setBrief(brief: Brief | string): Promise<string>;
  /** Stops handing out files (those being checked finish). */
  pause(): void;
  resume(): void;
  /** The manifest CSV, byte-for-byte the CLI's `--manifest`. */
  manifest(reports: Report[]): string;
  /** The same manifest as JSON text (parse it to a {@link Manifest}), byte-for-byte the CLI's `--manifest out.json`. */
  manifestJson(reports: Report[]): string;
  /**
   * The brief with a taxonomy file placed in as `checks.labels.taxonomy` (the CLI's `--taxonomy`):
   * JSON (a tree or a list of paths) or one `a > b > c` path per line. Returns the new brief's
   * JSON text; throws an Error with `problems` when the brief or the file is wrong.
   */
  withTaxonomy(brief: Brief | string, taxonomy: string, name: string): string;
  /** Stops every worker; pending `check` calls reject. */
  terminate(): void;

  addEventListener<K extends keyof PreflightEventMap>(
    type: K, listener: (this: Preflight, ev: PreflightEventMap[K]) => any, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof PreflightEventMap>(
    type: K, listener: (this: Preflight, ev: PreflightEventMap[K]) => any, options?: boolean | EventListenerOptions): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions): void;
}

/** Starts a pool of workers checking files against a brief. */
export function createPreflight(options?: PreflightOptions): Preflight;

/** Counts reports per verdict. */
export function summarize(reports: Iterable<Pick<Report, 'verdict'>>): Record<Verdict | 'total', number>;

/** A report for a file that could not be checked at all (verdict `error`, one `read` finding). */
export function errorReport(name: string, size: number, reason: string): Report;

/** `manifest.json`: one entry per file with the CSV's fixed columns as typed values. */
export interface Manifest {
  preflight_manifest: 1;
  /** "preflight <version>". */
  generator: string;
  /** The CSV header, in order: the fixed columns, then `<check>` and `<check> measured` per check. */
  columns: string[];
  files: ManifestRow[];
}

export interface ManifestRow extends Pick<Report, 'file' | 'file_size' | 'format' | 'width' | 'height' | 'megapixels' | 'bit_depth'> {
  datetime_original: string | null;
  offset_time_original: string | null;
  gps_lat: number | null;
  gps_lon: number | null;
  make: string | null;
  model: string | null;
  lens_model: string | null;
  focal_length_mm: number | null;
  f_number: number | null;
  exposure_time_s: number | null;
  iso: number | null;
  keywords: string[];
  /** Faces / plates found; null when the brief did not ask. */
  faces: number | null;
  plates: number | null;
  verdict: Verdict;
  /** The checks this file got. */
  checks: Record<string, { verdict: Verdict; measured: string | null }>;
}
