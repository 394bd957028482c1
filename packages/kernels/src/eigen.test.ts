// Symmetric eigendecomposition, SPD powers and log-determinants against known decompositions and
// numpy (literals from numpy 1.24 linalg.eigh with our sign convention); engine agreement is in
// conformance.test.ts.
import { describe, expect, it } from 'vitest';
import { Philox } from '@repkit/core';
import { detExp } from './detexp.ts';
import { kernels } from './index.ts';

const k = kernels('typescript');

function matmul(a: Float64Array, b: Float64Array, n: number, bt = false): Float64Array {
  const c = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let l = 0; l < n; l++) s += a[i * n + l]! * (bt ? b[j * n + l]! : b[l * n + j]!);
      c[i * n + j] = s;
    }
  }
  return c;
}

function close(got: ArrayLike<number>, want: ArrayLike<number>, tol: number, what: string): void {
  expect(got.length, what).toBe(want.length);
  let worst = 0;
  for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
  expect(worst, what).toBeLessThan(tol);
}

const identity = (n: number) => Float64Array.from({ length: n * n }, (_, i) => (i % (n + 1) === 0 ? 1 : 0));

/** Random symmetric matrices, SPD when `spd` (M Mᵀ + I). */
function symmetric(r: Philox, n: number, spd: boolean): Float64Array {
  const M = r.uniforms(n * n, -1, 1);
  if (!spd) {
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) A[i * n + j] = A[j * n + i] = M[i * n + j]!;
    return A;
  }
  const A = matmul(M, M, n, true);
  for (let i = 0; i < n; i++) A[i * n + i] += 1;
  return A;
}

const A4 = Float64Array.of(4, 1, 0.5, 0.2, 1, 3, 0.3, 0.1, 0.5, 0.3, 2, 0.4, 0.2, 0.1, 0.4, 1);

describe('eigh', () => {
  it('matches numpy.linalg.eigh on a 4×4 matrix, with the largest component of each vector positive', () => {
    const { values, vectors } = k.eigh(A4, 4);
    close(values, [0.8594247519786524, 1.9916334906696658, 2.3826023856099923, 4.76633937174169], 1e-14, 'values');
    close(vectors, [-0.009920483538498635, -0.21455554383866163, -0.517436834347116, 0.8283276073361879, 0.00656566068374273, -0.092139198406547,
      0.8550106449362167, 0.5103176043039662, -0.32857978781725294, 0.9188588437346138, -0.027798527634597423, 0.21670484579262514,
      0.944401291371479, 0.3180797258798222, -0.021051398241873562, 0.080550155010166], 1e-14, 'vectors');
  });

  it('finds the known spectrum of the second-difference matrix and of [[2, 1], [1, 2]]', () => {
    const n = 12, T = new Float64Array(n * n);
    for (let i = 0; i < n; i++) { T[i * n + i] = 2; if (i > 0) T[i * n + i - 1] = T[(i - 1) * n + i] = -1; }
    const { values, vectors } = k.eigh(T, n);
    close(values, Array.from({ length: n }, (_, j) => 2 - 2 * Math.cos(((j + 1) * Math.PI) / (n + 1))), 1e-14, 'tridiagonal values');
    // Eigenvector j ∝ sin((i+1)(j+1)π/(n+1)), normalised. Its largest components tie in magnitude
    // (v_i = ±v_{n−1−i}), so which one the sign convention sees is a rounding matter: compare up to sign.
    for (let j = 0; j < n; j++) {
      const v = Array.from({ length: n }, (_, i) => Math.sin(((i + 1) * (j + 1) * Math.PI) / (n + 1)) * Math.sqrt(2 / (n + 1)));
      const got = Array.from({ length: n }, (_, i) => vectors[i * n + j]!);
      close(got, got[0]! * v[0]! < 0 ? v.map((x) => -x) : v, 1e-13, `vector ${j}`);
    }
    const two = k.eigh(Float64Array.of(2, 1, 1, 2), 2);
    close(two.values, [1, 3], 1e-15, '2×2 values');
    close(two.vectors, [Math.SQRT1_2, Math.SQRT1_2, -Math.SQRT1_2, Math.SQRT1_2], 1e-15, '2×2 vectors');
  });

  it('gives A V = V Λ and Vᵀ V = I on random symmetric (indefinite) matrices, repeated eigenvalues included', () => {
    const r = new Philox(3);
    for (let t = 0; t < 60; t++) {
      const n = r.integer(1, 20);
      // Every third case has a repeated eigenvalue: 2I + u uᵀ has n − 1 eigenvalues equal to 2.
      const A = t % 3 ? symmetric(r, n, false) : (() => { const u = r.uniforms(n, -1, 1); return Float64Array.from({ length: n * n }, (_, i) => u[Math.floor(i / n)]! * u[i % n]! + (i % (n + 1) === 0 ? 2 : 0)); })();
      const { values, vectors: V } = k.eigh(A, n);
      for (let j = 1; j < n; j++) expect(values[j]).toBeGreaterThanOrEqual(values[j - 1]!);
      const AV = matmul(A, V, n), VL = Float64Array.from(V, (x, i) => x * values[i % n]!);
      close(AV, VL, 1e-13 * n, `A V = V Λ, n = ${n}`);
      close(matmul(V, V, n, true), identity(n), 1e-13 * n, `V Vᵀ = I, n = ${n}`);
    }
  });

  it('reads only the lower triangle, batches, and names what is wrong', () => {
    const upperJunk = Float64Array.of(2, 99, 1, 2);
    expect(k.eigh(upperJunk, 2).values).toEqual(k.eigh(Float64Array.of(2, 1, 1, 2), 2).values);
    const batch = k.eigh(Float64Array.of(...A4, ...identity(4)), 4);
    expect(Array.from(batch.values.subarray(4))).toEqual([1, 1, 1, 1]);
    expect(Array.from(batch.vectors.subarray(16))).toEqual(Array.from(identity(4)));
    expect(() => k.eigh(new Float64Array(5), 2)).toThrow(/whole n×n matrices, n = 2/);
    expect(() => k.eigh(Float64Array.of(1, NaN, 0, 1), 2)).toThrow(/matrices\[1\] is NaN/);
    expect(() => k.eigh(new Float32Array(4) as unknown as Float64Array, 2)).toThrow(/matrices must be a Float64Array/);
  });
});

describe('spdPower and logdet', () => {
  it('matches numpy for p = 0.3, and p = ±½, −1, 1 are the square root, its inverse, the inverse and A', () => {
    close(k.spdPower(A4, 4, 0.3), [1.5002218746461389, 0.12550497077198092, 0.06613300955944461, 0.02785803096120534, 0.12550497077198094,
      1.3750677158464748, 0.03966838146725126, 0.012203516290059068, 0.06613300955944461, 0.03966838146725124, 1.2173439090551597,
      0.09149642912712924, 0.027858030961205316, 0.012203516290059058, 0.09149642912712917, 0.9876112604648206], 1e-14, 'A^0.3');
    const r = new Philox(4);
    for (let t = 0; t < 30; t++) {
      const n = r.integer(1, 16), A = symmetric(r, n, true);
      const half = k.spdPower(A, n, 0.5), mhalf = k.spdPower(A, n, -0.5), inv = k.spdPower(A, n, -1);
      const scale = Math.max(...A.map(Math.abs));
      close(matmul(half, half, n), A, 1e-13 * n * scale, 'A^½ A^½ = A');
      close(matmul(matmul(mhalf, A, n), mhalf, n), identity(n), 1e-12 * n, 'A^−½ A A^−½ = I');
      close(matmul(inv, A, n), identity(n), 1e-12 * n, 'A^−1 A = I');
      close(k.spdPower(A, n, 1), A, 1e-13 * n * scale, 'A^1 = A');
      for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) expect(half[i * n + j]).toBe(half[j * n + i]);
    }
  });

  it('logdet is Σ log λ (numpy slogdet), batched', () => {
    const ld = k.logdet(Float64Array.of(...A4, ...identity(4)), 4);
    expect(Math.abs(ld[0]! - 2.9672350576302433)).toBeLessThan(1e-14);
    expect(ld[1]).toBe(0);
  });

  it('names a matrix that is not positive definite, and a bad exponent', () => {
    const notPd = Float64Array.of(...identity(2), 1, 2, 2, 1);
    expect(() => k.spdPower(notPd, 2, -0.5)).toThrow(/matrices\[1\] is not positive definite \(smallest eigenvalue -1(\.0*\d*)?\).*jitter/);
    expect(() => k.spdPower(identity(2), 2, NaN)).toThrow(/p must be a finite exponent/);
  });
});

describe('detExp', () => {
  it('is within 1 ulp of Math.exp across the range, and exact at the edges', () => {
    const r = new Philox(5);
    for (let t = 0; t < 20000; t++) {
      const x = t < 10000 ? r.uniform() * 1400 - 700 : (r.uniform() - 0.5) * 2 ** r.integer(-40, 4);
      const want = Math.exp(x), got = detExp(x);
      expect(Math.abs(got - want), `exp(${x})`).toBeLessThanOrEqual(2.3e-16 * want);
    }
    expect([detExp(0), detExp(-Infinity), detExp(Infinity), detExp(800), detExp(-800)]).toEqual([1, 0, Infinity, Infinity, 0]);
    expect(detExp(NaN)).toBeNaN();
    expect(detExp(-740)).toBeGreaterThan(0); // subnormal result
    expect(Math.abs(detExp(-740) - Math.exp(-740))).toBeLessThanOrEqual(5e-324);
  });
});
