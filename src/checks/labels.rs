//! `labels`: the keywords a buyer trains on — required roots, minimum depth, a taxonomy — and
//! the always-on `metadata.consistency` sanity check (EXIF / XMP / IPTC disagreeing).
//!
//! # What a label is
//! Every entry of [`Metadata::hierarchical_keywords`] (Lightroom's `lr:hierarchicalSubject`) and
//! of [`Metadata::keywords`] (XMP `dc:subject` ∪ IPTC Keywords) is a label. A label is a *path*:
//! it is split at `>` and at `|` (both understood, also mixed), segments trimmed, empty ones
//! dropped — `animal > mammal > feline > domestic cat` and `animal|mammal|feline|domestic cat`
//! are the same label, of depth 4. Segments compare case-insensitively with runs of white space
//! as one space. A label without a separator is *flat* (depth 1).
//!
//! Two kinds of entries are bookkeeping that Lightroom, Bridge and Capture One write on export,
//! and are treated as such:
//! - a flat keyword that is also a segment of one of the file's paths (`Turkey` beside
//!   `Europe|Turkey`) is that path's *flattened copy*: it is not checked on its own;
//! - a path that is a prefix of another of the file's paths (`Europe` beside `Europe|Turkey`)
//!   is an *ancestor*: it is not depth-checked.
//!
//! Rule keys (`checks.labels`), at least one of the first three:
//! - `required_roots`: list of roots (a root may itself be a path, `"scene > outdoor"`). Each
//!   needs at least one label strictly under it (`weather > clear`; `weather` alone says nothing).
//! - `min_depth` (1–32): every hierarchical label that is not an ancestor must have at least this
//!   many segments. Flat keywords are free keywords and are not depth-checked, but a file whose
//!   labels are all flat fails (its deepest label has depth 1).
//! - `taxonomy`: the allowed vocabulary, inline — a JSON tree (`{"weather": {"clear": {},
//!   "rain": ["drizzle", "storm"]}}`: an object's keys are children, `{}` is a leaf, a list holds
//!   leaf names or relative paths) or a list of path strings (`["weather > clear", "weather |
//!   rain"]`, every prefix is allowed too). A path label must follow the tree from a root and may
//!   stop at any node; a flat keyword must name some node (that is how the leaf of a path is
//!   exported flat). At most [`MAX_TAXONOMY_NODES`] nodes, depth ≤ 32.
//! - `severity` (`fail` | `warn`, default `fail`).
//!
//! Findings: `labels.present` (always with the block: no keywords at all → fail, and then nothing
//! else is measured), `labels.roots`, `labels.depth`, `labels.taxonomy` — pass or fail/warn
//! naming the missing, too shallow or off-taxonomy labels with a fix.
//!
//! `metadata.consistency` (warn, without any brief block, only when it finds something): the
//! capture time in EXIF DateTimeOriginal, XMP `exif:DateTimeOriginal` / `photoshop:DateCreated`
//! and IPTC 2:55/2:60 disagree, or XMP `dc:subject` and IPTC Keywords are both present and differ
//! as sets. Times are compared at the precision both carry (a date alone is compared as a date;
//! sub-seconds are ignored) as local clock times; a missing offset is allowed; two different
//! offsets agree only when they name the same instant.

use std::collections::HashSet;

use super::{Evidence, Severity, finding, require_some};
use crate::brief::json::{Errors, Json, Obj, suggest};
use crate::metadata::Metadata;
use crate::report::{Finding, Verdict};

/// Largest inline taxonomy.
pub const MAX_TAXONOMY_NODES: usize = 100_000;
const MAX_DEPTH: usize = 32;
/// Labels named in one message before "and N more".
const NAMED: usize = 8;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct LabelsRule {
    /// Each root as path segments, spelled as the brief wrote them.
    pub required_roots: Vec<Vec<String>>,
    pub min_depth: Option<usize>,
    pub taxonomy: Option<Taxonomy>,
    pub severity: Severity,
}

/// A tree of allowed terms.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Taxonomy {
    roots: Vec<Node>,
    count: usize,
}

#[derive(Debug, Clone, PartialEq)]
struct Node {
    name: String,
    key: String,
    children: Vec<Node>,
}

/// A segment's comparison key: lower case, white space runs as one space.
fn key(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// `a > b|c` → `["a", "b", "c"]`.
pub fn split(label: &str) -> Vec<String> {
    label.split(['>', '|']).map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect()
}

/// `["a", "b"]` → `a > b`.
fn show(segs: &[String]) -> String {
    segs.join(" > ")
}

impl Taxonomy {
    /// Adds a path (merging with what is there). `false` when the node limit is reached.
    fn insert(&mut self, segs: &[String]) -> bool {
        let mut level = &mut self.roots;
        for s in segs {
            let k = key(s);
            let i = match level.iter().position(|n| n.key == k) {
                Some(i) => i,
                None => {
                    if self.count >= MAX_TAXONOMY_NODES {
                        return false;
                    }
                    self.count += 1;
                    level.push(Node { name: s.clone(), key: k, children: Vec::new() });
                    level.len() - 1
                }
            };
            level = &mut level[i].children;
        }
        true
    }

    /// The nodes along `keys` from a root, as far as they match.
    fn walk(&self, keys: &[String]) -> Vec<&Node> {
        let mut out = Vec::new();
        let mut level = &self.roots;
        for k in keys {
            let Some(n) = level.iter().find(|n| &n.key == k) else { break };
            out.push(n);
            level = &n.children;
        }
        out
    }

    fn children(&self, keys: &[String]) -> &[Node] {
        if keys.is_empty() {
            return &self.roots;
        }
        let path = self.walk(keys);
        if path.len() == keys.len() { &path[path.len() - 1].children } else { &[] }
    }

    fn contains(&self, keys: &[String]) -> bool {
        self.walk(keys).len() == keys.len()
    }

    /// Whether any node anywhere has this key.
    fn names(&self, k: &str) -> bool {
        fn any(nodes: &[Node], k: &str) -> bool {
            nodes.iter().any(|n| n.key == k || any(&n.children, k))
        }
        any(&self.roots, k)
    }

    /// Every term's name (for suggestions), at most [`MAX_TAXONOMY_NODES`].
    fn all_names(&self) -> Vec<&str> {
        fn walk<'n>(nodes: &'n [Node], out: &mut Vec<&'n str>) {
            for n in nodes {
                out.push(&n.name);
                walk(&n.children, out);
            }
        }
        let mut out = Vec::new();
        walk(&self.roots, &mut out);
        out
    }

    /// The taxonomy path (spelled as the brief has it) of the first node named `k` under `under`.
    fn find_under(&self, under: &[String], k: &str) -> Option<Vec<String>> {
        fn find(nodes: &[Node], k: &str, path: &mut Vec<String>) -> bool {
            for n in nodes {
                path.push(n.name.clone());
                if n.key == k || find(&n.children, k, path) {
                    return true;
                }
                path.pop();
            }
            false
        }
        let mut path: Vec<String> = self.walk(under).iter().map(|n| n.name.clone()).collect();
        find(self.children(under), k, &mut path).then_some(path)
    }
}

fn root_item(path: &str, v: &Json, errs: &Errors) -> Option<Vec<String>> {
    let s = crate::brief::json::string_item(path, v, errs)?;
    let segs = split(s);
    if segs.is_empty() {
        errs.add(path, "must name a root, e.g. \"weather\"");
        return None;
    }
    Some(segs)
}

/// Reads the `taxonomy` value: a tree object or a list of path strings.
fn parse_taxonomy(v: &Json, path: &str, errs: &Errors) -> Option<Taxonomy> {
    let mut t = Taxonomy::default();
    let mut full = false;
    match v {
        Json::Array(items) if !items.is_empty() => {
            for (i, item) in items.iter().enumerate() {
                let p = format!("{path}[{i}]");
                let Some(s) = crate::brief::json::string_item(&p, item, errs) else { continue };
                let segs = split(s);
                if segs.is_empty() {
                    errs.add(&p, "an empty path; write it as \"a > b > c\"");
                } else if segs.len() > MAX_DEPTH {
                    errs.add(&p, format!("is deeper than {MAX_DEPTH} levels"));
                } else {
                    full |= !t.insert(&segs);
                }
            }
        }
        Json::Object(entries) if !entries.is_empty() => tree(entries, path, errs, &mut Vec::new(), &mut t, &mut full),
        Json::Array(_) | Json::Object(_) => errs.add(path, "the taxonomy is empty; list at least one term"),
        other => errs.add(
            path,
            format!(
                "expected a tree object {{\"scene\": {{\"outdoor\": {{}}}}}} or a list of paths [\"scene > outdoor\"], found {}",
                other.describe()
            ),
        ),
    }
    if full {
        errs.add(path, format!("has more than {MAX_TAXONOMY_NODES} terms"));
    }
    (t.count > 0).then_some(t)
}

fn tree(
    entries: &[(String, Json)],
    path: &str,
    errs: &Errors,
    at: &mut Vec<String>,
    t: &mut Taxonomy,
    full: &mut bool,
) {
    let mut seen = HashSet::new();
    for (name, v) in entries {
        let p = crate::brief::json::join(path, name);
        let name = name.trim();
        if name.is_empty() || name.contains(['>', '|']) {
            errs.add(&p, "a term name must be non-empty and hold no `>` or `|` (nest objects instead)");
            continue;
        }
        if !seen.insert(key(name)) {
            errs.add(&p, format!("\"{name}\" appears twice here"));
            continue;
        }
        if at.len() >= MAX_DEPTH {
            errs.add(&p, format!("is deeper than {MAX_DEPTH} levels"));
            continue;
        }
        at.push(name.to_string());
        *full |= !t.insert(at);
        match v {
            Json::Object(children) => tree(children, &p, errs, at, t, full),
            Json::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let ip = format!("{p}[{i}]");
                    let Some(s) = crate::brief::json::string_item(&ip, item, errs) else { continue };
                    let segs = split(s);
                    if segs.is_empty() || at.len() + segs.len() > MAX_DEPTH {
                        errs.add(&ip, "must be a term name or a relative path \"a > b\", at most 32 levels deep");
                        continue;
                    }
                    let mut full_path = at.clone();
                    full_path.extend(segs);
                    *full |= !t.insert(&full_path);
                }
            }
            other => errs.add(
                &p,
                format!(
                    "expected an object of children ({{}} for a leaf) or a list of leaf names, found {}",
                    other.describe()
                ),
            ),
        }
        at.pop();
    }
}

pub fn parse(o: &mut Obj<'_>) -> LabelsRule {
    let mut required_roots: Vec<Vec<String>> = Vec::new();
    if let Some(roots) = o.list("required_roots", root_item) {
        for r in roots {
            let k: Vec<String> = r.iter().map(|s| key(s)).collect();
            if required_roots.iter().any(|x| x.iter().map(|s| key(s)).eq(k.iter().cloned())) {
                o.error("required_roots", format!("\"{}\" is listed twice", show(&r)));
            } else {
                required_roots.push(r);
            }
        }
    }
    let min_depth = o.int_in("min_depth", 1, MAX_DEPTH as u64).map(|d| d as usize);
    let taxonomy = o.raw("taxonomy").and_then(|v| parse_taxonomy(v, &o.key_path("taxonomy"), o.errors()));
    if let Some(t) = &taxonomy {
        for r in &required_roots {
            let keys: Vec<String> = r.iter().map(|s| key(s)).collect();
            if !t.contains(&keys) {
                let have: Vec<&str> = t.roots.iter().map(|n| n.name.as_str()).collect();
                let hint = match suggest(r.last().map(String::as_str).unwrap_or(""), &have) {
                    Some(s) if r.len() == 1 => format!("did you mean \"{s}\"? "),
                    _ => String::new(),
                };
                o.error(
                    "required_roots",
                    format!(
                        "\"{}\" is not in the taxonomy, so no label could satisfy it; {hint}taxonomy roots: {}",
                        show(r),
                        have.join(", ")
                    ),
                );
            }
        }
    }
    let any = o.has("required_roots") || o.has("min_depth") || o.has("taxonomy");
    require_some(o, any, "required_roots, min_depth, taxonomy");
    LabelsRule { required_roots, min_depth, taxonomy, severity: Severity::parse(o) }
}

/// One of the file's labels.
#[derive(Debug)]
struct Label {
    segs: Vec<String>,
    keys: Vec<String>,
    /// A flat keyword repeating a segment of one of the file's paths.
    flattened: bool,
    /// A proper prefix of another of the file's labels.
    ancestor: bool,
}

impl Label {
    fn show(&self) -> String {
        show(&self.segs)
    }
}

fn labels_of(m: &Metadata) -> Vec<Label> {
    let mut out: Vec<Label> = Vec::new();
    for raw in m.hierarchical_keywords.iter().chain(&m.keywords) {
        let segs = split(raw);
        let keys: Vec<String> = segs.iter().map(|s| key(s)).collect();
        if !keys.is_empty() && !out.iter().any(|l| l.keys == keys) {
            out.push(Label { segs, keys, flattened: false, ancestor: false });
        }
    }
    let segments: HashSet<String> =
        out.iter().filter(|l| l.keys.len() > 1).flat_map(|l| l.keys.iter().cloned()).collect();
    let all: Vec<Vec<String>> = out.iter().map(|l| l.keys.clone()).collect();
    for l in &mut out {
        l.flattened = l.keys.len() == 1 && segments.contains(&l.keys[0]);
        l.ancestor = all.iter().any(|o| o.len() > l.keys.len() && o.starts_with(&l.keys));
    }
    out
}

/// `a`, `b`, … and N more.
fn name_list(items: &[String]) -> String {
    let shown: Vec<String> = items.iter().take(NAMED).map(|s| format!("`{s}`")).collect();
    let more = items.len().saturating_sub(NAMED);
    if more > 0 { format!("{} and {more} more", shown.join(", ")) } else { shown.join(", ") }
}

/// `root > child` from the taxonomy, else `root > …`.
fn example_under(rule: &LabelsRule, root: &[String]) -> String {
    let keys: Vec<String> = root.iter().map(|s| key(s)).collect();
    let mut segs = root.to_vec();
    match rule.taxonomy.as_ref().and_then(|t| t.children(&keys).first()) {
        Some(n) => segs.push(n.name.clone()),
        None => segs.push("…".into()),
    }
    show(&segs)
}

pub fn evaluate(rule: Option<&LabelsRule>, ev: &Evidence<'_>, out: &mut Vec<Finding>) {
    if let Some(rule) = rule {
        evaluate_rule(rule, ev, out);
    }
    consistency(ev.metadata, out);
}

fn evaluate_rule(rule: &LabelsRule, ev: &Evidence<'_>, out: &mut Vec<Finding>) {
    let bad = rule.severity.verdict();
    let labels = labels_of(ev.metadata);
    if labels.is_empty() {
        let roots: Vec<String> = rule.required_roots.iter().map(|r| format!("`{}`", example_under(rule, r))).collect();
        let hint = if roots.is_empty() { String::new() } else { format!(", e.g. {}", roots.join(" and ")) };
        out.push(finding(
            "labels.present",
            bad,
            Some("no keywords".into()),
            Some("keywords (XMP dc:subject, Lightroom hierarchical keywords or IPTC Keywords)".into()),
            format!(
                "The file carries no keywords. Add them in your photo software's keyword panel{hint}, and export with metadata included."
            ),
        ));
        return;
    }
    let hierarchical = labels.iter().filter(|l| l.keys.len() > 1).count();
    out.push(finding(
        "labels.present",
        Verdict::Pass,
        Some(format!("{} labels, {hierarchical} hierarchical", labels.len())),
        None,
        "The file carries keywords.",
    ));

    if !rule.required_roots.is_empty() {
        let names: Vec<String> = rule.required_roots.iter().map(|r| show(r)).collect();
        let expected = Some(format!("a label under each of: {}", names.join(", ")));
        let mut missing = Vec::new();
        let mut fixes = Vec::new();
        for r in &rule.required_roots {
            let rk: Vec<String> = r.iter().map(|s| key(s)).collect();
            if labels.iter().any(|l| l.keys.len() > rk.len() && l.keys.starts_with(&rk)) {
                continue;
            }
            missing.push(show(r));
            // A flat keyword the taxonomy places under this root: say how to write it.
            let placed = rule
                .taxonomy
                .as_ref()
                .and_then(|t| labels.iter().filter(|l| l.keys.len() == 1).find_map(|l| t.find_under(&rk, &l.keys[0])));
            fixes.push(match placed {
                Some(p) => format!("write `{}` as the path `{}`", p[p.len() - 1], show(&p)),
                None => format!("add a keyword under `{}`, e.g. `{}`", show(r), example_under(rule, r)),
            });
        }
        if missing.is_empty() {
            out.push(finding(
                "labels.roots",
                Verdict::Pass,
                Some(format!("labels under all {}", names.len())),
                expected,
                "Every required root has a label under it.",
            ));
        } else {
            out.push(finding(
                "labels.roots",
                bad,
                Some(format!("nothing under: {}", missing.join(", "))),
                expected,
                format!("No label under {}: {}.", name_list(&missing), fixes.join("; ")),
            ));
        }
    }

    if let Some(min) = rule.min_depth {
        let expected = Some(format!("hierarchical labels of depth ≥ {min}"));
        let leaves: Vec<&Label> = labels.iter().filter(|l| l.keys.len() > 1 && !l.ancestor).collect();
        let deepest = labels.iter().map(|l| l.keys.len()).max().unwrap_or(0);
        let shallow: Vec<&&Label> = leaves.iter().filter(|l| l.keys.len() < min).collect();
        if leaves.is_empty() && min > 1 {
            out.push(finding(
                "labels.depth",
                bad,
                Some(format!("no hierarchical labels (deepest depth {deepest})")),
                expected,
                format!(
                    "Every keyword is flat; the brief wants paths at least {min} levels deep, e.g. `animal > mammal > feline > domestic cat`. Use your software's keyword hierarchy (Lightroom: drag keywords under a parent) and export it."
                ),
            ));
        } else if shallow.is_empty() {
            let lo = leaves.iter().map(|l| l.keys.len()).min().unwrap_or(deepest);
            let measured = if lo == deepest { format!("depth {lo}") } else { format!("depth {lo}–{deepest}") };
            out.push(finding(
                "labels.depth",
                Verdict::Pass,
                Some(measured),
                expected,
                "Every hierarchical label is specific enough.",
            ));
        } else {
            let named: Vec<String> = shallow.iter().map(|l| format!("{} ({})", l.show(), l.keys.len())).collect();
            let first = shallow[0];
            let mut example = first.segs.clone();
            let child = rule.taxonomy.as_ref().and_then(|t| t.children(&first.keys).first().map(|n| n.name.clone()));
            example.push(child.unwrap_or_else(|| "…".into()));
            let lo = shallow.iter().map(|l| l.keys.len()).min().unwrap_or(0);
            out.push(finding(
                "labels.depth",
                bad,
                Some(format!("{} of {} labels shallower than {min} (shallowest {lo})", shallow.len(), leaves.len())),
                expected,
                format!(
                    "Too general for the brief (depth ≥ {min}): {}. Make each more specific, e.g. `{}`.",
                    name_list(&named),
                    show(&example)
                ),
            ));
        }
    }

    if let Some(t) = &rule.taxonomy {
        let expected = Some(format!("labels from the brief's taxonomy ({} terms)", t.count));
        let checked: Vec<&Label> = labels.iter().filter(|l| !l.flattened).collect();
        let mut off = Vec::new();
        let mut notes = Vec::new();
        for l in &checked {
            let inside = if l.keys.len() == 1 { t.names(&l.keys[0]) } else { t.contains(&l.keys) };
            if inside {
                continue;
            }
            off.push(l.show());
            let path = t.walk(&l.keys);
            let at = path.len();
            let options: Vec<&str> = t.children(&l.keys[..at]).iter().map(|n| n.name.as_str()).collect();
            let near = suggest(&l.segs[at], &options);
            let parent = if at == 0 { "a root".to_string() } else { format!("under `{}`", show(&l.segs[..at])) };
            if notes.len() < 3 && l.keys.len() == 1 {
                notes.push(match suggest(&l.segs[0], &t.all_names()) {
                    Some(n) => format!("`{}` is no term of the taxonomy — did you mean `{n}`?", l.segs[0]),
                    None => format!("`{}` is no term of the taxonomy", l.segs[0]),
                });
            } else if notes.len() < 3 {
                notes.push(match near {
                    Some(n) => format!("`{}` is not {parent} — did you mean `{n}`?", l.segs[at]),
                    None if options.len() <= NAMED => {
                        format!("`{}` is not {parent} (allowed: {})", l.segs[at], options.join(", "))
                    }
                    None => format!("`{}` is not {parent}", l.segs[at]),
                });
            }
        }
        if off.is_empty() {
            out.push(finding(
                "labels.taxonomy",
                Verdict::Pass,
                Some(format!("all {} labels in the taxonomy", checked.len())),
                expected,
                "Every label is a term of the buyer's taxonomy.",
            ));
        } else {
            out.push(finding(
                "labels.taxonomy",
                bad,
                Some(format!("{} of {} outside: {}", off.len(), checked.len(), name_list(&off))),
                expected,
                format!(
                    "Not in the buyer's taxonomy: {} ({}). Replace them with the taxonomy's terms or remove them.",
                    name_list(&off),
                    notes.join("; ")
                ),
            ));
        }
    }
}

/// A date-time at whatever precision it was written: `[Y, M, D, h, m, s]` (a prefix), and the
/// offset east of UTC in minutes when given.
#[derive(Debug, Clone, PartialEq)]
struct When {
    parts: Vec<i64>,
    offset: Option<i64>,
}

/// `YYYY[-MM[-DD[THH:MM[:SS[.f]]]]][Z|±HH:MM|±HHMM]`; EXIF's `YYYY:MM:DD HH:MM:SS` too.
fn parse_when(s: &str, offset: Option<&str>) -> Option<When> {
    let s = s.trim();
    let (date, time) = match s.find(['T', ' ']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let num =
        |t: &str| (!t.is_empty() && t.bytes().all(|b| b.is_ascii_digit())).then(|| t.parse::<i64>().ok()).flatten();
    let mut parts: Vec<i64> = Vec::new();
    for p in date.split(['-', ':']) {
        parts.push(num(p)?);
    }
    if parts.is_empty() || parts.len() > 3 || parts[0] == 0 {
        return None;
    }
    let mut zone = offset.map(str::to_string);
    if let Some(t) = time {
        let (clock, z) = match t.find(['Z', '+', '-']) {
            Some(i) => (&t[..i], Some(&t[i..])),
            None => (t, None),
        };
        if let Some(z) = z {
            zone = Some(z.to_string());
        }
        let clock = clock.split('.').next().unwrap_or("");
        if parts.len() == 3 {
            for p in clock.split(':') {
                parts.push(num(p)?);
            }
        }
    }
    let offset = zone.and_then(|z| {
        if z == "Z" {
            return Some(0);
        }
        let sign = match z.as_bytes().first()? {
            b'+' => 1,
            b'-' => -1,
            _ => return None,
        };
        let d: String = z[1..].chars().filter(char::is_ascii_digit).collect();
        if d.len() != 4 {
            return None;
        }
        Some(sign * (d[..2].parse::<i64>().ok()? * 60 + d[2..].parse::<i64>().ok()?))
    });
    parts.truncate(6);
    Some(When { parts, offset })
}

/// Seconds since 1970 of a full local time minus its offset.
fn instant(w: &When) -> Option<i64> {
    if w.parts.len() < 5 {
        return None;
    }
    let (y, m, d) = (w.parts[0], w.parts[1], w.parts[2]);
    // Days from civil (Howard Hinnant).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let s = w.parts.get(5).copied().unwrap_or(0);
    Some(days * 86_400 + w.parts[3] * 3600 + w.parts[4] * 60 + s - w.offset? * 60)
}

fn agree(a: &When, b: &When) -> bool {
    let n = a.parts.len().min(b.parts.len());
    let same_clock = a.parts[..n] == b.parts[..n];
    match (a.offset, b.offset) {
        (Some(x), Some(y)) if x != y && n >= 5 => {
            let n = if a.parts.len() == b.parts.len() { n } else { 5 };
            let trim = |w: &When| When { parts: w.parts[..n].to_vec(), offset: w.offset };
            instant(&trim(a)) == instant(&trim(b))
        }
        _ => same_clock,
    }
}

/// `metadata.consistency` (warn): capture times or keyword sets that disagree between blocks.
pub fn consistency(m: &Metadata, out: &mut Vec<Finding>) {
    let s = &m.sources;
    let exif_offset = s.exif_datetime_original.as_ref().and(m.offset_time_original.as_deref());
    let times: Vec<(&str, &str, When)> = [
        ("EXIF DateTimeOriginal", s.exif_datetime_original.as_deref(), exif_offset),
        ("XMP exif:DateTimeOriginal", s.xmp_datetime_original.as_deref(), None),
        ("XMP photoshop:DateCreated", s.xmp_date_created.as_deref(), None),
        ("IPTC Date/Time Created", s.iptc_date_created.as_deref(), None),
    ]
    .into_iter()
    .filter_map(|(name, v, off)| Some((name, v?, parse_when(v?, off)?)))
    .collect();
    let mut measured = Vec::new();
    let mut messages = Vec::new();
    let clash = times.iter().enumerate().any(|(i, a)| times[i + 1..].iter().any(|b| !agree(&a.2, &b.2)));
    if clash {
        let said: Vec<String> = times
            .iter()
            .map(|(name, v, _)| {
                let off = if name.starts_with("EXIF") {
                    exif_offset.map(|o| format!(" {o}")).unwrap_or_default()
                } else {
                    String::new()
                };
                format!("{name} {}{off}", v.replacen('T', " ", 1))
            })
            .collect();
        measured.push(format!("capture time: {}", said.join(" ≠ ")));
        messages.push(format!(
            "The capture time differs between metadata blocks ({}); software may show either. Set the capture time once so every block agrees (Lightroom: Metadata › Edit Capture Time; ExifTool: copy DateTimeOriginal to XMP:DateCreated and IPTC:DateCreated/TimeCreated), or remove the stale copy.",
            said.join(", ")
        ));
    }
    if !s.xmp_subject.is_empty() && !s.iptc_keywords.is_empty() {
        let xmp: HashSet<&str> = s.xmp_subject.iter().map(|k| k.trim()).collect();
        let iptc: HashSet<&str> = s.iptc_keywords.iter().map(|k| k.trim()).collect();
        if xmp != iptc {
            let only = |a: &[String], b: &HashSet<&str>| -> Vec<String> {
                let mut seen = HashSet::new();
                a.iter().map(|k| k.trim()).filter(|k| !b.contains(k) && seen.insert(*k)).map(String::from).collect()
            };
            let (ox, oi) = (only(&s.xmp_subject, &iptc), only(&s.iptc_keywords, &xmp));
            let mut parts = Vec::new();
            if !ox.is_empty() {
                parts.push(format!("only in XMP: {}", name_list(&ox)));
            }
            if !oi.is_empty() {
                parts.push(format!("only in IPTC: {}", name_list(&oi)));
            }
            measured.push(format!("keywords: {}", parts.join("; ")));
            messages.push(format!(
                "The XMP and IPTC keyword lists differ ({}); a buyer's software may read either. Re-save the keywords from one place (your photo software writes both on export), keeping IPTC keywords within its 64-byte limit.",
                parts.join("; ")
            ));
        }
    }
    if !measured.is_empty() {
        out.push(finding("metadata.consistency", Verdict::Warn, Some(measured.join("; ")), None, messages.join(" ")));
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;

    fn strs(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    const BRIEF: &str = r#"{"labels": {
        "required_roots": ["scene", "weather"],
        "min_depth": 3,
        "taxonomy": {
            "scene": {"outdoor": {"beach": {}, "forest": {}}, "indoor": ["kitchen", "office"]},
            "weather": {"sky": ["clear", "overcast"], "precipitation": ["rain", "snow"]},
            "animal": {"mammal": {"feline": ["domestic cat", "lion"]}}
        }
    }}"#;

    #[test]
    fn split_understands_both_separators() {
        assert_eq!(split("animal > mammal > feline > domestic cat").len(), 4);
        assert_eq!(split("animal|mammal | feline>domestic cat"), strs(&["animal", "mammal", "feline", "domestic cat"]));
        assert_eq!(split(" > | "), Vec::<String>::new());
    }

    #[test]
    fn a_file_inside_the_taxonomy_passes_everything() {
        let mut f = Fixture::jpeg();
        // Lightroom-style: ancestors in lr:hierarchicalSubject, flattened leaves in dc:subject.
        f.metadata.hierarchical_keywords = strs(&[
            "scene",
            "scene|outdoor",
            "scene|outdoor|beach",
            "Weather|Sky|Clear",
            "animal|mammal|feline|domestic cat",
        ]);
        f.metadata.keywords = strs(&["beach", "clear", "domestic cat", "outdoor"]);
        let out = f.run(BRIEF);
        for id in ["labels.present", "labels.roots", "labels.depth", "labels.taxonomy"] {
            assert_eq!(one(&out, id).verdict, Verdict::Pass, "{id}: {out:#?}");
        }
        assert_eq!(one(&out, "labels.depth").measured.as_deref(), Some("depth 3–4"));
        none(&out, "metadata.consistency");
    }

    #[test]
    fn a_label_outside_the_taxonomy_is_named() {
        let mut f = Fixture::jpeg();
        f.metadata.keywords =
            strs(&["scene > outdoor > beech", "weather > sky > clear", "vacation", "beach", "offise"]);
        let out = f.run(BRIEF);
        let t = one(&out, "labels.taxonomy");
        assert_eq!(t.verdict, Verdict::Fail);
        assert_eq!(t.measured.as_deref(), Some("3 of 5 outside: `scene > outdoor > beech`, `vacation`, `offise`"));
        assert!(t.message.contains("`beech` is not under `scene > outdoor` — did you mean `beach`?"), "{}", t.message);
        assert!(t.message.contains("`vacation` is no term of the taxonomy;"), "{}", t.message);
        assert!(t.message.contains("`offise` is no term of the taxonomy — did you mean `office`?"), "{}", t.message);
        assert_eq!(one(&out, "labels.roots").verdict, Verdict::Pass);
    }

    #[test]
    fn missing_roots_and_shallow_labels() {
        let mut f = Fixture::jpeg();
        f.metadata.keywords = strs(&["scene > outdoor", "rain", "animal|mammal"]);
        let out = f.run(BRIEF);
        let r = one(&out, "labels.roots");
        assert_eq!((r.verdict, r.measured.as_deref()), (Verdict::Fail, Some("nothing under: weather")));
        assert_eq!(r.message, "No label under `weather`: write `rain` as the path `weather > precipitation > rain`.");
        let d = one(&out, "labels.depth");
        assert_eq!(d.verdict, Verdict::Fail);
        assert_eq!(d.measured.as_deref(), Some("2 of 2 labels shallower than 3 (shallowest 2)"));
        assert!(
            d.message.contains("`scene > outdoor (2)`") || d.message.contains("scene > outdoor (2)"),
            "{}",
            d.message
        );
        assert!(d.message.contains("e.g. `scene > outdoor > beach`"), "{}", d.message);

        // No taxonomy: a generic example.
        let out = f.run(r#"{"labels": {"required_roots": ["weather"], "severity": "warn"}}"#);
        let r = one(&out, "labels.roots");
        assert_eq!(r.verdict, Verdict::Warn);
        assert_eq!(r.message, "No label under `weather`: add a keyword under `weather`, e.g. `weather > …`.");
        none(&out, "labels.depth");
        none(&out, "labels.taxonomy");

        // Only flat keywords.
        f.metadata.keywords = strs(&["beach", "sun"]);
        let d = f.run(r#"{"labels": {"min_depth": 2}}"#);
        let d = one(&d, "labels.depth");
        assert_eq!(
            (d.verdict, d.measured.as_deref()),
            (Verdict::Fail, Some("no hierarchical labels (deepest depth 1)"))
        );
    }

    #[test]
    fn no_keywords_at_all() {
        let f = Fixture::jpeg();
        let out = f.run(BRIEF);
        let p = one(&out, "labels.present");
        assert_eq!(p.verdict, Verdict::Fail);
        assert!(p.message.contains("e.g. `scene > outdoor` and `weather > sky`"), "{}", p.message);
        none(&out, "labels.roots");
        none(&out, "labels.taxonomy");
        // No block: nothing.
        assert!(f.run("{}").is_empty());
    }

    #[test]
    fn path_list_taxonomy_and_rule_errors() {
        let mut f = Fixture::jpeg();
        f.metadata.hierarchical_keywords = strs(&["Weather|Rain"]);
        let out = f.run(r#"{"labels": {"taxonomy": ["weather > rain > drizzle", "weather | sun"]}}"#);
        assert_eq!(one(&out, "labels.taxonomy").verdict, Verdict::Pass, "a prefix path is allowed");

        let e = brief_errors(
            r#"{"labels": {"required_roots": ["wether", "scene", "Scene", ""], "min_depth": 0, "taxonomy": {"weather": {"a|b": {}}, "scene": true}}}"#,
        );
        let want = [
            "checks.labels.required_roots[3]: must name a root",
            "checks.labels.required_roots: \"Scene\" is listed twice",
            "checks.labels.min_depth: must be between 1 and 32, found 0",
            "checks.labels.taxonomy.weather.a|b: a term name must be non-empty",
            "checks.labels.taxonomy.scene: expected an object of children",
            "checks.labels.required_roots: \"wether\" is not in the taxonomy, so no label could satisfy it; did you mean \"weather\"? taxonomy roots: weather, scene",
        ];
        assert_eq!(e.len(), want.len(), "{e:#?}");
        for w in want {
            assert!(e.iter().any(|x| x.starts_with(w)), "missing {w:?} in {e:#?}");
        }
        assert!(brief_errors(r#"{"labels": {"severity": "warn"}}"#)[0].starts_with("checks.labels: sets no limit"));
        assert!(brief_errors(r#"{"labels": {"taxonomy": []}}"#)[0].contains("empty"));
        assert!(brief_errors(r#"{"labels": {"taxonomy": "a > b"}}"#)[0].contains("expected a tree object"));
    }

    #[test]
    fn capture_times_compare_at_common_precision() {
        let w = |s: &str| parse_when(s, None).unwrap();
        assert!(agree(&w("2015-06-12T13:40:32.41"), &w("2015-06-12T13:40:32")));
        assert!(agree(&w("2012-06-10T12:06:14+01:00"), &w("2012-06-10T12:06:14")), "a missing offset is allowed");
        assert!(agree(&w("2012-06-10T12:06:14+01:00"), &w("2012-06-10T11:06:14Z")), "same instant");
        assert!(!agree(&w("2012-06-10T12:06:14+01:00"), &w("2012-06-10T12:06:14+02:00")));
        assert!(agree(&w("2002-06-20"), &w("2002-06-20T10:00:00")));
        assert!(!agree(&w("2002-06-20"), &w("2002-07-13T15:58:28")));
        assert!(agree(&w("2012-06-10T12:06"), &w("2012-06-10T12:06:59")));
        assert_eq!(parse_when("garbage", None), None);
        assert_eq!(parse_when("2012-06-10T12:06:14", Some("-05:30")).unwrap().offset, Some(-330));
    }

    #[test]
    fn consistency_finding() {
        let mut m = Metadata::default();
        let mut out = Vec::new();
        m.sources.exif_datetime_original = Some("2002-07-13T15:58:28".into());
        m.sources.xmp_date_created = Some("2002-07-13".into());
        m.sources.iptc_date_created = Some("2002-07-13T15:58:28+02:00".into());
        m.sources.xmp_subject = strs(&["a", "b"]);
        m.sources.iptc_keywords = strs(&["b", "a"]);
        consistency(&m, &mut out);
        assert!(out.is_empty(), "{out:#?}");

        m.sources.xmp_date_created = Some("2002-06-20".into());
        m.sources.iptc_keywords = strs(&["b", "c"]);
        consistency(&m, &mut out);
        let c = one(&out, "metadata.consistency");
        assert_eq!(c.verdict, Verdict::Warn);
        assert_eq!(
            c.measured.as_deref(),
            Some(
                "capture time: EXIF DateTimeOriginal 2002-07-13 15:58:28 ≠ XMP photoshop:DateCreated 2002-06-20 ≠ IPTC Date/Time Created 2002-07-13 15:58:28+02:00; keywords: only in XMP: `a`; only in IPTC: `c`"
            )
        );
        assert!(c.message.contains("Edit Capture Time"), "{}", c.message);
    }
}
