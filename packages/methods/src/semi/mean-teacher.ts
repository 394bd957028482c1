// Mean Teacher (Tarvainen & Valpola 2017; ssl-semi.md §3.5): the teacher is an EMA of the student,
// updated inside the step graph (teacher in, teacher out, via trainStep's carry); the student learns
// from labels plus w(t) times the squared distance of its predictions to the teacher's. The teacher is
// what `predict` uses.
import { GraphBuilder, Tensor, Trainer, add, crossEntropy, emaUpdate, mlp, mlpParams, mul, slice, type Backend, type Philox } from '@repkit/core';
import { SemiSupervisedClassifier, drawRows, images, scalar32, weakView, type SemiData, type SemiFitOptions, type SemiOptions } from './recipe.ts';
import { meanTeacherConsistency } from './losses.ts';
import { checkFraction, emaDecay, sigmoidRamp } from './schedules.ts';
import { checkInt } from '../validate.ts';

export interface MeanTeacherOptions extends SemiOptions {
  /** EMA decay α of the teacher (default 0.99). */
  emaDecay?: number;
  /** Final consistency weight w_max (default 50, with the squared error averaged over classes). */
  consistency?: number;
  /** Fraction of the steps of the sigmoid ramp-up of w (default 0.4). */
  ramp?: number;
  /** Labelled images per step, B (default 50). */
  batchSize?: number;
  /** Unlabelled images per step (default 350). */
  unlabelledBatchSize?: number;
}

const TEACHER = 'teacher.';

export class MeanTeacher extends SemiSupervisedClassifier {
  readonly emaDecay: number;
  readonly consistency: number;
  readonly ramp: number;
  readonly batchSize: number;
  readonly unlabelledBatchSize: number;
  /** The student's parameters after `fit` (`params_` holds the teacher's). */
  student_: Record<string, Tensor> | undefined;

  constructor(opts: MeanTeacherOptions = {}) {
    super('meanteacher', opts);
    this.emaDecay = opts.emaDecay ?? 0.99;
    this.consistency = opts.consistency ?? 50;
    this.ramp = opts.ramp ?? 0.4;
    this.batchSize = opts.batchSize ?? 50;
    this.unlabelledBatchSize = opts.unlabelledBatchSize ?? 350;
    if (!(this.emaDecay >= 0 && this.emaDecay < 1)) throw new Error(`emaDecay must be in [0, 1), got ${this.emaDecay}`);
    if (!(this.consistency >= 0)) throw new Error(`consistency must be ≥ 0, got ${this.consistency}`);
    checkFraction('ramp', this.ramp);
    checkInt('batchSize', this.batchSize, 1);
    checkInt('unlabelledBatchSize', this.unlabelledBatchSize, 1);
  }

  settings(): Record<string, unknown> {
    return { emaDecay: this.emaDecay, consistency: this.consistency, ramp: this.ramp, batchSize: this.batchSize, unlabelledBatchSize: this.unlabelledBatchSize };
  }

  protected async train(data: SemiData, backend: Backend, rng: Philox, fit: SemiFitOptions): Promise<void> {
    const B = this.batchSize, N = B + this.unlabelledBatchSize, F = data.features, sizes = this.sizes();
    const b = new GraphBuilder('meanteacher');
    const student = mlpParams(b, sizes), teacher = mlpParams(b, sizes, 'float32', TEACHER);
    const ls = mlp(b.data('xs', 'float32', [N, F]), student);
    const lt = mlp(b.data('xt', 'float32', [N, F]), teacher);
    const ce = crossEntropy(slice(ls, [0], [B], [0]), b.data('y', 'int32', [B]));
    const j = meanTeacherConsistency(ls, lt);
    // The decay is read by the carry (the EMA), after the optimizer step; it is also reported.
    const loss = b.build({ loss: add(ce, mul(j, b.data('w', 'float32', []))), supervised: ce, consistency: j, emaDecay: b.data('decay', 'float32', []) });
    const init = this.initial(rng.fork(1));
    const names = Object.keys(init);
    const step = this.step(loss, names, ({ next, input }) =>
      Object.fromEntries(names.map((p) => [TEACHER + p, emaUpdate(input(TEACHER + p), next(p), input('decay'))])));
    // The teacher starts as a copy of the student (the reference deep-copies the initial model).
    const trainer = await Trainer.create(step, backend, { ...init, ...Object.fromEntries(names.map((p) => [TEACHER + p, init[p]!])) });
    const draws = rng.fork(2);
    try {
      await this.loop(trainer, this.steps, (t) => {
        const il = drawRows(draws, data.labelled, B), iu = drawRows(draws, data.unlabelled, N - B);
        const both = Int32Array.from([...il, ...iu]);
        return {
          xs: images(weakView(draws, data, both, this.imageShape), N, F),
          xt: images(weakView(draws, data, both, this.imageShape), N, F),
          y: new Tensor('int32', [B], il.map((i) => data.y[i]!)),
          w: scalar32(sigmoidRamp(t, this.steps, this.ramp, this.consistency)),
          decay: scalar32(emaDecay(t, this.emaDecay)),
        };
      }, { draws }, fit);
    } finally {
      trainer.dispose();
    }
    this.student_ = { ...trainer.params };
    this.params_ = Object.fromEntries(names.map((p) => [p, trainer.carried[TEACHER + p]!]));
  }
}
