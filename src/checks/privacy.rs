//! `privacy`: metadata that identifies the photographer, their gear or their computer, or leaks
//! what the photo used to show — flagged before the file leaves the device, each with the exact
//! tag it sits in.
//!
//! Rule keys (`checks.privacy`):
//! - `forbid` (required): a list of what must not be in the file. Each category covers every
//!   container — EXIF (maker notes included where preflight reads them), XMP in any prefix or
//!   serialisation, IPTC-IIM, PNG text — with the tags listed in [`crate::metadata::identifying`]:
//!   - `"gps"`: a GPS position (GPSLatitude / GPSLongitude, GPSDest*, GPSAreaInformation, XMP
//!     `exif:GPS*`). Requiring one is `exif.required: ["GPSLatitude", "GPSLongitude"]`; a region
//!     is `gps.bounds`.
//!   - `"location_text"`: where the photo was taken, written as text (city, sub-location,
//!     province, country; IPTC Extension LocationCreated / LocationShown).
//!   - `"serial_numbers"`: camera and lens serial numbers.
//!   - `"photographer"`: the photographer's identity — names (Artist, XPAuthor, `dc:creator`,
//!     IPTC By-line, PLUS ImageCreator, …) and contact details (IPTC Core CreatorContactInfo:
//!     e-mail, phone, postal address).
//!   - `"camera_owner"`: the name a camera was registered to (OwnerName, `aux:OwnerName`).
//!   - `"owner"`: both of the above (the name of this item before they were split).
//!   - `"xmp_history"`: XMP `xmpMM:History` (editing steps and the software that made them),
//!     `DerivedFrom`, `Ingredients`, and paths naming a user account (`/Users/NAME`,
//!     `C:\Users\NAME`, `/home/NAME`).
//!   - `"thumbnail_mismatch"`: an EXIF IFD1 thumbnail whose picture (black bars trimmed) has a
//!     different aspect ratio than the image — an old crop can leak what was cropped out.
//! - `severity` (`fail` | `warn`, default `fail`).
//! - `keep_content_credentials` (default `false`): clean copies keep a C2PA manifest (Content
//!   Credentials). Either way, a file that carries one gets a `privacy.content_credentials`
//!   warning: the manifest is a signed record of who made the photo and how it was edited (it
//!   can name the photographer), and removing any metadata breaks its signature.
//!
//! Copyright notices are not a privacy category: a buyer needs them. The `photographer`
//! finding names those it saw, so the photographer knows what stays.
//!
//! Findings: `privacy.gps`, `privacy.location_text`, `privacy.serial_numbers`,
//! `privacy.photographer`, `privacy.camera_owner`, `privacy.xmp_history`,
//! `privacy.thumbnail_mismatch` — one per forbidden item: pass, or fail/warn quoting the tags;
//! `privacy.content_credentials` when the file carries a C2PA manifest.

use super::{Evidence, Severity, finding};
use crate::brief::json::{Errors, Json, Obj, choose, string_item};
use crate::metadata::identifying::Category;
use crate::report::{Finding, Verdict};

/// What a brief can forbid, in finding order.
pub const ITEMS: &[&str] =
    &["gps", "location_text", "serial_numbers", "photographer", "camera_owner", "xmp_history", "thumbnail_mismatch"];

/// Names a brief may use besides [`ITEMS`], and what each stands for.
const ALIASES: &[(&str, &[&str])] = &[("owner", &["photographer", "camera_owner"])];

#[derive(Debug, Clone, Default, PartialEq)]
pub struct PrivacyRule {
    pub forbid: Vec<&'static str>,
    pub severity: Severity,
    pub keep_content_credentials: bool,
}

impl PrivacyRule {
    /// Whether the thumbnail must be decoded (a build with pixel decoders is needed).
    pub fn needs_decoder(&self) -> bool {
        self.forbid.contains(&"thumbnail_mismatch")
    }

    pub fn forbids(&self, item: &str) -> bool {
        self.forbid.contains(&item)
    }
}

pub fn parse(o: &mut Obj<'_>) -> PrivacyRule {
    let names: Vec<&'static str> = ITEMS.iter().copied().chain(ALIASES.iter().map(|(a, _)| *a)).collect();
    let item = |path: &str, v: &Json, errs: &Errors| choose(string_item(path, v, errs)?, &names, path, errs);
    let mut forbid: Vec<&'static str> = Vec::new();
    if !o.has("forbid") {
        o.error("forbid", format!("missing; list what must not be in the file: {}", ITEMS.join(", ")));
    }
    let mut listed: Vec<&'static str> = Vec::new();
    for f in o.list("forbid", item).unwrap_or_default() {
        if listed.contains(&f) {
            o.error("forbid", format!("\"{f}\" is listed twice"));
            continue;
        }
        listed.push(f);
        let expanded = ALIASES.iter().find(|(a, _)| *a == f).map_or(&[f][..], |(_, to)| to).to_vec();
        for e in expanded {
            let e = ITEMS.iter().copied().find(|i| *i == e).unwrap_or(f);
            if !forbid.contains(&e) {
                forbid.push(e);
            }
        }
    }
    forbid.sort_by_key(|f| ITEMS.iter().position(|i| i == f));
    let keep_content_credentials = o.bool("keep_content_credentials").unwrap_or(false);
    PrivacyRule { forbid, severity: Severity::parse(o), keep_content_credentials }
}

fn category(item: &str) -> Option<Category> {
    Category::ALL.into_iter().find(|c| c.key() == item)
}

pub fn evaluate(rule: &PrivacyRule, ev: &Evidence<'_>, out: &mut Vec<Finding>) {
    let m = ev.metadata;
    let t = &m.privacy;
    if let Some((place, bytes)) = ev.probe.content_credentials {
        let copies = if rule.keep_content_credentials {
            "Clean copies keep it (privacy.keep_content_credentials), but removing any metadata breaks its signature"
        } else {
            "A clean copy drops it (removing any metadata breaks its signature anyway); to keep it, set privacy.keep_content_credentials"
        };
        let size = crate::source::human_bytes(bytes);
        out.push(finding(
            "privacy.content_credentials",
            Verdict::Warn,
            Some(format!("C2PA manifest, {size} ({place})")),
            None,
            format!(
                "The file carries Content Credentials (a C2PA manifest, {size} in {place}): a signed record of who made the photo and how it was edited, which can name the photographer. {copies}."
            ),
        ));
    }
    for &item in &rule.forbid {
        let id = format!("privacy.{item}");
        // (tag = value) pairs found.
        let mut found: Vec<String> = Vec::new();
        if item == "gps"
            && let Some(g) = &m.gps
        {
            found.push(format!("GPSLatitude/GPSLongitude = {}", super::gps::position_label(g)));
        }
        if item == "xmp_history" {
            if t.xmp_history_events > 0 {
                let agents = if t.xmp_software_agents.is_empty() {
                    String::new()
                } else {
                    format!(", stEvt:softwareAgent: {}", t.xmp_software_agents.join(", "))
                };
                found.push(format!("xmpMM:History = {} events{agents}", t.xmp_history_events));
            }
            found.extend(t.xmp_personal_paths.iter().map(|p| format!("XMP path {p}…")));
        }
        if let Some(c) = category(item) {
            for s in t.of(c) {
                if c == Category::XmpHistory && s.tag == "XMP xmpMM:History" {
                    continue; // counted above
                }
                found.push(format!("{} = {}", s.tag, short(&s.value)));
            }
        }
        if item == "thumbnail_mismatch" {
            match thumbnail_mismatch(ev) {
                Ok(v) => found.extend(v),
                Err(why) => {
                    let msg = format!("The embedded thumbnail could not be compared: {why}.");
                    out.push(finding(&id, Verdict::Warn, None, Some("not present".into()), msg));
                    continue;
                }
            }
        }
        let expected = Some("not present".to_string());
        if found.is_empty() {
            let mut msg = format!("No {} in the file.", label(item));
            if item == "photographer" && !t.rights.is_empty() {
                let kept: Vec<String> = t.rights.iter().map(|(tag, v)| format!("{tag} = {}", short(v))).collect();
                msg.push_str(&format!(" Kept (a buyer needs to know whose work it is): {}.", kept.join("; ")));
            }
            out.push(finding(&id, Verdict::Pass, Some("none".into()), expected, msg));
        } else {
            let list = found.join("; ");
            let msg = format!("The brief forbids {}: {list}. To fix, {}.", label(item), fix(item));
            out.push(finding(&id, rule.severity.verdict(), Some(list), expected, msg));
        }
    }
}

/// A value cut to 200 characters for a finding (and a clean copy's notes).
pub(crate) fn short(v: &str) -> String {
    match v.char_indices().nth(200) {
        Some((i, _)) => format!("{}…", &v[..i]),
        None => v.to_string(),
    }
}

fn fix(item: &str) -> &'static str {
    match item {
        "gps" => {
            "remove the location (preflight's clean copy does; or exiftool -gps:all= -xmp-exif:gps*= FILE, or your export's \"remove location\" option)"
        }
        "location_text" => {
            "remove the place names (preflight's clean copy does; or clear City, State, Country and Location in your cataloguing software)"
        }
        "serial_numbers" => {
            "remove them (preflight's clean copy does; or exiftool -SerialNumber= -LensSerialNumber= -XMP:SerialNumber= -MakerNotes:all= FILE)"
        }
        "photographer" => {
            "remove them (preflight's clean copy does, keeping copyright notices; or clear the creator and contact fields of your export preset)"
        }
        "camera_owner" => {
            "remove it (preflight's clean copy does; or exiftool -OwnerName= -XMP:OwnerName= FILE) and clear the owner name in the camera's settings"
        }
        "xmp_history" => {
            "remove the editing history (preflight's clean copy does; or exiftool -xmp-xmpMM:all= FILE) or export without it"
        }
        _ => "remove the old thumbnail (preflight's clean copy does; or exiftool -ThumbnailImage= FILE)",
    }
}

fn label(item: &str) -> &'static str {
    match item {
        "gps" => "a GPS position",
        "location_text" => "place names (city, region, country, location)",
        "serial_numbers" => "camera or lens serial numbers",
        "photographer" => "the photographer's name or contact details",
        "camera_owner" => "a camera owner's name",
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

    const ALL: &str = r#"{"privacy": {"forbid": ["thumbnail_mismatch", "gps", "serial_numbers", "owner", "xmp_history", "location_text"]}}"#;

    #[test]
    fn a_clean_file_passes_every_item_and_copyright_is_kept() {
        let mut f = Fixture::jpeg();
        f.metadata.privacy.rights = vec![("Copyright (0x8298)".into(), "© A. Person".into())];
        let out = f.run(ALL);
        let ids: Vec<_> = out.iter().filter(|x| x.check.starts_with("privacy")).map(|x| x.check.as_str()).collect();
        assert_eq!(
            ids,
            [
                "privacy.gps",
                "privacy.location_text",
                "privacy.serial_numbers",
                "privacy.photographer",
                "privacy.camera_owner",
                "privacy.xmp_history",
                "privacy.thumbnail_mismatch"
            ],
            "\"owner\" stands for photographer and camera_owner"
        );
        assert!(out.iter().all(|x| x.verdict == Verdict::Pass), "{out:#?}");
        assert!(
            one(&out, "privacy.photographer")
                .message
                .contains("Kept (a buyer needs to know whose work it is): Copyright (0x8298) = © A. Person.")
        );
    }

    #[test]
    fn each_item_quotes_its_tags() {
        use crate::metadata::identifying::Category::Gps as GpsText;
        use crate::metadata::identifying::Category::{CameraOwner, LocationText, Photographer, SerialNumbers};
        let mut f = Fixture::jpeg();
        f.metadata.gps = Some(Gps { lat: 52.5, lon: 13.4, alt: None });
        let p = &mut f.metadata.privacy;
        p.sighted(SerialNumbers, "SerialNumber (0xA431)", "123063022888");
        p.sighted(SerialNumbers, "Canon SerialNumber (MakerNotes 0x000C)", "42");
        p.sighted(CameraOwner, "OwnerName (0xA430)", "H. Miley");
        p.sighted(Photographer, "IPTC By-line (2:80)", "Jane Doe");
        p.sighted(Photographer, "XMP Iptc4xmpCore:CreatorContactInfo", "CiEmailWork = jane@example.com");
        p.sighted(LocationText, "IPTC City (2:90)", "Berlin");
        p.sighted(GpsText, "XMP exif:GPSLatitude", "52,30.0N");
        p.xmp_history_events = 2;
        p.xmp_software_agents = vec!["Adobe Photoshop Lightroom 6.3 (Macintosh)".into()];
        p.xmp_personal_paths = vec!["/Users/jane".into()];
        let out = f.run(ALL);
        let get = |id: &str| one(&out, id).measured.clone().unwrap();
        assert_eq!(
            get("privacy.gps"),
            "GPSLatitude/GPSLongitude = 52.50000° N, 13.40000° E; XMP exif:GPSLatitude = 52,30.0N"
        );
        assert_eq!(
            get("privacy.serial_numbers"),
            "SerialNumber (0xA431) = 123063022888; Canon SerialNumber (MakerNotes 0x000C) = 42"
        );
        assert_eq!(get("privacy.camera_owner"), "OwnerName (0xA430) = H. Miley");
        assert_eq!(
            get("privacy.photographer"),
            "IPTC By-line (2:80) = Jane Doe; XMP Iptc4xmpCore:CreatorContactInfo = CiEmailWork = jane@example.com"
        );
        assert_eq!(get("privacy.location_text"), "IPTC City (2:90) = Berlin");
        assert_eq!(
            get("privacy.xmp_history"),
            "xmpMM:History = 2 events, stEvt:softwareAgent: Adobe Photoshop Lightroom 6.3 (Macintosh); XMP path /Users/jane…"
        );
        let s = one(&out, "privacy.serial_numbers");
        assert_eq!(s.verdict, Verdict::Fail);
        assert!(
            s.message.starts_with("The brief forbids camera or lens serial numbers: SerialNumber"),
            "{}",
            s.message
        );
        let warn = f.run(r#"{"privacy": {"forbid": ["camera_owner"], "severity": "warn"}}"#);
        assert_eq!(one(&warn, "privacy.camera_owner").verdict, Verdict::Warn);
    }

    #[test]
    fn rule_errors() {
        let e = brief_errors(r#"{"privacy": {"forbid": ["serials", "gps", "gps", "owner", "photographer"]}}"#);
        assert_eq!(e.len(), 2, "owner and photographer overlap, which is fine: {e:?}");
        assert!(e[0].starts_with("checks.privacy.forbid[0]: unknown value \"serials\""), "{e:?}");
        assert_eq!(e[1], "checks.privacy.forbid: \"gps\" is listed twice");
        let e = brief_errors(r#"{"privacy": {"severity": "warn"}}"#);
        assert!(e[0].starts_with("checks.privacy.forbid: missing; list what must not be in the file: gps,"), "{e:?}");
    }
}
