//! The detection networks' speed in wasm (a developer tool, not part of `npm test`): runs each
//! model in `models/` (compiled in) through preflight's interpreter in headless Chromium and
//! prints the best of five runs — the wasm column beside `examples/nn-bench.rs`'s native one.
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test --release --features detect --target \
//!  wasm32-unknown-unknown --test wasm_nn -- --nocapture` (after `node scripts/models.mjs` and
//! `npm run bench:detect`, which writes the photo the detectors run on).
#![cfg(target_arch = "wasm32")]

use preflight::nn::{Model, Tensor};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = performance)]
    fn now() -> f64;
    #[wasm_bindgen(js_namespace = console)]
    fn log(s: &str);
}

macro_rules! model {
    ($f:literal) => {
        ($f, include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/models/", $f)).as_slice())
    };
}

#[wasm_bindgen_test]
fn networks() {
    // (file, input shape) as the detectors feed them.
    let nets: [((&str, &[u8]), [usize; 4]); 4] = [
        (model!("yunet.onnx"), [1, 3, 480, 640]),
        (model!("clp_det.onnx"), [1, 3, 480, 640]),
        (model!("textdet.onnx"), [1, 3, 736, 960]),
        (model!("textrec.onnx"), [1, 3, 48, 320]),
    ];
    for ((file, bytes), shape) in nets {
        let t = now();
        let model = Model::from_onnx(bytes).unwrap();
        let load = now() - t;
        let n: usize = shape.iter().product();
        // A smooth pattern rather than zeros, so activations take ordinary values.
        let input: Vec<f32> = (0..n).map(|i| ((i % 977) as f32 * 0.013).sin()).collect();
        let best = (0..5)
            .map(|_| {
                let t = now();
                std::hint::black_box(model.run(vec![Tensor::f32(shape.to_vec(), input.clone())]).unwrap());
                now() - t
            })
            .fold(f64::INFINITY, f64::min);
        log(&format!("{file:<14} {}×{}: {best:6.1} ms (load {load:.0} ms)", shape[3], shape[2]));
    }
}

/// The detectors as a check runs them (passes, preparation, decoding of the outputs) on the
/// bench's 1500 × 1000 photo (`npm run bench:detect` writes it), with the candidate plate detector.
#[cfg(feature = "detect")]
#[wasm_bindgen_test]
fn detectors() {
    use preflight::detect::ocr::TextReader;
    use preflight::detect::{Detector, Effort, PlateDetector, TextPlateDetector, YuNet, decode_rgb};
    let photo = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/bench-results/detect-1500x1000.jpg"));
    let t = now();
    let img = decode_rgb(photo, u64::MAX).unwrap();
    log(&format!("decode {}×{}: {:.1} ms", img.width, img.height, now() - t));
    let mut faces = YuNet::from_bytes(model!("yunet.onnx").1).unwrap();
    let mut clp = PlateDetector::from_bytes(model!("clp_det.onnx").1).unwrap();
    let mut text = TextPlateDetector::from_bytes(model!("textdet.onnx").1)
        .unwrap()
        .with_reader(TextReader::from_bytes(model!("textrec.onnx").1).unwrap());
    let mut time = |name: &str, d: &mut dyn Detector| {
        let best = (0..3)
            .map(|_| {
                let t = now();
                std::hint::black_box(d.detect(&img, Effort::Normal).unwrap());
                now() - t
            })
            .fold(f64::INFINITY, f64::min);
        log(&format!("{name:<22} {best:6.1} ms"));
    };
    time("faces (YuNet)", &mut faces);
    time("plates (clp_det)", &mut clp);
    time("plates (text + reader)", &mut text);
}
