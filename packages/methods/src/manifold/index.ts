// Manifold learning: t-SNE (exact on any backend, Barnes–Hut on the host) and trustworthiness.
export * from './tsne.ts';
export * from './tsne-graphs.ts';
export * from './trustworthiness.ts';
export * from './affinities.ts';
export * from './barnes-hut.ts';
