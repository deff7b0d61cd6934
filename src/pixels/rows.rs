//! Row-streamed PNG and TIFF for the pixel measures: rows go from the decoder straight into the
//! luma [`pass`](super::pass) and a streaming box downscale for the preview, so no full-size
//! buffer of any kind exists — a 120 MP 16-bit RGBA PNG costs a few rows, not ~1 GB.
//!
//! Streamed: non-interlaced PNG (any bit depth and colour type, palettes expanded) and chunky
//! (interleaved) TIFF in strips or tiles, 8 or 16 bits per sample, grey / grey+alpha / RGB /
//! RGBA. The rest — interlaced PNG, planar TIFF, WebP — is decoded whole by
//! [`decode`](super::decode), within [`DecodeOptions::max_decoded_bytes`].
//!
//! The result is the same as decoding whole and measuring (same luma formula as
//! [`Raster::to_luma`], same boxes and rounding as [`downscale_box`](super::raster::downscale_box));
//! `tests/pixels.rs` checks that on real files.
//!
//! # Allocations
//! PNG: the decoder's two rows. TIFF: one strip, or one row of tiles (tile height × image width).
//! Both: one row of output-box sums, the preview, the pass's few rows.

use std::io::Cursor;

use super::decode::{DecodeError, DecodeOptions, check_limit};
use super::pass::{LumaPass, LumaSums, Sample};
use super::raster::{Raster, box_factor};
use crate::source::human_bytes;

/// A sample type rows can carry: 8 or 16 bits.
pub trait Channel: Sample {
    fn wide(self) -> u64;
    fn from_u64(v: u64) -> Self;
    fn raster(width: u32, height: u32, channels: u8, max_value: u16, data: Vec<Self>) -> Raster;
}

impl Channel for u8 {
    fn wide(self) -> u64 {
        self as u64
    }
    fn from_u64(v: u64) -> u8 {
        v as u8
    }
    fn raster(width: u32, height: u32, channels: u8, _max: u16, data: Vec<u8>) -> Raster {
        Raster::new_u8(width, height, channels, data)
    }
}

impl Channel for u16 {
    fn wide(self) -> u64 {
        self as u64
    }
    fn from_u64(v: u64) -> u16 {
        v as u16
    }
    fn raster(width: u32, height: u32, channels: u8, max_value: u16, data: Vec<u16>) -> Raster {
        Raster::new_u16(width, height, channels, max_value, data)
    }
}

/// [`downscale_box`](super::raster::downscale_box), one row at a time: the same factor, the same
/// boxes (right and bottom remainders dropped), the same rounding.
pub struct BoxStream<T: Channel> {
    channels: usize,
    width: usize,
    /// Box side in x and y (`f` clamped to the image, as `downscale_box` does); 1 = no downscale.
    fx: usize,
    fy: usize,
    ow: usize,
    oh: usize,
    acc: Vec<u64>,
    out: Vec<T>,
    y: usize,
}

impl<T: Channel> BoxStream<T> {
    pub fn new(width: u32, height: u32, channels: u8, max_side: u32) -> BoxStream<T> {
        let f = box_factor(width, height, max_side);
        let (ow, oh) = if f == 1 { (width, height) } else { ((width / f).max(1), (height / f).max(1)) };
        let c = channels as usize;
        BoxStream {
            channels: c,
            width: width as usize,
            fx: f.min(width) as usize,
            fy: f.min(height) as usize,
            ow: ow as usize,
            oh: oh as usize,
            acc: vec![0; if f == 1 { 0 } else { ow as usize * c }],
            out: Vec::with_capacity(ow as usize * oh as usize * c),
            y: 0,
        }
    }

    /// The next row: `width × channels` samples.
    pub fn push_row(&mut self, row: &[T]) {
        let (c, fx, fy) = (self.channels, self.fx, self.fy);
        let y = self.y;
        self.y += 1;
        if self.acc.is_empty() {
            if y < self.oh {
                self.out.extend_from_slice(&row[..self.width * c]);
            }
            return;
        }
        if y / fy >= self.oh {
            return;
        }
        for (ox, block) in row[..self.ow * fx * c].chunks_exact(fx * c).enumerate() {
            let a = &mut self.acc[ox * c..ox * c + c];
            for px in block.chunks_exact(c) {
                for k in 0..c {
                    a[k] += px[k].wide();
                }
            }
        }
        if (y + 1).is_multiple_of(fy) {
            let n = (fx * fy) as u64;
            self.out.extend(self.acc.iter().map(|&s| T::from_u64((s + n / 2) / n)));
            self.acc.iter_mut().for_each(|a| *a = 0);
        }
    }

    pub fn finish(self, max_value: u16) -> Raster {
        T::raster(self.ow as u32, self.oh as u32, self.channels as u8, max_value, self.out)
    }
}

/// What a streamed decode gives the measures.
pub struct Streamed {
    pub width: u32,
    pub height: u32,
    /// Colour channels of the source (1 or 3; alpha not counted).
    pub channels: u8,
    pub bit_depth: u8,
    pub sums: Option<LumaSums>,
    pub preview: Raster,
}

/// Takes decoded rows (`in_ch` samples per pixel: colour, then maybe alpha) and feeds the pass
/// and the preview.
struct Sink<T: Channel> {
    width: usize,
    in_ch: usize,
    colour: usize,
    max_value: u16,
    pass: Option<LumaPass<T>>,
    preview: BoxStream<T>,
    colour_row: Vec<T>,
    luma_row: Vec<T>,
}

impl<T: Channel> Sink<T> {
    fn new(width: u32, height: u32, in_ch: usize, max_value: u16, luma: bool, opts: &DecodeOptions) -> Sink<T> {
        let colour = if in_ch >= 3 { 3 } else { 1 };
        let tile = super::sharpness::SharpnessOptions::default().tile;
        Sink {
            width: width as usize,
            in_ch,
            colour,
            max_value,
            pass: luma.then(|| LumaPass::new(width, height, max_value, tile)),
            preview: BoxStream::new(width, height, colour as u8, opts.preview_max_side),
            colour_row: Vec::with_capacity(if in_ch == colour { 0 } else { width as usize * colour }),
            luma_row: vec![T::default(); if colour == 1 { 0 } else { width as usize }],
        }
    }

    fn push(&mut self, row: &[T]) {
        let row = &row[..self.width * self.in_ch];
        let colour: &[T] = if self.in_ch == self.colour {
            row
        } else {
            self.colour_row.clear();
            self.colour_row.extend(row.chunks_exact(self.in_ch).flat_map(|p| p[..self.colour].iter().copied()));
            &self.colour_row
        };
        self.preview.push_row(colour);
        if let Some(pass) = self.pass.as_mut() {
            if self.colour == 1 {
                pass.push_row(colour);
            } else {
                for (l, p) in self.luma_row.iter_mut().zip(colour.chunks_exact(3)) {
                    // Raster::to_luma's BT.601 weights, exactly.
                    *l = T::from_u64((77 * p[0].wide() + 150 * p[1].wide() + 29 * p[2].wide() + 128) >> 8);
                }
                pass.push_row(&self.luma_row);
            }
        }
    }

    fn finish(self, height: u32, bit_depth: u8) -> Streamed {
        Streamed {
            width: self.width as u32,
            height,
            channels: self.colour as u8,
            bit_depth,
            sums: self.pass.map(LumaPass::finish),
            preview: self.preview.finish(self.max_value),
        }
    }
}

/// Streams a non-interlaced PNG. `Ok(None)`: not one this path handles (interlaced).
pub fn png(bytes: &[u8], opts: &DecodeOptions, luma: bool) -> Result<Option<Streamed>, DecodeError> {
    let err = |e: png::DecodingError| DecodeError::Corrupt(format!("PNG: {e}"));
    let mut d = png::Decoder::new(Cursor::new(bytes));
    d.set_transformations(png::Transformations::EXPAND);
    let mut reader = d.read_info().map_err(err)?;
    let (w, h) = (reader.info().width, reader.info().height);
    check_limit(w, h, opts.max_pixels)?;
    if reader.info().interlaced {
        return Ok(None);
    }
    let (colour_type, depth) = reader.output_color_type();
    let in_ch = match colour_type {
        png::ColorType::Indexed => return Err(DecodeError::Unsupported("PNG palette not expanded".into())),
        c => c.samples(),
    };
    let mut rows = 0u32;
    let streamed = match depth {
        png::BitDepth::Eight => {
            let mut sink = Sink::<u8>::new(w, h, in_ch, 255, luma, opts);
            while let Some(row) = reader.next_row().map_err(err)? {
                sink.push(row.data());
                rows += 1;
            }
            sink.finish(h, 8)
        }
        png::BitDepth::Sixteen => {
            let mut sink = Sink::<u16>::new(w, h, in_ch, u16::MAX, luma, opts);
            let mut wide = vec![0u16; w as usize * in_ch];
            while let Some(row) = reader.next_row().map_err(err)? {
                for (o, b) in wide.iter_mut().zip(row.data().chunks_exact(2)) {
                    *o = u16::from_be_bytes([b[0], b[1]]);
                }
                sink.push(&wide);
                rows += 1;
            }
            sink.finish(h, 16)
        }
        other => return Err(DecodeError::Unsupported(format!("PNG bit depth {other:?} after expansion"))),
    };
    if rows < h {
        return Err(DecodeError::Corrupt(format!("PNG: the image data ends after row {rows} of {h}")));
    }
    Ok(Some(streamed))
}

/// Streams a chunky TIFF (not a raw container: the caller checks), strip by strip or one row of
/// tiles at a time. `Ok(None)`: not one this path handles (planar, other sample types).
pub fn tiff(bytes: &[u8], opts: &DecodeOptions, luma: bool) -> Result<Option<Streamed>, DecodeError> {
    use tiff::ColorType as C;
    use tiff::decoder::{ChunkType, Decoder, DecodingResult, Limits};
    use tiff::tags::{PlanarConfiguration, Tag};
    let err = |e: tiff::TiffError| DecodeError::Corrupt(format!("TIFF: {e}"));
    let mut d = Decoder::new(Cursor::new(bytes)).map_err(err)?;
    let (w, h) = d.dimensions().map_err(err)?;
    check_limit(w, h, opts.max_pixels)?;
    let planar = d.find_tag_unsigned::<u16>(Tag::PlanarConfiguration).ok().flatten();
    if planar.is_some_and(|p| p != PlanarConfiguration::Chunky.to_u16()) {
        return Ok(None);
    }
    let (in_ch, bits) = match d.colortype().map_err(err)? {
        C::Gray(b @ (8 | 16)) => (1, b),
        // Grey + alpha: the tiff crate reports a grey image's extra sample as a band.
        C::GrayA(b @ (8 | 16)) | C::Multiband { bit_depth: b @ (8 | 16), num_samples: 2 } => (2, b),
        C::RGB(b @ (8 | 16)) => (3, b),
        C::RGBA(b @ (8 | 16)) => (4, b),
        _ => return Ok(None),
    };
    let declared_max = d.find_tag_unsigned::<u16>(Tag::MaxSampleValue).ok().flatten().filter(|&m| m > 0);
    let (cw, ch) = d.chunk_dimensions();
    let (cw, ch) = (cw.max(1), ch.max(1));
    // One chunk: a strip (image width × rows per strip) or a tile, bounded like a row band.
    let band = cw as u64 * ch as u64 * in_ch as u64 * 2;
    if band > opts.max_decoded_bytes {
        return Err(DecodeError::Unsupported(format!(
            "TIFF {} of {cw}×{ch} px needs {} to decode, above the {} budget",
            if d.get_chunk_type() == ChunkType::Tile { "tile" } else { "strip" },
            human_bytes(band),
            human_bytes(opts.max_decoded_bytes)
        )));
    }
    let mut limits = Limits::default();
    limits.decoding_buffer_size = opts.max_decoded_bytes as usize;
    limits.intermediate_buffer_size = opts.max_decoded_bytes as usize;
    let mut d = d.with_limits(limits);
    let tiles_across = if d.get_chunk_type() == ChunkType::Tile { w.div_ceil(cw) } else { 1 };
    let bands = h.div_ceil(ch);

    // Each band (a strip, or a row of tiles) as rows of `w × in_ch` samples.
    macro_rules! stream {
        ($t:ty, $variant:ident, $max:expr, $bits:expr) => {{
            let mut sink = Sink::<$t>::new(w, h, in_ch, $max, luma, opts);
            let mut band_rows: Vec<$t> = Vec::new();
            for b in 0..bands {
                let rows = ch.min(h - b * ch) as usize;
                let stride = w as usize * in_ch;
                band_rows.clear();
                band_rows.resize(rows * stride, 0);
                for t in 0..tiles_across {
                    let index = b * tiles_across + t;
                    let DecodingResult::$variant(data) = d.read_chunk(index).map_err(err)? else {
                        return Err(DecodeError::Corrupt(format!("TIFF: chunk {index} has another sample type")));
                    };
                    let (dw, dh) = d.chunk_data_dimensions(index);
                    let (dw, dh) = (dw as usize, (dh as usize).min(rows));
                    let x0 = (t * cw) as usize;
                    let dw = dw.min(w as usize - x0);
                    if dh < rows || data.len() < rows * dw * in_ch {
                        return Err(DecodeError::Corrupt(format!(
                            "TIFF: chunk {index} holds {} samples, fewer than its {dw}×{rows} px",
                            data.len()
                        )));
                    }
                    for r in 0..rows {
                        band_rows[r * stride + x0 * in_ch..r * stride + (x0 + dw) * in_ch]
                            .copy_from_slice(&data[r * dw * in_ch..(r + 1) * dw * in_ch]);
                    }
                }
                for row in band_rows.chunks_exact(stride) {
                    sink.push(row);
                }
            }
            sink.finish(h, $bits)
        }};
    }
    let streamed =
        if bits == 8 { stream!(u8, U8, 255, 8) } else { stream!(u16, U16, declared_max.unwrap_or(u16::MAX), 16) };
    Ok(Some(streamed))
}
