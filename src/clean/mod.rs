//! Clean copies: a file rewritten without the metadata a brief marks private, keeping what the
//! brief requires — losslessly when no pixel changes (the image data is copied byte for byte),
//! re-encoded only when faces or plates are blurred.
//!
//! # The plan: what is dropped, and why
//!
//! The items come from the brief's `privacy.forbid` ([`crate::checks::privacy`]); a brief
//! without a `privacy` block forbids all of them (a copy made "upload-ready" should not carry
//! what identifies the photographer unless the buyer asks for it). A field the brief *requires*
//! (`exif.required`, or a `gps.bounds` rule, which needs a position to judge) is kept even when
//! its item is forbidden, and the copy's notes say so.
//!
//! Which tag is in which category is [`crate::metadata::identifying`]'s table — the same one the
//! `privacy.*` findings read with, so what the card names is what the copy drops — in EXIF (the
//! GPS directory 0x8825 goes whole), XMP (by namespace, whatever the prefix: [`xmp`]) and
//! IPTC-IIM ([`iptc`]). XMP inside EXIF (ApplicationNotes 0x02BC) goes with `xmp_history`.
//! Copyright notices stay (a buyer needs them) and the copy's notes name them.
//!
//! Always dropped, whatever the brief: the IFD1 thumbnail (can show an old crop; nobody
//! requires it), the MakerNote (a vendor blob holding serial numbers, whose internal offsets
//! point into the original layout), comments, vendor APPn segments, embedded preview images
//! (MPF, Photoshop thumbnails, JFXX) and bytes after the image's end. Kept untouched: capture
//! time and offset, camera, lens, exposure, ISO, orientation, copyright, keywords, title,
//! description (everything not listed above), the ICC profile, and every segment that describes
//! the pixels (quantisation and Huffman tables, frame and scan headers, the entropy-coded data,
//! Adobe APP14's colour transform).
//!
//! Formats: JPEG ([`jpeg`]), PNG ([`png`]), WebP ([`webp`]), HEIC and AVIF ([`heif`]). Any other format is refused with the reason
//! ([`clean`] returns `Err`): never a copy that silently still holds a GPS position.

pub mod exif_rewrite;
pub mod heif;
pub mod iptc;
pub mod jpeg;
pub mod png;
pub mod webp;
pub mod xmp;

#[cfg(feature = "pixels")]
pub mod blur;

use crate::checks::Rules;
use crate::metadata::identifying::{self, Category};
use crate::report::ObjectBox;
use exif_rewrite::Dir;

/// A field kept against `privacy.forbid`, and the sentence that says so.
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    /// `GPS`, `SerialNumber`, `LensSerialNumber` or `Artist`.
    pub field: &'static str,
    pub text: String,
}

/// What a clean copy drops; see the module docs.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Plan {
    /// The privacy categories dropped ([`crate::metadata::identifying`]).
    pub drop: Vec<Category>,
    /// Forbidden fields kept because the brief requires or recommends them, for the copy's
    /// notes (each said only when the file has the field).
    pub notes: Vec<Note>,
    /// Keep a C2PA manifest (Content Credentials): `privacy.keep_content_credentials`.
    pub keep_content_credentials: bool,
    keep_body_serial: bool,
    keep_lens_serial: bool,
    keep_artist: bool,
}

impl Plan {
    /// Everything identifying dropped (a brief without a `privacy` block).
    pub fn strip_all() -> Plan {
        Plan { drop: Category::ALL.to_vec(), ..Plan::default() }
    }

    pub fn drops(&self, c: Category) -> bool {
        self.drop.contains(&c)
    }

    pub fn from_rules(rules: &Rules) -> Plan {
        let mut plan = match &rules.privacy {
            None => Plan::strip_all(),
            Some(p) => Plan {
                drop: Category::ALL.into_iter().filter(|c| p.forbids(c.key())).collect(),
                keep_content_credentials: p.keep_content_credentials,
                ..Plan::default()
            },
        };
        // What the brief asks for — required or recommended — stays: a copy must not make the
        // brief's own checks warn where the original passed.
        let exif = rules.exif.as_ref();
        let wanted = |f: &str| -> Option<&'static str> {
            if exif.is_some_and(|e| e.required.contains(&f)) {
                Some("requires")
            } else if exif.is_some_and(|e| e.recommended.contains(&f)) {
                Some("recommends")
            } else {
                None
            }
        };
        let gps_field = ["GPSLatitude", "GPSLongitude", "GPSAltitude"].into_iter().find_map(wanted);
        let gps_why = if rules.gps.as_ref().is_some_and(|g| g.bounds.is_some()) { Some("requires") } else { gps_field };
        if plan.drops(Category::Gps)
            && let Some(why) = gps_why
        {
            plan.drop.retain(|&c| c != Category::Gps);
            plan.notes.push(Note { field: "GPS", text: format!("GPS kept: the brief {why} a position") });
        }
        if plan.drops(Category::SerialNumbers) {
            for (field, keep) in
                [("SerialNumber", &mut plan.keep_body_serial), ("LensSerialNumber", &mut plan.keep_lens_serial)]
            {
                if let Some(why) = wanted(field) {
                    *keep = true;
                    plan.notes.push(Note { field, text: format!("{field} kept: the brief {why} it") });
                }
            }
        }
        if plan.drops(Category::Photographer)
            && let Some(why) = wanted("Artist")
        {
            plan.keep_artist = true;
            plan.notes.push(Note {
                field: "Artist",
                text: format!("Artist kept (with the creator in XMP and IPTC): the brief {why} it"),
            });
        }
        plan
    }

    /// Why an EXIF tag is left out of the copy (`None`: kept).
    pub fn drop_reason(&self, dir: Dir, tag: u16) -> Option<&'static str> {
        use Category::*;
        const SERIAL: &str = "a serial number identifies the camera's owner";
        const OWNER: &str = "names the photographer";
        match (dir, tag) {
            (Dir::Ifd0, 0x8825) if self.drops(Gps) => Some("the brief forbids a GPS position"),
            (Dir::Exif, 0xA431) if self.drops(SerialNumbers) && !self.keep_body_serial => Some(SERIAL),
            (Dir::Exif, 0xA435) if self.drops(SerialNumbers) && !self.keep_lens_serial => Some(SERIAL),
            (Dir::Ifd0, 0xC62F) if self.drops(SerialNumbers) => Some(SERIAL),
            (Dir::Ifd0, 0x013B) if self.drops(Photographer) && !self.keep_artist => Some(OWNER),
            (Dir::Ifd0, 0x9C9D) if self.drops(Photographer) => Some(OWNER),
            (Dir::Exif, 0xA430) if self.drops(CameraOwner) => Some("names the camera's owner"),
            (Dir::Ifd0, 0x02BC) if self.drops(XmpHistory) => Some("XMP inside EXIF, which may hold editing history"),
            (Dir::Exif, 0x927C) => {
                Some("maker notes hold serial numbers, and their offsets point into the original layout")
            }
            (Dir::Ifd0, 0x014A) => Some("points at sub-images preflight does not rewrite"),
            _ => None,
        }
    }

    /// Why an XMP property (namespace URI, local name; `value`: its own text) is dropped.
    pub fn xmp_drop_reason(&self, ns: &str, local: &str, value: &str) -> Option<&'static str> {
        use crate::metadata::xml::uri;
        use Category::*;
        let category = identifying::xmp(ns, local)
            .or_else(|| (ns == uri("exif") && local.starts_with("GPS")).then_some(Gps))
            .filter(|&c| self.drops(c));
        let kept = match (category, local) {
            (Some(SerialNumbers), "SerialNumber" | "BodySerialNumber") => self.keep_body_serial,
            (Some(SerialNumbers), _) => self.keep_lens_serial,
            (Some(Photographer), "Artist" | "creator") => self.keep_artist,
            _ => false,
        };
        match category {
            Some(_) if kept => None,
            Some(Gps) => Some("the brief forbids a GPS position"),
            Some(LocationText) => Some("names where the photo was taken"),
            Some(SerialNumbers) => Some("a serial number identifies the camera's owner"),
            Some(Photographer) => Some("names or contacts the photographer"),
            Some(CameraOwner) => Some("names the camera's owner"),
            Some(XmpHistory) => Some("editing history: the software, steps and files behind the photo"),
            None if self.drops(XmpHistory) && !identifying::personal_paths(value).is_empty() => {
                Some("a path naming a user account")
            }
            None => None,
        }
    }

    /// What happens to a C2PA manifest (Content Credentials): `Ok(note)` kept, `Err(why)` dropped.
    pub fn content_credentials(&self) -> Result<&'static str, &'static str> {
        if self.keep_content_credentials {
            Ok(
                "Content Credentials (C2PA) kept, as the brief asks: removing metadata breaks their signature, so a verifier will report the copy as altered",
            )
        } else {
            Err(
                "Content Credentials (a C2PA manifest): removing metadata breaks its signature, and it can name the photographer; keep it with privacy.keep_content_credentials",
            )
        }
    }

    /// Why an IPTC-IIM dataset is dropped.
    pub fn iptc_drop_reason(&self, record: u8, dataset: u8) -> Option<&'static str> {
        let (c, _) = identifying::iptc(record, dataset)?;
        if !self.drops(c) || (c == Category::Photographer && dataset == 80 && self.keep_artist) {
            return None;
        }
        Some(if c == Category::LocationText {
            "names where the photo was taken"
        } else {
            "names or contacts the photographer"
        })
    }
}

/// A face or plate region to blur, in full-size pixels of the image as displayed (EXIF
/// orientation applied), as the report's `faces` / `plates` give them.
pub type Region = ObjectBox;

/// A clean copy and what happened to make it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Cleaned {
    #[serde(skip)]
    pub bytes: Vec<u8>,
    /// `JPEG`, `PNG`, `WEBP`, `HEIC` or `AVIF`.
    pub format: &'static str,
    /// Image data copied byte for byte (no region blurred).
    pub lossless: bool,
    /// One line per thing left out, with why.
    pub removed: Vec<String>,
    /// Forbidden items kept because the brief requires them; how the pixels were changed.
    pub notes: Vec<String>,
    /// Regions blurred (none for a lossless copy).
    pub blurred: usize,
}

/// Makes the clean copy of `bytes` (a whole file) for `rules`, blurring `regions` when any are
/// given (JPEG only: the copy is then re-encoded). `Err`: the format is not handled or the file
/// is too damaged to rewrite — no copy is made.
///
/// # Allocations
/// The output file (about the input's size); when blurring, the full-size RGB image (3 bytes a
/// pixel) and the encoder's buffers.
pub fn clean(bytes: &[u8], rules: &Rules, regions: &[Region]) -> Result<Cleaned, String> {
    let plan = Plan::from_rules(rules);
    let mut cleaned = if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        let pieces = jpeg::rewrite(bytes, &plan)?;
        if regions.is_empty() {
            Cleaned {
                bytes: pieces.assemble(),
                format: "JPEG",
                lossless: true,
                removed: pieces.removed,
                notes: Vec::new(),
                blurred: 0,
            }
        } else {
            blur_jpeg(bytes, pieces, regions)?
        }
    } else if bytes.starts_with(png::SIGNATURE) {
        if !regions.is_empty() {
            return Err("blurring is done for JPEG files only; this PNG was not copied".into());
        }
        let (out, removed) = png::rewrite(bytes, &plan)?;
        Cleaned { bytes: out, format: "PNG", lossless: true, removed, notes: Vec::new(), blurred: 0 }
    } else if webp::is_webp(bytes) {
        if !regions.is_empty() {
            return Err("blurring is done for JPEG files only; this WebP was not copied".into());
        }
        let (out, removed) = webp::rewrite(bytes, &plan)?;
        Cleaned { bytes: out, format: "WEBP", lossless: true, removed, notes: Vec::new(), blurred: 0 }
    } else if let Some(format @ ("HEIC" | "AVIF")) = format_name(bytes) {
        if !regions.is_empty() {
            return Err(format!("blurring is done for JPEG files only; this {format} was not copied"));
        }
        let (out, removed) = heif::rewrite(bytes, &plan)?;
        Cleaned { bytes: out, format, lossless: true, removed, notes: Vec::new(), blurred: 0 }
    } else {
        return Err(unsupported(bytes));
    };
    let original = original(bytes);
    let m = original.as_ref().map(|(_, m)| m);
    // "GPS kept" only where there was GPS to keep.
    let has = |field: &str| {
        m.is_some_and(|m| if field == "GPS" { m.gps.is_some() } else { m.has_field(field) == Some(true) })
    };
    let has_c2pa = original.as_ref().is_some_and(|(p, _)| p.content_credentials.is_some());
    let mut kept: Vec<String> = plan.notes.iter().filter(|n| has(n.field)).map(|n| n.text.clone()).collect();
    if let (Ok(note), true) = (plan.content_credentials(), has_c2pa) {
        kept.push(note.into());
    }
    cleaned.notes.splice(0..0, kept);
    if plan.drops(Category::Photographer)
        && let Some(m) = m
        && !m.privacy.rights.is_empty()
    {
        let short = crate::checks::privacy::short;
        let rights: Vec<String> = m.privacy.rights.iter().map(|(tag, v)| format!("{tag} = {}", short(v))).collect();
        cleaned.notes.push(format!("Copyright kept (a buyer needs to know whose work it is): {}", rights.join("; ")));
    }
    Ok(cleaned)
}

#[cfg(feature = "pixels")]
fn blur_jpeg(bytes: &[u8], pieces: jpeg::Pieces, regions: &[Region]) -> Result<Cleaned, String> {
    let out = blur::blur_jpeg(bytes, &pieces, regions)?;
    Ok(Cleaned {
        bytes: out,
        format: "JPEG",
        lossless: false,
        removed: pieces.removed,
        notes: vec![format!(
            "{} region{} blurred irreversibly; the image was re-encoded (JPEG quality {})",
            regions.len(),
            if regions.len() == 1 { "" } else { "s" },
            blur::QUALITY
        )],
        blurred: regions.len(),
    })
}

#[cfg(not(feature = "pixels"))]
fn blur_jpeg(_: &[u8], _: jpeg::Pieces, _: &[Region]) -> Result<Cleaned, String> {
    Err("this build of the engine has no image decoders, so it cannot blur; the copy was not made".into())
}

/// The original's probe and metadata (what the copy's notes speak of).
fn original(bytes: &[u8]) -> Option<(crate::probe::Probe, crate::metadata::Metadata)> {
    let mut src = crate::source::SliceSource(bytes);
    let mut reader = crate::source::Reader::new(&mut src);
    let probe = crate::probe::probe(&mut reader).ok()?;
    let m = crate::metadata::read(&mut reader, &probe);
    Some((probe, m))
}

/// A copy's file name: `suffix` before the extension (`photo.jpg`, `.clean` →
/// `photo.clean.jpg`; no extension: appended). The page names its downloads the same way.
pub fn copy_name(name: &str, suffix: &str) -> String {
    match name.rfind('.').filter(|&i| i > 0) {
        Some(i) => format!("{}{suffix}{}", &name[..i], &name[i..]),
        None => format!("{name}{suffix}"),
    }
}

/// The format's name, as the probe tells it from the header.
fn format_name(bytes: &[u8]) -> Option<&'static str> {
    let mut src = crate::source::SliceSource(bytes);
    let mut reader = crate::source::Reader::new(&mut src);
    crate::probe::probe(&mut reader).ok().and_then(|p| p.format).map(|f| f.name())
}

/// Why no copy was made of a format preflight does not rewrite.
fn unsupported(bytes: &[u8]) -> String {
    let name = format_name(bytes).unwrap_or("this");
    format!(
        "clean copies are made of JPEG, PNG, WebP, HEIC and AVIF files only; no copy of this {name} file was made (its metadata was not removed). Export a JPEG to clean it"
    )
}
