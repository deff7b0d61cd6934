//! The manifest: one row per file, the spreadsheet a buyer asks for. The CLI (`--manifest`) and
//! the page ("Save manifest") both call [`to_csv`] and [`to_json`], so the files are identical.
//!
//! Columns: fixed facts first (file, size, format, dimensions, capture time, GPS, camera, lens,
//! exposure, keywords, faces and licence plates found, overall verdict), then two per check that appears anywhere in the batch —
//! `<check>` (its verdict) and `<check> measured` — in the order checks first appear. A file
//! without a given check leaves those cells empty; so does a file whose brief did not ask for
//! faces / plates (the `faces` / `plates` count cells: empty = not looked for, `0` = none found).
//!
//! # Allocations
//! The whole CSV / JSON text (a few hundred bytes per file).

use crate::csv::field;
use crate::report::Report;
use serde_json::{Map, Value, json};

/// The fixed columns, in order.
pub const FIXED_COLUMNS: &[&str] = &[
    "file",
    "file_size",
    "format",
    "width",
    "height",
    "megapixels",
    "bit_depth",
    "datetime_original",
    "offset_time_original",
    "gps_lat",
    "gps_lon",
    "make",
    "model",
    "lens_model",
    "focal_length_mm",
    "f_number",
    "exposure_time_s",
    "iso",
    "keywords",
    "faces",
    "plates",
    "verdict",
];

/// A file's fixed cells, typed: numbers stay numbers and absent values are `null` in the JSON;
/// the CSV renders the same values as text (so the two manifests cannot disagree).
fn fixed_cells(r: &Report) -> Vec<Value> {
    fn v<T: Into<Value> + Clone>(x: &Option<T>) -> Value {
        x.clone().map(Into::into).unwrap_or(Value::Null)
    }
    let m = &r.metadata;
    vec![
        r.file.clone().into(),
        r.file_size.into(),
        v(&r.format),
        v(&r.width),
        v(&r.height),
        v(&r.megapixels),
        v(&r.bit_depth),
        v(&m.datetime_original),
        v(&m.offset_time_original),
        v(&m.gps.map(|g| g.lat)),
        v(&m.gps.map(|g| g.lon)),
        v(&m.make),
        v(&m.model),
        v(&m.lens_model),
        v(&m.focal_length_mm),
        v(&m.f_number),
        v(&m.exposure_time_s),
        v(&m.iso),
        m.keywords.clone().into(),
        v(&r.faces.as_ref().map(|f| f.len() as u64)),
        v(&r.plates.as_ref().map(|p| p.len() as u64)),
        r.verdict.as_str().into(),
    ]
}

/// A cell as CSV text: numbers as Rust prints them (`24`, not `24.0`), lists joined by `; `.
fn text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => u.to_string(),
            (_, Some(i)) => i.to_string(),
            _ => n.as_f64().map(|f| f.to_string()).unwrap_or_default(),
        },
        Value::Array(items) => items.iter().map(text).collect::<Vec<_>>().join("; "),
        other => other.to_string(),
    }
}

/// Every check that appears anywhere in the batch, in the order checks first appear.
fn checks_in(reports: &[Report]) -> Vec<&str> {
    let mut checks: Vec<&str> = Vec::new();
    for r in reports {
        for f in &r.findings {
            if !checks.contains(&f.check.as_str()) {
                checks.push(&f.check);
            }
        }
    }
    checks
}

/// The manifest of a batch as CSV (header line first, `\r\n` line ends as RFC 4180 says).
pub fn to_csv(reports: &[Report]) -> String {
    let checks = checks_in(reports);
    let mut out = String::new();
    let mut header: Vec<String> = FIXED_COLUMNS.iter().map(|c| c.to_string()).collect();
    for c in &checks {
        header.push(c.to_string());
        header.push(format!("{c} measured"));
    }
    out.push_str(&header.iter().map(|h| field(h)).collect::<Vec<_>>().join(","));
    out.push_str("\r\n");
    for r in reports {
        let mut row: Vec<String> = fixed_cells(r).iter().map(text).collect();
        for c in &checks {
            match r.findings.iter().find(|f| f.check == *c) {
                Some(f) => {
                    row.push(f.verdict.as_str().to_string());
                    row.push(f.measured.clone().unwrap_or_default());
                }
                None => row.extend([String::new(), String::new()]),
            }
        }
        out.push_str(&row.iter().map(|v| field(v)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

/// The manifest of a batch as JSON: `{ "preflight_manifest": 1, "generator", "columns", "files" }`.
/// `files` has one object per file with the CSV's fixed columns as keys (numbers as numbers,
/// `keywords` as a list, absent values `null`) and `checks`: `{ "<check>": { "verdict",
/// "measured" } }` for the checks that file got. `columns` is the CSV header, in the same order.
pub fn to_json(reports: &[Report]) -> String {
    let mut columns: Vec<Value> = FIXED_COLUMNS.iter().map(|c| Value::from(*c)).collect();
    for c in checks_in(reports) {
        columns.push(c.into());
        columns.push(format!("{c} measured").into());
    }
    let files: Vec<Value> = reports
        .iter()
        .map(|r| {
            let mut row: Map<String, Value> = FIXED_COLUMNS.iter().map(|c| c.to_string()).zip(fixed_cells(r)).collect();
            // A check with several findings: its first, as in the CSV.
            let mut checks = Map::new();
            for f in &r.findings {
                checks
                    .entry(f.check.clone())
                    .or_insert_with(|| json!({ "verdict": f.verdict.as_str(), "measured": f.measured }));
            }
            row.insert("checks".into(), checks.into());
            Value::Object(row)
        })
        .collect();
    let manifest = json!({
        "preflight_manifest": 1,
        "generator": concat!("preflight ", env!("CARGO_PKG_VERSION")),
        "columns": columns,
        "files": files,
    });
    serde_json::to_string_pretty(&manifest).expect("a manifest serialises")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Finding, Verdict};

    fn report(file: &str, findings: Vec<Finding>) -> Report {
        let mut r = Report::new(file, 10);
        r.format = Some("JPEG".into());
        (r.width, r.height, r.megapixels, r.bit_depth) = (Some(6000), Some(4000), Some(24.0), Some(8));
        r.findings = findings;
        r.finish()
    }

    #[test]
    fn one_row_per_file_and_two_columns_per_check() {
        let a = report(
            "a, \"quoted\".jpg",
            vec![Finding::new("resolution", Verdict::Pass, Some("6000 × 4000".into()), None, "ok")],
        );
        let mut b = report(
            "=cmd|' /C calc'!A0.jpg",
            vec![Finding::new("format", Verdict::Fail, Some("HEIC".into()), None, "no")],
        );
        b.metadata.keywords = vec!["street".into(), "rain".into()];
        b.metadata.offset_time_original = Some("-05:00".into());
        b.faces = Some(vec![crate::report::ObjectBox { x: 1, y: 2, w: 3, h: 4, score: 0.5 }; 2]);
        b.plates = Some(Vec::new());
        let csv = to_csv(&[a, b]);
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(lines.len(), 4, "header, two rows, trailing empty: {csv}");
        assert!(lines[0].ends_with(",verdict,resolution,resolution measured,format,format measured"), "{}", lines[0]);
        assert!(lines[1].starts_with("\"a, \"\"quoted\"\".jpg\",10,JPEG,6000,4000,24,8,"), "{}", lines[1]);
        assert!(lines[1].ends_with(",pass,pass,6000 × 4000,,"), "{}", lines[1]);
        assert!(lines[2].starts_with("'=cmd|' /C calc'!A0.jpg,"), "formula neutralised: {}", lines[2]);
        assert!(lines[1].contains(",,,,pass,"), "faces/plates not looked for: empty cells: {}", lines[1]);
        assert!(lines[2].contains(",street; rain,2,0,fail,,,fail,HEIC"), "{}", lines[2]);
        assert!(lines[2].contains(",-05:00,"), "a UTC offset is data, not a formula: {}", lines[2]);
    }

    #[test]
    fn json_has_the_csv_values_typed() {
        let mut a = report(
            "a.jpg",
            vec![
                Finding::new("resolution", Verdict::Pass, Some("6000 × 4000".into()), None, "ok"),
                Finding::new("resolution", Verdict::Fail, Some("second".into()), None, "worse"),
            ],
        );
        a.metadata.keywords = vec!["street".into(), "rain".into()];
        a.metadata.gps = Some(crate::metadata::Gps { lat: 48.5, lon: -2.25, alt: None });
        let b = report("b.jpg", vec![Finding::new("format", Verdict::Fail, None, None, "no")]);
        let reports = [a, b];
        let json: Value = serde_json::from_str(&to_json(&reports)).unwrap();
        let csv = to_csv(&reports);
        let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
        assert_eq!(json["columns"].as_array().unwrap().len(), header.len());
        assert_eq!(json["columns"][23], "resolution measured");
        let files = json["files"].as_array().unwrap();
        assert_eq!(files.len(), 2);
        assert_eq!(files[0]["megapixels"], 24.0);
        assert_eq!(files[0]["gps_lat"], 48.5);
        assert_eq!(files[0]["gps_lon"], -2.25);
        assert_eq!(files[0]["keywords"], json!(["street", "rain"]));
        assert_eq!(files[0]["faces"], Value::Null, "not looked for");
        // Two findings for one check: the manifests agree on which one they show.
        assert_eq!(files[0]["checks"]["resolution"], json!({ "verdict": "fail", "measured": "second" }));
        assert!(csv.lines().nth(1).unwrap().ends_with(",fail,fail,second,,"), "{csv}");
        assert_eq!(files[0]["checks"].get("format"), None, "a file lists only its own checks");
        assert_eq!(files[1]["checks"]["format"], json!({ "verdict": "fail", "measured": null }));
        assert_eq!(files[1]["verdict"], "fail");
        assert!(csv.lines().nth(1).unwrap().contains(",48.5,-2.25,"), "same numbers in the CSV");
    }
}
