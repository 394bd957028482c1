// @repkit/onnx: export any core Graph (inference or train step) to an ONNX model, opset 17.
export { exportOnnx, exportModel, ONNX_OPSET, ONNX_IR_VERSION, type ExportOptions } from './export.ts';
export { writeOnnx } from './write.ts';
export { inspectModel, type ModelSummary, type NodeSummary, type ValueSummary } from './inspect.ts';
export { GraphEmitter, type DimSource } from './emitter.ts';
