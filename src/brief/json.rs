//! A small JSON tree that keeps key order and duplicate keys, and a typed object reader that
//! records every key it is asked about, so unknown keys can be reported (with a "did you mean"
//! suggestion) once a rule parser has read everything it knows.
//!
//! Every reader method *collects* problems into [`Errors`] (with the JSON path) and returns
//! `None` instead of stopping, so one pass over a brief reports everything wrong with it.

use std::cell::RefCell;
use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use super::BriefError;

/// A parsed JSON value. Objects keep document order and duplicate keys (so duplicates can be
/// reported instead of silently keeping the last one, as most JSON libraries do).
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl Json {
    /// "a number", "a string (\"4\")", … for "expected X, found Y" messages.
    pub fn describe(&self) -> String {
        match self {
            Json::Null => "null".into(),
            Json::Bool(b) => format!("{b}"),
            Json::Number(n) => format!("the number {n}"),
            Json::String(s) => {
                let short: String = s.chars().take(40).collect();
                let ell = if short.len() < s.len() { "…" } else { "" };
                format!("a string (\"{short}{ell}\")")
            }
            Json::Array(_) => "a list".into(),
            Json::Object(_) => "an object".into(),
        }
    }
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Json, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Json;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_unit<E>(self) -> Result<Json, E> {
                Ok(Json::Null)
            }
            fn visit_none<E>(self) -> Result<Json, E> {
                Ok(Json::Null)
            }
            fn visit_bool<E>(self, b: bool) -> Result<Json, E> {
                Ok(Json::Bool(b))
            }
            fn visit_u64<E>(self, n: u64) -> Result<Json, E> {
                Ok(Json::Number(n.into()))
            }
            fn visit_i64<E>(self, n: i64) -> Result<Json, E> {
                Ok(Json::Number(n.into()))
            }
            fn visit_f64<E: serde::de::Error>(self, n: f64) -> Result<Json, E> {
                serde_json::Number::from_f64(n).map(Json::Number).ok_or_else(|| E::custom("number out of range"))
            }
            fn visit_str<E>(self, s: &str) -> Result<Json, E> {
                Ok(Json::String(s.to_string()))
            }
            fn visit_string<E>(self, s: String) -> Result<Json, E> {
                Ok(Json::String(s))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
                let mut out = Vec::new();
                while let Some(v) = seq.next_element()? {
                    out.push(v);
                }
                Ok(Json::Array(out))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, Json>()? {
                    out.push((k, v));
                }
                Ok(Json::Object(out))
            }
        }
        d.deserialize_any(V)
    }
}

/// Parses JSON text; a syntax error comes back with its line and column.
pub fn parse(text: &str) -> Result<Json, BriefError> {
    // Editors on Windows like to prepend a byte-order mark; it is not an error worth reporting.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    serde_json::from_str::<Json>(text).map_err(|e| {
        let full = e.to_string();
        // serde_json appends " at line L column C"; we say it up front instead.
        let what = match full.rfind(" at line ") {
            Some(i) => &full[..i],
            None => &full,
        };
        BriefError {
            path: String::new(),
            message: format!("not valid JSON: line {}, column {}: {what}", e.line(), e.column()),
        }
    })
}

/// The problems found so far. Shared (by reference) between nested readers.
#[derive(Debug, Default)]
pub struct Errors(RefCell<Vec<BriefError>>);

impl Errors {
    pub fn add(&self, path: &str, message: impl Into<String>) {
        self.0.borrow_mut().push(BriefError { path: path.to_string(), message: message.into() });
    }
    pub fn is_empty(&self) -> bool {
        self.0.borrow().is_empty()
    }
    pub fn into_vec(self) -> Vec<BriefError> {
        self.0.into_inner()
    }
}

/// `parent.key`, or `key` at the root.
pub fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() { key.to_string() } else { format!("{parent}.{key}") }
}

/// A JSON object being read by a rule parser. Every key asked about (present or not) is
/// recorded; [`Obj::finish`] then reports the keys nobody asked about.
pub struct Obj<'a> {
    path: String,
    entries: &'a [(String, Json)],
    known: Vec<&'static str>,
    errs: &'a Errors,
}

impl<'a> Obj<'a> {
    /// Reads `value` as an object at `path`; reports and returns `None` if it is not one.
    pub fn new(value: &'a Json, path: &str, errs: &'a Errors) -> Option<Obj<'a>> {
        match value {
            Json::Object(entries) => Some(Obj { path: path.to_string(), entries, known: Vec::new(), errs }),
            other => {
                let what = if path.is_empty() { "the brief" } else { "this" };
                errs.add(path, format!("{what} must be a JSON object {{…}}, found {}", other.describe()));
                None
            }
        }
    }

    pub fn path(&self) -> &str {
        &self.path
    }

    /// The path of one of this object's keys.
    pub fn key_path(&self, key: &str) -> String {
        join(&self.path, key)
    }

    pub fn errors(&self) -> &'a Errors {
        self.errs
    }

    /// Reports a problem with `key`'s value.
    pub fn error(&self, key: &str, message: impl Into<String>) {
        self.errs.add(&self.key_path(key), message);
    }

    /// Whether the key is present (and records it as known).
    pub fn has(&mut self, key: &'static str) -> bool {
        self.raw(key).is_some()
    }

    /// The raw value of `key`, if present. Records `key` as known; reports duplicates.
    pub fn raw(&mut self, key: &'static str) -> Option<&'a Json> {
        if !self.known.contains(&key) {
            self.known.push(key);
            let n = self.entries.iter().filter(|(k, _)| k == key).count();
            if n > 1 {
                self.error(key, format!("`{key}` appears {n} times; keep only one"));
            }
        }
        self.entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    fn wrong_type(&self, key: &str, expected: &str, found: &Json) {
        let hint = if matches!(found, Json::Null) { " (remove the key to leave it unset)" } else { "" };
        self.error(key, format!("expected {expected}, found {}{hint}", found.describe()));
    }

    /// A finite number.
    pub fn number(&mut self, key: &'static str) -> Option<f64> {
        let v = self.raw(key)?;
        match v {
            Json::Number(n) => n.as_f64(),
            other => {
                self.wrong_type(key, "a number", other);
                None
            }
        }
    }

    /// A number greater than zero.
    pub fn positive(&mut self, key: &'static str) -> Option<f64> {
        let x = self.number(key)?;
        if x > 0.0 {
            Some(x)
        } else {
            self.error(key, format!("must be greater than 0, found {x}"));
            None
        }
    }

    /// A whole number ≥ 0 that fits in a u64.
    pub fn count(&mut self, key: &'static str) -> Option<u64> {
        let v = self.raw(key)?;
        let path = self.key_path(key);
        whole_number(v, &path, self.errs)
    }

    /// A whole number in `lo..=hi`.
    pub fn int_in(&mut self, key: &'static str, lo: u64, hi: u64) -> Option<u64> {
        let n = self.count(key)?;
        if (lo..=hi).contains(&n) {
            Some(n)
        } else {
            self.error(key, format!("must be between {lo} and {hi}, found {n}"));
            None
        }
    }

    pub fn bool(&mut self, key: &'static str) -> Option<bool> {
        match self.raw(key)? {
            Json::Bool(b) => Some(*b),
            other => {
                self.wrong_type(key, "true or false", other);
                None
            }
        }
    }

    pub fn str(&mut self, key: &'static str) -> Option<&'a str> {
        match self.raw(key)? {
            Json::String(s) => Some(s),
            other => {
                self.wrong_type(key, "a string", other);
                None
            }
        }
    }

    /// A string that must be present and non-empty.
    pub fn required_str(&mut self, key: &'static str) -> Option<&'a str> {
        if !self.has(key) {
            self.error(key, "missing; this key is required");
            return None;
        }
        let s = self.str(key)?;
        if s.trim().is_empty() {
            self.error(key, "must not be empty");
            return None;
        }
        Some(s)
    }

    /// One of a fixed set of strings (case-sensitive), with a suggestion when it is not.
    pub fn one_of(&mut self, key: &'static str, choices: &[&'static str]) -> Option<&'static str> {
        let s = self.str(key)?;
        let path = self.key_path(key);
        choose(s, choices, &path, self.errs)
    }

    /// A nested object.
    pub fn obj(&mut self, key: &'static str) -> Option<Obj<'a>> {
        let v = self.raw(key)?;
        let path = self.key_path(key);
        Obj::new(v, &path, self.errs)
    }

    /// A list whose items are each read by `item(path_of_item, value)`; items that fail are
    /// dropped (their errors are already reported). An empty list is an error: it asks nothing.
    pub fn list<T>(
        &mut self,
        key: &'static str,
        mut item: impl FnMut(&str, &'a Json, &'a Errors) -> Option<T>,
    ) -> Option<Vec<T>> {
        let v = self.raw(key)?;
        let Json::Array(items) = v else {
            self.wrong_type(key, "a list [ … ]", v);
            return None;
        };
        if items.is_empty() {
            self.error(key, "the list is empty; list at least one value or remove the key");
            return None;
        }
        let path = self.key_path(key);
        let out: Vec<T> =
            items.iter().enumerate().filter_map(|(i, v)| item(&format!("{path}[{i}]"), v, self.errs)).collect();
        Some(out)
    }

    /// Reports every key nobody asked about, suggesting the nearest known key.
    pub fn finish(self) {
        let mut seen: Vec<&str> = Vec::new();
        for (k, _) in self.entries {
            if self.known.iter().any(|n| n == k) || seen.contains(&k.as_str()) {
                continue;
            }
            seen.push(k);
            let path = self.key_path(k);
            let msg = match suggest(k, &self.known) {
                Some(s) => format!("unknown key `{k}`; did you mean `{s}`?"),
                None if self.known.is_empty() => format!("unknown key `{k}`"),
                None => format!("unknown key `{k}`; known keys here: {}", self.known.join(", ")),
            };
            self.errs.add(&path, msg);
        }
    }
}

/// A whole number ≥ 0 (accepts `4000.0`, rejects `4.5` and `-1`).
pub fn whole_number(v: &Json, path: &str, errs: &Errors) -> Option<u64> {
    let Json::Number(n) = v else {
        errs.add(path, format!("expected a whole number, found {}", v.describe()));
        return None;
    };
    if let Some(u) = n.as_u64() {
        return Some(u);
    }
    let x = n.as_f64().unwrap_or(f64::NAN);
    if x < 0.0 {
        errs.add(path, format!("must not be negative, found {n}"));
    } else if x.fract() != 0.0 {
        errs.add(path, format!("must be a whole number, found {n}"));
    } else if x <= u64::MAX as f64 {
        return Some(x as u64);
    } else {
        errs.add(path, format!("is too large: {n}"));
    }
    None
}

/// A string item of a list (for [`Obj::list`]).
pub fn string_item<'a>(path: &str, v: &'a Json, errs: &Errors) -> Option<&'a str> {
    match v {
        Json::String(s) => Some(s),
        other => {
            errs.add(path, format!("expected a string, found {}", other.describe()));
            None
        }
    }
}

/// `s` if it is one of `choices`, else an error with a suggestion or the full list.
pub fn choose(s: &str, choices: &[&'static str], path: &str, errs: &Errors) -> Option<&'static str> {
    if let Some(c) = choices.iter().find(|c| **c == s) {
        return Some(c);
    }
    let msg = match suggest(s, choices) {
        Some(c) => format!("unknown value \"{s}\"; did you mean \"{c}\"? (one of: {})", choices.join(", ")),
        None => format!("unknown value \"{s}\"; expected one of: {}", choices.join(", ")),
    };
    errs.add(path, msg);
    None
}

/// The candidate nearest to `word`: an exact case-insensitive match, else the closest by edit
/// distance if it is close enough to be a plausible typo (about one edit per three letters
/// beyond the first, at most 3: `jpge` → `jpeg`, but `pdf` suggests nothing).
pub fn suggest<'c>(word: &str, candidates: &[&'c str]) -> Option<&'c str> {
    if let Some(c) = candidates.iter().find(|c| c.eq_ignore_ascii_case(word)) {
        return Some(c);
    }
    let lower = word.to_ascii_lowercase();
    let limit = (word.chars().count().saturating_sub(1) / 3).min(3);
    candidates
        .iter()
        .map(|c| (edit_distance(&lower, &c.to_ascii_lowercase()), *c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Levenshtein distance (insert, delete, substitute), plus adjacent transposition as one edit.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev2: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                cur[j] = cur[j].min(prev2[j - 2] + 1);
            }
        }
        prev2 = std::mem::replace(&mut prev, cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_typos() {
        assert_eq!(edit_distance("min_megapixel", "min_megapixels"), 1);
        assert_eq!(edit_distance("min_megapxiels", "min_megapixels"), 1); // transposition
        assert_eq!(edit_distance("abc", "abc"), 0);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn suggestions_are_plausible_typos_only() {
        let known = ["min_megapixels", "max_megapixels", "min_width"];
        assert_eq!(suggest("min_megapixel", &known), Some("min_megapixels"));
        assert_eq!(suggest("MIN_WIDTH", &known), Some("min_width"));
        assert_eq!(suggest("colour", &known), None);
        assert_eq!(suggest("pdf", &["pef", "png"]), None);
        assert_eq!(suggest("jpge", &["jpeg", "png"]), Some("jpeg"));
    }

    #[test]
    fn objects_keep_order_and_duplicates() {
        let v = parse(r#"{"b": 1, "a": [true, null, "x"], "b": 2.5}"#).unwrap();
        let Json::Object(e) = &v else { panic!() };
        let keys: Vec<_> = e.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["b", "a", "b"]);
        let errs = Errors::default();
        let mut o = Obj::new(&v, "", &errs).unwrap();
        assert_eq!(o.number("b"), Some(1.0));
        o.finish();
        let errs = errs.into_vec();
        assert_eq!(errs.len(), 2, "{errs:?}");
        assert_eq!(errs[0].path, "b");
        assert!(errs[0].message.contains("appears 2 times"));
        assert_eq!(errs[1].path, "a");
        assert!(errs[1].message.contains("unknown key `a`"));
    }

    #[test]
    fn syntax_errors_carry_line_and_column() {
        let e = parse("{\n  \"a\": 1,\n  \"b\" 2\n}").unwrap_err();
        assert!(e.message.starts_with("not valid JSON: line 3, column"), "{}", e.message);
        assert!(!e.message.contains(" at line "), "{}", e.message);
        assert!(parse("\u{feff}{}").is_ok());
    }

    #[test]
    fn whole_numbers() {
        let errs = Errors::default();
        let v = parse(r#"{"a": 4000.0, "b": 4.5, "c": -1, "d": "7"}"#).unwrap();
        let mut o = Obj::new(&v, "x", &errs).unwrap();
        assert_eq!(o.count("a"), Some(4000));
        assert_eq!(o.count("b"), None);
        assert_eq!(o.count("c"), None);
        assert_eq!(o.count("d"), None);
        o.finish();
        let m: Vec<_> = errs.into_vec().into_iter().map(|e| format!("{e}")).collect();
        assert_eq!(m.len(), 3);
        assert!(m[0].contains("x.b: must be a whole number"), "{m:?}");
        assert!(m[1].contains("x.c: must not be negative"), "{m:?}");
        assert!(m[2].contains("x.d: expected a whole number, found a string (\"7\")"), "{m:?}");
    }
}
