//! IPTC-IIM: keywords (2:25), title (2:05 Object Name), caption (2:120), capture date and time
//! (2:55 Date Created, 2:60 Time Created).
//!
//! The block is what [`crate::probe`] located: a JPEG's APP13 Photoshop resource 0x0404 payload
//! or a TIFF's tag 33723 — plain IIM datasets (`1C rr dd llll …`). Two wrapped forms are also
//! understood, so a probe may point at them as they are: a Photoshop image-resource list
//! (`8BIM…`, the 0x0404 resource is taken), and a PNG text chunk keyed `Raw profile type iptc`
//! (ImageMagick's and ExifTool's way of storing IPTC in PNG: `tEXt`, `zTXt` or `iTXt`, the hex
//! dump of a resource list or of IIM data).
//!
//! Text is UTF-8 when record 1:90 (Coded Character Set) says so (`ESC % G`), else Latin-1 — with
//! 0x80–0x9F read as Windows-1252, as ExifTool does by default.
//!
//! # Allocations
//! The block, up to [`MAX_IPTC`] bytes (a longer one is read only up to that size); a PNG raw
//! profile's inflated text is also bounded by [`MAX_IPTC`] (×2 for its hex digits). At most
//! [`super::MAX_KEYWORDS`] keywords, each cut to [`super::MAX_TEXT_CHARS`] characters.

use super::{MAX_KEYWORDS, Metadata, bounded_text};
use crate::probe::Block;
use crate::source::Reader;

pub const MAX_IPTC: u64 = 1 << 20;

const PNG_KEY: &[u8] = b"Raw profile type iptc\0";

/// What the IIM datasets said, text still undecoded.
#[derive(Debug, Default, PartialEq)]
pub struct Iim<'a> {
    pub utf8: bool,
    pub keywords: Vec<&'a [u8]>,
    pub more_keywords: bool,
    pub object_name: Option<&'a [u8]>,
    pub caption: Option<&'a [u8]>,
    pub date: Option<&'a [u8]>,
    pub time: Option<&'a [u8]>,
    /// Datasets that identify the photographer or the place ([`super::identifying::iptc`]),
    /// and copyright datasets (2:110 Credit, 2:115 Source, 2:116 Copyright Notice), as
    /// (dataset, value); at most 100 each.
    pub identifying: Vec<(u8, &'a [u8])>,
    pub rights: Vec<(u8, &'a [u8])>,
    /// The datasets stopped early (a cut-off or malformed record).
    pub damaged: bool,
}

pub fn read(reader: &mut Reader<'_>, block: Block, out: &mut Metadata) {
    let len = block.len.min(MAX_IPTC);
    let Ok(bytes) = reader.read_vec(block.offset, len, MAX_IPTC, "IPTC block") else {
        out.warnings.push("the IPTC block cannot be read".into());
        return;
    };
    let unwrapped;
    let data: &[u8] = if bytes.starts_with(PNG_KEY) {
        match png_raw_profile(&bytes[PNG_KEY.len()..]) {
            Some(v) => {
                unwrapped = v;
                &unwrapped
            }
            None => {
                out.warnings.push("the PNG's IPTC profile cannot be decoded".into());
                return;
            }
        }
    } else {
        &bytes
    };
    apply(data, out);
}

/// Reads IIM data (or a resource list holding it) into `out`.
pub fn apply(data: &[u8], out: &mut Metadata) {
    let data = match data.starts_with(b"8BIM") {
        true => match crate::probe::jpeg::photoshop_iptc(data) {
            Some((start, len)) => &data[start..start + len],
            None => return,
        },
        false => data,
    };
    let iim = parse(data);
    if iim.damaged {
        out.warnings.push("the IPTC data is damaged or cut off".into());
    }
    if iim.more_keywords {
        out.warnings.push(format!("IPTC has more than {MAX_KEYWORDS} keywords; the rest were ignored"));
    }
    let text = |b: &[u8], what: &str, w: &mut Vec<String>| {
        let s = decode(b, iim.utf8);
        let s = s.trim();
        (!s.is_empty()).then(|| bounded_text(s.to_string(), what, w))
    };
    out.sources.iptc_keywords =
        iim.keywords.iter().filter_map(|k| text(k, "an IPTC keyword", &mut out.warnings)).collect();
    if out.title.is_none() {
        out.title = iim.object_name.and_then(|b| text(b, "the IPTC object name", &mut out.warnings));
    }
    if out.description.is_none() {
        out.description = iim.caption.and_then(|b| text(b, "the IPTC caption", &mut out.warnings));
    }
    out.sources.iptc_date_created = iim.date.and_then(|d| iptc_datetime(d, iim.time));
    for &(dataset, value) in &iim.identifying {
        let Some((category, name)) = super::identifying::iptc(2, dataset) else { continue };
        if let Some(v) = text(value, "an IPTC value", &mut out.warnings) {
            out.privacy.sighted(category, format!("IPTC {name} (2:{dataset})"), v);
        }
    }
    for &(dataset, value) in &iim.rights {
        let name = match dataset {
            110 => "Credit",
            115 => "Source",
            _ => "Copyright Notice",
        };
        if let Some(v) = text(value, "an IPTC value", &mut out.warnings) {
            out.privacy.rights.push((format!("IPTC {name} (2:{dataset})"), v));
        }
    }
}

/// One IIM dataset: record and dataset numbers, where it starts (its 0x1C tag marker) and
/// where it ends, and its value.
#[derive(Debug, Clone, Copy)]
pub struct Dataset<'a> {
    pub record: u8,
    pub dataset: u8,
    pub start: usize,
    pub end: usize,
    pub value: &'a [u8],
}

/// Why the walk over the datasets stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// At the end of the data, or at zero padding after the last dataset (from this offset).
    End(usize),
    /// At bytes that are not a dataset (from this offset).
    Junk(usize),
    /// A dataset's header or value runs past the end.
    CutOff,
    /// An extended dataset's length is malformed.
    Damaged,
}

/// Walks the datasets. Stops at the first byte that is not a tag marker (0x1C): padding after
/// the last dataset is common, and anything else cannot be resynchronised reliably.
pub fn datasets(data: &[u8]) -> (Vec<Dataset<'_>>, Stop) {
    let mut out = Vec::new();
    let mut p = 0usize;
    while p < data.len() {
        if data[p] != 0x1C {
            // Trailing zero padding is normal; anything else means the data went wrong.
            let junk = data[p..].iter().any(|&b| b != 0);
            return (out, if junk { Stop::Junk(p) } else { Stop::End(p) });
        }
        let Some(h) = data.get(p + 1..p + 5) else { return (out, Stop::CutOff) };
        let (record, dataset) = (h[0], h[1]);
        let mut len = u16::from_be_bytes([h[2], h[3]]) as usize;
        let mut start = p + 5;
        if len & 0x8000 != 0 {
            // Extended dataset: the low 15 bits are the number of length bytes that follow.
            let n = len & 0x7FFF;
            let Some(bytes) = data.get(start..start + n).filter(|_| n <= 4) else { return (out, Stop::Damaged) };
            len = bytes.iter().fold(0usize, |a, &b| (a << 8) | b as usize);
            start += n;
        }
        let Some(end) = start.checked_add(len).filter(|&e| e <= data.len()) else { return (out, Stop::CutOff) };
        out.push(Dataset { record, dataset, start: p, end, value: &data[start..end] });
        p = end;
    }
    (out, Stop::End(p))
}

/// The datasets preflight reads, text still undecoded.
pub fn parse(data: &[u8]) -> Iim<'_> {
    let mut out = Iim::default();
    let (list, stop) = datasets(data);
    out.damaged = !matches!(stop, Stop::End(_));
    for d in list {
        let (dataset, value) = (d.dataset, d.value);
        match (d.record, dataset) {
            (1, 90) => out.utf8 = value.windows(3).any(|w| w == b"\x1b%G"),
            (2, 25) if out.keywords.len() < MAX_KEYWORDS => out.keywords.push(value),
            (2, 25) => out.more_keywords = true,
            (2, 5) => out.object_name = out.object_name.or(Some(value)),
            (2, 120) => out.caption = out.caption.or(Some(value)),
            (2, 55) => out.date = out.date.or(Some(value)),
            (2, 60) => out.time = out.time.or(Some(value)),
            (2, 110 | 115 | 116) if out.rights.len() < 100 => out.rights.push((dataset, value)),
            (r, d) if super::identifying::iptc(r, d).is_some() && out.identifying.len() < 100 => {
                out.identifying.push((d, value))
            }
            _ => {}
        }
    }
    out
}

/// UTF-8 (invalid sequences replaced), or Latin-1 with Windows-1252's 0x80–0x9F.
pub fn decode(b: &[u8], utf8: bool) -> String {
    if utf8 {
        return String::from_utf8_lossy(b).into_owned();
    }
    const CP1252: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž', '\u{8F}', '\u{90}', '‘',
        '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}', 'ž', 'Ÿ',
    ];
    b.iter().map(|&c| if (0x80..0xA0).contains(&c) { CP1252[(c - 0x80) as usize] } else { c as char }).collect()
}

/// 2:55 `CCYYMMDD` (+ 2:60 `HHMMSS±HHMM`) → `YYYY-MM-DD[THH:MM:SS[±HH:MM]]`; malformed → None
/// (a malformed time keeps the date).
pub fn iptc_datetime(date: &[u8], time: Option<&[u8]>) -> Option<String> {
    let digits = |b: &[u8]| b.iter().all(u8::is_ascii_digit);
    let date = std::str::from_utf8(date).ok()?.trim();
    if date.len() != 8 || !digits(date.as_bytes()) || date == "00000000" {
        return None;
    }
    let mut out = format!("{}-{}-{}", &date[..4], &date[4..6], &date[6..]);
    let Some(t) = time.and_then(|t| std::str::from_utf8(t).ok()).map(str::trim) else { return Some(out) };
    if t.len() >= 6 && digits(&t.as_bytes()[..6]) {
        out.push_str(&format!("T{}:{}:{}", &t[..2], &t[2..4], &t[4..6]));
        let z = &t[6..];
        if z.len() == 5 && (z.starts_with('+') || z.starts_with('-')) && digits(&z.as_bytes()[1..]) {
            out.push_str(&format!("{}:{}", &z[..3], &z[3..]));
        }
    }
    Some(out)
}

/// The data of a PNG text chunk keyed `Raw profile type iptc` (after the key's NUL): `tEXt`
/// text, or `zTXt`/`iTXt` (compressed or not) → the bytes its hex dump encodes.
pub(crate) fn png_raw_profile(rest: &[u8]) -> Option<Vec<u8>> {
    let limit = 2 * MAX_IPTC as usize + 4096;
    let inflate = |z: &[u8]| miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(z, limit).ok();
    // tEXt: text follows at once (it starts with a newline). zTXt: method byte 0, then zlib.
    // iTXt: compression flag, method, language NUL, translated keyword NUL, text.
    let text: Vec<u8> = match rest {
        [b'\n', ..] => rest.to_vec(),
        // (A zlib stream never starts with 0, so `0 0` is iTXt, not zTXt.)
        [flag @ (0 | 1), 0, t @ ..] => {
            let lang_end = t.iter().position(|&b| b == 0)?;
            let t = &t[lang_end + 1..];
            let tr_end = t.iter().position(|&b| b == 0)?;
            let t = &t[tr_end + 1..];
            if *flag == 1 { inflate(t)? } else { t.to_vec() }
        }
        [0, z @ ..] => inflate(z)?,
        _ => return None,
    };
    // "\n<name>\n<decimal length>\n<hex digits, in lines>"
    let text = std::str::from_utf8(&text).ok()?;
    let mut lines = text.trim_start_matches('\n').splitn(3, '\n');
    let _name = lines.next()?;
    let len: usize = lines.next()?.trim().parse().ok()?;
    if len as u64 > MAX_IPTC {
        return None;
    }
    let hex: Vec<u8> = lines.next()?.bytes().filter(|b| !b.is_ascii_whitespace()).take(2 * len).collect();
    let nibble = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    hex.chunks_exact(2).map(|p| Some(nibble(p[0])? << 4 | nibble(p[1])?)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SliceSource;

    fn ds(record: u8, dataset: u8, value: &[u8]) -> Vec<u8> {
        let mut v = vec![0x1C, record, dataset];
        v.extend_from_slice(&(value.len() as u16).to_be_bytes());
        v.extend_from_slice(value);
        v
    }

    fn read_bytes(b: &[u8]) -> Metadata {
        let mut src = SliceSource(b);
        let mut r = Reader::new(&mut src);
        let mut m = Metadata::default();
        read(&mut r, Block { offset: 0, len: b.len() as u64 }, &mut m);
        m
    }

    #[test]
    fn datasets_latin1_and_utf8() {
        let mut b = ds(2, 0, &[0, 4]);
        b.extend(ds(2, 25, b"dublin"));
        b.extend(ds(2, 25, b"caf\xe9 \x80"));
        b.extend(ds(2, 5, b"Title"));
        b.extend(ds(2, 120, b" Caption "));
        b.extend(ds(2, 55, b"20120610"));
        b.extend(ds(2, 60, b"120614+0100"));
        b.extend([0, 0, 0]);
        let m = read_bytes(&b);
        assert_eq!(m.sources.iptc_keywords, ["dublin", "café €"]);
        assert_eq!((m.title.as_deref(), m.description.as_deref()), (Some("Title"), Some("Caption")));
        assert_eq!(m.sources.iptc_date_created.as_deref(), Some("2012-06-10T12:06:14+01:00"));
        assert!(m.warnings.is_empty(), "{:?}", m.warnings);

        let mut b = ds(1, 90, b"\x1b%G");
        b.extend(ds(2, 25, "café".as_bytes()));
        assert_eq!(read_bytes(&b).sources.iptc_keywords, ["café"]);
    }

    #[test]
    fn extended_length_and_damage() {
        let mut b = vec![0x1C, 2, 25, 0x80, 0x02, 0x00, 0x03];
        b.extend_from_slice(b"abc");
        b.extend(ds(2, 25, b"def"));
        assert_eq!(read_bytes(&b).sources.iptc_keywords, ["abc", "def"]);
        // Cut off inside a value; junk after a dataset; a length field cut short.
        for bad in
            [&[0x1C, 2, 25, 0, 9, b'a'][..], &[0x1C, 2, 25, 0, 1, b'a', 0x55], &[0x1C, 2], &[0x1C, 2, 25, 0x80, 9]]
        {
            let m = read_bytes(bad);
            assert_eq!(m.warnings, ["the IPTC data is damaged or cut off"], "{bad:?}");
        }
        assert_eq!(read_bytes(&[0x1C, 2, 25, 0, 1, b'a', 0x55]).sources.iptc_keywords, ["a"]);
    }

    #[test]
    fn keyword_bound() {
        let mut b = Vec::new();
        for _ in 0..10_001 {
            b.extend(ds(2, 25, b"k"));
        }
        let m = read_bytes(&b);
        assert_eq!(m.sources.iptc_keywords.len(), 10_000);
        assert_eq!(m.warnings.len(), 1);
    }

    #[test]
    fn photoshop_resources_and_png_raw_profile() {
        let iim = ds(2, 25, b"Autumn, tree, le");
        let mut res = b"8BIM\x04\x04\0\0".to_vec();
        res.extend((iim.len() as u32).to_be_bytes());
        res.extend(&iim);
        assert_eq!(read_bytes(&res).sources.iptc_keywords, ["Autumn, tree, le"]);

        let hex: String = res.iter().map(|b| format!("{b:02x}")).collect();
        let text = format!("\nIPTC profile\n      {}\n{}\n{}\n", res.len(), &hex[..20], &hex[20..]);
        // tEXt
        let mut chunk = PNG_KEY.to_vec();
        chunk.extend(text.as_bytes());
        assert_eq!(read_bytes(&chunk).sources.iptc_keywords, ["Autumn, tree, le"]);
        // zTXt
        let mut chunk = PNG_KEY.to_vec();
        chunk.push(0);
        chunk.extend(miniz_oxide::deflate::compress_to_vec_zlib(text.as_bytes(), 6));
        assert_eq!(read_bytes(&chunk).sources.iptc_keywords, ["Autumn, tree, le"]);
        // iTXt, plain and compressed
        let mut chunk = PNG_KEY.to_vec();
        chunk.extend([0, 0, b'e', b'n', 0, 0]);
        chunk.extend(text.as_bytes());
        assert_eq!(read_bytes(&chunk).sources.iptc_keywords, ["Autumn, tree, le"]);
        let mut chunk = PNG_KEY.to_vec();
        chunk.extend([1, 0, 0, 0]);
        chunk.extend(miniz_oxide::deflate::compress_to_vec_zlib(text.as_bytes(), 6));
        assert_eq!(read_bytes(&chunk).sources.iptc_keywords, ["Autumn, tree, le"]);
        // Junk
        let mut chunk = PNG_KEY.to_vec();
        chunk.extend(b"\0\x78garbage");
        assert_eq!(read_bytes(&chunk).warnings, ["the PNG's IPTC profile cannot be decoded"]);
    }

    #[test]
    fn dates() {
        assert_eq!(iptc_datetime(b"20100606", None).as_deref(), Some("2010-06-06"));
        assert_eq!(iptc_datetime(b"20100606", Some(b"122725")).as_deref(), Some("2010-06-06T12:27:25"));
        assert_eq!(iptc_datetime(b"20100606", Some(b"12:27")).as_deref(), Some("2010-06-06"));
        assert_eq!(iptc_datetime(b"2010-06-06", None), None);
        assert_eq!(iptc_datetime(b"00000000", None), None);
    }
}
