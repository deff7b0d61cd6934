//! Decodes JPEG, PNG, TIFF (8/16-bit), WebP, and the largest embedded JPEG preview of DNG and
//! TIFF-based raw files into what the pixel measures read: full-resolution **luma** (sharpness,
//! noise at 100 %) and a box-downscaled **preview** (exposure, colour, overlays).
//!
//! Bounded: the image's width × height comes from the header (for JPEG, our own SOF parse; for
//! the others, the decoder's header read) and is compared with [`DecodeOptions::max_pixels`]
//! *before* any pixel buffer is allocated, so a decompression bomb is refused cleanly.
//!
//! Bit depth: 16-bit PNG/TIFF stay 16-bit; `max_value` is 65535, or TIFF MaxSampleValue when the
//! file declares it. Nothing is stretched to its own maximum, so a dim 16-bit thermal frame stays
//! dim instead of turning "white".
//!
//! # Allocations
//! - JPEG, default: preflight's own decoder ([`super::jpeg`]) for baseline YCbCr/grey files —
//!   rows of luma streamed, chroma summed into the preview's cells. [`decode`] collects the luma
//!   plane (1 B/px); [`super::analysis::analyze`] does not even do that (a few rows plus the
//!   preview whatever the size).
//! - JPEGs it leaves to zune-jpeg (progressive, CMYK, RGB-coded, …) are decoded whole: up to
//!   [`YCC_MAX_PIXELS`] to YCbCr (3 B/px, compacted in place into the luma plane), above it luma +
//!   a DCT-scaled second decode; zune keeps every coefficient of a progressive file (≈ 2 B per
//!   sample), so these are refused above [`DecodeOptions::max_whole_image_jpeg_pixels`].
//! - PNG/TIFF/WebP: the decoder's own full buffer (channels × bytes per sample per px), then luma
//!   and preview.
//! - DNG/raw: nothing beyond the JPEG path for the chosen preview (the IFD scan allocates a small
//!   list of candidates).
//!
//! Measured wasm peak (`npm run bench:pixels`: the worker's `memory.buffer` after `Engine.check`
//! with every pixel measure, file bytes included): see the README's speed table.

use std::io::Cursor;

use super::raster::{Raster, downscale_box};

/// Container formats recognised from their magic bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFormat {
    Jpeg,
    Png,
    Tiff,
    WebP,
}

impl ImageFormat {
    pub fn name(self) -> &'static str {
        match self {
            ImageFormat::Jpeg => "jpeg",
            ImageFormat::Png => "png",
            ImageFormat::Tiff => "tiff",
            ImageFormat::WebP => "webp",
        }
    }
}

/// Which pixels were analysed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The file's own image.
    Image,
    /// The largest JPEG preview embedded in a DNG or TIFF-based raw file (the raw sensor data
    /// itself is not decoded). Findings must say so.
    EmbeddedPreview { offset: u64, length: u64 },
}

/// How a JPEG is decoded (measured in `benches/pixels.rs`; see the numbers in the module doc of
/// that bench).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum JpegPath {
    /// [`JpegPath::Preflight`] for the JPEGs it handles (baseline YCbCr or grey); otherwise
    /// [`JpegPath::ZuneYcc`] up to [`YCC_MAX_PIXELS`], above it [`JpegPath::ZuneLumaPlusScaled`]
    /// (a quarter of the memory); grey JPEGs decode luma only; CMYK / RGB-coded JPEGs take
    /// [`JpegPath::ZuneRgb`].
    #[default]
    Auto,
    /// preflight's own baseline decoder ([`super::jpeg`]): full-resolution Y, chroma at 1/8 (DC
    /// means) for the preview. An `Unsupported` error for the JPEGs it leaves to others.
    Preflight,
    /// zune-jpeg decode to interleaved YCbCr (no colour conversion), then one pass that
    /// compacts Y in place into the luma plane and box-averages Y, Cb, Cr into the preview,
    /// converted to RGB at preview size. One entropy decode; luma is the file's own Y.
    ZuneYcc,
    /// zune-jpeg full RGB decode; luma and preview derived from it. One entropy decode.
    ZuneRgb,
    /// zune-jpeg luma-only decode + jpeg-decoder DCT-scaled decode for the preview. Two entropy
    /// decodes, a quarter of the memory.
    ZuneLumaPlusScaled,
    /// jpeg-decoder full RGB decode (comparison).
    JpegDecoderRgb,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecodeOptions {
    /// Refuse images with more pixels than this (checked from the header, before allocating).
    pub max_pixels: u64,
    /// Refuse JPEGs that only a whole-image decoder can read (progressive, CMYK, …) above this
    /// many pixels: such a decoder holds every DCT coefficient (≈ 6 bytes per pixel for colour)
    /// plus its output, which above ~24 MP no longer fits the 256 MB wasm budget.
    pub max_whole_image_jpeg_pixels: u64,
    /// Refuse to decode an image whole when its decoded buffers would exceed this many bytes
    /// (interlaced PNG, planar TIFF, WebP: the formats that cannot be streamed by rows), and
    /// bounds the decoders' own buffers. Streamed PNG/TIFF and JPEG never come near it.
    pub max_decoded_bytes: u64,
    /// Longest side of the preview raster (box-downscaled by an integer factor, so it may be
    /// smaller).
    pub preview_max_side: u32,
    pub jpeg: JpegPath,
}

impl Default for DecodeOptions {
    fn default() -> Self {
        DecodeOptions {
            max_pixels: 120_000_000,
            max_whole_image_jpeg_pixels: 24_000_000,
            max_decoded_bytes: 512_000_000,
            preview_max_side: 1024,
            jpeg: JpegPath::default(),
        }
    }
}

/// What the measures read.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    pub format: ImageFormat,
    pub origin: Origin,
    /// Size of the analysed image (for a raw file: of its preview).
    pub width: u32,
    pub height: u32,
    /// Channels stored in the source (1 = grey; 3 = colour, alpha not counted; 4 = CMYK JPEG).
    pub source_channels: u8,
    /// 8 or 16.
    pub source_bit_depth: u8,
    /// Full resolution, 1 channel.
    pub luma: Raster,
    /// Downscaled, 1 or 3 channels, same bit depth and `max_value` as the source.
    pub preview: Raster,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// Not JPEG, PNG, TIFF or WebP by its magic bytes.
    UnknownFormat,
    /// The header declares more pixels than allowed.
    TooLarge { width: u32, height: u32, max_pixels: u64 },
    /// Decoding the image whole would need more memory than [`DecodeOptions::max_decoded_bytes`].
    OverBudget { width: u32, height: u32, needed: u64, budget: u64 },
    /// A DNG/raw file without a JPEG preview this decoder can read.
    NoPreview,
    /// A valid file of a kind not handled here (e.g. 32-bit float TIFF, 12-bit JPEG).
    Unsupported(String),
    /// The decoder failed (truncated or damaged file).
    Corrupt(String),
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecodeError::UnknownFormat => write!(f, "not a JPEG, PNG, TIFF or WebP file"),
            DecodeError::TooLarge { width, height, max_pixels } => write!(
                f,
                "image is {width}×{height} ({:.1} MP), above the {:.1} MP pixel-check limit",
                *width as f64 * *height as f64 / 1e6,
                *max_pixels as f64 / 1e6
            ),
            DecodeError::OverBudget { width, height, needed, budget } => write!(
                f,
                "decoding this {width}×{height} image whole would need {}, above the {} memory budget \
                 (interlaced PNG, planar TIFF and WebP cannot be read row by row)",
                crate::source::human_bytes(*needed),
                crate::source::human_bytes(*budget)
            ),
            DecodeError::NoPreview => write!(f, "raw file without a readable embedded JPEG preview"),
            DecodeError::Unsupported(s) => write!(f, "unsupported image: {s}"),
            DecodeError::Corrupt(s) => write!(f, "could not decode the image: {s}"),
        }
    }
}

impl std::error::Error for DecodeError {}

/// The container format from the first bytes.
pub fn sniff(bytes: &[u8]) -> Option<ImageFormat> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(ImageFormat::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(ImageFormat::Png)
    } else if bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*") {
        Some(ImageFormat::Tiff)
    } else if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(ImageFormat::WebP)
    } else {
        None
    }
}

/// Refuses a zero or over-the-limit size (from a header, before anything is allocated).
pub fn check_limit(width: u32, height: u32, max_pixels: u64) -> Result<(), DecodeError> {
    if width == 0 || height == 0 {
        return Err(DecodeError::Corrupt(format!("zero image size {width}×{height}")));
    }
    if width as u64 * height as u64 > max_pixels {
        return Err(DecodeError::TooLarge { width, height, max_pixels });
    }
    Ok(())
}

/// Refuses a whole-image decode whose buffers (`needed` bytes, from the header) exceed the budget.
fn check_budget(width: u32, height: u32, needed: u64, opts: &DecodeOptions) -> Result<(), DecodeError> {
    if needed > opts.max_decoded_bytes {
        return Err(DecodeError::OverBudget { width, height, needed, budget: opts.max_decoded_bytes });
    }
    Ok(())
}

/// Decodes `bytes` for the pixel measures. Never panics on hostile input; refuses images above
/// `opts.max_pixels` before allocating their pixels.
pub fn decode(bytes: &[u8], opts: &DecodeOptions) -> Result<Decoded, DecodeError> {
    match sniff(bytes).ok_or(DecodeError::UnknownFormat)? {
        ImageFormat::Jpeg => decode_jpeg(bytes, opts, Origin::Image),
        ImageFormat::Png => decode_png(bytes, opts),
        ImageFormat::Tiff => decode_tiff(bytes, opts),
        ImageFormat::WebP => decode_webp(bytes, opts),
    }
}

fn finish(format: ImageFormat, origin: Origin, source_channels: u8, full: Raster, opts: &DecodeOptions) -> Decoded {
    let preview = downscale_box(&full, opts.preview_max_side);
    let luma = full.to_luma();
    Decoded {
        format,
        origin,
        width: full.width,
        height: full.height,
        source_channels,
        source_bit_depth: full.bit_depth(),
        luma,
        preview,
    }
}

// ---------------------------------------------------------------------------------------------
// JPEG

/// What a JPEG's start-of-frame says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JpegFrame {
    /// The SOF marker's low nibble: 0 baseline, 1 extended, 2 progressive, 3 lossless, …
    pub sof: u8,
    pub precision: u8,
    pub width: u32,
    pub height: u32,
    pub components: u8,
}

/// Walks the markers up to the first SOF. Reads only the header; allocates nothing.
pub fn jpeg_frame(bytes: &[u8]) -> Option<JpegFrame> {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let mut i = 2usize;
    while i + 4 <= bytes.len() {
        if bytes[i] != 0xFF {
            return None;
        }
        let m = bytes[i + 1];
        if m == 0xFF {
            i += 1; // fill byte
            continue;
        }
        if m == 0xD8 || (0xD0..=0xD7).contains(&m) || m == 0x01 {
            i += 2;
            continue;
        }
        let len = u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]) as usize;
        if (0xC0..=0xCF).contains(&m) && m != 0xC4 && m != 0xC8 && m != 0xCC {
            let s = bytes.get(i + 4..i + 10)?;
            return Some(JpegFrame {
                sof: m - 0xC0,
                precision: s[0],
                height: u16::from_be_bytes([s[1], s[2]]) as u32,
                width: u16::from_be_bytes([s[3], s[4]]) as u32,
                components: s[5],
            });
        }
        if m == 0xDA || m == 0xD9 || len < 2 {
            return None;
        }
        i += 2 + len;
    }
    None
}

/// A JPEG decoded to a luma plane and a preview (8-bit).
fn jpeg_decoded(origin: Origin, source_channels: u8, luma: Raster, preview: Raster) -> Decoded {
    Decoded {
        format: ImageFormat::Jpeg,
        origin,
        width: luma.width,
        height: luma.height,
        source_channels,
        source_bit_depth: 8,
        luma,
        preview,
    }
}

fn decode_jpeg(bytes: &[u8], opts: &DecodeOptions, origin: Origin) -> Result<Decoded, DecodeError> {
    let frame = jpeg_frame(bytes).ok_or_else(|| DecodeError::Corrupt("JPEG without a frame header".into()))?;
    check_limit(frame.width, frame.height, opts.max_pixels)?;
    if frame.precision != 8 || !matches!(frame.sof, 0..=2) {
        return Err(DecodeError::Unsupported(format!(
            "JPEG SOF{} with {}-bit samples (only 8-bit baseline/progressive)",
            frame.sof, frame.precision
        )));
    }
    let channels = frame.components.min(4);
    let px = frame.width as u64 * frame.height as u64;
    if matches!(opts.jpeg, JpegPath::Auto | JpegPath::Preflight) {
        let mut luma = Vec::with_capacity(px as usize);
        let mut on_row = |row: &[u8]| luma.extend_from_slice(row);
        match super::jpeg::decode(bytes, opts.max_pixels, opts.preview_max_side, &mut on_row) {
            Ok(s) => {
                return Ok(jpeg_decoded(origin, s.channels, Raster::new_u8(s.width, s.height, 1, luma), s.preview));
            }
            Err(super::jpeg::Fallback::Error(e)) => return Err(e),
            Err(super::jpeg::Fallback::NotHandled(why)) if opts.jpeg == JpegPath::Preflight => {
                return Err(DecodeError::Unsupported(why.into()));
            }
            Err(super::jpeg::Fallback::NotHandled(why)) => {
                if px > opts.max_whole_image_jpeg_pixels {
                    return Err(DecodeError::Unsupported(format!(
                        "{why} JPEG of {:.1} MP: pixel checks decode such files whole, which is bounded to \
                         {:.0} MP to stay within memory",
                        px as f64 / 1e6,
                        opts.max_whole_image_jpeg_pixels as f64 / 1e6
                    )));
                }
            }
        }
    }
    let path = match opts.jpeg {
        JpegPath::Auto if frame.components == 1 => return decode_jpeg_grey(bytes, frame, opts, origin),
        JpegPath::Auto if frame.components != 3 => JpegPath::ZuneRgb,
        JpegPath::Auto if px > YCC_MAX_PIXELS => JpegPath::ZuneLumaPlusScaled,
        JpegPath::Auto => JpegPath::ZuneYcc,
        p => p,
    };
    match path {
        JpegPath::Auto | JpegPath::Preflight => unreachable!("resolved above"),
        JpegPath::ZuneYcc => {
            let (w, h) = (frame.width as usize, frame.height as usize);
            let Some(ycc) = jpeg_zune_ycc(bytes)? else {
                // Not YCbCr-coded (Adobe RGB transform): the RGB path converts correctly.
                let o = DecodeOptions { jpeg: JpegPath::ZuneRgb, ..*opts };
                return decode_jpeg(bytes, &o, origin);
            };
            let (luma, preview) = split_ycc(ycc, w, h, opts.preview_max_side);
            Ok(jpeg_decoded(origin, channels, Raster::new_u8(frame.width, frame.height, 1, luma), preview))
        }
        JpegPath::ZuneRgb => {
            let rgb = jpeg_zune(bytes, zune_core::colorspace::ColorSpace::RGB)?;
            let full = Raster::new_u8(frame.width, frame.height, 3, rgb);
            Ok(finish(ImageFormat::Jpeg, origin, channels, full, opts))
        }
        JpegPath::JpegDecoderRgb => {
            let full = jpeg_decoder_scaled(bytes, None)?;
            Ok(finish(ImageFormat::Jpeg, origin, channels, full, opts))
        }
        JpegPath::ZuneLumaPlusScaled => {
            let y = jpeg_zune(bytes, zune_core::colorspace::ColorSpace::Luma)?;
            let luma = Raster::new_u8(frame.width, frame.height, 1, y);
            let small = jpeg_decoder_scaled(bytes, Some(opts.preview_max_side))?;
            let preview = downscale_box(&small, opts.preview_max_side);
            Ok(jpeg_decoded(origin, channels, luma, preview))
        }
    }
}

/// Above this many pixels [`JpegPath::Auto`] avoids the 3 B/px YCbCr buffer: 60 MP → 180 MB,
/// which with the file bytes still fits a 256 MB wasm heap; 100 MP would not.
pub const YCC_MAX_PIXELS: u64 = 60_000_000;

fn decode_jpeg_grey(
    bytes: &[u8],
    frame: JpegFrame,
    opts: &DecodeOptions,
    origin: Origin,
) -> Result<Decoded, DecodeError> {
    let y = jpeg_zune(bytes, zune_core::colorspace::ColorSpace::Luma)?;
    let luma = Raster::new_u8(frame.width, frame.height, 1, y);
    let preview = downscale_box(&luma, opts.preview_max_side);
    Ok(jpeg_decoded(origin, 1, luma, preview))
}

/// zune-jpeg decode to interleaved YCbCr; `None` when the file is not YCbCr-coded.
pub fn jpeg_zune_ycc(bytes: &[u8]) -> Result<Option<Vec<u8>>, DecodeError> {
    use zune_core::colorspace::ColorSpace;
    let options = zune_core::options::DecoderOptions::new_fast()
        .set_max_width(u16::MAX as usize)
        .set_max_height(u16::MAX as usize)
        .jpeg_set_out_colorspace(ColorSpace::YCbCr);
    let mut d = zune_jpeg::JpegDecoder::new_with_options(zune_core::bytestream::ZCursor::new(bytes), options);
    d.decode_headers().map_err(|e| DecodeError::Corrupt(format!("JPEG: {e:?}")))?;
    if d.input_colorspace() != Some(ColorSpace::YCbCr) {
        return Ok(None);
    }
    d.decode().map(Some).map_err(|e| DecodeError::Corrupt(format!("JPEG: {e:?}")))
}

/// Turns an interleaved YCbCr buffer (`w × h × 3`) into the luma plane — compacted in place,
/// so no second full-size buffer — and a box-downscaled RGB preview, in one pass. Box means are
/// taken in YCbCr and converted to RGB (JFIF/BT.601 full range) at preview size: the transform
/// is affine, so this equals averaging RGB except where single pixels were clamped.
pub fn split_ycc(mut buf: Vec<u8>, w: usize, h: usize, max_side: u32) -> (Vec<u8>, Raster) {
    assert_eq!(buf.len(), w * h * 3, "YCbCr buffer size");
    let f = super::raster::box_factor(w as u32, h as u32, max_side) as usize;
    let (ow, oh) = ((w / f).max(1), (h / f).max(1));
    let (fx, fy) = (f.min(w), f.min(h));
    // Column sums over the rows of one box row (u32: exact for any box), added a whole row at a
    // time (vectorised), collapsed horizontally once per box row.
    let mut col = vec![0u32; ow * fx * 3];
    let mut out = Vec::with_capacity(ow * oh * 3);
    let n = (fx * fy) as f32;
    for y in 0..h {
        let src = 3 * y * w;
        if y / fy < oh {
            for (a, &p) in col.iter_mut().zip(&buf[src..src + ow * fx * 3]) {
                *a += p as u32;
            }
            if (y + 1) % fy == 0 {
                for block in col.chunks_exact(fx * 3) {
                    let (mut s0, mut s1, mut s2) = (0u32, 0u32, 0u32);
                    for p in block.chunks_exact(3) {
                        s0 += p[0];
                        s1 += p[1];
                        s2 += p[2];
                    }
                    let (yy, cb, cr) = (s0 as f32 / n, s1 as f32 / n - 128.0, s2 as f32 / n - 128.0);
                    let px = [yy + 1.402 * cr, yy - 0.344_136 * cb - 0.714_136 * cr, yy + 1.772 * cb];
                    out.extend(px.map(|v| v.round().clamp(0.0, 255.0) as u8));
                }
                col.iter_mut().for_each(|a| *a = 0);
            }
        }
        // Y of row y goes to [y·w, y·w + w), which ends before row y+1's YCbCr starts.
        if y == 0 {
            for x in 0..w {
                buf[x] = buf[3 * x];
            }
        } else {
            let (lo, hi) = buf.split_at_mut(src);
            for (d, p) in lo[y * w..y * w + w].iter_mut().zip(hi[..3 * w].chunks_exact(3)) {
                *d = p[0];
            }
        }
    }
    buf.truncate(w * h);
    buf.shrink_to_fit();
    (buf, Raster::new_u8(ow as u32, oh as u32, 3, out))
}

/// zune-jpeg decode to `out` colour space (RGB or Luma), 8-bit interleaved. Allocates the output.
pub fn jpeg_zune(bytes: &[u8], out: zune_core::colorspace::ColorSpace) -> Result<Vec<u8>, DecodeError> {
    let options = zune_core::options::DecoderOptions::new_fast()
        .set_max_width(u16::MAX as usize)
        .set_max_height(u16::MAX as usize)
        .jpeg_set_out_colorspace(out);
    let mut d = zune_jpeg::JpegDecoder::new_with_options(zune_core::bytestream::ZCursor::new(bytes), options);
    d.decode().map_err(|e| DecodeError::Corrupt(format!("JPEG: {e:?}")))
}

/// jpeg-decoder decode; with `Some(max_side)` it uses DCT scaling (1/2, 1/4, 1/8) to the
/// smallest size whose longest side is still ≥ `max_side`. Returns 1 or 3 channels.
pub fn jpeg_decoder_scaled(bytes: &[u8], max_side: Option<u32>) -> Result<Raster, DecodeError> {
    let mut d = jpeg_decoder::Decoder::new(bytes);
    let err = |e: jpeg_decoder::Error| DecodeError::Corrupt(format!("JPEG: {e}"));
    d.read_info().map_err(err)?;
    let info = d.info().ok_or_else(|| DecodeError::Corrupt("JPEG: no frame".into()))?;
    if let Some(side) = max_side {
        let (w, h) = (info.width as u32, info.height as u32);
        let f = (w.max(h) / side.max(1)).clamp(1, 8);
        let (rw, rh) = ((w / f).max(1), (h / f).max(1));
        d.scale(rw as u16, rh as u16).map_err(err)?;
    }
    let px = d.decode().map_err(err)?;
    let info = d.info().ok_or_else(|| DecodeError::Corrupt("JPEG: no frame".into()))?;
    let (w, h) = (info.width as u32, info.height as u32);
    match info.pixel_format {
        jpeg_decoder::PixelFormat::RGB24 => Ok(Raster::new_u8(w, h, 3, px)),
        jpeg_decoder::PixelFormat::L8 => Ok(Raster::new_u8(w, h, 1, px)),
        other => Err(DecodeError::Unsupported(format!("JPEG pixel format {other:?}"))),
    }
}

// ---------------------------------------------------------------------------------------------
// PNG

fn decode_png(bytes: &[u8], opts: &DecodeOptions) -> Result<Decoded, DecodeError> {
    let err = |e: png::DecodingError| DecodeError::Corrupt(format!("PNG: {e}"));
    let mut d = png::Decoder::new(Cursor::new(bytes));
    d.set_transformations(png::Transformations::EXPAND);
    let mut reader = d.read_info().map_err(err)?;
    let (w, h) = (reader.info().width, reader.info().height);
    check_limit(w, h, opts.max_pixels)?;
    let size = reader.output_buffer_size().ok_or_else(|| DecodeError::Unsupported("PNG too large".into()))?;
    // The decoder's buffer, its 16-bit copy, the luma plane.
    let sixteen = reader.output_color_type().1 == png::BitDepth::Sixteen;
    let px = w as u64 * h as u64;
    check_budget(w, h, size as u64 * if sixteen { 2 } else { 1 } + px * if sixteen { 2 } else { 1 }, opts)?;
    let mut buf = vec![0u8; size];
    let out = reader.next_frame(&mut buf).map_err(err)?;
    buf.truncate(out.buffer_size());
    let in_ch = out.color_type.samples();
    let (colour, alpha) = match out.color_type {
        png::ColorType::Grayscale => (1, false),
        png::ColorType::GrayscaleAlpha => (1, true),
        png::ColorType::Rgb => (3, false),
        png::ColorType::Rgba => (3, true),
        png::ColorType::Indexed => return Err(DecodeError::Unsupported("PNG palette not expanded".into())),
    };
    let full = match out.bit_depth {
        png::BitDepth::Sixteen => {
            let v: Vec<u16> = buf.chunks_exact(2).map(|b| u16::from_be_bytes([b[0], b[1]])).collect();
            Raster::new_u16(w, h, colour as u8, u16::MAX, drop_alpha(v, in_ch, alpha))
        }
        png::BitDepth::Eight => Raster::new_u8(w, h, colour as u8, drop_alpha(buf, in_ch, alpha)),
        d => return Err(DecodeError::Unsupported(format!("PNG bit depth {d:?} after expansion"))),
    };
    Ok(finish(ImageFormat::Png, Origin::Image, colour as u8, full, opts))
}

/// Keeps the colour samples of interleaved pixels with `in_ch` samples, dropping a trailing
/// alpha. Works in place (no new allocation).
fn drop_alpha<T: Copy>(mut v: Vec<T>, in_ch: usize, alpha: bool) -> Vec<T> {
    if !alpha {
        return v;
    }
    let out_ch = in_ch - 1;
    let n = v.len() / in_ch;
    for p in 0..n {
        for k in 0..out_ch {
            v[p * out_ch + k] = v[p * in_ch + k];
        }
    }
    v.truncate(n * out_ch);
    v
}

// ---------------------------------------------------------------------------------------------
// WebP

fn decode_webp(bytes: &[u8], opts: &DecodeOptions) -> Result<Decoded, DecodeError> {
    let err = |e: image_webp::DecodingError| DecodeError::Corrupt(format!("WebP: {e}"));
    let mut d = image_webp::WebPDecoder::new(Cursor::new(bytes)).map_err(err)?;
    let (w, h) = d.dimensions();
    check_limit(w, h, opts.max_pixels)?;
    let size = d.output_buffer_size().ok_or_else(|| DecodeError::Unsupported("WebP too large".into()))?;
    check_budget(w, h, size as u64 + w as u64 * h as u64, opts)?;
    let mut buf = vec![0u8; size];
    d.read_image(&mut buf).map_err(err)?;
    let alpha = d.has_alpha();
    let full = Raster::new_u8(w, h, 3, drop_alpha(buf, if alpha { 4 } else { 3 }, alpha));
    Ok(finish(ImageFormat::WebP, Origin::Image, 3, full, opts))
}

// ---------------------------------------------------------------------------------------------
// TIFF, DNG and TIFF-based raw

fn decode_tiff(bytes: &[u8], opts: &DecodeOptions) -> Result<Decoded, DecodeError> {
    let scan = scan_tiff(bytes);
    if scan.is_raw_container {
        return decode_preview(bytes, &scan, opts);
    }
    match decode_tiff_image(bytes, opts) {
        Err(e @ DecodeError::TooLarge { .. }) => Err(e),
        Err(e) => decode_preview(bytes, &scan, opts).map_err(|_| e),
        ok => ok,
    }
}

/// The JPEG stream whose pixels [`decode`] would analyse, if it is one: the file itself, or a
/// raw container's largest embedded JPEG preview.
pub fn jpeg_stream(bytes: &[u8]) -> Option<(&[u8], Origin)> {
    match sniff(bytes)? {
        ImageFormat::Jpeg => Some((bytes, Origin::Image)),
        ImageFormat::Tiff => {
            let scan = scan_tiff(bytes);
            if !scan.is_raw_container {
                return None;
            }
            let best = largest_preview(&scan)?;
            let jpeg = &bytes[best.offset as usize..(best.offset + best.length) as usize];
            Some((jpeg, Origin::EmbeddedPreview { offset: best.offset, length: best.length }))
        }
        _ => None,
    }
}

fn largest_preview(scan: &TiffScan) -> Option<&EmbeddedJpeg> {
    scan.previews.iter().max_by_key(|p| p.frame.width as u64 * p.frame.height as u64)
}

fn decode_preview(bytes: &[u8], scan: &TiffScan, opts: &DecodeOptions) -> Result<Decoded, DecodeError> {
    let best = largest_preview(scan).ok_or(DecodeError::NoPreview)?;
    let jpeg = &bytes[best.offset as usize..(best.offset + best.length) as usize];
    let mut d = decode_jpeg(jpeg, opts, Origin::EmbeddedPreview { offset: best.offset, length: best.length })?;
    d.format = ImageFormat::Tiff;
    Ok(d)
}

fn decode_tiff_image(bytes: &[u8], opts: &DecodeOptions) -> Result<Decoded, DecodeError> {
    use tiff::ColorType as C;
    use tiff::decoder::{Decoder, DecodingResult, Limits};
    use tiff::tags::Tag;
    let err = |e: tiff::TiffError| DecodeError::Corrupt(format!("TIFF: {e}"));
    let mut d = Decoder::new(Cursor::new(bytes)).map_err(err)?;
    let (w, h) = d.dimensions().map_err(err)?;
    check_limit(w, h, opts.max_pixels)?;
    let mut limits = Limits::default();
    limits.decoding_buffer_size = opts.max_decoded_bytes as usize;
    limits.intermediate_buffer_size = opts.max_decoded_bytes as usize;
    let mut d = d.with_limits(limits);
    let ct = d.colortype().map_err(err)?;
    let (in_ch, colour, alpha, bits) = match ct {
        C::Gray(b) => (1, 1, false, b),
        C::GrayA(b) | C::Multiband { bit_depth: b, num_samples: 2 } => (2, 1, true, b),
        C::RGB(b) => (3, 3, false, b),
        C::RGBA(b) => (4, 3, true, b),
        other => return Err(DecodeError::Unsupported(format!("TIFF colour type {other:?}"))),
    };
    // The decoded image and the luma plane.
    let bytes_per_sample = (bits as u64).div_ceil(8).max(1);
    check_budget(w, h, w as u64 * h as u64 * bytes_per_sample * (in_ch as u64 + 1), opts)?;
    let declared_max: Option<u16> = d.find_tag_unsigned::<u16>(Tag::MaxSampleValue).ok().flatten();
    let full = match d.read_image().map_err(err)? {
        DecodingResult::U8(v) => Raster::new_u8(w, h, colour, drop_alpha(v, in_ch, alpha)),
        DecodingResult::U16(v) => {
            let max = declared_max.filter(|&m| m > 0).unwrap_or(u16::MAX);
            Raster::new_u16(w, h, colour, max, drop_alpha(v, in_ch, alpha))
        }
        _ => return Err(DecodeError::Unsupported(format!("TIFF sample type of {ct:?}"))),
    };
    Ok(finish(ImageFormat::Tiff, Origin::Image, colour, full, opts))
}

/// A JPEG stream found inside a TIFF container.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EmbeddedJpeg {
    pub offset: u64,
    pub length: u64,
    pub frame: JpegFrame,
}

/// What a scan of a TIFF's IFDs found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TiffScan {
    /// DNGVersion present, or IFD0 is marked as a reduced-resolution image (NEF/CR2/ARW style):
    /// IFD0 is not the photo.
    pub is_raw_container: bool,
    /// Decodable (8-bit baseline/progressive) JPEG streams, in IFD order.
    pub previews: Vec<EmbeddedJpeg>,
}

/// Scans the IFD chain and SubIFDs (at most 64 IFDs) for JPEG previews: JPEGInterchangeFormat
/// (513/514) and single-strip images with Compression 6 or 7 (StripOffsets/StripByteCounts),
/// keeping those whose JPEG frame header says 8-bit baseline or progressive (lossless raw
/// tiles are skipped). Self-contained on purpose until `src/probe` exposes IFD walking;
/// TODO: switch to the probe's IFD reader when it lands.
pub fn scan_tiff(bytes: &[u8]) -> TiffScan {
    let mut scan = TiffScan::default();
    let le = match bytes.get(0..2) {
        Some(b"II") => true,
        Some(b"MM") => false,
        _ => return scan,
    };
    let u16_at = |o: usize| {
        bytes
            .get(o..o + 2)
            .map(|b| if le { u16::from_le_bytes([b[0], b[1]]) } else { u16::from_be_bytes([b[0], b[1]]) })
    };
    let u32_at = |o: usize| {
        bytes.get(o..o + 4).map(|b| {
            let a = [b[0], b[1], b[2], b[3]];
            if le { u32::from_le_bytes(a) } else { u32::from_be_bytes(a) }
        })
    };
    // Values of a SHORT/LONG/IFD entry (at most 64 read).
    let values = |entry: usize| -> Vec<u64> {
        let (Some(typ), Some(count)) = (u16_at(entry + 2), u32_at(entry + 4)) else { return vec![] };
        let size = match typ {
            3 => 2,
            4 | 13 => 4,
            _ => return vec![],
        };
        let count = count.min(64) as usize;
        let base = if size * count <= 4 { entry + 8 } else { u32_at(entry + 8).unwrap_or(u32::MAX) as usize };
        (0..count)
            .map_while(|i| {
                if size == 2 { u16_at(base + 2 * i).map(u64::from) } else { u32_at(base + 4 * i).map(u64::from) }
            })
            .collect()
    };
    let mut queue: Vec<(u64, bool)> = vec![(u32_at(4).unwrap_or(0) as u64, true)];
    let mut seen: Vec<u64> = Vec::new();
    let mut first = true;
    while let Some((ifd, follow_chain)) = queue.pop() {
        if ifd == 0 || seen.contains(&ifd) || seen.len() >= 64 {
            continue;
        }
        seen.push(ifd);
        let ifd = ifd as usize;
        let Some(n) = u16_at(ifd) else { continue };
        let (mut compression, mut strips, mut counts, mut jif, mut jif_len) = (0u64, vec![], vec![], None, None);
        for k in 0..n as usize {
            let e = ifd + 2 + 12 * k;
            let Some(tag) = u16_at(e) else { break };
            let first_value = || values(e).first().copied();
            match tag {
                254 if first && first_value().unwrap_or(0) & 1 == 1 => scan.is_raw_container = true,
                50706 => scan.is_raw_container = true,
                259 => compression = first_value().unwrap_or(0),
                273 => strips = values(e),
                279 => counts = values(e),
                513 => jif = first_value(),
                514 => jif_len = first_value(),
                330 => queue.extend(values(e).into_iter().map(|o| (o, false))),
                _ => {}
            }
        }
        first = false;
        let mut consider = |offset: u64, length: u64| {
            let end = offset.saturating_add(length);
            if length < 4 || end > bytes.len() as u64 {
                return;
            }
            if let Some(frame) = jpeg_frame(&bytes[offset as usize..end as usize])
                && frame.precision == 8
                && matches!(frame.sof, 0..=2)
                && !scan.previews.iter().any(|p| p.offset == offset)
            {
                scan.previews.push(EmbeddedJpeg { offset, length, frame });
            }
        };
        if let (Some(o), Some(l)) = (jif, jif_len) {
            consider(o, l);
        }
        if matches!(compression, 6 | 7) && strips.len() == 1 && counts.len() == 1 {
            consider(strips[0], counts[0]);
        }
        if follow_chain && let Some(next) = u32_at(ifd + 2 + 12 * n as usize) {
            queue.push((next as u64, true));
        }
    }
    scan
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_a_bomb_from_the_header() {
        // A baseline JPEG header claiming 60000×60000, then nothing.
        let mut b = vec![0xFF, 0xD8, 0xFF, 0xC0, 0, 17, 8];
        b.extend_from_slice(&60000u16.to_be_bytes());
        b.extend_from_slice(&60000u16.to_be_bytes());
        b.extend_from_slice(&[3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
        let e = decode(&b, &DecodeOptions::default()).unwrap_err();
        assert!(matches!(e, DecodeError::TooLarge { width: 60000, height: 60000, .. }), "{e:?}");
    }

    #[test]
    fn unknown_bytes_are_refused() {
        assert_eq!(decode(b"hello", &DecodeOptions::default()).unwrap_err(), DecodeError::UnknownFormat);
    }
}
