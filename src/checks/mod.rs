//! Checks: a brief's rule + the evidence about a file → findings.
//!
//! One file per check family; each file holds its rule (keys, defaults, validation) and its
//! evaluation, so a reader finds everything about "resolution" in `resolution.rs`.
//!
//! | family         | finding ids                                                          |
//! |----------------|----------------------------------------------------------------------|
//! | [`format`]     | `format`, `format.extension`                                         |
//! | [`resolution`] | `resolution`, `resolution.aspect_ratio`, `resolution.orientation`    |
//! | [`bit_depth`]  | `bit_depth`                                                          |
//! | [`exif`]       | `exif.required`, `exif.recommended`                                  |
//! | [`capture_time`]| `capture_time.window`, `capture_time.future`                        |
//! | [`gps`]        | `gps.bounds`, `gps.null_island`                                      |
//! | [`file_size`]  | `file_size`                                                          |
//! | [`exposure`]   | `exposure.highlights`, `exposure.shadows`, `exposure.brightness`     |
//! | [`sharpness`]  | `sharpness`, `sharpness.depth`                                       |
//! | [`information`]| `information.entropy`, `information.grayscale`                       |
//! | [`noise`]      | `noise`                                                              |
//! | [`upsampling`] | `upsampling`                                                         |
//! | [`labels`]     | `labels.present`, `labels.roots`, `labels.depth`, `labels.taxonomy`  |
//! | [`faces`]      | `faces`, `faces.release`                                             |
//! | [`plates`]     | `plates`                                                             |
//! | [`privacy`]    | `privacy.gps`, `privacy.location_text`, `privacy.serial_numbers`, `privacy.photographer`, `privacy.camera_owner`, `privacy.xmp_history`, `privacy.thumbnail_mismatch` |
//! | (always)       | `metadata.consistency` (in [`labels`])                               |
//! | (pixel rules)  | `pixels` (what was decoded, or why pixel checks could not run)       |
//! | (always)       | `integrity`                                                          |
//!
//! The pixel families (exposure … upsampling) read [`Evidence::pixels`], which the pipeline
//! fills only when the brief has at least one of them (decoding costs far more than the header).
//! Likewise `faces` and `plates` read [`Evidence::detections`], filled only for briefs with
//! those blocks.
//!
//! Rules of the game, shared by every family:
//! - A family whose block is absent from the brief is not asked and emits nothing — except the
//!   sanity checks that need no brief value: an unrecognised file format (`format`, error),
//!   a capture time in the future (`capture_time.future`, warn), GPS at exactly 0,0
//!   (`gps.null_island`, warn), metadata blocks disagreeing (`metadata.consistency`, warn) and
//!   structural problems met while reading (`integrity`, warn).
//!   Those emit only when they find something.
//! - A family the brief asks for emits a finding per aspect it sets, passes included.
//! - Missing evidence (no dimensions, no date…) is `warn` ("could not be determined"), never a
//!   silent pass.
//! - A block's `"severity": "warn"` turns its `fail`s into `warn`s; it never touches `error`.

pub mod bit_depth;
pub mod capture_time;
pub mod exif;
pub mod exposure;
pub mod faces;
pub mod file_size;
pub mod format;
pub mod gps;
pub mod information;
pub mod labels;
pub mod noise;
pub mod plates;
pub mod privacy;
pub mod resolution;
pub mod sharpness;
pub mod upsampling;

use crate::brief::json::Obj;
use crate::detectors::Detections;
use crate::metadata::Metadata;
use crate::pixels::analysis::{Decoder, Needs, PixelAnalysis};
use crate::pixels::decode::Origin;
use crate::probe::Probe;
use crate::report::{Finding, Verdict};

/// What is known about one file when the checks run.
#[derive(Debug, Clone, Copy)]
pub struct Evidence<'a> {
    /// The name the caller gave (used for the extension check).
    pub file_name: &'a str,
    pub file_size: u64,
    pub probe: &'a Probe,
    pub metadata: &'a Metadata,
    /// The current time as Unix seconds (UTC), for "capture time in the future". The core never
    /// reads a clock itself; callers pass it (and tests pin it).
    pub now_unix_s: Option<i64>,
    /// The pixel measures, when the brief asked for pixel checks and the image could be decoded.
    pub pixels: Option<&'a PixelAnalysis>,
    /// Why pixel checks could not run (unsupported format, too large, damaged), when they could not.
    pub pixels_unavailable: Option<&'a str>,
    /// Faces and licence plates found (or why not), for briefs with `faces` / `plates` blocks.
    pub detections: &'a Detections,
}

impl Evidence<'_> {
    /// Width and height as displayed: stored size, swapped when EXIF Orientation is 5–8
    /// (a 90° rotation). `None` when the header gave no size.
    pub fn displayed_size(&self) -> Option<(u32, u32)> {
        let (w, h) = (self.probe.width?, self.probe.height?);
        Some(if self.rotated() { (h, w) } else { (w, h) })
    }

    /// Whether EXIF Orientation says the stored image is displayed turned by 90°.
    pub fn rotated(&self) -> bool {
        matches!(self.metadata.orientation, Some(5..=8))
    }

    /// The file name's extension, lower case, without the dot (`None` if it has none).
    pub fn extension(&self) -> Option<String> {
        let base = self.file_name.rsplit(['/', '\\']).next().unwrap_or(self.file_name);
        let (stem, ext) = base.rsplit_once('.')?;
        (!stem.is_empty() && !ext.is_empty()).then(|| ext.to_ascii_lowercase())
    }
}

/// How bad a broken rule is. Every check block may set `"severity": "warn"`; the default is
/// `"fail"`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Severity {
    Warn,
    #[default]
    Fail,
}

impl Severity {
    /// The verdict for a broken rule.
    pub fn verdict(self) -> Verdict {
        match self {
            Severity::Warn => Verdict::Warn,
            Severity::Fail => Verdict::Fail,
        }
    }

    /// Reads the optional `severity` key of a block (or sub-block).
    pub fn parse(o: &mut Obj<'_>) -> Severity {
        match o.one_of("severity", &["fail", "warn"]) {
            Some("warn") => Severity::Warn,
            _ => Severity::Fail,
        }
    }
}

/// Every rule a brief can set; `None` means the brief does not ask.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rules {
    pub format: Option<format::FormatRule>,
    pub resolution: Option<resolution::ResolutionRule>,
    pub bit_depth: Option<bit_depth::BitDepthRule>,
    pub exif: Option<exif::ExifRule>,
    pub capture_time: Option<capture_time::CaptureTimeRule>,
    pub gps: Option<gps::GpsRule>,
    pub file_size: Option<file_size::FileSizeRule>,
    pub exposure: Option<exposure::ExposureRule>,
    pub sharpness: Option<sharpness::SharpnessRule>,
    pub information: Option<information::InformationRule>,
    pub noise: Option<noise::NoiseRule>,
    pub upsampling: Option<upsampling::UpsamplingRule>,
    pub labels: Option<labels::LabelsRule>,
    pub faces: Option<faces::FacesRule>,
    pub plates: Option<plates::PlatesRule>,
    pub privacy: Option<privacy::PrivacyRule>,
    /// Batch-level rules (`duplicates`, `series`): run over all files together, see
    /// [`crate::batch`].
    pub batch: crate::batch::BatchRules,
}

impl Rules {
    /// Reads the brief's `checks` object. Problems go to the reader's error list; the returned
    /// rules are only meaningful when there were none.
    pub fn parse(checks: &mut Obj<'_>) -> Rules {
        fn block<T>(checks: &mut Obj<'_>, key: &'static str, parse: fn(&mut Obj<'_>) -> T) -> Option<T> {
            let mut o = checks.obj(key)?;
            let rule = parse(&mut o);
            o.finish();
            Some(rule)
        }
        Rules {
            format: block(checks, "format", format::parse),
            resolution: block(checks, "resolution", resolution::parse),
            bit_depth: block(checks, "bit_depth", bit_depth::parse),
            exif: block(checks, "exif", exif::parse),
            capture_time: block(checks, "capture_time", capture_time::parse),
            gps: block(checks, "gps", gps::parse),
            file_size: block(checks, "file_size", file_size::parse),
            exposure: block(checks, "exposure", exposure::parse),
            sharpness: block(checks, "sharpness", sharpness::parse),
            information: block(checks, "information", information::parse),
            noise: block(checks, "noise", noise::parse),
            upsampling: block(checks, "upsampling", upsampling::parse),
            labels: block(checks, "labels", labels::parse),
            faces: block(checks, "faces", faces::parse),
            plates: block(checks, "plates", plates::parse),
            privacy: block(checks, "privacy", privacy::parse),
            batch: crate::batch::BatchRules {
                duplicates: block(checks, "duplicates", crate::batch::duplicates::parse),
                series: block(checks, "series", crate::batch::series::parse),
            },
        }
    }

    /// Whether a build with image decoders is needed: pixel rules, or a thumbnail to compare.
    pub fn needs_decoders(&self) -> bool {
        self.pixel_needs().any() || self.privacy.as_ref().is_some_and(privacy::PrivacyRule::needs_decoder)
    }

    /// Which pixel measures these rules need (none: the file's pixels are never decoded).
    pub fn pixel_needs(&self) -> Needs {
        Needs {
            exposure: self.exposure.is_some(),
            sharpness: self.sharpness.is_some(),
            information: self.information.is_some(),
            noise: self.noise.is_some(),
            upsampling: self.upsampling.is_some(),
            fingerprint: self.batch.need_fingerprint(),
        }
    }
}

/// Runs every check the rules ask for (and the sanity checks), in a fixed order.
pub fn run(rules: &Rules, ev: &Evidence<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    format::evaluate(rules.format.as_ref(), ev, &mut out);
    if let Some(r) = &rules.resolution {
        resolution::evaluate(r, ev, &mut out);
    }
    if let Some(r) = &rules.bit_depth {
        bit_depth::evaluate(r, ev, &mut out);
    }
    if let Some(r) = &rules.exif {
        exif::evaluate(r, ev, &mut out);
    }
    capture_time::evaluate(rules.capture_time.as_ref(), ev, &mut out);
    gps::evaluate(rules.gps.as_ref(), ev, &mut out);
    if let Some(r) = &rules.file_size {
        file_size::evaluate(r, ev, &mut out);
    }
    if rules.pixel_needs().any() {
        pixels(ev, &mut out);
        if let Some(r) = &rules.exposure {
            exposure::evaluate(r, ev, &mut out);
        }
        if let Some(r) = &rules.sharpness {
            sharpness::evaluate(r, ev, &mut out);
        }
        if let Some(r) = &rules.information {
            information::evaluate(r, ev, &mut out);
        }
        if let Some(r) = &rules.noise {
            noise::evaluate(r, ev, &mut out);
        }
        if let Some(r) = &rules.upsampling {
            upsampling::evaluate(r, ev, &mut out);
        }
    }
    labels::evaluate(rules.labels.as_ref(), ev, &mut out);
    if let Some(r) = &rules.faces {
        faces::evaluate(r, ev, &mut out);
    }
    if let Some(r) = &rules.plates {
        plates::evaluate(r, ev, &mut out);
    }
    if let Some(r) = &rules.privacy {
        privacy::evaluate(r, ev, &mut out);
    }
    integrity(ev, &mut out);
    out
}

/// `pixels`: what the pixel checks looked at — the image itself (pass), a raw file's embedded
/// preview (pass, said plainly), or nothing, with the reason (warn: never a silent pass).
fn pixels(ev: &Evidence<'_>, out: &mut Vec<Finding>) {
    match (ev.pixels, ev.pixels_unavailable) {
        (Some(p), _) => {
            let depth = format!("{}-bit", p.bit_depth);
            let (measured, message) = match p.origin {
                Origin::Image if p.decoded_by == Decoder::Browser => (
                    format!("{} × {} px, browser-decoded", p.width, p.height),
                    "preflight has no decoder for this format, so the browser decoded it (8 bits per channel) for the pixel checks; the command line cannot re-check these.".to_string(),
                ),
                Origin::Image => (
                    format!("{} × {} px, {depth}", p.width, p.height),
                    "Pixel checks ran on the full-resolution image.".to_string(),
                ),
                Origin::EmbeddedPreview { .. } => (
                    format!("embedded preview {} × {} px, {depth}", p.width, p.height),
                    format!(
                        "Pixel checks ran on the largest JPEG preview embedded in this raw file ({} × {} px), not on the raw sensor data.",
                        p.width, p.height
                    ),
                ),
            };
            out.push(Finding::new("pixels", Verdict::Pass, Some(measured), None, message));
        }
        (None, why) => out.push(Finding::new(
            "pixels",
            Verdict::Warn,
            None,
            None,
            format!(
                "Pixel checks (exposure, sharpness, …) could not run: {}.",
                why.unwrap_or("the image was not decoded")
            ),
        )),
    }
}

/// `" (embedded preview)"` for findings about a raw file's preview, else `""`.
pub(crate) fn pixel_note(ev: &Evidence<'_>) -> &'static str {
    match ev.pixels.map(|p| p.origin) {
        Some(Origin::EmbeddedPreview { .. }) => " (measured on the embedded preview)",
        _ => "",
    }
}

/// A percentage 0…100.
pub(crate) fn percent(o: &mut Obj<'_>, key: &'static str) -> Option<f64> {
    let x = o.number(key)?;
    if (0.0..=100.0).contains(&x) {
        Some(x)
    } else {
        o.error(key, format!("must be a percentage between 0 and 100, found {x}"));
        None
    }
}

/// `integrity` (warn, always): what the probe and the metadata reader complained about.
fn integrity(ev: &Evidence<'_>, out: &mut Vec<Finding>) {
    let all: Vec<&str> = ev.probe.warnings.iter().chain(&ev.metadata.warnings).map(String::as_str).collect();
    if all.is_empty() {
        return;
    }
    out.push(Finding::new(
        "integrity",
        Verdict::Warn,
        Some(all.join("; ")),
        None,
        format!(
            "The file has structural problems ({}); it may be truncated or damaged — copy or export it again and re-check.",
            all.join("; ")
        ),
    ));
}

/// Reports a block that sets none of its limits (it would silently check nothing).
pub(crate) fn require_some(o: &Obj<'_>, any_set: bool, keys: &str) {
    if !any_set {
        o.errors().add(o.path(), format!("sets no limit; add at least one of {keys}, or remove the block"));
    }
}

/// Reports `min > max` at the min key's path.
pub(crate) fn check_order<T: PartialOrd + std::fmt::Display>(
    o: &Obj<'_>,
    min_key: &str,
    min: Option<T>,
    max_key: &str,
    max: Option<T>,
) {
    if let (Some(lo), Some(hi)) = (min, max)
        && lo > hi
    {
        o.error(min_key, format!("{lo} is greater than {max_key} ({hi})"));
    }
}

/// A finding with optional parts filled.
pub(crate) fn finding(
    check: &str,
    verdict: Verdict,
    measured: Option<String>,
    expected: Option<String>,
    message: impl Into<String>,
) -> Finding {
    Finding::new(check, verdict, measured, expected, message)
}

/// `1234567` → `1,234,567`.
pub(crate) fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Trims a float for display: `4.0` → `4`, `0.25` → `0.25`.
pub(crate) fn num(x: f64) -> String {
    let s = format!("{:.4}", x);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_string() }
}

#[cfg(test)]
pub(crate) mod test_support {
    //! Hand-built evidence for check tests (the real parsers are not needed).
    use super::*;
    use crate::brief::Brief;

    pub struct Fixture {
        pub name: String,
        pub size: u64,
        pub probe: Probe,
        pub metadata: Metadata,
        pub now: Option<i64>,
        pub pixels: Option<PixelAnalysis>,
        pub pixels_unavailable: Option<String>,
        pub detections: Detections,
    }

    impl Fixture {
        /// A well-formed 6000 × 4000 8-bit JPEG called `photo.jpg`, 10 MB.
        pub fn jpeg() -> Fixture {
            Fixture {
                name: "photo.jpg".into(),
                size: 10_000_000,
                probe: Probe {
                    format: Some(crate::probe::Format::Jpeg),
                    width: Some(6000),
                    height: Some(4000),
                    bit_depth: Some(8),
                    ..Probe::default()
                },
                metadata: Metadata::default(),
                now: None,
                pixels: None,
                pixels_unavailable: None,
                detections: Detections::default(),
            }
        }

        /// Pixel evidence for a clean, sharp, well-exposed 6000 × 4000 photo; tests then bend
        /// the one measure they are about.
        pub fn pixels_mut(&mut self) -> &mut PixelAnalysis {
            use crate::pixels::exposure::{ChannelClip, Exposure};
            use crate::pixels::sharpness::{BlurHint, Sharpness, TileGrid};
            use crate::pixels::stats::{Grayscale, Noise, Upsampling};
            let clip = ChannelClip { blown_pct: 0.1, crushed_pct: 0.1 };
            self.pixels.get_or_insert_with(|| PixelAnalysis {
                origin: Origin::Image,
                decoded_by: Decoder::Preflight,
                width: 6000,
                height: 4000,
                bit_depth: 8,
                channels: 3,
                exposure: Some(Exposure {
                    red: clip,
                    green: clip,
                    blue: clip,
                    luma: clip,
                    any_blown_pct: 0.1,
                    all_crushed_pct: 0.1,
                    largest_blown_region_pct: 0.05,
                    largest_crushed_region_pct: 0.05,
                    p5: 0.1,
                    p50: 0.45,
                    p95: 0.9,
                    max_luma: 1.0,
                    width: 1000,
                    height: 666,
                }),
                clip_mask: None,
                sharpness: Some(Sharpness {
                    grid: TileGrid { tile: 128, cols: 0, rows: 0, tiles: Vec::new() },
                    sharpest: 900.0,
                    p90: 400.0,
                    median: 150.0,
                    in_focus_fraction: 0.7,
                    detailed_fraction: 0.9,
                    in_focus_fraction_of_detailed: 0.78,
                    anisotropy: 1.1,
                    blur_hint: BlurHint::Sharp,
                }),
                entropy_bits: Some(7.2),
                grayscale: Some(Grayscale {
                    channels: 3,
                    mean_chroma: 20.0,
                    colourful_fraction: 0.6,
                    is_grayscale_as_rgb: false,
                }),
                noise: Some(Noise { sigma_global: 2.0, sigma_flat: 1.5 }),
                upsampling: Some(Upsampling { hf_ratio: 0.5, likely_upsampled: false }),
                fingerprint: None,
            })
        }

        pub fn set_exposure(&mut self, f: impl FnOnce(&mut crate::pixels::exposure::Exposure)) {
            f(self.pixels_mut().exposure.as_mut().unwrap())
        }

        pub fn ev(&self) -> Evidence<'_> {
            Evidence {
                file_name: &self.name,
                file_size: self.size,
                probe: &self.probe,
                metadata: &self.metadata,
                now_unix_s: self.now,
                pixels: self.pixels.as_ref(),
                pixels_unavailable: self.pixels_unavailable.as_deref(),
                detections: &self.detections,
            }
        }

        /// Runs the `checks` JSON (the inside of a brief's `checks`) against this file.
        pub fn run(&self, checks: &str) -> Vec<Finding> {
            let brief = Brief::parse(&format!(r#"{{"preflight_brief": 1, "name": "t", "checks": {checks}}}"#))
                .unwrap_or_else(|e| panic!("brief does not parse: {e:?}"));
            run(&brief.rules, &self.ev())
        }
    }

    /// The one finding with this id (panics if there are none or several).
    pub fn one<'f>(findings: &'f [Finding], id: &str) -> &'f Finding {
        let hits: Vec<_> = findings.iter().filter(|f| f.check == id).collect();
        assert_eq!(hits.len(), 1, "expected exactly one `{id}` finding in {findings:#?}");
        hits[0]
    }

    pub fn none(findings: &[Finding], id: &str) {
        assert!(findings.iter().all(|f| f.check != id), "unexpected `{id}` finding in {findings:#?}");
    }

    pub fn brief_errors(checks: &str) -> Vec<String> {
        Brief::parse(&format!(r#"{{"preflight_brief": 1, "name": "t", "checks": {checks}}}"#))
            .expect_err("brief should not parse")
            .iter()
            .map(|e| e.to_string())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::*;
    use super::*;

    #[test]
    fn no_rules_no_findings_for_a_clean_file() {
        let f = Fixture::jpeg();
        assert_eq!(run(&Rules::default(), &f.ev()), Vec::new());
    }

    #[test]
    fn integrity_lists_probe_and_metadata_warnings() {
        let mut f = Fixture::jpeg();
        f.probe.warnings.push("JPEG ends before EOI".into());
        f.metadata.warnings.push("EXIF IFD offset out of range".into());
        let out = run(&Rules::default(), &f.ev());
        let i = one(&out, "integrity");
        assert_eq!(i.verdict, Verdict::Warn);
        assert_eq!(i.measured.as_deref(), Some("JPEG ends before EOI; EXIF IFD offset out of range"));
        assert!(i.message.contains("copy or export it again"));
    }

    #[test]
    fn displayed_size_swaps_for_orientations_5_to_8() {
        let mut f = Fixture::jpeg();
        assert_eq!(f.ev().displayed_size(), Some((6000, 4000)));
        for o in [5, 6, 7, 8] {
            f.metadata.orientation = Some(o);
            assert_eq!(f.ev().displayed_size(), Some((4000, 6000)), "orientation {o}");
        }
        for o in [1, 2, 3, 4] {
            f.metadata.orientation = Some(o);
            assert_eq!(f.ev().displayed_size(), Some((6000, 4000)), "orientation {o}");
        }
    }

    #[test]
    fn extensions() {
        let mut f = Fixture::jpeg();
        for (name, ext) in [
            ("a/b.c/IMG_1.JPG", Some("jpg")),
            ("C:\\x\\y.tar.heic", Some("heic")),
            ("noext", None),
            (".hidden", None),
            ("trailing.", None),
        ] {
            f.name = name.into();
            assert_eq!(f.ev().extension().as_deref(), ext, "{name}");
        }
    }

    #[test]
    fn number_formatting() {
        assert_eq!(thousands(45_000_000), "45,000,000");
        assert_eq!(thousands(999), "999");
        assert_eq!(num(4.0), "4");
        assert_eq!(num(0.25), "0.25");
        assert_eq!(num(1.0 / 3.0), "0.3333");
    }
}
