//! 8-bit RGB rasters for the detectors, and a small bounded decoder (JPEG, PNG) to make them.
//!
//! The pixel checks keep full-resolution luma and a downscaled preview; the detectors need
//! colour at a resolution of their own choosing, so they decode again from the file's bytes (or
//! take RGBA a browser decoded, [`Rgb::from_rgba`]).

use std::io::Cursor;

use crate::pixels::decode::{jpeg_frame, jpeg_zune};

/// Interleaved 8-bit RGB, row-major, `width * height * 3` bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rgb {
    pub width: u32,
    pub height: u32,
    pub data: Vec<u8>,
}

impl Rgb {
    pub fn new(width: u32, height: u32, data: Vec<u8>) -> Rgb {
        assert_eq!(data.len(), width as usize * height as usize * 3, "RGB raster size");
        Rgb { width, height, data }
    }

    /// From RGBA (a browser's `getImageData`): alpha dropped.
    pub fn from_rgba(width: u32, height: u32, rgba: &[u8]) -> Rgb {
        assert_eq!(rgba.len(), width as usize * height as usize * 4, "RGBA raster size");
        let mut data = Vec::with_capacity(width as usize * height as usize * 3);
        for px in rgba.chunks_exact(4) {
            data.extend_from_slice(&px[..3]);
        }
        Rgb { width, height, data }
    }

    /// The image as displayed for an EXIF orientation (1–8); boxes found on the result are in
    /// displayed coordinates. Other values return the image unchanged.
    pub fn oriented(self, orientation: u16) -> Rgb {
        if !(2..=8).contains(&orientation) {
            return self;
        }
        let (w, h) = (self.width as usize, self.height as usize);
        let swap = orientation >= 5;
        let (ow, oh) = if swap { (h, w) } else { (w, h) };
        let mut out = vec![0u8; w * h * 3];
        for y in 0..h {
            for x in 0..w {
                // Where stored pixel (x, y) lands when displayed.
                let (dx, dy) = match orientation {
                    2 => (w - 1 - x, y),
                    3 => (w - 1 - x, h - 1 - y),
                    4 => (x, h - 1 - y),
                    5 => (y, x),
                    6 => (h - 1 - y, x),
                    7 => (h - 1 - y, w - 1 - x),
                    _ => (y, w - 1 - x), // 8
                };
                let s = (y * w + x) * 3;
                let d = (dy * ow + dx) * 3;
                out[d..d + 3].copy_from_slice(&self.data[s..s + 3]);
            }
        }
        Rgb { width: ow as u32, height: oh as u32, data: out }
    }
}

/// Decodes a JPEG or PNG to 8-bit RGB (grey expanded, alpha dropped, 16-bit reduced to 8).
/// Refuses images above `max_pixels` from the header, before allocating their pixels.
pub fn decode_rgb(bytes: &[u8], max_pixels: u64) -> Result<Rgb, String> {
    let limit = |w: u32, h: u32| -> Result<(), String> {
        if w == 0 || h == 0 {
            return Err(format!("zero image size {w}×{h}"));
        }
        if w as u64 * h as u64 > max_pixels {
            return Err(format!("image is {w}×{h}, above the {max_pixels}-pixel limit"));
        }
        Ok(())
    };
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        let f = jpeg_frame(bytes).ok_or("JPEG without a frame header")?;
        limit(f.width, f.height)?;
        let data = jpeg_zune(bytes, zune_core::colorspace::ColorSpace::RGB).map_err(|e| e.to_string())?;
        if data.len() != f.width as usize * f.height as usize * 3 {
            return Err(format!("JPEG decoded to {} bytes, expected {}×{}×3", data.len(), f.width, f.height));
        }
        Ok(Rgb::new(f.width, f.height, data))
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        let err = |e: png::DecodingError| format!("PNG: {e}");
        let mut d = png::Decoder::new(Cursor::new(bytes));
        d.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
        let mut reader = d.read_info().map_err(err)?;
        let (w, h) = (reader.info().width, reader.info().height);
        limit(w, h)?;
        // Row by row into the RGB image: the only full-size buffer is the 3-byte-per-pixel result.
        let (colour, depth) = reader.output_color_type();
        if depth != png::BitDepth::Eight {
            return Err(format!("PNG bit depth {depth:?} after expansion"));
        }
        let mut data = Vec::with_capacity(w as usize * h as usize * 3);
        // Interlaced: decoded whole first (`next_row` would give the Adam7 passes).
        let whole = if reader.info().interlaced {
            let mut buf = vec![0u8; reader.output_buffer_size().ok_or("PNG too large")?];
            reader.next_frame(&mut buf).map_err(err)?;
            Some(buf)
        } else {
            None
        };
        let line = reader.output_line_size(w).ok_or("PNG too large")?;
        let mut rows = whole.as_deref().map(|b| b.chunks_exact(line));
        loop {
            let row = match rows.as_mut() {
                Some(it) => match it.next() {
                    Some(r) => r,
                    None => break,
                },
                None => match reader.next_row().map_err(err)? {
                    Some(r) => r.data(),
                    None => break,
                },
            };
            match colour {
                png::ColorType::Rgb => data.extend_from_slice(&row[..w as usize * 3]),
                png::ColorType::Rgba => data.extend(row.chunks_exact(4).flat_map(|p| [p[0], p[1], p[2]])),
                png::ColorType::Grayscale => data.extend(row.iter().flat_map(|&g| [g, g, g])),
                png::ColorType::GrayscaleAlpha => data.extend(row.chunks_exact(2).flat_map(|p| [p[0], p[0], p[0]])),
                png::ColorType::Indexed => return Err("PNG palette not expanded".into()),
            }
        }
        if data.len() != w as usize * h as usize * 3 {
            return Err(format!("PNG: the image data ends after row {} of {h}", data.len() / (w as usize * 3)));
        }
        Ok(Rgb::new(w, h, data))
    } else {
        Err("only JPEG and PNG are decoded for detection here".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orientation_6_rotates_clockwise() {
        // 2×1: red, green → displayed 1×2: red on top, green below.
        let img = Rgb::new(2, 1, vec![255, 0, 0, 0, 255, 0]);
        let o = img.oriented(6);
        assert_eq!((o.width, o.height), (1, 2));
        assert_eq!(o.data, vec![255, 0, 0, 0, 255, 0]);
        let o8 = Rgb::new(2, 1, vec![255, 0, 0, 0, 255, 0]).oriented(8);
        assert_eq!(o8.data, vec![0, 255, 0, 255, 0, 0]);
    }
}
