//! PNG: IHDR (size, bit depth) and the chunk list up to IEND, reading only chunk headers and a
//! short keyword for text chunks. iTXt `XML:com.adobe.xmp` (uncompressed) is the XMP; a text
//! chunk keyed `Raw profile type iptc` is the IPTC; iCCP marks an ICC profile.
//!
//! eXIf is found wherever it sits. Some writers put it (and text chunks) *after* the pixel data,
//! but walking a large PNG's IDAT chunks (often 8 KB each) would touch the whole file. So the
//! walk stops at the first IDAT of a file larger than the reader's head, and the chunks after the
//! pixel data are found in the file's tail instead: every candidate there is accepted only if its
//! CRC-32 checks out, so stray bytes inside compressed data cannot pass for a chunk.
//!
//! # Allocations
//! 8-byte chunk headers, an ≤ 80-byte keyword per text chunk, and one tail window of at most
//! [`TAIL`] bytes for files larger than [`Reader::HEAD`].

use super::{Block, Probe};
use crate::source::{ReadError, Reader, human_bytes};

/// Chunks walked before giving up (a guard against a file of millions of empty chunks). A
/// PNG's pixel data starts within a few dozen chunks; a file of at most [`Reader::HEAD`] bytes
/// (the only kind walked through its IDATs) has room for about 5 500 empty chunks.
const MAX_CHUNKS: usize = 10_000;
/// The best compression deflate can reach (a 258-byte match coded in 2 bits): a PNG whose file
/// is smaller than its raw scanlines ÷ this cannot hold the image its header declares.
pub const DEFLATE_MAX_RATIO: u64 = 1032;
/// How much of a large file's end is searched for chunks that follow the pixel data.
pub const TAIL: u64 = 64 * 1024;

pub fn probe(reader: &mut Reader<'_>, out: &mut Probe) -> Result<(), ReadError> {
    let file_len = reader.len();
    let mut pos = 8u64;
    let mut seen_ihdr = false;
    for _ in 0..MAX_CHUNKS {
        let mut header = [0u8; 8];
        if reader.read_exact(pos, &mut header).is_err() {
            out.warnings.push("the PNG ends without an IEND chunk: it may be cut off".into());
            return Ok(());
        }
        let len = u32::from_be_bytes([header[0], header[1], header[2], header[3]]) as u64;
        let kind = [header[4], header[5], header[6], header[7]];
        let data = pos + 8;
        if data + len > file_len {
            out.warnings.push(format!(
                "the file ends after {} but its {} chunk runs to {}: the image is cut off",
                human_bytes(file_len),
                String::from_utf8_lossy(&kind),
                human_bytes(data + len + 4)
            ));
        }
        match &kind {
            b"IHDR" if !seen_ihdr => {
                seen_ihdr = true;
                let mut ihdr = [0u8; 10];
                if len >= 13 && reader.read_exact(data, &mut ihdr).is_ok() {
                    let w = u32::from_be_bytes([ihdr[0], ihdr[1], ihdr[2], ihdr[3]]);
                    let h = u32::from_be_bytes([ihdr[4], ihdr[5], ihdr[6], ihdr[7]]);
                    out.width = Some(w);
                    out.height = Some(h);
                    out.bit_depth = Some(ihdr[8]);
                    let needed = raw_bytes(w, h, ihdr[8], ihdr[9]) / DEFLATE_MAX_RATIO;
                    if file_len < needed {
                        out.header_exceeds_file(w, h, file_len, needed);
                    }
                } else {
                    out.warnings.push("the PNG header chunk (IHDR) is damaged".into());
                }
            }
            b"eXIf" if len > 0 => {
                let mut offset = data;
                let mut block_len = len.min(file_len.saturating_sub(data));
                // A few writers keep the JPEG "Exif\0\0" prefix inside the chunk.
                let mut prefix = [0u8; 6];
                if block_len > 6 && reader.read_exact(data, &mut prefix).is_ok() && &prefix == b"Exif\0\0" {
                    offset += 6;
                    block_len -= 6;
                }
                out.exif.push(Block { offset, len: block_len });
            }
            b"tEXt" | b"zTXt" | b"iTXt" if out.iptc.is_none() && is_raw_iptc(reader, data) => {
                out.iptc = Some(Block { offset: data, len: len.min(file_len.saturating_sub(data)) })
            }
            b"tEXt" | b"zTXt" | b"iTXt" if is_metadata_text(reader, data) => {
                push_text(out, Block { offset: data, len: len.min(file_len.saturating_sub(data)) })
            }
            b"iTXt" if out.xmp.is_none() => itxt_xmp(reader, data, len, out),
            b"iCCP" => out.icc = true,
            b"caBX" => out.content_credentials = Some(("PNG caBX", len)),
            b"IDAT" if file_len > Reader::HEAD => return tail_chunks(reader, data + len + 4, out),
            b"IEND" => return Ok(()),
            _ => {}
        }
        pos = data + len + 4;
    }
    out.warnings.push("the PNG has too many chunks; stopped reading".into());
    Ok(())
}

/// Bytes of the image's filtered scanlines (what the IDAT stream inflates to, without
/// interlacing): `height × (1 + ⌈width × bits per pixel / 8⌉)`, saturating (a hostile IHDR's
/// 2³² × 2³² × 255-bit pixels overflow 64 bits).
pub fn raw_bytes(w: u32, h: u32, bit_depth: u8, colour_type: u8) -> u64 {
    let samples = match colour_type {
        2 => 3,
        4 => 2,
        6 => 4,
        _ => 1,
    };
    let row_bits = w as u64 * samples * bit_depth as u64;
    (h as u64).saturating_mul(1 + row_bits.div_ceil(8))
}

/// Finds the CRC-valid chunks in the last [`TAIL`] bytes (but not before `from`) and records the
/// metadata among them; warns when no IEND closes the file.
fn tail_chunks(reader: &mut Reader<'_>, from: u64, out: &mut Probe) -> Result<(), ReadError> {
    let file_len = reader.len();
    let start = from.max(file_len.saturating_sub(TAIL)).min(file_len);
    let tail = reader.read_vec(start, file_len - start, TAIL, "PNG tail")?;
    let mut saw_iend = false;
    let mut i = 0usize;
    while i + 12 <= tail.len() {
        let kind = &tail[i + 4..i + 8];
        let interesting = matches!(kind, b"eXIf" | b"iTXt" | b"tEXt" | b"zTXt" | b"iCCP" | b"caBX" | b"IEND");
        let len = u32::from_be_bytes([tail[i], tail[i + 1], tail[i + 2], tail[i + 3]]) as usize;
        if !interesting || len > tail.len() - i - 12 {
            i += 1;
            continue;
        }
        let crc_at = i + 8 + len;
        let crc = u32::from_be_bytes([tail[crc_at], tail[crc_at + 1], tail[crc_at + 2], tail[crc_at + 3]]);
        if crc32(&tail[i + 4..crc_at]) != crc {
            i += 1;
            continue;
        }
        let data = start + i as u64 + 8;
        match kind {
            b"eXIf" if len > 6 && &tail[i + 8..i + 14] == b"Exif\0\0" => {
                out.exif.push(Block { offset: data + 6, len: len as u64 - 6 })
            }
            b"eXIf" if len > 0 => out.exif.push(Block { offset: data, len: len as u64 }),
            b"tEXt" | b"zTXt" | b"iTXt" if out.iptc.is_none() && is_raw_iptc(reader, data) => {
                out.iptc = Some(Block { offset: data, len: len as u64 })
            }
            b"tEXt" | b"zTXt" | b"iTXt" if is_metadata_text(reader, data) => {
                push_text(out, Block { offset: data, len: len as u64 })
            }
            b"iTXt" if out.xmp.is_none() => itxt_xmp(reader, data, len as u64, out),
            b"iCCP" => out.icc = true,
            b"caBX" => out.content_credentials = Some(("PNG caBX", len as u64)),
            b"IEND" => saw_iend = true,
            _ => {}
        }
        i = crc_at + 4;
    }
    if !saw_iend {
        out.warnings.push("the PNG ends without an IEND chunk: it may be cut off".into());
    }
    Ok(())
}

/// CRC-32 (ISO-HDLC, as PNG and zip use it), bitwise: only run over small chunks (a few tail
/// chunks here, the metadata chunks a clean copy rewrites).
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = if crc & 1 != 0 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// A text chunk keyed `Raw profile type iptc` (ImageMagick/ExifTool's hex dump of IPTC-IIM,
/// compressed in zTXt); [`crate::metadata::iptc`] decodes the whole chunk data.
fn is_raw_iptc(reader: &mut Reader<'_>, data: u64) -> bool {
    const KEY: &[u8] = b"Raw profile type iptc\0";
    let mut head = [0u8; 22];
    reader.read_exact(data, &mut head).is_ok() && head == KEY
}

/// Text chunk keywords read as metadata (see [`Probe::png_text`]).
pub const METADATA_TEXT: [&[u8]; 4] =
    [b"Author\0", b"Raw profile type exif\0", b"Raw profile type APP1\0", b"Raw profile type xmp\0"];

fn is_metadata_text(reader: &mut Reader<'_>, data: u64) -> bool {
    let head = reader.read_up_to(data, 24).unwrap_or_default();
    METADATA_TEXT.iter().any(|k| head.starts_with(k))
}

fn push_text(out: &mut Probe, block: Block) {
    if out.png_text.len() < 16 && !out.png_text.contains(&block) {
        out.png_text.push(block);
    }
}

/// iTXt: keyword \0 compression-flag compression-method language \0 translated \0 text.
fn itxt_xmp(reader: &mut Reader<'_>, data: u64, len: u64, out: &mut Probe) {
    const KEY: &[u8] = b"XML:com.adobe.xmp\0";
    let Ok(head) = reader.read_up_to(data, (len as usize).min(256)) else { return };
    if !head.starts_with(KEY) || head.len() < KEY.len() + 2 {
        return;
    }
    if head[KEY.len()] != 0 {
        return; // compressed XMP: not a plain block in the file
    }
    let mut p = KEY.len() + 2;
    for _ in 0..2 {
        match head[p..].iter().position(|&b| b == 0) {
            Some(i) => p += i + 1,
            None => return,
        }
    }
    let start = data + p as u64;
    let end = (data + len).min(reader.len());
    if end > start {
        out.xmp = Some(Block { offset: start, len: end - start });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::{Format, probe as probe_any};
    use crate::source::SliceSource;

    fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut v = (data.len() as u32).to_be_bytes().to_vec();
        v.extend_from_slice(kind);
        v.extend_from_slice(data);
        let crc = crc32(&v[4..]);
        v.extend_from_slice(&crc.to_be_bytes());
        v
    }

    fn png(chunks: &[Vec<u8>]) -> Vec<u8> {
        let mut v = b"\x89PNG\r\n\x1a\n".to_vec();
        for c in chunks {
            v.extend_from_slice(c);
        }
        v
    }

    fn run(bytes: &[u8]) -> Probe {
        let mut src = SliceSource(bytes);
        let mut r = Reader::new(&mut src);
        probe_any(&mut r).unwrap()
    }

    #[test]
    fn ihdr_and_exif_after_idat_and_xmp() {
        let f = png(&[
            chunk(b"IHDR", &[0, 0, 1, 0, 0, 0, 0, 200, 16, 2, 0, 0, 0]),
            chunk(b"IDAT", &[1; 300]), // 300 KB of 16-bit RGB scanlines need ≥ 298 bytes
            chunk(b"iTXt", b"XML:com.adobe.xmp\0\0\0\0\0<x:xmpmeta/>"),
            chunk(b"eXIf", b"MM\0*\0\0\0\x08"),
            chunk(b"IEND", &[]),
        ]);
        let p = run(&f);
        assert_eq!(p.format, Some(Format::Png));
        assert_eq!((p.width, p.height, p.bit_depth), (Some(256), Some(200), Some(16)));
        assert_eq!(p.exif.len(), 1);
        assert_eq!(p.exif[0].len, 8);
        assert_eq!(p.xmp.map(|b| b.len), Some(12));
        assert!(p.warnings.is_empty());
    }

    #[test]
    fn crc_matches_the_png_spec_example() {
        assert_eq!(crc32(b"IEND"), 0xAE42_6082);
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926, "the standard check value");
    }

    #[test]
    fn a_large_png_is_not_walked_through_its_pixel_data() {
        // 1 MB of IDAT in 8 KB chunks, then eXIf and IEND: found from the tail, file not read.
        let mut chunks = vec![chunk(b"IHDR", &[0, 0, 1, 0, 0, 0, 1, 0, 8, 2, 0, 0, 0])];
        let mut noise = 12345u32;
        for _ in 0..128 {
            let data: Vec<u8> = (0..8192)
                .map(|_| {
                    noise = noise.wrapping_mul(1_103_515_245).wrapping_add(12345);
                    (noise >> 16) as u8
                })
                .collect();
            chunks.push(chunk(b"IDAT", &data));
        }
        chunks.push(chunk(b"eXIf", b"MM\0*\0\0\0\x08"));
        chunks.push(chunk(b"IEND", &[]));
        let f = png(&chunks);
        let mut src = SliceSource(&f);
        let mut r = Reader::new(&mut src);
        let p = probe_any(&mut r).unwrap();
        assert_eq!((p.width, p.height), (Some(256), Some(256)));
        assert_eq!(p.exif.len(), 1);
        assert_eq!(p.exif[0].len, 8);
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        assert!(r.bytes_read < 200_000, "read {} of {}", r.bytes_read, f.len());

        // The same file cut off inside the pixel data: no IEND in the tail.
        let cut = &f[..f.len() / 2];
        let mut src = SliceSource(cut);
        let mut r = Reader::new(&mut src);
        let p = probe_any(&mut r).unwrap();
        assert!(p.warnings.iter().any(|w| w.contains("cut off")), "{:?}", p.warnings);
    }

    #[test]
    fn a_header_declaring_more_pixels_than_the_file_can_hold_is_flagged() {
        let ihdr = |w: u32, h: u32| {
            let mut d = w.to_be_bytes().to_vec();
            d.extend(h.to_be_bytes());
            d.extend([8, 2, 0, 0, 0]);
            chunk(b"IHDR", &d)
        };
        // 100000 × 100000 RGB: 30 GB of scanlines need ≥ 29 MB even at deflate's best.
        assert_eq!(raw_bytes(100_000, 100_000, 8, 2), 100_000 * 300_001);
        let p = run(&png(&[ihdr(100_000, 100_000), chunk(b"IDAT", &[0; 16]), chunk(b"IEND", &[])]));
        let w = p.warnings.iter().find(|w| w.contains("cannot hold them")).expect("flagged");
        assert!(w.contains("100000 × 100000") && w.contains("29.1 MB"), "{w}");
        assert!(p.header_exceeds_file);
        // 1000 × 1000 RGB (3 MB of scanlines) fits in ≥ 2.9 KB.
        let p = run(&png(&[ihdr(1000, 1000), chunk(b"IDAT", &[0; 3000]), chunk(b"IEND", &[])]));
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        assert!(!p.header_exceeds_file);
    }

    #[test]
    fn truncated_and_huge_chunks() {
        let p = run(&png(&[chunk(b"IHDR", &[0, 0])]));
        assert_eq!(p.width, None);
        let mut f = png(&[chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0])]);
        f.extend_from_slice(&[0xFF, 0xFF, 0xFF, 0xFF, b'e', b'X', b'I', b'f']);
        let p = run(&f);
        assert_eq!(p.width, Some(1));
        assert!(
            p.warnings.iter().any(|w| w.contains("its eXIf chunk runs to 4.29 GB: the image is cut off")),
            "{:?}",
            p.warnings
        );
    }
}
