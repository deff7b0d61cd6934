//! EXIF: TIFF-structured IFDs (IFD0, ExifIFD, GPS IFD) read into [`Metadata`].
//!
//! Offsets are relative to the block start and every read is bounded to the block (see
//! [`crate::probe::tiff::Tiff`]). Both byte orders; BYTE/SHORT/LONG/RATIONAL/SRATIONAL/…
//! values. Guards: each IFD is visited once, at most 1000 entries per IFD, strings ≤ 64 KB.
//!
//! A block whose IFD0 holds only GPS tags (all tags < 0x0020, as in a CR3's CMT4 box) is read
//! as a GPS IFD; a block whose IFD0 holds Exif tags (a CR3's CMT2) is read like IFD0, since
//! IFD0 and ExifIFD tags never collide. Values already filled by an earlier block are kept
//! (first block wins).
//!
//! # Allocations
//! One IFD's entries at a time (≤ 12 KB) and each string value read (≤ 64 KB).

use super::identifying::Category;
use super::{Gps, Metadata};
use crate::probe::Block;
use crate::probe::tiff::{self, Entry, Tiff};
use crate::source::Reader;

/// Reads the TIFF structure at `block` and fills what it finds into `out`. Problems (bad
/// offsets, loops, cut-off values) go to `out.warnings`; reading never panics.
/// Returns whether the block held a readable TIFF structure.
pub fn read(reader: &mut Reader<'_>, block: Block, out: &mut Metadata) -> bool {
    let Some(tiff) = Tiff::parse(reader, block) else {
        out.warnings.push("an EXIF block does not start with a TIFF header; it was skipped".into());
        return false;
    };
    let mut visited: Vec<u32> = Vec::new();
    let Some(ifd0) = read_ifd(reader, &tiff, tiff.ifd0, &mut visited, out) else {
        return true;
    };
    if !ifd0.is_empty() && ifd0.iter().all(|e| e.tag < 0x0020) {
        read_gps(reader, &tiff, &ifd0, out);
        return true;
    }
    read_main(reader, &tiff, &ifd0, out);
    if out.privacy.thumbnail.is_none() {
        out.privacy.thumbnail = thumbnail(reader, &tiff);
    }
    let exif_ptr = tiff::find(&ifd0, tiff::TAG_EXIF_IFD).and_then(|e| tiff.pointer(reader, e, 0));
    if let Some(offset) = exif_ptr
        && let Some(entries) = read_ifd(reader, &tiff, offset, &mut visited, out)
    {
        read_main(reader, &tiff, &entries, out);
        if let Some(note) = tiff::find(&entries, 0x927C) {
            let make = out.make.clone().unwrap_or_default().to_ascii_uppercase();
            maker_note(reader, &tiff, note, &make, out);
        }
    }
    let gps_ptr = tiff::find(&ifd0, tiff::TAG_GPS_IFD).and_then(|e| tiff.pointer(reader, e, 0));
    if let Some(offset) = gps_ptr
        && let Some(entries) = read_ifd(reader, &tiff, offset, &mut visited, out)
    {
        read_gps(reader, &tiff, &entries, out);
    }
    true
}

fn read_ifd(
    reader: &mut Reader<'_>,
    tiff: &Tiff,
    offset: u32,
    visited: &mut Vec<u32>,
    out: &mut Metadata,
) -> Option<Vec<Entry>> {
    if visited.contains(&offset) {
        out.warnings.push("the EXIF directories point at each other in a loop; the loop was cut".into());
        return None;
    }
    visited.push(offset);
    match tiff.read_ifd(reader, offset) {
        Ok((entries, _)) => Some(entries),
        Err(e) => {
            out.warnings.push(format!("part of the EXIF could not be read: {e}"));
            None
        }
    }
}

fn set<T>(slot: &mut Option<T>, value: Option<T>) {
    if slot.is_none() {
        *slot = value;
    }
}

/// A positive, finite number (0 means "unknown" for these EXIF fields).
fn positive(v: Option<f64>) -> Option<f64> {
    v.filter(|x| x.is_finite() && *x > 0.0)
}

/// IFD0 and ExifIFD tags.
fn read_main(reader: &mut Reader<'_>, tiff: &Tiff, entries: &[Entry], out: &mut Metadata) {
    let text = |reader: &mut Reader<'_>, tag| tiff::find(entries, tag).and_then(|e| tiff.string(reader, e));
    let float = |reader: &mut Reader<'_>, tag| tiff::find(entries, tag).and_then(|e| tiff.float(reader, e, 0));
    let uint = |reader: &mut Reader<'_>, tag| tiff::find(entries, tag).and_then(|e| tiff.uint(reader, e, 0));

    set(&mut out.make, text(reader, 0x010F));
    set(&mut out.model, text(reader, 0x0110));
    set(&mut out.software, text(reader, 0x0131));
    set(&mut out.artist, text(reader, 0x013B));
    set(&mut out.copyright, text(reader, 0x8298));
    set(&mut out.body_serial, text(reader, 0xA431));
    set(&mut out.lens_make, text(reader, 0xA433));
    set(&mut out.lens_model, text(reader, 0xA434));
    set(&mut out.lens_serial, text(reader, 0xA435));
    for (tag, name, category) in [
        (0x013B, "Artist (0x013B)", Category::Photographer),
        (0xA430, "OwnerName (0xA430)", Category::CameraOwner),
        (0xA431, "SerialNumber (0xA431)", Category::SerialNumbers),
        (0xA435, "LensSerialNumber (0xA435)", Category::SerialNumbers),
        (0xC62F, "CameraSerialNumber (0xC62F)", Category::SerialNumbers),
    ] {
        if let Some(v) = text(reader, tag) {
            out.privacy.sighted(category, name, v);
        }
    }
    // XPAuthor: Windows' UCS-2 "Authors" field (type BYTE).
    if let Some(v) = tiff::find(entries, 0x9C9D).and_then(|e| xp_text(reader, tiff, e)) {
        out.privacy.sighted(Category::Photographer, "XPAuthor (0x9C9D)", v);
    }
    if let Some(v) = text(reader, 0x8298)
        && !out.privacy.rights.iter().any(|(t, _)| t.starts_with("Copyright (0x8298)"))
    {
        out.privacy.rights.push(("Copyright (0x8298)".into(), v));
    }
    set(&mut out.offset_time_original, text(reader, 0x9011));

    if let Some(raw) = text(reader, 0x9003) {
        let subsec = text(reader, 0x9291);
        let parsed = exif_datetime(&raw, subsec.as_deref());
        if parsed.is_none() {
            out.warnings.push(format!("DateTimeOriginal \"{raw}\" is not a valid date; it was ignored"));
        }
        set(&mut out.datetime_original, parsed);
    }
    if let Some(raw) = text(reader, 0x9004) {
        let subsec = text(reader, 0x9292);
        let parsed = exif_datetime(&raw, subsec.as_deref());
        if parsed.is_none() {
            out.warnings.push(format!("CreateDate \"{raw}\" is not a valid date; it was ignored"));
        }
        set(&mut out.create_date, parsed);
    }

    set(&mut out.focal_length_mm, positive(float(reader, 0x920A)));
    set(&mut out.focal_length_35mm, positive(float(reader, 0xA405)));
    set(&mut out.f_number, positive(float(reader, 0x829D)));
    set(&mut out.exposure_time_s, positive(float(reader, 0x829A)));

    // ISO: when the legacy SHORT field saturates at 65535, the real value is in ISOSpeed
    // (0x8833), RecommendedExposureIndex (0x8832) or StandardOutputSensitivity (0x8831).
    let iso = match uint(reader, 0x8827) {
        Some(65535) => uint(reader, 0x8833)
            .or_else(|| uint(reader, 0x8832))
            .or_else(|| uint(reader, 0x8831))
            .filter(|&v| v > 0)
            .or(Some(65535)),
        Some(0) => None,
        other => other,
    };
    set(&mut out.iso, iso);
    set(&mut out.white_balance, uint(reader, 0xA403).filter(|&v| v <= 1).map(|v| v as u16));

    if let Some(o) = uint(reader, 0x0112) {
        if (1..=8).contains(&o) {
            set(&mut out.orientation, Some(o as u16));
        } else {
            out.warnings.push(format!("Orientation {o} is not one of 1–8; it was ignored"));
        }
    }
}

fn push_serial(out: &mut Metadata, tag: &str, value: String) {
    out.privacy.sighted(Category::SerialNumbers, tag, value);
}

/// A Windows XP* field: UCS-2 little-endian text in a BYTE array, NUL-terminated.
fn xp_text(reader: &mut Reader<'_>, tiff: &Tiff, e: &Entry) -> Option<String> {
    if !tiff.readable(e) || !matches!(e.kind, 1 | 7) {
        return None;
    }
    let raw = reader.read_vec(e.value_pos, e.value_len.min(4096), 4096, "XPAuthor").ok()?;
    let units: Vec<u16> =
        raw.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).take_while(|&u| u != 0).collect();
    let s = String::from_utf16_lossy(&units).trim().to_string();
    (!s.is_empty()).then_some(s)
}

/// The IFD1 thumbnail (JPEGInterchangeFormat 0x0201 + length 0x0202), bounded to 64 KB, with its
/// size from the thumbnail's own JPEG frame header.
fn thumbnail(reader: &mut Reader<'_>, tiff: &Tiff) -> Option<super::Thumbnail> {
    let (_, next) = tiff.read_ifd(reader, tiff.ifd0).ok()?;
    if next == 0 {
        return None;
    }
    let (ifd1, _) = tiff.read_ifd(reader, next).ok()?;
    let offset = tiff::find(&ifd1, 0x0201).and_then(|e| tiff.uint(reader, e, 0))? as u64;
    let len = tiff::find(&ifd1, 0x0202).and_then(|e| tiff.uint(reader, e, 0))? as u64;
    if !(4..=65_536).contains(&len) || offset + len > tiff.len {
        return None;
    }
    let jpeg = reader.read_vec(tiff.base + offset, len, 65_536, "EXIF thumbnail").ok()?;
    let frame = crate::pixels::decode::jpeg_frame(&jpeg)?;
    Some(super::Thumbnail { width: frame.width, height: frame.height, jpeg })
}

/// Serial numbers (and Olympus' lens name) from the maker notes of the makes that keep them
/// where they are easy to reach: Canon (an IFD at the note, offsets relative to the EXIF
/// block: SerialNumber 0x000C), Nikon (`Nikon\0\x02` + its own TIFF header: SerialNumber
/// 0x001D, older bodies 0x00A0), Olympus / OM System (Equipment IFD: SerialNumber 0x0101, LensModel 0x0203).
fn maker_note(reader: &mut Reader<'_>, outer: &Tiff, note: &Entry, make: &str, out: &mut Metadata) {
    if !outer.readable(note) {
        return;
    }
    if make.starts_with("CANON") {
        let Some(at) = note.value_pos.checked_sub(outer.base).and_then(|o| u32::try_from(o).ok()) else { return };
        let Ok((entries, _)) = outer.read_ifd(reader, at) else { return };
        canon_tags(reader, outer, &entries, out);
    } else if make.starts_with("NIKON") {
        let Ok(head) = reader.read_up_to(note.value_pos, 18) else { return };
        if !head.starts_with(b"Nikon\0\x02") || head.len() < 18 {
            return;
        }
        let big_endian = &head[10..12] == b"MM";
        let end = outer.base + outer.len;
        let base = note.value_pos + 10;
        let Some(len) = end.checked_sub(base) else { return };
        let ifd0 = if big_endian {
            u32::from_be_bytes([head[14], head[15], head[16], head[17]])
        } else {
            u32::from_le_bytes([head[14], head[15], head[16], head[17]])
        };
        let inner = Tiff { base, len, big_endian, magic: 42, ifd0 };
        let Ok((entries, _)) = inner.read_ifd(reader, ifd0) else { return };
        for (tag, name) in
            [(0x001D, "Nikon SerialNumber (MakerNotes 0x001D)"), (0x00A0, "Nikon SerialNumber (MakerNotes 0x00A0)")]
        {
            if let Some(v) = tiff::find(&entries, tag).and_then(|e| inner.string(reader, e)) {
                push_serial(out, name, v);
            }
        }
    } else if make.starts_with("PANASONIC") {
        // "Panasonic\0\0\0", then an IFD whose offsets are relative to the EXIF block.
        let Ok(head) = reader.read_up_to(note.value_pos, 12) else { return };
        if !head.starts_with(b"Panasonic\0") {
            return;
        }
        let Some(at) = (note.value_pos + 12).checked_sub(outer.base).and_then(|o| u32::try_from(o).ok()) else {
            return;
        };
        let Ok((entries, _)) = outer.read_ifd(reader, at) else { return };
        // 16 bytes, often NUL-padded at the front as well as the back.
        let raw = tiff::find(&entries, 0x0025)
            .filter(|e| outer.readable(e))
            .and_then(|e| reader.read_vec(e.value_pos, e.value_len.min(64), 64, "InternalSerialNumber").ok());
        if let Some(raw) = raw {
            let v = String::from_utf8_lossy(&raw);
            let v = v.trim_matches(|c: char| c == '\0' || c.is_whitespace());
            let v = v.split('\0').next().unwrap_or("").trim();
            if !v.is_empty() {
                push_serial(out, "Panasonic InternalSerialNumber (MakerNotes 0x0025)", v.to_string());
            }
        }
    } else if let Some((lens, serials)) = olympus_equipment(reader, outer, note) {
        if out.lens_model.is_none() {
            out.lens_model = lens;
        }
        for (name, v) in serials {
            push_serial(out, name, v);
        }
    }
}

/// Canon maker-note tags that identify: SerialNumber (0x000C), InternalSerialNumber (0x0096),
/// OwnerName (0x0009).
fn canon_tags(reader: &mut Reader<'_>, t: &Tiff, entries: &[Entry], out: &mut Metadata) {
    if let Some(n) = tiff::find(entries, 0x000C).and_then(|e| t.uint(reader, e, 0)).filter(|&n| n > 0) {
        push_serial(out, "Canon SerialNumber (MakerNotes 0x000C)", n.to_string());
    }
    if let Some(v) = tiff::find(entries, 0x0096).and_then(|e| t.string(reader, e)) {
        push_serial(out, "Canon InternalSerialNumber (MakerNotes 0x0096)", v);
    }
    if let Some(v) = tiff::find(entries, 0x0009).and_then(|e| t.string(reader, e)) {
        out.privacy.sighted(Category::CameraOwner, "Canon OwnerName (MakerNotes 0x0009)", v);
    }
}

/// A CR3's Canon maker notes: their own TIFF structure (the `CMT3` box).
pub fn read_canon_makernote(reader: &mut Reader<'_>, block: Block, out: &mut Metadata) {
    let Some(t) = Tiff::parse(reader, block) else { return };
    if let Ok((entries, _)) = t.read_ifd(reader, t.ifd0) {
        canon_tags(reader, &t, &entries, out);
    }
}

/// Serial numbers as (tag name, value).
type Serials = Vec<(&'static str, String)>;

/// Olympus / OM System maker notes keep the lens name where EXIF's LensModel is often empty:
/// MakerNote (`OLYMPUS\0II\x03\0` or `OM SYSTEM\0…`, offsets relative to the maker note) →
/// Equipment IFD (0x2010) → LensModel (0x0203), SerialNumber (0x0101).
fn olympus_equipment(reader: &mut Reader<'_>, outer: &Tiff, makernote: &Entry) -> Option<(Option<String>, Serials)> {
    if !outer.readable(makernote) {
        return None;
    }
    let head = reader.read_up_to(makernote.value_pos, 16).ok()?;
    let (order_at, ifd_at) = if head.starts_with(b"OLYMPUS\0") {
        (8, 12)
    } else if head.starts_with(b"OM SYSTEM\0") {
        (12, 16)
    } else {
        return None;
    };
    let big_endian = match head.get(order_at..order_at + 2)? {
        b"II" => false,
        b"MM" => true,
        _ => return None,
    };
    let end = outer.base + outer.len;
    let note = Tiff {
        base: makernote.value_pos,
        len: end.checked_sub(makernote.value_pos)?,
        big_endian,
        magic: 42,
        ifd0: ifd_at,
    };
    let (entries, _) = note.read_ifd(reader, ifd_at).ok()?;
    let equipment = tiff::find(&entries, 0x2010).and_then(|e| note.pointer(reader, e, 0))?;
    let (entries, _) = note.read_ifd(reader, equipment).ok()?;
    let lens = tiff::find(&entries, 0x0203).and_then(|e| note.string(reader, e));
    let serials = [
        (0x0101, "Olympus SerialNumber (MakerNotes Equipment 0x0101)"),
        (0x0102, "Olympus InternalSerialNumber (MakerNotes Equipment 0x0102)"),
        (0x0202, "Olympus LensSerialNumber (MakerNotes Equipment 0x0202)"),
    ]
    .into_iter()
    .filter_map(|(tag, name)| tiff::find(&entries, tag).and_then(|e| note.string(reader, e)).map(|v| (name, v)))
    .collect();
    Some((lens, serials))
}

/// GPS IFD: latitude/longitude (DMS rationals + N/S/E/W refs) and altitude (+ below-sea ref).
fn read_gps(reader: &mut Reader<'_>, tiff: &Tiff, entries: &[Entry], out: &mut Metadata) {
    if out.gps.is_some() {
        return;
    }
    // Where the camera pointed, and a place name: positions too.
    if let (Some(lat), Some(lon)) = (degrees(reader, tiff, entries, 0x0014), degrees(reader, tiff, entries, 0x0016)) {
        out.privacy.sighted(
            Category::Gps,
            "GPSDestLatitude/GPSDestLongitude (0x0014/0x0016)",
            format!("{lat:.5}, {lon:.5}"),
        );
    }
    if let Some(e) = tiff::find(entries, 0x001C)
        && tiff.readable(e)
        && let Ok(raw) = reader.read_vec(e.value_pos, e.value_len.min(1024), 1024, "GPSAreaInformation")
    {
        // 8-byte character-code prefix, then the text.
        let text = String::from_utf8_lossy(raw.get(8..).unwrap_or_default())
            .trim_matches(|c: char| c.is_whitespace() || c == '\0')
            .to_string();
        if !text.is_empty() {
            out.privacy.sighted(Category::Gps, "GPSAreaInformation (0x001C)", text);
        }
    }
    let lat = degrees(reader, tiff, entries, 0x0002);
    let lon = degrees(reader, tiff, entries, 0x0004);
    let (Some(mut lat), Some(mut lon)) = (lat, lon) else {
        if tiff::find(entries, 0x0002).is_some() || tiff::find(entries, 0x0004).is_some() {
            out.warnings.push(
                "the GPS position is recorded but unreadable (an undefined or cut-off value); it was ignored".into(),
            );
        }
        return;
    };
    let reference = |reader: &mut Reader<'_>, tag| {
        tiff::find(entries, tag).and_then(|e| tiff.string(reader, e)).and_then(|s| s.chars().next())
    };
    if matches!(reference(reader, 0x0001), Some('S' | 's')) {
        lat = -lat;
    }
    if matches!(reference(reader, 0x0003), Some('W' | 'w')) {
        lon = -lon;
    }
    if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
        out.warnings.push(format!("GPS position {lat}, {lon} is outside the globe; it was ignored"));
        return;
    }
    let alt = tiff::find(entries, 0x0006).and_then(|e| tiff.float(reader, e, 0)).filter(|a| a.is_finite()).map(|a| {
        let below = tiff::find(entries, 0x0005).and_then(|e| tiff.uint(reader, e, 0)) == Some(1);
        if below { -a } else { a }
    });
    out.gps = Some(Gps { lat, lon, alt });
}

/// Degrees + minutes/60 + seconds/3600 from up to three rationals (ExifTool `-n`). Like
/// ExifTool, a coordinate with an undefined component (a zero denominator, e.g. `0/0` seconds)
/// is no coordinate at all.
fn degrees(reader: &mut Reader<'_>, tiff: &Tiff, entries: &[Entry], tag: u16) -> Option<f64> {
    let e = tiff::find(entries, tag)?;
    let mut value = 0.0;
    for (i, scale) in [1.0, 60.0, 3600.0].into_iter().enumerate().take(e.count.min(3) as usize) {
        value += tiff.float(reader, e, i as u32)? / scale;
    }
    (e.count > 0 && value.is_finite()).then_some(value)
}

/// `2008:05:30 15:56:01` (+ sub-seconds `25`) → `2008-05-30T15:56:01.25`. Also accepts `-` date
/// separators and a `T`. All-zero or out-of-range dates → `None`.
pub fn exif_datetime(raw: &str, subsec: Option<&str>) -> Option<String> {
    let b = raw.trim().as_bytes();
    if b.len() < 19 {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let s = &b[r];
        s.iter().all(u8::is_ascii_digit).then(|| s.iter().fold(0u32, |a, d| a * 10 + (d - b'0') as u32))
    };
    let seps_ok = matches!(b[4], b':' | b'-')
        && matches!(b[7], b':' | b'-')
        && matches!(b[10], b' ' | b'T')
        && b[13] == b':'
        && b[16] == b':';
    if !seps_ok {
        return None;
    }
    let (y, mo, d, h, mi, s) = (num(0..4)?, num(5..7)?, num(8..10)?, num(11..13)?, num(14..16)?, num(17..19)?);
    if y == 0 || !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 24 || mi > 59 || s > 60 {
        return None;
    }
    let mut out = format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}");
    if let Some(sub) = subsec.map(str::trim).filter(|s| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit())) {
        out.push('.');
        out.push_str(sub);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SliceSource;

    /// A big-endian TIFF builder: IFD entries with out-of-line data laid out after the IFDs.
    /// (tag, type, count, value bytes) of one entry.
    type TestEntry = (u16, u16, u32, Vec<u8>);

    struct Builder {
        ifds: Vec<Vec<TestEntry>>,
    }

    impl Builder {
        /// Serialises IFDs in order; `link(i)` entries holding `u32::MAX` are patched to the
        /// offset of IFD i+1 … here simply: a LONG value of 0xFFFF_FF00 + k means "offset of IFD k".
        fn build(&self) -> Vec<u8> {
            let mut offsets = Vec::new();
            let mut pos = 8u32;
            for ifd in &self.ifds {
                offsets.push(pos);
                pos += 2 + 12 * ifd.len() as u32 + 4;
            }
            let mut data_pos = pos;
            let mut v = b"MM\0*\0\0\0\x08".to_vec();
            let mut data = Vec::new();
            for ifd in &self.ifds {
                v.extend_from_slice(&(ifd.len() as u16).to_be_bytes());
                for (tag, kind, count, value) in ifd {
                    v.extend_from_slice(&tag.to_be_bytes());
                    v.extend_from_slice(&kind.to_be_bytes());
                    v.extend_from_slice(&count.to_be_bytes());
                    if value.len() <= 4 {
                        let mut inline = value.clone();
                        if inline.len() == 4 {
                            let n = u32::from_be_bytes([inline[0], inline[1], inline[2], inline[3]]);
                            if n >= 0xFFFF_FF00 {
                                inline = offsets[(n - 0xFFFF_FF00) as usize].to_be_bytes().to_vec();
                            }
                        }
                        inline.resize(4, 0);
                        v.extend_from_slice(&inline);
                    } else {
                        v.extend_from_slice(&data_pos.to_be_bytes());
                        data.extend_from_slice(value);
                        data_pos += value.len() as u32;
                    }
                }
                v.extend_from_slice(&0u32.to_be_bytes());
            }
            v.extend_from_slice(&data);
            v
        }
    }

    fn rationals(pairs: &[(u32, u32)]) -> Vec<u8> {
        pairs.iter().flat_map(|(n, d)| n.to_be_bytes().into_iter().chain(d.to_be_bytes())).collect()
    }

    fn read_bytes(bytes: &[u8]) -> Metadata {
        let mut src = SliceSource(bytes);
        let mut r = Reader::new(&mut src);
        let mut m = Metadata::default();
        read(&mut r, Block { offset: 0, len: bytes.len() as u64 }, &mut m);
        m
    }

    #[test]
    fn reads_ifd0_exif_and_gps() {
        let b = Builder {
            ifds: vec![
                vec![
                    (0x010F, 2, 6, b"Canon\0".to_vec()),
                    (0x0110, 2, 14, b"Canon EOS 40D\0".to_vec()),
                    (0x0112, 3, 1, vec![0, 6]),
                    (0x8769, 4, 1, 0xFFFF_FF01u32.to_be_bytes().to_vec()),
                    (0x8825, 4, 1, 0xFFFF_FF02u32.to_be_bytes().to_vec()),
                ],
                vec![
                    (0x829A, 5, 1, rationals(&[(1, 160)])),
                    (0x829D, 5, 1, rationals(&[(71, 10)])),
                    (0x8827, 3, 1, vec![0, 100]),
                    (0x9003, 2, 20, b"2008:05:30 15:56:01\0".to_vec()),
                    (0x9291, 2, 3, b"25\0".to_vec()),
                    (0xA434, 2, 5, b"    \0".to_vec()),
                    (0xA403, 3, 1, vec![0, 1]),
                ],
                vec![
                    (0x0001, 2, 2, b"S\0".to_vec()),
                    (0x0002, 5, 3, rationals(&[(43, 1), (30, 1), (0, 1)])),
                    (0x0003, 2, 2, b"W\0".to_vec()),
                    (0x0004, 5, 3, rationals(&[(11, 1), (53, 1), (66, 10)])),
                    (0x0005, 1, 1, vec![1]),
                    (0x0006, 5, 1, rationals(&[(105, 10)])),
                ],
            ],
        };
        let m = read_bytes(&b.build());
        assert_eq!(m.make.as_deref(), Some("Canon"));
        assert_eq!(m.model.as_deref(), Some("Canon EOS 40D"));
        assert_eq!(m.orientation, Some(6));
        assert_eq!(m.exposure_time_s, Some(1.0 / 160.0));
        assert_eq!(m.f_number, Some(7.1));
        assert_eq!(m.iso, Some(100));
        assert_eq!(m.white_balance, Some(1));
        assert_eq!(m.datetime_original.as_deref(), Some("2008-05-30T15:56:01.25"));
        assert_eq!(m.lens_model, None, "blank strings are absent");
        let g = m.gps.unwrap();
        assert_eq!(g.lat, -43.5);
        assert!((g.lon + (11.0 + 53.0 / 60.0 + 6.6 / 3600.0)).abs() < 1e-12);
        assert_eq!(g.alt, Some(-10.5));
    }

    #[test]
    fn gps_at_zero_zero_is_a_position() {
        let b = Builder {
            ifds: vec![
                vec![(0x8825, 4, 1, 0xFFFF_FF01u32.to_be_bytes().to_vec())],
                vec![
                    (0x0001, 2, 2, b"N\0".to_vec()),
                    (0x0002, 5, 3, rationals(&[(0, 1), (0, 1), (0, 1)])),
                    (0x0003, 2, 2, b"E\0".to_vec()),
                    (0x0004, 5, 3, rationals(&[(0, 1), (0, 1), (0, 1)])),
                ],
            ],
        };
        let m = read_bytes(&b.build());
        assert_eq!(m.gps, Some(Gps { lat: 0.0, lon: 0.0, alt: None }));
    }

    #[test]
    fn gps_with_an_undefined_component_is_none() {
        let b = Builder {
            ifds: vec![
                vec![(0x8825, 4, 1, 0xFFFF_FF01u32.to_be_bytes().to_vec())],
                vec![
                    (0x0002, 5, 3, rationals(&[(48, 1), (5332358, 100000), (0, 0)])),
                    (0x0004, 5, 3, rationals(&[(21, 1), (259507, 100000), (0, 0)])),
                ],
            ],
        };
        let m = read_bytes(&b.build());
        assert_eq!(m.gps, None);
        assert!(m.warnings.iter().any(|w| w.contains("GPS")));
    }

    #[test]
    fn gps_ifd_without_position_is_none() {
        let b = Builder {
            ifds: vec![
                vec![(0x8825, 4, 1, 0xFFFF_FF01u32.to_be_bytes().to_vec())],
                vec![(0x0000, 1, 4, vec![2, 2, 0, 0])],
            ],
        };
        assert_eq!(read_bytes(&b.build()).gps, None);
    }

    #[test]
    fn exif_ifd_pointing_back_at_ifd0_is_cut() {
        let b = Builder {
            ifds: vec![vec![(0x010F, 2, 4, b"abc\0".to_vec()), (0x8769, 4, 1, 0xFFFF_FF00u32.to_be_bytes().to_vec())]],
        };
        let m = read_bytes(&b.build());
        assert_eq!(m.make.as_deref(), Some("abc"));
        assert!(m.warnings.iter().any(|w| w.contains("loop")));
    }

    #[test]
    fn hostile_blocks_do_not_panic() {
        for bytes in [
            &b""[..],
            b"II*\0",
            b"II*\0\xff\xff\xff\xff",
            b"MM\0*\0\0\0\x08\xff\xff",
            b"MM\0*\0\0\0\x08\0\x01\x87\x69\0\x04\0\0\0\x01\xff\xff\xff\xf0",
            b"not a tiff at all",
        ] {
            read_bytes(bytes);
        }
        let junk: Vec<u8> = (0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
        let mut framed = b"II*\0\x08\0\0\0".to_vec();
        framed.extend_from_slice(&junk);
        read_bytes(&framed);
    }

    #[test]
    fn dates() {
        assert_eq!(exif_datetime("2008:05:30 15:56:01", None).as_deref(), Some("2008-05-30T15:56:01"));
        assert_eq!(exif_datetime("0000:00:00 00:00:00", None), None);
        assert_eq!(exif_datetime("    :  :     :  :  ", None), None);
        assert_eq!(exif_datetime("2008:13:30 15:56:01", None), None);
        assert_eq!(exif_datetime("2008:05:30 15:56:01", Some("x")).as_deref(), Some("2008-05-30T15:56:01"));
    }
}
