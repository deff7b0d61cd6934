//! XMP: a tiny, bounded scanner (not an XML parser) that fills what EXIF left empty: lens model
//! (`exifEX:LensModel`, `aux:Lens`) and capture date (`exif:DateTimeOriginal`,
//! `photoshop:DateCreated` when it carries a time). A property is found either as an attribute
//! (`aux:Lens="…"`) or as a simple element (`<aux:Lens>…</aux:Lens>`). Only the five predefined
//! XML entities are decoded; nothing is expanded, nothing is fetched.
//!
//! # Allocations
//! The packet, up to [`MAX_XMP`] bytes (a longer packet is read only up to that size).

use super::Metadata;
use super::exif::exif_datetime;
use crate::probe::Block;
use crate::source::Reader;

pub const MAX_XMP: u64 = 1 << 20;

pub fn read(reader: &mut Reader<'_>, block: Block, out: &mut Metadata) {
    let len = block.len.min(MAX_XMP);
    let Ok(bytes) = reader.read_vec(block.offset, len, MAX_XMP, "XMP packet") else {
        out.warnings.push("the XMP packet cannot be read".into());
        return;
    };
    let text = String::from_utf8_lossy(&bytes);
    if out.lens_model.is_none() {
        out.lens_model = property(&text, "exifEX:LensModel").or_else(|| property(&text, "aux:Lens"));
    }
    if out.datetime_original.is_none() {
        out.datetime_original = ["exif:DateTimeOriginal", "photoshop:DateCreated"]
            .iter()
            .find_map(|name| property(&text, name).and_then(|v| xmp_datetime(&v)));
    }
}

/// `2015-06-12T13:40:32.25+02:00` → `2015-06-12T13:40:32.25`; date-only or minute-only
/// values → `None` (they do not say when, to the second).
fn xmp_datetime(v: &str) -> Option<String> {
    let v = v.trim();
    let base = v.get(..19)?;
    let rest = &v[19..];
    let subsec = rest.strip_prefix('.').map(|r| r.chars().take_while(char::is_ascii_digit).collect::<String>());
    exif_datetime(base, subsec.as_deref())
}

/// The value of property `name` as an attribute or a simple element; trimmed, empty → None.
fn property(text: &str, name: &str) -> Option<String> {
    let mut search = 0;
    while let Some(i) = text[search..].find(name) {
        let at = search + i;
        search = at + name.len();
        let before = text[..at].chars().next_back();
        let after = &text[at + name.len()..];
        // The name must end here (`aux:Lens` is not `aux:LensInfo`).
        if !after.starts_with(|c: char| c == '=' || c == '>' || c == '/' || c.is_whitespace()) {
            continue;
        }
        if before == Some('<') {
            // Element: <name ...>value</name>
            let close = after.find('>')?;
            if after[..close].ends_with('/') {
                continue;
            }
            let body = &after[close + 1..];
            let end = body.find('<')?;
            if let Some(v) = clean(&body[..end]) {
                return Some(v);
            }
        } else if before.is_some_and(char::is_whitespace) {
            // Attribute: name="value" or name='value'
            let rest = after.trim_start().strip_prefix('=')?.trim_start();
            let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
            let body = &rest[1..];
            let end = body.find(quote)?;
            if let Some(v) = clean(&body[..end]) {
                return Some(v);
            }
        }
    }
    None
}

fn clean(raw: &str) -> Option<String> {
    let s = raw
        .trim()
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&");
    (!s.is_empty()).then_some(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SliceSource;

    fn read_str(s: &str) -> Metadata {
        let mut src = SliceSource(s.as_bytes());
        let mut r = Reader::new(&mut src);
        let mut m = Metadata::default();
        read(&mut r, Block { offset: 0, len: s.len() as u64 }, &mut m);
        m
    }

    #[test]
    fn attributes_and_elements() {
        let m = read_str(
            r#"<rdf:Description aux:Lens="EF70-200mm f/2.8L USM" exif:DateTimeOriginal="2013-09-07T06:45:12.50+02:00"/>"#,
        );
        assert_eq!(m.lens_model.as_deref(), Some("EF70-200mm f/2.8L USM"));
        assert_eq!(m.datetime_original.as_deref(), Some("2013-09-07T06:45:12.50"));
        let m = read_str(r#"<d aux:LensInfo="180/10 550/10 35/10 56/10"/>"#);
        assert_eq!(m.lens_model, None, "LensInfo is not Lens");
        let m = read_str(
            "<x><exifEX:LensModel>A &amp; B</exifEX:LensModel><photoshop:DateCreated>2012-06-10</photoshop:DateCreated></x>",
        );
        assert_eq!(m.lens_model.as_deref(), Some("A & B"));
        assert_eq!(m.datetime_original, None);
    }

    #[test]
    fn exif_values_win_and_junk_is_fine() {
        let mut src = SliceSource(b"<aux:Lens>XMP lens</aux:Lens>");
        let mut r = Reader::new(&mut src);
        let mut m = Metadata { lens_model: Some("EXIF lens".into()), ..Default::default() };
        read(&mut r, Block { offset: 0, len: 30 }, &mut m);
        assert_eq!(m.lens_model.as_deref(), Some("EXIF lens"));
        for junk in ["", "aux:Lens", "<aux:Lens", " aux:Lens=", " aux:Lens=\"", "<aux:Lens/>", "\u{1F600}aux:Lens"] {
            read_str(junk);
        }
    }
}
