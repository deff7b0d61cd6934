//! Writes the malformed-file fixtures (`tests/fixtures/malformed/`): one small file per kind of
//! damage or hostility a validator meets on cards and drives, plus `expected.json`, which says
//! for each what it exercises and which words its report must contain.
//!
//!     cargo run --example make-malformed [-- OUT_DIR]
//!
//! Everything is built here from scratch (encoders for the valid bases, hand-written bytes for
//! the rest), deterministically: re-running it reproduces the committed files byte for byte.
//! `tests/malformed.rs` (CLI) and `tests/e2e/malformed.test.mjs` (browser) check every file
//! listed in `expected.json`.

use std::path::{Path, PathBuf};

/// One fixture: its name, what it is, and the phrase its report must contain (in a finding's
/// message, case-insensitive) whatever the brief — or, with `pixels_only`, when checked against
/// `brief.json` (a brief with pixel rules, so the image is decoded).
struct Fixture {
    name: &'static str,
    what: &'static str,
    says: &'static str,
    pixels_only: bool,
    bytes: Vec<u8>,
}

fn main() {
    let out = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/malformed"));
    std::fs::create_dir_all(&out).expect("create the output folder");
    let fixtures = fixtures();
    let mut expected = Vec::new();
    for f in &fixtures {
        std::fs::write(out.join(f.name), &f.bytes).unwrap_or_else(|e| panic!("{}: {e}", f.name));
        let mut e = serde_json::json!({ "file": f.name, "what": f.what, "says": f.says });
        if f.pixels_only {
            e["pixels_only"] = true.into();
        }
        expected.push(e);
    }
    let json = serde_json::to_string_pretty(&expected).expect("serialise") + "\n";
    std::fs::write(out.join("expected.json"), json).expect("write expected.json");
    let total: usize = fixtures.iter().map(|f| f.bytes.len()).sum();
    println!("{} fixtures, {} bytes, in {}", fixtures.len(), total, out.display());
}

fn fixtures() -> Vec<Fixture> {
    let jpeg = photo_jpeg(480, 320);
    let png = photo_png(320, 240);
    let tiff = photo_tiff(200, 150);
    let heic = heif(b"heic", 4032, 3024, 40_000);
    let exif_jpeg = |tiff: Vec<u8>| {
        let mut app1 = b"Exif\0\0".to_vec();
        app1.extend(tiff);
        with_segments(&jpeg, &[(0xE1, app1)])
    };
    let mut v = vec![
        Fixture {
            name: "empty.jpg",
            what: "zero-length file",
            says: "empty (0 bytes)",
            pixels_only: false,
            bytes: Vec::new(),
        },
        Fixture {
            name: "one-byte.png",
            what: "a single byte",
            says: "only 1 byte",
            pixels_only: false,
            bytes: vec![0x89],
        },
        Fixture {
            name: "random.jpg",
            what: "64 KB of random bytes named .jpg",
            says: "not an image format",
            pixels_only: false,
            bytes: noise(64 * 1024, 1),
        },
        Fixture {
            name: "random.heic",
            what: "4 KB of random bytes named .heic",
            says: "not an image format",
            pixels_only: false,
            bytes: noise(4096, 2),
        },
        Fixture {
            name: "html-page.jpg",
            what: "an HTML error page saved as .jpg (a failed download)",
            says: "an HTML page",
            pixels_only: false,
            bytes: b"<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head><body>Not found</body></html>\n"
                .to_vec(),
        },
        Fixture {
            name: "jpeg-magic-then-noise.jpg",
            what: "a JPEG signature followed by random bytes",
            says: "no frame header",
            pixels_only: false,
            bytes: [&[0xFF, 0xD8, 0xFF][..], &noise(8192, 3)].concat(),
        },
        // Truncation.
        Fixture {
            name: "truncated-in-image-data.jpg",
            what: "a valid JPEG cut off at 40 % (inside the image data)",
            says: "cut off",
            pixels_only: false,
            bytes: jpeg[..jpeg.len() * 2 / 5].to_vec(),
        },
        Fixture {
            name: "truncated-in-header.jpg",
            what: "a JPEG cut off inside its EXIF segment",
            says: "cut off",
            pixels_only: false,
            bytes: exif_jpeg(exif_block(&[])).into_iter().take(60).collect(),
        },
        Fixture {
            name: "truncated.png",
            what: "a valid PNG cut off at half (inside IDAT)",
            says: "cut off",
            pixels_only: false,
            bytes: png[..png.len() / 2].to_vec(),
        },
        Fixture {
            name: "truncated.tif",
            what: "an uncompressed TIFF cut off at half (inside its strips)",
            says: "cut off",
            pixels_only: false,
            bytes: tiff[..tiff.len() / 2].to_vec(),
        },
        Fixture {
            name: "truncated.heic",
            what: "a HEIF cut off inside its mdat box",
            says: "cut off",
            pixels_only: false,
            bytes: heic[..heic.len() / 3].to_vec(),
        },
        // Decompression bombs.
        Fixture {
            name: "bomb-100000x100000.png",
            what: "a PNG whose header claims 100000 × 100000 pixels, with 1 KB of data",
            says: "cannot hold them",
            pixels_only: false,
            bytes: png_bomb(100_000, 100_000),
        },
        Fixture {
            name: "bomb-within-limits-6000x4000.png",
            what: "a complete 6000 × 4000 PNG of one flat grey: 24 KB that inflate to 24 MB (a camera-sized image, under the pixel limit, so it is decoded)",
            says: "flat tone",
            pixels_only: true,
            bytes: png_flat(6_000, 4_000),
        },
        Fixture {
            name: "bomb-sof-65000x65000.jpg",
            what: "a JPEG whose frame header claims 65000 × 65000 pixels",
            says: "cannot hold them",
            pixels_only: false,
            bytes: jpeg_with_size(&jpeg, 65_000, 65_000),
        },
        Fixture {
            name: "bomb-sof-10000x10000.jpg",
            what: "a JPEG claiming 10000 × 10000 (within the pixel limit) with 40 KB of image data",
            says: "cannot hold them",
            pixels_only: false,
            bytes: jpeg_with_size(&jpeg, 10_000, 10_000),
        },
        Fixture {
            name: "bomb-webp-16383x16383.webp",
            what: "a WebP (VP8X) claiming a 16383 × 16383 canvas with no image data",
            says: "image data is cut off",
            pixels_only: false,
            bytes: webp_bomb(),
        },
        // EXIF / TIFF structure attacks.
        Fixture {
            name: "exif-ifd-loop.jpg",
            what: "EXIF whose IFD chain and Exif/GPS pointers loop back to IFD0",
            says: "loop",
            pixels_only: false,
            bytes: exif_jpeg(exif_loop()),
        },
        Fixture {
            name: "exif-offsets-out-of-bounds.jpg",
            what: "EXIF whose value offsets and sub-IFD pointers point far past the block",
            says: "outside",
            pixels_only: false,
            bytes: exif_jpeg(exif_out_of_bounds()),
        },
        Fixture {
            name: "exif-absurd-counts.jpg",
            what: "EXIF with an IFD of 65535 entries and a tag claiming 4 billion values",
            says: "65535 entries",
            pixels_only: false,
            bytes: exif_jpeg(exif_absurd_counts()),
        },
        Fixture {
            name: "tiff-ifd-loop.tif",
            what: "a TIFF whose IFD chain and SubIFDs point at each other",
            says: "loop",
            pixels_only: false,
            bytes: tiff_loop(),
        },
        Fixture {
            name: "tiff-absurd-strips.tif",
            what: "a TIFF declaring 2^31 strips and a 65535-entry IFD after it",
            says: "65535 entries",
            pixels_only: false,
            bytes: tiff_absurd_strips(),
        },
        // ISO-BMFF.
        Fixture {
            name: "heif-nested-boxes.heic",
            what: "a HEIF with 2000 boxes nested inside each other",
            says: "lists no image",
            pixels_only: false,
            bytes: heif_nested(2_000),
        },
        Fixture {
            name: "heif-endless-boxes.heic",
            what: "a HEIF with 5000 empty boxes in a row",
            says: "too many boxes",
            pixels_only: false,
            bytes: heif_endless(5_000),
        },
        Fixture {
            name: "heif-box-size-overflow.heic",
            what: "a HEIF whose meta box declares a 64-bit size of 2^64 − 1",
            says: "impossible size",
            pixels_only: false,
            bytes: heif_huge_box(),
        },
        // XMP / IPTC.
        Fixture {
            name: "xmp-billion-laughs.jpg",
            what: "an XMP packet with nested entity declarations (\"billion laughs\")",
            says: "declares its own XML entities",
            pixels_only: false,
            bytes: with_segments(&jpeg, &[(0xE1, xmp_segment(&billion_laughs()))]),
        },
        Fixture {
            name: "png-many-chunks.png",
            what: "a PNG with 12000 empty ancillary chunks before its image data",
            says: "too many chunks",
            pixels_only: false,
            bytes: png_many_chunks(12_000),
        },
        Fixture {
            name: "iptc-absurd-length.jpg",
            what: "IPTC whose dataset declares an extended length of 2^32 − 1 bytes",
            says: "IPTC data is damaged",
            pixels_only: false,
            bytes: with_segments(&jpeg, &[(0xED, iptc_absurd())]),
        },
    ];
    v.sort_by_key(|f| f.name);
    v
}

// ------------------------------------------------------------------------------------ helpers

/// Deterministic pseudo-random bytes (xorshift32).
fn noise(len: usize, seed: u32) -> Vec<u8> {
    let mut x = 0x9E37_79B9u32 ^ seed.wrapping_mul(0x85EB_CA6B);
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 11) as u8
        })
        .collect()
}

/// A photo-like RGB image: smooth gradients plus grain (so it compresses like a photo).
fn photo_rgb(w: u32, h: u32) -> Vec<u8> {
    let grain = noise((w * h) as usize, 7);
    let mut out = Vec::with_capacity((w * h * 3) as usize);
    for y in 0..h {
        for x in 0..w {
            let g = grain[(y * w + x) as usize] as i32 / 16 - 8;
            let r = (x * 255 / w) as i32 + g;
            let gg = (y * 255 / h) as i32 + g;
            let b = (((x + y) * 128) / (w + h)) as i32 + 64 + g;
            out.extend([r, gg, b].map(|v| v.clamp(0, 255) as u8));
        }
    }
    out
}

fn photo_jpeg(w: u32, h: u32) -> Vec<u8> {
    let mut out = Vec::new();
    let enc = jpeg_encoder::Encoder::new(&mut out, 90);
    enc.encode(&photo_rgb(w, h), w as u16, h as u16, jpeg_encoder::ColorType::Rgb).expect("encode JPEG");
    out
}

fn photo_png(w: u32, h: u32) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut writer = enc.write_header().expect("PNG header");
        writer.write_image_data(&photo_rgb(w, h)).expect("PNG data");
    }
    out
}

/// Inserts APPn segments right after SOI.
fn with_segments(jpeg: &[u8], segments: &[(u8, Vec<u8>)]) -> Vec<u8> {
    let mut out = jpeg[..2].to_vec();
    for (marker, payload) in segments {
        out.extend([0xFF, *marker]);
        out.extend(((payload.len() + 2) as u16).to_be_bytes());
        out.extend(payload);
    }
    out.extend(&jpeg[2..]);
    out
}

/// The JPEG with its SOF's height and width replaced (the image data stays the small one).
fn jpeg_with_size(jpeg: &[u8], w: u16, h: u16) -> Vec<u8> {
    let mut out = jpeg.to_vec();
    let sof = out.windows(2).position(|m| m == [0xFF, 0xC0]).expect("baseline SOF");
    out[sof + 5..sof + 7].copy_from_slice(&h.to_be_bytes());
    out[sof + 7..sof + 9].copy_from_slice(&w.to_be_bytes());
    out
}

fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut v = (data.len() as u32).to_be_bytes().to_vec();
    v.extend(kind);
    v.extend(data);
    let crc = preflight::probe::png::crc32(&v[4..]);
    v.extend(crc.to_be_bytes());
    v
}

fn ihdr(w: u32, h: u32, depth: u8, colour: u8) -> Vec<u8> {
    let mut d = w.to_be_bytes().to_vec();
    d.extend(h.to_be_bytes());
    d.extend([depth, colour, 0, 0, 0]);
    png_chunk(b"IHDR", &d)
}

/// IHDR claiming `w × h` RGB, then one IDAT holding a zlib stream of 1 KB of zeros.
fn png_bomb(w: u32, h: u32) -> Vec<u8> {
    let mut v = b"\x89PNG\r\n\x1a\n".to_vec();
    v.extend(ihdr(w, h, 8, 2));
    v.extend(png_chunk(b"IDAT", &miniz_oxide::deflate::compress_to_vec_zlib(&[0u8; 1024], 9)));
    v.extend(png_chunk(b"IEND", &[]));
    v
}

/// A complete, valid grey PNG of one flat tone (every scanline: filter 0, zeros).
fn png_flat(w: u32, h: u32) -> Vec<u8> {
    let raw = vec![0u8; h as usize * (1 + w as usize)];
    let mut v = b"\x89PNG\r\n\x1a\n".to_vec();
    v.extend(ihdr(w, h, 8, 0));
    v.extend(png_chunk(b"IDAT", &miniz_oxide::deflate::compress_to_vec_zlib(&raw, 10)));
    v.extend(png_chunk(b"IEND", &[]));
    v
}

fn png_many_chunks(n: usize) -> Vec<u8> {
    let mut v = b"\x89PNG\r\n\x1a\n".to_vec();
    v.extend(ihdr(1, 1, 8, 0));
    let empty = png_chunk(b"tEXt", &[]);
    for _ in 0..n {
        v.extend(&empty);
    }
    v.extend(png_chunk(b"IDAT", &miniz_oxide::deflate::compress_to_vec_zlib(&[0, 0], 9)));
    v.extend(png_chunk(b"IEND", &[]));
    v
}

/// RIFF/WEBP with a VP8X header claiming a 16383 × 16383 canvas and an empty VP8 chunk.
fn webp_bomb() -> Vec<u8> {
    let mut vp8x = vec![0u8; 10];
    let (w, h) = (16383u32 - 1, 16383u32 - 1);
    vp8x[4..7].copy_from_slice(&w.to_le_bytes()[..3]);
    vp8x[7..10].copy_from_slice(&h.to_le_bytes()[..3]);
    let mut body = b"WEBP".to_vec();
    body.extend(b"VP8X");
    body.extend(10u32.to_le_bytes());
    body.extend(vp8x);
    body.extend(b"VP8 ");
    body.extend(10u32.to_le_bytes());
    body.extend([0x10, 0x02, 0x00, 0x9D, 0x01, 0x2A, 0xFF, 0x3F, 0xFF, 0x3F]);
    let mut v = b"RIFF".to_vec();
    v.extend((body.len() as u32).to_le_bytes());
    v.extend(body);
    v
}

// ------------------------------------------------------------------------------------ TIFF / EXIF

/// One little-endian IFD entry.
fn entry(tag: u16, kind: u16, count: u32, value: u32) -> Vec<u8> {
    let mut v = tag.to_le_bytes().to_vec();
    v.extend(kind.to_le_bytes());
    v.extend(count.to_le_bytes());
    v.extend(value.to_le_bytes());
    v
}

/// An IFD: count, entries, next offset.
fn ifd(entries: &[Vec<u8>], next: u32) -> Vec<u8> {
    let mut v = (entries.len() as u16).to_le_bytes().to_vec();
    for e in entries {
        v.extend(e);
    }
    v.extend(next.to_le_bytes());
    v
}

/// A little-endian EXIF block: header + IFD0 at 8 with `entries` (Make inline).
fn exif_block(entries: &[Vec<u8>]) -> Vec<u8> {
    let mut v = b"II*\0\x08\0\0\0".to_vec();
    let mut all = vec![entry(0x010F, 2, 4, u32::from_le_bytes(*b"Cam\0"))];
    all.extend_from_slice(entries);
    v.extend(ifd(&all, 0));
    v
}

fn exif_loop() -> Vec<u8> {
    // IFD0 at 8 (3 entries: 2 + 36 + 4 = 42 bytes → IFD1 at 50); IFD1's next points back at 8.
    let mut v = b"II*\0\x08\0\0\0".to_vec();
    v.extend(ifd(
        &[entry(0x010F, 2, 4, u32::from_le_bytes(*b"Cam\0")), entry(0x8769, 4, 1, 8), entry(0x8825, 4, 1, 50)],
        50,
    ));
    v.extend(ifd(&[entry(0x0001, 2, 2, u32::from_le_bytes(*b"N\0\0\0")), entry(0x8825, 4, 1, 50)], 8));
    v
}

fn exif_out_of_bounds() -> Vec<u8> {
    exif_block(&[
        entry(0x0110, 2, 64, 0xFFFF_FF00),        // Model: 64 bytes at ~4 GB
        entry(0x829A, 5, 1, 0x7FFF_FFF0),         // ExposureTime rational far away
        entry(0x8769, 4, 1, 0xFFFF_FFF0),         // Exif IFD past the end
        entry(0x8825, 4, 1, 0x0000_1000),         // GPS IFD past the end of a small block
        entry(0x927C, 7, 0x10_0000, 0x0000_0020), // a 1 MB maker note in a 100-byte block
    ])
}

fn exif_absurd_counts() -> Vec<u8> {
    // IFD0: Make, then the Exif IFD pointer → an IFD declaring 65535 entries (but holding 2);
    // a SHORT array of 2^32 − 1 values; a DOUBLE of 2^32 − 1 values (32 GB) at offset 8.
    let mut v = b"II*\0\x08\0\0\0".to_vec();
    let ifd0 = ifd(
        &[
            entry(0x010F, 2, 4, u32::from_le_bytes(*b"Cam\0")),
            entry(0x0102, 3, u32::MAX, 8),
            entry(0x829D, 12, u32::MAX, 8),
            entry(0x8769, 4, 1, 8 + 2 + 4 * 12 + 4),
        ],
        0,
    );
    v.extend(ifd0);
    v.extend(65535u16.to_le_bytes());
    v.extend(entry(0x8827, 3, 1, 100));
    v.extend(entry(0x9003, 2, u32::MAX, 8));
    v
}

/// A little-endian uncompressed RGB TIFF, one strip per 16 rows.
fn photo_tiff(w: u32, h: u32) -> Vec<u8> {
    let pixels = photo_rgb(w, h);
    let rows_per_strip = 16;
    let strips = h.div_ceil(rows_per_strip);
    let n_entries = 10u32;
    let ifd_len = 2 + 12 * n_entries + 4;
    let bps_at = 8 + ifd_len;
    let offsets_at = bps_at + 6;
    let counts_at = offsets_at + 4 * strips;
    let data_at = counts_at + 4 * strips;
    let strip_bytes = |i: u32| (rows_per_strip.min(h - i * rows_per_strip)) * w * 3;
    let mut v = b"II*\0\x08\0\0\0".to_vec();
    v.extend(ifd(
        &[
            entry(0x0100, 4, 1, w),
            entry(0x0101, 4, 1, h),
            entry(0x0102, 3, 3, bps_at),
            entry(0x0103, 3, 1, 1),
            entry(0x0106, 3, 1, 2),
            entry(0x0111, 4, strips, offsets_at),
            entry(0x0115, 3, 1, 3),
            entry(0x0116, 4, 1, rows_per_strip),
            entry(0x0117, 4, strips, counts_at),
            entry(0x011C, 3, 1, 1),
        ],
        0,
    ));
    for _ in 0..3 {
        v.extend(8u16.to_le_bytes());
    }
    let mut at = data_at;
    for i in 0..strips {
        v.extend(at.to_le_bytes());
        at += strip_bytes(i);
    }
    for i in 0..strips {
        v.extend(strip_bytes(i).to_le_bytes());
    }
    assert_eq!(v.len() as u32, data_at);
    v.extend(pixels);
    v
}

fn tiff_loop() -> Vec<u8> {
    // IFD0 at 8 → next IFD at 50 → next back at 8; both list each other as SubIFDs.
    let mut v = b"II*\0\x08\0\0\0".to_vec();
    v.extend(ifd(&[entry(0x0100, 4, 1, 64), entry(0x0101, 4, 1, 64), entry(0x014A, 4, 1, 50)], 50));
    v.extend(ifd(&[entry(0x0100, 4, 1, 32), entry(0x0101, 4, 1, 32), entry(0x014A, 4, 1, 8)], 8));
    v
}

fn tiff_absurd_strips() -> Vec<u8> {
    let mut v = b"II*\0\x08\0\0\0".to_vec();
    v.extend(ifd(
        &[
            entry(0x0100, 4, 1, 64),
            entry(0x0101, 4, 1, 64),
            entry(0x0103, 3, 1, 1),
            entry(0x0111, 4, 0x8000_0000, 8),
            entry(0x0117, 4, 0x8000_0000, 8),
        ],
        8 + 2 + 5 * 12 + 4,
    ));
    v.extend(65535u16.to_le_bytes());
    v.extend(entry(0x0100, 4, 1, 1));
    v
}

// ------------------------------------------------------------------------------------ ISO-BMFF

fn bx(kind: &[u8; 4], payload: &[u8]) -> Vec<u8> {
    let mut v = ((payload.len() + 8) as u32).to_be_bytes().to_vec();
    v.extend(kind);
    v.extend(payload);
    v
}

fn full_box(kind: &[u8; 4], version: u8, payload: &[u8]) -> Vec<u8> {
    let mut p = vec![version, 0, 0, 0];
    p.extend(payload);
    bx(kind, &p)
}

fn ftyp(major: &[u8; 4]) -> Vec<u8> {
    let mut p = major.to_vec();
    p.extend([0, 0, 0, 0]);
    p.extend(b"mif1");
    p.extend(major);
    bx(b"ftyp", &p)
}

/// A minimal HEIF: primary item 1 (`hvc1`, ispe `w × h`) whose data is `data_len` bytes in mdat.
fn heif(major: &[u8; 4], w: u32, h: u32, data_len: usize) -> Vec<u8> {
    let ftyp = ftyp(major);
    let mut infe = vec![0, 1, 0, 0];
    infe.extend(b"hvc1\0");
    let iinf = full_box(b"iinf", 0, &[&[0, 1][..], &full_box(b"infe", 2, &infe)].concat());
    let pitm = full_box(b"pitm", 0, &[0, 1]);
    let mut ispe = vec![0, 0, 0, 0];
    ispe.extend(w.to_be_bytes());
    ispe.extend(h.to_be_bytes());
    let ipco = bx(b"ipco", &bx(b"ispe", &ispe));
    let ipma = full_box(b"ipma", 0, &[0, 0, 0, 1, 0, 1, 1, 0x81]);
    let iprp = bx(b"iprp", &[ipco, ipma].concat());
    // iloc v0: offset_size 4, length_size 4, base_offset_size 0; one item, one extent.
    let iloc_len = 8 + 4 + 2 + 2 + 2 + 2 + 2 + 8;
    let meta_len = 12 + pitm.len() + iinf.len() + iprp.len() + iloc_len;
    let data_at = (ftyp.len() + meta_len + 8) as u32;
    let mut iloc = vec![0x44, 0x00, 0, 1, 0, 1, 0, 0, 0, 1];
    iloc.extend(data_at.to_be_bytes());
    iloc.extend((data_len as u32).to_be_bytes());
    let iloc = full_box(b"iloc", 0, &iloc);
    assert_eq!(iloc.len(), iloc_len);
    let meta = full_box(b"meta", 0, &[pitm, iinf, iprp, iloc].concat());
    [ftyp, meta, bx(b"mdat", &noise(data_len, 9))].concat()
}

fn heif_nested(depth: usize) -> Vec<u8> {
    // meta (full box) → iprp → iprp → … each wrapping the next.
    let mut inner = bx(b"free", &[]);
    for _ in 0..depth {
        inner = bx(b"iprp", &inner);
    }
    [ftyp(b"heic"), full_box(b"meta", 0, &inner)].concat()
}

fn heif_endless(n: usize) -> Vec<u8> {
    let free = bx(b"free", &[]);
    let mut v = ftyp(b"heic");
    for _ in 0..n {
        v.extend(&free);
    }
    v
}

fn heif_huge_box() -> Vec<u8> {
    let mut v = ftyp(b"heic");
    v.extend(1u32.to_be_bytes());
    v.extend(b"meta");
    v.extend(u64::MAX.to_be_bytes());
    v.extend([0u8; 64]);
    v
}

// ------------------------------------------------------------------------------------ XMP / IPTC

fn xmp_segment(packet: &str) -> Vec<u8> {
    let mut v = b"http://ns.adobe.com/xap/1.0/\0".to_vec();
    v.extend(packet.as_bytes());
    v
}

fn billion_laughs() -> String {
    let mut s = String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE x:xmpmeta [\n  <!ENTITY lol \"lol\">\n");
    for i in 1..=9 {
        let prev = if i == 1 { "lol".to_string() } else { format!("lol{}", i - 1) };
        s.push_str(&format!("  <!ENTITY lol{i} \"{}\">\n", format!("&{prev};").repeat(10)));
    }
    s.push_str(
        "]>\n<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\
         <rdf:Description xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title><rdf:Alt>\
         <rdf:li xml:lang=\"x-default\">&lol9;</rdf:li></rdf:Alt></dc:title>\
         <dc:subject><rdf:Bag><rdf:li>&lol9;</rdf:li></rdf:Bag></dc:subject>\
         </rdf:Description></rdf:RDF></x:xmpmeta>\n",
    );
    s
}

/// APP13 Photoshop resources → IPTC-IIM whose first dataset uses an extended length field
/// claiming 2^32 − 1 bytes.
fn iptc_absurd() -> Vec<u8> {
    let iim = [0x1C, 2, 25, 0x80, 0x04, 0xFF, 0xFF, 0xFF, 0xFF, b'k', b'w'];
    let mut v = b"Photoshop 3.0\08BIM\x04\x04\0\0".to_vec();
    v.extend((iim.len() as u32).to_be_bytes());
    v.extend(iim);
    v.push(0);
    v
}
