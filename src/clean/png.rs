//! PNG clean copies, lossless: chunks walked in order, image chunks copied byte for byte.
//!
//! | chunk | becomes |
//! |---|---|
//! | critical chunks (IHDR, PLTE, IDAT, IEND) and the standard colour / layout / animation chunks | copied unchanged |
//! | eXIf | rebuilt by [`super::exif_rewrite`], CRC recomputed |
//! | iTXt `XML:com.adobe.xmp` | rewritten by [`super::xmp`] (stored uncompressed), CRC recomputed |
//! | `Raw profile type iptc` / `exif` / `APP1` / `xmp` (ImageMagick's hex dumps) | the IPTC, EXIF or XMP inside rewritten like the real thing, stored as tEXt |
//! | tEXt / zTXt / iTXt `Title`, `Description`, `Copyright`, `Creation Time`, `Software`, `Disclaimer`, `Warning` | kept |
//! | other text chunks (`Author`, `Comment`, ImageMagick's `Raw profile type exif` / `xmp` …), unknown ancillary chunks | dropped |
//! | bytes after IEND | dropped |
//!
//! # Allocations
//! The output file (about the input's size) and an inflated XMP packet (≤ 1 MB).

use super::{Plan, exif_rewrite, xmp};
use crate::source::human_bytes;

pub const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
const XMP_KEYWORD: &[u8] = b"XML:com.adobe.xmp";
/// Ancillary chunks that describe how to show the pixels (colour, gamma, layout, animation).
const IMAGE_CHUNKS: &[&[u8; 4]] = &[
    b"cHRM", b"gAMA", b"iCCP", b"sBIT", b"sRGB", b"cICP", b"mDCV", b"cLLI", b"bKGD", b"hIST", b"tRNS", b"pHYs",
    b"sPLT", b"tIME", b"acTL", b"fcTL", b"fdAT", b"oFFs", b"sCAL",
];
/// Text chunks kept: descriptive, or (ImageMagick's IPTC profile) where the keywords are.
const KEPT_TEXT: &[&str] = &[
    "Title",
    "Description",
    "Copyright",
    "Creation Time",
    "Software",
    "Disclaimer",
    "Warning",
    "Raw profile type iptc",
];

/// The clean copy of a whole PNG file, and a line per thing left out.
pub fn rewrite(b: &[u8], plan: &Plan) -> Result<(Vec<u8>, Vec<String>), String> {
    let mut out = Vec::with_capacity(b.len());
    let mut removed = Vec::new();
    out.extend_from_slice(SIGNATURE);
    let mut pos = SIGNATURE.len();
    loop {
        let Some(head) = b.get(pos..pos + 8) else {
            return Err("the file ends before its IEND chunk (it is cut off); no copy was made".into());
        };
        let len = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as usize;
        let kind: [u8; 4] = [head[4], head[5], head[6], head[7]];
        let end = pos + 12 + len;
        if end > b.len() {
            return Err(format!("a PNG chunk at byte {pos} runs past the end of the file; no copy was made"));
        }
        let chunk = &b[pos..end];
        let data = &b[pos + 8..pos + 8 + len];
        let label = String::from_utf8_lossy(&kind).into_owned();
        let critical = kind[0].is_ascii_uppercase();
        match &kind {
            _ if critical || IMAGE_CHUNKS.contains(&&kind) => out.extend_from_slice(chunk),
            b"eXIf" => match exif_rewrite::rewrite(data, plan) {
                Ok(r) if r.removed.is_empty() => out.extend_from_slice(chunk),
                Ok(r) => {
                    removed.extend(r.removed);
                    put_chunk(&mut out, b"eXIf", &r.tiff);
                }
                Err(why) => removed.push(format!("eXIf, all of it: {why}, so it could not be rewritten")),
            },
            b"tEXt" | b"zTXt" | b"iTXt" => {
                let keyword = &data[..data.iter().position(|&c| c == 0).unwrap_or(data.len())];
                let keyword_text = String::from_utf8_lossy(keyword);
                if &kind == b"iTXt" && keyword == XMP_KEYWORD {
                    match xmp_chunk(data, plan) {
                        Ok(None) => out.extend_from_slice(chunk),
                        Ok(Some((new, why))) => {
                            removed.extend(why);
                            put_chunk(&mut out, b"iTXt", &new);
                        }
                        Err(why) => removed.push(format!("iTXt XMP, all of it: {why}, so it could not be rewritten")),
                    }
                } else if keyword_text == "Raw profile type iptc" {
                    let plain;
                    let text_data = if &kind == b"tEXt" {
                        data
                    } else {
                        plain = [
                            keyword,
                            b"\0",
                            &text_chunk_text(&kind, data).ok_or("a compressed IPTC profile does not inflate")?,
                        ]
                        .concat();
                        &plain[..]
                    };
                    match super::iptc::png_raw_profile(text_data, plan) {
                        Ok(None) => out.extend_from_slice(chunk),
                        Ok(Some((new, why))) => {
                            removed.extend(why);
                            put_chunk(&mut out, b"tEXt", &new);
                        }
                        Err(why) => removed.push(format!("{label} \"Raw profile type iptc\", all of it: {why}")),
                    }
                } else if let Some(profile) =
                    keyword_text.strip_prefix("Raw profile type ").filter(|p| ["exif", "APP1", "xmp"].contains(p))
                {
                    // ImageMagick's hex dump of EXIF or XMP: rewritten like the real thing.
                    let rest = &data[keyword.len() + 1..];
                    match raw_profile(profile, rest, plan) {
                        Ok(None) => out.extend_from_slice(chunk),
                        Ok(Some((new, why))) => {
                            removed.extend(why);
                            let mut text = keyword.to_vec();
                            text.push(0);
                            text.extend_from_slice(&super::iptc::hex_dump(profile, &new));
                            put_chunk(&mut out, b"tEXt", &text);
                        }
                        Err(why) => removed.push(format!("{label} \"{keyword_text}\", all of it: {why}")),
                    }
                } else if KEPT_TEXT.contains(&keyword_text.as_ref()) {
                    out.extend_from_slice(chunk);
                } else {
                    removed.push(format!(
                        "{label} \"{keyword_text}\" ({}): free text no brief needs (names, comments, copies of other metadata)",
                        human_bytes(len as u64)
                    ));
                }
            }
            b"caBX" => match plan.content_credentials() {
                Ok(_) => out.extend_from_slice(chunk),
                Err(why) => removed.push(format!("caBX chunk ({}): {why}", human_bytes(len as u64))),
            },
            _ => removed.push(format!("{label} chunk ({}): private data no brief needs", human_bytes(len as u64))),
        }
        pos = end;
        if &kind == b"IEND" {
            if pos < b.len() {
                removed.push(format!("{} after the image's end", human_bytes((b.len() - pos) as u64)));
            }
            return Ok((out, removed));
        }
    }
}

/// A `Raw profile type exif|APP1|xmp` chunk's payload (after the keyword) rewritten: the new
/// profile bytes and what was dropped, `None` when nothing was.
fn raw_profile(profile: &str, rest: &[u8], plan: &Plan) -> Result<Option<NewChunk>, String> {
    let data = crate::metadata::iptc::png_raw_profile(rest).ok_or("the hex dump cannot be decoded")?;
    if profile == "xmp" {
        let text = std::str::from_utf8(&data).map_err(|_| "the XMP is not UTF-8 text")?;
        return Ok(xmp::rewrite(text, plan)?.map(|(t, why)| (t.into_bytes(), why)));
    }
    let skip = if data.starts_with(b"Exif\0\0") { 6 } else { 0 };
    let r = exif_rewrite::rewrite(&data[skip..], plan)?;
    if r.removed.is_empty() {
        return Ok(None);
    }
    Ok(Some(([&data[..skip], &r.tiff[..]].concat(), r.removed)))
}

/// The text of a zTXt or iTXt chunk (after its keyword), inflated when compressed.
fn text_chunk_text(kind: &[u8; 4], data: &[u8]) -> Option<Vec<u8>> {
    let k = data.iter().position(|&c| c == 0)? + 1;
    let limit = 4 * crate::metadata::iptc::MAX_IPTC as usize;
    let inflate = |z: &[u8]| miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(z, limit).ok();
    if kind == b"zTXt" {
        return inflate(data.get(k + 1..)?);
    }
    let flag = *data.get(k)?;
    let lang_end = k + 2 + data.get(k + 2..)?.iter().position(|&c| c == 0)?;
    let tkw_end = lang_end + 1 + data.get(lang_end + 1..)?.iter().position(|&c| c == 0)?;
    let raw = data.get(tkw_end + 1..)?;
    if flag == 1 { inflate(raw) } else { Some(raw.to_vec()) }
}

/// A chunk's new data and a line per thing dropped from it.
type NewChunk = (Vec<u8>, Vec<String>);

/// An iTXt XMP chunk's data rewritten (uncompressed), or `None` when nothing is dropped.
fn xmp_chunk(data: &[u8], plan: &Plan) -> Result<Option<NewChunk>, String> {
    // keyword \0 compression-flag compression-method language \0 translated-keyword \0 text
    let k = XMP_KEYWORD.len() + 1;
    let flag = *data.get(k).ok_or("the XMP chunk is cut off")?;
    let lang_end = k + 2 + data[k + 2..].iter().position(|&c| c == 0).ok_or("the XMP chunk is cut off")?;
    let tkw_end = lang_end + 1 + data[lang_end + 1..].iter().position(|&c| c == 0).ok_or("the XMP chunk is cut off")?;
    let raw = &data[tkw_end + 1..];
    let inflated;
    let text_bytes = if flag == 1 {
        inflated = miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(raw, crate::metadata::xmp::MAX_XMP as usize)
            .map_err(|_| "the compressed XMP does not inflate")?;
        &inflated[..]
    } else {
        raw
    };
    let text = std::str::from_utf8(text_bytes).map_err(|_| "the XMP is not UTF-8 text")?;
    let Some((new_text, removed)) = xmp::rewrite(text, plan)? else { return Ok(None) };
    let mut out = data[..k].to_vec();
    out.extend_from_slice(&[0, 0]); // uncompressed
    out.extend_from_slice(&data[k + 2..=tkw_end]);
    out.extend_from_slice(new_text.as_bytes());
    Ok(Some((out, removed)))
}

fn put_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crate::probe::png::crc32(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}
