// A multi-layer perceptron as parameters declared on a builder and a forward function.
import type { GraphBuilder, Value } from '../ir/graph.ts';
import type { DType, Tensor } from '../tensor.ts';
import type { Philox } from '../rng/philox.ts';
import { linearInit } from './init.ts';
import { relu } from '../ops/api.ts';
import { linear } from './composites.ts';

export interface MlpParams {
  sizes: readonly number[];
  weights: Value[];
  biases: Value[];
}

/** Declare W{i} [in, out] and b{i} [out] parameters for layer sizes like [64, 256, 256, 10]. */
export function mlpParams(b: GraphBuilder, sizes: readonly number[], dtype: DType = 'float32', prefix = ''): MlpParams {
  if (sizes.length < 2 || sizes.some((s) => !Number.isInteger(s) || s < 1)) {
    throw new Error(`mlp: sizes must be ≥ 2 positive integers, got [${sizes.join(', ')}]`);
  }
  const weights: Value[] = [], biases: Value[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    weights.push(b.param(`${prefix}W${i}`, dtype, [sizes[i]!, sizes[i + 1]!]));
    biases.push(b.param(`${prefix}b${i}`, dtype, [sizes[i + 1]!]));
  }
  return { sizes, weights, biases };
}

/** ReLU between layers, none after the last. */
export function mlp(x: Value, p: MlpParams): Value {
  let h = x;
  p.weights.forEach((W, i) => {
    h = linear(h, W, p.biases[i]);
    if (i + 1 < p.weights.length) h = relu(h);
  });
  return h;
}

/** Initial values for `mlpParams` names (torch.nn.Linear's default init), drawn from `rng`. */
export function mlpInit(rng: Philox, sizes: readonly number[], dtype: DType = 'float32', prefix = ''): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (let i = 0; i + 1 < sizes.length; i++) {
    const { W, b } = linearInit(rng, sizes[i]!, sizes[i + 1]!, dtype);
    out[`${prefix}W${i}`] = W;
    out[`${prefix}b${i}`] = b;
  }
  return out;
}
