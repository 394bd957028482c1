// Atomic file output: write a temporary sibling, flush it, then rename over the target.
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Write model bytes to `path` so that readers see the old file or the whole new one, never half. */
export async function writeOnnx(path: string, bytes: Uint8Array): Promise<void> {
  if (typeof path !== 'string' || path === '') throw new Error('writeOnnx: path must be a non-empty string, e.g. "model.onnx"');
  if (!(bytes instanceof Uint8Array) || bytes.length === 0) {
    throw new Error('writeOnnx: bytes must be a non-empty Uint8Array; pass the result of exportOnnx(graph)');
  }
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  try {
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw new Error(`writeOnnx: could not write '${path}': ${(err as Error).message}`, { cause: err });
  }
}
