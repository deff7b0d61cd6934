//! `upsampling`: an image enlarged from a smaller one to meet a size rule. Real detail has
//! energy at the finest scale; an enlargement has almost none there. The measure compares
//! Laplacian energy at full resolution with that at half resolution over the most detailed
//! tiles (`detail_ratio`): camera files score ~0.4–0.7, a 2× enlargement below 0.2.
//!
//! Rule keys (`checks.upsampling`):
//! - `min_detail_ratio` (number > 0; default 0.2 when the block is present).
//! - `severity` (`fail` | `warn`, default `fail`).
//!
//! Finding: `upsampling`. (Added grain can mask an enlargement; this catches plain resizes.)

use super::{Evidence, Severity, finding, num, pixel_note};
use crate::brief::json::Obj;
use crate::pixels::stats::UPSAMPLED_BELOW;
use crate::report::{Finding, Verdict};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct UpsamplingRule {
    pub min_detail_ratio: f64,
    pub severity: Severity,
}

pub fn parse(o: &mut Obj<'_>) -> UpsamplingRule {
    UpsamplingRule {
        min_detail_ratio: o.positive("min_detail_ratio").unwrap_or(UPSAMPLED_BELOW as f64),
        severity: Severity::parse(o),
    }
}

pub fn evaluate(rule: &UpsamplingRule, ev: &Evidence<'_>, out: &mut Vec<Finding>) {
    let Some(u) = ev.pixels.and_then(|p| p.upsampling) else { return };
    let ratio = u.hf_ratio as f64;
    let measured = Some(format!("detail ratio {ratio:.2}"));
    let expected = Some(format!("≥ {}", num(rule.min_detail_ratio)));
    if ratio.is_nan() || ratio <= 0.0 {
        // No energy at any scale (a flat or blank frame): nothing to judge an enlargement by.
        out.push(finding(
            "upsampling",
            Verdict::Warn,
            Some("no detail at any scale".into()),
            expected,
            "The image has no detail to judge an enlargement by (a flat or blank frame).",
        ));
        return;
    }
    out.push(if ratio >= rule.min_detail_ratio {
        finding("upsampling", Verdict::Pass, measured, expected, "Fine detail matches the pixel count (not enlarged).")
    } else {
        finding(
            "upsampling",
            rule.severity.verdict(),
            measured,
            expected,
            format!(
                "The image looks enlarged from a smaller original (little detail at the finest scale){}: deliver the camera's native resolution instead of upscaling.",
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
    fn default_threshold_and_custom() {
        let mut f = Fixture::jpeg();
        f.pixels_mut().upsampling.as_mut().unwrap().hf_ratio = 0.12;
        assert_eq!(one(&f.run(r#"{"upsampling": {}}"#), "upsampling").verdict, Verdict::Fail);
        assert_eq!(one(&f.run(r#"{"upsampling": {"min_detail_ratio": 0.1}}"#), "upsampling").verdict, Verdict::Pass);
        // A flat frame has no detail at any scale: not "enlarged", just unjudgeable.
        f.pixels_mut().upsampling.as_mut().unwrap().hf_ratio = 0.0;
        let flat = f.run(r#"{"upsampling": {}}"#);
        assert_eq!(one(&flat, "upsampling").verdict, Verdict::Warn);
        assert!(one(&flat, "upsampling").message.contains("no detail"));
    }
}
