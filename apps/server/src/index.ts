// @repkit/server: an HTTP inference service over exported models (KServe v2 / Triton protocol, a KGE
// task endpoint, dynamic batching, Prometheus metrics) and the Triton model-repository writer.
export { createServer, type ServerOptions, type RepkitServer } from './server.ts';
export { serveCommand } from './command.ts';
export { writeTritonRepo, tritonConfig, batchDim, type TritonOptions } from './triton.ts';
export { parsePbtxt, field, type PbMessage, type PbValue } from './pbtxt.ts';
export { scanModels, ModelStore, Model, type ModelEntry, type ModelInfo } from './models.ts';
export { Batcher, concatRows, sliceRows, type BatcherOptions } from './batcher.ts';
export { Metrics } from './metrics.ts';
export { kgeLabels, kgeFeeds, topPredictions, type KgeLabels, type KgeQuery, type Prediction } from './kge.ts';
