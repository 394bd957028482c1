// The digits protocol of ssl-semi.md §6.1: fit on the 1000-image pool with some labels kept (−1 for the
// rest), score on the 797 test images. 50 labels are the spec's fixed set (5 per class); the whole pool is
// `supall`; other counts take the first k/10 images of each class in a fixed permutation of the pool.
import { Philox, Tensor } from '@repkit/core';
import { digitsSplit, loadDigits, takeRows } from '@repkit/data';

export interface SemiTask {
  /** Pool images [1000, 64] and their labels, −1 where hidden. */
  X: Tensor;
  y: Tensor;
  Xtest: Tensor;
  ytest: Tensor;
  labelled: number;
}

export function digitsProtocol(labels = 50): SemiTask {
  const { X, y } = loadDigits();
  const split = digitsSplit();
  const classes = 10, pool = split.pool.length;
  if (!Number.isInteger(labels) || labels < classes || labels > pool || labels % classes !== 0) {
    throw new Error(`labels must be a multiple of the ${classes} classes between ${classes} and the pool's ${pool} (one class needs at least one label), got ${labels}`);
  }
  const truth = y.data as Int32Array;
  let keep: Int32Array;
  if (labels === split.labelled.length) keep = split.labelled;
  else if (labels === pool) keep = split.pool;
  else {
    const order = new Philox(0).permutation(pool);
    const per = new Map<number, number>();
    keep = Int32Array.from([...order].map((k) => split.pool[k]!).filter((r) => {
      const n = per.get(truth[r]!) ?? 0;
      per.set(truth[r]!, n + 1);
      return n < labels / classes;
    }));
  }
  const kept = new Set(keep);
  const yl = Int32Array.from(split.pool, (r) => (kept.has(r) ? truth[r]! : -1));
  return {
    X: takeRows(X, split.pool), y: new Tensor('int32', [pool], yl),
    Xtest: takeRows(X, split.test), ytest: takeRows(y, split.test), labelled: keep.length,
  };
}
