//! Formats preflight recognises but does not inspect deeply: GIF, BMP, PSD (size and depth
//! from their fixed headers) and JPEG XL (magic only).
//!
//! # Allocations
//! None beyond a fixed 26-byte header array.

use super::{Format, Probe};
use crate::source::Reader;

pub fn probe(reader: &mut Reader<'_>, format: Format, out: &mut Probe) {
    out.format = Some(format);
    let head = reader.read_up_to(0, 30).unwrap_or_default();
    let le16 = |i: usize| head.get(i..i + 2).map(|b| u16::from_le_bytes([b[0], b[1]]) as u32);
    let le32 = |i: usize| head.get(i..i + 4).map(|b| i32::from_le_bytes([b[0], b[1], b[2], b[3]]));
    let be16 = |i: usize| head.get(i..i + 2).map(|b| u16::from_be_bytes([b[0], b[1]]) as u32);
    let be32 = |i: usize| head.get(i..i + 4).map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]));
    match format {
        Format::Gif => {
            out.width = le16(6);
            out.height = le16(8);
            out.bit_depth = Some(8);
        }
        Format::Bmp => {
            out.width = le32(18).map(|w| w.unsigned_abs());
            out.height = le32(22).map(|h| h.unsigned_abs());
            out.bit_depth = le16(28).and_then(|b| u8::try_from(b).ok());
        }
        Format::Psd => {
            out.height = be32(14);
            out.width = be32(18);
            out.bit_depth = be16(22).and_then(|b| u8::try_from(b).ok());
        }
        _ => {}
    }
    if out.width.is_none() && format != Format::Jxl {
        out.warnings.push("the file's header is cut off".into());
    }
}

#[cfg(test)]
mod tests {
    use crate::probe::{Format, probe};
    use crate::source::{Reader, SliceSource};

    fn run(bytes: &[u8]) -> crate::probe::Probe {
        let mut src = SliceSource(bytes);
        let mut r = Reader::new(&mut src);
        probe(&mut r).unwrap()
    }

    #[test]
    fn gif_bmp_psd_jxl() {
        let p = run(b"GIF89a\x40\x01\xf0\x00\0\0\0");
        assert_eq!((p.format, p.width, p.height), (Some(Format::Gif), Some(320), Some(240)));
        let mut bmp = b"BM".to_vec();
        bmp.resize(14, 0);
        bmp.extend_from_slice(&40u32.to_le_bytes());
        bmp.extend_from_slice(&10i32.to_le_bytes());
        bmp.extend_from_slice(&(-20i32).to_le_bytes());
        bmp.extend_from_slice(&[1, 0, 24, 0]);
        let p = run(&bmp);
        assert_eq!((p.format, p.width, p.height, p.bit_depth), (Some(Format::Bmp), Some(10), Some(20), Some(24)));
        let mut psd = b"8BPS\0\x01\0\0\0\0\0\0\0\x03".to_vec();
        psd.extend_from_slice(&[0, 0, 0, 7, 0, 0, 0, 9, 0, 16]);
        let p = run(&psd);
        assert_eq!((p.format, p.width, p.height, p.bit_depth), (Some(Format::Psd), Some(9), Some(7), Some(16)));
        assert_eq!(run(&[0xFF, 0x0A, 0, 0]).format, Some(Format::Jxl));
        assert_eq!(run(b"GIF89a").width, None);
    }
}
