// A small CNN for 8×8 single-channel images: conv 3×3 (pad 1) → ReLU → conv 3×3 (pad 1) → ReLU → max-pool 2
// → linear → ReLU. Features: the pooled conv map (flattened) and the linear layer.
import {
  conv2d, linear, linearInit, maxPool, relu, reshape, uniformInit, add, type GraphBuilder, type Philox, type Tensor, type Value,
} from '@repkit/core';
import type { Encoder } from './encoder.ts';

export interface CnnEncoderOptions {
  /** Filters of the two conv layers (default [32, 64]). */
  channels?: readonly [number, number];
  /** Width of the final linear layer (default 256). */
  hidden?: number;
  /** Image height and width, both even (default [8, 8]). */
  imageShape?: readonly [number, number];
}

export class CnnEncoder implements Encoder {
  readonly kind = 'cnn';
  readonly imageShape: readonly [number, number];
  readonly featureSizes: readonly number[];
  readonly channels: readonly [number, number];
  readonly hidden: number;

  constructor({ channels = [32, 64], hidden = 256, imageShape = [8, 8] }: CnnEncoderOptions = {}) {
    if (imageShape.some((d) => !Number.isInteger(d) || d < 2 || d % 2)) throw new Error(`CnnEncoder: imageShape must be even sizes ≥ 2 (max-pool 2), got [${imageShape.join(', ')}]`);
    [...channels, hidden].forEach((c) => {
      if (!Number.isInteger(c) || c < 1) throw new Error(`CnnEncoder: channels and hidden must be positive integers, got channels [${channels.join(', ')}], hidden ${hidden}`);
    });
    this.imageShape = imageShape;
    this.channels = channels;
    this.hidden = hidden;
    this.featureSizes = [this.pooled(), hidden];
  }

  private pooled(): number {
    return this.channels[1] * (this.imageShape[0] / 2) * (this.imageShape[1] / 2);
  }

  params(b: GraphBuilder, prefix = 'enc.'): Record<string, Value> {
    const [c1, c2] = this.channels;
    return {
      [`${prefix}conv1.w`]: b.param(`${prefix}conv1.w`, 'float32', [c1, 1, 3, 3]),
      [`${prefix}conv1.b`]: b.param(`${prefix}conv1.b`, 'float32', [1, c1, 1, 1]),
      [`${prefix}conv2.w`]: b.param(`${prefix}conv2.w`, 'float32', [c2, c1, 3, 3]),
      [`${prefix}conv2.b`]: b.param(`${prefix}conv2.b`, 'float32', [1, c2, 1, 1]),
      [`${prefix}fc.W`]: b.param(`${prefix}fc.W`, 'float32', [this.pooled(), this.hidden]),
      [`${prefix}fc.b`]: b.param(`${prefix}fc.b`, 'float32', [this.hidden]),
    };
  }

  /** torch.nn.Conv2d / Linear defaults: U(±1/√fan_in) for weights and biases. */
  init(rng: Philox, prefix = 'enc.'): Record<string, Tensor> {
    const [c1, c2] = this.channels;
    const b1 = 1 / Math.sqrt(9), b2 = 1 / Math.sqrt(9 * c1);
    const fc = linearInit(rng, this.pooled(), this.hidden);
    return {
      [`${prefix}conv1.w`]: uniformInit(rng, [c1, 1, 3, 3], b1), [`${prefix}conv1.b`]: uniformInit(rng, [1, c1, 1, 1], b1),
      [`${prefix}conv2.w`]: uniformInit(rng, [c2, c1, 3, 3], b2), [`${prefix}conv2.b`]: uniformInit(rng, [1, c2, 1, 1], b2),
      [`${prefix}fc.W`]: fc.W, [`${prefix}fc.b`]: fc.b,
    };
  }

  apply(x: Value, p: Readonly<Record<string, Value>>, prefix = 'enc.'): Value[] {
    const [h, w] = this.imageShape;
    const img = reshape(x, [x.shape[0]!, 1, h, w]);
    const a1 = relu(add(conv2d(img, p[`${prefix}conv1.w`]!, { padding: 1 }), p[`${prefix}conv1.b`]!));
    const a2 = relu(add(conv2d(a1, p[`${prefix}conv2.w`]!, { padding: 1 }), p[`${prefix}conv2.b`]!));
    const pooled = reshape(maxPool(a2, 2), [x.shape[0]!, this.pooled()]);
    return [pooled, relu(linear(pooled, p[`${prefix}fc.W`]!, p[`${prefix}fc.b`]))];
  }
}
