//! The whole pipeline, as the CLI and the browser run it: probe, metadata, pixel decode and
//! every pixel measure (the brief of `tests/fixtures/malformed/brief.json`), checks, report JSON.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use preflight::brief::Brief;
use preflight::source::SliceSource;
use preflight::{Context, check};

static BRIEF: LazyLock<Brief> = LazyLock::new(|| {
    Brief::parse(include_str!("../../tests/fixtures/malformed/brief.json")).expect("the test brief is valid")
});

fuzz_target!(|data: &[u8]| {
    let mut src = SliceSource(data);
    let (report, _) =
        check(&mut src, "fuzz.jpg", &BRIEF, &Context { now_unix_s: Some(1_700_000_000), detectors: None });
    let _ = report.to_json();
});
