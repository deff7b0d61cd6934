//! A small in-place radix-2 complex FFT (power-of-two sizes), and the 2-D transform built from
//! it — enough for phase correlation of 64 × 64 thumbnails. No allocation beyond one column
//! buffer in [`fft2`].

/// A complex number (f32 is plenty at these sizes).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct C {
    pub re: f32,
    pub im: f32,
}

impl C {
    pub fn new(re: f32, im: f32) -> C {
        C { re, im }
    }
    fn add(self, o: C) -> C {
        C::new(self.re + o.re, self.im + o.im)
    }
    fn sub(self, o: C) -> C {
        C::new(self.re - o.re, self.im - o.im)
    }
    pub fn times(self, o: C) -> C {
        C::new(self.re * o.re - self.im * o.im, self.re * o.im + self.im * o.re)
    }
    pub fn conj(self) -> C {
        C::new(self.re, -self.im)
    }
    pub fn abs(self) -> f32 {
        self.re.hypot(self.im)
    }
}

/// In-place FFT of `a` (length a power of two); `inverse` computes the unscaled inverse.
pub fn fft(a: &mut [C], inverse: bool) {
    let n = a.len();
    assert!(n.is_power_of_two(), "FFT length {n} is not a power of two");
    // Bit-reversal permutation.
    let mut j = 0usize;
    for i in 1..n {
        let mut bit = n >> 1;
        while j & bit != 0 {
            j ^= bit;
            bit >>= 1;
        }
        j |= bit;
        if i < j {
            a.swap(i, j);
        }
    }
    let sign = if inverse { 1.0 } else { -1.0 };
    let mut len = 2;
    while len <= n {
        let ang = sign * 2.0 * std::f64::consts::PI / len as f64;
        let w_len = C::new(ang.cos() as f32, ang.sin() as f32);
        for start in (0..n).step_by(len) {
            let mut w = C::new(1.0, 0.0);
            for k in 0..len / 2 {
                let u = a[start + k];
                let v = a[start + k + len / 2].times(w);
                a[start + k] = u.add(v);
                a[start + k + len / 2] = u.sub(v);
                w = w.times(w_len);
            }
        }
        len <<= 1;
    }
}

/// In-place 2-D FFT of a `w × h` row-major grid (both powers of two).
pub fn fft2(a: &mut [C], w: usize, h: usize, inverse: bool) {
    assert_eq!(a.len(), w * h, "grid size");
    for row in a.chunks_exact_mut(w) {
        fft(row, inverse);
    }
    let mut col = vec![C::default(); h];
    for x in 0..w {
        for y in 0..h {
            col[y] = a[y * w + x];
        }
        fft(&mut col, inverse);
        for y in 0..h {
            a[y * w + x] = col[y];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_dft_and_round_trips() {
        let x: Vec<C> = (0..16).map(|i| C::new((i as f32 * 0.7).sin() + i as f32 * 0.1, (i % 3) as f32)).collect();
        let mut y = x.clone();
        fft(&mut y, false);
        for (k, yk) in y.iter().enumerate() {
            let mut s = C::default();
            for (n, xn) in x.iter().enumerate() {
                let a = -2.0 * std::f32::consts::PI * (k * n) as f32 / 16.0;
                s = s.add(xn.times(C::new(a.cos(), a.sin())));
            }
            assert!((s.re - yk.re).abs() < 1e-3 && (s.im - yk.im).abs() < 1e-3, "bin {k}");
        }
        fft(&mut y, true);
        for (a, b) in x.iter().zip(&y) {
            assert!((a.re - b.re / 16.0).abs() < 1e-4 && (a.im - b.im / 16.0).abs() < 1e-4);
        }
    }
}
