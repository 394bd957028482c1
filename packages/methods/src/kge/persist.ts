// A trained KGE model on disk: model.json (model, options, labels, settings, metrics) and one raw
// little-endian float32 file per table. Written to a temporary folder, then renamed into place.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Tensor } from '@repkit/core';
import { createKgeModel, type KgeModelOptions } from './models.ts';
import type { KgeModel } from './model.ts';

export interface SavedKge {
  model: string;
  options: KgeModelOptions;
  dataset: string;
  entities: readonly string[];
  relations: readonly string[];
  params: Record<string, Tensor>;
  settings: Record<string, unknown>;
  metrics?: Record<string, unknown>;
}

export function saveKge(dir: string, saved: SavedKge): void {
  const tmp = `${dir.replace(/\/+$/, '')}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const tables: Record<string, number[]> = {};
  for (const [name, t] of Object.entries(saved.params)) {
    const f32 = t.dtype === 'float32' ? (t.data as Float32Array) : Float32Array.from(t.data);
    writeFileSync(join(tmp, `${name}.f32`), new Uint8Array(f32.buffer, f32.byteOffset, f32.byteLength));
    tables[name] = [...t.shape];
  }
  const { params: _, ...meta } = saved;
  writeFileSync(join(tmp, 'model.json'), JSON.stringify({ format: 'repkit-kge-1', ...meta, tables }, null, 1) + '\n');
  mkdirSync(dirname(dir), { recursive: true });
  const old = `${dir}.old-${process.pid}`;
  if (existsSync(dir)) renameSync(dir, old);
  renameSync(tmp, dir);
  rmSync(old, { recursive: true, force: true });
}

export function loadKge(dir: string): SavedKge & { instance: KgeModel } {
  const file = join(dir, 'model.json');
  if (!existsSync(file)) throw new Error(`--model: ${dir} holds no model.json; train one with 'repkit kge train --out ${dir}'`);
  const meta = JSON.parse(readFileSync(file, 'utf8')) as Omit<SavedKge, 'params'> & { format: string; tables: Record<string, number[]> };
  if (meta.format !== 'repkit-kge-1') throw new Error(`${file}: unknown format '${meta.format}'`);
  const params: Record<string, Tensor> = {};
  for (const [name, shape] of Object.entries(meta.tables)) {
    const bytes = readFileSync(join(dir, `${name}.f32`));
    const data = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    params[name] = new Tensor('float32', shape, data);
  }
  return { ...meta, params, instance: createKgeModel(meta.model, meta.options) };
}
