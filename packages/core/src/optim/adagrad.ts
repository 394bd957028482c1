// Adagrad (Duchi et al. 2011) as torch.optim.Adagrad (lr_decay 0): the large-scale KGE default
// (DGL-KE, PyTorch-BigGraph), and the same under dense and lazy table semantics since g = 0 is a no-op.
import { add, div, mul, sqrt, sub } from '../ops/api.ts';
import { checkPositive, type Optimizer } from './optimizer.ts';

export interface AdagradOptions {
  /** Learning rate (default 0.01), or a schedule of the 1-based step. */
  lr?: number | ((t: number) => number);
  /** Added to √Σg² (default 1e-10). */
  eps?: number;
  /** Coupled L2 penalty (default 0). */
  weightDecay?: number;
}

export function adagrad(opts: AdagradOptions = {}): Optimizer {
  const { lr = 0.01, eps = 1e-10, weightDecay = 0 } = opts;
  const lrAt = typeof lr === 'function' ? lr : () => lr;
  if (typeof lr === 'number') checkPositive('adagrad: lr', lr);
  checkPositive('adagrad: eps', eps);
  checkPositive('adagrad: weightDecay', weightDecay, true);
  return {
    name: 'adagrad',
    slots: ['sum'],
    hyper: ['lr'],
    rows: { kind: 'adagrad', eps, weightDecay },
    hyperAt: (t) => ({ lr: lrAt(t) }),
    update(p, g, [s0], { lr: lrNow }) {
      const d = weightDecay ? add(g, mul(p, weightDecay)) : g;
      const s = add(s0!, mul(d, d));
      return { p: sub(p, div(mul(d, lrNow!), add(sqrt(s), eps))), state: [s] };
    },
  };
}
