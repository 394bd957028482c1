// Registers every primitive (import for its side effect) and re-exports the tracing API.
import './binary.ts';
import './unary.ts';
import './where.ts';
import './reduce.ts';
import './matmul.ts';
import './layout.ts';
import './shape.ts';
import './indexing.ts';
import './topk.ts';
import './softmax.ts';
import './conv.ts';
import './pool.ts';
export * from './api.ts';
export { listOps, getOp, defineOp, ONNX_DTYPE, ONNX_INT64 } from './registry.ts';
export type { OpDef, OpInfo, OnnxEmitter, OnnxAttr, OnnxNodeArgs, VjpArgs } from './registry.ts';
