//! TIFF structure (and the TIFF-based RAW formats): the header, IFD entries and their values,
//! plus the probe of a file that *is* a TIFF (TIFF, DNG, CR2, NEF, ARW, PEF, SRW, ORF, RW2).
//!
//! [`Tiff`] is shared with [`crate::metadata::exif`]: every offset is relative to the start of
//! the TIFF structure (`base`) and every read is bounded to the structure's length, so EXIF
//! embedded in a JPEG's APP1 or a CR3's CMT box is read the same way as a whole TIFF file.
//!
//! # Allocations
//! One IFD read allocates its entries (at most [`MAX_IFD_ENTRIES`] × 12 bytes); a value read
//! allocates at most its declared size, capped by the caller (strings ≤ [`MAX_STRING`]).
//! The probe visits at most [`MAX_IFDS`] IFDs.
//!
//! # How a TIFF-based RAW is told apart from a plain TIFF
//! The file extension is not available, so the decision is made from content:
//! - DNG: IFD0 holds DNGVersion (0xC612).
//! - CR2: `CR` at byte 8 of a TIFF header.
//! - ORF / RW2: their own header magic (`IIRO`/`IIRS`/`MMOR`, `IIU\0`).
//! - NEF / ARW / PEF / SRW: IFD0's Make names the vendor (NIKON / SONY / PENTAX or RICOH /
//!   SAMSUNG) *and* the file has a raw hint: some IFD (IFD0, its chain, or a SubIFD) holds
//!   sensor data (PhotometricInterpretation CFA 32803 or LinearRaw 34892, or a compression
//!   outside the ordinary image set {1, 5, 6, 7, 8, 32773, 32946}), or IFD0 carries SubIFDs
//!   (0x014A) or DNGPrivateData / Sony SR2Private (0xC634). A processed camera TIFF has none of
//!   these and stays TIFF. Stripped RAWs (pixel data removed, SubIFD pointers dangling) are
//!   still recognised by the SubIFDs / 0xC634 tags.
//!
//! The main image is the largest-area IFD whose NewSubfileType (0x00FE) is 0 (or absent):
//! for a DNG or NEF that is the raw SubIFD, not the IFD0 preview.

use super::{Block, Format, Probe};
use crate::source::{ReadError, Reader, human_bytes};

/// More entries than this in one IFD is garbage, not a photo.
pub const MAX_IFD_ENTRIES: u16 = 1000;
/// IFDs visited by one probe (IFD0 chain + SubIFDs), a guard against loops and bombs.
pub const MAX_IFDS: usize = 64;
/// Longest string value read.
pub const MAX_STRING: u64 = 64 * 1024;

pub const TAG_NEW_SUBFILE_TYPE: u16 = 0x00FE;
pub const TAG_IMAGE_WIDTH: u16 = 0x0100;
pub const TAG_IMAGE_HEIGHT: u16 = 0x0101;
pub const TAG_BITS_PER_SAMPLE: u16 = 0x0102;
pub const TAG_COMPRESSION: u16 = 0x0103;
pub const TAG_PHOTOMETRIC: u16 = 0x0106;
pub const TAG_MAKE: u16 = 0x010F;
pub const TAG_SUB_IFDS: u16 = 0x014A;
pub const TAG_XMP: u16 = 0x02BC;
pub const TAG_IPTC: u16 = 0x83BB;
pub const TAG_ICC: u16 = 0x8773;
pub const TAG_EXIF_IFD: u16 = 0x8769;
pub const TAG_GPS_IFD: u16 = 0x8825;
pub const TAG_DNG_VERSION: u16 = 0xC612;
pub const TAG_DNG_PRIVATE_DATA: u16 = 0xC634;

/// A TIFF structure located in the file: `base` is where its byte-order mark sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tiff {
    pub base: u64,
    pub len: u64,
    pub big_endian: bool,
    /// The 16-bit magic after the byte-order mark (42 for TIFF, 0x4F52/0x5352 ORF, 0x55 RW2).
    pub magic: u16,
    pub ifd0: u32,
}

/// One IFD entry: the tag, its type and count, and where its value bytes are (absolute).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    pub tag: u16,
    pub kind: u16,
    pub count: u32,
    /// Absolute file offset of the value bytes (inline or pointed to).
    pub value_pos: u64,
    /// `count × size of kind` (0 for an unknown kind).
    pub value_len: u64,
}

/// Size in bytes of one value of a TIFF field type (0 for unknown types).
pub fn type_size(kind: u16) -> u64 {
    match kind {
        1 | 2 | 6 | 7 => 1,
        3 | 8 => 2,
        4 | 9 | 11 | 13 => 4,
        5 | 10 | 12 => 8,
        _ => 0,
    }
}

impl Tiff {
    /// Reads the 8-byte header at `block.offset`. `None` if it is not a TIFF header.
    pub fn parse(reader: &mut Reader<'_>, block: Block) -> Option<Tiff> {
        if block.len < 8 {
            return None;
        }
        let mut h = [0u8; 8];
        reader.read_exact(block.offset, &mut h).ok()?;
        let big_endian = match &h[..2] {
            b"II" => false,
            b"MM" => true,
            _ => return None,
        };
        let magic = if big_endian { u16::from_be_bytes([h[2], h[3]]) } else { u16::from_le_bytes([h[2], h[3]]) };
        if !matches!(magic, 42 | 0x4F52 | 0x5352 | 0x55) {
            return None;
        }
        let ifd0 = if big_endian {
            u32::from_be_bytes([h[4], h[5], h[6], h[7]])
        } else {
            u32::from_le_bytes([h[4], h[5], h[6], h[7]])
        };
        Some(Tiff { base: block.offset, len: block.len, big_endian, magic, ifd0 })
    }

    fn u16_of(&self, b: &[u8]) -> u16 {
        if self.big_endian { u16::from_be_bytes([b[0], b[1]]) } else { u16::from_le_bytes([b[0], b[1]]) }
    }

    fn u32_of(&self, b: &[u8]) -> u32 {
        if self.big_endian {
            u32::from_be_bytes([b[0], b[1], b[2], b[3]])
        } else {
            u32::from_le_bytes([b[0], b[1], b[2], b[3]])
        }
    }

    /// Reads the IFD at `offset` (relative to `base`): its entries and the next-IFD offset.
    /// Entries whose value would lie outside the structure are dropped; an IFD that runs past
    /// the end keeps the entries that fit (next offset 0).
    pub fn read_ifd(&self, reader: &mut Reader<'_>, offset: u32) -> Result<(Vec<Entry>, u32), String> {
        let offset = offset as u64;
        if offset < 8 || offset + 2 > self.len {
            return Err(format!("an IFD offset ({offset}) points outside the TIFF structure"));
        }
        let count = reader.u16_at(self.base + offset, self.big_endian).map_err(|e| e.to_string())?;
        if count == 0 {
            return Ok((Vec::new(), 0)); // an empty directory (e.g. a GPS IFD with nothing in it)
        }
        if count > MAX_IFD_ENTRIES {
            return Err(format!("an IFD declares {count} entries, which is not plausible"));
        }
        let wanted = 12 * count as u64 + 4;
        let available = self.len.saturating_sub(offset + 2);
        let bytes =
            reader.read_vec(self.base + offset + 2, wanted.min(available), wanted, "IFD").map_err(|e| e.to_string())?;
        let mut entries = Vec::with_capacity(count as usize);
        for raw in bytes.chunks_exact(12) {
            let tag = self.u16_of(&raw[0..2]);
            let kind = self.u16_of(&raw[2..4]);
            let count = self.u32_of(&raw[4..8]);
            let value_len = type_size(kind).saturating_mul(count as u64);
            let entry_pos = self.base + offset + 2 + (entries.len() as u64) * 12;
            let value_pos = if value_len <= 4 {
                entry_pos + 8
            } else {
                let rel = self.u32_of(&raw[8..12]) as u64;
                if rel.saturating_add(value_len) > self.len {
                    // Keep the entry (its presence may matter) but mark the value unreadable.
                    entries.push(Entry { tag, kind, count, value_pos: u64::MAX, value_len });
                    continue;
                }
                self.base + rel
            };
            entries.push(Entry { tag, kind, count, value_pos, value_len });
        }
        let next = if bytes.len() as u64 == wanted { self.u32_of(&bytes[bytes.len() - 4..]) } else { 0 };
        Ok((entries, next))
    }

    /// Whether an entry's value bytes lie inside the structure.
    pub fn readable(&self, e: &Entry) -> bool {
        e.value_pos != u64::MAX && type_size(e.kind) > 0
    }

    /// The `index`-th unsigned integer (BYTE, SHORT, LONG, or their signed kin clamped at 0).
    pub fn uint(&self, reader: &mut Reader<'_>, e: &Entry, index: u32) -> Option<u32> {
        if !self.readable(e) || index >= e.count {
            return None;
        }
        let size = type_size(e.kind);
        let pos = e.value_pos + index as u64 * size;
        match e.kind {
            1 | 7 => reader.u8_at(pos).ok().map(u32::from),
            6 => reader.u8_at(pos).ok().map(|v| (v as i8).max(0) as u32),
            3 => reader.u16_at(pos, self.big_endian).ok().map(u32::from),
            8 => reader.u16_at(pos, self.big_endian).ok().map(|v| (v as i16).max(0) as u32),
            4 | 13 => reader.u32_at(pos, self.big_endian).ok(),
            9 => reader.u32_at(pos, self.big_endian).ok().map(|v| (v as i32).max(0) as u32),
            _ => None,
        }
    }

    /// The `index`-th value as a float (RATIONAL, SRATIONAL, integers, FLOAT, DOUBLE).
    /// A rational with a zero denominator is `None` (ExifTool shows `inf`/`undef`).
    pub fn float(&self, reader: &mut Reader<'_>, e: &Entry, index: u32) -> Option<f64> {
        if !self.readable(e) || index >= e.count {
            return None;
        }
        let pos = e.value_pos + index as u64 * type_size(e.kind);
        match e.kind {
            5 => {
                let n = reader.u32_at(pos, self.big_endian).ok()?;
                let d = reader.u32_at(pos + 4, self.big_endian).ok()?;
                (d != 0).then(|| n as f64 / d as f64)
            }
            10 => {
                let n = reader.u32_at(pos, self.big_endian).ok()? as i32;
                let d = reader.u32_at(pos + 4, self.big_endian).ok()? as i32;
                (d != 0).then(|| n as f64 / d as f64)
            }
            11 => reader.u32_at(pos, self.big_endian).ok().map(|b| f32::from_bits(b) as f64),
            12 => reader.u64_at(pos, self.big_endian).ok().map(f64::from_bits),
            8 => reader.u16_at(pos, self.big_endian).ok().map(|v| v as i16 as f64),
            9 => reader.u32_at(pos, self.big_endian).ok().map(|v| v as i32 as f64),
            _ => self.uint(reader, e, index).map(f64::from),
        }
    }

    /// An ASCII (or UNDEFINED/BYTE text) value: cut at the first NUL, trailing spaces trimmed,
    /// non-UTF-8 bytes replaced. Empty → `None`.
    pub fn string(&self, reader: &mut Reader<'_>, e: &Entry) -> Option<String> {
        if !self.readable(e) || !matches!(e.kind, 1 | 2 | 7) {
            return None;
        }
        let len = e.value_len.min(MAX_STRING);
        let bytes = reader.read_vec(e.value_pos, len, MAX_STRING, "text value").ok()?;
        let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
        let s = String::from_utf8_lossy(&bytes[..end]);
        let s = s.trim_matches(|c: char| c.is_whitespace() || c.is_control()).to_string();
        (!s.is_empty()).then_some(s)
    }

    /// A pointer-valued entry (LONG or IFD type): the offset it holds.
    pub fn pointer(&self, reader: &mut Reader<'_>, e: &Entry, index: u32) -> Option<u32> {
        match e.kind {
            3 | 4 | 13 => self.uint(reader, e, index).filter(|&o| o != 0),
            _ => None,
        }
    }

    /// Absolute block of an entry's value bytes (for XMP / IPTC / ICC tags).
    pub fn value_block(&self, e: &Entry) -> Option<Block> {
        (self.readable(e) && e.value_len > 0).then_some(Block { offset: e.value_pos, len: e.value_len })
    }
}

pub fn find(entries: &[Entry], tag: u16) -> Option<&Entry> {
    entries.iter().find(|e| e.tag == tag)
}

/// What the probe learns from one image IFD.
#[derive(Debug, Clone, Copy, Default)]
struct ImageIfd {
    subfile_type: u32,
    width: u32,
    height: u32,
    bits: Option<u8>,
    raw_data: bool,
    /// Where its image data ends (absolute): the furthest strip or tile end.
    data_end: Option<u64>,
}

/// Strip or tile entries read to find where an image's data ends (a 100 MP image in 8 KB
/// strips has about 36 000).
pub const MAX_STRIPS: u32 = 65_536;

/// The furthest end of the image's strips (StripOffsets + StripByteCounts) or tiles, absolute.
fn data_end(tiff: &Tiff, reader: &mut Reader<'_>, entries: &[Entry]) -> Option<u64> {
    let mut end: Option<u64> = None;
    for (offsets, counts) in [(0x0111, 0x0117), (0x0144, 0x0145)] {
        let (Some(o), Some(c)) = (find(entries, offsets), find(entries, counts)) else { continue };
        for i in 0..o.count.min(c.count).min(MAX_STRIPS) {
            let (Some(at), Some(len)) = (tiff.uint(reader, o, i), tiff.uint(reader, c, i)) else { break };
            let e = tiff.base + at as u64 + len as u64;
            end = Some(end.map_or(e, |x| x.max(e)));
        }
    }
    end
}

fn image_ifd(tiff: &Tiff, reader: &mut Reader<'_>, entries: &[Entry]) -> ImageIfd {
    let get = |reader: &mut Reader<'_>, tag| find(entries, tag).and_then(|e| tiff.uint(reader, e, 0));
    let photometric = get(reader, TAG_PHOTOMETRIC);
    let compression = get(reader, TAG_COMPRESSION);
    let raw_data = matches!(photometric, Some(32803 | 34892))
        || compression.is_some_and(|c| !matches!(c, 1 | 5 | 6 | 7 | 8 | 32773 | 32946));
    ImageIfd {
        subfile_type: get(reader, TAG_NEW_SUBFILE_TYPE).unwrap_or(0),
        width: get(reader, TAG_IMAGE_WIDTH).unwrap_or(0),
        height: get(reader, TAG_IMAGE_HEIGHT).unwrap_or(0),
        bits: get(reader, TAG_BITS_PER_SAMPLE).and_then(|b| u8::try_from(b).ok()),
        raw_data,
        data_end: data_end(tiff, reader, entries),
    }
}

/// Probes a file that starts with a TIFF(-like) header: format, main image, metadata blocks.
pub fn probe(reader: &mut Reader<'_>, out: &mut Probe) -> Result<(), ReadError> {
    let whole = Block { offset: 0, len: reader.len() };
    let Some(tiff) = Tiff::parse(reader, whole) else {
        out.format = Some(Format::Tiff);
        out.warnings.push("the file starts like a TIFF but its header is damaged".into());
        return Ok(());
    };
    let mut head = [0u8; 10];
    reader.read_exact(0, &mut head)?;
    out.exif.push(whole);

    let (ifd0, ifd0_next) = match tiff.read_ifd(reader, tiff.ifd0) {
        Ok(v) => v,
        Err(e) => {
            out.format = Some(match tiff.magic {
                0x55 => Format::Rw2,
                0x4F52 | 0x5352 => Format::Orf,
                _ => Format::Tiff,
            });
            out.warnings.push(format!("the TIFF structure cannot be read: {e}"));
            return Ok(());
        }
    };
    if tiff.magic == 0x55 {
        return probe_rw2(reader, &tiff, &ifd0, out);
    }
    for (tag, slot) in [(TAG_XMP, 0), (TAG_IPTC, 1)] {
        if let Some(b) = find(&ifd0, tag).and_then(|e| tiff.value_block(e)) {
            if slot == 0 { out.xmp = Some(b) } else { out.iptc = Some(b) }
        }
    }
    out.icc = find(&ifd0, TAG_ICC).is_some();

    // Visit IFD0, its chain (IFD1 …) and SubIFDs: bounded, no revisits.
    let mut queue: Vec<(u32, bool)> = vec![(tiff.ifd0, true)];
    let mut seen: Vec<u32> = Vec::new();
    let mut images: Vec<ImageIfd> = Vec::new();
    let mut looped = false;
    while let Some((offset, follow_chain)) = queue.pop() {
        if seen.contains(&offset) {
            looped = true;
            continue;
        }
        if seen.len() >= MAX_IFDS {
            out.warnings.push(format!("the TIFF holds more than {MAX_IFDS} image directories; the rest were skipped"));
            break;
        }
        seen.push(offset);
        let read = if offset == tiff.ifd0 { Ok((ifd0.clone(), ifd0_next)) } else { tiff.read_ifd(reader, offset) };
        let (entries, next) = match read {
            Ok(v) => v,
            Err(e) => {
                out.warnings.push(format!("an image directory cannot be read: {e}"));
                continue;
            }
        };
        images.push(image_ifd(&tiff, reader, &entries));
        if let Some(e) = find(&entries, TAG_SUB_IFDS) {
            for i in 0..e.count.min(MAX_IFDS as u32) {
                if let Some(o) = tiff.pointer(reader, e, i) {
                    queue.push((o, false));
                }
            }
        }
        if follow_chain && next != 0 {
            queue.push((next, true));
        }
    }

    let make = find(&ifd0, TAG_MAKE).and_then(|e| tiff.string(reader, e)).unwrap_or_default().to_ascii_uppercase();
    let raw_hint = images.iter().any(|i| i.raw_data)
        || find(&ifd0, TAG_SUB_IFDS).is_some()
        || find(&ifd0, TAG_DNG_PRIVATE_DATA).is_some();
    out.format = Some(if find(&ifd0, TAG_DNG_VERSION).is_some() {
        Format::Dng
    } else if &head[8..10] == b"CR" && tiff.magic == 42 {
        Format::Cr2
    } else if matches!(tiff.magic, 0x4F52 | 0x5352) {
        Format::Orf
    } else if raw_hint && make.starts_with("NIKON") {
        Format::Nef
    } else if raw_hint && make.starts_with("SONY") {
        Format::Arw
    } else if raw_hint && (make.starts_with("PENTAX") || make.starts_with("RICOH")) {
        Format::Pef
    } else if raw_hint && make.starts_with("SAMSUNG") {
        Format::Srw
    } else {
        Format::Tiff
    });

    if looped {
        out.warnings.push("the TIFF's image directories point at each other in a loop; the loop was cut".into());
    }
    let main = images
        .iter()
        .filter(|i| i.subfile_type & 1 == 0 && i.width > 0 && i.height > 0)
        .max_by_key(|i| i.width as u64 * i.height as u64);
    if let Some(m) = main {
        out.width = Some(m.width);
        out.height = Some(m.height);
        out.bit_depth = m.bits;
        if let Some(end) = m.data_end.filter(|&e| e > reader.len()) {
            out.warnings.push(format!(
                "the file ends after {} but its image data runs to {}: the image is cut off",
                human_bytes(reader.len()),
                human_bytes(end)
            ));
        }
    }
    Ok(())
}

/// Panasonic RW2: IFD0 holds SensorWidth (0x0002), SensorHeight (0x0003), BitsPerSample
/// (0x000A) and the ordinary Make/Model/ExifIFD tags.
fn probe_rw2(reader: &mut Reader<'_>, tiff: &Tiff, ifd0: &[Entry], out: &mut Probe) -> Result<(), ReadError> {
    out.format = Some(Format::Rw2);
    out.width = find(ifd0, 0x0002).and_then(|e| tiff.uint(reader, e, 0)).filter(|&v| v > 0);
    out.height = find(ifd0, 0x0003).and_then(|e| tiff.uint(reader, e, 0)).filter(|&v| v > 0);
    out.bit_depth = find(ifd0, 0x000A).and_then(|e| tiff.uint(reader, e, 0)).and_then(|b| u8::try_from(b).ok());
    if let Some(b) = find(ifd0, TAG_XMP).and_then(|e| tiff.value_block(e)) {
        out.xmp = Some(b);
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::source::SliceSource;

    /// Builds a little-endian TIFF: header + one IFD at offset 8 with the given SHORT/LONG
    /// entries (values inline), then `extra` bytes appended after the IFD.
    pub fn tiff_le(entries: &[(u16, u16, u32, u32)], next: u32) -> Vec<u8> {
        let mut v = b"II*\0\x08\0\0\0".to_vec();
        v.extend_from_slice(&(entries.len() as u16).to_le_bytes());
        for &(tag, kind, count, value) in entries {
            v.extend_from_slice(&tag.to_le_bytes());
            v.extend_from_slice(&kind.to_le_bytes());
            v.extend_from_slice(&count.to_le_bytes());
            v.extend_from_slice(&value.to_le_bytes());
        }
        v.extend_from_slice(&next.to_le_bytes());
        v
    }

    fn run(bytes: &[u8]) -> Probe {
        let mut src = SliceSource(bytes);
        let mut r = Reader::new(&mut src);
        let mut p = Probe::default();
        probe(&mut r, &mut p).unwrap();
        p
    }

    #[test]
    fn plain_tiff_dimensions_and_depth() {
        let t = tiff_le(&[(0x100, 3, 1, 640), (0x101, 3, 1, 480), (0x102, 3, 1, 16), (0x103, 3, 1, 1)], 0);
        let p = run(&t);
        assert_eq!(p.format, Some(Format::Tiff));
        assert_eq!((p.width, p.height, p.bit_depth), (Some(640), Some(480), Some(16)));
        assert_eq!(p.exif, vec![Block { offset: 0, len: t.len() as u64 }]);
    }

    #[test]
    fn dng_by_version_tag() {
        let t = tiff_le(&[(0x100, 4, 1, 10), (0x101, 4, 1, 10), (0xC612, 1, 4, 0x0000_0401)], 0);
        assert_eq!(run(&t).format, Some(Format::Dng));
    }

    #[test]
    fn sony_make_with_sr2_private_is_arw_but_plain_sony_tiff_is_tiff() {
        let mut t = tiff_le(&[(0x10F, 2, 4, u32::from_le_bytes(*b"SONY")), (0xC634, 1, 4, 0)], 0);
        assert_eq!(run(&t).format, Some(Format::Arw));
        t = tiff_le(&[(0x10F, 2, 4, u32::from_le_bytes(*b"SONY")), (0x103, 3, 1, 1)], 0);
        assert_eq!(run(&t).format, Some(Format::Tiff));
    }

    #[test]
    fn ifd_loop_and_bad_offsets_do_not_hang() {
        // next-IFD pointing at itself, SubIFD pointing at itself and past the end.
        let t = tiff_le(&[(0x100, 3, 1, 5), (0x101, 3, 1, 5), (0x14A, 4, 1, 8)], 8);
        let p = run(&t);
        assert_eq!(p.width, Some(5));
        assert!(p.warnings.iter().any(|w| w.contains("loop")), "{:?}", p.warnings);
        let t = tiff_le(&[(0x14A, 4, 1, 0xFFFF_FFF0)], 0xFFFF_FF00);
        run(&t);
        // Absurd entry count.
        let mut t = b"II*\0\x08\0\0\0\xff\xff".to_vec();
        t.extend_from_slice(&[0u8; 32]);
        assert_eq!(run(&t).format, Some(Format::Tiff));
    }

    #[test]
    fn strips_past_the_end_say_the_image_is_cut_off() {
        // One strip of 3000 bytes at offset 100: the file is far shorter.
        let t = tiff_le(&[(0x100, 3, 1, 50), (0x101, 3, 1, 20), (0x111, 4, 1, 100), (0x117, 4, 1, 3000)], 0);
        let p = run(&t);
        assert!(
            p.warnings
                .iter()
                .any(|w| w == "the file ends after 62 bytes but its image data runs to 3 KB: the image is cut off"),
            "{:?}",
            p.warnings
        );
        let mut whole = t.clone();
        whole.resize(3100, 0);
        assert!(run(&whole).warnings.is_empty());
    }

    #[test]
    fn value_out_of_bounds_is_unreadable_not_a_panic() {
        let t = tiff_le(&[(0x10F, 2, 100, 0xFFFF_0000)], 0);
        let mut src = SliceSource(&t);
        let mut r = Reader::new(&mut src);
        let tiff = Tiff::parse(&mut r, Block { offset: 0, len: t.len() as u64 }).unwrap();
        let (entries, _) = tiff.read_ifd(&mut r, 8).unwrap();
        assert_eq!(tiff.string(&mut r, &entries[0]), None);
    }
}
