//! preflight: check photos against a buyer's brief, locally.
//!
//! The pipeline, one module per stage:
//!
//! 1. [`source`]: random-access bytes (a file, a browser `Blob`), read lazily in blocks.
//! 2. [`probe`]: what the file is, from magic bytes and its header — format, dimensions, bit
//!    depth, where its metadata blocks are.
//! 3. [`metadata`]: EXIF, XMP and IPTC into one [`metadata::Metadata`].
//! 4. [`pixels`]: only when the brief has pixel rules — decode (bounded), then measure exposure,
//!    sharpness, information, noise, upsampling.
//! 5. [`checks`]: one file per check family; a [`brief::Brief`] rule + evidence → findings.
//! 6. [`report`]: the JSON both the CLI and the browser emit ([`manifest`]: a batch as CSV).
//!
//! [`clean`] makes clean copies: a file without the metadata the brief forbids (losslessly), and
//! optionally with faces / plates blurred.
//!
//! [`detect`] (feature `detect`) finds faces and licence plates; [`detectors`] runs it for the
//! `faces` / `plates` checks (and says why it cannot in builds without it).
//!
//! [`check`] runs the whole pipeline for one file. The browser door is `wasm.rs`; the CLI door is
//! `src/bin/preflight.rs`. Neither adds logic of its own.

pub mod base64;
pub mod batch;
pub mod brief;
pub mod checks;
pub mod clean;
pub mod csv;
#[cfg(feature = "detect")]
pub mod detect;
pub mod detectors;
pub mod manifest;
pub mod metadata;
pub mod nn;
pub mod pixels;
pub mod probe;
pub mod report;
pub mod source;
#[cfg(target_arch = "wasm32")]
pub mod wasm;

use brief::Brief;
use report::{Finding, Report, Verdict};
use source::{ByteSource, Reader};

/// What the caller knows that the file does not.
#[derive(Debug, Clone, Copy, Default)]
pub struct Context<'a> {
    /// Now, as Unix seconds UTC (for "captured in the future"); `None` skips that check.
    pub now_unix_s: Option<i64>,
    /// Face and plate detectors, for briefs with `faces` / `plates` rules (`None`: those rules
    /// warn that detection is unavailable).
    pub detectors: Option<&'a detectors::Detectors>,
}

/// How much of the file the check actually read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct IoStats {
    pub file_size: u64,
    pub bytes_read: u64,
    pub read_calls: u32,
}

/// Largest file whose pixels are decoded (the whole file is read into memory for that).
pub const MAX_PIXEL_FILE_BYTES: u64 = 300_000_000;

/// Everything one check produced: the report, what it cost to read, and (when the brief asked
/// for pixel checks and they ran) the pixel analysis behind the findings, for overlays.
pub struct Checked {
    pub report: Report,
    pub io: IoStats,
    pub pixels: Option<pixels::analysis::PixelAnalysis>,
}

/// Checks one file against a brief. Never panics on hostile bytes; a file that cannot be read at
/// all still gets a report (verdict `error`, with the reason).
pub fn check(src: &mut dyn ByteSource, file_name: &str, brief: &Brief, ctx: &Context<'_>) -> (Report, IoStats) {
    let c = check_detailed(src, file_name, brief, ctx);
    (c.report, c.io)
}

/// Whether preflight decodes this format's pixels itself (TIFF-based raw files: their largest
/// embedded JPEG preview).
fn pixels_decodable(f: probe::Format) -> bool {
    use probe::Format::*;
    matches!(f, Jpeg | Png | Tiff | WebP | Dng | Nef | Arw | Cr2 | Pef | Srw)
}

/// Reads the whole file (bounded) and runs the pixel measures the rules need.
fn analyze_pixels(
    reader: &mut Reader<'_>,
    p: &probe::Probe,
    needs: pixels::analysis::Needs,
    limits: &brief::Limits,
) -> Result<pixels::analysis::PixelAnalysis, String> {
    let Some(format) = p.format else {
        return Err("the file is not an image format preflight recognises".into());
    };
    if p.header_exceeds_file {
        return Err(
            "the header declares more pixels than the file can hold (see integrity), so they were not decoded".into()
        );
    }
    if !pixels_decodable(format) {
        return Err(format!(
            "pixel checks are unavailable for {} files here (preflight has no decoder for them and none was supplied); export a JPEG, PNG or TIFF copy to have them checked",
            format.name()
        ));
    }
    #[cfg(feature = "pixels")]
    {
        let bytes =
            reader.read_vec(0, reader.len(), limits.max_file_bytes, "the image file").map_err(|e| e.to_string())?;
        pixels::analysis::analyze(&bytes, needs, &limits.decode_options()).map_err(|e| e.to_string())
    }
    #[cfg(not(feature = "pixels"))]
    {
        let _ = (reader, needs, limits);
        Err("this build of the engine has no pixel decoders (header checks only)".into())
    }
}

/// Pixels decoded outside preflight: 8-bit RGBA, row-major (a browser's `getImageData`).
#[derive(Debug, Clone, Copy)]
pub struct DecodedRgba<'a> {
    pub rgba: &'a [u8],
    pub width: u32,
    pub height: u32,
}

/// [`check`], also returning the pixel analysis (the browser draws overlays from it).
pub fn check_detailed(src: &mut dyn ByteSource, file_name: &str, brief: &Brief, ctx: &Context<'_>) -> Checked {
    check_with_decoded(src, file_name, brief, ctx, None)
}

/// [`check_detailed`] with pixels the caller decoded, for formats preflight has no decoder for
/// (the browser's AVIF, Safari's HEIC). They replace preflight's own decode only when that is
/// unavailable for the file's format; the `pixels` finding says the browser decoded them.
pub fn check_with_decoded(
    src: &mut dyn ByteSource,
    file_name: &str,
    brief: &Brief,
    ctx: &Context<'_>,
    decoded: Option<DecodedRgba<'_>>,
) -> Checked {
    let file_size = src.len();
    let mut reader = Reader::new(src);
    let mut report = Report::new(file_name, file_size);
    let mut analysis = None;
    // One source call for the head and the tail; a failure here resurfaces from the probe.
    let _ = reader.prefetch_head_and_tail();
    match probe::probe(&mut reader) {
        Ok(p) => {
            let metadata = metadata::read(&mut reader, &p);
            report.format = p.format.map(|f| f.name().to_string());
            report.width = p.width;
            report.height = p.height;
            report.megapixels = match (p.width, p.height) {
                (Some(w), Some(h)) => Some(report::round2(w as f64 * h as f64 / 1e6)),
                _ => None,
            };
            report.bit_depth = p.bit_depth;
            let needs = brief.rules.pixel_needs();
            let mut unavailable = None;
            if needs.any() {
                let own = p.format.is_some_and(pixels_decodable);
                let result = match decoded {
                    #[cfg(feature = "pixels")]
                    Some(d) if !own => {
                        pixels::analysis::analyze_rgba(d.rgba, d.width, d.height, needs, &brief.limits.decode_options())
                            .map_err(|e| e.to_string())
                    }
                    _ => {
                        let _ = (own, decoded);
                        analyze_pixels(&mut reader, &p, needs, &brief.limits)
                    }
                };
                match result {
                    Ok(a) => analysis = Some(a),
                    Err(why) => unavailable = Some(why),
                }
            }
            let found =
                detectors::find(&mut reader, &p, &metadata, &brief.rules, &brief.limits, decoded, ctx.detectors);
            let ev = checks::Evidence {
                file_name,
                file_size,
                probe: &p,
                metadata: &metadata,
                now_unix_s: ctx.now_unix_s,
                pixels: analysis.as_ref(),
                pixels_unavailable: unavailable.as_deref(),
                detections: &found,
            };
            report.findings = checks::run(&brief.rules, &ev);
            report.faces = detectors::Detections::report_boxes(&found.faces);
            report.plates = detectors::Detections::report_boxes(&found.plates);
            report.metadata = metadata;
            report.pixels = analysis.as_ref().map(|a| a.summary());
            report.fingerprint = analysis.as_ref().and_then(|a| a.fingerprint.clone());
        }
        Err(e) => {
            report.findings.push(Finding::new(
                "read",
                Verdict::Error,
                None,
                None,
                format!(
                    "Could not read this file: {e}. Check that it copied completely and open it in an image viewer."
                ),
            ));
        }
    }
    let io = IoStats { file_size, bytes_read: reader.bytes_read, read_calls: reader.read_calls };
    Checked { report: report.finish(), io, pixels: analysis }
}
