// @repkit/methods: one folder per family, one file per method.
export * from './supervised/mlp-classifier.ts';
