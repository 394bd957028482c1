// Deterministic float64 exp (fdlibm e_exp.c, < 1 ulp) and λ^p on it: the same steps in the same order
// as native/src/detexp.h, so TypeScript, the addon and wasm agree bit for bit (Math.exp and Math.pow
// differ in their last bits between engines). Kept beside the kernels that use it; log is core's detLog.
import { detLog } from '@repkit/core';

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
const HI = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 1 : 0;

const LN2HI = 6.93147180369123816490e-01, LN2LO = 1.90821492927058770002e-10, INVLN2 = 1.44269504088896338700e+00;
const P1 = 1.66666666666666019037e-01, P2 = -2.77777777770155933842e-03, P3 = 6.61375632143793436117e-05;
const P4 = -1.65339022054652515390e-06, P5 = 4.13813679705723846039e-08;

/** 2^(e − 1023) for a biased exponent e in 1..2046. */
function pow2(e: number): number {
  F64[0] = 0;
  U32[HI] = e << 20;
  return F64[0]!;
}

export function detExp(x: number): number {
  F64[0] = x;
  const hw = U32[HI]!;
  const negative = hw >>> 31 !== 0;
  const hx = hw & 0x7fffffff;
  if (hx >= 0x40862e42) { // |x| ≥ 709.78, Inf or NaN
    if (x !== x) return x;
    if (x > 7.09782712893383973096e+02) return Infinity;
    if (x < -7.45133219101941108420e+02) return 0;
  }
  let hi = 0, lo = 0, k = 0;
  if (hx > 0x3fd62e42) { // |x| > ln2 / 2: x = k ln2 + r, |r| ≤ ln2 / 2
    if (hx < 0x3ff0a2b2) {
      hi = negative ? x + LN2HI : x - LN2HI;
      lo = negative ? -LN2LO : LN2LO;
      k = negative ? -1 : 1;
    } else {
      k = Math.trunc(INVLN2 * x + (negative ? -0.5 : 0.5));
      hi = x - k * LN2HI;
      lo = k * LN2LO;
    }
    x = hi - lo;
  } else if (hx < 0x3e300000) { // |x| < 2^−28
    return 1 + x;
  }
  const t = x * x;
  const c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k === 0) return 1 - ((x * c) / (c - 2) - x);
  const y = 1 - ((lo - (x * c) / (2 - c)) - hi);
  if (k >= -1021) return k === 1024 ? y * 2 * pow2(2046) : y * pow2(k + 1023);
  return y * pow2(k + 1000 + 1023) * pow2(23); // subnormal result: 2^(k+1000) then 2^−1000
}

/** λ^p for λ > 0: correctly rounded IEEE forms for p = ±1, ±½, else exp(p log λ). */
export function detPow(lambda: number, p: number): number {
  if (p === 1) return lambda;
  if (p === -1) return 1 / lambda;
  if (p === 0.5) return Math.sqrt(lambda);
  if (p === -0.5) return 1 / Math.sqrt(lambda);
  return detExp(p * detLog(lambda));
}
