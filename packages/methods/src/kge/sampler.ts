// Negative sampling for sLCWA: corrupt the head or the tail of each positive with a uniformly drawn
// entity that is never the true one (u ~ U{0..E−2}, u += (u ≥ orig)).
import type { Philox } from '@repkit/core';
import { relationStats, type Triples } from '@repkit/data';
import { kernels } from '@repkit/kernels';

export type SamplerKind = 'basic' | 'bern';

export interface NegativeSampler {
  readonly kind: SamplerKind;
  /** Corrupt `pos` ([n, 3] ids) into `neg` ([n, 3]), drawing from `rng`. */
  corrupt(pos: Int32Array, n: number, neg: Int32Array, rng: Philox): void;
}

/**
 * 'basic' (PyKEEN's default): the first ⌈n/2⌉ rows get a new head, the rest a new tail.
 * 'bern' (Wang et al., AAAI 2014): corrupt the head with p_r = tph_r / (tph_r + hpt_r), else the tail.
 *
 * 'bern' is the host kernel kernels().negatives (mode 'bernoulli', one per triple: per row a uniform for
 * the side, then the entity), given this p_r. 'basic' stays here: the kernel's 'uniform' mode draws a
 * coin per row, so it could not give basic's fixed halves or its draws (one integer per row).
 */
export function negativeSampler(kind: SamplerKind, train: Triples, entities: number, relations: number): NegativeSampler {
  if (kind !== 'basic' && kind !== 'bern') throw new Error(`sampler must be 'basic' or 'bern', got '${kind}'`);
  if (entities < 2) throw new Error(`negative sampling needs at least 2 entities, got ${entities}`);
  if (kind === 'bern') {
    const { tph, hpt } = relationStats(train, relations);
    // tph/(tph + hpt) as PyKEEN computes it (not the kernels' bernoulliHeadProbabilities, which rounds differently).
    const headProbability = tph.map((v, r) => (v + hpt[r]! > 0 ? v / (v + hpt[r]!) : 0.5));
    return {
      kind,
      corrupt(pos, n, neg, rng) {
        neg.set(kernels().negatives(pos.subarray(0, 3 * n), rng, { numEntities: entities, mode: 'bernoulli', headProbability }));
      },
    };
  }
  return {
    kind,
    corrupt(pos, n, neg, rng) {
      neg.set(pos.subarray(0, 3 * n));
      const half = Math.ceil(n / 2);
      for (let i = 0; i < n; i++) {
        const col = i < half ? 0 : 2;
        const orig = pos[3 * i + col]!;
        let u = rng.integer(0, entities - 1);
        if (u >= orig) u++;
        neg[3 * i + col] = u;
      }
    },
  };
}
