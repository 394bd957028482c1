// Clustering: k-means and Gaussian mixtures, step graphs on any backend (methods/ssl-semi.md §4.1–4.2).
export * from './kmeans.ts';
export * from './kmeans-graphs.ts';
export * from './datasets.ts';
export * from './scores.ts';
export * from './gmm.ts';
export * from './gmm-graphs.ts';
