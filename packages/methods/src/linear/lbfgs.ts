// Limited-memory BFGS (Nocedal & Wright 2006, Alg. 7.4/7.5) in float64 on the host, with a backtracking
// Armijo line search; stops like scipy's L-BFGS-B (max |g_i| ≤ gtol) or after maxIter iterations.
// No npm L-BFGS package is published for Node (checked `npm view lbfgs`, `ml-optimize-lbfgs`: 404).

export interface LbfgsOptions {
  /** Stop when max |∇f| ≤ gtol (default 1e-4, scikit-learn's tol for lbfgs). */
  gtol?: number;
  /** Iterations (default 3000, the probe's max_iter). */
  maxIter?: number;
  /** Correction pairs kept (default 10, scipy's maxcor). */
  memory?: number;
  /** Relative decrease of f below which the run stops (default 64·eps, as scikit-learn passes to scipy). */
  ftol?: number;
}

export interface LbfgsResult {
  x: Float64Array;
  f: number;
  iterations: number;
  converged: boolean;
}

/** Minimise f; `fg(x, g)` returns f(x) and writes ∇f(x) into g. */
export function lbfgs(fg: (x: Float64Array, g: Float64Array) => number, x0: Float64Array, opts: LbfgsOptions = {}): LbfgsResult {
  const { gtol = 1e-4, maxIter = 3000, memory = 10, ftol = 64 * Number.EPSILON } = opts;
  const n = x0.length;
  const x = Float64Array.from(x0), g = new Float64Array(n);
  let f = fg(x, g);
  const S: Float64Array[] = [], Y: Float64Array[] = [], rho: number[] = [];
  const d = new Float64Array(n), xNew = new Float64Array(n), gNew = new Float64Array(n), alpha = new Float64Array(memory);
  const dot = (a: Float64Array, b: Float64Array): number => {
    let s = 0;
    for (let i = 0; i < n; i++) s += a[i]! * b[i]!;
    return s;
  };
  const gmax = (v: Float64Array): number => v.reduce((m, t) => Math.max(m, Math.abs(t)), 0);
  let it = 0;
  for (; it < maxIter && gmax(g) > gtol; it++) {
    // Two-loop recursion: d = −H g.
    for (let i = 0; i < n; i++) d[i] = -g[i]!;
    for (let k = S.length - 1; k >= 0; k--) {
      alpha[k] = rho[k]! * dot(S[k]!, d);
      for (let i = 0; i < n; i++) d[i]! -= alpha[k]! * Y[k]![i]!;
    }
    const gamma = S.length ? dot(S.at(-1)!, Y.at(-1)!) / dot(Y.at(-1)!, Y.at(-1)!) : 1 / Math.sqrt(dot(g, g));
    for (let i = 0; i < n; i++) d[i]! *= gamma;
    for (let k = 0; k < S.length; k++) {
      const beta = rho[k]! * dot(Y[k]!, d);
      for (let i = 0; i < n; i++) d[i]! += S[k]![i]! * (alpha[k]! - beta);
    }
    let slope = dot(g, d);
    if (!(slope < 0)) { // not a descent direction (round-off): restart from steepest descent
      S.length = Y.length = rho.length = 0;
      for (let i = 0; i < n; i++) d[i] = -g[i]! / Math.sqrt(dot(g, g));
      slope = dot(g, d);
    }
    let step = 1, fNew = NaN;
    for (let ls = 0; ls < 60; ls++, step *= 0.5) {
      for (let i = 0; i < n; i++) xNew[i] = x[i]! + step * d[i]!;
      fNew = fg(xNew, gNew);
      if (fNew <= f + 1e-4 * step * slope) break;
    }
    if (!(fNew <= f)) break; // the line search found no decrease: at the precision limit
    const s = new Float64Array(n), y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = xNew[i]! - x[i]!;
      y[i] = gNew[i]! - g[i]!;
    }
    const sy = dot(s, y);
    if (sy > 1e-10 * dot(y, y)) { // keep only pairs with positive curvature
      if (S.length === memory) { S.shift(); Y.shift(); rho.shift(); }
      S.push(s); Y.push(y); rho.push(1 / sy);
    }
    const fOld = f;
    x.set(xNew); g.set(gNew); f = fNew;
    if ((fOld - f) / Math.max(Math.abs(fOld), Math.abs(f), 1) <= ftol) { it++; break; }
  }
  return { x, f, iterations: it, converged: gmax(g) <= gtol };
}
