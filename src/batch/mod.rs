//! Checks over a whole batch rather than one file: duplicates (exact and perceptual), series
//! consistency (the same camera settings across a photogrammetry or calibration series), overlap
//! between consecutive frames of a scan, and the presence of a calibration checkerboard.
//!
//! Each file contributes a small fingerprint computed where its pixels were decoded (the
//! worker, or the CLI); the batch checks need only fingerprints and metadata, never pixels.

pub mod checkerboard;
pub mod fft;
pub mod overlap;
pub mod phash;
