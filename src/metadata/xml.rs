//! A small, bounded, forgiving XML reader for XMP packets, with namespaces resolved.
//!
//! XMP names a property by namespace URI and local name; the prefix is the writer's choice.
//! Photoshop CS5 writes `xapMM:History` where Lightroom writes `xmpMM:History` — the same
//! property, because both prefixes are bound to `http://ns.adobe.com/xap/1.0/mm/`. So every
//! element and attribute here carries its resolved URI ([`Name::ns`]), and [`canonical`] gives
//! the prefix preflight prints for a known URI.
//!
//! What it is not: a validating parser. It reads elements, attributes, character data, CDATA;
//! skips comments, processing instructions and DOCTYPE (declared entities are never expanded:
//! only the five predefined ones and numeric references are decoded). Recovery is lenient so a
//! damaged packet still yields what it holds: an end tag closes the nearest open element of
//! that name (a stray one is ignored), elements still open at the end are closed there. Every
//! node keeps its byte span, so [`crate::clean::xmp`] can cut properties out and copy the rest
//! byte for byte.
//!
//! # Allocations
//! One [`Element`] per element (at most [`MAX_ELEMENTS`]; nesting at most [`MAX_DEPTH`]) with
//! its attributes and direct text — a few times the packet's size at worst.

use std::ops::Range;

/// Most elements read; a packet with more is cut there ([`Doc::truncated`]).
pub const MAX_ELEMENTS: usize = 200_000;
/// Deepest nesting read; deeper elements are skipped ([`Doc::truncated`]).
pub const MAX_DEPTH: usize = 128;

pub const RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
pub const XML: &str = "http://www.w3.org/XML/1998/namespace";
const XMLNS: &str = "http://www.w3.org/2000/xmlns/";

/// A resolved name: namespace URI (empty when none is bound), local part, prefix as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    pub ns: String,
    pub local: String,
    pub prefix: String,
}

impl Name {
    pub fn is(&self, ns: &str, local: &str) -> bool {
        self.ns == ns && self.local == local
    }

    /// `prefix:local` with preflight's prefix for a known namespace ([`canonical`]), else the
    /// file's own prefix.
    pub fn qualified(&self) -> String {
        let p = canonical(&self.ns).unwrap_or(&self.prefix);
        if p.is_empty() { self.local.clone() } else { format!("{p}:{}", self.local) }
    }
}

#[derive(Debug, Clone)]
pub struct Attr {
    /// The element it belongs to (an index into [`Doc::elements`]).
    pub element: usize,
    pub name: Name,
    /// Decoded value.
    pub value: String,
    /// From the whitespace before the name to the closing quote.
    pub span: Range<usize>,
}

#[derive(Debug, Clone)]
pub struct Element {
    pub name: Name,
    pub attrs: Vec<Attr>,
    pub children: Vec<usize>,
    pub parent: Option<usize>,
    /// Character data directly inside (not in child elements), decoded, untrimmed.
    pub text: String,
    /// From `<` to the end of the end tag (or of `/>`).
    pub span: Range<usize>,
}

#[derive(Debug, Clone, Default)]
pub struct Doc {
    /// Every element in document order; `roots` are those without a parent.
    pub elements: Vec<Element>,
    pub roots: Vec<usize>,
    /// The packet had more than [`MAX_ELEMENTS`] elements or deeper nesting than [`MAX_DEPTH`]:
    /// part of it was not read.
    pub truncated: bool,
    /// Elements were still open at the end (the packet is cut off or malformed).
    pub unclosed: bool,
    /// The packet declares entities of its own (`<!ENTITY`): they were left unexpanded.
    pub declares_entities: bool,
}

/// The namespaces preflight names, with its prefix for each (early XMP's `xap` prefixes last:
/// [`canonical`] finds the first entry of a URI).
static NAMESPACES: &[(&str, &str)] = &[
    ("dc", "http://purl.org/dc/elements/1.1/"),
    ("xmp", "http://ns.adobe.com/xap/1.0/"),
    ("xmpMM", "http://ns.adobe.com/xap/1.0/mm/"),
    ("xmpRights", "http://ns.adobe.com/xap/1.0/rights/"),
    ("stEvt", "http://ns.adobe.com/xap/1.0/sType/ResourceEvent#"),
    ("stRef", "http://ns.adobe.com/xap/1.0/sType/ResourceRef#"),
    ("exif", "http://ns.adobe.com/exif/1.0/"),
    ("aux", "http://ns.adobe.com/exif/1.0/aux/"),
    ("exifEX", "http://cipa.jp/exif/1.0/"),
    ("tiff", "http://ns.adobe.com/tiff/1.0/"),
    ("photoshop", "http://ns.adobe.com/photoshop/1.0/"),
    ("lr", "http://ns.adobe.com/lightroom/1.0/"),
    ("crs", "http://ns.adobe.com/camera-raw-settings/1.0/"),
    ("Iptc4xmpCore", "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/"),
    ("Iptc4xmpExt", "http://iptc.org/std/Iptc4xmpExt/2008-02-29/"),
    ("plus", "http://ns.useplus.org/ldf/xmp/1.0/"),
    ("mediapro", "http://ns.iview-multimedia.com/mediapro/1.0/"),
    ("MicrosoftPhoto", "http://ns.microsoft.com/photo/1.0/"),
    ("pdf", "http://ns.adobe.com/pdf/1.3/"),
    ("rdf", RDF),
    ("xml", XML),
    // The prefixes of early XMP (Photoshop 7 – CS5) for the same namespaces.
    ("xap", "http://ns.adobe.com/xap/1.0/"),
    ("xapMM", "http://ns.adobe.com/xap/1.0/mm/"),
    ("xapRights", "http://ns.adobe.com/xap/1.0/rights/"),
];

/// Preflight's prefix for the namespaces it names in findings.
pub fn canonical(ns: &str) -> Option<&'static str> {
    NAMESPACES.iter().find(|(_, u)| *u == ns).map(|(p, _)| *p)
}

/// The URI of a namespace preflight names by its [`canonical`] prefix (or an early XMP prefix);
/// `""` for any other.
pub fn uri(prefix: &str) -> &'static str {
    NAMESPACES.iter().find(|(p, _)| *p == prefix).map_or("", |(_, u)| *u)
}

impl Doc {
    pub fn parse(text: &str) -> Doc {
        Parser { text, doc: Doc::default(), stack: Vec::new(), bindings: Vec::new() }.run()
    }

    /// Elements and attributes named `ns`:`local` anywhere in the packet, in document order.
    pub fn find<'d>(&'d self, ns: &'d str, local: &'d str) -> impl Iterator<Item = Found<'d>> + 'd {
        self.elements.iter().enumerate().flat_map(move |(i, e)| {
            let me = e.name.is(ns, local).then_some(Found::Element(i));
            me.into_iter().chain(e.attrs.iter().filter(move |a| a.name.is(ns, local)).map(Found::Attr))
        })
    }

    /// Every property anywhere: attributes other than `rdf:`/`xml:`/`xmlns` ones, and elements
    /// that are not RDF syntax — (name, where it is).
    pub fn properties(&self) -> impl Iterator<Item = (&Name, Found<'_>)> + '_ {
        self.elements.iter().enumerate().flat_map(|(i, e)| {
            let me = (e.name.ns != RDF).then_some((&e.name, Found::Element(i)));
            me.into_iter().chain(
                e.attrs.iter().filter(|a| a.name.ns != RDF && a.name.ns != XML).map(|a| (&a.name, Found::Attr(a))),
            )
        })
    }

    /// A property's value as text: an attribute's value; an element's `rdf:resource`, its
    /// plain text, or the items of its `rdf:Bag` / `rdf:Seq` / `rdf:Alt` joined with `, `; a
    /// structure's fields as `field = value` pairs.
    pub fn value(&self, f: &Found<'_>) -> String {
        match f {
            Found::Attr(a) => a.value.trim().to_string(),
            Found::Element(i) => {
                let mut parts = Vec::new();
                self.leaves(*i, &mut parts, 0);
                parts.join(", ")
            }
        }
    }

    /// The `<rdf:li>` items of an element's array (or its plain text as one item), as
    /// (`xml:lang`, trimmed text); items that are structures are skipped.
    pub fn items(&self, i: usize) -> Vec<(Option<&str>, &str)> {
        let e = &self.elements[i];
        let arrays: Vec<usize> = e
            .children
            .iter()
            .copied()
            .filter(|&c| ["Bag", "Seq", "Alt"].iter().any(|k| self.elements[c].name.is(RDF, k)))
            .collect();
        if arrays.is_empty() {
            let t = e.text.trim();
            return if e.children.is_empty() && !t.is_empty() { vec![(None, t)] } else { Vec::new() };
        }
        let mut out = Vec::new();
        for a in arrays {
            for &li in &self.elements[a].children {
                let li = &self.elements[li];
                if !li.name.is(RDF, "li") || !li.children.is_empty() {
                    continue;
                }
                let t = li.text.trim();
                if !t.is_empty() {
                    let lang = li.attrs.iter().find(|x| x.name.is(XML, "lang")).map(|x| x.value.as_str());
                    out.push((lang, t));
                }
            }
        }
        out
    }

    /// A structure's fields (`rdf:parseType="Resource"`, a nested `rdf:Description`, or
    /// qualifier attributes), as (local name, value) with nested structures flattened
    /// (`Address/City`); empty for a simple value or an array of simple items.
    pub fn fields(&self, i: usize) -> Vec<(String, String)> {
        let mut out = Vec::new();
        self.collect_fields(i, "", &mut out, 0);
        out
    }

    fn collect_fields(&self, i: usize, path: &str, out: &mut Vec<(String, String)>, depth: usize) {
        if depth > 8 || out.len() >= 100 {
            return;
        }
        let e = &self.elements[i];
        let join = |local: &str| if path.is_empty() { local.to_string() } else { format!("{path}/{local}") };
        for a in e.attrs.iter().filter(|a| a.name.ns != RDF && a.name.ns != XML) {
            if !a.value.trim().is_empty() {
                out.push((join(&a.name.local), a.value.trim().to_string()));
            }
        }
        for &c in &e.children {
            let ce = &self.elements[c];
            if ce.name.ns == RDF && ["Description", "Bag", "Seq", "Alt", "li"].contains(&ce.name.local.as_str()) {
                self.collect_fields(c, path, out, depth + 1);
            } else if ce.name.ns != RDF {
                let sub = join(&ce.name.local);
                let before = out.len();
                self.collect_fields(c, &sub, out, depth + 1);
                if out.len() == before {
                    let v = self.value(&Found::Element(c));
                    if !v.is_empty() {
                        out.push((sub, v));
                    }
                }
            }
        }
    }

    fn leaves(&self, i: usize, out: &mut Vec<String>, depth: usize) {
        let e = &self.elements[i];
        if depth > 8 || out.len() >= 50 {
            return;
        }
        if let Some(r) = e.attrs.iter().find(|a| a.name.is(RDF, "resource")) {
            out.push(r.value.trim().to_string());
        }
        let structure = depth > 0 && e.name.ns != RDF;
        for a in e.attrs.iter().filter(|a| a.name.ns != RDF && a.name.ns != XML) {
            out.push(format!("{} = {}", a.name.local, a.value.trim()));
        }
        let t = e.text.trim();
        if e.children.is_empty() && !t.is_empty() {
            out.push(if structure { format!("{} = {t}", e.name.local) } else { t.to_string() });
        }
        for &c in &e.children {
            self.leaves(c, out, depth + 1);
        }
    }
}

/// Where a property is.
#[derive(Debug, Clone, Copy)]
pub enum Found<'d> {
    Element(usize),
    Attr(&'d Attr),
}

impl Found<'_> {
    pub fn span(&self, doc: &Doc) -> Range<usize> {
        match self {
            Found::Element(i) => doc.elements[*i].span.clone(),
            Found::Attr(a) => a.span.clone(),
        }
    }
}

struct Parser<'t> {
    text: &'t str,
    doc: Doc,
    /// Open elements.
    stack: Vec<usize>,
    /// Namespace bindings in scope, with the stack depth that declared each.
    bindings: Vec<(usize, String, String)>,
}

impl Parser<'_> {
    fn run(mut self) -> Doc {
        let t = self.text;
        let mut pos = 0;
        while pos < t.len() {
            let Some(lt) = t[pos..].find('<').map(|i| pos + i) else {
                self.chars(&t[pos..]);
                break;
            };
            self.chars(&t[pos..lt]);
            let rest = &t[lt..];
            pos = if rest.starts_with("<!--") {
                lt + rest.find("-->").map_or(rest.len(), |i| i + 3)
            } else if rest.starts_with("<?") {
                lt + rest.find("?>").map_or(rest.len(), |i| i + 2)
            } else if let Some(cdata) = rest.strip_prefix("<![CDATA[") {
                let end = cdata.find("]]>").unwrap_or(cdata.len());
                self.raw_chars(&cdata[..end]);
                lt + 9 + (end + 3).min(cdata.len())
            } else if rest.starts_with("<!") {
                if rest.contains("<!ENTITY") {
                    self.doc.declares_entities = true;
                }
                // DOCTYPE, possibly with an internal subset in brackets.
                let close = match (rest.find('['), rest.find('>')) {
                    (Some(b), Some(g)) if b < g => rest.find("]>").map(|i| i + 2),
                    (_, g) => g.map(|i| i + 1),
                };
                lt + close.unwrap_or(rest.len())
            } else if let Some(end) = rest.strip_prefix("</") {
                let (qname, close) = match end.find('>') {
                    Some(i) => (&end[..i], i + 3),
                    None => (end, rest.len()),
                };
                self.end(qname.trim(), lt + close);
                lt + close
            } else {
                match self.start(lt) {
                    Some(next) => next,
                    None => {
                        // A lone '<': text.
                        self.chars("<");
                        lt + 1
                    }
                }
            };
            if self.doc.truncated && self.doc.elements.len() >= MAX_ELEMENTS {
                break;
            }
        }
        let end = t.len();
        while let Some(i) = self.stack.pop() {
            self.doc.elements[i].span.end = end;
            self.doc.unclosed = true;
        }
        self.doc
    }

    fn chars(&mut self, s: &str) {
        if let Some(&top) = self.stack.last()
            && !s.is_empty()
        {
            let decoded = decode(s);
            self.doc.elements[top].text.push_str(&decoded);
        }
    }

    fn raw_chars(&mut self, s: &str) {
        if let Some(&top) = self.stack.last() {
            self.doc.elements[top].text.push_str(s);
        }
    }

    /// A start tag at `lt`; the position after it, or `None` when `<` starts no tag.
    fn start(&mut self, lt: usize) -> Option<usize> {
        let t = self.text;
        let b = t.as_bytes();
        let mut p = lt + 1;
        let name_end =
            p + t[p..].find(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/').unwrap_or(t.len() - p);
        let qname = &t[p..name_end];
        if qname.is_empty() || !qname.starts_with(|c: char| c.is_alphabetic() || c == '_') {
            return None;
        }
        p = name_end;
        // Attributes: name = "value" | 'value'.
        let mut raw_attrs: Vec<(&str, &str, Range<usize>)> = Vec::new();
        let self_closing;
        loop {
            let ws = p;
            while p < b.len() && b[p].is_ascii_whitespace() {
                p += 1;
            }
            if p >= b.len() {
                self_closing = false;
                break;
            }
            if b[p] == b'>' {
                p += 1;
                self_closing = false;
                break;
            }
            if t[p..].starts_with("/>") {
                p += 2;
                self_closing = true;
                break;
            }
            let n_end = p + t[p..]
                .find(|c: char| c.is_ascii_whitespace() || c == '=' || c == '>' || c == '/')
                .unwrap_or(t.len() - p);
            let name = &t[p..n_end];
            let mut q = n_end;
            while q < b.len() && b[q].is_ascii_whitespace() {
                q += 1;
            }
            if name.is_empty() || q >= b.len() || b[q] != b'=' {
                // Not `name=…`: skip the junk character (a whole one: it may be multi-byte) and go on.
                p = n_end.max(p + t[p..].chars().next().map_or(1, char::len_utf8));
                continue;
            }
            q += 1;
            while q < b.len() && b[q].is_ascii_whitespace() {
                q += 1;
            }
            let Some(&quote) = b.get(q).filter(|&&c| c == b'"' || c == b'\'') else {
                p = q;
                continue;
            };
            let v_start = q + 1;
            let v_end = t[v_start..].find(quote as char).map_or(t.len(), |i| v_start + i);
            raw_attrs.push((name, &t[v_start..v_end], ws..(v_end + 1).min(t.len())));
            p = (v_end + 1).min(t.len());
        }
        if self.stack.len() >= MAX_DEPTH || self.doc.elements.len() >= MAX_ELEMENTS {
            self.doc.truncated = true;
            // Skip the element's content: it is not read.
            return Some(p);
        }
        let depth = self.stack.len() + 1;
        for (name, value, _) in &raw_attrs {
            if *name == "xmlns" {
                self.bindings.push((depth, String::new(), decode(value)));
            } else if let Some(prefix) = name.strip_prefix("xmlns:") {
                self.bindings.push((depth, prefix.to_string(), decode(value)));
            }
        }
        let idx = self.doc.elements.len();
        let mut attrs = Vec::new();
        for (name, value, span) in raw_attrs {
            if name == "xmlns" || name.starts_with("xmlns:") {
                continue;
            }
            attrs.push(Attr { element: idx, name: self.resolve(name, false), value: decode(value), span });
        }
        let parent = self.stack.last().copied();
        self.doc.elements.push(Element {
            name: self.resolve(qname, true),
            attrs,
            children: Vec::new(),
            parent,
            text: String::new(),
            span: lt..p,
        });
        match parent {
            Some(pa) => self.doc.elements[pa].children.push(idx),
            None => self.doc.roots.push(idx),
        }
        if self_closing {
            self.bindings.retain(|(d, _, _)| *d < depth);
        } else {
            self.stack.push(idx);
        }
        Some(p)
    }

    fn end(&mut self, qname: &str, after: usize) {
        let Some(k) = self.stack.iter().rposition(|&i| {
            let n = &self.doc.elements[i].name;
            if n.prefix.is_empty() {
                n.local == qname
            } else {
                qname.strip_prefix(n.prefix.as_str()).and_then(|r| r.strip_prefix(':')) == Some(n.local.as_str())
            }
        }) else {
            return;
        };
        while self.stack.len() > k {
            let i = self.stack.pop().unwrap_or(0);
            self.doc.elements[i].span.end = after;
        }
        let depth = self.stack.len();
        self.bindings.retain(|(d, _, _)| *d <= depth);
    }

    fn resolve(&self, qname: &str, element: bool) -> Name {
        let (prefix, local) = match qname.split_once(':') {
            Some((p, l)) => (p, l),
            None => ("", qname),
        };
        let ns = if prefix == "xml" {
            XML.to_string()
        } else if prefix == "xmlns" {
            XMLNS.to_string()
        } else if prefix.is_empty() && !element {
            String::new()
        } else {
            // An undeclared prefix is taken at its conventional meaning (`dc:` → Dublin Core):
            // a packet missing its declarations still says what it says.
            self.bindings
                .iter()
                .rev()
                .find(|(_, p, _)| p == prefix)
                .map_or_else(|| uri(prefix).to_string(), |(_, _, u)| u.clone())
        };
        Name { ns, local: local.to_string(), prefix: prefix.to_string() }
    }
}

/// The five predefined entities and numeric character references decoded (in one pass:
/// `&amp;lt;` becomes `&lt;`); anything else is kept as written.
pub fn decode(raw: &str) -> String {
    if !raw.contains('&') {
        return raw.to_string();
    }
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
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    const MM: &str = "http://ns.adobe.com/xap/1.0/mm/";

    #[test]
    fn prefixes_resolve_to_namespaces_with_scope() {
        let x = r#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
          <rdf:Description xmlns:xapMM="http://ns.adobe.com/xap/1.0/mm/" xapMM:DocumentID="d1">
            <xapMM:History><rdf:Seq><rdf:li rdf:parseType="Resource"><stEvt:action xmlns:stEvt="http://ns.adobe.com/xap/1.0/sType/ResourceEvent#">saved</stEvt:action></rdf:li></rdf:Seq></xapMM:History>
          </rdf:Description>
          <rdf:Description><h:History xmlns:h="http://ns.adobe.com/xap/1.0/mm/"/><h:History>unbound here</h:History></rdf:Description>
        </rdf:RDF></x:xmpmeta>"#;
        let d = Doc::parse(x);
        let found: Vec<_> = d.find(MM, "History").collect();
        assert_eq!(found.len(), 2, "xapMM:History and the first h:History, not the h:History outside its scope");
        assert_eq!(d.find(MM, "DocumentID").count(), 1);
        let Found::Element(i) = found[0] else { panic!() };
        assert_eq!(d.elements[i].name.qualified(), "xmpMM:History");
        assert_eq!(d.value(&found[0]), "action = saved");
        assert!(
            x[found[0].span(&d)].starts_with("<xapMM:History>") && x[found[0].span(&d)].ends_with("</xapMM:History>")
        );
        assert!(!d.truncated);
    }

    #[test]
    fn arrays_text_entities_and_default_namespace() {
        let x = r#"<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description>
          <subject xmlns="http://purl.org/dc/elements/1.1/"><rdf:Bag><rdf:li>a &amp; b</rdf:li><rdf:li/><rdf:li><![CDATA[<c>]]></rdf:li></rdf:Bag></subject>
          </rdf:Description></rdf:RDF>"#;
        let d = Doc::parse(x);
        let Some(Found::Element(i)) = d.find("http://purl.org/dc/elements/1.1/", "subject").next() else { panic!() };
        assert_eq!(d.items(i), [(None, "a & b"), (None, "<c>")]);
    }

    #[test]
    fn junk_is_survived_and_bounded() {
        for junk in [
            "",
            "<",
            "<a",
            "<a b",
            "<a b=",
            "<a b=\"",
            "</a>",
            "<a></b>",
            "<!DOCTYPE [",
            "<![CDATA[",
            "<!--",
            "<?",
            "&#xD800;<x>&bogus;</x>",
            "<a:b/>",
        ] {
            Doc::parse(junk);
        }
        // Every cut of a packet with multi-byte characters in every position (the fuzz target found
        // an end tag cut inside a character).
        let sample = "<x:é a='ü\u{FFFD}'><é:b é:c=\"ø\" \u{A0}é \u{2003}=x>tiN\u{FFFD}</é:b></tiN\u{FFFD}<!--é--><![CDATA[é]]></x:é>";
        for (i, _) in sample.char_indices() {
            Doc::parse(&sample[..i]);
            Doc::parse(&sample[i..]);
        }
        let deep = "<a>".repeat(MAX_DEPTH + 10);
        let d = Doc::parse(&deep);
        assert!(d.truncated);
        assert_eq!(d.elements.len(), MAX_DEPTH);
        assert!(Doc::parse("<!DOCTYPE x [<!ENTITY a \"b\">]><x>&a;</x>").declares_entities);
        assert_eq!(Doc::parse("<x>&a;</x>").elements[0].text, "&a;");
    }
}
