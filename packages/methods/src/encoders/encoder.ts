// What a self-supervised recipe needs of an image encoder: parameters declared on a builder, their initial
// values from the host generator, and the features of every layer (the probe picks one).
import type { GraphBuilder, Philox, Tensor, Value } from '@repkit/core';

export interface Encoder {
  /** 'mlp' or 'cnn' (recorded in checkpoints and ONNX metadata). */
  readonly kind: string;
  /** Image height and width of a row of input. */
  readonly imageShape: readonly [number, number];
  /** Width of each layer's features, first layer first; the last is the representation. */
  readonly featureSizes: readonly number[];
  /** Declare the parameters (names start with `prefix`). */
  params(b: GraphBuilder, prefix?: string): Record<string, Value>;
  /** Initial values of `params` names (PyTorch's default init), drawn from `rng`. */
  init(rng: Philox, prefix?: string): Record<string, Tensor>;
  /** Features of every layer (after ReLU) of images x [batch, h·w]. */
  apply(x: Value, params: Readonly<Record<string, Value>>, prefix?: string): Value[];
}

/** Throw unless rows of `X` (or the row width `cols`) hold h×w images, naming `arg`. */
export function checkImageRows(arg: string, cols: number | undefined, [h, w]: readonly [number, number]): void {
  if (cols !== h * w) {
    throw new Error(`${arg} must be ${h}×${w} (${h * w} values per row) for this encoder, got ${cols}; resize the images or choose an encoder built for that size`);
  }
}
