//! What a file is when it is not an image format preflight knows: the usual suspects found on
//! cards and in download folders (a failed copy that left zeros, an HTML error page saved under
//! an image name, a PDF, an archive, a video), so the `format` finding can say so in plain words.
//!
//! # Allocations
//! None: it looks at the head the probe already read.

/// A plain-words description of `head` (the file's first bytes, up to a few KB), or `None` when
/// it looks like nothing in particular (random or unknown binary data).
pub fn identify(head: &[u8]) -> Option<&'static str> {
    if head.is_empty() {
        return None;
    }
    if head.iter().all(|&b| b == 0) {
        return Some("all zero bytes: its data was never written (an interrupted copy or a damaged card)");
    }
    let starts = |magic: &[u8]| head.starts_with(magic);
    if starts(b"%PDF-") {
        return Some("a PDF document");
    }
    if starts(b"PK\x03\x04") || starts(b"Rar!\x1a\x07") || starts(b"7z\xbc\xaf\x27\x1c") || starts(&[0x1f, 0x8b]) {
        return Some("an archive (ZIP, RAR, 7z or gzip): unpack it and check the photos inside");
    }
    if head.get(4..8) == Some(b"ftyp") || head.get(4..8) == Some(b"moov") || starts(b"\x1a\x45\xdf\xa3") {
        return Some("a video or audio file, not a still image");
    }
    // Text: skip a UTF-8 byte-order mark and leading white space, then look at the start.
    let text = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let printable = text.iter().take(512).all(|&b| b >= 0x20 || matches!(b, b'\n' | b'\r' | b'\t') || b >= 0x80);
    if !printable {
        return None;
    }
    let start: Vec<u8> =
        text.iter().skip_while(|b| b.is_ascii_whitespace()).take(64).map(u8::to_ascii_lowercase).collect();
    Some(if start.starts_with(b"<!doctype html") || start.starts_with(b"<html") {
        "an HTML page (often a failed download or an error page saved under an image name)"
    } else if start.starts_with(b"<svg") || (start.starts_with(b"<?xml") && text.windows(4).any(|w| w == b"<svg")) {
        "an SVG drawing (vector graphics, not a photo)"
    } else if start.starts_with(b"<?xml") || start.starts_with(b"<x:xmpmeta") {
        "an XML document (an XMP sidecar holds metadata only, not the photo)"
    } else {
        "text, not an image"
    })
}

#[cfg(test)]
mod tests {
    use super::identify;

    #[test]
    fn names_the_usual_suspects_and_nothing_else() {
        assert!(identify(&[0; 4096]).unwrap().starts_with("all zero bytes"));
        assert!(identify(b"\xef\xbb\xbf  <!DOCTYPE HTML>\n<html>").unwrap().starts_with("an HTML page"));
        assert!(identify(b"<?xml version=\"1.0\"?>\n<svg xmlns=...").unwrap().starts_with("an SVG"));
        assert!(identify(b"<?xml version=\"1.0\"?><x:xmpmeta/>").unwrap().starts_with("an XML"));
        assert!(identify(b"%PDF-1.7\n%\xe2\xe3").unwrap().starts_with("a PDF"));
        assert!(identify(b"PK\x03\x04\x14\0\0\0").unwrap().starts_with("an archive"));
        assert!(identify(b"\0\0\0\x18ftypisom\0\0\x02\0").unwrap().starts_with("a video"));
        assert_eq!(identify(b"hello, world\n"), Some("text, not an image"));
        assert_eq!(identify(&[0x12, 0x00, 0xfe, 0x07, 0x01]), None, "binary noise is nothing in particular");
        assert_eq!(identify(b""), None);
    }
}
