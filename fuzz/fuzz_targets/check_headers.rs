//! The check's fast path: the whole pipeline under a brief of header and metadata rules only
//! (format, resolution, aspect, bit depth, EXIF, capture time, GPS, labels, privacy), so no
//! pixel is decoded — thousands of inputs a second where `check` (every pixel measure) manages
//! tens. The privacy findings, report JSON and manifest row are built for every input.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use preflight::brief::Brief;
use preflight::source::SliceSource;
use preflight::{Context, check};

static BRIEF: LazyLock<Brief> = LazyLock::new(|| {
    Brief::parse(
        r#"{"preflight_brief": 1, "name": "headers", "checks": {
            "format": {"allow": ["jpeg", "png", "tiff", "webp", "heic", "avif"]},
            "resolution": {"min_megapixels": 1},
            "exif": {"required": ["DateTimeOriginal", "Make"], "recommended": ["Artist", "GPSLatitude"]},
            "capture_time": {"allow_future": false},
            "gps": {"reject_null_island": true},
            "labels": {"min_depth": 2},
            "privacy": {"forbid": ["gps", "location_text", "serial_numbers", "photographer", "camera_owner", "xmp_history"]}}}"#,
    )
    .expect("the fuzz brief is valid")
});

fuzz_target!(|data: &[u8]| {
    let mut src = SliceSource(data);
    let (report, _) =
        check(&mut src, "fuzz.jpg", &BRIEF, &Context { now_unix_s: Some(1_700_000_000), detectors: None });
    let _ = report.to_json();
});
