//! Native yardstick for the header-only checks: times `preflight::check` on every file of
//! ../shared/corpus (metadata/, faces/, plates/), warm, and prints one JSON line:
//! `{"files": N, "median_ms": …, "p90_ms": …, "total_ms": …}`.
//! Run: `cargo bench --bench header` (scripts/bench.mjs runs it beside the wasm numbers).

use std::path::PathBuf;
use std::time::Instant;

use preflight::brief::Brief;
use preflight::source::FileSource;

fn main() {
    let corpus = std::env::var("PREFLIGHT_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus")));
    let brief_text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/briefs/default.json")).unwrap();
    let brief = Brief::parse(&brief_text).expect("default brief parses");
    let mut files = Vec::new();
    for dir in ["metadata", "faces", "plates"] {
        let mut entries: Vec<_> = std::fs::read_dir(corpus.join(dir))
            .unwrap_or_else(|e| panic!("corpus folder {}: {e}", corpus.join(dir).display()))
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        files.extend(entries);
    }
    let ctx = preflight::Context { now_unix_s: Some(1_800_000_000), ..Default::default() };
    let mut times = Vec::new();
    let t_all = Instant::now();
    for path in &files {
        // Best of 5 warm runs per file: header checks are sub-millisecond, so noise dominates.
        let mut best = f64::MAX;
        for _ in 0..5 {
            let t = Instant::now();
            let mut src = FileSource::open(path).unwrap();
            let (report, _) = preflight::check(&mut src, &path.to_string_lossy(), &brief, &ctx);
            std::hint::black_box(report);
            best = best.min(t.elapsed().as_secs_f64() * 1e3);
        }
        times.push(best);
    }
    let total = t_all.elapsed().as_secs_f64() * 1e3;
    times.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let q = |p: f64| times[((times.len() - 1) as f64 * p).round() as usize];
    println!(
        "{{\"files\": {}, \"median_ms\": {:.4}, \"p90_ms\": {:.4}, \"max_ms\": {:.4}, \"total_ms\": {:.1}}}",
        times.len(),
        q(0.5),
        q(0.9),
        q(1.0),
        total
    );
}
