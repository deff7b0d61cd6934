//! Face and plate detection accuracy on the shared corpus, and detection timings.
//!
//! ```text
//! cargo run --release --features detect --bin accuracy -- [--corpus DIR] [--models DIR]
//!     [--thorough] [--face-threshold X] [--plate-threshold X] [--face-sides 640,1024]
//!     [--plate-sides 320,640] [--face-upscale X] [--plate-upscale X] [--face-tile-threshold X]
//!     [--plate-tile-threshold X] [--face-min PX] [--face-tiles PX] [--plate-tiles PX] [--boxes]
//!     [--bench] [--plate-bench DIR [--half tune|report|all]] [--plates clp|text|read]
//! ```
//!
//! Both detectors run on every image of `faces/` and `plates/`; each image is scored against its
//! `faces` and `plates` columns in `labels.csv`. Per image it prints predicted vs labelled counts
//! and the detection time (decode excluded); then, for faces and for plates: exact-match rate,
//! recall Σmin(pred,label)/Σlabel and precision Σmin(pred,label)/Σpred, and the detections on
//! images labelled 0. "strict" uses the count column; "ranged" lets a debatable image
//! (`faces_range=a-b` in its notes) count any prediction inside [a, b] as right.
//!
//! `--bench` instead times detection on synthetic photos (a corpus photo enlarged to 12 and
//! 24 MP): the first call on each size and the median of three warm calls.
//!
//! `--plate-bench DIR` instead runs the plate detector on a plate benchmark (../shared/plates:
//! `labels.csv` with `file, region, x, y, w, h`, one labelled plate per photo) and prints recall
//! and precision at IoU ≥ 0.3 per region and per plate-width band, for the tune half (every
//! other photo of each region, from the first; thresholds were chosen on it), the report half
//! (the rest; never used for choices) or all — the same split and matching as
//! train/plates/pipeline.py. The benchmark labels one plate per photo; the readable plates of
//! second cars that any detector has hit are listed, drawn by eye, in
//! train/plates/second-plates.csv. A detection on one is printed as `2nd` and counted neither
//! way: "precision" counts it as a false positive (strict, as the benchmark is labelled), "fair"
//! does not.
//!
//! `--lines IMAGE` (with `--plates text|read`) prints every text line the plate detector finds in
//! one image: box, text score, plate score and, with the reader, what it reads.
//!
//! `--plates read` (the default) measures the plate detector the checks use
//! (`detect::textplates`: text detector, our verifier, the text reader's vetoes); `--plates text`
//! the same without the reader; `--plates clp` the former detector `clp_det`, kept as a
//! yardstick.

use std::path::{Path, PathBuf};
use std::time::Instant;

use preflight::detect::nms::iou;
use preflight::detect::ocr::TextReader;
use preflight::detect::schedule::Schedule;
use preflight::detect::textplates::not_a_plate;
use preflight::detect::{
    DetectError, Detection, Detector, Effort, PlateDetector, Rgb, TextPlateDetector, YuNet, decode_rgb,
};

/// The plate detector measured: the shipped text-line detector (`--plates read`, or `text`
/// without its reader), or the former `clp_det` (`--plates clp`).
enum Plates {
    Clp(PlateDetector),
    Text(TextPlateDetector),
}

impl Plates {
    fn config(&mut self) -> &mut Schedule {
        match self {
            Plates::Clp(d) => &mut d.config,
            Plates::Text(d) => &mut d.config,
        }
    }
}

impl Detector for Plates {
    fn kind(&self) -> &'static str {
        "licence plate"
    }

    fn detect(&mut self, img: &Rgb, effort: Effort) -> Result<Vec<Detection>, DetectError> {
        match self {
            Plates::Clp(d) => d.detect(img, effort),
            Plates::Text(d) => d.detect(img, effort),
        }
    }
}

struct Row {
    file: String,
    faces: u32,
    plates: u32,
    faces_range: (u32, u32),
    plates_range: (u32, u32),
}

fn range(notes: &str, key: &str, exact: u32) -> (u32, u32) {
    let Some(i) = notes.find(key) else { return (exact, exact) };
    let rest = &notes[i + key.len()..];
    let spec: String = rest.chars().take_while(|c| c.is_ascii_digit() || *c == '-').collect();
    match spec.split_once('-').map(|(a, b)| (a.parse(), b.parse())) {
        Some((Ok(a), Ok(b))) => (a, b),
        _ => (exact, exact),
    }
}

fn labels(corpus: &Path) -> Vec<Row> {
    let text = std::fs::read_to_string(corpus.join("labels.csv"))
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", corpus.join("labels.csv").display()));
    let rows = preflight::csv::parse(&text);
    let head = &rows[0];
    let col =
        |name: &str| head.iter().position(|h| h == name).unwrap_or_else(|| panic!("labels.csv: no {name} column"));
    let (cf, cfa, cpl, cn, cc) = (col("file"), col("faces"), col("plates"), col("notes"), col("category"));
    rows[1..]
        .iter()
        .filter(|r| r.len() > cc && (r[cc] == "faces" || r[cc] == "plates"))
        .map(|r| {
            let faces = r[cfa].parse().unwrap_or(0);
            let plates = r[cpl].parse().unwrap_or(0);
            Row {
                file: r[cf].clone(),
                faces,
                plates,
                faces_range: range(&r[cn], "faces_range=", faces),
                plates_range: range(&r[cn], "plates_range=", plates),
            }
        })
        .collect()
}

#[derive(Default)]
struct Score {
    images: u32,
    exact: u32,
    sum_min: u32,
    sum_label: u32,
    sum_pred: u32,
    neg_images: u32,
    neg_dets: u32,
    neg_images_hit: u32,
}

impl Score {
    fn add(&mut self, pred: u32, label: u32, ok: bool) {
        self.images += 1;
        self.exact += ok as u32;
        self.sum_min += pred.min(label);
        self.sum_label += label;
        self.sum_pred += pred;
        if label == 0 {
            self.neg_images += 1;
            self.neg_dets += pred;
            self.neg_images_hit += (pred > 0) as u32;
        }
    }
    fn line(&self, what: &str) -> String {
        let ratio = |a: u32, b: u32| if b == 0 { 1.0 } else { a as f64 / b as f64 };
        format!(
            "{what:<16} exact {}/{} = {:.2}   recall {}/{} = {:.3}   precision {}/{} = {:.3}   on images labelled 0: {} detections in {} of {} images",
            self.exact,
            self.images,
            ratio(self.exact, self.images),
            self.sum_min,
            self.sum_label,
            ratio(self.sum_min, self.sum_label),
            self.sum_min,
            self.sum_pred,
            ratio(self.sum_min, self.sum_pred),
            self.neg_dets,
            self.neg_images_hit,
            self.neg_images
        )
    }
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e3
}

fn main() {
    let mut corpus = PathBuf::from(std::env::var("PREFLIGHT_CORPUS").unwrap_or_else(|_| "../shared/corpus".into()));
    let mut models = PathBuf::from(preflight::detect::MODELS_DIR);
    let mut effort = Effort::Normal;
    let (mut face_thr, mut plate_thr, mut face_sides, mut plate_sides) = (None, None, None, None);
    let (mut boxes, mut bench) = (false, false);
    let (mut plate_bench, mut half) = (None::<PathBuf>, "all".to_string());
    let mut plates_kind = "read".to_string();
    let mut lines_of = None::<PathBuf>;
    let mut sets: Vec<(&str, String)> = Vec::new();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut it = args.iter();
    let sides = |s: &str| s.split(',').map(|v| v.parse::<u32>().expect("side")).collect::<Vec<_>>();
    while let Some(a) = it.next() {
        let mut val = || it.next().unwrap_or_else(|| panic!("{a} needs a value")).clone();
        match a.as_str() {
            "--corpus" => corpus = val().into(),
            "--models" => models = val().into(),
            "--thorough" => effort = Effort::Thorough,
            "--face-threshold" => face_thr = Some(val().parse::<f32>().expect("threshold")),
            "--plate-threshold" => plate_thr = Some(val().parse::<f32>().expect("threshold")),
            "--face-sides" => face_sides = Some(sides(&val())),
            "--plate-sides" => plate_sides = Some(sides(&val())),
            "--face-upscale" => sets.push(("fu", val())),
            "--plate-upscale" => sets.push(("pu", val())),
            "--face-tile-threshold" => sets.push(("ft", val())),
            "--plate-tile-threshold" => sets.push(("pt", val())),
            "--face-min" => sets.push(("fm", val())),
            "--face-tiles" => sets.push(("ftile", val())),
            "--plate-tiles" => sets.push(("ptile", val())),
            "--boxes" => boxes = true,
            "--bench" => bench = true,
            "--plate-bench" => plate_bench = Some(val().into()),
            "--half" => half = val(),
            "--lines" => lines_of = Some(PathBuf::from(val())),
            "--plates" => plates_kind = val(),
            other => panic!("unknown argument {other}"),
        }
    }
    let load = Instant::now();
    let mut faces = YuNet::from_file(&models.join(preflight::detect::FACE_MODEL_FILE)).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(2)
    });
    let loaded = match plates_kind.as_str() {
        "clp" => PlateDetector::from_file(&models.join(preflight::detect::PLATE_MODEL_FILE)).map(Plates::Clp),
        "text" => TextPlateDetector::from_file(&models.join(preflight::detect::TEXT_MODEL_FILE)).map(Plates::Text),
        "read" => TextPlateDetector::from_file(&models.join(preflight::detect::TEXT_MODEL_FILE)).and_then(|d| {
            let reader = TextReader::from_file(&models.join(preflight::detect::READER_MODEL_FILE))?;
            Ok(Plates::Text(d.with_reader(reader)))
        }),
        other => panic!("--plates clp|text|read, not {other}"),
    };
    let mut plates = loaded.unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(2)
    });
    println!("models parsed in {:.0} ms", ms(load));
    if let Some(t) = face_thr {
        faces.config.threshold = t;
    }
    if let Some(t) = plate_thr {
        plates.config().threshold = t;
    }
    if let Some(s) = face_sides {
        faces.config.sides = s;
    }
    if let Some(s) = plate_sides {
        plates.config().sides = s;
    }
    for (k, v) in &sets {
        let v: f32 = v.parse().expect("number");
        match *k {
            "fu" => faces.config.max_upscale = v,
            "pu" => plates.config().max_upscale = v,
            "ft" => faces.config.tile_threshold = v,
            "pt" => plates.config().tile_threshold = v,
            "ftile" => faces.config.tile = v as u32,
            "ptile" => plates.config().tile = v as u32,
            _ => faces.config.min_side = v,
        }
    }
    println!("faces: {:?}\nplates: {:?}\neffort: {effort:?}", faces.config, plates.config());
    if let Some(file) = lines_of {
        let Plates::Text(d) = &mut plates else { panic!("--lines needs --plates text or read") };
        print_lines(&file, d);
        return;
    }
    if let Some(dir) = plate_bench {
        run_plate_bench(&dir, &half, &mut plates);
        return;
    }
    if bench {
        run_bench(&corpus, &mut faces, &mut plates, effort);
        return;
    }

    let rows = labels(&corpus);
    let (mut fs, mut fr, mut ps, mut pr) = (Score::default(), Score::default(), Score::default(), Score::default());
    let (mut t_total, mut n) = (0.0, 0);
    println!("\n{:<44} {:>9} {:>9} {:>9} {:>9} {:>8}", "image", "faces", "label", "plates", "label", "ms");
    for row in &rows {
        let bytes = std::fs::read(corpus.join(&row.file)).expect("corpus file");
        let img = decode_rgb(&bytes, 120_000_000).unwrap_or_else(|e| panic!("{}: {e}", row.file));
        // One call per image: the time includes cold caches for new sizes (the corpus has many).
        let t = Instant::now();
        let f = faces.detect(&img, effort).expect("faces");
        let p = plates.detect(&img, effort).expect("plates");
        let el = ms(t);
        t_total += el;
        n += 1;
        let (nf, np) = (f.len() as u32, p.len() as u32);
        let in_range = |v: u32, r: (u32, u32)| v >= r.0 && v <= r.1;
        fs.add(nf, row.faces, nf == row.faces);
        fr.add(nf, nf.clamp(row.faces_range.0, row.faces_range.1), in_range(nf, row.faces_range));
        ps.add(np, row.plates, np == row.plates);
        pr.add(np, np.clamp(row.plates_range.0, row.plates_range.1), in_range(np, row.plates_range));
        let lab = |exact: u32, r: (u32, u32)| if r.0 == r.1 { exact.to_string() } else { format!("{}-{}", r.0, r.1) };
        let mark = |v: u32, r: (u32, u32)| if in_range(v, r) { " " } else { "*" };
        println!(
            "{:<44} {:>8}{} {:>9} {:>8}{} {:>9} {:>8.0}",
            row.file,
            nf,
            mark(nf, row.faces_range),
            lab(row.faces, row.faces_range),
            np,
            mark(np, row.plates_range),
            lab(row.plates, row.plates_range),
            el
        );
        if boxes {
            let show = |d: &Detection| format!("({:.0},{:.0} {:.0}×{:.0} {:.2})", d.x, d.y, d.w, d.h, d.score);
            println!("    faces:  {}", f.iter().map(show).collect::<Vec<_>>().join(" "));
            println!("    plates: {}", p.iter().map(show).collect::<Vec<_>>().join(" "));
        }
    }
    println!("\n(* = outside the labelled count or range)\n");
    println!("{}", fs.line("faces (strict)"));
    println!("{}", fr.line("faces (ranged)"));
    println!("{}", ps.line("plates (strict)"));
    println!("{}", pr.line("plates (ranged)"));
    println!("\nmean detection time (faces + plates, decode excluded): {:.0} ms over {n} images", t_total / n as f64);
}

/// A corpus photo enlarged to `w × h` (bilinear) with a little deterministic noise, so the
/// resize runs on non-flat data.
fn synthetic(src: &Rgb, w: u32, h: u32) -> Rgb {
    let r = preflight::detect::prepare::Region::whole(src);
    let mut data = preflight::detect::prepare::resize(src, r, w, h);
    let mut s: u32 = 0x9e37_79b9;
    for v in data.iter_mut() {
        s ^= s << 13;
        s ^= s >> 17;
        s ^= s << 5;
        *v = v.saturating_add((s & 7) as u8);
    }
    Rgb::new(w, h, data)
}

fn run_bench(corpus: &Path, faces: &mut YuNet, plates: &mut Plates, effort: Effort) {
    let bytes = std::fs::read(corpus.join("faces/facerec__obama_and_biden.jpg")).expect("corpus photo");
    let src = decode_rgb(&bytes, 120_000_000).expect("decode");
    println!(
        "\n{:<26} {:>10} {:>10} {:>10} {:>12} {:>12}",
        "photo", "faces 1st", "plates 1st", "faces", "plates", "total warm"
    );
    for (name, w, h) in [
        ("2000×1428 (corpus)", 0, 0),
        ("12 MP 4000×3000", 4000, 3000),
        ("24 MP 6000×4000", 6000, 4000),
        ("24 MP portrait 4000×6000", 4000, 6000),
    ] {
        let img = if w == 0 { src.clone() } else { synthetic(&src, w, h) };
        // The first call on a new image size (allocator and caches cold), then warm calls.
        let t = Instant::now();
        let nf = faces.detect(&img, effort).expect("faces").len();
        let f1 = ms(t);
        let t = Instant::now();
        let np = plates.detect(&img, effort).expect("plates").len();
        let p1 = ms(t);
        let mut fw = Vec::new();
        let mut pw = Vec::new();
        for _ in 0..3 {
            let t = Instant::now();
            faces.detect(&img, effort).expect("faces");
            fw.push(ms(t));
            let t = Instant::now();
            plates.detect(&img, effort).expect("plates");
            pw.push(ms(t));
        }
        fw.sort_by(f64::total_cmp);
        pw.sort_by(f64::total_cmp);
        println!(
            "{name:<26} {f1:>8.0}ms {p1:>8.0}ms {:>8.0}ms {:>10.0}ms {:>10.0}ms   ({nf} faces, {np} plates)",
            fw[1],
            pw[1],
            fw[1] + pw[1]
        );
    }
}

/// Plate widths (photo pixels) the figures are split by.
const BANDS: [(f32, f32, &str); 4] =
    [(0.0, 40.0, "<40"), (40.0, 80.0, "40-80"), (80.0, 160.0, "80-160"), (160.0, f32::MAX, "160+")];

/// `--lines IMAGE`: every text line of the plate detector's passes with its verifier score and, with
/// the reader, what it reads and whether [`not_a_plate`] vetoes it.
fn print_lines(file: &Path, d: &mut TextPlateDetector) {
    let bytes = std::fs::read(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let img = decode_rgb(&bytes, 120_000_000).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    for pass in d.passes(img.width, img.height, Effort::Normal) {
        println!("pass {}×{} of {:?}", pass.out_w, pass.out_h, pass.region);
        for l in d.text_lines(&img, &pass).expect("text detector") {
            let p = d.plate_probability(&img, &l).expect("verifier");
            let read = match d.reader.as_mut() {
                Some(r) => {
                    let r = r.read(&img, l.x, l.y, l.w, l.h).expect("reader");
                    format!("{:?} {:.2} {}", r.text, r.confidence, not_a_plate(&r).unwrap_or("plate?"))
                }
                None => String::new(),
            };
            println!("  {:5.0} {:5.0} {:4.0}×{:<4.0} text {:.2} plate {:.2} {read}", l.x, l.y, l.w, l.h, l.score, p);
        }
    }
}

/// The second cars' plates of train/plates/second-plates.csv: (file, box).
fn second_plates() -> Vec<(String, Detection)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("train/plates/second-plates.csv");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let rows = preflight::csv::parse(&text);
    rows[1..]
        .iter()
        .filter(|r| r.len() >= 5)
        .map(|r| {
            let num = |i: usize| r[i].parse::<f32>().expect("number");
            (r[0].clone(), Detection { x: num(1), y: num(2), w: num(3), h: num(4), score: 1.0 })
        })
        .collect()
}

fn run_plate_bench(dir: &Path, half: &str, plates: &mut Plates) {
    let text = std::fs::read_to_string(dir.join("labels.csv"))
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.join("labels.csv").display()));
    let rows = preflight::csv::parse(&text);
    let col = |name: &str| rows[0].iter().position(|h| h == name).unwrap_or_else(|| panic!("labels.csv: no {name}"));
    let (cf, cr, cx, cy, cw, ch) = (col("file"), col("region"), col("x"), col("y"), col("w"), col("h"));
    // (region, label width, hit), and the region of every false positive.
    let mut found: Vec<(String, f32, bool)> = Vec::new();
    let mut fps: Vec<String> = Vec::new();
    let mut seen = std::collections::HashMap::<String, usize>::new();
    let mut times = Vec::new();
    let second = second_plates();
    let mut seconds: Vec<String> = Vec::new();
    for r in rows[1..].iter().filter(|r| r.len() > ch) {
        let k = *seen.entry(r[cr].clone()).and_modify(|k| *k += 1).or_insert(0);
        if half != "all" && ((k % 2 == 0) != (half == "tune")) {
            continue;
        }
        let num = |i: usize| r[i].parse::<f32>().expect("number");
        let label = Detection { x: num(cx), y: num(cy), w: num(cw), h: num(ch), score: 1.0 };
        let bytes = std::fs::read(dir.join(&r[cf])).expect("benchmark photo");
        let img = decode_rgb(&bytes, 120_000_000).unwrap_or_else(|e| panic!("{}: {e}", r[cf]));
        let t = Instant::now();
        let mut dets = plates.detect(&img, Effort::Normal).expect("plates");
        times.push(ms(t));
        dets.sort_by(|a, b| b.score.total_cmp(&a.score));
        let mut hit = false;
        for d in &dets {
            if !hit && iou(d, &label) >= 0.3 {
                hit = true;
            } else if second.iter().any(|(f, p)| *f == r[cf] && iou(d, p) >= 0.3) {
                println!("  2nd  {} at {:.0},{:.0} {:.0}×{:.0} (score {:.2})", r[cf], d.x, d.y, d.w, d.h, d.score);
                seconds.push(r[cr].clone());
            } else {
                println!("  fp   {} at {:.0},{:.0} {:.0}×{:.0} (score {:.2})", r[cf], d.x, d.y, d.w, d.h, d.score);
                fps.push(r[cr].clone());
            }
        }
        if !hit {
            println!("  miss {} (plate {} px wide)", r[cf], label.w);
        }
        found.push((r[cr].clone(), label.w, hit));
    }
    let mut groups: Vec<String> = found.iter().map(|f| f.0.clone()).collect();
    groups.sort();
    groups.dedup();
    groups.push("all".into());
    println!("\nplate benchmark {}, half {half}: IoU ≥ 0.3, threshold {}", dir.display(), plates.config().threshold);
    for g in &groups {
        let mine = |f: &&(String, f32, bool)| g == "all" || &f.0 == g;
        let n = found.iter().filter(mine).count();
        let tp = found.iter().filter(mine).filter(|f| f.2).count();
        let fp = fps.iter().filter(|f| g == "all" || *f == g).count();
        let fp2 = fp + seconds.iter().filter(|f| g == "all" || *f == g).count();
        let bands: Vec<String> = BANDS
            .iter()
            .map(|&(lo, hi, _)| {
                let (hits, all) = found
                    .iter()
                    .filter(mine)
                    .filter(|f| f.1 >= lo && f.1 < hi)
                    .fold((0, 0), |(h, a), f| (h + f.2 as usize, a + 1));
                format!("{hits}/{all}")
            })
            .collect();
        println!(
            "  {g:<4} recall {tp:>3}/{n:<3} = {:.3}  precision {:.3} ({fp2} fp), fair {:.3} ({fp})  by width {}: {}",
            tp as f64 / n.max(1) as f64,
            tp as f64 / (tp + fp2).max(1) as f64,
            tp as f64 / (tp + fp).max(1) as f64,
            BANDS.map(|b| b.2).join(" "),
            bands.join(" ")
        );
    }
    times.sort_by(f64::total_cmp);
    if !times.is_empty() {
        println!("  detection time per photo: median {:.0} ms", times[times.len() / 2]);
    }
}
