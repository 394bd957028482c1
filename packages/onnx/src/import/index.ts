// ONNX import: bytes → a core Graph through the one import table.
export { importOnnx, importModel, IMPORT_OPSETS, type ImportOptions, type ImportedModel, type ParamsChoice } from './import.ts';
export { supportedOnnxOps } from './supported.ts';
