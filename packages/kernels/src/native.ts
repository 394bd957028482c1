// Loads the Node-API addon that `npm ci` builds (scripts/install.mjs → node-gyp in native/), or says why not.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Engine } from './engine.ts';

export const NATIVE_ADDON = fileURLToPath(new URL('../../../native/build/Release/repkit_kernels.node', import.meta.url));
export const NATIVE_STATUS = fileURLToPath(new URL('../../../native/build-status.json', import.meta.url));
const REBUILD = 'rebuild it with `npm run build:native -w @repkit/kernels`';

export type Loaded<T> = { engine: T; reason?: undefined } | { engine?: undefined; reason: string };

/** The reason the install step recorded, when it could not build the addon. */
function buildFailure(): string | undefined {
  if (!existsSync(NATIVE_STATUS)) return undefined;
  try {
    const s = JSON.parse(readFileSync(NATIVE_STATUS, 'utf8')) as { ok: boolean; reason?: string };
    return s.ok ? undefined : s.reason;
  } catch {
    return undefined;
  }
}

export function loadNative(): Loaded<Engine> {
  if (!existsSync(NATIVE_ADDON)) {
    const why = buildFailure();
    return { reason: why ? `not built at install: ${why}; ${REBUILD}` : `no addon at ${NATIVE_ADDON}; ${REBUILD}` };
  }
  try {
    const addon = createRequire(import.meta.url)(NATIVE_ADDON) as Omit<Engine, 'name' | 'detail'> & { simd: string };
    const kernels = ['philoxU32', 'philoxUniform', 'philoxInteger', 'philoxNormal', 'score', 'negatives', 'sampleNeighbors', 'cholesky', 'filteredRanks', 'topk', 'csr',
      'eigh', 'spdPower', 'shiftImages', 'warpImages', 'strongAugment', 'rotate90', 'gatherRows', 'scatterRows', 'updateRows'];
    if (kernels.some((k) => typeof (addon as unknown as Record<string, unknown>)[k] !== 'function')) {
      return { reason: `${NATIVE_ADDON} is an older build without every kernel; ${REBUILD}` };
    }
    return { engine: Object.assign(Object.create(addon) as Engine, { name: 'native', detail: `Node-API addon, C++ ${addon.simd}` }) };
  } catch (e) {
    return { reason: `${NATIVE_ADDON} did not load (${(e as Error).message.split('\n')[0]}); ${REBUILD}` };
  }
}
