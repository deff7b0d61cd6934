//! The report: one per file, the same JSON from the CLI and from the browser.
//!
//! ```json
//! { "file", "file_size", "format", "width", "height", "megapixels", "bit_depth",
//!   "metadata": { ... }, "pixels": { ... } | null,
//!   "faces": [ { "x", "y", "w", "h", "score" } ] | null, "plates": [ ... ] | null,
//!   "findings": [ { "check", "verdict", "measured", "expected", "message" } ], "verdict" }
//! ```
//! The overall verdict is the worst finding's. A file that cannot be read still gets a report,
//! with verdict `error` and a finding that says why.

use serde::{Deserialize, Serialize};

use crate::metadata::Metadata;

/// How a check came out, ordered from best to worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Pass,
    Warn,
    Fail,
    /// The check could not be made: the file (or the part the check needs) is unreadable.
    Error,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Warn => "warn",
            Verdict::Fail => "fail",
            Verdict::Error => "error",
        }
    }
}

/// One check's outcome for one file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable id, `family` or `family.aspect` (`resolution`, `exif.required`, `gps.null_island`).
    pub check: String,
    pub verdict: Verdict,
    /// What preflight measured, human-readable (`"5472 × 3648 (20.0 MP)"`); null if unmeasurable.
    pub measured: Option<String>,
    /// What the brief asks for (`"≥ 4 MP"`); null when the check is a plain sanity check.
    pub expected: Option<String>,
    /// One line for a person: what is wrong and how to fix it (or what is right).
    pub message: String,
}

impl Finding {
    pub fn new(
        check: impl Into<String>,
        verdict: Verdict,
        measured: Option<String>,
        expected: Option<String>,
        message: impl Into<String>,
    ) -> Self {
        Finding { check: check.into(), verdict, measured, expected, message: message.into() }
    }
}

/// Everything preflight says about one file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The name the caller gave: the path as typed on the CLI, the relative path of a dropped file.
    pub file: String,
    pub file_size: u64,
    /// Detected from content, e.g. `JPEG`, `HEIC`, `DNG`, `NEF`; null if unrecognised.
    pub format: Option<String>,
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// width × height / 1e6, rounded to 0.01.
    pub megapixels: Option<f64>,
    /// Bits per sample as the container declares it (8, 12, 14, 16…).
    pub bit_depth: Option<u8>,
    pub metadata: Metadata,
    /// The pixel measures, when the brief asked for pixel checks and they ran (else null).
    pub pixels: Option<crate::pixels::analysis::PixelSummary>,
    /// Faces found, best score first, when the brief has a `faces` block and detection ran (else
    /// null; `[]` means it ran and found none). Boxes in full-size pixels of the image as
    /// displayed (EXIF orientation applied).
    #[serde(default)]
    pub faces: Option<Vec<ObjectBox>>,
    /// Licence plates found, as `faces` (brief block `plates`).
    #[serde(default)]
    pub plates: Option<Vec<ObjectBox>>,
    /// What the batch checks (duplicates, series) need of this file's pixels; only present when
    /// the brief has such rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<crate::batch::Fingerprint>,
    /// Worst first (error, fail, warn, pass); within a verdict in check order.
    pub findings: Vec<Finding>,
    pub verdict: Verdict,
}

impl Report {
    /// A report that knows only the file's name and size (the checks fill in the rest).
    pub fn new(file: &str, file_size: u64) -> Report {
        Report {
            file: file.to_string(),
            file_size,
            format: None,
            width: None,
            height: None,
            megapixels: None,
            bit_depth: None,
            metadata: Metadata::default(),
            pixels: None,
            faces: None,
            plates: None,
            fingerprint: None,
            findings: Vec::new(),
            verdict: Verdict::Pass,
        }
    }

    /// The report of a file that could not be checked at all: verdict `error`, one `read`
    /// finding saying why.
    pub fn unreadable(file: &str, file_size: u64, message: impl Into<String>) -> Report {
        let mut r = Report::new(file, file_size);
        r.findings.push(Finding::new("read", Verdict::Error, None, None, message));
        r.finish()
    }

    /// Sorts findings worst first (stable) and sets the overall verdict.
    pub fn finish(mut self) -> Self {
        self.findings.sort_by_key(|f| std::cmp::Reverse(f.verdict));
        self.verdict = self.findings.iter().map(|f| f.verdict).max().unwrap_or(Verdict::Pass);
        self
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a report always serialises")
    }
}

/// One detected face or licence plate: a box (top-left corner and size, whole pixels of the
/// full-size image as displayed) and the detector's confidence, 0–1 rounded to 0.001.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ObjectBox {
    pub x: u32,
    pub y: u32,
    pub w: u32,
    pub h: u32,
    pub score: f64,
}

impl std::fmt::Display for ObjectBox {
    /// `120×96 px at (30, 44), score 0.93`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}×{} px at ({}, {}), score {:.2}", self.w, self.h, self.x, self.y, self.score)
    }
}

/// Rounds to two decimals, the precision reports show.
pub fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overall_verdict_is_the_worst_and_findings_sort_worst_first() {
        let r = Report {
            findings: vec![
                Finding::new("a", Verdict::Pass, None, None, "ok"),
                Finding::new("b", Verdict::Fail, None, None, "bad"),
                Finding::new("c", Verdict::Warn, None, None, "meh"),
            ],
            ..Report::new("a.jpg", 1)
        }
        .finish();
        assert_eq!(r.verdict, Verdict::Fail);
        let order: Vec<_> = r.findings.iter().map(|f| f.check.as_str()).collect();
        assert_eq!(order, ["b", "c", "a"]);
        let json: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap();
        assert_eq!(json["verdict"], "fail");
        assert_eq!(json["metadata"]["gps"], serde_json::Value::Null);
        assert_eq!(json["faces"], serde_json::Value::Null, "null when detection did not run");
        // Reports written before detection existed (no `faces` key) still read back.
        let mut old = json.clone();
        old.as_object_mut().unwrap().remove("faces");
        let back: Report = serde_json::from_value(old).unwrap();
        assert_eq!(back.faces, None);
    }
}
