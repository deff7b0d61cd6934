//! Keywords against the shared corpus (`../shared/corpus`, or `$PREFLIGHT_CORPUS`), compared
//! with `labels.csv` (ExifTool 12.57): `xmp_dc_subject`, `lr_hierarchical_subject` and
//! `iptc_keywords` (list values joined with ` ;; `), compared as sets. Files where ExifTool found
//! none must yield none. Plus a taxonomy brief end to end through `preflight::check`.

use std::collections::BTreeSet;
use std::path::Path;

mod common;

use common::{corpus_dir, labels};
use preflight::metadata::{self, Metadata};
use preflight::probe;
use preflight::source::{FileSource, Reader};

fn read(path: &Path) -> Metadata {
    let mut src = FileSource::open(path).expect("corpus file opens");
    let mut reader = Reader::new(&mut src);
    let probe = probe::probe(&mut reader).expect("probe");
    metadata::read(&mut reader, &probe)
}

fn set(v: &[String]) -> BTreeSet<String> {
    v.iter().cloned().collect()
}

fn theirs(v: &str) -> BTreeSet<String> {
    v.split(" ;; ").map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect()
}

/// Where ours differs from ExifTool on purpose or for a reason outside this reader, with why.
/// (Empty: every keyword column of the corpus agrees.)
const KNOWN_DIFFERENCES: &[(&str, &str, &str)] = &[];

#[test]
fn keywords_match_exiftool() {
    let dir = corpus_dir();
    let rows = labels(&dir);
    let (mut compared, mut agreed, mut with_keywords) = (0, 0, 0);
    let mut failures = Vec::new();
    for row in &rows {
        let file = &row["file"];
        let m = read(&dir.join(file));
        let ours: [(&str, BTreeSet<String>); 3] = [
            ("xmp_dc_subject", set(&m.sources.xmp_subject)),
            ("lr_hierarchical_subject", set(&m.hierarchical_keywords)),
            ("iptc_keywords", set(&m.sources.iptc_keywords)),
        ];
        let mut any = false;
        for (col, ours) in ours {
            let want = theirs(&row[col]);
            any |= !want.is_empty();
            compared += 1;
            if ours == want {
                agreed += 1;
            } else if let Some((_, _, why)) = KNOWN_DIFFERENCES.iter().find(|(f, c, _)| f == file && *c == col) {
                println!("known difference {file} {col}: {why}");
            } else {
                failures.push(format!("{file} {col}: ours {ours:?}, ExifTool {want:?}"));
            }
        }
        with_keywords += any as usize;
        // The merged list is dc:subject ∪ IPTC, nothing else.
        let union: BTreeSet<String> =
            theirs(&row["xmp_dc_subject"]).union(&theirs(&row["iptc_keywords"])).cloned().collect();
        if set(&m.keywords) != union && !KNOWN_DIFFERENCES.iter().any(|(f, _, _)| f == file) {
            failures.push(format!("{file} keywords: ours {:?}, ExifTool {union:?}", m.keywords));
        }
    }
    println!("{agreed}/{compared} keyword columns agree over {} files ({with_keywords} with keywords)", rows.len());
    assert!(with_keywords >= 6, "the corpus should hold the keyword files");
    assert!(failures.is_empty(), "{} mismatches:\n{}", failures.len(), failures.join("\n"));
}

/// The PNG's IPTC chunk, located by hand here, reads as ExifTool reads it once a probe points at it.
#[test]
fn png_raw_profile_iptc_decodes_once_located() {
    let path = corpus_dir().join("metadata/mei__Issue_280_dotnet_.png");
    let bytes = std::fs::read(&path).unwrap();
    let mut p = 8;
    let mut block = None;
    while p + 8 <= bytes.len() {
        let len = u32::from_be_bytes(bytes[p..p + 4].try_into().unwrap()) as usize;
        let data = &bytes[p + 8..p + 8 + len];
        if &bytes[p + 4..p + 8] == b"zTXt" && data.starts_with(b"Raw profile type iptc\0") {
            block = Some(preflight::probe::Block { offset: (p + 8) as u64, len: len as u64 });
        }
        p += 12 + len;
    }
    let mut src = FileSource::open(&path).unwrap();
    let mut reader = Reader::new(&mut src);
    let mut m = Metadata::default();
    metadata::iptc::read(&mut reader, block.expect("the zTXt chunk"), &mut m);
    assert_eq!(m.sources.iptc_keywords, ["Autumn, tree, le"]);
    assert!(m.warnings.is_empty(), "{:?}", m.warnings);
}

fn check(file: &str, checks: &str) -> preflight::report::Report {
    let brief =
        preflight::brief::Brief::parse(&format!(r#"{{"preflight_brief": 1, "name": "t", "checks": {checks}}}"#))
            .expect("brief parses");
    let mut src = FileSource::open(&corpus_dir().join(file)).unwrap();
    preflight::check(&mut src, file, &brief, &preflight::Context::default()).0
}

fn finding<'r>(r: &'r preflight::report::Report, id: &str) -> &'r preflight::report::Finding {
    r.findings.iter().find(|f| f.check == id).unwrap_or_else(|| panic!("no {id} in {:#?}", r.findings))
}

/// A real Lightroom hierarchy (TIFF, IPTC in tag 33723, XMP in tag 700) through the whole pipeline.
#[test]
fn taxonomy_brief_end_to_end() {
    use preflight::report::Verdict;
    const TIF: &str = "metadata/exifr__tif-with-iptc-icc-xmp.tif";
    let inside = r#"{"labels": {"required_roots": ["Jet2.com_Keywords > Geographic Keywords"], "taxonomy": [
        "Jet2.com_Keywords > Geographic Keywords > Europe > Turkey > DLM_Dalaman > Dalyan",
        "Jet2.com_Keywords > Image Source > Photographer - Gavin Priestley"]}}"#;
    let r = check(TIF, inside);
    for id in ["labels.present", "labels.roots", "labels.taxonomy"] {
        assert_eq!(finding(&r, id).verdict, Verdict::Pass, "{id}: {:#?}", r.findings);
    }
    assert_eq!(r.metadata.hierarchical_keywords.len(), 5);
    assert_eq!(r.metadata.keywords.len(), 8);
    let json = serde_json::to_value(&r).unwrap();
    assert!(json["metadata"]["keywords"].is_array() && json["metadata"].get("title").is_some());
    assert!(json["metadata"].get("sources").is_none());

    // Dalyan is not in this taxonomy: the label is named, with what is allowed there.
    let outside = r#"{"labels": {"min_depth": 4, "taxonomy": {"Jet2.com_Keywords": {
        "Geographic Keywords": {"Europe": {"Turkey": {"DLM_Dalaman": {"Ölüdeniz": {}}}}},
        "Image Source": ["Photographer - Gavin Priestley"]}}}}"#;
    let r = check(TIF, outside);
    let t = finding(&r, "labels.taxonomy");
    assert_eq!(t.verdict, Verdict::Fail);
    assert_eq!(
        t.measured.as_deref(),
        Some("1 of 5 outside: `Jet2.com_Keywords > Geographic Keywords > Europe > Turkey > DLM_Dalaman > Dalyan`")
    );
    assert!(t.message.contains("`Dalyan` is not under `Jet2.com_Keywords > Geographic Keywords > Europe > Turkey > DLM_Dalaman` (allowed: Ölüdeniz)"), "{}", t.message);
    assert_eq!(r.verdict, Verdict::Fail);
    let d = finding(&r, "labels.depth");
    assert_eq!(d.verdict, Verdict::Fail, "the Image Source path is 3 deep");
    assert!(
        d.message.contains("`Jet2.com_Keywords > Image Source > Photographer - Gavin Priestley (3)`"),
        "{}",
        d.message
    );

    // Flat keywords (a compact camera's IPTC/XMP keywords) against a taxonomy.
    let r =
        check("metadata/mei__Canon_Powershot_S90.jpg", r#"{"labels": {"taxonomy": {"place": ["ireland > dublin"]}}}"#);
    let t = finding(&r, "labels.taxonomy");
    assert_eq!((t.verdict, t.measured.as_deref()), (Verdict::Fail, Some("2 of 4 outside: `2012`, `june`")));
    // No keywords at all.
    let r = check("metadata/exifr__issue-exifr-59.jpg", "{}");
    assert!(r.findings.iter().all(|f| !f.check.starts_with("labels")));
}

/// Which corpus files have blocks that disagree (printed with `--nocapture`).
#[test]
fn consistency_on_the_corpus() {
    let dir = corpus_dir();
    let mut flagged = Vec::new();
    for row in labels(&dir) {
        let r = check(&row["file"], "{}");
        if let Some(f) = r.findings.iter().find(|f| f.check == "metadata.consistency") {
            println!("{}: {}", row["file"], f.measured.as_deref().unwrap_or(""));
            flagged.push(row["file"].clone());
        }
    }
    // The Fuji's XMP and IPTC say 2002-06-20 (a date alone) while EXIF says 2002-07-13: a real
    // disagreement (ExifTool reads the same three values). Every other file agrees with itself.
    assert_eq!(flagged, ["metadata/mei__FujiFilm_FinePixS1Pro_1_.jpg"]);
}
