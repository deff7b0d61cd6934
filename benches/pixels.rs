//! Native timing of the pixel path on a generated 24 MP JPEG: each JPEG decoder and path, then
//! each measure. Run: `cargo bench --bench pixels` (set `PIXELS_MP=45` for 45 MP,
//! `PREFLIGHT_CORPUS` to move the corpus). The generated JPEG is cached in the target dir.
//!
//! The generator (a real corpus photo, bilinear upscale + sensor-like grain σ≈6, pure-Rust JPEG
//! encode at quality 92: ≈ 9 MB at 24 MP, camera-like) is `preflight::pixels::synth` +
//! `jpeg-encoder`, reusable by the later browser benchmark.
//!
//! Measured 2026-11-25 on the shared 2-core dev machine (noisy), the 24 MP 4:2:2 q92 file of
//! `npm run bench:pixels` (`PIXELS_FILE=bench-results/pixels-6000x4000.jpg`): preflight's decoder
//! 110 ms vs zune-jpeg luma-only 110, RGB 146; luma pass (every 100 % sum) 55; analyze() with
//! every measure, streamed 163 vs whole-image zune YCbCr + pass 245.

use std::time::Instant;

use preflight::pixels::analysis::{Needs, analyze};
use preflight::pixels::decode::{self, DecodeOptions, JpegPath};
use preflight::pixels::exposure::{self, ClipThresholds};
use preflight::pixels::sharpness::{self, SharpnessOptions};
use preflight::pixels::{Samples, pass, stats, synth};

fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut best = f64::INFINITY;
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        let v = f();
        best = best.min(t.elapsed().as_secs_f64() * 1e3);
        last = Some(v);
    }
    (best, last.unwrap())
}

/// A `mp`-megapixel 3:2 JPEG made from a corpus photo (cached).
pub fn big_jpeg(mp: u32) -> Vec<u8> {
    let path = format!("{}/pixels-{mp}mp.jpg", env!("CARGO_TARGET_TMPDIR"));
    if let Ok(b) = std::fs::read(&path) {
        return b;
    }
    let root = std::env::var("PREFLIGHT_CORPUS")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus").to_string());
    let src = std::fs::read(format!("{root}/faces/darknet__kite.jpg")).expect("corpus photo");
    let small = decode::jpeg_decoder_scaled(&src, None).expect("decode source");
    let Samples::U8(rgb) = &small.samples else { unreachable!() };
    let h = ((mp as f64 * 1e6 / 1.5).sqrt()).round() as u32;
    let w = h * 3 / 2;
    let t = Instant::now();
    let big = synth::upscale_with_grain(rgb, small.width, small.height, w, h, 6.0, 7);
    let mut out = Vec::new();
    jpeg_encoder::Encoder::new(&mut out, 92)
        .encode(&big, w as u16, h as u16, jpeg_encoder::ColorType::Rgb)
        .expect("encode");
    eprintln!(
        "generated {w}×{h} JPEG ({:.1} MB) in {:.0} ms → {path}",
        out.len() as f64 / 1e6,
        t.elapsed().as_secs_f64() * 1e3
    );
    let _ = std::fs::write(&path, &out);
    out
}

fn main() {
    let mp: u32 = std::env::var("PIXELS_MP").ok().and_then(|s| s.parse().ok()).unwrap_or(24);
    let runs: usize = std::env::var("PIXELS_RUNS").ok().and_then(|s| s.parse().ok()).unwrap_or(3);
    let jpeg = match std::env::var("PIXELS_FILE") {
        Ok(p) => std::fs::read(&p).unwrap_or_else(|e| panic!("{p}: {e}")),
        Err(_) => big_jpeg(mp),
    };
    let f = decode::jpeg_frame(&jpeg).unwrap();
    println!(
        "# {}×{} ({:.1} MP), {:.1} MB, best of {runs} (ms)",
        f.width,
        f.height,
        f.width as f64 * f.height as f64 / 1e6,
        jpeg.len() as f64 / 1e6
    );
    let zc = zune_core::colorspace::ColorSpace::RGB;
    let (t, _) = best_of(runs, || decode::jpeg_frame(&jpeg));
    println!("header (SOF parse)                 {t:8.2}");
    let (t, _) = best_of(runs, || decode::jpeg_zune(&jpeg, zc).unwrap());
    println!("zune-jpeg RGB                      {t:8.1}");
    let (t, _) = best_of(runs, || decode::jpeg_zune(&jpeg, zune_core::colorspace::ColorSpace::Luma).unwrap());
    println!("zune-jpeg luma only                {t:8.1}");
    let (t, _) = best_of(runs, || decode::jpeg_zune(&jpeg, zune_core::colorspace::ColorSpace::YCbCr).unwrap());
    println!("zune-jpeg YCbCr                    {t:8.1}");
    let (t, _) = best_of(runs, || decode::jpeg_decoder_scaled(&jpeg, None).unwrap());
    println!("jpeg-decoder RGB                   {t:8.1}");
    let (t, r) = best_of(runs, || decode::jpeg_decoder_scaled(&jpeg, Some(1024)).unwrap());
    println!("jpeg-decoder DCT-scaled ({}×{})    {t:8.1}", r.width, r.height);
    let (t, _) = best_of(runs, || {
        let mut rows = 0usize;
        preflight::pixels::jpeg::decode(&jpeg, u64::MAX, 1024, &mut |_| rows += 1).unwrap()
    });
    println!("preflight decoder (rows dropped)   {t:8.1}");
    for path in [
        JpegPath::Auto,
        JpegPath::Preflight,
        JpegPath::ZuneYcc,
        JpegPath::ZuneRgb,
        JpegPath::ZuneLumaPlusScaled,
        JpegPath::JpegDecoderRgb,
    ] {
        let o = DecodeOptions { jpeg: path, ..Default::default() };
        let (t, _) = best_of(runs, || decode::decode(&jpeg, &o).unwrap());
        println!("decode() {path:<28?}{t:8.1}");
    }
    let d = decode::decode(&jpeg, &DecodeOptions::default()).unwrap();
    let (t_exp, _) = best_of(runs, || exposure::measure(&d.preview, &ClipThresholds::default()));
    println!("exposure (preview)                 {t_exp:8.1}");
    let (t_grey, _) = best_of(runs, || stats::grayscale(&d.preview));
    println!("grayscale (preview)                {t_grey:8.1}");
    let (t_pass, sums) = best_of(runs, || pass::measure_raster(&d.luma, 128));
    println!("luma pass, all sums ({}×{} tiles)  {t_pass:8.1}", sums.cols, sums.rows);
    let (t, _) = best_of(runs, || {
        (
            sharpness::from_sums(&sums, &SharpnessOptions::default()),
            stats::noise_from_sums(&sums),
            stats::upsampling_from_sums(&sums),
            stats::entropy_of_histogram(&sums.histogram),
        )
    });
    println!("measures from sums                 {t:8.2}");
    let all =
        Needs { exposure: true, sharpness: true, information: true, noise: true, upsampling: true, fingerprint: false };
    for path in [JpegPath::Auto, JpegPath::ZuneYcc] {
        let o = DecodeOptions { jpeg: path, ..Default::default() };
        let (t, _) = best_of(runs, || analyze(&jpeg, all, &o).unwrap());
        let how = if path == JpegPath::Auto { "streamed" } else { "ZuneYcc + pass" };
        println!("analyze() every measure, {how:<16}{t:8.1}");
    }
}
