//! The browser door, tested in headless Chromium inside a dedicated worker (where
//! `FileReaderSync` exists): `cargo test --target wasm32-unknown-unknown --test wasm`.
//! Natively this file compiles to nothing.
#![cfg(target_arch = "wasm32")]

use preflight::wasm::{Engine, validate_brief};
use serde_json::Value;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_dedicated_worker);

const CANON_40D: &[u8] = include_bytes!("fixtures/corpus/exifpy__Canon_40D.jpg");
const DSCN0010: &[u8] = include_bytes!("fixtures/corpus/exifpy__DSCN0010.jpg");
const HEIC_AS_JPG: &[u8] = include_bytes!("fixtures/corpus/exifpy__heic_hdlr_box.jpg");

const BRIEF: &str = r#"{
  "preflight_brief": 1,
  "name": "wasm test brief",
  "checks": {
    "format": { "allow": ["jpeg"], "extension_must_match": true },
    "resolution": { "min_megapixels": 4 },
    "exif": { "required": ["DateTimeOriginal", "Make", "Model", "GPSLatitude"] }
  }
}"#;

fn blob(bytes: &[u8]) -> web_sys::Blob {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    web_sys::Blob::new_with_u8_array_sequence(&parts).expect("blob")
}

fn run(engine: &Engine, bytes: &[u8], name: &str) -> Value {
    let out = engine.check(blob(bytes), name, 1.8e12).expect("check returns");
    serde_json::from_str(&out).expect("check returns JSON")
}

fn finding<'a>(report: &'a Value, check: &str) -> &'a Value {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == check)
        .unwrap_or_else(|| panic!("no `{check}` finding in {report}"))
}

#[wasm_bindgen_test]
fn reads_a_real_jpeg_from_a_blob() {
    let engine = Engine::new(BRIEF).expect("brief parses");
    let out = run(&engine, CANON_40D, "Canon_40D.jpg");
    let r = &out["report"];
    assert_eq!(r["file"], "Canon_40D.jpg");
    assert_eq!(r["format"], "JPEG");
    assert_eq!((r["width"].as_u64(), r["height"].as_u64()), (Some(100), Some(68)));
    assert_eq!(r["metadata"]["make"], "Canon");
    assert_eq!(r["metadata"]["model"], "Canon EOS 40D");
    // 100×68 px is far below 4 MP, and the file has no GPS.
    assert_eq!(finding(r, "resolution")["verdict"], "fail");
    assert_eq!(finding(r, "exif.required")["verdict"], "fail");
    assert!(finding(r, "exif.required")["measured"].as_str().unwrap().contains("GPSLatitude"));
    assert_eq!(r["verdict"], "fail");
    assert_eq!(out["io"]["file_size"], CANON_40D.len());
}

#[wasm_bindgen_test]
fn gps_comes_through_the_blob_reader() {
    let engine = Engine::new(BRIEF).unwrap();
    let r = &run(&engine, DSCN0010, "DSCN0010.jpg")["report"];
    let gps = &r["metadata"]["gps"];
    assert!((gps["lat"].as_f64().unwrap() - 43.46744833).abs() < 1e-6, "{gps}");
    assert!((gps["lon"].as_f64().unwrap() - 11.88512667).abs() < 1e-6, "{gps}");
    assert_eq!(finding(r, "exif.required")["verdict"], "pass");
}

#[wasm_bindgen_test]
fn content_beats_extension() {
    let engine = Engine::new(BRIEF).unwrap();
    let r = &run(&engine, HEIC_AS_JPG, "cocktail.jpg")["report"];
    assert_eq!(r["format"], "HEIC");
    assert_eq!(finding(r, "format")["verdict"], "fail");
    assert_eq!(finding(r, "format.extension")["verdict"], "fail");
}

#[wasm_bindgen_test]
fn empty_and_random_files_get_a_verdict_not_a_crash() {
    let engine = Engine::new(BRIEF).unwrap();
    let empty = &run(&engine, &[], "empty.jpg")["report"];
    assert!(matches!(empty["verdict"].as_str(), Some("error") | Some("fail")), "{empty}");
    let noise: Vec<u8> = (0..5000u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect();
    let random = &run(&engine, &noise, "noise.jpg")["report"];
    assert!(matches!(random["verdict"].as_str(), Some("error") | Some("fail")), "{random}");
    assert_eq!(random["format"], Value::Null);
}

#[wasm_bindgen_test]
fn header_checks_read_only_the_head_of_a_large_blob() {
    // A real JPEG followed by 8 MB of padding: the metadata checks must not read the padding.
    let mut big = CANON_40D.to_vec();
    big.resize(8_000_000, 0);
    let engine = Engine::new(BRIEF).unwrap();
    let out = run(&engine, &big, "big.jpg");
    assert_eq!(out["report"]["metadata"]["make"], "Canon");
    let read = out["io"]["bytes_read"].as_u64().unwrap();
    assert!(read <= 256 * 1024, "read {read} bytes of 8 MB");
}

#[wasm_bindgen_test]
fn invalid_briefs_are_reported_with_every_problem() {
    let bad = r#"{ "preflight_brief": 1, "name": "x", "checks": { "resolution": { "min_megapixel": 4 }, "format": { "allow": ["jpgg"] } } }"#;
    let errors: Value = serde_json::from_str(&validate_brief(bad)).unwrap();
    let errors = errors.as_array().unwrap();
    assert!(errors.len() >= 2, "{errors:?}");
    assert!(errors.iter().any(|e| e["path"].as_str().unwrap().contains("min_megapixel")));
    assert!(Engine::new(bad).is_err());
    assert_eq!(validate_brief(BRIEF), "[]");
}

#[wasm_bindgen_test]
fn pixel_checks_run_in_the_browser_and_return_an_overlay() {
    let brief = r#"{ "preflight_brief": 1, "name": "pixels",
        "checks": { "exposure": { "max_highlights_percent": 5 }, "sharpness": { "min_sharpest": 100 } } }"#;
    let engine = Engine::new(brief).unwrap();
    let out = run(&engine, DSCN0010, "DSCN0010.jpg");
    let r = &out["report"];
    assert_eq!(r["pixels"]["analysed"], "image");
    assert_eq!((r["pixels"]["width"].as_u64(), r["pixels"]["height"].as_u64()), (Some(640), Some(480)));
    assert!(r["pixels"]["sharpest_tile"].as_f64().unwrap() > 0.0);
    assert_eq!(finding(r, "pixels")["verdict"], "pass");
    finding(r, "exposure.highlights");
    finding(r, "sharpness");
    let o = &out["overlay"];
    assert_eq!(o["clip"]["width"], 320);
    let mask = o["clip"]["mask"].as_str().unwrap();
    assert_eq!(mask.len(), (320usize * 240).div_ceil(3) * 4, "base64 of one byte per pixel");
    let focus = &o["focus"];
    let cells = focus["cols"].as_u64().unwrap() * focus["rows"].as_u64().unwrap();
    assert_eq!(focus["scores"].as_array().unwrap().len() as u64, cells);
    assert!(cells >= 15, "640×480 in 128 px tiles");
    // Without pixel rules there is no overlay and no pixel work.
    let header_only = run(&Engine::new(BRIEF).unwrap(), DSCN0010, "DSCN0010.jpg");
    assert!(header_only["overlay"].is_null());
    assert!(header_only["report"]["pixels"].is_null());
}

#[wasm_bindgen_test]
fn faces_without_the_detection_build_warn_and_say_why() {
    // This test build has no `detect` feature: the page loads another build for such briefs,
    // and this one must never pass them silently.
    let brief =
        r#"{ "preflight_brief": 1, "name": "faces", "checks": { "faces": { "max": 0 }, "plates": { "max": 0 } } }"#;
    let engine = Engine::new(brief).unwrap();
    assert!(engine.needs_detection());
    assert!(!engine.has_detection());
    assert!(!Engine::new(BRIEF).unwrap().needs_detection());
    assert!(preflight::wasm::load_models(vec![1, 2, 3], vec![4], vec![5]).is_err(), "no models without detection");
    let r = &run(&engine, DSCN0010, "DSCN0010.jpg")["report"];
    assert!(r["faces"].is_null() && r["plates"].is_null());
    let f = finding(r, "faces");
    assert_eq!(f["verdict"], "warn");
    assert!(f["message"].as_str().unwrap().starts_with("Face detection unavailable: "), "{f}");
    assert_eq!(finding(r, "plates")["verdict"], "warn");
}

#[wasm_bindgen_test]
fn a_thumbnail_comparison_needs_the_build_with_decoders() {
    let brief = r#"{ "preflight_brief": 1, "name": "p", "checks": { "privacy": { "forbid": ["thumbnail_mismatch", "owner"] } } }"#;
    assert!(Engine::new(brief).unwrap().needs_pixels());
    let brief = r#"{ "preflight_brief": 1, "name": "p", "checks": { "privacy": { "forbid": ["owner"] } } }"#;
    assert!(!Engine::new(brief).unwrap().needs_pixels());
}

/// The simd128 kernels (inverse DCT, luma-pass row sums) give exactly what the portable
/// reference code gives.
#[wasm_bindgen_test]
fn simd_kernels_equal_the_portable_reference() {
    use preflight::pixels::jpeg::idct::{idct_portable, idct8x8};
    use preflight::pixels::pass::{half_lap2_scalar, kernels, row_sums_scalar};
    let mut seed = 7u32;
    let mut rnd = move || {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        seed
    };
    for trial in 0..2000 {
        let mut coef = [0i32; 64];
        for (k, c) in coef.iter_mut().enumerate().take(1 + trial % 64) {
            // Include huge (hostile) values: arithmetic must wrap the same way.
            let range = if trial % 97 == 0 { 1 << 20 } else { 2048 / (1 + k as u32) };
            *c = (rnd() % (2 * range)) as i32 - range as i32;
        }
        let (mut a, mut b) = ([0u8; 64], [0u8; 64]);
        idct8x8(&coef, 63, &mut a, 8);
        idct_portable(&coef, &mut b, 8);
        assert_eq!(a, b, "trial {trial}");
        // Only the first 10 zigzag coefficients: the low-frequency path.
        let mut low = [0i32; 64];
        for &z in &preflight::pixels::jpeg::huffman::DEZIGZAG[..10] {
            low[z as usize] = coef[z as usize];
        }
        idct8x8(&low, 9, &mut a, 8);
        idct_portable(&low, &mut b, 8);
        assert_eq!(a, b, "trial {trial}, low");
    }
    let w = 1100;
    let rows: Vec<u8> = (0..3 * w).map(|_| rnd() as u8).collect();
    let (u, m, d) = (&rows[..w], &rows[w..2 * w], &rows[2 * w..]);
    for (x0, x1) in [(1, 1025), (1, 9), (3, 4), (7, 300), (500, 1099)] {
        assert_eq!(kernels::row_sums_u8(u, m, d, x0, x1), row_sums_scalar(u, m, d, x0, x1), "{x0}..{x1}");
        let h: Vec<u16> = rows.iter().map(|&x| x as u16 * 4).collect();
        let (hu, hm, hd) = (&h[..w], &h[w..2 * w], &h[2 * w..]);
        let x1 = x1.min(x0 + 512);
        assert_eq!(kernels::half_lap2_u16(hu, hm, hd, x0, x1), half_lap2_scalar(hu, hm, hd, x0, x1), "{x0}..{x1}");
    }
}
