// Graph-based semi-supervised learning: label propagation and label spreading (methods/ssl-semi.md §3.7).
export * from './label-propagation.ts';
export * from './graphs.ts';
export * from './affinity.ts';
export * from './mt19937.ts';
export * from './losses.ts';
export * from './recipe.ts';
export * from './supervised.ts';
export * from './self-training.ts';
export * from './entropy-minimisation.ts';
export * from './fixmatch.ts';
export * from './mixmatch.ts';
export * from './mean-teacher.ts';
export * from './schedules.ts';
export * from './digits-protocol.ts';
export * from './distillation.ts';
