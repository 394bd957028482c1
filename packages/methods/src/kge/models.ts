// The KGE models by name, as the CLI and saved models refer to them.
import type { KgeModel } from './model.ts';
import { KG2E } from './kg2e.ts';
import { ManifoldE } from './manifolde.ts';
import { SE } from './se.ts';
import { TransA } from './transa.ts';
import { TransD } from './transd.ts';
import { TransE } from './transe.ts';
import { TransF } from './transf.ts';
import { TransG } from './transg.ts';
import { TransH } from './transh.ts';
import { TransM } from './transm.ts';
import { TransR } from './transr.ts';
import { TranSparse } from './transparse.ts';
import { UM } from './um.ts';

/** Options each factory reads what it needs from; absent = the model's documented default (in its file). */
export interface KgeModelOptions {
  /** Entity dimension; default 50 for every model. */
  dim?: number;
  /** Norm of TransE / TransM distances: 1 (default) or 2. */
  p?: 1 | 2;
  /** TransH, TransD: the papers' squared L2 distance instead of the default −‖·‖₂. */
  squared?: boolean;
  /** Relation dimension k of TransR (default 30), TransD and TranSparse (default dim). */
  relDim?: number;
  /** TranSparse: sparsity of the densest transfer matrix (default 0.5). */
  thetaMin?: number;
  /** TransG: translation components per relation (default 3). */
  components?: number;
  /** KG2E and TransG: variance bounds (defaults 0.05 and 5). */
  cMin?: number;
  cMax?: number;
}

export const KGE_MODELS: Readonly<Record<string, (o: KgeModelOptions) => KgeModel>> = {
  TransE: (o) => TransE({ dim: o.dim, p: o.p }),
  TransH: (o) => TransH({ dim: o.dim, squared: o.squared }),
  TransR: (o) => TransR({ dim: o.dim, relDim: o.relDim }),
  TransD: (o) => TransD({ dim: o.dim, relDim: o.relDim, squared: o.squared }),
  TranSparseShare: (o) => TranSparse({ dim: o.dim, relDim: o.relDim, thetaMin: o.thetaMin, variant: 'share' }),
  TranSparseSeparate: (o) => TranSparse({ dim: o.dim, relDim: o.relDim, thetaMin: o.thetaMin, variant: 'separate' }),
  TransM: (o) => TransM({ dim: o.dim, p: o.p }),
  ManifoldE: (o) => ManifoldE({ dim: o.dim }),
  'ManifoldE-hyperplane': (o) => ManifoldE({ dim: o.dim, form: 'hyperplane' }),
  'ManifoldE-gaussian': (o) => ManifoldE({ dim: o.dim, form: 'sphere-gaussian' }),
  TransF: (o) => TransF({ dim: o.dim }),
  TransA: (o) => TransA({ dim: o.dim }),
  KG2E: (o) => KG2E({ dim: o.dim, cMin: o.cMin, cMax: o.cMax, similarity: 'KL' }),
  'KG2E-EL': (o) => KG2E({ dim: o.dim, cMin: o.cMin, cMax: o.cMax, similarity: 'EL' }),
  TransG: (o) => TransG({ dim: o.dim, components: o.components, cMin: o.cMin, cMax: o.cMax }),
  UM: (o) => UM({ dim: o.dim }),
  SE: (o) => SE({ dim: o.dim }),
};

export function createKgeModel(name: string, opts: KgeModelOptions = {}): KgeModel {
  const make = KGE_MODELS[name];
  if (!make) throw new Error(`unknown KGE model '${name}'; choose from ${Object.keys(KGE_MODELS).join(', ')}`);
  return make(opts);
}
