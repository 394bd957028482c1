// `repkit mlp`: the digits MLP (64-256-256-10, Adam) trained through the same method code on each backend.
import type { Command } from 'commander';
import { MLPClassifier } from '@repkit/methods';
import { digitsSplit, loadDigits, takeRows } from '@repkit/data';
import { loadBackends, parseBackends } from '../backends.ts';
import { progressBar } from '../progress.ts';
import { parseIntArg } from '../args.ts';

export function mlpCommand(program: Command): void {
  program
    .command('mlp')
    .description('train the digits MLP 64-256-256-10 with Adam on each backend; report test accuracy')
    .option('--backends <list>', 'comma-separated backends', 'onnxruntime,wasm')
    .option('--steps <n>', 'Adam steps', '3000')
    .option('--batch <n>', 'batch size', '64')
    .option('--seed <n>', 'seed of initial weights and batches', '0')
    .option('--json', 'print one JSON object on the last line')
    .action(async (o: { backends: string; steps: string; batch: string; seed: string; json?: boolean }) => {
      const steps = parseIntArg('--steps', o.steps, 1), batchSize = parseIntArg('--batch', o.batch, 1);
      const seed = parseIntArg('--seed', o.seed, 0);
      const backends = await loadBackends(parseBackends(o.backends));
      const { X, y } = loadDigits();
      const split = digitsSplit();
      const [Xtr, ytr, Xte, yte] = [takeRows(X, split.pool), takeRows(y, split.pool), takeRows(X, split.test), takeRows(y, split.test)];
      const results = [];
      for (const b of backends) {
        const model = new MLPClassifier({ backend: b.name, steps, batchSize, seed });
        const bar = progressBar(b.name, steps);
        const t0 = performance.now();
        await model.fit(Xtr, ytr, { onProgress: (t, loss) => t % 10 === 0 && bar.update(t, { loss: loss.toFixed(4) }) });
        bar.stop();
        const seconds = (performance.now() - t0) / 1000;
        const accuracy = await model.score(Xte, yte);
        const loss = model.lossCurve_.at(-1)!;
        results.push({ backend: b.name, engine: b.describe(), accuracy, loss, seconds });
        console.log(`${b.describe()}: test accuracy ${(accuracy * 100).toFixed(2)} % (797 images), final batch loss ${loss.toFixed(5)}, ${seconds.toFixed(1)} s`);
      }
      if (o.json) console.log(JSON.stringify({ dataset: 'digits', model: 'mlp-64-256-256-10', steps, batchSize, seed, results }));
    });
}
