export * from './lbfgs.ts';
export * from './logistic-regression.ts';
export * from './standard-scaler.ts';
export * from './probe.ts';
