//! The CLI as a user runs it: exit statuses, JSON, table, folders, brief errors.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

mod common;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_preflight"))
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus")
}

fn brief(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("briefs").join(name)
}

fn json_of(out: &Output) -> Vec<Value> {
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)));
    v.as_array().expect("a JSON array").clone()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("preflight-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn json_reports_one_per_file_in_a_folder_recursively() {
    let dir = scratch("folder");
    std::fs::create_dir_all(dir.join("sub/deeper")).unwrap();
    std::fs::copy(fixtures().join("exifpy__Canon_40D.jpg"), dir.join("a.jpg")).unwrap();
    std::fs::copy(fixtures().join("mei__HTC_Desire.webp"), dir.join("sub/b.webp")).unwrap();
    std::fs::copy(fixtures().join("exifpy__DSCN0010.jpg"), dir.join("sub/deeper/c.jpg")).unwrap();
    std::fs::write(dir.join("sub/b.xmp"), "<x:xmpmeta/>").unwrap(); // sidecar: skipped
    std::fs::write(dir.join(".DS_Store"), "junk").unwrap(); // hidden: skipped
    let out = bin().args(["check", "--json"]).arg(&dir).output().unwrap();
    let reports = json_of(&out);
    let names: Vec<String> = reports
        .iter()
        .map(|r| Path::new(r["file"].as_str().unwrap()).strip_prefix(&dir).unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["a.jpg", "sub/b.webp", "sub/deeper/c.jpg"]);
    assert_eq!(reports[0]["format"], "JPEG");
    assert_eq!(reports[1]["format"], "WEBP");
    assert_eq!(reports[2]["metadata"]["model"], "COOLPIX P6000");
    assert!(reports.iter().all(|r| r["findings"].is_array() && r["verdict"].is_string()));
}

#[test]
fn exit_status_is_1_when_a_check_fails_and_0_when_none_does() {
    // Adobe Stock wants ≥ 4 MP: a 100×68 px file fails.
    let out = bin()
        .args(["check", "--json", "--brief"])
        .arg(brief("adobe-stock.json"))
        .arg(fixtures().join("exifpy__Canon_40D.jpg"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(json_of(&out)[0]["verdict"], "fail");

    let lenient = scratch("lenient").join("brief.json");
    std::fs::write(
        &lenient,
        r#"{ "preflight_brief": 1, "name": "anything goes", "checks": { "resolution": { "min_megapixels": 0.001 } } }"#,
    )
    .unwrap();
    let out =
        bin().args(["check", "--brief"]).arg(&lenient).arg(fixtures().join("exifpy__Canon_40D.jpg")).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
}

#[test]
fn unreadable_files_get_an_error_report_and_the_rest_still_run() {
    let dir = scratch("broken");
    std::fs::write(dir.join("empty.jpg"), b"").unwrap();
    std::fs::write(
        dir.join("noise.jpg"),
        (0..4096u32).map(|i| (i.wrapping_mul(2654435761) >> 11) as u8).collect::<Vec<_>>(),
    )
    .unwrap();
    std::fs::copy(fixtures().join("exifpy__Canon_40D.jpg"), dir.join("ok.jpg")).unwrap();
    let out = bin().args(["check", "--json"]).arg(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let reports = json_of(&out);
    assert_eq!(reports.len(), 3);
    for r in &reports[..2] {
        assert!(matches!(r["verdict"].as_str(), Some("error" | "fail")), "{r}");
        assert_eq!(r["format"], Value::Null);
    }
    assert_eq!(reports[2]["format"], "JPEG");
}

#[test]
fn usage_errors_exit_2_with_a_reason() {
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec![], "no command"),
        (vec!["frobnicate"], "unknown command"),
        (vec!["check"], "needs at least one PATH"),
        (vec!["check", "/definitely/not/here.jpg"], "no such file"),
        (vec!["check", "--bogus", "x"], "bogus"),
    ];
    for (args, expect) in cases {
        let out = bin().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(expect), "{args:?}: {err}");
    }
}

#[test]
fn an_invalid_brief_lists_every_problem_and_exits_2() {
    let path = scratch("badbrief").join("brief.json");
    std::fs::write(&path, r#"{ "preflight_brief": 1, "name": "typos", "checks": { "resolution": { "min_megapixel": 4 }, "format": { "allow": ["jpgg"] } } }"#).unwrap();
    for args in [vec!["check", "--brief", path.to_str().unwrap(), "."], vec!["brief", path.to_str().unwrap()]] {
        let out = bin().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("min_megapixel"), "{err}");
        assert!(err.contains("jpgg"), "{err}");
    }
    let ok = bin().arg("brief").arg(brief("adobe-stock.json")).output().unwrap();
    assert_eq!(ok.status.code(), Some(0), "{}", String::from_utf8_lossy(&ok.stderr));
}

#[test]
fn the_table_names_each_file_and_its_failures() {
    let out = bin()
        .args(["check", "--brief"])
        .arg(brief("adobe-stock.json"))
        .arg(fixtures().join("exifpy__Canon_40D.jpg"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("FAIL"), "{text}");
    assert!(text.contains("exifpy__Canon_40D.jpg"), "{text}");
    assert!(text.contains("resolution"), "{text}");
    assert!(text.contains("1 file: 0 pass, 0 warn, 1 fail, 0 error"), "{text}");
}

/// The issue's acceptance line, as the CLI itself: `preflight check --json` over the corpus's
/// metadata/ folder agrees with ExifTool (labels.csv) on format, width, height, make, model and
/// has_gps for ≥ 95 % of the values ExifTool could read, and every file gets a report.
#[test]
fn cli_over_the_corpus_agrees_with_exiftool() {
    let corpus = common::corpus_dir();
    let out = bin().args(["check", "--json"]).arg(corpus.join("metadata")).output().unwrap();
    assert!(matches!(out.status.code(), Some(0 | 1)), "clean exit: {}", String::from_utf8_lossy(&out.stderr));
    let reports = json_of(&out);
    let labels = common::labels(&corpus);
    let rows: Vec<_> = labels.iter().filter(|r| r["file"].starts_with("metadata/")).collect();
    assert_eq!(reports.len(), rows.len(), "one report per file");
    let by_name: std::collections::HashMap<String, &Value> = reports
        .iter()
        .map(|r| (Path::new(r["file"].as_str().unwrap()).file_name().unwrap().to_string_lossy().into_owned(), r))
        .collect();
    let (mut compared, mut agreed) = (0, 0);
    let mut misses = Vec::new();
    for row in rows {
        let name = row["file"].trim_start_matches("metadata/");
        let r = by_name.get(name).unwrap_or_else(|| panic!("no report for {name}"));
        let s = |v: &Value| match v {
            Value::String(s) => s.trim().to_string(),
            Value::Number(n) => n.to_string(),
            _ => String::new(),
        };
        let ours = [
            ("format", s(&r["format"])),
            ("width", s(&r["width"])),
            ("height", s(&r["height"])),
            ("make", s(&r["metadata"]["make"])),
            ("model", s(&r["metadata"]["model"])),
            ("has_gps", if r["metadata"]["gps"].is_null() { "0" } else { "1" }.to_string()),
        ];
        for (field, value) in ours {
            let theirs = row[field].trim();
            let theirs = if field == "format" { common::normalise_format(theirs) } else { theirs.to_string() };
            if theirs.is_empty() {
                continue; // ExifTool could not read it either
            }
            compared += 1;
            if value == theirs {
                agreed += 1;
            } else {
                misses.push(format!("{name}: {field} ours={value:?} exiftool={theirs:?}"));
            }
        }
    }
    let rate = agreed as f64 / compared as f64;
    println!("CLI vs ExifTool: {agreed}/{compared} values agree ({:.1} %)", rate * 100.0);
    for m in &misses {
        println!("  {m}");
    }
    assert!(compared > 250, "compared {compared} values");
    assert!(rate >= 0.95, "{agreed}/{compared} agree: {misses:#?}");
}

#[test]
fn manifest_writes_one_row_per_file_as_csv_and_json() {
    let dir = scratch("manifest");
    let (csv, json) = (dir.join("out.csv"), dir.join("out.JSON"));
    let out = bin()
        .args(["check", "--manifest"])
        .arg(&csv)
        .arg("--manifest")
        .arg(&json)
        .arg(fixtures().join("exifpy__Canon_40D.jpg"))
        .arg(fixtures().join("exifpy__DSCN0010.jpg"))
        .output()
        .unwrap();
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(&csv).unwrap();
    let rows: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(rows.len(), 3, "{text}");
    assert!(rows[0].starts_with("file,file_size,format,width,height,megapixels,bit_depth,datetime_original,"));
    assert!(rows[2].contains(",NIKON,COOLPIX P6000,"), "{}", rows[2]);
    assert!(rows[2].contains(",43.46744833333333,11.885126666663888,") || rows[2].contains(",43.4674"), "{}", rows[2]);

    // The JSON manifest: the same rows, typed, with the CSV's header as `columns`.
    let m: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(m["preflight_manifest"], 1);
    let header: Vec<String> =
        m["columns"].as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_string()).collect();
    assert_eq!(header.join(","), rows[0]);
    let files = m["files"].as_array().unwrap();
    assert_eq!(files.len(), 2);
    assert_eq!((files[1]["make"].as_str(), files[1]["model"].as_str()), (Some("NIKON"), Some("COOLPIX P6000")));
    assert!((files[1]["gps_lat"].as_f64().unwrap() - 43.4674).abs() < 1e-3, "{}", files[1]["gps_lat"]);
    assert!(files[0]["width"].is_u64() && files[0]["iso"].is_u64(), "numbers stay numbers: {}", files[0]);
    for (row, line) in files.iter().zip(&rows[1..]) {
        assert!(line.starts_with(&format!("{},", row["file"].as_str().unwrap())), "{line}");
        for (check, v) in row["checks"].as_object().unwrap() {
            // (Checks come after the fixed columns; a check may share a fixed column's name: `format`.)
            let col = header.iter().rposition(|h| h == check).unwrap();
            assert_eq!(line.split(',').nth(col), v["verdict"].as_str(), "{check}: {line}");
        }
    }
}

#[cfg(not(feature = "detect"))]
#[test]
fn faces_and_plates_warn_when_this_build_cannot_detect() {
    // A build without the `detect` feature never passes a brief that asks for faces silently.
    let dir = scratch("nodetect");
    let b = dir.join("brief.json");
    std::fs::write(&b, r#"{"preflight_brief": 1, "name": "t", "checks": {"faces": {"max": 0}, "plates": {"max": 0}}}"#)
        .unwrap();
    let out = bin()
        .args(["check", "--json", "--brief"])
        .arg(&b)
        .arg(fixtures().join("exifpy__Canon_40D.jpg"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "warnings only: {}", String::from_utf8_lossy(&out.stderr));
    let r = &json_of(&out)[0];
    assert_eq!(
        (r["faces"].clone(), r["plates"].clone(), r["verdict"].clone()),
        (Value::Null, Value::Null, "warn".into())
    );
    for (id, start) in [("faces", "Face detection unavailable: "), ("plates", "Licence-plate detection unavailable: ")]
    {
        let f = r["findings"].as_array().unwrap().iter().find(|f| f["check"] == id).unwrap();
        assert_eq!(f["verdict"], "warn");
        let msg = f["message"].as_str().unwrap();
        assert!(msg.starts_with(start) && msg.contains("without the `detect` feature"), "{msg}");
    }
}

#[test]
fn a_brief_can_lower_the_limits_but_not_raise_them() {
    let dir = scratch("limits");
    let n = std::cell::Cell::new(0);
    let brief = |limits: &str| {
        n.set(n.get() + 1);
        let b = dir.join(format!("brief-{}.json", n.get()));
        std::fs::write(
            &b,
            format!(r#"{{"preflight_brief": 1, "name": "t", "checks": {{"exposure": {{"max_highlights_percent": 50}}}}, "limits": {{{limits}}}}}"#),
        )
        .unwrap();
        b
    };
    let run = |b: &std::path::Path| {
        bin()
            .args(["check", "--json", "--brief"])
            .arg(b)
            .arg(fixtures().join("exifpy__Canon_40D.jpg"))
            .output()
            .unwrap()
    };
    // Default limits: the 100 × 68 photo is analysed.
    let r = &json_of(&run(&brief(r#""max_megapixels": 120"#)))[0];
    assert!(r["pixels"].is_object(), "{r}");
    // 0.005 MP: refused from the header, with the limit named.
    let r = &json_of(&run(&brief(r#""max_megapixels": 0.005, "max_file_mb": 1, "max_decoded_mb": 64"#)))[0];
    let f = r["findings"].as_array().unwrap().iter().find(|f| f["check"] == "pixels").expect("a pixels finding");
    assert_eq!(f["verdict"], "warn", "{f}");
    assert!(f["message"].as_str().unwrap().contains("above the 0.0 MP pixel-check limit"), "{f}");
    // Raising a limit is an error in the brief.
    let out = bin().args(["brief"]).arg(brief(r#""max_megapixels": 500, "max_decoded_mb": 0"#)).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(err.contains("limits.max_megapixels: a brief can only lower this limit: at most 120, found 500"), "{err}");
    assert!(err.contains("limits.max_decoded_mb: must be greater than 0"), "{err}");
}

#[test]
fn a_taxonomy_file_is_placed_into_the_brief() {
    // A real Lightroom hierarchy (TIFF with IPTC + XMP) against the buyer's taxonomy, kept as
    // a text file of paths.
    let dir = scratch("taxonomy");
    let tif = common::corpus_dir().join("metadata/exifr__tif-with-iptc-icc-xmp.tif");
    let brief = dir.join("brief.json");
    std::fs::write(
        &brief,
        r#"{"preflight_brief": 1, "name": "t", "checks": {"labels": {"required_roots": ["Jet2.com_Keywords"]}}}"#,
    )
    .unwrap();
    let run = |taxonomy: &str| {
        let t = dir.join("taxonomy.txt");
        std::fs::write(&t, taxonomy).unwrap();
        let out = bin()
            .args(["check", "--json", "--brief"])
            .arg(&brief)
            .arg("--taxonomy")
            .arg(&t)
            .arg(&tif)
            .output()
            .unwrap();
        let r = json_of(&out)[0].clone();
        let f = r["findings"].as_array().unwrap().iter().find(|f| f["check"] == "labels.taxonomy").cloned();
        (f.expect("a labels.taxonomy finding"), out.status.code())
    };
    let inside = "# Jet2 keywords\n\
        Jet2.com_Keywords > Geographic Keywords > Europe > Turkey > DLM_Dalaman > Dalyan\n\
        Jet2.com_Keywords | Image Source | Photographer - Gavin Priestley\n";
    let (f, _) = run(inside);
    assert_eq!(f["verdict"], "pass", "{f}");
    let (f, code) = run("Jet2.com_Keywords > Geographic Keywords > Europe > Turkey > DLM_Dalaman > Ölüdeniz\n\
        Jet2.com_Keywords > Image Source > Photographer - Gavin Priestley\n");
    assert_eq!((f["verdict"].as_str(), code), (Some("fail"), Some(1)), "{f}");
    assert!(f["message"].as_str().unwrap().contains("`Dalyan` is not under"), "{f}");
    // A bad taxonomy file is named, with its line.
    let t = dir.join("bad.txt");
    std::fs::write(&t, "Jet2.com_Keywords > x\n>\n").unwrap();
    let out = bin().args(["brief"]).arg(&brief).arg("--taxonomy").arg(&t).output().unwrap();
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("bad.txt line 2: an empty path"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
