// Where the datasets shipped in the repository live.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The repository's `datasets/` folder (override with REPKIT_DATASETS). */
export function datasetsDir(): string {
  return process.env.REPKIT_DATASETS ?? fileURLToPath(new URL('../../../datasets', import.meta.url));
}

/** A shipped dataset's folder, or a clear error naming it. */
export function datasetPath(name: string): string {
  const dir = join(datasetsDir(), name);
  if (!existsSync(dir)) throw new Error(`dataset '${name}' not found at ${dir}; pass a path or set REPKIT_DATASETS`);
  return dir;
}
