//! `plates`: vehicle licence plates visible in the photo, found on the device (text lines found,
//! verified and read as plates, see [`crate::detect::textplates`]), counted against the brief.
//!
//! Rule keys (`checks.plates`):
//! - `max` (required): whole number, how many plates may be visible (usually 0: datasets that
//!   must not identify vehicles).
//! - `severity` (`fail` | `warn`, default `fail`).
//!
//! Finding: `plates` — the count and every box with its size and score, and why a box counts
//! (text read as letters and digits); pass, or fail/warn above `max`.
//! When detection cannot run, a `warn` "Licence-plate detection unavailable: …".

use super::faces::{box_list, count_label, expected_count, preview_note};
use super::{Evidence, Severity, finding, require_some};
use crate::brief::json::Obj;
use crate::report::{Finding, Verdict};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlatesRule {
    pub max: u32,
    pub severity: Severity,
}

pub fn parse(o: &mut Obj<'_>) -> PlatesRule {
    let max = o.int_in("max", 0, 10_000).map(|n| n as u32);
    let any = o.has("max");
    require_some(o, any, "max");
    PlatesRule { max: max.unwrap_or(0), severity: Severity::parse(o) }
}

pub fn evaluate(rule: &PlatesRule, ev: &Evidence<'_>, out: &mut Vec<Finding>) {
    let expected = expected_count(None, Some(rule.max), "licence plate", "licence plates");
    let plates = match &ev.detections.plates {
        Some(Ok(p)) => p,
        other => {
            let why = match other {
                Some(Err(why)) => why.as_str(),
                _ => "it did not run",
            };
            let msg = format!(
                "Licence-plate detection unavailable: {why}. Plates were not checked: look through the photo yourself."
            );
            out.push(finding("plates", Verdict::Warn, None, expected, msg));
            return;
        }
    };
    let n = plates.len();
    let measured = Some(count_label(n, "licence plate", "licence plates"));
    // The detector keeps only text it could read as letters and digits (detect::textplates), so
    // "found" means readable, and the message says so: a plate too small or blurred to read is
    // not counted.
    let found = if n == 0 {
        format!("No readable licence plate found{}.", preview_note(ev))
    } else {
        format!(
            "{} found{}: {}. {} a line of text shaped like a plate whose letters and digits could be read.",
            count_label(n, "licence plate", "licence plates"),
            preview_note(ev),
            box_list(plates),
            if n == 1 { "It is" } else { "Each is" }
        )
    };
    if n as u32 > rule.max {
        let want = expected.clone().unwrap_or_default();
        let msg = format!("{found} The brief allows {want}: blur every readable plate, or leave this photo out.");
        out.push(finding("plates", rule.severity.verdict(), measured, expected, msg));
    } else {
        out.push(finding("plates", Verdict::Pass, measured, expected, found));
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use crate::report::ObjectBox;

    #[test]
    fn plates_above_max_fail_with_their_boxes() {
        let mut f = Fixture::jpeg();
        f.detections.plates = Some(Ok(vec![ObjectBox { x: 396, y: 340, w: 203, h: 46, score: 0.987 }]));
        let out = f.run(r#"{"plates": {"max": 0}}"#);
        let p = one(&out, "plates");
        assert_eq!(
            (p.verdict, p.measured.as_deref(), p.expected.as_deref()),
            (Verdict::Fail, Some("1 licence plate"), Some("no licence plates"))
        );
        assert_eq!(
            p.message,
            "1 licence plate found: 1. 203×46 px at (396, 340), score 0.99. It is a line of text shaped like a plate whose letters and digits could be read. The brief allows no licence plates: blur every readable plate, or leave this photo out."
        );
        assert_eq!(one(&f.run(r#"{"plates": {"max": 1}}"#), "plates").verdict, Verdict::Pass);
        assert_eq!(one(&f.run(r#"{"plates": {"max": 0, "severity": "warn"}}"#), "plates").verdict, Verdict::Warn);
        f.detections.on_preview = true;
        let out = f.run(r#"{"plates": {"max": 1}}"#);
        assert!(one(&out, "plates").message.contains("embedded JPEG preview"));
        f.detections = Default::default();
        f.detections.plates = Some(Ok(vec![]));
        assert_eq!(one(&f.run(r#"{"plates": {"max": 0}}"#), "plates").message, "No readable licence plate found.");
    }

    #[test]
    fn unavailable_detection_warns() {
        let mut f = Fixture::jpeg();
        f.detections.plates = Some(Err("this build of preflight has no face or plate detection".into()));
        let p = f.run(r#"{"plates": {"max": 0}}"#);
        let p = one(&p, "plates");
        assert_eq!(p.verdict, Verdict::Warn);
        assert!(p.message.starts_with("Licence-plate detection unavailable: this build"), "{}", p.message);
    }

    #[test]
    fn rule_errors() {
        assert!(
            brief_errors(r#"{"plates": {}}"#)[0].starts_with("checks.plates: sets no limit; add at least one of max")
        );
        assert_eq!(
            brief_errors(r#"{"plates": {"max": 0, "min": 1}}"#),
            ["checks.plates.min: unknown key `min`; known keys here: max, severity"]
        );
    }
}
