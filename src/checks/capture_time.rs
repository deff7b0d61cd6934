//! `capture_time`: when the photo was taken (EXIF DateTimeOriginal, local clock time, with
//! OffsetTimeOriginal when the camera recorded it).
//!
//! Rule keys (`checks.capture_time`):
//! - `not_before`, `not_after`: `"YYYY-MM-DD"` or `"YYYY-MM-DDTHH:MM[:SS]"`, no time zone. They
//!   are compared with the photo's *local* clock time as the camera wrote it (no time-zone
//!   conversion: "taken in 2024" means 2024 where the photo was taken). A date-only
//!   `not_after` includes that whole day.
//! - `allow_future` (default `false`): `true` switches the future check off.
//! - `severity` (`fail` | `warn`, default `fail`).
//!
//! Findings:
//! - `capture_time.window` (when `not_before`/`not_after` is set): pass / fail, or warn when
//!   the file has no readable DateTimeOriginal.
//! - `capture_time.future`: a capture time after "now" (from [`Evidence::now_unix_s`]; skipped
//!   when the caller gives no clock). Runs even without a `capture_time` block, at `warn`,
//!   and then only speaks when the time *is* in the future. With a block it is
//!   always reported, at the block's severity. Without OffsetTimeOriginal the time zone is
//!   unknown, so 14 h of slack are allowed (the largest UTC offset is +14:00).

use super::{Evidence, Severity, finding, require_some};
use crate::brief::json::Obj;
use crate::report::{Finding, Verdict};

#[derive(Debug, Clone, PartialEq)]
pub struct Bound {
    /// Seconds since 1970-01-01T00:00:00 on the same naive (time-zone-less) clock.
    pub secs: i64,
    /// As the brief wrote it.
    pub label: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct CaptureTimeRule {
    pub not_before: Option<Bound>,
    pub not_after: Option<Bound>,
    pub allow_future: bool,
    pub severity: Severity,
}

/// Slack when the photo's UTC offset is unknown: local time can be up to 14 h ahead of UTC.
pub const UNKNOWN_OFFSET_SLACK_S: i64 = 14 * 3600;
const DAY: i64 = 86_400;

pub fn parse(o: &mut Obj<'_>) -> CaptureTimeRule {
    let bound = |o: &mut Obj<'_>, key: &'static str, end_of_day: bool| {
        let s = o.str(key)?;
        match parse_datetime(s.trim(), false) {
            Some((secs, has_time)) => {
                let secs = if end_of_day && !has_time { secs + DAY - 1 } else { secs };
                Some(Bound { secs, label: s.trim().to_string() })
            }
            None => {
                o.error(
                    key,
                    format!("\"{s}\" is not a valid date; write \"YYYY-MM-DD\" or \"YYYY-MM-DDTHH:MM:SS\" (local time, no time zone)"),
                );
                None
            }
        }
    };
    let not_before = bound(o, "not_before", false);
    let not_after = bound(o, "not_after", true);
    if let (Some(a), Some(b)) = (&not_before, &not_after)
        && a.secs > b.secs
    {
        o.error("not_before", format!("{} is after not_after ({})", a.label, b.label));
    }
    let allow_future = o.bool("allow_future").unwrap_or(false);
    let any = o.has("not_before") || o.has("not_after") || o.has("allow_future");
    require_some(o, any, "not_before, not_after, allow_future");
    CaptureTimeRule { not_before, not_after, allow_future, severity: Severity::parse(o) }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01 (inverse of [`days_from_civil`]).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

fn digits(s: &str) -> Option<u32> {
    (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok()).flatten()
}

/// `YYYY-MM-DD[(T| )HH:MM[:SS[.frac]]]` → (seconds on a naive clock since 1970-01-01, whether a
/// time was given). With `exif_colons`, the raw EXIF form `YYYY:MM:DD HH:MM:SS` is accepted
/// too. Impossible dates (2023-02-29, month 13, 25:00) are `None`.
pub fn parse_datetime(s: &str, exif_colons: bool) -> Option<(i64, bool)> {
    let date = s.get(..10)?;
    let sep = date.as_bytes()[4];
    if !(sep == b'-' || (exif_colons && sep == b':')) || date.as_bytes()[7] != sep {
        return None;
    }
    let (y, m, d) = (digits(&date[..4])?, digits(&date[5..7])?, digits(&date[8..10])?);
    if !(1..=12).contains(&m) || d < 1 || d > days_in_month(y as i64, m) {
        return None;
    }
    let days = days_from_civil(y as i64, m, d);
    let rest = &s[10..];
    if rest.is_empty() {
        return Some((days * DAY, false));
    }
    let time = rest.strip_prefix('T').or_else(|| rest.strip_prefix(' '))?;
    let (time, frac) = match time.split_once('.') {
        Some((t, f)) => (t, Some(f)),
        None => (time, None),
    };
    if frac.is_some_and(|f| f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    let parts: Vec<&str> = time.split(':').collect();
    let (h, mi, sec) = match parts[..] {
        [h, mi] if frac.is_none() => (digits(h)?, digits(mi)?, 0),
        [h, mi, sec] => (digits(h)?, digits(mi)?, digits(sec)?),
        _ => return None,
    };
    if parts.iter().any(|p| p.len() != 2) || h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    Some((days * DAY + (h * 3600 + mi * 60 + sec) as i64, true))
}

/// `+02:00` / `-05:30` / `Z` → seconds east of UTC.
pub fn parse_offset(s: &str) -> Option<i64> {
    let s = s.trim();
    if s == "Z" {
        return Some(0);
    }
    let sign = match s.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let (h, m) = s[1..].split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m) = (digits(h)? as i64, digits(m)? as i64);
    (h <= 14 && m < 60).then_some(sign * (h * 3600 + m * 60))
}

/// Naive seconds → `2024-05-01 14:03:22`.
pub fn format_secs(secs: i64) -> String {
    let (y, m, d) = civil_from_days(secs.div_euclid(DAY));
    let t = secs.rem_euclid(DAY);
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}", t / 3600, t / 60 % 60, t % 60)
}

impl CaptureTimeRule {
    fn window_label(&self) -> Option<String> {
        match (&self.not_before, &self.not_after) {
            (Some(a), Some(b)) => Some(format!("{} … {}", a.label, b.label)),
            (Some(a), None) => Some(format!("≥ {}", a.label)),
            (None, Some(b)) => Some(format!("≤ {}", b.label)),
            (None, None) => None,
        }
    }
}

pub fn evaluate(rule: Option<&CaptureTimeRule>, ev: &Evidence<'_>, out: &mut Vec<Finding>) {
    let raw = ev.metadata.datetime_original.as_deref();
    let local = raw.and_then(|s| parse_datetime(s.trim(), true)).map(|(secs, _)| secs);
    let offset_raw = ev.metadata.offset_time_original.as_deref();
    let offset = offset_raw.and_then(parse_offset);
    let shown = local.map(|secs| match (offset_raw, offset) {
        (Some(o), Some(_)) => format!("{} {}", format_secs(secs), o.trim()),
        _ => format_secs(secs),
    });
    let unknown = match raw {
        None => "could not be determined from the header: the file has no DateTimeOriginal".to_string(),
        Some(r) => format!("could not be determined from the header: DateTimeOriginal \"{r}\" is not a valid date"),
    };
    let fix_date = "set the camera's date and time, and correct this file's date with your photo software or exiftool";

    let window = rule.and_then(|r| r.window_label().map(|l| (r, l)));
    if let Some((r, label)) = &window {
        out.push(match (local, &shown) {
            (Some(t), Some(shown)) => {
                let early = r.not_before.as_ref().filter(|b| t < b.secs);
                let late = r.not_after.as_ref().filter(|b| t > b.secs);
                let measured = Some(shown.clone());
                match (early, late) {
                    (None, None) => finding("capture_time.window", Verdict::Pass, measured, Some(label.clone()), format!("Taken {shown}, inside the brief's window.")),
                    (side_before, _) => finding(
                        "capture_time.window",
                        r.severity.verdict(),
                        measured,
                        Some(label.clone()),
                        format!(
                            "Taken {shown}, {} the brief's window ({label}); if the camera clock was wrong, {fix_date} — otherwise leave this photo out.",
                            if side_before.is_some() { "before" } else { "after" }
                        ),
                    ),
                }
            }
            _ => finding(
                "capture_time.window",
                Verdict::Warn,
                raw.map(str::to_string),
                Some(label.clone()),
                format!("Capture time {unknown}; your export may strip metadata — enable 'include all metadata' in the export dialog."),
            ),
        });
    }

    // The future check.
    if rule.is_some_and(|r| r.allow_future) {
        return;
    }
    let Some(now) = ev.now_unix_s else { return };
    let verdict = rule.map_or(Verdict::Warn, |r| r.severity.verdict());
    // Deliberately no clock reading in the text: the same file and brief give the same report
    // wherever and whenever it is checked (browser now, server re-check later).
    let expected = Some("not in the future".to_string());
    let (Some(t), Some(shown)) = (local, shown) else {
        // No date, nothing in the future: a pass (a brief that needs the date says so in
        // `exif.required`, and the window finding already warns when it cannot check).
        if rule.is_some() && window.is_none() {
            out.push(finding(
                "capture_time.future",
                Verdict::Pass,
                Some(raw.map_or("no capture time".to_string(), |r| format!("unreadable capture time {r}"))),
                expected,
                "No readable capture time recorded, so it cannot be in the future.",
            ));
        }
        return;
    };
    let (earliest_utc, zone_note) = match offset {
        Some(off) => (t - off, String::new()),
        None => (
            t - UNKNOWN_OFFSET_SLACK_S,
            " (no OffsetTimeOriginal, so the time zone is unknown and 14 h of slack are allowed)".to_string(),
        ),
    };
    if earliest_utc > now {
        out.push(finding(
            "capture_time.future",
            verdict,
            Some(shown.clone()),
            expected,
            format!("Capture time {shown} is in the future{zone_note} — the camera clock is wrong; {fix_date}."),
        ));
    } else if rule.is_some() {
        out.push(finding(
            "capture_time.future",
            Verdict::Pass,
            Some(shown),
            expected,
            format!("The capture time is not in the future{zone_note}."),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;

    #[test]
    fn civil_days_round_trip() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(1969, 12, 31), -1);
        for z in [-800_000, -1, 0, 59, 10_000, 19_782, 2_932_896] {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
        // 2024-02-29T12:00:00Z
        assert_eq!(parse_datetime("2024-02-29T12:00:00", false), Some((1_709_208_000, true)));
        assert_eq!(format_secs(1_709_208_000), "2024-02-29 12:00:00");
    }

    #[test]
    fn datetime_parsing() {
        assert_eq!(parse_datetime("2024-01-02", false), Some((days_from_civil(2024, 1, 2) * DAY, false)));
        assert!(parse_datetime("2024-01-02T03:04:05.25", false).is_some());
        assert!(parse_datetime("2024-01-02 03:04", false).is_some());
        assert!(parse_datetime("2024:01:02 03:04:05", true).is_some());
        for bad in [
            "2024:01:02 03:04:05",
            "2023-02-29",
            "2024-13-01",
            "2024-00-10",
            "2024-01-02T24:00:00",
            "2024-01-02T03:04:05Z",
            "2024-01-02T03:04:05+02:00",
            "2024-1-2",
            "yesterday",
            "2024-01-02T3:04:05",
            "2024-01-02T03:04:05.",
            "",
        ] {
            assert_eq!(parse_datetime(bad, false), None, "{bad}");
        }
        assert_eq!(parse_datetime("0000:00:00 00:00:00", true), None);
        assert_eq!(parse_offset("+02:00"), Some(7200));
        assert_eq!(parse_offset("-05:30"), Some(-19_800));
        assert_eq!(parse_offset("Z"), Some(0));
        assert_eq!(parse_offset("+2"), None);
        assert_eq!(parse_offset("+15:00"), None);
    }

    fn at(local: &str, offset: Option<&str>) -> Fixture {
        let mut f = Fixture::jpeg();
        f.metadata.datetime_original = Some(local.into());
        f.metadata.offset_time_original = offset.map(str::to_string);
        f
    }

    #[test]
    fn window_edges() {
        let rule = r#"{"capture_time": {"not_before": "2020-01-01", "not_after": "2026-12-31"}}"#;
        for (t, v) in [
            ("2020-01-01T00:00:00", Verdict::Pass),
            ("2019-12-31T23:59:59", Verdict::Fail),
            ("2026-12-31T23:59:59.9", Verdict::Pass),
            ("2027-01-01T00:00:00", Verdict::Fail),
        ] {
            let out = at(t, None).run(rule);
            let w = one(&out, "capture_time.window");
            assert_eq!(w.verdict, v, "{t}");
            assert_eq!(w.expected.as_deref(), Some("2020-01-01 … 2026-12-31"));
        }
        let out = at("2019-06-01T10:00:00", Some("+02:00")).run(rule);
        let w = one(&out, "capture_time.window");
        assert_eq!(w.measured.as_deref(), Some("2019-06-01 10:00:00 +02:00"));
        assert!(w.message.starts_with("Taken 2019-06-01 10:00:00 +02:00, before the brief's window (2020-01-01 … 2026-12-31); if the camera clock was wrong"), "{}", w.message);
        let out = at("2027-06-01T10:00:00", None)
            .run(r#"{"capture_time": {"not_after": "2026-12-31T23:59:59", "severity": "warn"}}"#);
        let w = one(&out, "capture_time.window");
        assert_eq!(w.verdict, Verdict::Warn);
        assert!(w.message.contains(", after the brief's window (≤ 2026-12-31T23:59:59)"), "{}", w.message);
    }

    #[test]
    fn window_without_date_warns() {
        let out = Fixture::jpeg().run(r#"{"capture_time": {"not_before": "2020-01-01"}}"#);
        let w = one(&out, "capture_time.window");
        assert_eq!(w.verdict, Verdict::Warn);
        assert!(w.message.contains("could not be determined from the header: the file has no DateTimeOriginal"));
        let out = at("0000:00:00 00:00:00", None).run(r#"{"capture_time": {"not_before": "2020-01-01"}}"#);
        let w = one(&out, "capture_time.window");
        assert_eq!(w.verdict, Verdict::Warn);
        assert!(w.message.contains("\"0000:00:00 00:00:00\" is not a valid date"), "{}", w.message);
    }

    // 2025-06-01T12:00:00Z
    const NOW: i64 = 1_748_779_200;

    #[test]
    fn future_with_offset_is_exact() {
        // 14:30 at +02:00 is 12:30 UTC: 30 minutes in the future.
        let mut f = at("2025-06-01T14:30:00", Some("+02:00"));
        f.now = Some(NOW);
        let out = f.run("{}");
        let x = one(&out, "capture_time.future");
        assert_eq!(x.verdict, Verdict::Warn, "sanity check without a block warns");
        assert!(
            x.message
                .starts_with("Capture time 2025-06-01 14:30:00 +02:00 is in the future — the camera clock is wrong"),
            "{}",
            x.message
        );
        assert_eq!(x.expected.as_deref(), Some("not in the future"));
        let out = f.run(r#"{"capture_time": {"not_before": "2020-01-01"}}"#);
        assert_eq!(one(&out, "capture_time.future").verdict, Verdict::Fail, "with a block: its severity");
        let out = f.run(r#"{"capture_time": {"allow_future": true}}"#);
        none(&out, "capture_time.future");

        // 13:30 at +02:00 is 11:30 UTC: past. No block: silent; with a block: a pass.
        let mut f = at("2025-06-01T13:30:00", Some("+02:00"));
        f.now = Some(NOW);
        none(&f.run("{}"), "capture_time.future");
        let out = f.run(r#"{"capture_time": {"allow_future": false}}"#);
        assert_eq!(one(&out, "capture_time.future").verdict, Verdict::Pass);
    }

    #[test]
    fn future_without_offset_allows_14_hours() {
        let mut f = at("2025-06-02T02:00:00", None); // 14 h ahead of now's UTC clock: could be +14:00
        f.now = Some(NOW);
        let out = f.run(r#"{"capture_time": {"allow_future": false}}"#);
        let x = one(&out, "capture_time.future");
        assert_eq!(x.verdict, Verdict::Pass);
        assert!(
            x.message.contains("no OffsetTimeOriginal, so the time zone is unknown and 14 h of slack are allowed"),
            "{}",
            x.message
        );
        let mut f = at("2025-06-02T02:00:01", None);
        f.now = Some(NOW);
        let out = f.run("{}");
        let x = one(&out, "capture_time.future");
        assert_eq!(x.verdict, Verdict::Warn);
        assert!(x.message.contains("is in the future (no OffsetTimeOriginal"), "{}", x.message);
    }

    #[test]
    fn future_needs_a_clock_and_a_date() {
        let f = at("2099-01-01T00:00:00", None);
        none(&f.run("{}"), "capture_time.future"); // no clock given
        let mut f = Fixture::jpeg();
        f.now = Some(NOW);
        none(&f.run("{}"), "capture_time.future");
        let out = f.run(r#"{"capture_time": {"allow_future": false}}"#);
        assert_eq!(one(&out, "capture_time.future").verdict, Verdict::Pass);
        let out = f.run(r#"{"capture_time": {"not_after": "2030-01-01"}}"#);
        none(&out, "capture_time.future"); // the window already warns about the missing date
        assert_eq!(one(&out, "capture_time.window").verdict, Verdict::Warn);
    }

    #[test]
    fn rule_errors() {
        let e = brief_errors(
            r#"{"capture_time": {"not_before": "2021-01-01", "not_after": "2020-12-31", "allow_future": "no"}}"#,
        );
        assert_eq!(
            e,
            [
                "checks.capture_time.not_before: 2021-01-01 is after not_after (2020-12-31)",
                "checks.capture_time.allow_future: expected true or false, found a string (\"no\")",
            ]
        );
        let e = brief_errors(r#"{"capture_time": {"not_before": "2020-01-01T00:00:00Z"}}"#);
        assert!(e[0].contains("is not a valid date; write \"YYYY-MM-DD\""), "{e:?}");
    }
}
