// @repkit/methods: one folder per family, one file per method.
export * from './supervised/mlp-classifier.ts';
export { makeFolders } from './atomic-folder.ts';
export * as kge from './kge/index.ts';
export * as cluster from './cluster/index.ts';
export * as semi from './semi/index.ts';
export * as manifold from './manifold/index.ts';
export * as metric from './metric/index.ts';
export * as ssl from './ssl/index.ts';
export * as encoders from './encoders/index.ts';
export * as linear from './linear/index.ts';
