// The host loop around a train-step graph: holds parameters and optimizer state as host tensors,
// feeds them with each batch, and takes the updated values back.
import type { Backend, Executable, Feeds } from '../backend/backend.ts';
import { Tensor, scalar, zeros } from '../tensor.ts';
import type { TrainStep } from './train-step.ts';
import type { TrainerSnapshot } from './sparse-trainer.ts';

export class Trainer {
  /** Steps taken so far. */
  t = 0;
  private constructor(
    readonly step: TrainStep,
    private readonly exe: Executable,
    readonly params: Record<string, Tensor>,
    private readonly state: Record<string, Tensor>,
    /** Values of the step's carried inputs (e.g. EMA teacher parameters), updated by every run. */
    readonly carried: Record<string, Tensor>,
  ) {}

  /** Compile `step` on `backend` with initial parameter values (state starts at zero). */
  static async create(step: TrainStep, backend: Backend, init: Readonly<Record<string, Tensor>>): Promise<Trainer> {
    const params: Record<string, Tensor> = {};
    const state: Record<string, Tensor> = {};
    for (const name of step.params) {
      const t = init[name];
      const spec = step.graph.input(name).value;
      if (!t) throw new Error(`Trainer: no initial value for parameter '${name}'`);
      if (t.shape.length !== spec.shape.length || t.shape.some((d, i) => d !== spec.shape[i])) {
        throw new Error(`Trainer: initial '${name}' has shape [${t.shape.join(', ')}], expected [${spec.shape.join(', ')}]`);
      }
      params[name] = t;
    }
    for (const s of step.state) state[s.name] = zeros(s.shape, s.dtype);
    const carried: Record<string, Tensor> = {};
    for (const name of step.carried) {
      const t = init[name];
      if (!t) throw new Error(`Trainer: no initial value for carried input '${name}'`);
      carried[name] = t;
    }
    return new Trainer(step, await backend.compile(step.graph), params, state, carried);
  }

  /** One optimizer step on a batch (the graph's data inputs); returns the metrics as numbers. */
  async run(batch: Feeds): Promise<Record<string, number>> {
    this.t++;
    const dtype = this.step.graph.output(this.step.loss).value.dtype;
    const feeds: Record<string, Tensor> = { ...batch, ...this.params, ...this.state, ...this.carried };
    for (const [h, v] of Object.entries(this.step.optimizer.hyperAt(this.t))) feeds[this.step.hyperName(h)] = scalar(v, dtype);
    const out = await this.exe.run(feeds);
    for (const name of this.step.params) this.params[name] = out[this.step.nextName(name)]!;
    for (const name of Object.keys(this.state)) this.state[name] = out[this.step.nextName(name)]!;
    for (const name of this.step.carried) this.carried[name] = out[this.step.nextName(name)]!;
    const metrics: Record<string, number> = {};
    for (const m of this.step.metrics) {
      const v = out[m]!;
      if (v.size === 1) metrics[m] = v.item();
    }
    return metrics;
  }

  /** Step count, parameters, optimizer state and carried inputs (under `state`), for a checkpoint. */
  snapshot(): TrainerSnapshot {
    return { t: this.t, tables: {}, params: { ...this.params }, state: { ...this.state, ...this.carried } };
  }

  /** Continue from a snapshot of a trainer compiled from the same step. */
  restore(snap: TrainerSnapshot): void {
    for (const [group, want] of [['params', this.params], ['state', this.state], ['state', this.carried]] as const) {
      for (const name of Object.keys(want)) {
        const t = snap[group][name];
        if (!t || t.size !== want[name]!.size) throw new Error(`Trainer.restore: ${group} '${name}' is missing or has the wrong size; was the snapshot taken from the same train step?`);
        want[name] = t;
      }
    }
    this.t = snap.t;
  }

  dispose(): void {
    this.exe.dispose();
  }
}
