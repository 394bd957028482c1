// `npm run bench -- NAME`: side-by-side benchmarks that print ratios against a baseline run in the same script.
import { benchMlp } from './mlp.ts';
import { benchTables } from './tables.ts';
import { benchKernels } from './kernels.ts';
import { benchKgeSpeed } from './kge-speed.ts';
import { benchKgeTranse } from './kge-transe.ts';
import { benchServe } from './serve.ts';
import { benchClassical } from './classical.ts';
import { benchKgeTable } from './kge-table.ts';
import { benchEdge } from './edge.ts';
import { benchSemi } from './semi.ts';
import { benchSemiNoise, benchSemiTable } from './semi-table.ts';
import { benchSemiSeeds } from './semi-seeds.ts';

const benches: Record<string, () => Promise<void>> = { mlp: benchMlp, tables: benchTables, kernels: benchKernels, 'kge-speed': benchKgeSpeed, 'kge-transe': benchKgeTranse, serve: benchServe, classical: benchClassical, 'kge-table': () => benchKgeTable(), edge: benchEdge, semi: benchSemi, 'semi-table': benchSemiTable, 'semi-noise': benchSemiNoise, 'semi-seeds': benchSemiSeeds };

const names = process.argv.slice(2);
if (names.length === 0 || names.some((n) => !benches[n])) {
  console.error(`usage: npm run bench -- <${Object.keys(benches).join('|')}> (got '${names.join(' ')}')`);
  process.exit(2);
}
for (const n of names) await benches[n]!();
