// The evaluation of ssl-semi.md §6.3: frozen encoder features of the un-augmented pool and test images,
// a linear probe (standardised, LogisticRegression C = 1) on some labelled pool rows, test accuracy.
import type { Tensor } from '@repkit/core';
import { takeRows } from '@repkit/data';
import { linearProbe, type ProbeResult } from '../linear/probe.ts';
import type { SelfSupervised } from './recipe.ts';

export interface ProbeSplit {
  /** Row indices of X: the pool (probe training rows) and the test rows. */
  pool: Int32Array;
  test: Int32Array;
  /** Row indices of X (inside the pool) of the labelled set, class-grouped as digitsSplit's (5 per class). */
  labelled: Int32Array;
}

/**
 * The first `count` probe rows (positions within the pool): the labelled set taken round-robin over its
 * classes (so 10 labels cover the 10 classes), then the rest of the pool in pool order.
 */
export function probeRows(split: ProbeSplit, y: Tensor, count: number): Int32Array {
  const at = new Map(Array.from(split.pool, (r, i) => [r, i]));
  const byClass = new Map<number, number[]>();
  for (const r of split.labelled) {
    if (!at.has(r)) throw new Error(`labelled row ${r} is not in the pool`);
    const c = y.data[r]!;
    byClass.set(c, [...(byClass.get(c) ?? []), at.get(r)!]);
  }
  const classes = [...byClass.keys()].sort((a, b) => a - b);
  const order: number[] = [];
  for (let k = 0; order.length < split.labelled.length; k++) for (const c of classes) if (byClass.get(c)![k] !== undefined) order.push(byClass.get(c)![k]!);
  const seen = new Set(order);
  for (let i = 0; i < split.pool.length; i++) if (!seen.has(i)) order.push(i);
  const nClasses = new Set(Array.from(split.pool, (r) => y.data[r]!)).size;
  if (!Number.isInteger(count) || count < nClasses || count > split.pool.length) {
    throw new Error(`probe labels must be an integer from ${nClasses} (the classes) to ${split.pool.length} (the pool), got ${count}`);
  }
  return Int32Array.from(order.slice(0, count));
}

/** Probe accuracy of `model`'s encoder layer `layer` (default: the recipe's) with each count of labels. */
export async function probeEncoder(model: SelfSupervised, X: Tensor, y: Tensor, split: ProbeSplit, counts: readonly number[], layer = model.defaultLayer): Promise<ProbeResult[]> {
  const pool = await model.transform(takeRows(X, split.pool), { layer });
  const test = await model.transform(takeRows(X, split.test), { layer });
  const data = {
    pool: pool.data, test: test.data, dim: pool.shape[1]!,
    poolLabels: Array.from(split.pool, (r) => y.data[r]!), testLabels: Array.from(split.test, (r) => y.data[r]!),
  };
  return counts.map((c) => linearProbe(data, probeRows(split, y, c)));
}

