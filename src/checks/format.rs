//! `format`: what the file *is* (from its bytes, never its name), and whether its name says so.
//!
//! Rule keys (`checks.format`):
//! - `allow`: list of format names the buyer accepts, case-insensitive: `jpeg` (`jpg`), `png`,
//!   `tiff` (`tif`), `webp`, `heic` (`heif`), `avif`, `dng`, `cr2`, `cr3`, `nef`, `arw`, `orf`,
//!   `rw2`, `raf`, `pef`, `srw`, `gif`, `bmp`, `jxl`, `psd`, plus `raw` meaning every camera
//!   raw format (DNG and the makers' own). Absent: any format preflight recognises.
//! - `extension_must_match` (default `false`): when the extension does not name the content
//!   (HEIC bytes in `IMG_1.jpg`), `format.extension` fails instead of warning.
//! - `severity` (`fail` | `warn`, default `fail`).
//!
//! Findings:
//! - `format`: pass / fail (not in `allow`). A file whose bytes match no known format gets an
//!   `error` here even when the brief has no `format` block: nothing else can be checked.
//! - `format.extension`: pass / warn / fail (see `extension_must_match`). Not emitted when the
//!   format is unknown.

use super::{Evidence, Severity, finding};
use crate::brief::json::{Errors, Json, Obj, string_item, suggest};
use crate::probe::Format;
use crate::report::{Finding, Verdict};

#[derive(Debug, Clone, PartialEq)]
pub struct FormatRule {
    /// `None`: every recognised format.
    pub allow: Option<Vec<Format>>,
    /// The `allow` list as a person reads it: `JPEG, TIFF or camera raw`.
    pub allow_label: String,
    pub extension_must_match: bool,
    pub severity: Severity,
}

/// The alias for every camera raw format.
const RAW: &str = "raw";

pub fn parse(o: &mut Obj<'_>) -> FormatRule {
    let mut allow: Option<Vec<Format>> = None;
    let mut labels: Vec<String> = Vec::new();
    if let Some(items) = o.list("allow", parse_name) {
        let mut formats = Vec::new();
        for item in items {
            let (label, fs) = match item {
                None => ("camera raw".to_string(), Format::ALL.iter().copied().filter(|f| f.is_raw()).collect()),
                Some(f) => (f.name().to_string(), vec![f]),
            };
            if !labels.contains(&label) {
                labels.push(label);
            }
            for f in fs {
                if !formats.contains(&f) {
                    formats.push(f);
                }
            }
        }
        allow = Some(formats);
    }
    FormatRule {
        allow,
        allow_label: or_list(&labels),
        extension_must_match: o.bool("extension_must_match").unwrap_or(false),
        severity: Severity::parse(o),
    }
}

/// One `allow` item: `Some(Some(format))`, `Some(None)` for `raw`, `None` when invalid.
fn parse_name(path: &str, v: &Json, errs: &Errors) -> Option<Option<Format>> {
    let s = string_item(path, v, errs)?;
    if s.eq_ignore_ascii_case(RAW) {
        return Some(None);
    }
    if let Some(f) = Format::from_name(s) {
        return Some(Some(f));
    }
    let mut names: Vec<String> = Format::ALL.iter().map(|f| f.name().to_ascii_lowercase()).collect();
    names.push(RAW.into());
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let hint = match suggest(s, &refs) {
        Some(n) => format!("did you mean \"{n}\"? "),
        None => String::new(),
    };
    errs.add(
        path,
        format!("unknown format \"{s}\"; {hint}known formats: {} (\"raw\" = any camera raw)", refs.join(", ")),
    );
    None
}

/// `A`, `A or B`, `A, B or C`.
fn or_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

pub fn evaluate(rule: Option<&FormatRule>, ev: &Evidence<'_>, out: &mut Vec<Finding>) {
    let expected = rule.and_then(|r| r.allow.as_ref().map(|_| r.allow_label.clone()));
    let Some(format) = ev.probe.format else {
        let message = match ev.probe.other {
            Some(what) => format!(
                "Not an image: the file is {what}. If a photo should be here, copy or export it again; otherwise leave it out."
            ),
            None => "Not an image format preflight recognises — is it a photo? If it is, export it again as JPEG (or the format the brief asks for); otherwise leave it out.".to_string(),
        };
        out.push(finding("format", Verdict::Error, Some("unrecognised".into()), expected, message));
        return;
    };
    let Some(rule) = rule else { return };

    let name = format.name();
    match &rule.allow {
        Some(allow) if !allow.contains(&format) => {
            // Suggest a format one can export to: a developed one if the brief takes any.
            let target = allow.iter().find(|f| !f.is_raw()).map(|f| f.name());
            let how = match target {
                Some(t) if format.is_raw() => format!("this is a camera raw file — develop it and export as {t}"),
                Some(t) => format!("convert or export it as {t}"),
                None => "deliver the original camera raw file instead".to_string(),
            };
            out.push(finding(
                "format",
                rule.severity.verdict(),
                Some(name.into()),
                expected,
                format!("This file is {name}; the brief accepts only {}: {how}.", rule.allow_label),
            ));
        }
        _ => out.push(finding("format", Verdict::Pass, Some(name.into()), expected, format!("{name} is accepted."))),
    }

    let exts = format.extensions();
    let want = exts.iter().map(|e| format!(".{e}")).collect::<Vec<_>>().join(" / ");
    match ev.extension() {
        Some(ext) if exts.contains(&ext.as_str()) => out.push(finding(
            "format.extension",
            Verdict::Pass,
            Some(format!(".{ext}")),
            Some(want),
            format!("The extension .{ext} matches the {name} content."),
        )),
        ext => {
            let verdict = if rule.extension_must_match { rule.severity.verdict() } else { Verdict::Warn };
            let (measured, said) = match &ext {
                Some(e) => (format!(".{e}"), format!("the name ends in .{e}")),
                None => ("no extension".to_string(), "the name has no extension".to_string()),
            };
            out.push(finding(
                "format.extension",
                verdict,
                Some(measured),
                Some(want),
                format!(
                    "The content is {name} but {said}; rename it to .{} so the buyer's tools open it correctly.",
                    exts[0]
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use crate::probe::Format;
    use crate::report::Verdict;

    #[test]
    fn allowed_format_passes_with_matching_extension() {
        let f = Fixture::jpeg();
        let out = f.run(r#"{"format": {"allow": ["jpg", "TIFF"]}}"#);
        let fm = one(&out, "format");
        assert_eq!(
            (fm.verdict, fm.measured.as_deref(), fm.expected.as_deref()),
            (Verdict::Pass, Some("JPEG"), Some("JPEG or TIFF"))
        );
        let ext = one(&out, "format.extension");
        assert_eq!(ext.verdict, Verdict::Pass);
        assert_eq!(ext.expected.as_deref(), Some(".jpg / .jpeg / .jpe / .jfif"));
    }

    #[test]
    fn disallowed_format_fails_and_severity_downgrades() {
        let mut f = Fixture::jpeg();
        f.probe.format = Some(Format::Heic);
        f.name = "IMG_1.HEIC".into();
        let out = f.run(r#"{"format": {"allow": ["jpeg"]}}"#);
        let fm = one(&out, "format");
        assert_eq!(fm.verdict, Verdict::Fail);
        assert_eq!(fm.message, "This file is HEIC; the brief accepts only JPEG: convert or export it as JPEG.");
        assert_eq!(one(&out, "format.extension").verdict, Verdict::Pass);
        let out = f.run(r#"{"format": {"allow": ["jpeg"], "severity": "warn"}}"#);
        assert_eq!(one(&out, "format").verdict, Verdict::Warn);
    }

    #[test]
    fn raw_alias_and_raw_hint() {
        let mut f = Fixture::jpeg();
        f.probe.format = Some(Format::Nef);
        f.name = "DSC_1.NEF".into();
        let out = f.run(r#"{"format": {"allow": ["jpeg", "raw"]}}"#);
        assert_eq!(one(&out, "format").verdict, Verdict::Pass);
        assert_eq!(one(&out, "format").expected.as_deref(), Some("JPEG or camera raw"));
        let out = f.run(r#"{"format": {"allow": ["jpeg"]}}"#);
        assert!(one(&out, "format").message.contains("camera raw file — develop it and export as JPEG"));
        f.probe.format = Some(Format::Heic);
        let out = f.run(r#"{"format": {"allow": ["raw", "tiff"]}}"#);
        assert!(
            one(&out, "format").message.ends_with("accepts only camera raw or TIFF: convert or export it as TIFF."),
            "{}",
            one(&out, "format").message
        );
        let out = f.run(r#"{"format": {"allow": ["raw"]}}"#);
        assert!(one(&out, "format").message.ends_with("deliver the original camera raw file instead."));
    }

    #[test]
    fn extension_mismatch_warns_or_fails() {
        let mut f = Fixture::jpeg();
        f.probe.format = Some(Format::Heic);
        f.name = "IMG_1.jpg".into();
        let out = f.run(r#"{"format": {}}"#);
        assert_eq!(one(&out, "format").verdict, Verdict::Pass);
        let e = one(&out, "format.extension");
        assert_eq!(e.verdict, Verdict::Warn);
        assert_eq!(e.measured.as_deref(), Some(".jpg"));
        assert!(
            e.message.starts_with("The content is HEIC but the name ends in .jpg; rename it to .heic"),
            "{}",
            e.message
        );
        let out = f.run(r#"{"format": {"extension_must_match": true}}"#);
        assert_eq!(one(&out, "format.extension").verdict, Verdict::Fail);
        let out = f.run(r#"{"format": {"extension_must_match": true, "severity": "warn"}}"#);
        assert_eq!(one(&out, "format.extension").verdict, Verdict::Warn);
        f.name = "IMG_1".into();
        let out = f.run(r#"{"format": {"extension_must_match": true}}"#);
        assert_eq!(one(&out, "format.extension").measured.as_deref(), Some("no extension"));
    }

    #[test]
    fn unknown_format_is_an_error_even_without_a_rule() {
        let mut f = Fixture::jpeg();
        f.probe.format = None;
        for checks in [r#"{}"#, r#"{"format": {"allow": ["jpeg"], "severity": "warn"}}"#] {
            let out = f.run(checks);
            let fm = one(&out, "format");
            assert_eq!(fm.verdict, Verdict::Error);
            assert!(fm.message.contains("is it a photo?"));
            none(&out, "format.extension");
        }
    }

    #[test]
    fn no_rule_no_finding_for_a_known_format() {
        let out = Fixture::jpeg().run("{}");
        none(&out, "format");
        none(&out, "format.extension");
    }

    #[test]
    fn unknown_format_names_are_listed() {
        let e = brief_errors(r#"{"format": {"allow": ["jpge", "pdf"], "extension_must_match": "yes"}}"#);
        assert_eq!(e.len(), 3, "{e:?}");
        assert!(
            e[0].starts_with(
                "checks.format.allow[0]: unknown format \"jpge\"; did you mean \"jpeg\"? known formats: jpeg, png, tiff"
            ),
            "{e:?}"
        );
        assert!(
            e[1].contains("unknown format \"pdf\"; known formats:") && e[1].contains("(\"raw\" = any camera raw)"),
            "{e:?}"
        );
        assert_eq!(e[2], "checks.format.extension_must_match: expected true or false, found a string (\"yes\")");
        let e = brief_errors(r#"{"format": {"allow": []}}"#);
        assert!(e[0].contains("the list is empty"), "{e:?}");
    }
}
