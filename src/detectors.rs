//! Faces and licence plates for the checks: the bridge between a brief's `faces` / `plates`
//! rules and the detection engine ([`crate::detect`], feature `detect`).
//!
//! [`Detectors`] is what a caller hands to [`crate::check`] (through [`crate::Context`]): the
//! models, loaded lazily on the first photo whose brief asks for them, then kept. [`find`] runs
//! the detectors a brief needs on one file and returns [`Detections`], the evidence the `faces`
//! and `plates` checks read, with boxes in full-size pixels of the image as displayed.
//!
//! This module is compiled in every build. Without the `detect` feature (the page's small
//! engines) it still answers — "unavailable, and why" — so a brief that asks for faces never
//! passes silently.
//!
//! # What is looked at
//! JPEG: a DCT-scaled decode (1/2, 1/4, 1/8) to the smallest size still at least twice as large
//! as the largest detection pass needs (a 24 MP photo is decoded at 3000 × 2000 for the faces'
//! 1024 pass, never at full size). PNG: a full decode. TIFF, WebP and raw files: the pixel decoder's
//! downscaled preview (for raw files: of their largest embedded JPEG preview). AVIF/HEIC: only
//! when the caller decoded them ([`crate::DecodedRgba`], the browser). The raster is turned by
//! the EXIF orientation before detection (faces are found upright), and boxes are scaled to the
//! report's width × height as displayed.
//!
//! # Allocations
//! The whole file (bounded by [`crate::MAX_PIXEL_FILE_BYTES`]) while decoding, the reduced RGB
//! raster, and what the detectors allocate (see [`crate::detect`]).

use crate::report::ObjectBox;

/// What the detectors found in one file. `None`: the brief did not ask. `Some(Err(why))`: it
/// asked, but detection could not run (no models, no decoder for the format, …).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Detections {
    pub faces: Option<Result<Vec<ObjectBox>, String>>,
    pub plates: Option<Result<Vec<ObjectBox>, String>>,
    /// The detectors looked at a raw file's embedded JPEG preview (boxes scaled to the sensor
    /// size the report gives).
    pub on_preview: bool,
}

impl Detections {
    /// The boxes for the report: the list when detection ran, else `None`.
    pub fn report_boxes(r: &Option<Result<Vec<ObjectBox>, String>>) -> Option<Vec<ObjectBox>> {
        r.as_ref().and_then(|r| r.as_ref().ok()).cloned()
    }
}

/// Whose job a detection is (messages and model files differ).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Face,
    Plate,
}

/// The face and plate detectors a caller provides. Models are read and parsed on first use and
/// kept (with their per-shape plans) for every later file; a `Detectors` may be shared by
/// threads (each detector runs one photo at a time).
pub struct Detectors {
    #[cfg(feature = "detect")]
    engine: engine::Loaded,
    #[cfg(not(feature = "detect"))]
    _none: (),
}

impl Detectors {
    /// Models read from `dir` ([`crate::detect::MODELS_DIR`] layout: `yunet.onnx`,
    /// `textdet.onnx`, `textrec.onnx`) when first needed. A missing folder or file is reported then, per photo.
    pub fn from_dir(dir: impl Into<std::path::PathBuf>) -> Detectors {
        #[cfg(feature = "detect")]
        {
            Detectors { engine: engine::Loaded::new(engine::Source::Dir(dir.into())) }
        }
        #[cfg(not(feature = "detect"))]
        {
            let _ = dir.into();
            Detectors { _none: () }
        }
    }

    /// Models given as bytes (the browser fetches them from the page's own origin): the face
    /// detector, and the plate detector's text detector and text reader.
    pub fn from_bytes(face_onnx: Vec<u8>, text_onnx: Vec<u8>, reader_onnx: Vec<u8>) -> Detectors {
        #[cfg(feature = "detect")]
        {
            Detectors { engine: engine::Loaded::new(engine::Source::Bytes(face_onnx, text_onnx, reader_onnx)) }
        }
        #[cfg(not(feature = "detect"))]
        {
            let _ = (face_onnx, text_onnx, reader_onnx);
            Detectors { _none: () }
        }
    }

    /// Loads and parses both models now (they otherwise load on first use); `Err` says which
    /// cannot be used and why.
    pub fn preload(&self) -> Result<(), String> {
        #[cfg(feature = "detect")]
        {
            self.engine.preload()
        }
        #[cfg(not(feature = "detect"))]
        {
            Err(NOT_COMPILED.to_string())
        }
    }

    /// Whether this build can detect at all (the `detect` feature).
    pub const fn compiled_in() -> bool {
        cfg!(feature = "detect")
    }
}

impl std::fmt::Debug for Detectors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if Self::compiled_in() { "Detectors" } else { "Detectors (not compiled in)" })
    }
}

/// Where `scripts/models.mjs` puts the models, relative to the repository root.
pub const MODELS_DIR: &str = "models";

/// Why nothing can be detected when the caller gave no [`Detectors`].
pub const NO_DETECTORS: &str = "no detection models were given to this checker";
/// Why nothing can be detected in a build without the `detect` feature.
pub const NOT_COMPILED: &str =
    "this build of preflight has no face or plate detection (it was built without the `detect` feature)";

/// Runs the detectors the rules ask for on one file. Never panics on hostile bytes: a file that
/// cannot be decoded gets `Err(why)` for each detector asked for.
pub fn find(
    reader: &mut crate::source::Reader<'_>,
    probe: &crate::probe::Probe,
    metadata: &crate::metadata::Metadata,
    rules: &crate::checks::Rules,
    limits: &crate::brief::Limits,
    decoded: Option<crate::DecodedRgba<'_>>,
    detectors: Option<&Detectors>,
) -> Detections {
    let (want_faces, want_plates) = (rules.faces.is_some(), rules.plates.is_some());
    if !want_faces && !want_plates {
        return Detections::default();
    }
    let unavailable = |why: &str| Detections {
        faces: want_faces.then(|| Err(why.to_string())),
        plates: want_plates.then(|| Err(why.to_string())),
        on_preview: false,
    };
    let Some(d) = detectors else { return unavailable(NO_DETECTORS) };
    #[cfg(feature = "detect")]
    {
        let thorough = rules.faces.as_ref().is_some_and(|f| f.thorough);
        let want = engine::Want { faces: want_faces, plates: want_plates, thorough_faces: thorough, limits: *limits };
        match engine::find(&d.engine, reader, probe, metadata, decoded, want) {
            Ok(found) => found,
            Err(why) => unavailable(&why),
        }
    }
    #[cfg(not(feature = "detect"))]
    {
        let _ = (d, reader, probe, metadata, decoded, limits);
        unavailable(NOT_COMPILED)
    }
}

/// A box as a detector gives it: x, y, w, h in the pixels of the raster it looked at, and score.
pub type RawBox = (f32, f32, f32, f32, f32);

/// Boxes found on a `from_w × from_h` raster, scaled to `to_w × to_h` and rounded to whole
/// pixels inside the image; scores to 0.001 (reports from the CLI and the browser must agree).
pub fn scale_boxes(found: &[RawBox], from: (u32, u32), to: (u32, u32)) -> Vec<ObjectBox> {
    let sx = to.0 as f64 / from.0.max(1) as f64;
    let sy = to.1 as f64 / from.1.max(1) as f64;
    found
        .iter()
        .map(|&(x, y, w, h, score)| {
            let x0 = (x as f64 * sx).round().clamp(0.0, to.0 as f64);
            let y0 = (y as f64 * sy).round().clamp(0.0, to.1 as f64);
            let x1 = ((x + w) as f64 * sx).round().clamp(x0, to.0 as f64);
            let y1 = ((y + h) as f64 * sy).round().clamp(y0, to.1 as f64);
            ObjectBox {
                x: x0 as u32,
                y: y0 as u32,
                w: (x1 - x0) as u32,
                h: (y1 - y0) as u32,
                score: (score as f64 * 1000.0).round() / 1000.0,
            }
        })
        .collect()
}

#[cfg(feature = "detect")]
mod engine {
    //! The part that needs the `detect` feature: model loading, decoding for detection, running both detectors.

    use std::sync::{Mutex, OnceLock};

    use super::{Detections, RawBox, scale_boxes};
    use crate::detect::{DetectError, Detector, Effort, Rgb, TextPlateDetector, YuNet};
    use crate::pixels::decode::{DecodeOptions, decode, jpeg_decoder_scaled};
    use crate::pixels::raster::{Raster, Samples};

    pub enum Source {
        Dir(std::path::PathBuf),
        /// Face model, text detector, text reader.
        Bytes(Vec<u8>, Vec<u8>, Vec<u8>),
    }

    type Slot<T> = OnceLock<Result<Mutex<T>, String>>;

    pub struct Loaded {
        source: Source,
        faces: Slot<YuNet>,
        plates: Slot<TextPlateDetector>,
    }

    impl Loaded {
        pub fn new(source: Source) -> Loaded {
            Loaded { source, faces: OnceLock::new(), plates: OnceLock::new() }
        }

        pub fn preload(&self) -> Result<(), String> {
            self.faces()?;
            self.plates()?;
            Ok(())
        }

        fn faces(&self) -> Result<&Mutex<YuNet>, String> {
            let r = self.faces.get_or_init(|| {
                let d = match &self.source {
                    Source::Dir(dir) => YuNet::from_file(&dir.join(crate::detect::FACE_MODEL_FILE)),
                    Source::Bytes(f, _, _) => YuNet::from_bytes(f),
                };
                d.map(Mutex::new).map_err(|e| e.to_string())
            });
            r.as_ref().map_err(Clone::clone)
        }

        fn plates(&self) -> Result<&Mutex<TextPlateDetector>, String> {
            let r = self.plates.get_or_init(|| {
                let d = match &self.source {
                    Source::Dir(dir) => TextPlateDetector::from_dir(dir),
                    Source::Bytes(_, text, reader) => TextPlateDetector::with_models(text, reader),
                };
                d.map(Mutex::new).map_err(|e| e.to_string())
            });
            r.as_ref().map_err(Clone::clone)
        }
    }

    #[derive(Debug, Clone, Copy)]
    pub struct Want {
        pub faces: bool,
        pub plates: bool,
        pub thorough_faces: bool,
        /// The brief's limits on decoding.
        pub limits: crate::brief::Limits,
    }

    fn run<D: Detector>(d: &Mutex<D>, img: &Rgb, effort: Effort) -> Result<Vec<RawBox>, String> {
        let mut d = d.lock().unwrap_or_else(|e| e.into_inner());
        let found = d.detect(img, effort).map_err(|e: DetectError| e.to_string())?;
        Ok(found.iter().map(|b| (b.x, b.y, b.w, b.h, b.score)).collect())
    }

    /// Decodes the file (reduced), then runs each wanted detector. `Err` only when nothing could
    /// run at all (no raster); a detector whose model is missing gets its own `Err`.
    pub fn find(
        loaded: &Loaded,
        reader: &mut crate::source::Reader<'_>,
        probe: &crate::probe::Probe,
        metadata: &crate::metadata::Metadata,
        decoded: Option<crate::DecodedRgba<'_>>,
        want: Want,
    ) -> Result<Detections, String> {
        // Load the models first: without them there is no point decoding.
        let faces = want.faces.then(|| loaded.faces());
        let plates = want.plates.then(|| loaded.plates());
        if faces.as_ref().is_none_or(Result::is_err) && plates.as_ref().is_none_or(Result::is_err) {
            // No model could be loaded: each detector asked for reports its own reason.
            return Ok(Detections {
                faces: faces.map(|r| r.map(|_| Vec::new())),
                plates: plates.map(|r| r.map(|_| Vec::new())),
                on_preview: false,
            });
        }
        let face_effort = if want.thorough_faces { Effort::Thorough } else { Effort::Normal };
        let mut side = 0;
        if want.faces {
            side = side.max(YuNet::default_config().needed_side(face_effort));
        }
        if want.plates {
            side = side.max(TextPlateDetector::default_config().needed_side(Effort::Normal));
        }
        let (img, origin) = raster(reader, probe, metadata, decoded, side, &want.limits)?;
        // Boxes go to the full-size image as displayed: the header's size (turned by the
        // orientation), or for browser-decoded pixels their own size.
        let (ow, oh) = match (origin, probe.width, probe.height) {
            (Origin::Browser, _, _) | (_, None, _) | (_, _, None) => (img.width, img.height),
            (_, Some(w), Some(h)) if matches!(metadata.orientation, Some(5..=8)) => (h, w),
            (_, Some(w), Some(h)) => (w, h),
        };
        let boxes =
            |r: Result<Vec<RawBox>, String>| r.map(|found| scale_boxes(&found, (img.width, img.height), (ow, oh)));
        Ok(Detections {
            faces: faces.map(|d| boxes(d.and_then(|d| run(d, &img, face_effort)))),
            plates: plates.map(|d| boxes(d.and_then(|d| run(d, &img, Effort::Normal)))),
            on_preview: origin == Origin::Preview,
        })
    }

    /// Where the detectors' raster came from.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Origin {
        /// preflight decoded the image (possibly reduced).
        Image,
        /// A raw file's largest embedded JPEG preview.
        Preview,
        /// The caller (the browser) decoded it, at full size, in stored orientation.
        Browser,
    }

    /// The RGB raster the detectors look at (longest side ≥ `side` where the image has it), as
    /// displayed, and whether it is a raw file's embedded preview.
    fn raster(
        reader: &mut crate::source::Reader<'_>,
        probe: &crate::probe::Probe,
        metadata: &crate::metadata::Metadata,
        decoded: Option<crate::DecodedRgba<'_>>,
        side: u32,
        limits: &crate::brief::Limits,
    ) -> Result<(Rgb, Origin), String> {
        use crate::probe::Format::*;
        let format = probe.format.ok_or("the file is not an image format preflight recognises")?;
        if !matches!(format, Jpeg | Png | Tiff | WebP | Dng | Nef | Arw | Cr2 | Pef | Srw) {
            // The browser decodes what preflight cannot (in stored orientation, like the pixel checks).
            let orientation = metadata.orientation.unwrap_or(1);
            return match decoded {
                Some(d) => Ok((Rgb::from_rgba(d.width, d.height, d.rgba).oriented(orientation), Origin::Browser)),
                None => Err(format!(
                    "preflight has no decoder for {} files here; export a JPEG copy to have faces and plates checked",
                    format.name()
                )),
            };
        }
        let bytes =
            reader.read_vec(0, reader.len(), limits.max_file_bytes, "the image file").map_err(|e| e.to_string())?;
        let limit = limits.max_pixels;
        let (img, origin) = match format {
            // Twice the largest pass: the passes then shrink by area averaging, as from a full
            // decode (at just the pass size, DCT scaling lost a weak plate on the corpus).
            Jpeg => (jpeg(&bytes, side.saturating_mul(2), limit)?, Origin::Image),
            Png => (crate::detect::decode_rgb(&bytes, limit)?, Origin::Image),
            _ => {
                let opts = DecodeOptions { preview_max_side: side.saturating_mul(2), ..limits.decode_options() };
                let d = decode(&bytes, &opts).map_err(|e| e.to_string())?;
                let preview = matches!(d.origin, crate::pixels::decode::Origin::EmbeddedPreview { .. });
                (rgb8(&d.preview)?, if preview { Origin::Preview } else { Origin::Image })
            }
        };
        Ok((img.oriented(metadata.orientation.unwrap_or(1)), origin))
    }

    /// A JPEG decoded with DCT scaling to at least `side` on its longest side (jpeg-decoder),
    /// falling back to a full decode for what it cannot do (CMYK).
    fn jpeg(bytes: &[u8], side: u32, limit: u64) -> Result<Rgb, String> {
        let frame = crate::pixels::decode::jpeg_frame(bytes).ok_or("JPEG without a frame header")?;
        if frame.width as u64 * frame.height as u64 > limit {
            return Err(format!("the image is {}×{}, above the {limit}-pixel limit", frame.width, frame.height));
        }
        match jpeg_decoder_scaled(bytes, Some(side)) {
            Ok(r) => rgb8(&r),
            Err(_) => crate::detect::decode_rgb(bytes, limit),
        }
    }

    /// A 1- or 3-channel raster as 8-bit RGB.
    fn rgb8(r: &Raster) -> Result<Rgb, String> {
        let to8 = |v: u16| ((v as u32 * 255 + r.max_value as u32 / 2) / r.max_value.max(1) as u32).min(255) as u8;
        let data: Vec<u8> = match (&r.samples, r.channels) {
            (Samples::U8(d), 3) => d.clone(),
            (Samples::U8(d), 1) => d.iter().flat_map(|&g| [g, g, g]).collect(),
            (Samples::U16(d), 3) => d.iter().map(|&v| to8(v)).collect(),
            (Samples::U16(d), 1) => d.iter().flat_map(|&g| [to8(g); 3]).collect(),
            (_, c) => return Err(format!("{c}-channel images are not supported for detection")),
        };
        Ok(Rgb::new(r.width, r.height, data))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boxes_scale_to_the_report_size_and_stay_inside() {
        let b =
            scale_boxes(&[(10.0, 20.0, 30.0, 40.0, 0.876_54), (90.0, 90.0, 50.0, 50.0, 0.5)], (100, 100), (1000, 500));
        assert_eq!(b[0], ObjectBox { x: 100, y: 100, w: 300, h: 200, score: 0.877 });
        assert_eq!((b[1].x, b[1].y, b[1].w, b[1].h), (900, 450, 100, 50), "clipped at the image edge");
    }
}
