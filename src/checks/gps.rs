//! `gps`: where the photo was taken (EXIF GPSLatitude/GPSLongitude, decimal degrees).
//!
//! Rule keys (`checks.gps`), at least one needed:
//! - `bounds`: `{ "south", "west", "north", "east" }`, all four required, in decimal degrees
//!   (south/west negative). `south ≤ north`. `west > east` is allowed and means the box
//!   crosses the 180° meridian. Edges are inclusive.
//! - `reject_null_island` (default `true`): flag a position of exactly 0, 0.
//! - `severity` (`fail` | `warn`, default `fail`).
//!
//! Requiring that a position *exists* is `exif.required: ["GPSLatitude", "GPSLongitude"]`.
//!
//! Findings:
//! - `gps.bounds` (when `bounds` is set): pass / fail, or warn when the file has no position.
//! - `gps.null_island`: a position of exactly 0, 0 — almost certainly a camera with no fix.
//!   Runs even without a `gps` block, at `warn`, and then only speaks when it finds 0, 0.
//!   With a block it is always reported (pass included), at the block's severity.

use super::{Evidence, Severity, finding, num, require_some};
use crate::brief::json::Obj;
use crate::metadata::Gps;
use crate::report::{Finding, Verdict};

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    pub south: f64,
    pub west: f64,
    pub north: f64,
    pub east: f64,
}

impl Bounds {
    pub fn contains(&self, lat: f64, lon: f64) -> bool {
        let lon_ok = if self.west <= self.east {
            lon >= self.west && lon <= self.east
        } else {
            lon >= self.west || lon <= self.east
        };
        lat >= self.south && lat <= self.north && lon_ok
    }

    fn label(&self) -> String {
        format!("lat {} … {}, lon {} … {}", num(self.south), num(self.north), num(self.west), num(self.east))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct GpsRule {
    pub bounds: Option<Bounds>,
    pub reject_null_island: bool,
    pub severity: Severity,
}

pub fn parse(o: &mut Obj<'_>) -> GpsRule {
    let bounds = o.obj("bounds").and_then(|mut b| {
        let mut edge = |k: &'static str, limit: f64| {
            if !b.has(k) {
                b.error(k, "missing; bounds need south, west, north and east");
                return None;
            }
            let x = b.number(k)?;
            if x.abs() > limit {
                b.error(k, format!("must be between -{limit} and {limit}, found {}", num(x)));
                return None;
            }
            Some(x)
        };
        let (south, west, north, east) =
            (edge("south", 90.0), edge("west", 180.0), edge("north", 90.0), edge("east", 180.0));
        if let (Some(s), Some(n)) = (south, north)
            && s > n
        {
            b.error("south", format!("south ({}) is greater than north ({})", num(s), num(n)));
        }
        b.finish();
        Some(Bounds { south: south?, west: west?, north: north?, east: east? })
    });
    let reject_null_island = o.bool("reject_null_island").unwrap_or(true);
    let any = o.has("bounds") || o.has("reject_null_island");
    require_some(o, any, "bounds, reject_null_island");
    GpsRule { bounds, reject_null_island, severity: Severity::parse(o) }
}

/// `48.85660° N, 2.35220° E`.
pub(crate) fn position_label(g: &Gps) -> String {
    let ns = if g.lat < 0.0 { 'S' } else { 'N' };
    let ew = if g.lon < 0.0 { 'W' } else { 'E' };
    format!("{:.5}° {ns}, {:.5}° {ew}", g.lat.abs(), g.lon.abs())
}

const NO_GPS: &str = "could not be determined from the header: the file has no GPS position; turn on location tagging in the camera or phone (or geotag from a GPS track), and make sure your export keeps metadata";

pub fn evaluate(rule: Option<&GpsRule>, ev: &Evidence<'_>, out: &mut Vec<Finding>) {
    let gps = ev.metadata.gps.filter(|g| g.lat.is_finite() && g.lon.is_finite());
    let bounds = rule.and_then(|r| r.bounds);
    if let (Some(r), Some(b)) = (rule, bounds) {
        let expected = Some(b.label());
        out.push(match gps {
            None => finding("gps.bounds", Verdict::Warn, None, expected, format!("GPS position {NO_GPS}.")),
            Some(g) if b.contains(g.lat, g.lon) => finding(
                "gps.bounds",
                Verdict::Pass,
                Some(position_label(&g)),
                expected,
                "Taken inside the brief's region.",
            ),
            Some(g) => finding(
                "gps.bounds",
                r.severity.verdict(),
                Some(position_label(&g)),
                expected,
                format!(
                    "Taken at {}, outside the brief's region ({}); if the position is wrong, check the camera's GPS — otherwise leave this photo out.",
                    position_label(&g),
                    b.label()
                ),
            ),
        });
    }

    if !rule.is_none_or(|r| r.reject_null_island) {
        return;
    }
    let verdict = rule.map_or(Verdict::Warn, |r| r.severity.verdict());
    let expected = Some("not 0°, 0°".to_string());
    match gps {
        None => {
            // No position, no placeholder: a pass (a brief that needs GPS says so in
            // `exif.required`, and `gps.bounds` already warns when it cannot check the region).
            if rule.is_some() && bounds.is_none() {
                out.push(finding(
                    "gps.null_island",
                    Verdict::Pass,
                    Some("no GPS position".into()),
                    expected,
                    "No GPS position recorded, so there is no 0, 0 placeholder either.",
                ))
            }
        }
        Some(g) if g.lat == 0.0 && g.lon == 0.0 => out.push(finding(
            "gps.null_island",
            verdict,
            Some(position_label(&g)),
            expected,
            "GPS says 0°, 0° (\"null island\", in the Atlantic off West Africa): almost certainly a camera without a GPS fix; remove the bogus position or geotag the photo correctly.",
        )),
        Some(g) => {
            if rule.is_some() {
                out.push(finding(
                    "gps.null_island",
                    Verdict::Pass,
                    Some(position_label(&g)),
                    expected,
                    "The GPS position is not the 0, 0 placeholder.",
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;

    const DACH: &str = r#"{"gps": {"bounds": {"south": 47.2, "west": 5.8, "north": 55.1, "east": 15.1}}}"#;

    fn at(lat: f64, lon: f64) -> Fixture {
        let mut f = Fixture::jpeg();
        f.metadata.gps = Some(Gps { lat, lon, alt: None });
        f
    }

    #[test]
    fn bounds_inside_outside_and_edges() {
        let out = at(52.52, 13.405).run(DACH);
        let b = one(&out, "gps.bounds");
        assert_eq!((b.verdict, b.measured.as_deref()), (Verdict::Pass, Some("52.52000° N, 13.40500° E")));
        assert_eq!(b.expected.as_deref(), Some("lat 47.2 … 55.1, lon 5.8 … 15.1"));
        assert_eq!(one(&out, "gps.null_island").verdict, Verdict::Pass);
        assert_eq!(one(&at(47.2, 15.1).run(DACH), "gps.bounds").verdict, Verdict::Pass, "edges are inclusive");

        let out = at(48.8566, 2.3522).run(DACH);
        let b = one(&out, "gps.bounds");
        assert_eq!(b.verdict, Verdict::Fail);
        assert!(
            b.message.starts_with("Taken at 48.85660° N, 2.35220° E, outside the brief's region (lat 47.2 … 55.1"),
            "{}",
            b.message
        );
        let out = at(-33.9, -70.6).run(
            r#"{"gps": {"bounds": {"south": 47.2, "west": 5.8, "north": 55.1, "east": 15.1}, "severity": "warn"}}"#,
        );
        let b = one(&out, "gps.bounds");
        assert_eq!((b.verdict, b.measured.as_deref()), (Verdict::Warn, Some("33.90000° S, 70.60000° W")));
    }

    #[test]
    fn bounds_across_the_antimeridian() {
        let fiji = r#"{"gps": {"bounds": {"south": -21, "west": 176, "north": -12, "east": -178}}}"#;
        assert_eq!(one(&at(-18.1, 178.4).run(fiji), "gps.bounds").verdict, Verdict::Pass);
        assert_eq!(one(&at(-17.0, -179.5).run(fiji), "gps.bounds").verdict, Verdict::Pass);
        assert_eq!(one(&at(-18.1, 170.0).run(fiji), "gps.bounds").verdict, Verdict::Fail);
    }

    #[test]
    fn missing_position_warns_once() {
        let out = Fixture::jpeg().run(DACH);
        let b = one(&out, "gps.bounds");
        assert_eq!(b.verdict, Verdict::Warn);
        assert!(b.message.contains("could not be determined from the header: the file has no GPS position"));
        none(&out, "gps.null_island");
        let out = Fixture::jpeg().run(r#"{"gps": {"reject_null_island": true}}"#);
        assert_eq!(one(&out, "gps.null_island").verdict, Verdict::Pass);
        none(&Fixture::jpeg().run("{}"), "gps.null_island");
    }

    #[test]
    fn null_island() {
        let f = at(0.0, 0.0);
        let out = f.run("{}");
        let n = one(&out, "gps.null_island");
        assert_eq!(n.verdict, Verdict::Warn, "sanity check without a block warns");
        assert!(n.message.contains("\"null island\""), "{}", n.message);
        assert_eq!(one(&f.run(r#"{"gps": {"reject_null_island": true}}"#), "gps.null_island").verdict, Verdict::Fail);
        none(&f.run(r#"{"gps": {"reject_null_island": false}}"#), "gps.null_island");
        none(&at(0.0, 0.0001).run("{}"), "gps.null_island");
        let out = f.run(DACH);
        assert_eq!(one(&out, "gps.null_island").verdict, Verdict::Fail);
        assert_eq!(one(&out, "gps.bounds").verdict, Verdict::Fail);
    }

    #[test]
    fn rule_errors() {
        let e = brief_errors(r#"{"gps": {"bounds": {"south": -91, "north": 10, "west": 0}, "reject_null_island": 1}}"#);
        assert_eq!(
            e,
            [
                "checks.gps.bounds.south: must be between -90 and 90, found -91",
                "checks.gps.bounds.east: missing; bounds need south, west, north and east",
                "checks.gps.reject_null_island: expected true or false, found the number 1",
            ]
        );
        let e = brief_errors(r#"{"gps": {"bounds": {"south": 10, "north": 0, "west": 0, "east": 1, "nort": 3}}}"#);
        assert_eq!(
            e,
            [
                "checks.gps.bounds.south: south (10) is greater than north (0)",
                "checks.gps.bounds.nort: unknown key `nort`; did you mean `north`?",
            ]
        );
    }
}
