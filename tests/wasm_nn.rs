//! The detection networks' speed in wasm (a developer tool, not part of `npm test`): runs each
//! model in `models/` through preflight's interpreter in Node's V8 (the engine Chromium runs) and
//! prints the best of five runs — the wasm column beside `examples/nn-bench.rs`'s native one.
//! `NN_MODELS=$PWD/models cargo test --release --target wasm32-unknown-unknown --test wasm_nn -- --nocapture`
#![cfg(target_arch = "wasm32")]

use preflight::nn::{Model, Tensor};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["globalThis", "process", "env"], js_name = NN_MODELS, thread_local_v2)]
    static DIR: Option<String>;
    #[wasm_bindgen(js_namespace = performance)]
    fn now() -> f64;
    #[wasm_bindgen(js_namespace = console)]
    fn log(s: &str);
}

#[wasm_bindgen(module = "fs")]
extern "C" {
    #[wasm_bindgen(js_name = readFileSync)]
    fn read_file_sync(path: &str) -> Vec<u8>;
}

#[wasm_bindgen_test]
fn networks() {
    let Some(dir) = DIR.with(|p| p.clone()) else {
        log("set NN_MODELS to the models folder");
        return;
    };
    // (file, input shape) as the detectors feed them.
    let nets: [(&str, [usize; 4]); 4] = [
        ("yunet.onnx", [1, 3, 480, 640]),
        ("clp_det.onnx", [1, 3, 480, 640]),
        ("textdet.onnx", [1, 3, 736, 960]),
        ("textrec.onnx", [1, 3, 48, 320]),
    ];
    for (file, shape) in nets {
        let t = now();
        let model = Model::from_onnx(&read_file_sync(&format!("{dir}/{file}"))).unwrap();
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
