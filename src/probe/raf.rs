//! Fujifilm RAF: a fixed big-endian header (`FUJIFILMCCD-RAW `) whose directory at byte 0x54
//! points at an embedded JPEG (which carries the EXIF, read with [`super::jpeg::scan`]) and at
//! a header-record list (tag, size, data); record 0x0100 RawImageFullSize gives the sensor
//! image's height and width. Bit depth is not reported.
//!
//! # Allocations
//! None beyond fixed-size arrays (the record list is walked in place, ≤ 256 records).

use super::{Probe, jpeg};
use crate::source::{ReadError, Reader};

const MAX_RECORDS: u32 = 256;

pub fn probe(reader: &mut Reader<'_>, out: &mut Probe) -> Result<(), ReadError> {
    let mut dir = [0u8; 24];
    if reader.read_exact(0x54, &mut dir).is_err() {
        out.warnings.push("the RAF header is cut off".into());
        return Ok(());
    }
    let be = |i: usize| u32::from_be_bytes([dir[i], dir[i + 1], dir[i + 2], dir[i + 3]]) as u64;
    let (jpeg_offset, jpeg_len, records_offset) = (be(0), be(4), be(8));

    // The embedded JPEG: its APP segments hold the EXIF. Its SOF is the preview's size, which
    // is not the main image, so keep only the metadata locations.
    if jpeg_len > 0 && jpeg_offset + 2 <= reader.len() && reader.u16_at(jpeg_offset, true)? == 0xFFD8 {
        let mut preview = Probe::default();
        jpeg::scan(reader, jpeg_offset, &mut preview)?;
        out.exif = preview.exif;
        out.xmp = preview.xmp;
        out.iptc = preview.iptc;
        out.icc = preview.icc;
    } else {
        out.warnings.push("the RAF's embedded JPEG (which holds the EXIF) cannot be found".into());
    }

    if let Ok(count) = reader.u32_at(records_offset, true) {
        let mut pos = records_offset + 4;
        for _ in 0..count.min(MAX_RECORDS) {
            let Ok(tag) = reader.u16_at(pos, true) else { break };
            let Ok(size) = reader.u16_at(pos + 2, true) else { break };
            if tag == 0x0100 && size >= 4 {
                let h = reader.u16_at(pos + 4, true)? as u32;
                let w = reader.u16_at(pos + 6, true)? as u32;
                if w > 0 && h > 0 {
                    out.width = Some(w);
                    out.height = Some(h);
                }
                break;
            }
            pos += 4 + size as u64;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::probe::{Format, probe};
    use crate::source::{Reader, SliceSource};

    #[test]
    fn header_records_and_embedded_jpeg() {
        let mut f = b"FUJIFILMCCD-RAW 0201FF383501".to_vec();
        f.resize(0x54, 0);
        let jpeg_at = 0x100u32;
        let records_at = 0x80u32;
        for v in [jpeg_at, 40, records_at, 12, 0, 0] {
            f.extend_from_slice(&v.to_be_bytes());
        }
        f.resize(records_at as usize, 0);
        f.extend_from_slice(&[0, 0, 0, 1, 0x01, 0x00, 0, 4, 0x0F, 0xA0, 0x17, 0x70]);
        f.resize(jpeg_at as usize, 0);
        f.extend_from_slice(&[0xFF, 0xD8, 0xFF, 0xE1, 0, 16]);
        f.extend_from_slice(b"Exif\0\0MM\0*\0\0\0\x08");
        f.extend_from_slice(&[0xFF, 0xD9]);
        let mut src = SliceSource(&f);
        let mut r = Reader::new(&mut src);
        let p = probe(&mut r).unwrap();
        assert_eq!(p.format, Some(Format::Raf));
        assert_eq!((p.width, p.height), (Some(6000), Some(4000)));
        assert_eq!(p.exif.len(), 1);
        // Cut-off header.
        let mut src = SliceSource(&f[..0x40]);
        let mut r = Reader::new(&mut src);
        assert_eq!(probe(&mut r).unwrap().format, Some(Format::Raf));
    }
}
