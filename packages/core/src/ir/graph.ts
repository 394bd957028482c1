// The graph IR: typed SSA values, nodes that apply a registered op, and three kinds of inputs.
import { Tensor, scalar, type DType } from '../tensor.ts';
import { getOp } from '../ops/registry.ts';
import { formatType, type Dim, type ValueType } from './types.ts';

export type InputKind = 'data' | 'param' | 'const';
export type Attrs = Readonly<Record<string, unknown>>;

export class Value implements ValueType {
  constructor(
    readonly builder: GraphBuilder,
    readonly id: number,
    readonly dtype: DType,
    readonly shape: readonly Dim[],
  ) {}

  get rank(): number {
    return this.shape.length;
  }

  toString(): string {
    return `%${this.id}: ${formatType(this)}`;
  }
}

export interface Node {
  readonly op: string;
  readonly inputs: readonly Value[];
  readonly outputs: readonly Value[];
  readonly attrs: Attrs;
}

export interface GraphInput {
  readonly name: string;
  readonly kind: InputKind;
  readonly value: Value;
  /** The fixed value of a 'const' input. */
  readonly tensor?: Tensor;
}

export interface GraphOutput {
  readonly name: string;
  readonly value: Value;
}

/** An immutable traced graph: inputs, nodes in topological order, named outputs. */
export class Graph {
  constructor(
    readonly name: string,
    readonly inputs: readonly GraphInput[],
    readonly nodes: readonly Node[],
    readonly outputs: readonly GraphOutput[],
  ) {}

  input(name: string): GraphInput {
    const i = this.inputs.find((x) => x.name === name);
    if (!i) throw new Error(`graph '${this.name}' has no input '${name}' (inputs: ${this.inputs.map((x) => x.name).join(', ')})`);
    return i;
  }

  output(name: string): GraphOutput {
    const o = this.outputs.find((x) => x.name === name);
    if (!o) throw new Error(`graph '${this.name}' has no output '${name}' (outputs: ${this.outputs.map((x) => x.name).join(', ')})`);
    return o;
  }

  /** Inputs a caller must feed: data and parameters (constants travel with the graph). */
  get feeds(): GraphInput[] {
    return this.inputs.filter((i) => i.kind !== 'const');
  }

  toString(): string {
    const lines = [`graph ${this.name}(`];
    for (const i of this.inputs) lines.push(`  ${i.kind} ${i.name} ${i.value}`);
    lines.push(') {');
    for (const n of this.nodes) {
      const attrs = Object.keys(n.attrs).length ? ` ${JSON.stringify(n.attrs)}` : '';
      lines.push(`  ${n.outputs.join(', ')} = ${n.op}(${n.inputs.map((v) => `%${v.id}`).join(', ')})${attrs}`);
    }
    for (const o of this.outputs) lines.push(`  return ${o.name} = %${o.value.id}`);
    lines.push('}');
    return lines.join('\n');
  }
}

/** Records ops as they are applied; `build` freezes the result into a Graph. */
export class GraphBuilder {
  private nextId = 0;
  readonly inputs: GraphInput[] = [];
  readonly nodes: Node[] = [];
  private readonly literals = new Map<string, Value>();

  constructor(readonly name = 'graph') {}

  private newValue(dtype: DType, shape: readonly Dim[]): Value {
    return new Value(this, this.nextId++, dtype, shape);
  }

  private addInput(name: string, kind: InputKind, dtype: DType, shape: readonly Dim[], t?: Tensor): Value {
    if (this.inputs.some((i) => i.name === name)) {
      throw new Error(`graph '${this.name}': input name '${name}' is used twice`);
    }
    const value = this.newValue(dtype, shape);
    this.inputs.push({ name, kind, value, tensor: t });
    return value;
  }

  /** A data input (a batch, a sample); symbolic dims are allowed. */
  data(name: string, dtype: DType, shape: readonly Dim[]): Value {
    return this.addInput(name, 'data', dtype, shape);
  }

  /** A parameter: trainable, fed on every run. */
  param(name: string, dtype: DType, shape: readonly Dim[]): Value {
    return this.addInput(name, 'param', dtype, shape);
  }

  /** A constant that travels with the graph (an ONNX initializer). */
  constant(name: string, t: Tensor): Value {
    return this.addInput(name, 'const', t.dtype, t.shape, t);
  }

  /** A scalar literal of a dtype, shared by every use in this graph. */
  literal(value: number, dtype: DType): Value {
    const key = literalKey(value, dtype);
    let v = this.literals.get(key);
    if (!v) {
      v = this.constant(this.freshName('lit_'), scalar(value, dtype));
      this.literals.set(key, v);
    }
    return v;
  }

  /** An input name not used yet: prefix + counter. */
  freshName(prefix: string): string {
    let k = this.inputs.length;
    while (this.inputs.some((i) => i.name === `${prefix}${k}`)) k++;
    return `${prefix}${k}`;
  }

  /**
   * Copy a graph's inputs and nodes into this builder; returns the map from its values to ours.
   * `reshape` gives some fed inputs new shapes (types downstream are re-inferred).
   */
  adopt(g: Graph, reshape: Readonly<Record<string, readonly Dim[]>> = {}): Map<Value, Value> {
    const map = new Map<Value, Value>();
    for (const i of g.inputs) {
      const shape = reshape[i.name] ?? i.value.shape;
      const v = i.kind === 'const' ? this.constant(i.name, i.tensor!) : this.addInput(i.name, i.kind, i.value.dtype, shape);
      if (i.kind === 'const' && i.tensor!.size === 1 && i.tensor!.rank === 0 && i.name.startsWith('lit_')) {
        this.literals.set(literalKey(i.tensor!.data[0]!, i.tensor!.dtype), v);
      }
      map.set(i.value, v);
    }
    for (const n of g.nodes) {
      const outs = this.apply(n.op, n.inputs.map((v) => map.get(v)!), n.attrs);
      n.outputs.forEach((o, k) => map.set(o, outs[k]!));
    }
    return map;
  }

  /** Apply a registered op: checks types with the op's rule and records the node. */
  apply(op: string, inputs: readonly Value[], attrs: Attrs = {}): Value[] {
    const def = getOp(op);
    for (const v of inputs) {
      if (v.builder !== this) throw new Error(`${op}: an input belongs to graph '${v.builder.name}', not '${this.name}'`);
    }
    if (def.arity !== undefined && inputs.length !== def.arity) {
      throw new Error(`${op}: takes ${def.arity} inputs, got ${inputs.length}`);
    }
    const types = def.infer(inputs, attrs);
    const outputs = types.map((t) => this.newValue(t.dtype, t.shape));
    this.nodes.push({ op, inputs: [...inputs], outputs, attrs });
    return outputs;
  }

  build(outputs: Record<string, Value>): Graph {
    const outs = Object.entries(outputs).map(([name, value]) => {
      if (!(value instanceof Value) || value.builder !== this) {
        throw new Error(`graph '${this.name}': output '${name}' is not a value of this graph`);
      }
      return { name, value };
    });
    return new Graph(this.name, [...this.inputs], [...this.nodes], outs);
  }
}

function literalKey(value: number, dtype: DType): string {
  return `${dtype}:${Object.is(value, -0) ? '-0' : value}`;
}

/** Trace a graph: `fn` declares inputs on the builder and returns the named outputs. */
export function trace(name: string, fn: (b: GraphBuilder) => Record<string, Value>): Graph {
  const b = new GraphBuilder(name);
  return b.build(fn(b));
}
