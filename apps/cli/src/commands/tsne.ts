// `repkit tsne`: embed digits, iris or a CSV with t-SNE, report KL and trustworthiness, and draw the
// embedding coloured by label: a vega-lite 6 spec compiled by vega to SVG in Node, PNG through resvg.
import type { Command } from 'commander';
import type { Tensor } from '@repkit/core';
import { manifold } from '@repkit/methods';
import * as vl from 'vega-lite';
import * as vega from 'vega';
import { Resvg } from '@resvg/resvg-js';
import { parseIntArg, parseNumberArg } from '../args.ts';
import { prepareOutputFile, writeFileAtomic } from '../files.ts';
import { loadBackend, loadData, parseNonNegative, withCommon, type CommonOptions } from './cluster.ts';

interface TsneOptions extends CommonOptions {
  perplexity: string; method: string; nIter: string; angle: string; learningRate: string; init: string; out: string[]; trust: string;
}

/** The scatter of a 2-D embedding coloured by label, as an SVG string (vega-lite → vega → View.toSVG). */
export async function scatterSvg(E: Tensor, labels: Tensor | undefined, title: string): Promise<string> {
  const n = E.shape[0]!;
  const values = Array.from({ length: n }, (_, i) => ({ x: E.data[2 * i]!, y: E.data[2 * i + 1]!, label: labels ? String(labels.data[i]) : 'all' }));
  const spec: vl.TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title, width: 640, height: 640, background: 'white',
    data: { values },
    mark: { type: 'circle', size: 14, opacity: 0.85 },
    encoding: {
      x: { field: 'x', type: 'quantitative', axis: { title: 't-SNE 1', grid: false } },
      y: { field: 'y', type: 'quantitative', axis: { title: 't-SNE 2', grid: false } },
      color: { field: 'label', type: 'nominal', scale: { scheme: 'category10' }, legend: { title: labels ? 'label' : null } },
    },
  };
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function tsneCommand(program: Command): void {
  withCommon(program.command('tsne').description('t-SNE embedding: prints KL and trustworthiness(5); --out writes a scatter plot (.svg or .png)'))
    .option('--perplexity <x>', 'effective number of neighbours (below the number of rows)', '30')
    .option('--method <m>', 'barnes_hut (host) or exact (step graph on --backend)', 'barnes_hut')
    .option('--n-iter <n>', 'iterations, 250 early-exaggerated ones included', '1000')
    .option('--angle <x>', 'Barnes–Hut θ', '0.5')
    .option('--learning-rate <x>', "step size or 'auto' = max(n / 48, 50)", 'auto')
    .option('--init <pca|random>', 'initial embedding', 'pca')
    .option('--trust <k>', 'neighbours for trustworthiness (0 skips it)', '5')
    .option('--out <file>', 'write the scatter plot: .svg or .png (repeatable)', collect, [])
    .action(async (o: TsneOptions) => {
      for (const f of o.out) if (!/\.(svg|png)$/i.test(f)) throw new Error(`--out must name a .svg or .png file, got '${f}'`);
      for (const f of o.out) prepareOutputFile('--out', f);
      if (o.method !== 'barnes_hut' && o.method !== 'exact') throw new Error(`--method must be barnes_hut or exact, got '${o.method}'`);
      if (o.init !== 'pca' && o.init !== 'random') throw new Error(`--init must be pca or random, got '${o.init}'`);
      const ds = loadData(o.data, o.labelColumn);
      const backend = await loadBackend(o.backend);
      const ts = new manifold.TSNE({
        perplexity: parseNumberArg('--perplexity', o.perplexity, 0), method: o.method, nIter: parseIntArg('--n-iter', o.nIter, 250),
        angle: parseNonNegative('--angle', o.angle), init: o.init,
        learningRate: o.learningRate === 'auto' ? 'auto' : parseNumberArg('--learning-rate', o.learningRate, 0), seed: parseIntArg('--seed', o.seed, 0), backend,
      });
      const t0 = performance.now();
      const E = await ts.fitTransform(ds.X);
      const seconds = (performance.now() - t0) / 1000;
      const k = parseIntArg('--trust', o.trust, 0);
      const trust = k > 0 ? manifold.trustworthiness(ds.X, E, k) : undefined;
      // At --n-iter 250 no iteration follows the exaggerated stage, so (as in scikit-learn) no KL was measured: its sentinel is the largest double.
      const kl = ts.klDivergence_ < Number.MAX_VALUE ? ts.klDivergence_ : null;
      const title = `t-SNE of ${ds.name} (perplexity ${ts.perplexity}, ${ts.method}, ${kl === null ? 'KL not measured at --n-iter 250' : `KL ${kl.toFixed(3)}`})`;
      if (o.out.length) {
        const svg = await scatterSvg(E, ds.y, title);
        for (const f of o.out) {
          writeFileAtomic(f, f.toLowerCase().endsWith('.svg') ? svg : new Resvg(svg, { background: 'white', fitTo: { mode: 'zoom', value: 2 }, font: { loadSystemFonts: true } }).render().asPng());
        }
      }
      const out = {
        data: ds.name, backend: ts.method === 'exact' ? backend : 'host (TypeScript)', method: ts.method, perplexity: ts.perplexity, kl,
        ...(trust !== undefined ? { trustworthiness: trust, trustNeighbors: k } : {}), nIter: ts.nIter_ + 1, learningRate: ts.learningRate_, seconds, out: o.out,
      };
      console.log(`${title}: ${out.nIter} iterations${trust !== undefined ? `, trustworthiness(${k}) ${trust.toFixed(4)}` : ''}, ${seconds.toFixed(1)} s on ${out.backend}${o.out.length ? `; wrote ${o.out.join(', ')}` : ''}`);
      if (o.json) console.log(JSON.stringify(out));
      ts.dispose();
    });
}
