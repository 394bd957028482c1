// A drawing as the digits classifier's input. scikit-learn's digits are 32×32 bitmaps, size-normalised
// and centred (every one of the 1797 spans all 8 rows), with the set pixels of each 4×4 block counted:
// 8×8 values 0..16. A drawing gets the same: the longer side of its ink's bounding box fills the 8×8
// frame, aspect kept, centred; each cell's mean ink coverage × 16, rounded; then /16 as the model was trained.

export const SIDE = 8;
export const LEVELS = 16;

/** Ink coverage in [0, 1] per pixel, row by row, from RGBA bytes: the alpha of strokes drawn on a transparent canvas. */
export function inkFromRgba(rgba: ArrayLike<number>, width: number, height: number): Float32Array {
  if (rgba.length !== width * height * 4) throw new Error(`inkFromRgba: rgba holds ${rgba.length} bytes, a ${width}×${height} image has ${width * height * 4}; pass ImageData.data with its width and height`);
  const ink = new Float32Array(width * height);
  for (let i = 0; i < ink.length; i++) ink[i] = rgba[i * 4 + 3]! / 255;
  return ink;
}

interface Box { x0: number; y0: number; x1: number; y1: number }

/** The smallest box [x0, x1) × [y0, y1) holding every pixel with ink, or null when there is none. */
function inkBox(ink: ArrayLike<number>, width: number, height: number): Box | null {
  let x0 = width, y0 = height, x1 = 0, y1 = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!(ink[y * width + x]! > 0)) continue;
      x0 = Math.min(x0, x); x1 = Math.max(x1, x + 1);
      y0 = Math.min(y0, y); y1 = Math.max(y1, y + 1);
    }
  }
  return x1 > x0 ? { x0, y0, x1, y1 } : null;
}

/** For cell k of SIDE along one axis, how much of source pixel p ∈ [0, n) lies in [lo + k·cell, lo + (k+1)·cell). */
function cellWeights(lo: number, cell: number, n: number): Float64Array[] {
  return Array.from({ length: SIDE }, (_, k) => {
    const a = lo + k * cell, b = a + cell, w = new Float64Array(n);
    for (let p = Math.max(0, Math.floor(a)); p < Math.min(n, Math.ceil(b)); p++) w[p] = Math.min(b, p + 1) - Math.max(a, p);
    return w;
  });
}

/** 64 values in 0..LEVELS, row by row, for `ink` (width × height coverages in [0, 1]); null for a blank drawing. */
export function digitPixels(ink: ArrayLike<number>, width: number, height: number): Uint8Array | null {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || ink.length !== width * height) {
    throw new Error(`digitPixels: ink holds ${ink.length} values for a ${width}×${height} image; pass width × height coverages (see inkFromRgba)`);
  }
  const box = inkBox(ink, width, height);
  if (!box) return null;
  const bw = box.x1 - box.x0, bh = box.y1 - box.y0, span = Math.max(bw, bh), cell = span / SIDE;
  const wx = cellWeights(box.x0 - (span - bw) / 2, cell, width), wy = cellWeights(box.y0 - (span - bh) / 2, cell, height);
  const out = new Uint8Array(SIDE * SIDE);
  for (let i = 0; i < SIDE; i++) {
    for (let j = 0; j < SIDE; j++) {
      let sum = 0;
      for (let y = 0; y < height; y++) {
        const w = wy[i]![y]!;
        if (w === 0) continue;
        for (let x = 0; x < width; x++) sum += w * wx[j]![x]! * Math.min(1, Math.max(0, ink[y * width + x]!));
      }
      out[i * SIDE + j] = Math.min(LEVELS, Math.round((LEVELS * sum) / (cell * cell)));
    }
  }
  return out;
}

/** The model's input row: pixels 0..16 divided by 16, as @repkit/data's loadDigits feeds training. */
export function digitFeatures(pixels: ArrayLike<number>): Float32Array {
  if (pixels.length !== SIDE * SIDE) throw new Error(`digitFeatures: pixels holds ${pixels.length} values; pass the ${SIDE * SIDE} of digitPixels`);
  return Float32Array.from(pixels, (v) => v / LEVELS);
}
