// MixMatch (Berthelot et al. 2019; ssl-semi.md §3.4): guess labels for K weak views of each unlabelled
// image, sharpen them, MixUp everything with a shuffled copy, then CE on the labelled part and a squared
// error on the unlabelled part. Guessing, sharpening, shuffling and mixing all happen in the step graph.
import {
  Tensor, Trainer, add, concat, gather, mean, mixup, mul, oneHot, reshape, sharpen, slice, softmax,
  stopGradient, type Backend, type Philox,
} from '@repkit/core';
import { SemiSupervisedClassifier, drawRows, images, mlpLossGraph, scalar32, weakView, type SemiData, type SemiFitOptions, type SemiOptions } from './recipe.ts';
import { checkTemperature, mixmatchLosses } from './losses.ts';
import { betaSample } from './beta.ts';
import { checkFraction, linearRamp } from './schedules.ts';
import { checkInt } from '../validate.ts';

export interface MixMatchOptions extends SemiOptions {
  /** Weak views per unlabelled image, K (default 2). */
  k?: number;
  /** Sharpening temperature T (default 0.5). */
  temperature?: number;
  /** MixUp's Beta(α, α) parameter (default 0.75). */
  alpha?: number;
  /** Final weight λ_U of the unlabelled term (default 75). */
  lambdaU?: number;
  /** Fraction of the steps over which λ_U ramps up linearly (default 0.5). */
  ramp?: number;
  /** One λ per batch (default, as the common PyTorch port) or one per row (the official code). */
  lambdaPerRow?: boolean;
  /** Labelled (and unlabelled) images per step, B (default 50). */
  batchSize?: number;
}

export class MixMatch extends SemiSupervisedClassifier {
  readonly k: number;
  readonly temperature: number;
  readonly alpha: number;
  readonly lambdaU: number;
  readonly ramp: number;
  readonly lambdaPerRow: boolean;
  readonly batchSize: number;

  constructor(opts: MixMatchOptions = {}) {
    super('mixmatch', opts);
    this.k = opts.k ?? 2;
    this.temperature = opts.temperature ?? 0.5;
    this.alpha = opts.alpha ?? 0.75;
    this.lambdaU = opts.lambdaU ?? 75;
    this.ramp = opts.ramp ?? 0.5;
    this.lambdaPerRow = opts.lambdaPerRow ?? false;
    this.batchSize = opts.batchSize ?? 50;
    checkInt('k', this.k, 1);
    checkTemperature('temperature', this.temperature);
    if (!(this.alpha > 0)) throw new Error(`alpha (MixUp's Beta parameter) must be positive, got ${this.alpha}`);
    if (!(this.lambdaU >= 0)) throw new Error(`lambdaU must be ≥ 0, got ${this.lambdaU}`);
    checkFraction('ramp', this.ramp);
    checkInt('batchSize', this.batchSize, 1);
  }

  settings(): Record<string, unknown> {
    return { k: this.k, temperature: this.temperature, alpha: this.alpha, lambdaU: this.lambdaU, ramp: this.ramp, lambdaPerRow: this.lambdaPerRow, batchSize: this.batchSize };
  }

  protected async train(data: SemiData, backend: Backend, rng: Philox, fit: SemiFitOptions): Promise<void> {
    const B = this.batchSize, K = this.k, F = data.features, C = this.nClasses_, N = (K + 1) * B;
    const loss = mlpLossGraph('mixmatch', this.sizes(), (b, net) => {
      const xl = b.data('xl', 'float32', [B, F]), u = b.data('u', 'float32', [K * B, F]);
      const perm = b.data('perm', 'int32', [N]), lam = b.data('lambda', 'float32', this.lambdaPerRow ? [N, 1] : []);
      // q_b = sg(Sharpen(mean_k p(y | û_{b,k}), T)), the rows of u being view-major: row k·B + b.
      const guess = mean(reshape(softmax(net(u), -1), [K, B, C]), 0);
      const q = stopGradient(sharpen(guess, this.temperature));
      const W = concat([xl, u], 0), P = concat([oneHot(b.data('y', 'int32', [B]), C, 'float32'), ...Array(K).fill(q)], 0);
      const logits = net(mixup(W, gather(W, perm), lam));
      const P2 = mixup(P, gather(P, perm), lam);
      const part = (v: typeof logits, from: number, n: number) => slice(v, [from], [from + n], [0]);
      const m = mixmatchLosses(part(logits, 0, B), part(P2, 0, B), part(logits, B, K * B), part(P2, B, K * B));
      return { loss: add(m.lx, mul(m.lu, b.data('w', 'float32', []))), lx: m.lx, lu: m.lu };
    });
    const trainer = await Trainer.create(this.step(loss), backend, this.initial(rng.fork(1)));
    const draws = rng.fork(2);
    try {
      await this.loop(trainer, this.steps, (t) => {
        const il = drawRows(draws, data.labelled, B), iu = drawRows(draws, data.unlabelled, B);
        const xl = weakView(draws, data, il, this.imageShape);
        const u = new Float32Array(K * B * F);
        for (let k = 0; k < K; k++) u.set(weakView(draws, data, iu, this.imageShape), k * B * F);
        const lambdas = Float32Array.from({ length: this.lambdaPerRow ? N : 1 }, () => betaSample(draws, this.alpha, this.alpha));
        return {
          xl: images(xl, B, F), u: images(u, K * B, F), y: new Tensor('int32', [B], il.map((i) => data.y[i]!)),
          perm: new Tensor('int32', [N], draws.permutation(N)),
          lambda: new Tensor('float32', this.lambdaPerRow ? [N, 1] : [], lambdas),
          w: scalar32(linearRamp(t, this.steps, this.ramp, this.lambdaU)),
        };
      }, { draws }, fit);
    } finally {
      trainer.dispose();
    }
    this.params_ = { ...trainer.params };
  }
}
