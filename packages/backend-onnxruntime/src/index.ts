// @repkit/backend-onnxruntime: graphs run by onnxruntime-node (cuda when usable, else cpu).
// Importing this package registers the backend as 'onnxruntime'.
import { registerBackend } from '@repkit/core';
import { OrtBackend } from './backend.ts';
import { trySession } from './providers.ts';

export { OrtBackend, type OrtBackendOptions } from './backend.ts';
export { providers, probeOrt, ortVersion, type ProviderStatus, type OrtProbe, type Device } from './providers.ts';

// REPKIT_ORT_DEVICE=cuda|cpu|auto and REPKIT_ORT_STRICT=1 choose the provider of the default instance.
const device = (process.env.REPKIT_ORT_DEVICE ?? 'auto') as 'auto' | 'cuda' | 'cpu';
if (!['auto', 'cuda', 'cpu'].includes(device)) throw new Error(`REPKIT_ORT_DEVICE must be auto, cuda or cpu, got '${device}'`);

registerBackend({
  name: 'onnxruntime',
  create: async () => new OrtBackend({ device, strict: process.env.REPKIT_ORT_STRICT === '1' }),
  probe: () => trySession('cpu'),
});
