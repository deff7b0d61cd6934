//! Where the time goes in wasm (a developer tool, not part of `npm test`): runs preflight's JPEG
//! decoder and the luma pass separately on a big JPEG in Node's V8 (the engine Chromium runs).
//! `PROFILE_JPEG=target/tmp/pixels-24mp.jpg cargo test --release --target wasm32-unknown-unknown \
//!  --test wasm_profile -- --nocapture` (the file comes from `cargo bench --bench pixels`).
#![cfg(target_arch = "wasm32")]

use preflight::pixels::analysis::{Needs, analyze};
use preflight::pixels::decode::DecodeOptions;
use preflight::pixels::jpeg;
use preflight::pixels::pass::LumaPass;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["globalThis", "process", "env"], js_name = PROFILE_JPEG, thread_local_v2)]
    static PATH: Option<String>;
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

fn best<T>(runs: usize, mut f: impl FnMut() -> T) -> f64 {
    (0..runs)
        .map(|_| {
            let t = now();
            std::hint::black_box(f());
            now() - t
        })
        .fold(f64::INFINITY, f64::min)
}

#[wasm_bindgen_test]
fn profile() {
    let Some(path) = PATH.with(|p| p.clone()) else {
        log("set PROFILE_JPEG to a JPEG file");
        return;
    };
    let bytes = read_file_sync(&path);
    let all =
        Needs { exposure: true, sharpness: true, information: true, noise: true, upsampling: true, fingerprint: false };
    let opts = DecodeOptions::default();
    let decode_only = best(5, || jpeg::decode(&bytes, u64::MAX, 1024, &mut |_| {}).unwrap());
    let mut luma = Vec::new();
    let s = jpeg::decode(&bytes, u64::MAX, 1024, &mut |r| luma.extend_from_slice(r)).unwrap();
    let pass = best(5, || LumaPass::<u8>::run(&luma, s.width, s.height, 255, 128));
    let total = best(5, || analyze(&bytes, all, &opts).unwrap());
    log(&format!(
        "{}×{}: decode (rows dropped) {decode_only:.1} ms, luma pass {pass:.1} ms, analyze() {total:.1} ms",
        s.width, s.height
    ));
}
