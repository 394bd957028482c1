// Graph-based semi-supervised learning: label propagation and label spreading (methods/ssl-semi.md §3.7).
export * from './label-propagation.ts';
export * from './graphs.ts';
export * from './affinity.ts';
export * from './mt19937.ts';
