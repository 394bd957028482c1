// The KGE models by name, as the CLI and saved models refer to them.
import type { KgeModel } from './model.ts';
import { TransE } from './transe.ts';

export interface KgeModelOptions {
  dim?: number;
  p?: 1 | 2;
}

export const KGE_MODELS: Readonly<Record<string, (o: KgeModelOptions) => KgeModel>> = {
  TransE: (o) => TransE({ dim: o.dim, p: o.p }),
};

export function createKgeModel(name: string, opts: KgeModelOptions = {}): KgeModel {
  const make = KGE_MODELS[name];
  if (!make) throw new Error(`unknown KGE model '${name}'; choose from ${Object.keys(KGE_MODELS).join(', ')}`);
  return make(opts);
}
