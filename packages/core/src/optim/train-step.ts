// Turn a loss graph into a train-step graph: parameters, optimizer state, hyper scalars and a batch
// in; new parameters, new state and the metrics out. Constraints are projected after the update.
import { GraphBuilder, type Graph, type Value } from '../ir/graph.ts';
import { prune } from '../ir/prune.ts';
import { grad } from '../autodiff/grad.ts';
import type { Optimizer } from './optimizer.ts';
import type { Constraint } from './constraints.ts';

export interface TrainStepOptions {
  /** The scalar output to minimise (default 'loss'). */
  loss?: string;
  optimizer: Optimizer;
  /** Parameters to train (default: every 'param' input). */
  params?: readonly string[];
  /** Projections applied to a parameter after each update, by parameter name. */
  constraints?: Readonly<Record<string, Constraint>>;
}

export interface TrainStep {
  readonly graph: Graph;
  readonly loss: string;
  readonly optimizer: Optimizer;
  readonly params: readonly string[];
  /** The forward graph's outputs, passed through as metrics. */
  readonly metrics: readonly string[];
  /** Input name of a parameter's state slot. */
  stateName(param: string, slot: string): string;
  /** Output name of the updated value of an input (parameter or state). */
  nextName(input: string): string;
  hyperName(h: string): string;
}

const stateName = (p: string, slot: string): string => `${p}.${slot}`;
const nextName = (input: string): string => `${input}.next`;
const hyperName = (h: string): string => `opt.${h}`;

export function trainStep(lossGraph: Graph, opts: TrainStepOptions): TrainStep {
  const loss = opts.loss ?? 'loss';
  const params = opts.params ?? lossGraph.inputs.filter((i) => i.kind === 'param').map((i) => i.name);
  if (params.length === 0) throw new Error(`trainStep: graph '${lossGraph.name}' has no parameters to train`);
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
  for (const o of lossGraph.outputs) outputs[o.name] = map.get(withGrads.output(o.name).value)!;
  for (const name of params) {
    const p = map.get(withGrads.input(name).value)!;
    const g = map.get(withGrads.output(`grad:${name}`).value)!;
    const state = opts.optimizer.slots.map((s) => b.data(stateName(name, s), p.dtype, p.shape));
    const next = opts.optimizer.update(p, g, state, hyper);
    const c = opts.constraints?.[name];
    outputs[nextName(name)] = c ? c(next.p) : next.p;
    opts.optimizer.slots.forEach((s, k) => (outputs[nextName(stateName(name, s))] = next.state[k]!));
  }
  return {
    graph: prune(b.build(outputs)),
    loss,
    optimizer: opts.optimizer,
    params,
    metrics: lossGraph.outputs.map((o) => o.name),
    stateName,
    nextName,
    hyperName,
  };
}
