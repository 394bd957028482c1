// @repkit/backend-wasm: runs any core Graph on tfjs-core with tfjs-backend-wasm; registers itself as 'wasm'.
import { registerBackend } from '@repkit/core';
import { WasmBackend } from './backend.ts';

export { WasmBackend, type WasmBackendOptions } from './backend.ts';
export { WasmExecutable } from './executable.ts';
export { LOWERING, type Lowering, type LowerArgs } from './lowering.ts';
export { FUSED } from './fusion.ts';
export { useGemm, withGemm } from './gemm.ts';
export type { WasmInfo } from './init.ts';

registerBackend({
  name: 'wasm',
  create: () => WasmBackend.create(),
  // Starting the engine is the only sure test that the .wasm files load and instantiate here.
  probe: async () => {
    try {
      await WasmBackend.create();
      return null;
    } catch (e) {
      return (e as Error).message;
    }
  },
});
