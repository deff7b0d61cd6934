//! `privacy` findings on real corpus files that carry identifying metadata (../shared/corpus):
//! each names the exact tag and its value, in every container. (Whether they miss anything is
//! asked of ExifTool in tests/privacy_oracle.rs.)

mod common;

use preflight::report::{Finding, Report, Verdict};

const ALL: &str = r#"{"preflight_brief": 1, "name": "t", "checks": {"privacy": {"forbid":
    ["gps", "location_text", "serial_numbers", "owner", "xmp_history", "thumbnail_mismatch"]}}}"#;

fn check(rel: &str) -> Report {
    let brief = preflight::brief::Brief::parse(ALL).unwrap();
    let mut src = preflight::source::FileSource::open(&common::corpus_dir().join(rel)).unwrap();
    preflight::check(&mut src, rel, &brief, &preflight::Context::default()).0
}

fn finding<'r>(r: &'r Report, id: &str) -> &'r Finding {
    r.findings.iter().find(|f| f.check == id).unwrap_or_else(|| panic!("no {id} in {:#?}", r.findings))
}

fn measured(r: &Report, id: &str) -> String {
    let f = finding(r, id);
    assert_eq!(f.verdict, Verdict::Fail, "{f:?}");
    f.measured.clone().unwrap()
}

#[test]
fn serial_numbers_from_exif_dng_and_maker_notes() {
    let r = check("metadata/exifr__issue-exifr-59.jpg");
    assert_eq!(
        measured(&r, "privacy.serial_numbers"),
        "SerialNumber (0xA431) = 123063022888; LensSerialNumber (0xA435) = 0000129324; \
         XMP aux:SerialNumber = 123063022888; XMP aux:LensSerialNumber = 0000129324"
    );
    let r = check("metadata/exifpy__nikon_z_9_high_efficiency_compressed_dx_cropped_max_overexposed.dng");
    assert!(measured(&r, "privacy.serial_numbers").contains("CameraSerialNumber (0xC62F) = 3020326"));
    let r = check("metadata/mei__Olympus_PEN_E-P3.jpg");
    assert_eq!(
        measured(&r, "privacy.serial_numbers"),
        "Olympus SerialNumber (MakerNotes Equipment 0x0101) = B9U505495; \
         Olympus InternalSerialNumber (MakerNotes Equipment 0x0102) = 4124110012362102; \
         Olympus LensSerialNumber (MakerNotes Equipment 0x0202) = AC1205545"
    );
    let r = check("metadata/exiftool__Nikon.nef");
    assert_eq!(measured(&r, "privacy.serial_numbers"), "Nikon SerialNumber (MakerNotes 0x00A0) = 12345678");
    let r = check("metadata/exiftool__CanonRaw.cr3");
    assert!(measured(&r, "privacy.serial_numbers").starts_with("SerialNumber (0xA431) = 613040000565"));
    // EXIF holds none here, but the XMP does (this said "none" before XMP was read for serials).
    let r = check("metadata/mei__Canon_EOS_7D.jpg");
    assert_eq!(measured(&r, "privacy.serial_numbers"), "XMP aux:SerialNumber = 380319450");
    assert_eq!(finding(&check("faces/skimage__astronaut.png"), "privacy.serial_numbers").verdict, Verdict::Pass);
}

#[test]
fn photographer_camera_owner_place_and_copyright() {
    // "owner" in the brief stands for photographer + camera_owner.
    let r = check("faces/darknet__kite.jpg");
    assert_eq!(
        measured(&r, "privacy.camera_owner"),
        "OwnerName (0xA430) = H. Michael Miley; XMP aux:OwnerName = H. Michael Miley"
    );
    let p = measured(&r, "privacy.photographer");
    for part in [
        "Artist (0x013B) = H. Michael Miley",
        "XMP dc:creator = H. Michael Miley",
        "IPTC By-line (2:80) = H. Michael Miley",
        "XMP Iptc4xmpCore:CreatorContactInfo/CiEmailWork = mike@miley.us",
        "XMP Iptc4xmpCore:CreatorContactInfo/CiAdrCity = Schaumburg",
    ] {
        assert!(p.contains(part), "{part} not in {p}");
    }
    let r = check("metadata/exifr__iptc-agency-photographer-example.jpg");
    let l = measured(&r, "privacy.location_text");
    for part in [
        "IPTC City (2:90) = Washington",
        "XMP photoshop:City = Washington",
        "XMP Iptc4xmpExt:LocationShown/City = Washington",
    ] {
        assert!(l.contains(part), "{part} not in {l}");
    }
    let r = check("metadata/exifr__png_with_exif_and_gps.png");
    assert_eq!(
        measured(&r, "privacy.camera_owner"),
        "OwnerName (0xA430) = Andreas Huggel; Canon OwnerName (MakerNotes 0x0009) = Andreas Huggel"
    );
    let r = check("metadata/mei__sampleWithExifData.png");
    let o = finding(&r, "privacy.photographer");
    assert_eq!(o.verdict, Verdict::Pass, "a copyright notice alone is allowed");
    assert!(
        o.message.contains("Kept (a buyer needs to know whose work it is): Copyright (0x8298) = Acme."),
        "{}",
        o.message
    );
}

#[test]
fn xmp_history_and_the_software_behind_it() {
    let r = check("metadata/exifpy__image01088.jpg");
    assert_eq!(
        measured(&r, "privacy.xmp_history"),
        "xmpMM:History = 8 events, stEvt:softwareAgent: Adobe Photoshop CS5 Macintosh, Adobe Photoshop CS6 (Macintosh); \
         XMP photoshop:DocumentAncestors = 216 documents; \
         XMP xmpMM:DerivedFrom = documentID = uuid:345E7BBC487211DFACBFA8F3B3C9B964"
    );
    let r = check("faces/darknet__kite.jpg");
    assert!(measured(&r, "privacy.xmp_history").contains("Adobe Photoshop Lightroom 6.3 (Macintosh)"));
    assert_eq!(finding(&check("metadata/exifpy__Canon_40D.jpg"), "privacy.xmp_history").verdict, Verdict::Pass);
}

#[test]
fn thumbnails_that_show_another_picture() {
    // A 1 × 1 PNG carrying a 160 × 120 EXIF thumbnail: certainly not a picture of this image.
    let r = check("metadata/exifr__png_with_exif_and_gps.png");
    assert_eq!(
        measured(&r, "privacy.thumbnail_mismatch"),
        "IFD1 thumbnail (ThumbnailImage 0x0201) 160×120 = 1.333:1, image 1×1 = 1.000:1"
    );
    // Cropped in Picasa (its Artist tag says so) while the camera's 3:5 thumbnail stayed.
    let r = check("metadata/exifpy__Sony_DSLR-A200.jpg");
    assert!(measured(&r, "privacy.thumbnail_mismatch").contains("96×160 = 0.600:1, image 1391×2463"));
    // A 16:9 photo whose thumbnail is letterboxed into 160 × 120, and ordinary 3:2 / 4:3 ones: no mismatch.
    for rel in [
        "metadata/mei__User_Comment_Encoding.jpg",
        "metadata/exifr__iptc-agency-photographer-example.jpg",
        "metadata/mei__Canon_Powershot_S90.jpg",
        "plates/alpr__car9-0.jpg",
    ] {
        assert_eq!(finding(&check(rel), "privacy.thumbnail_mismatch").verdict, Verdict::Pass, "{rel}");
    }
}

#[test]
fn gps_forbidden() {
    let r = check("metadata/exifr__png_with_exif_and_gps.png");
    assert!(measured(&r, "privacy.gps").starts_with("GPSLatitude/GPSLongitude = "));
    assert_eq!(finding(&check("faces/skimage__astronaut.png"), "privacy.gps").verdict, Verdict::Pass);
}
