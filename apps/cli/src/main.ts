// The `repkit` command.
import { Command } from 'commander';
import { conformanceCommand } from './commands/conformance.ts';
import { doctorCommand } from './commands/doctor.ts';
import { mlpCommand } from './commands/mlp.ts';

const program = new Command('repkit')
  .description('representation learning on interchangeable backends: reference, onnxruntime, wasm')
  .showHelpAfterError();
conformanceCommand(program);
mlpCommand(program);
doctorCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  console.error(`repkit: ${(e as Error).message}`);
  process.exitCode = 2;
}
