// Turn a loss graph into a train-step graph: parameters, optimizer state, hyper scalars and a batch
// in; new parameters, new state and the metrics out. Constraints are projected after the update.
import { GraphBuilder, type Graph, type Value } from '../ir/graph.ts';
import { prune } from '../ir/prune.ts';
import { grad } from '../autodiff/grad.ts';
import type { Optimizer } from './optimizer.ts';
import { concat, slice } from '../ops/api-shape.ts';
import { reshape } from '../ops/api.ts';
import type { DType } from '../tensor.ts';
import type { Constraint } from './constraints.ts';

export interface TrainStepOptions {
  /** The scalar output to minimise (default 'loss'). */
  loss?: string;
  optimizer: Optimizer;
  /** Parameters to train (default: every 'param' input). */
  params?: readonly string[];
  /**
   * Parameters whose gradient is an output (`gradName(p)`) instead of an update: the caller applies the
   * optimizer itself (a SparseTrainer's host-updated tables). They take no state inputs or constraints.
   */
  gradsOut?: readonly string[];
  /** Projections applied to a parameter after each update, by parameter name. */
  constraints?: Readonly<Record<string, Constraint>>;
  /**
   * Update all parameters as one flat vector (multi-tensor apply): one optimizer op per slot instead
   * of one per parameter, and one state input per slot. Default false; parameters need static shapes.
   */
  fuse?: boolean;
  /**
   * State carried from step to step outside autodiff, computed from the updated parameters: returns the
   * new value of some non-trained inputs of the loss graph, by input name (an EMA teacher: teacher in,
   * teacher out). The Trainer feeds each back at the next step.
   */
  carry?: (ctx: CarryContext) => Record<string, Value>;
}

/** What `carry` sees: the step graph's values of the updated parameters and of the loss graph's inputs. */
export interface CarryContext {
  next(param: string): Value;
  input(name: string): Value;
}

/** An optimizer-state input: its name, shape and dtype (zero-initialised). */
export interface StateInput {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: DType;
}

export interface TrainStep {
  readonly graph: Graph;
  readonly loss: string;
  readonly optimizer: Optimizer;
  readonly params: readonly string[];
  /** The forward graph's outputs, passed through as metrics. */
  readonly metrics: readonly string[];
  /** Every optimizer-state input, zero at step 0. */
  readonly state: readonly StateInput[];
  /** Inputs carried from step to step (`carry`), initialised by the caller. */
  readonly carried: readonly string[];
  /** Parameters whose gradient is output rather than applied (`gradsOut`). */
  readonly gradsOut: readonly string[];
  /** Output name of a `gradsOut` parameter's gradient. */
  gradName(param: string): string;
  /** Input name of a parameter's state slot. */
  stateName(param: string, slot: string): string;
  /** Output name of the updated value of an input (parameter or state). */
  nextName(input: string): string;
  hyperName(h: string): string;
}

const stateName = (p: string, slot: string): string => `${p}.${slot}`;
const nextName = (input: string): string => `${input}.next`;
const hyperName = (h: string): string => `opt.${h}`;
const gradName = (p: string): string => `${p}.grad`;

export function trainStep(lossGraph: Graph, opts: TrainStepOptions): TrainStep {
  const loss = opts.loss ?? 'loss';
  const params = opts.params ?? lossGraph.inputs.filter((i) => i.kind === 'param').map((i) => i.name);
  if (params.length === 0) throw new Error(`trainStep: graph '${lossGraph.name}' has no parameters to train`);
  const gradsOut = opts.gradsOut ?? [];
  for (const name of gradsOut) {
    if (!params.includes(name)) throw new Error(`trainStep: gradsOut names '${name}', which is not a trained parameter`);
    if (opts.constraints?.[name]) throw new Error(`trainStep: '${name}' is in gradsOut, so its constraint must be applied by the caller, not the step`);
  }
  if (gradsOut.length && opts.fuse) throw new Error('trainStep: fuse and gradsOut cannot be combined');
  for (const name of Object.keys(opts.constraints ?? {})) {
    if (!params.includes(name)) throw new Error(`trainStep: constraint on '${name}', which is not a trained parameter`);
  }
  const withGrads = grad(lossGraph, { loss, wrt: params });
  const b = new GraphBuilder(`${lossGraph.name}.step`);
  const map = b.adopt(withGrads);
  const dtype = withGrads.output(loss).value.dtype;
  const hyper: Record<string, Value> = {};
  for (const h of opts.optimizer.hyper) hyper[h] = b.data(hyperName(h), dtype, []);

  const outputs: Record<string, Value> = {};
  const state: StateInput[] = [];
  for (const o of lossGraph.outputs) outputs[o.name] = map.get(withGrads.output(o.name).value)!;
  const ps = params.map((name) => map.get(withGrads.input(name).value)!);
  const gs = params.map((name) => map.get(withGrads.output(`grad:${name}`).value)!);
  const project = (name: string, v: Value): Value => (opts.constraints?.[name] ? opts.constraints[name]!(v) : v);
  if (opts.fuse) {
    const sizes = ps.map((p, i) => {
      if (!p.shape.every((d) => typeof d === 'number')) throw new Error(`trainStep: fuse needs static shapes; '${params[i]}' is [${p.shape.join(', ')}]`);
      if (p.dtype !== ps[0]!.dtype) throw new Error(`trainStep: fuse needs one dtype; '${params[i]}' is ${p.dtype}, '${params[0]}' ${ps[0]!.dtype}`);
      return (p.shape as number[]).reduce((x, y) => x * y, 1);
    });
    const total = sizes.reduce((x, y) => x + y, 0);
    const flat = (vs: Value[]): Value => concat(vs.map((v, i) => reshape(v, [sizes[i]!])), 0);
    const slots = opts.optimizer.slots.map((s) => {
      state.push({ name: hyperName(`flat.${s}`), shape: [total], dtype: ps[0]!.dtype });
      return b.data(hyperName(`flat.${s}`), ps[0]!.dtype, [total]);
    });
    const next = opts.optimizer.update(flat(ps), flat(gs), slots, hyper);
    let off = 0;
    params.forEach((name, i) => {
      outputs[nextName(name)] = project(name, reshape(slice(next.p, [off], [off + sizes[i]!], [0]), ps[i]!.shape));
      off += sizes[i]!;
    });
    opts.optimizer.slots.forEach((s, k) => (outputs[nextName(hyperName(`flat.${s}`))] = next.state[k]!));
  } else {
    params.forEach((name, i) => {
      const p = ps[i]!;
      if (gradsOut.includes(name)) {
        outputs[gradName(name)] = gs[i]!;
        return;
      }
      const slots = opts.optimizer.slots.map((s) => {
        if (!p.shape.every((d) => typeof d === 'number')) throw new Error(`trainStep: parameter '${name}' needs a static shape, got [${p.shape.join(', ')}]`);
        state.push({ name: stateName(name, s), shape: p.shape as number[], dtype: p.dtype });
        return b.data(stateName(name, s), p.dtype, p.shape);
      });
      const next = opts.optimizer.update(p, gs[i]!, slots, hyper);
      outputs[nextName(name)] = project(name, next.p);
      opts.optimizer.slots.forEach((s, k) => (outputs[nextName(stateName(name, s))] = next.state[k]!));
    });
  }
  const carried: string[] = [];
  if (opts.carry) {
    const inputOf = (name: string): Value => {
      const v = map.get(withGrads.input(name).value);
      if (!v) throw new Error(`trainStep: carry reads '${name}', which the loss graph does not use`);
      return v;
    };
    const updated = (name: string): Value => {
      const v = outputs[nextName(name)];
      if (!params.includes(name) || !v) throw new Error(`trainStep: carry reads next('${name}'), which is not a trained parameter`);
      return v;
    };
    for (const [name, v] of Object.entries(opts.carry({ next: updated, input: inputOf }))) {
      if (params.includes(name)) throw new Error(`trainStep: carry writes '${name}', which the optimizer already updates`);
      inputOf(name);
      outputs[nextName(name)] = v;
      carried.push(name);
    }
  }
  return {
    graph: prune(b.build(outputs)),
    loss,
    optimizer: opts.optimizer,
    params,
    metrics: lossGraph.outputs.map((o) => o.name),
    state,
    carried,
    gradsOut,
    gradName,
    stateName,
    nextName,
    hyperName,
  };
}
