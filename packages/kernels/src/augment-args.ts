// Validation and defaults for the image-augmentation kernels of Kernels (ssl-semi.md §5): each check
// names the argument and the fix, before anything reaches an engine.

export interface StrongAugmentOptions {
  /** Largest rotation in degrees, φ ~ U(−max, max) (default 20; at most 180). */
  maxRotationDeg?: number;
  /** Scale range, s ~ U(lo, hi) (default [0.85, 1.15]; 0 < lo ≤ hi). */
  scale?: readonly [number, number];
  /** Largest translation in pixels, t ~ U(−max, max)² (default 1.5). */
  maxTranslate?: number;
  /** Contrast gain range, g ~ U(lo, hi) (default [0.6, 1.4]; 0 ≤ lo ≤ hi). */
  contrast?: readonly [number, number];
  /** Standard deviation of the additive Gaussian noise (default 0.1). */
  noiseStd?: number;
  /** Side of the zeroed square (default 3; 0 zeroes nothing, and its two draws still happen). */
  cutout?: number;
}

export const STRONG_DEFAULTS = {
  maxRotationDeg: 20, scale: [0.85, 1.15], maxTranslate: 1.5, contrast: [0.6, 1.4], noiseStd: 0.1, cutout: 3,
} as const satisfies Required<StrongAugmentOptions>;

const MAX_SIDE = 2 ** 16;

function positive(name: string, x: number, max: number): number {
  if (!Number.isInteger(x) || x < 1 || x > max) throw new Error(`${name} must be a positive integer (at most ${max}), got ${x}`);
  return x;
}

/** images is a Float32Array of n·h·w values (n images of h rows × w columns). */
export function checkImages(images: unknown, n: number, h: number, w: number): Float32Array {
  if (!(images instanceof Float32Array)) {
    throw new Error(`images must be a Float32Array of n·h·w pixels, got ${(images as object)?.constructor?.name ?? images}; convert it with Float32Array.from(...)`);
  }
  positive('n', n, 2 ** 31 - 1);
  positive('h', h, MAX_SIDE);
  positive('w', w, MAX_SIDE);
  if (images.length !== n * h * w) {
    throw new Error(`images must hold n·h·w = ${n}·${h}·${w} = ${n * h * w} pixels, got ${images.length}; check n, h and w`);
  }
  return images;
}

export function checkFinitePixels(images: Float32Array): void {
  for (let i = 0; i < images.length; i++) {
    if (!Number.isFinite(images[i]!)) throw new Error(`images[${i}] is ${images[i]}; the warp needs finite pixels, so clean that image first`);
  }
}

export function checkMaxShift(maxShift: number): number {
  if (!Number.isInteger(maxShift) || maxShift < 0 || maxShift > 2 ** 30) {
    throw new Error(`maxShift must be an integer ≥ 0 (pixels; 1 for digits), got ${maxShift}`);
  }
  return maxShift;
}

function range(name: string, r: unknown, min: number, strict: boolean): readonly [number, number] {
  const [lo, hi] = Array.isArray(r) && r.length === 2 ? (r as [number, number]) : [NaN, NaN];
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo > hi || (strict ? !(lo > min) : !(lo >= min))) {
    throw new Error(`${name} must be [lo, hi] with finite ${min} ${strict ? '<' : '≤'} lo ≤ hi, got ${JSON.stringify(r)}`);
  }
  return [lo, hi];
}

function nonNegative(name: string, x: number, max = Infinity): number {
  if (!(Number.isFinite(x) && x >= 0 && x <= max)) throw new Error(`${name} must be a finite number in [0, ${max}], got ${x}`);
  return x;
}

/** The engines' options array: maxRotationDeg, scale lo, hi, maxTranslate, contrast lo, hi, noiseStd, cutout. */
export function strongOptions(options: StrongAugmentOptions = {}): Float64Array {
  if (typeof options !== 'object' || options === null) throw new Error(`options must be an object of StrongAugmentOptions (or omitted), got ${options}`);
  const d = STRONG_DEFAULTS;
  const rot = nonNegative('options.maxRotationDeg', options.maxRotationDeg ?? d.maxRotationDeg, 180);
  const [s0, s1] = range('options.scale', options.scale ?? d.scale, 0, true);
  const [g0, g1] = range('options.contrast', options.contrast ?? d.contrast, 0, false);
  const t = nonNegative('options.maxTranslate', options.maxTranslate ?? d.maxTranslate);
  const std = nonNegative('options.noiseStd', options.noiseStd ?? d.noiseStd);
  const cut = options.cutout ?? d.cutout;
  if (!Number.isInteger(cut) || cut < 0 || cut > MAX_SIDE) {
    throw new Error(`options.cutout must be an integer side in [0, ${MAX_SIDE}] pixels (0 disables it), got ${cut}`);
  }
  return Float64Array.of(rot, s0, s1, t, g0, g1, std, cut);
}

/** warpImages params: 4 finite values per image (rotation in degrees within ±180, scale > 0, tx, ty). */
export function checkWarpParams(params: unknown, n: number): Float64Array {
  if (!(params instanceof Float64Array) || params.length !== 4 * n) {
    throw new Error(`params must be a Float64Array of 4 values per image (rotation°, scale, tx, ty): ${4 * n} for n = ${n}`);
  }
  for (let i = 0; i < n; i++) {
    const [deg, s, tx, ty] = params.subarray(4 * i, 4 * i + 4);
    if (!(Math.abs(deg!) <= 180) || !(s! > 0 && Number.isFinite(s)) || !Number.isFinite(tx) || !Number.isFinite(ty)) {
      throw new Error(`params of image ${i} are (${deg}, ${s}, ${tx}, ${ty}); need |rotation| ≤ 180°, finite scale > 0 and finite tx, ty`);
    }
  }
  return params;
}

/** Quarter turns per image, reduced to 0..3; odd turns need square images. */
export function quarterTurns(k: number | Int32Array, n: number, h: number, w: number): Int32Array {
  let turns: Int32Array;
  if (typeof k === 'number') {
    if (!Number.isSafeInteger(k)) throw new Error(`k must be an integer number of quarter turns (or an Int32Array of n), got ${k}`);
    turns = new Int32Array(n).fill(((k % 4) + 4) % 4);
  } else if (k instanceof Int32Array && k.length === n) {
    turns = Int32Array.from(k, (x) => ((x % 4) + 4) % 4);
  } else {
    throw new Error(`k must be an integer or an Int32Array with one entry per image (${n}), got ${(k as object)?.constructor?.name ?? k}${ArrayBuffer.isView(k) ? ` of length ${(k as Int32Array).length}` : ''}`);
  }
  if (h !== w) {
    const odd = turns.findIndex((t) => (t & 1) === 1);
    if (odd >= 0) {
      throw new Error(`k${typeof k === 'number' ? '' : `[${odd}]`} = ${typeof k === 'number' ? k : k[odd]} is an odd number of quarter turns, which needs square images, but h = ${h} ≠ w = ${w}; use even k or crop/pad to square`);
    }
  }
  return turns;
}
