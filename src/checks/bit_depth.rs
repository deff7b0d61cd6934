//! `bit_depth`: bits per sample of the main image, as the container declares it (JPEG SOF
//! precision, PNG IHDR, TIFF/raw BitsPerSample of the full-resolution image).
//!
//! Rule keys (`checks.bit_depth`), at least one needed:
//! - `min`, `max`: whole numbers 1…32.
//! - `allow`: list of accepted depths (e.g. `[8, 16]`); combined with `min`/`max`, all must hold.
//! - `severity` (`fail` | `warn`, default `fail`).
//!
//! Finding: `bit_depth` — pass / fail, or warn when the header declares no depth.

use super::{Evidence, Severity, check_order, finding, require_some};
use crate::brief::json::{Errors, Json, Obj, whole_number};
use crate::report::{Finding, Verdict};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct BitDepthRule {
    pub min: Option<u8>,
    pub max: Option<u8>,
    pub allow: Option<Vec<u8>>,
    pub severity: Severity,
}

pub fn parse(o: &mut Obj<'_>) -> BitDepthRule {
    let depth = |path: &str, v: &Json, errs: &Errors| match whole_number(v, path, errs)? {
        n @ 1..=32 => Some(n as u8),
        n => {
            errs.add(path, format!("must be between 1 and 32 bits, found {n}"));
            None
        }
    };
    let r = BitDepthRule {
        min: o.int_in("min", 1, 32).map(|n| n as u8),
        max: o.int_in("max", 1, 32).map(|n| n as u8),
        allow: o.list("allow", depth),
        severity: Severity::parse(o),
    };
    check_order(o, "min", r.min, "max", r.max);
    let any = o.has("min") || o.has("max") || o.has("allow");
    require_some(o, any, "min, max, allow");
    r
}

impl BitDepthRule {
    fn accepts(&self, d: u8) -> bool {
        self.min.is_none_or(|m| d >= m)
            && self.max.is_none_or(|m| d <= m)
            && self.allow.as_ref().is_none_or(|a| a.contains(&d))
    }

    fn expected(&self) -> String {
        let mut parts = Vec::new();
        if let Some(a) = &self.allow {
            let list: Vec<String> = a.iter().map(u8::to_string).collect();
            parts.push(format!("{}-bit", list.join(" or ")));
        }
        match (self.min, self.max) {
            (Some(lo), Some(hi)) if lo == hi => parts.push(format!("{lo}-bit")),
            (Some(lo), Some(hi)) => parts.push(format!("{lo}–{hi}-bit")),
            (Some(lo), None) => parts.push(format!("≥ {lo}-bit")),
            (None, Some(hi)) => parts.push(format!("≤ {hi}-bit")),
            (None, None) => {}
        }
        parts.join(", ")
    }
}

pub fn evaluate(rule: &BitDepthRule, ev: &Evidence<'_>, out: &mut Vec<Finding>) {
    let want = rule.expected();
    let expected = Some(want.clone());
    let Some(d) = ev.probe.bit_depth else {
        out.push(finding(
            "bit_depth",
            Verdict::Warn,
            None,
            expected,
            "Bit depth could not be determined from the header: the file declares none.",
        ));
        return;
    };
    let measured = Some(format!("{d}-bit"));
    if rule.accepts(d) {
        out.push(finding("bit_depth", Verdict::Pass, measured, expected, format!("{d}-bit is accepted.")));
        return;
    }
    let fmt = ev.probe.format.map_or("this file", |f| f.name());
    let jpeg = ev.probe.format == Some(crate::probe::Format::Jpeg);
    let hint = if rule.max.is_some_and(|m| d > m) || rule.allow.as_ref().is_some_and(|a| a.iter().all(|x| *x < d)) {
        "export at 8 bits per channel (e.g. JPEG, or TIFF set to 8-bit)".to_string()
    } else if jpeg {
        "JPEG holds only 8 bits; export a 16-bit TIFF (or deliver the raw file) instead".to_string()
    } else {
        "export from the original (raw) file at a higher bit depth, e.g. 16-bit TIFF".to_string()
    };
    out.push(finding(
        "bit_depth",
        rule.severity.verdict(),
        measured,
        expected,
        format!("{fmt} is {d}-bit; the brief needs {want}: {hint}."),
    ));
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use crate::probe::Format;
    use crate::report::Verdict;

    #[test]
    fn pass_fail_and_missing() {
        let mut f = Fixture::jpeg();
        let out = f.run(r#"{"bit_depth": {"allow": [8, 16]}}"#);
        let b = one(&out, "bit_depth");
        assert_eq!(
            (b.verdict, b.measured.as_deref(), b.expected.as_deref()),
            (Verdict::Pass, Some("8-bit"), Some("8 or 16-bit"))
        );

        let out = f.run(r#"{"bit_depth": {"min": 16}}"#);
        let b = one(&out, "bit_depth");
        assert_eq!(b.verdict, Verdict::Fail);
        assert_eq!(
            b.message,
            "JPEG is 8-bit; the brief needs ≥ 16-bit: JPEG holds only 8 bits; export a 16-bit TIFF (or deliver the raw file) instead."
        );
        let out = f.run(r#"{"bit_depth": {"min": 16, "severity": "warn"}}"#);
        assert_eq!(one(&out, "bit_depth").verdict, Verdict::Warn);

        f.probe.format = Some(Format::Nef);
        f.probe.bit_depth = Some(14);
        let out = f.run(r#"{"bit_depth": {"min": 8, "max": 8}}"#);
        let b = one(&out, "bit_depth");
        assert_eq!(
            (b.verdict, b.measured.as_deref(), b.expected.as_deref()),
            (Verdict::Fail, Some("14-bit"), Some("8-bit"))
        );
        assert!(
            b.message.starts_with("NEF is 14-bit; the brief needs 8-bit: export at 8 bits per channel"),
            "{}",
            b.message
        );
        let out = f.run(r#"{"bit_depth": {"allow": [8, 16]}}"#);
        assert_eq!(one(&out, "bit_depth").verdict, Verdict::Fail);
        let out = f.run(r#"{"bit_depth": {"min": 12, "max": 16}}"#);
        assert_eq!(one(&out, "bit_depth").verdict, Verdict::Pass);

        f.probe.bit_depth = None;
        let b = f.run(r#"{"bit_depth": {"min": 8}}"#);
        let b = one(&b, "bit_depth");
        assert_eq!(b.verdict, Verdict::Warn);
        assert!(b.message.contains("could not be determined from the header"));
    }

    #[test]
    fn rule_errors() {
        let e = brief_errors(r#"{"bit_depth": {"min": 0, "max": 64, "allow": [8, 33, "16"]}}"#);
        assert_eq!(
            e,
            [
                "checks.bit_depth.min: must be between 1 and 32, found 0",
                "checks.bit_depth.max: must be between 1 and 32, found 64",
                "checks.bit_depth.allow[1]: must be between 1 and 32 bits, found 33",
                "checks.bit_depth.allow[2]: expected a whole number, found a string (\"16\")",
            ]
        );
    }
}
