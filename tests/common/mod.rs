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

pub fn labels(dir: &Path) -> Vec<HashMap<String, String>> {
    let text = std::fs::read_to_string(dir.join("labels.csv")).expect("labels.csv readable");
    let mut rows = preflight::csv::parse(&text).into_iter();
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
