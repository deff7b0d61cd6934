//! The brief: what a buyer asks of every file, as a versioned JSON document.
//!
//! The format is specified in `docs/brief-format.md`. In short:
//!
//! ```json
//! { "preflight_brief": 1, "name": "…", "description": "…", "source": "https://…",
//!   "checks": { "format": {…}, "resolution": {…}, "bit_depth": {…}, "exif": {…},
//!               "capture_time": {…}, "gps": {…}, "file_size": {…} },
//!   "limits": { "max_megapixels": 60 } }
//! ```
//!
//! Parsing collects *every* problem (invalid JSON with line/column, unknown keys with a
//! "did you mean" suggestion, wrong types, impossible values, a wrong version) with its JSON
//! path, instead of stopping at the first. Nothing in a brief is silently ignored.

pub mod json;
pub mod limits;
pub mod taxonomy;

use crate::checks::Rules;
use json::{Errors, Obj};
pub use limits::Limits;

/// The brief format version this build reads.
pub const FORMAT_VERSION: u64 = 1;

/// A parsed, validated brief.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Brief {
    pub name: String,
    pub description: Option<String>,
    /// Where the rules come from (a URL or a citation), shown next to the name.
    pub source: Option<String>,
    pub rules: Rules,
    /// What one file may cost (the `limits` block; defaults when absent).
    pub limits: Limits,
}

/// One problem in a brief, located by its JSON path (`checks.resolution.min_megapixels`,
/// `checks.format.allow[1]`; empty for the document as a whole).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct BriefError {
    pub path: String,
    pub message: String,
}

impl std::fmt::Display for BriefError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.path.is_empty() { write!(f, "{}", self.message) } else { write!(f, "{}: {}", self.path, self.message) }
    }
}

impl Brief {
    /// Parses and validates a brief. All problems are returned together, in document order
    /// as far as possible (each object's own problems, then its unknown keys).
    pub fn parse(json: &str) -> Result<Brief, Vec<BriefError>> {
        let doc = json::parse(json).map_err(|e| vec![e])?;
        let errs = Errors::default();
        let brief = read(&doc, &errs);
        if errs.is_empty() { Ok(brief) } else { Err(errs.into_vec()) }
    }
}

fn read(doc: &json::Json, errs: &Errors) -> Brief {
    let mut brief = Brief::default();
    let Some(mut o) = Obj::new(doc, "", errs) else { return brief };

    // The version comes first: with a wrong version, the rest is not worth reading.
    if !o.has("preflight_brief") {
        o.error(
            "preflight_brief",
            format!("missing; every brief starts with \"preflight_brief\": {FORMAT_VERSION} (the format version)"),
        );
        return brief;
    }
    match o.count("preflight_brief") {
        Some(FORMAT_VERSION) => {}
        Some(v) if v > FORMAT_VERSION => {
            o.error(
                "preflight_brief",
                format!(
                    "this brief uses format version {v}, but this preflight reads version {FORMAT_VERSION}; update preflight"
                ),
            );
            return brief;
        }
        Some(v) => {
            o.error("preflight_brief", format!("unknown format version {v}; the current version is {FORMAT_VERSION}"));
            return brief;
        }
        None => return brief,
    }

    brief.name = o.required_str("name").unwrap_or_default().to_string();
    brief.description = o.str("description").map(str::to_string);
    brief.source = o.str("source").map(str::to_string);
    if let Some(mut checks) = o.obj("checks") {
        brief.rules = Rules::parse(&mut checks);
        checks.finish();
    }
    if let Some(mut limits) = o.obj("limits") {
        brief.limits = Limits::parse(&mut limits);
        limits.finish();
    }
    o.finish();
    brief
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Severity;

    fn errors(json: &str) -> Vec<String> {
        Brief::parse(json).expect_err("should not parse").iter().map(|e| e.to_string()).collect()
    }

    #[test]
    fn minimal_brief_parses() {
        let b = Brief::parse(r#"{"preflight_brief": 1, "name": "x"}"#).unwrap();
        assert_eq!(b.name, "x");
        assert_eq!(b.description, None);
        assert_eq!(b.rules, Rules::default());
    }

    #[test]
    fn full_example_parses() {
        let b = Brief::parse(
            r#"{
              "preflight_brief": 1,
              "name": "Example",
              "description": "d", "source": "https://example.com",
              "checks": {
                "format": { "allow": ["jpeg", "raw"], "extension_must_match": true },
                "resolution": { "min_megapixels": 4, "max_megapixels": 100, "min_short_side": 1000,
                                "aspect_ratio": { "min": "1:3", "max": 3, "allow": ["3:2", "4:3"], "tolerance": 0.02 },
                                "orientation": "landscape" },
                "bit_depth": { "min": 8, "max": 16, "allow": [8, 16] },
                "exif": { "required": ["DateTimeOriginal", "GPSLatitude"], "recommended": ["Artist"] },
                "capture_time": { "not_before": "2020-01-01", "not_after": "2026-12-31T23:59:59", "allow_future": false },
                "gps": { "bounds": { "south": 47.2, "west": 5.8, "north": 55.1, "east": 15.1 }, "reject_null_island": true, "severity": "warn" },
                "file_size": { "min_kb": 500, "max_mb": 45 }
              }
            }"#,
        )
        .unwrap();
        assert_eq!(b.source.as_deref(), Some("https://example.com"));
        let r = &b.rules;
        assert!(r.format.is_some() && r.resolution.is_some() && r.bit_depth.is_some());
        assert!(r.exif.is_some() && r.capture_time.is_some() && r.file_size.is_some());
        assert_eq!(r.gps.as_ref().unwrap().severity, Severity::Warn);
        assert_eq!(r.file_size.as_ref().unwrap().max_bytes, Some(45_000_000));
        assert_eq!(r.file_size.as_ref().unwrap().min_bytes, Some(500_000));
    }

    #[test]
    fn invalid_json_reports_line_and_column() {
        let e = errors("{\n  \"preflight_brief\": 1,\n  \"name\": \"x\",\n}");
        assert_eq!(e.len(), 1);
        assert_eq!(e[0], "not valid JSON: line 4, column 1: trailing comma");
        let e = errors("{\"preflight_brief\": 1,\n \"name\": 'x'}");
        assert_eq!(e, ["not valid JSON: line 2, column 10: expected value"]);
    }

    #[test]
    fn version_is_required_and_must_be_1() {
        assert!(errors(r#"{"name": "x"}"#)[0].starts_with("preflight_brief: missing"));
        let e = errors(r#"{"preflight_brief": 2, "name": "x", "bogus": 1}"#);
        assert_eq!(e.len(), 1, "a newer version stops parsing: {e:?}");
        assert!(e[0].contains("format version 2") && e[0].contains("update preflight"), "{e:?}");
        assert!(errors(r#"{"preflight_brief": 0, "name": "x"}"#)[0].contains("unknown format version 0"));
        assert!(errors(r#"{"preflight_brief": "1", "name": "x"}"#)[0].contains("expected a whole number"));
        assert!(errors(r#"[1]"#)[0].contains("the brief must be a JSON object"));
    }

    #[test]
    fn name_is_required_and_types_are_checked() {
        let e = errors(r#"{"preflight_brief": 1, "description": 5}"#);
        assert_eq!(e, ["name: missing; this key is required", "description: expected a string, found the number 5"]);
        let e = errors(r#"{"preflight_brief": 1, "name": "  "}"#);
        assert_eq!(e, ["name: must not be empty"]);
    }

    #[test]
    fn unknown_keys_get_suggestions_everywhere() {
        let e = errors(
            r#"{"preflight_brief": 1, "name": "x", "descripton": "d",
                "checks": { "resolutoin": {}, "watermark": {},
                            "resolution": { "min_megapixel": 4, "aspect_ratio": { "tolerence": 0.1, "min": 1 } } }}"#,
        );
        assert!(
            e.contains(
                &"checks.resolution.min_megapixel: unknown key `min_megapixel`; did you mean `min_megapixels`?"
                    .to_string()
            ),
            "{e:?}"
        );
        assert!(
            e.contains(
                &"checks.resolution.aspect_ratio.tolerence: unknown key `tolerence`; did you mean `tolerance`?"
                    .to_string()
            ),
            "{e:?}"
        );
        assert!(
            e.contains(&"checks.resolutoin: unknown key `resolutoin`; did you mean `resolution`?".to_string()),
            "{e:?}"
        );
        assert!(
            e.iter().any(
                |m| m.starts_with("checks.watermark: unknown key `watermark`; known keys here: format, resolution")
            ),
            "{e:?}"
        );
        assert!(e.contains(&"descripton: unknown key `descripton`; did you mean `description`?".to_string()), "{e:?}");
    }

    #[test]
    fn many_errors_are_reported_together() {
        let e = errors(
            r#"{"preflight_brief": 1, "name": "x", "checks": {
                "format": { "allow": ["jpeg", "jpg2000", 7] },
                "resolution": { "min_megapixels": 120, "max_megapixels": 100, "min_width": -5 },
                "bit_depth": { "min": 16, "max": 8 },
                "exif": { "required": ["LensModel", "Lens"] },
                "capture_time": { "not_before": "2020-02-30", "not_after": "yesterday" },
                "gps": { "bounds": { "south": 50, "north": 40, "west": 0, "east": 200 } },
                "file_size": { "max_mb": "45", "severity": "error" }
            }}"#,
        );
        let want = [
            "checks.format.allow[1]: unknown format \"jpg2000\"",
            "checks.format.allow[2]: expected a string, found the number 7",
            "checks.resolution.min_megapixels: 120 is greater than max_megapixels (100)",
            "checks.resolution.min_width: must not be negative, found -5",
            "checks.bit_depth.min: 16 is greater than max (8)",
            "checks.exif.required[1]: unknown EXIF field \"Lens\"",
            "checks.capture_time.not_before: \"2020-02-30\" is not a valid date",
            "checks.capture_time.not_after: \"yesterday\" is not a valid date",
            "checks.gps.bounds.south: south (50) is greater than north (40)",
            "checks.gps.bounds.east: must be between -180 and 180",
            "checks.file_size.max_mb: expected a number, found a string (\"45\")",
            "checks.file_size.severity: unknown value \"error\"",
        ];
        for w in want {
            assert!(e.iter().any(|m| m.starts_with(w)), "missing {w:?} in {e:#?}");
        }
        assert_eq!(e.len(), want.len(), "{e:#?}");
    }

    #[test]
    fn null_values_are_errors_not_defaults() {
        let e = errors(r#"{"preflight_brief": 1, "name": "x", "checks": {"resolution": {"min_megapixels": null}}}"#);
        assert!(e[0].contains("found null (remove the key to leave it unset)"), "{e:?}");
    }

    #[test]
    fn empty_blocks_that_ask_nothing_are_errors() {
        let e = errors(
            r#"{"preflight_brief": 1, "name": "x", "checks": {"resolution": {"severity": "warn"}, "bit_depth": {}}}"#,
        );
        assert_eq!(e.len(), 2, "{e:?}");
        assert!(e[0].starts_with("checks.resolution: sets no limit"), "{e:?}");
        assert!(e[1].starts_with("checks.bit_depth: sets no limit"), "{e:?}");
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let e = errors(r#"{"preflight_brief": 1, "name": "x", "name": "y"}"#);
        assert_eq!(e, ["name: `name` appears 2 times; keep only one"]);
    }
}
