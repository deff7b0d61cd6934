//! Times the detectors' area resize (`detect::prepare::resize`) on a random 24 MP image: the
//! working copy (→ 2048), a small whole pass (→ 640) and two tile crops. Prints the best of five
//! runs per case and a checksum (changes when the output does).
//! `cargo run --release --features detect --example resize-bench`
use preflight::detect::Rgb;
use preflight::detect::prepare::{Region, resize};
use std::time::Instant;
fn main() {
    let (w, h) = (6000u32, 4000u32);
    let mut data = vec![0u8; (w * h * 3) as usize];
    let mut s = 12345u32;
    for v in data.iter_mut() {
        s = s.wrapping_mul(1664525).wrapping_add(1013904223);
        *v = (s >> 24) as u8;
    }
    let img = Rgb::new(w, h, data);
    let cases: [(&str, Region, u32, u32); 4] = [
        ("24MP->2048", Region::whole(&img), 2048, 1365),
        ("24MP->640", Region::whole(&img), 640, 427),
        ("1024 crop->960", Region { x: 100, y: 100, w: 1024, h: 1024 }, 960, 960),
        ("3000 crop->1000", Region { x: 0, y: 0, w: 3000, h: 3000 }, 1000, 1000),
    ];
    let mut sum = 0u64;
    for (name, r, ow, oh) in cases {
        let mut best = f64::MAX;
        for _ in 0..5 {
            let t = Instant::now();
            let o = resize(&img, r, ow, oh);
            best = best.min(t.elapsed().as_secs_f64() * 1e3);
            sum += o.iter().map(|&v| v as u64).sum::<u64>();
        }
        println!("{name}: {best:.1} ms");
    }
    println!("checksum {sum}");
}
