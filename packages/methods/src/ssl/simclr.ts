// SimCLR (Chen et al., ICML 2020; ssl-semi.md §2.2, §6.3): two strong views of every image, encoder f,
// projection head g (256 → 64 → ReLU → 64), NT-Xent at temperature τ over the 2N views.
import { GraphBuilder, slice, type Feeds, type Graph, type Philox, type TrainStep } from '@repkit/core';
import { kernels } from '@repkit/kernels';
import { ntXent } from './losses.ts';
import { SelfSupervised, drawBatch, gatherRows, imageTensor, type ImageRows, type SelfSupervisedOptions } from './recipe.ts';

export interface SimCLROptions extends SelfSupervisedOptions {
  /** NT-Xent temperature τ (default 0.5). */
  tau?: number;
  /** Projection width p: head d → p → ReLU → p (default 64). */
  projection?: number;
}

export class SimCLR extends SelfSupervised {
  readonly defaultLayer: number;
  readonly tau: number;
  readonly projection: number;

  /** Defaults of ssl-semi.md §6.3: batch 256 (2N = 512), wd 1e-6, τ = 0.5, 2000 steps, Adam 1e-3. */
  constructor(opts: SimCLROptions = {}) {
    super('simclr', opts, { batchSize: 256, weightDecay: 1e-6 });
    this.tau = opts.tau ?? 0.5;
    this.projection = opts.projection ?? 64;
    if (!(this.tau > 0) || !Number.isFinite(this.tau)) throw new Error(`tau must be a positive number (the NT-Xent temperature), got ${this.tau}`);
    if (!Number.isInteger(this.projection) || this.projection < 1) throw new Error(`projection must be a positive integer, got ${this.projection}`);
    this.defaultLayer = this.encoder.featureSizes.length;
  }

  headSizes(): number[] {
    return [this.encoder.featureSizes.at(-1)!, this.projection, this.projection];
  }

  settings(): Record<string, unknown> {
    return { tau: this.tau, projection: this.projection };
  }

  /** NT-Xent of x [2N, h·w] = [view 1 of N images; view 2 of the same N]. */
  lossGraph(): Graph {
    const [h, w] = this.encoder.imageShape, N = this.batchSize;
    const b = new GraphBuilder('simclr');
    const x = b.data('x', 'float32', [2 * N, h * w]);
    const z = this.network(b, x).head;
    return b.build({ loss: ntXent(slice(z, [0], [N], [0]), slice(z, [N], [2 * N], [0]), this.tau) });
  }

  stepGraph(): TrainStep {
    return this.adamStep(this.lossGraph());
  }

  protected batch(data: ImageRows, batches: Philox, augment: Philox): Feeds {
    const N = this.batchSize, f = data.h * data.w;
    const imgs = gatherRows(data, drawBatch(batches, data.n, N));
    const v1 = kernels().strongAugment(imgs, N, data.h, data.w, augment);
    const v2 = kernels().strongAugment(imgs, N, data.h, data.w, augment);
    const x = new Float32Array(2 * N * f);
    x.set(v1, 0);
    x.set(v2, N * f);
    return { x: imageTensor(x, 2 * N, f) };
  }
}

