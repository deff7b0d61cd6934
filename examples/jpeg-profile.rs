//! Decodes a JPEG with preflight's decoder N times (for `perf record`).
//! `cargo run --release --example jpeg-profile -- FILE [N]`
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let bytes = std::fs::read(&args[1]).expect("file");
    let n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(10);
    let t = std::time::Instant::now();
    for _ in 0..n {
        let mut rows = 0usize;
        preflight::pixels::jpeg::decode(&bytes, u64::MAX, 1024, &mut |_| rows += 1).unwrap();
    }
    println!("{:.1} ms per decode", t.elapsed().as_secs_f64() * 1e3 / n as f64);
}
