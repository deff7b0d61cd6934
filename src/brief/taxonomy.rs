//! A buyer's taxonomy kept as its own file, placed into a brief: the brief format stays
//! self-contained (a brief never refers to files), and the CLI (`--taxonomy FILE`) and the page
//! ("Add a taxonomy file…") both call [`with_taxonomy`] so they check against the same rules.
//!
//! The file is either JSON — a tree object or a list of paths, exactly what `labels.taxonomy`
//! takes inline — or plain text with one `a > b > c` (or `a|b|c`) path per line; blank lines and
//! lines starting with `#` are skipped. It replaces any inline taxonomy; a brief without a
//! `labels` block gets one holding just the taxonomy (so off-taxonomy labels fail).

use serde_json::{Map, Value};

use super::{Brief, BriefError};

/// Largest taxonomy file read.
pub const MAX_TAXONOMY_FILE_BYTES: usize = 16 << 20;

/// The brief's JSON text with `checks.labels.taxonomy` set from the file `text` (named `name` in
/// messages). The result is validated as a whole: problems in the taxonomy come back with the
/// file's name, e.g. `taxonomy.txt line 3: an empty path…`.
pub fn with_taxonomy(brief_json: &str, text: &str, name: &str) -> Result<String, Vec<BriefError>> {
    // The brief alone first: its own problems are reported as they are.
    Brief::parse(brief_json)?;
    let problem = |message: String| vec![BriefError { path: String::new(), message: format!("{name}: {message}") }];
    if text.len() > MAX_TAXONOMY_FILE_BYTES {
        return Err(problem(format!(
            "{} MB, above the {} MB limit for a taxonomy",
            text.len() >> 20,
            MAX_TAXONOMY_FILE_BYTES >> 20
        )));
    }
    let text = text.trim_start_matches('\u{feff}');
    let (taxonomy, lines) = if text.trim_start().starts_with(['{', '[']) {
        let v: Value = serde_json::from_str(text).map_err(|e| problem(format!("not valid JSON: {e}")))?;
        (v, None)
    } else {
        // One path per line; remember each item's line for messages.
        let mut paths = Vec::new();
        let mut line_of = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if !line.is_empty() && !line.starts_with('#') {
                paths.push(Value::String(line.to_string()));
                line_of.push(i + 1);
            }
        }
        if paths.is_empty() {
            return Err(problem("no paths in it; write one `a > b > c` path per line".into()));
        }
        (Value::Array(paths), Some(line_of))
    };
    let mut doc: Value = serde_json::from_str(brief_json).expect("the brief parsed above");
    let root = doc.as_object_mut().expect("a brief is an object");
    let checks = root.entry("checks").or_insert_with(|| Value::Object(Map::new()));
    let labels = checks
        .as_object_mut()
        .expect("checks is an object")
        .entry("labels")
        .or_insert_with(|| Value::Object(Map::new()));
    labels.as_object_mut().expect("labels is an object").insert("taxonomy".into(), taxonomy);
    let merged = serde_json::to_string_pretty(&doc).expect("JSON serialises");
    // Validate the whole: the taxonomy's problems get the file's name (and line) instead of
    // the JSON path they would have inline.
    Brief::parse(&merged).map_err(|errs| {
        errs.into_iter()
            .map(|e| match e.path.strip_prefix("checks.labels.taxonomy") {
                Some(rest) => {
                    let at = match (&lines, rest.strip_prefix('[').and_then(|r| r.strip_suffix(']'))) {
                        (Some(lines), Some(i)) => {
                            i.parse::<usize>().ok().and_then(|i| lines.get(i)).map(|l| format!(" line {l}"))
                        }
                        _ => (!rest.is_empty()).then(|| format!(" at {}", rest.trim_start_matches('.'))),
                    };
                    BriefError {
                        path: String::new(),
                        message: format!("{name}{}: {}", at.unwrap_or_default(), e.message),
                    }
                }
                None => e,
            })
            .collect::<Vec<_>>()
    })?;
    Ok(merged)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BRIEF: &str = r#"{"preflight_brief": 1, "name": "t", "checks": {"labels": {"required_roots": ["weather"]}}}"#;

    fn taxonomy_of(json: &str) -> Brief {
        Brief::parse(json).unwrap()
    }

    #[test]
    fn lines_and_json_trees_give_the_same_rules() {
        let lines = with_taxonomy(BRIEF, "# weather terms\nweather > clear\r\n\nweather | rain\n", "t.txt").unwrap();
        let tree = with_taxonomy(BRIEF, r#"{"weather": {"clear": {}, "rain": {}}}"#, "t.json").unwrap();
        let list = with_taxonomy(BRIEF, r#"["weather > clear", "weather > rain"]"#, "t.json").unwrap();
        assert_eq!(taxonomy_of(&lines).rules, taxonomy_of(&tree).rules);
        assert_eq!(taxonomy_of(&lines).rules, taxonomy_of(&list).rules);
        assert!(taxonomy_of(&lines).rules.labels.unwrap().taxonomy.is_some());
    }

    #[test]
    fn a_brief_without_labels_gets_a_taxonomy_only_block() {
        let b = r#"{"preflight_brief": 1, "name": "t"}"#;
        let merged = taxonomy_of(&with_taxonomy(b, "scene > beach", "t.txt").unwrap());
        let labels = merged.rules.labels.unwrap();
        assert!(labels.taxonomy.is_some() && labels.required_roots.is_empty());
    }

    #[test]
    fn problems_name_the_file_and_line() {
        let e = with_taxonomy(BRIEF, "scene > beach\n\n >\n", "t.txt").unwrap_err();
        let msgs: Vec<String> = e.iter().map(|e| e.to_string()).collect();
        assert!(msgs.iter().any(|m| m.starts_with("t.txt line 3: ")), "{msgs:?}");
        // The brief's root is not in this taxonomy: said about the brief.
        assert!(
            msgs.iter().any(|m| m.starts_with("checks.labels.required_roots: \"weather\" is not in the taxonomy")),
            "{msgs:?}"
        );
        let e = with_taxonomy(BRIEF, "{ not json", "t.json").unwrap_err();
        assert!(e[0].message.starts_with("t.json: not valid JSON"), "{e:?}");
        let e = with_taxonomy(BRIEF, "# only a comment\n", "t.txt").unwrap_err();
        assert!(e[0].message.contains("no paths in it"), "{e:?}");
        // A broken brief is reported as such, before the taxonomy is read.
        let e = with_taxonomy(r#"{"preflight_brief": 1}"#, "a > b", "t.txt").unwrap_err();
        assert!(e[0].to_string().starts_with("name: "), "{e:?}");
    }
}
