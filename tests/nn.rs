//! preflight's own ONNX interpreter (`preflight::nn`) against tract, on every network the
//! detectors run, with real photos as input (feature `detect`, which brings tract in as the
//! oracle; the models come from `node scripts/models.mjs`).
#![cfg(all(feature = "detect", not(target_arch = "wasm32")))]

mod common;
#[path = "common/tract.rs"]
mod tract;

use std::path::PathBuf;
use std::time::Instant;

use preflight::detect::decode_rgb;
use preflight::detect::prepare::{Layout, Region, prepare};
use preflight::nn::{Model, Tensor};

fn model_bytes(file: &str) -> Vec<u8> {
    let dir = std::env::var_os("PREFLIGHT_MODELS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/models")));
    if file == "plate_verifier.onnx" {
        return preflight::detect::textplates::VERIFIER_ONNX.to_vec();
    }
    let path = dir.join(file);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}; run `node scripts/models.mjs`", path.display()))
}

/// Runs `file` on `photo` (resized to `w × h`, `layout`) with both engines and compares every
/// output: the largest difference must stay within `tol` of the output's own range (of 1 for
/// outputs that stay below 1, such as probabilities near 0).
fn same_as_tract(file: &str, photo: &str, w: u32, h: u32, layout: Layout, tol: f32) {
    let bytes = model_bytes(file);
    let img = decode_rgb(&std::fs::read(common::corpus_dir().join(photo)).unwrap(), 50_000_000).unwrap();
    let p = prepare(&img, Region::whole(&img), w, h, layout);

    let shape = [1, 3, p.height as usize, p.width as usize];
    let t0 = Instant::now();
    let want = tract::Tract::new(&bytes, &shape).run(&p.data);
    let t_tract = t0.elapsed();

    let ours = Model::from_onnx(&bytes).unwrap();
    let input = Tensor::f32(shape.to_vec(), p.data.clone());
    let t0 = Instant::now();
    let got = ours.run(vec![input]).unwrap();
    let t_ours = t0.elapsed();
    eprintln!("{file} at {}×{}: tract {t_tract:?} (first run, plan included), ours {t_ours:?}", p.width, p.height);

    assert_eq!(got.len(), want.len(), "{file}: output count");
    for ((g, (wname, wshape, wdata)), name) in got.iter().zip(&want).zip(ours.output_names()) {
        assert_eq!(wname, name, "{file}: output order");
        assert_eq!(&g.shape, wshape, "{file}: shape of {name}");
        let g = g.as_f32().unwrap();
        let range = wdata.iter().fold(0f32, |m, v| m.max(v.abs()));
        let (i, diff) = g
            .iter()
            .zip(wdata)
            .map(|(a, b)| (a - b).abs())
            .enumerate()
            .fold((0, 0f32), |m, (i, d)| if d > m.1 || d.is_nan() { (i, d) } else { m });
        eprintln!("  {name} {wshape:?}: max |diff| {diff:.2e} of range {range:.3}");
        assert!(diff <= tol * range.max(1.0), "{file}: {name}[{i}] = {} vs tract {} (range {range})", g[i], wdata[i]);
    }
}

#[test]
fn yunet_matches_tract() {
    same_as_tract("yunet.onnx", "faces/darknet__person.jpg", 640, 480, Layout::Bgr255, 1e-4);
}

#[test]
fn clp_det_matches_tract() {
    same_as_tract("clp_det.onnx", "plates/alpr__car1.jpg", 640, 480, Layout::BgrMinusMean([104.0, 117.0, 123.0]), 1e-4);
}

#[test]
fn text_detector_matches_tract() {
    same_as_tract("textdet.onnx", "plates/alpr__AYO9034.jpg", 960, 720, Layout::RgbCentered, 1e-4);
}

#[test]
fn text_reader_matches_tract() {
    same_as_tract("textrec.onnx", "plates/alpr__AYO9034.jpg", 320, 48, Layout::BgrCentered, 1e-4);
}

#[test]
fn plate_verifier_matches_tract() {
    same_as_tract("plate_verifier.onnx", "plates/alpr__car1.jpg", 96, 32, Layout::RgbCentered, 1e-4);
}

#[test]
fn a_file_that_is_no_model_is_an_error() {
    assert!(Model::from_onnx(b"not a model").is_err());
    let bytes = model_bytes("yunet.onnx");
    for cut in [10, bytes.len() / 2, bytes.len() - 1] {
        assert!(Model::from_onnx(&bytes[..cut]).is_err(), "cut at {cut}");
    }
}
