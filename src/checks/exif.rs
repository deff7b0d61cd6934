//! `exif`: metadata fields the buyer needs in every file.
//!
//! Field names are EXIF tag names as ExifTool prints them; the known ones are
//! [`crate::metadata::REQUIRED_FIELD_NAMES`] (`DateTimeOriginal`, `OffsetTimeOriginal`,
//! `GPSLatitude`, `Make`, `LensModel`, `FNumber`, `ISO`, `Artist`, `Copyright`, …).
//!
//! Rule keys (`checks.exif`), at least one needed:
//! - `required`: fields every file must carry; missing ones → `fail` (or `warn` with severity).
//! - `recommended`: fields the buyer would like; missing ones → always `warn`.
//! - `severity` (`fail` | `warn`, default `fail`; applies to `required`).
//!
//! Findings: `exif.required`, `exif.recommended` — pass, or fail/warn naming the missing fields
//! with a fix hint.

use super::{Evidence, Severity, finding, require_some};
use crate::brief::json::{Errors, Json, Obj, string_item, suggest};
use crate::metadata::REQUIRED_FIELD_NAMES;
use crate::report::{Finding, Verdict};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExifRule {
    pub required: Vec<&'static str>,
    pub recommended: Vec<&'static str>,
    pub severity: Severity,
}

fn field(path: &str, v: &Json, errs: &Errors) -> Option<&'static str> {
    let s = string_item(path, v, errs)?;
    if let Some(f) = REQUIRED_FIELD_NAMES.iter().find(|f| **f == s) {
        return Some(f);
    }
    let hint = match suggest(s, REQUIRED_FIELD_NAMES) {
        Some(f) => format!("did you mean \"{f}\"? "),
        None => String::new(),
    };
    errs.add(path, format!("unknown EXIF field \"{s}\"; {hint}known fields: {}", REQUIRED_FIELD_NAMES.join(", ")));
    None
}

pub fn parse(o: &mut Obj<'_>) -> ExifRule {
    let mut lists = [Vec::new(), Vec::new()];
    for (i, key) in ["required", "recommended"].into_iter().enumerate() {
        let Some(items) = o.list(key, field) else { continue };
        for f in items {
            if lists[i].contains(&f) {
                o.error(key, format!("\"{f}\" is listed twice"));
            } else if i == 1 && lists[0].contains(&f) {
                o.error(key, format!("\"{f}\" is already required; list it in one place only"));
            } else {
                lists[i].push(f);
            }
        }
    }
    let any = o.has("required") || o.has("recommended");
    require_some(o, any, "required, recommended");
    let [required, recommended] = lists;
    ExifRule { required, recommended, severity: Severity::parse(o) }
}

/// Field-specific fixes, after the general "your export may strip metadata".
fn hints(missing: &[&str]) -> String {
    let mut out = Vec::new();
    if missing.iter().any(|f| f.starts_with("GPS")) {
        out.push("for GPS, turn on location tagging in the camera or phone (or geotag from a GPS track)");
    }
    if missing.contains(&"OffsetTimeOriginal") {
        out.push("for OffsetTimeOriginal, set the camera's time zone (older cameras do not record it)");
    }
    if missing.iter().any(|f| f.starts_with("Lens")) {
        out.push("manual lenses record no lens data — add it with your photo software");
    }
    if missing.contains(&"Artist") || missing.contains(&"Copyright") {
        out.push("set your name and copyright in the camera or your export preset");
    }
    if out.is_empty() { String::new() } else { format!("; {}", out.join("; ")) }
}

pub fn evaluate(rule: &ExifRule, ev: &Evidence<'_>, out: &mut Vec<Finding>) {
    let no_exif = !ev.metadata.blocks.iter().any(|b| b == "exif");
    for (id, fields, verdict) in [
        ("exif.required", &rule.required, rule.severity.verdict()),
        ("exif.recommended", &rule.recommended, Verdict::Warn),
    ] {
        if fields.is_empty() {
            continue;
        }
        let expected = Some(fields.join(", "));
        let missing: Vec<&str> = fields.iter().copied().filter(|f| ev.metadata.has_field(f) != Some(true)).collect();
        if missing.is_empty() {
            let n = fields.len();
            let measured = if n == 1 { "present".to_string() } else { format!("all {n} present") };
            out.push(finding(id, Verdict::Pass, Some(measured), expected, "Every field the brief lists is present."));
            continue;
        }
        let why = if no_exif && ev.metadata.datetime_original.is_none() && ev.metadata.make.is_none() {
            "The file carries no EXIF at all — your export strips metadata: enable 'include all metadata' in the export dialog"
        } else {
            "Your export may strip metadata — enable 'include all metadata' in the export dialog"
        };
        let wanted = if id == "exif.required" { "Missing EXIF" } else { "Missing recommended EXIF" };
        out.push(finding(
            id,
            verdict,
            Some(format!("missing: {}", missing.join(", "))),
            expected,
            format!("{wanted}: {}. {why}{}.", missing.join(", "), hints(&missing)),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use crate::metadata::Gps;
    use crate::report::Verdict;

    #[test]
    fn required_fields_pass_and_fail() {
        let mut f = Fixture::jpeg();
        f.metadata.blocks = vec!["exif".into()];
        f.metadata.make = Some("Canon".into());
        f.metadata.model = Some("EOS R5".into());
        let out = f.run(r#"{"exif": {"required": ["Make", "Model"]}}"#);
        let x = one(&out, "exif.required");
        assert_eq!(
            (x.verdict, x.measured.as_deref(), x.expected.as_deref()),
            (Verdict::Pass, Some("all 2 present"), Some("Make, Model"))
        );

        let out = f.run(r#"{"exif": {"required": ["Make", "LensModel", "GPSLatitude", "GPSLongitude"]}}"#);
        let x = one(&out, "exif.required");
        assert_eq!(x.verdict, Verdict::Fail);
        assert_eq!(x.measured.as_deref(), Some("missing: LensModel, GPSLatitude, GPSLongitude"));
        assert!(x.message.starts_with("Missing EXIF: LensModel, GPSLatitude, GPSLongitude. Your export may strip metadata — enable 'include all metadata' in the export dialog; for GPS, turn on location tagging"), "{}", x.message);
        assert!(x.message.contains("manual lenses"), "{}", x.message);

        f.metadata.gps = Some(Gps { lat: 1.0, lon: 2.0, alt: None });
        let out = f.run(r#"{"exif": {"required": ["GPSLatitude", "GPSAltitude"], "severity": "warn"}}"#);
        let x = one(&out, "exif.required");
        assert_eq!((x.verdict, x.measured.as_deref()), (Verdict::Warn, Some("missing: GPSAltitude")));
    }

    #[test]
    fn recommended_fields_only_warn() {
        let mut f = Fixture::jpeg();
        let out = f.run(r#"{"exif": {"required": ["Make"], "recommended": ["Artist", "Copyright"]}}"#);
        assert_eq!(one(&out, "exif.required").verdict, Verdict::Fail);
        let r = one(&out, "exif.recommended");
        assert_eq!(r.verdict, Verdict::Warn);
        assert!(
            r.message.starts_with("Missing recommended EXIF: Artist, Copyright. The file carries no EXIF at all"),
            "{}",
            r.message
        );
        assert!(r.message.contains("set your name and copyright"), "{}", r.message);
        f.metadata.artist = Some("A. Person".into());
        f.metadata.copyright = Some("© A. Person".into());
        let out = f.run(r#"{"exif": {"recommended": ["Artist", "Copyright"]}}"#);
        assert_eq!(one(&out, "exif.recommended").verdict, Verdict::Pass);
        none(&out, "exif.required");
    }

    #[test]
    fn rule_errors() {
        let e = brief_errors(
            r#"{"exif": {"required": ["DateTimeOrignal", "Make", "Make", "Colour"], "recommended": ["Make"]}}"#,
        );
        assert_eq!(e.len(), 4, "{e:#?}");
        assert!(e[0].starts_with("checks.exif.required[0]: unknown EXIF field \"DateTimeOrignal\"; did you mean \"DateTimeOriginal\"? known fields: DateTimeOriginal, OffsetTimeOriginal"), "{e:#?}");
        assert!(e[1].starts_with("checks.exif.required[3]: unknown EXIF field \"Colour\"; known fields:"), "{e:#?}");
        assert_eq!(e[2], "checks.exif.required: \"Make\" is listed twice");
        assert_eq!(e[3], "checks.exif.recommended: \"Make\" is already required; list it in one place only");
        let e = brief_errors(r#"{"exif": {"severity": "warn"}}"#);
        assert!(e[0].starts_with("checks.exif: sets no limit"), "{e:#?}");
    }
}
