//! Checks: a brief's rule + the evidence about a file → findings.
//!
//! One file per check family; each file holds its rule (options, defaults, validation) and its
//! evaluation, so a reader finds everything about "resolution" in `resolution.rs`.

use crate::metadata::Metadata;
use crate::probe::Probe;
use crate::report::Finding;

/// What is known about one file when the checks run.
#[derive(Debug, Clone, Copy)]
pub struct Evidence<'a> {
    /// The name the caller gave (used for the extension check).
    pub file_name: &'a str,
    pub file_size: u64,
    pub probe: &'a Probe,
    pub metadata: &'a Metadata,
    /// The current time as Unix seconds (UTC), for "capture time in the future". The core never
    /// reads a clock itself; callers pass it (and tests pin it).
    pub now_unix_s: Option<i64>,
}

/// Every rule a brief can set; `None` means the brief does not ask.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rules {}

/// Runs every check the rules ask for, in a fixed order.
pub fn run(rules: &Rules, ev: &Evidence<'_>) -> Vec<Finding> {
    let _ = (rules, ev);
    Vec::new()
}
