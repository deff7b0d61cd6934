//! The manifest: one row per file, the spreadsheet a buyer asks for. The CLI (`--manifest`) and
//! the page ("Save manifest") both call [`to_csv`], so the two files are identical.
//!
//! Columns: fixed facts first (file, size, format, dimensions, capture time, GPS, camera, lens,
//! exposure, keywords, faces and licence plates found, overall verdict), then two per check that appears anywhere in the batch —
//! `<check>` (its verdict) and `<check> measured` — in the order checks first appear. A file
//! without a given check leaves those cells empty; so does a file whose brief did not ask for
//! faces / plates (the `faces` / `plates` count cells: empty = not looked for, `0` = none found).
//!
//! # Allocations
//! The whole CSV text (a few hundred bytes per file).

use crate::csv::field;
use crate::report::Report;

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

fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map(ToString::to_string).unwrap_or_default()
}

/// The manifest of a batch as CSV (header line first, `\r\n` line ends as RFC 4180 says).
pub fn to_csv(reports: &[Report]) -> String {
    let mut checks: Vec<&str> = Vec::new();
    for r in reports {
        for f in &r.findings {
            if !checks.contains(&f.check.as_str()) {
                checks.push(&f.check);
            }
        }
    }
    let mut out = String::new();
    let mut header: Vec<String> = FIXED_COLUMNS.iter().map(|c| c.to_string()).collect();
    for c in &checks {
        header.push(c.to_string());
        header.push(format!("{c} measured"));
    }
    out.push_str(&header.iter().map(|h| field(h)).collect::<Vec<_>>().join(","));
    out.push_str("\r\n");
    for r in reports {
        let m = &r.metadata;
        let mut row = vec![
            r.file.clone(),
            r.file_size.to_string(),
            opt(&r.format),
            opt(&r.width),
            opt(&r.height),
            opt(&r.megapixels),
            opt(&r.bit_depth),
            opt(&m.datetime_original),
            opt(&m.offset_time_original),
            m.gps.map(|g| g.lat.to_string()).unwrap_or_default(),
            m.gps.map(|g| g.lon.to_string()).unwrap_or_default(),
            opt(&m.make),
            opt(&m.model),
            opt(&m.lens_model),
            opt(&m.focal_length_mm),
            opt(&m.f_number),
            opt(&m.exposure_time_s),
            opt(&m.iso),
            m.keywords.join("; "),
            r.faces.as_ref().map(|f| f.len().to_string()).unwrap_or_default(),
            r.plates.as_ref().map(|p| p.len().to_string()).unwrap_or_default(),
            r.verdict.as_str().to_string(),
        ];
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
}
