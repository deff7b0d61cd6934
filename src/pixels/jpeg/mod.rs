//! preflight's own baseline JPEG decoder, built for what the pixel checks read and nothing more:
//!
//! - **luma at full resolution**, streamed: each MCU row's Y blocks go through the inverse DCT
//!   into a strip of 8 or 16 rows, and the rows are handed to the caller at once (the measures
//!   consume them while they are in cache). No full-size buffer exists — 100 MP costs the same
//!   memory as 1 MP.
//! - **a preview, never full-size colour**: Cb and Cr are decoded at their own (subsampled)
//!   resolution a strip at a time and, like Y, summed straight into the preview's cells (box
//!   means over exactly the same pixels, see `BoxMeans`); colour is converted at preview size.
//!   No upsampled chroma and no full-size RGB ever exist.
//!
//! Handled: 8-bit baseline and extended-sequential Huffman JPEGs (SOF0/SOF1), one interleaved
//! scan, grey or YCbCr with luma at the largest sampling factor (4:4:4, 4:2:2, 4:2:0, 4:4:0, …),
//! restart intervals. Everything else (progressive, arithmetic, CMYK, Adobe-RGB-coded, multi-scan
//! sequential) returns [`Fallback::NotHandled`] and the caller uses a general decoder.
//!
//! # Allocations
//! Per decode: one luma strip (`padded width × 8 or 16` bytes), one strip per chroma component,
//! one row of column sums per plane, and the preview itself. Dimensions are
//! checked against the caller's pixel limit from the frame header before anything is allocated.

pub mod huffman;
pub mod idct;

use huffman::{BitReader, Huffman, Restart};

use super::decode::DecodeError;
use super::raster::{Raster, box_factor};

/// Why the fast decoder did not produce a result.
#[derive(Debug)]
pub enum Fallback {
    /// A valid JPEG of a kind this decoder leaves to the general one; the reason reads as an
    /// adjective ("progressive, lossless or arithmetic-coded", "CMYK or other non-YCbCr", …).
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
                    return Err(Fallback::NotHandled("high-bit-depth"));
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
                    return Err(Fallback::NotHandled("CMYK or other non-YCbCr"));
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
                return Err(Fallback::NotHandled("progressive, lossless or arithmetic-coded"));
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
                    return Err(Fallback::NotHandled("multi-scan sequential"));
                }
                for (k, c) in seg.get(1..1 + 2 * ns).ok_or_else(short)?.chunks_exact(2).enumerate() {
                    let comp = &mut h.comps[k];
                    if comp.id != c[0] {
                        return Err(Fallback::NotHandled("unusually ordered"));
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

/// Box means of one plane over the preview's cells (`f × f` full-resolution pixels, factor from
/// [`box_factor`]), fed row by row. A chroma plane subsampled by `sx` horizontally is read as if
/// upsampled by repetition (each sample weighs the full-resolution columns it covers); vertical
/// subsampling is handled by the caller pushing each chroma row once per full-resolution row.
/// So every plane's cell mean is the mean over exactly the same full-resolution pixels.
struct BoxMeans {
    ow: usize,
    oh: usize,
    /// Full-resolution rows per cell.
    fy: usize,
    /// Per cell: the plane columns it reads and the weight (full-resolution columns) of each.
    taps: Vec<Vec<(u32, u32)>>,
    /// Full-resolution pixels per cell.
    n: f32,
    /// Column sums over the rows of the current cell row: u16 (half the vector work of u32),
    /// folded into `wide` every 256 rows so they cannot overflow.
    cols: Vec<u16>,
    wide: Vec<u32>,
    rows_in: usize,
    out: Vec<f32>,
}

impl BoxMeans {
    fn new(w: usize, h: usize, f: usize, sx: usize) -> BoxMeans {
        let (ow, oh) = ((w / f).max(1), (h / f).max(1));
        let (fx, fy) = (f.min(w), f.min(h));
        let taps = (0..ow)
            .map(|c| {
                let (x0, x1) = (c * fx, c * fx + fx);
                (x0 / sx..x1.div_ceil(sx))
                    .map(|j| {
                        let overlap = x1.min((j + 1) * sx) - x0.max(j * sx);
                        (j as u32, overlap as u32)
                    })
                    .collect()
            })
            .collect();
        BoxMeans {
            ow,
            oh,
            fy,
            taps,
            n: (fx * fy) as f32,
            cols: vec![0; (ow * fx).div_ceil(sx)],
            wide: vec![0; (ow * fx).div_ceil(sx)],
            rows_in: 0,
            out: Vec::with_capacity(ow * oh),
        }
    }

    /// The next full-resolution row's samples of this plane (at least `cols.len()` of them).
    #[inline]
    fn push_row(&mut self, row: &[u8]) {
        if self.rows_in / self.fy >= self.oh {
            return;
        }
        let row = &row[..self.cols.len()];
        // Fixed-width chunks: vectorised (u8 → u16 widening adds).
        let mut a = self.cols.chunks_exact_mut(16);
        let mut r = row.chunks_exact(16);
        for (a, r) in (&mut a).zip(&mut r) {
            for i in 0..16 {
                a[i] += r[i] as u16;
            }
        }
        for (a, &p) in a.into_remainder().iter_mut().zip(r.remainder()) {
            *a += p as u16;
        }
        self.rows_in += 1;
        let in_cell = self.rows_in % self.fy;
        if in_cell.is_multiple_of(256) {
            for (w, c) in self.wide.iter_mut().zip(&mut self.cols) {
                *w += *c as u32;
                *c = 0;
            }
        }
        if self.rows_in.is_multiple_of(self.fy) {
            for taps in &self.taps {
                let s: u32 = taps.iter().map(|&(j, w)| self.wide[j as usize] * w).sum();
                self.out.push(s as f32 / self.n);
            }
            self.wide.iter_mut().for_each(|a| *a = 0);
        }
    }
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
            return Err(Fallback::NotHandled("RGB-coded"));
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
        return Err(Fallback::NotHandled("unusually subsampled"));
    }
    if !grey && hd.comps.iter().any(|c| hmax % c.h != 0 || vmax % c.v != 0) {
        return Err(Fallback::NotHandled("unusually subsampled"));
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
    let f = box_factor(w as u32, h as u32, preview_max_side) as usize;
    let mut preview = BoxMeans::new(w, h, f, 1);
    // Chroma: one strip per component (its MCU rows' samples), and its cell means.
    let mut chroma: Vec<(Vec<u8>, usize, BoxMeans)> = comps[1..]
        .iter()
        .map(|c| {
            let cstride = mcus_x * c.h * 8;
            (vec![0u8; cstride * c.v * 8], cstride, BoxMeans::new(w, h, f, hmax / c.h))
        })
        .collect();
    let y_dc = hd.dc[comps[0].td].as_ref().unwrap();
    let y_ac = hd.ac[comps[0].ta].as_ref().unwrap();
    let mut bits = BitReader::new(bytes, hd.scan_start);
    let mut pred = [0i32; 3];
    let mut coef = [0i32; 64];
    let mut mcus_left = hd.restart;
    let mut next_rst = 0u8;
    for my in 0..mcus_y {
        for mx in 0..mcus_x {
            if hd.restart > 0 {
                if mcus_left == 0 {
                    match bits.restart(next_rst) {
                        Restart::Ok => next_rst = (next_rst + 1) % 8,
                        Restart::End => return Err(truncated(my * mcu_h, h)),
                        Restart::Damaged => return Err(damaged(my * mcu_h, h)),
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
            for (k, (cstrip, cstride, _)) in chroma.iter_mut().enumerate() {
                let c = &comps[k + 1];
                let (dc, ac) = (hd.dc[c.td].as_ref().unwrap(), hd.ac[c.ta].as_ref().unwrap());
                for v in 0..c.v {
                    for hh in 0..c.h {
                        let last = bits.block(dc, ac, &qt[k + 1], &mut pred[k + 1], &mut coef);
                        let x = (mx * c.h + hh) * 8;
                        idct::idct8x8(&coef, last, &mut cstrip[v * 8 * *cstride + x..], *cstride);
                        if last == 0 {
                            coef[0] = 0;
                        } else {
                            coef = [0; 64];
                        }
                    }
                }
            }
        }
        if bits.corrupt || (bits.overran() && !bits.at_end()) {
            return Err(damaged(my * mcu_h, h));
        }
        if bits.overran() {
            return Err(truncated(my * mcu_h, h));
        }
        let rows = mcu_h.min(h - my * mcu_h);
        for r in 0..rows {
            let row = &strip[r * stride..r * stride + w];
            on_row(row);
            preview.push_row(row);
        }
        // Each chroma row stands for `vmax / c.v` full-resolution rows.
        for (k, (cstrip, cstride, means)) in chroma.iter_mut().enumerate() {
            let sy = vmax / comps[k + 1].v;
            for r in 0..rows {
                means.push_row(&cstrip[(r / sy) * *cstride..(r / sy + 1) * *cstride]);
            }
        }
    }
    Ok(Streamed {
        width: w as u32,
        height: h as u32,
        channels: if grey { 1 } else { 3 },
        preview: finish_preview(preview, &chroma.into_iter().map(|c| c.2).collect::<Vec<_>>()),
    })
}

fn damaged(row: usize, h: usize) -> Fallback {
    corrupt(format!("the JPEG image data is damaged near row {row} of {h}"))
}

fn truncated(row: usize, h: usize) -> Fallback {
    corrupt(format!("the JPEG image data ends at row {row} of {h}: the file is cut off"))
}

/// Combines the cell means of Y, Cb and Cr (JFIF / BT.601 full range). The transform is affine,
/// so this equals averaging RGB except where single pixels would have been clamped.
fn finish_preview(y: BoxMeans, chroma: &[BoxMeans]) -> Raster {
    let to8 = |v: f32| (v + 0.5).clamp(0.0, 255.0) as u8;
    let (ow, oh) = (y.ow, y.out.len() / y.ow);
    if chroma.len() != 2 {
        return Raster::new_u8(ow as u32, oh as u32, 1, y.out.iter().map(|&v| to8(v)).collect());
    }
    let mut out = vec![0u8; ow * oh * 3];
    for (((px, &yy), &cb), &cr) in out.chunks_exact_mut(3).zip(&y.out).zip(&chroma[0].out).zip(&chroma[1].out) {
        let (cb, cr) = (cb - 128.0, cr - 128.0);
        px[0] = to8(yy + 1.402 * cr);
        px[1] = to8(yy - 0.344_136 * cb - 0.714_136 * cr);
        px[2] = to8(yy + 1.772 * cb);
    }
    Raster::new_u8(ow as u32, oh as u32, 3, out)
}
