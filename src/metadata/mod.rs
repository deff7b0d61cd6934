//! Metadata: EXIF (and, where EXIF lacks a field, XMP) gathered into one struct.
//!
//! The container parsers in [`crate::probe`] locate the metadata blocks (a JPEG's APP1, a PNG's
//! eXIf chunk, a HEIF's Exif item, a TIFF's own IFDs); [`exif`] reads TIFF-structured EXIF from
//! a [`crate::source::Reader`] at a base offset; this module defines what comes out.

pub mod exif;
pub mod xmp;

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
    /// EXIF Orientation 1–8 (1 = as stored; 6 = rotate 90° clockwise to display).
    pub orientation: Option<u16>,
    pub software: Option<String>,
    pub artist: Option<String>,
    pub copyright: Option<String>,
    /// Which metadata blocks the file carries: `exif`, `xmp`, `iptc`, `icc`.
    pub blocks: Vec<String>,
    /// Problems met while reading metadata (a bad offset, a cut-off block). Reading goes on.
    pub warnings: Vec<String>,
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
    if let Some(block) = probe.xmp {
        xmp::read(reader, block, &mut out);
    }
    for (present, name) in
        [(has_exif, "exif"), (probe.xmp.is_some(), "xmp"), (probe.iptc.is_some(), "iptc"), (probe.icc, "icc")]
    {
        if present {
            out.blocks.push(name.to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_field_name_is_answerable() {
        let m = Metadata::default();
        for name in REQUIRED_FIELD_NAMES {
            assert_eq!(m.has_field(name), Some(false), "{name}");
        }
        assert_eq!(m.has_field("Nonsense"), None);
    }
}
