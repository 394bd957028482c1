// Compile-time rewrites of the wasm backend (they change which tfjs calls a run makes, never the IR):
// matmul → add(bias over rows) [→ relu] as one _FusedMatMul call; matmul of a transpose as the
// transposed product where that packs less (see foldTranspose); cast(greater(x, 0)) as one mask.
import * as tf from '@tensorflow/tfjs-core';
import type { Graph, Node, Value } from '@repkit/core';
import { hasGemm, heapMatMul } from './gemm.ts';
import { view } from './heap.ts';
import type { Lowering } from './lowering.ts';

/** A run-time unit of the executable: one IR node, or a chain of nodes run as one tfjs call. */
export interface Fused {
  /** The nodes it replaces, in order; the last one's outputs are its outputs. */
  readonly nodes: readonly Node[];
  readonly inputs: readonly Value[];
  readonly label: string;
  readonly lower: Lowering;
}

/** The fused lowerings by label (inputs a, b, bias; or x), looked up when a graph is compiled, as LOWERING is. */
export const FUSED: Record<string, Lowering> = {
  'matmul+add': (x, { outShapes: [s] }) => (hasGemm() ? heapMatMul(x[0]!, x[1]!, { bias: x[2]! }) : fusedMatMul(x[0]!, x[1]!, x[2]!, 'linear', s!)),
  'matmul+add+relu': (x, { outShapes: [s] }) => (hasGemm() ? heapMatMul(x[0]!, x[1]!, { bias: x[2]!, relu: true }) : fusedMatMul(x[0]!, x[1]!, x[2]!, 'relu', s!)),
  // matmul(a, transpose(w)) + bias [→ relu]: a Linear layer as PyTorch exports it (Gemm, transB = 1).
  'matmul(a, transpose(w))+add': (x, { outShapes: [s] }) => linearT(x[0]!, x[1]!, x[2]!, false, s!),
  'matmul(a, transpose(w))+add+relu': (x, { outShapes: [s] }) => linearT(x[0]!, x[1]!, x[2]!, true, s!),
  'greater+cast': (x) => positiveMask(x[0]!),
  // Inputs (x, g) of matmul(transpose(x), g), and (a, w) of matmul(a, transpose(w)): the gemm reads the
  // transpose in place; tfjs runs the transposed product (see foldTranspose).
  'matmul(transpose(x), g)': (x) => (hasGemm() ? heapMatMul(x[0]!, x[1]!, { transA: true }) : swappedProduct(x[1]!, x[0]!, true)),
  'matmul(a, transpose(w))': (x) => (hasGemm() ? heapMatMul(x[0]!, x[1]!, { transB: true }) : swappedProduct(x[1]!, x[0]!, false)),
};

const isFloat = (v: Value): boolean => v.dtype === 'float32' || v.dtype === 'float64';

/**
 * matmul(a[m,k], b[k,n]) + bias[n] (either operand order) [→ relu], where each intermediate
 * has that one reader and is no graph output: one call instead of three, repkit's gemm (the bias added
 * last, as unfused) or else tfjs's _FusedMatMul (XNNPACK's fully connected with bias and clamp; its sums
 * start from the bias: the results differ from the unfused chain by float32 rounding only).
 * On the gemm, a weight read through a single-reader 2-D transpose joins the chain (PyTorch's Linear).
 * matmul(transpose(x), g) and matmul(a, transpose(w)), 2-D: see foldTranspose.
 * cast(greater(x, 0), float) for float x (a relu's gradient mask): see positiveMask.
 */
export function findFusions(graph: Graph): Map<Node, Fused> {
  const readers = new Map<Value, Node[]>();
  for (const n of graph.nodes) for (const v of n.inputs) (readers.get(v) ?? readers.set(v, []).get(v)!).push(n);
  const outputs = new Set(graph.outputs.map((o) => o.value));
  const inputs = new Set(graph.inputs.map((i) => i.value));
  const consts = new Map(graph.inputs.filter((i) => i.kind === 'const').map((i) => [i.value, i.tensor!]));
  const producers = new Map(graph.nodes.flatMap((n) => n.outputs.map((o) => [o, n] as const)));
  const only = (v: Value): Node | undefined => {
    const r = readers.get(v);
    return !outputs.has(v) && r?.length === 1 ? r[0] : undefined;
  };
  // Keyed by the last node: a unit runs where its output is made, when every input of its nodes exists.
  const fusions = new Map<Node, Fused>(), claimed = new Set<Node>();
  const claim = (f: Fused): void => {
    fusions.set(f.nodes.at(-1)!, f);
    for (const n of f.nodes) claimed.add(n);
  };
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
    const tw = hasGemm() ? transposeRead(b, mm, producers, only) : undefined; // the gemm reads w transposed in place
    const label = `${tw ? 'matmul(a, transpose(w))' : 'matmul'}+add${withRelu ? '+relu' : ''}`;
    claim(tw ? { nodes: [tw, ...nodes], inputs: [a, tw.inputs[0]!, bias], label, lower: FUSED[label]! } : { nodes, inputs: [a, b, bias], label, lower: FUSED[label]! });
  }
  for (const mm of graph.nodes) {
    if (mm.op !== 'matmul' || claimed.has(mm)) continue;
    const fold = foldTranspose(mm, producers, only);
    if (fold) claim(fold);
  }
  for (const gt of graph.nodes) {
    if (gt.op !== 'greater') continue;
    const [x, zero] = gt.inputs as [Value, Value];
    const cast = only(gt.outputs[0]!);
    const c = consts.get(zero);
    if (cast?.op !== 'cast' || !isFloat(x) || !isFloat(cast.outputs[0]!)) continue;
    if (c?.size !== 1 || c.data[0] !== 0 || zero.shape.length > x.shape.length) continue;
    claim({ nodes: [gt, cast], inputs: [x], label: 'greater+cast', lower: FUSED['greater+cast']! });
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

/** Relative costs per element (tfjs-backend-wasm 4.22, measured): packing a matmul's b for XNNPACK; a Transpose. */
const PACK = 4.7, TRANSPOSE = 1;

/**
 * A matmul whose operand is a 2-D transpose with no other reader, run as the transposed product where
 * that is cheaper: (xᵀg)ᵀ = gᵀx and (a·wᵀ)ᵀ = w·aᵀ. The matmul's flags for transposed operands fall back
 * to a scalar loop (13–28× slower, measured), so the saving is elsewhere: tfjs hands XNNPACK b as weights
 * to pack (transposing) on every call, 4.7× the cost of a Transpose per element, and the swap makes the
 * smaller operand b. E.g. a first layer's weight gradient xᵀg, x [750, 64], g [750, 256], ran in 1.35
 * instead of 2.0 ms. The dot products are the same, so are the results.
 */
function foldTranspose(mm: Node, producers: ReadonlyMap<Value, Node>, only: (v: Value) => Node | undefined): Fused | undefined {
  const [a, b] = mm.inputs as [Value, Value];
  const producer = (v: Value): Node | undefined => transposeRead(v, mm, producers, only);
  if (!isFloat(a) || !isFloat(b) || a === b || a.shape.length !== 2 || b.shape.length !== 2) return undefined;
  const ta = producer(a);
  if (hasGemm()) {
    // The gemm reads either operand transposed in place: fold always, symbolic batch dims included.
    if (ta) return { nodes: [ta, mm], inputs: [ta.inputs[0]!, b], label: 'matmul(transpose(x), g)', lower: FUSED['matmul(transpose(x), g)']! };
    const tb = producer(b);
    if (tb) return { nodes: [tb, mm], inputs: [a, tb.inputs[0]!], label: 'matmul(a, transpose(w))', lower: FUSED['matmul(a, transpose(w))']! };
    return undefined;
  }
  // tfjs's cost model needs every extent.
  if (![...a.shape, ...b.shape].every((d) => typeof d === 'number')) return undefined;
  const [M, K] = a.shape as [number, number], N = b.shape[1] as number;
  if (M === 0 || K === 0 || N === 0) return undefined;
  if (ta) {
    // Direct: transpose x, pack g [K, N]. Swapped: transpose g, pack x [K, M], transpose the [N, M] product.
    if (TRANSPOSE * K * N + PACK * K * M + TRANSPOSE * M * N >= TRANSPOSE * K * M + PACK * K * N) return undefined;
    return { nodes: [ta, mm], inputs: [ta.inputs[0]!, b], label: 'matmul(transpose(x), g)', lower: FUSED['matmul(transpose(x), g)']! };
  }
  const tb = producer(b);
  if (tb) {
    // Direct: transpose w, pack wᵀ [K, N]. Swapped: transpose a, pack aᵀ [K, M], transpose the [N, M] product.
    if ((TRANSPOSE + PACK) * K * M + TRANSPOSE * M * N >= (TRANSPOSE + PACK) * K * N) return undefined;
    return { nodes: [tb, mm], inputs: [a, tb.inputs[0]!], label: 'matmul(a, transpose(w))', lower: FUSED['matmul(a, transpose(w))']! };
  }
  return undefined;
}

/** The 2-D transpose that makes `v`, when `mm` is its one reader. */
function transposeRead(v: Value, mm: Node, producers: ReadonlyMap<Value, Node>, only: (v: Value) => Node | undefined): Node | undefined {
  const t = producers.get(v);
  const perm = t?.attrs.perm as readonly number[] | undefined;
  return t?.op === 'transpose' && perm?.[0] === 1 && only(v) === mm && v.shape.length === 2 ? t : undefined;
}

/** a·wᵀ + bias [→ relu]: on the gemm, w read transposed; else tfjs transposes w first. */
function linearT(a: tf.Tensor, w: tf.Tensor, bias: tf.Tensor, relu: boolean, s: readonly number[]): tf.Tensor {
  if (hasGemm()) return heapMatMul(a, w, { transB: true, bias, relu });
  const t = tf.transpose(w);
  try {
    return fusedMatMul(a, t, bias, relu ? 'relu' : 'linear', s);
  } finally {
    t.dispose();
  }
}

/** transpose(p @ q) where p, q are g, x (transposeFirst: gᵀ @ x) or w, a (w @ aᵀ). */
function swappedProduct(first: tf.Tensor, second: tf.Tensor, transposeFirst: boolean): tf.Tensor {
  const e = tf.engine();
  const t = tf.transpose(transposeFirst ? first : second);
  const [p, q] = transposeFirst ? [t, second] : [first, t];
  let out: tf.Tensor | undefined;
  try {
    out = e.runKernel(tf.BatchMatMul, { a: p, b: q }, { transposeA: false, transposeB: false }) as tf.Tensor;
    return tf.transpose(out);
  } finally {
    t.dispose();
    out?.dispose();
  }
}

/**
 * x > 0 as float 0/1, exactly: Step gives 1 / 0 / NaN for x > 0 / x ≤ 0 / NaN, and ClipByValue (XNNPACK's
 * clamp) sends NaN to its lower bound, 0. Both are SIMD loops; the Greater kernel, then Cast, ran 20× slower.
 */
function positiveMask(x: tf.Tensor): tf.Tensor {
  const step = tf.engine().runKernel(tf.Step, { x }, { alpha: 0 }) as tf.Tensor;
  try {
    return tf.engine().runKernel(tf.ClipByValue, { x: step }, { clipValueMin: 0, clipValueMax: 1 }) as tf.Tensor;
  } finally {
    step.dispose();
  }
}
