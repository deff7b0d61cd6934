//! Pixel checks through the whole pipeline (`preflight::check` with a brief), on real corpus
//! files: what a reviewer would reject is rejected, with the finding saying why.

mod common;

use preflight::brief::Brief;
use preflight::report::{Report, Verdict};
use preflight::source::{FileSource, SliceSource};

const BRIEF: &str = r#"{
  "preflight_brief": 1, "name": "pixel test",
  "checks": {
    "exposure": { "max_highlights_percent": 5, "max_shadows_percent": 20, "max_clipped_area_percent": 10 },
    "sharpness": { "min_sharpest": 100 },
    "information": { "min_entropy_bits": 3, "reject_grayscale_as_rgb": true },
    "noise": { "max_sigma": 12 },
    "upsampling": {}
  }
}"#;

fn check_bytes(bytes: &[u8], name: &str) -> Report {
    let brief = Brief::parse(BRIEF).unwrap();
    let mut src = SliceSource(bytes);
    preflight::check(&mut src, name, &brief, &Default::default()).0
}

fn check_corpus(rel: &str) -> Report {
    let brief = Brief::parse(BRIEF).unwrap();
    let mut src = FileSource::open(&common::corpus_dir().join(rel)).unwrap();
    preflight::check(&mut src, rel, &brief, &Default::default()).0
}

fn verdict(r: &Report, check: &str) -> Verdict {
    r.findings
        .iter()
        .find(|f| f.check == check)
        .unwrap_or_else(|| panic!("no `{check}` finding for {}: {:#?}", r.file, r.findings))
        .verdict
}

#[test]
fn the_all_white_dng_fails_highlights_on_its_embedded_preview() {
    let r = check_corpus("metadata/exifpy__nikon_z_9_high_efficiency_compressed_dx_cropped_max_overexposed.dng");
    assert_eq!(verdict(&r, "exposure.highlights"), Verdict::Fail);
    let h = r.findings.iter().find(|f| f.check == "exposure.highlights").unwrap();
    assert!(h.message.contains("embedded preview"), "{}", h.message);
    let p = r.pixels.as_ref().unwrap();
    assert_eq!(p.analysed, "embedded_preview");
    assert!(p.highlights_percent.unwrap() > 99.0, "{p:?}");
}

#[test]
fn an_overexposed_street_lamp_fails_highlights() {
    let r = check_corpus("metadata/exifpy__canon_hdr_NO.jpg");
    assert_eq!(verdict(&r, "exposure.highlights"), Verdict::Fail);
    assert_eq!(verdict(&r, "pixels"), Verdict::Pass);
}

#[test]
fn the_flat_grey_jpeg_fails_low_information() {
    let r = check_corpus("metadata/exifpy__67-0_length_string.jpg");
    assert_eq!(verdict(&r, "information.entropy"), Verdict::Fail);
    assert_eq!(verdict(&r, "sharpness"), Verdict::Fail, "nothing is sharp in a flat frame");
}

#[test]
fn a_good_photo_passes_every_pixel_check() {
    let r = check_corpus("metadata/exifr__door-knocker.jpg");
    for id in [
        "exposure.highlights",
        "exposure.shadows",
        "sharpness",
        "information.entropy",
        "information.grayscale",
        "noise",
        "upsampling",
    ] {
        assert_eq!(verdict(&r, id), Verdict::Pass, "{id}: {:#?}", r.findings);
    }
}

#[test]
fn a_16_bit_thermal_tiff_is_not_called_blown_out() {
    let r = check_corpus("metadata/exifr__001.tif");
    assert_eq!(verdict(&r, "exposure.highlights"), Verdict::Pass);
    assert_eq!(r.pixels.as_ref().unwrap().highlights_percent, Some(0.0));
}

#[test]
fn grayscale_saved_as_rgb_is_flagged_through_the_pipeline() {
    // skimage's `camera` (8-bit grey PNG) re-saved as an RGB PNG by the test.
    let grey = std::fs::read(common::corpus_dir().join("faces/skimage__camera.png")).unwrap();
    let decoder = png::Decoder::new(std::io::Cursor::new(&grey));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.color_type, png::ColorType::Grayscale);
    let rgb: Vec<u8> = buf[..info.buffer_size()].iter().flat_map(|&v| [v, v, v]).collect();
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, info.width, info.height);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        enc.write_header().unwrap().write_image_data(&rgb).unwrap();
    }
    let r = check_bytes(&out, "camera-rgb.png");
    assert_eq!(verdict(&r, "information.grayscale"), Verdict::Fail);
    let colour = check_corpus("faces/skimage__astronaut.png");
    assert_eq!(verdict(&colour, "information.grayscale"), Verdict::Pass);
}

#[test]
fn formats_preflight_cannot_decode_warn_instead_of_passing() {
    let r = check_corpus("metadata/ianare__IMG_5195.HEIC");
    assert_eq!(verdict(&r, "pixels"), Verdict::Warn);
    assert!(r.findings.iter().all(|f| !f.check.starts_with("exposure") && !f.check.starts_with("sharpness")));
    assert!(r.pixels.is_none());
    let broken = check_bytes(b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00", "cut.jpg");
    assert_eq!(verdict(&broken, "pixels"), Verdict::Warn);
}

#[test]
fn header_only_briefs_never_decode() {
    let brief = Brief::parse(r#"{"preflight_brief": 1, "name": "h", "checks": {"resolution": {"min_megapixels": 1}}}"#)
        .unwrap();
    let path = common::corpus_dir().join("metadata/mei__Canon_Powershot_S90.jpg");
    let mut src = FileSource::open(&path).unwrap();
    let (r, io) = preflight::check(&mut src, "s90.jpg", &brief, &Default::default());
    assert!(r.pixels.is_none());
    assert!(io.bytes_read < 200_000, "read {} of {}", io.bytes_read, io.file_size);
}
