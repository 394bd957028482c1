// FixMatch (Sohn et al. 2020; ssl-semi.md §3.3): confident pseudo-labels from a weak view of each
// unlabelled image train the model on a strong view of it. Forwards over [α(x); A(u)] and, apart, α(u):
// the weak rows only feed a stopGradient, so their backward matmuls (47 % of the step's) are never built.
import { Tensor, Trainer, add, concat, crossEntropy, mean, mul, slice, type Backend, type Graph, type Philox } from '@repkit/core';
import { SemiSupervisedClassifier, drawRows, images, mlpLossGraph, strongView, weakView, type SemiData, type SemiFitOptions, type SemiOptions } from './recipe.ts';
import { checkThreshold, fixmatchUnlabelledLoss } from './losses.ts';
import { checkInt } from '../validate.ts';

export interface FixMatchOptions extends SemiOptions {
  /** Confidence threshold τ of a pseudo-label (default 0.95). */
  threshold?: number;
  /** Unlabelled images per labelled one, μ (default 7). */
  mu?: number;
  /** Weight λ_u of the unlabelled term (default 1). */
  lambdaU?: number;
  /** Labelled images per step, B (default 50). */
  batchSize?: number;
}

export class FixMatch extends SemiSupervisedClassifier {
  readonly threshold: number;
  readonly mu: number;
  readonly lambdaU: number;
  readonly batchSize: number;

  constructor(opts: FixMatchOptions = {}) {
    super('fixmatch', opts);
    this.threshold = opts.threshold ?? 0.95;
    this.mu = opts.mu ?? 7;
    this.lambdaU = opts.lambdaU ?? 1;
    this.batchSize = opts.batchSize ?? 50;
    checkThreshold('threshold', this.threshold);
    checkInt('mu', this.mu, 1);
    checkInt('batchSize', this.batchSize, 1);
    if (!(this.lambdaU >= 0)) throw new Error(`lambdaU must be ≥ 0, got ${this.lambdaU}`);
  }

  settings(): Record<string, unknown> {
    return { threshold: this.threshold, mu: this.mu, lambdaU: this.lambdaU, batchSize: this.batchSize };
  }

  /** The step's loss on α(x) (B rows), α(u) and A(u) (μB rows each) of `features` values. */
  lossGraph(features: number, classes: number): Graph {
    const B = this.batchSize, U = this.mu * B, F = features;
    return mlpLossGraph('fixmatch', [F, ...this.hidden, classes], (b, net) => {
      // No batch norm: a row's logits do not depend on the rows beside it, so splitting the forward is exact.
      const trained = net(concat([b.data('xl', 'float32', [B, F]), b.data('us', 'float32', [U, F])], 0));
      const weak = net(b.data('uw', 'float32', [U, F]));
      const ls = crossEntropy(slice(trained, [0], [B], [0]), b.data('y', 'int32', [B]));
      const lu = fixmatchUnlabelledLoss(weak, slice(trained, [B], [B + U], [0]), this.threshold);
      return { loss: add(ls, mul(lu.loss, this.lambdaU)), supervised: ls, unlabelled: lu.loss, maskRate: mean(lu.mask) };
    });
  }

  protected async train(data: SemiData, backend: Backend, rng: Philox, fit: SemiFitOptions): Promise<void> {
    const B = this.batchSize, U = this.mu * B, F = data.features;
    const trainer = await Trainer.create(this.step(this.lossGraph(F, this.nClasses_)), backend, this.initial(rng.fork(1)));
    const draws = rng.fork(2);
    try {
      await this.loop(trainer, this.steps, () => {
        const il = drawRows(draws, data.labelled, B), iu = drawRows(draws, data.unlabelled, U);
        return {
          xl: images(weakView(draws, data, il, this.imageShape), B, F),
          uw: images(weakView(draws, data, iu, this.imageShape), U, F),
          us: images(strongView(draws, data, iu, this.imageShape), U, F),
          y: new Tensor('int32', [B], il.map((i) => data.y[i]!)),
        };
      }, { draws }, fit);
    } finally {
      trainer.dispose();
    }
    this.params_ = { ...trainer.params };
  }
}
