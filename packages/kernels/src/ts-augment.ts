// Image augmentation in TypeScript: the same draws, operations and order as native/src/augment.cpp,
// so results are bit-identical to the native and wasm builds (conformance.test.ts).
import { Philox, detSinCos2Pi } from '@repkit/core';
import type { Engine } from './engine.ts';

type AugmentEngine = Pick<Engine, 'shiftImages' | 'warpImages' | 'strongAugment' | 'rotate90'>;

const SC = new Float64Array(2);

function withStream(state: Uint32Array, draw: (rng: Philox) => void): void {
  const rng = new Philox().setState(state);
  draw(rng);
  state.set(rng.getState());
}

const between = (lo: number, hi: number, u: number): number => lo + (hi - lo) * u;
const clip01 = (y: number): number => (y < 0 ? 0 : y > 1 ? 1 : y);

/** Coefficients of p ↦ c + R(−φ)(p − c − t)/s: a = cos φ / s, b = sin φ / s (φ in degrees, |φ| ≤ 180). */
class Affine {
  readonly a: number;
  readonly b: number;
  readonly cu: number;
  readonly cv: number;
  constructor(deg: number, scale: number, readonly tx: number, readonly ty: number, h: number, w: number) {
    detSinCos2Pi((deg < 0 ? -deg : deg) / 360 + 0, SC); // + 0: −0 → +0, as augment.cpp
    const sn = deg < 0 ? -SC[0]! : SC[0]!;
    this.a = SC[1]! / scale;
    this.b = sn / scale;
    this.cu = 0.5 * (w - 1);
    this.cv = 0.5 * (h - 1);
  }
}

/** floor for |x| < 2^31 by truncation, as augment.cpp (−0 floors to +0 in both). */
function floorInt(x: number): number {
  const i = x | 0;
  return i > x ? i - 1 : i;
}

function pixel(x: Float32Array, o: number, h: number, w: number, v: number, u: number): number {
  return v >= 0 && v < h && u >= 0 && u < w ? x[o + v * w + u]! : 0;
}

/** Bilinear sample for output pixel (v, u) of the image at x[o..], zero outside (as augment.cpp). */
function warp(x: Float32Array, o: number, h: number, w: number, A: Affine, v: number, u: number): number {
  const du = (u - A.cu) - A.tx, dv = (v - A.cv) - A.ty;
  const su = A.cu + (A.a * du + A.b * dv), sv = A.cv + (A.a * dv - A.b * du);
  if (!(su > -1 && su < w && sv > -1 && sv < h)) return 0;
  const x0 = floorInt(su), y0 = floorInt(sv);
  const gx = su - x0, gy = sv - y0;
  const top = (1 - gx) * pixel(x, o, h, w, y0, x0) + gx * pixel(x, o, h, w, y0, x0 + 1);
  const bottom = (1 - gx) * pixel(x, o, h, w, y0 + 1, x0) + gx * pixel(x, o, h, w, y0 + 1, x0 + 1);
  return (1 - gy) * top + gy * bottom;
}

export const tsAugment: AugmentEngine = {
  shiftImages(state, images, n, h, w, maxShift, out) {
    withStream(state, (rng) => {
      const hw = h * w;
      for (let i = 0; i < n; i++) {
        const dx = rng.integer(-maxShift, maxShift + 1), dy = rng.integer(-maxShift, maxShift + 1);
        // Row v copies source row v − dy over the columns [lo, hi) whose source u − dx is inside (as augment.cpp).
        const lo = Math.min(Math.max(dx, 0), w), hi = dx < 0 ? Math.max(w + dx, lo) : w;
        for (let v = 0; v < h; v++) {
          const sv = v - dy, o = i * hw + v * w, src = i * hw + sv * w - dx;
          const inside = sv >= 0 && sv < h;
          for (let u = 0; u < w; u++) out[o + u] = inside && u >= lo && u < hi ? images[src + u]! : 0;
        }
      }
    });
  },

  warpImages(images, n, h, w, params, out) {
    const hw = h * w;
    for (let i = 0; i < n; i++) {
      const A = new Affine(params[4 * i]!, params[4 * i + 1]!, params[4 * i + 2]!, params[4 * i + 3]!, h, w);
      for (let v = 0; v < h; v++) {
        for (let u = 0; u < w; u++) out[i * hw + v * w + u] = warp(images, i * hw, h, w, A, v, u);
      }
    }
  },

  strongAugment(state, images, n, h, w, o, out) {
    withStream(state, (rng) => {
      const hw = h * w, cut = o[7]!;
      for (let i = 0; i < n; i++) {
        const at = i * hw;
        const deg = between(-o[0]!, o[0]!, rng.uniform());
        const scale = between(o[1]!, o[2]!, rng.uniform());
        const tx = between(-o[3]!, o[3]!, rng.uniform());
        const ty = between(-o[3]!, o[3]!, rng.uniform());
        const gain = between(o[4]!, o[5]!, rng.uniform());
        const A = new Affine(deg, scale, tx, ty, h, w);
        const z = rng.normals(hw, 0, o[6]!);
        for (let v = 0, j = 0; v < h; v++) {
          for (let u = 0; u < w; u++, j++) out[at + j] = clip01(clip01(warp(images, at, h, w, A, v, u) * gain) + z[j]!);
        }
        const cx = rng.integer(-1, w - 1), cy = rng.integer(-1, h - 1);
        for (let v = Math.max(cy, 0); v < cy + cut && v < h; v++) {
          for (let u = Math.max(cx, 0); u < cx + cut && u < w; u++) out[at + v * w + u] = 0;
        }
      }
    });
  },

  rotate90(images, n, h, w, k, out) {
    const hw = h * w;
    for (let i = 0; i < n; i++) {
      const m = i * hw, t = k[i]! & 3;
      const oh = t & 1 ? w : h, ow = t & 1 ? h : w;
      // out[r, c] = x[start + r·dr + c·dc]: t = 1 reads x[c, w−1−r], 2 x[h−1−r, w−1−c], 3 x[h−1−c, r].
      const start = m + (t === 0 ? 0 : t === 1 ? w - 1 : t === 2 ? hw - 1 : (h - 1) * w);
      const dr = t === 0 ? w : t === 1 ? -1 : t === 2 ? -w : 1, dc = t === 0 ? 1 : t === 1 ? w : t === 2 ? -1 : -w;
      for (let r = 0; r < oh; r++) {
        const from = start + r * dr;
        for (let c = 0; c < ow; c++) out[m + r * ow + c] = images[from + c * dc]!;
      }
    }
  },
};
