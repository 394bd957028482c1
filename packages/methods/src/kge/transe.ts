// TransE (Bordes et al., NIPS 2013): f(h, r, t) = −‖h + r − t‖_p, entities on the unit sphere.
import { Tensor, add, neg, norm, sub, unitNorm, type Philox } from '@repkit/core';
import type { KgeModel, KgeSizes } from './model.ts';

export interface TransEOptions {
  /** Embedding dimension (default 50). */
  dim?: number;
  /** Norm of the translation error: 1 (default, as PyKEEN) or 2. */
  p?: 1 | 2;
}

/** U(±√(6/(n+d))) of shape [n, d] (Glorot & Bengio 2010, as our NumPy reference draws it). */
export function xavierUniform(rng: Philox, n: number, d: number): Tensor {
  const a = Math.sqrt(6 / (n + d));
  return new Tensor('float32', [n, d], Float32Array.from(rng.uniforms(n * d, -a, a)));
}

/** Rows scaled to unit L2 norm, on the host (initial values). */
export function unitRows(t: Tensor): Tensor {
  const [n, d] = t.shape as [number, number];
  const out = new Float32Array(t.size);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += t.data[i * d + j]! ** 2;
    const k = 1 / Math.max(Math.sqrt(s), 1e-12);
    for (let j = 0; j < d; j++) out[i * d + j] = t.data[i * d + j]! * k;
  }
  return new Tensor('float32', t.shape, out);
}

export function TransE(opts: TransEOptions = {}): KgeModel {
  const dim = opts.dim ?? 50, p = opts.p ?? 1;
  if (!Number.isInteger(dim) || dim <= 0) throw new Error(`TransE: dim must be a positive integer, got ${dim}`);
  if (p !== 1 && p !== 2) throw new Error(`TransE: p must be 1 or 2, got ${p}`);
  return {
    name: 'TransE',
    cite: 'Bordes et al., Translating Embeddings for Modeling Multi-relational Data, NIPS 2013',
    tables: { E: { side: 'entity', row: [dim] }, R: { side: 'relation', row: [dim] } },
    // Entities and relations xavier-uniform then unit-L2 (relations only at init), as PyKEEN.
    init: (rng, { entities, relations }: KgeSizes) => ({
      E: unitRows(xavierUniform(rng, entities, dim)),
      R: unitRows(xavierUniform(rng, relations, dim)),
    }),
    score: (h, r, t) => neg(norm(sub(add(h.E!, r.R!), t.E!), p)),
    constraints: { E: unitNorm() },
    distance: { metric: p === 1 ? 'l1' : 'l2', table: 'E', query: (side, a, r) => (side === 'tail' ? add(a.E!, r.R!) : sub(a.E!, r.R!)) },
  };
}
