//! `faces`: recognisable people in the photo, found on the device (YuNet, see
//! [`crate::detect`]), counted against the brief; a model-release reminder when people appear.
//!
//! Rule keys (`checks.faces`), at least one of `min`, `max`, `release_required_if_present`:
//! - `min`, `max`: whole numbers, how many faces the photo must show (a portrait brief: both 1;
//!   a street dataset that must not show people: `max` 0).
//! - `release_required_if_present` (default `false`): every face found needs a signed model
//!   release; says "model release needed for N faces" at `release_severity`.
//! - `release_severity` (`warn` | `fail`, default `warn`: preflight cannot see whether a release
//!   exists, so by default it reminds rather than rejects).
//! - `thorough` (default `false`): look harder for small faces in crowds (an extra pass at twice
//!   the resolution, never enlarging the photo; face detection takes about five times as long).
//! - `severity` (`fail` | `warn`, default `fail`; applies to `min`/`max`).
//!
//! Findings:
//! - `faces` — always: the count and every box with its score; pass, or fail/warn against
//!   `min`/`max`. When detection cannot run (a build without it, no models, a format with no
//!   decoder) a `warn` "Face detection unavailable: …", never a silent pass.
//! - `faces.release` (when `release_required_if_present`): pass with no faces, else
//!   "Model release needed for N faces" at `release_severity`.

use super::{Evidence, Severity, check_order, finding, require_some};
use crate::brief::json::Obj;
use crate::report::{Finding, ObjectBox, Verdict};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct FacesRule {
    pub min: Option<u32>,
    pub max: Option<u32>,
    pub release_required_if_present: bool,
    pub release_severity: Severity,
    pub thorough: bool,
    pub severity: Severity,
}

/// Most faces a brief can ask for (more is not a count anyone checks by hand).
const MAX_COUNT: u64 = 10_000;

pub fn parse(o: &mut Obj<'_>) -> FacesRule {
    let r = FacesRule {
        min: o.int_in("min", 0, MAX_COUNT).map(|n| n as u32),
        max: o.int_in("max", 0, MAX_COUNT).map(|n| n as u32),
        release_required_if_present: o.bool("release_required_if_present").unwrap_or(false),
        release_severity: match o.one_of("release_severity", &["warn", "fail"]) {
            Some("fail") => Severity::Fail,
            _ => Severity::Warn,
        },
        thorough: o.bool("thorough").unwrap_or(false),
        severity: Severity::parse(o),
    };
    check_order(o, "min", r.min, "max", r.max);
    if o.has("release_severity") && !r.release_required_if_present {
        o.error("release_severity", "has no effect without \"release_required_if_present\": true");
    }
    let any = o.has("min") || o.has("max") || r.release_required_if_present;
    require_some(o, any, "min, max, release_required_if_present: true");
    r
}

/// `"exactly 1 face"`, `"no faces"`, `"at least 2 faces"`, `"at most 3 faces"`, `"2–5 faces"`;
/// `None` without limits.
pub(crate) fn expected_count(min: Option<u32>, max: Option<u32>, one: &str, many: &str) -> Option<String> {
    let n = |n: u32| count_label(n as usize, one, many);
    Some(match (min, max) {
        (Some(0) | None, Some(0)) => format!("no {many}"),
        (Some(lo), Some(hi)) if lo == hi => format!("exactly {}", n(lo)),
        (Some(lo), Some(hi)) => format!("{lo}–{hi} {many}"),
        (Some(lo), None) => format!("at least {}", n(lo)),
        (None, Some(hi)) => format!("at most {}", n(hi)),
        (None, None) => return None,
    })
}

/// `1 face`, `3 faces`.
pub(crate) fn count_label(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `"1. 120×96 px at (30, 44), score 0.93; 2. …"`.
pub(crate) fn box_list(boxes: &[ObjectBox]) -> String {
    boxes.iter().enumerate().map(|(i, b)| format!("{}. {b}", i + 1)).collect::<Vec<_>>().join("; ")
}

/// " (looked at the raw file's embedded preview)" when it did.
pub(crate) fn preview_note(ev: &Evidence<'_>) -> &'static str {
    if ev.detections.on_preview { " (looked at the raw file's embedded JPEG preview)" } else { "" }
}

pub fn evaluate(rule: &FacesRule, ev: &Evidence<'_>, out: &mut Vec<Finding>) {
    let expected = expected_count(rule.min, rule.max, "face", "faces");
    let faces = match &ev.detections.faces {
        Some(Ok(f)) => f,
        Some(Err(why)) => {
            let msg =
                format!("Face detection unavailable: {why}. Faces were not checked: look through the photo yourself.");
            out.push(finding("faces", Verdict::Warn, None, expected, msg));
            return;
        }
        None => {
            out.push(finding("faces", Verdict::Warn, None, expected, "Face detection unavailable: it did not run."));
            return;
        }
    };
    let n = faces.len();
    let measured = Some(count_label(n, "face", "faces"));
    let found = if n == 0 {
        format!("No faces found{}.", preview_note(ev))
    } else {
        format!("{} found{}: {}.", count_label(n, "face", "faces"), preview_note(ev), box_list(faces))
    };
    let (verdict, message) = if rule.min.is_some_and(|m| (n as u32) < m) {
        let want = expected.clone().unwrap_or_default();
        let hint =
            if rule.thorough { "" } else { " If faces are small (a crowd), set \"thorough\": true in the brief." };
        (rule.severity.verdict(), format!("{found} The brief needs {want}.{hint}"))
    } else if rule.max.is_some_and(|m| (n as u32) > m) {
        let want = expected.clone().unwrap_or_default();
        let fix = if rule.max == Some(0) {
            "blur or crop out every face, or leave this photo out"
        } else {
            "crop or choose another frame"
        };
        (rule.severity.verdict(), format!("{found} The brief allows {want}: {fix}."))
    } else {
        (Verdict::Pass, found)
    };
    out.push(finding("faces", verdict, measured.clone(), expected, message));

    if rule.release_required_if_present {
        let expected = Some("a model release per face".to_string());
        out.push(if n == 0 {
            finding("faces.release", Verdict::Pass, measured, expected, "No faces found, so no model release is needed.")
        } else {
            finding(
                "faces.release",
                rule.release_severity.verdict(),
                measured,
                expected,
                format!(
                    "Model release needed for {}: the brief requires a signed release from every recognisable person; deliver them with the photo (preflight cannot check releases).",
                    count_label(n, "face", "faces")
                ),
            )
        });
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;

    fn with_faces(n: usize) -> Fixture {
        let mut f = Fixture::jpeg();
        let b = ObjectBox { x: 100, y: 200, w: 300, h: 400, score: 0.91 };
        f.detections.faces = Some(Ok(vec![b; n]));
        f
    }

    #[test]
    fn counts_against_min_and_max_with_every_box_listed() {
        let out = with_faces(1).run(r#"{"faces": {"min": 1, "max": 1}}"#);
        let x = one(&out, "faces");
        assert_eq!(
            (x.verdict, x.measured.as_deref(), x.expected.as_deref()),
            (Verdict::Pass, Some("1 face"), Some("exactly 1 face"))
        );
        assert_eq!(x.message, "1 face found: 1. 300×400 px at (100, 200), score 0.91.");
        none(&out, "faces.release");

        let out = with_faces(2).run(r#"{"faces": {"min": 1, "max": 1}}"#);
        let x = one(&out, "faces");
        assert_eq!(x.verdict, Verdict::Fail);
        assert!(
            x.message.starts_with("2 faces found: 1. 300×400 px at (100, 200), score 0.91; 2. 300×400"),
            "{}",
            x.message
        );
        assert!(x.message.ends_with("The brief allows exactly 1 face: crop or choose another frame."), "{}", x.message);

        let out = with_faces(0).run(r#"{"faces": {"min": 1, "severity": "warn"}}"#);
        let x = one(&out, "faces");
        assert_eq!((x.verdict, x.measured.as_deref()), (Verdict::Warn, Some("0 faces")));
        assert!(x.message.contains("\"thorough\": true"), "{}", x.message);

        let out = with_faces(3).run(r#"{"faces": {"max": 0}}"#);
        let x = one(&out, "faces");
        assert_eq!((x.verdict, x.expected.as_deref()), (Verdict::Fail, Some("no faces")));
        assert!(x.message.contains("blur or crop out every face"), "{}", x.message);
        assert_eq!(one(&with_faces(0).run(r#"{"faces": {"max": 0}}"#), "faces").verdict, Verdict::Pass);
    }

    #[test]
    fn release_reminder_warns_by_default_and_fails_when_asked() {
        let out = with_faces(2).run(r#"{"faces": {"release_required_if_present": true}}"#);
        assert_eq!(one(&out, "faces").verdict, Verdict::Pass, "no count limits: the count is information");
        let r = one(&out, "faces.release");
        assert_eq!(r.verdict, Verdict::Warn);
        assert!(r.message.starts_with("Model release needed for 2 faces:"), "{}", r.message);
        let out = with_faces(1).run(r#"{"faces": {"release_required_if_present": true, "release_severity": "fail"}}"#);
        let r = one(&out, "faces.release");
        assert!(r.verdict == Verdict::Fail && r.message.starts_with("Model release needed for 1 face:"), "{r:?}");
        let out = with_faces(0).run(r#"{"faces": {"release_required_if_present": true}}"#);
        assert_eq!(one(&out, "faces.release").verdict, Verdict::Pass);
    }

    #[test]
    fn unavailable_detection_warns_and_never_passes() {
        let mut f = Fixture::jpeg();
        f.detections.faces = Some(Err("no detection models were given to this checker".into()));
        let out = f.run(r#"{"faces": {"max": 0, "release_required_if_present": true}}"#);
        let x = one(&out, "faces");
        assert_eq!(x.verdict, Verdict::Warn);
        assert!(x.message.starts_with("Face detection unavailable: no detection models were given"), "{}", x.message);
        none(&out, "faces.release");
    }

    #[test]
    fn rule_errors() {
        let e = brief_errors(r#"{"faces": {"min": 2, "max": 1, "thorugh": true}}"#);
        assert_eq!(
            e,
            [
                "checks.faces.min: 2 is greater than max (1)",
                "checks.faces.thorugh: unknown key `thorugh`; did you mean `thorough`?"
            ]
        );
        let e = brief_errors(r#"{"faces": {"thorough": true}}"#);
        assert!(e[0].starts_with("checks.faces: sets no limit"), "{e:?}");
        let e = brief_errors(r#"{"faces": {"max": -1, "release_severity": "error"}}"#);
        assert!(e[0].starts_with("checks.faces.max: must not be negative"), "{e:?}");
        assert!(e[1].starts_with("checks.faces.release_severity: unknown value \"error\""), "{e:?}");
        let e = brief_errors(r#"{"faces": {"max": 0, "release_severity": "fail"}}"#);
        assert_eq!(e, ["checks.faces.release_severity: has no effect without \"release_required_if_present\": true"]);
    }
}
