// Browser-safe imports of repkit. @repkit/onnx's index also exports writeOnnx and the ONNX test-data
// files, which import node:fs, so importOnnx and inspectModel are taken from their own files.
export { Tensor, type Executable, type Feeds } from '@repkit/core';
export { importOnnx } from '../../../packages/onnx/src/import/index.ts';
export { inspectModel } from '../../../packages/onnx/src/inspect.ts';
export { WasmBackend } from '@repkit/backend-wasm';
export { kgeFeeds, kgeLabels, topPredictions, type KgeLabels, type Prediction } from '@repkit/server/kge';
