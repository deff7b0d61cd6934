//! Is there a calibration checkerboard in the frame? (Lens-calibration series ask for one.)
//!
//! The ChESS corner detector (Bennett & Lasenby 2014) on the grey preview shrunk to at most
//! [`WORK_SIDE`] px: for each pixel, 16 samples on a ring of radius 5 give
//! `sum response − diff response − 16 · |ring mean − centre mean|`, which is large only at the
//! X-junctions where four squares meet. A board is reported when at least [`MIN_CORNERS`] strong
//! corners (non-maximum suppressed) lie on a lattice: each has at least two neighbours at the
//! common spacing, and together they fill their extent at about one square per corner. The
//! X-like spots of ordinary photos (window frames, foliage) are isolated or spread thin.

/// Longest side analysed.
pub const WORK_SIDE: usize = 640;
/// Strong, regularly spaced corners needed (a 4 × 4 board has 9 inner corners; boards used for
/// calibration have far more).
pub const MIN_CORNERS: usize = 12;

const RING: [(i32, i32); 16] = [
    (0, -5),
    (2, -5),
    (3, -3),
    (5, -2),
    (5, 0),
    (5, 2),
    (3, 3),
    (2, 5),
    (0, 5),
    (-2, 5),
    (-3, 3),
    (-5, 2),
    (-5, 0),
    (-5, -2),
    (-3, -3),
    (-2, -5),
];

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Board {
    pub found: bool,
    /// Strong corners found, and how many of them sit at the common grid spacing.
    pub corners: usize,
    pub regular: usize,
}

/// Looks for a checkerboard in a grey image (`w × h`, row-major).
pub fn detect(grey: &[u8], w: usize, h: usize) -> Board {
    let (g, w, h) = shrink(grey, w, h);
    let none = Board { found: false, corners: 0, regular: 0 };
    if w < 24 || h < 24 {
        return none;
    }
    let mut resp = vec![0i32; w * h];
    let mut max = 0;
    for y in 6..h - 6 {
        for x in 6..w - 6 {
            let s = |(dx, dy): (i32, i32)| g[(y as i32 + dy) as usize * w + (x as i32 + dx) as usize] as i32;
            let r: [i32; 16] = std::array::from_fn(|k| s(RING[k]));
            let sr: i32 = (0..4).map(|n| ((r[n] + r[n + 8]) - (r[n + 4] + r[n + 12])).abs()).sum();
            let dr: i32 = (0..8).map(|n| (r[n] - r[n + 8]).abs()).sum();
            let ring_mean = r.iter().sum::<i32>() / 16;
            let local = (s((0, 0)) * 4 + s((1, 0)) + s((-1, 0)) + s((0, 1)) + s((0, -1))) / 8;
            let v = sr - dr - 16 * (ring_mean - local).abs();
            resp[y * w + x] = v;
            max = max.max(v);
        }
    }
    // Strong: a sizeable contrast (SR of a 60-level black/white junction is 4 · 120).
    let strong = 240.max(max / 4);
    let mut corners: Vec<(i32, i32)> = Vec::new();
    for y in 6..h - 6 {
        for x in 6..w - 6 {
            let v = resp[y * w + x];
            if v < strong {
                continue;
            }
            let mut is_max = true;
            'nms: for dy in -3i32..=3 {
                for dx in -3i32..=3 {
                    let u = resp[(y as i32 + dy) as usize * w + (x as i32 + dx) as usize];
                    if u > v || (u == v && (dy, dx) < (0, 0)) {
                        is_max = false;
                        break 'nms;
                    }
                }
            }
            if is_max {
                corners.push((x as i32, y as i32));
            }
        }
    }
    if corners.len() < MIN_CORNERS || corners.len() > 5000 {
        return Board { found: false, corners: corners.len(), regular: 0 };
    }
    // Nearest-neighbour distances: on a grid they cluster around the square size.
    let nn: Vec<f32> = corners
        .iter()
        .map(|&(x, y)| {
            corners
                .iter()
                .filter(|&&c| c != (x, y))
                .map(|&(u, v)| (((u - x).pow(2) + (v - y).pow(2)) as f32).sqrt())
                .fold(f32::MAX, f32::min)
        })
        .collect();
    let mut sorted = nn.clone();
    sorted.sort_by(f32::total_cmp);
    // The spacing most corners agree on: the median of the nearest-neighbour distances of the
    // strongest half (the board's corners are the strongest in the frame).
    let median = sorted[sorted.len() / 2];
    if median < 8.0 {
        return Board { found: false, corners: corners.len(), regular: 0 };
    }
    // On a grid, an inner corner has 2–4 neighbours at the square size: count the corners that
    // have at least two. Isolated X-like spots in a photo have none.
    let near = |a: (i32, i32), b: (i32, i32)| {
        let d = (((a.0 - b.0).pow(2) + (a.1 - b.1).pow(2)) as f32).sqrt();
        (d - median).abs() <= 0.2 * median
    };
    let grid: Vec<(i32, i32)> =
        corners.iter().copied().filter(|&a| corners.iter().filter(|&&b| b != a && near(a, b)).count() >= 2).collect();
    let regular = grid.len();
    if regular < MIN_CORNERS {
        return Board { found: false, corners: corners.len(), regular };
    }
    // A lattice fills its extent: the (robust, 10th–90th percentile) box around these corners
    // holds about one square per corner. Coincidences in a dense texture are spread thin.
    let span = |mut v: Vec<i32>| {
        v.sort_unstable();
        (v[v.len() * 9 / 10] - v[v.len() / 10]) as f32 / 0.8
    };
    let cells = span(grid.iter().map(|c| c.0).collect()) * span(grid.iter().map(|c| c.1).collect()) / (median * median);
    Board { found: cells <= 2.0 * regular as f32, corners: corners.len(), regular }
}

/// Box-shrinks to at most WORK_SIDE on the longer side.
fn shrink(grey: &[u8], w: usize, h: usize) -> (Vec<u8>, usize, usize) {
    let f = w.max(h).div_ceil(WORK_SIDE).max(1);
    if f == 1 {
        return (grey[..w * h].to_vec(), w, h);
    }
    let (ow, oh) = (w / f, h / f);
    let mut out = vec![0u8; ow * oh];
    for oy in 0..oh {
        for ox in 0..ow {
            let mut s = 0u32;
            for y in oy * f..oy * f + f {
                s += grey[y * w + ox * f..y * w + ox * f + f].iter().map(|&p| p as u32).sum::<u32>();
            }
            out[oy * ow + ox] = (s / (f * f) as u32) as u8;
        }
    }
    (out, ow, oh)
}

/// A synthetic board for tests: `cols × rows` squares of `side` px, rotated by `angle` rad,
/// drawn at (`x0`, `y0`) over `grey` (anti-aliased by 4 × 4 supersampling).
pub fn draw_board(grey: &mut [u8], w: usize, h: usize, at: (f32, f32), side: f32, cells: (usize, usize), angle: f32) {
    let (x0, y0) = at;
    let (cols, rows) = cells;
    let (c, s) = (angle.cos(), angle.sin());
    for y in 0..h {
        for x in 0..w {
            let mut acc = 0u32;
            let mut inside = 0u32;
            for sy in 0..4 {
                for sx in 0..4 {
                    let (px, py) = (x as f32 + (sx as f32 + 0.5) / 4.0 - x0, y as f32 + (sy as f32 + 0.5) / 4.0 - y0);
                    let (u, v) = ((c * px + s * py) / side, (-s * px + c * py) / side);
                    if u >= 0.0 && v >= 0.0 && u < cols as f32 && v < rows as f32 {
                        inside += 1;
                        acc += if (u as usize + v as usize).is_multiple_of(2) { 20 } else { 235 };
                    }
                }
            }
            if inside > 0 {
                let old = grey[y * w + x] as u32;
                grey[y * w + x] = ((acc + old * (16 - inside)) / 16) as u8;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_drawn_board_is_found_and_a_flat_frame_is_not() {
        let (w, h) = (800, 600);
        let mut g = vec![128u8; w * h];
        assert!(!detect(&g, w, h).found);
        draw_board(&mut g, w, h, (200.0, 120.0), 40.0, (9, 7), 0.2);
        let b = detect(&g, w, h);
        assert!(b.found, "{b:?}");
    }
}
