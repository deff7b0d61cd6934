//! preflight's ONNX interpreter against tract, natively, per network (warm runs, median of 5)
//! with a per-operator profile of ours:
//! `cargo run --release --features detect --example nn-bench [photo]`.
use std::time::{Duration, Instant};

use preflight::detect::decode_rgb;
use preflight::detect::prepare::{Layout, Region, prepare};

#[path = "../tests/common/tract.rs"]
mod tract;
use preflight::nn::{Model, Tensor};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let photo = std::env::args().nth(1).unwrap_or_else(|| "../shared/corpus/plates/alpr__AYO9034.jpg".into());
    let img = decode_rgb(&std::fs::read(&photo).unwrap(), 50_000_000).unwrap();
    let verifier = preflight::detect::textplates::VERIFIER_ONNX.to_vec();
    let cases: [(&str, u32, u32, Layout); 5] = [
        ("yunet.onnx", 640, 480, Layout::Bgr255),
        ("clp_det.onnx", 640, 480, Layout::BgrMinusMean([104.0, 117.0, 123.0])),
        ("textdet.onnx", 960, 720, Layout::RgbCentered),
        ("textrec.onnx", 320, 48, Layout::BgrCentered),
        ("plate_verifier.onnx", 96, 32, Layout::RgbCentered),
    ];
    for (file, w, h, layout) in cases {
        let bytes = if file == "plate_verifier.onnx" {
            verifier.clone()
        } else {
            std::fs::read(format!("models/{file}")).unwrap()
        };
        let p = prepare(&img, Region::whole(&img), w, h, layout);
        let input = || Tensor::f32(vec![1, 3, p.height as usize, p.width as usize], p.data.clone());
        let ours = Model::from_onnx(&bytes).unwrap();
        let mut prof = Vec::new();
        ours.run(vec![input()]).unwrap();
        let to = median(
            (0..5)
                .map(|_| {
                    let t = Instant::now();
                    ours.run_profiled(vec![input()], Some(&mut prof)).unwrap();
                    t.elapsed()
                })
                .collect(),
        );
        let skip_tract = std::env::var_os("NO_TRACT").is_some();
        let shape = [1, 3, p.height as usize, p.width as usize];
        let tt = if skip_tract {
            Duration::ZERO
        } else {
            let tract = tract::Tract::new(&bytes, &shape);
            tract.run(&p.data);
            median(
                (0..5)
                    .map(|_| {
                        let t = Instant::now();
                        tract.run(&p.data);
                        t.elapsed()
                    })
                    .collect(),
            )
        };
        println!(
            "{file:22} {}×{}: tract {:7.1} ms, ours {:7.1} ms (×{:.2})",
            p.width,
            p.height,
            tt.as_secs_f64() * 1e3,
            to.as_secs_f64() * 1e3,
            to.as_secs_f64() / tt.as_secs_f64()
        );
        prof.sort_by(|a, b| b.1.cmp(&a.1));
        let total: Duration = prof.iter().map(|p| p.1).sum();
        let top: Vec<String> = prof
            .iter()
            .take(14)
            .map(|(k, d)| format!("{k} {:.0}%", 100.0 * d.as_secs_f64() / total.as_secs_f64()))
            .collect();
        println!("    {}", top.join(", "));
    }
}
