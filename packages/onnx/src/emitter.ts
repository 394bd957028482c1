// The OnnxEmitter that op lowerings write into: unique names, nodes, initializers and shape tensors.
import { create } from '@bufbuild/protobuf';
import { NodeProtoSchema, type NodeProto, type TensorProto } from 'onnx-buf';
import type { Dim, OnnxAttr, OnnxEmitter, Tensor } from '@repkit/core';
import { attributeProto, int64Proto, tensorProto } from './protos.ts';

/** Where a symbolic dim can be read at run time: a fed graph input and the axis that holds it. */
export interface DimSource {
  input: string;
  axis: number;
}

export class GraphEmitter implements OnnxEmitter {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  private readonly used = new Set<string>();
  /** Names already produced by a node, an initializer or a graph input. */
  private readonly defined = new Set<string>();
  // Shape constants and run-time dim reads are shared by every lowering that asks for them.
  private readonly memo = new Map<string, string>();
  private nodeCount = 0;

  constructor(private readonly dimSources: ReadonlyMap<string, DimSource>) {}

  /** Claim a name chosen by the graph (an input or output name); throws if it is taken. */
  reserve(name: string): void {
    if (this.used.has(name)) throw new Error(`onnx export: the name '${name}' is used twice; rename an input or output`);
    this.used.add(name);
  }

  /** `base` if free, else `base_1`, `base_2`, ... */
  fresh(base: string): string {
    let name = base;
    for (let k = 1; this.used.has(name); k++) name = `${base}_${k}`;
    this.used.add(name);
    return name;
  }

  /** Mark a graph input as defined (it is produced by the caller's feed). */
  defineInput(name: string): void {
    this.defined.add(name);
  }

  isDefined(name: string): boolean {
    return this.defined.has(name);
  }

  node(opType: string, inputs: readonly string[], attrs: Record<string, OnnxAttr> = {}, outputs?: readonly string[]): string[] {
    for (const i of inputs) {
      if (i !== '' && !this.defined.has(i)) throw new Error(`${opType}: input '${i}' is not defined before this node`);
    }
    const outs = outputs ? [...outputs] : [this.fresh(`t${this.nodeCount}`)];
    for (const o of outs) {
      if (this.defined.has(o)) throw new Error(`${opType}: output '${o}' is already defined (ONNX graphs are SSA)`);
      this.defined.add(o);
    }
    this.nodes.push(create(NodeProtoSchema, {
      name: `n${this.nodeCount++}_${opType}`,
      opType,
      input: [...inputs],
      output: outs,
      attribute: Object.entries(attrs).map(([k, a]) => attributeProto(k, a)),
    }));
    return outs;
  }

  /** Add an initializer under a name already reserved (const inputs, baked parameters). */
  initializer(name: string, t: Tensor): void {
    this.initializers.push(tensorProto(name, t));
    this.defined.add(name);
  }

  constant(t: Tensor): string {
    const name = this.fresh(`c${this.initializers.length}`);
    this.initializer(name, t);
    return name;
  }

  int64s(values: readonly number[]): string {
    const key = `i64:${values.join(',')}`;
    let name = this.memo.get(key);
    if (!name) {
      name = this.fresh(`i64_${this.initializers.length}`);
      this.initializers.push(int64Proto(name, values));
      this.defined.add(name);
      this.memo.set(key, name);
    }
    return name;
  }

  shape(dims: readonly Dim[]): string {
    if (dims.every((d) => typeof d === 'number')) return this.int64s(dims as number[]);
    const key = `shape:${JSON.stringify(dims)}`;
    const known = this.memo.get(key);
    if (known) return known;
    // Runs of static dims become constants; each symbolic dim is a 1-element slice of an input's Shape.
    const parts: string[] = [];
    let run: number[] = [];
    for (const d of dims) {
      if (typeof d === 'number') {
        run.push(d);
        continue;
      }
      if (run.length) parts.push(this.int64s(run));
      run = [];
      parts.push(this.dim(d));
    }
    if (run.length) parts.push(this.int64s(run));
    const name = parts.length === 1 ? parts[0]! : this.node('Concat', parts, { axis: { i: 0 } })[0]!;
    this.memo.set(key, name);
    return name;
  }

  /** A 1-element int64 tensor holding the run-time size of symbolic dim `d`. */
  private dim(d: string): string {
    const key = `dim:${d}`;
    let name = this.memo.get(key);
    if (!name) {
      const src = this.dimSources.get(d);
      if (!src) {
        const known = [...this.dimSources.keys()].join(', ') || 'none';
        throw new Error(`symbolic dim '${d}' is not a dim of any fed graph input (known: ${known}); declare an input with it`);
      }
      name = this.node('Shape', [src.input], { start: { i: src.axis }, end: { i: src.axis + 1 } })[0]!;
      this.memo.set(key, name);
    }
    return name;
  }
}
