//! `series`: a batch shot as one series (photogrammetry, lens calibration, a product turntable)
//! must keep its settings, overlap frame to frame, and may need a calibration frame.
//!
//! Rule keys (`checks.series`), at least one of the first four:
//! - `same`: properties every frame must share — any of `camera` (make + model), `lens`,
//!   `focal_length`, `aperture`, `exposure_time`, `iso`, `white_balance` (EXIF auto/manual). The
//!   series' value is the most common one; a frame with another value gets the severity, a frame
//!   without the tag a `warn`.
//! - `iso_max_ratio` (≥ 1): a frame's ISO may differ from the series' median ISO by at most this
//!   factor either way (2 = one stop).
//! - `overlap`: `{ "min_percent": 0–100, "max_percent": 0–100 }` (either or both) — the share of
//!   each frame's area it has in common with the previous frame, estimated by phase correlation
//!   of thumbnails ([`super::overlap`]). Below the minimum: the severity (a gap in the scan);
//!   above the maximum: `warn` (frames too close to add information).
//! - `calibration_frame: true`: at least one frame shows a calibration checkerboard
//!   ([`super::checkerboard`]); such frames are left out of the overlap chain.
//! - `order` (`capture_time` | `name`, default `capture_time`): the order of the frames for the
//!   overlap chain (frames without a capture time go last, by name).
//! - `severity` (`fail` | `warn`, default `fail`).
//!
//! Findings: `series.<property>` per frame per `same` property; `series.iso`; `series.overlap`
//! per frame after the first (with the percentage); `series.calibration` for the batch.

use super::overlap::{shift_spectra, spectrum};
use super::{Item, Outcome, base};
use crate::brief::json::{Obj, choose};
use crate::checks::{Severity, num};
use crate::report::{Finding, Verdict};

pub const PROPERTIES: &[&str] =
    &["camera", "lens", "focal_length", "aperture", "exposure_time", "iso", "white_balance"];

#[derive(Debug, Clone, PartialEq)]
pub struct SeriesRule {
    pub same: Vec<&'static str>,
    pub iso_max_ratio: Option<f64>,
    pub overlap: Option<(Option<f64>, Option<f64>)>,
    pub calibration_frame: bool,
    pub order_by_name: bool,
    pub severity: Severity,
}

pub fn parse(o: &mut Obj<'_>) -> SeriesRule {
    let same = o.list("same", |path, v, errs| {
        let s = crate::brief::json::string_item(path, v, errs)?;
        choose(s, PROPERTIES, path, errs)
    });
    let iso_max_ratio = o.number("iso_max_ratio");
    if iso_max_ratio.is_some_and(|r| r < 1.0) {
        o.error("iso_max_ratio", "must be at least 1 (1 = every frame at the median ISO)");
    }
    let overlap = o.obj("overlap").map(|mut b| {
        let mut pct = |k: &'static str| {
            let v = b.number(k)?;
            if !(0.0..=100.0).contains(&v) {
                b.error(k, format!("must be a percentage 0–100, found {}", num(v)));
                return None;
            }
            Some(v)
        };
        let (lo, hi) = (pct("min_percent"), pct("max_percent"));
        if let (Some(l), Some(h)) = (lo, hi)
            && l > h
        {
            b.error("min_percent", format!("min_percent ({}) is above max_percent ({})", num(l), num(h)));
        }
        if !b.has("min_percent") && !b.has("max_percent") {
            b.error("", "set min_percent and/or max_percent");
        }
        b.finish();
        (lo, hi)
    });
    let calibration_frame = o.bool("calibration_frame").unwrap_or(false);
    let order_by_name = o.one_of("order", &["capture_time", "name"]) == Some("name");
    if !(o.has("same") || o.has("iso_max_ratio") || o.has("overlap") || calibration_frame) {
        o.error("", "asks for nothing; set same, iso_max_ratio, overlap or calibration_frame: true");
    }
    SeriesRule {
        same: same.unwrap_or_default(),
        iso_max_ratio,
        overlap,
        calibration_frame,
        order_by_name,
        severity: Severity::parse(o),
    }
}

/// A property's value for one frame, as text (for comparison and messages).
fn value(item: &Item<'_>, prop: &str) -> Option<String> {
    let m = item.metadata;
    match prop {
        "camera" => match (&m.make, &m.model) {
            (None, None) => None,
            (a, b) => Some(format!("{} {}", a.as_deref().unwrap_or(""), b.as_deref().unwrap_or("")).trim().to_string()),
        },
        "lens" => m.lens_model.clone(),
        "focal_length" => m.focal_length_mm.map(|v| format!("{} mm", num(v))),
        "aperture" => m.f_number.map(|v| format!("f/{}", num(v))),
        "exposure_time" => m
            .exposure_time_s
            .map(|v| if v < 1.0 { format!("1/{}", num((1.0 / v).round())) } else { format!("{} s", num(v)) }),
        "iso" => m.iso.map(|v| format!("ISO {v}")),
        "white_balance" => m.white_balance.map(|v| if v == 0 { "auto".into() } else { "manual".into() }),
        _ => None,
    }
}

fn label(prop: &str) -> &str {
    match prop {
        "focal_length" => "focal length",
        "exposure_time" => "exposure time",
        "white_balance" => "white balance",
        p => p,
    }
}

pub fn run(rule: &SeriesRule, items: &[Item<'_>], out: &mut Outcome) {
    let sev = rule.severity.verdict();
    for &prop in &rule.same {
        let values: Vec<Option<String>> = items.iter().map(|i| value(i, prop)).collect();
        // The most common value (ties: the one seen first).
        let mut counts: Vec<(&String, usize)> = Vec::new();
        for v in values.iter().flatten() {
            match counts.iter_mut().find(|(k, _)| *k == v) {
                Some(c) => c.1 += 1,
                None => counts.push((v, 1)),
            }
        }
        let Some(&(mode, n)) = counts.iter().max_by(|a, b| a.1.cmp(&b.1).then(std::cmp::Ordering::Greater)) else {
            continue;
        };
        let id = format!("series.{prop}");
        let expected = Some(format!("{mode} (as {n} of {} frames)", items.len()));
        for (i, v) in values.iter().enumerate() {
            let f = match v {
                Some(v) if v == mode => Finding::new(
                    &id,
                    Verdict::Pass,
                    Some(v.clone()),
                    expected.clone(),
                    format!("Same {} as the series.", label(prop)),
                ),
                Some(v) => Finding::new(
                    &id,
                    sev,
                    Some(v.clone()),
                    expected.clone(),
                    format!(
                        "{} is {v}, the series uses {mode}: reshoot this frame with the series' settings.",
                        capital(label(prop))
                    ),
                ),
                None => Finding::new(
                    &id,
                    Verdict::Warn,
                    None,
                    expected.clone(),
                    format!("No {} in the metadata; the series uses {mode}.", label(prop)),
                ),
            };
            out.per_file[i].push(f);
        }
    }
    if let Some(ratio) = rule.iso_max_ratio {
        let mut isos: Vec<u32> = items.iter().filter_map(|i| i.metadata.iso).collect();
        isos.sort_unstable();
        if let Some(&median) = isos.get(isos.len() / 2) {
            let expected = Some(format!("within ×{} of ISO {median} (the series' median)", num(ratio)));
            for (i, item) in items.iter().enumerate() {
                let f = match item.metadata.iso {
                    Some(iso) => {
                        let off = (iso as f64 / median as f64).max(median as f64 / iso as f64);
                        let verdict = if off <= ratio + 1e-9 { Verdict::Pass } else { sev };
                        Finding::new(
                            "series.iso",
                            verdict,
                            Some(format!("ISO {iso}")),
                            expected.clone(),
                            if verdict == Verdict::Pass {
                                "ISO within the series' range.".to_string()
                            } else {
                                format!(
                                    "ISO {iso} is ×{} from the series' ISO {median}: noise and detail will differ.",
                                    num((off * 10.0).round() / 10.0)
                                )
                            },
                        )
                    }
                    None => {
                        Finding::new("series.iso", Verdict::Warn, None, expected.clone(), "No ISO in the metadata.")
                    }
                };
                out.per_file[i].push(f);
            }
        }
    }
    let calib: Vec<usize> =
        (0..items.len()).filter(|&i| items[i].fingerprint.is_some_and(|f| f.checkerboard)).collect();
    if rule.calibration_frame {
        out.batch.push(if calib.is_empty() {
            Finding::new(
                "series.calibration",
                sev,
                Some("no checkerboard found".into()),
                Some("a calibration checkerboard frame".into()),
                format!("None of the {} frames shows a calibration checkerboard: add a frame of the board, shot with the series' lens settings.", items.len()),
            )
        } else {
            let names: Vec<&str> = calib.iter().map(|&i| base(items[i].file)).collect();
            Finding::new("series.calibration", Verdict::Pass, Some(format!("checkerboard in {}", names.join(", "))), Some("a calibration checkerboard frame".into()), "The batch has a calibration frame.")
        });
    }
    if let Some((lo, hi)) = rule.overlap {
        // The scan: every frame but calibration frames (when the brief asks for them), in order.
        let mut chain: Vec<usize> =
            (0..items.len()).filter(|i| !(rule.calibration_frame && calib.contains(i))).collect();
        if rule.order_by_name {
            chain.sort_by(|&a, &b| items[a].file.cmp(items[b].file));
        } else {
            chain.sort_by(|&a, &b| {
                let t = |i: usize| items[i].metadata.datetime_original.clone();
                match (t(a), t(b)) {
                    (Some(x), Some(y)) => x.cmp(&y).then_with(|| items[a].file.cmp(items[b].file)),
                    (Some(_), None) => std::cmp::Ordering::Less,
                    (None, Some(_)) => std::cmp::Ordering::Greater,
                    (None, None) => items[a].file.cmp(items[b].file),
                }
            });
        }
        let expected = Some(match (lo, hi) {
            (Some(l), Some(h)) => format!("{}–{} % shared with the previous frame", num(l), num(h)),
            (Some(l), None) => format!("≥ {} % shared with the previous frame", num(l)),
            (None, Some(h)) => format!("≤ {} % shared with the previous frame", num(h)),
            (None, None) => String::new(),
        });
        // Each frame's spectrum once (it is compared with the frame before and after it).
        let spectra: Vec<Option<Vec<_>>> =
            chain.iter().map(|&i| items[i].fingerprint.map(|f| spectrum(&f.thumb.0))).collect();
        for (k, w) in chain.windows(2).enumerate() {
            let (p, i) = (w[0], w[1]);
            let prev = base(items[p].file);
            let pct = match (items[p].fingerprint, items[i].fingerprint, &spectra[k], &spectra[k + 1]) {
                (Some(a), Some(b), Some(fa), Some(fb)) => {
                    shift_spectra(&a.thumb.0, fa, &b.thumb.0, fb).map(|s| (s.overlap() as f64 * 100.0).round())
                }
                _ => None,
            };
            out.overlap_percent[i] = pct;
            let f = match pct {
                None => Finding::new(
                    "series.overlap",
                    Verdict::Warn,
                    None,
                    expected.clone(),
                    format!(
                        "Overlap with {prev} could not be estimated (a frame of another shape or size, or not decoded)."
                    ),
                ),
                Some(v) if lo.is_some_and(|l| v < l) => Finding::new(
                    "series.overlap",
                    sev,
                    Some(format!("{} % with {prev}", num(v))),
                    expected.clone(),
                    format!(
                        "Only {} % in common with the previous frame {prev}: a gap in the scan; add frames between them.",
                        num(v)
                    ),
                ),
                Some(v) if hi.is_some_and(|h| v > h) => Finding::new(
                    "series.overlap",
                    Verdict::Warn,
                    Some(format!("{} % with {prev}", num(v))),
                    expected.clone(),
                    format!(
                        "{} % in common with the previous frame {prev}: almost the same view; this frame adds little.",
                        num(v)
                    ),
                ),
                Some(v) => Finding::new(
                    "series.overlap",
                    Verdict::Pass,
                    Some(format!("{} % with {prev}", num(v))),
                    expected.clone(),
                    "Overlaps the previous frame as the brief asks.",
                ),
            };
            out.per_file[i].push(f);
        }
    }
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}
