//! Row-streamed PNG and TIFF (`pixels::rows`) give exactly what decoding whole and measuring gives,
//! on the corpus's PNGs and TIFFs and on generated files covering every layout the stream handles
//! (8/16-bit, grey/grey+alpha/RGB/RGBA/palette, strips of several sizes, tiles with partial edge
//! tiles); and whole-image decodes are held to the memory budget.

use preflight::pixels::decode::{self, DecodeError, DecodeOptions};
use preflight::pixels::pass::measure_raster;
use preflight::pixels::rows;
use preflight::pixels::sharpness::SharpnessOptions;

mod common;

/// Streamed and whole-image results for one file: preview and full-resolution luma sums equal.
fn assert_same(name: &str, bytes: &[u8]) {
    let opts = DecodeOptions { preview_max_side: 256, ..Default::default() };
    let streamed = match decode::sniff(bytes) {
        Some(decode::ImageFormat::Png) => rows::png(bytes, &opts, true),
        Some(decode::ImageFormat::Tiff) => rows::tiff(bytes, &opts, true),
        other => panic!("{name}: {other:?}"),
    }
    .unwrap_or_else(|e| panic!("{name}: {e}"))
    .unwrap_or_else(|| panic!("{name}: not streamed"));
    let whole = decode::decode(bytes, &opts).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!((streamed.width, streamed.height), (whole.width, whole.height), "{name}");
    assert_eq!((streamed.channels, streamed.bit_depth), (whole.source_channels, whole.source_bit_depth), "{name}");
    assert_eq!(streamed.preview, whole.preview, "{name}: preview");
    let tile = SharpnessOptions::default().tile;
    assert_eq!(streamed.sums.as_ref(), Some(&measure_raster(&whole.luma, tile)), "{name}: luma sums");
}

#[test]
fn corpus_pngs_and_tiffs_stream_to_the_same_result() {
    let mut n = 0;
    for dir in ["metadata", "faces", "plates"] {
        let path = common::corpus_dir().join(dir);
        let mut files: Vec<_> = std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()).collect();
        files.sort();
        for f in files {
            let bytes = std::fs::read(&f).unwrap();
            let streamable = match decode::sniff(&bytes) {
                Some(decode::ImageFormat::Png) => {
                    rows::png(&bytes, &DecodeOptions::default(), false).is_ok_and(|s| s.is_some())
                }
                Some(decode::ImageFormat::Tiff) => {
                    !decode::scan_tiff(&bytes).is_raw_container
                        && rows::tiff(&bytes, &DecodeOptions::default(), false).is_ok_and(|s| s.is_some())
                }
                _ => false,
            };
            if streamable {
                assert_same(&f.display().to_string(), &bytes);
                n += 1;
            }
        }
    }
    println!("{n} corpus files streamed");
    assert!(n >= 8, "only {n} corpus PNG/TIFF files streamed");
}

/// A deterministic test card: gradients, edges and noise, so every measure sees structure.
fn sample(x: u32, y: u32, k: u32, max: u32) -> u32 {
    let h = (x.wrapping_mul(2654435761) ^ y.wrapping_mul(40503) ^ k.wrapping_mul(977)) >> 7;
    let base = (x * 7 + y * 3 + k * 50) % (max + 1);
    let edge = if (x / 9 + y / 13).is_multiple_of(2) { max / 4 } else { 0 };
    (base / 2 + edge + h % (max / 8 + 1)).min(max)
}

fn png_file(w: u32, h: u32, colour: png::ColorType, depth: png::BitDepth, interlaced: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, w, h);
    enc.set_color(colour);
    enc.set_depth(depth);
    if colour == png::ColorType::Indexed {
        enc.set_palette((0..256u32).flat_map(|i| [i as u8, (255 - i) as u8, (i * 7) as u8]).collect::<Vec<_>>());
    }
    let mut wr = enc.write_header().unwrap();
    let ch = colour.samples() as u32;
    let max = if depth == png::BitDepth::Sixteen { 65535 } else { 255 };
    let mut data = Vec::new();
    for y in 0..h {
        for x in 0..w {
            for k in 0..ch {
                let v = sample(x, y, k, max);
                if depth == png::BitDepth::Sixteen {
                    data.extend((v as u16).to_be_bytes());
                } else {
                    data.push(v as u8);
                }
            }
        }
    }
    wr.write_image_data(&data).unwrap();
    drop(wr);
    if interlaced {
        return adam7(&out, w, h, (data.len() / (w * h) as usize) as u32, &data);
    }
    out
}

/// Rewrites a PNG's image as Adam7-interlaced (the png crate's encoder writes only
/// non-interlaced images): the same pixels (`px` bytes each), seven passes, filter 0.
fn adam7(png: &[u8], w: u32, h: u32, px: u32, data: &[u8]) -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8], body: &[u8]) {
        out.extend((body.len() as u32).to_be_bytes());
        let mut typed = kind.to_vec();
        typed.extend(body);
        out.extend(&typed);
        out.extend(preflight::probe::png::crc32(&typed).to_be_bytes());
    }
    let mut raw = Vec::new();
    for (x0, y0, dx, dy) in
        [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
    {
        if x0 >= w || y0 >= h {
            continue;
        }
        for y in (y0..h).step_by(dy) {
            raw.push(0);
            for x in (x0..w).step_by(dx) {
                let at = ((y * w + x) * px) as usize;
                raw.extend(&data[at..at + px as usize]);
            }
        }
    }
    let mut ihdr = png[16..29].to_vec();
    ihdr[12] = 1;
    let mut out = png[..8].to_vec();
    chunk(&mut out, b"IHDR", &ihdr);
    // A palette image keeps its PLTE (the chunk right after IHDR in what the encoder wrote).
    if &png[37..41] == b"PLTE" {
        let len = u32::from_be_bytes(png[33..37].try_into().unwrap()) as usize;
        out.extend(&png[33..33 + 12 + len]);
    }
    chunk(&mut out, b"IDAT", &miniz_oxide::deflate::compress_to_vec_zlib(&raw, 6));
    chunk(&mut out, b"IEND", &[]);
    out
}

#[test]
fn generated_pngs_of_every_layout_stream_to_the_same_result() {
    use png::{BitDepth as D, ColorType as C};
    for (colour, depth) in [
        (C::Grayscale, D::Eight),
        (C::Grayscale, D::Sixteen),
        (C::GrayscaleAlpha, D::Eight),
        (C::Rgb, D::Eight),
        (C::Rgb, D::Sixteen),
        (C::Rgba, D::Eight),
        (C::Rgba, D::Sixteen),
        (C::Indexed, D::Eight),
    ] {
        // 601 × 397: box remainders on both axes; 97 × 3000: a tall, thin strip.
        for (w, h) in [(601, 397), (97, 3000)] {
            assert_same(&format!("{colour:?} {depth:?} {w}×{h}"), &png_file(w, h, colour, depth, false));
        }
    }
    // Interlaced: not streamed, decoded whole — to the same pixels.
    let interlaced = png_file(61, 43, C::Rgb, D::Eight, true);
    assert!(rows::png(&interlaced, &DecodeOptions::default(), true).unwrap().is_none());
    let (a, b) = (
        decode::decode(&interlaced, &DecodeOptions::default()).unwrap(),
        decode::decode(&png_file(61, 43, C::Rgb, D::Eight, false), &DecodeOptions::default()).unwrap(),
    );
    assert_eq!((a.luma, a.preview), (b.luma, b.preview), "the hand-written Adam7 file holds the same image");
}

#[test]
fn a_cut_off_png_is_refused_with_the_row_it_ends_at() {
    let full = png_file(300, 200, png::ColorType::Rgb, png::BitDepth::Eight, false);
    let cut = &full[..full.len() / 2];
    let e = rows::png(cut, &DecodeOptions::default(), true).err().expect("refused");
    println!("{e}");
    assert!(matches!(e, DecodeError::Corrupt(_)), "{e:?}");
}

/// An uncompressed little-endian TIFF, written by hand so tiles can be tested (the tiff crate's
/// encoder writes strips only): `chunk` = (width, height) of a strip (width = image width) or
/// tile; edge tiles are padded with zeros as TIFF stores them.
fn tiff_file(w: u32, h: u32, samples: u16, bits: u16, chunk: (u32, u32), tiled: bool) -> Vec<u8> {
    let (cw, ch) = chunk;
    let (across, down) = (if tiled { w.div_ceil(cw) } else { 1 }, h.div_ceil(ch));
    let max = if bits == 16 { 65535 } else { 255 };
    let mut chunks: Vec<Vec<u8>> = Vec::new();
    for r in 0..down {
        for c in 0..across {
            let rows = if tiled { ch } else { ch.min(h - r * ch) };
            let cols = if tiled { cw } else { w };
            let mut data = Vec::new();
            for y in r * ch..r * ch + rows {
                for x in c * cols..c * cols + cols {
                    for k in 0..samples as u32 {
                        let v = if x < w && y < h { sample(x, y, k, max) } else { 0 };
                        if bits == 16 {
                            data.extend((v as u16).to_le_bytes());
                        } else {
                            data.push(v as u8);
                        }
                    }
                }
            }
            chunks.push(data);
        }
    }
    let mut out = b"II*\0".to_vec();
    out.extend(8u32.to_le_bytes());
    // Data first (after the header), then the IFD and its arrays.
    let mut offsets = Vec::new();
    for c in &chunks {
        offsets.push(out.len() as u32);
        out.extend(c);
    }
    let arrays_at = out.len() as u32;
    let n = chunks.len() as u32;
    let counts_at = arrays_at + 4 * n;
    let bits_at = counts_at + 4 * n;
    for o in &offsets {
        out.extend(o.to_le_bytes());
    }
    for c in &chunks {
        out.extend((c.len() as u32).to_le_bytes());
    }
    for _ in 0..samples {
        out.extend(bits.to_le_bytes());
    }
    let ifd_at = out.len() as u32;
    out[4..8].copy_from_slice(&ifd_at.to_le_bytes());
    let photometric = if samples >= 3 { 2 } else { 1 };
    let (offsets_tag, counts_tag) = if tiled { (324u16, 325u16) } else { (273, 279) };
    // Values of 4 bytes or less sit in the entry itself.
    let bits_value = match samples {
        1 => bits as u32,
        2 => bits as u32 | (bits as u32) << 16,
        _ => bits_at,
    };
    let mut tags: Vec<(u16, u16, u32, u32)> = vec![
        (256, 4, 1, w),
        (257, 4, 1, h),
        (258, 3, samples as u32, bits_value),
        (259, 3, 1, 1),
        (262, 3, 1, photometric),
        (277, 3, 1, samples as u32),
        (284, 3, 1, 1),
    ];
    if samples == 2 || samples == 4 {
        tags.push((338, 3, 1, 2)); // ExtraSamples: unassociated alpha
    }
    if tiled {
        tags.extend([(322, 4, 1, cw), (323, 4, 1, ch)]);
    } else {
        tags.push((278, 4, 1, ch));
    }
    tags.push((offsets_tag, 4, n, if n == 1 { offsets[0] } else { arrays_at }));
    tags.push((counts_tag, 4, n, if n == 1 { chunks[0].len() as u32 } else { counts_at }));
    tags.sort_by_key(|t| t.0);
    out.extend((tags.len() as u16).to_le_bytes());
    for (tag, typ, count, value) in tags {
        out.extend(tag.to_le_bytes());
        out.extend(typ.to_le_bytes());
        out.extend(count.to_le_bytes());
        if typ == 3 && count == 1 && tag != 258 {
            out.extend((value as u16).to_le_bytes());
            out.extend([0, 0]);
        } else {
            out.extend(value.to_le_bytes());
        }
    }
    out.extend(0u32.to_le_bytes());
    out
}

#[test]
fn generated_tiffs_in_strips_and_tiles_stream_to_the_same_result() {
    for samples in [1u16, 2, 3, 4] {
        for bits in [8u16, 16] {
            let (w, h) = (301, 203);
            for (chunk, tiled) in
                [((w, 1), false), ((w, 16), false), ((w, h), false), ((64, 48), true), ((16, 16), true)]
            {
                let name =
                    format!("{samples} samples, {bits} bits, {} {chunk:?}", if tiled { "tiles" } else { "strips" });
                assert_same(&name, &tiff_file(w, h, samples, bits, chunk, tiled));
            }
        }
    }
}

#[test]
fn whole_image_decodes_are_held_to_the_memory_budget() {
    // An interlaced PNG cannot be streamed: its decode is checked against the budget first.
    let interlaced = png_file(400, 300, png::ColorType::Rgba, png::BitDepth::Sixteen, true);
    let small = DecodeOptions { max_decoded_bytes: 1_000_000, ..Default::default() };
    let e = decode::decode(&interlaced, &small).unwrap_err();
    assert!(matches!(e, DecodeError::OverBudget { width: 400, height: 300, .. }), "{e:?}");
    println!("{e}");
    assert!(e.to_string().contains("above the 1.0 MB memory budget"), "{e}");
    assert!(decode::decode(&interlaced, &DecodeOptions::default()).is_ok());
    // The same image, not interlaced, streams within that budget: a few rows, not 1.9 MB.
    let plain = png_file(400, 300, png::ColorType::Rgba, png::BitDepth::Sixteen, false);
    assert!(rows::png(&plain, &small, true).unwrap().is_some());
    // A TIFF strip larger than the budget is refused before it is read.
    let one_strip = tiff_file(400, 300, 4, 16, (400, 300), false);
    let tiny = DecodeOptions { max_decoded_bytes: 500_000, ..Default::default() };
    let e = rows::tiff(&one_strip, &tiny, true).err().expect("refused");
    assert!(e.to_string().contains("strip of 400×300 px needs 960 KB to decode, above the 500 KB budget"), "{e}");
    assert!(rows::tiff(&tiff_file(400, 300, 4, 16, (400, 8), false), &tiny, true).unwrap().is_some());
}
