// @repkit/methods: one folder per family, one file per method.
export * from './supervised/mlp-classifier.ts';
export * as kge from './kge/index.ts';
