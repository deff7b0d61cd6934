//! XMP with the properties the [`Plan`] drops cut out, everything else kept byte for byte.
//!
//! An XMP property is an attribute of an `rdf:Description` (`exif:GPSLatitude="…"`) or one of
//! its child elements (`<xmpMM:History><rdf:Seq>…</rdf:Seq></xmpMM:History>`). This walks every
//! `rdf:Description`, drops the attributes and child elements [`Plan::xmp_drop_reason`] names
//! (by their conventional prefixes, as the reader in [`crate::metadata::xmp`] matches them), and
//! copies the rest of the packet unchanged — keywords, titles, capture dates stay as they were.
//!
//! # Allocations
//! The output text (at most the input's size).

use super::Plan;

/// The packet without the dropped properties, and a line per property dropped (`None` when
/// nothing was dropped).
pub fn rewrite(xmp: &str, plan: &Plan) -> Result<Option<(String, Vec<String>)>, String> {
    let mut out = String::with_capacity(xmp.len());
    let mut removed = Vec::new();
    let mut rest = xmp;
    while let Some(i) = rest.find("<rdf:Description") {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let head_end = tag_end(rest, 0).ok_or("an rdf:Description tag is not closed")?;
        let head = &rest[..head_end];
        out.push_str(&filter_attributes(head, plan, &mut removed));
        rest = &rest[head_end..];
        if head.ends_with("/>") {
            continue;
        }
        // Child elements (properties) up to the Description's end tag.
        loop {
            let Some(lt) = rest.find('<') else { return Err("an rdf:Description is not closed".into()) };
            out.push_str(&rest[..lt]);
            rest = &rest[lt..];
            if rest.starts_with("</") {
                break;
            }
            if rest.starts_with("<!--") || rest.starts_with("<?") {
                let end = tag_end(rest, 0).ok_or("an XML comment is not closed")?;
                out.push_str(&rest[..end]);
                rest = &rest[end..];
                continue;
            }
            let end = element_end(rest).ok_or("an XMP property is not closed")?;
            let element = &rest[..end];
            let name = element[1..].split(|c: char| c.is_whitespace() || c == '>' || c == '/').next().unwrap_or("");
            match plan.xmp_drop_reason(name, element) {
                Some(why) => {
                    removed.push(format!("XMP {name}: {why}"));
                    // Drop the property's indentation with it.
                    let trimmed = out.trim_end_matches([' ', '\t']).len();
                    if out[..trimmed].ends_with('\n') {
                        out.truncate(trimmed - 1);
                    }
                }
                None => out.push_str(element),
            }
            rest = &rest[end..];
        }
    }
    out.push_str(rest);
    Ok(if removed.is_empty() { None } else { Some((out, removed)) })
}

/// The `rdf:Description` start tag without the attributes the plan drops.
fn filter_attributes(head: &str, plan: &Plan, removed: &mut Vec<String>) -> String {
    let mut out = String::with_capacity(head.len());
    let mut rest = head;
    // `name="value"` pairs, each with the whitespace before it.
    while let Some(eq) = rest.find('=') {
        let name_start = rest[..eq].trim_end().rfind(char::is_whitespace).map_or(0, |i| i + 1);
        let lead = rest[..name_start].trim_end().len();
        let name = rest[name_start..eq].trim();
        let after = rest[eq + 1..].trim_start();
        let Some(q) = after.chars().next().filter(|c| *c == '"' || *c == '\'') else { break };
        let value_start = rest.len() - after.len() + 1;
        let Some(close) = rest[value_start..].find(q) else { break };
        let end = value_start + close + 1;
        let value = &rest[value_start..value_start + close];
        match plan.xmp_drop_reason(name, value) {
            Some(why) => {
                removed.push(format!("XMP {name}: {why}"));
                out.push_str(&rest[..lead]);
            }
            None => out.push_str(&rest[..end]),
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Index just past the `>` of the markup starting at `s[at]` (quotes, comments, processing
/// instructions and CDATA understood).
fn tag_end(s: &str, at: usize) -> Option<usize> {
    let t = &s[at..];
    for (open, close) in [("<!--", "-->"), ("<![CDATA[", "]]>"), ("<?", "?>")] {
        if t.starts_with(open) {
            return t.find(close).map(|i| at + i + close.len());
        }
    }
    let mut quote = None;
    for (i, c) in t.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (None, '"' | '\'') => quote = Some(c),
            (None, '>') => return Some(at + i + 1),
            _ => {}
        }
    }
    None
}

/// Index just past the end of the element whose start tag begins `s`.
fn element_end(s: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut at = 0;
    loop {
        let lt = at + s[at..].find('<')?;
        let end = tag_end(s, lt)?;
        let tag = &s[lt..end];
        if tag.starts_with("<!") || tag.starts_with("<?") {
            // comment, CDATA or processing instruction: no depth change
        } else if tag.starts_with("</") {
            depth = depth.checked_sub(1)?;
        } else if !tag.ends_with("/>") {
            depth += 1;
        }
        if depth == 0 {
            return Some(end);
        }
        at = end;
    }
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
        assert!(rewrite("<rdf:Description a=\"1\">", &plan).is_err());
    }
}
