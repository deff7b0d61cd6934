//! XMP: a tiny, bounded scanner (not an XML parser) that fills what EXIF left empty: lens model
//! (`exifEX:LensModel`, `aux:Lens`) and capture date (`exif:DateTimeOriginal`,
//! `photoshop:DateCreated` when it carries a time). A property is found either as an attribute
//! (`aux:Lens="…"`) or as a simple element (`<aux:Lens>…</aux:Lens>`).
//!
//! It also reads the labels: `dc:subject` and `lr:hierarchicalSubject` (the `<rdf:li>` items of
//! their `rdf:Bag`/`rdf:Seq`), `dc:title` and `dc:description` (the `xml:lang="x-default"` item
//! of their `rdf:Alt`, else the first). Properties are found by their usual prefixes (`dc:`,
//! `lr:`), not by namespace URI; the first occurrence of each counts.
//!
//! Only the five predefined XML entities and numeric character references (`&#233;`, `&#xE9;`)
//! are decoded; nothing is expanded, nothing is fetched. A packet that declares entities of its
//! own (`<!ENTITY …>`, the "billion laughs" attack) gets a warning; its references stay as
//! written.
//!
//! # Allocations
//! The packet, up to [`MAX_XMP`] bytes (a longer packet is read only up to that size); at most
//! [`super::MAX_KEYWORDS`] items per list, each cut to [`super::MAX_TEXT_CHARS`] characters.

use super::exif::exif_datetime;
use super::{MAX_KEYWORDS, Metadata, bounded_text};
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
    if text.contains("<!ENTITY") {
        // Entity declarations are how a "billion laughs" packet turns a few KB into gigabytes.
        out.warnings.push(
            "the XMP packet declares its own XML entities, which XMP does not allow; they were left unexpanded".into(),
        );
    }
    labels(&text, out);
    history(&text, out);
    out.sources.xmp_datetime_original = property(&text, "exif:DateTimeOriginal");
    out.sources.xmp_date_created = property(&text, "photoshop:DateCreated");
    if out.lens_model.is_none() {
        out.lens_model = property(&text, "exifEX:LensModel").or_else(|| property(&text, "aux:Lens"));
    }
    if out.datetime_original.is_none() {
        out.datetime_original = ["exif:DateTimeOriginal", "photoshop:DateCreated"]
            .iter()
            .find_map(|name| property(&text, name).and_then(|v| xmp_datetime(&v)));
    }
}

/// How paths naming a user account start, with their separator.
pub const PERSONAL_PATH_PREFIXES: [(&str, char); 4] =
    [("/Users/", '/'), ("/home/", '/'), ("C:\\Users\\", '\\'), ("C:/Users/", '/')];

/// Editing history (`xmpMM:History`: how many events, which `stEvt:softwareAgent`s)
/// and paths that name a user account anywhere in the packet.
fn history(text: &str, out: &mut Metadata) {
    if let Some(body) = element_body(text, "xmpMM:History") {
        // One `<rdf:li>` per event in its `rdf:Seq`.
        out.privacy.xmp_history_events = body.matches("<rdf:li").count();
        let mut rest = body;
        while let Some(i) = rest.find("stEvt:softwareAgent") {
            rest = &rest[i + "stEvt:softwareAgent".len()..];
            let value = if let Some(r) = rest.trim_start().strip_prefix('=') {
                let r = r.trim_start();
                let q = r.chars().next().filter(|c| *c == '"' || *c == '\'');
                q.and_then(|q| r[1..].find(q).map(|e| &r[1..1 + e]))
            } else {
                rest.strip_prefix('>').and_then(|r| r.find('<').map(|e| &r[..e]))
            };
            if let Some(v) = value.and_then(clean)
                && !out.privacy.xmp_software_agents.contains(&v)
                && out.privacy.xmp_software_agents.len() < 20
            {
                out.privacy.xmp_software_agents.push(v);
            }
        }
    }
    for (prefix, sep) in PERSONAL_PATH_PREFIXES {
        let mut rest = text;
        while let Some(i) = rest.find(prefix) {
            rest = &rest[i + prefix.len()..];
            let name: String = rest
                .chars()
                .take_while(|&c| c != sep && c != '"' && c != '<' && c != '\'' && !c.is_whitespace())
                .take(64)
                .collect();
            let path = format!("{prefix}{name}");
            if !name.is_empty()
                && !out.privacy.xmp_personal_paths.contains(&path)
                && out.privacy.xmp_personal_paths.len() < 20
            {
                out.privacy.xmp_personal_paths.push(path);
            }
        }
    }
}

/// Keywords, hierarchical keywords, title and description.
fn labels(text: &str, out: &mut Metadata) {
    let list = |name: &str, warnings: &mut Vec<String>| -> Vec<String> {
        let (items, more) = items(text, name);
        if more {
            warnings.push(format!("XMP {name} has more than {MAX_KEYWORDS} items; the rest were ignored"));
        }
        items.into_iter().map(|(_, v)| bounded_text(v, &format!("an XMP {name} item"), warnings)).collect()
    };
    out.sources.xmp_subject = list("dc:subject", &mut out.warnings);
    out.hierarchical_keywords = list("lr:hierarchicalSubject", &mut out.warnings);
    for (name, slot) in [("dc:title", &mut out.title), ("dc:description", &mut out.description)] {
        let (items, _) = items(text, name);
        let pick = items.iter().position(|(lang, _)| lang.as_deref() == Some("x-default")).unwrap_or(0);
        if let Some((_, v)) = items.into_iter().nth(pick) {
            *slot = Some(bounded_text(v, &format!("XMP {name}"), &mut out.warnings));
        }
    }
}

/// The `<rdf:li>` items of the first `<name>…</name>` element, as (`xml:lang`, value), empty
/// items skipped, at most [`MAX_KEYWORDS`] (the flag says there were more). An element holding
/// plain text instead of an array counts as one item.
fn items(text: &str, name: &str) -> (Vec<(Option<String>, String)>, bool) {
    let mut out = Vec::new();
    let Some(body) = element_body(text, name) else { return (out, false) };
    if !body.contains('<') {
        if let Some(v) = clean(body) {
            out.push((None, v));
        }
        return (out, false);
    }
    let mut rest = body;
    while let Some(i) = rest.find("<rdf:li") {
        let after = &rest[i + "<rdf:li".len()..];
        let Some(close) = after.find('>') else { break };
        let attrs = &after[..close];
        rest = &after[close + 1..];
        if !attrs.is_empty() && !attrs.starts_with(char::is_whitespace) && !attrs.starts_with('/') {
            continue; // `<rdf:lix…`: not an item
        }
        if attrs.ends_with('/') {
            continue; // `<rdf:li/>`: empty
        }
        let Some(end) = rest.find("</rdf:li") else { break };
        let raw = &rest[..end];
        rest = &rest[end..];
        if raw.contains('<') {
            continue; // structured item (rdf:parseType="Resource"…): not a plain value
        }
        if let Some(v) = clean(raw) {
            if out.len() == MAX_KEYWORDS {
                return (out, true);
            }
            out.push((attribute(attrs, "xml:lang"), v));
        }
    }
    (out, false)
}

/// The text between `<name …>` and the next `</name>` (`None` if absent or self-closing).
fn element_body<'t>(text: &'t str, name: &str) -> Option<&'t str> {
    let open = format!("<{name}");
    let mut search = 0;
    while let Some(i) = text[search..].find(&open) {
        let after = &text[search + i + open.len()..];
        search += i + open.len();
        if !after.starts_with(|c: char| c == '>' || c == '/' || c.is_whitespace()) {
            continue;
        }
        let close = after.find('>')?;
        if after[..close].ends_with('/') {
            return None;
        }
        let body = &after[close + 1..];
        let end = body.find(&format!("</{name}"))?;
        return Some(&body[..end]);
    }
    None
}

/// An attribute's value inside a tag's attribute text.
fn attribute(attrs: &str, name: &str) -> Option<String> {
    let i = attrs.find(name)?;
    let rest = attrs[i + name.len()..].trim_start().strip_prefix('=')?.trim_start();
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let body = &rest[1..];
    Some(body[..body.find(quote)?].to_string())
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

/// Trimmed, with XML character references decoded (in one pass: `&amp;lt;` stays `&lt;`);
/// empty → None. An unknown or malformed reference is kept as written.
fn clean(raw: &str) -> Option<String> {
    let raw = raw.trim();
    let mut s = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(i) = rest.find('&') {
        s.push_str(&rest[..i]);
        rest = &rest[i..];
        let decoded = rest.find(';').filter(|&j| j <= 10).and_then(|j| {
            let c = match &rest[1..j] {
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                "amp" => '&',
                r => {
                    let n = match r.strip_prefix("#x").or_else(|| r.strip_prefix("#X")) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => r.strip_prefix('#')?.parse().ok()?,
                    };
                    char::from_u32(n)?
                }
            };
            Some((c, j + 1))
        });
        match decoded {
            Some((c, n)) => {
                s.push(c);
                rest = &rest[n..];
            }
            None => {
                s.push('&');
                rest = &rest[1..];
            }
        }
    }
    s.push_str(rest);
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
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
    fn declared_entities_are_flagged_and_never_expanded() {
        let m = read_str(
            "<!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>\
             <dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">&b;</rdf:li></rdf:Alt></dc:title>",
        );
        assert_eq!(m.title.as_deref(), Some("&b;"));
        assert!(m.warnings.iter().any(|w| w.contains("declares its own XML entities")), "{:?}", m.warnings);
        assert!(read_str("<dc:title>a &amp; b</dc:title>").warnings.is_empty());
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
    fn keyword_lists_title_description() {
        let m = read_str(
            r#"<rdf:Description rdf:about="" photoshop:DateCreated="2015-06-12">
            <dc:subject><rdf:Bag><rdf:li>Alvin &amp; friends</rdf:li><rdf:li/><rdf:li>caf&#xE9;</rdf:li>
              <rdf:li>  USA </rdf:li></rdf:Bag></dc:subject>
            <lr:hierarchicalSubject><rdf:Bag><rdf:li>animal|mammal|rodent</rdf:li></rdf:Bag></lr:hierarchicalSubject>
            <dc:title><rdf:Alt><rdf:li xml:lang="de">Hörnchen</rdf:li><rdf:li xml:lang='x-default'>Squirrel</rdf:li></rdf:Alt></dc:title>
            <dc:description><rdf:Alt><rdf:li xml:lang="en">A squirrel</rdf:li></rdf:Alt></dc:description>
            <dc:rights/></rdf:Description>"#,
        );
        assert_eq!(m.sources.xmp_subject, ["Alvin & friends", "café", "USA"]);
        assert_eq!(m.hierarchical_keywords, ["animal|mammal|rodent"]);
        assert_eq!(m.title.as_deref(), Some("Squirrel"));
        assert_eq!(m.description.as_deref(), Some("A squirrel"));
        assert_eq!(m.sources.xmp_date_created.as_deref(), Some("2015-06-12"));
        assert_eq!(m.datetime_original, None);
        assert!(m.warnings.is_empty(), "{:?}", m.warnings);

        // Absent, self-closing, a `dc:subjectX` look-alike, structured items: nothing.
        let m = read_str(
            "<dc:subjectX>no</dc:subjectX><dc:subject/><lr:hierarchicalSubject><rdf:Bag><rdf:li rdf:parseType=\"Resource\"><x>1</x></rdf:li></rdf:Bag></lr:hierarchicalSubject>",
        );
        assert!(m.sources.xmp_subject.is_empty() && m.hierarchical_keywords.is_empty() && m.title.is_none());
        // Plain text instead of an Alt.
        assert_eq!(read_str("<dc:title> Plain </dc:title>").title.as_deref(), Some("Plain"));
    }

    #[test]
    fn keyword_bounds() {
        let mut x = String::from("<dc:subject><rdf:Bag>");
        for i in 0..10_005 {
            x.push_str(&format!("<rdf:li>k{i}</rdf:li>"));
        }
        x.push_str(&format!("</rdf:Bag></dc:subject><dc:title>{}</dc:title>", "é".repeat(1500)));
        let m = read_str(&x);
        assert_eq!(m.sources.xmp_subject.len(), 10_000);
        assert_eq!(m.title.as_ref().map(|t| t.chars().count()), Some(1000));
        assert_eq!(m.warnings.len(), 2, "{:?}", m.warnings);
    }

    #[test]
    fn references() {
        assert_eq!(
            clean(" &lt;a&gt; &amp;lt; &#65;&#x42; &bogus; & &#xD800; ").as_deref(),
            Some("<a> &lt; AB &bogus; & &#xD800;")
        );
    }

    #[test]
    fn exif_values_win_and_junk_is_fine() {
        let mut src = SliceSource(b"<aux:Lens>XMP lens</aux:Lens>");
        let mut r = Reader::new(&mut src);
        let mut m = Metadata { lens_model: Some("EXIF lens".into()), ..Default::default() };
        read(&mut r, Block { offset: 0, len: 30 }, &mut m);
        assert_eq!(m.lens_model.as_deref(), Some("EXIF lens"));
        for junk in [
            "",
            "aux:Lens",
            "<aux:Lens",
            " aux:Lens=",
            " aux:Lens=\"",
            "<aux:Lens/>",
            "\u{1F600}aux:Lens",
            "<dc:subject",
            "<dc:subject>",
            "<dc:subject><rdf:li",
            "<dc:subject><rdf:li>x",
            "<dc:subject><rdf:li>x</dc:subject>",
            "<dc:title><rdf:li xml:lang=\"x-default>x</rdf:li></dc:title>",
            "<dc:title>&#x",
        ] {
            read_str(junk);
        }
    }
}
