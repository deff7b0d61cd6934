//! One pixel analysis per file: decode once, run only the measures the brief's rules need, and
//! keep what the report and the preview overlays show.
//!
//! # Allocations
//! A streamed JPEG, PNG or TIFF never exists at full size (see [`analyze`]); other files' decoded
//! image lives only inside [`analyze`], within `DecodeOptions::max_decoded_bytes`. What it returns is small:
//! the measures, the sharpness tile grid (~1500 tiles at 24 MP) and a one-byte-per-pixel clipping
//! mask of the preview (≤ 1 MB).

use serde::Serialize;

use super::decode::{self, DecodeError, DecodeOptions, ImageFormat, JpegPath, Origin, decode};
use super::exposure::{self, ClipThresholds, Exposure};
use super::jpeg::{self, Fallback};
use super::pass::{LumaPass, LumaSums, measure_raster};
use super::raster::{Raster, Samples, downscale_box, luma8};
use super::rows;
use super::sharpness::{self, Sharpness, SharpnessOptions};
use super::stats::{self, Grayscale, Noise, Upsampling};

/// Which measures to run (each costs time; see `benches/pixels.rs`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Needs {
    pub exposure: bool,
    pub sharpness: bool,
    pub information: bool,
    pub noise: bool,
    pub upsampling: bool,
    /// The batch checks' fingerprint (pixel hash, perceptual hash, thumbnail, checkerboard).
    pub fingerprint: bool,
}

impl Needs {
    pub fn any(&self) -> bool {
        self.exposure || self.luma()
    }

    /// Any measure that reads the full-resolution luma.
    pub fn luma(&self) -> bool {
        self.sharpness || self.information || self.noise || self.upsampling || self.fingerprint
    }
}

/// A clipping mask of the preview for an overlay: one byte per preview pixel, row-major,
/// bit 0 = blown (any channel at/near full scale), bit 1 = crushed (all channels at/near 0).
#[derive(Debug, Clone, PartialEq)]
pub struct ClipMask {
    pub width: u32,
    pub height: u32,
    pub bits: Vec<u8>,
}

impl ClipMask {
    /// The mask shrunk (by an integer factor, OR-ing the bits of each block) so its longer side is
    /// at most `max_side`: an overlay for a card thumbnail needs no more.
    pub fn shrunk(&self, max_side: u32) -> ClipMask {
        let f = super::raster::box_factor(self.width, self.height, max_side).max(1) as usize;
        if f == 1 {
            return self.clone();
        }
        let (w, h) = (self.width as usize, self.height as usize);
        let (sw, sh) = (w.div_ceil(f), h.div_ceil(f));
        let mut bits = vec![0u8; sw * sh];
        for y in 0..h {
            let row = &self.bits[y * w..(y + 1) * w];
            let out = &mut bits[(y / f) * sw..(y / f + 1) * sw];
            for (x, &b) in row.iter().enumerate() {
                out[x / f] |= b;
            }
        }
        ClipMask { width: sw as u32, height: sh as u32, bits }
    }
}

/// Who decoded the pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decoder {
    /// preflight's own decoders (same result in the CLI and the browser).
    Preflight,
    /// The browser's decoder, for a format preflight cannot decode (8-bit RGBA).
    Browser,
}

/// What the measures found.
#[derive(Debug, Clone, PartialEq)]
pub struct PixelAnalysis {
    pub origin: Origin,
    pub decoded_by: Decoder,
    /// Size of the analysed image (for a raw file: of its embedded preview).
    pub width: u32,
    pub height: u32,
    pub bit_depth: u8,
    pub channels: u8,
    pub exposure: Option<Exposure>,
    pub clip_mask: Option<ClipMask>,
    pub sharpness: Option<Sharpness>,
    pub entropy_bits: Option<f32>,
    pub grayscale: Option<Grayscale>,
    pub noise: Option<Noise>,
    pub upsampling: Option<Upsampling>,
    pub fingerprint: Option<crate::batch::Fingerprint>,
}

/// Decodes `bytes` and runs the measures in `needs`.
///
/// JPEGs (and a raw file's embedded JPEG preview) that preflight's own decoder handles are
/// streamed: luma rows go straight from the inverse DCT into the [`pass`](super::pass), so no
/// full-size buffer exists. So are non-interlaced PNGs and chunky TIFFs ([`rows`]). Other files
/// are decoded whole, then measured the same way.
pub fn analyze(bytes: &[u8], needs: Needs, opts: &DecodeOptions) -> Result<PixelAnalysis, DecodeError> {
    let tile = SharpnessOptions::default().tile;
    if opts.jpeg == JpegPath::Auto
        && let Some((jpeg_bytes, origin)) = decode::jpeg_stream(bytes)
    {
        let frame =
            decode::jpeg_frame(jpeg_bytes).ok_or_else(|| DecodeError::Corrupt("JPEG without a frame header".into()))?;
        decode::check_limit(frame.width, frame.height, opts.max_pixels)?;
        let mut pass = needs.luma().then(|| LumaPass::<u8>::new(frame.width, frame.height, 255, tile));
        let mut on_row = |row: &[u8]| {
            if let Some(p) = pass.as_mut() {
                p.push_row(row)
            }
        };
        match jpeg::decode(jpeg_bytes, opts.max_pixels, opts.preview_max_side, &mut on_row) {
            Ok(s) => {
                let sums = pass.map(LumaPass::finish);
                return Ok(measure(sums.as_ref(), &s.preview, s.width, s.height, origin, 8, s.channels, needs));
            }
            Err(Fallback::Error(e)) => return Err(e),
            Err(Fallback::NotHandled(_)) => {} // the general decoder below
        }
    }
    // PNG and TIFF: rows straight from the decoder (a raw container's preview is a JPEG, above).
    let streamed = match decode::sniff(bytes) {
        Some(ImageFormat::Png) => rows::png(bytes, opts, needs.luma())?,
        Some(ImageFormat::Tiff) if !decode::scan_tiff(bytes).is_raw_container => {
            // A TIFF this path cannot read may still have a JPEG preview: the general decoder
            // below tries both.
            rows::tiff(bytes, opts, needs.luma()).ok().flatten()
        }
        _ => None,
    };
    if let Some(s) = streamed {
        return Ok(measure(
            s.sums.as_ref(),
            &s.preview,
            s.width,
            s.height,
            Origin::Image,
            s.bit_depth,
            s.channels,
            needs,
        ));
    }
    let d = decode(bytes, opts)?;
    let sums = needs.luma().then(|| measure_raster(&d.luma, tile));
    Ok(measure(sums.as_ref(), &d.preview, d.width, d.height, d.origin, d.source_bit_depth, d.source_channels, needs))
}

/// Runs the measures on pixels someone else decoded: 8-bit RGBA, row-major (what a browser's
/// `getImageData` gives for formats preflight has no decoder for, such as AVIF, or HEIC in
/// Safari). Alpha is ignored. The pixel limit is checked before anything is allocated.
///
/// # Allocations
/// An RGB copy (3 bytes per pixel) for the preview, the preview, one luma row.
pub fn analyze_rgba(
    rgba: &[u8],
    width: u32,
    height: u32,
    needs: Needs,
    opts: &DecodeOptions,
) -> Result<PixelAnalysis, DecodeError> {
    decode::check_limit(width, height, opts.max_pixels)?;
    let n = width as usize * height as usize;
    if rgba.len() != n * 4 {
        return Err(DecodeError::Corrupt(format!("{} bytes of RGBA for {width}×{height}", rgba.len())));
    }
    let rgb: Vec<u8> = rgba.chunks_exact(4).flat_map(|p| [p[0], p[1], p[2]]).collect();
    let full = Raster::new_u8(width, height, 3, rgb);
    let preview = downscale_box(&full, opts.preview_max_side);
    drop(full);
    let sums = needs.luma().then(|| {
        let mut pass = LumaPass::<u8>::new(width, height, 255, SharpnessOptions::default().tile);
        for row in rgba.chunks_exact(4 * width as usize) {
            let luma: Vec<u8> = row.chunks_exact(4).map(|p| luma8(p[0], p[1], p[2])).collect();
            pass.push_row(&luma);
        }
        pass.finish()
    });
    let mut a = measure(sums.as_ref(), &preview, width, height, Origin::Image, 8, 3, needs);
    a.decoded_by = Decoder::Browser;
    Ok(a)
}

/// The measures themselves, from the pass's sums (full resolution) and the preview.
#[allow(clippy::too_many_arguments)]
fn measure(
    sums: Option<&LumaSums>,
    preview: &Raster,
    width: u32,
    height: u32,
    origin: Origin,
    bit_depth: u8,
    channels: u8,
    needs: Needs,
) -> PixelAnalysis {
    let clip = ClipThresholds::default();
    let (exposure, clip_mask) = if needs.exposure {
        (Some(exposure::measure(preview, &clip)), Some(clip_mask(preview, &clip)))
    } else {
        (None, None)
    };
    let with = |on: bool| sums.filter(|_| on);
    PixelAnalysis {
        origin,
        decoded_by: Decoder::Preflight,
        width,
        height,
        bit_depth,
        channels,
        exposure,
        clip_mask,
        sharpness: with(needs.sharpness).map(|s| sharpness::from_sums(s, &SharpnessOptions::default())),
        entropy_bits: with(needs.information).map(|s| stats::entropy_of_histogram(&s.histogram)),
        grayscale: needs.information.then(|| stats::grayscale(preview)),
        noise: with(needs.noise).map(stats::noise_from_sums),
        upsampling: with(needs.upsampling).map(stats::upsampling_from_sums),
        fingerprint: with(needs.fingerprint).map(|s| {
            // Luma hash, then the preview's colour: same pixels ⇔ same hash.
            let colour = match &preview.samples {
                Samples::U8(v) => v
                    .chunks(8)
                    .fold(s.hash, |h, c| super::pass::hash_word(h, c.iter().fold(0, |w, &b| w << 8 | b as u64))),
                Samples::U16(v) => v
                    .chunks(4)
                    .fold(s.hash, |h, c| super::pass::hash_word(h, c.iter().fold(0, |w, &b| w << 16 | b as u64))),
            };
            crate::batch::fingerprint(colour, preview)
        }),
    }
}

fn clip_mask(preview: &super::raster::Raster, t: &ClipThresholds) -> ClipMask {
    fn mark_crushed<T: Copy + Into<u32>>(bits: &mut [u8], samples: &[T], channels: usize, low: u32) {
        for (b, px) in bits.iter_mut().zip(samples.chunks_exact(channels)) {
            if px.iter().all(|&v| v.into() <= low) {
                *b |= 2;
            }
        }
    }
    let mut bits = exposure::blown_mask(preview, t);
    let low = (t.crushed * preview.max_value as f32) as u32;
    let ch = preview.channels as usize;
    match &preview.samples {
        Samples::U8(v) => mark_crushed(&mut bits, v, ch, low),
        Samples::U16(v) => mark_crushed(&mut bits, v, ch, low),
    }
    ClipMask { width: preview.width, height: preview.height, bits }
}

/// The measures as the report carries them: plain numbers, rounded, every key always present
/// (null when not measured) so manifests have stable columns.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, Default)]
pub struct PixelSummary {
    /// `"image"`, `"embedded_preview"` (a raw file's largest JPEG preview) or `"browser_decode"`
    /// (the browser decoded a format preflight cannot, e.g. AVIF; 8-bit).
    pub analysed: String,
    pub width: u32,
    pub height: u32,
    /// % of pixels with any channel blown / all channels crushed.
    pub highlights_percent: Option<f64>,
    pub shadows_percent: Option<f64>,
    /// Largest connected blown / crushed area, % of the image.
    pub largest_highlight_area_percent: Option<f64>,
    pub largest_shadow_area_percent: Option<f64>,
    /// Median luma, % of full scale.
    pub brightness_percent: Option<f64>,
    /// Laplacian variance of the sharpest tile (8-bit units).
    pub sharpest_tile: Option<f64>,
    /// % of tiles with detail that are in focus.
    pub in_focus_percent: Option<f64>,
    /// `"sharp"`, `"defocus"` or `"motion"`.
    pub blur: Option<String>,
    pub entropy_bits: Option<f64>,
    pub grayscale_as_rgb: Option<bool>,
    /// Immerkær noise σ of the flattest tiles (8-bit units).
    pub noise_sigma: Option<f64>,
    /// Fine-to-coarse detail ratio (low: enlarged from a smaller image).
    pub detail_ratio: Option<f64>,
}

fn r(x: f32, digits: i32) -> f64 {
    let p = 10f64.powi(digits);
    (x as f64 * p).round() / p
}

impl PixelAnalysis {
    pub fn summary(&self) -> PixelSummary {
        let e = self.exposure.as_ref();
        let s = self.sharpness.as_ref();
        PixelSummary {
            analysed: match (self.decoded_by, self.origin) {
                (Decoder::Browser, _) => "browser_decode".into(),
                (_, Origin::Image) => "image".into(),
                (_, Origin::EmbeddedPreview { .. }) => "embedded_preview".into(),
            },
            width: self.width,
            height: self.height,
            highlights_percent: e.map(|e| r(e.any_blown_pct, 2)),
            shadows_percent: e.map(|e| r(e.all_crushed_pct, 2)),
            largest_highlight_area_percent: e.map(|e| r(e.largest_blown_region_pct, 2)),
            largest_shadow_area_percent: e.map(|e| r(e.largest_crushed_region_pct, 2)),
            brightness_percent: e.map(|e| r(e.p50 * 100.0, 1)),
            sharpest_tile: s.map(|s| r(s.sharpest, 1)),
            in_focus_percent: s.map(|s| r(s.in_focus_fraction_of_detailed * 100.0, 1)),
            blur: s.map(|s| {
                match s.blur_hint {
                    sharpness::BlurHint::Sharp => "sharp",
                    sharpness::BlurHint::Defocus => "defocus",
                    sharpness::BlurHint::Motion { .. } => "motion",
                }
                .to_string()
            }),
            entropy_bits: self.entropy_bits.map(|x| r(x, 2)),
            grayscale_as_rgb: self.grayscale.map(|g| g.is_grayscale_as_rgb),
            noise_sigma: self.noise.map(|n| r(n.sigma_flat, 2)),
            detail_ratio: self.upsampling.map(|u| r(u.hf_ratio, 3)),
        }
    }
}
