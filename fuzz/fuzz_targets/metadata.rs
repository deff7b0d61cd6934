//! The metadata readers on arbitrary bytes: whatever blocks the probe locates, and the whole
//! input read directly as an EXIF (TIFF) block, an XMP packet and IPTC-IIM data.
#![no_main]

use libfuzzer_sys::fuzz_target;
use preflight::metadata::{self, Metadata, exif, iptc, xmp};
use preflight::probe::Block;
use preflight::source::{Reader, SliceSource};

fuzz_target!(|data: &[u8]| {
    let mut src = SliceSource(data);
    let mut reader = Reader::new(&mut src);
    if let Ok(p) = preflight::probe::probe(&mut reader) {
        let _ = metadata::read(&mut reader, &p);
    }
    let whole = Block { offset: 0, len: data.len() as u64 };
    let mut m = Metadata::default();
    exif::read(&mut reader, whole, &mut m);
    xmp::read(&mut reader, whole, &mut m);
    iptc::read(&mut reader, whole, &mut m);
});
