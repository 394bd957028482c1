// Checkpoints of a training run (KGE, semi- and self-supervised recipes): the trainer's snapshot (tables,
// parameters, optimizer state, carried state), the epoch or step, the losses so far and the generators'
// positions, so a resumed run continues exactly where it stopped. Saved with atomic-folder.ts: a crash
// at any moment leaves the previous checkpoint or the new one.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tensor, type TrainerSnapshot } from '@repkit/core';
import { readAtomicFolder, writeAtomicFolder } from './atomic-folder.ts';

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
  const files: Record<string, Uint8Array> = {};
  const tensors: Record<string, { group: 'params' | 'state'; shape: number[] }> = {};
  for (const [name, data] of Object.entries(c.snapshot.tables)) files[`table.${name}.f32`] = f32(data);
  for (const group of ['params', 'state'] as const) {
    for (const [name, t] of Object.entries(c.snapshot[group])) {
      files[`${group}.${name}.f32`] = f32(t.data);
      tensors[`${group}:${name}`] = { group, shape: [...t.shape] };
    }
  }
  const meta = { format: `repkit-${kind}-checkpoint-1`, fingerprint: c.fingerprint, epoch: c.epoch, losses: c.losses, rng: c.rng, t: c.snapshot.t, tables: Object.keys(c.snapshot.tables), tensors };
  writeAtomicFolder(dir, 'checkpoint.json', meta, files);
}

/** "steps: 50 in the checkpoint, 100 now; …" for two JSON fingerprints (the raw strings when they are not JSON objects). */
export function settingsDiff(saved: string, now: string): string {
  let a: Record<string, unknown>, b: Record<string, unknown>;
  try {
    a = JSON.parse(saved);
    b = JSON.parse(now);
  } catch {
    return `${saved} in the checkpoint, ${now} now`;
  }
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
  return keys.map((k) => `${k}: ${JSON.stringify(a[k]) ?? 'unset'} in the checkpoint, ${JSON.stringify(b[k]) ?? 'unset'} now`).join('; ');
}

/** The checkpoint in `dir`, or undefined when there is none; throws when it belongs to other settings. */
export function loadCheckpoint(dir: string, fingerprint: string, kind = 'kge'): RunCheckpoint | undefined {
  const found = readAtomicFolder<{ format: string; fingerprint: string; epoch: number; losses: number[]; rng: Record<string, number[]>; t: number; tables: string[]; tensors: Record<string, { group: 'params' | 'state'; shape: number[] }> }>(dir, 'checkpoint.json');
  if (!found) return undefined;
  const { meta, folder } = found;
  if (meta.format !== `repkit-${kind}-checkpoint-1`) throw new Error(`${join(dir, 'checkpoint.json')}: not a repkit ${kind} checkpoint (format ${meta.format})`);
  if (meta.fingerprint !== fingerprint) {
    throw new Error(`checkpoint ${dir} was written with other settings (${settingsDiff(meta.fingerprint, fingerprint)}); a run resumes only with the settings it started with: pass those, or use another --checkpoint folder`);
  }
  const snapshot: TrainerSnapshot = { t: meta.t, tables: {}, params: {}, state: {} };
  for (const name of meta.tables) snapshot.tables[name] = readF32(join(folder, `table.${name}.f32`));
  for (const [key, { group, shape }] of Object.entries(meta.tensors)) {
    const name = key.slice(group.length + 1);
    snapshot[group][name] = new Tensor('float32', shape, readF32(join(folder, `${group}.${name}.f32`)));
  }
  return { fingerprint, epoch: meta.epoch, losses: meta.losses, rng: meta.rng, snapshot };
}
