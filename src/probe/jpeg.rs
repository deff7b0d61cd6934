//! JPEG: walks the marker segments from SOI to the first SOS, by their lengths, without reading
//! their payloads except a short signature (APP1 Exif / XMP, APP2 ICC, APP13 Photoshop).
//! Takes width, height and precision from the first SOF (the primary image: thumbnails live
//! inside APP segments and are skipped). Also checks the last two bytes for EOI (one small read).
//!
//! [`scan`] takes a base offset so a RAF's embedded JPEG is read the same way.
//!
//! # Allocations
//! A 32-byte signature per APP segment; an APP13 payload (≤ 64 KB) to find the IPTC resource.

use super::{Block, Probe};
use crate::source::{ReadError, Reader, human_bytes};

/// Segments walked before giving up (a real JPEG has a few dozen before SOS).
const MAX_SEGMENTS: usize = 4096;
/// Bytes searched for the next marker when garbage sits between segments.
const RESYNC_WINDOW: u64 = 4096;

const XMP_SIGNATURE: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";

/// Reads the JPEG whose SOI is at `base`. Fills dimensions, precision, metadata blocks.
pub fn scan(reader: &mut Reader<'_>, base: u64, out: &mut Probe) -> Result<(), ReadError> {
    let file_len = reader.len();
    let mut pos = base + 2;
    let mut found_sof = false;
    let mut huffman_sequential = false;
    let mut segments = 0;
    loop {
        if segments == MAX_SEGMENTS {
            out.warnings
                .push(format!("the JPEG has more than {MAX_SEGMENTS} segments before its image data; stopped reading"));
            break;
        }
        segments += 1;
        let mut m = [0u8; 2];
        if reader.read_exact(pos, &mut m).is_err() {
            out.warnings.push("the JPEG ends before its image data starts: it is cut off".into());
            break;
        }
        if m[0] != 0xFF {
            match resync(reader, pos)? {
                Some(p) => {
                    out.warnings.push(format!("stray bytes between JPEG segments at byte {pos}; skipped"));
                    pos = p;
                    continue;
                }
                None => {
                    out.warnings.push(format!("the JPEG structure is broken at byte {pos}"));
                    break;
                }
            }
        }
        let marker = m[1];
        if marker == 0xFF {
            pos += 1; // fill byte
            continue;
        }
        if marker == 0xD8 || marker == 0x01 || (0xD0..=0xD7).contains(&marker) {
            pos += 2; // standalone markers
            continue;
        }
        if marker == 0xD9 {
            break;
        }
        let seg_len = match reader.u16_at(pos + 2, true) {
            Ok(l) => l as u64,
            Err(_) => {
                out.warnings.push("the JPEG is cut off inside a segment header".into());
                break;
            }
        };
        if seg_len < 2 {
            out.warnings.push(format!("a JPEG segment at byte {pos} declares an impossible length"));
            break;
        }
        let payload = pos + 4;
        let payload_len = seg_len - 2;
        if payload + payload_len > file_len {
            out.warnings.push(format!("a JPEG segment at byte {pos} runs past the end of the file"));
        }
        match marker {
            0xE1 => app1(reader, payload, payload_len, out),
            0xE2 if signature(reader, payload, payload_len, 12).starts_with(b"ICC_PROFILE\0") => out.icc = true,
            0xED => app13(reader, payload, payload_len, out),
            // APP11 "JP": JPEG-XT boxes; a JUMBF labelled c2pa is a Content Credentials manifest.
            0xEB if is_c2pa_app11(&signature(reader, payload, payload_len, 64)) => {
                let seen = out.content_credentials.map_or(0, |(_, n)| n);
                out.content_credentials = Some(("JPEG APP11", seen + payload_len));
            }
            0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) && !found_sof => {
                found_sof = true;
                huffman_sequential = matches!(marker, 0xC0 | 0xC1);
                let mut sof = [0u8; 5];
                if payload_len >= 5 && reader.read_exact(payload, &mut sof).is_ok() {
                    out.bit_depth = Some(sof[0]);
                    let h = u16::from_be_bytes([sof[1], sof[2]]) as u32;
                    let w = u16::from_be_bytes([sof[3], sof[4]]) as u32;
                    out.width = Some(w);
                    // Height 0 means "defined by DNL later": report it as unknown.
                    out.height = (h > 0).then_some(h);
                } else {
                    out.warnings.push("the JPEG frame header (SOF) is cut off".into());
                }
            }
            0xDA => break,
            _ => {}
        }
        pos = payload + payload_len;
    }
    if !found_sof {
        out.warnings.push("the JPEG has no frame header (SOF): its size is unknown".into());
    }
    if huffman_sequential && let (Some(w), Some(h)) = (out.width, out.height) {
        let needed = min_sequential_bytes(w, h);
        let have = file_len.saturating_sub(base);
        if have < needed {
            out.header_exceeds_file(w, h, have, needed);
        }
    }
    Ok(())
}

/// An APP11 payload that carries (part of) a C2PA manifest store: `JP`, box instance, sequence
/// number, then JUMBF boxes whose description is labelled `c2pa`.
pub fn is_c2pa_app11(head: &[u8]) -> bool {
    head.starts_with(b"JP") && head.windows(4).any(|w| w == b"jumb") && head.windows(4).any(|w| w == b"c2pa")
}

/// The fewest bytes a baseline (Huffman, sequential) JPEG of `w × h` pixels can take: every
/// 8 × 8 block of its full-resolution component codes at least a DC and an AC symbol, each at
/// least one bit. A file below this cannot hold the image its header declares.
pub fn min_sequential_bytes(w: u32, h: u32) -> u64 {
    let blocks = (w as u64).div_ceil(8) * (h as u64).div_ceil(8);
    blocks.div_ceil(4)
}

/// Bytes at the end of the file searched for the end-of-image marker (writers such as Nikon or
/// Photoshop append small trailers after FFD9).
const TAIL_WINDOW: u64 = 4096;

/// Checks that the file's end holds the FFD9 end-of-image marker: one read of at most
/// [`TAIL_WINDOW`] bytes at the tail. (FF D9 cannot occur inside entropy-coded data, so finding
/// it near the end means the image data is complete.)
pub fn check_tail(reader: &mut Reader<'_>, out: &mut Probe) -> Result<(), ReadError> {
    let len = reader.len();
    if len >= 4 {
        let start = len.saturating_sub(TAIL_WINDOW).max(2);
        let tail = reader.read_up_to(start, (len - start) as usize)?;
        if !tail.windows(2).any(|w| w == [0xFF, 0xD9]) {
            out.warnings.push(format!(
                "the JPEG does not end with an end-of-image marker: the image is probably cut off after {} (or more than {} of other data follows it)",
                human_bytes(len),
                human_bytes(TAIL_WINDOW)
            ));
        }
    }
    Ok(())
}

/// First `n` bytes of a payload (fewer if the segment or file is shorter).
fn signature(reader: &mut Reader<'_>, payload: u64, payload_len: u64, n: usize) -> Vec<u8> {
    reader.read_up_to(payload, n.min(payload_len as usize)).unwrap_or_default()
}

fn clamp(reader: &Reader<'_>, offset: u64, len: u64) -> Block {
    Block { offset, len: len.min(reader.len().saturating_sub(offset)) }
}

fn app1(reader: &mut Reader<'_>, payload: u64, payload_len: u64, out: &mut Probe) {
    let sig = signature(reader, payload, payload_len, XMP_SIGNATURE.len());
    if sig.len() >= 6 && &sig[..5] == b"Exif\0" {
        // "Exif\0\0" (a few writers put 0xFF as the sixth byte).
        out.exif.push(clamp(reader, payload + 6, payload_len - 6));
    } else if sig.len() >= 4 && (&sig[..4] == b"II*\0" || &sig[..4] == b"MM\0*") {
        out.warnings.push("an EXIF segment lacks its \"Exif\" header; read anyway".into());
        out.exif.push(clamp(reader, payload, payload_len));
    } else if sig.starts_with(b"FLIR\0") && payload_len > 8 && out.flir.len() < 256 {
        // A FLIR thermal camera's FFF data, split over APP1 segments (8-byte header each).
        out.flir.push(clamp(reader, payload + 8, payload_len - 8));
    } else if sig == XMP_SIGNATURE {
        let n = XMP_SIGNATURE.len() as u64;
        let block = clamp(reader, payload + n, payload_len - n);
        if out.xmp.is_none() {
            out.xmp = Some(block);
        } else if out.more_xmp.len() < 8 {
            out.more_xmp.push(block);
        }
    }
}

/// APP13 "Photoshop 3.0\0": 8BIM resources; 0x0404 is IPTC-IIM.
fn app13(reader: &mut Reader<'_>, payload: u64, payload_len: u64, out: &mut Probe) {
    const SIG: &[u8] = b"Photoshop 3.0\0";
    if out.iptc.is_some() || !signature(reader, payload, payload_len, SIG.len()).starts_with(SIG) {
        return;
    }
    let Ok(data) = reader.read_up_to(payload, payload_len as usize) else { return };
    if let Some((start, len)) = photoshop_iptc(&data[SIG.len()..]) {
        out.iptc = Some(Block { offset: payload + (SIG.len() + start) as u64, len: len as u64 });
    }
}

/// Finds resource 0x0404 in a Photoshop image-resource list: (start, len) within `data`.
pub fn photoshop_iptc(data: &[u8]) -> Option<(usize, usize)> {
    let mut p = 0usize;
    while p + 12 <= data.len() {
        if &data[p..p + 4] != b"8BIM" {
            return None;
        }
        let id = u16::from_be_bytes([data[p + 4], data[p + 5]]);
        let name_len = data[p + 6] as usize;
        let name_total = (1 + name_len + 1) & !1; // Pascal string padded to even
        let size_at = p + 6 + name_total;
        let size_bytes = data.get(size_at..size_at + 4)?;
        let size = u32::from_be_bytes([size_bytes[0], size_bytes[1], size_bytes[2], size_bytes[3]]) as usize;
        let start = size_at + 4;
        if id == 0x0404 {
            let len = size.min(data.len().saturating_sub(start));
            return (len > 0).then_some((start, len));
        }
        p = start.checked_add(size)?.checked_add(size & 1)?;
    }
    None
}

/// Looks for the next `FF xx` marker (xx not 00/FF) within a small window.
fn resync(reader: &mut Reader<'_>, pos: u64) -> Result<Option<u64>, ReadError> {
    let window = reader.read_up_to(pos, RESYNC_WINDOW as usize)?;
    Ok(window.windows(2).position(|w| w[0] == 0xFF && w[1] != 0 && w[1] != 0xFF).map(|i| pos + i as u64))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::{Format, probe};
    use crate::source::SliceSource;

    fn run(bytes: &[u8]) -> Probe {
        let mut src = SliceSource(bytes);
        let mut r = Reader::new(&mut src);
        probe(&mut r).unwrap()
    }

    fn segment(marker: u8, payload: &[u8]) -> Vec<u8> {
        let mut v = vec![0xFF, marker];
        v.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
        v.extend_from_slice(payload);
        v
    }

    #[test]
    fn sof_exif_xmp_icc() {
        let mut f = vec![0xFF, 0xD8];
        f.extend(segment(0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"));
        f.extend(segment(0xE1, b"Exif\0\0II*\0\x08\0\0\0"));
        f.extend(segment(0xE1, b"http://ns.adobe.com/xap/1.0/\0<x/>"));
        f.extend(segment(0xE2, b"ICC_PROFILE\0\x01\x01"));
        f.extend(segment(0xC0, &[8, 0, 68, 0, 100, 3, 1, 0x22, 0]));
        f.extend(segment(0xDA, &[1, 1, 0, 0, 63, 0]));
        f.extend([0x12, 0x34, 0xFF, 0xD9]);
        let p = run(&f);
        assert_eq!(p.format, Some(Format::Jpeg));
        assert_eq!((p.width, p.height, p.bit_depth), (Some(100), Some(68), Some(8)));
        assert_eq!(p.exif, vec![Block { offset: 2 + 18 + 4 + 6, len: 8 }]);
        assert_eq!(p.xmp.map(|b| b.len), Some(4));
        assert!(p.icc);
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
    }

    #[test]
    fn iptc_in_app13() {
        let mut res = b"Photoshop 3.0\08BIM\x04\x04\0\0\0\0\0\x05".to_vec();
        res.extend_from_slice(b"\x1c\x02\x00\x00\x00\0");
        let mut f = vec![0xFF, 0xD8];
        f.extend(segment(0xED, &res));
        f.extend(segment(0xC0, &[8, 0, 1, 0, 1, 1, 1, 0x11, 0]));
        let p = run(&f);
        assert_eq!(p.iptc, Some(Block { offset: 2 + 4 + 14 + 12, len: 5 }));
    }

    #[test]
    fn a_header_declaring_more_pixels_than_the_file_can_hold_is_flagged() {
        let jpeg = |w: u16, h: u16, scan_bytes: usize| {
            let mut f = vec![0xFF, 0xD8];
            let [h0, h1] = h.to_be_bytes();
            let [w0, w1] = w.to_be_bytes();
            f.extend(segment(0xC0, &[8, h0, h1, w0, w1, 1, 1, 0x11, 0]));
            f.extend(segment(0xDA, &[1, 1, 0, 0, 63, 0]));
            f.extend(vec![0u8; scan_bytes]);
            f.extend([0xFF, 0xD9]);
            f
        };
        // 10000 × 10000: 1 562 500 blocks need ≥ 390 625 bytes.
        assert_eq!(min_sequential_bytes(10_000, 10_000), 390_625);
        let p = run(&jpeg(10_000, 10_000, 1000));
        let w = p.warnings.iter().find(|w| w.contains("cannot hold them")).expect("flagged");
        assert!(w.contains("10000 × 10000") && w.contains("391 KB"), "{w}");
        assert!(p.header_exceeds_file, "its pixels are not to be decoded");
        // Just enough bytes: no warning (a flat image could be this small).
        assert!(run(&jpeg(800, 800, 2500)).warnings.is_empty(), "{:?}", run(&jpeg(800, 800, 2500)).warnings);
        // Progressive files can be smaller (end-of-band runs): not judged.
        let mut f = jpeg(10_000, 10_000, 1000);
        f[3] = 0xC2;
        assert!(run(&f).warnings.is_empty());
    }

    #[test]
    fn truncated_and_broken_jpegs_are_ok_with_warnings() {
        // Truncated SOF.
        let p = run(&[0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x11, 8, 0]);
        assert_eq!(p.format, Some(Format::Jpeg));
        assert_eq!(p.width, None);
        assert!(!p.warnings.is_empty());
        // Endless fill bytes and empty segments: bounded, and said.
        let mut f = vec![0xFF, 0xD8];
        for _ in 0..5000 {
            f.extend(segment(0xFE, b""));
        }
        assert!(run(&f).warnings.iter().any(|w| w.contains("more than 4096 segments")));
        // Zero segment length, huge segment length, garbage.
        run(&[0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x00, 0xFF, 0xD9]);
        run(&[0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF, b'E', b'x', b'i', b'f', 0, 0]);
        run(&[0xFF, 0xD8, 0xFF, 0x00, 0x00, 0x00, 0x00]);
        // A small trailer after EOI is not a cut-off file; missing EOI is.
        let mut f = vec![0xFF, 0xD8];
        f.extend(segment(0xC0, &[8, 0, 1, 0, 1, 1, 1, 0x11, 0]));
        f.extend(segment(0xDA, &[1, 1, 0, 0, 63, 0]));
        f.extend([0x12, 0x34, 0xFF, 0xD9]);
        f.extend([0xA1; 100]);
        assert!(run(&f).warnings.is_empty());
        f.truncate(f.len() - 102);
        assert!(run(&f).warnings.iter().any(|w| w.contains("end-of-image") && w.contains("cut off after 27 bytes")));
        let p = run(&[0xFF, 0xD8, 0xFF]);
        assert!(p.warnings.iter().any(|w| w.contains("end-of-image") || w.contains("cut off")));
    }
}
