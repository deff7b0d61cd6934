//! Batch-level measures on real photos from the corpus: overlap between frames of a simulated
//! scan (crops of one photo at known offsets), and no false overlap between different photos.

mod common;

use preflight::batch::overlap::{Thumb, shift};
use preflight::pixels::Samples;
use preflight::pixels::decode::{self, DecodeOptions};

/// Luma of every corpus photo of at least 600 × 400 (name, pixels, width, height).
fn photos() -> Vec<(String, Vec<u8>, usize, usize)> {
    let dir = common::corpus_dir();
    let mut out = Vec::new();
    for sub in ["faces", "plates", "metadata"] {
        let mut entries: Vec<_> = std::fs::read_dir(dir.join(sub)).unwrap().flatten().map(|e| e.path()).collect();
        entries.sort();
        for p in entries {
            let Ok(d) = decode::decode(&std::fs::read(&p).unwrap(), &DecodeOptions::default()) else { continue };
            let Samples::U8(v) = d.luma.samples else { continue };
            if d.width >= 600 && d.height >= 400 {
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                out.push((name, v, d.width as usize, d.height as usize));
            }
        }
    }
    out
}

fn crop(v: &[u8], sw: usize, x0: usize, y0: usize, w: usize, h: usize) -> Vec<u8> {
    (0..h).flat_map(|y| v[(y0 + y) * sw + x0..(y0 + y) * sw + x0 + w].to_vec()).collect()
}

#[test]
fn overlap_of_simulated_scan_frames_and_of_unrelated_photos() {
    let photos = photos();
    assert!(photos.len() >= 30, "{} photos", photos.len());
    let (mut checked, mut worst) = (0, 0f32);
    for (name, v, w, h) in &photos {
        // Frames of 60 % × 60 % of the photo; the second moved right (and a little down).
        let (cw, ch) = (w * 6 / 10, h * 6 / 10);
        let a = Thumb::from_grey(&crop(v, *w, 0, 0, cw, ch), cw, ch);
        for step in [0.1f32, 0.25, 0.4] {
            let (dx, dy) = ((cw as f32 * step) as usize, (h - ch) / 3);
            let b = Thumb::from_grey(&crop(v, *w, dx, dy, cw, ch), cw, ch);
            let s = shift(&a, &b).unwrap();
            let want = (1.0 - dx as f32 / cw as f32) * (1.0 - dy as f32 / ch as f32);
            let flat = a.px.iter().max() == a.px.iter().min();
            if flat {
                assert_eq!(s.overlap(), 0.0, "{name}: a flat frame matches nothing");
                continue;
            }
            let err = (s.overlap() - want).abs();
            assert!(err < 0.08, "{name} step {step}: overlap {:.3}, true {want:.3} ({s:?})", s.overlap());
            worst = worst.max(err);
            checked += 1;
        }
    }
    // Different photos: never "overlapping" enough to pass for the next frame of a scan.
    let (mut pairs, mut highest) = (0, 0f32);
    for (i, (ni, vi, wi, _)) in photos.iter().enumerate() {
        for (nj, vj, wj, _) in photos.iter().skip(i + 1).step_by(3) {
            let a = Thumb::from_grey(&crop(vi, *wi, 0, 0, 400, 300), 400, 300);
            let b = Thumb::from_grey(&crop(vj, *wj, 0, 0, 400, 300), 400, 300);
            let o = shift(&a, &b).unwrap().overlap();
            assert!(o < 0.4, "{ni} vs {nj}: overlap {o:.2}");
            highest = highest.max(o);
            pairs += 1;
        }
    }
    println!(
        "{checked} scan pairs within {worst:.3} of the true overlap; {pairs} unrelated pairs, highest {highest:.2}"
    );
}

#[test]
fn checkerboards_are_found_in_photos_and_nowhere_else() {
    use preflight::batch::checkerboard::{detect, draw_board};
    let photos = photos();
    let mut false_positives = Vec::new();
    let mut missed = Vec::new();
    for (i, (name, v, w, h)) in photos.iter().enumerate() {
        let b = detect(v, *w, *h);
        if b.found {
            false_positives.push(format!("{name}: {b:?}"));
        }
        // A board filling a third to a half of the frame, at varying angles.
        let mut g = v.clone();
        let side = (*w.min(h) as f32) / (14.0 + (i % 5) as f32);
        let angle = (i % 7) as f32 * 0.12 - 0.3;
        draw_board(&mut g, *w, *h, (*w as f32 * 0.3, *h as f32 * 0.25), side, (9, 7), angle);
        let b = detect(&g, *w, *h);
        if !b.found {
            missed.push(format!("{name}: {b:?}"));
        }
    }
    println!("{} photos: {} false positives, {} boards missed", photos.len(), false_positives.len(), missed.len());
    assert!(false_positives.is_empty(), "{false_positives:#?}");
    assert!(missed.is_empty(), "{missed:#?}");
}
