//! What identifies the photographer, their gear or where they were — one table per container,
//! shared by the reader (the `privacy.*` findings quote what it finds) and the clean copy (which
//! drops the same tags), so the card and the copy cannot disagree.
//!
//! | category | EXIF | XMP (any prefix bound to the namespace) | IPTC-IIM | PNG text |
//! |---|---|---|---|---|
//! | `gps` | GPS directory: GPSLatitude / GPSLongitude / GPSAltitude, GPSDestLatitude / GPSDestLongitude, GPSAreaInformation | `exif:GPS*` | — | — |
//! | `location_text` | — | `photoshop:City` / `State` / `Country`, `Iptc4xmpCore:Location` / `CountryCode`, `Iptc4xmpExt:LocationCreated` / `LocationShown`, `mediapro:Location` / `City` / `State` / `Country` | 2:26 / 2:27 Content Location, 2:90 City, 2:92 Sub-location, 2:95 Province-State, 2:100 / 2:101 Country | — |
//! | `serial_numbers` | SerialNumber 0xA431, LensSerialNumber 0xA435, DNG CameraSerialNumber 0xC62F, maker-note serials (Canon, Nikon, Olympus, Panasonic), FLIR CameraInfo serials | `aux:SerialNumber` / `LensSerialNumber`, `exifEX:BodySerialNumber` / `LensSerialNumber` | — | — |
//! | `photographer` (names, contact details) | Artist 0x013B, XPAuthor 0x9C9D | `dc:creator`, `tiff:Artist`, `xmp:Author`, `Iptc4xmpCore:CreatorContactInfo`, `photoshop:AuthorsPosition` / `CaptionWriter`, `plus:ImageCreator` | 2:80 By-line, 2:85 By-line Title, 2:118 Contact, 2:122 Writer-Editor | `Author` |
//! | `camera_owner` | OwnerName 0xA430, Canon maker-note OwnerName | `aux:OwnerName`, `exifEX:CameraOwnerName` | — | — |
//! | `xmp_history` | — | `xmpMM:History` / `DerivedFrom` / `Ingredients` / `Pantry` / `Manifest`, `photoshop:DocumentAncestors`, any value naming a user account's path | — | — |
//!
//! Copyright stays in every container (EXIF Copyright 0x8298, `dc:rights`, `xmpRights:*`,
//! `plus:CopyrightOwner` / `Licensor`, `photoshop:Credit`, IPTC 2:110 Credit / 2:115 Source /
//! 2:116 Copyright Notice): a buyer needs to know whose work it is. The findings and the copy
//! say what was kept.

use super::xml::uri;

/// A privacy category: what a brief's `privacy.forbid` lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    Gps,
    LocationText,
    SerialNumbers,
    Photographer,
    CameraOwner,
    XmpHistory,
}

impl Category {
    pub const ALL: [Category; 6] = [
        Category::Gps,
        Category::LocationText,
        Category::SerialNumbers,
        Category::Photographer,
        Category::CameraOwner,
        Category::XmpHistory,
    ];

    /// The brief's name for it.
    pub fn key(self) -> &'static str {
        match self {
            Category::Gps => "gps",
            Category::LocationText => "location_text",
            Category::SerialNumbers => "serial_numbers",
            Category::Photographer => "photographer",
            Category::CameraOwner => "camera_owner",
            Category::XmpHistory => "xmp_history",
        }
    }
}

/// One identifying value found in the file: its category, the tag as a person would look it
/// up (`XMP dc:creator`, `IPTC By-line (2:80)`, `Artist (0x013B)`), and the value.
#[derive(Debug, Clone, PartialEq)]
pub struct Sighting {
    pub category: Category,
    pub tag: String,
    pub value: String,
}

/// XMP properties by (preflight's prefix for the namespace, local name).
static XMP: &[(&str, &str, Category)] = {
    use Category::*;
    &[
        ("exif", "GPSLatitude", Gps),
        ("exif", "GPSLongitude", Gps),
        ("exif", "GPSAltitude", Gps),
        ("exif", "GPSDestLatitude", Gps),
        ("exif", "GPSDestLongitude", Gps),
        ("exif", "GPSAreaInformation", Gps),
        ("photoshop", "City", LocationText),
        ("photoshop", "State", LocationText),
        ("photoshop", "Country", LocationText),
        ("mediapro", "City", LocationText),
        ("mediapro", "State", LocationText),
        ("mediapro", "Country", LocationText),
        ("mediapro", "Location", LocationText),
        ("Iptc4xmpCore", "Location", LocationText),
        ("Iptc4xmpCore", "CountryCode", LocationText),
        ("Iptc4xmpExt", "LocationCreated", LocationText),
        ("Iptc4xmpExt", "LocationShown", LocationText),
        ("aux", "SerialNumber", SerialNumbers),
        ("aux", "LensSerialNumber", SerialNumbers),
        ("exifEX", "BodySerialNumber", SerialNumbers),
        ("exifEX", "LensSerialNumber", SerialNumbers),
        ("dc", "creator", Photographer),
        ("tiff", "Artist", Photographer),
        ("xmp", "Author", Photographer),
        ("Iptc4xmpCore", "CreatorContactInfo", Photographer),
        ("photoshop", "AuthorsPosition", Photographer),
        ("photoshop", "CaptionWriter", Photographer),
        ("plus", "ImageCreator", Photographer),
        ("aux", "OwnerName", CameraOwner),
        ("exifEX", "CameraOwnerName", CameraOwner),
        ("xmpMM", "History", XmpHistory),
        ("xmpMM", "DerivedFrom", XmpHistory),
        ("xmpMM", "Ingredients", XmpHistory),
        ("xmpMM", "Pantry", XmpHistory),
        ("xmpMM", "Manifest", XmpHistory),
        ("photoshop", "DocumentAncestors", XmpHistory),
    ]
};

/// The category of an XMP property (namespace URI, local name), anywhere in the packet.
pub fn xmp(ns: &str, local: &str) -> Option<Category> {
    XMP.iter().find(|(p, l, _)| *l == local && uri(p) == ns).map(|(_, _, c)| *c)
}

/// The category and name of an IPTC-IIM record 2 dataset.
pub fn iptc(record: u8, dataset: u8) -> Option<(Category, &'static str)> {
    use Category::*;
    if record != 2 {
        return None;
    }
    Some(match dataset {
        26 => (LocationText, "Content Location Code"),
        27 => (LocationText, "Content Location Name"),
        90 => (LocationText, "City"),
        92 => (LocationText, "Sub-location"),
        95 => (LocationText, "Province-State"),
        100 => (LocationText, "Country-PrimaryLocationCode"),
        101 => (LocationText, "Country-PrimaryLocationName"),
        80 => (Photographer, "By-line"),
        85 => (Photographer, "By-line Title"),
        118 => (Photographer, "Contact"),
        122 => (Photographer, "Writer-Editor"),
        _ => return None,
    })
}

/// The category of a PNG text chunk's keyword.
pub fn png_text(keyword: &str) -> Option<Category> {
    (keyword == "Author").then_some(Category::Photographer)
}

/// Where a path naming a user account starts, with its separator.
pub const PERSONAL_PATH_PREFIXES: [(&str, char); 4] =
    [("/Users/", '/'), ("/home/", '/'), ("C:\\Users\\", '\\'), ("C:/Users/", '/')];

/// The user-account paths in `text` (`/Users/NAME`, up to the name).
pub fn personal_paths(text: &str) -> Vec<String> {
    let mut out = Vec::new();
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
            if !name.is_empty() && !out.contains(&path) {
                out.push(path);
            }
        }
    }
    out
}
