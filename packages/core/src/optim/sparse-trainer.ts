// Row-sparse training: tables (entity and relation embeddings) stay on the host and a step receives
// only the rows its batch touches, so its cost follows the batch, not the table. Duplicate ids are
// merged before the update (the step sees each row once; gather's VJP sums their gradients). Where the
// optimizer and the table's constraint have row rules, a lazy table is updated in place on the host from
// the gradient rows the step returns, so optimizer state never travels through the backend.
import type { Backend, Executable, Feeds } from '../backend/backend.ts';
import { GraphBuilder, type Graph } from '../ir/graph.ts';
import { expand } from '../ops/api.ts';
import { Tensor, scalar, zeros } from '../tensor.ts';
import type { Constraint } from './constraints.ts';
import type { Optimizer } from './optimizer.ts';
import { packRowRule, type RowProjection, type RowRule } from './row-rules.ts';
import { EmbeddingTable, jsRows, type RowKernels, type RowUpdater } from './table.ts';
import { trainStep, type TrainStep } from './train-step.ts';

/**
 * 'lazy': only touched rows are updated (torch.optim.SparseAdam); cost O(B·d).
 * 'dense': every row's optimizer state decays every step, as torch.optim.Adam on a dense
 * embedding (untouched rows see g = 0); cost O(E·d).
 */
export type TableSemantics = 'lazy' | 'dense';

export interface SparseTrainerOptions {
  optimizer: Optimizer;
  /** Parameter inputs stored as row-sparse tables, and each one's update semantics. */
  tables: Readonly<Record<string, TableSemantics>>;
  loss?: string;
  constraints?: Readonly<Record<string, Constraint>>;
  /** Rows per run of the dense decay pass (default 65536). */
  chunk?: number;
  /** How rows move between tables and step buffers, and are updated in place (default: core's JS; kernels() is native). */
  rows?: RowKernels;
  /**
   * Where a lazy table's optimizer update runs. 'host' (default): the step returns the rows' gradients and
   * `rows.updateRows` applies the optimizer's row rule in place, wherever the optimizer, the constraint
   * and `rows` support it (others fall back to 'graph'). 'graph': the update is traced into the step.
   */
  update?: 'host' | 'graph';
  /**
   * Row caps compiled per table (default 8): the largest cap cut into this many steps, and each step
   * runs the smallest that holds its rows, so padding rows cost at most 1/tiers of the optimizer's work.
   */
  tiers?: number;
}

interface TableSpec {
  table: EmbeddingTable;
  semantics: TableSemantics;
  /** Index inputs that gather from this table. */
  indexInputs: string[];
  cap: number;
  /** Row → its local index in this step, or −1. */
  mark: Int32Array;
  /** The step's distinct rows, first `n`. */
  ids: Int32Array;
  n: number;
  /** Reused gather buffers: the parameter, and each slot unless the host updates the rows; cap rows each. */
  buffers: Float32Array[];
  decay?: Executable;
  host?: HostUpdate;
}

/** A table the host updates: the optimizer's rule and the constraint's projection. */
interface HostUpdate {
  rule: RowRule;
  project?: RowProjection;
  kernels: RowUpdater;
}

/** The host update of a table, or undefined where some piece has no row form (the step graph updates it). */
function hostUpdate(opts: SparseTrainerOptions, name: string, semantics: TableSemantics, rowShape: readonly number[]): HostUpdate | undefined {
  const rows = opts.rows ?? jsRows, c = opts.constraints?.[name];
  if ((opts.update ?? 'host') !== 'host' || semantics !== 'lazy' || !opts.optimizer.rows || !rows.updateRows) return undefined;
  // A last-axis projection of a row needs a row with a last axis ([rows] alone would normalise across rows).
  if (c && (!c.rows || rowShape.length === 0)) return undefined;
  return { rule: opts.optimizer.rows, project: c?.rows && { constraint: c.rows, segment: rowShape.at(-1)! }, kernels: rows as RowUpdater };
}

/** Find each table's gathers; every use must be a gather whose indices are a fed int32 input of static shape. */
function tableUses(g: Graph, name: string): { indexInputs: string[]; cap: number } {
  const input = g.input(name);
  if (input.kind !== 'param') throw new Error(`tables: '${name}' is a ${input.kind} input, not a parameter`);
  if (!input.value.shape.every((d) => typeof d === 'number')) throw new Error(`tables: '${name}' needs a static shape`);
  const indexInputs = new Set<string>();
  for (const n of g.nodes) {
    const k = n.inputs.indexOf(input.value);
    if (k < 0) continue;
    const idx = g.inputs.find((i) => i.value === n.inputs[1]);
    if (n.op !== 'gather' || k !== 0 || !idx || idx.kind !== 'data') {
      throw new Error(`tables: '${name}' is used by ${n.op} other than as gather(table, fed indices); only gathered rows can be row-sparse`);
    }
    if (!idx.value.shape.every((d) => typeof d === 'number')) {
      throw new Error(`tables: index input '${idx.name}' of '${name}' needs a static shape (fix the batch size) to bound the rows of a step`);
    }
    indexInputs.add(idx.name);
  }
  if (indexInputs.size === 0) throw new Error(`tables: '${name}' is never gathered`);
  const ids = [...indexInputs].reduce((s, i) => s + (g.input(i).value.shape as number[]).reduce((p, q) => p * q, 1), 0);
  // A step touches at most every row: a small table (UMLS' 46 relations, batch 256) needs no more.
  return { indexInputs: [...indexInputs], cap: Math.min(ids, input.value.shape[0] as number) };
}

/** The optimizer applied with g = 0 to a chunk of rows (dense semantics for untouched rows). */
function decayGraph(t: EmbeddingTable, opt: Optimizer, constraint: Constraint | undefined): Graph {
  const b = new GraphBuilder(`${t.name}.decay`);
  const p = b.param('p', 'float32', ['rows', ...t.rowShape]);
  const state = opt.slots.map((s) => b.data(s, 'float32', ['rows', ...t.rowShape]));
  const hyper = Object.fromEntries(opt.hyper.map((h) => [h, b.data(`opt.${h}`, 'float32', [])]));
  const next = opt.update(p, expand(b.literal(0, 'float32'), p.shape), state, hyper);
  const out: Record<string, ReturnType<typeof expand>> = { 'p.next': constraint ? constraint(next.p) : next.p };
  opt.slots.forEach((s, k) => (out[`${s}.next`] = next.state[k]!));
  return b.build(out);
}

export interface TrainerSnapshot {
  t: number;
  tables: Record<string, Float32Array>;
  params: Record<string, Tensor>;
  state: Record<string, Tensor>;
}

export class SparseTrainer {
  t = 0;
  private constructor(
    readonly step: TrainStep,
    /** One compiled step per combination of tier caps (key: the caps joined), built when first needed. */
    private readonly exes: Map<string, Promise<Executable>>,
    private readonly build: (caps: readonly number[]) => Promise<Executable>,
    private readonly specs: Map<string, TableSpec>,
    readonly params: Record<string, Tensor>,
    private readonly state: Record<string, Tensor>,
    private readonly chunk: number,
    private readonly tiers: number,
  ) {}

  static async create(lossGraph: Graph, backend: Backend, init: Readonly<Record<string, Tensor>>, opts: SparseTrainerOptions): Promise<SparseTrainer> {
    const tiers = opts.tiers ?? 8;
    if (!Number.isInteger(tiers) || tiers < 1) throw new Error(`SparseTrainer: tiers must be a positive integer, got ${tiers}`);
    if (opts.update !== undefined && opts.update !== 'host' && opts.update !== 'graph') throw new Error(`SparseTrainer: update must be 'host' or 'graph', got '${opts.update}'`);
    const specs = new Map<string, TableSpec>();
    for (const [name, semantics] of Object.entries(opts.tables)) {
      if (semantics !== 'lazy' && semantics !== 'dense') throw new Error(`tables['${name}']: semantics must be 'lazy' or 'dense', got '${semantics}'`);
      const { indexInputs, cap } = tableUses(lossGraph, name);
      const shape = lossGraph.input(name).value.shape as number[];
      const table = new EmbeddingTable(name, shape[0]!, shape.slice(1), opts.optimizer.slots, opts.rows);
      if (!init[name]) throw new Error(`SparseTrainer: no initial value for table '${name}'`);
      table.setParam(init[name]!);
      const host = hostUpdate(opts, name, semantics, table.rowShape);
      const buffers = Array.from({ length: host ? 1 : 1 + opts.optimizer.slots.length }, () => new Float32Array(cap * table.width));
      specs.set(name, { table, semantics, indexInputs, cap, mark: new Int32Array(table.rows).fill(-1), ids: new Int32Array(cap), n: 0, buffers, host });
    }
    const hosted = [...specs.values()].filter((s) => s.host).map((s) => s.table.name);
    const constraints = Object.fromEntries(Object.entries(opts.constraints ?? {}).filter(([name]) => !hosted.includes(name)));
    // The step with each table's input cut to `caps` rows; every cap gives the same names and math.
    const stepAt = (caps: readonly number[]): TrainStep => {
      const reshape = Object.fromEntries([...specs.values()].map((sp, i) => [sp.table.name, [caps[i]!, ...sp.table.rowShape]]));
      const b = new GraphBuilder(lossGraph.name);
      const map = b.adopt(lossGraph, reshape);
      return trainStep(b.build(Object.fromEntries(lossGraph.outputs.map((o) => [o.name, map.get(o.value)!]))), {
        optimizer: opts.optimizer, loss: opts.loss, constraints, gradsOut: hosted,
      });
    };
    const full = [...specs.values()].map((sp) => sp.cap);
    const step = stepAt(full);
    const params: Record<string, Tensor> = {}, state: Record<string, Tensor> = {};
    for (const name of step.params) {
      if (specs.has(name)) continue;
      if (!init[name]) throw new Error(`SparseTrainer: no initial value for parameter '${name}'`);
      params[name] = init[name]!;
      for (const s of opts.optimizer.slots) state[step.stateName(name, s)] = zeros(init[name]!.shape, 'float32');
    }
    for (const spec of specs.values()) {
      if (spec.semantics === 'dense') spec.decay = await backend.compile(decayGraph(spec.table, opts.optimizer, opts.constraints?.[spec.table.name]));
    }
    const build = (caps: readonly number[]) => backend.compile(stepAt(caps).graph);
    const exes = new Map([[full.join(','), Promise.resolve(await backend.compile(step.graph))]]);
    return new SparseTrainer(step, exes, build, specs, params, state, opts.chunk ?? 65536, tiers);
  }

  /** A copy of everything the trainer holds: step count, tables (with optimizer state), dense parameters and state. */
  snapshot(): TrainerSnapshot {
    const tables: Record<string, Float32Array> = {};
    for (const [name, s] of this.specs) tables[name] = s.table.data.slice();
    return { t: this.t, tables, params: { ...this.params }, state: { ...this.state } };
  }

  /** Continue from a snapshot of a trainer built from the same graph and options. */
  restore(snap: TrainerSnapshot): void {
    for (const [name, s] of this.specs) {
      const data = snap.tables[name];
      if (!data || data.length !== s.table.data.length) throw new Error(`SparseTrainer.restore: table '${name}' is missing or has ${data?.length} floats, expected ${s.table.data.length}`);
      s.table.data.set(data);
    }
    for (const [group, want] of [['params', this.params], ['state', this.state]] as const) {
      const got = snap[group];
      for (const name of Object.keys(want)) {
        const t = got[name];
        if (!t || t.size !== want[name]!.size) throw new Error(`SparseTrainer.restore: ${group} '${name}' is missing or has the wrong size`);
        want[name] = t;
      }
    }
    this.t = snap.t;
  }

  table(name: string): EmbeddingTable {
    const s = this.specs.get(name);
    if (!s) throw new Error(`SparseTrainer: '${name}' is not a table (tables: ${[...this.specs.keys()].join(', ')})`);
    return s.table;
  }

  /** One step on a batch; index inputs of tables hold global row ids. */
  async run(batch: Feeds): Promise<Record<string, number>> {
    const t = this.t + 1, hyper = this.step.optimizer.hyperAt(t);
    // A hyper value the host rule rejects (a schedule's NaN) fails here, before any table changes.
    for (const spec of this.specs.values()) if (spec.host) packRowRule(spec.host.rule, hyper);
    const feeds: Record<string, Tensor> = { ...batch, ...this.params, ...this.state };
    for (const [h, v] of Object.entries(hyper)) feeds[this.step.hyperName(h)] = scalar(v);
    const caps: number[] = [];
    try {
      for (const [name, spec] of this.specs) {
        for (const input of spec.indexInputs) {
          const ids = batch[input];
          if (!ids || ids.dtype !== 'int32') throw new Error(`SparseTrainer: feed '${input}' must be an int32 tensor of row ids of '${name}'`);
          const local = new Int32Array(ids.size);
          for (let i = 0; i < ids.size; i++) {
            const id = ids.data[i]!;
            if (id < 0 || id >= spec.table.rows) throw new Error(`SparseTrainer: '${input}' holds id ${id}, outside [0, ${spec.table.rows}) of table '${name}'`);
            if (spec.mark[id]! < 0) { spec.mark[id] = spec.n; spec.ids[spec.n++] = id; }
            local[i] = spec.mark[id]!;
          }
          feeds[input] = new Tensor('int32', ids.shape, local);
        }
        const cap = this.tierCap(spec.cap, spec.n), w = spec.table.width;
        const parts = spec.table.gather(spec.ids, spec.n, cap, spec.buffers.map((buf) => buf.subarray(0, cap * w)));
        feeds[name] = parts[0]!;
        if (!spec.host) this.step.optimizer.slots.forEach((s, k) => (feeds[this.step.stateName(name, s)] = parts[k + 1]!));
        caps.push(cap);
      }
      const key = caps.join(',');
      if (!this.exes.has(key)) this.exes.set(key, this.build(caps));
      const out = await (await this.exes.get(key)!).run(feeds);
      for (const [name, spec] of this.specs) {
        if (spec.decay) await this.decayAll(spec, hyper);
        if (spec.host) this.updateHost(spec, hyper, out[this.step.gradName(name)]!);
        else spec.table.scatter(spec.ids, spec.n, [out[this.step.nextName(name)]!, ...this.step.optimizer.slots.map((s) => out[this.step.nextName(this.step.stateName(name, s))]!)]);
      }
      this.t = t;
      for (const name of Object.keys(this.params)) this.params[name] = out[this.step.nextName(name)]!;
      for (const name of Object.keys(this.state)) this.state[name] = out[this.step.nextName(name)]!;
      const metrics: Record<string, number> = {};
      for (const m of this.step.metrics) if (out[m]!.size === 1) metrics[m] = out[m]!.item();
      return metrics;
    } finally {
      // Rows marked by this batch are unmarked whatever happened, so the next batch starts clean.
      for (const spec of this.specs.values()) {
        for (let i = 0; i < spec.n; i++) spec.mark[spec.ids[i]!] = -1;
        spec.n = 0;
      }
    }
  }

  /** Apply the optimizer's row rule, then the constraint's projection, to the touched rows in place. */
  private updateHost(spec: TableSpec, hyper: Record<string, number>, grad: Tensor): void {
    const { table, ids } = spec, h = spec.host!;
    // The reference backend holds float32 values in float64 arrays: round them as a float32 backend would.
    const g = grad.data instanceof Float32Array ? grad.data : Float32Array.from(grad.data);
    h.kernels.updateRows(h.rule, hyper, table.data, table.stride, ids, spec.n, table.width, g, h.project);
  }

  /** The smallest tier cap (a multiple of ⌈cap/tiers⌉, at most cap) that holds n rows. */
  private tierCap(cap: number, n: number): number {
    const unit = Math.ceil(cap / this.tiers);
    return Math.min(cap, Math.max(1, Math.ceil(n / unit)) * unit);
  }

  /** Dense semantics: every row takes the g = 0 update (touched rows are overwritten afterwards). */
  private async decayAll(spec: TableSpec, hyper: Record<string, number>): Promise<void> {
    const t = spec.table, slots = this.step.optimizer.slots;
    for (let a = 0; a < t.rows; a += this.chunk) {
      const n = Math.min(this.chunk, t.rows - a);
      const ids = Int32Array.from({ length: n }, (_, i) => a + i);
      const parts = t.gather(ids, n, n);
      const feeds: Record<string, Tensor> = { p: parts[0]! };
      slots.forEach((s, k) => (feeds[s] = parts[k + 1]!));
      for (const [h, v] of Object.entries(hyper)) feeds[`opt.${h}`] = scalar(v);
      const out = await spec.decay!.run(feeds);
      t.scatter(ids, n, [out['p.next']!, ...slots.map((s) => out[`${s}.next`]!)]);
    }
  }

  dispose(): void {
    for (const exe of this.exes.values()) void exe.then((e) => e.dispose(), () => {});
    for (const s of this.specs.values()) s.decay?.dispose();
  }
}
