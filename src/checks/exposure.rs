//! `exposure`: clipped highlights and shadows, and images too dark or too light — measured on
//! the decoded pixels (a preview of ≤ 1024 px, box-downscaled, at the source's own bit depth, so
//! a 16-bit thermal TIFF is judged against 65535, not 255).
//!
//! Rule keys (`checks.exposure`), at least one needed:
//! - `max_highlights_percent`: % of pixels with any channel blown (≥ 98 % of full scale).
//! - `max_shadows_percent`: % of pixels with all channels crushed (≤ 2 % of full scale).
//! - `max_clipped_area_percent`: the largest *connected* blown or crushed area, % of the image
//!   (a 2 % clipped sky is one area and matters; 2 % of scattered speculars does not).
//! - `min_brightness_percent`, `max_brightness_percent`: median brightness, % of full scale
//!   (dark / light images).
//! - `severity` (`fail` | `warn`, default `fail`).
//!
//! Findings: `exposure.highlights`, `exposure.shadows` (each also judged by the area limit),
//! `exposure.brightness`.

use super::{Evidence, Severity, check_order, finding, num, percent, pixel_note, require_some};
use crate::brief::json::Obj;
use crate::report::{Finding, Verdict};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExposureRule {
    pub max_highlights_percent: Option<f64>,
    pub max_shadows_percent: Option<f64>,
    pub max_clipped_area_percent: Option<f64>,
    pub min_brightness_percent: Option<f64>,
    pub max_brightness_percent: Option<f64>,
    pub severity: Severity,
}

pub fn parse(o: &mut Obj<'_>) -> ExposureRule {
    let r = ExposureRule {
        max_highlights_percent: percent(o, "max_highlights_percent"),
        max_shadows_percent: percent(o, "max_shadows_percent"),
        max_clipped_area_percent: percent(o, "max_clipped_area_percent"),
        min_brightness_percent: percent(o, "min_brightness_percent"),
        max_brightness_percent: percent(o, "max_brightness_percent"),
        severity: Severity::parse(o),
    };
    check_order(
        o,
        "min_brightness_percent",
        r.min_brightness_percent,
        "max_brightness_percent",
        r.max_brightness_percent,
    );
    let keys = [
        "max_highlights_percent",
        "max_shadows_percent",
        "max_clipped_area_percent",
        "min_brightness_percent",
        "max_brightness_percent",
    ];
    let any = keys.iter().any(|k| o.has(k));
    require_some(o, any, &keys.join(", "));
    r
}

pub fn evaluate(rule: &ExposureRule, ev: &Evidence<'_>, out: &mut Vec<Finding>) {
    let Some(e) = ev.pixels.and_then(|p| p.exposure.as_ref()) else { return };
    let note = pixel_note(ev);
    let area = rule.max_clipped_area_percent;
    let sides = [
        (
            "exposure.highlights",
            "highlights",
            "blown",
            rule.max_highlights_percent,
            e.any_blown_pct,
            e.largest_blown_region_pct,
            format!("R {:.1} %, G {:.1} %, B {:.1} %", e.red.blown_pct, e.green.blown_pct, e.blue.blown_pct),
            "recover highlights in the raw converter or expose about a stop darker",
        ),
        (
            "exposure.shadows",
            "shadows",
            "crushed to black",
            rule.max_shadows_percent,
            e.all_crushed_pct,
            e.largest_crushed_region_pct,
            format!("luma {:.1} %", e.luma.crushed_pct),
            "lift the shadows in the raw converter or expose brighter",
        ),
    ];
    for (id, what, state, max_pct, pct, region, per_channel, fix) in sides {
        if max_pct.is_none() && area.is_none() {
            continue;
        }
        let (pct, region) = (pct as f64, region as f64);
        let measured = Some(format!("{pct:.2} % {state} ({per_channel}); largest area {region:.2} %"));
        let mut limits = Vec::new();
        if let Some(m) = max_pct {
            limits.push(format!("≤ {} % {state}", num(m)));
        }
        if let Some(a) = area {
            limits.push(format!("largest area ≤ {} %", num(a)));
        }
        let expected = Some(limits.join(", "));
        let over_pct = max_pct.is_some_and(|m| pct > m);
        let over_area = area.is_some_and(|a| region > a);
        out.push(if over_pct || over_area {
            let why = match (over_pct, over_area) {
                (true, true) => format!("{pct:.1} % of the image is {state}, with one area of {region:.1} %"),
                (true, false) => format!("{pct:.1} % of the image is {state}"),
                _ => format!("one connected area of {region:.1} % is {state}"),
            };
            finding(id, rule.severity.verdict(), measured, expected, format!("Clipped {what}: {why}{note}; {fix}."))
        } else {
            finding(id, Verdict::Pass, measured, expected, format!("No problematic clipping in the {what}{note}."))
        });
    }
    if rule.min_brightness_percent.is_some() || rule.max_brightness_percent.is_some() {
        let b = e.p50 as f64 * 100.0;
        let measured =
            Some(format!("median brightness {b:.0} % (p5 {:.0} %, p95 {:.0} %)", e.p5 * 100.0, e.p95 * 100.0));
        let expected = Some(match (rule.min_brightness_percent, rule.max_brightness_percent) {
            (Some(lo), Some(hi)) => format!("{} … {} %", num(lo), num(hi)),
            (Some(lo), None) => format!("≥ {} %", num(lo)),
            (None, Some(hi)) => format!("≤ {} %", num(hi)),
            (None, None) => unreachable!(),
        });
        let verdict = rule.severity.verdict();
        out.push(match (rule.min_brightness_percent, rule.max_brightness_percent) {
            (Some(lo), _) if b < lo => finding(
                "exposure.brightness",
                verdict,
                measured,
                expected,
                format!("The image is dark (median {b:.0} % of full scale){note}; brighten it or check the exposure."),
            ),
            (_, Some(hi)) if b > hi => finding(
                "exposure.brightness",
                verdict,
                measured,
                expected,
                format!(
                    "The image is very light (median {b:.0} % of full scale){note}; darken it or check the exposure."
                ),
            ),
            _ => {
                finding("exposure.brightness", Verdict::Pass, measured, expected, "Overall brightness is within range.")
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use crate::report::Verdict;

    #[test]
    fn highlights_fail_on_percent_or_area_and_pass_otherwise() {
        let mut f = Fixture::jpeg();
        f.set_exposure(|e| {
            e.any_blown_pct = 3.0;
            e.largest_blown_region_pct = 0.2;
        });
        let out = f.run(r#"{"exposure": {"max_highlights_percent": 2}}"#);
        let h = one(&out, "exposure.highlights");
        assert_eq!(h.verdict, Verdict::Fail);
        assert!(h.message.contains("3.0 % of the image is blown"), "{}", h.message);
        let out = f.run(r#"{"exposure": {"max_highlights_percent": 5}}"#);
        assert_eq!(one(&out, "exposure.highlights").verdict, Verdict::Pass);
        // Scattered speculars pass an area rule; one big blown sky does not.
        let out = f.run(r#"{"exposure": {"max_clipped_area_percent": 1}}"#);
        assert_eq!(one(&out, "exposure.highlights").verdict, Verdict::Pass);
        f.set_exposure(|e| e.largest_blown_region_pct = 2.5);
        let out = f.run(r#"{"exposure": {"max_clipped_area_percent": 1, "severity": "warn"}}"#);
        let h = one(&out, "exposure.highlights");
        assert_eq!(h.verdict, Verdict::Warn);
        assert!(h.message.contains("one connected area of 2.5 %"), "{}", h.message);
    }

    #[test]
    fn brightness_and_rule_errors() {
        let mut f = Fixture::jpeg();
        f.set_exposure(|e| e.p50 = 0.08);
        let out = f.run(r#"{"exposure": {"min_brightness_percent": 15}}"#);
        assert_eq!(one(&out, "exposure.brightness").verdict, Verdict::Fail);
        none(&out, "exposure.highlights");
        let e = brief_errors(
            r#"{"exposure": {"max_highlights_percent": 120, "min_brightness_percent": 60, "max_brightness_percent": 40}}"#,
        );
        assert!(e.iter().any(|e| e.contains("max_highlights_percent") && e.contains("0 and 100")), "{e:?}");
        assert!(e.iter().any(|e| e.contains("min_brightness_percent")), "{e:?}");
        assert!(brief_errors(r#"{"exposure": {}}"#).iter().any(|e| e.contains("sets no limit")));
    }
}
