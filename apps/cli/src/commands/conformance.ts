// `repkit conformance`: every case on every backend against the float64 reference.
import type { Command } from 'commander';
import { formatMatrix, runConformance } from '@repkit/conformance';
import { loadBackends, parseBackends } from '../backends.ts';
import { prepareOutputFile, prepareOutputFolder, writeFileAtomic } from '../files.ts';

export function conformanceCommand(program: Command): void {
  program
    .command('conformance')
    .description('check every op, gradient and train step on each backend against the float64 reference')
    .option('--backends <list>', 'comma-separated backends', 'reference,onnxruntime,wasm')
    .option('--filter <text>', 'only cases whose name contains text')
    .option('--json <file>', 'write the rows as JSON')
    .option('--onnx-dir <dir>', 'also write every checked graph as an ONNX file')
    .action(async (o: { backends: string; filter?: string; json?: string; onnxDir?: string }) => {
      // Output paths are made and checked first: a full run takes minutes.
      if (o.json) prepareOutputFile('--json', o.json);
      if (o.onnxDir) prepareOutputFolder('--onnx-dir', o.onnxDir);
      const backends = await loadBackends(parseBackends(o.backends));
      for (const b of backends) console.log(`backend: ${b.describe()}`);
      const rows = await runConformance({ backends: backends.map((b) => b.name), filter: o.filter, onnxDir: o.onnxDir });
      if (rows.length === 0) throw new Error(`--filter '${o.filter}' matches no case`);
      console.log(formatMatrix(rows));
      if (o.json) writeFileAtomic(o.json, JSON.stringify(rows, null, 1) + '\n');
      if (rows.some((r) => !r.pass)) process.exitCode = 1;
    });
}
