// Which onnxruntime execution providers are usable on this machine, and why not (for `repkit doctor`).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import ort from 'onnxruntime-node';
import { add, trace } from '@repkit/core';
import { exportOnnx } from '@repkit/onnx';

export type Device = 'cpu' | 'cuda';

export interface ProviderStatus {
  name: string;
  /** The binding lists it and its library is present (cpu, or cuda installed with ONNXRUNTIME_NODE_INSTALL=cuda12). */
  available: boolean;
  /** Why it is not available; null when available. */
  reason: string | null;
  /** How to make it available; null when available. */
  fix: string | null;
}

export interface OrtProbe {
  version: string;
  providers: ProviderStatus[];
}

export const CUDA_FIX = 'on a machine with an NVIDIA driver, CUDA 12 and cuDNN 9, reinstall with ONNXRUNTIME_NODE_INSTALL=cuda12 npm ci (this repo\'s .npmrc sets onnxruntime-node-install=skip)';

export function ortVersion(): string {
  return ort.env.versions.node ?? ort.env.versions.common ?? 'unknown';
}

/** The folder holding the binding and the provider libraries the install script downloads. */
function bindingDir(): string {
  const main = createRequire(import.meta.url).resolve('onnxruntime-node');
  return join(dirname(main), '..', 'bin', 'napi-v6', process.platform, process.arch);
}

function providerLibrary(name: string): string {
  if (process.platform === 'win32') return `onnxruntime_providers_${name}.dll`;
  return process.platform === 'darwin' ? `libonnxruntime_providers_${name}.dylib` : `libonnxruntime_providers_${name}.so`;
}

/** Backends the binding was built with ([] when this onnxruntime-node predates listSupportedBackends). */
function listed(): { name: string; bundled: boolean }[] {
  const list = (ort as { listSupportedBackends?: () => { name: string; bundled: boolean }[] }).listSupportedBackends;
  return typeof list === 'function' ? list() : [{ name: 'cpu', bundled: true }];
}

/** A quick look without creating sessions: what the binding lists and which libraries are on disk. */
export function providers(): ProviderStatus[] {
  return listed().map(({ name, bundled }) => {
    if (bundled || existsSync(join(bindingDir(), providerLibrary(name)))) return { name, available: true, reason: null, fix: null };
    const fix = name === 'tensorrt' ? `${CUDA_FIX}, and install TensorRT` : name === 'cuda' ? CUDA_FIX : `install onnxruntime-node's ${name} provider`;
    return { name, available: false, reason: `${providerLibrary(name)} is not installed in ${bindingDir()}`, fix };
  });
}

let probeModel: Uint8Array | undefined;

/** A one-node model to open a session with. */
function tinyModel(): Uint8Array {
  probeModel ??= exportOnnx(trace('probe', (b) => ({ y: add(b.data('x', 'float32', [1]), 1) })));
  return probeModel;
}

/** Open and release a session on `device`; null when it works, else the reason. */
export async function trySession(device: Device): Promise<string | null> {
  try {
    const s = await ort.InferenceSession.create(tinyModel(), { executionProviders: [device], intraOpNumThreads: 1, interOpNumThreads: 1 });
    await s.release();
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/** `providers()`, confirmed by opening a session on cpu and, when installed, on cuda. */
export async function probeOrt(): Promise<OrtProbe> {
  const out: ProviderStatus[] = [];
  for (const p of providers()) {
    if (p.available && (p.name === 'cpu' || p.name === 'cuda')) {
      const why = await trySession(p.name);
      const fix = p.name === 'cuda' ? CUDA_FIX : 'reinstall onnxruntime-node';
      out.push(why ? { name: p.name, available: false, reason: why.split('\n')[0]!, fix } : p);
    } else out.push(p);
  }
  return { version: ortVersion(), providers: out };
}
