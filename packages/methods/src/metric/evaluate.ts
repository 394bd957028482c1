// The METHODS §6 protocol: k-NN accuracy with the Euclidean metric and with GMML fitted on each training
// fold, on standardised features, averaged over repeated stratified k-fold splits.
import type { Tensor } from '@repkit/core';
import { takeRows } from '@repkit/data';
import { complement, standardize, stratifiedKFold } from './cv.ts';
import { GMML, type GMMLOptions } from './gmml.ts';
import { KNeighborsClassifier } from './knn.ts';

export interface CompareKnnOptions {
  /** Neighbours that vote (default 5). */
  nNeighbors?: number;
  /** Folds per repeat (default 5). */
  folds?: number;
  /** Repeats with split seeds 0..repeats−1; repeat r also seeds GMML's pairs with r (default 5). */
  repeats?: number;
  /** First seed: repeat r uses seed + r (default 0). */
  seed?: number;
  /** GMML options besides the seed (defaults t = 0.5, λ = 0.1). */
  gmml?: Omit<GMMLOptions, 'seed'>;
}

/** Mean accuracy over repeats × folds of Euclidean k-NN and of k-NN under GMML. */
export function compareKnn(X: Tensor, y: Tensor, { nNeighbors = 5, folds = 5, repeats = 5, seed: first = 0, gmml = {} }: CompareKnnOptions = {}): { euclidean: number; gmml: number; runs: number } {
  const Xs = standardize(X);
  let e = 0, g = 0, runs = 0;
  for (let seed = first; seed < first + repeats; seed++) {
    for (const test of stratifiedKFold(y, folds, seed)) {
      const train = complement(y.size, test);
      const [Xtr, ytr, Xte, yte] = [takeRows(Xs, train), takeRows(y, train), takeRows(Xs, test), takeRows(y, test)];
      e += new KNeighborsClassifier({ nNeighbors }).fit(Xtr, ytr).score(Xte, yte);
      const metric = new GMML({ ...gmml, seed }).fit(Xtr, ytr);
      g += new KNeighborsClassifier({ nNeighbors, metric }).fit(Xtr, ytr).score(Xte, yte);
      runs++;
    }
  }
  return { euclidean: e / runs, gmml: g / runs, runs };
}
