// Checkpoints of a training run (KGE, semi- and self-supervised recipes): the trainer's snapshot (tables,
// parameters, optimizer state, carried state), the epoch or step, the losses so far and the generators'
// positions, so a resumed run continues exactly where it stopped. Written into a temporary folder and
// renamed over the previous checkpoint (never half-written).
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tensor, type TrainerSnapshot } from '@repkit/core';

export interface RunCheckpoint {
  /** Settings that must match to resume (model, sizes, batch, sampler, optimizer, …). */
  fingerprint: string;
  /** Epochs (KGE) or steps (recipes) done. */
  epoch: number;
  losses: number[];
  /** Philox states (getState) by stream name. */
  rng: Record<string, number[]>;
  snapshot: TrainerSnapshot;
}

const f32 = (a: Float32Array | Tensor['data']): Uint8Array => {
  const x = a instanceof Float32Array ? a : Float32Array.from(a);
  return new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
};

function readF32(file: string): Float32Array {
  const b = readFileSync(file);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

export function saveCheckpoint(dir: string, c: RunCheckpoint, kind = 'kge'): void {
  const tmp = `${dir.replace(/\/+$/, '')}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const tensors: Record<string, { group: 'params' | 'state'; shape: number[] }> = {};
  for (const [name, data] of Object.entries(c.snapshot.tables)) writeFileSync(join(tmp, `table.${name}.f32`), f32(data));
  for (const group of ['params', 'state'] as const) {
    for (const [name, t] of Object.entries(c.snapshot[group])) {
      writeFileSync(join(tmp, `${group}.${name}.f32`), f32(t.data));
      tensors[`${group}:${name}`] = { group, shape: [...t.shape] };
    }
  }
  const meta = { format: `repkit-${kind}-checkpoint-1`, fingerprint: c.fingerprint, epoch: c.epoch, losses: c.losses, rng: c.rng, t: c.snapshot.t, tables: Object.keys(c.snapshot.tables), tensors };
  writeFileSync(join(tmp, 'checkpoint.json'), JSON.stringify(meta) + '\n');
  const old = `${dir}.old-${process.pid}`;
  if (existsSync(dir)) renameSync(dir, old);
  renameSync(tmp, dir);
  rmSync(old, { recursive: true, force: true });
}

/** The checkpoint in `dir`, or undefined when there is none; throws when it belongs to other settings. */
export function loadCheckpoint(dir: string, fingerprint: string, kind = 'kge'): RunCheckpoint | undefined {
  const file = join(dir, 'checkpoint.json');
  if (!existsSync(file)) return undefined;
  const meta = JSON.parse(readFileSync(file, 'utf8'));
  if (meta.format !== `repkit-${kind}-checkpoint-1`) throw new Error(`${file}: not a repkit ${kind} checkpoint (format ${meta.format})`);
  if (meta.fingerprint !== fingerprint) {
    throw new Error(`checkpoint ${dir} was written with other settings (${meta.fingerprint}); use another --checkpoint folder or the same settings (${fingerprint})`);
  }
  const snapshot: TrainerSnapshot = { t: meta.t, tables: {}, params: {}, state: {} };
  for (const name of meta.tables as string[]) snapshot.tables[name] = readF32(join(dir, `table.${name}.f32`));
  for (const [key, { group, shape }] of Object.entries(meta.tensors as Record<string, { group: 'params' | 'state'; shape: number[] }>)) {
    const name = key.slice(group.length + 1);
    snapshot[group][name] = new Tensor('float32', shape, readF32(join(dir, `${group}.${name}.f32`)));
  }
  return { fingerprint, epoch: meta.epoch, losses: meta.losses, rng: meta.rng, snapshot };
}
