//! Pixel measures on real files from ../shared/corpus (set PREFLIGHT_CORPUS to override).

use preflight::pixels::decode::{self, DecodeOptions, Origin};
use preflight::pixels::exposure::{self, ClipThresholds};
use preflight::pixels::sharpness::{self, BlurHint, SharpnessOptions};
use preflight::pixels::{Decoded, Raster, Samples, stats, synth};

fn corpus(rel: &str) -> Vec<u8> {
    let root = std::env::var("PREFLIGHT_CORPUS")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus").to_string());
    let path = format!("{root}/{rel}");
    std::fs::read(&path).unwrap_or_else(|e| panic!("corpus file {path}: {e}"))
}

fn open(rel: &str) -> Decoded {
    decode::decode(&corpus(rel), &DecodeOptions::default()).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn u8s(r: &Raster) -> &[u8] {
    match &r.samples {
        Samples::U8(v) => v,
        Samples::U16(_) => panic!("expected 8-bit"),
    }
}

/// Separable Gaussian blur of an 8-bit grey raster (edges clamped).
fn gaussian(r: &Raster, sigma: f32) -> Raster {
    let (w, h) = (r.width as usize, r.height as usize);
    let rad = (sigma * 3.0).ceil() as isize;
    let k: Vec<f32> = (-rad..=rad).map(|i| (-(i * i) as f32 / (2.0 * sigma * sigma)).exp()).collect();
    let ks: f32 = k.iter().sum();
    let src: Vec<f32> = u8s(r).iter().map(|&v| v as f32).collect();
    let pass = |img: &[f32], horizontal: bool| -> Vec<f32> {
        let mut out = vec![0f32; w * h];
        for y in 0..h {
            for x in 0..w {
                let mut s = 0.0;
                for (j, kv) in k.iter().enumerate() {
                    let o = j as isize - rad;
                    let (xx, yy) = if horizontal {
                        ((x as isize + o).clamp(0, w as isize - 1) as usize, y)
                    } else {
                        (x, (y as isize + o).clamp(0, h as isize - 1) as usize)
                    };
                    s += kv * img[yy * w + xx];
                }
                out[y * w + x] = s / ks;
            }
        }
        out
    };
    let b = pass(&pass(&src, true), false);
    Raster::new_u8(r.width, r.height, 1, b.iter().map(|v| v.round().clamp(0.0, 255.0) as u8).collect())
}

/// Horizontal box blur over `len` pixels (camera moving left–right).
fn motion_blur_x(r: &Raster, len: usize) -> Raster {
    let (w, h) = (r.width as usize, r.height as usize);
    let v = u8s(r);
    let mut out = vec![0u8; w * h];
    for y in 0..h {
        for x in 0..w {
            let s: u32 = (0..len).map(|i| v[y * w + (x + i).saturating_sub(len / 2).min(w - 1)] as u32).sum();
            out[y * w + x] = (s / len as u32) as u8;
        }
    }
    Raster::new_u8(r.width, r.height, 1, out)
}

fn small_tiles() -> SharpnessOptions {
    SharpnessOptions { tile: 64, ..Default::default() }
}

#[test]
fn all_white_dng_preview_is_clipped() {
    let d = open("metadata/exifpy__nikon_z_9_high_efficiency_compressed_dx_cropped_max_overexposed.dng");
    assert!(matches!(d.origin, Origin::EmbeddedPreview { .. }), "{:?}", d.origin);
    let e = exposure::measure(&d.preview, &ClipThresholds::default());
    println!("DNG preview {}×{}: {e:?}", d.width, d.height);
    assert!(e.luma.blown_pct > 90.0, "{e:?}");
    assert!(e.largest_blown_region_pct > 90.0, "{e:?}");
    assert!(e.p5 > 0.95, "{e:?}");
}

#[test]
fn overexposed_canon_jpeg_is_clipped_in_one_large_region() {
    let d = open("metadata/exifpy__canon_hdr_NO.jpg");
    let e = exposure::measure(&d.preview, &ClipThresholds::default());
    println!("canon_hdr_NO: {e:?}");
    assert!(e.any_blown_pct > 5.0 && e.p95 >= 0.99, "{e:?}");
    // One clipped area, not scattered speculars.
    assert!(e.largest_blown_region_pct > 1.0, "{e:?}");
}

#[test]
fn a_normal_photo_is_not_clipped() {
    let d = open("metadata/exifr__door-knocker.jpg");
    let e = exposure::measure(&d.preview, &ClipThresholds::default());
    println!("door-knocker: {e:?}");
    assert!(e.any_blown_pct < 2.0, "{e:?}");
}

#[test]
fn sixteen_bit_thermal_tiff_is_not_blown_out() {
    let d = open("metadata/exifr__001.tif");
    assert_eq!((d.source_bit_depth, d.preview.bit_depth(), d.preview.channels), (16, 16, 1));
    let e = exposure::measure(&d.preview, &ClipThresholds::default());
    println!("thermal: max_value {} {e:?}", d.preview.max_value);
    assert!(e.any_blown_pct < 1.0, "{e:?}");
    assert!(e.luma.blown_pct < 1.0, "{e:?}");
    let s = sharpness::measure(&d.luma, &small_tiles());
    println!("thermal sharpness: sharpest {} median {}", s.sharpest, s.median);
}

#[test]
fn uniform_grey_jpeg_has_very_low_entropy() {
    let grey = stats::entropy(&open("metadata/exifpy__67-0_length_string.jpg").luma);
    let photo = stats::entropy(&open("metadata/exifr__door-knocker.jpg").luma);
    println!("entropy: grey {grey:.3} bits, photo {photo:.3} bits");
    assert!(grey < 0.5, "{grey}");
    assert!(photo > 5.0, "{photo}");
}

#[test]
fn gaussian_blur_lowers_sharpness_monotonically() {
    let luma = open("faces/skimage__astronaut.png").luma;
    let mut last = sharpness::measure(&luma, &small_tiles());
    println!("sigma 0: sharpest {:.1} p90 {:.1} in focus {:.2}", last.sharpest, last.p90, last.in_focus_fraction);
    assert_eq!(last.blur_hint, BlurHint::Sharp);
    for sigma in [0.6f32, 1.0, 1.5, 2.5, 4.0] {
        let s = sharpness::measure(&gaussian(&luma, sigma), &small_tiles());
        println!(
            "sigma {sigma}: sharpest {:.1} p90 {:.1} in focus {:.2} aniso {:.2} {:?}",
            s.sharpest, s.p90, s.in_focus_fraction, s.anisotropy, s.blur_hint
        );
        assert!(s.sharpest < last.sharpest && s.p90 < last.p90, "sigma {sigma}: {} !< {}", s.sharpest, last.sharpest);
        assert!(s.in_focus_fraction <= last.in_focus_fraction);
        last = s;
    }
    assert_eq!(last.in_focus_fraction, 0.0);
    assert_eq!(last.blur_hint, BlurHint::Defocus);
}

#[test]
fn horizontal_motion_blur_is_told_from_defocus() {
    let luma = open("faces/skimage__astronaut.png").luma;
    let s = sharpness::measure(&motion_blur_x(&luma, 15), &small_tiles());
    println!("motion: sharpest {:.1} aniso {:.2} {:?}", s.sharpest, s.anisotropy, s.blur_hint);
    assert_eq!(s.blur_hint, BlurHint::Motion { angle_deg: 0 });
}

#[test]
fn grayscale_saved_as_rgb_jpeg_is_flagged_and_colour_is_not() {
    let cam = open("faces/skimage__camera.png");
    assert_eq!(cam.source_channels, 1);
    // The grey photo saved as an RGB JPEG, as a careless export would.
    let g = u8s(&cam.luma);
    let rgb: Vec<u8> = g.iter().flat_map(|&v| [v, v, v]).collect();
    let mut jpeg = Vec::new();
    jpeg_encoder::Encoder::new(&mut jpeg, 90)
        .encode(&rgb, cam.width as u16, cam.height as u16, jpeg_encoder::ColorType::Rgb)
        .unwrap();
    let as_rgb = decode::decode(&jpeg, &DecodeOptions::default()).unwrap();
    let grey = stats::grayscale(&as_rgb.preview);
    let colour = stats::grayscale(&open("faces/skimage__astronaut.png").preview);
    println!("grey-as-RGB {grey:?}\ncolour {colour:?}");
    assert!(grey.is_grayscale_as_rgb, "{grey:?}");
    assert!(!colour.is_grayscale_as_rgb, "{colour:?}");
    // Stored as grey: an honest grayscale file, not "saved as RGB".
    assert!(!stats::grayscale(&cam.preview).is_grayscale_as_rgb);
}

#[test]
fn an_enlarged_image_has_weak_high_frequencies() {
    let d = open("faces/skimage__astronaut.png");
    let Samples::U8(rgb) = &d.preview.samples else { panic!() };
    let big = synth::upscale_with_grain(rgb, d.width, d.height, d.width * 2, d.height * 2, 0.0, 1);
    let big_luma = Raster::new_u8(d.width * 2, d.height * 2, 3, big).to_luma();
    let orig = stats::upsampling(&d.luma, 64);
    let up = stats::upsampling(&big_luma, 128);
    println!("hf ratio: original {orig:?}, ×2 {up:?}");
    assert!(!orig.likely_upsampled, "{orig:?}");
    assert!(up.likely_upsampled, "{up:?}");
}

#[test]
fn noise_estimate_grows_with_grain() {
    let d = open("faces/skimage__astronaut.png");
    let Samples::U8(rgb) = &d.preview.samples else { panic!() };
    let (w, h) = (d.width, d.height);
    let clean = Raster::new_u8(w, h, 3, synth::upscale_with_grain(rgb, w, h, w, h, 0.0, 1)).to_luma();
    let grainy = Raster::new_u8(w, h, 3, synth::upscale_with_grain(rgb, w, h, w, h, 6.0, 1)).to_luma();
    let (a, b) = (stats::noise(&clean, 64), stats::noise(&grainy, 64));
    println!("noise: clean {a:?}, grain 6 {b:?}");
    assert!(b.sigma_flat > a.sigma_flat + 3.0, "{a:?} {b:?}");
}

#[test]
fn pixel_limit_is_enforced_before_decoding() {
    let bytes = corpus("metadata/exifr__door-knocker.jpg");
    let e = decode::decode(&bytes, &DecodeOptions { max_pixels: 100_000, ..Default::default() }).unwrap_err();
    assert!(matches!(e, decode::DecodeError::TooLarge { width: 800, height: 533, .. }), "{e:?}");
}

#[test]
fn every_jpeg_path_agrees() {
    let bytes = corpus("metadata/exifr__door-knocker.jpg");
    let paths = [
        decode::JpegPath::ZuneRgb,
        decode::JpegPath::ZuneLumaPlusScaled,
        decode::JpegPath::JpegDecoderRgb,
        decode::JpegPath::ZuneYcc,
        decode::JpegPath::Auto,
    ];
    let ds: Vec<Decoded> = paths
        .iter()
        .map(|&jpeg| {
            decode::decode(&bytes, &DecodeOptions { jpeg, preview_max_side: 256, ..Default::default() }).unwrap()
        })
        .collect();
    let e: Vec<_> = ds.iter().map(|d| exposure::measure(&d.preview, &ClipThresholds::default())).collect();
    for (d, e) in ds.iter().zip(&e) {
        assert_eq!((d.preview.width, d.preview.height), (200, 133));
        println!("{}×{} preview {}×{} p50 {:.3}", d.width, d.height, d.preview.width, d.preview.height, e.p50);
        assert_eq!((d.luma.width, d.luma.height), (800, 533));
    }
    assert!(
        e.iter().all(|x| (x.p50 - e[0].p50).abs() < 0.03 && (x.any_blown_pct - e[0].any_blown_pct).abs() < 0.5),
        "{:?}",
        e.iter().map(|e| e.p50).collect::<Vec<_>>()
    );
}

/// preflight's own JPEG decoder against zune-jpeg (an independent, libjpeg-turbo-compatible
/// decoder) on every corpus JPEG and raw preview it handles: the same luma within IDCT rounding,
/// the same preview colour within the error of 1/8-scale chroma.
#[test]
fn own_jpeg_decoder_agrees_with_zune_on_the_corpus() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let mut handled = 0;
    let mut not_handled = Vec::new();
    for dir in ["metadata", "faces", "plates", "pixels", "negatives"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else { continue };
        for e in entries.flatten() {
            let bytes = std::fs::read(e.path()).unwrap();
            let Some((jpeg, _)) = decode::jpeg_stream(&bytes) else { continue };
            let name = e.file_name().to_string_lossy().into_owned();
            let opts = |jpeg| DecodeOptions { jpeg, ..Default::default() };
            let ours = match decode::decode(jpeg, &opts(decode::JpegPath::Preflight)) {
                Ok(d) => d,
                Err(decode::DecodeError::Unsupported(why)) => {
                    not_handled.push(format!("{name}: {why}"));
                    continue;
                }
                Err(err) => {
                    // Damaged files are refused. zune-jpeg conceals errors (fills with grey), so the
                    // second opinion is jpeg-decoder, which refuses damaged entropy data too; both
                    // conceal a cut-off end.
                    let other_refuses = decode::decode(jpeg, &opts(decode::JpegPath::JpegDecoderRgb)).is_err();
                    assert!(other_refuses || err.to_string().contains("cut off"), "{name}: {err}");
                    println!("{name}: refused: {err}");
                    continue;
                }
            };
            // zune's own Y (no RGB round trip), and a preview from its full RGB decode.
            let (Ok(zune), Ok(zune_rgb)) = (
                decode::decode(jpeg, &opts(decode::JpegPath::ZuneLumaPlusScaled)),
                decode::decode(jpeg, &opts(decode::JpegPath::ZuneRgb)),
            ) else {
                println!("{name}: zune refuses it, preflight decodes it");
                continue;
            };
            handled += 1;
            let (a, b) = (u8s(&ours.luma), u8s(&zune.luma));
            assert_eq!(a.len(), b.len(), "{name}");
            let diffs: Vec<i32> = a.iter().zip(b).map(|(&x, &y)| (x as i32 - y as i32).abs()).collect();
            let mean = diffs.iter().sum::<i32>() as f64 / diffs.len() as f64;
            let max = *diffs.iter().max().unwrap();
            assert!(mean < 0.1 && max <= 2, "{name}: luma differs by {mean:.3} on average, {max} at most");
            let zp = &zune_rgb.preview;
            assert_eq!(
                (ours.preview.width, ours.preview.height, ours.preview.channels),
                (zp.width, zp.height, zp.channels)
            );
            let (p, q) = (u8s(&ours.preview), u8s(zp));
            let pd = p.iter().zip(q).map(|(&x, &y)| (x as i32 - y as i32).abs()).sum::<i32>() as f64 / p.len() as f64;
            let (eo, ez) =
                (exposure::measure(&ours.preview, &Default::default()), exposure::measure(zp, &Default::default()));
            println!(
                "{name} {}×{}: luma Δ mean {mean:.3} max {max}, preview Δ {pd:.2}; blown {:.2}/{:.2} R {:.2}/{:.2} crushed {:.2}/{:.2} p50 {:.3}/{:.3}",
                ours.width,
                ours.height,
                eo.any_blown_pct,
                ez.any_blown_pct,
                eo.red.blown_pct,
                ez.red.blown_pct,
                eo.all_crushed_pct,
                ez.all_crushed_pct,
                eo.p50,
                ez.p50
            );
        }
    }
    println!("handled {handled}; left to zune: {not_handled:#?}");
    assert!(handled >= 40, "only {handled} corpus JPEGs decoded by preflight's decoder");
}

/// JPEGs only a whole-image decoder reads (here a progressive one) are bounded by their own,
/// lower pixel limit, checked from the header, with a reason that names the kind of file.
#[test]
fn progressive_jpegs_are_bounded_before_decoding() {
    let bytes = corpus("faces/facerec__obama_and_biden.jpg");
    assert!(decode::decode(&bytes, &DecodeOptions::default()).is_ok());
    let small = DecodeOptions { max_whole_image_jpeg_pixels: 10_000, ..Default::default() };
    let e = decode::decode(&bytes, &small).unwrap_err().to_string();
    assert!(e.contains("progressive") && e.contains("MP"), "{e}");
}
