// Backends are plugins: the CLI imports each requested backend package, which registers itself.
import { getBackend, type Backend } from '@repkit/core';

const packages: Record<string, () => Promise<unknown>> = {
  reference: async () => undefined,
  onnxruntime: () => import('@repkit/backend-onnxruntime'),
  wasm: () => import('@repkit/backend-wasm'),
};

export const BACKENDS = Object.keys(packages);

export function parseBackends(list: string): string[] {
  const names = list.split(',').map((s) => s.trim()).filter(Boolean);
  for (const n of names) {
    if (!packages[n]) throw new Error(`--backends: unknown backend '${n}'; choose from ${BACKENDS.join(', ')}`);
  }
  if (names.length === 0) throw new Error(`--backends: give at least one of ${BACKENDS.join(', ')}`);
  return names;
}

/** Import and instantiate backends; a failure names the backend and why. */
export async function loadBackends(names: readonly string[]): Promise<Backend[]> {
  const out: Backend[] = [];
  for (const n of names) {
    try {
      await packages[n]!();
      out.push(await getBackend(n));
    } catch (e) {
      throw new Error(`backend '${n}' is not usable here: ${(e as Error).message} (run 'repkit doctor')`);
    }
  }
  return out;
}
