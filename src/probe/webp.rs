//! WebP (RIFF): the canvas size from VP8X, or from the VP8 / VP8L bitstream header of a simple
//! file; EXIF, XMP and ICCP chunks located by walking the RIFF chunk list (headers only).
//! Bit depth is always 8.
//!
//! # Allocations
//! None beyond fixed-size header arrays.

use super::{Block, Probe};
use crate::source::{ReadError, Reader, human_bytes};

const MAX_CHUNKS: usize = 10_000;

pub fn probe(reader: &mut Reader<'_>, out: &mut Probe) -> Result<(), ReadError> {
    out.bit_depth = Some(8);
    let declared_end = reader.u32_at(4, false)? as u64 + 8;
    if declared_end > reader.len() {
        out.warnings.push(format!(
            "the file ends after {} but its RIFF header says it runs to {}: the file is cut off",
            human_bytes(reader.len()),
            human_bytes(declared_end)
        ));
    }
    let riff_end = declared_end.min(reader.len());
    let mut pos = 12u64;
    for _ in 0..MAX_CHUNKS {
        if pos + 8 > riff_end {
            return Ok(());
        }
        let mut header = [0u8; 8];
        reader.read_exact(pos, &mut header)?;
        let kind = [header[0], header[1], header[2], header[3]];
        let len = u32::from_le_bytes([header[4], header[5], header[6], header[7]]) as u64;
        let data = pos + 8;
        let avail = len.min(reader.len().saturating_sub(data));
        if avail < len {
            out.warnings.push(format!(
                "the WebP chunk {} runs past the end of the file: it is cut off",
                String::from_utf8_lossy(&kind).trim_end()
            ));
        }
        match &kind {
            b"VP8X" if avail >= 10 => {
                let mut x = [0u8; 10];
                reader.read_exact(data, &mut x)?;
                out.icc |= x[0] & 0x20 != 0;
                out.width = Some(u32::from_le_bytes([x[4], x[5], x[6], 0]) + 1);
                out.height = Some(u32::from_le_bytes([x[7], x[8], x[9], 0]) + 1);
            }
            b"VP8 " if avail >= 10 => {
                let mut x = [0u8; 10];
                reader.read_exact(data, &mut x)?;
                if x[3..6] == [0x9D, 0x01, 0x2A] {
                    if out.width.is_none() {
                        out.width = Some(u16::from_le_bytes([x[6], x[7]]) as u32 & 0x3FFF);
                        out.height = Some(u16::from_le_bytes([x[8], x[9]]) as u32 & 0x3FFF);
                    }
                    // The frame tag's 19-bit size of the first partition (modes, probabilities),
                    // which follows the 10-byte header; the coefficients come after it.
                    let first_partition = (u32::from_le_bytes([x[0], x[1], x[2], 0]) >> 5) as u64;
                    if 10 + first_partition > len {
                        out.warnings.push(format!(
                            "the WebP image data is cut off: its first part needs {}, the file holds {}",
                            human_bytes(first_partition),
                            human_bytes(len - 10)
                        ));
                    }
                } else {
                    out.warnings.push("the WebP VP8 frame header is damaged".into());
                }
            }
            b"VP8L" if avail >= 5 && out.width.is_none() => {
                let mut x = [0u8; 5];
                reader.read_exact(data, &mut x)?;
                if x[0] == 0x2F {
                    let bits = u32::from_le_bytes([x[1], x[2], x[3], x[4]]);
                    out.width = Some((bits & 0x3FFF) + 1);
                    out.height = Some(((bits >> 14) & 0x3FFF) + 1);
                } else {
                    out.warnings.push("the WebP lossless header is damaged".into());
                }
            }
            b"EXIF" if avail > 0 => {
                let mut offset = data;
                let mut block_len = avail;
                let mut prefix = [0u8; 6];
                if avail > 6 && reader.read_exact(data, &mut prefix).is_ok() && &prefix == b"Exif\0\0" {
                    offset += 6;
                    block_len -= 6;
                }
                out.exif.push(Block { offset, len: block_len });
            }
            b"XMP " if avail > 0 => out.xmp = Some(Block { offset: data, len: avail }),
            b"C2PA" => out.content_credentials = Some(("WebP C2PA", avail)),
            b"ICCP" => out.icc = true,
            _ => {}
        }
        pos = data + len + (len & 1);
    }
    out.warnings.push(format!("the WebP has more than {MAX_CHUNKS} chunks; stopped reading"));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::{Format, probe as probe_any};
    use crate::source::SliceSource;

    fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut v = kind.to_vec();
        v.extend_from_slice(&(data.len() as u32).to_le_bytes());
        v.extend_from_slice(data);
        if data.len() % 2 == 1 {
            v.push(0);
        }
        v
    }

    fn riff(chunks: &[Vec<u8>]) -> Vec<u8> {
        let body: Vec<u8> = chunks.concat();
        let mut v = b"RIFF".to_vec();
        v.extend_from_slice(&((body.len() + 4) as u32).to_le_bytes());
        v.extend_from_slice(b"WEBP");
        v.extend_from_slice(&body);
        v
    }

    fn run(bytes: &[u8]) -> Probe {
        let mut src = SliceSource(bytes);
        let mut r = Reader::new(&mut src);
        probe_any(&mut r).unwrap()
    }

    #[test]
    fn vp8x_with_prefixed_exif() {
        let f = riff(&[
            chunk(b"VP8X", &[0x08, 0, 0, 0, 0x07, 0x03, 0, 0x8C, 0x03, 0]),
            chunk(b"EXIF", b"Exif\0\0II*\0\x08\0\0\0"),
        ]);
        let p = run(&f);
        assert_eq!(p.format, Some(Format::WebP));
        assert_eq!((p.width, p.height), (Some(776), Some(909)));
        assert_eq!(p.exif, vec![Block { offset: 12 + 18 + 8 + 6, len: 8 }]);
    }

    #[test]
    fn simple_lossy_and_lossless() {
        let f = riff(&[chunk(b"VP8 ", &[0, 0, 0, 0x9D, 0x01, 0x2A, 0x40, 0x01, 0xF0, 0x00])]);
        assert_eq!((run(&f).width, run(&f).height), (Some(320), Some(240)));
        // 320x240 lossless: (w-1) | (h-1) << 14
        let bits: u32 = 319 | (239 << 14);
        let mut d = vec![0x2F];
        d.extend_from_slice(&bits.to_le_bytes());
        let f = riff(&[chunk(b"VP8L", &d)]);
        assert_eq!((run(&f).width, run(&f).height), (Some(320), Some(240)));
    }

    #[test]
    fn endless_chunks_are_bounded_and_said() {
        let f = riff(&vec![chunk(b"JUNK", &[]); MAX_CHUNKS + 1]);
        assert!(run(&f).warnings.iter().any(|w| w.contains("more than 10000 chunks")));
        assert!(run(&riff(&vec![chunk(b"JUNK", &[]); 100])).warnings.is_empty());
    }

    #[test]
    fn truncated_chunk_is_a_warning() {
        let mut f = riff(&[chunk(b"VP8X", &[0; 10])]);
        f.extend_from_slice(b"EXIF\xff\xff\xff\x7f");
        f[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
        let p = run(&f);
        assert!(p.warnings.iter().any(|w| w.contains("RIFF header says it runs to 4.29 GB")), "{:?}", p.warnings);
        assert!(p.warnings.iter().any(|w| w.contains("EXIF runs past the end")), "{:?}", p.warnings);
        // A VP8 frame whose first partition (16 bytes) is missing.
        let p = run(&riff(&[chunk(b"VP8 ", &[0x10, 0x02, 0x00, 0x9D, 0x01, 0x2A, 0x40, 0x01, 0xF0, 0x00])]));
        assert!(p.warnings.iter().any(|w| w.contains("needs 16 bytes, the file holds 0 bytes")), "{:?}", p.warnings);
    }
}
