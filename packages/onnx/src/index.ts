// @repkit/onnx: export any core Graph (inference or train step) to an ONNX model, opset 17; import ONNX models
// (ours and other tools', opset ≤ 17) back into core Graphs; ONNX test-data files (TensorProto).
export { exportOnnx, exportModel, ONNX_OPSET, ONNX_IR_VERSION, type ExportOptions } from './export.ts';
export { writeOnnx } from './write.ts';
export { inspectModel, type ModelSummary, type NodeSummary, type ValueSummary } from './inspect.ts';
export { GraphEmitter, type DimSource } from './emitter.ts';
export { importOnnx, importModel, supportedOnnxOps, IMPORT_OPSETS, type ImportOptions, type ImportedModel, type ParamsChoice } from './import/index.ts';
export {
  encodeTensor, decodeTensor, readTensorFile, readTestDataSet, writeTensorFiles, writeTestDataSet,
  type NamedTensor, type TestDataSet,
} from './test-data.ts';
