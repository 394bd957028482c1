// Metric learning: GMML (geometric mean metric learning), Mahalanobis metrics, k-NN under a learned
// metric, and the SPD geometric mean they rest on (eigensolver and powers: @repkit/kernels).
export * from './gmml.ts';
export * from './knn.ts';
export * from './cv.ts';
export * from './eigh.ts';
export * from './evaluate.ts';
