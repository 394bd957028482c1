// A trained KGE model on disk: model.json (model, options, labels, settings, metrics) and one raw
// little-endian float32 file per table. Saved with atomic-folder.ts (the old model or the new one, never half).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readAtomicFolder, writeAtomicFolder } from '../atomic-folder.ts';
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
  const files: Record<string, Uint8Array> = {};
  const tables: Record<string, number[]> = {};
  for (const [name, t] of Object.entries(saved.params)) {
    const f32 = t.dtype === 'float32' ? (t.data as Float32Array) : Float32Array.from(t.data);
    files[`${name}.f32`] = new Uint8Array(f32.buffer, f32.byteOffset, f32.byteLength);
    tables[name] = [...t.shape];
  }
  const { params: _, ...meta } = saved;
  writeAtomicFolder(dir, 'model.json', { format: 'repkit-kge-1', ...meta, tables }, files);
}

export function loadKge(dir: string): SavedKge & { instance: KgeModel } {
  const found = readAtomicFolder<Omit<SavedKge, 'params'> & { format: string; tables: Record<string, number[]> }>(dir, 'model.json');
  if (!found) throw new Error(`--model: ${dir} holds no model.json; train one with 'repkit kge train --out ${dir}'`);
  const { meta: { files: _, ...meta }, folder } = found as typeof found & { meta: { files?: string } };
  if (meta.format !== 'repkit-kge-1') throw new Error(`${join(dir, 'model.json')}: unknown format '${meta.format}'`);
  const params: Record<string, Tensor> = {};
  for (const [name, shape] of Object.entries(meta.tables)) {
    const bytes = readFileSync(join(folder, `${name}.f32`));
    const data = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    params[name] = new Tensor('float32', shape, data);
  }
  return { ...meta, params, instance: createKgeModel(meta.model, meta.options) };
}
