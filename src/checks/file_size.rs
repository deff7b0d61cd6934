//! `file_size`: the file's size in bytes, as stored.
//!
//! Rule keys (`checks.file_size`), at least one needed, at most one per side:
//! - `min_bytes` | `min_kb` | `min_mb`, `max_bytes` | `max_kb` | `max_mb` (numbers > 0).
//!   Units are decimal: 1 kB = 1,000 bytes, 1 MB = 1,000,000 bytes (for a `max`, the stricter
//!   reading of a marketplace's "45 MB").
//! - `severity` (`fail` | `warn`, default `fail`).
//!
//! Finding: `file_size` — pass / fail.

use super::{Evidence, Severity, finding, num, require_some, thousands};
use crate::brief::json::Obj;
use crate::report::{Finding, Verdict};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct FileSizeRule {
    pub min_bytes: Option<u64>,
    pub max_bytes: Option<u64>,
    /// The limits as the brief wrote them (`≥ 500 kB`, `≤ 45 MB`).
    pub min_label: Option<String>,
    pub max_label: Option<String>,
    pub severity: Severity,
}

const UNITS: [(&str, f64, &str); 3] = [("bytes", 1.0, "bytes"), ("kb", 1e3, "kB"), ("mb", 1e6, "MB")];

/// One side (min or max): at most one of its three keys, in bytes, with a display label.
fn side(o: &mut Obj<'_>, keys: [&'static str; 3]) -> Option<(u64, String)> {
    let mut found = None;
    for (key, (_, unit, label)) in keys.into_iter().zip(UNITS) {
        if let Some(x) = o.positive(key) {
            let shown = if unit == 1.0 { thousands(x.round() as u64) } else { num(x) };
            found = Some(((x * unit).round() as u64, format!("{shown} {label}")));
        }
    }
    let present: Vec<&str> = keys.into_iter().filter(|k| o.has(k)).collect();
    if present.len() > 1 {
        o.error(present[1], format!("set only one of {}; found {}", keys.join(", "), present.join(" and ")));
        return None;
    }
    found
}

pub fn parse(o: &mut Obj<'_>) -> FileSizeRule {
    let min = side(o, ["min_bytes", "min_kb", "min_mb"]);
    let max = side(o, ["max_bytes", "max_kb", "max_mb"]);
    if let (Some((lo, lo_label)), Some((hi, hi_label))) = (&min, &max)
        && lo > hi
    {
        let key = ["min_bytes", "min_kb", "min_mb"].into_iter().find(|k| o.has(k)).unwrap_or("min_bytes");
        o.error(key, format!("{lo_label} is greater than the maximum ({hi_label})"));
    }
    let any = ["min_bytes", "min_kb", "min_mb", "max_bytes", "max_kb", "max_mb"].into_iter().any(|k| o.has(k));
    require_some(o, any, "min_bytes, min_kb, min_mb, max_bytes, max_kb, max_mb");
    let (min_bytes, min_label) = min.map_or((None, None), |(b, l)| (Some(b), Some(l)));
    let (max_bytes, max_label) = max.map_or((None, None), |(b, l)| (Some(b), Some(l)));
    FileSizeRule { min_bytes, max_bytes, min_label, max_label, severity: Severity::parse(o) }
}

/// `12.35 MB (12,345,678 bytes)`.
pub fn size_label(n: u64) -> String {
    let human = if n >= 1_000_000 {
        format!("{:.2} MB", n as f64 / 1e6)
    } else if n >= 1_000 {
        format!("{:.1} kB", n as f64 / 1e3)
    } else {
        return format!("{n} bytes");
    };
    format!("{human} ({} bytes)", thousands(n))
}

pub fn evaluate(rule: &FileSizeRule, ev: &Evidence<'_>, out: &mut Vec<Finding>) {
    let n = ev.file_size;
    let expected = match (&rule.min_label, &rule.max_label) {
        (Some(a), Some(b)) => format!("{a} … {b}"),
        (Some(a), None) => format!("≥ {a}"),
        (None, Some(b)) => format!("≤ {b}"),
        (None, None) => String::new(),
    };
    let measured = Some(size_label(n));
    let message = if rule.min_bytes.is_some_and(|m| n < m) {
        format!(
            "The file is {}, smaller than the brief's minimum {}: export at full resolution and higher quality (less compression).",
            size_label(n),
            rule.min_label.as_deref().unwrap_or_default()
        )
    } else if rule.max_bytes.is_some_and(|m| n > m) {
        format!(
            "The file is {}, larger than the brief's maximum {}: export with a little more compression (e.g. JPEG quality 90–95) rather than downscaling.",
            size_label(n),
            rule.max_label.as_deref().unwrap_or_default()
        )
    } else {
        out.push(finding(
            "file_size",
            Verdict::Pass,
            measured,
            Some(expected),
            "The file size is within the brief's limits.",
        ));
        return;
    };
    out.push(finding("file_size", rule.severity.verdict(), measured, Some(expected), message));
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;

    #[test]
    fn limits_and_edges() {
        let mut f = Fixture::jpeg(); // 10,000,000 bytes
        let out = f.run(r#"{"file_size": {"max_mb": 10}}"#);
        let s = one(&out, "file_size");
        assert_eq!(
            (s.verdict, s.measured.as_deref(), s.expected.as_deref()),
            (Verdict::Pass, Some("10.00 MB (10,000,000 bytes)"), Some("≤ 10 MB"))
        );
        f.size = 10_000_001;
        let out = f.run(r#"{"file_size": {"max_mb": 10}}"#);
        let s = one(&out, "file_size");
        assert_eq!(s.verdict, Verdict::Fail);
        assert!(
            s.message.starts_with("The file is 10.00 MB (10,000,001 bytes), larger than the brief's maximum 10 MB"),
            "{}",
            s.message
        );
        let out = f.run(r#"{"file_size": {"max_mb": 10, "severity": "warn"}}"#);
        assert_eq!(one(&out, "file_size").verdict, Verdict::Warn);

        f.size = 499_999;
        let out = f.run(r#"{"file_size": {"min_kb": 500, "max_bytes": 45000000}}"#);
        let s = one(&out, "file_size");
        assert_eq!(s.verdict, Verdict::Fail);
        assert_eq!(s.expected.as_deref(), Some("500 kB … 45,000,000 bytes"));
        assert!(s.message.contains("smaller than the brief's minimum 500 kB"), "{}", s.message);
        f.size = 500_000;
        assert_eq!(one(&f.run(r#"{"file_size": {"min_kb": 500}}"#), "file_size").verdict, Verdict::Pass);
        f.size = 12;
        assert_eq!(size_label(12), "12 bytes");
    }

    #[test]
    fn rule_errors() {
        let e = brief_errors(r#"{"file_size": {"min_kb": 1, "min_mb": 2, "max_mb": -3}}"#);
        assert_eq!(
            e,
            [
                "checks.file_size.min_mb: set only one of min_bytes, min_kb, min_mb; found min_kb and min_mb",
                "checks.file_size.max_mb: must be greater than 0, found -3",
            ]
        );
        let e = brief_errors(r#"{"file_size": {"min_mb": 50, "max_mb": 45}}"#);
        assert_eq!(e, ["checks.file_size.min_mb: 50 MB is greater than the maximum (45 MB)"]);
    }
}
