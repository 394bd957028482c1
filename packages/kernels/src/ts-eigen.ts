// Cyclic Jacobi eigendecomposition and SPD powers in TypeScript: the same rotations, sweep order,
// stopping rule and sums as native/src/eigen.cpp, so results are bit-identical to native and wasm.
import type { Engine } from './engine.ts';
import { detPow } from './detexp.ts';

type EigenEngine = Pick<Engine, 'eigh' | 'spdPower'>;

const MAX_SWEEPS = 100;
const EPS = 2.220446049250313e-16;
const MIN_NORMAL = 2.2250738585072014e-308;

const absd = (x: number): number => (x < 0 ? -x : x);

/** x[i], y[j] ← the Rutishauser rotation of the pair (as rotate in eigen.cpp). */
function rotate(x: Float64Array, i: number, y: Float64Array, j: number, s: number, tau: number): void {
  const g = x[i]!, h = y[j]!;
  x[i] = g - s * (h + g * tau);
  y[j] = h + s * (g - h * tau);
}

/** Diagonalise the upper triangle of a (n×n) in place; row k of vt gets the rotated e_k (vt = Vᵀ); root[k] = √|a_kk|. */
function jacobi(a: Float64Array, vt: Float64Array, root: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) vt[i * n + j] = i === j ? 1 : 0;
    root[i] = Math.sqrt(absd(a[i * n + i]!));
  }
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let rotated = false;
    for (let p = 0; p < n; p++) {
      const ap = p * n;
      for (let q = p + 1; q < n; q++) {
        const aq = q * n;
        const apq = a[ap + q]!, app = a[ap + p]!, aqq = a[aq + q]!;
        if (apq === 0 || absd(apq) <= EPS * root[p]! * root[q]!) continue;
        rotated = true;
        const theta = (aqq - app) / (2 * apq);
        const t = absd(theta) > 1e150 ? 0.5 / theta : (theta < 0 ? -1 : 1) / (absd(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1), s = t * c, tau = s / (1 + c);
        a[ap + p] = app - t * apq;
        a[aq + q] = aqq + t * apq;
        a[ap + q] = 0;
        root[p] = Math.sqrt(absd(a[ap + p]!));
        root[q] = Math.sqrt(absd(a[aq + q]!));
        for (let r = 0; r < p; r++) rotate(a, r * n + p, a, r * n + q, s, tau);
        for (let r = p + 1; r < q; r++) rotate(a, ap + r, a, r * n + q, s, tau);
        for (let r = q + 1; r < n; r++) rotate(a, ap + r, a, aq + r, s, tau);
        for (let r = 0; r < n; r++) rotate(vt, ap + r, vt, aq + r, s, tau);
      }
    }
    if (!rotated) return;
  }
}

/** The lower triangle of matrix b of A into the upper triangle of a. */
function load(A: Float64Array, b: number, n: number, a: Float64Array): void {
  const o = b * n * n;
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[j * n + i] = A[o + i * n + j]!;
}

export const tsEigen: EigenEngine = {
  eigh(A, batch, n, values, vectors) {
    const a = new Float64Array(n * n), v = new Float64Array(n * n), lam = new Float64Array(n);
    for (let b = 0; b < batch; b++) {
      load(A, b, n, a);
      jacobi(a, v, lam, n);
      for (let i = 0; i < n; i++) lam[i] = a[i * n + i]!;
      const vo = b * n * n;
      for (let j = 0; j < n; j++) {
        let m = n;
        for (let i = 0; i < n; i++) if (lam[i] === lam[i] && (m === n || lam[i]! < lam[m]!)) m = i;
        if (m === n) m = j;
        values[b * n + j] = lam[m]!;
        lam[m] = NaN;
        const vm = m * n;
        let big = 0;
        for (let i = 0; i < n; i++) {
          vectors[vo + i * n + j] = v[vm + i]!;
          if (absd(v[vm + i]!) > absd(v[vm + big]!)) big = i;
        }
        if (v[vm + big]! < 0) for (let i = 0; i < n; i++) vectors[vo + i * n + j] = -vectors[vo + i * n + j]!;
      }
    }
  },

  spdPower(A, batch, n, p, out) {
    const a = new Float64Array(n * n), v = new Float64Array(n * n), f = new Float64Array(n);
    let failed = 0;
    for (let b = 0; b < batch; b++) {
      load(A, b, n, a);
      jacobi(a, v, f, n);
      let ok = true;
      for (let k = 0; k < n; k++) {
        const lam = a[k * n + k]!;
        ok = ok && lam >= MIN_NORMAL;
        f[k] = detPow(lam, p);
      }
      // out_ij = Σ_k (v_ik f_k) v_jk, k ascending from 0, with u = diag(f) Vᵀ in a (as eigen.cpp).
      for (let k = 0; k < n; k++) for (let i = 0; i < n; i++) a[k * n + i] = v[k * n + i]! * f[k]!;
      const o = b * n * n;
      for (let i = 0; i < n; i++) {
        const oi = o + i * n;
        for (let j = 0; j <= i; j++) out[oi + j] = 0;
        for (let k = 0; k < n; k++) {
          const uki = a[k * n + i]!, vk = k * n;
          for (let j = 0; j <= i; j++) out[oi + j] += uki * v[vk + j]!;
        }
        for (let j = 0; j <= i; j++) {
          if (!ok) out[oi + j] = NaN;
          out[o + j * n + i] = out[oi + j]!;
        }
      }
      if (!ok && failed === 0) failed = b + 1;
    }
    return failed;
  },
};
