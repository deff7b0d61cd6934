//! `preflight clean`: writes clean copies (`NAME.clean.EXT` in --out; `--suffix` changes the
//! `.clean`) and prints what was removed.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use preflight::brief::Brief;
use preflight::checks::{faces::FacesRule, plates::PlatesRule};
use preflight::clean::{Cleaned, Region};
use preflight::detectors::Detectors;
use preflight::source::FileSource;
use preflight::{Context, MAX_PIXEL_FILE_BYTES, check};

use crate::cli::{collect_files, load_brief, models_dir};

pub struct CleanArgs {
    pub brief: Option<PathBuf>,
    pub blur_faces: bool,
    pub blur_plates: bool,
    pub models: Option<PathBuf>,
    pub out: Option<PathBuf>,
    /// Added to a copy's name before its extension (`.clean`).
    pub suffix: String,
    pub paths: Vec<PathBuf>,
}

/// `--blur faces,plates` → which to blur.
pub fn parse_blur(v: &str, args: &mut CleanArgs) -> Result<(), String> {
    for item in v.split(',').map(str::trim) {
        match item {
            "faces" => args.blur_faces = true,
            "plates" => args.blur_plates = true,
            other => return Err(format!("--blur takes faces, plates or faces,plates, not `{other}`")),
        }
    }
    Ok(())
}

pub fn command(args: CleanArgs) -> Result<ExitCode, String> {
    let out_dir = args.out.ok_or("`clean` needs --out DIR (where the copies go; originals are never changed)")?;
    if args.paths.is_empty() {
        return Err("`clean` needs at least one PATH (a file or a folder)".into());
    }
    let brief = load_brief(args.brief.as_deref(), None)?;
    let files = collect_files(&args.paths)?;
    let mut names = std::collections::HashSet::new();
    for f in &files {
        let name = f.file_name().unwrap_or_default();
        if !names.insert(name.to_os_string()) {
            return Err(format!(
                "two files are named {}; copies keep their names, so clean them separately",
                name.to_string_lossy()
            ));
        }
        if f.parent().and_then(|p| p.canonicalize().ok()) == out_dir.canonicalize().ok() {
            return Err(format!("--out {} holds the originals; pick another folder", out_dir.display()));
        }
    }
    std::fs::create_dir_all(&out_dir).map_err(|e| format!("cannot create {}: {e}", out_dir.display()))?;

    // Detection runs through the ordinary check, with the rules --blur needs added.
    let mut detect_brief = brief.clone();
    if args.blur_faces && detect_brief.rules.faces.is_none() {
        detect_brief.rules.faces = Some(FacesRule::default());
    }
    if args.blur_plates && detect_brief.rules.plates.is_none() {
        detect_brief.rules.plates = Some(PlatesRule { max: u32::MAX, ..PlatesRule::default() });
    }
    let detectors = Detectors::from_dir(models_dir(args.models));
    let ctx = Context { now_unix_s: None, detectors: Some(&detectors) };

    let mut stdout = std::io::stdout().lock();
    let mut failed = 0;
    for path in &files {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        let target = out_dir.join(preflight::clean::copy_name(&name, &args.suffix));
        match clean_one(path, &brief, &detect_brief, &ctx, args.blur_faces, args.blur_plates) {
            Ok(c) => {
                std::fs::write(&target, &c.bytes).map_err(|e| format!("cannot write {}: {e}", target.display()))?;
                let how = if c.lossless { "lossless: image data copied byte for byte" } else { "re-encoded" };
                let _ = writeln!(stdout, "{} → {} ({how})", path.display(), target.display());
                for r in &c.removed {
                    let _ = writeln!(stdout, "  removed: {r}");
                }
                if c.removed.is_empty() {
                    let _ = writeln!(stdout, "  removed: nothing (no metadata the brief forbids)");
                }
                for n in &c.notes {
                    let _ = writeln!(stdout, "  note: {n}");
                }
            }
            Err(why) => {
                failed += 1;
                let _ = writeln!(stdout, "{}: not copied: {why}", path.display());
            }
        }
    }
    Ok(if failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn clean_one(
    path: &Path,
    brief: &Brief,
    detect_brief: &Brief,
    ctx: &Context<'_>,
    faces: bool,
    plates: bool,
) -> Result<Cleaned, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read it: {e}"))?;
    if meta.len() > MAX_PIXEL_FILE_BYTES {
        return Err(format!("it is larger than {} MB", MAX_PIXEL_FILE_BYTES / 1_000_000));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read it: {e}"))?;
    let mut regions: Vec<Region> = Vec::new();
    if faces || plates {
        let mut src = FileSource::open(path).map_err(|e| format!("cannot read it: {e}"))?;
        let report = check(&mut src, &path.to_string_lossy(), detect_brief, ctx).0;
        for (wanted, id, boxes) in [(faces, "faces", &report.faces), (plates, "plates", &report.plates)] {
            if !wanted {
                continue;
            }
            match boxes {
                Some(b) => regions.extend(b.iter().cloned()),
                None => {
                    let why =
                        report.findings.iter().find(|f| f.check == id).map_or("detection did not run", |f| &f.message);
                    return Err(format!("{id} could not be looked for, so nothing was blurred: {why}"));
                }
            }
        }
    }
    preflight::clean::clean(&bytes, &brief.rules, &regions)
}
