export * from './encoder.ts';
export * from './mlp-encoder.ts';
export * from './cnn-encoder.ts';
export * from './transformer.ts';
