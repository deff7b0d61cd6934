//! JPEG clean copies, lossless: the file's segments are walked in order; metadata segments are
//! rewritten or dropped ([`Plan`]), every other segment and the entropy-coded data are copied
//! byte for byte, in their original order.
//!
//! | segment | becomes |
//! |---|---|
//! | APP0 JFIF | kept (an embedded JFIF thumbnail cut off); APP0 JFXX (a thumbnail) dropped |
//! | APP1 Exif | rebuilt by [`super::exif_rewrite`] (a second Exif block: dropped) |
//! | APP1 XMP | rewritten by [`super::xmp`]; extended XMP dropped |
//! | APP2 ICC_PROFILE | kept (colour meaning of the pixels) |
//! | APP13 Photoshop | IPTC (0x0404), its digest (0x0425) and resolution (0x03ED) kept; other resources (thumbnails, EXIF/XMP copies) dropped |
//! | APP14 Adobe | kept (colour transform the decoder needs) |
//! | APP11 JUMBF `c2pa` (Content Credentials) | dropped, or kept with `privacy.keep_content_credentials` |
//! | other APPn, COM | dropped (MPF preview index, FlashPix, vendor data, free-text comments) |
//! | DQT, DHT, SOF, DRI, SOS + scan data, … | copied unchanged |
//! | bytes after EOI | dropped (MPF preview images, vendor trailers) |
//!
//! # Allocations
//! Rewritten segments only; unchanged segments are borrowed from the input until
//! [`Pieces::assemble`] copies them into the output.

use std::borrow::Cow;

use super::{Plan, exif_rewrite, xmp};
use crate::source::human_bytes;

const EXIF_ID: &[u8] = b"Exif\0\0";
const XMP_ID: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";
const PHOTOSHOP_ID: &[u8] = b"Photoshop 3.0\0";

/// A JPEG as a list of segments (each from its `FF xx` marker on), between SOI and EOI.
pub struct Pieces<'a> {
    pub segments: Vec<Cow<'a, [u8]>>,
    pub removed: Vec<String>,
}

impl Pieces<'_> {
    /// The file: SOI, the segments, EOI.
    pub fn assemble(&self) -> Vec<u8> {
        let len = 4 + self.segments.iter().map(|s| s.len()).sum::<usize>();
        let mut out = Vec::with_capacity(len);
        out.extend_from_slice(&[0xFF, 0xD8]);
        for s in &self.segments {
            out.extend_from_slice(s);
        }
        out.extend_from_slice(&[0xFF, 0xD9]);
        out
    }

    /// The metadata segments a re-encoded copy carries over, as (APPn number, payload):
    /// EXIF, XMP, ICC profile, IPTC — not JFIF or Adobe APP14, which describe the old encoding.
    pub fn metadata(&self) -> impl Iterator<Item = (u8, &[u8])> {
        self.segments.iter().filter_map(|s| match s[1] {
            m @ (0xE1 | 0xE2 | 0xED) => Some((m - 0xE0, &s[4..])),
            _ => None,
        })
    }
}

fn segment(marker: u8, payload: &[u8]) -> Result<Vec<u8>, String> {
    let len = u16::try_from(payload.len() + 2).map_err(|_| "a rewritten metadata segment exceeds 64 KB")?;
    let mut s = vec![0xFF, marker];
    s.extend_from_slice(&len.to_be_bytes());
    s.extend_from_slice(payload);
    Ok(s)
}

/// The segments of a clean copy of `b` (a whole JPEG file).
pub fn rewrite<'a>(b: &'a [u8], plan: &Plan) -> Result<Pieces<'a>, String> {
    let mut out = Pieces { segments: Vec::new(), removed: Vec::new() };
    let mut seen_exif = false;
    let mut pos = 2;
    loop {
        if pos + 1 >= b.len() {
            return Err("the file ends before the image does (it is cut off); no copy was made".into());
        }
        if b[pos] != 0xFF {
            return Err(format!("the JPEG structure is damaged at byte {pos}; no copy was made"));
        }
        if b[pos + 1] == 0xFF {
            pos += 1; // fill byte
            continue;
        }
        let marker = b[pos + 1];
        if marker == 0xD9 {
            let after = b.len() - (pos + 2);
            if after > 0 {
                out.removed.push(format!(
                    "{} after the image's end: embedded preview images or a vendor trailer, with metadata of their own",
                    human_bytes(after as u64)
                ));
            }
            return Ok(out);
        }
        if (0xD0..=0xD7).contains(&marker) || marker == 0x01 {
            out.segments.push(Cow::Borrowed(&b[pos..pos + 2]));
            pos += 2;
            continue;
        }
        let len = b.get(pos + 2..pos + 4).map(|l| u16::from_be_bytes([l[0], l[1]]) as usize).unwrap_or(0);
        let end = pos + 2 + len;
        if len < 2 || end > b.len() {
            return Err(format!("a JPEG segment at byte {pos} runs past the end of the file; no copy was made"));
        }
        if marker == 0xDA {
            let scan_end = entropy_end(b, end);
            out.segments.push(Cow::Borrowed(&b[pos..scan_end]));
            pos = scan_end;
            continue;
        }
        let seg = &b[pos..end];
        let payload = &b[pos + 4..end];
        match metadata_segment(marker, payload, plan, &mut seen_exif, &mut out.removed)? {
            Keep::Same => out.segments.push(Cow::Borrowed(seg)),
            Keep::New(s) => out.segments.push(Cow::Owned(s)),
            Keep::Drop(why) => {
                out.removed.push(format!("{} ({}): {why}", name(marker, payload), human_bytes(seg.len() as u64)))
            }
        }
        pos = end;
    }
}

/// End of a scan's entropy-coded data: the first marker that is not a stuffed zero or a restart.
fn entropy_end(b: &[u8], mut i: usize) -> usize {
    while i + 1 < b.len() {
        if b[i] == 0xFF && b[i + 1] != 0 && !(0xD0..=0xD7).contains(&b[i + 1]) {
            return i;
        }
        i += 1;
    }
    b.len()
}

enum Keep {
    Same,
    New(Vec<u8>),
    Drop(String),
}

fn name(marker: u8, payload: &[u8]) -> String {
    if marker == 0xFE {
        return "COM comment".into();
    }
    let id: String =
        payload.iter().take_while(|&&c| c != 0 && c.is_ascii_graphic()).take(24).map(|&c| c as char).collect();
    let n = marker.wrapping_sub(0xE0);
    if id.is_empty() { format!("APP{n}") } else { format!("APP{n} {id}") }
}

fn metadata_segment(
    marker: u8,
    p: &[u8],
    plan: &Plan,
    seen_exif: &mut bool,
    removed: &mut Vec<String>,
) -> Result<Keep, String> {
    Ok(match marker {
        0xE0 if p.starts_with(b"JFIF\0") && p.len() >= 14 && (p[12] != 0 || p[13] != 0) => {
            removed.push("JFIF thumbnail: an old rendering of the picture".into());
            let mut jfif = p[..14].to_vec();
            jfif[12] = 0;
            jfif[13] = 0;
            Keep::New(segment(0xE0, &jfif)?)
        }
        0xE0 if p.starts_with(b"JFXX\0") => Keep::Drop("a thumbnail".into()),
        0xE0 => Keep::Same,
        0xE1 if p.starts_with(EXIF_ID) && !*seen_exif => {
            *seen_exif = true;
            match exif_rewrite::rewrite(&p[EXIF_ID.len()..], plan) {
                // Nothing to drop: the original block, not a re-laid-out equal.
                Ok(r) if r.removed.is_empty() => Keep::Same,
                Ok(r) => {
                    removed.extend(r.removed);
                    let mut new = EXIF_ID.to_vec();
                    new.extend_from_slice(&r.tiff);
                    Keep::New(segment(0xE1, &new)?)
                }
                Err(why) => Keep::Drop(format!("{why}, so it could not be rewritten (all of it dropped)")),
            }
        }
        0xE1 if p.starts_with(EXIF_ID) => Keep::Drop("a second EXIF block (readers use the first)".into()),
        0xE1 if p.starts_with(XMP_ID) => {
            let Ok(text) = std::str::from_utf8(&p[XMP_ID.len()..]) else {
                return Ok(Keep::Drop("an XMP packet that is not UTF-8 text, so it could not be rewritten".into()));
            };
            match xmp::rewrite(text, plan) {
                Ok(None) => Keep::Same,
                Ok(Some((new_text, why))) => {
                    removed.extend(why);
                    let mut new = XMP_ID.to_vec();
                    new.extend_from_slice(new_text.as_bytes());
                    Keep::New(segment(0xE1, &new)?)
                }
                Err(why) => Keep::Drop(format!("{why}, so it could not be rewritten (all of it dropped)")),
            }
        }
        0xE1 if p.starts_with(b"http://ns.adobe.com/xmp/extension/\0") => {
            Keep::Drop("extended XMP, where large properties such as editing history go".into())
        }
        0xE2 if p.starts_with(b"ICC_PROFILE\0") => Keep::Same,
        0xE2 if p.starts_with(b"MPF\0") => Keep::Drop("the index of embedded preview images".into()),
        0xED if p.starts_with(PHOTOSHOP_ID) => photoshop(p, plan, removed)?,
        0xEE if p.starts_with(b"Adobe") => Keep::Same,
        0xEB if crate::probe::jpeg::is_c2pa_app11(p) => match plan.content_credentials() {
            Ok(_) => Keep::Same,
            Err(why) => Keep::Drop(why.into()),
        },
        0xFE => Keep::Drop("free text that can hold anything".into()),
        0xE1..=0xEF => Keep::Drop("vendor metadata no brief needs".into()),
        _ => Keep::Same,
    })
}

/// Photoshop image resources: keeps IPTC (0x0404, rewritten by [`super::iptc`]), its digest
/// (0x0425, dropped when the IPTC changed) and resolution (0x03ED); drops the rest (thumbnails
/// 0x0409/0x040C, EXIF/XMP copies 0x0422–0x0424, …).
fn photoshop(p: &[u8], plan: &Plan, removed: &mut Vec<String>) -> Result<Keep, String> {
    const KEEP: [u16; 3] = [0x0404, 0x0425, 0x03ED];
    let mut kept = PHOTOSHOP_ID.to_vec();
    let mut dropped = Vec::new();
    let mut iptc_changed = false;
    let mut digest: Option<Vec<u8>> = None;
    let mut i = PHOTOSHOP_ID.len();
    while i + 12 <= p.len() && &p[i..i + 4] == b"8BIM" {
        let id = u16::from_be_bytes([p[i + 4], p[i + 5]]);
        let name_len = p[i + 6] as usize;
        let name_end = i + 6 + ((name_len + 2) & !1);
        let Some(size) = p.get(name_end..name_end + 4).map(|s| u32::from_be_bytes([s[0], s[1], s[2], s[3]]) as usize)
        else {
            break;
        };
        let data_end = (name_end + 4).saturating_add(size).min(p.len());
        let end = (name_end + 4).saturating_add((size + 1) & !1).min(p.len());
        if id == 0x0404 {
            match super::iptc::rewrite_iim(&p[name_end + 4..data_end], plan) {
                Some((new, why)) => {
                    removed.extend(why);
                    iptc_changed = true;
                    kept.extend_from_slice(&super::iptc::resource(0x0404, &new));
                }
                None => kept.extend_from_slice(&p[i..end]),
            }
        } else if id == 0x0425 {
            digest = Some(p[i..end].to_vec());
        } else if KEEP.contains(&id) {
            kept.extend_from_slice(&p[i..end]);
        } else {
            dropped.push(format!("0x{id:04X}"));
        }
        i = end;
    }
    match digest {
        // The digest is the IPTC's MD5: a stale one would say the IPTC was edited by a tool
        // that did not understand it.
        Some(_) if iptc_changed => removed.push("Photoshop resource 0x0425 (the old IPTC's digest)".into()),
        Some(d) => kept.extend_from_slice(&d),
        None => {}
    }
    if dropped.is_empty() && !iptc_changed {
        return Ok(Keep::Same);
    }
    if !dropped.is_empty() {
        removed.push(format!(
            "Photoshop resources {} (thumbnails, copies of EXIF/XMP, editing state): only IPTC is kept",
            dropped.join(", ")
        ));
    }
    Ok(if kept.len() > PHOTOSHOP_ID.len() {
        Keep::New(segment(0xED, &kept)?)
    } else {
        Keep::Drop("no resource left to keep".into())
    })
}
