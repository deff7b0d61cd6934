//! The header probe on arbitrary bytes: format, size, metadata block locations.
#![no_main]

use libfuzzer_sys::fuzz_target;
use preflight::source::{Reader, SliceSource};

fuzz_target!(|data: &[u8]| {
    let mut src = SliceSource(data);
    let mut reader = Reader::new(&mut src);
    let _ = reader.prefetch_head_and_tail();
    let _ = preflight::probe::probe(&mut reader);
});
