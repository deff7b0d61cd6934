//! Shared by the corpus tests: where the corpus is, and its `labels.csv` (ExifTool's reading).
#![allow(dead_code)] // each test binary uses a different part

use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub fn corpus_dir() -> PathBuf {
    let dir = std::env::var_os("PREFLIGHT_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus")));
    assert!(
        dir.join("labels.csv").is_file(),
        "test corpus not found at {} (set PREFLIGHT_CORPUS to the folder holding labels.csv)",
        dir.display()
    );
    dir
}

/// A small RFC 4180 reader: quoted fields may hold commas, newlines and doubled quotes.
pub fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    field.push('"');
                    chars.next();
                }
                '"' => quoted = false,
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' => quoted = true,
            ',' => row.push(std::mem::take(&mut field)),
            '\r' => {}
            '\n' => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            _ => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

pub fn labels(dir: &Path) -> Vec<HashMap<String, String>> {
    let text = std::fs::read_to_string(dir.join("labels.csv")).expect("labels.csv readable");
    let mut rows = parse_csv(&text).into_iter();
    let header = rows.next().expect("labels.csv has a header");
    rows.filter(|r| r.len() == header.len()).map(|r| header.iter().cloned().zip(r).collect()).collect()
}

/// Label format names → ours (`Extended WEBP` is ExifTool's name for a VP8X WebP).
pub fn normalise_format(label: &str) -> String {
    match label {
        "Extended WEBP" | "WEBP" => "WEBP".into(),
        other => other.to_ascii_uppercase(),
    }
}
