// `repkit cluster kmeans|gmm`: fit on digits, iris or a CSV table; print the fit summary (and, with
// --json, one JSON object on the last line). Also the --data loader shared by semi, tsne and metric.
import type { Command } from 'commander';
import type { Tensor } from '@repkit/core';
import { loadIris, readNumericCsv } from '@repkit/data';
import { cluster } from '@repkit/methods';
import { loadBackends, parseBackends } from '../backends.ts';
import { parseIntArg } from '../args.ts';

export interface Dataset { name: string; X: Tensor; y?: Tensor }

/** --data: 'digits' (raw pixels 0..16, as scikit-learn), 'iris', or a numeric CSV path (--label-column last). */
export function loadData(data: string, labelColumn = 'none'): Dataset {
  if (labelColumn !== 'last' && labelColumn !== 'none') throw new Error(`--label-column must be 'last' or 'none', got '${labelColumn}'`);
  if (data === 'digits') return { name: 'digits', ...cluster.rawDigits() };
  if (data === 'iris') return { name: 'iris', ...loadIris() };
  if (!data.toLowerCase().endsWith('.csv')) throw new Error(`--data must be digits, iris or a path to a .csv file, got '${data}'`);
  return { name: data, ...readNumericCsv(data, { labelColumn }) };
}

/** Import and register the one backend --backend names. */
export async function loadBackend(name: string): Promise<string> {
  const names = parseBackends(name, '--backend');
  if (names.length > 1) throw new Error(`--backend takes one backend, got '${name}'; run once per backend`);
  const [b] = await loadBackends(names);
  return b!.name;
}

/** A flag that must be a finite number ≥ 0. */
export function parseNonNegative(flag: string, value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new Error(`${flag} must be a number ≥ 0, got '${value}'`);
  return n;
}

export interface CommonOptions { data: string; labelColumn: string; backend: string; seed: string; json?: boolean }

/** The options every classical command takes. */
export function withCommon(cmd: Command, data = 'digits'): Command {
  return cmd
    .option('--data <name|path>', 'digits (raw pixels 0..16), iris, or a numeric CSV file', data)
    .option('--label-column <where>', "for a CSV: 'last' if the last column holds class labels, else 'none'", 'none')
    .option('--backend <name>', 'backend for the step graphs: reference (float64), onnxruntime or wasm', 'reference')
    .option('--seed <n>', 'seed of the host random stream', '0')
    .option('--json', 'print one JSON object on the last line');
}

function scores(labels: Tensor, y: Tensor | undefined): { ari?: number; nmi?: number } {
  return y ? { ari: cluster.adjustedRandScore(y, labels), nmi: cluster.normalizedMutualInfoScore(y, labels) } : {};
}

export function clusterCommand(program: Command): void {
  const group = program.command('cluster').description('clustering: k-means (Lloyd, k-means++) and Gaussian mixtures (EM)');

  withCommon(group.command('kmeans').description('k-means with k-means++ seeding; prints inertia, iterations and, with labels, ARI/NMI'))
    .option('--k <n>', 'number of clusters', '8')
    .option('--n-init <n>', 'k-means++ restarts (the lowest inertia wins)', '10')
    .option('--max-iter <n>', 'Lloyd iterations per run at most', '300')
    .option('--tol <x>', 'stop when the centre shift ≤ tol × mean feature variance', '1e-4')
    .action(async (o: CommonOptions & { k: string; nInit: string; maxIter: string; tol: string }) => {
      const ds = loadData(o.data, o.labelColumn);
      const backend = await loadBackend(o.backend);
      const km = new cluster.KMeans({
        nClusters: parseIntArg('--k', o.k, 1), nInit: parseIntArg('--n-init', o.nInit, 1), maxIter: parseIntArg('--max-iter', o.maxIter, 1),
        tol: parseNonNegative('--tol', o.tol), seed: parseIntArg('--seed', o.seed, 0), backend,
      });
      const t0 = performance.now();
      await km.fit(ds.X);
      const seconds = (performance.now() - t0) / 1000;
      const out = { data: ds.name, backend, k: km.nClusters, nInit: km.nInit, seed: km.seed, inertia: km.inertia_, nIter: km.nIter_, ...scores(km.labels_!, ds.y), seconds };
      console.log(`k-means on ${ds.name} [${ds.X.shape.join(' × ')}], k = ${out.k}, ${out.nInit} init(s), ${backend}: inertia ${out.inertia.toFixed(1)}, ${out.nIter} iterations${out.ari !== undefined ? `, ARI ${out.ari.toFixed(4)}, NMI ${out.nmi!.toFixed(4)}` : ''}, ${seconds.toFixed(2)} s`);
      if (o.json) console.log(JSON.stringify(out));
      km.dispose();
    });

  withCommon(group.command('gmm').description('Gaussian mixture by EM from a k-means start; prints the mean log-likelihood and, with labels, ARI/NMI'))
    .option('--k <n>', 'number of components', '10')
    .option('--covariance-type <type>', 'full, tied, diag or spherical', 'full')
    .option('--reg-covar <x>', 'added to covariance diagonals', '1e-6')
    .option('--tol <x>', 'stop when the lower bound changes by less than tol', '1e-3')
    .option('--max-iter <n>', 'EM iterations per initialisation at most', '100')
    .option('--n-init <n>', 'initialisations (the highest lower bound wins)', '1')
    .action(async (o: CommonOptions & { k: string; covarianceType: string; regCovar: string; tol: string; maxIter: string; nInit: string }) => {
      const ds = loadData(o.data, o.labelColumn);
      const backend = await loadBackend(o.backend);
      const gm = new cluster.GaussianMixture({
        nComponents: parseIntArg('--k', o.k, 1), covarianceType: o.covarianceType as cluster.CovarianceType, regCovar: parseNonNegative('--reg-covar', o.regCovar),
        tol: parseNonNegative('--tol', o.tol), maxIter: parseIntArg('--max-iter', o.maxIter, 1), nInit: parseIntArg('--n-init', o.nInit, 1),
        seed: parseIntArg('--seed', o.seed, 0), backend,
      });
      const t0 = performance.now();
      const labels = await gm.fitPredict(ds.X);
      const seconds = (performance.now() - t0) / 1000;
      const out = {
        data: ds.name, backend, k: gm.nComponents, covarianceType: gm.covarianceType, regCovar: gm.regCovar, seed: gm.seed,
        avgLogLikelihood: await gm.score(ds.X), lowerBound: gm.lowerBound_, converged: gm.converged_, nIter: gm.nIter_, ...scores(labels, ds.y), seconds,
      };
      console.log(`GMM (${out.covarianceType}, reg ${out.regCovar}) on ${ds.name} [${ds.X.shape.join(' × ')}], k = ${out.k}, ${backend}: mean log-likelihood ${out.avgLogLikelihood.toFixed(4)}, ${out.nIter} iterations, ${out.converged ? 'converged' : 'NOT converged'}${out.ari !== undefined ? `, ARI ${out.ari.toFixed(4)}, NMI ${out.nmi!.toFixed(4)}` : ''}, ${seconds.toFixed(2)} s`);
      if (o.json) console.log(JSON.stringify(out));
      gm.dispose();
    });
}
