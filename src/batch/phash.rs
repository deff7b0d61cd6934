//! Perceptual hash (pHash, 64 bits): the luma shrunk to 32 × 32, its 2-D DCT, and one bit per
//! coefficient of the 8 × 8 lowest frequencies (DC excluded): above or below their median. Two
//! photos of the same scene a moment apart, or the same photo re-encoded or resized, differ in a
//! few bits; unrelated photos in about half of them (~32). [`hamming`] counts the differing bits.

/// Side of the shrunk image.
const N: usize = 32;

/// The pHash of a grey image (`w × h` bytes, row-major). Area-averages to 32 × 32 first, so
/// any size works; a 0-sized image hashes to 0.
pub fn phash(grey: &[u8], w: usize, h: usize) -> u64 {
    if w == 0 || h == 0 || grey.len() < w * h {
        return 0;
    }
    let small = shrink(grey, w, h);
    // Separable DCT-II, only the 8 lowest frequencies per axis are needed.
    let cos: Vec<f32> = (0..8 * N)
        .map(|i| {
            let (k, x) = (i / N, i % N);
            (std::f32::consts::PI / N as f32 * (x as f32 + 0.5) * k as f32).cos()
        })
        .collect();
    let mut rows = [[0f32; 8]; N]; // rows[y][u]
    for y in 0..N {
        for u in 0..8 {
            rows[y][u] = (0..N).map(|x| small[y * N + x] * cos[u * N + x]).sum();
        }
    }
    let mut coef = [0f32; 64]; // coef[v * 8 + u]
    for v in 0..8 {
        for u in 0..8 {
            coef[v * 8 + u] = (0..N).map(|y| rows[y][u] * cos[v * N + y]).sum();
        }
    }
    let mut ac: Vec<f32> = coef[1..].to_vec();
    ac.sort_by(f32::total_cmp);
    let median = (ac[31] + ac[32]) / 2.0;
    coef.iter().enumerate().skip(1).fold(0u64, |h, (i, &c)| if c > median { h | 1 << i } else { h })
}

/// Area average to N × N (each output pixel averages the input pixels whose centres fall in it).
fn shrink(grey: &[u8], w: usize, h: usize) -> Vec<f32> {
    let mut sum = vec![0f32; N * N];
    let mut count = vec![0u32; N * N];
    for y in 0..h {
        let oy = y * N / h;
        for (x, &p) in grey[y * w..y * w + w].iter().enumerate() {
            let i = oy * N + x * N / w;
            sum[i] += p as f32;
            count[i] += 1;
        }
    }
    // Inputs smaller than N leave holes: fill them from the nearest filled pixel on the left/up.
    for i in 0..N * N {
        if count[i] == 0 {
            sum[i] = if i % N > 0 {
                sum[i - 1]
            } else if i >= N {
                sum[i - N]
            } else {
                0.0
            };
            count[i] = 1;
        } else {
            sum[i] /= count[i] as f32;
        }
    }
    sum
}

/// Number of differing bits.
pub fn hamming(a: u64, b: u64) -> u32 {
    (a ^ b).count_ones()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gradient(w: usize, h: usize, phase: f32) -> Vec<u8> {
        (0..w * h)
            .map(|i| {
                let (x, y) = ((i % w) as f32 / w as f32, (i / w) as f32 / h as f32);
                (127.0 + 60.0 * (6.0 * x + phase).sin() + 60.0 * (4.0 * y * y).cos()) as u8
            })
            .collect()
    }

    #[test]
    fn resizing_keeps_the_hash_and_other_content_changes_it() {
        let a = phash(&gradient(320, 240, 0.0), 320, 240);
        let b = phash(&gradient(160, 120, 0.0), 160, 120);
        // The same picture mirrored left to right: the same statistics, different content.
        let m: Vec<u8> = gradient(320, 240, 0.0)
            .chunks_exact(320)
            .flat_map(|r| r.iter().rev().copied().collect::<Vec<_>>())
            .collect();
        let c = phash(&m, 320, 240);
        assert!(hamming(a, b) <= 10, "{}", hamming(a, b));
        assert!(hamming(a, c) >= 20, "{}", hamming(a, c));
    }
}
