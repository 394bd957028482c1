// Optimizer updates and post-step projections applied to table rows in place, on the host, where a
// row-sparse table lives (as DGL-KE updates its embeddings): the step graph then returns only the rows'
// gradients, so optimizer state never travels through the backend. Each rule is the same formula as
// its optimizer's traced `update` (adam.ts, adagrad.ts, sgd.ts), in float32 as a float32 graph runs it.

/** An optimizer's update as data: what a host kernel needs, besides the step's hyper values. */
export type RowRule =
  | { kind: 'adam'; beta1: number; beta2: number; eps: number; weightDecay: number; decoupled: boolean }
  | { kind: 'adagrad'; eps: number; weightDecay: number }
  | { kind: 'sgd'; momentum: number; dampening: number; nesterov: boolean; weightDecay: number };

/** A row-wise projection as data: unit L2 norm, or L2 norm clamped to at most `max`. */
export type RowConstraint = { kind: 'unitNorm' } | { kind: 'maxNorm'; max: number };

/** A projection applied right after each row's update, to every `segment`-float piece of the parameter span. */
export interface RowProjection {
  constraint: RowConstraint;
  segment: number;
}

/** Packed rule codes shared with the kernels' native engine (native/src/rows.cpp). */
export const ROW_RULE = { adam: 0, adagrad: 1, sgd: 2 } as const;

/** How many state slots (spans after the parameter in a row) a rule reads and writes. */
export function ruleSlots(rule: RowRule): number {
  return rule.kind === 'adam' ? 2 : rule.kind === 'adagrad' ? 1 : rule.momentum !== 0 ? 1 : 0;
}

/** The rule's own numbers are what its optimizer accepts (a rule may be built by hand). */
function checkRule(rule: RowRule): void {
  const bad = (what: string, v: number, ok: boolean): void => {
    if (!ok || !Number.isFinite(v)) throw new Error(`${rule.kind} row rule: ${what} = ${v} is out of range`);
  };
  bad('weightDecay', rule.weightDecay, rule.weightDecay >= 0);
  if (rule.kind === 'sgd') {
    bad('momentum', rule.momentum, rule.momentum >= 0 && rule.momentum < 1);
    bad('dampening', rule.dampening, true);
  } else {
    bad('eps', rule.eps, rule.eps > 0);
  }
  if (rule.kind === 'adam') for (const [k, v] of [['beta1', rule.beta1], ['beta2', rule.beta2]] as const) bad(k, v, v >= 0 && v < 1);
}

/**
 * The rule and this step's hyper values as a code and a float64 vector:
 * adam [β1, β2, ε, wd, decoupled, α, c2, lr]; adagrad [ε, wd, lr]; sgd [momentum, dampening, nesterov, wd, lr].
 */
export function packRowRule(rule: RowRule, hyper: Readonly<Record<string, number>>): { code: number; params: Float64Array } {
  checkRule(rule);
  const need = (h: string): number => {
    const v = hyper[h];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${rule.kind} row rule: hyper '${h}' must be a finite number, got ${v}`);
    return v;
  };
  switch (rule.kind) {
    case 'adam':
      return { code: ROW_RULE.adam, params: Float64Array.of(rule.beta1, rule.beta2, rule.eps, rule.weightDecay, +rule.decoupled, need('alpha'), need('c2'), need('lr')) };
    case 'adagrad':
      return { code: ROW_RULE.adagrad, params: Float64Array.of(rule.eps, rule.weightDecay, need('lr')) };
    case 'sgd':
      return { code: ROW_RULE.sgd, params: Float64Array.of(rule.momentum, rule.dampening, +rule.nesterov, rule.weightDecay, need('lr')) };
  }
}

const f = Math.fround;

/**
 * Rows ids[0..n) of `table` (param span at 0, slot k at (k + 1)·width) take one update from the packed
 * gradient rows `grad` [n, width], then, when segment > 0, the projection of each `segment`-float piece
 * (max ≤ 0: unit norm; else norm ≤ max) while the row is in cache. Every operation is rounded to
 * float32, as a float32 step graph evaluates the traced update; every engine evaluates these
 * expressions in this order.
 */
export function updateRowsPacked(table: Float32Array, stride: number, ids: Int32Array, n: number, width: number, grad: Float32Array, code: number, q: Float64Array, segment = 0, max = 0): void {
  const acc = new Float32Array(8);
  for (let i = 0; i < n; i++) {
    const p = ids[i]! * stride, g = i * width;
    if (code === ROW_RULE.adam) {
      const b1 = f(q[0]!), c1 = f(1 - q[0]!), b2 = f(q[1]!), c2b = f(1 - q[1]!), eps = f(q[2]!), wd = f(q[3]!), decay = q[3] !== 0, decoupled = q[4] !== 0;
      const alpha = f(q[5]!), c2 = f(q[6]!), shrink = f(f(q[7]!) * wd);
      for (let j = 0, m = p + width, v = p + 2 * width; j < width; j++) {
        const x = table[p + j]!;
        const d = decay && !decoupled ? f(grad[g + j]! + f(x * wd)) : grad[g + j]!;
        const y = decay && decoupled ? f(x - f(x * shrink)) : x;
        const mj = f(f(table[m + j]! * b1) + f(d * c1));
        const vj = f(f(table[v + j]! * b2) + f(f(d * d) * c2b));
        table[m + j] = mj;
        table[v + j] = vj;
        table[p + j] = y - f(f(mj * alpha) / f(f(f(Math.sqrt(vj)) / c2) + eps));
      }
    } else if (code === ROW_RULE.adagrad) {
      const eps = f(q[0]!), wd = f(q[1]!), decay = q[1] !== 0, lr = f(q[2]!);
      for (let j = 0, s = p + width; j < width; j++) {
        const x = table[p + j]!;
        const d = decay ? f(grad[g + j]! + f(x * wd)) : grad[g + j]!;
        const sj = f(table[s + j]! + f(d * d));
        table[s + j] = sj;
        table[p + j] = x - f(f(d * lr) / f(f(Math.sqrt(sj)) + eps));
      }
    } else if (code === ROW_RULE.sgd) {
      const momentum = f(q[0]!), plain = q[0] === 0, damp = f(1 - q[1]!), nesterov = q[2] !== 0, wd = f(q[3]!), decay = q[3] !== 0, lr = f(q[4]!);
      for (let j = 0, b = p + width; j < width; j++) {
        const x = table[p + j]!;
        const d = decay ? f(grad[g + j]! + f(x * wd)) : grad[g + j]!;
        if (plain) {
          table[p + j] = x - f(d * lr);
          continue;
        }
        const buf = f(f(table[b + j]! * momentum) + f(d * damp));
        table[b + j] = buf;
        table[p + j] = x - f((nesterov ? f(d + f(buf * momentum)) : buf) * lr);
      }
    } else {
      throw new Error(`updateRows: unknown rule code ${code}`);
    }
    if (segment > 0) projectRow(table, p, width, segment, max, acc);
  }
}

/**
 * Project each `segment`-float piece of the span at `a`: in float32, the sum of squares in 8 lanes
 * (element j into lane j mod 8) added pairwise, the order the native engine vectorises.
 */
function projectRow(table: Float32Array, a: number, width: number, segment: number, max: number, acc: Float32Array): void {
  const cap = f(max), tiny = f(1e-12);
  for (const end = a + width; a < end; a += segment) {
    acc.fill(0);
    for (let j = 0; j < segment; j++) acc[j & 7] = acc[j & 7]! + f(table[a + j]! * table[a + j]!);
    const ss = f(f(f(acc[0]! + acc[1]!) + f(acc[2]! + acc[3]!)) + f(f(acc[4]! + acc[5]!) + f(acc[6]! + acc[7]!)));
    const norm = f(Math.sqrt(ss)), den = Math.max(norm, tiny);
    if (max <= 0) for (let j = 0; j < segment; j++) table[a + j] = table[a + j]! / den;
    else if (norm > cap) for (let j = 0, k = f(cap / den); j < segment; j++) table[a + j] = table[a + j]! * k;
  }
}

/** The `max` argument of updateRowsPacked for a constraint (0 means unit norm, so maxNorm needs max > 0). */
export function constraintMax(c: RowConstraint): number {
  if (c.kind === 'maxNorm' && !(c.max > 0)) throw new Error(`maxNorm: max must be > 0, got ${c.max}`);
  return c.kind === 'unitNorm' ? 0 : c.max;
}
