// ReSSL (Zheng et al., NeurIPS 2021; ssl-semi.md §2.4): a momentum teacher on the weak view, the student on
// the strong view, relations to a FIFO queue of past teacher embeddings. The teacher's EMA and the queue
// are carried inside the step graph (trainStep `carry`), so no host round trip per step.
import {
  GraphBuilder, Tensor, concat, emaUpdate, l2Normalize, slice, stopGradient,
  type Feeds, type Graph, type Philox, type TrainStep, type Value,
} from '@repkit/core';
import { kernels } from '@repkit/kernels';
import { resslLoss } from './losses.ts';
import { SelfSupervised, drawBatch, gatherRows, imageTensor, type ImageRows, type SelfSupervisedOptions } from './recipe.ts';

export interface ReSSLOptions extends SelfSupervisedOptions {
  /** Student temperature τ_s (default 0.1). */
  tauStudent?: number;
  /** Teacher temperature τ_t, below τ_s (default 0.04). */
  tauTeacher?: number;
  /** Teacher EMA momentum m (default 0.99, small data). */
  momentum?: number;
  /** Queue length K (default 1024: the digits pool holds 1000 images). */
  queueSize?: number;
  /** Projection width p: head d → p → ReLU → p (default 64). */
  projection?: number;
}

const TEACHER = 'teacher.';

export class ReSSL extends SelfSupervised {
  readonly defaultLayer: number;
  readonly tauStudent: number;
  readonly tauTeacher: number;
  readonly momentum: number;
  readonly queueSize: number;
  readonly projection: number;

  /** Batch 256, wd 1e-6, Adam 1e-3, 2000 steps as SimCLR in ssl-semi.md §6.3; ReSSL's own defaults otherwise. */
  constructor(opts: ReSSLOptions = {}) {
    super('ressl', opts, { batchSize: 256, weightDecay: 1e-6 });
    this.tauStudent = opts.tauStudent ?? 0.1;
    this.tauTeacher = opts.tauTeacher ?? 0.04;
    this.momentum = opts.momentum ?? 0.99;
    this.queueSize = opts.queueSize ?? 1024;
    this.projection = opts.projection ?? 64;
    for (const [k, v] of [['tauStudent', this.tauStudent], ['tauTeacher', this.tauTeacher]] as const) {
      if (!(v > 0) || !Number.isFinite(v)) throw new Error(`${k} must be a positive number, got ${v}`);
    }
    if (!(this.momentum >= 0 && this.momentum < 1)) throw new Error(`momentum must be in [0, 1), got ${this.momentum}`);
    if (!Number.isInteger(this.queueSize) || this.queueSize < 1) throw new Error(`queueSize must be a positive integer, got ${this.queueSize}`);
    if (!Number.isInteger(this.projection) || this.projection < 1) throw new Error(`projection must be a positive integer, got ${this.projection}`);
    this.defaultLayer = this.encoder.featureSizes.length;
  }

  headSizes(): number[] {
    return [this.encoder.featureSizes.at(-1)!, this.projection, this.projection];
  }

  settings(): Record<string, unknown> {
    return { tauStudent: this.tauStudent, tauTeacher: this.tauTeacher, momentum: this.momentum, queueSize: this.queueSize, projection: this.projection };
  }

  /** Inputs: weak x1 and strong x2 [B, h·w], the teacher `teacher.*` (param inputs the step does not train) and the queue [K, p]. */
  lossGraph(): Graph {
    const [h, w] = this.encoder.imageShape, B = this.batchSize;
    const b = new GraphBuilder('ressl');
    const x1 = b.data('x1', 'float32', [B, h * w]), x2 = b.data('x2', 'float32', [B, h * w]);
    const queue = b.data('queue', 'float32', [this.queueSize, this.projection]);
    const z1 = this.teacherEmbedding(b, x1);
    const z2 = this.network(b, x2).head;
    return b.build({ loss: resslLoss(z1, z2, queue, { tauStudent: this.tauStudent, tauTeacher: this.tauTeacher }) });
  }

  /** The teacher's normalised, detached embedding of x (its parameters `teacher.*` are never trained). */
  private teacherEmbedding(b: GraphBuilder, x: Value): Value {
    return stopGradient(l2Normalize(this.network(b, x, TEACHER).head));
  }

  stepGraph(): TrainStep {
    const loss = this.lossGraph();
    const student = loss.inputs.filter((i) => i.kind === 'param' && !i.name.startsWith(TEACHER)).map((i) => i.name);
    const teacher = loss.inputs.filter((i) => i.name.startsWith(TEACHER)).map((i) => i.name);
    const K = this.queueSize, B = this.batchSize;
    return this.adamStep(loss, {
      params: student,
      carry: (ctx) => {
        const out: Record<string, Value> = {};
        // EMA after the optimizer update = EMA at the start of the next step with the current student (§2.4 order).
        for (const s of student) out[TEACHER + s] = emaUpdate(ctx.input(TEACHER + s), ctx.next(s), this.momentum);
        // Enqueue this step's teacher embeddings of x1, oldest rows out (FIFO).
        const p = Object.fromEntries(teacher.map((n) => [n, ctx.input(n)]));
        const z1 = stopGradient(l2Normalize(this.forward(ctx.input('x1'), p, TEACHER).head));
        out.queue = K > B ? concat([slice(ctx.input('queue'), [B], [K], [0]), z1], 0) : slice(z1, [B - K], [B], [0]);
        return out;
      },
    });
  }

  protected override carriedInit(init: Record<string, Tensor>, rng: Philox): Record<string, Tensor> {
    const teacher = Object.fromEntries(Object.entries(init).map(([k, t]) => [TEACHER + k, t]));
    // Queue: K×p standard normals, row-normalised (ssl-semi.md §0).
    const K = this.queueSize, p = this.projection, g = rng.normals(K * p), q = new Float32Array(K * p);
    for (let r = 0; r < K; r++) {
      let s = 0;
      for (let j = 0; j < p; j++) s += g[r * p + j]! ** 2;
      const inv = 1 / Math.max(Math.sqrt(s), 1e-12);
      for (let j = 0; j < p; j++) q[r * p + j] = g[r * p + j]! * inv;
    }
    return { ...teacher, queue: new Tensor('float32', [K, p], q) };
  }

  protected batch(data: ImageRows, batches: Philox, augment: Philox): Feeds {
    const B = this.batchSize, f = data.h * data.w;
    const imgs = gatherRows(data, drawBatch(batches, data.n, B));
    const x1 = kernels().shiftImages(imgs, B, data.h, data.w, augment);
    const x2 = kernels().strongAugment(imgs, B, data.h, data.w, augment);
    return { x1: imageTensor(x1, B, f), x2: imageTensor(x2, B, f) };
  }
}
