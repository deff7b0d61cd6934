//! `noise`: sensor noise, estimated on the full-resolution luma with Immerkær's fast method
//! (a 3×3 kernel that cancels image structure), per 128 px tile; the reported σ is the 25th
//! percentile over tiles that are not near clipping — the flat areas where noise shows.
//! σ is in 8-bit units whatever the source depth: clean base-ISO files score ~1–2, ISO 6400
//! phone shots 5–10.
//!
//! Rule keys (`checks.noise`):
//! - `max_sigma` (number > 0, required).
//! - `severity` (`fail` | `warn`, default `fail`).
//!
//! Finding: `noise`.

use super::{Evidence, Severity, finding, num, pixel_note, require_some};
use crate::brief::json::Obj;
use crate::report::{Finding, Verdict};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct NoiseRule {
    pub max_sigma: Option<f64>,
    pub severity: Severity,
}

pub fn parse(o: &mut Obj<'_>) -> NoiseRule {
    let r = NoiseRule { max_sigma: o.positive("max_sigma"), severity: Severity::parse(o) };
    let any = o.has("max_sigma");
    require_some(o, any, "max_sigma");
    r
}

pub fn evaluate(rule: &NoiseRule, ev: &Evidence<'_>, out: &mut Vec<Finding>) {
    let (Some(max), Some(n)) = (rule.max_sigma, ev.pixels.and_then(|p| p.noise)) else { return };
    let sigma = n.sigma_flat as f64;
    let measured = Some(format!("σ {sigma:.2} (8-bit units)"));
    let expected = Some(format!("σ ≤ {}", num(max)));
    out.push(if sigma <= max {
        finding("noise", Verdict::Pass, measured, expected, "Noise is within the brief's limit.")
    } else {
        finding(
            "noise",
            rule.severity.verdict(),
            measured,
            expected,
            format!(
                "Visible noise (σ {sigma:.1}){}: shoot at a lower ISO, or apply noise reduction in the raw converter.",
                pixel_note(ev)
            ),
        )
    });
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use crate::report::Verdict;

    #[test]
    fn sigma_against_the_limit() {
        let mut f = Fixture::jpeg();
        f.pixels_mut().noise.as_mut().unwrap().sigma_flat = 7.5;
        let out = f.run(r#"{"noise": {"max_sigma": 4, "severity": "warn"}}"#);
        assert_eq!(one(&out, "noise").verdict, Verdict::Warn);
        assert!(one(&out, "noise").message.contains("lower ISO"));
        f.pixels_mut().noise.as_mut().unwrap().sigma_flat = 1.5;
        assert_eq!(one(&f.run(r#"{"noise": {"max_sigma": 4}}"#), "noise").verdict, Verdict::Pass);
        assert!(brief_errors(r#"{"noise": {}}"#)[0].contains("sets no limit"));
    }
}
