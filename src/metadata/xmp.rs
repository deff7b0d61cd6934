//! XMP: what EXIF left empty — lens model (`exifEX:LensModel`, `aux:Lens`) and capture date
//! (`exif:DateTimeOriginal`, `photoshop:DateCreated` when it carries a time) — plus the labels
//! (`dc:subject` and `lr:hierarchicalSubject` items, `dc:title` and `dc:description`: the
//! `xml:lang="x-default"` item of their `rdf:Alt`, else the first) and what identifies the
//! photographer ([`super::identifying`]).
//!
//! The packet is read by [`super::xml`]: a property is found by its namespace URI and local name,
//! whatever prefix the writer bound to it (`xapMM:History` is `xmpMM:History`), as an attribute
//! or an element, at any depth; the first occurrence of each counts.
//!
//! Only the five predefined XML entities and numeric character references (`&#233;`, `&#xE9;`)
//! are decoded; nothing is expanded, nothing is fetched. A packet that declares entities of its
//! own (`<!ENTITY …>`, the "billion laughs" attack) gets a warning; its references stay as
//! written.
//!
//! # Allocations
//! The packet, up to [`MAX_XMP`] bytes (a longer packet is read only up to that size), and its
//! [`Doc`]; at most [`super::MAX_KEYWORDS`] items per list, each cut to
//! [`super::MAX_TEXT_CHARS`] characters.

use super::exif::exif_datetime;
use super::identifying::{self, Category, Sighting};
use super::xml::{Doc, Found, uri};
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
    read_text(&String::from_utf8_lossy(&bytes), out);
}

/// Reads an XMP packet's text into `out`.
#[inline(never)]
pub fn read_text(text: &str, out: &mut Metadata) {
    let doc = Doc::parse(text);
    if doc.declares_entities {
        // Entity declarations are how a "billion laughs" packet turns a few KB into gigabytes.
        out.warnings.push(
            "the XMP packet declares its own XML entities, which XMP does not allow; they were left unexpanded".into(),
        );
    }
    if doc.truncated {
        out.warnings.push("the XMP packet nests too deep or holds too many elements; the rest was not read".into());
    }
    labels(&doc, out);
    history(&doc, text, out);
    sightings(&doc, out);
    for (prefix, name) in [
        ("dc", "rights"),
        ("xmpRights", "Owner"),
        ("xmpRights", "UsageTerms"),
        ("photoshop", "Credit"),
        ("plus", "CopyrightOwner"),
        ("plus", "Licensor"),
    ] {
        if let Some(f) = doc.find(uri(prefix), name).next() {
            let v = doc.value(&f);
            if !v.is_empty() {
                out.privacy
                    .rights
                    .push((format!("XMP {prefix}:{name}"), bounded_text(v, "an XMP value", &mut out.warnings)));
            }
        }
    }
    out.sources.xmp_datetime_original = property(&doc, "exif", "DateTimeOriginal");
    out.sources.xmp_date_created = property(&doc, "photoshop", "DateCreated");
    if out.lens_model.is_none() {
        out.lens_model = property(&doc, "exifEX", "LensModel").or_else(|| property(&doc, "aux", "Lens"));
    }
    if out.datetime_original.is_none() {
        out.datetime_original = [("exif", "DateTimeOriginal"), ("photoshop", "DateCreated")]
            .iter()
            .find_map(|(ns, name)| property(&doc, ns, name).and_then(|v| xmp_datetime(&v)));
    }
}

/// Editing history (`xmpMM:History`: how many events, which `stEvt:softwareAgent`s).
fn history(doc: &Doc, text: &str, out: &mut Metadata) {
    if let Some(Found::Element(i)) = doc.find(uri("xmpMM"), "History").next() {
        let e = &doc.elements[i];
        // One `<rdf:li>` per event in its `rdf:Seq`.
        out.privacy.xmp_history_events = e
            .children
            .iter()
            .flat_map(|&c| &doc.elements[c].children)
            .filter(|&&li| doc.elements[li].name.is(super::xml::RDF, "li"))
            .count();
        for f in doc.find(uri("stEvt"), "softwareAgent") {
            let v = doc.value(&f);
            if !v.is_empty()
                && !out.privacy.xmp_software_agents.contains(&v)
                && out.privacy.xmp_software_agents.len() < 20
            {
                out.privacy.xmp_software_agents.push(v);
            }
        }
    }
    out.privacy.xmp_personal_paths = identifying::personal_paths(text).into_iter().take(20).collect();
}

/// Every identifying property ([`identifying::xmp`]) with its value; one inside another of the
/// same category (a field of `Iptc4xmpCore:CreatorContactInfo`) is part of the outer one.
fn sightings(doc: &Doc, out: &mut Metadata) {
    let mut seen: Vec<(usize, Category)> = Vec::new();
    for (name, found) in doc.properties() {
        let Some(category) = identifying::xmp(&name.ns, &name.local) else { continue };
        // Where to start looking for an enclosing sighting: an element's parent, an attribute's
        // own element.
        let mut p = match found {
            Found::Element(i) => doc.elements[i].parent,
            Found::Attr(a) => Some(a.element),
        };
        let mut inside = false;
        while let Some(j) = p {
            inside |= seen.iter().any(|&(k, c)| k == j && c == category);
            p = doc.elements[j].parent;
        }
        if inside {
            continue;
        }
        let tag = format!("XMP {}", name.qualified());
        if let Found::Element(i) = found {
            seen.push((i, category));
            if category == Category::XmpHistory {
                // History is counted apart; the rest summarised, not listed field by field.
                if name.local == "History" {
                    continue;
                }
                let n = doc.items(i).len();
                let value = if n > 1 { format!("{n} documents") } else { short_fields(doc, i) };
                out.privacy.sighted(category, tag, value);
                continue;
            }
            // A structure (CreatorContactInfo, LocationCreated): one sighting per field.
            let fields = doc.fields(i);
            if !fields.is_empty() {
                for (field, v) in fields {
                    let v = bounded_text(v, "an XMP value", &mut out.warnings);
                    out.privacy.sighted(category, format!("{tag}/{field}"), v);
                }
                continue;
            }
        }
        let value = bounded_text(doc.value(&found), "an XMP value", &mut out.warnings);
        if !value.is_empty() && out.privacy.sightings.len() < 200 {
            out.privacy.sightings.push(Sighting { category, tag, value });
        }
    }
}

/// A history structure in a few words: its file path or document ID, else its first field.
fn short_fields(doc: &Doc, i: usize) -> String {
    let fields = doc.fields(i);
    let pick = ["filePath", "documentID", "originalDocumentID"]
        .iter()
        .find_map(|k| fields.iter().find(|(f, _)| f == k))
        .or(fields.first());
    pick.map_or_else(|| doc.value(&Found::Element(i)), |(f, v)| format!("{f} = {v}"))
}

/// Keywords, hierarchical keywords, title and description.
fn labels(doc: &Doc, out: &mut Metadata) {
    let list = |ns: &str, name: &str, warnings: &mut Vec<String>| -> Vec<String> {
        let Some(Found::Element(i)) = doc.find(uri(ns), name).find(|f| matches!(f, Found::Element(_))) else {
            return Vec::new();
        };
        let items = doc.items(i);
        if items.len() > MAX_KEYWORDS {
            warnings.push(format!("XMP {ns}:{name} has more than {MAX_KEYWORDS} items; the rest were ignored"));
        }
        items
            .into_iter()
            .take(MAX_KEYWORDS)
            .map(|(_, v)| bounded_text(v.to_string(), &format!("an XMP {ns}:{name} item"), warnings))
            .collect()
    };
    out.sources.xmp_subject = list("dc", "subject", &mut out.warnings);
    out.hierarchical_keywords = list("lr", "hierarchicalSubject", &mut out.warnings);
    for (name, slot) in [("title", &mut out.title), ("description", &mut out.description)] {
        let found = doc.find(uri("dc"), name).next();
        let items = match found {
            Some(Found::Element(i)) => doc.items(i),
            Some(Found::Attr(a)) => vec![(None, a.value.trim())],
            None => Vec::new(),
        };
        let pick = items.iter().position(|(lang, _)| *lang == Some("x-default")).unwrap_or(0);
        if let Some((_, v)) = items.into_iter().nth(pick).filter(|(_, v)| !v.is_empty()) {
            *slot = Some(bounded_text(v.to_string(), &format!("XMP dc:{name}"), &mut out.warnings));
        }
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

/// The value of a simple property (`prefix` is preflight's prefix for its namespace) as an
/// attribute or an element's text; trimmed, empty → None.
fn property(doc: &Doc, prefix: &str, name: &str) -> Option<String> {
    doc.find(uri(prefix), name).find_map(|f| {
        let v = match f {
            Found::Attr(a) => a.value.trim(),
            Found::Element(i) if doc.elements[i].children.is_empty() => doc.elements[i].text.trim(),
            Found::Element(_) => "",
        };
        (!v.is_empty()).then(|| v.to_string())
    })
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
            super::super::xml::decode(" &lt;a&gt; &amp;lt; &#65;&#x42; &bogus; & &#xD800; "),
            " <a> &lt; AB &bogus; & &#xD800; "
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
