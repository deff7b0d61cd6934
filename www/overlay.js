// Drawing the overlays on a card's preview: the pixel-check layers (clipping mask, focus heat
// map) and the faces / licence plates the detectors found.
//
// The engine gives the overlay in the image's *stored* orientation; the preview is shown with
// EXIF orientation applied, so every layer is drawn through the same rotation/flip. Layers are
// canvases the size of the displayed image (longer side `size`), laid exactly over the
// thumbnail (both use `object-fit: contain` on the same box with the same aspect ratio).

/** @typedef {import('./preflight.js').Overlay} Overlay */

/** Colours (RGBA, alpha 0–255) — also used by the legend swatches in style.css. */
export const BLOWN = [255, 32, 64, 215];
export const CRUSHED = [40, 110, 255, 215];
const BOTH = [200, 40, 220, 215];

/** Displayed size of a stored `w` × `h` image under EXIF orientation `o` (5–8 swap the sides). */
export function displayed(/** @type {number} */ w, /** @type {number} */ h, /** @type {number|null|undefined} */ o) {
  return (o ?? 1) >= 5 && (o ?? 1) <= 8 ? { width: h, height: w } : { width: w, height: h };
}

/**
 * The canvas transform mapping stored-image coordinates to displayed-image coordinates for EXIF
 * orientation `o` (1–8), the displayed image being `W` × `H`. As `[a, b, c, d, e, f]` for
 * `ctx.transform`: X = a·x + c·y + e, Y = b·x + d·y + f.
 * @param {number|null|undefined} o @param {number} W @param {number} H
 * @returns {[number, number, number, number, number, number]}
 */
export function orientationMatrix(o, W, H) {
  switch (o) {
    case 2: return [-1, 0, 0, 1, W, 0];       // mirror horizontal
    case 3: return [-1, 0, 0, -1, W, H];      // rotate 180°
    case 4: return [1, 0, 0, -1, 0, H];       // mirror vertical
    case 5: return [0, 1, 1, 0, 0, 0];        // transpose
    case 6: return [0, 1, -1, 0, W, 0];       // rotate 90° clockwise
    case 7: return [0, -1, -1, 0, W, H];      // transverse
    case 8: return [0, -1, 1, 0, 0, H];       // rotate 90° counter-clockwise
    default: return [1, 0, 0, 1, 0, 0];
  }
}

/**
 * A canvas for one layer, `size` px on the longer displayed side, with its context set up so
 * that drawing in stored-image pixel coordinates (0…ov.width × 0…ov.height) lands oriented.
 * @param {Overlay} ov @param {number|null|undefined} orientation @param {number} size
 */
function layer(ov, orientation, size) {
  const d = displayed(ov.width, ov.height, orientation);
  const scale = size / Math.max(d.width, d.height);
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(d.width * scale));
  canvas.height = Math.max(1, Math.round(d.height * scale));
  const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d', { willReadFrequently: false }));
  // Map the canvas exactly onto the displayed image, then undo the orientation.
  ctx.scale(canvas.width / d.width, canvas.height / d.height);
  ctx.transform(...orientationMatrix(orientation, d.width, d.height));
  return { canvas, ctx, scale };
}

/**
 * Paints the clipping mask (blown red, crushed blue) at the mask's own resolution (≤ 320 px, so
 * small clipped areas are not lost to resampling). Decodes the base64 once with `atob` into an
 * ImageData and draws it oriented, nearest neighbour. The caller drops the base64 afterwards.
 * @param {Overlay} ov @param {number|null|undefined} orientation
 * @returns {HTMLCanvasElement|null}
 */
export function paintClip(ov, orientation) {
  const clip = ov.clip;
  if (!clip || !clip.width || !clip.height || !clip.mask) return null;
  const size = Math.max(clip.width, clip.height);
  const bin = atob(clip.mask);
  const n = clip.width * clip.height;
  const img = new ImageData(clip.width, clip.height);
  const px = new Uint32Array(img.data.buffer);          // RGBA bytes, read as little-endian words
  const word = (/** @type {number[]} */ [r, g, b, a]) => ((a << 24) | (b << 16) | (g << 8) | r) >>> 0;
  const colours = [0, word(BLOWN), word(CRUSHED), word(BOTH)];
  for (let i = 0, m = Math.min(n, bin.length); i < m; i++) px[i] = colours[bin.charCodeAt(i) & 3];
  const src = document.createElement('canvas');
  src.width = clip.width; src.height = clip.height;
  /** @type {CanvasRenderingContext2D} */ (src.getContext('2d')).putImageData(img, 0, 0);
  const { canvas, ctx } = layer(ov, orientation, size);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(src, 0, 0, ov.width, ov.height);
  return canvas;
}

/**
 * Paints the focus heat map: one square per analysed tile, green when in focus (stronger the
 * sharper), fading through transparent to red the further below the in-focus threshold.
 * Areas outside the tile grid stay clear.
 * @param {Overlay} ov @param {number|null|undefined} orientation @param {number} size
 * @returns {HTMLCanvasElement|null}
 */
export function paintFocus(ov, orientation, size) {
  const f = ov.focus;
  if (!f || !f.cols || !f.rows || !f.tile) return null;
  const { canvas, ctx, scale } = layer(ov, orientation, size);
  const t = Math.max(f.in_focus, 1e-6);
  const gap = Math.min(0.6 / scale, f.tile * 0.08);     // a hairline between tiles, in image px
  for (let r = 0; r < f.rows; r++) {
    for (let c = 0; c < f.cols; c++) {
      const s = f.scores[r * f.cols + c];
      if (s == null || !Number.isFinite(s)) continue;
      ctx.fillStyle = focusColour(s, t);
      ctx.fillRect(c * f.tile + gap, r * f.tile + gap, f.tile - 2 * gap, f.tile - 2 * gap);
    }
  }
  return canvas;
}

/**
 * In focus: green, α .28 → .5 as sharpness rises a decade above the threshold (the photo stays
 * readable under it); below: red, α .1 just under the threshold → .55 for flat tiles.
 */
export function focusColour(/** @type {number} */ score, /** @type {number} */ threshold) {
  const q = Math.log10(Math.max(score, threshold / 1000) / threshold);   // 0 at the threshold, −3 flat
  if (q >= 0) return `rgba(22, 190, 90, ${(0.28 + 0.22 * Math.min(q, 1)).toFixed(3)})`;
  return `rgba(235, 40, 50, ${(0.1 + 0.45 * Math.min(-q / 1.5, 1)).toFixed(3)})`;
}

/** Box colours: faces amber, licence plates cyan (also the legend swatches in style.css). */
export const FACE_COLOUR = '#ffb300';
export const PLATE_COLOUR = '#00c8ff';

/**
 * Paints the detected faces and plates as outlined, numbered boxes. Boxes come in full-size
 * pixels of the image *as displayed* (unlike the pixel layers, no orientation to undo), on a
 * canvas whose longer side is `size`.
 * @param {{ width: number, height: number }} shown  the displayed full-size image
 * @param {import('./preflight.js').ObjectBox[]} faces @param {import('./preflight.js').ObjectBox[]} plates
 * @param {number} size
 * @returns {HTMLCanvasElement}
 */
export function paintBoxes(shown, faces, plates, size) {
  const scale = size / Math.max(shown.width, shown.height, 1);
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(shown.width * scale));
  canvas.height = Math.max(1, Math.round(shown.height * scale));
  const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
  const kx = canvas.width / shown.width, ky = canvas.height / shown.height;
  const line = Math.max(2, Math.round(size / 160));
  ctx.font = `bold ${Math.max(10, Math.round(size / 18))}px system-ui, sans-serif`;
  ctx.textBaseline = 'top';
  for (const [list, colour] of /** @type {const} */ ([[faces, FACE_COLOUR], [plates, PLATE_COLOUR]])) {
    list.forEach((b, i) => {
      const x = b.x * kx, y = b.y * ky, w = Math.max(b.w * kx, 2), hgt = Math.max(b.h * ky, 2);
      ctx.lineWidth = line + 2;
      ctx.strokeStyle = 'rgba(0, 0, 0, 0.55)';            // a dark halo: visible on light photos too
      ctx.strokeRect(x, y, w, hgt);
      ctx.lineWidth = line;
      ctx.strokeStyle = colour;
      ctx.strokeRect(x, y, w, hgt);
      const label = String(i + 1);
      const tw = ctx.measureText(label).width + 4;
      ctx.fillStyle = colour;
      ctx.fillRect(x, Math.max(0, y - 1), tw, parseInt(ctx.font.split(' ')[1], 10) + 2);
      ctx.fillStyle = '#000';
      ctx.fillText(label, x + 2, Math.max(0, y));
    });
  }
  return canvas;
}
