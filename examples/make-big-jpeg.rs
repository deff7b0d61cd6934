//! Builds a big camera-like test JPEG from a real corpus photo, for the pixel benchmarks:
//! bilinear upscale + sensor-like grain (`preflight::pixels::synth`), 4:2:2 chroma like most
//! camera bodies, quality 92, and an APP1 Exif block (Make, Model, DateTimeOriginal, FNumber,
//! ExposureTime, ISO, FocalLength).
//!
//!     cargo run --release --example make-big-jpeg -- OUT.jpg WIDTH HEIGHT [SOURCE.jpg]
//!
//! SOURCE defaults to `$PREFLIGHT_CORPUS/faces/darknet__kite.jpg` (corpus default
//! `../shared/corpus`). Prints one JSON line: {"path", "width", "height", "bytes", "ms"}.

use std::time::Instant;

use preflight::pixels::synth::{self, CameraExif};
use preflight::pixels::{Samples, decode};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 3 {
        eprintln!("usage: make-big-jpeg OUT.jpg WIDTH HEIGHT [SOURCE.jpg]");
        std::process::exit(2);
    }
    let (out_path, w, h): (&str, u32, u32) =
        (&args[0], args[1].parse().expect("width"), args[2].parse().expect("height"));
    assert!(w <= 65_535 && h <= 65_535, "JPEG sides are at most 65535");
    let source = args.get(3).cloned().unwrap_or_else(|| {
        let root = std::env::var("PREFLIGHT_CORPUS")
            .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus").to_string());
        format!("{root}/faces/darknet__kite.jpg")
    });
    let t = Instant::now();
    let src = std::fs::read(&source).unwrap_or_else(|e| panic!("{source}: {e}"));
    let small = decode::jpeg_decoder_scaled(&src, None).expect("decode source");
    let Samples::U8(rgb) = &small.samples else { unreachable!() };
    let rgb = if small.channels == 1 { rgb.iter().flat_map(|&g| [g, g, g]).collect() } else { rgb.clone() };
    let big = synth::upscale_with_grain(&rgb, small.width, small.height, w, h, 6.0, 7);
    let mut out = Vec::new();
    let mut enc = jpeg_encoder::Encoder::new(&mut out, 92);
    enc.set_sampling_factor(jpeg_encoder::SamplingFactor::F_2_1);
    let exif = synth::exif_app1(&CameraExif {
        make: "Canon",
        model: "Canon EOS R5",
        datetime_original: "2026:05:14 09:41:27",
        f_number_x10: 56,
        exposure_denominator: 250,
        iso: 400,
        focal_length_mm: 85,
        width: w,
        height: h,
    });
    enc.add_app_segment(1, exif).expect("exif segment");
    enc.encode(&big, w as u16, h as u16, jpeg_encoder::ColorType::Rgb).expect("encode");
    std::fs::write(out_path, &out).unwrap_or_else(|e| panic!("{out_path}: {e}"));
    println!(
        "{{\"path\":{:?},\"width\":{w},\"height\":{h},\"bytes\":{},\"ms\":{:.0}}}",
        out_path,
        out.len(),
        t.elapsed().as_secs_f64() * 1e3
    );
}
