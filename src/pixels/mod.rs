//! Pixel measures for the checks of issue 3: decode into a bounded buffer, then measure.
//!
//! One concept per file:
//!
//! - [`analysis`]: decode once, run only the measures a brief needs, summarise for the report.
//! - [`raster`]: the two buffer types every measure reads (8- or 16-bit samples, 1 or 3
//!   channels) and the box downscaler that makes the preview.
//! - [`jpeg`]: preflight's own baseline JPEG decoder: full-resolution luma streamed row by row,
//!   colour only at preview size (simd128 / SSE2 inverse DCT).
//! - [`mod@decode`]: JPEG / PNG / TIFF / WebP / DNG-and-TIFF-raw embedded preview → full-resolution
//!   luma + downscaled RGB preview, with the pixel limit checked from the header first.
//! - [`pass`]: one streaming sweep over the luma rows gathering every 100 % measure's sums.
//! - [`exposure`]: clipping per channel, largest clipped region, percentile brightness.
//! - [`sharpness`]: per-tile focus at 100 %, heat-map grid, motion-vs-defocus hint.
//! - [`stats`]: entropy, grayscale-saved-as-RGB, noise (Immerkær), upsampling.
//! - [`synth`]: builds big "camera-like" test images from a real photo (tests and benches).
//!
//! Nothing here knows about briefs, findings or the browser: measures return numbers; the checks
//! decide what they mean.

pub mod analysis;
pub mod decode;
pub mod exposure;
pub mod jpeg;
pub mod pass;
pub mod raster;
pub mod rows;
pub mod sharpness;
pub mod stats;
pub mod synth;

pub use decode::{DecodeError, DecodeOptions, Decoded, decode};
pub use raster::{Raster, Samples};
