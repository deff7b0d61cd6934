//! `duplicates`: the same photo twice, and bursts of near-identical frames (buyers want variety).
//!
//! Rule keys (`checks.duplicates`):
//! - `exact` (`fail` | `warn`): files with the same pixels (a hash over every
//!   full-resolution luma sample and the preview's colour; metadata does not count).
//! - `near`: `{ "max_distance": 0–32 (default 10), "max_per_group": n (optional), "severity" }` —
//!   near-identical frames: perceptual hashes within `max_distance` bits of each other (a resized
//!   or re-encoded copy differs by a few bits, a burst frame by a few more; unrelated photos by
//!   ~32), grouped transitively. With `max_per_group`, frames beyond that many per group (in
//!   capture order) get a finding at `severity` (default `warn`); without it groups are only
//!   reported.
//!
//! At least one of `exact`, `near`. Files without a fingerprint (not decodable) are skipped.
//!
//! Findings (per file, only for files in a group): `duplicates.exact` — the first file of a group
//! passes ("has 2 exact copies: …"), the others get the severity ("same pixels as …");
//! `duplicates.near` — pass for the frames within the allowance, severity for the rest.

use super::{Group, Item, Outcome, base, phash::hamming};
use crate::brief::json::Obj;
use crate::checks::Severity;
use crate::report::{Finding, Verdict};

#[derive(Debug, Clone, PartialEq)]
pub struct DuplicatesRule {
    pub exact: Option<Severity>,
    pub near: Option<NearRule>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NearRule {
    pub max_distance: u32,
    pub max_per_group: Option<u32>,
    pub severity: Severity,
}

pub fn parse(o: &mut Obj<'_>) -> DuplicatesRule {
    let exact = o.one_of("exact", &["fail", "warn"]).map(|s| if s == "warn" { Severity::Warn } else { Severity::Fail });
    let near = o.obj("near").map(|mut n| {
        let max_distance = n.int_in("max_distance", 0, 32).unwrap_or(10) as u32;
        let max_per_group = n.int_in("max_per_group", 1, 1_000_000).map(|v| v as u32);
        let severity = match n.one_of("severity", &["fail", "warn"]) {
            Some("fail") => Severity::Fail,
            _ => Severity::Warn,
        };
        n.finish();
        NearRule { max_distance, max_per_group, severity }
    });
    if !o.has("exact") && !o.has("near") {
        o.error("", "asks for nothing; set `exact` and/or `near`");
    }
    DuplicatesRule { exact, near }
}

/// Union–find root.
fn root(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

/// Groups of item indices (size ≥ 2, in input order) where `same(i, j)` links items.
fn groups(n: usize, mut same: impl FnMut(usize, usize) -> bool) -> Vec<Vec<usize>> {
    let mut parent: Vec<usize> = (0..n).collect();
    for i in 0..n {
        for j in i + 1..n {
            if same(i, j) {
                let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                parent[b.max(a)] = a.min(b);
            }
        }
    }
    let mut by_root: std::collections::BTreeMap<usize, Vec<usize>> = Default::default();
    for i in 0..n {
        let r = root(&mut parent, i);
        by_root.entry(r).or_default().push(i);
    }
    by_root.into_values().filter(|g| g.len() > 1).collect()
}

fn names(items: &[Item<'_>], idx: &[usize]) -> String {
    const SHOWN: usize = 5;
    let shown: Vec<&str> = idx.iter().take(SHOWN).map(|&i| base(items[i].file)).collect();
    let more = idx.len().saturating_sub(SHOWN);
    if more > 0 { format!("{} and {more} more", shown.join(", ")) } else { shown.join(", ") }
}

pub fn run(rule: &DuplicatesRule, items: &[Item<'_>], out: &mut Outcome) {
    let fp: Vec<_> = items.iter().map(|i| i.fingerprint).collect();
    if let Some(severity) = rule.exact {
        for g in groups(items.len(), |i, j| matches!((fp[i], fp[j]), (Some(a), Some(b)) if a.pixels == b.pixels)) {
            let first = g[0];
            out.per_file[first].push(Finding::new(
                "duplicates.exact",
                Verdict::Pass,
                Some(format!("{} exact copies", g.len() - 1)),
                Some("no two files with the same pixels".into()),
                format!(
                    "Has {} exact cop{} in the batch: {}.",
                    g.len() - 1,
                    if g.len() == 2 { "y" } else { "ies" },
                    names(items, &g[1..])
                ),
            ));
            for &i in &g[1..] {
                out.per_file[i].push(Finding::new(
                    "duplicates.exact",
                    severity.verdict(),
                    Some(format!("same pixels as {}", base(items[first].file))),
                    Some("no two files with the same pixels".into()),
                    format!(
                        "Same pixels as {} (only the metadata or the file differs); upload one of them.",
                        base(items[first].file)
                    ),
                ));
            }
            out.groups
                .push(Group { kind: "exact".into(), files: g.iter().map(|&i| items[i].file.to_string()).collect() });
        }
    }
    let Some(near) = &rule.near else { return };
    let linked = |i: usize, j: usize| match (fp[i], fp[j]) {
        (Some(a), Some(b)) => hamming(a.phash, b.phash) <= near.max_distance,
        _ => false,
    };
    for mut g in groups(items.len(), linked) {
        // Capture order (then name) decides which frames are "the first n".
        g.sort_by(|&a, &b| {
            let t = |i: usize| items[i].metadata.datetime_original.clone().unwrap_or_default();
            t(a).cmp(&t(b)).then_with(|| items[a].file.cmp(items[b].file))
        });
        let allowed = near.max_per_group.map_or(g.len(), |m| m as usize);
        let expected = near.max_per_group.map(|m| format!("≤ {m} near-identical frames per group"));
        for (rank, &i) in g.iter().enumerate() {
            let others: Vec<usize> = g.iter().copied().filter(|&j| j != i).collect();
            let closest = others
                .iter()
                .filter_map(|&j| Some((hamming(fp[i]?.phash, fp[j]?.phash), j)))
                .min()
                .map(|(d, j)| format!("{} ({d} of 64 bits differ)", base(items[j].file)))
                .unwrap_or_default();
            let (verdict, message) = if rank < allowed {
                (
                    Verdict::Pass,
                    format!(
                        "One of {} near-identical frames ({}); closest: {closest}.",
                        g.len(),
                        names(items, &others)
                    ),
                )
            } else {
                (
                    near.severity.verdict(),
                    format!(
                        "Frame {} of {} near-identical frames (closest: {closest}); the brief allows {allowed}: drop this one or another of the burst.",
                        rank + 1,
                        g.len()
                    ),
                )
            };
            out.per_file[i].push(Finding::new(
                "duplicates.near",
                verdict,
                Some(format!("{} near-identical frames", g.len())),
                expected.clone(),
                message,
            ));
        }
        out.groups.push(Group { kind: "near".into(), files: g.iter().map(|&i| items[i].file.to_string()).collect() });
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Fingerprint, ThumbB64, overlap::Thumb};
    use super::*;
    use crate::metadata::Metadata;

    fn fp(pixels: u64, phash: u64) -> Fingerprint {
        Fingerprint { pixels, phash, thumb: ThumbB64(Thumb { w: 1, h: 1, px: vec![0] }), checkerboard: false }
    }

    #[test]
    fn exact_and_near_groups() {
        let m = Metadata::default();
        let fps = [fp(1, 0), fp(2, 0b1), fp(1, 0), fp(3, u64::MAX), fp(4, 0b111)];
        let names = ["a.jpg", "b.jpg", "c.jpg", "d.jpg", "e.jpg"];
        let items: Vec<Item<'_>> =
            names.iter().zip(&fps).map(|(f, p)| Item { file: f, metadata: &m, fingerprint: Some(p) }).collect();
        let rule = DuplicatesRule {
            exact: Some(Severity::Fail),
            near: Some(NearRule { max_distance: 3, max_per_group: Some(2), severity: Severity::Warn }),
        };
        let mut out = Outcome { per_file: vec![vec![]; 5], overlap_percent: vec![None; 5], ..Default::default() };
        run(&rule, &items, &mut out);
        assert_eq!(out.groups[0], Group { kind: "exact".into(), files: vec!["a.jpg".into(), "c.jpg".into()] });
        assert_eq!(out.groups[1].files, vec!["a.jpg", "b.jpg", "c.jpg", "e.jpg"]);
        let v = |i: usize, id: &str| out.per_file[i].iter().find(|f| f.check == id).map(|f| f.verdict);
        assert_eq!(v(0, "duplicates.exact"), Some(Verdict::Pass));
        assert_eq!(v(2, "duplicates.exact"), Some(Verdict::Fail));
        assert_eq!(v(0, "duplicates.near"), Some(Verdict::Pass));
        assert_eq!(v(1, "duplicates.near"), Some(Verdict::Pass));
        assert_eq!(v(2, "duplicates.near"), Some(Verdict::Warn));
        assert_eq!(v(4, "duplicates.near"), Some(Verdict::Warn));
        assert!(out.per_file[3].is_empty());
    }
}
