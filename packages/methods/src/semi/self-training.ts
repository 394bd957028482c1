// Self-training with confident pseudo-labels (ssl-semi.md §3.1, the seed's offline rounds): train on the
// labels, label the unlabelled images the model is sure of (max p ≥ τ, predicted un-augmented), retrain
// from scratch on labels + accepted pseudo-labels; repeat. Earlier acceptances can be revoked.
import { Tensor, Trainer, crossEntropy, type Backend, type Philox } from '@repkit/core';
import { SemiSupervisedClassifier, drawRows, images, mlpLossGraph, weakView, type SemiData, type SemiFitOptions, type SemiOptions } from './recipe.ts';
import { takeRows } from '@repkit/data';
import { checkThreshold } from './losses.ts';
import { checkInt } from '../validate.ts';

export interface SelfTrainingOptions extends SemiOptions {
  /** Training rounds R (default 5); `steps` is per round (default 1500 here). */
  rounds?: number;
  /** Confidence threshold τ of a pseudo-label (default 0.95). */
  threshold?: number;
  /** Images per step (default 64). */
  batchSize?: number;
}

export class SelfTraining extends SemiSupervisedClassifier {
  readonly rounds: number;
  readonly threshold: number;
  readonly batchSize: number;
  /** Pseudo-labelled rows accepted after each round. */
  accepted_: number[] = [];

  constructor(opts: SelfTrainingOptions = {}) {
    super('selftrain', { ...opts, steps: opts.steps ?? 1500 });
    this.rounds = opts.rounds ?? 5;
    this.threshold = opts.threshold ?? 0.95;
    this.batchSize = opts.batchSize ?? 64;
    checkInt('rounds', this.rounds, 1);
    checkThreshold('threshold', this.threshold);
    checkInt('batchSize', this.batchSize, 1);
  }

  settings(): Record<string, unknown> {
    return { rounds: this.rounds, threshold: this.threshold, batchSize: this.batchSize };
  }

  protected async train(data: SemiData, backend: Backend, rng: Philox, fit: SemiFitOptions): Promise<void> {
    const B = this.batchSize, F = data.features;
    const loss = mlpLossGraph('selftrain', this.sizes(), (b, net) => ({
      loss: crossEntropy(net(b.data('x', 'float32', [B, F])), b.data('y', 'int32', [B])),
    }));
    const targets = Int32Array.from(data.y);
    let pool = data.labelled;
    this.accepted_ = [];
    for (let r = 0; r < this.rounds; r++) {
      const trainer = await Trainer.create(this.step(loss), backend, this.initial(rng.fork(10 + r)));
      const draws = rng.fork(100 + r);
      try {
        await this.loop(trainer, this.steps, () => {
          const idx = drawRows(draws, pool, B);
          return { x: images(weakView(draws, data, idx, this.imageShape), B, F), y: new Tensor('int32', [B], idx.map((i) => targets[i]!)) };
        }, { draws }, fit, `round-${r}`);
      } finally {
        trainer.dispose();
      }
      this.params_ = { ...trainer.params };
      // Pseudo-labels from the un-augmented images, recomputed for every unlabelled row each round.
      const { probabilities, label } = await this.decide(takeRows(data.X, data.unlabelled));
      const keep: number[] = [];
      data.unlabelled.forEach((row, i) => {
        let top = 0;
        for (let c = 0; c < this.nClasses_; c++) top = Math.max(top, probabilities.data[i * this.nClasses_ + c]!);
        if (top >= this.threshold) {
          targets[row] = label.data[i]!;
          keep.push(row);
        }
      });
      this.accepted_.push(keep.length);
      pool = Int32Array.from([...data.labelled, ...keep]);
    }
  }
}
