// A persistent Python peer (Debian's python3 with torch or sklearn) driven line by line, so its
// runs interleave with ours in one script.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface, type Interface } from 'node:readline';

export const PYTHON = process.env.REPKIT_PYTHON ?? '/usr/bin/python3';

/** Why a Python module cannot be used here, or null. */
export function pythonMissing(module: string): string | null {
  const r = spawnSync(PYTHON, ['-c', `import ${module}`], { encoding: 'utf8' });
  if (r.error) return `${PYTHON} not found`;
  return r.status === 0 ? null : `${PYTHON} cannot import ${module} (apt-get install python3-${module})`;
}

export class PythonPeer {
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly lines: Interface;
  private readonly pending: { resolve(line: string): void; reject(e: Error): void }[] = [];

  constructor(script: string, args: string[], env: Record<string, string> = {}) {
    this.proc = spawn(PYTHON, [script, ...args], { env: { ...process.env, OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1', ...env } });
    this.proc.stderr.on('data', (d: Buffer) => process.stderr.write(d));
    this.lines = createInterface({ input: this.proc.stdout });
    this.lines.on('line', (l) => this.pending.shift()?.resolve(l));
    // One exit listener for the peer's life: a request pending when it exits is rejected.
    this.proc.once('exit', (code) => {
      for (const p of this.pending.splice(0)) p.reject(new Error(`python peer exited with code ${code}`));
    });
  }

  /** The next JSON line the peer prints. */
  next<T>(): Promise<T> {
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve: (l) => resolve(JSON.parse(l) as T), reject });
    });
  }

  async ask<T>(command: string): Promise<T> {
    const p = this.next<T>();
    this.proc.stdin.write(command + '\n');
    return p;
  }

  close(): void {
    this.proc.stdin.end('quit\n');
  }
}
