//! `information`: images that carry little — a flat grey frame, a lens cap shot, a blank
//! scan — and grayscale images saved as RGB (three identical channels: a buyer's colour dataset
//! gets no colour, and triple the bytes).
//!
//! Rule keys (`checks.information`), at least one needed:
//! - `min_entropy_bits`: Shannon entropy of the luma histogram, bits (0 = one flat tone, 8 = all
//!   256 levels equally used; photos score 6.5–7.8).
//! - `reject_grayscale_as_rgb`: `true` flags an RGB file whose channels are (nearly) identical.
//! - `severity` (`fail` | `warn`, default `fail`).
//!
//! Findings: `information.entropy`, `information.grayscale`.

use super::{Evidence, Severity, finding, num, pixel_note, require_some};
use crate::brief::json::Obj;
use crate::report::{Finding, Verdict};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct InformationRule {
    pub min_entropy_bits: Option<f64>,
    pub reject_grayscale_as_rgb: bool,
    pub severity: Severity,
}

pub fn parse(o: &mut Obj<'_>) -> InformationRule {
    let min_entropy_bits = o.number("min_entropy_bits");
    if let Some(x) = min_entropy_bits
        && !(0.0..=16.0).contains(&x)
    {
        o.error("min_entropy_bits", format!("must be between 0 and 16 bits, found {x}"));
    }
    let r = InformationRule {
        min_entropy_bits,
        reject_grayscale_as_rgb: o.bool("reject_grayscale_as_rgb").unwrap_or(false),
        severity: Severity::parse(o),
    };
    let any = o.has("min_entropy_bits") || o.has("reject_grayscale_as_rgb");
    require_some(o, any, "min_entropy_bits, reject_grayscale_as_rgb");
    r
}

pub fn evaluate(rule: &InformationRule, ev: &Evidence<'_>, out: &mut Vec<Finding>) {
    let Some(p) = ev.pixels else { return };
    let note = pixel_note(ev);
    if let (Some(min), Some(bits)) = (rule.min_entropy_bits, p.entropy_bits) {
        let bits = bits as f64;
        let measured = Some(format!("{bits:.2} bits"));
        let expected = Some(format!("≥ {} bits", num(min)));
        out.push(if bits >= min {
            finding("information.entropy", Verdict::Pass, measured, expected, "The image has enough tonal content.")
        } else {
            finding(
                "information.entropy",
                rule.severity.verdict(),
                measured,
                expected,
                format!(
                    "The image carries almost no information ({bits:.1} bits of tonal entropy){note}: it is nearly one flat tone — check it is not a blank, lens-cap or test frame."
                ),
            )
        });
    }
    if rule.reject_grayscale_as_rgb
        && let Some(g) = p.grayscale
    {
        let measured = Some(if g.channels < 3 {
            "1 channel (grayscale file)".to_string()
        } else {
            format!(
                "3 channels, mean chroma {:.1}, {:.1} % coloured pixels",
                g.mean_chroma,
                g.colourful_fraction * 100.0
            )
        });
        let expected = Some("colour in an RGB file".to_string());
        out.push(if g.is_grayscale_as_rgb {
            finding(
                "information.grayscale",
                rule.severity.verdict(),
                measured,
                expected,
                "A black-and-white image saved as RGB: the three channels are identical. Deliver the colour original, or save it as a 1-channel grayscale file if the brief accepts that.",
            )
        } else {
            finding("information.grayscale", Verdict::Pass, measured, expected, "Not a grayscale image disguised as RGB.")
        });
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use crate::report::Verdict;

    #[test]
    fn flat_frames_and_grey_as_rgb() {
        let mut f = Fixture::jpeg();
        f.pixels_mut().entropy_bits = Some(0.4);
        f.pixels_mut().grayscale.as_mut().unwrap().is_grayscale_as_rgb = true;
        let out = f.run(r#"{"information": {"min_entropy_bits": 3, "reject_grayscale_as_rgb": true}}"#);
        assert_eq!(one(&out, "information.entropy").verdict, Verdict::Fail);
        assert!(one(&out, "information.grayscale").message.contains("saved as RGB"));
        assert_eq!(one(&out, "information.grayscale").verdict, Verdict::Fail);
        let mut f = Fixture::jpeg();
        f.pixels_mut();
        let out = f.run(r#"{"information": {"min_entropy_bits": 3, "reject_grayscale_as_rgb": true}}"#);
        assert_eq!(one(&out, "information.entropy").verdict, Verdict::Pass);
        assert_eq!(one(&out, "information.grayscale").verdict, Verdict::Pass);
        assert!(brief_errors(r#"{"information": {"min_entropy_bits": 40}}"#)[0].contains("between 0 and 16"));
    }
}
