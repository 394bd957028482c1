// Output paths: nothing is written half (temporary name, then rename), and a path that cannot take the
// output fails before any training, with its flag named.
import { accessSync, constants, existsSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { makeFolders } from '@repkit/methods';
import { dirname, resolve } from 'node:path';

/** Write `path` through a temporary sibling and a rename; the caller checked the path (checkOutputFile). */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
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

/** The nearest existing folder of `dir` is a writable folder. */
function checkOutputFolder(flag: string, dir: string): void {
  let at = resolve(dir);
  while (!existsSync(at) && dirname(at) !== at) at = dirname(at);
  checkWritableFolder(flag, at);
}

/** Create folder `dir` (and missing parents) now, so that a folder that cannot be made fails before any work. */
export function prepareOutputFolder(flag: string, dir: string): void {
  checkOutputFolder(flag, dir);
  try {
    makeFolders(dir);
  } catch (err) {
    throw new Error(`${flag}: cannot create folder ${(err as NodeJS.ErrnoException).path ?? dir} (${reason(err)}); pass a writable folder`);
  }
}

/** A file `path` can be written once its folder is made now (and missing parents). */
export function prepareOutputFile(flag: string, path: string): void {
  prepareOutputFolder(flag, dirname(resolve(path)));
  checkOutputFile(flag, path);
}
