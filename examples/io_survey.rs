fn main() {
    let brief = preflight::brief::Brief::parse("{}").unwrap_or_default();
    let mut tot = (0u64, 0u64);
    for dir in ["metadata", "faces", "plates"] {
        let mut v: Vec<_> = std::fs::read_dir(format!("../shared/corpus/{dir}")).unwrap().map(|e| e.unwrap().path()).collect();
        v.sort();
        for p in v {
            let mut src = preflight::source::FileSource::open(&p).unwrap();
            let (_, io) = preflight::check(&mut src, "x", &brief, &Default::default());
            tot.0 += io.bytes_read; tot.1 += io.file_size;
            if io.bytes_read > 70_000 { println!("{:>9} / {:>9} in {:>3} calls  {}", io.bytes_read, io.file_size, io.read_calls, p.display()); }
        }
    }
    println!("total {} / {} = {:.2}%", tot.0, tot.1, tot.0 as f64 * 100.0 / tot.1 as f64);
}
