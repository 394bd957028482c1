// Small float64 linear algebra for GMML, GMM and KG2E (ARCHITECTURE.md, "Host kernels"): batched
// Cholesky and log-determinant. Plain loops in a fixed order, IEEE sqrt and our deterministic log,
// so every build gives the same bits.
#include "detmath.h"

// A: batch × n × n row-major, only the lower triangle is read. L: lower factor (upper part zeroed).
// logdet[b] = 2 Σ log L_ii. Returns 0, or 1 + the index of the first matrix that is not positive
// definite (its L and logdet are then NaN from that pivot on).
RK_EXPORT u32 rk_cholesky(const double* A, u32 batch, u32 n, double* L, double* logdet) {
  u32 failed = 0;
  for (u32 b = 0; b < batch; b++) {
    const double* a = A + (u64)b * n * n;
    double* l = L + (u64)b * n * n;
    double ld = 0.0;
    bool ok = true;
    for (u32 i = 0; i < n; i++) {
      for (u32 j = 0; j <= i; j++) {
        double s = a[(u64)i * n + j];
        for (u32 k = 0; k < j; k++) s -= l[(u64)i * n + k] * l[(u64)j * n + k];
        if (i == j) {
          // Not positive definite (or NaN): poison the rest rather than take sqrt of a negative.
          if (!(s > 0.0) || !ok) { ok = false; s = __builtin_nan(""); }
          else s = __builtin_sqrt(s);
          l[(u64)i * n + i] = s;
          ld += ok ? rk::detLog(s) : s;
        } else {
          l[(u64)i * n + j] = ok ? s / l[(u64)j * n + j] : __builtin_nan("");
        }
      }
      for (u32 j = i + 1; j < n; j++) l[(u64)i * n + j] = 0.0;
    }
    logdet[b] = 2.0 * ld;
    if (!ok && failed == 0) failed = b + 1;
  }
  return failed;
}
