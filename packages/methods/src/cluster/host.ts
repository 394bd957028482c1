// Host-side plumbing shared by the classical methods (cluster, semi, manifold, metric): float64 copies
// of the data, feeds in the width the backend computes in, and step graphs compiled once per estimator.
import { Tensor, getBackend, type Executable, type Feeds, type Graph, type Results } from '@repkit/core';
import { checkMatrix } from '../validate.ts';

/** The values of a float tensor as float64 (a copy unless it already is). */
export function float64(t: Tensor): Float64Array {
  return t.data instanceof Float64Array ? t.data : Float64Array.from(t.data as ArrayLike<number>);
}

/** Validate X (2-D, float, finite; `cols` features if given) and return [float64 values, rows, columns]. */
export function matrix(name: string, X: Tensor, cols?: number): [Float64Array, number, number] {
  if (!(X instanceof Tensor)) throw new Error(`${name} must be a Tensor [samples, features]; build one with new Tensor('float32', [n, d], data)`);
  checkMatrix(name, X, cols);
  return [float64(X), X.shape[0]!, X.shape[1]!];
}

/** Validate X like `matrix`, but hand back its own float32/float64 values (no copy) for single passes over large data. */
export function rows(name: string, X: Tensor, cols?: number): [Float32Array | Float64Array, number, number] {
  if (!(X instanceof Tensor)) throw new Error(`${name} must be a Tensor [samples, features]; build one with new Tensor('float32', [n, d], data)`);
  checkMatrix(name, X, cols);
  return [X.data as Float32Array | Float64Array, X.shape[0]!, X.shape[1]!];
}

/** An option that must be an integer in [min, max]; the error names the option and the fix. */
export function intOption(name: string, v: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new Error(`${name} must be an integer in [${min}, ${max === Number.MAX_SAFE_INTEGER ? '∞' : max}], got ${v}`);
  }
  return v;
}

/** An option that must be a finite number with lo < v (or ≤ when `closed`) and v ≤ hi. */
export function numOption(name: string, v: number, lo: number, hi = Infinity, closed = false): number {
  if (!Number.isFinite(v) || (closed ? v < lo : v <= lo) || v > hi) {
    throw new Error(`${name} must be a number in ${closed ? '[' : '('}${lo}, ${hi}], got ${v}`);
  }
  return v;
}

/** Column means of an n × d row-major matrix. */
export function columnMeans(X: ArrayLike<number>, n: number, d: number): Float64Array {
  const m = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) m[j]! += X[i * d + j]!;
  for (let j = 0; j < d; j++) m[j]! /= n;
  return m;
}

/** Compiles each step graph once on a backend and feeds it in the backend's width (float64 on reference). */
export class StepRunner {
  private readonly exes = new Map<Graph, Promise<Executable>>();

  constructor(readonly backend: string) {}

  /** The reference backend interprets in float64: feed it float64 so nothing is rounded to float32 first. */
  get wide(): boolean {
    return this.backend === 'reference';
  }

  /** A float feed of `shape` in the width this backend computes in. */
  tensor(shape: readonly number[], data: ArrayLike<number>): Tensor {
    if (data instanceof (this.wide ? Float64Array : Float32Array)) return new Tensor(this.wide ? 'float64' : 'float32', shape, data as Float32Array);
    return this.wide ? new Tensor('float64', shape, Float64Array.from(data)) : new Tensor('float32', shape, Float32Array.from(data));
  }

  async run(graph: Graph, feeds: Feeds): Promise<Results> {
    let exe = this.exes.get(graph);
    if (!exe) {
      exe = getBackend(this.backend).then((b) => b.compile(graph));
      this.exes.set(graph, exe);
    }
    return (await exe).run(feeds);
  }

  dispose(): void {
    for (const e of this.exes.values()) void e.then((x) => x.dispose(), () => {});
    this.exes.clear();
  }
}
