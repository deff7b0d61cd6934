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
//! | item | EXIF | XMP |
//! |---|---|---|
//! | `gps` | the GPS directory (0x8825, every GPS tag) | `exif:GPS*` |
//! | `serial_numbers` | BodySerialNumber 0xA431, LensSerialNumber 0xA435, CameraSerialNumber 0xC62F | `aux:SerialNumber`, `aux:LensSerialNumber`, `exifEX:BodySerialNumber`, `exifEX:LensSerialNumber` |
//! | `owner` | Artist 0x013B, XPAuthor 0x9C9D, CameraOwnerName 0xA430 | `tiff:Artist`, `aux:OwnerName`, `exifEX:CameraOwnerName` |
//! | `xmp_history` | ApplicationNotes 0x02BC (XMP inside EXIF) | `xmpMM:History`, `xmpMM:DerivedFrom`, `xmpMM:Ingredients`, `xmpMM:Pantry`, `photoshop:DocumentAncestors`, any property naming a user account's path |
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
//! Formats: JPEG ([`jpeg`]), PNG ([`png`]) and WebP ([`webp`]). Any other format is refused with the reason
//! ([`clean`] returns `Err`): never a copy that silently still holds a GPS position.

pub mod exif_rewrite;
pub mod jpeg;
pub mod png;
pub mod webp;
pub mod xmp;

#[cfg(feature = "pixels")]
pub mod blur;

use crate::checks::Rules;
use crate::report::ObjectBox;
use exif_rewrite::Dir;

/// What a clean copy drops; see the module docs.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Plan {
    pub gps: bool,
    pub serial_numbers: bool,
    pub owner: bool,
    pub xmp_history: bool,
    /// Forbidden items kept because the brief requires them, for the copy's notes.
    pub notes: Vec<String>,
    keep_body_serial: bool,
    keep_lens_serial: bool,
    keep_artist: bool,
}

impl Plan {
    /// Everything identifying dropped (a brief without a `privacy` block).
    pub fn strip_all() -> Plan {
        Plan { gps: true, serial_numbers: true, owner: true, xmp_history: true, ..Plan::default() }
    }

    pub fn from_rules(rules: &Rules) -> Plan {
        let mut plan = match &rules.privacy {
            None => Plan::strip_all(),
            Some(p) => Plan {
                gps: p.forbid.contains(&"gps"),
                serial_numbers: p.forbid.contains(&"serial_numbers"),
                owner: p.forbid.contains(&"owner"),
                xmp_history: p.forbid.contains(&"xmp_history"),
                ..Plan::default()
            },
        };
        let required: &[&str] = rules.exif.as_ref().map_or(&[], |e| &e.required);
        let requires = |f: &str| required.contains(&f);
        let needs_gps =
            required.iter().any(|f| f.starts_with("GPS")) || rules.gps.as_ref().is_some_and(|g| g.bounds.is_some());
        if plan.gps && needs_gps {
            plan.gps = false;
            plan.notes.push("GPS kept: the brief requires a position (exif.required or gps.bounds)".into());
        }
        if plan.serial_numbers {
            plan.keep_body_serial = requires("SerialNumber");
            plan.keep_lens_serial = requires("LensSerialNumber");
        }
        if plan.owner {
            plan.keep_artist = requires("Artist");
        }
        for (kept, name) in [
            (plan.keep_body_serial, "BodySerialNumber"),
            (plan.keep_lens_serial, "LensSerialNumber"),
            (plan.keep_artist, "Artist"),
        ] {
            if kept {
                plan.notes.push(format!("{name} kept: the brief requires it"));
            }
        }
        plan
    }

    /// Why an EXIF tag is left out of the copy (`None`: kept).
    pub fn drop_reason(&self, dir: Dir, tag: u16) -> Option<&'static str> {
        const SERIAL: &str = "a serial number identifies the camera's owner";
        const OWNER: &str = "names the photographer or owner";
        match (dir, tag) {
            (Dir::Ifd0, 0x8825) if self.gps => Some("the brief forbids a GPS position"),
            (Dir::Exif, 0xA431) if self.serial_numbers && !self.keep_body_serial => Some(SERIAL),
            (Dir::Exif, 0xA435) if self.serial_numbers && !self.keep_lens_serial => Some(SERIAL),
            (Dir::Ifd0, 0xC62F) if self.serial_numbers => Some(SERIAL),
            (Dir::Ifd0, 0x013B) if self.owner && !self.keep_artist => Some(OWNER),
            (Dir::Ifd0, 0x9C9D) | (Dir::Exif, 0xA430) if self.owner => Some(OWNER),
            (Dir::Ifd0, 0x02BC) if self.xmp_history => Some("XMP inside EXIF, which may hold editing history"),
            (Dir::Exif, 0x927C) => {
                Some("maker notes hold serial numbers, and their offsets point into the original layout")
            }
            (Dir::Ifd0, 0x014A) => Some("points at sub-images preflight does not rewrite"),
            _ => None,
        }
    }

    /// Why an XMP property (qualified name, and its value or whole element text) is dropped.
    pub fn xmp_drop_reason(&self, name: &str, value: &str) -> Option<&'static str> {
        let serial = ["aux:SerialNumber", "aux:LensSerialNumber", "exifEX:BodySerialNumber", "exifEX:LensSerialNumber"];
        let owner = ["tiff:Artist", "aux:OwnerName", "exifEX:CameraOwnerName"];
        let history =
            ["xmpMM:History", "xmpMM:DerivedFrom", "xmpMM:Ingredients", "xmpMM:Pantry", "photoshop:DocumentAncestors"];
        let keep_serial = match name {
            "aux:SerialNumber" | "exifEX:BodySerialNumber" => self.keep_body_serial,
            _ => self.keep_lens_serial,
        };
        if self.gps && name.starts_with("exif:GPS") {
            Some("the brief forbids a GPS position")
        } else if self.serial_numbers && serial.contains(&name) && !keep_serial {
            Some("a serial number identifies the camera's owner")
        } else if self.owner && owner.contains(&name) && !(name == "tiff:Artist" && self.keep_artist) {
            Some("names the photographer or owner")
        } else if self.xmp_history && history.contains(&name) {
            Some("editing history: the software, steps and files behind the photo")
        } else if self.xmp_history
            && crate::metadata::xmp::PERSONAL_PATH_PREFIXES.iter().any(|(p, _)| value.contains(p))
        {
            Some("a path naming a user account")
        } else {
            None
        }
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
    /// `JPEG`, `PNG` or `WEBP`.
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
    } else {
        return Err(unsupported(bytes));
    };
    cleaned.notes.splice(0..0, plan.notes);
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

/// Why no copy was made of a format preflight does not rewrite.
fn unsupported(bytes: &[u8]) -> String {
    let mut src = crate::source::SliceSource(bytes);
    let mut reader = crate::source::Reader::new(&mut src);
    let name = crate::probe::probe(&mut reader).ok().and_then(|p| p.format).map_or("this", |f| f.name());
    format!(
        "clean copies are made of JPEG, PNG and WebP files only; no copy of this {name} file was made (its metadata was not removed). Export a JPEG to clean it"
    )
}
