// Symmetric eigendecomposition by cyclic Jacobi (Rutishauser's rotation, as Numerical Recipes §11.1)
// and powers of SPD matrices V diag(λ^p) Vᵀ, batched, for GMML, GMM and whitening (ARCHITECTURE.md,
// "Host kernels"). Jacobi is accurate to a few ulp relative to ‖A‖ and fine for the small d we use
// (d ≤ 64); plain loops in a fixed order with IEEE sqrt and detexp.h's pow give the same bits everywhere.
#include "detexp.h"

namespace {

const u32 MAX_SWEEPS = 100;       // quadratic convergence: ~6–10 sweeps for d ≤ 64
const double EPS = 2.220446049250313e-16;

inline double absd(double x) { return x < 0.0 ? -x : x; }

// Only the upper triangle of a (n×n, row-major) is used: it is diagonalised in place. Row k of vt
// receives the rotations applied to e_k (vt = Vᵀ: rows are eigenvectors, so updates run along rows).
// A pair is skipped when |a_pq| ≤ ε √|a_pp| √|a_qq| (relatively negligible, Demmel–Veselić); the
// sweeps stop when one rotates nothing. root[k] holds √|a_kk|, kept current as the diagonal changes.
inline void rotate(double* x, double* y, double s, double tau) {
  const double g = *x, h = *y;
  *x = g - s * (h + g * tau);
  *y = h + s * (g - h * tau);
}

void jacobi(double* a, double* vt, double* root, u32 n) {
  for (u32 i = 0; i < n; i++) {
    for (u32 j = 0; j < n; j++) vt[(u64)i * n + j] = i == j ? 1.0 : 0.0;
    root[i] = __builtin_sqrt(absd(a[(u64)i * n + i]));
  }
  for (u32 sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    bool rotated = false;
    for (u32 p = 0; p < n; p++) {
      double* ap = a + (u64)p * n;
      for (u32 q = p + 1; q < n; q++) {
        double* aq = a + (u64)q * n;
        const double apq = ap[q], app = ap[p], aqq = aq[q];
        if (apq == 0.0 || absd(apq) <= EPS * root[p] * root[q]) continue;
        rotated = true;
        const double theta = (aqq - app) / (2.0 * apq);
        // t = tan of the rotation angle, the smaller root of t² + 2θt − 1 = 0 (1/(2θ) once θ² would overflow).
        const double t = absd(theta) > 1e150 ? 0.5 / theta
          : (theta < 0.0 ? -1.0 : 1.0) / (absd(theta) + __builtin_sqrt(theta * theta + 1.0));
        const double c = 1.0 / __builtin_sqrt(t * t + 1.0), s = t * c, tau = s / (1.0 + c);
        ap[p] = app - t * apq;
        aq[q] = aqq + t * apq;
        ap[q] = 0.0;
        root[p] = __builtin_sqrt(absd(ap[p]));
        root[q] = __builtin_sqrt(absd(aq[q]));
        for (u32 r = 0; r < p; r++) rotate(a + (u64)r * n + p, a + (u64)r * n + q, s, tau);
        for (u32 r = p + 1; r < q; r++) rotate(ap + r, a + (u64)r * n + q, s, tau);
        for (u32 r = q + 1; r < n; r++) rotate(ap + r, aq + r, s, tau);
        double *vp = vt + (u64)p * n, *vq = vt + (u64)q * n;
        for (u32 r = 0; r < n; r++) rotate(vp + r, vq + r, s, tau);
      }
    }
    if (!rotated) return;
  }
}

// The lower triangle of A into the upper triangle of a (only it is read, as rk_cholesky).
void load(const double* A, u32 n, double* a) {
  for (u32 i = 0; i < n; i++) {
    for (u32 j = 0; j <= i; j++) a[(u64)j * n + i] = A[(u64)i * n + j];
  }
}

}  // namespace

// work: 2n² + n doubles. values ascending; vectors column j (row-major n×n) is the eigenvector of
// values[j], its largest-magnitude component (first on ties) positive; equal values keep Jacobi order.
RK_EXPORT void rk_eigh(const double* A, u32 batch, u32 n, double* values, double* vectors, double* work) {
  const u64 nn = (u64)n * n;
  double *a = work, *v = work + nn, *lam = work + 2 * nn;
  for (u32 b = 0; b < batch; b++) {
    load(A + b * nn, n, a);
    jacobi(a, v, lam, n);
    for (u32 i = 0; i < n; i++) lam[i] = a[(u64)i * n + i];
    double* val = values + (u64)b * n;
    double* vec = vectors + b * nn;
    for (u32 j = 0; j < n; j++) {
      // Selection of the smallest remaining value, lowest index on ties (taken ones are NaN).
      u32 m = n;
      for (u32 i = 0; i < n; i++) {
        if (lam[i] == lam[i] && (m == n || lam[i] < lam[m])) m = i;
      }
      if (m == n) m = j;  // only when Jacobi overflowed to NaN (Kernels reports it); keeps m in range
      val[j] = lam[m];
      lam[m] = __builtin_nan("");
      const double* vm = v + (u64)m * n;
      u32 big = 0;
      for (u32 i = 0; i < n; i++) {
        vec[(u64)i * n + j] = vm[i];
        if (absd(vm[i]) > absd(vm[big])) big = i;
      }
      if (vm[big] < 0.0) {
        for (u32 i = 0; i < n; i++) vec[(u64)i * n + j] = -vec[(u64)i * n + j];
      }
    }
  }
}

// out = V diag(λ^p) Vᵀ per matrix (lower triangle computed, mirrored, so out is exactly symmetric).
// work: 2n² + n doubles. Returns 0, or 1 + the index of the first matrix with an eigenvalue that is not
// a positive normal double (its out is NaN).
RK_EXPORT u32 rk_spd_power(const double* A, u32 batch, u32 n, double p, double* out, double* work) {
  const u64 nn = (u64)n * n;
  double *a = work, *v = work + nn, *f = work + 2 * nn;
  u32 failed = 0;
  for (u32 b = 0; b < batch; b++) {
    load(A + b * nn, n, a);
    jacobi(a, v, f, n);
    bool ok = true;
    for (u32 k = 0; k < n; k++) {
      const double lam = a[(u64)k * n + k];
      ok = ok && lam >= 2.2250738585072014e-308;
      f[k] = rk::detPow(lam, p);
    }
    // out_ij = Σ_k (v_ik f_k) v_jk, k ascending from 0.0; u = diag(f) Vᵀ reuses a, and k runs outside
    // so rows of Vᵀ are read contiguously (each sum still takes its terms in the same order).
    for (u32 k = 0; k < n; k++) {
      for (u32 i = 0; i < n; i++) a[(u64)k * n + i] = v[(u64)k * n + i] * f[k];
    }
    double* o = out + b * nn;
    for (u32 i = 0; i < n; i++) {
      double* oi = o + (u64)i * n;
      for (u32 j = 0; j <= i; j++) oi[j] = 0.0;
      for (u32 k = 0; k < n; k++) {
        const double uki = a[(u64)k * n + i];
        const double* vk = v + (u64)k * n;
        for (u32 j = 0; j <= i; j++) oi[j] += uki * vk[j];
      }
      for (u32 j = 0; j <= i; j++) {
        if (!ok) oi[j] = __builtin_nan("");
        o[(u64)j * n + i] = oi[j];
      }
    }
    if (!ok && failed == 0) failed = b + 1;
  }
  return failed;
}
