// `repkit semi spread|propagate` (and the recipes of semi-recipes.ts): graph-based semi-supervised learning on digits, iris or a CSV. With
// complete labels, a fraction is kept by the mask of sklearn_ref.py (RandomState(seed), draw-th rand(n));
// a CSV whose label column already holds −1 is used as given. Accuracy is on the hidden labels.
import type { Command } from 'commander';
import { Tensor } from '@repkit/core';
import { semi } from '@repkit/methods';
import { parseIntArg, parseNumberArg } from '../args.ts';
import { loadBackend, loadData, parseNonNegative, withCommon, type CommonOptions } from './cluster.ts';
import { addRecipeCommands } from './semi-recipes.ts';

interface SemiOptions extends CommonOptions {
  kernel: string; nNeighbors: string; gamma: string; alpha?: string; maxIter?: string; tol: string; labelled: string; draw: string;
}

async function run(variant: 'spread' | 'propagate', o: SemiOptions): Promise<void> {
  const ds = loadData(o.data, o.data.endsWith('.csv') ? o.labelColumn : 'last');
  if (!ds.y) throw new Error(`--data ${o.data} has no labels; pass a CSV with --label-column last (−1 marks unlabelled rows)`);
  if (o.kernel !== 'knn' && o.kernel !== 'rbf') throw new Error(`--kernel must be knn or rbf, got '${o.kernel}'`);
  if (o.alpha !== undefined && variant !== 'spread') throw new Error(`--alpha applies to spread only, not ${variant}`);
  const backend = await loadBackend(o.backend);
  const truth = ds.y.data as Int32Array;
  const given = truth.some((c) => c < 0);
  const fraction = parseNumberArg('--labelled', o.labelled, 0);
  const yl = given ? truth : semi.maskLabels(truth, fraction, { seed: parseIntArg('--seed', o.seed, 0), draw: parseIntArg('--draw', o.draw, 1) });
  if (!given && !yl.some((c) => c < 0)) throw new Error(`--labelled ${o.labelled} hides no label, so no accuracy can be measured; pass a share below 1`);
  const common = {
    kernel: o.kernel as 'knn' | 'rbf', nNeighbors: parseIntArg('--n-neighbors', o.nNeighbors, 1), gamma: parseNumberArg('--gamma', o.gamma, 0),
    tol: parseNonNegative('--tol', o.tol), backend, ...(o.maxIter ? { maxIter: parseIntArg('--max-iter', o.maxIter, 1) } : {}),
  };
  const model = variant === 'spread' ? new semi.LabelSpreading({ ...common, alpha: parseNumberArg('--alpha', o.alpha ?? '0.2', 0) }) : new semi.LabelPropagation(common);
  const t0 = performance.now();
  await model.fit(ds.X, new Tensor('int32', [yl.length], yl));
  const seconds = (performance.now() - t0) / 1000;
  let hit = 0, hidden = 0;
  if (!given) yl.forEach((c, i) => { if (c < 0) { hidden++; hit += model.transduction_!.data[i] === truth[i] ? 1 : 0; } });
  const labelled = yl.filter((c) => c >= 0).length;
  const out = {
    data: ds.name, backend, method: variant === 'spread' ? 'label-spreading' : 'label-propagation', kernel: model.kernel, labelled,
    nIter: model.nIter_, ...(given ? {} : { accuracyUnlabelled: hit / hidden }), seconds,
  };
  console.log(`${out.method} on ${ds.name} (${labelled} of ${yl.length} labelled, ${model.kernel} kernel), ${backend}: ${out.nIter} iterations${given ? '' : `, accuracy on the ${hidden} unlabelled rows ${(hit / hidden).toFixed(4)}`}, ${seconds.toFixed(2)} s`);
  if (o.json) console.log(JSON.stringify(out));
  model.dispose();
}

export function semiCommand(program: Command): void {
  const group = program.command('semi').description('semi-supervised learning: label spreading and propagation, and the recipes FixMatch, MixMatch, Mean Teacher, entropy minimisation, self-training');
  addRecipeCommands(group);
  for (const [name, what] of [['spread', 'label spreading (Zhou et al. 2004)'], ['propagate', 'label propagation (Zhu & Ghahramani 2002)']] as const) {
    withCommon(group.command(name).description(`${what}; prints the accuracy on the rows whose labels were hidden`))
      .option('--kernel <knn|rbf>', 'affinity graph', 'knn')
      .option('--n-neighbors <n>', 'knn: neighbours per row, itself included', '7')
      .option('--gamma <x>', 'rbf: exp(−γ‖x − x′‖²)', '20')
      .option('--alpha <x>', 'spread: clamping factor in (0, 1) (default 0.2)')
      .option('--max-iter <n>', 'iterations at most (default 30 for spread, 1000 for propagate)')
      .option('--tol <x>', 'stop when Σ|F − F_prev| < tol', '1e-3')
      .option('--labelled <fraction>', 'share of rows that keep their label (when the data has no −1 labels)', '0.1')
      .option('--draw <n>', 'which rand(n) call of RandomState(seed) makes the mask (2 = sklearn_ref.py’s 10 % run)', '2')
      .action((o: SemiOptions) => run(name, o));
  }
}
