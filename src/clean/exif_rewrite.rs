//! EXIF rebuilt as a fresh TIFF structure holding only the tags the [`Plan`] keeps.
//!
//! The original block is parsed into directories (IFD0 → ExifIFD → InteropIFD, IFD0 → GPS IFD),
//! tags are dropped by [`Plan::drop_reason`], and the rest is written out anew: same byte order,
//! IFD0 at offset 8, each directory followed by its out-of-line values and then its
//! sub-directories, every offset recomputed. Value bytes are copied verbatim (the byte order is
//! unchanged, so they mean the same). Never written: IFD1 (the thumbnail) and anything whose
//! offsets point into the old layout (MakerNote, SubIFDs, unknown IFD-typed tags).
//!
//! # Allocations
//! The parsed directories (their value bytes, bounded by the input block) and the output block
//! (at most the input's size plus padding).

use super::Plan;

/// Sub-directory pointers this rewriter follows (and rewrites).
const EXIF_IFD: u16 = 0x8769;
const GPS_IFD: u16 = 0x8825;
const INTEROP_IFD: u16 = 0xA005;

/// Which directory a tag sits in (the same tag number means different things in each).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    Ifd0,
    Exif,
    Gps,
    Interop,
}

impl Dir {
    fn label(self) -> &'static str {
        match self {
            Dir::Ifd0 => "IFD0",
            Dir::Exif => "ExifIFD",
            Dir::Gps => "GPS IFD",
            Dir::Interop => "InteropIFD",
        }
    }
}

#[derive(Debug)]
struct Ifd {
    entries: Vec<Entry>,
}

#[derive(Debug)]
struct Entry {
    tag: u16,
    typ: u16,
    count: u32,
    value: Value,
}

#[derive(Debug)]
enum Value {
    Bytes(Vec<u8>),
    Child(Ifd),
}

/// A rebuilt TIFF block and what was left out of it.
pub struct Rewritten {
    pub tiff: Vec<u8>,
    pub removed: Vec<String>,
}

struct Parser<'a> {
    b: &'a [u8],
    big_endian: bool,
    visited: Vec<u32>,
    removed: Vec<String>,
}

/// Rebuilds the TIFF structure `tiff` (an EXIF block without its `Exif\0\0` prefix).
pub fn rewrite(tiff: &[u8], plan: &Plan) -> Result<Rewritten, String> {
    let big_endian = match tiff.get(..4) {
        Some(b"II*\0") => false,
        Some(b"MM\0*") => true,
        _ => return Err("the EXIF block does not start with a TIFF header".into()),
    };
    let mut p = Parser { b: tiff, big_endian, visited: Vec::new(), removed: Vec::new() };
    let ifd0_at = p.u32(4).ok_or("the EXIF block is cut off")?;
    let (mut ifd0, next) = p.ifd(ifd0_at, Dir::Ifd0, plan, 0)?;
    keep_maker_note_lens(tiff, &mut ifd0, &mut p.removed);
    if next != 0 {
        p.removed.push("IFD1 thumbnail (ThumbnailImage 0x0201): can show an old crop; no brief needs it".into());
    }
    let mut out = Vec::with_capacity(tiff.len());
    out.extend_from_slice(if big_endian { b"MM\0*" } else { b"II*\0" });
    put32(&mut out, 8, big_endian);
    write_ifd(&ifd0, &mut out, big_endian);
    Ok(Rewritten { tiff: out, removed: p.removed })
}

/// Some makes (Olympus / OM System) name the lens only in their maker notes; when those are
/// dropped and EXIF has no LensModel (0xA434), the name preflight read from them is written there.
fn keep_maker_note_lens(tiff: &[u8], ifd0: &mut Ifd, removed: &mut [String]) {
    let Some(line) = removed.iter_mut().find(|r| r.starts_with("MakerNote (0x927C)")) else { return };
    let Some(Value::Child(exif)) = ifd0.entries.iter_mut().find(|e| e.tag == EXIF_IFD).map(|e| &mut e.value) else {
        return;
    };
    if exif.entries.iter().any(|e| e.tag == 0xA434) {
        return;
    }
    let mut src = crate::source::SliceSource(tiff);
    let mut reader = crate::source::Reader::new(&mut src);
    let mut m = crate::metadata::Metadata::default();
    let block = crate::probe::Block { offset: 0, len: tiff.len() as u64 };
    crate::metadata::exif::read(&mut reader, block, &mut m);
    let Some(lens) = m.lens_model else { return };
    let mut value = lens.clone().into_bytes();
    value.push(0);
    exif.entries.push(Entry { tag: 0xA434, typ: 2, count: value.len() as u32, value: Value::Bytes(value) });
    exif.entries.sort_by_key(|e| e.tag);
    line.push_str(&format!(" (the lens name it held, \"{lens}\", is kept as LensModel 0xA434)"));
}

/// Size of one value of a TIFF field type, `None` for unknown types.
fn type_size(typ: u16) -> Option<u32> {
    Some(crate::probe::tiff::type_size(typ) as u32).filter(|&n| n > 0)
}

fn tag_name(dir: Dir, tag: u16) -> String {
    let name = match (dir, tag) {
        (Dir::Ifd0, 0x013B) => "Artist",
        (Dir::Ifd0, 0x9C9D) => "XPAuthor",
        (Dir::Ifd0, 0xC62F) => "CameraSerialNumber",
        (Dir::Ifd0, 0x02BC) => "ApplicationNotes (XMP)",
        (Dir::Ifd0, 0x014A) => "SubIFDs",
        (Dir::Ifd0, GPS_IFD) => "GPS directory, every GPS tag",
        (Dir::Exif, 0x927C) => "MakerNote",
        (Dir::Exif, 0xA430) => "CameraOwnerName",
        (Dir::Exif, 0xA431) => "BodySerialNumber",
        (Dir::Exif, 0xA435) => "LensSerialNumber",
        _ => "tag",
    };
    format!("{name} (0x{tag:04X})")
}

impl Parser<'_> {
    fn u16(&self, at: usize) -> Option<u16> {
        let s: [u8; 2] = self.b.get(at..at + 2)?.try_into().ok()?;
        Some(if self.big_endian { u16::from_be_bytes(s) } else { u16::from_le_bytes(s) })
    }

    fn u32(&self, at: usize) -> Option<u32> {
        let s: [u8; 4] = self.b.get(at..at + 4)?.try_into().ok()?;
        Some(if self.big_endian { u32::from_be_bytes(s) } else { u32::from_le_bytes(s) })
    }

    /// One directory and (recursively) the sub-directories it points to; returns it with its
    /// next-IFD offset.
    fn ifd(&mut self, at: u32, dir: Dir, plan: &Plan, depth: u32) -> Result<(Ifd, u32), String> {
        if depth > 4 || self.visited.contains(&at) {
            return Err("the EXIF directories point at each other in a loop".into());
        }
        self.visited.push(at);
        let at = at as usize;
        let n = self.u16(at).ok_or("an EXIF directory lies outside the block")? as usize;
        if n > 1000 {
            return Err(format!("an EXIF directory claims {n} entries"));
        }
        let next = self.u32(at + 2 + 12 * n).unwrap_or(0);
        let mut entries = Vec::with_capacity(n);
        for i in 0..n {
            let e = at + 2 + 12 * i;
            let (Some(tag), Some(typ), Some(count)) = (self.u16(e), self.u16(e + 2), self.u32(e + 4)) else {
                return Err("an EXIF directory is cut off".into());
            };
            if let Some(why) = plan.drop_reason(dir, tag) {
                let size = type_size(typ).map_or(0, |s| s as u64 * count as u64);
                let detail = if size > 4 { format!(", {}", crate::source::human_bytes(size)) } else { String::new() };
                self.removed.push(format!("{} in {}{detail}: {why}", tag_name(dir, tag), dir.label()));
                continue;
            }
            let child_dir = match (dir, tag) {
                (Dir::Ifd0, EXIF_IFD) => Some(Dir::Exif),
                (Dir::Ifd0, GPS_IFD) => Some(Dir::Gps),
                (Dir::Exif, INTEROP_IFD) => Some(Dir::Interop),
                _ => None,
            };
            if let Some(child_dir) = child_dir {
                let offset = self.u32(e + 8).unwrap_or(0);
                match self.ifd(offset, child_dir, plan, depth + 1) {
                    Ok((child, _)) => entries.push(Entry { tag, typ: 4, count: 1, value: Value::Child(child) }),
                    Err(why) => self.removed.push(format!("the {} directory: {why}", child_dir.label())),
                }
                continue;
            }
            let Some(size) = type_size(typ).filter(|_| typ != 13).map(|s| s as u64 * count as u64) else {
                self.removed.push(format!(
                    "{} in {}: a type preflight cannot relocate",
                    tag_name(dir, tag),
                    dir.label()
                ));
                continue;
            };
            let bytes = if size <= 4 {
                self.b.get(e + 8..e + 8 + size as usize)
            } else {
                let off = self.u32(e + 8).unwrap_or(u32::MAX) as u64;
                self.b.get(off as usize..(off + size).min(usize::MAX as u64) as usize)
            };
            match bytes {
                Some(v) => entries.push(Entry { tag, typ, count, value: Value::Bytes(v.to_vec()) }),
                None => self.removed.push(format!(
                    "{} in {}: its value lies outside the block",
                    tag_name(dir, tag),
                    dir.label()
                )),
            }
        }
        entries.sort_by_key(|e| e.tag);
        Ok((Ifd { entries }, next))
    }
}

fn put16(out: &mut Vec<u8>, v: u16, be: bool) {
    out.extend_from_slice(&if be { v.to_be_bytes() } else { v.to_le_bytes() });
}

fn put32(out: &mut Vec<u8>, v: u32, be: bool) {
    out.extend_from_slice(&if be { v.to_be_bytes() } else { v.to_le_bytes() });
}

fn set32(out: &mut [u8], at: usize, v: u32, be: bool) {
    out[at..at + 4].copy_from_slice(&if be { v.to_be_bytes() } else { v.to_le_bytes() });
}

/// Appends `ifd` at the end of `out` (word-aligned): its entry table, then its out-of-line
/// values, then its sub-directories, patching each offset once the target's place is known.
/// The next-IFD link is 0: IFD1 is never written.
fn write_ifd(ifd: &Ifd, out: &mut Vec<u8>, be: bool) {
    if out.len() % 2 == 1 {
        out.push(0);
    }
    let table = out.len();
    put16(out, ifd.entries.len() as u16, be);
    for e in &ifd.entries {
        put16(out, e.tag, be);
        put16(out, e.typ, be);
        put32(out, e.count, be);
        match &e.value {
            Value::Bytes(v) if v.len() <= 4 => {
                let mut inline = [0u8; 4];
                inline[..v.len()].copy_from_slice(v);
                out.extend_from_slice(&inline);
            }
            _ => put32(out, 0, be),
        }
    }
    put32(out, 0, be);
    let slot = |i: usize| table + 2 + 12 * i + 8;
    for (i, e) in ifd.entries.iter().enumerate() {
        if let Value::Bytes(v) = &e.value
            && v.len() > 4
        {
            if out.len() % 2 == 1 {
                out.push(0);
            }
            let at = out.len() as u32;
            out.extend_from_slice(v);
            set32(out, slot(i), at, be);
        }
    }
    for (i, e) in ifd.entries.iter().enumerate() {
        if let Value::Child(child) = &e.value {
            if out.len() % 2 == 1 {
                out.push(0);
            }
            let at = out.len() as u32;
            write_ifd(child, out, be);
            set32(out, slot(i), at, be);
        }
    }
}
