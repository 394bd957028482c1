// The `repkit` command.
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { conformanceCommand } from './commands/conformance.ts';
import { doctorCommand } from './commands/doctor.ts';
import { mlpCommand } from './commands/mlp.ts';
import { kgeCommand } from './commands/kge.ts';
import { serveCommand } from '@repkit/server/command';
import { parseDevice, settings } from './backends.ts';

// A reader that closed the pipe (`repkit … | head`) ends the command quietly, as Unix tools do.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit(0);
});

const program = new Command('repkit')
  .description('representation learning on interchangeable backends: reference, onnxruntime, wasm')
  .version(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version as string)
  .showHelpAfterError()
  .option('--device <device>', 'onnxruntime execution provider: auto (cuda when installed, else cpu), cuda or cpu', 'auto')
  .option('--strict', 'fail instead of falling back to cpu when the cuda provider cannot be used')
  .hook('preAction', (cmd) => {
    const o = cmd.opts<{ device: string; strict?: boolean }>();
    settings.device = parseDevice(o.device);
    settings.strict = Boolean(o.strict);
  });
conformanceCommand(program);
mlpCommand(program);
doctorCommand(program);
kgeCommand(program);
serveCommand(program);
(await import('./commands/run.ts')).runCommand(program);
(await import('./commands/compare.ts')).compareCommand(program);
(await import('./commands/cluster.ts')).clusterCommand(program);
(await import('./commands/semi.ts')).semiCommand(program);
(await import('./commands/tsne.ts')).tsneCommand(program);
(await import('./commands/metric.ts')).metricCommand(program);
(await import('./commands/ssl-seq.ts')).addSequenceCommands((await import('./commands/ssl.ts')).sslCommand(program));

try {
  await program.parseAsync(process.argv);
} catch (e) {
  console.error(`repkit: ${(e as Error).message}`);
  process.exitCode = 2;
}
