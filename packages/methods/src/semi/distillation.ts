// Knowledge distillation (Hinton et al. 2015; ssl-semi.md §3.6): a student MLP learns from a trained
// teacher's temperature-softened predictions on labelled and unlabelled images, plus the labels:
// L = α T² KL(sg(p_t^T) ‖ p_s^T) over all rows + (1 − α) CE(y, p_s) over the labelled rows.
// The teacher's network runs inside the step graph on the same augmented views, its weights fed, not trained.
import {
  GraphBuilder, Tensor, Trainer, add, concat, crossEntropy, mlp, mlpParams, mul, slice, type Backend, type Philox,
} from '@repkit/core';
import { SemiSupervisedClassifier, drawRows, images, weakView, type SemiData, type SemiFitOptions, type SemiOptions } from './recipe.ts';
import { checkTemperature, softDistillation } from './losses.ts';
import { checkInt } from '../validate.ts';

export interface DistillationOptions extends SemiOptions {
  /** The trained teacher (any recipe of this folder, after `fit`). */
  teacher: SemiSupervisedClassifier;
  /** Softening temperature T (default 4). */
  temperature?: number;
  /** Weight α of the soft term (default 0.9). */
  alpha?: number;
  /** Labelled images per step (default 50). */
  batchSize?: number;
  /** Unlabelled images per step (default 350). */
  unlabelledBatchSize?: number;
}

const TEACHER = 'teacher.';

export class KnowledgeDistillation extends SemiSupervisedClassifier {
  readonly teacher: SemiSupervisedClassifier;
  readonly temperature: number;
  readonly alpha: number;
  readonly batchSize: number;
  readonly unlabelledBatchSize: number;

  constructor(opts: DistillationOptions) {
    super('distill', { hidden: [64], ...opts });
    if (!opts.teacher?.params_) throw new Error('teacher must be a fitted classifier: call teacher.fit(X, y) first');
    this.teacher = opts.teacher;
    this.temperature = opts.temperature ?? 4;
    this.alpha = opts.alpha ?? 0.9;
    this.batchSize = opts.batchSize ?? 50;
    this.unlabelledBatchSize = opts.unlabelledBatchSize ?? 350;
    checkTemperature('temperature', this.temperature);
    if (!(this.alpha >= 0 && this.alpha <= 1)) throw new Error(`alpha must be in [0, 1], got ${this.alpha}`);
    checkInt('batchSize', this.batchSize, 1);
    checkInt('unlabelledBatchSize', this.unlabelledBatchSize, 0);
  }

  settings(): Record<string, unknown> {
    return { temperature: this.temperature, alpha: this.alpha, batchSize: this.batchSize, unlabelledBatchSize: this.unlabelledBatchSize, teacher: this.teacher.method, teacherHidden: this.teacher.hidden };
  }

  protected async train(data: SemiData, backend: Backend, rng: Philox, fit: SemiFitOptions): Promise<void> {
    if (this.teacher.nClasses_ !== this.nClasses_ || this.teacher.features !== data.features) {
      throw new Error(`teacher was fitted on ${this.teacher.features} features and ${this.teacher.nClasses_} classes, the data has ${data.features} and ${this.nClasses_}`);
    }
    const B = this.batchSize, U = this.unlabelledBatchSize, F = data.features, T = this.temperature;
    const b = new GraphBuilder('distill');
    const x = concat([b.data('xl', 'float32', [B, F]), ...(U ? [b.data('u', 'float32', [U, F])] : [])], 0);
    const zs = mlp(x, mlpParams(b, this.sizes()));
    const zt = mlp(x, mlpParams(b, this.teacher.sizes(), 'float32', TEACHER));
    const kl = softDistillation(zs, zt, T);
    const ce = crossEntropy(slice(zs, [0], [B], [0]), b.data('y', 'int32', [B]));
    const loss = b.build({ loss: add(mul(kl, this.alpha * T * T), mul(ce, 1 - this.alpha)), kl, supervised: ce });
    const init = this.initial(rng.fork(1));
    const trainer = await Trainer.create(this.step(loss, Object.keys(init)), backend, init);
    const teacher = Object.fromEntries(Object.entries(this.teacher.params_!).map(([k, v]) => [TEACHER + k, v]));
    const draws = rng.fork(2);
    try {
      await this.loop(trainer, this.steps, () => {
        const il = drawRows(draws, data.labelled, B), iu = U ? drawRows(draws, data.unlabelled, U) : new Int32Array(0);
        return {
          ...teacher, xl: images(weakView(draws, data, il, this.imageShape), B, F),
          ...(U ? { u: images(weakView(draws, data, iu, this.imageShape), U, F) } : {}),
          y: new Tensor('int32', [B], il.map((i) => data.y[i]!)),
        };
      }, { draws }, fit);
    } finally {
      trainer.dispose();
    }
    this.params_ = { ...trainer.params };
  }
}
