//! Hostile and broken files (`tests/fixtures/malformed/`, written by `examples/make-malformed.rs`)
//! through the CLI as a user runs it: every file gets one clean report — `warn` or `error`,
//! saying what is wrong in the words `expected.json` lists — within a time bound, and one bad
//! file never costs the others their verdicts. Also every minimised fuzz finding
//! (`tests/fixtures/fuzz-regressions/`) through the library, in-process, so a panic fails here.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

/// Per file, natively, wall clock, with the header-only default brief.
const PER_FILE: Duration = Duration::from_secs(2);
/// Per file with the pixel brief, which decodes what it can: the slowest fixture, a 24 MP PNG,
/// takes about 1.1 s of CPU in this debug-profile build (0.18 s in release) — and the wall clock
/// of a 2-core machine shared with builds and fuzzers runs several times slower.
const PER_FILE_DECODED: Duration = Duration::from_secs(10);

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/malformed")
}

struct Expected {
    file: String,
    says: String,
    /// The phrase comes from the pixel checks: asserted with the pixel brief only.
    pixels_only: bool,
}

fn expected() -> Vec<Expected> {
    let text = std::fs::read_to_string(dir().join("expected.json")).expect("expected.json");
    let list: Vec<Value> = serde_json::from_str(&text).expect("expected.json is JSON");
    list.iter()
        .map(|e| Expected {
            file: e["file"].as_str().unwrap().into(),
            says: e["says"].as_str().unwrap().into(),
            pixels_only: e["pixels_only"].as_bool().unwrap_or(false),
        })
        .collect()
}

/// Runs the CLI with `--json`; returns the reports and the wall time.
fn cli(args: &[&str], paths: &[PathBuf]) -> (Vec<Value>, Duration) {
    let t = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_preflight"))
        .args(["check", "--json"])
        .args(args)
        .args(paths)
        .output()
        .expect("run the CLI");
    let took = t.elapsed();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "CLI exit {:?} on {paths:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON reports");
    (v.as_array().expect("an array").clone(), took)
}

fn messages(report: &Value) -> String {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect::<Vec<_>>()
        .join(" | ")
}

#[test]
fn every_fixture_is_listed_and_every_listed_file_exists() {
    let listed: Vec<String> = expected().into_iter().map(|e| e.file).collect();
    let mut on_disk: Vec<String> = std::fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.ends_with(".json"))
        .collect();
    on_disk.sort();
    assert_eq!(listed, on_disk);
    assert!(listed.len() >= 25, "{} fixtures", listed.len());
}

#[test]
fn each_malformed_file_gets_a_clean_report_in_bounded_time() {
    let brief = dir().join("brief.json");
    let mut slowest = (Duration::ZERO, String::new());
    for e in expected() {
        for pixel_brief in [true, false] {
            let args: &[&str] = if pixel_brief { &["--brief", brief.to_str().unwrap()] } else { &[] };
            let (reports, took) = cli(args, &[dir().join(&e.file)]);
            let label = format!("{} ({} brief)", e.file, if pixel_brief { "pixel" } else { "default" });
            assert_eq!(reports.len(), 1, "{label}");
            let r = &reports[0];
            let all = messages(r);
            let verdict = r["verdict"].as_str().unwrap();
            assert!(matches!(verdict, "warn" | "error"), "{label}: verdict {verdict}: {all}");
            assert!(!all.contains("internal error"), "{label}: a panic was caught: {all}");
            if pixel_brief || !e.pixels_only {
                assert!(all.to_lowercase().contains(&e.says.to_lowercase()), "{label}: no \"{}\" in: {all}", e.says);
            }
            let bound = if pixel_brief { PER_FILE_DECODED } else { PER_FILE };
            assert!(took < bound, "{label}: took {took:?}");
            if took > slowest.0 {
                slowest = (took, label);
            }
        }
    }
    eprintln!("slowest: {} in {:?}", slowest.1, slowest.0);
}

#[test]
fn a_header_declaring_more_pixels_than_the_file_holds_is_not_decoded() {
    let brief = dir().join("brief.json");
    for name in ["bomb-100000x100000.png", "bomb-sof-10000x10000.jpg", "bomb-sof-65000x65000.jpg"] {
        let (reports, _) = cli(&["--brief", brief.to_str().unwrap()], &[dir().join(name)]);
        let pixels = reports[0]["findings"].as_array().unwrap().iter().find(|f| f["check"] == "pixels").expect(name);
        assert_eq!(pixels["verdict"], "warn", "{name}");
        assert!(pixels["message"].as_str().unwrap().contains("more pixels than the file can hold"), "{name}: {pixels}");
    }
}

#[test]
fn a_folder_of_bad_files_does_not_cost_the_good_ones_their_verdicts() {
    let good = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus/exifpy__Canon_40D.jpg");
    let brief = dir().join("brief.json");
    let args = ["--brief", brief.to_str().unwrap()];
    let (alone, _) = cli(&args, std::slice::from_ref(&good));
    // The good file listed between every malformed file (and the folder itself, recursively).
    let mut paths = vec![dir()];
    for e in expected() {
        paths.push(dir().join(&e.file));
        paths.push(good.clone());
    }
    let (reports, _) = cli(&args, &paths);
    let n = expected().len();
    assert_eq!(reports.len(), n + 2 * n, "the folder's files (its JSON files are sidecars: skipped), then the pairs");
    for r in reports.iter().filter(|r| r["file"].as_str().unwrap().ends_with("Canon_40D.jpg")) {
        assert_eq!(r, &alone[0], "the good file's report is the same amid bad files");
    }
    for r in &reports {
        let all = messages(r);
        assert!(!all.contains("internal error"), "{}: {all}", r["file"]);
    }
}

/// Minimised inputs that once crashed, hung or over-allocated under `cargo fuzz` (see
/// scripts/fuzz.mjs). Each runs through every fuzz target's code path in-process.
#[test]
fn fuzz_regressions_stay_fixed() {
    use preflight::metadata::{self, Metadata, exif, iptc, xmp};
    use preflight::probe::Block;
    use preflight::source::{Reader, SliceSource};

    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz-regressions");
    let brief = preflight::brief::Brief::parse(&std::fs::read_to_string(self::dir().join("brief.json")).unwrap())
        .expect("brief");
    let ctx = preflight::Context { now_unix_s: Some(1_700_000_000), detectors: None };
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            continue;
        }
        let data = std::fs::read(&path).unwrap();
        let t = Instant::now();
        // The `probe` and `metadata` targets.
        let mut src = SliceSource(&data);
        let mut reader = Reader::new(&mut src);
        if let Ok(p) = preflight::probe::probe(&mut reader) {
            let _ = metadata::read(&mut reader, &p);
        }
        let whole = Block { offset: 0, len: data.len() as u64 };
        let mut m = Metadata::default();
        exif::read(&mut reader, whole, &mut m);
        xmp::read(&mut reader, whole, &mut m);
        iptc::read(&mut reader, whole, &mut m);
        // The `check` target.
        let (report, _) = preflight::check(&mut SliceSource(&data), "fuzz.jpg", &brief, &ctx);
        assert!(!report.findings.is_empty(), "{}", path.display());
        // The `clean` target: refused, or a copy the probe reads.
        let strip = preflight::brief::Brief::parse(r#"{"preflight_brief": 1, "name": "fuzz"}"#).unwrap();
        if let Ok(copy) = preflight::clean::clean(&data, &strip.rules, &[]) {
            assert!(
                preflight::probe::probe(&mut Reader::new(&mut SliceSource(&copy.bytes))).is_ok(),
                "{}",
                path.display()
            );
        }
        assert!(t.elapsed() < PER_FILE_DECODED, "{}: {:?}", path.display(), t.elapsed());
        seen += 1;
    }
    eprintln!("{seen} fuzz regressions checked");
}
