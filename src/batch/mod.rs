//! Checks over a whole batch rather than one file: duplicates (exact and perceptual), series
//! consistency (the same camera settings across a photogrammetry or calibration series), overlap
//! between consecutive frames of a scan, and the presence of a calibration checkerboard.
//!
//! Each file contributes a small [`Fingerprint`] computed where its pixels were decoded (the
//! worker, or the CLI) and its metadata; the batch checks read only those, never pixels, so the
//! page can run them over a thousand reports without holding any image.
//!
//! - [`duplicates`]: `checks.duplicates` — same pixels, near-identical frames (bursts).
//! - [`series`]: `checks.series` — consistent settings, overlap, calibration frame.
//! - [`phash`], [`overlap`], [`checkerboard`], [`fft`]: the measures behind them.

pub mod checkerboard;
pub mod duplicates;
pub mod fft;
pub mod overlap;
pub mod phash;
pub mod series;

use serde::{Deserialize, Serialize};

use crate::metadata::Metadata;
use crate::report::{Finding, Report, Verdict};

/// What the batch checks need to know about one file's pixels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fingerprint {
    /// Hash of the decoded pixels (every luma sample at full resolution, and the preview's
    /// colour): equal for files with the same pixels, e.g. one photo saved with other metadata.
    /// 16 hex digits.
    #[serde(with = "hex64")]
    pub pixels: u64,
    /// Perceptual hash (see [`phash`]), 16 hex digits.
    #[serde(with = "hex64")]
    pub phash: u64,
    /// Grey thumbnail for overlap estimation (longest side [`overlap::THUMB`]).
    pub thumb: ThumbB64,
    /// A calibration checkerboard is in the frame.
    pub checkerboard: bool,
}

/// [`overlap::Thumb`] carried as `"WxH:base64"` in JSON (a few KB instead of a number array).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThumbB64(pub overlap::Thumb);

impl Serialize for ThumbB64 {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("{}x{}:{}", self.0.w, self.0.h, crate::base64::encode(&self.0.px)))
    }
}

impl<'de> Deserialize<'de> for ThumbB64 {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let s = String::deserialize(d)?;
        let bad = || D::Error::custom("thumbnail must be \"WxH:base64\"");
        let (size, data) = s.split_once(':').ok_or_else(bad)?;
        let (w, h) = size.split_once('x').ok_or_else(bad)?;
        let (w, h): (u16, u16) = (w.parse().map_err(|_| bad())?, h.parse().map_err(|_| bad())?);
        let px = crate::base64::decode(data).ok_or_else(bad)?;
        if px.len() != w as usize * h as usize {
            return Err(bad());
        }
        Ok(ThumbB64(overlap::Thumb { w, h, px }))
    }
}

mod hex64 {
    pub fn serialize<S: serde::Serializer>(v: &u64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("{v:016x}"))
    }
    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
        use serde::Deserialize;
        let s = String::deserialize(d)?;
        u64::from_str_radix(&s, 16).map_err(serde::de::Error::custom)
    }
}

/// Makes a file's fingerprint from its preview (any size, 1 or 3 channels, 8-bit) and a hash
/// of its full-resolution pixels.
pub fn fingerprint(pixel_hash: u64, preview: &crate::pixels::Raster) -> Fingerprint {
    use crate::pixels::Samples;
    let (w, h) = (preview.width as usize, preview.height as usize);
    let grey: Vec<u8> = match &preview.samples {
        Samples::U8(v) if preview.channels == 3 => crate::pixels::raster::rgb8_to_luma(v),
        Samples::U8(v) => v.clone(),
        Samples::U16(v) => {
            let m = preview.max_value.max(1) as u32;
            let step = preview.channels as usize;
            v.chunks_exact(step).map(|p| ((p[0] as u32).min(m) * 255 / m) as u8).collect()
        }
    };
    Fingerprint {
        pixels: pixel_hash,
        phash: phash::phash(&grey, w, h),
        thumb: ThumbB64(overlap::Thumb::from_grey(&grey, w, h)),
        checkerboard: checkerboard::detect(&grey, w, h).found,
    }
}

/// The batch rules of a brief.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BatchRules {
    pub duplicates: Option<duplicates::DuplicatesRule>,
    pub series: Option<series::SeriesRule>,
}

impl BatchRules {
    pub fn any(&self) -> bool {
        self.duplicates.is_some() || self.series.is_some()
    }

    /// The batch rules need each file's fingerprint (and so its pixels).
    pub fn need_fingerprint(&self) -> bool {
        self.duplicates.is_some() || self.series.as_ref().is_some_and(|s| s.overlap.is_some() || s.calibration_frame)
    }
}

/// One file as the batch checks see it.
#[derive(Debug, Clone, Copy)]
pub struct Item<'a> {
    pub file: &'a str,
    pub metadata: &'a Metadata,
    pub fingerprint: Option<&'a Fingerprint>,
}

/// A group of files the page shows together.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group {
    /// `exact` (same pixels) or `near` (near-identical frames).
    pub kind: String,
    pub files: Vec<String>,
}

/// What the batch checks found.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    /// Per input file, in input order: findings to add to its report.
    pub per_file: Vec<Vec<Finding>>,
    /// About the batch as a whole (e.g. no calibration frame).
    pub batch: Vec<Finding>,
    pub groups: Vec<Group>,
    /// Overlap of each file with the previous frame of the scan, % (null for the first frame or
    /// without an overlap rule), in input order.
    pub overlap_percent: Vec<Option<f64>>,
}

/// Runs the batch rules over `items`.
pub fn run(rules: &BatchRules, items: &[Item<'_>]) -> Outcome {
    let mut out = Outcome {
        per_file: vec![Vec::new(); items.len()],
        overlap_percent: vec![None; items.len()],
        ..Default::default()
    };
    if let Some(r) = &rules.duplicates {
        duplicates::run(r, items, &mut out);
    }
    if let Some(r) = &rules.series {
        series::run(r, items, &mut out);
    }
    out
}

/// Adds the batch findings to the reports (same order as the items they were made from) and
/// recomputes their verdicts. Findings about the batch as a whole (no calibration frame) go to
/// every report: the series is delivered, or not, as one.
pub fn apply(outcome: &Outcome, reports: &mut [Report]) {
    for (r, f) in reports.iter_mut().zip(&outcome.per_file) {
        if f.is_empty() && outcome.batch.is_empty() {
            continue;
        }
        r.findings.extend(f.iter().cloned());
        r.findings.extend(outcome.batch.iter().cloned());
        r.findings.sort_by_key(|f| std::cmp::Reverse(f.verdict));
        r.verdict = r.findings.iter().map(|f| f.verdict).max().unwrap_or(Verdict::Pass);
    }
}

/// Items for the reports (their metadata and fingerprints).
pub fn items(reports: &[Report]) -> Vec<Item<'_>> {
    reports.iter().map(|r| Item { file: &r.file, metadata: &r.metadata, fingerprint: r.fingerprint.as_ref() }).collect()
}

/// The file name without its folders, for messages.
pub(crate) fn base(file: &str) -> &str {
    file.rsplit(['/', '\\']).next().unwrap_or(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_round_trip_through_json() {
        let f = Fingerprint {
            pixels: 0x0123_4567_89ab_cdef,
            phash: u64::MAX,
            thumb: ThumbB64(overlap::Thumb { w: 3, h: 2, px: vec![0, 1, 2, 253, 254, 255] }),
            checkerboard: true,
        };
        let j = serde_json::to_string(&f).unwrap();
        assert!(j.contains(r#""pixels":"0123456789abcdef""#) && j.contains(r#""thumb":"3x2:AAEC/f7/""#), "{j}");
        assert_eq!(serde_json::from_str::<Fingerprint>(&j).unwrap(), f);
    }
}
