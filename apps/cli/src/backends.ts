// Backends are plugins: the CLI imports each requested backend package, which registers itself;
// onnxruntime is re-registered with the provider settings of --device and --strict.
import { getBackend, registerBackend, type Backend } from '@repkit/core';

export interface ProviderSettings {
  /** onnxruntime execution provider: 'auto' (cuda when installed, else cpu), 'cuda' or 'cpu'. */
  device: 'auto' | 'cuda' | 'cpu';
  /** Fail instead of falling back to cpu when cuda cannot be used. */
  strict: boolean;
}

export const settings: ProviderSettings = { device: 'auto', strict: false };

const packages: Record<string, () => Promise<unknown>> = {
  reference: async () => undefined,
  onnxruntime: async () => {
    const { OrtBackend } = await import('@repkit/backend-onnxruntime');
    registerBackend({ name: 'onnxruntime', create: async () => new OrtBackend({ device: settings.device, strict: settings.strict }) });
  },
  wasm: () => import('@repkit/backend-wasm'),
};

export const BACKENDS = Object.keys(packages);

export function parseDevice(value: string): ProviderSettings['device'] {
  if (value !== 'auto' && value !== 'cuda' && value !== 'cpu') throw new Error(`--device must be auto, cuda or cpu, got '${value}'`);
  return value;
}

/** A comma-separated list of backends given by `flag` (`--backends`, or `--backend` where one is taken). */
export function parseBackends(list: string, flag = '--backends'): string[] {
  const names = list.split(',').map((s) => s.trim()).filter(Boolean);
  for (const n of names) {
    if (!packages[n]) throw new Error(`${flag}: unknown backend '${n}'; choose from ${BACKENDS.join(', ')}`);
  }
  if (names.length === 0) throw new Error(`${flag}: give at least one of ${BACKENDS.join(', ')}`);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) throw new Error(`${flag}: '${twice}' is listed twice; list each backend once`);
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
