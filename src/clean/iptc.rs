//! IPTC-IIM with the datasets the [`Plan`] drops cut out ([`crate::metadata::identifying::iptc`]:
//! By-line, contact, writer; city, sub-location, province, country), every other dataset —
//! keywords, headline, caption, copyright notice, credit — copied byte for byte.
//!
//! IIM sits in a JPEG's Photoshop resource 0x0404 ([`super::jpeg`]) or in a PNG text chunk keyed
//! `Raw profile type iptc` (a hex dump, [`png_raw_profile`]).
//!
//! # Allocations
//! The rewritten datasets (at most the input's size); for PNG, the decoded profile and its new
//! hex dump.

use super::Plan;

/// New bytes, and a line per thing dropped.
pub type Rewritten = (Vec<u8>, Vec<String>);

/// The datasets without the dropped ones, and a line per dataset dropped; `None` when nothing
/// is dropped. Bytes after the last well-formed dataset (other than zero padding) are dropped
/// too: what they hold cannot be read, so it cannot be vouched for.
pub fn rewrite_iim(data: &[u8], plan: &Plan) -> Option<Rewritten> {
    use crate::metadata::iptc::{Stop, datasets};
    let mut out = Vec::with_capacity(data.len());
    let mut removed = Vec::new();
    let (list, stop) = datasets(data);
    for d in list {
        match plan.iptc_drop_reason(d.record, d.dataset) {
            Some(why) => {
                let name = crate::metadata::identifying::iptc(d.record, d.dataset).map_or("", |(_, n)| n);
                removed.push(format!("IPTC {name} ({}:{}): {why}", d.record, d.dataset));
            }
            None => out.extend_from_slice(&data[d.start..d.end]),
        }
    }
    match stop {
        Stop::End(p) => out.extend_from_slice(&data[p..]), // zero padding
        Stop::Junk(p) => {
            removed.push(format!("{} of damaged IPTC data after the last readable dataset", data.len() - p))
        }
        Stop::CutOff => removed.push("a cut-off IPTC dataset".into()),
        Stop::Damaged => removed.push("a damaged IPTC dataset".into()),
    }
    (!removed.is_empty()).then_some((out, removed))
}

/// A PNG `Raw profile type iptc` text chunk's data (keyword included) rewritten as an
/// uncompressed `tEXt` chunk's data; `Ok(None)` when nothing is dropped.
pub fn png_raw_profile(chunk: &[u8], plan: &Plan) -> Result<Option<Rewritten>, String> {
    const KEY: &[u8] = b"Raw profile type iptc\0";
    let decoded = chunk
        .strip_prefix(KEY)
        .and_then(crate::metadata::iptc::png_raw_profile)
        .ok_or("the IPTC profile cannot be decoded")?;
    let (iim, wrapped) = if decoded.starts_with(b"8BIM") {
        let (s, l) = crate::probe::jpeg::photoshop_iptc(&decoded).ok_or("the IPTC profile holds no IPTC resource")?;
        (&decoded[s..s + l], true)
    } else {
        (&decoded[..], false)
    };
    let Some((new, removed)) = rewrite_iim(iim, plan) else { return Ok(None) };
    let payload = if wrapped { resource(0x0404, &new) } else { new };
    let mut text = KEY.to_vec();
    text.extend_from_slice(&hex_dump("IPTC", &payload));
    Ok(Some((text, removed)))
}

/// A PNG raw profile's text: `\nNAME\n  LENGTH\n` and the bytes in hex, 72 digits a line (as
/// ImageMagick and ExifTool write it).
pub fn hex_dump(name: &str, data: &[u8]) -> Vec<u8> {
    let mut text = format!("\n{name}\n{:8}\n", data.len()).into_bytes();
    for line in data.chunks(36) {
        for b in line {
            text.extend_from_slice(format!("{b:02x}").as_bytes());
        }
        text.push(b'\n');
    }
    text
}

/// A Photoshop image resource (`8BIM`, id, empty name, size, data padded to even).
pub fn resource(id: u16, data: &[u8]) -> Vec<u8> {
    let mut r = b"8BIM".to_vec();
    r.extend_from_slice(&id.to_be_bytes());
    r.extend_from_slice(&[0, 0]);
    r.extend_from_slice(&(data.len() as u32).to_be_bytes());
    r.extend_from_slice(data);
    if data.len() % 2 == 1 {
        r.push(0);
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ds(record: u8, dataset: u8, value: &[u8]) -> Vec<u8> {
        let mut v = vec![0x1C, record, dataset];
        v.extend_from_slice(&(value.len() as u16).to_be_bytes());
        v.extend_from_slice(value);
        v
    }

    #[test]
    fn drops_identity_and_place_keeps_the_rest() {
        let kw = ds(2, 25, b"street");
        let copy = ds(2, 116, b"(c) Jane");
        let data =
            [ds(1, 90, b"\x1b%G"), ds(2, 80, b"Jane Doe"), kw.clone(), ds(2, 90, b"Berlin"), copy.clone()].concat();
        let (out, removed) = rewrite_iim(&data, &Plan::strip_all()).unwrap();
        assert_eq!(out, [ds(1, 90, b"\x1b%G"), kw, copy].concat());
        assert_eq!(
            removed,
            [
                "IPTC By-line (2:80): names or contacts the photographer",
                "IPTC City (2:90): names where the photo was taken"
            ]
        );
        assert_eq!(rewrite_iim(&ds(2, 25, b"x"), &Plan::strip_all()), None);
        let (out, removed) =
            rewrite_iim(&[ds(2, 25, b"x"), vec![0x1C, 2, 80, 0, 50, b'a']].concat(), &Plan::strip_all()).unwrap();
        assert_eq!((out, removed.len()), (ds(2, 25, b"x"), 1), "a cut-off dataset is dropped");
    }
}
