//! Probe: what a file is, from its header alone.
//!
//! Format comes from magic bytes (never the extension); dimensions and bit depth from the
//! container's own header (SOF, IHDR, VP8X, ispe/pixi, the full-resolution IFD); and the
//! *locations* of the metadata blocks (EXIF, XMP, IPTC) that [`crate::metadata`] then reads.
//! Nothing here decodes pixels.
//!
//! # Allocations
//! Reads go through a block-caching [`Reader`]; a probe touches a few 64 KiB blocks of a
//! well-formed file (the head, and for some containers one block near a pointed-to IFD or
//! item). Any length field is bounded before it is used to allocate.

use serde::Serialize;

use crate::source::{ReadError, Reader, human_bytes};

pub mod bmff;
pub mod jpeg;
pub mod other;
pub mod png;
pub mod raf;
pub mod simple;
pub mod tiff;
pub mod webp;

/// A container format preflight recognises by its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Format {
    Jpeg,
    Png,
    Tiff,
    WebP,
    Heic,
    Avif,
    /// Adobe Digital Negative (TIFF with DNGVersion).
    Dng,
    /// Canon RAW v2 (TIFF, `CR` at byte 8).
    Cr2,
    /// Canon RAW v3 (ISO-BMFF, brand `crx `).
    Cr3,
    /// Nikon (TIFF).
    Nef,
    /// Sony (TIFF).
    Arw,
    /// Olympus (TIFF-like, magic `IIRO`/`IIRS`/`MMOR`).
    Orf,
    /// Panasonic (TIFF-like, magic `IIU\0`).
    Rw2,
    /// Fujifilm (`FUJIFILMCCD-RAW`).
    Raf,
    /// Pentax (TIFF).
    Pef,
    /// Samsung (TIFF).
    Srw,
    /// Recognised but not a photo format preflight checks further.
    Gif,
    Bmp,
    Jxl,
    Psd,
}

impl Format {
    /// The name used in reports and briefs (`"JPEG"`, `"WEBP"`, `"NEF"`).
    pub fn name(self) -> &'static str {
        match self {
            Format::Jpeg => "JPEG",
            Format::Png => "PNG",
            Format::Tiff => "TIFF",
            Format::WebP => "WEBP",
            Format::Heic => "HEIC",
            Format::Avif => "AVIF",
            Format::Dng => "DNG",
            Format::Cr2 => "CR2",
            Format::Cr3 => "CR3",
            Format::Nef => "NEF",
            Format::Arw => "ARW",
            Format::Orf => "ORF",
            Format::Rw2 => "RW2",
            Format::Raf => "RAF",
            Format::Pef => "PEF",
            Format::Srw => "SRW",
            Format::Gif => "GIF",
            Format::Bmp => "BMP",
            Format::Jxl => "JXL",
            Format::Psd => "PSD",
        }
    }

    /// Every format, in the order briefs document them.
    pub const ALL: &'static [Format] = &[
        Format::Jpeg,
        Format::Png,
        Format::Tiff,
        Format::WebP,
        Format::Heic,
        Format::Avif,
        Format::Dng,
        Format::Cr2,
        Format::Cr3,
        Format::Nef,
        Format::Arw,
        Format::Orf,
        Format::Rw2,
        Format::Raf,
        Format::Pef,
        Format::Srw,
        Format::Gif,
        Format::Bmp,
        Format::Jxl,
        Format::Psd,
    ];

    /// Parses a brief's format name, case-insensitively (`"jpeg"`, `"JPG"`, `"webp"`).
    pub fn from_name(s: &str) -> Option<Format> {
        let s = s.to_ascii_uppercase();
        let s = match s.as_str() {
            "JPG" => "JPEG",
            "TIF" => "TIFF",
            "HEIF" => "HEIC",
            other => other,
        };
        Format::ALL.iter().copied().find(|f| f.name() == s)
    }

    /// A camera raw format (sensor data, developed later).
    pub fn is_raw(self) -> bool {
        matches!(
            self,
            Format::Dng
                | Format::Cr2
                | Format::Cr3
                | Format::Nef
                | Format::Arw
                | Format::Orf
                | Format::Rw2
                | Format::Raf
                | Format::Pef
                | Format::Srw
        )
    }

    /// File extensions (lower case, no dot) that honestly name this format.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            Format::Jpeg => &["jpg", "jpeg", "jpe", "jfif"],
            Format::Png => &["png"],
            Format::Tiff => &["tif", "tiff"],
            Format::WebP => &["webp"],
            Format::Heic => &["heic", "heif", "hif"],
            Format::Avif => &["avif"],
            Format::Dng => &["dng"],
            Format::Cr2 => &["cr2"],
            Format::Cr3 => &["cr3"],
            Format::Nef => &["nef", "nrw"],
            Format::Arw => &["arw", "srf", "sr2"],
            Format::Orf => &["orf"],
            Format::Rw2 => &["rw2", "rwl", "raw"],
            Format::Raf => &["raf"],
            Format::Pef => &["pef"],
            Format::Srw => &["srw"],
            Format::Gif => &["gif"],
            Format::Bmp => &["bmp", "dib"],
            Format::Jxl => &["jxl"],
            Format::Psd => &["psd"],
        }
    }
}

/// Where a metadata block lives inside the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Block {
    pub offset: u64,
    pub len: u64,
}

/// What the header says.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Probe {
    /// None: the bytes match no format preflight knows.
    pub format: Option<Format>,
    /// Stored (pre-orientation) size of the main image; for RAW, the sensor's full image.
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// Bits per sample of the main image as declared (JPEG SOF precision, PNG IHDR, TIFF
    /// BitsPerSample of the full-resolution IFD, …).
    pub bit_depth: Option<u8>,
    /// TIFF-structured EXIF blocks (byte order mark first). TIFF-based files point at
    /// themselves (`offset 0`, whole length); CR3 has several (CMT1…CMT4).
    pub exif: Vec<Block>,
    /// The XMP packet (UTF-8 XML), if any.
    pub xmp: Option<Block>,
    /// Further XMP packets (a JPEG may carry several APP1 XMP segments; readers such as
    /// ExifTool read them all): read for what identifies the photographer, at most 8.
    pub more_xmp: Vec<Block>,
    /// A CR3's Canon maker notes (`CMT3`, a TIFF structure of their own).
    pub canon_makernote: Option<Block>,
    /// A FLIR thermal camera's FFF data (JPEG APP1 `FLIR`), one block per segment, in order.
    pub flir: Vec<Block>,
    /// PNG text chunks (`tEXt`, `zTXt`, `iTXt`; from the keyword on) that name the author or
    /// carry ImageMagick's hex dumps of EXIF / XMP (`Raw profile type exif`, `APP1`, `xmp`),
    /// which readers such as ExifTool read as metadata; at most 16.
    pub png_text: Vec<Block>,
    /// Content Credentials (a C2PA manifest store in JUMBF): where (`JPEG APP11`, `PNG caBX`,
    /// `WebP C2PA`, `BMFF uuid`) and how many bytes.
    pub content_credentials: Option<(&'static str, u64)>,
    /// IPTC-IIM data (a JPEG's APP13 Photoshop resource 0x0404 payload, or TIFF tag 33723).
    pub iptc: Option<Block>,
    pub icc: bool,
    /// Structural problems met while probing (plain words, for the report).
    pub warnings: Vec<String>,
    /// The header declares more pixels than the file can hold (a wrong header, a cut-off file
    /// or a decompression bomb): its pixels are not decoded.
    pub header_exceeds_file: bool,
    /// When `format` is `None`: what the bytes look like instead (`"an HTML page (…)"`, `"all
    /// zero bytes: …"`), from [`other::identify`]; `None` for unidentified data.
    pub other: Option<&'static str>,
}

impl Probe {
    /// Records that the header declares `w × h` pixels but the file's `have` bytes are fewer
    /// than the `needed` that any encoding of that many pixels takes.
    pub(crate) fn header_exceeds_file(&mut self, w: u32, h: u32, have: u64, needed: u64) {
        self.header_exceeds_file = true;
        self.warnings.push(format!(
            "the header declares {w} × {h} pixels, but the file ({}) cannot hold them: even a flat image that size needs at least {}; the header is wrong or the file is cut off",
            human_bytes(have),
            human_bytes(needed)
        ));
    }
}

/// Reads the header of whatever `reader` holds. `Err` only when the source itself fails or the
/// file is too short to say anything; an unknown format is `Ok` with `format: None`.
///
/// Dispatches on magic bytes to one parser per container (see the submodules). Damage found on
/// the way (a segment running past the end, a bad offset) becomes a plain-words warning in
/// [`Probe::warnings`]; the fields that could be read are still filled.
pub fn probe(reader: &mut Reader<'_>) -> Result<Probe, ReadError> {
    let mut out = Probe::default();
    if reader.len() < 2 {
        return Err(ReadError::TooShort { file_len: reader.len() });
    }
    let head = reader.read_up_to(0, 16)?;
    let starts = |magic: &[u8]| head.starts_with(magic);
    if starts(&[0xFF, 0xD8, 0xFF]) {
        out.format = Some(Format::Jpeg);
        jpeg::scan(reader, 0, &mut out)?;
        jpeg::check_tail(reader, &mut out)?;
    } else if starts(b"\x89PNG\r\n\x1a\n") {
        out.format = Some(Format::Png);
        png::probe(reader, &mut out)?;
    } else if starts(b"RIFF") && head.get(8..12) == Some(b"WEBP") {
        out.format = Some(Format::WebP);
        webp::probe(reader, &mut out)?;
    } else if head.get(4..8) == Some(b"ftyp") {
        if let Some(format) = bmff::sniff(reader)? {
            bmff::probe(reader, format, &mut out)?;
        }
    } else if starts(b"II*\0")
        || starts(b"MM\0*")
        || starts(b"IIRO")
        || starts(b"IIRS")
        || starts(b"MMOR")
        || starts(b"IIU\0")
    {
        tiff::probe(reader, &mut out)?;
    } else if starts(b"FUJIFILMCCD-RAW") {
        out.format = Some(Format::Raf);
        raf::probe(reader, &mut out)?;
    } else if starts(b"GIF87a") || starts(b"GIF89a") {
        simple::probe(reader, Format::Gif, &mut out);
    } else if starts(b"BM") && head.get(14).is_some_and(|&n| matches!(n, 12 | 40 | 52 | 56 | 64 | 108 | 124)) {
        simple::probe(reader, Format::Bmp, &mut out);
    } else if starts(b"8BPS") {
        simple::probe(reader, Format::Psd, &mut out);
    } else if starts(&[0xFF, 0x0A]) || starts(b"\0\0\0\x0cJXL \r\n\x87\n") {
        simple::probe(reader, Format::Jxl, &mut out);
    }
    if out.format.is_none() {
        out.other = other::identify(&reader.read_up_to(0, 4096)?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SliceSource;

    fn run(bytes: &[u8]) -> Result<Probe, ReadError> {
        let mut src = SliceSource(bytes);
        let mut r = Reader::new(&mut src);
        probe(&mut r)
    }

    #[test]
    fn empty_and_tiny_files() {
        assert!(run(b"").is_err());
        assert!(run(b"x").is_err());
        assert_eq!(run(b"xyz").unwrap().format, None);
        assert_eq!(run(&[0xFF, 0xD8, 0xFF]).unwrap().format, Some(Format::Jpeg));
    }

    #[test]
    fn random_bytes_never_panic() {
        // A deterministic pseudo-random stream, framed by every magic this module knows.
        let mut x: u32 = 0x1234_5678;
        let mut noise = vec![0u8; 3000];
        for b in noise.iter_mut() {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            *b = x as u8;
        }
        let magics: [&[u8]; 12] = [
            b"",
            &[0xFF, 0xD8, 0xFF],
            b"\x89PNG\r\n\x1a\n",
            b"RIFF\xff\xff\0\0WEBP",
            b"\0\0\0\x18ftypheic\0\0\0\0mif1heic",
            b"II*\0",
            b"MM\0*",
            b"IIRO",
            b"IIU\0",
            b"FUJIFILMCCD-RAW ",
            b"\0\0\0\x18ftypcrx \0\0\0\0crx isom",
            b"8BPS",
        ];
        for magic in magics {
            for cut in [0, 7, 64, 700, 3000] {
                let mut f = magic.to_vec();
                f.extend_from_slice(&noise[..cut]);
                let _ = run(&f);
            }
        }
    }
}
