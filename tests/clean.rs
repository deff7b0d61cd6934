//! Clean copies of real corpus files (../shared/corpus): forbidden metadata gone (read back with
//! preflight's own reader), the image data byte-identical and decoding to the same pixels, and
//! every other field the brief requires unchanged. The independent reader (exifr) checks the
//! page's copies in tests/e2e/clean.test.mjs.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use preflight::brief::Brief;
use preflight::metadata::Metadata;
use preflight::report::{Report, Verdict};

const PRIVACY_ALL: &str = r#"{"preflight_brief": 1, "name": "t", "checks": {"privacy": {"forbid":
    ["gps", "serial_numbers", "owner", "xmp_history", "thumbnail_mismatch"]}}}"#;

/// Forbids GPS and requires the fields a stock agency asks for.
const NO_GPS: &str = r#"{"preflight_brief": 1, "name": "no gps", "checks": {
    "privacy": {"forbid": ["gps"]},
    "exif": {"recommended": ["DateTimeOriginal", "Make", "Model", "ExposureTime", "FNumber", "ISO", "FocalLength"]}}}"#;

fn brief(json: &str) -> Brief {
    Brief::parse(json).unwrap()
}

fn check_bytes(bytes: &[u8], name: &str, json: &str) -> Report {
    let mut src = preflight::source::SliceSource(bytes);
    preflight::check(&mut src, name, &brief(json), &preflight::Context::default()).0
}

fn corpus(rel: &str) -> Vec<u8> {
    std::fs::read(common::corpus_dir().join(rel)).unwrap()
}

/// Every corpus JPEG and PNG, by path relative to the corpus.
fn corpus_files(ext: &[&str]) -> Vec<String> {
    let dir = common::corpus_dir();
    let mut out: Vec<String> = common::labels(&dir)
        .into_iter()
        .map(|r| r["file"].clone())
        .filter(|f| ext.iter().any(|e| f.to_ascii_lowercase().ends_with(e)))
        .collect();
    out.sort();
    assert!(out.len() >= 10, "corpus at {} looks empty", dir.display());
    out
}

/// The JPEG's image data as an independent walk sees it: every segment that is not APPn or COM,
/// with the entropy-coded data after each SOS, concatenated.
fn image_data(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut i = 2;
    while i + 4 <= b.len() {
        assert_eq!(b[i], 0xFF, "marker expected at {i}");
        let m = b[i + 1];
        if m == 0xD9 {
            break;
        }
        let len = u16::from_be_bytes([b[i + 2], b[i + 3]]) as usize;
        let mut end = i + 2 + len;
        if m == 0xDA {
            while !(b[end] == 0xFF && b[end + 1] != 0 && !(0xD0..=0xD7).contains(&b[end + 1])) {
                end += 1;
            }
        }
        if !((0xE0..=0xEF).contains(&m) || m == 0xFE) {
            out.extend_from_slice(&b[i..end]);
        }
        i = end;
    }
    assert!(out.len() > 100, "no image data found");
    out
}

fn decoded(b: &[u8]) -> Vec<u8> {
    jpeg_decoder::Decoder::new(b).decode().expect("decodes")
}

/// The fields a clean copy must keep, as the report shows them.
fn kept_fields(m: &Metadata) -> serde_json::Value {
    serde_json::json!([
        m.make,
        m.model,
        m.lens_make,
        m.lens_model,
        m.datetime_original,
        m.offset_time_original,
        m.create_date,
        m.focal_length_mm,
        m.focal_length_35mm,
        m.f_number,
        m.exposure_time_s,
        m.iso,
        m.white_balance,
        m.orientation,
        m.software,
        m.copyright,
        m.keywords,
        m.hierarchical_keywords,
        m.title,
        m.description
    ])
}

#[test]
fn every_gps_tagged_corpus_jpeg_loses_its_position_and_nothing_else() {
    let dir = common::corpus_dir();
    let gps: Vec<String> = common::labels(&dir)
        .into_iter()
        .filter(|r| r["has_gps"] == "1" && r["format"] == "JPEG")
        .map(|r| r["file"].clone())
        .collect();
    assert!(gps.len() >= 12, "{gps:?}");
    let mut copied = 0;
    for rel in &gps {
        let original = corpus(rel);
        let before = check_bytes(&original, rel, NO_GPS);
        let cleaned = match preflight::clean::clean(&original, &brief(NO_GPS).rules, &[]) {
            Ok(c) => c,
            // A file too damaged to rewrite must say so, never come back with its GPS.
            Err(why) => {
                assert!(why.contains("no copy was made"), "{rel}: {why}");
                continue;
            }
        };
        copied += 1;
        assert!(cleaned.lossless);
        assert!(cleaned.removed.iter().any(|r| r.starts_with("GPS directory")), "{rel}: {:?}", cleaned.removed);
        let after = check_bytes(&cleaned.bytes, rel, NO_GPS);
        assert!(before.metadata.gps.is_some(), "{rel}: the original has GPS");
        assert_eq!(after.metadata.gps, None, "{rel}: GPS left in the copy");
        let privacy = after.findings.iter().find(|f| f.check == "privacy.gps").unwrap();
        assert_eq!(privacy.verdict, Verdict::Pass, "{rel}: {privacy:?}");
        assert_eq!(kept_fields(&after.metadata), kept_fields(&before.metadata), "{rel}");
        let rec = |r: &Report| r.findings.iter().find(|f| f.check == "exif.recommended").map(|f| f.verdict);
        assert_eq!(rec(&after), rec(&before), "{rel}: a required field went missing");
        assert_eq!(image_data(&cleaned.bytes), image_data(&original), "{rel}: image data changed");
        assert_eq!(decoded(&cleaned.bytes), decoded(&original), "{rel}: pixels changed");
    }
    assert!(copied >= 12, "only {copied} of {} copied", gps.len());
}

#[test]
fn every_corpus_jpeg_and_png_comes_out_with_nothing_private_and_the_same_image() {
    let mut copied = 0;
    for rel in corpus_files(&[".jpg", ".jpeg", ".png", ".webp"]) {
        let original = corpus(&rel);
        let Ok(cleaned) = preflight::clean::clean(&original, &brief(PRIVACY_ALL).rules, &[]) else { continue };
        if cleaned.format == "HEIC" {
            continue; // a HEIC named .jpg: heic_and_avif_are_cleaned_in_place
        }
        copied += 1;
        let before = check_bytes(&original, &rel, PRIVACY_ALL);
        let after = check_bytes(&cleaned.bytes, &rel, PRIVACY_ALL);
        for f in after.findings.iter().filter(|f| f.check.starts_with("privacy.")) {
            assert_eq!(f.verdict, Verdict::Pass, "{rel}: {f:?}\nremoved: {:#?}", cleaned.removed);
        }
        assert!(after.metadata.privacy.thumbnail.is_none(), "{rel}: thumbnail left");
        assert_eq!(kept_fields(&after.metadata), kept_fields(&before.metadata), "{rel}");
        assert_eq!((after.width, after.height), (before.width, before.height), "{rel}");
        if rel.ends_with(".png") {
            assert_eq!(png_image_chunks(&cleaned.bytes), png_image_chunks(&original), "{rel}");
        } else if rel.ends_with(".webp") {
            assert_eq!(webp_image_chunks(&cleaned.bytes), webp_image_chunks(&original), "{rel}");
        } else {
            assert_eq!(image_data(&cleaned.bytes), image_data(&original), "{rel}: image data changed");
        }
        assert!(cleaned.bytes.len() <= original.len(), "{rel}: the copy grew");
    }
    assert!(copied >= 40, "only {copied} corpus files copied");
}

/// VP8 / VP8L / ALPH / ANIM / ANMF chunks, byte for byte.
fn webp_image_chunks(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut i = 12;
    while i + 8 <= b.len() {
        let len = u32::from_le_bytes(b[i + 4..i + 8].try_into().unwrap()) as usize;
        let end = (i + 8 + len + (len & 1)).min(b.len());
        if [&b"VP8 "[..], b"VP8L", b"ALPH", b"ANIM", b"ANMF"].contains(&&b[i..i + 4]) {
            out.extend_from_slice(&b[i..end]);
        }
        i = end;
    }
    assert!(!out.is_empty(), "no image chunk");
    out
}

#[test]
fn gps_tagged_webps_lose_it_and_keep_their_pixels() {
    for rel in ["metadata/mei__HTC_Desire.webp", "metadata/mei__Issue_473_Java_.webp"] {
        let original = corpus(rel);
        let c = preflight::clean::clean(&original, &brief(NO_GPS).rules, &[]).unwrap();
        assert_eq!(c.format, "WEBP");
        let (before, after) = (check_bytes(&original, rel, NO_GPS), check_bytes(&c.bytes, rel, NO_GPS));
        assert!(before.metadata.gps.is_some(), "{rel}");
        assert_eq!(after.metadata.gps, None, "{rel}");
        assert_eq!(kept_fields(&after.metadata), kept_fields(&before.metadata), "{rel}");
        let decode = |b: &[u8]| {
            let mut d = image_webp::WebPDecoder::new(std::io::Cursor::new(b)).unwrap();
            let mut buf = vec![0; d.output_buffer_size().unwrap()];
            d.read_image(&mut buf).unwrap();
            buf
        };
        assert_eq!(decode(&c.bytes), decode(&original), "{rel}");
        assert_eq!(u32::from_le_bytes(c.bytes[4..8].try_into().unwrap()) as usize, c.bytes.len() - 8, "RIFF size");
    }
}

/// IHDR, PLTE, IDAT… (every critical chunk), byte for byte.
fn png_image_chunks(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut i = 8;
    while i + 12 <= b.len() {
        let len = u32::from_be_bytes(b[i..i + 4].try_into().unwrap()) as usize;
        if b[i + 4].is_ascii_uppercase() {
            out.extend_from_slice(&b[i..i + 12 + len]);
        }
        i += 12 + len;
    }
    out
}

#[test]
fn serials_owner_and_history_are_named_when_removed() {
    let c =
        preflight::clean::clean(&corpus("metadata/exifr__issue-exifr-59.jpg"), &brief(PRIVACY_ALL).rules, &[]).unwrap();
    let removed = c.removed.join("\n");
    for tag in ["BodySerialNumber (0xA431)", "LensSerialNumber (0xA435)", "GPS directory"] {
        assert!(removed.contains(tag), "{tag} not named in:\n{removed}");
    }
    let c =
        preflight::clean::clean(&corpus("metadata/mei__Olympus_PEN_E-P3.jpg"), &brief(PRIVACY_ALL).rules, &[]).unwrap();
    assert!(c.removed.iter().any(|r| r.starts_with("MakerNote (0x927C)")), "{:?}", c.removed);
    let after = check_bytes(&c.bytes, "x.jpg", PRIVACY_ALL);
    assert!(after.metadata.privacy.sightings.is_empty(), "{:?}", after.metadata.privacy.sightings);
}

#[test]
fn the_brief_decides_what_stays() {
    let original = corpus("metadata/exifpy__DSCN0010.jpg");
    // GPS allowed: kept, and the copy still reads the same position.
    let allow = r#"{"preflight_brief": 1, "name": "t", "checks": {"privacy": {"forbid": ["owner"]}}}"#;
    let c = preflight::clean::clean(&original, &brief(allow).rules, &[]).unwrap();
    let gps = |b: &[u8]| check_bytes(b, "x.jpg", allow).metadata.gps;
    assert!(gps(&original).is_some());
    assert_eq!(gps(&c.bytes), gps(&original));
    // Forbidden but required: kept, with a note.
    let conflict = r#"{"preflight_brief": 1, "name": "t", "checks": {"privacy": {"forbid": ["gps"]},
        "exif": {"required": ["GPSLatitude"]}}}"#;
    let c = preflight::clean::clean(&original, &brief(conflict).rules, &[]).unwrap();
    assert_eq!(gps(&c.bytes), gps(&original));
    assert!(c.notes[0].starts_with("GPS kept: the brief requires a position"), "{:?}", c.notes);
    // No privacy block: everything identifying goes.
    let c = preflight::clean::clean(&original, &brief(r#"{"preflight_brief": 1, "name": "t"}"#).rules, &[]).unwrap();
    assert_eq!(gps(&c.bytes), None);
    // "GPS kept" is said only of a file that had a position.
    let no_gps = corpus("faces/darknet__person.jpg");
    assert!(gps(&no_gps).is_none());
    let c = preflight::clean::clean(&no_gps, &brief(conflict).rules, &[]).unwrap();
    assert!(c.notes.iter().all(|n| !n.starts_with("GPS kept")), "{:?}", c.notes);
}

/// A copy never works against the brief: what it recommends stays too, so checking the copy
/// gives no warning the original did not have (the Portraits preset recommends Artist).
#[test]
fn a_copy_keeps_what_the_brief_recommends() {
    let preset =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/briefs/portrait-releases.json")).unwrap();
    let original = corpus("faces/darknet__kite.jpg");
    let before = check_bytes(&original, "kite.jpg", &preset);
    let c = preflight::clean::clean(&original, &brief(&preset).rules, &[]).unwrap();
    let after = check_bytes(&c.bytes, "kite.jpg", &preset);
    assert_eq!(after.metadata.artist, before.metadata.artist, "{:?}", c.removed);
    assert!(
        c.notes
            .iter()
            .any(|n| n.starts_with("Artist kept (with the creator in XMP and IPTC): the brief recommends it")),
        "{:?}",
        c.notes
    );
    let worse: Vec<_> = after
        .findings
        .iter()
        .filter(|a| {
            let b = before.findings.iter().find(|b| b.check == a.check);
            a.verdict != Verdict::Pass && b.is_none_or(|b| b.verdict == Verdict::Pass)
        })
        .map(|f| (&f.check, &f.message))
        .collect();
    assert!(worse.is_empty(), "the copy fails or warns where the original passed: {worse:?}");
}

#[test]
fn a_png_with_exif_gps_loses_it_and_keeps_its_pixels() {
    let rel = "metadata/exifr__png_with_exif_and_gps.png";
    let original = corpus(rel);
    let c = preflight::clean::clean(&original, &brief(NO_GPS).rules, &[]).unwrap();
    assert_eq!(c.format, "PNG");
    assert!(check_bytes(&original, rel, NO_GPS).metadata.gps.is_some());
    let after = check_bytes(&c.bytes, rel, NO_GPS);
    assert_eq!(after.metadata.gps, None);
    assert_eq!(after.metadata.make, check_bytes(&original, rel, NO_GPS).metadata.make);
    assert_eq!(png_image_chunks(&c.bytes), png_image_chunks(&original));
    // The png crate checks every CRC: the rewritten chunks' included.
    let decode = |b: &[u8]| {
        let mut r = png::Decoder::new(std::io::Cursor::new(b.to_vec())).read_info().unwrap();
        let mut buf = vec![0; r.output_buffer_size().unwrap()];
        r.next_frame(&mut buf).unwrap();
        buf
    };
    assert_eq!(decode(&c.bytes), decode(&original));
}

/// HEIC (the iPhone's format) and AVIF are rewritten in place: same length, every byte outside
/// the Exif and XMP items unchanged, the position gone, nothing of the old Exif left behind.
#[test]
fn heic_and_avif_are_cleaned_in_place() {
    for rel in ["metadata/ianare__IMG_5195.HEIC", "metadata/mei__IMG_2927.HEIC", "metadata/exifr__Irvine_CA.avif"] {
        let original = corpus(rel);
        let c = preflight::clean::clean(&original, &brief(PRIVACY_ALL).rules, &[]).unwrap();
        assert!(c.lossless && (c.format == "HEIC" || c.format == "AVIF"), "{rel}");
        assert_eq!(c.bytes.len(), original.len(), "{rel}");
        let mut src = preflight::source::SliceSource(&original);
        let probe = preflight::probe::probe(&mut preflight::source::Reader::new(&mut src)).unwrap();
        let outside = |b: &[u8]| {
            let mut v = b.to_vec();
            for block in probe.exif.iter().chain(probe.xmp.iter()) {
                v[block.offset as usize..(block.offset + block.len) as usize].fill(0);
            }
            v
        };
        assert!(outside(&c.bytes) == outside(&original), "{rel}: a byte outside the metadata items changed");
        let after = check_bytes(&c.bytes, "c.heic", PRIVACY_ALL);
        assert_eq!(after.metadata.gps, None, "{rel}");
        assert!(after.metadata.privacy.sightings.is_empty(), "{rel}: {:?}", after.metadata.privacy.sightings);
        assert_eq!(
            kept_fields(&after.metadata),
            kept_fields(&check_bytes(&original, "o.heic", PRIVACY_ALL).metadata),
            "{rel}"
        );
    }
    let heic = corpus("metadata/ianare__IMG_5195.HEIC");
    let c = preflight::clean::clean(&heic, &brief(PRIVACY_ALL).rules, &[]).unwrap();
    assert!(c.removed.iter().any(|r| r.starts_with("GPS directory")), "{:?}", c.removed);
    // Apple's maker note named the OS; the copy has no trace of it.
    let needle = b"Apple iOS";
    assert!(heic.windows(needle.len()).any(|w| w == needle));
    assert!(!c.bytes.windows(needle.len()).any(|w| w == needle));
}

/// A JPEG with a C2PA manifest store in APP11 (JUMBF: a `jumb` superbox whose `jumd`
/// description box is labelled `c2pa`), made here after the C2PA 1.3 layout.
fn with_c2pa(jpeg: &[u8]) -> Vec<u8> {
    let label = b"c2pa\0";
    let jumd_len = 8 + 16 + 1 + label.len();
    let mut jumd = (jumd_len as u32).to_be_bytes().to_vec();
    jumd.extend_from_slice(b"jumd");
    jumd.extend_from_slice(b"c2pa\0\x11\0\x10\x80\0\0\xaa\08\x9bq"); // the C2PA type UUID
    jumd.push(0x03); // toggles: requestable, label present
    jumd.extend_from_slice(label);
    let mut jumb = ((8 + jumd.len()) as u32).to_be_bytes().to_vec();
    jumb.extend_from_slice(b"jumb");
    jumb.extend_from_slice(&jumd);
    let mut payload = b"JP\0\x01\0\0\0\x01".to_vec(); // common identifier, box instance, sequence
    payload.extend_from_slice(&jumb);
    let len = (payload.len() + 2) as u16;
    [&jpeg[..2], &[0xFF, 0xEB], &len.to_be_bytes()[..], &payload, &jpeg[2..]].concat()
}

#[test]
fn content_credentials_are_reported_and_dropped_unless_kept() {
    let jpeg = with_c2pa(&corpus("faces/darknet__person.jpg"));
    let forbid = r#"{"preflight_brief": 1, "name": "t", "checks": {"privacy": {"forbid": ["gps"]}}}"#;
    let r = check_bytes(&jpeg, "c2pa.jpg", forbid);
    let f = r.findings.iter().find(|f| f.check == "privacy.content_credentials").expect("reported");
    assert_eq!(f.verdict, Verdict::Warn);
    assert!(f.message.contains("removing any metadata breaks its signature"), "{}", f.message);
    let c = preflight::clean::clean(&jpeg, &brief(forbid).rules, &[]).unwrap();
    assert!(c.removed.iter().any(|r| r.contains("Content Credentials (a C2PA manifest)")), "{:?}", c.removed);
    assert!(check_bytes(&c.bytes, "c.jpg", forbid).findings.iter().all(|f| f.check != "privacy.content_credentials"));
    let keep = r#"{"preflight_brief": 1, "name": "t", "checks": {"privacy": {"forbid": ["gps"], "keep_content_credentials": true}}}"#;
    let c = preflight::clean::clean(&jpeg, &brief(keep).rules, &[]).unwrap();
    assert!(c.notes.iter().any(|n| n.starts_with("Content Credentials (C2PA) kept")), "{:?}", c.notes);
    assert!(check_bytes(&c.bytes, "c.jpg", keep).findings.iter().any(|f| f.check == "privacy.content_credentials"));
}

#[test]
fn formats_it_cannot_rewrite_are_refused_by_name() {
    for (rel, name) in [("metadata/exiftool__Nikon.nef", "NEF"), ("metadata/exifr__001.tif", "TIFF")] {
        let e = preflight::clean::clean(&corpus(rel), &brief(NO_GPS).rules, &[]).unwrap_err();
        assert!(e.contains(&format!("no copy of this {name} file was made")), "{e}");
    }
    let mut cut = corpus("metadata/exifpy__DSCN0010.jpg");
    cut.truncate(cut.len() / 2);
    let e = preflight::clean::clean(&cut, &brief(NO_GPS).rules, &[]).unwrap_err();
    assert!(e.contains("cut off"), "{e}");
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("preflight-clean-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn cli_writes_copies_named_as_copies_and_prints_what_went() {
    let dir = scratch("cli");
    let brief_path = dir.join("brief.json");
    std::fs::write(&brief_path, NO_GPS).unwrap();
    let out_dir = dir.join("out");
    let a = common::corpus_dir().join("metadata/exifpy__DSCN0010.jpg");
    let heic = common::corpus_dir().join("metadata/exifr__001.tif");
    let out = Command::new(env!("CARGO_BIN_EXE_preflight"))
        .args(["clean", "--brief"])
        .arg(&brief_path)
        .arg("--out")
        .arg(&out_dir)
        .arg(&a)
        .arg(&heic)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("exifpy__DSCN0010.clean.jpg (lossless: image data copied byte for byte)"), "{stdout}");
    assert!(
        stdout.contains("  removed: GPS directory, every GPS tag (0x8825) in IFD0: the brief forbids a GPS position"),
        "{stdout}"
    );
    assert!(
        stdout
            .contains("exifr__001.tif: not copied: clean copies are made of JPEG, PNG, WebP, HEIC and AVIF files only"),
        "{stdout}"
    );
    assert!(stdout.contains("exifpy__DSCN0010.clean.jpg (lossless"), "a copy says it is a copy: {stdout}");
    assert_eq!(preflight::clean::copy_name("a.b.jpg", ".clean"), "a.b.clean.jpg");
    assert_eq!(preflight::clean::copy_name(".hidden", ".clean"), ".hidden.clean");
    let copy = std::fs::read(out_dir.join("exifpy__DSCN0010.clean.jpg")).unwrap();
    assert_eq!(check_bytes(&copy, "c.jpg", NO_GPS).metadata.gps, None);
    assert!(!Path::new(&out_dir.join("exifr__001.tif")).exists());
    let usage = Command::new(env!("CARGO_BIN_EXE_preflight")).args(["clean"]).arg(&a).output().unwrap();
    assert_eq!(usage.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&usage.stderr).contains("`clean` needs --out DIR"));
}

/// Without the detectors (a build without `detect`), --blur refuses to copy rather than copy
/// unblurred.
#[cfg(not(feature = "detect"))]
#[test]
fn cli_blur_without_detection_makes_no_copy() {
    let out_dir = scratch("noblur");
    let photo = common::corpus_dir().join("faces/facerec__two_people.jpg");
    let out = Command::new(env!("CARGO_BIN_EXE_preflight"))
        .args(["clean", "--blur", "faces,plates", "--out"])
        .arg(out_dir.join("out"))
        .arg(&photo)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("not copied: faces could not be looked for, so nothing was blurred: "), "{stdout}");
    assert!(!out_dir.join("out/facerec__two_people.jpg").exists());
    let bad = Command::new(env!("CARGO_BIN_EXE_preflight"))
        .args(["clean", "--blur", "cats", "--out", "x", "y"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}
