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

// ---------------------------------------------------------------------------------------------
// The batch rules end to end, through the CLI on a folder of files made from corpus photos.

fn rgb_of(path: &str) -> (Vec<u8>, usize, usize) {
    let bytes = std::fs::read(common::corpus_dir().join(path)).unwrap();
    let r = decode::jpeg_decoder_scaled(&bytes, None).unwrap();
    let Samples::U8(v) = r.samples else { unreachable!() };
    (v, r.width as usize, r.height as usize)
}

fn jpeg(rgb: &[u8], w: usize, h: usize, q: u8) -> Vec<u8> {
    let mut out = Vec::new();
    jpeg_encoder::Encoder::new(&mut out, q).encode(rgb, w as u16, h as u16, jpeg_encoder::ColorType::Rgb).unwrap();
    out
}

fn crop_rgb(v: &[u8], sw: usize, x0: usize, y0: usize, w: usize, h: usize) -> Vec<u8> {
    (0..h).flat_map(|y| v[((y0 + y) * sw + x0) * 3..((y0 + y) * sw + x0 + w) * 3].to_vec()).collect()
}

/// Runs the CLI with `brief` over `dir`; the reports by file name.
fn cli(brief: &str, dir: &std::path::Path) -> std::collections::BTreeMap<String, serde_json::Value> {
    let brief_path = dir.with_extension("brief.json");
    std::fs::write(&brief_path, brief).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_preflight"))
        .args(["check", "--json", "--brief"])
        .arg(&brief_path)
        .arg(dir)
        .output()
        .unwrap();
    let reports: Vec<serde_json::Value> =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    reports.into_iter().map(|r| (r["file"].as_str().unwrap().rsplit('/').next().unwrap().to_string(), r)).collect()
}

fn finding<'a>(r: &'a serde_json::Value, id: &str) -> Option<&'a serde_json::Value> {
    r["findings"].as_array().unwrap().iter().find(|f| f["check"] == id)
}

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn duplicates_exact_and_near_through_the_cli() {
    let dir = scratch("batch-duplicates");
    let original = std::fs::read(common::corpus_dir().join("faces/darknet__kite.jpg")).unwrap();
    // a: the photo; b: the same bytes with the EXIF segment removed (same pixels); c: re-encoded
    // at another quality; d: half size; e: an unrelated photo.
    let mut stripped = original[..2].to_vec();
    let mut i = 2;
    while i + 4 <= original.len() && original[i] == 0xFF && original[i + 1] != 0xDA {
        let len = u16::from_be_bytes([original[i + 2], original[i + 3]]) as usize;
        if original[i + 1] != 0xE1 {
            stripped.extend_from_slice(&original[i..i + 2 + len]);
        }
        i += 2 + len;
    }
    stripped.extend_from_slice(&original[i..]);
    assert!(stripped.len() < original.len(), "the photo has an APP1 segment to strip");
    let (rgb, w, h) = rgb_of("faces/darknet__kite.jpg");
    let half: Vec<u8> = (0..h / 2)
        .flat_map(|y| (0..w / 2).flat_map(move |x| (0..3).map(move |c| (x, y, c))))
        .map(|(x, y, c)| rgb[((2 * y) * w + 2 * x) * 3 + c])
        .collect();
    std::fs::write(dir.join("a.jpg"), &original).unwrap();
    std::fs::write(dir.join("b.jpg"), &stripped).unwrap();
    std::fs::write(dir.join("c.jpg"), jpeg(&rgb, w, h, 70)).unwrap();
    std::fs::write(dir.join("d.jpg"), jpeg(&half, w / 2, h / 2, 90)).unwrap();
    std::fs::copy(common::corpus_dir().join("faces/dlib__bald_guys.jpg"), dir.join("e.jpg")).unwrap();
    let brief = r#"{"preflight_brief": 1, "name": "dups", "checks": {
        "duplicates": {"exact": "fail", "near": {"max_distance": 10, "max_per_group": 2}}}}"#;
    let r = cli(brief, &dir);
    let v = |f: &str, id: &str| finding(&r[f], id).map(|x| x["verdict"].as_str().unwrap().to_string());
    assert_eq!(v("a.jpg", "duplicates.exact").as_deref(), Some("pass"));
    assert_eq!(v("b.jpg", "duplicates.exact").as_deref(), Some("fail"), "{:#?}", r["b.jpg"]["findings"]);
    assert_eq!(v("c.jpg", "duplicates.exact"), None);
    for f in ["a.jpg", "b.jpg", "c.jpg", "d.jpg"] {
        assert!(v(f, "duplicates.near").is_some(), "{f} is near-identical to the others: {:#?}", r[f]["findings"]);
    }
    // Four near-identical frames, two allowed: two pass, two warn.
    let warned = ["a.jpg", "b.jpg", "c.jpg", "d.jpg"]
        .iter()
        .filter(|f| v(f, "duplicates.near").as_deref() == Some("warn"))
        .count();
    assert_eq!(warned, 2);
    assert_eq!(v("e.jpg", "duplicates.near"), None);
    assert_eq!(v("e.jpg", "duplicates.exact"), None);
}

#[test]
fn a_scan_with_a_gap_and_a_calibration_frame_through_the_cli() {
    let dir = scratch("batch-series");
    let (rgb, w, h) = rgb_of("plates/alpr__car13.jpg");
    // Frames 640 px wide moving right by 200 px (69 % overlap); frame 4 is skipped: a gap.
    let (fw, fh) = (640, h * 8 / 10);
    let mut n = 0;
    for k in 0..6 {
        if k == 4 {
            continue;
        }
        let x0 = (k * 200).min(w - fw);
        std::fs::write(dir.join(format!("frame{n}.jpg")), jpeg(&crop_rgb(&rgb, w, x0, 0, fw, fh), fw, fh, 90)).unwrap();
        n += 1;
    }
    let brief = |calib: bool| {
        format!(
            r#"{{"preflight_brief": 1, "name": "scan", "checks": {{
            "series": {{"overlap": {{"min_percent": 60}}, "order": "name", "calibration_frame": {calib}}}}}}}"#
        )
    };
    let r = cli(&brief(false), &dir);
    let overlap = |f: &str| {
        finding(&r[f], "series.overlap").map(|x| (x["verdict"].as_str().unwrap().to_string(), x["measured"].clone()))
    };
    assert_eq!(overlap("frame0.jpg"), None, "the first frame has no predecessor");
    for f in ["frame1.jpg", "frame2.jpg", "frame3.jpg"] {
        assert_eq!(overlap(f).unwrap().0, "pass", "{f}: {:?}", overlap(f));
    }
    assert_eq!(overlap("frame4.jpg").unwrap().0, "fail", "the gap is at frame4: {:?}", overlap("frame4.jpg"));
    // A calibration series: without a board frame every file fails; with one it passes.
    let r = cli(&brief(true), &dir);
    assert_eq!(finding(&r["frame0.jpg"], "series.calibration").unwrap()["verdict"], "fail");
    let mut board = crop_rgb(&rgb, w, 0, 0, fw, fh);
    let mut grey: Vec<u8> = board.chunks_exact(3).map(|p| p[1]).collect();
    preflight::batch::checkerboard::draw_board(&mut grey, fw, fh, (120.0, 60.0), 36.0, (9, 7), 0.1);
    for (p, g) in board.chunks_exact_mut(3).zip(&grey) {
        p.fill(*g);
    }
    std::fs::write(dir.join("calibration.jpg"), jpeg(&board, fw, fh, 90)).unwrap();
    let r = cli(&brief(true), &dir);
    let c = finding(&r["frame0.jpg"], "series.calibration").unwrap();
    assert_eq!(c["verdict"], "pass", "{c}");
    assert!(c["measured"].as_str().unwrap().contains("calibration.jpg"));
    // The board frame is left out of the overlap chain (it would be a "gap").
    assert_eq!(finding(&r["calibration.jpg"], "series.overlap"), None);
}
