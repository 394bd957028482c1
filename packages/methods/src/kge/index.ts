// Knowledge-graph embeddings: models, sLCWA training, filtered rank-based evaluation.
export * from './model.ts';
export * from './transe.ts';
export * from './sampler.ts';
export * from './ranking.ts';
export * from './graphs.ts';
export * from './train.ts';
export * from './evaluate.ts';
export * from './models.ts';
export * from './persist.ts';
