// `repkit metric gmml`: the METHODS §6 protocol on digits, iris or a labelled CSV: k-NN accuracy with
// the Euclidean metric and with GMML learned on each training fold (standardised, repeated k-fold).
import type { Command } from 'commander';
import { metric } from '@repkit/methods';
import { parseIntArg } from '../args.ts';
import { loadData, parseNonNegative, withCommon, type CommonOptions } from './cluster.ts';

interface MetricOptions extends CommonOptions { k: string; folds: string; repeats: string; t: string; lambda: string }

export function metricCommand(program: Command): void {
  const group = program.command('metric').description('metric learning: GMML (geometric mean metric learning) evaluated by k-NN');
  withCommon(group.command('gmml').description('k-NN accuracy, Euclidean vs GMML, over repeated stratified folds (float64 host linear algebra: --backend is not used)'))
    .option('--k <n>', 'neighbours that vote', '5')
    .option('--folds <n>', 'stratified folds per repeat', '5')
    .option('--repeats <n>', 'repeats (split and pair seeds seed … seed + repeats − 1)', '5')
    .option('--t <x>', 'geodesic weight t in [0, 1] (0.5: A = S⁻¹ # D)', '0.5')
    .option('--lambda <x>', 'weight of the identity prior', '0.1')
    .action((o: MetricOptions) => {
      const ds = loadData(o.data, o.data.endsWith('.csv') ? o.labelColumn : 'last');
      if (!ds.y) throw new Error(`--data ${o.data} has no labels; pass a CSV with --label-column last`);
      const t = parseNonNegative('--t', o.t);
      if (t > 1) throw new Error(`--t must be in [0, 1], got '${o.t}'`);
      const opts = {
        nNeighbors: parseIntArg('--k', o.k, 1), folds: parseIntArg('--folds', o.folds, 2), repeats: parseIntArg('--repeats', o.repeats, 1),
        seed: parseIntArg('--seed', o.seed, 0), gmml: { t, lambda: parseNonNegative('--lambda', o.lambda) },
      };
      const t0 = performance.now();
      const acc = metric.compareKnn(ds.X, ds.y, opts);
      const seconds = (performance.now() - t0) / 1000;
      const out = { data: ds.name, backend: 'host (float64)', k: opts.nNeighbors, folds: opts.folds, repeats: opts.repeats, t, lambda: opts.gmml.lambda, knnEuclidean: acc.euclidean, knnGmml: acc.gmml, seconds };
      console.log(`${ds.name}: ${out.k}-NN accuracy over ${acc.runs} folds (standardised): Euclidean ${acc.euclidean.toFixed(4)}, GMML ${acc.gmml.toFixed(4)} (${acc.gmml >= acc.euclidean ? '≥' : '<'} Euclidean), ${seconds.toFixed(2)} s`);
      if (o.json) console.log(JSON.stringify(out));
    });
}
