// Output paths: nothing is written half (temporary name, then rename), and a path that cannot take the
// output fails before any training, with its flag named.
import { accessSync, constants, existsSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

const reason = (err: unknown): string => (err as NodeJS.ErrnoException).code ?? (err as Error).message;

function checkWritableFolder(flag: string, dir: string): void {
  if (!statSync(dir).isDirectory()) throw new Error(`${flag}: ${dir} is not a folder; pass a path inside a folder`);
  try {
    accessSync(dir, constants.W_OK);
  } catch (err) {
    throw new Error(`${flag}: folder ${dir} is not writable (${reason(err)}); pass a path in a folder you can write to`);
  }
}

/** A file `path` can be written: its folder exists and is writable, and it is not itself a folder. */
export function checkOutputFile(flag: string, path: string): void {
  const dir = dirname(resolve(path));
  if (!existsSync(dir)) throw new Error(`${flag}: folder ${dir} does not exist; create it or pass a file in an existing folder`);
  checkWritableFolder(flag, dir);
  if (existsSync(path) && statSync(path).isDirectory()) throw new Error(`${flag}: ${path} is a folder; pass a file name such as model.onnx`);
}

/** The folders of `dir` that do not exist yet, outermost first, once its nearest existing folder proves writable. */
export function checkOutputFolder(flag: string, dir: string): string[] {
  const missing: string[] = [];
  let at = resolve(dir);
  while (!existsSync(at)) {
    missing.unshift(at);
    if (dirname(at) === at) break;
    at = dirname(at);
  }
  checkWritableFolder(flag, at);
  return missing;
}

/** Create folder `dir` (and missing parents) now, one level at a time (Node's recursive mkdir spins on /proc). */
export function prepareOutputFolder(flag: string, dir: string): void {
  for (const d of checkOutputFolder(flag, dir)) {
    try {
      mkdirSync(d);
    } catch (err) {
      throw new Error(`${flag}: cannot create folder ${d} (${reason(err)}); pass a writable folder`);
    }
  }
}
