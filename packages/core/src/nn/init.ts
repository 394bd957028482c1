// Parameter initialisation from the host generator (weights are inputs, never drawn in a graph).
import { Tensor, sizeOf, type DType } from '../tensor.ts';
import type { Philox } from '../rng/philox.ts';

/** U(−bound, bound) of a shape. */
export function uniformInit(rng: Philox, shape: readonly number[], bound: number, dtype: DType = 'float32'): Tensor {
  return new Tensor('float64', shape, rng.uniforms(sizeOf(shape), -bound, bound)).cast(dtype);
}

/** torch.nn.Linear's default: W and b ~ U(±1/√fan_in) (Kaiming-uniform with a = √5). */
export function linearInit(rng: Philox, fanIn: number, fanOut: number, dtype: DType = 'float32'): { W: Tensor; b: Tensor } {
  const bound = 1 / Math.sqrt(fanIn);
  return { W: uniformInit(rng, [fanIn, fanOut], bound, dtype), b: uniformInit(rng, [fanOut], bound, dtype) };
}
