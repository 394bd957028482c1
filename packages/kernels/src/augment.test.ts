// Image augmentation (ssl-semi.md §5) as a user sees it: the documented draw order reproduces the output,
// the warp matches torch's affine_grid + grid_sample, quarter turns match np.rot90, and bad arguments
// are named. Engine agreement is in conformance.test.ts.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { Philox } from '@repkit/core';
import { kernels } from './index.ts';

const k = kernels('typescript');
const vectors = JSON.parse(readFileSync(new URL('./warp-torch.json', import.meta.url), 'utf8')) as {
  cases: { h: number; w: number; params: number[][]; pixels16: number[]; torch: number[] }[];
};

/** n random h×w images with values on the digits grid k/16. */
function images(r: Philox, n: number, h: number, w: number): Float32Array {
  return Float32Array.from({ length: n * h * w }, () => r.integer(0, 17) / 16);
}

describe('shiftImages (weak α)', () => {
  it('shifts each image by (dx, dy) drawn as rng.integer(−m, m + 1), dx first, zero fill', () => {
    const r = new Philox(1), n = 40, h = 5, w = 7, m = 2;
    const x = images(r, n, h, w);
    const rng = new Philox(7, 3), replay = new Philox(7, 3);
    const out = k.shiftImages(x, n, h, w, rng, m);
    const seen = new Set<string>();
    for (let i = 0; i < n; i++) {
      const dx = replay.integer(-m, m + 1), dy = replay.integer(-m, m + 1);
      seen.add(`${dx},${dy}`);
      for (let v = 0; v < h; v++) {
        for (let u = 0; u < w; u++) {
          const sv = v - dy, su = u - dx;
          const want = sv >= 0 && sv < h && su >= 0 && su < w ? x[i * h * w + sv * w + su] : 0;
          expect(out[i * h * w + v * w + u]).toBe(want);
        }
      }
    }
    expect(seen.size).toBeGreaterThan(10);
    expect(Array.from(rng.getState())).toEqual(Array.from(replay.getState()));
  });

  it('covers the 9 shifts of {−1, 0, 1}² uniformly by default, and maxShift 0 is the identity', () => {
    const x = Float32Array.from({ length: 64 }, (_, i) => i === 27 ? 1 : 0); // one lit pixel at (3, 3)
    const hits = new Map<number, number>();
    const rng = new Philox(2);
    for (let t = 0; t < 9000; t++) {
      const at = k.shiftImages(x, 1, 8, 8, rng).indexOf(1);
      hits.set(at, (hits.get(at) ?? 0) + 1);
    }
    expect([...hits.keys()].sort((a, b) => a - b)).toEqual([18, 19, 20, 26, 27, 28, 34, 35, 36]);
    for (const c of hits.values()) expect(Math.abs(c / 9000 - 1 / 9)).toBeLessThan(0.015);
    expect(k.shiftImages(x, 1, 8, 8, new Philox(3), 0)).toEqual(x);
  });
});

describe('warpImages (the warp of A) against torch', () => {
  it('matches torch affine_grid + grid_sample (bilinear, zeros, align_corners=False) within 1e-13, square and not', () => {
    for (const c of vectors.cases) {
      const n = c.params.length;
      const out = k.warpImages(Float32Array.from(c.pixels16, (p) => p / 16), n, c.h, c.w, Float64Array.from(c.params.flat()));
      expect(out).toHaveLength(c.torch.length);
      for (let i = 0; i < out.length; i++) expect(Math.abs(out[i]! - c.torch[i]!), `${c.h}×${c.w} pixel ${i}`).toBeLessThan(1e-13);
    }
  });

  it('is exact at identity, and ±90° equals a quarter turn (φ > 0 turns clockwise as displayed)', () => {
    const r = new Philox(4), x = images(r, 3, 6, 6);
    expect(Array.from(k.warpImages(x, 3, 6, 6, Float64Array.of(0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0)))).toEqual(Array.from(x));
    expect(Array.from(k.warpImages(x, 3, 6, 6, Float64Array.of(90, 1, 0, 0, 90, 1, 0, 0, 90, 1, 0, 0)))).toEqual(Array.from(k.rotate90(x, 3, 6, 6, 3)));
    expect(Array.from(k.warpImages(x, 3, 6, 6, Float64Array.of(-90, 1, 0, 0, -90, 1, 0, 0, -90, 1, 0, 0)))).toEqual(Array.from(k.rotate90(x, 3, 6, 6, 1)));
  });
});

describe('strongAugment (A)', () => {
  const clip = (y: number) => Math.min(1, Math.max(0, y));

  it('is warp, contrast + clip, noise + clip, cutout, from the documented draws in the documented order', () => {
    const r = new Philox(5), n = 30, h = 8, w = 8;
    const x = images(r, n, h, w);
    const rng = new Philox(11, 2), replay = new Philox(11, 2);
    const out = k.strongAugment(x, n, h, w, rng);
    for (let i = 0; i < n; i++) {
      const [phi, s, tx, ty, g] = [[-20, 20], [0.85, 1.15], [-1.5, 1.5], [-1.5, 1.5], [0.6, 1.4]].map(([lo, hi]) => lo! + (hi! - lo!) * replay.uniform());
      const z = replay.normals(h * w, 0, 0.1);
      const cx = replay.integer(-1, w - 1), cy = replay.integer(-1, h - 1);
      const warped = k.warpImages(x.subarray(i * 64, (i + 1) * 64), 1, h, w, Float64Array.of(phi!, s!, tx!, ty!));
      for (let v = 0; v < h; v++) {
        for (let u = 0; u < w; u++) {
          const cut = v >= cy && v < cy + 3 && u >= cx && u < cx + 3;
          const want = cut ? 0 : Math.fround(clip(clip(warped[v * w + u]! * g!) + z[v * w + u]!));
          expect(out[i * 64 + v * w + u], `image ${i} pixel (${v}, ${u})`).toBe(want);
        }
      }
    }
    expect(Array.from(rng.getState())).toEqual(Array.from(replay.getState()));
  });

  it('keeps pixels in [0, 1], cuts a 3×3 square at every corner in {−1..6}² (clipped), and draws the same whatever the options', () => {
    const ones = new Float32Array(64).fill(1);
    const corners = new Set<string>();
    const rng = new Philox(6), replay = new Philox(6);
    let wrong = 0;
    for (let t = 0; t < 2000; t++) {
      // No warp, gain 1, no noise: only the cutout changes an all-ones image.
      const out = k.strongAugment(ones, 1, 8, 8, rng, { maxRotationDeg: 0, scale: [1, 1], maxTranslate: 0, contrast: [1, 1], noiseStd: 0 });
      replay.uniforms(5);
      replay.normals(64);
      const cx = replay.integer(-1, 7), cy = replay.integer(-1, 7);
      corners.add(`${cy},${cx}`);
      for (let j = 0; j < 64; j++) {
        const inside = j >> 3 >= cy && j >> 3 < cy + 3 && (j & 7) >= cx && (j & 7) < cx + 3;
        if (out[j] !== (inside ? 0 : 1)) wrong++;
      }
    }
    expect(wrong).toBe(0);
    expect(corners.size).toBe(64);
    const x = images(new Philox(7), 50, 8, 8);
    const a = new Philox(8), b = new Philox(8);
    const strong = k.strongAugment(x, 50, 8, 8, a);
    for (const p of strong) expect(p >= 0 && p <= 1).toBe(true);
    k.strongAugment(x, 50, 8, 8, b, { cutout: 0, noiseStd: 0, maxRotationDeg: 5, scale: [1, 1.01], contrast: [1, 1] });
    expect(Array.from(a.getState())).toEqual(Array.from(b.getState()));
  });
});

describe('rotate90', () => {
  it('equals np.rot90 on the spatial axes, for one k or one per image, any sign', () => {
    const a = Float32Array.from({ length: 9 }, (_, i) => i);
    expect(Array.from(k.rotate90(a, 1, 3, 3, 1))).toEqual([2, 5, 8, 1, 4, 7, 0, 3, 6]); // np.rot90(a, 1)
    expect(Array.from(k.rotate90(a, 1, 3, 3, 3))).toEqual([6, 3, 0, 7, 4, 1, 8, 5, 2]); // np.rot90(a, 3)
    expect(Array.from(k.rotate90(a, 1, 3, 3, -1))).toEqual([6, 3, 0, 7, 4, 1, 8, 5, 2]); // np.rot90(a, -1)
    expect(Array.from(k.rotate90(Float32Array.from({ length: 6 }, (_, i) => i), 1, 2, 3, 2))).toEqual([5, 4, 3, 2, 1, 0]);
    const two = Float32Array.from({ length: 18 }, (_, i) => i % 9);
    expect(Array.from(k.rotate90(two, 2, 3, 3, Int32Array.of(5, 0)))).toEqual([2, 5, 8, 1, 4, 7, 0, 3, 6, 0, 1, 2, 3, 4, 5, 6, 7, 8]);
    const x = images(new Philox(9), 4, 5, 5);
    expect(k.rotate90(k.rotate90(x, 4, 5, 5, 1), 4, 5, 5, 3)).toEqual(x);
  });
});

describe('augmentation arguments are validated, naming the argument', () => {
  const x = new Float32Array(64), rng = new Philox(1);
  it('images, n, h, w and rng', () => {
    expect(() => k.shiftImages(new Float64Array(64) as unknown as Float32Array, 1, 8, 8, rng)).toThrow(/images must be a Float32Array.*Float32Array.from/);
    expect(() => k.shiftImages(x, 2, 8, 8, rng)).toThrow(/images must hold n·h·w = 2·8·8 = 128 pixels, got 64/);
    expect(() => k.strongAugment(x, 1, 0, 64, rng)).toThrow(/h must be a positive integer/);
    expect(() => k.rotate90(x, 1, 8, 8.5, 1)).toThrow(/w must be a positive integer/);
    expect(() => k.shiftImages(x, 0, 8, 8, rng)).toThrow(/n must be a positive integer/);
    expect(() => k.shiftImages(x, 1, 8, 8, {} as Philox)).toThrow(/rng must be a Philox/);
    expect(() => k.strongAugment(Float32Array.from(x, (_, i) => (i === 5 ? NaN : 0)), 1, 8, 8, rng)).toThrow(/images\[5\] is NaN/);
  });

  it('maxShift, options, params and k', () => {
    expect(() => k.shiftImages(x, 1, 8, 8, rng, -1)).toThrow(/maxShift must be an integer ≥ 0/);
    expect(() => k.shiftImages(x, 1, 8, 8, rng, 0.5)).toThrow(/maxShift/);
    expect(() => k.strongAugment(x, 1, 8, 8, rng, { scale: [0, 1] })).toThrow(/options.scale must be \[lo, hi\] with finite 0 < lo ≤ hi/);
    expect(() => k.strongAugment(x, 1, 8, 8, rng, { contrast: [1.4, 0.6] })).toThrow(/options.contrast/);
    expect(() => k.strongAugment(x, 1, 8, 8, rng, { maxRotationDeg: 200 })).toThrow(/options.maxRotationDeg must be a finite number in \[0, 180\]/);
    expect(() => k.strongAugment(x, 1, 8, 8, rng, { noiseStd: -0.1 })).toThrow(/options.noiseStd/);
    expect(() => k.strongAugment(x, 1, 8, 8, rng, { cutout: 2.5 })).toThrow(/options.cutout must be an integer/);
    expect(() => k.warpImages(x, 1, 8, 8, Float64Array.of(0, 0, 0, 0))).toThrow(/params of image 0.*scale > 0/);
    expect(() => k.warpImages(x, 1, 8, 8, Float64Array.of(0, 1, 0))).toThrow(/params must be a Float64Array of 4 values per image/);
    expect(() => k.rotate90(x, 1, 8, 8, 1.5)).toThrow(/k must be an integer/);
    expect(() => k.rotate90(x, 1, 8, 8, Int32Array.of(1, 2))).toThrow(/one entry per image \(1\)/);
    expect(() => k.rotate90(new Float32Array(48), 1, 6, 8, 1)).toThrow(/odd number of quarter turns, which needs square images, but h = 6 ≠ w = 8/);
    expect(k.rotate90(new Float32Array(48), 1, 6, 8, 2)).toHaveLength(48);
  });
});
