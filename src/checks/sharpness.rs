//! `sharpness`: focus judged at 100 %, the way a reviewer zooms in — never on a thumbnail. The
//! full-resolution luma is cut into 128 px tiles; each gets the variance of its Laplacian (8-bit
//! units, whatever the source depth). A tile with detail (luma σ ≥ 8) and a variance ≥ 100 is
//! "in focus".
//!
//! Rule keys (`checks.sharpness`), at least one needed:
//! - `min_sharpest`: the sharpest tile's Laplacian variance must reach this (is *anything* in
//!   focus?). 100 is the in-focus line; a crisp 24 MP photo scores in the thousands.
//! - `min_in_focus_percent`: % of the tiles with detail that must be in focus — "sharp front to
//!   back" for a landscape or scan brief (a portrait with a blurred background scores low).
//! - `severity` (`fail` | `warn`, default `fail`).
//!
//! Findings: `sharpness` (sharpest tile), `sharpness.depth` (in-focus share). A failing finding
//! says whether the blur looks like defocus or motion (camera shake), from the directional
//! gradient energies.

use super::{Evidence, Severity, finding, num, percent, pixel_note, require_some};
use crate::brief::json::Obj;
use crate::pixels::sharpness::BlurHint;
use crate::report::{Finding, Verdict};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct SharpnessRule {
    pub min_sharpest: Option<f64>,
    pub min_in_focus_percent: Option<f64>,
    pub severity: Severity,
}

pub fn parse(o: &mut Obj<'_>) -> SharpnessRule {
    let r = SharpnessRule {
        min_sharpest: o.positive("min_sharpest"),
        min_in_focus_percent: percent(o, "min_in_focus_percent"),
        severity: Severity::parse(o),
    };
    let any = o.has("min_sharpest") || o.has("min_in_focus_percent");
    require_some(o, any, "min_sharpest, min_in_focus_percent");
    r
}

fn blur_words(hint: BlurHint) -> String {
    match hint {
        BlurHint::Sharp => String::new(),
        BlurHint::Defocus => " — it looks out of focus (blurred in every direction)".into(),
        BlurHint::Motion { angle_deg } => {
            let dir = match angle_deg {
                0 => "horizontal".to_string(),
                90 => "vertical".to_string(),
                a => format!("{a}°"),
            };
            format!(
                " — it looks like motion blur or camera shake ({dir} streaks): use a faster shutter speed or a tripod"
            )
        }
    }
}

pub fn evaluate(rule: &SharpnessRule, ev: &Evidence<'_>, out: &mut Vec<Finding>) {
    let Some(s) = ev.pixels.and_then(|p| p.sharpness.as_ref()) else { return };
    let note = pixel_note(ev);
    let blur = blur_words(s.blur_hint);
    if let Some(min) = rule.min_sharpest {
        let sharpest = s.sharpest as f64;
        let measured = Some(format!("sharpest tile {sharpest:.0} (median {:.0})", s.median));
        let expected = Some(format!("sharpest tile ≥ {}", num(min)));
        out.push(if sharpest >= min {
            finding("sharpness", Verdict::Pass, measured, expected, format!("In focus at 100 %{note}."))
        } else {
            finding(
                "sharpness",
                rule.severity.verdict(),
                measured,
                expected,
                format!("Nothing in the image is sharp at 100 %{note}{blur}; pick a sharper frame."),
            )
        });
    }
    if let Some(min) = rule.min_in_focus_percent {
        let pct = s.in_focus_fraction_of_detailed as f64 * 100.0;
        let measured = Some(format!("{pct:.0} % of detailed tiles in focus"));
        let expected = Some(format!("≥ {} % in focus (front to back)", num(min)));
        out.push(if pct >= min {
            finding("sharpness.depth", Verdict::Pass, measured, expected, format!("Sharp across the frame{note}."))
        } else {
            finding(
                "sharpness.depth",
                rule.severity.verdict(),
                measured,
                expected,
                format!(
                    "Only {pct:.0} % of the detailed areas are in focus{note}{blur}; the brief wants the frame sharp front to back — stop down (f/8–f/11) or focus-stack."
                ),
            )
        });
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use crate::pixels::sharpness::BlurHint;
    use crate::report::Verdict;

    #[test]
    fn sharpest_tile_and_depth() {
        let mut f = Fixture::jpeg();
        f.pixels_mut();
        let out = f.run(r#"{"sharpness": {"min_sharpest": 100, "min_in_focus_percent": 60}}"#);
        assert_eq!(one(&out, "sharpness").verdict, Verdict::Pass);
        assert_eq!(one(&out, "sharpness.depth").verdict, Verdict::Pass);
        assert_eq!(one(&out, "pixels").verdict, Verdict::Pass);

        let s = f.pixels_mut().sharpness.as_mut().unwrap();
        s.sharpest = 40.0;
        s.in_focus_fraction_of_detailed = 0.1;
        s.blur_hint = BlurHint::Motion { angle_deg: 0 };
        let out = f.run(r#"{"sharpness": {"min_sharpest": 100, "min_in_focus_percent": 60}}"#);
        let x = one(&out, "sharpness");
        assert_eq!(x.verdict, Verdict::Fail);
        assert!(x.message.contains("motion blur") && x.message.contains("horizontal"), "{}", x.message);
        assert_eq!(one(&out, "sharpness.depth").verdict, Verdict::Fail);
    }

    #[test]
    fn no_pixels_means_a_warning_not_a_pass() {
        let mut f = Fixture::jpeg();
        f.pixels_unavailable = Some("HEIC cannot be decoded here".into());
        let out = f.run(r#"{"sharpness": {"min_sharpest": 100}}"#);
        let p = one(&out, "pixels");
        assert_eq!(p.verdict, Verdict::Warn);
        assert!(p.message.contains("HEIC cannot be decoded here"));
        none(&out, "sharpness");
    }
}
