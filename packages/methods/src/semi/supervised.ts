// The supervised baseline of ssl-semi.md §6.2 (`sup50`, `supall`): cross-entropy on weakly augmented
// labelled images only, batches of 64 drawn with replacement. Unlabelled rows are ignored.
import { Tensor, Trainer, crossEntropy, type Backend, type Philox } from '@repkit/core';
import { SemiSupervisedClassifier, drawRows, images, mlpLossGraph, weakView, type SemiData, type SemiFitOptions, type SemiOptions } from './recipe.ts';
import { checkInt } from '../validate.ts';

export interface SupervisedOptions extends SemiOptions {
  /** Labelled images per step (default 64). */
  batchSize?: number;
}

export class SupervisedBaseline extends SemiSupervisedClassifier {
  readonly batchSize: number;

  constructor(opts: SupervisedOptions = {}) {
    super('supervised', opts);
    this.batchSize = opts.batchSize ?? 64;
    checkInt('batchSize', this.batchSize, 1);
  }

  settings(): Record<string, unknown> {
    return { batchSize: this.batchSize };
  }

  protected async train(data: SemiData, backend: Backend, rng: Philox, fit: SemiFitOptions): Promise<void> {
    const B = this.batchSize;
    const loss = mlpLossGraph('supervised', this.sizes(), (b, net) => ({
      loss: crossEntropy(net(b.data('x', 'float32', [B, data.features])), b.data('y', 'int32', [B])),
    }));
    const trainer = await Trainer.create(this.step(loss), backend, this.initial(rng.fork(1)));
    const draws = rng.fork(2);
    try {
      await this.loop(trainer, this.steps, () => {
        const idx = drawRows(draws, data.labelled, B);
        return { x: images(weakView(draws, data, idx, this.imageShape), B, data.features), y: new Tensor('int32', [B], idx.map((i) => data.y[i]!)) };
      }, { draws }, fit);
    } finally {
      trainer.dispose();
    }
    this.params_ = { ...trainer.params };
  }
}
