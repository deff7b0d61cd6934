//! Blurred clean copies, judged by the real detectors (feature `detect`; models in `models/`,
//! fetched by `node scripts/models.mjs`): after blurring what they found, they find nothing
//! there any more — also in a photo stored sideways with EXIF orientation 6.
#![cfg(feature = "detect")]

mod common;

use std::sync::OnceLock;

use preflight::brief::Brief;
use preflight::detectors::Detectors;
use preflight::report::{ObjectBox, Report};

const BRIEF: &str = r#"{"preflight_brief": 1, "name": "blur", "checks": {
    "faces": {"max": 100}, "plates": {"max": 100}, "privacy": {"forbid": ["gps", "serial_numbers", "owner"]},
    "exif": {"recommended": ["DateTimeOriginal", "Make", "Model"]}}}"#;

fn detectors() -> &'static Detectors {
    static D: OnceLock<Detectors> = OnceLock::new();
    D.get_or_init(|| {
        let dir = std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/models"));
        assert!(
            dir.join(preflight::detect::FACE_MODEL_FILE).is_file(),
            "models missing: run `node scripts/models.mjs`"
        );
        Detectors::from_dir(dir)
    })
}

fn check(bytes: &[u8]) -> Report {
    let brief = Brief::parse(BRIEF).unwrap();
    let ctx = preflight::Context { now_unix_s: None, detectors: Some(detectors()) };
    preflight::check(&mut preflight::source::SliceSource(bytes), "x.jpg", &brief, &ctx).0
}

fn centre_inside(b: &ObjectBox, r: &ObjectBox) -> bool {
    let (cx, cy) = (b.x + b.w / 2, b.y + b.h / 2);
    (r.x..r.x + r.w).contains(&cx) && (r.y..r.y + r.h).contains(&cy)
}

/// Blurs every face and plate the detectors find in `original`; returns (found before, copy).
fn blur_all(original: &[u8]) -> (Vec<ObjectBox>, Vec<u8>) {
    let before = check(original);
    let mut regions = before.faces.clone().expect("faces looked for");
    regions.extend(before.plates.clone().expect("plates looked for"));
    let brief = Brief::parse(BRIEF).unwrap();
    let c = preflight::clean::clean(original, &brief.rules, &regions).unwrap();
    assert!(!c.lossless && c.blurred == regions.len());
    (regions, c.bytes)
}

fn assert_nothing_found_where_blurred(regions: &[ObjectBox], copy: &[u8], what: &str) {
    let after = check(copy);
    let again: Vec<&ObjectBox> = after
        .faces
        .iter()
        .flatten()
        .chain(after.plates.iter().flatten())
        .filter(|b| regions.iter().any(|r| centre_inside(b, r)))
        .collect();
    assert!(again.is_empty(), "{what}: still detected in blurred regions: {again:?}");
}

#[test]
fn no_face_or_plate_is_found_where_the_copy_was_blurred() {
    let files = [
        "faces/facerec__two_people.jpg",
        "faces/facerec__obama_and_biden.jpg",
        "faces/dlib__bald_guys.jpg",
        "faces/ultralight__12.jpg",
        // A plate of each region: EU, US, Brazil.
        "plates/alpr__eu1.jpg",
        "plates/alpr__car1.jpg",
        "plates/alpr__AYO9034.jpg",
        // Stored sideways (EXIF orientation 6), as the phone wrote it.
        "metadata/mei__Samsung_GT-I9000_Galaxy_S_.jpg",
    ];
    let mut total = 0;
    for rel in files {
        let original = std::fs::read(common::corpus_dir().join(rel)).unwrap();
        let (regions, copy) = blur_all(&original);
        assert!(!regions.is_empty(), "{rel}: the detectors found nothing to blur");
        total += regions.len();
        assert_nothing_found_where_blurred(&regions, &copy, rel);
        // Same size, and the metadata the brief keeps survives the re-encode.
        let (a, b) = (check(&original), check(&copy));
        assert_eq!((a.width, a.height), (b.width, b.height), "{rel}");
        assert_eq!(
            (a.metadata.make, a.metadata.model, a.metadata.datetime_original),
            (b.metadata.make, b.metadata.model, b.metadata.datetime_original),
            "{rel}"
        );
        assert_eq!(b.metadata.gps, None);
        // Outside the regions the picture is what it was (a quality-92 re-encode away).
        let (p0, p1) = (decode(&original), decode(&copy));
        let w = a.width.unwrap() as usize;
        let grown: Vec<ObjectBox> = regions
            .iter()
            .map(|r| ObjectBox {
                x: r.x.saturating_sub(r.w / 4),
                y: r.y.saturating_sub(r.h / 4),
                w: r.w * 3 / 2,
                h: r.h * 3 / 2,
                score: 1.0,
            })
            .collect();
        let (mut diff, mut n) = (0u64, 0u64);
        for (i, (x, y)) in p0.chunks(3).zip(p1.chunks(3)).enumerate() {
            let pt = ObjectBox { x: (i % w) as u32, y: (i / w) as u32, w: 0, h: 0, score: 0.0 };
            if grown.iter().all(|r| !centre_inside(&pt, r)) {
                diff += x.iter().zip(y).map(|(a, b)| a.abs_diff(*b) as u64).sum::<u64>();
                n += 3;
            }
        }
        let mean = diff as f64 / n as f64;
        assert!(mean < 2.5, "{rel}: outside the regions pixels moved by {mean:.2} on average");
    }
    assert!(total >= 8, "only {total} regions blurred");
}

fn decode(b: &[u8]) -> Vec<u8> {
    let mut d = jpeg_decoder::Decoder::new(b);
    let px = d.decode().unwrap();
    assert_eq!(d.info().unwrap().pixel_format, jpeg_decoder::PixelFormat::RGB24);
    px
}

/// A photo stored sideways (pixels turned 90° anticlockwise, EXIF Orientation 6 to show them
/// upright): boxes come in displayed orientation, the blur lands on the right stored pixels.
#[test]
fn a_sideways_stored_photo_is_blurred_where_the_faces_are_shown() {
    let upright = std::fs::read(common::corpus_dir().join("faces/facerec__two_people.jpg")).unwrap();
    let mut d = jpeg_decoder::Decoder::new(&upright[..]);
    let px = d.decode().unwrap();
    let info = d.info().unwrap();
    let (w, h) = (info.width as usize, info.height as usize);
    // Stored (x, y) shows at (h - 1 - y, x) under orientation 6; so stored = upright turned back.
    let (sw, sh) = (h, w);
    let mut stored = vec![0u8; w * h * 3];
    for y in 0..sh {
        for x in 0..sw {
            let (dx, dy) = (sh - 1 - y, x);
            stored[(y * sw + x) * 3..][..3].copy_from_slice(&px[(dy * w + dx) * 3..][..3]);
        }
    }
    // EXIF with Orientation = 6 only: "MM", 42, IFD0 at 8, one SHORT entry, no next IFD.
    let exif = b"MM\0*\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01\0\x06\0\0\0\0\0\0".to_vec();
    let mut sideways = Vec::new();
    let mut enc = jpeg_encoder::Encoder::new(&mut sideways, 95);
    enc.add_exif_metadata(&exif).unwrap();
    enc.encode(&stored, sw as u16, sh as u16, jpeg_encoder::ColorType::Rgb).unwrap();

    let r = check(&sideways);
    assert_eq!(r.metadata.orientation, Some(6));
    assert_eq!((r.width, r.height), (Some(sw as u32), Some(sh as u32)));
    let (regions, copy) = blur_all(&sideways);
    assert!(regions.len() >= 2, "{regions:?}");
    assert_nothing_found_where_blurred(&regions, &copy, "orientation 6");
    assert_eq!(check(&copy).metadata.orientation, Some(6));
}

#[test]
fn cli_blurs_what_the_detectors_find() {
    let out_dir = std::env::temp_dir().join(format!("preflight-clean-blur-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out_dir);
    let photo = common::corpus_dir().join("faces/facerec__two_people.jpg");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_preflight"))
        .args(["clean", "--blur", "faces", "--models", concat!(env!("CARGO_MANIFEST_DIR"), "/models"), "--out"])
        .arg(&out_dir)
        .arg(&photo)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("facerec__two_people.clean.jpg (re-encoded)"), "{stdout}");
    assert!(
        stdout.contains("  note: 2 regions blurred irreversibly; the image was re-encoded (JPEG quality 92)"),
        "{stdout}"
    );
    let copy = std::fs::read(out_dir.join("facerec__two_people.clean.jpg")).unwrap();
    assert_eq!(check(&copy).faces, Some(vec![]), "faces left in the CLI's copy");
}
