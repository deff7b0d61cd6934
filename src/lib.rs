//! preflight: check photos against a buyer's brief, locally.
//!
//! The pipeline, one module per stage:
//!
//! 1. [`source`]: random-access bytes (a file, a browser `Blob`), read lazily in blocks.
//! 2. [`probe`]: what the file is, from magic bytes and its header — format, dimensions, bit
//!    depth, where its metadata blocks are.
//! 3. [`metadata`]: EXIF (+ XMP fallbacks) into one [`metadata::Metadata`].
//! 4. [`checks`]: one file per check family; a [`brief::Brief`] rule + evidence → findings.
//! 5. [`report`]: the JSON both the CLI and the browser emit.
//!
//! [`check`] runs the whole pipeline for one file. The browser door is `wasm.rs`; the CLI door is
//! `src/bin/preflight.rs`. Neither adds logic of its own.

pub mod brief;
pub mod checks;
pub mod metadata;
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
pub struct Context {
    /// Now, as Unix seconds UTC (for "captured in the future"); `None` skips that check.
    pub now_unix_s: Option<i64>,
}

/// How much of the file the check actually read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct IoStats {
    pub file_size: u64,
    pub bytes_read: u64,
    pub read_calls: u32,
}

/// Checks one file against a brief. Never panics on hostile bytes; a file that cannot be read at
/// all still gets a report (verdict `error`, with the reason).
pub fn check(src: &mut dyn ByteSource, file_name: &str, brief: &Brief, ctx: &Context) -> (Report, IoStats) {
    let file_size = src.len();
    let mut reader = Reader::new(src);
    let mut report = Report {
        file: file_name.to_string(),
        file_size,
        format: None,
        width: None,
        height: None,
        megapixels: None,
        bit_depth: None,
        metadata: Default::default(),
        findings: Vec::new(),
        verdict: Verdict::Pass,
    };
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
            let ev =
                checks::Evidence { file_name, file_size, probe: &p, metadata: &metadata, now_unix_s: ctx.now_unix_s };
            report.findings = checks::run(&brief.rules, &ev);
            report.metadata = metadata;
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
    let stats = IoStats { file_size, bytes_read: reader.bytes_read, read_calls: reader.read_calls };
    (report.finish(), stats)
}
