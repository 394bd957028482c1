// Entropy minimisation (Grandvalet & Bengio 2005; ssl-semi.md §3.2): cross-entropy on labelled images
// plus λ(t) times the mean prediction entropy of unlabelled ones, λ ramped linearly from 0.
import { Tensor, Trainer, add, crossEntropy, mul, type Backend, type Philox } from '@repkit/core';
import { SemiSupervisedClassifier, drawRows, images, mlpLossGraph, scalar32, weakView, type SemiData, type SemiFitOptions, type SemiOptions } from './recipe.ts';
import { meanEntropy } from './losses.ts';
import { checkInt } from '../validate.ts';
import { checkFraction, linearRamp } from './schedules.ts';

export interface EntropyMinimisationOptions extends SemiOptions {
  /** Final weight λ of the entropy term (default 0.3). */
  lambda?: number;
  /** Fraction of the steps over which λ ramps up linearly from 0 (default 0.3). */
  ramp?: number;
  /** Labelled images per step (default 50). */
  batchSize?: number;
  /** Unlabelled images per step (default 350). */
  unlabelledBatchSize?: number;
}

export class EntropyMinimisation extends SemiSupervisedClassifier {
  readonly lambda: number;
  readonly ramp: number;
  readonly batchSize: number;
  readonly unlabelledBatchSize: number;

  constructor(opts: EntropyMinimisationOptions = {}) {
    super('entmin', opts);
    this.lambda = opts.lambda ?? 0.3;
    this.ramp = opts.ramp ?? 0.3;
    this.batchSize = opts.batchSize ?? 50;
    this.unlabelledBatchSize = opts.unlabelledBatchSize ?? 350;
    if (!(this.lambda >= 0)) throw new Error(`lambda must be ≥ 0, got ${this.lambda}`);
    checkFraction('ramp', this.ramp);
    checkInt('batchSize', this.batchSize, 1);
    checkInt('unlabelledBatchSize', this.unlabelledBatchSize, 1);
  }

  settings(): Record<string, unknown> {
    return { lambda: this.lambda, ramp: this.ramp, batchSize: this.batchSize, unlabelledBatchSize: this.unlabelledBatchSize };
  }

  protected async train(data: SemiData, backend: Backend, rng: Philox, fit: SemiFitOptions): Promise<void> {
    const B = this.batchSize, U = this.unlabelledBatchSize, F = data.features;
    const loss = mlpLossGraph('entmin', this.sizes(), (b, net) => {
      const ce = crossEntropy(net(b.data('xl', 'float32', [B, F])), b.data('y', 'int32', [B]));
      const h = meanEntropy(net(b.data('u', 'float32', [U, F])));
      return { loss: add(ce, mul(h, b.data('w', 'float32', []))), supervised: ce, entropy: h };
    });
    const trainer = await Trainer.create(this.step(loss), backend, this.initial(rng.fork(1)));
    const draws = rng.fork(2);
    try {
      await this.loop(trainer, this.steps, (t) => {
        const il = drawRows(draws, data.labelled, B), iu = drawRows(draws, data.unlabelled, U);
        const u = images(weakView(draws, data, iu, this.imageShape), U, F);
        return {
          u, xl: images(weakView(draws, data, il, this.imageShape), B, F),
          y: new Tensor('int32', [B], il.map((i) => data.y[i]!)),
          w: scalar32(linearRamp(t, this.steps, this.ramp, this.lambda)),
        };
      }, { draws }, fit);
    } finally {
      trainer.dispose();
    }
    this.params_ = { ...trainer.params };
  }
}
