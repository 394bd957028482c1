// Compile-time rewrites of the wasm backend (they change which tfjs calls a run makes, never the IR):
// matmul → add(bias over rows) [→ relu] as one _FusedMatMul call.
import * as tf from '@tensorflow/tfjs-core';
import type { Graph, Node, Value } from '@repkit/core';
import { view, type Lowering } from './lowering.ts';

/** A run-time unit of the executable: one IR node, or a chain of nodes run as one tfjs call. */
export interface Fused {
  /** The nodes it replaces, in order; the last one's outputs are its outputs. */
  readonly nodes: readonly Node[];
  readonly inputs: readonly Value[];
  readonly label: string;
  readonly lower: Lowering;
}

/** The fused lowerings by label (inputs a, b, bias), looked up when a graph is compiled, as LOWERING is. */
export const FUSED: Record<string, Lowering> = {
  'matmul+add': (x, { outShapes: [s] }) => fusedMatMul(x[0]!, x[1]!, x[2]!, 'linear', s!),
  'matmul+add+relu': (x, { outShapes: [s] }) => fusedMatMul(x[0]!, x[1]!, x[2]!, 'relu', s!),
};

const isFloat = (v: Value): boolean => v.dtype === 'float32' || v.dtype === 'float64';

/**
 * matmul(a[m,k], b[k,n]) + bias[n] (either operand order) [→ relu], where each intermediate
 * has that one reader and is no graph output: tfjs's _FusedMatMul (XNNPACK's fully connected with bias
 * and clamp) in one call instead of three. The sums start from the bias instead of adding it last: the
 * results differ from the unfused chain by float32 rounding only.
 */
export function findFusions(graph: Graph): Map<Node, Fused> {
  const readers = new Map<Value, Node[]>();
  for (const n of graph.nodes) for (const v of n.inputs) (readers.get(v) ?? readers.set(v, []).get(v)!).push(n);
  const outputs = new Set(graph.outputs.map((o) => o.value));
  const inputs = new Set(graph.inputs.map((i) => i.value));
  const only = (v: Value): Node | undefined => {
    const r = readers.get(v);
    return !outputs.has(v) && r?.length === 1 ? r[0] : undefined;
  };
  const fusions = new Map<Node, Fused>();
  for (const mm of graph.nodes) {
    if (mm.op !== 'matmul') continue;
    const [a, b] = mm.inputs as [Value, Value];
    const out = mm.outputs[0]!;
    if (!isFloat(a) || !isFloat(b) || a.shape.length !== 2 || b.shape.length !== 2 || typeof b.shape[1] !== 'number') continue;
    const n = b.shape[1];
    const add = only(out);
    if (add?.op !== 'add' || add.inputs[0] === add.inputs[1]) continue;
    const bias = add.inputs[0] === out ? add.inputs[1]! : add.inputs[0]!;
    // The kernel reads the bias's rank from its data as first written, not from the tensor (a reshaped
    // [1, n] is still rank 2 there): only graph inputs of shape [n], uploaded as such, qualify.
    if (!isFloat(bias) || !inputs.has(bias) || bias.shape.length !== 1 || bias.shape[0] !== n) continue;
    if (add.outputs[0]!.shape.length !== 2) continue;
    const relu = only(add.outputs[0]!);
    const withRelu = relu?.op === 'relu';
    const nodes = withRelu ? [mm, add, relu!] : [mm, add];
    const label = withRelu ? 'matmul+add+relu' : 'matmul+add';
    fusions.set(mm, { nodes, inputs: [a, b, bias], label, lower: FUSED[label]! });
  }
  return fusions;
}

function fusedMatMul(a: tf.Tensor, b: tf.Tensor, bias: tf.Tensor, activation: 'relu' | 'linear', s: readonly number[]): tf.Tensor {
  if (a.shape[0] === 0) return tf.zeros([...s]);
  // The wasm _FusedMatMul reads a and b as rank 3 (it reshapes nothing itself).
  const a3 = view(a, [1, a.shape[0]!, a.shape[1]!]), b3 = view(b, [1, b.shape[0]!, b.shape[1]!]);
  let out3: tf.Tensor;
  try {
    out3 = tf.engine().runKernel(tf._FusedMatMul, { a: a3, b: b3, bias }, { transposeA: false, transposeB: false, activation, leakyreluAlpha: 0 } as unknown as tf.NamedAttrMap) as tf.Tensor;
  } finally {
    a3.dispose();
    b3.dispose();
  }
  const out = view(out3, s);
  out3.dispose();
  return out;
}
