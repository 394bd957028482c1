// Gumbel-softmax with the temperature fed as a graph input (1/τ as a scalar), so a host schedule can anneal
// τ every step without retracing (wav2vec 2.0's τ(step) = max(2·0.999995^step, τ_min), ssl-semi.md §2.5.2).
// Same definition as gumbelSoftmax in soft-targets.ts, whose τ is fixed at trace time.
import type { Value } from '../ir/graph.ts';
import type { GumbelSoftmax } from './soft-targets.ts';
import { add, argmax, log, mul, neg, oneHot, softmax, stopGradient, sub } from './prims.ts';

/** softmax((z + g)·invTau) with g = −log(−log u); hard = onehot(argmax) − sg(soft) + soft (Jang et al. 2017). */
export function gumbelSoftmaxFed(logits: Value, u: Value, invTau: Value): GumbelSoftmax {
  const classes = logits.shape[logits.rank - 1];
  if (typeof classes !== 'number') throw new Error('gumbelSoftmaxFed: the last dim of the logits must be static');
  if (invTau.rank !== 0) throw new Error(`gumbelSoftmaxFed: invTau must be a scalar (1/τ), got shape [${invTau.shape.join(', ')}]`);
  const g = neg(log(neg(log(u))));
  const soft = softmax(mul(add(logits, g), invTau), -1);
  const index = argmax(soft, -1);
  const hard = add(sub(oneHot(index, classes, logits.dtype), stopGradient(soft)), soft);
  return { soft, hard, index };
}
