// Float64 symmetric eigendecomposition by cyclic Jacobi rotations (Jacobi 1846; Golub & Van Loan §8.5),
// and the SPD matrix functions built on it. @repkit/kernels has no eigensolver yet; d is small here
// (features ≤ a few hundred), where Jacobi's O(d³) per sweep and ~10 sweeps are cheap and accurate.

export interface Eigh {
  /** Eigenvalues, ascending. */
  values: Float64Array;
  /** Eigenvectors as columns of a row-major n × n matrix: vectors[i·n + k] is entry i of vector k. */
  vectors: Float64Array;
}

/** Eigen-decomposition of the symmetric part (A + Aᵀ)/2 of a row-major n × n matrix. */
export function eigh(A: Float64Array, n: number, maxSweeps = 100): Eigh {
  if (!Number.isInteger(n) || n < 1 || A.length !== n * n) throw new Error(`eigh: A must hold n × n = ${n * n} values, got ${A.length}`);
  const a = new Float64Array(n * n), V = new Float64Array(n * n);
  let norm = 0;
  for (let i = 0; i < n; i++) {
    V[i * n + i] = 1;
    for (let j = 0; j < n; j++) {
      const v = (A[i * n + j]! + A[j * n + i]!) / 2;
      if (!Number.isFinite(v)) throw new Error(`eigh: A[${i}, ${j}] is ${A[i * n + j]}; the matrix must be finite`);
      a[i * n + j] = v;
      norm += v * v;
    }
  }
  const stop = norm * 1e-32; // off-diagonal mass below (1e-16 ‖A‖)²: rounding level
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q]! ** 2;
    if (off <= stop) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (apq === 0) continue;
        const theta = (a[q * n + q]! - a[p * n + p]!) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1)); // the smaller root: |angle| ≤ π/4
        const c = 1 / Math.sqrt(t * t + 1), s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]!, akq = a[k * n + q]!;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!, aqk = a[q * n + k]!;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
          const vkp = V[k * n + p]!, vkq = V[k * n + q]!;
          V[k * n + p] = c * vkp - s * vkq;
          V[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = [...Array(n).keys()].sort((i, j) => a[i * n + i]! - a[j * n + j]!);
  const values = Float64Array.from(order, (i) => a[i * n + i]!);
  const vectors = new Float64Array(n * n);
  for (let r = 0; r < n; r++) order.forEach((i, k) => (vectors[r * n + k] = V[r * n + i]!));
  return { values, vectors };
}

/** A^p for a symmetric positive (semi-)definite A: V diag(max(λ, floor)^p) Vᵀ, eigenvalues clamped at `floor`. */
export function spdPower(A: Float64Array, n: number, p: number, floor = 1e-300): Float64Array {
  const { values, vectors: V } = eigh(A, n);
  const w = values.map((v) => Math.max(v, floor) ** p);
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += V[i * n + k]! * w[k]! * V[j * n + k]!;
      out[i * n + j] = s;
      out[j * n + i] = s;
    }
  }
  return out;
}

/** Row-major n × n product A B. */
export function matmulSquare(A: Float64Array, B: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const aik = A[i * n + k]!;
      if (aik !== 0) for (let j = 0; j < n; j++) out[i * n + j]! += aik * B[k * n + j]!;
    }
  }
  return out;
}

/** The weighted geometric mean X #_t Y = X^½ (X^−½ Y X^−½)^t X^½ of SPD matrices (t = ½: the midpoint). */
export function sharp(X: Float64Array, Y: Float64Array, n: number, t: number): Float64Array {
  const Xh = spdPower(X, n, 0.5), Xmh = spdPower(X, n, -0.5);
  const M = matmulSquare(matmulSquare(Xmh, Y, n), Xmh, n);
  return matmulSquare(matmulSquare(Xh, spdPower(M, n, t, 0), n), Xh, n);
}

/** The inverse of an SPD matrix by its eigendecomposition. */
export function spdInverse(A: Float64Array, n: number): Float64Array {
  return spdPower(A, n, -1);
}
