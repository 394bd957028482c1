// Adam (Kingma & Ba 2015, Alg. 1) with torch.optim.Adam's epsilon placement and coupled weight decay;
// `decoupled: true` gives AdamW (Loshchilov & Hutter 2019).
import { add, div, mul, sqrt, sub } from '../ops/api.ts';
import { checkPositive, checkUnit, type Optimizer } from './optimizer.ts';

export interface AdamOptions {
  /** Learning rate (default 0.001), or a schedule of the 1-based step. */
  lr?: number | ((t: number) => number);
  /** Decay of the first moment (default 0.9). */
  beta1?: number;
  /** Decay of the second moment (default 0.999). */
  beta2?: number;
  /** Added to √v̂ (default 1e-8). */
  eps?: number;
  /** L2 penalty (default 0): added to the gradient, or to the step when `decoupled`. */
  weightDecay?: number;
  /** AdamW's decoupled weight decay (default false). */
  decoupled?: boolean;
}

export function adam(opts: AdamOptions = {}): Optimizer {
  const { lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weightDecay = 0, decoupled = false } = opts;
  const lrAt = typeof lr === 'function' ? lr : () => lr;
  if (typeof lr === 'number') checkPositive('adam: lr', lr);
  checkUnit('adam: beta1', beta1);
  checkUnit('adam: beta2', beta2);
  checkPositive('adam: eps', eps);
  checkPositive('adam: weightDecay', weightDecay, true);
  return {
    name: decoupled ? 'adamw' : 'adam',
    slots: ['m', 'v'],
    // alpha = lr / (1 − β1ᵗ); c2 = √(1 − β2ᵗ); lr itself for decoupled decay.
    hyper: ['alpha', 'c2', 'lr'],
    rows: { kind: 'adam', beta1, beta2, eps, weightDecay, decoupled },
    hyperAt: (t) => ({ alpha: lrAt(t) / (1 - beta1 ** t), c2: Math.sqrt(1 - beta2 ** t), lr: lrAt(t) }),
    update(p, g, [m0, v0], { alpha, c2, lr: lrNow }) {
      let q = p;
      let d = g;
      if (weightDecay && decoupled) q = sub(p, mul(p, mul(lrNow!, weightDecay)));
      else if (weightDecay) d = add(g, mul(p, weightDecay));
      const m = add(mul(m0!, beta1), mul(d, 1 - beta1));
      const v = add(mul(v0!, beta2), mul(mul(d, d), 1 - beta2));
      const step = div(mul(m, alpha!), add(div(sqrt(v), c2!), eps));
      return { p: sub(q, step), state: [m, v] };
    },
  };
}
