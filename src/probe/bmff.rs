//! ISO-BMFF containers: HEIC / AVIF (HEIF still images) and Canon CR3.
//!
//! - `ftyp` brands decide the format: `crx ` → CR3; `avif`/`avis` → AVIF; `heic`/`heix`/
//!   `hevc`/`hevx`/`heim`/`heis` → HEIC; a generic `mif1`/`msf1`/`miaf` major brand is settled
//!   by the compatible brands (AVIF if any is `avif`/`avis`, else HEIC).
//! - HEIF: `meta` → `pitm` (primary item), `iinf` (item types: `Exif`, `mime`
//!   application/rdf+xml), `iloc` (where item bytes are; construction method 0 = file offset,
//!   1 = inside `idat`), `iprp`/`ipco`+`ipma` (the primary item's `ispe` size, `pixi` / `av1C` /
//!   `hvcC` bit depth, `colr` ICC). The size is the stored `ispe`, not rotated by `irot`
//!   (matches labels.csv; the corpus's `irot` boxes are all 0°, so the rotated case is unverified
//!   against ExifTool). An Exif item starts with a 4-byte offset to its TIFF header.
//! - CR3: `moov` → Canon `uuid` 85c0b687-820f-11e0-8111-f4ce462b6a48 → `CMT1` (IFD0), `CMT2`
//!   (Exif IFD), `CMT4` (GPS IFD), each a complete TIFF structure, and `CMT3` (Canon maker notes); the size is CMT1's
//!   ImageWidth/ImageHeight.
//! - Any file: top-level `uuid` be7acfcb-97a9-42e8-9c71-999491e3afac is XMP.
//!
//! # Allocations
//! Box headers are read piecewise; the `iinf`, `iloc`, `ipco` and `ipma` payloads are each read
//! whole, refused above [`MAX_TABLE`]. At most [`MAX_BOXES`] boxes are visited and at most
//! [`MAX_ITEMS`] items are kept. Nesting is bounded by construction: only the boxes named above
//! are entered (`meta` → `iprp` → `ipco`, `moov` → `uuid`), never recursively, so a file of
//! boxes nested thousands deep costs no more than a flat one.

use super::tiff::{self, Tiff};
use super::{Block, Format, Probe};
use crate::source::{ReadError, Reader, human_bytes};

pub const MAX_BOXES: usize = 4096;
pub const MAX_ITEMS: usize = 4096;
/// Largest item-table box payload read into memory.
pub const MAX_TABLE: u64 = 1 << 20;

const CANON_UUID: [u8; 16] =
    [0x85, 0xc0, 0xb6, 0x87, 0x82, 0x0f, 0x11, 0xe0, 0x81, 0x11, 0xf4, 0xce, 0x46, 0x2b, 0x6a, 0x48];
/// The C2PA manifest store's box in ISO-BMFF files.
pub const C2PA_UUID: [u8; 16] =
    [0xd8, 0xfe, 0xc3, 0xd6, 0x1b, 0x0e, 0x48, 0x3c, 0x92, 0x97, 0x58, 0x28, 0x87, 0x7e, 0xc4, 0x81];
const XMP_UUID: [u8; 16] =
    [0xbe, 0x7a, 0xcf, 0xcb, 0x97, 0xa9, 0x42, 0xe8, 0x9c, 0x71, 0x99, 0x94, 0x91, 0xe3, 0xaf, 0xac];

/// A box header read from the file: payload is `data..end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct BoxHeader {
    kind: [u8; 4],
    data: u64,
    end: u64,
    uuid: Option<[u8; 16]>,
}

/// Walk state shared by all levels: the box budget and the warnings.
struct Walk<'p> {
    boxes: usize,
    out: &'p mut Probe,
}

impl Walk<'_> {
    /// The boxes between `start` and `end`, in order (bounded by the global budget).
    fn children(&mut self, reader: &mut Reader<'_>, start: u64, end: u64) -> Vec<BoxHeader> {
        let mut list = Vec::new();
        let mut pos = start;
        while pos + 8 <= end {
            if self.boxes >= MAX_BOXES {
                self.out.warnings.push("the file holds too many boxes; stopped reading".into());
                break;
            }
            self.boxes += 1;
            match read_box(reader, pos, end) {
                Ok(b) => {
                    pos = b.end;
                    list.push(b);
                }
                Err(msg) => {
                    self.out.warnings.push(msg);
                    break;
                }
            }
        }
        list
    }
}

fn read_box(reader: &mut Reader<'_>, pos: u64, parent_end: u64) -> Result<BoxHeader, String> {
    let mut h = [0u8; 8];
    reader.read_exact(pos, &mut h).map_err(|e| format!("a box header at byte {pos} cannot be read: {e}"))?;
    let size32 = u32::from_be_bytes([h[0], h[1], h[2], h[3]]) as u64;
    let kind = [h[4], h[5], h[6], h[7]];
    let (mut data, end) = match size32 {
        0 => (pos + 8, parent_end),
        1 => {
            let large = reader.u64_at(pos + 8, true).map_err(|e| format!("a box size cannot be read: {e}"))?;
            if large < 16 {
                return Err(format!("a box at byte {pos} declares an impossible size"));
            }
            (pos + 16, pos.saturating_add(large))
        }
        s if s < 8 => return Err(format!("a box at byte {pos} declares an impossible size ({s})")),
        s => (pos + 8, pos + s),
    };
    if end > parent_end {
        let name = String::from_utf8_lossy(&kind);
        let file_len = reader.len();
        return Err(if end >= 1 << 50 {
            format!("the box {name} at byte {pos} declares an impossible size; the rest of the file was not read")
        } else if parent_end == file_len {
            format!(
                "the file ends after {} but its {name} box runs to {}: the file is cut off",
                human_bytes(file_len),
                human_bytes(end)
            )
        } else {
            format!("the box {name} at byte {pos} runs past the box that contains it; the rest of it was not read")
        });
    }
    let mut uuid = None;
    if &kind == b"uuid" {
        let mut u = [0u8; 16];
        if data + 16 > end || reader.read_exact(data, &mut u).is_err() {
            return Err("a uuid box is too short".into());
        }
        uuid = Some(u);
        data += 16;
    }
    Ok(BoxHeader { kind, data, end, uuid })
}

/// Decides the format from an `ftyp` box's major and compatible brands.
pub fn format_from_brands(major: [u8; 4], compatible: &[[u8; 4]]) -> Option<Format> {
    let is_avif = |b: &[u8; 4]| matches!(b, b"avif" | b"avis");
    let is_heic = |b: &[u8; 4]| matches!(b, b"heic" | b"heix" | b"hevc" | b"hevx" | b"heim" | b"heis");
    let is_heif = |b: &[u8; 4]| matches!(b, b"mif1" | b"msf1" | b"miaf" | b"mif2");
    if &major == b"crx " {
        Some(Format::Cr3)
    } else if is_avif(&major) {
        Some(Format::Avif)
    } else if is_heic(&major) {
        Some(Format::Heic)
    } else if compatible.iter().any(|b| b == b"crx ") {
        Some(Format::Cr3)
    } else if compatible.iter().any(is_avif) {
        Some(Format::Avif)
    } else if is_heif(&major) || compatible.iter().any(|b| is_heic(b) || is_heif(b)) {
        Some(Format::Heic)
    } else {
        None
    }
}

/// Reads the `ftyp` at offset 0 and says which format it declares (None: some other BMFF,
/// e.g. an MP4 video).
pub fn sniff(reader: &mut Reader<'_>) -> Result<Option<Format>, ReadError> {
    let size = reader.u32_at(0, true)? as u64;
    if !(16..=4096).contains(&size) || size > reader.len() {
        return Ok(None);
    }
    let ftyp = reader.read_vec(0, size, 4096, "ftyp box")?;
    let major = [ftyp[8], ftyp[9], ftyp[10], ftyp[11]];
    let compatible: Vec<[u8; 4]> = ftyp[16..].chunks_exact(4).map(|c| [c[0], c[1], c[2], c[3]]).collect();
    Ok(format_from_brands(major, &compatible))
}

pub fn probe(reader: &mut Reader<'_>, format: Format, out: &mut Probe) -> Result<(), ReadError> {
    out.format = Some(format);
    let len = reader.len();
    let mut walk = Walk { boxes: 0, out };
    let top = walk.children(reader, 0, len);
    if format != Format::Cr3 && !top.iter().any(|b| &b.kind == b"meta") {
        walk.out.warnings.push("the HEIF has no meta box, so it lists no image".into());
    }
    for b in &top {
        match &b.kind {
            b"meta" => heif_meta(reader, &mut walk, b),
            b"moov" if format == Format::Cr3 => cr3_moov(reader, &mut walk, b),
            b"uuid" if b.uuid == Some(C2PA_UUID) => {
                walk.out.content_credentials = Some(("BMFF uuid", b.end - b.data));
            }
            b"uuid" if b.uuid == Some(XMP_UUID) && walk.out.xmp.is_none() => {
                walk.out.xmp = Some(Block { offset: b.data, len: b.end - b.data });
            }
            _ => {}
        }
    }
    Ok(())
}

// ---------------------------------------------------------------- CR3

fn cr3_moov(reader: &mut Reader<'_>, walk: &mut Walk<'_>, moov: &BoxHeader) {
    for b in walk.children(reader, moov.data, moov.end) {
        if b.uuid != Some(CANON_UUID) {
            continue;
        }
        for c in walk.children(reader, b.data, b.end) {
            let block = Block { offset: c.data, len: c.end - c.data };
            match &c.kind {
                b"CMT1" => {
                    walk.out.exif.push(block);
                    cr3_size(reader, block, walk.out);
                }
                b"CMT2" | b"CMT4" => walk.out.exif.push(block),
                b"CMT3" => walk.out.canon_makernote = Some(block),
                _ => {}
            }
        }
    }
}

fn cr3_size(reader: &mut Reader<'_>, block: Block, out: &mut Probe) {
    let Some(t) = Tiff::parse(reader, block) else { return };
    let Ok((entries, _)) = t.read_ifd(reader, t.ifd0) else { return };
    out.width = tiff::find(&entries, tiff::TAG_IMAGE_WIDTH).and_then(|e| t.uint(reader, e, 0)).filter(|&v| v > 0);
    out.height = tiff::find(&entries, tiff::TAG_IMAGE_HEIGHT).and_then(|e| t.uint(reader, e, 0)).filter(|&v| v > 0);
}

// ---------------------------------------------------------------- HEIF

/// A cursor over an in-memory box payload; every read is checked.
struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Cursor { bytes, pos: 0 }
    }
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let s = self.bytes.get(self.pos..self.pos.checked_add(n)?)?;
        self.pos += n;
        Some(s)
    }
    fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }
    fn u16(&mut self) -> Option<u16> {
        self.take(2).map(|b| u16::from_be_bytes([b[0], b[1]]))
    }
    fn u32(&mut self) -> Option<u32> {
        self.take(4).map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }
    /// An unsigned integer of 0, 4 or 8 bytes (iloc field sizes).
    fn sized(&mut self, size: u8) -> Option<u64> {
        match size {
            0 => Some(0),
            4 => self.u32().map(u64::from),
            8 => self.take(8).map(|b| u64::from_be_bytes(b.try_into().unwrap_or([0; 8]))),
            _ => None,
        }
    }
    fn cstr(&mut self) -> Option<&'a [u8]> {
        let rest = self.bytes.get(self.pos..)?;
        let n = rest.iter().position(|&b| b == 0)?;
        self.pos += n + 1;
        Some(&rest[..n])
    }
}

/// Boxes inside an in-memory payload: (kind, payload). Malformed tails are dropped.
fn slice_boxes(bytes: &[u8]) -> Vec<([u8; 4], &[u8])> {
    let mut out = Vec::new();
    let mut pos = 0usize;
    while pos + 8 <= bytes.len() && out.len() < MAX_ITEMS {
        let size = u32::from_be_bytes([bytes[pos], bytes[pos + 1], bytes[pos + 2], bytes[pos + 3]]) as usize;
        let kind = [bytes[pos + 4], bytes[pos + 5], bytes[pos + 6], bytes[pos + 7]];
        let end = match size {
            0 => bytes.len(),
            s if s < 8 => break,
            s => match pos.checked_add(s) {
                Some(e) if e <= bytes.len() => e,
                _ => break,
            },
        };
        out.push((kind, &bytes[pos + 8..end]));
        pos = end;
    }
    out
}

#[derive(Debug, Clone, Default)]
struct Item {
    id: u32,
    kind: [u8; 4],
    content_type: Vec<u8>,
}

#[derive(Debug, Clone, Copy)]
struct Location {
    id: u32,
    construction: u8,
    base: u64,
    offset: u64,
    len: u64,
}

fn table(reader: &mut Reader<'_>, walk: &mut Walk<'_>, b: &BoxHeader, what: &'static str) -> Option<Vec<u8>> {
    match reader.read_vec(b.data, b.end - b.data, MAX_TABLE, what) {
        Ok(v) => Some(v),
        Err(e) => {
            walk.out.warnings.push(format!("the {what} cannot be read: {e}"));
            None
        }
    }
}

fn heif_meta(reader: &mut Reader<'_>, walk: &mut Walk<'_>, meta: &BoxHeader) {
    if meta.end - meta.data < 4 {
        return;
    }
    let mut primary: Option<u32> = None;
    let mut items: Vec<Item> = Vec::new();
    let mut locations: Vec<Location> = Vec::new();
    let mut properties: Vec<([u8; 4], Vec<u8>)> = Vec::new();
    let mut associations: Vec<(u32, Vec<u16>)> = Vec::new();
    let mut idat_start: Option<u64> = None;

    for b in walk.children(reader, meta.data + 4, meta.end) {
        match &b.kind {
            b"pitm" => {
                let Some(t) = table(reader, walk, &b, "primary item box") else { continue };
                let mut c = Cursor::new(&t);
                let version = c.u8().unwrap_or(0);
                c.take(3);
                primary = if version == 0 { c.u16().map(u32::from) } else { c.u32() };
            }
            b"iinf" => {
                if let Some(t) = table(reader, walk, &b, "item list") {
                    items = parse_iinf(&t);
                }
            }
            b"iloc" => {
                if let Some(t) = table(reader, walk, &b, "item location table") {
                    locations = parse_iloc(&t);
                }
            }
            b"idat" => idat_start = Some(b.data),
            b"iprp" => {
                for c in walk.children(reader, b.data, b.end) {
                    match &c.kind {
                        b"ipco" => {
                            if let Some(t) = table(reader, walk, &c, "item property list") {
                                properties = slice_boxes(&t).into_iter().map(|(k, p)| (k, p.to_vec())).collect();
                            }
                        }
                        b"ipma" => {
                            if let Some(t) = table(reader, walk, &c, "item property map") {
                                associations = parse_ipma(&t);
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }

    // Item data locations → EXIF / XMP blocks.
    let file_len = reader.len();
    let locate = |id: u32| -> Option<Block> {
        let l = locations.iter().find(|l| l.id == id)?;
        let start = match l.construction {
            0 => l.base.checked_add(l.offset)?,
            1 => idat_start?.checked_add(l.base)?.checked_add(l.offset)?,
            _ => return None,
        };
        let len = if l.len == 0 { file_len.checked_sub(start)? } else { l.len };
        (start.checked_add(len)? <= file_len).then_some(Block { offset: start, len })
    };
    for item in &items {
        if &item.kind == b"Exif" {
            match locate(item.id) {
                Some(b) => {
                    if let Some(exif) = exif_item_block(reader, b) {
                        walk.out.exif.push(exif);
                    } else {
                        walk.out.warnings.push("the HEIF Exif item does not hold a TIFF structure".into());
                    }
                }
                None => walk.out.warnings.push("the HEIF Exif item points outside the file".into()),
            }
        } else if &item.kind == b"mime"
            && item.content_type.starts_with(b"application/rdf+xml")
            && walk.out.xmp.is_none()
        {
            walk.out.xmp = locate(item.id);
        }
    }

    // Primary item properties → size, bit depth, ICC.
    let primary = primary.or_else(|| items.first().map(|i| i.id));
    let prop_of = |id: u32| -> Vec<&([u8; 4], Vec<u8>)> {
        associations
            .iter()
            .filter(|(item, _)| *item == id)
            .flat_map(|(_, idx)| idx.iter())
            .filter_map(|&i| properties.get((i as usize).checked_sub(1)?))
            .collect()
    };
    let primary_props = primary.map(prop_of).unwrap_or_default();
    for (kind, payload) in &primary_props {
        if kind == b"ispe" && payload.len() >= 12 {
            let w = u32::from_be_bytes([payload[4], payload[5], payload[6], payload[7]]);
            let h = u32::from_be_bytes([payload[8], payload[9], payload[10], payload[11]]);
            walk.out.width = Some(w);
            walk.out.height = Some(h);
        }
    }
    let depth_of = |props: &mut dyn Iterator<Item = &([u8; 4], Vec<u8>)>| -> Option<u8> {
        let props: Vec<_> = props.collect();
        props
            .iter()
            .find_map(|(k, p)| (k == b"pixi" && p.len() >= 6 && p[4] > 0).then(|| p[5]))
            .or_else(|| props.iter().find_map(|(k, p)| codec_bit_depth(k, p)))
    };
    walk.out.bit_depth = depth_of(&mut primary_props.iter().copied()).or_else(|| depth_of(&mut properties.iter()));
    walk.out.icc |= properties.iter().any(|(k, p)| k == b"colr" && (p.starts_with(b"prof") || p.starts_with(b"rICC")));
    if items.is_empty() {
        walk.out.warnings.push("the HEIF lists no image (its item list is missing or empty)".into());
    } else if walk.out.width.is_none() {
        walk.out.warnings.push("the HEIF primary image declares no size (ispe)".into());
    }
}

/// Bit depth from an `av1C` or `hvcC` decoder configuration.
fn codec_bit_depth(kind: &[u8; 4], p: &[u8]) -> Option<u8> {
    match kind {
        b"av1C" if p.len() >= 3 => {
            let high = p[2] & 0x40 != 0;
            let twelve = p[2] & 0x20 != 0;
            Some(if high && twelve {
                12
            } else if high {
                10
            } else {
                8
            })
        }
        // configurationVersion, profile (1), compatibility (4), constraints (6), level (1),
        // min_spatial_segmentation (2), parallelism (1), chroma (1), bitDepthLumaMinus8.
        b"hvcC" if p.len() >= 18 => Some((p[17] & 0x07) + 8),
        _ => None,
    }
}

/// An Exif item: a big-endian u32 offset to the TIFF header, then (after that many bytes) the
/// TIFF structure. Falls back to searching the first 64 bytes for a byte-order mark.
fn exif_item_block(reader: &mut Reader<'_>, item: Block) -> Option<Block> {
    let head = reader.read_up_to(item.offset, item.len.min(64) as usize).ok()?;
    let is_tiff = |s: &[u8]| s.starts_with(b"II*\0") || s.starts_with(b"MM\0*");
    if head.len() >= 8 {
        let skip = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as u64 + 4;
        if skip < item.len {
            let at = (skip as usize) < head.len() && is_tiff(&head[skip as usize..]);
            if at || skip >= head.len() as u64 {
                return Some(Block { offset: item.offset + skip, len: item.len - skip });
            }
        }
    }
    let found = (0..head.len()).find(|&i| is_tiff(&head[i..]))? as u64;
    Some(Block { offset: item.offset + found, len: item.len - found })
}

fn parse_iinf(t: &[u8]) -> Vec<Item> {
    let mut c = Cursor::new(t);
    let Some(version) = c.u8() else { return Vec::new() };
    c.take(3);
    let count = if version == 0 { c.u16().map(u32::from) } else { c.u32() };
    if count.is_none() {
        return Vec::new();
    }
    let mut items = Vec::new();
    for (kind, payload) in slice_boxes(&t[c.pos..]) {
        if &kind != b"infe" {
            continue;
        }
        let mut e = Cursor::new(payload);
        let Some(v) = e.u8() else { continue };
        e.take(3);
        if v < 2 {
            continue; // pre-HEIF item entries carry no item type
        }
        let id = if v == 2 { e.u16().map(u32::from) } else { e.u32() };
        let (Some(id), Some(_protection), Some(kind)) = (id, e.u16(), e.take(4)) else { continue };
        let kind = [kind[0], kind[1], kind[2], kind[3]];
        let _name = e.cstr();
        let content_type = if &kind == b"mime" { e.cstr().unwrap_or_default().to_vec() } else { Vec::new() };
        items.push(Item { id, kind, content_type });
    }
    items
}

fn parse_iloc(t: &[u8]) -> Vec<Location> {
    let mut c = Cursor::new(t);
    let mut out = Vec::new();
    let Some(version) = c.u8() else { return out };
    c.take(3);
    let (Some(a), Some(b)) = (c.u8(), c.u8()) else { return out };
    let (offset_size, length_size, base_size) = (a >> 4, a & 0x0F, b >> 4);
    let index_size = if version >= 1 { b & 0x0F } else { 0 };
    let count = if version < 2 { c.u16().map(u32::from) } else { c.u32() };
    let Some(count) = count else { return out };
    for _ in 0..count.min(MAX_ITEMS as u32) {
        let id = if version < 2 { c.u16().map(u32::from) } else { c.u32() };
        let Some(id) = id else { break };
        let construction = if version >= 1 {
            match c.u16() {
                Some(m) => (m & 0x0F) as u8,
                None => break,
            }
        } else {
            0
        };
        let (Some(_dref), Some(base), Some(extents)) = (c.u16(), c.sized(base_size), c.u16()) else { break };
        let mut first: Option<(u64, u64)> = None;
        for _ in 0..extents {
            if index_size > 0 && c.sized(index_size).is_none() {
                return out;
            }
            let (Some(offset), Some(len)) = (c.sized(offset_size), c.sized(length_size)) else { return out };
            first.get_or_insert((offset, len));
        }
        if let Some((offset, len)) = first {
            out.push(Location { id, construction, base, offset, len });
        }
    }
    out
}

/// ipma: item → 1-based property indices.
fn parse_ipma(t: &[u8]) -> Vec<(u32, Vec<u16>)> {
    let mut c = Cursor::new(t);
    let mut out = Vec::new();
    let (Some(version), Some(flags)) = (c.u8(), c.take(3)) else { return out };
    let wide = flags[2] & 1 != 0;
    let Some(count) = c.u32() else { return out };
    for _ in 0..count.min(MAX_ITEMS as u32) {
        let id = if version < 1 { c.u16().map(u32::from) } else { c.u32() };
        let (Some(id), Some(n)) = (id, c.u8()) else { break };
        let mut idx = Vec::with_capacity(n as usize);
        for _ in 0..n {
            let v = if wide { c.u16().map(|v| v & 0x7FFF) } else { c.u8().map(|v| (v & 0x7F) as u16) };
            match v {
                Some(v) => idx.push(v),
                None => return out,
            }
        }
        out.push((id, idx));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::probe as probe_any;
    use crate::source::SliceSource;

    fn bx(kind: &[u8; 4], payload: &[u8]) -> Vec<u8> {
        let mut v = ((payload.len() + 8) as u32).to_be_bytes().to_vec();
        v.extend_from_slice(kind);
        v.extend_from_slice(payload);
        v
    }

    fn full(kind: &[u8; 4], version: u8, flags: u32, payload: &[u8]) -> Vec<u8> {
        let mut p = vec![version];
        p.extend_from_slice(&flags.to_be_bytes()[1..]);
        p.extend_from_slice(payload);
        bx(kind, &p)
    }

    fn run(bytes: &[u8]) -> Probe {
        let mut src = SliceSource(bytes);
        let mut r = Reader::new(&mut src);
        probe_any(&mut r).unwrap()
    }

    /// A minimal HEIF: item 1 = primary image (ispe 3024×4032, pixi 8), item 2 = Exif.
    fn heif(major: &[u8; 4]) -> Vec<u8> {
        let mut ftyp = major.to_vec();
        ftyp.extend_from_slice(&[0, 0, 0, 0]);
        ftyp.extend_from_slice(b"mif1");
        ftyp.extend_from_slice(major);
        let ftyp = bx(b"ftyp", &ftyp);

        let mut infe1 = vec![0, 1, 0, 0];
        infe1.extend_from_slice(b"hvc1\0");
        let mut infe2 = vec![0, 2, 0, 0];
        infe2.extend_from_slice(b"Exif\0");
        let mut iinf = vec![0, 2];
        iinf.extend(full(b"infe", 2, 0, &infe1));
        iinf.extend(full(b"infe", 2, 0, &infe2));
        let iinf = full(b"iinf", 0, 0, &iinf);

        let pitm = full(b"pitm", 0, 0, &[0, 1]);
        let mut ispe = vec![0, 0, 0, 0];
        ispe.extend_from_slice(&3024u32.to_be_bytes());
        ispe.extend_from_slice(&4032u32.to_be_bytes());
        let ipco = bx(b"ipco", &[bx(b"ispe", &ispe), bx(b"pixi", &[0, 0, 0, 0, 3, 10, 10, 10])].concat());
        let ipma = full(b"ipma", 0, 0, &[0, 0, 0, 1, 0, 1, 2, 0x81, 0x02]);
        let iprp = bx(b"iprp", &[ipco, ipma].concat());

        // iloc v0, offset_size 4, length_size 4, base 0; item 2 extent patched below.
        let iloc_len = 8 + 4 + 2 + 2 + (2 + 2 + 2 + 8);
        let exif_payload = b"\0\0\0\x06Exif\0\0MM\0*\0\0\0\x08";
        let meta_len = 12 + pitm.len() + iinf.len() + iprp.len() + iloc_len;
        let exif_at = (ftyp.len() + meta_len + 8) as u32;
        let mut iloc = vec![0x44, 0x00, 0, 1, 0, 2, 0, 0, 0, 1];
        iloc.extend_from_slice(&exif_at.to_be_bytes());
        iloc.extend_from_slice(&(exif_payload.len() as u32).to_be_bytes());
        let iloc = full(b"iloc", 0, 0, &iloc);
        assert_eq!(iloc.len(), iloc_len);
        let meta = full(b"meta", 0, 0, &[pitm, iinf, iprp, iloc].concat());
        [ftyp, meta, bx(b"mdat", exif_payload)].concat()
    }

    #[test]
    fn heic_primary_size_depth_exif() {
        let f = heif(b"heic");
        let p = run(&f);
        assert_eq!(p.format, Some(Format::Heic));
        assert_eq!((p.width, p.height, p.bit_depth), (Some(3024), Some(4032), Some(10)));
        assert_eq!(p.exif.len(), 1);
        let b = p.exif[0];
        assert_eq!(&f[b.offset as usize..b.offset as usize + 4], b"MM\0*");
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        assert_eq!(run(&heif(b"avif")).format, Some(Format::Avif));
    }

    #[test]
    fn brands() {
        assert_eq!(format_from_brands(*b"mif1", &[*b"mif1", *b"avif"]), Some(Format::Avif));
        assert_eq!(format_from_brands(*b"mif1", &[*b"mif1", *b"heic"]), Some(Format::Heic));
        assert_eq!(format_from_brands(*b"crx ", &[]), Some(Format::Cr3));
        assert_eq!(format_from_brands(*b"isom", &[*b"mp42"]), None);
    }

    #[test]
    fn hostile_boxes() {
        let ftyp = bx(b"ftyp", b"heic\0\0\0\0mif1heic");
        // size 0 (to end), size 1 with a tiny largesize, huge size, size 3.
        for tail in [
            vec![0, 0, 0, 0, b'm', b'e', b't', b'a', 0, 0, 0, 0],
            vec![0, 0, 0, 1, b'm', b'e', b't', b'a', 0, 0, 0, 0, 0, 0, 0, 4],
            vec![0xFF, 0xFF, 0xFF, 0xFF, b'm', b'e', b't', b'a', 0, 0, 0, 0],
            vec![0, 0, 0, 3, b'm', b'e', b't', b'a'],
            full(b"meta", 0, 0, &bx(b"iloc", &[1, 0, 0, 0, 0x88, 0x80, 0xFF, 0xFF])),
            full(b"meta", 0, 0, &bx(b"ipma", &[1, 0, 0, 1, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0])),
        ] {
            let f = [ftyp.clone(), tail].concat();
            assert_eq!(run(&f).format, Some(Format::Heic));
        }
        // Deeply nested / many boxes do not blow the budget.
        let mut many = ftyp.clone();
        for _ in 0..10_000 {
            many.extend(bx(b"free", &[]));
        }
        assert!(run(&many).warnings.iter().any(|w| w.contains("too many")));
        assert!(run(&many).warnings.iter().any(|w| w.contains("no meta box")));
    }

    #[test]
    fn a_cut_off_file_and_an_impossible_box_size_are_told_apart() {
        let f = heif(b"heic");
        let cut = &f[..f.len() - 10];
        let p = run(cut);
        let want = format!(
            "the file ends after {} bytes but its mdat box runs to {} bytes: the file is cut off",
            cut.len(),
            f.len()
        );
        assert!(p.warnings.contains(&want), "{:?}", p.warnings);
        let mut huge = bx(b"ftyp", b"heic\0\0\0\0mif1heic");
        huge.extend([0, 0, 0, 1, b'm', b'e', b't', b'a']);
        huge.extend(u64::MAX.to_be_bytes());
        let p = run(&huge);
        assert!(
            p.warnings.iter().any(|w| w.contains("meta at byte 24 declares an impossible size")),
            "{:?}",
            p.warnings
        );
    }
}
