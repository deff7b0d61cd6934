//! The clean-copy rewriters (JPEG, PNG, WebP, HEIC / AVIF) on arbitrary bytes, with a brief that
//! forbids every privacy category. Any input is either refused (`Err`) or yields a copy that
//! preflight's own probe parses and whose metadata holds nothing of any forbidden category:
//! no GPS position, no identifying tag, no editing history, no user-account path, no C2PA
//! manifest. A copy that still held one would be a "clean" copy that is not clean.
#![no_main]

use libfuzzer_sys::fuzz_target;
use preflight::brief::Brief;
use preflight::source::{Reader, SliceSource};

fuzz_target!(|data: &[u8]| {
    // No privacy block: everything identifying goes.
    let brief = Brief::parse(r#"{"preflight_brief": 1, "name": "fuzz"}"#).unwrap();
    let Ok(copy) = preflight::clean::clean(data, &brief.rules, &[]) else { return };
    let mut src = SliceSource(&copy.bytes);
    let mut reader = Reader::new(&mut src);
    let probe = preflight::probe::probe(&mut reader).expect("a clean copy the probe cannot read");
    assert!(probe.content_credentials.is_none(), "a C2PA manifest survived");
    let m = preflight::metadata::read(&mut reader, &probe);
    assert!(m.gps.is_none(), "a GPS position survived: {:?}", m.gps);
    assert!(m.privacy.sightings.is_empty(), "identifying tags survived: {:?}", m.privacy.sightings);
    assert_eq!(m.privacy.xmp_history_events, 0, "editing history survived");
    assert!(m.privacy.xmp_personal_paths.is_empty(), "paths survived: {:?}", m.privacy.xmp_personal_paths);
});
