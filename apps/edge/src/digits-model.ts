// The edge page's digits classifier, made at build time (Node only: it reads the dataset): the MLP of
// `repkit mlp` (64-256-256-10, Adam, 3000 steps, batch 64, seed 0) trained on onnxruntime on the
// 1000-image pool of the seed-0 digits split, exported to ONNX with class probabilities and the class.
import { writeFileSync } from 'node:fs';
import { GraphBuilder, Tensor, argmax, mlp, mlpParams, softmax, type Graph } from '@repkit/core';
import '@repkit/backend-onnxruntime';
import { digitsSplit, loadDigits, takeRows } from '@repkit/data';
import { MLPClassifier } from '@repkit/methods';
import { exportOnnx } from '@repkit/onnx';

/** The settings of `repkit mlp` (its defaults); the same seed gives the same weights on every run. */
export const DIGITS_TRAINING = { backend: 'onnxruntime', steps: 3000, batchSize: 64, seed: 0 } as const;

/** x [batch, 64] (an 8×8 digit row by row, pixels 0..16 divided by 16) → probs [batch, 10], label [batch]. */
function inferenceGraph(sizes: readonly number[]): Graph {
  const b = new GraphBuilder('digits_mlp');
  const x = b.data('x', 'float32', ['batch', sizes[0]!]);
  const logits = mlp(x, mlpParams(b, sizes));
  return b.build({ probs: softmax(logits, -1), label: argmax(logits, -1) });
}

/** Subnormal floats (weight decay drives the weights of always-blank pixels there) carry nothing and make x86 float math take slow assists. */
function flushSubnormals(t: Tensor): Tensor {
  const data = Float32Array.from(t.data, (v) => (Math.abs(v) < 1.1754943508222875e-38 ? 0 : v));
  return new Tensor('float32', t.shape, data);
}

/** Train the classifier and return the bytes of its ONNX export, with its provenance in the metadata. */
export async function digitsModel(): Promise<{ bytes: Uint8Array; accuracy: number }> {
  const { X, y } = loadDigits();
  const split = digitsSplit();
  const model = new MLPClassifier(DIGITS_TRAINING);
  await model.fit(takeRows(X, split.pool), takeRows(y, split.pool));
  const accuracy = await model.score(takeRows(X, split.test), takeRows(y, split.test));
  const sizes = [model.nFeatures_, ...model.hidden, model.nClasses_];
  const weights = Object.fromEntries(Object.entries(model.params_!).map(([k, t]) => [k, flushSubnormals(t)]));
  const bytes = exportOnnx(inferenceGraph(sizes), {
    initializers: weights,
    docString: 'digits MLP of repkit mlp, made by apps/edge/src/digits-model.ts',
    metadata: {
      'repkit.kind': 'classifier',
      'repkit.model': `mlp-${sizes.join('-')}`,
      'repkit.classes': JSON.stringify(Array.from({ length: model.nClasses_ }, (_, i) => String(i))),
      'repkit.input': 'x: float32 [batch, 64], an 8×8 digit row by row, pixels 0..16 (scikit-learn digits) divided by 16',
      'repkit.training': JSON.stringify({ dataset: 'digits', images: 'pool of datasets/digits/split-seed0.json', ...DIGITS_TRAINING, testAccuracy: accuracy }),
    },
  });
  return { bytes, accuracy };
}

/** Train, export and write to `file`. */
export async function writeDigitsModel(file: string): Promise<{ file: string; accuracy: number; bytes: number }> {
  const { bytes, accuracy } = await digitsModel();
  writeFileSync(file, bytes);
  return { file, accuracy, bytes: bytes.length };
}
