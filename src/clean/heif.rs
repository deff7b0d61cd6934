//! HEIC and AVIF clean copies, lossless and in place: the Exif item and the XMP item (`mime`
//! `application/rdf+xml`, or a top-level XMP `uuid` box) are rewritten where they lie, every
//! other byte — the coded image items, their properties, the box structure — stays exactly as
//! it was.
//!
//! An item's bytes are found through `iinf` (its type) and `iloc` (where it is: a file offset,
//! or inside `idat`). The rewritten Exif (by [`super::exif_rewrite`]) or XMP (by [`super::xmp`])
//! is never longer than the original, because it only loses tags; it is written over the
//! original's first bytes and the rest of the old extent is blanked (zeros after the TIFF
//! structure, spaces after the XMP packet, which XML allows), so the item keeps its length, no
//! offset in `iloc` changes, and nothing of the old metadata is left in the file.
//!
//! Refused, with the reason (never a copy that keeps what was asked to go): an item stored in
//! several extents or by reference, an extent outside the file, Exif that cannot be rewritten.
//!
//! # Allocations
//! The output file (a copy of the input) and the rewritten items.

use super::iptc::Rewritten;
use super::{Plan, exif_rewrite, xmp};

const XMP_UUID: [u8; 16] =
    [0xbe, 0x7a, 0xcf, 0xcb, 0x97, 0xa9, 0x42, 0xe8, 0x9c, 0x71, 0x99, 0x94, 0x91, 0xe3, 0xaf, 0xac];

/// A box: its type, and where its payload starts and ends in the file.
#[derive(Debug, Clone, Copy)]
struct Bx {
    /// Where the box (its size field) starts.
    start: usize,
    kind: [u8; 4],
    data: usize,
    end: usize,
}

/// The boxes in `b[start..end]`; `Err` for a box that runs past its parent.
fn boxes(b: &[u8], start: usize, end: usize) -> Result<Vec<Bx>, String> {
    let mut out = Vec::new();
    let mut pos = start;
    while pos + 8 <= end {
        let size = u32::from_be_bytes([b[pos], b[pos + 1], b[pos + 2], b[pos + 3]]) as u64;
        let kind = [b[pos + 4], b[pos + 5], b[pos + 6], b[pos + 7]];
        let (data, box_end) = match size {
            0 => (pos + 8, end as u64),
            1 => {
                let large = b.get(pos + 8..pos + 16).ok_or("a box header is cut off")?;
                let size = u64::from_be_bytes(large.try_into().unwrap_or([0; 8]));
                (pos + 16, (pos as u64).checked_add(size).ok_or("a box's 64-bit size is impossible")?)
            }
            s => (pos + 8, pos as u64 + s),
        };
        if box_end > end as u64 || box_end < data as u64 {
            return Err(format!("the {} box at byte {pos} runs past its end", String::from_utf8_lossy(&kind)));
        }
        out.push(Bx { start: pos, kind, data, end: box_end as usize });
        pos = box_end as usize;
        if out.len() > 4096 {
            return Err("the file holds too many boxes".into());
        }
    }
    Ok(out)
}

fn be(b: &[u8], at: usize, size: usize) -> Option<u64> {
    let s = b.get(at..at + size)?;
    Some(s.iter().fold(0u64, |a, &x| (a << 8) | x as u64))
}

/// Item id → type (`Exif`, `mime` + content type), from `iinf`.
fn item_types(b: &[u8], iinf: Bx) -> Vec<(u32, [u8; 4], Vec<u8>)> {
    let mut out = Vec::new();
    let Some(&version) = b.get(iinf.data).filter(|_| iinf.data < iinf.end) else { return out };
    let first = iinf.data + 4 + if version == 0 { 2 } else { 4 };
    for infe in boxes(b, first.min(iinf.end), iinf.end).unwrap_or_default() {
        if &infe.kind != b"infe" || infe.end < infe.data + 4 {
            continue;
        }
        let p = &b[infe.data..infe.end];
        let v = p[0];
        if v < 2 {
            continue;
        }
        let (id, at) = if v == 2 { (be(p, 4, 2), 6) } else { (be(p, 4, 4), 8) };
        let (Some(id), Some(kind)) = (id, p.get(at + 2..at + 6)) else { continue };
        let kind = [kind[0], kind[1], kind[2], kind[3]];
        let rest = &p[(at + 6).min(p.len())..];
        let name_end = rest.iter().position(|&c| c == 0).map_or(rest.len(), |i| i + 1);
        let ct = &rest[name_end..];
        let content_type = ct[..ct.iter().position(|&c| c == 0).unwrap_or(ct.len())].to_vec();
        out.push((id as u32, kind, content_type));
    }
    out
}

/// Item id → (construction method, base offset, extents as (offset, length)), from `iloc`.
type Location = (u8, u64, Vec<(u64, u64)>);

fn locations(b: &[u8], iloc: Bx) -> Result<Vec<(u32, Location)>, String> {
    let bad = || "the item location table (iloc) is damaged".to_string();
    let p = &b[iloc.data..iloc.end];
    let version = *p.first().ok_or_else(bad)?;
    let (a, c) = (*p.get(4).ok_or_else(bad)?, *p.get(5).ok_or_else(bad)?);
    let (offset_size, length_size, base_size) = ((a >> 4) as usize, (a & 0x0F) as usize, (c >> 4) as usize);
    let index_size = if version >= 1 { (c & 0x0F) as usize } else { 0 };
    let mut at = 6;
    let mut take = |n: usize| -> Result<u64, String> {
        let v = if n == 0 { 0 } else { be(p, at, n).ok_or_else(bad)? };
        at += n;
        Ok(v)
    };
    let count = take(if version < 2 { 2 } else { 4 })?;
    let mut out = Vec::new();
    for _ in 0..count.min(4096) {
        let id = take(if version < 2 { 2 } else { 4 })? as u32;
        let construction = if version >= 1 { (take(2)? & 0x0F) as u8 } else { 0 };
        let _dref = take(2)?;
        let base = take(base_size)?;
        let n = take(2)?;
        let mut extents = Vec::new();
        for _ in 0..n {
            take(index_size)?;
            let offset = take(offset_size)?;
            let len = take(length_size)?;
            extents.push((offset, len));
        }
        out.push((id, (construction, base, extents)));
    }
    Ok(out)
}

/// The clean copy of a whole HEIC / AVIF file, and a line per thing left out.
pub fn rewrite(b: &[u8], plan: &Plan) -> Result<Rewritten, String> {
    let mut out = b.to_vec();
    let mut removed = Vec::new();
    let top = boxes(b, 0, b.len())?;
    // Top-level XMP uuid box (rare in HEIF, but readers look there).
    for bx in top.iter().filter(|x| &x.kind == b"uuid" && b.get(x.data..x.data + 16) == Some(&XMP_UUID[..])) {
        let range = bx.data + 16..bx.end;
        rewrite_xmp(&mut out, range, plan, &mut removed)?;
    }
    // A C2PA manifest box: turned into a `free` box of zeros (no offset moves), unless kept.
    for bx in top
        .iter()
        .filter(|x| &x.kind == b"uuid" && b.get(x.data..x.data + 16) == Some(&crate::probe::bmff::C2PA_UUID[..]))
    {
        if let Err(why) = plan.content_credentials() {
            out[bx.start + 4..bx.start + 8].copy_from_slice(b"free");
            out[bx.data..bx.end].fill(0);
            removed.push(format!("uuid box ({}): {why}", crate::source::human_bytes((bx.end - bx.data) as u64)));
        }
    }
    let Some(meta) = top.iter().find(|x| &x.kind == b"meta") else { return Ok((out, removed)) };
    let inner = boxes(b, (meta.data + 4).min(meta.end), meta.end)?;
    let find = |k: &[u8; 4]| inner.iter().find(|x| &x.kind == k).copied();
    let (Some(iinf), Some(iloc)) = (find(b"iinf"), find(b"iloc")) else { return Ok((out, removed)) };
    let idat = find(b"idat");
    let locs = locations(b, iloc)?;
    for (id, kind, content_type) in item_types(b, iinf) {
        let is_exif = &kind == b"Exif";
        let is_xmp = &kind == b"mime" && content_type == b"application/rdf+xml";
        if !is_exif && !is_xmp {
            continue;
        }
        let what = if is_exif { "Exif" } else { "XMP" };
        let Some((_, (construction, base, extents))) = locs.iter().find(|(i, _)| *i == id) else { continue };
        let [(offset, len)] = extents[..] else {
            return Err(format!(
                "the {what} item is stored in {} pieces, which preflight does not rewrite; no copy was made",
                extents.len()
            ));
        };
        let origin = match construction {
            0 => 0,
            1 => idat.ok_or("the file has no idat box for an item stored in it")?.data as u64,
            _ => {
                return Err(format!(
                    "the {what} item is stored by reference, which preflight does not rewrite; no copy was made"
                ));
            }
        };
        let start = origin.checked_add(*base).and_then(|s| s.checked_add(offset)).ok_or("an item offset overflows")?;
        let end = start.checked_add(if len == 0 { b.len() as u64 - start.min(b.len() as u64) } else { len });
        let (start, end) = match end {
            Some(e) if e <= b.len() as u64 => (start as usize, e as usize),
            _ => return Err(format!("the {what} item lies outside the file; no copy was made")),
        };
        if is_exif {
            rewrite_exif(&mut out, start..end, plan, &mut removed)?;
        } else {
            rewrite_xmp(&mut out, start..end, plan, &mut removed)?;
        }
    }
    Ok((out, removed))
}

/// An Exif item: a 4-byte offset to the TIFF header, what lies before it (`Exif\0\0`), the TIFF.
fn rewrite_exif(
    out: &mut [u8],
    r: std::ops::Range<usize>,
    plan: &Plan,
    removed: &mut Vec<String>,
) -> Result<(), String> {
    let item = &out[r.clone()];
    let skip = (be(item, 0, 4).ok_or("the Exif item is cut off")? as usize).saturating_add(4);
    let tiff = item.get(skip..).ok_or("the Exif item's TIFF offset points outside it")?;
    let new = exif_rewrite::rewrite(tiff, plan)
        .map_err(|why| format!("the Exif item cannot be rewritten ({why}); no copy was made"))?;
    if new.removed.is_empty() {
        return Ok(());
    }
    if new.tiff.len() > tiff.len() {
        return Err("the cleaned Exif would not fit where the original was; no copy was made".into());
    }
    removed.extend(new.removed);
    let at = r.start + skip;
    out[at..at + new.tiff.len()].copy_from_slice(&new.tiff);
    out[at + new.tiff.len()..r.end].fill(0);
    Ok(())
}

fn rewrite_xmp(
    out: &mut [u8],
    r: std::ops::Range<usize>,
    plan: &Plan,
    removed: &mut Vec<String>,
) -> Result<(), String> {
    let text = std::str::from_utf8(&out[r.clone()])
        .map_err(|_| "the XMP is not UTF-8 text, so it cannot be rewritten; no copy was made")?;
    let Some((new, why)) = xmp::rewrite(text, plan).map_err(|e| format!("{e}; no copy was made"))? else {
        return Ok(());
    };
    removed.extend(why);
    let at = r.start;
    out[at..at + new.len()].copy_from_slice(new.as_bytes());
    out[at + new.len()..r.end].fill(b' ');
    Ok(())
}
