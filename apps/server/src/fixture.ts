// Test and bench support, never imported by the server: a small UMLS TransE export made by the CLI's own
// `kge train` and `kge export`, so the file is exactly what users serve; and a tiny non-KGE model.
import { mkdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command } from 'commander';
import { greater, mul, trace } from '@repkit/core';
import { exportOnnx } from '@repkit/onnx';
import { kgeCommand } from '../../cli/src/commands/kge.ts';

async function cli(args: string[]): Promise<void> {
  const program = new Command('repkit').exitOverride();
  kgeCommand(program);
  await program.parseAsync(args, { from: 'user' });
}

/** Train TransE on UMLS for a few epochs and export it to `modelsDir/<name>.onnx` (the trained folder goes to `workDir`). */
export async function umlsExport(modelsDir: string, workDir: string, o: { name?: string; epochs?: number; dim?: number } = {}): Promise<string> {
  const { name = 'umls', epochs = 5, dim = 32 } = o;
  mkdirSync(modelsDir, { recursive: true });
  const trained = join(workDir, `${name}-trained`), file = join(modelsDir, `${name}.onnx`);
  await cli(['kge', 'train', '--dataset', 'umls', '--model', 'TransE', '--epochs', String(epochs), '--dim', String(dim), '--seed', '1', '--out', trained]);
  await cli(['kge', 'export', '--model', trained, '--out', file]);
  return file;
}

/** A model with a dynamic first dim that is not KGE: y = 2x (FP32) and pos = x > 0 (BOOL), x [n, 3]. */
export async function toyExport(modelsDir: string, name = 'toy'): Promise<string> {
  const g = trace('toy', (b) => {
    const x = b.data('x', 'float32', ['n', 3]);
    return { y: mul(x, 2), pos: greater(x, 0) };
  });
  const file = join(modelsDir, `${name}.onnx`);
  await writeFile(file, exportOnnx(g));
  return file;
}
