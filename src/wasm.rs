//! The browser door: a thin `#[wasm_bindgen]` API over [`crate::check`]. No logic lives here.
//!
//! Runs in a dedicated Web Worker: files are read with `FileReaderSync` over `Blob.slice`, so
//! only the blocks a parser touches ever leave the disk cache.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;

use crate::brief::Brief;
use crate::detectors::Detectors;
use crate::pixels::analysis::PixelAnalysis;
use crate::source::ByteSource;
use crate::{Checked, Context, DecodedRgba, check_with_decoded};

/// A `Blob` (or `File`) read synchronously, block by block.
struct BlobSource {
    blob: web_sys::Blob,
    reader: web_sys::FileReaderSync,
    len: u64,
}

impl ByteSource for BlobSource {
    fn len(&self) -> u64 {
        self.len
    }
    fn read_at(&mut self, offset: u64, buf: &mut [u8]) -> Result<usize, String> {
        if offset >= self.len || buf.is_empty() {
            return Ok(0);
        }
        let end = (offset + buf.len() as u64).min(self.len);
        let slice = self.blob.slice_with_f64_and_f64(offset as f64, end as f64).map_err(|e| format!("{e:?}"))?;
        let arr = self.read_blob(&slice)?;
        let n = (arr.length() as usize).min(buf.len());
        arr.subarray(0, n as u32).copy_to(&mut buf[..n]);
        Ok(n)
    }

    /// All ranges in one `FileReaderSync` call: a `Blob` made of the slices is read at once (the
    /// fixed cost of a read, ~0.7 ms in Chromium, dominates header checks).
    fn read_ranges(&mut self, ranges: &mut [(u64, &mut [u8])]) -> Result<Vec<usize>, String> {
        let parts = js_sys::Array::new();
        let mut lens = Vec::with_capacity(ranges.len());
        for (offset, buf) in ranges.iter() {
            let start = (*offset).min(self.len);
            let end = (start + buf.len() as u64).min(self.len);
            let slice = self.blob.slice_with_f64_and_f64(start as f64, end as f64).map_err(|e| format!("{e:?}"))?;
            parts.push(&slice);
            lens.push((end - start) as usize);
        }
        let joined = web_sys::Blob::new_with_blob_sequence(&parts).map_err(|e| format!("{e:?}"))?;
        let arr = self.read_blob(&joined)?;
        let mut at = 0u32;
        for ((_, buf), n) in ranges.iter_mut().zip(&lens) {
            let n32 = *n as u32;
            if at + n32 > arr.length() {
                return Err("the file changed while it was being read".into());
            }
            arr.subarray(at, at + n32).copy_to(&mut buf[..*n]);
            at += n32;
        }
        Ok(lens)
    }
}

impl BlobSource {
    fn read_blob(&self, blob: &web_sys::Blob) -> Result<js_sys::Uint8Array, String> {
        let ab = self.reader.read_as_array_buffer(blob).map_err(|e| {
            e.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())).unwrap_or_else(|| format!("{e:?}"))
        })?;
        Ok(js_sys::Uint8Array::new(&ab))
    }
}

/// A brief, parsed once, ready to check many files.
#[wasm_bindgen]
pub struct Engine {
    brief: Brief,
}

#[wasm_bindgen]
impl Engine {
    /// Parses the brief; throws an `Error` whose message lists every problem, one per line.
    #[wasm_bindgen(constructor)]
    pub fn new(brief_json: &str) -> Result<Engine, JsError> {
        Brief::parse(brief_json)
            .map(|brief| Engine { brief })
            .map_err(|errors| JsError::new(&errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n")))
    }

    /// Whether this brief needs decoders: pixel rules or an embedded thumbnail to compare (the
    /// page then loads the engine build with decoders).
    #[wasm_bindgen(getter, js_name = needsPixels)]
    pub fn needs_pixels(&self) -> bool {
        self.brief.rules.needs_decoders()
    }

    /// Whether this brief has `faces` / `plates` rules (the page then loads the detection build
    /// and its models).
    #[wasm_bindgen(getter, js_name = needsDetection)]
    pub fn needs_detection(&self) -> bool {
        self.brief.rules.faces.is_some() || self.brief.rules.plates.is_some()
    }

    /// Whether this brief has batch rules (`duplicates`, `series`): after every file is
    /// checked, [`Engine::check_batch`] runs them over all the reports.
    #[wasm_bindgen(getter, js_name = hasBatchRules)]
    pub fn has_batch_rules(&self) -> bool {
        self.brief.rules.batch.any()
    }

    /// Runs the batch rules over the reports of one batch (a JSON array, as `check` returned
    /// them, fingerprints included) and returns
    /// `{"reports": [...], "groups": [{"kind", "files"}], "overlap_percent": [...]}`: the reports
    /// with the batch findings added and their verdicts updated, in the same order. Exactly what
    /// the CLI does after checking a folder.
    #[wasm_bindgen(js_name = checkBatch)]
    pub fn check_batch(&self, reports_json: &str) -> Result<String, JsError> {
        let mut reports: Vec<crate::report::Report> =
            serde_json::from_str(reports_json).map_err(|e| JsError::new(&format!("reports: {e}")))?;
        let outcome = crate::batch::run(&self.brief.rules.batch, &crate::batch::items(&reports));
        crate::batch::apply(&outcome, &mut reports);
        Ok(serde_json::json!({
            "reports": reports,
            "groups": outcome.groups,
            "overlap_percent": outcome.overlap_percent,
        })
        .to_string())
    }

    /// Whether this build can detect faces and plates (only the detection build).
    #[wasm_bindgen(getter, js_name = hasDetection)]
    pub fn has_detection(&self) -> bool {
        Detectors::compiled_in()
    }

    /// Whether this build can decode pixels (`false` in the small header-only build).
    #[wasm_bindgen(getter, js_name = hasPixels)]
    pub fn has_pixels(&self) -> bool {
        cfg!(feature = "pixels")
    }

    /// The brief's display name.
    #[wasm_bindgen(getter)]
    pub fn name(&self) -> String {
        self.brief.name.clone()
    }

    /// Checks one file. Returns JSON `{ "report": Report, "io": { file_size, bytes_read,
    /// read_calls }, "overlay": Overlay | null }` as a string (the report is byte-for-byte what
    /// the CLI prints). The overlay (only when pixel checks ran) is for drawing on a preview, in
    /// the image's stored orientation:
    /// `{ "width", "height", "clip": { "width", "height", "mask" } | null,
    ///    "focus": { "cols", "rows", "tile", "in_focus", "scores": [..] } | null }` — `mask` is
    /// base64, one byte per pixel (bit 0 blown, bit 1 crushed), ≤ 320 px on its longer side;
    /// `scores` are per-tile Laplacian variances, row-major; a tile ≥ `in_focus` is in focus.
    pub fn check(&self, blob: web_sys::Blob, name: &str, now_ms: f64) -> Result<String, JsError> {
        self.run(blob, name, now_ms, None)
    }

    /// Like `check`, with pixels the browser decoded (8-bit RGBA from `getImageData`) for a
    /// format preflight has no decoder for (AVIF; HEIC in Safari). Ignored for formats preflight
    /// decodes itself, so reports stay identical to the CLI's wherever the CLI can decode.
    #[wasm_bindgen(js_name = checkDecoded)]
    pub fn check_decoded(
        &self,
        blob: web_sys::Blob,
        name: &str,
        now_ms: f64,
        rgba: &[u8],
        width: u32,
        height: u32,
    ) -> Result<String, JsError> {
        self.run(blob, name, now_ms, Some(DecodedRgba { rgba, width, height }))
    }

    fn run(
        &self,
        blob: web_sys::Blob,
        name: &str,
        now_ms: f64,
        decoded: Option<DecodedRgba<'_>>,
    ) -> Result<String, JsError> {
        let reader = web_sys::FileReaderSync::new()
            .map_err(|_| JsError::new("FileReaderSync is unavailable: run preflight in a Web Worker"))?;
        let len = blob.size() as u64;
        let mut src = BlobSource { blob, reader, len };
        let now_unix_s = now_ms.is_finite().then(|| (now_ms / 1000.0).floor() as i64);
        let detectors = DETECTORS.with(|d| d.borrow().clone());
        let ctx = Context { now_unix_s, detectors: detectors.as_deref() };
        let c: Checked = check_with_decoded(&mut src, name, &self.brief, &ctx, decoded);
        Ok(format!(
            "{{\"report\":{},\"io\":{},\"overlay\":{}}}",
            c.report.to_json(),
            serde_json::to_string(&c.io).expect("io stats serialise"),
            c.pixels.as_ref().map_or_else(|| "null".to_string(), overlay_json)
        ))
    }
}

fn overlay_json(p: &PixelAnalysis) -> String {
    use crate::base64::encode;
    let clip = p.clip_mask.as_ref().map(|m| {
        let m = m.shrunk(320);
        serde_json::json!({ "width": m.width, "height": m.height, "mask": encode(&m.bits) })
    });
    let focus = p.sharpness.as_ref().map(|s| {
        let scores: Vec<f64> = s.grid.tiles.iter().map(|t| (t.laplacian_var as f64 * 10.0).round() / 10.0).collect();
        serde_json::json!({
            "cols": s.grid.cols, "rows": s.grid.rows, "tile": s.grid.tile,
            "in_focus": crate::pixels::sharpness::SharpnessOptions::default().in_focus,
            "scores": scores,
        })
    });
    serde_json::json!({ "width": p.width, "height": p.height, "clip": clip, "focus": focus }).to_string()
}

thread_local! {
    /// The models `loadModels` gave this worker, shared by every `Engine` it creates.
    static DETECTORS: RefCell<Option<Rc<Detectors>>> = const { RefCell::new(None) };
}

/// Gives this worker the detection models (ONNX bytes, fetched from the page's origin: the face
/// detector `yunet.onnx`, the plate detector's `textdet.onnx` and `textrec.onnx`) and parses them
/// now, so the first photo does not pay for it. Throws if a model is unusable or this build has
/// no detection.
#[wasm_bindgen(js_name = loadModels)]
pub fn load_models(face_onnx: Vec<u8>, text_onnx: Vec<u8>, reader_onnx: Vec<u8>) -> Result<(), JsError> {
    let d = Detectors::from_bytes(face_onnx, text_onnx, reader_onnx);
    d.preload().map_err(|e| JsError::new(&e))?;
    DETECTORS.with(|slot| *slot.borrow_mut() = Some(Rc::new(d)));
    Ok(())
}

/// A clean copy made by [`Engine::clean`]: its bytes and what was done, as JSON.
#[wasm_bindgen]
pub struct CleanCopy {
    bytes: Vec<u8>,
    summary: String,
}

#[wasm_bindgen]
impl CleanCopy {
    /// The copy's bytes (moved out: a second call returns an empty array).
    #[wasm_bindgen(js_name = takeBytes)]
    pub fn take_bytes(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.bytes)
    }

    /// `{"format", "lossless", "removed": [...], "notes": [...], "blurred"}` (see `clean::Cleaned`).
    #[wasm_bindgen(getter)]
    pub fn summary(&self) -> String {
        self.summary.clone()
    }
}

#[wasm_bindgen]
impl Engine {
    /// The clean copy of a whole file for this brief (see `crate::clean`), blurring `regions_json`
    /// (`[{"x","y","w","h","score"}]`, a report's `faces` / `plates`; `[]` for none). Throws with
    /// the reason when no copy can be made (a format it does not rewrite, a damaged file).
    ///
    /// Only the engines with pixel decoders carry the rewriters (they would add 18 KB gzip to the
    /// header-only engine every page loads); there this throws, and `preflight.js` makes clean
    /// copies in a worker of the pixel engine. (The binding stays in both: they share one glue.)
    pub fn clean(&self, bytes: &[u8], regions_json: &str) -> Result<CleanCopy, JsError> {
        #[cfg(feature = "pixels")]
        {
            let regions: Vec<crate::clean::Region> =
                serde_json::from_str(regions_json).map_err(|e| JsError::new(&format!("not a list of boxes: {e}")))?;
            let c = crate::clean::clean(bytes, &self.brief.rules, &regions).map_err(|e| JsError::new(&e))?;
            let summary = serde_json::to_string(&c).expect("a summary serialises");
            Ok(CleanCopy { bytes: c.bytes, summary })
        }
        #[cfg(not(feature = "pixels"))]
        {
            let _ = (bytes, regions_json);
            Err(JsError::new("this build of the engine cannot make clean copies (header checks only)"))
        }
    }
}

/// Validates a brief without keeping it: `[]` when valid, else `[{ "path", "message" }, …]`.
#[wasm_bindgen(js_name = validateBrief)]
pub fn validate_brief(brief_json: &str) -> String {
    match Brief::parse(brief_json) {
        Ok(_) => "[]".into(),
        Err(errors) => serde_json::to_string(&errors).expect("errors serialise"),
    }
}

/// A brief with a taxonomy file placed into it (see `brief/taxonomy.rs`): `{ "brief": text }`,
/// or `{ "problems": [{ "path", "message" }, …] }` when the brief or the taxonomy is wrong.
#[wasm_bindgen(js_name = withTaxonomy)]
pub fn with_taxonomy(brief_json: &str, taxonomy: &str, name: &str) -> String {
    match crate::brief::taxonomy::with_taxonomy(brief_json, taxonomy, name) {
        Ok(brief) => serde_json::json!({ "brief": brief }).to_string(),
        Err(problems) => serde_json::json!({ "problems": problems }).to_string(),
    }
}

/// The batch manifest as CSV (see `manifest.rs`), from a JSON array of reports — the same bytes
/// `preflight check --manifest` writes.
#[wasm_bindgen(js_name = manifestCsv)]
pub fn manifest_csv(reports_json: &str) -> Result<String, JsError> {
    let reports: Vec<crate::report::Report> =
        serde_json::from_str(reports_json).map_err(|e| JsError::new(&format!("not a list of reports: {e}")))?;
    Ok(crate::manifest::to_csv(&reports))
}

/// The batch manifest as JSON (see `manifest.rs`): the same columns as [`manifest_csv`], typed —
/// the same text `preflight check --manifest out.json` writes.
#[wasm_bindgen(js_name = manifestJson)]
pub fn manifest_json(reports_json: &str) -> Result<String, JsError> {
    let reports: Vec<crate::report::Report> =
        serde_json::from_str(reports_json).map_err(|e| JsError::new(&format!("not a list of reports: {e}")))?;
    Ok(crate::manifest::to_json(&reports))
}

/// The crate version, shown in the page footer and written into manifests.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").into()
}
