//! preflight's own baseline JPEG decoder, built for what the pixel checks read and nothing more:
//!
//! - **luma at full resolution**, streamed: each MCU row's Y blocks go through the inverse DCT
//!   into a strip of 8 or 16 rows, and the rows are handed to the caller at once (the measures
//!   consume them while they are in cache). No full-size buffer exists — 100 MP costs the same
//!   memory as 1 MP.
//! - **chroma at 1/8 scale**: for Cb and Cr only the DC coefficient (the 8×8 block's mean) is
//!   kept; their AC codes are walked and dropped, so chroma costs no inverse DCT, no upsampling
//!   and no colour conversion at full size. The preview's colour comes from these means
//!   (bilinear), its brightness from the full-resolution Y (box means) — see [`Preview`].
//!
//! Handled: 8-bit baseline and extended-sequential Huffman JPEGs (SOF0/SOF1), one interleaved
//! scan, grey or YCbCr with luma at the largest sampling factor (4:4:4, 4:2:2, 4:2:0, 4:4:0, …),
//! restart intervals. Everything else (progressive, arithmetic, CMYK, Adobe-RGB-coded, multi-scan
//! sequential) returns [`Fallback::NotHandled`] and the caller uses a general decoder.
//!
//! # Allocations
//! Per decode: one strip of `padded width × 16` bytes, two chroma planes of `f32` at 1/8 scale
//! (≈ 1.5 MB at 24 MP 4:2:2), the preview's column sums and the preview itself. Dimensions are
//! checked against the caller's pixel limit from the frame header before anything is allocated.

pub mod huffman;
pub mod idct;

use huffman::{BitReader, Huffman};

use super::decode::DecodeError;
use super::raster::{Raster, box_factor};

/// Why the fast decoder did not produce a result.
#[derive(Debug)]
pub enum Fallback {
    /// A valid JPEG of a kind this decoder leaves to the general one (reason for tests/logs).
    NotHandled(&'static str),
    /// The file is damaged, or too large.
    Error(DecodeError),
}

impl From<DecodeError> for Fallback {
    fn from(e: DecodeError) -> Self {
        Fallback::Error(e)
    }
}

fn corrupt(s: impl Into<String>) -> Fallback {
    Fallback::Error(DecodeError::Corrupt(s.into()))
}

#[derive(Debug, Clone, Copy, Default)]
struct Component {
    id: u8,
    h: usize,
    v: usize,
    tq: usize,
    td: usize,
    ta: usize,
}

/// What [`decode`] returns besides the streamed luma rows.
#[derive(Debug)]
pub struct Streamed {
    pub width: u32,
    pub height: u32,
    /// 1 (grey) or 3 (YCbCr).
    pub channels: u8,
    /// Box-downscaled preview (longest side ≤ `preview_max_side`), 1 or 3 channels, 8-bit.
    pub preview: Raster,
}

struct Header {
    width: usize,
    height: usize,
    comps: Vec<Component>,
    qt: [Option<[i32; 64]>; 4],
    dc: [Option<Huffman>; 4],
    ac: [Option<Huffman>; 4],
    restart: usize,
    adobe_transform: Option<u8>,
    /// Offset of the first byte of entropy-coded data.
    scan_start: usize,
}

fn be16(b: &[u8], i: usize) -> Option<usize> {
    Some(u16::from_be_bytes([*b.get(i)?, *b.get(i + 1)?]) as usize)
}

/// Parses the markers up to the first scan.
fn parse_header(bytes: &[u8], max_pixels: u64) -> Result<Header, Fallback> {
    let mut h = Header {
        width: 0,
        height: 0,
        comps: Vec::new(),
        qt: [None; 4],
        dc: [None, None, None, None],
        ac: [None, None, None, None],
        restart: 0,
        adobe_transform: None,
        scan_start: 0,
    };
    let short = || corrupt("JPEG header ends early");
    let mut i = 2usize;
    let mut have_frame = false;
    loop {
        // Markers may be preceded by fill bytes.
        while bytes.get(i) == Some(&0xFF) && bytes.get(i + 1) == Some(&0xFF) {
            i += 1;
        }
        if bytes.get(i) != Some(&0xFF) {
            return Err(corrupt(format!("JPEG marker expected at byte {i}")));
        }
        let m = *bytes.get(i + 1).ok_or_else(short)?;
        if m == 0xD8 || m == 0x01 || (0xD0..=0xD7).contains(&m) {
            i += 2;
            continue;
        }
        if m == 0xD9 {
            return Err(corrupt("JPEG ends before its image data"));
        }
        let len = be16(bytes, i + 2).ok_or_else(short)?;
        if len < 2 {
            return Err(corrupt("JPEG segment with a length below 2"));
        }
        let seg = bytes.get(i + 4..i + 2 + len).ok_or_else(short)?;
        match m {
            0xC0 | 0xC1 => {
                if have_frame {
                    return Err(corrupt("two frame headers"));
                }
                have_frame = true;
                if seg.len() < 6 || seg[0] != 8 {
                    return Err(Fallback::NotHandled("not 8-bit"));
                }
                h.height = be16(seg, 1).ok_or_else(short)?;
                h.width = be16(seg, 3).ok_or_else(short)?;
                let n = seg[5] as usize;
                if h.width == 0 || h.height == 0 {
                    return Err(corrupt(format!("zero image size {}×{}", h.width, h.height)));
                }
                if h.width as u64 * h.height as u64 > max_pixels {
                    return Err(
                        DecodeError::TooLarge { width: h.width as u32, height: h.height as u32, max_pixels }.into()
                    );
                }
                if n != 1 && n != 3 {
                    return Err(Fallback::NotHandled("neither grey nor 3 components"));
                }
                if seg.len() < 6 + 3 * n {
                    return Err(short());
                }
                for c in seg[6..6 + 3 * n].chunks_exact(3) {
                    let (hs, vs) = ((c[1] >> 4) as usize, (c[1] & 15) as usize);
                    if !(1..=4).contains(&hs) || !(1..=4).contains(&vs) || c[2] > 3 {
                        return Err(corrupt("bad sampling factors or table index in the frame header"));
                    }
                    h.comps.push(Component { id: c[0], h: hs, v: vs, tq: c[2] as usize, ..Default::default() });
                }
            }
            0xC2 | 0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => {
                return Err(Fallback::NotHandled("progressive, lossless, hierarchical or arithmetic"));
            }
            0xC4 => {
                let mut p = 0usize;
                while p < seg.len() {
                    let tc = seg[p] >> 4;
                    let th = (seg[p] & 15) as usize;
                    let counts: [u8; 16] = seg.get(p + 1..p + 17).ok_or_else(short)?.try_into().unwrap();
                    let total: usize = counts.iter().map(|&c| c as usize).sum();
                    let syms = seg.get(p + 17..p + 17 + total).ok_or_else(short)?;
                    if th > 3 || tc > 1 {
                        return Err(corrupt("bad Huffman table id"));
                    }
                    let t = Huffman::new(&counts, syms).ok_or_else(|| corrupt("impossible Huffman table"))?;
                    if tc == 0 {
                        h.dc[th] = Some(t);
                    } else {
                        h.ac[th] = Some(t);
                    }
                    p += 17 + total;
                }
            }
            0xDB => {
                let mut p = 0usize;
                while p < seg.len() {
                    let (pq, tq) = (seg[p] >> 4, (seg[p] & 15) as usize);
                    if tq > 3 || pq > 1 {
                        return Err(corrupt("bad quantisation table"));
                    }
                    let mut q = [0i32; 64];
                    for (k, e) in q.iter_mut().enumerate() {
                        *e = if pq == 0 {
                            *seg.get(p + 1 + k).ok_or_else(short)? as i32
                        } else {
                            be16(seg, p + 1 + 2 * k).ok_or_else(short)? as i32
                        };
                    }
                    h.qt[tq] = Some(q);
                    p += 1 + 64 * (1 + pq as usize);
                }
            }
            0xDD => h.restart = be16(seg, 0).ok_or_else(short)?,
            0xEE if seg.starts_with(b"Adobe") && seg.len() >= 12 => h.adobe_transform = Some(seg[11]),
            0xDA => {
                if !have_frame {
                    return Err(corrupt("scan before the frame header"));
                }
                let ns = *seg.first().ok_or_else(short)? as usize;
                if ns != h.comps.len() {
                    return Err(Fallback::NotHandled("non-interleaved sequential scans"));
                }
                for (k, c) in seg.get(1..1 + 2 * ns).ok_or_else(short)?.chunks_exact(2).enumerate() {
                    let comp = &mut h.comps[k];
                    if comp.id != c[0] {
                        return Err(Fallback::NotHandled("scan components out of frame order"));
                    }
                    comp.td = (c[1] >> 4) as usize;
                    comp.ta = (c[1] & 15) as usize;
                    if comp.td > 3 || comp.ta > 3 {
                        return Err(corrupt("bad Huffman table index in the scan header"));
                    }
                }
                h.scan_start = i + 2 + len;
                return Ok(h);
            }
            _ => {}
        }
        i += 2 + len;
    }
}

/// The preview: box means of Y (factor from [`box_factor`]) combined with the chroma means.
struct Preview {
    f: usize,
    /// Rows per box (`f`, or the height if smaller).
    fy: usize,
    ow: usize,
    oh: usize,
    /// Per preview column: sums of the rows of the current box row (`fx` columns each).
    cols: Vec<u32>,
    y: Vec<f32>,
    rows_in: usize,
}

impl Preview {
    fn new(w: usize, h: usize, max_side: u32) -> Preview {
        let f = box_factor(w as u32, h as u32, max_side) as usize;
        let (ow, oh) = ((w / f).max(1), (h / f).max(1));
        Preview { f, fy: f.min(h), ow, oh, cols: vec![0; ow * f.min(w)], y: Vec::with_capacity(ow * oh), rows_in: 0 }
    }

    #[inline]
    fn push_row(&mut self, row: &[u8]) {
        let fy = self.fy;
        if self.rows_in / fy >= self.oh {
            self.rows_in += 1;
            return;
        }
        for (a, &p) in self.cols.iter_mut().zip(row) {
            *a += p as u32;
        }
        self.rows_in += 1;
        if self.rows_in.is_multiple_of(fy) {
            let fx = self.cols.len() / self.ow;
            let n = (fx * fy) as f32;
            for block in self.cols.chunks_exact(fx) {
                self.y.push(block.iter().sum::<u32>() as f32 / n);
            }
            self.cols.iter_mut().for_each(|a| *a = 0);
        }
    }
}

/// A chroma plane of block means at 1/8 of the component's resolution.
struct ChromaPlane {
    w: usize,
    h: usize,
    /// Full-resolution pixels covered by one sample, horizontally and vertically.
    px_w: f32,
    px_h: f32,
    mean: Vec<f32>,
}

/// Bilinear sampling positions along one axis: for each output position, the two sample indices
/// and the weight of the second.
fn bilinear_axis(n_out: usize, step: f32, px_per_sample: f32, n_samples: usize) -> Vec<(usize, usize, f32)> {
    (0..n_out)
        .map(|i| {
            let centre = (i as f32 + 0.5) * step;
            let f = (centre / px_per_sample - 0.5).clamp(0.0, (n_samples - 1) as f32);
            let i0 = f as usize;
            (i0, (i0 + 1).min(n_samples - 1), f - i0 as f32)
        })
        .collect()
}

/// Decodes `bytes` (a whole JPEG file), calling `on_row` with each full-resolution luma row, top
/// to bottom, exactly `height` times. Refuses more than `max_pixels` from the header.
pub fn decode(
    bytes: &[u8],
    max_pixels: u64,
    preview_max_side: u32,
    on_row: &mut dyn FnMut(&[u8]),
) -> Result<Streamed, Fallback> {
    let hd = parse_header(bytes, max_pixels)?;
    let grey = hd.comps.len() == 1;
    if !grey {
        let rgb_ids = hd.comps.iter().map(|c| c.id).eq(*b"RGB");
        if hd.adobe_transform == Some(0) || (hd.adobe_transform.is_none() && rgb_ids) {
            return Err(Fallback::NotHandled("RGB-coded JPEG"));
        }
    }
    let (w, h) = (hd.width, hd.height);
    // A single-component scan is not interleaved: one block per MCU whatever the factors.
    let (hmax, vmax) = if grey {
        (1, 1)
    } else {
        (hd.comps.iter().map(|c| c.h).max().unwrap(), hd.comps.iter().map(|c| c.v).max().unwrap())
    };
    if !grey && (hd.comps[0].h != hmax || hd.comps[0].v != vmax) {
        return Err(Fallback::NotHandled("luma subsampled below chroma"));
    }
    if !grey && hd.comps.iter().any(|c| hmax % c.h != 0 || vmax % c.v != 0) {
        return Err(Fallback::NotHandled("fractional chroma sampling"));
    }
    let comps: Vec<Component> = if grey { vec![Component { h: 1, v: 1, ..hd.comps[0] }] } else { hd.comps.clone() };
    let mut qt = [[0i32; 64]; 3];
    for (k, c) in comps.iter().enumerate() {
        qt[k] = hd.qt[c.tq].ok_or_else(|| corrupt("scan uses a missing quantisation table"))?;
        if hd.dc[c.td].is_none() || hd.ac[c.ta].is_none() {
            return Err(corrupt("scan uses a missing Huffman table"));
        }
    }
    let (mcu_w, mcu_h) = (8 * hmax, 8 * vmax);
    let (mcus_x, mcus_y) = (w.div_ceil(mcu_w), h.div_ceil(mcu_h));
    let stride = mcus_x * mcu_w;
    let mut strip = vec![0u8; stride * mcu_h];
    let mut preview = Preview::new(w, h, preview_max_side);
    let mut chroma: Vec<ChromaPlane> = comps[1..]
        .iter()
        .map(|c| {
            let (cw, ch) = (mcus_x * c.h, mcus_y * c.v);
            ChromaPlane {
                w: cw,
                h: ch,
                px_w: (8 * hmax / c.h) as f32,
                px_h: (8 * vmax / c.v) as f32,
                mean: vec![0.0; cw * ch],
            }
        })
        .collect();
    let y_dc = hd.dc[comps[0].td].as_ref().unwrap();
    let y_ac = hd.ac[comps[0].ta].as_ref().unwrap();
    let mut bits = BitReader::new(bytes, hd.scan_start);
    let mut pred = [0i32; 3];
    let mut coef = [0i32; 64];
    let mut mcus_left = hd.restart;
    for my in 0..mcus_y {
        for mx in 0..mcus_x {
            if hd.restart > 0 {
                if mcus_left == 0 {
                    if !bits.restart() {
                        return Err(truncated(my * mcu_h, h));
                    }
                    pred = [0; 3];
                    mcus_left = hd.restart;
                }
                mcus_left -= 1;
            }
            let c0 = &comps[0];
            for v in 0..c0.v {
                for hh in 0..c0.h {
                    let last = bits.block(y_dc, y_ac, &qt[0], &mut pred[0], &mut coef);
                    let x = (mx * c0.h + hh) * 8;
                    idct::idct8x8(&coef, last, &mut strip[v * 8 * stride + x..], stride);
                    // Only the coefficients written need clearing.
                    if last == 0 {
                        coef[0] = 0;
                    } else {
                        coef = [0; 64];
                    }
                }
            }
            for (k, plane) in chroma.iter_mut().enumerate() {
                let c = &comps[k + 1];
                let (dc, ac) = (hd.dc[c.td].as_ref().unwrap(), hd.ac[c.ta].as_ref().unwrap());
                for v in 0..c.v {
                    for hh in 0..c.h {
                        let d = bits.block_dc_only(dc, ac, qt[k + 1][0], &mut pred[k + 1]);
                        plane.mean[(my * c.v + v) * plane.w + mx * c.h + hh] = d as f32 / 8.0;
                    }
                }
            }
        }
        if bits.corrupt {
            return Err(corrupt(format!(
                "JPEG image data is damaged (bad Huffman code near row {} of {h})",
                my * mcu_h
            )));
        }
        if bits.overran() {
            return Err(if bits.at_end() {
                truncated(my * mcu_h, h)
            } else {
                corrupt(format!("JPEG image data interrupted by a marker near row {} of {h}", my * mcu_h))
            });
        }
        for r in 0..mcu_h.min(h - my * mcu_h) {
            let row = &strip[r * stride..r * stride + w];
            on_row(row);
            preview.push_row(row);
        }
    }
    Ok(Streamed {
        width: w as u32,
        height: h as u32,
        channels: if grey { 1 } else { 3 },
        preview: finish_preview(preview, &chroma),
    })
}

fn truncated(row: usize, h: usize) -> Fallback {
    corrupt(format!("the JPEG image data ends at row {row} of {h}: the file is cut off"))
}

/// Combines the preview's luma means with the chroma means (JFIF / BT.601 full range).
fn finish_preview(p: Preview, chroma: &[ChromaPlane]) -> Raster {
    let (ow, oh) = (p.ow, p.y.len() / p.ow.max(1));
    if chroma.len() != 2 {
        let y: Vec<u8> = p.y.iter().map(|&v| (v + 0.5).clamp(0.0, 255.0) as u8).collect();
        return Raster::new_u8(ow as u32, oh as u32, 1, y);
    }
    let f = p.f as f32;
    let (cb, cr) = (&chroma[0], &chroma[1]);
    // Cb and Cr of a YCbCr JPEG may differ in sampling only in theory; each gets its own axes.
    let axes = |c: &ChromaPlane| (bilinear_axis(ow, f, c.px_w, c.w), bilinear_axis(oh, f, c.px_h, c.h));
    let ((bx, by), (rx, ry)) = (axes(cb), axes(cr));
    let sample = |c: &ChromaPlane, (y0, y1, ay): (usize, usize, f32), &(x0, x1, ax): &(usize, usize, f32)| {
        let (r0, r1) = (&c.mean[y0 * c.w..], &c.mean[y1 * c.w..]);
        (r0[x0] * (1.0 - ax) + r0[x1] * ax) * (1.0 - ay) + (r1[x0] * (1.0 - ax) + r1[x1] * ax) * ay
    };
    let to8 = |v: f32| (v + 0.5).clamp(0.0, 255.0) as u8;
    let mut out = Vec::with_capacity(ow * oh * 3);
    for py in 0..oh {
        for px in 0..ow {
            let yy = p.y[py * ow + px];
            let (b, r) = (sample(cb, by[py], &bx[px]), sample(cr, ry[py], &rx[px]));
            out.extend([to8(yy + 1.402 * r), to8(yy - 0.344_136 * b - 0.714_136 * r), to8(yy + 1.772 * b)]);
        }
    }
    Raster::new_u8(ow as u32, oh as u32, 3, out)
}
