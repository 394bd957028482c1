// The MLP encoder of the digits protocol (ssl-semi.md §6.1, §6.3): 64 → 256 → 256 with ReLU; both hidden
// layers are features (RotNet probes layer 1, SimCLR layer 2).
import { linear, linearInit, relu, type GraphBuilder, type Philox, type Tensor, type Value } from '@repkit/core';
import type { Encoder } from './encoder.ts';

export interface MlpEncoderOptions {
  /** Hidden widths (default [256, 256]). */
  hidden?: readonly number[];
  /** Image height and width (default [8, 8]). */
  imageShape?: readonly [number, number];
}

export class MlpEncoder implements Encoder {
  readonly kind = 'mlp';
  readonly imageShape: readonly [number, number];
  readonly featureSizes: readonly number[];

  constructor({ hidden = [256, 256], imageShape = [8, 8] }: MlpEncoderOptions = {}) {
    if (hidden.length === 0 || hidden.some((h) => !Number.isInteger(h) || h < 1)) throw new Error(`MlpEncoder: hidden must be positive integers, got [${hidden.join(', ')}]`);
    this.imageShape = imageShape;
    this.featureSizes = [...hidden];
  }

  private sizes(): number[] {
    return [this.imageShape[0] * this.imageShape[1], ...this.featureSizes];
  }

  params(b: GraphBuilder, prefix = 'enc.'): Record<string, Value> {
    const out: Record<string, Value> = {}, s = this.sizes();
    for (let i = 0; i + 1 < s.length; i++) {
      out[`${prefix}W${i}`] = b.param(`${prefix}W${i}`, 'float32', [s[i]!, s[i + 1]!]);
      out[`${prefix}b${i}`] = b.param(`${prefix}b${i}`, 'float32', [s[i + 1]!]);
    }
    return out;
  }

  init(rng: Philox, prefix = 'enc.'): Record<string, Tensor> {
    const out: Record<string, Tensor> = {}, s = this.sizes();
    for (let i = 0; i + 1 < s.length; i++) {
      const { W, b } = linearInit(rng, s[i]!, s[i + 1]!);
      out[`${prefix}W${i}`] = W;
      out[`${prefix}b${i}`] = b;
    }
    return out;
  }

  apply(x: Value, p: Readonly<Record<string, Value>>, prefix = 'enc.'): Value[] {
    const feats: Value[] = [];
    let h = x;
    for (let i = 0; i < this.featureSizes.length; i++) feats.push((h = relu(linear(h, p[`${prefix}W${i}`]!, p[`${prefix}b${i}`]))));
    return feats;
  }
}
