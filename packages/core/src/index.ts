// @repkit/core: tensors, the graph IR and tracing, the op registry, autodiff, optimizers,
// the Philox generator, the Backend interface and the float64 reference backend.
export * from './tensor.ts';
export * from './ir/types.ts';
export { Graph, GraphBuilder, Value, trace } from './ir/graph.ts';
export type { Node, GraphInput, GraphOutput, InputKind, Attrs } from './ir/graph.ts';
export { prune } from './ir/prune.ts';
export * from './ops/index.ts';
export * from './nn/composites.ts';
export * from './nn/mlp.ts';
export * from './nn/init.ts';
export { grad, type GradOptions } from './autodiff/grad.ts';
export * from './optim/optimizer.ts';
export * from './optim/sgd.ts';
export * from './optim/adam.ts';
export * from './optim/constraints.ts';
export * from './optim/train-step.ts';
export * from './optim/trainer.ts';
export * from './optim/adagrad.ts';
export * from './optim/table.ts';
export * from './optim/row-rules.ts';
export * from './optim/sparse-trainer.ts';
export * from './rng/philox.ts';
export * from './backend/backend.ts';
export { ReferenceBackend, interpret } from './backend/reference.ts';
export * from './nn/gumbel-annealed.ts';
