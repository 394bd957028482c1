// A folder of files that is replaced as a whole: each save writes a new generation folder `g-…` inside
// `dir`, flushes it, then renames a new index file (JSON naming that generation) over the old one. A
// reader follows the index, so a crash at any point leaves the previous save or the new one, never a mix
// (the scheme of TensorFlow's `checkpoint` file). Older generations are removed after the switch.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

let saves = 0;

function writeFlushed(file: string, data: Uint8Array | string): void {
  const fd = openSync(file, 'w');
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at, bytes.length - at);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Flush a folder's entries (a rename is durable only once its folder is); not every platform allows it. */
function flushFolder(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Windows cannot open a folder for fsync; its renames are already ordered.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Create folder `dir` and its missing parents, outermost first, one level at a time: Node 20's
 * `mkdirSync(…, { recursive: true })` spins forever under /proc instead of failing.
 */
export function makeFolders(dir: string): void {
  const missing: string[] = [];
  for (let at = resolve(dir); !existsSync(at); at = dirname(at)) {
    missing.unshift(at);
    if (dirname(at) === at) break;
  }
  for (const d of missing) mkdirSync(d);
}

/**
 * Save `files` (name → bytes) and the index `meta` into `dir`: readers of `dir/<index>` see the previous
 * save or this one. `meta.files` is set to the generation folder's name.
 */
export function writeAtomicFolder(dir: string, index: string, meta: Record<string, unknown>, files: Record<string, Uint8Array | string>): void {
  makeFolders(dir);
  const legacy = existsSync(join(dir, index)) && readAtomicFolder(dir, index)!.folder === dir;
  const gen = `g-${Date.now().toString(36)}-${process.pid}-${(saves++).toString(36)}`;
  const folder = join(dir, gen);
  try {
    mkdirSync(folder);
    for (const [name, data] of Object.entries(files)) writeFlushed(join(folder, name), data);
    flushFolder(folder);
    const tmp = join(dir, `.${index}.${gen}.tmp`);
    writeFlushed(tmp, JSON.stringify({ ...meta, files: gen }, null, 1) + '\n');
    renameSync(tmp, join(dir, index));
    flushFolder(dir);
  } catch (err) {
    rmSync(folder, { recursive: true, force: true });
    rmSync(join(dir, `.${index}.${gen}.tmp`), { force: true });
    throw err;
  }
  // Generations no index names any more (earlier saves, or saves a crash interrupted), and the raw
  // tensors a pre-generation save kept beside its index.
  for (const e of readdirSync(dir)) {
    if ((/^g-[0-9a-z]+-\d+-[0-9a-z]+$/.test(e) && e !== gen) || (legacy && e.endsWith('.f32'))) rmSync(join(dir, e), { recursive: true, force: true });
  }
}

/** The index of `dir` and the folder its files are in; undefined when there is no index. */
export function readAtomicFolder<T extends Record<string, unknown>>(dir: string, index: string): { meta: T; folder: string } | undefined {
  const file = join(dir, index);
  if (!existsSync(file)) return undefined;
  let meta: T & { files?: unknown };
  try {
    meta = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${(err as Error).message}); the folder was not written by repkit`, { cause: err });
  }
  // Folders saved before generations existed keep their files beside the index.
  const folder = typeof meta.files === 'string' ? join(dir, meta.files) : dir;
  return { meta, folder };
}
