//! Greedy non-maximum suppression over [`Detection`]s (boxes in any common coordinate space).

use super::Detection;

/// Intersection over union.
pub fn iou(a: &Detection, b: &Detection) -> f32 {
    let inter = intersection(a, b);
    let union = a.w * a.h + b.w * b.h - inter;
    if union <= 0.0 { 0.0 } else { inter / union }
}

/// Intersection over the smaller box's area (1.0 when one box lies inside the other).
pub fn iomin(a: &Detection, b: &Detection) -> f32 {
    let m = (a.w * a.h).min(b.w * b.h);
    if m <= 0.0 { 0.0 } else { intersection(a, b) / m }
}

fn intersection(a: &Detection, b: &Detection) -> f32 {
    let w = (a.x + a.w).min(b.x + b.w) - a.x.max(b.x);
    let h = (a.y + a.h).min(b.y + b.h) - a.y.max(b.y);
    if w <= 0.0 || h <= 0.0 { 0.0 } else { w * h }
}

/// Keeps the highest-scoring box of every group that overlaps by more than `iou_max` (IoU) or
/// whose smaller box lies more than `contain_max` inside the other (boxes of one object found at
/// two scales or in two tiles often differ in size more than IoU forgives). Sorted by score,
/// highest first.
pub fn nms(mut dets: Vec<Detection>, iou_max: f32, contain_max: f32) -> Vec<Detection> {
    dets.sort_by(|a, b| b.score.total_cmp(&a.score));
    let mut keep: Vec<Detection> = Vec::with_capacity(dets.len());
    for d in dets {
        if keep.iter().all(|k| iou(k, &d) <= iou_max && iomin(k, &d) <= contain_max) {
            keep.push(d);
        }
    }
    keep
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(x: f32, y: f32, w: f32, h: f32, score: f32) -> Detection {
        Detection { x, y, w, h, score }
    }

    #[test]
    fn suppresses_overlaps_and_contained_boxes() {
        let out = nms(
            vec![d(0.0, 0.0, 10.0, 10.0, 0.8), d(1.0, 1.0, 10.0, 10.0, 0.9), d(50.0, 50.0, 10.0, 10.0, 0.5)],
            0.4,
            1.1,
        );
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].score, 0.9);
        // A small box inside a big one: IoU 0.04, containment 1.0.
        let inner = vec![d(0.0, 0.0, 50.0, 50.0, 0.9), d(10.0, 10.0, 10.0, 10.0, 0.6)];
        assert_eq!(nms(inner.clone(), 0.4, 1.1).len(), 2);
        assert_eq!(nms(inner, 0.4, 0.8).len(), 1);
        assert!((iou(&d(0.0, 0.0, 2.0, 2.0, 1.0), &d(1.0, 0.0, 2.0, 2.0, 1.0)) - 1.0 / 3.0).abs() < 1e-6);
    }
}
