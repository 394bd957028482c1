// RotNet (Gidaris et al., ICLR 2018; ssl-semi.md §2.1, §6.3): all four quarter turns of every weakly
// augmented image in the batch, a 4-way head on the representation, rotation cross-entropy.
import { GraphBuilder, type Feeds, type Graph, type Philox, type TrainStep } from '@repkit/core';
import { kernels } from '@repkit/kernels';
import { rotationLoss } from './losses.ts';
import { SelfSupervised, drawBatch, gatherRows, imageTensor, type ImageRows, type SelfSupervisedOptions } from './recipe.ts';

export class RotNet extends SelfSupervised {
  /** The first hidden layer: the last specialises to the pretext task (ssl-semi.md §6.3). */
  readonly defaultLayer = 1;

  /** Defaults of ssl-semi.md §6.3: batch 128 × 4 rotations, weak augmentation, wd 5e-4, 2000 steps, Adam 1e-3. */
  constructor(opts: SelfSupervisedOptions = {}) {
    super('rotnet', opts, { batchSize: 128, weightDecay: 5e-4 });
    const [h, w] = this.encoder.imageShape;
    if (h !== w) throw new Error(`RotNet needs square images (a quarter turn keeps the shape), got ${h}×${w}`);
  }

  headSizes(): number[] {
    return [this.encoder.featureSizes.at(-1)!, 4];
  }

  settings(): Record<string, unknown> {
    return {};
  }

  /** Rotation CE of x [4B, h·w] = [rot 0 of B images; rot 1; rot 2; rot 3]. */
  lossGraph(): Graph {
    const [h, w] = this.encoder.imageShape;
    const b = new GraphBuilder('rotnet');
    const x = b.data('x', 'float32', [4 * this.batchSize, h * w]);
    return b.build({ loss: rotationLoss(this.network(b, x).head) });
  }

  stepGraph(): TrainStep {
    return this.adamStep(this.lossGraph());
  }

  protected batch(data: ImageRows, batches: Philox, augment: Philox): Feeds {
    const B = this.batchSize, f = data.h * data.w;
    const weak = kernels().shiftImages(gatherRows(data, drawBatch(batches, data.n, B)), B, data.h, data.w, augment);
    const x = new Float32Array(4 * B * f);
    for (let k = 0; k < 4; k++) x.set(kernels().rotate90(weak, B, data.h, data.w, k), k * B * f);
    return { x: imageTensor(x, 4 * B, f) };
  }
}
