//! Metadata: EXIF (and, where EXIF lacks a field, XMP) gathered into one struct.
//!
//! The container parsers in [`crate::probe`] locate the metadata blocks (a JPEG's APP1, a PNG's
//! eXIf chunk, a HEIF's Exif item, a TIFF's own IFDs); [`exif`] reads TIFF-structured EXIF from
//! a [`crate::source::Reader`] at a base offset; [`xmp`] and [`iptc`] add keywords, title,
//! description (and XMP's capture-date fallbacks); this module defines what comes out.

pub mod exif;
pub mod identifying;
pub mod iptc;
pub mod xml;
pub mod xmp;

/// Most keywords kept per source (a file with more is reported in `warnings`).
pub const MAX_KEYWORDS: usize = 10_000;
/// Longest keyword, title or description kept, in characters (longer ones are cut, with a warning).
pub const MAX_TEXT_CHARS: usize = 1_000;

use serde::{Deserialize, Serialize};

/// Where a photo was taken, in decimal degrees (south and west negative).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Gps {
    pub lat: f64,
    pub lon: f64,
    /// Metres above sea level (negative below), if recorded.
    pub alt: Option<f64>,
}

/// What the file says about itself. Every key is always present in JSON (null when absent), so
/// a manifest has stable columns.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Metadata {
    pub make: Option<String>,
    pub model: Option<String>,
    pub lens_make: Option<String>,
    pub lens_model: Option<String>,
    pub body_serial: Option<String>,
    pub lens_serial: Option<String>,
    /// EXIF DateTimeOriginal as ISO 8601 local time, `2008-05-30T15:56:01` (sub-seconds appended
    /// from SubSecTimeOriginal when present: `…:01.25`).
    pub datetime_original: Option<String>,
    /// EXIF OffsetTimeOriginal, `+02:00`.
    pub offset_time_original: Option<String>,
    /// EXIF CreateDate (DateTimeDigitized), same form as `datetime_original`.
    pub create_date: Option<String>,
    pub gps: Option<Gps>,
    pub focal_length_mm: Option<f64>,
    pub focal_length_35mm: Option<f64>,
    pub f_number: Option<f64>,
    pub exposure_time_s: Option<f64>,
    pub iso: Option<u32>,
    /// EXIF WhiteBalance: 0 = auto, 1 = manual (what a series must keep constant).
    pub white_balance: Option<u16>,
    /// EXIF Orientation 1–8 (1 = as stored; 6 = rotate 90° clockwise to display).
    pub orientation: Option<u16>,
    pub software: Option<String>,
    pub artist: Option<String>,
    pub copyright: Option<String>,
    /// Keywords: XMP `dc:subject` items, then IPTC-IIM 2:25 Keywords not already listed (exact
    /// duplicates dropped, first-seen order kept). Entries may themselves be paths
    /// (`animal > mammal`, `scene|outdoor`); they are kept as written.
    pub keywords: Vec<String>,
    /// Lightroom's `lr:hierarchicalSubject` items as written (`|`-separated paths).
    pub hierarchical_keywords: Vec<String>,
    /// XMP `dc:title` (the `x-default` alternative, else the first), else IPTC 2:05 Object Name.
    pub title: Option<String>,
    /// XMP `dc:description` (`x-default`, else the first), else IPTC 2:120 Caption/Abstract.
    pub description: Option<String>,
    /// Which metadata blocks the file carries: `exif`, `xmp`, `iptc`, `icc`.
    pub blocks: Vec<String>,
    /// Problems met while reading metadata (a bad offset, a cut-off block). Reading goes on.
    pub warnings: Vec<String>,
    /// What each block said on its own, before merging (not in the report: the
    /// `metadata.consistency` finding quotes what matters).
    #[serde(skip)]
    pub sources: Sources,
    /// What could identify the photographer or their gear beyond the fields above (not in the
    /// report: the `privacy.*` findings quote the exact tags when a brief asks).
    #[serde(skip)]
    pub privacy: PrivacyTags,
}

/// Identifying metadata, with the exact tag each value came from.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PrivacyTags {
    /// Every identifying value found, in every container, with its category and tag
    /// ([`identifying`]); GPS positions read from EXIF are in [`Metadata::gps`] instead.
    pub sightings: Vec<identifying::Sighting>,
    /// The EXIF IFD1 thumbnail (JPEGInterchangeFormat 0x0201), when the file has one.
    pub thumbnail: Option<Thumbnail>,
    /// XMP `xmpMM:History` events (its `rdf:li` items) and their `stEvt:softwareAgent`s.
    pub xmp_history_events: usize,
    pub xmp_software_agents: Vec<String>,
    /// Paths naming a user account anywhere in the XMP (`/Users/NAME`, `C:\Users\NAME`,
    /// `/home/NAME`), as written up to the user name.
    pub xmp_personal_paths: Vec<String>,
    /// Copyright notices, as (tag, value): kept in clean copies, named in the findings.
    pub rights: Vec<(String, String)>,
}

impl PrivacyTags {
    /// Records a sighting unless the same tag already holds the same value; at most 200.
    pub fn sighted(&mut self, category: identifying::Category, tag: impl Into<String>, value: impl Into<String>) {
        let (tag, value) = (tag.into(), value.into());
        if self.sightings.len() < 200 && !self.sightings.iter().any(|s| s.tag == tag && s.value == value) {
            self.sightings.push(identifying::Sighting { category, tag, value });
        }
    }

    /// The sightings of one category.
    pub fn of(&self, category: identifying::Category) -> impl Iterator<Item = &identifying::Sighting> {
        self.sightings.iter().filter(move |s| s.category == category)
    }
}

/// An embedded EXIF thumbnail: its JPEG bytes (≤ 64 KB: it lives in the EXIF block) and size.
#[derive(Debug, Clone, PartialEq)]
pub struct Thumbnail {
    pub width: u32,
    pub height: u32,
    pub jpeg: Vec<u8>,
}

/// Per-block readings behind the merged fields, for comparing the blocks with one another.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sources {
    /// EXIF DateTimeOriginal (ISO, as in [`Metadata::datetime_original`]) as EXIF itself had it.
    pub exif_datetime_original: Option<String>,
    /// XMP `exif:DateTimeOriginal`, as written (`2012-06-10T12:06:14+01:00`).
    pub xmp_datetime_original: Option<String>,
    /// XMP `photoshop:DateCreated`, as written (may be a date alone).
    pub xmp_date_created: Option<String>,
    /// IPTC 2:55 Date Created + 2:60 Time Created as ISO 8601 (`2012-06-10T12:06:14+01:00`,
    /// or the date alone when there is no time).
    pub iptc_date_created: Option<String>,
    /// XMP `dc:subject` items.
    pub xmp_subject: Vec<String>,
    /// IPTC 2:25 Keywords.
    pub iptc_keywords: Vec<String>,
}

/// The names a brief may list under `exif.required`, with how to tell whether a file has each.
/// Names are EXIF tag names as ExifTool prints them.
pub const REQUIRED_FIELD_NAMES: &[&str] = &[
    "DateTimeOriginal",
    "OffsetTimeOriginal",
    "SubSecTimeOriginal",
    "CreateDate",
    "GPSLatitude",
    "GPSLongitude",
    "GPSAltitude",
    "Make",
    "Model",
    "LensMake",
    "LensModel",
    "SerialNumber",
    "LensSerialNumber",
    "FocalLength",
    "FocalLengthIn35mmFormat",
    "FNumber",
    "ExposureTime",
    "ISO",
    "Orientation",
    "Software",
    "Artist",
    "Copyright",
];

impl Metadata {
    /// Whether the field a brief names is present. `None` for a name preflight does not know.
    pub fn has_field(&self, name: &str) -> Option<bool> {
        Some(match name {
            "DateTimeOriginal" => self.datetime_original.is_some(),
            "OffsetTimeOriginal" => self.offset_time_original.is_some(),
            "SubSecTimeOriginal" => self.datetime_original.as_deref().is_some_and(|d| d.contains('.')),
            "CreateDate" => self.create_date.is_some(),
            "GPSLatitude" | "GPSLongitude" => self.gps.is_some(),
            "GPSAltitude" => self.gps.is_some_and(|g| g.alt.is_some()),
            "Make" => self.make.is_some(),
            "Model" => self.model.is_some(),
            "LensMake" => self.lens_make.is_some(),
            "LensModel" => self.lens_model.is_some(),
            "SerialNumber" => self.body_serial.is_some(),
            "LensSerialNumber" => self.lens_serial.is_some(),
            "FocalLength" => self.focal_length_mm.is_some(),
            "FocalLengthIn35mmFormat" => self.focal_length_35mm.is_some(),
            "FNumber" => self.f_number.is_some(),
            "ExposureTime" => self.exposure_time_s.is_some(),
            "ISO" => self.iso.is_some(),
            "Orientation" => self.orientation.is_some(),
            "Software" => self.software.is_some(),
            "Artist" => self.artist.is_some(),
            "Copyright" => self.copyright.is_some(),
            _ => return None,
        })
    }
}

/// Reads every metadata block the probe located into one [`Metadata`].
///
/// EXIF blocks are read in the order the probe found them (first value wins); XMP fills only
/// what EXIF left empty (lens model, capture date). `blocks` names what the file carries.
pub fn read(reader: &mut crate::source::Reader<'_>, probe: &crate::probe::Probe) -> Metadata {
    let mut out = Metadata::default();
    let mut has_exif = false;
    for block in &probe.exif {
        has_exif |= exif::read(reader, *block, &mut out);
    }
    out.sources.exif_datetime_original = out.datetime_original.clone();
    if let Some(block) = probe.xmp {
        xmp::read(reader, block, &mut out);
    }
    if let Some(block) = probe.canon_makernote {
        exif::read_canon_makernote(reader, block, &mut out);
    }
    if !probe.flir.is_empty() {
        flir(reader, &probe.flir, &mut out);
    }
    for block in &probe.png_text {
        png_text(reader, *block, &mut out);
    }
    for block in &probe.more_xmp {
        // Only what identifies: the first packet decides every other field.
        let mut more = Metadata::default();
        xmp::read(reader, *block, &mut more);
        let (p, m) = (&mut out.privacy, more.privacy);
        for s in m.sightings {
            p.sighted(s.category, s.tag, s.value);
        }
        p.xmp_history_events += m.xmp_history_events;
        for a in m.xmp_software_agents {
            if !p.xmp_software_agents.contains(&a) {
                p.xmp_software_agents.push(a);
            }
        }
        for x in m.xmp_personal_paths {
            if !p.xmp_personal_paths.contains(&x) {
                p.xmp_personal_paths.push(x);
            }
        }
        out.warnings.extend(more.warnings);
    }
    if let Some(block) = probe.iptc {
        iptc::read(reader, block, &mut out);
    }
    out.keywords = merge_keywords(&out.sources.xmp_subject, &out.sources.iptc_keywords);
    for (present, name) in
        [(has_exif, "exif"), (probe.xmp.is_some(), "xmp"), (probe.iptc.is_some(), "iptc"), (probe.icc, "icc")]
    {
        if present {
            out.blocks.push(name.to_string());
        }
    }
    out
}

/// A FLIR thermal camera's FFF data (the JPEG's APP1 `FLIR` segments joined): the CameraInfo
/// record (type 0x20) holds the camera's and the lens's serial numbers, at 0x104 and 0x1A0
/// (16-byte strings), as ExifTool reads them.
fn flir(reader: &mut crate::source::Reader<'_>, blocks: &[crate::probe::Block], out: &mut Metadata) {
    const MAX: u64 = 16 << 20;
    let mut fff = Vec::new();
    for b in blocks {
        if fff.len() as u64 + b.len > MAX {
            break;
        }
        let Ok(bytes) = reader.read_vec(b.offset, b.len, MAX, "FLIR segment") else { return };
        fff.extend_from_slice(&bytes);
    }
    if !fff.starts_with(b"FFF\0") || fff.len() < 0x20 {
        return;
    }
    // The header is big-endian when its version reads 100–199 that way.
    let be = (100..200).contains(&u32::from_be_bytes([fff[0x14], fff[0x15], fff[0x16], fff[0x17]]));
    let u32_at = |at: usize| -> Option<usize> {
        let b: [u8; 4] = fff.get(at..at + 4)?.try_into().ok()?;
        Some(if be { u32::from_be_bytes(b) } else { u32::from_le_bytes(b) } as usize)
    };
    let u16_at = |at: usize| -> Option<u16> {
        let b: [u8; 2] = fff.get(at..at + 2)?.try_into().ok()?;
        Some(if be { u16::from_be_bytes(b) } else { u16::from_le_bytes(b) })
    };
    let (Some(dir), Some(n)) = (u32_at(0x18), u32_at(0x1C)) else { return };
    for i in 0..n.min(256) {
        let e = dir + 32 * i;
        if u16_at(e) != Some(0x20) {
            continue;
        }
        let (Some(off), Some(len)) = (u32_at(e + 12), u32_at(e + 16)) else { continue };
        let Some(rec) = fff.get(off..off.saturating_add(len)) else { continue };
        for (at, name) in
            [(0x104, "FLIR CameraSerialNumber (CameraInfo 0x104)"), (0x1A0, "FLIR LensSerialNumber (CameraInfo 0x1A0)")]
        {
            let Some(raw) = rec.get(at..at + 16) else { continue };
            let v = String::from_utf8_lossy(&raw[..raw.iter().position(|&c| c == 0).unwrap_or(16)]).trim().to_string();
            if !v.is_empty() {
                out.privacy.sighted(identifying::Category::SerialNumbers, name, v);
            }
        }
    }
}

/// A PNG text chunk the probe marked ([`crate::probe::Probe::png_text`]): `Author` names the
/// photographer; ImageMagick's `Raw profile type exif` / `APP1` / `xmp` hex dumps are read as
/// the EXIF or XMP they hold (as ExifTool does), so what they say is on the card too.
fn png_text(reader: &mut crate::source::Reader<'_>, block: crate::probe::Block, out: &mut Metadata) {
    let Ok(bytes) = reader.read_vec(block.offset, block.len.min(4 << 20), 4 << 20, "PNG text chunk") else { return };
    let Some(nul) = bytes.iter().position(|&b| b == 0) else { return };
    let (key, rest) = (&bytes[..nul], &bytes[nul + 1..]);
    if key == b"Author" {
        if let Some(text) = png_plain_text(rest) {
            let text = bounded_text(text, "a PNG Author", &mut out.warnings);
            out.privacy.sighted(identifying::Category::Photographer, "PNG Author", text);
        }
        return;
    }
    let Some(data) = iptc::png_raw_profile(rest) else {
        out.warnings.push(format!("the PNG's {} cannot be decoded", String::from_utf8_lossy(key)));
        return;
    };
    let mut src = crate::source::SliceSource(&data);
    let mut inner = crate::source::Reader::new(&mut src);
    if key == b"Raw profile type xmp" {
        xmp::read_text(&String::from_utf8_lossy(&data), out);
    } else {
        let skip = if data.starts_with(b"Exif\0\0") { 6 } else { 0 };
        let block = crate::probe::Block { offset: skip, len: data.len() as u64 - skip };
        exif::read(&mut inner, block, out);
    }
}

/// A text chunk's text after its keyword: `tEXt` (Latin-1), `zTXt` (method 0 + zlib), `iTXt`
/// (flag, method, language, translated keyword, UTF-8 text, maybe compressed).
fn png_plain_text(rest: &[u8]) -> Option<String> {
    let inflate = |z: &[u8]| miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(z, 1 << 16).ok();
    let s = match rest {
        [flag @ (0 | 1), 0, t @ ..] => {
            let t = &t[t.iter().position(|&b| b == 0)? + 1..];
            let t = &t[t.iter().position(|&b| b == 0)? + 1..];
            String::from_utf8_lossy(&if *flag == 1 { inflate(t)? } else { t.to_vec() }).into_owned()
        }
        [0, z @ ..] => inflate(z)?.iter().map(|&c| c as char).collect(),
        t => t.iter().map(|&c| c as char).collect(),
    };
    let s = s.trim().to_string();
    (!s.is_empty()).then_some(s)
}

/// `a` then the items of `b` not in it; exact duplicates (after trimming) dropped, order kept.
pub fn merge_keywords(a: &[String], b: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for k in a.iter().chain(b) {
        let k = k.trim();
        if !k.is_empty() && seen.insert(k) {
            out.push(k.to_string());
        }
    }
    out
}

/// Cuts `s` to [`MAX_TEXT_CHARS`] characters; says so in `warnings` (once per `what`).
pub(crate) fn bounded_text(s: String, what: &str, warnings: &mut Vec<String>) -> String {
    match s.char_indices().nth(MAX_TEXT_CHARS) {
        None => s,
        Some((cut, _)) => {
            let w = format!("{what} longer than {MAX_TEXT_CHARS} characters was cut");
            if !warnings.contains(&w) {
                warnings.push(w);
            }
            s[..cut].to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_merge_in_order_without_duplicates() {
        let v = |xs: &[&str]| xs.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(merge_keywords(&v(&["b", "a", " b ", ""]), &v(&["a", "c", "B"])), v(&["b", "a", "c", "B"]));
    }

    #[test]
    fn every_documented_field_name_is_answerable() {
        let m = Metadata::default();
        for name in REQUIRED_FIELD_NAMES {
            assert_eq!(m.has_field(name), Some(false), "{name}");
        }
        assert_eq!(m.has_field("Nonsense"), None);
    }
}
