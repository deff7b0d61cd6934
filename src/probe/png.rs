//! PNG: IHDR (size, bit depth) and the chunk list up to IEND, reading only chunk headers and a
//! short keyword for text chunks. eXIf is found wherever it sits (some writers put it after
//! IDAT, so the walk continues past the pixel data, jumping over it by chunk lengths).
//! iTXt `XML:com.adobe.xmp` (uncompressed) is the XMP; iCCP marks an ICC profile.
//!
//! # Allocations
//! 8-byte chunk headers and an ≤ 80-byte keyword per text chunk.

use super::{Block, Probe};
use crate::source::{ReadError, Reader};

/// Chunks walked before giving up (a guard against a file of millions of empty chunks).
const MAX_CHUNKS: usize = 100_000;

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
                "the PNG chunk {} runs past the end of the file: it is cut off",
                String::from_utf8_lossy(&kind)
            ));
        }
        match &kind {
            b"IHDR" if !seen_ihdr => {
                seen_ihdr = true;
                let mut ihdr = [0u8; 9];
                if len >= 13 && reader.read_exact(data, &mut ihdr).is_ok() {
                    out.width = Some(u32::from_be_bytes([ihdr[0], ihdr[1], ihdr[2], ihdr[3]]));
                    out.height = Some(u32::from_be_bytes([ihdr[4], ihdr[5], ihdr[6], ihdr[7]]));
                    out.bit_depth = Some(ihdr[8]);
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
            b"iTXt" if out.xmp.is_none() => itxt_xmp(reader, data, len, out),
            b"iCCP" => out.icc = true,
            b"IEND" => return Ok(()),
            _ => {}
        }
        pos = data + len + 4;
    }
    out.warnings.push("the PNG has too many chunks; stopped reading".into());
    Ok(())
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
        v.extend_from_slice(&[0, 0, 0, 0]); // CRC not checked
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
            chunk(b"IDAT", &[1, 2, 3]),
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
    fn truncated_and_huge_chunks() {
        let p = run(&png(&[chunk(b"IHDR", &[0, 0])]));
        assert_eq!(p.width, None);
        let mut f = png(&[chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0])]);
        f.extend_from_slice(&[0xFF, 0xFF, 0xFF, 0xFF, b'e', b'X', b'I', b'f']);
        let p = run(&f);
        assert_eq!(p.width, Some(1));
        assert!(!p.warnings.is_empty());
    }
}
