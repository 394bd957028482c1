// SPD matrix functions for GMML on the host kernels' eigensolver (@repkit/kernels: cyclic Jacobi, float64,
// bit-identical in the native addon, wasm and TypeScript): kernels().eigh for decompositions,
// kernels().spdPower for A^p (p = −1 is the inverse). What the kernels do not have lives here: the
// square product and the weighted geometric mean.
import { kernels } from '@repkit/kernels';

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

/** The symmetric part (M + Mᵀ)/2, in place: products of symmetric matrices are symmetric only up to rounding. */
function symmetrise(M: Float64Array, n: number): Float64Array {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) M[i * n + j] = M[j * n + i] = (M[i * n + j]! + M[j * n + i]!) / 2;
  }
  return M;
}

/** The weighted geometric mean X #_t Y = X^½ (X^−½ Y X^−½)^t X^½ of SPD matrices (t = ½: the midpoint). */
export function sharp(X: Float64Array, Y: Float64Array, n: number, t: number): Float64Array {
  const K = kernels();
  const Xh = K.spdPower(X, n, 0.5), Xmh = K.spdPower(X, n, -0.5);
  const M = symmetrise(matmulSquare(matmulSquare(Xmh, Y, n), Xmh, n), n);
  return matmulSquare(matmulSquare(Xh, K.spdPower(M, n, t), n), Xh, n);
}
