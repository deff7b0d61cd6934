//! Every preset in `briefs/` parses, is listed once in `briefs/index.json` (default first), and
//! behaves as its description says on hand-built evidence.

use std::path::PathBuf;

use preflight::brief::Brief;
use preflight::checks::{self, Evidence};
use preflight::detectors::Detections;
use preflight::metadata::{Gps, Metadata};
use preflight::probe::{Format, Probe};
use preflight::report::{Finding, Verdict};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("briefs")
}

fn load(file: &str) -> Brief {
    let text = std::fs::read_to_string(dir().join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
    Brief::parse(&text).unwrap_or_else(|errs| {
        let lines: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
        panic!("{file} does not parse:\n{}", lines.join("\n"))
    })
}

fn index() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(dir().join("index.json")).expect("briefs/index.json");
    let v: serde_json::Value = serde_json::from_str(&text).expect("index.json is JSON");
    v.as_array()
        .expect("index.json is a list")
        .iter()
        .map(|e| {
            let obj = e.as_object().expect("index entries are objects");
            assert_eq!(obj.len(), 2, "index entries have exactly `file` and `name`: {e}");
            (e["file"].as_str().expect("file").to_string(), e["name"].as_str().expect("name").to_string())
        })
        .collect()
}

#[test]
fn every_brief_file_parses_and_has_a_source_and_description() {
    let mut n = 0;
    for entry in std::fs::read_dir(dir()).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if !name.ends_with(".json") || name == "index.json" {
            continue;
        }
        let b = load(&name);
        assert!(b.source.as_deref().is_some_and(|s| !s.trim().is_empty()), "{name}: needs a source");
        assert!(b.description.as_deref().is_some_and(|s| s.len() > 40), "{name}: needs a description");
        n += 1;
    }
    assert!(n >= 6, "expected the six presets, found {n}");
}

#[test]
fn index_lists_every_preset_once_default_first_with_matching_names() {
    let idx = index();
    assert_eq!(idx[0].0, "default.json", "the page selects the first entry at start");
    let mut listed: Vec<&str> = idx.iter().map(|(f, _)| f.as_str()).collect();
    for (file, name) in &idx {
        assert_eq!(&load(file).name, name, "{file}: index name must equal the brief's name");
    }
    listed.sort();
    let before = listed.len();
    listed.dedup();
    assert_eq!(before, listed.len(), "a file is listed twice");
    let mut on_disk: Vec<String> = std::fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".json") && n != "index.json")
        .collect();
    on_disk.sort();
    assert_eq!(listed, on_disk, "briefs/index.json must list exactly the briefs/*.json presets");
}

struct File {
    name: &'static str,
    size: u64,
    probe: Probe,
    metadata: Metadata,
    /// What the face / plate detectors found (they are exercised on real photos in tests/detect.rs).
    detections: Detections,
}

impl File {
    fn jpeg(w: u32, h: u32) -> File {
        File {
            name: "IMG_0001.jpg",
            size: 8_000_000,
            probe: Probe {
                format: Some(Format::Jpeg),
                width: Some(w),
                height: Some(h),
                bit_depth: Some(8),
                ..Probe::default()
            },
            metadata: Metadata::default(),
            detections: Detections { faces: Some(Ok(Vec::new())), plates: Some(Ok(Vec::new())), on_preview: false },
        }
    }

    fn check(&self, brief: &str) -> Vec<Finding> {
        let ev = Evidence {
            file_name: self.name,
            file_size: self.size,
            probe: &self.probe,
            metadata: &self.metadata,
            // 2025-06-01T12:00:00Z
            now_unix_s: Some(1_748_779_200),
            pixels: None,
            pixels_unavailable: Some("not decoded in this test"),
            detections: &self.detections,
        };
        checks::run(&load(brief).rules, &ev)
    }
}

fn verdict(findings: &[Finding], id: &str) -> Verdict {
    let hits: Vec<_> = findings.iter().filter(|f| f.check == id).collect();
    assert_eq!(hits.len(), 1, "one `{id}` in {findings:#?}");
    hits[0].verdict
}

/// The worst header-check verdict. These hand-built files have no pixels, so presets with pixel
/// rules add a `pixels` warning ("could not run"); `tests/pixel_checks.rs` covers pixels.
fn worst(findings: &[Finding]) -> Verdict {
    findings.iter().filter(|f| f.check != "pixels").map(|f| f.verdict).max().unwrap_or(Verdict::Pass)
}

#[test]
fn adobe_stock_accepts_a_good_jpeg_and_rejects_heic_and_small_files() {
    let f = File::jpeg(6000, 4000);
    let out = f.check("adobe-stock.json");
    assert_eq!(worst(&out), Verdict::Pass, "{out:#?}");
    for id in ["format", "format.extension", "resolution", "bit_depth", "file_size"] {
        assert_eq!(verdict(&out, id), Verdict::Pass, "{id}");
    }

    let mut heic = File::jpeg(4032, 3024);
    heic.probe.format = Some(Format::Heic);
    heic.name = "IMG_0002.HEIC";
    assert_eq!(verdict(&heic.check("adobe-stock.json"), "format"), Verdict::Fail);

    let small = File::jpeg(2000, 1500);
    assert_eq!(verdict(&small.check("adobe-stock.json"), "resolution"), Verdict::Fail);
    let mut big = File::jpeg(6000, 4000);
    big.size = 46_000_000;
    assert_eq!(verdict(&big.check("adobe-stock.json"), "file_size"), Verdict::Fail);
    assert_eq!(verdict(&big.check("shutterstock.json"), "file_size"), Verdict::Pass);
}

#[test]
fn street_dataset_needs_position_time_and_region() {
    let mut f = File::jpeg(4000, 3000);
    f.metadata.make = Some("Sony".into());
    f.metadata.model = Some("ILCE-7M4".into());
    f.metadata.datetime_original = Some("2024-05-01T08:30:00".into());
    f.metadata.offset_time_original = Some("+02:00".into());
    f.metadata.gps = Some(Gps { lat: 48.137, lon: 11.575, alt: None }); // Munich
    let out = f.check("street-dataset.json");
    assert_eq!(worst(&out), Verdict::Pass, "{out:#?}");

    f.metadata.gps = Some(Gps { lat: 0.0, lon: 0.0, alt: None });
    let out = f.check("street-dataset.json");
    assert_eq!(verdict(&out, "gps.null_island"), Verdict::Fail);
    assert_eq!(verdict(&out, "gps.bounds"), Verdict::Fail);

    f.metadata.gps = None;
    f.metadata.offset_time_original = None;
    f.metadata.datetime_original = Some("2022-12-31T23:00:00".into());
    f.metadata.orientation = Some(6); // shot upright: displayed portrait
    let out = f.check("street-dataset.json");
    assert_eq!(verdict(&out, "exif.required"), Verdict::Fail);
    assert_eq!(verdict(&out, "capture_time.window"), Verdict::Fail);
    assert_eq!(verdict(&out, "gps.bounds"), Verdict::Warn);
    assert_eq!(verdict(&out, "resolution.orientation"), Verdict::Fail);
}

#[test]
fn portrait_brief_only_warns_about_landscape() {
    let mut f = File::jpeg(4000, 3000);
    f.metadata.make = Some("Nikon".into());
    f.metadata.model = Some("Z 6".into());
    f.metadata.datetime_original = Some("2024-05-01T08:30:00".into());
    let face = preflight::report::ObjectBox { x: 1500, y: 800, w: 900, h: 1100, score: 0.95 };
    f.detections.faces = Some(Ok(vec![face]));
    let out = f.check("portrait-releases.json");
    assert_eq!(verdict(&out, "resolution"), Verdict::Pass);
    assert_eq!(verdict(&out, "resolution.orientation"), Verdict::Warn);
    assert_eq!(verdict(&out, "exif.recommended"), Verdict::Warn);
    assert_eq!(verdict(&out, "faces"), Verdict::Pass);
    assert_eq!(verdict(&out, "faces.release"), Verdict::Warn, "one face: a release reminder");
    assert_eq!(worst(&out), Verdict::Warn);
    f.detections.faces = Some(Ok(vec![face, face]));
    assert_eq!(verdict(&f.check("portrait-releases.json"), "faces"), Verdict::Fail, "a portrait shows one person");
}

#[test]
fn default_brief_never_fails() {
    let mut f = File::jpeg(800, 600);
    f.probe.format = Some(Format::Gif);
    f.name = "x.png";
    f.metadata.datetime_original = Some("2099-01-01T00:00:00".into());
    f.metadata.gps = Some(Gps { lat: 0.0, lon: 0.0, alt: None });
    let out = f.check("default.json");
    assert_eq!(worst(&out), Verdict::Warn, "{out:#?}");
    for id in ["format", "format.extension", "resolution", "exif.recommended", "capture_time.future", "gps.null_island"]
    {
        assert_eq!(verdict(&out, id), Verdict::Warn, "{id}");
    }
}
