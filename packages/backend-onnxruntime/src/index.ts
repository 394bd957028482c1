// @repkit/backend-onnxruntime: graphs run by onnxruntime-node (cuda when usable, else cpu).
// Importing this package registers the backend as 'onnxruntime'.
import { registerBackend } from '@repkit/core';
import { OrtBackend } from './backend.ts';
import { trySession } from './providers.ts';

export { OrtBackend, type OrtBackendOptions } from './backend.ts';
export { providers, probeOrt, ortVersion, type ProviderStatus, type OrtProbe, type Device } from './providers.ts';

registerBackend({
  name: 'onnxruntime',
  create: async () => new OrtBackend(),
  probe: () => trySession('cpu'),
});
