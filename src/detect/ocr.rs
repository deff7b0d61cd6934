//! Reading one line of text: PaddleOCR's PP-OCRv4 mobile recogniser, `ch_PP-OCRv4_rec_infer.onnx`
//! from PyPI `rapidocr-onnxruntime==1.4.4` (Apache-2.0), fetched into `models/textrec.onnx`
//! ([`super::READER_MODEL_FILE`]) and packed there by `scripts/onnx-pack.mjs`: int8 weights, and
//! of its 6,623 characters (Latin, digits, Chinese) only the 94 printable ASCII ones — a plate
//! reads in those, and the head shrinks from 0.8 M weights to 12 k. The list is kept in the
//! model's own metadata under `character`.
//!
//! The plate detector uses it to tell a readable plate from a badge, a model name or a date
//! imprint ([`super::textplates`]): what it reads, and how sure it is, decides.
//!
//! As RapidOCR does (`train/plates/reader.py` is our reference): the line is resized to a height
//! of 48 (its width in proportion), laid out BGR in −1…1, padded with 0 on the right; the network
//! returns per-column class probabilities; greedy CTC decoding keeps each column's best class,
//! drops blanks (class 0) and repeats, and the confidence is the mean probability of the kept
//! characters.

use super::prepare::{Layout, Region, prepare_padded};
use super::{DetectError, Engine, Rgb};

/// The network's input height.
pub const HEIGHT: u32 = 48;
/// Padded input widths: a plan is built per width, so lines are padded to one of these (a line
/// wider than the last is squeezed to it).
pub const WIDTHS: [u32; 2] = [320, 640];

/// What a line says, and the mean probability of its characters (0–1).
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    pub text: String,
    pub confidence: f32,
}

pub struct TextReader {
    pub engine: Engine,
    /// Class `i` of the network's output: 0 is the CTC blank (never emitted), then the model's
    /// character list, then a space.
    chars: Vec<String>,
}

impl TextReader {
    pub fn from_bytes(onnx: &[u8]) -> Result<TextReader, DetectError> {
        let (engine, metadata) = Engine::from_onnx_with_metadata(onnx)?;
        let list = metadata
            .into_iter()
            .find(|(k, _)| k == "character")
            .map(|(_, v)| v)
            .ok_or_else(|| DetectError::Model("text reader: no character list in the model's metadata".into()))?;
        let mut chars = vec![String::new()];
        chars.extend(list.lines().map(str::to_string));
        chars.push(" ".into());
        Ok(TextReader { engine, chars })
    }

    pub fn from_file(path: &std::path::Path) -> Result<TextReader, DetectError> {
        TextReader::from_bytes(&super::read_model(path)?)
    }

    /// Reads the text in a box of `img` (its pixels; clipped to the image).
    pub fn read(&mut self, img: &Rgb, x: f32, y: f32, w: f32, h: f32) -> Result<Reading, DetectError> {
        let x0 = x.round().clamp(0.0, img.width as f32 - 1.0);
        let y0 = y.round().clamp(0.0, img.height as f32 - 1.0);
        let x1 = (x + w).round().clamp(x0 + 1.0, img.width as f32);
        let y1 = (y + h).round().clamp(y0 + 1.0, img.height as f32);
        let region = Region { x: x0 as u32, y: y0 as u32, w: (x1 - x0) as u32, h: (y1 - y0) as u32 };
        let last = WIDTHS[WIDTHS.len() - 1];
        let out_w = ((HEIGHT as f32 * region.w as f32 / region.h as f32).ceil() as u32).clamp(8, last);
        let pad_w = WIDTHS.iter().copied().find(|&p| p >= out_w).unwrap_or(last);
        let p = prepare_padded(img, region, out_w, HEIGHT, pad_w, HEIGHT, Layout::BgrCentered);
        let outs = self.engine.run(&p)?;
        let Some(out) = outs.first() else {
            return Err(DetectError::Model("text reader: no output".into()));
        };
        if out.shape.len() != 3 || out.shape[2] != self.chars.len() {
            return Err(DetectError::Model(format!(
                "text reader: output shape {:?}, expected [1, columns, {}]",
                out.shape,
                self.chars.len()
            )));
        }
        Ok(ctc_decode(&out.data, out.shape[2], &self.chars))
    }
}

/// Greedy CTC decoding of per-column class probabilities (`classes` per column): each column's
/// best class; blanks (class 0) and a class repeating its column's predecessor are dropped.
pub fn ctc_decode(probs: &[f32], classes: usize, chars: &[String]) -> Reading {
    let mut text = String::new();
    let (mut sum, mut n, mut prev) = (0f32, 0usize, 0usize);
    for col in probs.chunks_exact(classes) {
        let (best, p) =
            col.iter().copied().enumerate().fold((0, f32::MIN), |a, (i, v)| if v > a.1 { (i, v) } else { a });
        if best != 0 && best != prev {
            text.push_str(&chars[best]);
            sum += p;
            n += 1;
        }
        prev = best;
    }
    Reading { text, confidence: if n == 0 { 0.0 } else { sum / n as f32 } }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ctc_drops_blanks_and_repeats_but_keeps_a_doubled_letter_split_by_a_blank() {
        let chars: Vec<String> = ["", "A", "B", " "].iter().map(|s| s.to_string()).collect();
        // Columns' best: A A blank A B B blank → "AAB"; confidences 0.9, 0.7, 0.8.
        let col = |k: usize, p: f32| {
            let mut c = vec![0.0; 4];
            c[k] = p;
            c
        };
        let probs: Vec<f32> =
            [col(1, 0.9), col(1, 0.5), col(0, 0.9), col(1, 0.7), col(2, 0.8), col(2, 0.6), col(0, 0.9)].concat();
        let r = ctc_decode(&probs, 4, &chars);
        assert_eq!(r.text, "AAB");
        assert!((r.confidence - 0.8).abs() < 1e-6, "{r:?}");
        assert_eq!(ctc_decode(&col(0, 1.0), 4, &chars), Reading { text: String::new(), confidence: 0.0 });
    }
}
