//! The CLI proper (native only; see `main.rs`).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use preflight::brief::Brief;
use preflight::detectors::{Detectors, MODELS_DIR};
use preflight::report::{Report, Verdict};
use preflight::source::FileSource;
use preflight::{Context, check};

const DEFAULT_BRIEF: &str = include_str!("../../../briefs/default.json");

const USAGE: &str = "\
preflight — check photos against a buyer's brief, locally.

USAGE:
    preflight check [--brief FILE] [--taxonomy FILE] [--json] [--manifest FILE.csv|.json]... [--models DIR]
                    [--jobs N] PATH...
    preflight clean --out DIR [--brief FILE] [--suffix S] [--blur faces,plates] [--models DIR] PATH...
    preflight brief FILE [--taxonomy FILE]

COMMANDS:
    check    Check files (folders are read recursively) and print one report per file:
             a readable table, or with --json a JSON array of reports.
    clean    Write clean copies (NAME.clean.jpg, into --out): the metadata the brief forbids
             removed (GPS, place names, serial numbers, the photographer's name and contacts,
             camera owner, XMP history; always thumbnails and maker notes), what it requires or
             recommends kept; JPEG, PNG, WebP, HEIC and AVIF, losslessly. --blur faces,plates
             also blurs what the detectors find (JPEG, re-encoded). Prints what was removed.
    brief    Validate a brief and print what it asks for.

OPTIONS:
    --brief FILE   The brief to check against (default: the built-in general brief).
    --taxonomy F   The buyer's taxonomy as its own file (a JSON tree or list of paths, or one
                   `a > b > c` path per line): the brief's `labels.taxonomy` (see the brief format).
    --json         Print reports as a JSON array (the same JSON the browser produces).
    --manifest F   Also write the batch manifest: one row per file, every check's verdict and
                   measured value; JSON if F ends in .json, else CSV (the same files the page
                   saves). Repeat to write both.
    --models DIR   Face and licence-plate models (yunet.onnx; textdet.onnx, textrec.onnx),
                   for briefs with `faces` / `plates` rules (default: ./models, else a models/
                   folder next to the executable or above it; `node scripts/models.mjs` fetches
                   them).
    --out DIR      (clean) The folder the copies go to.
    --suffix S     (clean) What a copy's name adds before the extension (default `.clean`:
                   photo.jpg → photo.clean.jpg; `--suffix \"\"` keeps the names).
    --blur LIST    (clean) faces, plates or faces,plates: blur them (needs --features detect).
    --jobs N       Files checked in parallel (default: number of cores).
    -h, --help     Print this help.
    -V, --version  Print the version.

EXIT STATUS:
    0 nothing fails, 1 a check fails or a file cannot be read, 2 usage error.

In folders, hidden files and sidecars (.xmp, .json, .txt, .csv, .md) are skipped; files named
explicitly are always checked.
";

pub fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("preflight: {msg}");
            eprintln!("Run `preflight --help` for usage.");
            ExitCode::from(2)
        }
    }
}

struct CheckArgs {
    brief: Option<PathBuf>,
    taxonomy: Option<PathBuf>,
    json: bool,
    manifests: Vec<PathBuf>,
    models: Option<PathBuf>,
    jobs: Option<usize>,
    paths: Vec<PathBuf>,
}

fn run() -> Result<ExitCode, String> {
    use lexopt::prelude::*;
    let mut parser = lexopt::Parser::from_env();
    let command = match parser.next().map_err(|e| e.to_string())? {
        Some(Value(v)) => v.string().map_err(|e| e.to_string())?,
        Some(Short('h') | Long("help")) => {
            print!("{USAGE}");
            return Ok(ExitCode::SUCCESS);
        }
        Some(Short('V') | Long("version")) => {
            println!("preflight {}", env!("CARGO_PKG_VERSION"));
            return Ok(ExitCode::SUCCESS);
        }
        Some(other) => return Err(other.unexpected().to_string()),
        None => return Err("no command given (expected `check`, `clean` or `brief`)".into()),
    };
    match command.as_str() {
        "check" => {
            let mut args = CheckArgs {
                brief: None,
                taxonomy: None,
                json: false,
                manifests: Vec::new(),
                models: None,
                jobs: None,
                paths: Vec::new(),
            };
            while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
                match arg {
                    Long("brief") => args.brief = Some(parser.value().map_err(|e| e.to_string())?.into()),
                    Long("taxonomy") => args.taxonomy = Some(parser.value().map_err(|e| e.to_string())?.into()),
                    Long("json") => args.json = true,
                    Long("manifest") => args.manifests.push(parser.value().map_err(|e| e.to_string())?.into()),
                    Long("models") => args.models = Some(parser.value().map_err(|e| e.to_string())?.into()),
                    Long("jobs") | Short('j') => {
                        let n: usize = parser
                            .value()
                            .map_err(|e| e.to_string())?
                            .parse()
                            .map_err(|e: lexopt::Error| e.to_string())?;
                        args.jobs = Some(n.max(1));
                    }
                    Short('h') | Long("help") => {
                        print!("{USAGE}");
                        return Ok(ExitCode::SUCCESS);
                    }
                    Value(v) => args.paths.push(v.into()),
                    other => return Err(other.unexpected().to_string()),
                }
            }
            check_command(args)
        }
        "clean" => {
            let mut args = crate::clean::CleanArgs {
                brief: None,
                blur_faces: false,
                blur_plates: false,
                models: None,
                out: None,
                suffix: ".clean".into(),
                paths: Vec::new(),
            };
            while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
                match arg {
                    Long("brief") => args.brief = Some(parser.value().map_err(|e| e.to_string())?.into()),
                    Long("out") => args.out = Some(parser.value().map_err(|e| e.to_string())?.into()),
                    Long("suffix") => args.suffix = parser.value().map_err(|e| e.to_string())?.to_string_lossy().into(),
                    Long("models") => args.models = Some(parser.value().map_err(|e| e.to_string())?.into()),
                    Long("blur") => {
                        let v = parser.value().map_err(|e| e.to_string())?;
                        crate::clean::parse_blur(&v.to_string_lossy(), &mut args)?;
                    }
                    Short('h') | Long("help") => {
                        print!("{USAGE}");
                        return Ok(ExitCode::SUCCESS);
                    }
                    Value(v) => args.paths.push(v.into()),
                    other => return Err(other.unexpected().to_string()),
                }
            }
            crate::clean::command(args)
        }
        "brief" => {
            let (mut file, mut taxonomy): (Option<PathBuf>, Option<PathBuf>) = (None, None);
            while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
                match arg {
                    Long("taxonomy") => taxonomy = Some(parser.value().map_err(|e| e.to_string())?.into()),
                    Value(v) if file.is_none() => file = Some(v.into()),
                    other => return Err(other.unexpected().to_string()),
                }
            }
            let file = file.ok_or("`brief` needs a FILE")?;
            let brief = load_brief(Some(&file), taxonomy.as_deref())?;
            // A closed pipe (`| head`) is not an error worth a panic.
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{}: valid brief \"{}\"", file.display(), brief.name);
            if let Some(d) = &brief.description {
                let _ = writeln!(out, "{d}");
            }
            Ok(ExitCode::SUCCESS)
        }
        other => Err(format!("unknown command `{other}` (expected `check`, `clean` or `brief`)")),
    }
}

pub(crate) fn load_brief(path: Option<&Path>, taxonomy: Option<&Path>) -> Result<Brief, String> {
    let (mut text, mut label) = match path {
        Some(p) => (
            std::fs::read_to_string(p).map_err(|e| format!("cannot read brief {}: {e}", p.display()))?,
            p.display().to_string(),
        ),
        None => (DEFAULT_BRIEF.to_string(), "built-in default brief".to_string()),
    };
    let parsed = match taxonomy {
        Some(t) => {
            let tax = std::fs::read_to_string(t).map_err(|e| format!("cannot read taxonomy {}: {e}", t.display()))?;
            let name = t.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            label = format!("{label} with taxonomy {}", t.display());
            preflight::brief::taxonomy::with_taxonomy(&text, &tax, &name).map(|merged| text = merged)
        }
        None => Ok(()),
    };
    parsed.and_then(|()| Brief::parse(&text)).map_err(|errors| {
        let mut msg = format!(
            "{label} is not a valid brief ({} problem{}):",
            errors.len(),
            if errors.len() == 1 { "" } else { "s" }
        );
        for e in errors {
            msg.push_str(&format!("\n  - {e}"));
        }
        msg
    })
}

/// Expands folders recursively (sorted, so output order is stable).
pub(crate) fn collect_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .map_err(|e| format!("cannot read folder {}: {e}", dir.display()))?
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .collect();
        entries.sort();
        for p in entries {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if name.starts_with('.') {
                continue;
            }
            if p.is_dir() {
                walk(&p, out)?;
            } else if !is_sidecar(&p) {
                out.push(p);
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            walk(p, &mut out)?;
        } else if p.exists() {
            out.push(p.clone());
        } else {
            return Err(format!("{}: no such file or folder", p.display()));
        }
    }
    Ok(out)
}

fn is_sidecar(p: &Path) -> bool {
    let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    matches!(ext.as_str(), "xmp" | "json" | "txt" | "csv" | "md")
}

/// The models folder: `--models`, else `./models` (a checkout's setup folder), else the first
/// `models/` next to the executable or in one of its parent folders (`target/release/preflight`
/// inside a checkout finds the checkout's). Falls back to `./models`, whose absence the `faces` /
/// `plates` findings then explain.
pub(crate) fn models_dir(given: Option<PathBuf>) -> PathBuf {
    if let Some(dir) = given {
        return dir;
    }
    let here = PathBuf::from(MODELS_DIR);
    if here.is_dir() {
        return here;
    }
    let exe = std::env::current_exe().ok();
    exe.iter()
        .flat_map(|e| e.ancestors().skip(1).take(4))
        .map(|d| d.join(MODELS_DIR))
        .find(|d| d.is_dir())
        .unwrap_or(here)
}

fn now_unix_s() -> Option<i64> {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).ok().map(|d| d.as_secs() as i64)
}

fn check_one(path: &Path, brief: &Brief, ctx: &Context<'_>) -> Report {
    let name = path.to_string_lossy().into_owned();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match FileSource::open(path) {
        Ok(mut src) => check(&mut src, &name, brief, ctx).0,
        Err(e) => Report::unreadable(&name, 0, format!("Could not open this file: {e}.")),
    }));
    result.unwrap_or_else(|panic| {
        let why = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown".into());
        let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        Report::unreadable(
            &name,
            size,
            format!("preflight hit an internal error on this file ({why}); please report it with the file."),
        )
    })
}

fn check_command(args: CheckArgs) -> Result<ExitCode, String> {
    if args.paths.is_empty() {
        return Err("`check` needs at least one PATH (a file or a folder)".into());
    }
    let brief = load_brief(args.brief.as_deref(), args.taxonomy.as_deref())?;
    let files = collect_files(&args.paths)?;
    // Models load on the first file whose brief asks for faces or plates (never otherwise).
    let detectors = Detectors::from_dir(models_dir(args.models.clone()));
    let ctx = Context { now_unix_s: now_unix_s(), detectors: Some(&detectors) };
    let jobs = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1))
        .min(files.len().max(1));

    // A shared queue; results land in input order.
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Report>>> = Mutex::new(vec![None; files.len()]);
    std::thread::scope(|s| {
        for _ in 0..jobs {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(path) = files.get(i) else { break };
                    let report = check_one(path, &brief, &ctx);
                    results.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(report);
                }
            });
        }
    });
    let mut reports: Vec<Report> = results
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .map(|r| r.expect("every file checked"))
        .collect();
    // Duplicates and series: over all files, from their fingerprints and metadata.
    if brief.rules.batch.any() {
        let outcome = preflight::batch::run(&brief.rules.batch, &preflight::batch::items(&reports));
        preflight::batch::apply(&outcome, &mut reports);
    }

    for path in &args.manifests {
        let json = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"));
        let text = if json { preflight::manifest::to_json(&reports) } else { preflight::manifest::to_csv(&reports) };
        std::fs::write(path, text).map_err(|e| format!("cannot write manifest {}: {e}", path.display()))?;
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.json {
        let json = serde_json::to_string_pretty(&reports).expect("reports serialise");
        let _ = writeln!(out, "{json}");
    } else {
        let color = stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none();
        print_table(&mut out, &reports, &brief, color);
    }
    let worst = reports.iter().map(|r| r.verdict).max().unwrap_or(Verdict::Pass);
    Ok(if worst >= Verdict::Fail { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn paint(s: &str, v: Verdict, color: bool) -> String {
    if !color {
        return s.to_string();
    }
    let code = match v {
        Verdict::Pass => "32",
        Verdict::Warn => "33",
        Verdict::Fail => "31",
        Verdict::Error => "35",
    };
    format!("\x1b[{code}m{s}\x1b[0m")
}

fn icon(v: Verdict) -> &'static str {
    match v {
        Verdict::Pass => "✓",
        Verdict::Warn => "!",
        Verdict::Fail => "✕",
        Verdict::Error => "⚠",
    }
}

fn print_table(out: &mut impl Write, reports: &[Report], brief: &Brief, color: bool) {
    let _ = writeln!(out, "Brief: {}\n", brief.name);
    for r in reports {
        let label = format!("{:<5}", r.verdict.as_str().to_uppercase());
        let mut line = format!("{} {}", paint(&label, r.verdict, color), r.file);
        let mut facts = Vec::new();
        if let Some(f) = &r.format {
            facts.push(f.clone());
        }
        if let (Some(w), Some(h)) = (r.width, r.height) {
            facts.push(format!("{w}×{h}"));
        }
        if let Some(mp) = r.megapixels {
            facts.push(format!("{mp:.1} MP"));
        }
        if let Some(b) = r.bit_depth {
            facts.push(format!("{b}-bit"));
        }
        if !facts.is_empty() {
            line.push_str(&format!("  ({})", facts.join(", ")));
        }
        let _ = writeln!(out, "{line}");
        let passed = r.findings.iter().filter(|f| f.verdict == Verdict::Pass).count();
        for f in r.findings.iter().filter(|f| f.verdict != Verdict::Pass) {
            let mut detail = String::new();
            if let Some(m) = &f.measured {
                detail.push_str(&format!(" [measured: {m}"));
                if let Some(e) = &f.expected {
                    detail.push_str(&format!("; expected: {e}"));
                }
                detail.push(']');
            }
            let _ = writeln!(
                out,
                "      {} {}: {}{}",
                paint(icon(f.verdict), f.verdict, color),
                f.check,
                f.message,
                detail
            );
        }
        if passed > 0 {
            let _ = writeln!(
                out,
                "      {} {passed} check{} passed",
                paint(icon(Verdict::Pass), Verdict::Pass, color),
                if passed == 1 { "" } else { "s" }
            );
        }
    }
    let count = |v: Verdict| reports.iter().filter(|r| r.verdict == v).count();
    let _ = writeln!(
        out,
        "\n{} file{}: {} pass, {} warn, {} fail, {} error",
        reports.len(),
        if reports.len() == 1 { "" } else { "s" },
        count(Verdict::Pass),
        count(Verdict::Warn),
        count(Verdict::Fail),
        count(Verdict::Error)
    );
}
