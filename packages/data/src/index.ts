export * from './paths.ts';
export * from './digits.ts';
export * from './rows.ts';
export * from './triples.ts';
export * from './iris.ts';
export * from './sequences.ts';
