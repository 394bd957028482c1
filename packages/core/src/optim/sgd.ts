// SGD with momentum, dampening, Nesterov and coupled weight decay, as torch.optim.SGD.
import { add, mul, sub } from '../ops/api.ts';
import { checkPositive, checkUnit, type Optimizer } from './optimizer.ts';

export interface SgdOptions {
  /** Learning rate (default 0.01), or a schedule of the 1-based step. */
  lr?: number | ((t: number) => number);
  /** Momentum factor (default 0: plain SGD). */
  momentum?: number;
  /** Dampening of the momentum (default 0). */
  dampening?: number;
  nesterov?: boolean;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay?: number;
}

export function sgd(opts: SgdOptions = {}): Optimizer {
  const { lr = 0.01, momentum = 0, dampening = 0, nesterov = false, weightDecay = 0 } = opts;
  const lrAt = typeof lr === 'function' ? lr : () => lr;
  if (typeof lr === 'number') checkPositive('sgd: lr', lr);
  checkUnit('sgd: momentum', momentum);
  checkPositive('sgd: weightDecay', weightDecay, true);
  if (nesterov && (momentum === 0 || dampening !== 0)) throw new Error('sgd: nesterov needs momentum > 0 and dampening = 0');
  return {
    name: 'sgd',
    slots: momentum > 0 ? ['buf'] : [],
    hyper: ['lr'],
    rows: { kind: 'sgd', momentum, dampening, nesterov, weightDecay },
    hyperAt: (t) => ({ lr: lrAt(t) }),
    update(p, g, state, { lr }) {
      const d = weightDecay ? add(g, mul(p, weightDecay)) : g;
      if (momentum === 0) return { p: sub(p, mul(d, lr!)), state: [] };
      // Zero-initialised buf gives torch's first step (buf = d) when dampening = 0.
      const buf = add(mul(state[0]!, momentum), mul(d, 1 - dampening));
      const dir = nesterov ? add(d, mul(buf, momentum)) : buf;
      return { p: sub(p, mul(dir, lr!)), state: [buf] };
    },
  };
}
