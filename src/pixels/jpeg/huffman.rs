//! Entropy decoding of baseline JPEG: the bit reader (byte stuffing, markers, restart) and
//! Huffman tables with a 9-bit lookahead, plus the "fast AC" table that decodes a whole
//! (run, size, value) triple from one lookup when the code and its value bits fit in 9 bits —
//! the common case for the small AC coefficients that make up most of a photo.
//!
//! Hostile input: every index is masked or bounds-checked; a bad code or a run past the 64th
//! coefficient sets [`BitReader::corrupt`] instead of panicking, and past the end of the data (or
//! at a marker in the middle of a scan) the reader feeds zero bits and counts them, so the caller
//! can tell a complete scan from a truncated one.

/// Bits looked up at once.
pub const FAST_BITS: u32 = 11;
const FAST_SIZE: usize = 1 << FAST_BITS;

/// Zigzag index → position in the block, **transposed** (`u * 8 + v` for horizontal frequency u
/// and vertical frequency v: the layout [`super::idct::idct8x8`] reads), padded to 128 so a
/// corrupt run past 63 lands on 63 and `k & 127` needs no bounds check.
pub const DEZIGZAG: [u8; 128] = [
    0, 8, 1, 2, 9, 16, 24, 17, 10, 3, 4, 11, 18, 25, 32, 40, 33, 26, 19, 12, 5, 6, 13, 20, 27, 34, 41, 48, 56, 49, 42,
    35, 28, 21, 14, 7, 15, 22, 29, 36, 43, 50, 57, 58, 51, 44, 37, 30, 23, 31, 38, 45, 52, 59, 60, 53, 46, 39, 47, 54,
    61, 62, 55, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63,
    63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63,
    63, 63, 63, 63, 63, 63, 63, 63, 63, 63,
];

/// One Huffman table (DHT), ready for decoding.
#[derive(Clone)]
pub struct Huffman {
    /// `len << 8 | symbol` for codes of ≤ FAST_BITS bits, indexed by the next FAST_BITS bits;
    /// 0 = longer code.
    fast: [u16; FAST_SIZE],
    /// For code lengths 1..=16: the largest code of that length, left-aligned to 16 bits, +1
    /// (`maxcode[17]` = ∞ sentinel).
    maxcode: [u32; 18],
    /// Per length: symbol index of the first code minus that code.
    delta: [i32; 17],
    symbols: Vec<u8>,
    /// For AC tables: (value << 16) | (run << 4) | total_len, 0 = not a fast entry.
    fast_ac: [i32; FAST_SIZE],
}

impl Huffman {
    /// Builds a table from a DHT segment's 16 counts and symbols; `None` if the counts are
    /// impossible (more codes than fit).
    pub fn new(counts: &[u8; 16], symbols: &[u8]) -> Option<Huffman> {
        let total: usize = counts.iter().map(|&c| c as usize).sum();
        if total > 256 || symbols.len() < total {
            return None;
        }
        let mut h = Huffman {
            fast: [0; FAST_SIZE],
            maxcode: [0; 18],
            delta: [0; 17],
            symbols: symbols[..total].to_vec(),
            fast_ac: [0; FAST_SIZE],
        };
        let mut code = 0u32;
        let mut k = 0usize;
        for len in 1..=16usize {
            h.delta[len] = k as i32 - code as i32;
            let n = counts[len - 1] as usize;
            for _ in 0..n {
                if code >= (1 << len) {
                    return None;
                }
                if len as u32 <= FAST_BITS {
                    let shift = FAST_BITS - len as u32;
                    let base = (code << shift) as usize;
                    for e in &mut h.fast[base..base + (1 << shift)] {
                        *e = ((len as u16) << 8) | h.symbols[k] as u16;
                    }
                }
                code += 1;
                k += 1;
            }
            h.maxcode[len] = code << (16 - len);
            code <<= 1;
        }
        h.maxcode[17] = u32::MAX;
        // Fast AC: code + value bits within FAST_BITS.
        for (i, &e) in h.fast.iter().enumerate() {
            if e == 0 {
                continue;
            }
            let (len, rs) = ((e >> 8) as u32, (e & 0xFF) as u32);
            let (run, size) = (rs >> 4, rs & 15);
            if size != 0 && len + size <= FAST_BITS {
                let bits = ((i as u32) << len) & (FAST_SIZE as u32 - 1);
                let raw = bits >> (FAST_BITS - size);
                let value = extend(raw, size);
                h.fast_ac[i] = (value << 16) | (run << 4) as i32 | (len + size) as i32;
            }
        }
        Some(h)
    }
}

/// JPEG's sign extension of a `size`-bit magnitude category.
#[inline(always)]
fn extend(v: u32, size: u32) -> i32 {
    if size == 0 {
        0
    } else if v < 1 << (size - 1) {
        v as i32 - (1 << size) + 1
    } else {
        v as i32
    }
}

/// MSB-first bit reader over the entropy-coded segment.
pub struct BitReader<'a> {
    data: &'a [u8],
    pub pos: usize,
    /// Valid bits, left-aligned.
    buf: u64,
    n: u32,
    /// Zero bits fed because the data ended or a marker came; if more of them are consumed than
    /// remain unread, the scan was cut short.
    fake_bits: u64,
    /// A marker (other than stuffing) was reached; `pos` points at its 0xFF.
    pub at_marker: bool,
    /// A Huffman code that no table has, or a run past the last coefficient.
    pub corrupt: bool,
}

impl<'a> BitReader<'a> {
    pub fn new(data: &'a [u8], pos: usize) -> BitReader<'a> {
        BitReader { data, pos, buf: 0, n: 0, fake_bits: 0, at_marker: false, corrupt: false }
    }

    /// Tops the buffer up to at least 32 bits (usually 57–64).
    #[inline(always)]
    fn refill(&mut self) {
        if self.n > 32 {
            return;
        }
        // Fast path: four bytes without 0xFF.
        if !self.at_marker
            && let Some(w) = self.data.get(self.pos..self.pos + 4)
        {
            let v = u32::from_be_bytes([w[0], w[1], w[2], w[3]]);
            if (!v).wrapping_sub(0x0101_0101) & v & 0x8080_8080 == 0 {
                self.buf |= (v as u64) << (32 - self.n);
                self.n += 32;
                self.pos += 4;
                return;
            }
        }
        while self.n <= 56 {
            let b = self.next_byte();
            self.buf |= (b as u64) << (56 - self.n);
            self.n += 8;
        }
    }

    #[inline(never)]
    fn next_byte(&mut self) -> u8 {
        if self.at_marker || self.pos >= self.data.len() {
            self.fake_bits += 8;
            return 0;
        }
        let b = self.data[self.pos];
        if b != 0xFF {
            self.pos += 1;
            return b;
        }
        // 0xFF 0x00 is a stuffed 0xFF; 0xFF 0xFF… is fill before a marker; anything else is a marker.
        let mut p = self.pos + 1;
        while self.data.get(p) == Some(&0xFF) {
            p += 1;
        }
        match self.data.get(p) {
            Some(0) => {
                self.pos = p + 1;
                0xFF
            }
            _ => {
                self.at_marker = true;
                self.pos = p - 1;
                self.fake_bits += 8;
                0
            }
        }
    }

    /// True if the bits consumed so far include zero bits fed past the end of the data or a
    /// marker: the scan is cut short (or corrupt).
    pub fn overran(&self) -> bool {
        self.fake_bits > self.n as u64
    }

    /// The data ended (no marker reached).
    pub fn at_end(&self) -> bool {
        self.pos >= self.data.len()
    }

    #[inline(always)]
    fn consume(&mut self, k: u32) {
        // Every caller refilled first (n ≥ 32) and takes at most 32 bits.
        debug_assert!(k <= self.n);
        self.buf <<= k;
        self.n = self.n.wrapping_sub(k);
    }

    /// Decodes one Huffman symbol. Needs ≥ 16 bits buffered (the caller refills).
    #[inline(always)]
    fn symbol(&mut self, h: &Huffman) -> u32 {
        let e = h.fast[(self.buf >> (64 - FAST_BITS)) as usize];
        if e != 0 {
            self.consume((e >> 8) as u32);
            return (e & 0xFF) as u32;
        }
        self.symbol_slow(h)
    }

    #[inline(never)]
    fn symbol_slow(&mut self, h: &Huffman) -> u32 {
        let top = (self.buf >> 48) as u32;
        let mut len = FAST_BITS as usize + 1;
        while top >= h.maxcode[len] {
            len += 1;
        }
        if len > 16 {
            self.corrupt = true;
            self.consume(16);
            return 0;
        }
        let code = (top >> (16 - len)) as i32;
        self.consume(len as u32);
        match h.symbols.get((code + h.delta[len]) as usize) {
            Some(&s) => s as u32,
            None => {
                self.corrupt = true;
                0
            }
        }
    }

    /// Reads `size` (≤ 16) bits and sign-extends them.
    #[inline(always)]
    fn receive(&mut self, size: u32) -> i32 {
        if size == 0 {
            return 0;
        }
        let v = (self.buf >> (64 - size)) as u32;
        self.consume(size);
        extend(v, size)
    }

    /// Decodes one block's DC difference and AC coefficients, dequantised (`q` in zigzag
    /// order), into `coef` (transposed order, see [`DEZIGZAG`]; must be zero on entry). Returns the zigzag index of
    /// the last coefficient written (0 = DC only).
    #[inline(always)]
    pub fn block(&mut self, dc: &Huffman, ac: &Huffman, q: &[i32; 64], pred: &mut i32, coef: &mut [i32; 64]) -> usize {
        self.refill();
        let t = self.symbol(dc);
        if t > 11 {
            self.corrupt = true;
        }
        self.refill();
        *pred = pred.wrapping_add(self.receive(t.min(16)));
        coef[0] = pred.wrapping_mul(q[0]);
        let mut last = 0usize;
        let mut k = 1usize;
        while k < 64 {
            self.refill();
            let f = ac.fast_ac[(self.buf >> (64 - FAST_BITS)) as usize];
            if f != 0 {
                k += ((f >> 4) & 15) as usize;
                self.consume((f & 15) as u32);
                let z = DEZIGZAG[k & 127] as usize;
                coef[z & 63] = (f >> 16).wrapping_mul(q[k & 63]);
                last = k;
                k += 1;
                continue;
            }
            let rs = self.symbol(ac);
            let (run, size) = ((rs >> 4) as usize, rs & 15);
            if size == 0 {
                if run != 15 {
                    break; // end of block
                }
                k += 16;
                continue;
            }
            k += run;
            let v = self.receive(size);
            let z = DEZIGZAG[k & 127] as usize;
            coef[z & 63] = v.wrapping_mul(q[k & 63]);
            last = k;
            k += 1;
        }
        if k > 64 {
            self.corrupt = true;
        }
        last.min(63)
    }

    /// At a restart interval: checks that the bits before it were all real (not fed past a
    /// marker), that the next marker is RST`expected` (0–7), and continues just after it with an
    /// empty bit buffer.
    pub fn restart(&mut self, expected: u8) -> Restart {
        if self.overran() && self.at_end() {
            return Restart::End;
        }
        if self.overran() || self.corrupt {
            return Restart::Damaged;
        }
        let d = self.data;
        let mut p = self.pos;
        while d.get(p) == Some(&0xFF) && d.get(p + 1) == Some(&0xFF) {
            p += 1;
        }
        match (d.get(p), d.get(p + 1)) {
            (Some(0xFF), Some(&m)) if m == 0xD0 + expected => {
                *self = BitReader::new(d, p + 2);
                Restart::Ok
            }
            (None, _) | (Some(_), None) => Restart::End,
            _ => Restart::Damaged,
        }
    }
}

/// What [`BitReader::restart`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Restart {
    Ok,
    /// The data ends before the marker.
    End,
    /// Something other than the expected marker: entropy data damaged or out of sequence.
    Damaged,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example DC table of ITU T.81 Annex K.3 (luminance DC).
    fn k3_dc() -> Huffman {
        Huffman::new(&[0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0], &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])
            .unwrap()
    }

    #[test]
    fn decodes_canonical_codes_and_stuffing() {
        let h = k3_dc();
        // Codes: 0→00, 1→010, 2→011, 3→100, 4→101, 5→110, 6→1110, … 11→111111110 (9 bits).
        // Bits 00 010 111111110 1110 → 00010111 11111011 10…
        let data = [0x17, 0xFB, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00];
        let mut r = BitReader::new(&data, 0);
        r.refill();
        assert_eq!(r.symbol(&h), 0);
        assert_eq!(r.symbol(&h), 1);
        assert_eq!(r.symbol(&h), 11);
        assert_eq!(r.symbol(&h), 6);
        assert!(!r.corrupt);
        // A stuffed 0xFF reads as 0xFF, a marker stops the data.
        let data = [0xFF, 0x00, 0xAB, 0xFF, 0xD9];
        let mut r = BitReader::new(&data, 0);
        r.refill();
        assert_eq!(r.buf >> 48, 0xFFAB);
        assert!(r.at_marker);
        assert_eq!(r.pos, 3);
    }

    #[test]
    fn impossible_tables_are_refused() {
        assert!(Huffman::new(&[3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], &[1, 2, 3]).is_none());
    }

    #[test]
    fn extend_matches_the_spec() {
        assert_eq!(extend(0, 1), -1);
        assert_eq!(extend(1, 1), 1);
        assert_eq!(extend(0b010, 3), -5);
        assert_eq!(extend(0b110, 3), 6);
    }
}
