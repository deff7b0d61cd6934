//! XMP with the properties the [`Plan`] drops cut out, everything else kept byte for byte.
//!
//! The packet is read by [`crate::metadata::xml`], so a property is recognised by its
//! namespace URI and local name whatever prefix it was written with (`xapMM:History` is
//! `xmpMM:History`), as an attribute or an element, at any depth (a nested `rdf:Description`, a
//! structure's field). Each dropped property's bytes are cut out (an element with the
//! indentation before it); keywords, titles, capture dates stay exactly as they were.
//!
//! # Allocations
//! The packet's [`Doc`] and the output text (at most the input's size).

use super::Plan;
use crate::metadata::xml::{Doc, Found};

/// The packet without the dropped properties, and a line per property dropped (`None` when
/// nothing was dropped). `Err` when the packet is too large or deep to be read whole: then no
/// part of it can be vouched for.
pub fn rewrite(xmp: &str, plan: &Plan) -> Result<Option<(String, Vec<String>)>, String> {
    let doc = Doc::parse(xmp);
    if doc.truncated {
        return Err("the XMP packet nests too deep or holds too many elements to be read whole".into());
    }
    if doc.unclosed {
        return Err("the XMP packet is cut off or malformed (an element is never closed)".into());
    }
    let mut cuts: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    for (name, found) in doc.properties() {
        // The property's own text: an attribute's value, or an element's direct text.
        let own = match found {
            Found::Attr(a) => a.value.as_str(),
            Found::Element(i) => doc.elements[i].text.as_str(),
        };
        if let Some(why) = plan.xmp_drop_reason(&name.ns, &name.local, own) {
            let mut span = found.span(&doc);
            if let Found::Element(_) = found {
                // Take the indentation (and its line break) along.
                let before = &xmp[..span.start];
                let trimmed = before.trim_end_matches([' ', '\t']);
                if trimmed.ends_with('\n') {
                    span.start = trimmed.len() - 1 - usize::from(trimmed.ends_with("\r\n"));
                }
            }
            cuts.push((span, format!("XMP {}: {why}", name.qualified())));
        }
    }
    if cuts.is_empty() {
        return Ok(None);
    }
    cuts.sort_by_key(|(r, _)| (r.start, std::cmp::Reverse(r.end)));
    let mut out = String::with_capacity(xmp.len());
    let mut removed = Vec::new();
    let mut at = 0;
    for (r, why) in cuts {
        if r.start < at {
            continue; // inside a property already cut
        }
        out.push_str(&xmp[at..r.start]);
        at = r.end;
        removed.push(why);
    }
    out.push_str(&xmp[at..]);
    Ok(Some((out, removed)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PACKET: &str = r#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF>
 <rdf:Description rdf:about="" exif:GPSLatitude="52,30.0N" exif:DateTimeOriginal="2020-01-02T03:04:05"
   aux:SerialNumber='123'>
  <dc:subject><rdf:Bag><rdf:li>street</rdf:li><rdf:li>rain</rdf:li></rdf:Bag></dc:subject>
  <xmpMM:History><rdf:Seq><rdf:li stEvt:action="saved" stEvt:softwareAgent="Lightroom"/></rdf:Seq></xmpMM:History>
  <xmpMM:DerivedFrom stRef:filePath="/Users/jane/raw.dng"/>
  <exif:GPSLongitude>13,24.0E</exif:GPSLongitude>
  <!-- a comment > with a bracket -->
 </rdf:Description>
</rdf:RDF></x:xmpmeta>"#;

    #[test]
    fn drops_forbidden_properties_and_keeps_the_rest_verbatim() {
        let plan = Plan::strip_all();
        let (out, removed) = rewrite(PACKET, &plan).unwrap().unwrap();
        for gone in ["GPSLatitude", "GPSLongitude", "SerialNumber", "xmpMM:History", "/Users/jane", "softwareAgent"] {
            assert!(!out.contains(gone), "{gone} left in:\n{out}");
        }
        for kept in [
            r#"exif:DateTimeOriginal="2020-01-02T03:04:05""#,
            "<dc:subject><rdf:Bag><rdf:li>street</rdf:li><rdf:li>rain</rdf:li></rdf:Bag></dc:subject>",
            "<!-- a comment > with a bracket -->",
            "</rdf:Description>\n</rdf:RDF></x:xmpmeta>",
        ] {
            assert!(out.contains(kept), "{kept} lost:\n{out}");
        }
        assert_eq!(removed.len(), 5, "{removed:?}");
        assert!(removed[0].starts_with("XMP exif:GPSLatitude: "), "{removed:?}");
    }

    #[test]
    fn a_packet_with_nothing_to_drop_is_left_alone() {
        let plan = Plan::strip_all();
        let clean = r#"<rdf:Description rdf:about="" dc:format="image/jpeg"><dc:title>t</dc:title></rdf:Description>"#;
        assert_eq!(rewrite(clean, &plan).unwrap(), None);
        assert!(rewrite("<rdf:Description exif:GPSLatitude=\"1\"><x>", &plan).is_err(), "cut off");
    }
}
