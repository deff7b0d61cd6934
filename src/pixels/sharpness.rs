//! Sharpness at 100 %: the full-resolution luma is cut into square tiles; each tile gets
//! - **variance of the Laplacian** (4-neighbour kernel, the same as OpenCV's `Laplacian` with
//!   `ksize = 1`), the focus measure;
//! - **gradient energy** (mean of dx² + dy², Tenengrad-like), a second focus measure;
//! - **contrast** (standard deviation of luma), to tell a flat sky from a blurred subject;
//! - directional energies (dx², dy², both diagonals) for a motion-blur vs defocus hint.
//!
//! All values are in 8-bit units (16-bit sources are scaled by `(255 / max_value)²`), so one
//! threshold works for both. The sums come from the shared streaming [`pass`](super::pass) over
//! the luma rows (tile geometry documented there); this file turns them into the measures.
//!
//! # Allocations
//! The output grid (one `Tile` per tile; ~1500 tiles at 24 MP with 128 px tiles).

use super::pass::LumaSums;
use super::raster::Raster;
#[cfg(test)]
use super::raster::Samples;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SharpnessOptions {
    /// Tile side in pixels (clamped to 8..=1024 and to the image).
    pub tile: u32,
    /// A tile whose Laplacian variance (8-bit units) reaches this is "in focus".
    pub in_focus: f32,
    /// A tile whose luma standard deviation (8-bit units) reaches this has detail to judge.
    pub min_contrast: f32,
}

impl Default for SharpnessOptions {
    fn default() -> Self {
        SharpnessOptions { tile: 128, in_focus: 100.0, min_contrast: 8.0 }
    }
}

/// One tile's measures (8-bit units).
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize)]
pub struct Tile {
    pub laplacian_var: f32,
    pub gradient_energy: f32,
    pub contrast: f32,
}

/// The tile grid, row-major, for a heat-map overlay: tile (c, r) covers pixels
/// `[c*tile, (c+1)*tile) × [r*tile, (r+1)*tile)` of the full image.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TileGrid {
    pub tile: u32,
    pub cols: u32,
    pub rows: u32,
    pub tiles: Vec<Tile>,
}

/// What kind of blur the directional energies suggest.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum BlurHint {
    /// Gradients about equal in all directions and at least one tile in focus.
    Sharp,
    /// Blurred about equally in all directions.
    Defocus,
    /// Detail is missing along one direction: motion (or camera shake) along `angle_deg`
    /// (0 = horizontal, 90 = vertical, 45/135 = diagonals, image coordinates, y down).
    Motion { angle_deg: u16 },
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Sharpness {
    pub grid: TileGrid,
    /// Highest tile Laplacian variance.
    pub sharpest: f32,
    /// 90th percentile of tile Laplacian variance (robust to one noisy tile).
    pub p90: f32,
    pub median: f32,
    /// Tiles in focus / all tiles.
    pub in_focus_fraction: f32,
    /// Tiles with detail (contrast ≥ `min_contrast`) / all tiles.
    pub detailed_fraction: f32,
    /// In-focus tiles / tiles with detail: near 1 = "front to back", low = only a subject.
    pub in_focus_fraction_of_detailed: f32,
    /// 0 = isotropic gradients, → 1 = all gradient energy in one direction (detailed tiles).
    pub anisotropy: f32,
    pub blur_hint: BlurHint,
}

/// Measures `luma` (1 channel, full resolution): one [`pass`](super::pass) over its rows.
pub fn measure(luma: &Raster, opts: &SharpnessOptions) -> Sharpness {
    assert_eq!(luma.channels, 1, "sharpness reads a luma raster");
    from_sums(&super::pass::measure_raster(luma, opts.tile), opts)
}

/// The sharpness measures from a pass's tile sums.
pub fn from_sums(sums: &LumaSums, opts: &SharpnessOptions) -> Sharpness {
    let scale = sums.scale();
    let scale2 = scale * scale;
    let mut dir = [0f64; 4];
    let tiles = sums
        .tiles
        .iter()
        .map(|a| {
            if a.n == 0 {
                return Tile::default();
            }
            let n = a.n as f64;
            let mean_lap = a.lap as f64 / n;
            let var_lap = (a.lap2 as f64 / n - mean_lap * mean_lap).max(0.0) * scale2;
            let mean = a.pix as f64 / n;
            let contrast = ((a.pix2 as f64 / n - mean * mean).max(0.0) * scale2).sqrt();
            let t = Tile {
                laplacian_var: var_lap as f32,
                gradient_energy: ((a.dx2 + a.dy2) as f64 / n * scale2) as f32,
                contrast: contrast as f32,
            };
            if t.contrast >= opts.min_contrast {
                for (d, v) in dir.iter_mut().zip([a.dx2, a.dy2, a.d1_2, a.d2_2]) {
                    *d += v as f64;
                }
            }
            t
        })
        .collect();
    summarise(TileGrid { tile: sums.tile, cols: sums.cols, rows: sums.rows, tiles }, dir, opts)
}

fn summarise(grid: TileGrid, dir: [f64; 4], opts: &SharpnessOptions) -> Sharpness {
    let n = grid.tiles.len().max(1) as f32;
    let mut scores: Vec<f32> = grid.tiles.iter().map(|t| t.laplacian_var).collect();
    scores.sort_by(f32::total_cmp);
    let pick = |q: f32| scores.get(((scores.len() as f32 - 1.0) * q).round() as usize).copied().unwrap_or(0.0);
    let in_focus = grid.tiles.iter().filter(|t| t.laplacian_var >= opts.in_focus).count();
    let detailed = grid.tiles.iter().filter(|t| t.contrast >= opts.min_contrast).count();
    let in_focus_detailed =
        grid.tiles.iter().filter(|t| t.contrast >= opts.min_contrast && t.laplacian_var >= opts.in_focus).count();
    // Anisotropy: the stronger of the axial (dx vs dy) and diagonal (d1 vs d2) imbalances.
    let ratio = |a: f64, b: f64| if a + b > 0.0 { ((a - b).abs() / (a + b)) as f32 } else { 0.0 };
    let axial = ratio(dir[0], dir[1]);
    let diagonal = ratio(dir[2], dir[3]);
    let anisotropy = axial.max(diagonal);
    let sharpest = scores.last().copied().unwrap_or(0.0);
    // Motion blur leaves edges parallel to the motion sharp, so a strongly one-directional
    // image is a motion hint even when some tiles pass the focus threshold. Caveat: a sharp
    // photo of one-directional structure (blinds, stripes) looks the same; it is a hint.
    let blur_hint = if anisotropy >= 0.4 {
        // Motion along x removes x-gradients: the direction with the least energy is the motion.
        let angle_deg = if axial >= diagonal {
            if dir[0] < dir[1] { 0 } else { 90 }
        } else if dir[2] < dir[3] {
            45 // d1 = down-right neighbour
        } else {
            135
        };
        BlurHint::Motion { angle_deg }
    } else if sharpest >= opts.in_focus {
        BlurHint::Sharp
    } else {
        BlurHint::Defocus
    };
    Sharpness {
        sharpest,
        p90: pick(0.9),
        median: pick(0.5),
        in_focus_fraction: in_focus as f32 / n,
        detailed_fraction: detailed as f32 / n,
        in_focus_fraction_of_detailed: if detailed > 0 { in_focus_detailed as f32 / detailed as f32 } else { 0.0 },
        anisotropy,
        blur_hint,
        grid,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checker(w: u32, h: u32, period: u32) -> Raster {
        let v = (0..h)
            .flat_map(|y| (0..w).map(move |x| if (x / period + y / period).is_multiple_of(2) { 40 } else { 200 }))
            .collect();
        Raster::new_u8(w, h, 1, v)
    }

    #[test]
    fn flat_image_has_no_focus_and_no_detail() {
        let s = measure(&Raster::new_u8(256, 256, 1, vec![137; 256 * 256]), &SharpnessOptions::default());
        assert_eq!((s.grid.cols, s.grid.rows), (2, 2));
        assert_eq!(s.sharpest, 0.0);
        assert_eq!(s.detailed_fraction, 0.0);
    }

    #[test]
    fn eight_and_sixteen_bit_agree() {
        let a = checker(256, 256, 4);
        let Samples::U8(v) = &a.samples else { unreachable!() };
        let b = Raster::new_u16(256, 256, 1, 65535, v.iter().map(|&x| x as u16 * 257).collect());
        let (sa, sb) = (measure(&a, &Default::default()), measure(&b, &Default::default()));
        assert!((sa.sharpest - sb.sharpest).abs() / sa.sharpest < 1e-3, "{} vs {}", sa.sharpest, sb.sharpest);
        assert_eq!(sa.in_focus_fraction, 1.0);
    }
}
