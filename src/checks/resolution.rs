//! `resolution`: pixel size, aspect ratio and orientation of the image *as displayed*.
//!
//! Stored dimensions are pre-rotation: when EXIF Orientation is 5–8 the image is displayed
//! turned by 90°, so width and height are swapped before any check here.
//!
//! Rule keys (`checks.resolution`), all optional, at least one needed:
//! - `min_megapixels`, `max_megapixels` (numbers > 0; MP = width × height / 1,000,000).
//! - `min_width`, `max_width`, `min_height`, `max_height`, `min_short_side`, `max_short_side`,
//!   `min_long_side`, `max_long_side` (whole pixels, 1…1,000,000). Width and height are as
//!   displayed; "short/long side" ignore orientation.
//! - `aspect_ratio`: object with `min`, `max` (displayed width ÷ height, as `"3:2"` or `1.5`),
//!   `allow` (list of ratios; each matches in either orientation, so `"3:2"` also accepts 2:3),
//!   `tolerance` (relative, default `0.01` = 1 %, at most 0.5) and its own `severity`
//!   (default: the block's).
//! - `orientation`: `"any"` (default: not checked), `"landscape"`, `"portrait"`, `"square"`, or
//!   an object `{ "is": "portrait", "severity": "warn" }` to give it its own severity. Square
//!   means within the aspect tolerance of 1:1.
//! - `severity` (`fail` | `warn`, default `fail`).
//!
//! Findings: `resolution` (when any pixel/MP limit is set), `resolution.aspect_ratio`,
//! `resolution.orientation`; each pass / fail, or warn when the header gave no size.

use super::{Evidence, Severity, check_order, finding, num, require_some};
use crate::brief::json::{Errors, Json, Obj, choose, join};
use crate::report::{Finding, Verdict};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResolutionRule {
    pub min_megapixels: Option<f64>,
    pub max_megapixels: Option<f64>,
    pub min_width: Option<u32>,
    pub max_width: Option<u32>,
    pub min_height: Option<u32>,
    pub max_height: Option<u32>,
    pub min_short_side: Option<u32>,
    pub max_short_side: Option<u32>,
    pub min_long_side: Option<u32>,
    pub max_long_side: Option<u32>,
    pub aspect_ratio: Option<AspectRule>,
    pub orientation: Option<OrientationRule>,
    pub severity: Severity,
}

/// A width ÷ height ratio, with how the brief wrote it.
#[derive(Debug, Clone, PartialEq)]
pub struct Ratio {
    pub value: f64,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AspectRule {
    pub min: Option<Ratio>,
    pub max: Option<Ratio>,
    pub allow: Option<Vec<Ratio>>,
    pub tolerance: f64,
    pub severity: Severity,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Orientation {
    Landscape,
    Portrait,
    Square,
}

impl Orientation {
    fn name(self) -> &'static str {
        match self {
            Orientation::Landscape => "landscape",
            Orientation::Portrait => "portrait",
            Orientation::Square => "square",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct OrientationRule {
    pub is: Orientation,
    pub severity: Severity,
}

pub const DEFAULT_TOLERANCE: f64 = 0.01;
const PIXEL_KEYS: [&str; 8] = [
    "min_width",
    "max_width",
    "min_height",
    "max_height",
    "min_short_side",
    "max_short_side",
    "min_long_side",
    "max_long_side",
];

pub fn parse(o: &mut Obj<'_>) -> ResolutionRule {
    let severity = Severity::parse(o);
    let px = |o: &mut Obj<'_>, k: &'static str| o.int_in(k, 1, 1_000_000).map(|n| n as u32);
    let r = ResolutionRule {
        min_megapixels: o.positive("min_megapixels"),
        max_megapixels: o.positive("max_megapixels"),
        min_width: px(o, "min_width"),
        max_width: px(o, "max_width"),
        min_height: px(o, "min_height"),
        max_height: px(o, "max_height"),
        min_short_side: px(o, "min_short_side"),
        max_short_side: px(o, "max_short_side"),
        min_long_side: px(o, "min_long_side"),
        max_long_side: px(o, "max_long_side"),
        aspect_ratio: o.obj("aspect_ratio").map(|mut a| {
            let rule = parse_aspect(&mut a, severity);
            a.finish();
            rule
        }),
        orientation: parse_orientation(o, severity),
        severity,
    };
    check_order(o, "min_megapixels", r.min_megapixels, "max_megapixels", r.max_megapixels);
    check_order(o, "min_width", r.min_width, "max_width", r.max_width);
    check_order(o, "min_height", r.min_height, "max_height", r.max_height);
    check_order(o, "min_short_side", r.min_short_side, "max_short_side", r.max_short_side);
    check_order(o, "min_long_side", r.min_long_side, "max_long_side", r.max_long_side);
    let mut any = o.has("min_megapixels") || o.has("max_megapixels") || o.has("aspect_ratio") || o.has("orientation");
    for k in PIXEL_KEYS {
        any |= o.has(k);
    }
    require_some(o, any, "min_megapixels, max_megapixels, min_width, …, aspect_ratio, orientation");
    r
}

fn parse_aspect(a: &mut Obj<'_>, block: Severity) -> AspectRule {
    let severity = if a.has("severity") { Severity::parse(a) } else { block };
    let one = |a: &mut Obj<'_>, k: &'static str| {
        let v = a.raw(k)?;
        parse_ratio(&a.key_path(k), v, a.errors())
    };
    let min = one(a, "min");
    let max = one(a, "max");
    let allow = a.list("allow", parse_ratio);
    let tolerance = match a.number("tolerance") {
        Some(t) if (0.0..=0.5).contains(&t) => t,
        Some(t) => {
            a.error("tolerance", format!("must be between 0 and 0.5 (a fraction: 0.01 = 1 %), found {}", num(t)));
            DEFAULT_TOLERANCE
        }
        None => DEFAULT_TOLERANCE,
    };
    if let (Some(lo), Some(hi)) = (&min, &max)
        && lo.value > hi.value
    {
        a.error("min", format!("{} is wider than max ({}); min must be the narrower ratio", lo.label, hi.label));
    }
    let any = a.has("min") || a.has("max") || a.has("allow");
    require_some(a, any, "min, max, allow");
    AspectRule { min, max, allow, tolerance, severity }
}

/// `"3:2"`, `"1.85:1"` or a plain number (width ÷ height).
fn parse_ratio(path: &str, v: &Json, errs: &Errors) -> Option<Ratio> {
    let bad = |what: String| {
        errs.add(path, format!("expected an aspect ratio like \"3:2\" or a number like 1.5, found {what}"));
        None
    };
    match v {
        Json::Number(n) => match n.as_f64() {
            Some(x) if x > 0.0 => Some(Ratio { value: x, label: num(x) }),
            _ => bad(v.describe()),
        },
        Json::String(s) => {
            let parsed = s.split_once(':').and_then(|(w, h)| {
                let (w, h) = (w.trim().parse::<f64>().ok()?, h.trim().parse::<f64>().ok()?);
                (w.is_finite() && h.is_finite() && w > 0.0 && h > 0.0).then_some(w / h)
            });
            match parsed {
                Some(value) => Some(Ratio { value, label: s.trim().to_string() }),
                None => bad(v.describe()),
            }
        }
        other => bad(other.describe()),
    }
}

fn parse_orientation(o: &mut Obj<'_>, block: Severity) -> Option<OrientationRule> {
    const CHOICES: [&str; 4] = ["any", "landscape", "portrait", "square"];
    let v = o.raw("orientation")?;
    let path = o.key_path("orientation");
    let errs = o.errors();
    let (name, severity) = match v {
        Json::String(s) => (choose(s, &CHOICES, &path, errs)?, block),
        Json::Object(_) => {
            let mut sub = Obj::new(v, &path, errs)?;
            let severity = if sub.has("severity") { Severity::parse(&mut sub) } else { block };
            if !sub.has("is") {
                errs.add(
                    &join(&path, "is"),
                    "missing; say which orientation: \"landscape\", \"portrait\" or \"square\"",
                );
            }
            let name = sub.one_of("is", &CHOICES);
            sub.finish();
            (name?, severity)
        }
        other => {
            errs.add(
                &path,
                format!(
                    "expected \"any\", \"landscape\", \"portrait\", \"square\" or {{\"is\": …, \"severity\": …}}, found {}",
                    other.describe()
                ),
            );
            return None;
        }
    };
    let is = match name {
        "landscape" => Orientation::Landscape,
        "portrait" => Orientation::Portrait,
        "square" => Orientation::Square,
        _ => return None, // "any": nothing to check
    };
    Some(OrientationRule { is, severity })
}

impl ResolutionRule {
    fn has_size_limits(&self) -> bool {
        self.min_megapixels.is_some()
            || self.max_megapixels.is_some()
            || [
                self.min_width,
                self.max_width,
                self.min_height,
                self.max_height,
                self.min_short_side,
                self.max_short_side,
                self.min_long_side,
                self.max_long_side,
            ]
            .iter()
            .any(Option::is_some)
    }

    fn expected(&self) -> String {
        let mut parts = Vec::new();
        if let Some(x) = self.min_megapixels {
            parts.push(format!("≥ {} MP", num(x)));
        }
        if let Some(x) = self.max_megapixels {
            parts.push(format!("≤ {} MP", num(x)));
        }
        for (what, min, max) in [
            ("width", self.min_width, self.max_width),
            ("height", self.min_height, self.max_height),
            ("short side", self.min_short_side, self.max_short_side),
            ("long side", self.min_long_side, self.max_long_side),
        ] {
            if let Some(x) = min {
                parts.push(format!("{what} ≥ {x} px"));
            }
            if let Some(x) = max {
                parts.push(format!("{what} ≤ {x} px"));
            }
        }
        parts.join(", ")
    }
}

const NO_SIZE: &str = "could not be determined from the header: no image size found";

pub fn evaluate(rule: &ResolutionRule, ev: &Evidence<'_>, out: &mut Vec<Finding>) {
    let size = ev.displayed_size();
    if rule.has_size_limits() {
        out.push(match size {
            Some((w, h)) => size_finding(rule, w, h, ev.rotated()),
            None => finding(
                "resolution",
                Verdict::Warn,
                None,
                Some(rule.expected()),
                format!("Resolution {NO_SIZE}; open the file in an image editor and re-export it."),
            ),
        });
    }
    let tolerance = rule.aspect_ratio.as_ref().map_or(DEFAULT_TOLERANCE, |a| a.tolerance);
    if let Some(a) = &rule.aspect_ratio {
        out.push(match size {
            Some((w, h)) => aspect_finding(a, w, h),
            None => finding(
                "resolution.aspect_ratio",
                Verdict::Warn,
                None,
                Some(aspect_expected(a)),
                format!("Aspect ratio {NO_SIZE}."),
            ),
        });
    }
    if let Some(o) = &rule.orientation {
        let want = o.is.name();
        out.push(match size {
            Some((w, h)) => {
                let r = w as f64 / h as f64;
                let is = if (r - 1.0).abs() <= tolerance {
                    Orientation::Square
                } else if r > 1.0 {
                    Orientation::Landscape
                } else {
                    Orientation::Portrait
                };
                let measured = Some(format!("{} ({w} × {h} px)", is.name()));
                if is == o.is {
                    finding("resolution.orientation", Verdict::Pass, measured, Some(want.into()), format!("The photo is {want}, as the brief asks."))
                } else {
                    finding(
                        "resolution.orientation",
                        o.severity.verdict(),
                        measured,
                        Some(want.into()),
                        format!(
                            "The photo is {} but the brief wants {want} photos; shoot or crop {want} (if it looks {want} in your viewer, its EXIF Orientation tag may be missing).",
                            is.name()
                        ),
                    )
                }
            }
            None => finding("resolution.orientation", Verdict::Warn, None, Some(want.into()), format!("Orientation {NO_SIZE}.")),
        });
    }
}

/// A megapixel count for display: one decimal, unless rounding would hide a violation (3.96 MP
/// against a 4 MP minimum is shown as 3.96, never "4.0").
fn mp_label(mp: f64, min: Option<f64>, max: Option<f64>) -> String {
    let one = (mp * 10.0).round() / 10.0;
    if min.is_some_and(|m| mp < m && one >= m) {
        format!("{:.2}", (mp * 100.0).floor() / 100.0)
    } else if max.is_some_and(|m| mp > m && one <= m) {
        format!("{:.2}", (mp * 100.0).ceil() / 100.0)
    } else {
        format!("{one:.1}")
    }
}

fn size_finding(rule: &ResolutionRule, w: u32, h: u32, rotated: bool) -> Finding {
    let mp = w as f64 * h as f64 / 1e6;
    let mp_s = mp_label(mp, rule.min_megapixels, rule.max_megapixels);
    let shown = if rotated { ", as displayed" } else { "" };
    let measured = format!("{w} × {h} px ({mp_s} MP{shown})");
    let (short, long) = (w.min(h), w.max(h));

    // (what the file has, what the brief needs) for each broken limit.
    let mut small: Vec<String> = Vec::new();
    let mut large: Vec<String> = Vec::new();
    if let Some(m) = rule.min_megapixels.filter(|m| mp < *m) {
        small.push(format!("this file is {mp_s} MP and the brief needs at least {} MP", num(m)));
    }
    if let Some(m) = rule.max_megapixels.filter(|m| mp > *m) {
        large.push(format!("this file is {mp_s} MP and the brief accepts at most {} MP", num(m)));
    }
    for (what, have, min, max) in [
        ("width", w, rule.min_width, rule.max_width),
        ("height", h, rule.min_height, rule.max_height),
        ("short side", short, rule.min_short_side, rule.max_short_side),
        ("long side", long, rule.min_long_side, rule.max_long_side),
    ] {
        if let Some(m) = min.filter(|m| have < *m) {
            small.push(format!("the {what} is {have} px and the brief needs at least {m} px"));
        }
        if let Some(m) = max.filter(|m| have > *m) {
            large.push(format!("the {what} is {have} px and the brief accepts at most {m} px"));
        }
    }
    let expected = Some(rule.expected());
    if small.is_empty() && large.is_empty() {
        return finding(
            "resolution",
            Verdict::Pass,
            Some(measured),
            expected,
            format!("{w} × {h} px ({mp_s} MP) meets the brief."),
        );
    }
    let mut sentences = Vec::new();
    if !small.is_empty() {
        sentences
            .push(format!("Export at full resolution, without downscaling or heavy cropping; {}.", small.join("; ")));
    }
    if !large.is_empty() {
        sentences.push(format!("Downscale on export; {}.", large.join("; ")));
    }
    finding("resolution", rule.severity.verdict(), Some(measured), expected, sentences.join(" "))
}

/// Common ratios, to name a measured one (`3:2`).
const COMMON: [(u32, u32); 12] =
    [(1, 1), (5, 4), (4, 3), (7, 5), (3, 2), (16, 10), (5, 3), (16, 9), (2, 1), (21, 9), (3, 1), (4, 1)];

/// `3:2 (1.50)`, `2:3 (0.67)`, or `1.42:1 (1.42)` when no common ratio is within 0.5 %.
pub fn ratio_label(r: f64) -> String {
    let close = |a: f64| (r / a - 1.0).abs() <= 0.005;
    for (a, b) in COMMON {
        if close(a as f64 / b as f64) {
            return format!("{a}:{b} ({r:.2})");
        }
        if close(b as f64 / a as f64) {
            return format!("{b}:{a} ({r:.2})");
        }
    }
    format!("{r:.2}:1 ({r:.2})")
}

fn aspect_expected(a: &AspectRule) -> String {
    let mut parts = Vec::new();
    if let Some(m) = &a.min {
        parts.push(format!("≥ {}", m.label));
    }
    if let Some(m) = &a.max {
        parts.push(format!("≤ {}", m.label));
    }
    if let Some(list) = &a.allow {
        let labels: Vec<&str> = list.iter().map(|r| r.label.as_str()).collect();
        parts.push(format!("{} (either orientation)", labels.join(" or ")));
    }
    let tol = num(a.tolerance * 100.0);
    format!("{}, ±{tol} %", parts.join(", "))
}

fn aspect_finding(a: &AspectRule, w: u32, h: u32) -> Finding {
    let r = w as f64 / h as f64;
    let label = ratio_label(r);
    let tol = a.tolerance;
    let mut problems = Vec::new();
    if let Some(m) = a.min.as_ref().filter(|m| r < m.value * (1.0 - tol)) {
        problems.push(format!("taller than the brief's minimum {} — crop it wider", m.label));
    }
    if let Some(m) = a.max.as_ref().filter(|m| r > m.value * (1.0 + tol)) {
        problems.push(format!("wider than the brief's maximum {} — crop it narrower", m.label));
    }
    if let Some(list) = &a.allow {
        let fits = |x: f64| (r / x - 1.0).abs() <= tol || (r * x - 1.0).abs() <= tol;
        if !list.iter().any(|x| fits(x.value)) {
            let labels: Vec<&str> = list.iter().map(|x| x.label.as_str()).collect();
            problems.push(format!("not {} — crop to one of those ratios", labels.join(" or ")));
        }
    }
    let expected = Some(aspect_expected(a));
    let short = label.split(' ').next().unwrap_or(&label).to_string();
    if problems.is_empty() {
        finding(
            "resolution.aspect_ratio",
            Verdict::Pass,
            Some(label),
            expected,
            format!("The aspect ratio {short} is accepted."),
        )
    } else {
        finding(
            "resolution.aspect_ratio",
            a.severity.verdict(),
            Some(label.clone()),
            expected,
            format!("The image is {label}, {}.", problems.join("; ")),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;

    #[test]
    fn megapixel_edges() {
        let mut f = Fixture::jpeg(); // 6000 × 4000 = 24 MP
        let out = f.run(r#"{"resolution": {"min_megapixels": 24, "max_megapixels": 24}}"#);
        let r = one(&out, "resolution");
        assert_eq!(r.verdict, Verdict::Pass);
        assert_eq!(r.measured.as_deref(), Some("6000 × 4000 px (24.0 MP)"));
        assert_eq!(r.expected.as_deref(), Some("≥ 24 MP, ≤ 24 MP"));

        f.probe.width = Some(2160);
        f.probe.height = Some(1440); // 3.11 MP
        let out = f.run(r#"{"resolution": {"min_megapixels": 4}}"#);
        let r = one(&out, "resolution");
        assert_eq!(r.verdict, Verdict::Fail);
        assert_eq!(
            r.message,
            "Export at full resolution, without downscaling or heavy cropping; this file is 3.1 MP and the brief needs at least 4 MP."
        );
        let out = f.run(r#"{"resolution": {"min_megapixels": 4, "severity": "warn"}}"#);
        assert_eq!(one(&out, "resolution").verdict, Verdict::Warn);

        let out = f.run(r#"{"resolution": {"max_megapixels": 3}}"#);
        let r = one(&out, "resolution");
        assert_eq!(r.verdict, Verdict::Fail);
        assert!(r.message.starts_with("Downscale on export; this file is 3.1 MP"), "{}", r.message);
    }

    #[test]
    fn rounding_never_hides_a_violation() {
        let mut f = Fixture::jpeg();
        f.probe.width = Some(2449);
        f.probe.height = Some(1633); // 3.999 MP
        let out = f.run(r#"{"resolution": {"min_megapixels": 4}}"#);
        let r = one(&out, "resolution");
        assert_eq!(r.verdict, Verdict::Fail);
        assert!(r.measured.as_deref().unwrap().contains("(3.99 MP)"), "{r:?}");
    }

    #[test]
    fn pixel_limits_and_sides_list_every_violation() {
        let f = Fixture::jpeg();
        let out = f.run(
            r#"{"resolution": {"min_width": 6000, "min_height": 4001, "min_short_side": 5000, "max_long_side": 5000}}"#,
        );
        let r = one(&out, "resolution");
        assert_eq!(r.verdict, Verdict::Fail);
        assert!(r.message.contains("the height is 4000 px and the brief needs at least 4001 px; the short side is 4000 px and the brief needs at least 5000 px."), "{}", r.message);
        assert!(
            r.message.contains("Downscale on export; the long side is 6000 px and the brief accepts at most 5000 px."),
            "{}",
            r.message
        );
        assert!(!r.message.contains("width"), "{}", r.message);
        assert_eq!(
            r.expected.as_deref(),
            Some("width ≥ 6000 px, height ≥ 4001 px, short side ≥ 5000 px, long side ≤ 5000 px")
        );
    }

    #[test]
    fn orientation_uses_displayed_size() {
        let mut f = Fixture::jpeg(); // stored landscape
        let out = f.run(r#"{"resolution": {"orientation": "portrait", "min_width": 5000}}"#);
        assert_eq!(one(&out, "resolution.orientation").verdict, Verdict::Fail);
        assert_eq!(one(&out, "resolution").verdict, Verdict::Pass);
        f.metadata.orientation = Some(6); // displayed rotated: 4000 × 6000
        let out = f.run(r#"{"resolution": {"orientation": "portrait", "min_width": 5000}}"#);
        let o = one(&out, "resolution.orientation");
        assert_eq!(o.verdict, Verdict::Pass);
        assert_eq!(o.measured.as_deref(), Some("portrait (4000 × 6000 px)"));
        let r = one(&out, "resolution");
        assert_eq!(r.verdict, Verdict::Fail, "width is 4000 as displayed");
        assert_eq!(r.measured.as_deref(), Some("4000 × 6000 px (24.0 MP, as displayed)"));
    }

    #[test]
    fn orientation_object_has_its_own_severity() {
        let f = Fixture::jpeg();
        let out =
            f.run(r#"{"resolution": {"min_megapixels": 30, "orientation": {"is": "portrait", "severity": "warn"}}}"#);
        assert_eq!(one(&out, "resolution").verdict, Verdict::Fail);
        let o = one(&out, "resolution.orientation");
        assert_eq!(o.verdict, Verdict::Warn);
        assert!(o.message.starts_with("The photo is landscape but the brief wants portrait photos"), "{}", o.message);
        let out = f.run(r#"{"resolution": {"orientation": "any"}}"#);
        none(&out, "resolution.orientation");
        none(&out, "resolution");
    }

    #[test]
    fn square_within_tolerance() {
        let mut f = Fixture::jpeg();
        f.probe.width = Some(3000);
        f.probe.height = Some(2990);
        let out = f.run(r#"{"resolution": {"orientation": "square"}}"#);
        assert_eq!(one(&out, "resolution.orientation").verdict, Verdict::Pass);
        let out = f.run(r#"{"resolution": {"orientation": "landscape"}}"#);
        assert_eq!(one(&out, "resolution.orientation").verdict, Verdict::Fail);
    }

    #[test]
    fn aspect_ratio_allow_min_max() {
        let mut f = Fixture::jpeg(); // 3:2
        let out = f.run(r#"{"resolution": {"aspect_ratio": {"allow": ["3:2", "4:3"]}}}"#);
        let a = one(&out, "resolution.aspect_ratio");
        assert_eq!(a.verdict, Verdict::Pass);
        assert_eq!(a.measured.as_deref(), Some("3:2 (1.50)"));
        assert_eq!(a.expected.as_deref(), Some("3:2 or 4:3 (either orientation), ±1 %"));

        f.metadata.orientation = Some(8); // 2:3 still matches "3:2"
        let out = f.run(r#"{"resolution": {"aspect_ratio": {"allow": ["3:2"]}}}"#);
        assert_eq!(one(&out, "resolution.aspect_ratio").measured.as_deref(), Some("2:3 (0.67)"));
        assert_eq!(one(&out, "resolution.aspect_ratio").verdict, Verdict::Pass);

        f.metadata.orientation = None;
        f.probe.width = Some(1920);
        f.probe.height = Some(1080);
        let out = f.run(r#"{"resolution": {"aspect_ratio": {"allow": ["3:2", "4:3"], "severity": "warn"}}}"#);
        let a = one(&out, "resolution.aspect_ratio");
        assert_eq!(a.verdict, Verdict::Warn);
        assert_eq!(a.message, "The image is 16:9 (1.78), not 3:2 or 4:3 — crop to one of those ratios.");

        let out = f.run(r#"{"resolution": {"aspect_ratio": {"min": 0.5, "max": "3:2"}}}"#);
        let a = one(&out, "resolution.aspect_ratio");
        assert_eq!(a.verdict, Verdict::Fail);
        assert!(a.message.contains("wider than the brief's maximum 3:2"), "{}", a.message);

        f.probe.width = Some(1000);
        f.probe.height = Some(3100);
        let out = f.run(r#"{"resolution": {"aspect_ratio": {"min": "1:3", "tolerance": 0.05}}}"#);
        assert_eq!(one(&out, "resolution.aspect_ratio").verdict, Verdict::Pass, "within 5 %");
        let out = f.run(r#"{"resolution": {"aspect_ratio": {"min": "1:3"}}}"#);
        assert!(one(&out, "resolution.aspect_ratio").message.contains("taller than the brief's minimum 1:3"));
    }

    #[test]
    fn missing_size_warns_for_every_asked_aspect() {
        let mut f = Fixture::jpeg();
        f.probe.width = None;
        let out =
            f.run(r#"{"resolution": {"min_megapixels": 4, "aspect_ratio": {"max": 3}, "orientation": "portrait"}}"#);
        for id in ["resolution", "resolution.aspect_ratio", "resolution.orientation"] {
            let x = one(&out, id);
            assert_eq!(x.verdict, Verdict::Warn, "{id}");
            assert!(x.message.contains("could not be determined from the header"), "{id}: {}", x.message);
        }
    }

    #[test]
    fn rule_errors() {
        let e = brief_errors(
            r#"{"resolution": {"min_width": 0, "max_height": 1.5, "aspect_ratio": {"min": "3:2", "max": "1:1", "allow": ["3x2"], "tolerance": 2},
                               "orientation": {"is": "portait", "severity": "meh"}}}"#,
        );
        let want = [
            "checks.resolution.min_width: must be between 1 and 1000000, found 0",
            "checks.resolution.max_height: must be a whole number, found 1.5",
            "checks.resolution.aspect_ratio.allow[0]: expected an aspect ratio like \"3:2\"",
            "checks.resolution.aspect_ratio.tolerance: must be between 0 and 0.5",
            "checks.resolution.aspect_ratio.min: 3:2 is wider than max (1:1)",
            "checks.resolution.orientation.severity: unknown value \"meh\"",
            "checks.resolution.orientation.is: unknown value \"portait\"; did you mean \"portrait\"?",
        ];
        for w in want {
            assert!(e.iter().any(|m| m.starts_with(w)), "missing {w:?} in {e:#?}");
        }
        assert_eq!(e.len(), want.len(), "{e:#?}");
        let e = brief_errors(r#"{"resolution": {"orientation": true, "aspect_ratio": {}}}"#);
        assert_eq!(e.len(), 2, "{e:#?}");
        assert!(e[0].starts_with("checks.resolution.aspect_ratio: sets no limit"), "{e:#?}");
        assert!(e[1].starts_with("checks.resolution.orientation: expected \"any\""), "{e:#?}");
    }

    #[test]
    fn ratio_labels() {
        assert_eq!(ratio_label(1.5), "3:2 (1.50)");
        assert_eq!(ratio_label(4.0 / 3.0), "4:3 (1.33)");
        assert_eq!(ratio_label(0.75), "3:4 (0.75)");
        assert_eq!(ratio_label(1.42), "1.42:1 (1.42)");
    }
}
