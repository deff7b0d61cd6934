//! WebP clean copies, lossless: RIFF chunks walked in order, image chunks copied byte for byte.
//!
//! | chunk | becomes |
//! |---|---|
//! | VP8, VP8L, ALPH, ANIM, ANMF, ICCP | copied unchanged |
//! | VP8X | copied, its EXIF / XMP flags cleared when those chunks are gone |
//! | EXIF | rebuilt by [`super::exif_rewrite`] (a leading `Exif\0\0`, which some writers add, kept) |
//! | XMP (`XMP ` or `XMP\0`) | rewritten by [`super::xmp`] |
//! | anything else | dropped (private data no brief needs) |
//! | bytes after the RIFF size | dropped |
//!
//! The RIFF size is recomputed. Chunks keep their padding to an even length.
//!
//! # Allocations
//! The output file (about the input's size).

use super::{Plan, exif_rewrite, xmp};
use crate::source::human_bytes;

const IMAGE_CHUNKS: &[&[u8; 4]] = &[b"VP8 ", b"VP8L", b"ALPH", b"ANIM", b"ANMF", b"ICCP"];
const FLAG_EXIF: u8 = 0x08;
const FLAG_XMP: u8 = 0x04;

pub fn is_webp(b: &[u8]) -> bool {
    b.len() >= 12 && &b[..4] == b"RIFF" && &b[8..12] == b"WEBP"
}

/// The clean copy of a whole WebP file, and a line per thing left out.
pub fn rewrite(b: &[u8], plan: &Plan) -> Result<(Vec<u8>, Vec<String>), String> {
    let riff_end = (8 + u32::from_le_bytes([b[4], b[5], b[6], b[7]]) as usize).min(b.len());
    let mut out = b[..12].to_vec();
    let mut removed = Vec::new();
    let (mut has_exif, mut has_xmp, mut vp8x_at) = (false, false, None);
    let mut pos = 12;
    while pos + 8 <= riff_end {
        let kind: [u8; 4] = b[pos..pos + 4].try_into().expect("4 bytes");
        let len = u32::from_le_bytes(b[pos + 4..pos + 8].try_into().expect("4 bytes")) as usize;
        let end = pos + 8 + len;
        if end > b.len() {
            return Err(format!("a WebP chunk at byte {pos} runs past the end of the file; no copy was made"));
        }
        let data = &b[pos + 8..end];
        let padded = &b[pos..(end + (len & 1)).min(b.len())];
        let label = String::from_utf8_lossy(&kind).trim_end_matches([' ', '\0']).to_string();
        match &kind {
            b"VP8X" => {
                vp8x_at = Some(out.len() + 8);
                out.extend_from_slice(padded);
            }
            _ if IMAGE_CHUNKS.contains(&&kind) => out.extend_from_slice(padded),
            b"EXIF" => {
                let prefix = if data.starts_with(b"Exif\0\0") { 6 } else { 0 };
                match exif_rewrite::rewrite(&data[prefix..], plan) {
                    Ok(r) if r.removed.is_empty() => {
                        out.extend_from_slice(padded);
                        has_exif = true;
                    }
                    Ok(r) => {
                        removed.extend(r.removed);
                        let mut new = data[..prefix].to_vec();
                        new.extend_from_slice(&r.tiff);
                        put_chunk(&mut out, b"EXIF", &new);
                        has_exif = true;
                    }
                    Err(why) => removed.push(format!("EXIF, all of it: {why}, so it could not be rewritten")),
                }
            }
            // "XMP\0" is what some writers put instead of the specified "XMP ".
            b"XMP " | b"XMP\0" => match std::str::from_utf8(data)
                .map_err(|_| "it is not UTF-8 text".to_string())
                .and_then(|t| xmp::rewrite(t, plan))
            {
                Ok(None) => {
                    out.extend_from_slice(padded);
                    has_xmp = true;
                }
                Ok(Some((text, why))) => {
                    removed.extend(why);
                    put_chunk(&mut out, &kind, text.as_bytes());
                    has_xmp = true;
                }
                Err(why) => removed.push(format!("XMP, all of it: {why}, so it could not be rewritten")),
            },
            b"C2PA" => match plan.content_credentials() {
                Ok(_) => out.extend_from_slice(padded),
                Err(why) => removed.push(format!("C2PA chunk ({}): {why}", human_bytes(len as u64))),
            },
            _ => removed.push(format!("{label} chunk ({}): private data no brief needs", human_bytes(len as u64))),
        }
        pos = end + (len & 1);
    }
    if b.len() > riff_end {
        removed.push(format!("{} after the image's end", human_bytes((b.len() - riff_end) as u64)));
    }
    if let Some(at) = vp8x_at.filter(|&at| at < out.len()) {
        if !has_exif {
            out[at] &= !FLAG_EXIF;
        }
        if !has_xmp {
            out[at] &= !FLAG_XMP;
        }
    }
    let size = u32::try_from(out.len() - 8).map_err(|_| "the copy would exceed 4 GB")?;
    out[4..8].copy_from_slice(&size.to_le_bytes());
    Ok((out, removed))
}

fn put_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(kind);
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out.extend_from_slice(data);
    if data.len() % 2 == 1 {
        out.push(0);
    }
}
