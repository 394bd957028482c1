// @repkit/conformance: cases, the runner and its report.
export * from './case.ts';
export * from './tolerances.ts';
export * from './compare.ts';
export * from './runner.ts';
export * from './report.ts';
export { allCases } from './cases/index.ts';
