//! `privacy`: metadata that identifies the photographer, their gear or their computer, or leaks
//! what the photo used to show — flagged before the file leaves the device, each with the exact
//! tag it sits in.
//!
//! Rule keys (`checks.privacy`):
//! - `forbid` (required): a list of what must not be in the file:
//!   - `"gps"`: a GPS position (GPSLatitude / GPSLongitude). Requiring one is
//!     `exif.required: ["GPSLatitude", "GPSLongitude"]`; a region is `gps.bounds`.
//!   - `"serial_numbers"`: EXIF BodySerialNumber (0xA431), LensSerialNumber (0xA435), DNG
//!     CameraSerialNumber (0xC62F), maker-note serials (Canon 0x000C, Nikon 0x001D / 0x00A0,
//!     Olympus Equipment 0x0101).
//!   - `"owner"`: EXIF Artist (0x013B), CameraOwnerName (0xA430). Copyright (0x8298) is named
//!     but allowed (buyers usually want it).
//!   - `"xmp_history"`: XMP `xmpMM:History` (editing steps and the software that made them) and
//!     paths naming a user account (`/Users/NAME`, `C:\Users\NAME`, `/home/NAME`).
//!   - `"thumbnail_mismatch"`: an EXIF IFD1 thumbnail whose picture (black bars trimmed) has a
//!     different aspect ratio than the image — an old crop can leak what was cropped out.
//! - `severity` (`fail` | `warn`, default `fail`).
//!
//! Findings: `privacy.gps`, `privacy.serial_numbers`, `privacy.owner`, `privacy.xmp_history`,
//! `privacy.thumbnail_mismatch` — one per forbidden item: pass, or fail/warn quoting the tags.

use super::{Evidence, Severity, finding};
use crate::brief::json::{Errors, Json, Obj, choose, string_item};
use crate::report::{Finding, Verdict};

/// What a brief can forbid, in finding order.
pub const ITEMS: &[&str] = &["gps", "serial_numbers", "owner", "xmp_history", "thumbnail_mismatch"];

#[derive(Debug, Clone, Default, PartialEq)]
pub struct PrivacyRule {
    pub forbid: Vec<&'static str>,
    pub severity: Severity,
}

impl PrivacyRule {
    /// Whether the thumbnail must be decoded (a build with pixel decoders is needed).
    pub fn needs_decoder(&self) -> bool {
        self.forbid.contains(&"thumbnail_mismatch")
    }
}

pub fn parse(o: &mut Obj<'_>) -> PrivacyRule {
    let item = |path: &str, v: &Json, errs: &Errors| choose(string_item(path, v, errs)?, ITEMS, path, errs);
    let mut forbid: Vec<&'static str> = Vec::new();
    if !o.has("forbid") {
        o.error("forbid", format!("missing; list what must not be in the file: {}", ITEMS.join(", ")));
    }
    for f in o.list("forbid", item).unwrap_or_default() {
        if forbid.contains(&f) {
            o.error("forbid", format!("\"{f}\" is listed twice"));
        } else {
            forbid.push(f);
        }
    }
    forbid.sort_by_key(|f| ITEMS.iter().position(|i| i == f));
    PrivacyRule { forbid, severity: Severity::parse(o) }
}

pub fn evaluate(rule: &PrivacyRule, ev: &Evidence<'_>, out: &mut Vec<Finding>) {
    let m = ev.metadata;
    let t = &m.privacy;
    for &item in &rule.forbid {
        let id = format!("privacy.{item}");
        // (tag = value) pairs found, and what to do about them.
        let (found, fix): (Vec<String>, &str) = match item {
            "gps" => (
                m.gps.iter().map(|g| format!("GPSLatitude/GPSLongitude = {}", super::gps::position_label(g))).collect(),
                "remove the location (exiftool -gps:all= FILE, or your export's \"remove location\" option)",
            ),
            "serial_numbers" => {
                let mut v: Vec<String> =
                    [("BodySerialNumber (0xA431)", &m.body_serial), ("LensSerialNumber (0xA435)", &m.lens_serial)]
                        .into_iter()
                        .filter_map(|(tag, val)| val.as_ref().map(|s| format!("{tag} = {s}")))
                        .collect();
                v.extend(t.other_serials.iter().map(|(tag, s)| format!("{tag} = {s}")));
                (v, "remove them (exiftool -SerialNumber= -LensSerialNumber= -MakerNotes:all= FILE)")
            }
            "owner" => (
                [("Artist (0x013B)", &m.artist), ("CameraOwnerName (0xA430)", &t.camera_owner)]
                    .into_iter()
                    .filter_map(|(tag, val)| val.as_ref().map(|s| format!("{tag} = {s}")))
                    .collect(),
                "remove them (exiftool -Artist= -OwnerName= FILE) or clear your name in the camera's settings",
            ),
            "xmp_history" => {
                let mut v = Vec::new();
                if t.xmp_history_events > 0 {
                    let agents = if t.xmp_software_agents.is_empty() {
                        String::new()
                    } else {
                        format!(", stEvt:softwareAgent: {}", t.xmp_software_agents.join(", "))
                    };
                    v.push(format!("xmpMM:History = {} events{agents}", t.xmp_history_events));
                }
                v.extend(t.xmp_personal_paths.iter().map(|p| format!("XMP path {p}…")));
                (v, "remove the editing history (exiftool -xmp-xmpMM:all= FILE) or export without it")
            }
            _ => match thumbnail_mismatch(ev) {
                Ok(v) => (v.into_iter().collect(), "remove the old thumbnail (exiftool -ThumbnailImage= FILE)"),
                Err(why) => {
                    let msg = format!("The embedded thumbnail could not be compared: {why}.");
                    out.push(finding(&id, Verdict::Warn, None, Some("not present".into()), msg));
                    continue;
                }
            },
        };
        let expected = Some("not present".to_string());
        if found.is_empty() {
            let mut msg = format!("No {} in the file.", label(item));
            if item == "owner"
                && let Some(c) = &m.copyright
            {
                msg.push_str(&format!(" Copyright (0x8298) = {c} is kept (buyers usually want it)."));
            }
            out.push(finding(&id, Verdict::Pass, Some("none".into()), expected, msg));
        } else {
            let list = found.join("; ");
            let msg = format!("The brief forbids {}: {list}. To fix, {fix}.", label(item));
            out.push(finding(&id, rule.severity.verdict(), Some(list), expected, msg));
        }
    }
}

fn label(item: &str) -> &'static str {
    match item {
        "gps" => "a GPS position",
        "serial_numbers" => "camera or lens serial numbers",
        "owner" => "owner or artist names",
        "xmp_history" => "XMP editing history or personal paths",
        _ => "an embedded thumbnail that differs from the image",
    }
}

/// How far the thumbnail's aspect ratio may stray from the image's (small thumbnails round: a
/// 160 × 106 thumbnail of a 3:2 photo is 0.6 % off; some cameras' are a few % off).
const ASPECT_TOLERANCE: f64 = 0.05;

/// `Ok(Some(description))` when the thumbnail's picture has another aspect ratio than the image
/// (as stored and with letterbox bars trimmed), `Ok(None)` when it matches or there is none;
/// `Err` when it could not be decoded.
fn thumbnail_mismatch(ev: &Evidence<'_>) -> Result<Option<String>, String> {
    let Some(th) = &ev.metadata.privacy.thumbnail else { return Ok(None) };
    let (Some(w), Some(h)) = (ev.probe.width, ev.probe.height) else { return Ok(None) };
    let a_img = w as f64 / h.max(1) as f64;
    let off = |cw: u32, ch: u32| ((cw as f64 / ch.max(1) as f64) / a_img - 1.0).abs();
    if off(th.width, th.height) <= ASPECT_TOLERANCE {
        return Ok(None);
    }
    let (cw, ch) = letterboxed(&th.jpeg, th.width, th.height)?;
    if off(cw, ch) <= ASPECT_TOLERANCE {
        return Ok(None);
    }
    let a_th = th.width as f64 / th.height.max(1) as f64;
    Ok(Some(format!(
        "IFD1 thumbnail (ThumbnailImage 0x0201) {}×{} = {a_th:.3}:1, image {w}×{h} = {a_img:.3}:1",
        th.width, th.height
    )))
}

/// The thumbnail's picture size inside letterbox bars: equal uniform black (or white) bands at
/// top and bottom, or at left and right (cameras pad a 3:2 or 16:9 picture into 160 × 120).
/// Without such pairs, the thumbnail's own size.
#[cfg(feature = "pixels")]
fn letterboxed(jpeg: &[u8], w: u32, h: u32) -> Result<(u32, u32), String> {
    let luma = crate::pixels::decode::jpeg_zune(jpeg, zune_core::colorspace::ColorSpace::Luma)
        .map_err(|e| format!("the thumbnail is damaged ({e:?})"))?;
    let (w, h) = (w as usize, h as usize);
    if luma.len() < w * h || w < 4 || h < 4 {
        return Err("the thumbnail decoded to the wrong size".into());
    }
    // A bar line is uniformly near-black or near-white (JPEG ringing allowed).
    let bar = |vals: &mut dyn Iterator<Item = u8>| {
        let (mut lo, mut hi) = (255u8, 0u8);
        for v in vals {
            lo = lo.min(v);
            hi = hi.max(v);
        }
        hi - lo <= 24 && (hi <= 40 || lo >= 230)
    };
    let count = |n: usize, is_bar: &dyn Fn(usize) -> bool| (0..n / 2).take_while(|&i| is_bar(i)).count();
    let row = |y: usize| bar(&mut luma[y * w..(y + 1) * w].iter().copied());
    let col = |x: usize| bar(&mut (0..h).map(|y| luma[y * w + x]));
    let (top, bottom) = (count(h, &row), count(h, &|i| row(h - 1 - i)));
    let (left, right) = (count(w, &col), count(w, &|i| col(w - 1 - i)));
    // Letterbox bands come in pairs of (nearly) the same height.
    let pair = |a: usize, b: usize| if a.abs_diff(b) <= 1 + a.max(b) / 8 { a + b } else { 0 };
    Ok(((w - pair(left, right)) as u32, (h - pair(top, bottom)) as u32))
}

#[cfg(not(feature = "pixels"))]
fn letterboxed(_jpeg: &[u8], _w: u32, _h: u32) -> Result<(u32, u32), String> {
    Err("this build of the engine has no image decoders (header checks only)".into())
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use crate::metadata::Gps;

    const ALL: &str =
        r#"{"privacy": {"forbid": ["thumbnail_mismatch", "gps", "serial_numbers", "owner", "xmp_history"]}}"#;

    #[test]
    fn a_clean_file_passes_every_item_and_copyright_is_kept() {
        let mut f = Fixture::jpeg();
        f.metadata.copyright = Some("© A. Person".into());
        let out = f.run(ALL);
        let ids: Vec<_> = out.iter().filter(|x| x.check.starts_with("privacy")).map(|x| x.check.as_str()).collect();
        assert_eq!(
            ids,
            [
                "privacy.gps",
                "privacy.serial_numbers",
                "privacy.owner",
                "privacy.xmp_history",
                "privacy.thumbnail_mismatch"
            ]
        );
        assert!(out.iter().all(|x| x.verdict == Verdict::Pass), "{out:#?}");
        assert!(one(&out, "privacy.owner").message.contains("Copyright (0x8298) = © A. Person is kept"));
    }

    #[test]
    fn each_item_quotes_its_tags() {
        let mut f = Fixture::jpeg();
        f.metadata.gps = Some(Gps { lat: 52.5, lon: 13.4, alt: None });
        f.metadata.body_serial = Some("123063022888".into());
        f.metadata.privacy.other_serials = vec![("Canon SerialNumber (MakerNotes 0x000C)".into(), "42".into())];
        f.metadata.privacy.camera_owner = Some("H. Miley".into());
        f.metadata.privacy.xmp_history_events = 2;
        f.metadata.privacy.xmp_software_agents = vec!["Adobe Photoshop Lightroom 6.3 (Macintosh)".into()];
        f.metadata.privacy.xmp_personal_paths = vec!["/Users/jane".into()];
        let out = f.run(ALL);
        let get = |id: &str| one(&out, id).measured.clone().unwrap();
        assert_eq!(get("privacy.gps"), "GPSLatitude/GPSLongitude = 52.50000° N, 13.40000° E");
        assert_eq!(
            get("privacy.serial_numbers"),
            "BodySerialNumber (0xA431) = 123063022888; Canon SerialNumber (MakerNotes 0x000C) = 42"
        );
        assert_eq!(get("privacy.owner"), "CameraOwnerName (0xA430) = H. Miley");
        assert_eq!(
            get("privacy.xmp_history"),
            "xmpMM:History = 2 events, stEvt:softwareAgent: Adobe Photoshop Lightroom 6.3 (Macintosh); XMP path /Users/jane…"
        );
        let s = one(&out, "privacy.serial_numbers");
        assert_eq!(s.verdict, Verdict::Fail);
        assert!(
            s.message.starts_with("The brief forbids camera or lens serial numbers: BodySerialNumber"),
            "{}",
            s.message
        );
        let warn = f.run(r#"{"privacy": {"forbid": ["owner"], "severity": "warn"}}"#);
        assert_eq!(one(&warn, "privacy.owner").verdict, Verdict::Warn);
    }

    #[test]
    fn rule_errors() {
        let e = brief_errors(r#"{"privacy": {"forbid": ["serials", "gps", "gps"]}}"#);
        assert!(e[0].starts_with("checks.privacy.forbid[0]: unknown value \"serials\""), "{e:?}");
        assert_eq!(e[1], "checks.privacy.forbid: \"gps\" is listed twice");
        let e = brief_errors(r#"{"privacy": {"severity": "warn"}}"#);
        assert!(e[0].starts_with("checks.privacy.forbid: missing; list what must not be in the file: gps,"), "{e:?}");
    }
}
