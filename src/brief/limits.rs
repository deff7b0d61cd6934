//! What one file may cost to check: the brief's optional `limits` block. The defaults are what
//! this build accepts at most; a brief can only lower them (a marketplace whose uploads are at
//! most 50 MP can refuse a 100 MP decode outright, and a kiosk can keep workers small).
//!
//! ```json
//! "limits": { "max_megapixels": 60, "max_file_mb": 100, "max_decoded_mb": 256 }
//! ```

use super::json::Obj;
use crate::pixels::DecodeOptions;

/// Bounds on one file's pixel work, checked before anything is allocated.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// Pixels decoded (from the header: larger images are refused before decoding).
    pub max_pixels: u64,
    /// Bytes of a file read whole for pixel checks and detection.
    pub max_file_bytes: u64,
    /// Bytes a whole-image decode may allocate (see [`DecodeOptions::max_decoded_bytes`]).
    pub max_decoded_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        let d = DecodeOptions::default();
        Limits {
            max_pixels: d.max_pixels,
            max_file_bytes: crate::MAX_PIXEL_FILE_BYTES,
            max_decoded_bytes: d.max_decoded_bytes,
        }
    }
}

impl Limits {
    /// Reads a `limits` object: each key optional, greater than 0, at most the default.
    pub fn parse(o: &mut Obj<'_>) -> Limits {
        let d = Limits::default();
        let mut lower = |key: &'static str, unit: f64, default: u64| -> u64 {
            let Some(v) = o.positive(key) else { return default };
            let most = default as f64 / unit;
            if v > most {
                o.error(key, format!("a brief can only lower this limit: at most {most}, found {v}"));
                return default;
            }
            (v * unit) as u64
        };
        Limits {
            max_pixels: lower("max_megapixels", 1e6, d.max_pixels),
            max_file_bytes: lower("max_file_mb", 1e6, d.max_file_bytes),
            max_decoded_bytes: lower("max_decoded_mb", 1e6, d.max_decoded_bytes),
        }
    }

    /// Decoder options with these limits.
    pub fn decode_options(&self) -> DecodeOptions {
        DecodeOptions {
            max_pixels: self.max_pixels,
            max_decoded_bytes: self.max_decoded_bytes,
            max_whole_image_jpeg_pixels: DecodeOptions::default().max_whole_image_jpeg_pixels.min(self.max_pixels),
            ..DecodeOptions::default()
        }
    }
}
