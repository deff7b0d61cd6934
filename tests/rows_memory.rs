//! The memory a 24 MP 16-bit RGBA PNG and TIFF cost to measure, counted by a global allocator:
//! decoded whole they would need ~0.4 GB (192 MB of samples, a 16-bit copy, the luma plane);
//! streamed by rows, a few MB. (Its own test binary: the counting allocator sees only this test.)

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use preflight::pixels::analysis::{Needs, analyze};
use preflight::pixels::decode::DecodeOptions;

struct Counting;
static NOW: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(l) };
        if !p.is_null() {
            let now = NOW.fetch_add(l.size(), Relaxed) + l.size();
            PEAK.fetch_max(now, Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) };
        NOW.fetch_sub(l.size(), Relaxed);
    }
}

#[global_allocator]
static A: Counting = Counting;

const W: u32 = 6000;
const H: u32 = 4000;

/// One 16-bit RGBA row: a gradient with an edge pattern (compresses well, so the file is small).
fn row(y: u32) -> Vec<u16> {
    (0..W)
        .flat_map(|x| {
            let v = ((x * 8 + y * 4) % 60000) as u16 + if (x / 64 + y / 64).is_multiple_of(2) { 4000 } else { 0 };
            [v, v / 2, 65535 - v, 65535]
        })
        .collect()
}

fn png_24mp() -> Vec<u8> {
    // Through a file: the stream writer needs to own its sink.
    let path = std::env::temp_dir().join(format!("preflight-rows-memory-{}.png", std::process::id()));
    let mut enc = png::Encoder::new(std::io::BufWriter::new(std::fs::File::create(&path).unwrap()), W, H);
    enc.set_color(png::ColorType::Rgba);
    enc.set_depth(png::BitDepth::Sixteen);
    enc.set_compression(png::Compression::Fast);
    let mut w = enc.write_header().unwrap().into_stream_writer().unwrap();
    for y in 0..H {
        let bytes: Vec<u8> = row(y).iter().flat_map(|v| v.to_be_bytes()).collect();
        std::io::Write::write_all(&mut w, &bytes).unwrap();
    }
    w.finish().unwrap();
    let bytes = std::fs::read(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    bytes
}

/// Uncompressed TIFF in 16-row strips (the layout Photoshop and Lightroom write).
fn tiff_24mp() -> Vec<u8> {
    use tiff::encoder::{TiffEncoder, colortype::RGBA16};
    let mut out = std::io::Cursor::new(Vec::new());
    let mut enc = TiffEncoder::new(&mut out).unwrap();
    let mut img = enc.new_image::<RGBA16>(W, H).unwrap();
    img.rows_per_strip(16).unwrap();
    let mut y = 0;
    while img.next_strip_sample_count() > 0 {
        let strip: Vec<u16> = (y..(y + 16).min(H)).flat_map(row).collect();
        img.write_strip(&strip).unwrap();
        y += 16;
    }
    img.finish().unwrap();
    out.into_inner()
}

fn peak_while(f: impl FnOnce()) -> usize {
    PEAK.store(NOW.load(Relaxed), Relaxed);
    let before = NOW.load(Relaxed);
    f();
    PEAK.load(Relaxed) - before
}

#[test]
fn a_24_megapixel_16_bit_rgba_png_and_tiff_are_measured_in_a_few_megabytes() {
    let all =
        Needs { exposure: true, sharpness: true, information: true, noise: true, upsampling: true, fingerprint: true };
    for (name, file) in [("PNG", png_24mp()), ("TIFF", tiff_24mp())] {
        let mut result = None;
        let peak = peak_while(|| result = Some(analyze(&file, all, &DecodeOptions::default())));
        let a = result.unwrap().unwrap_or_else(|e| panic!("{name}: {e}"));
        println!(
            "{name} {} MB file, {W}×{H} 16-bit RGBA: peak {:.1} MB while measured",
            file.len() / 1_000_000,
            peak as f64 / 1e6
        );
        assert_eq!((a.width, a.height, a.bit_depth, a.channels), (W, H, 16, 3), "{name}");
        assert!(a.sharpness.is_some() && a.exposure.is_some(), "{name}");
        // Whole: 8 B/px of samples alone is 192 MB.
        assert!(peak < 24_000_000, "{name}: peak {peak} bytes");
    }
}
