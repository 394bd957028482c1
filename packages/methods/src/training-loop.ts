// The host loop every recipe shares: run a Trainer for `steps`, report each step, and write an atomic
// checkpoint (parameters, optimizer state, carried state, losses, generator positions) every
// `checkpointEvery` steps, resuming from it when one with the same settings is found.
import type { Feeds, Philox, Trainer } from '@repkit/core';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.ts';

/** The fit options of the sequence recipes (MLM, wav2vec 2.0). */
export interface SequenceFitOptions {
  /** Called after every step with the 1-based step, the loss and the step's metrics. */
  onProgress?: (step: number, loss: number, metrics: Record<string, number>) => void;
  /** A folder to checkpoint into and resume from (default: none). */
  checkpoint?: string;
  /** Steps between checkpoints (default 200; the last step always writes one). */
  checkpointEvery?: number;
  /** Called once when the run resumes from a checkpoint, with the steps it restored. */
  onResume?: (step: number) => void;
}

/** The loop fields those options set. */
export function sequenceLoop(opts: SequenceFitOptions): Pick<LoopSpec, 'checkpoint' | 'checkpointEvery' | 'onStep' | 'onResume'> {
  return { checkpoint: opts.checkpoint, checkpointEvery: opts.checkpointEvery, onStep: (t, m) => opts.onProgress?.(t, m.loss!, m), onResume: opts.onResume };
}

export interface LoopSpec {
  trainer: Trainer;
  steps: number;
  /** Generators whose positions a checkpoint saves and a resume restores. */
  streams: Record<string, Philox>;
  /** Settings that must match for a checkpoint to resume this run. */
  fingerprint: string;
  /** Checkpoint kind (its format name): 'semi', 'ssl-simclr', 'mlm', … */
  kind: string;
  /** The batch (and any host-fed scalars) of 1-based step t. */
  batch: (t: number) => Feeds;
  /** A folder to checkpoint into and resume from (default: none). */
  checkpoint?: string;
  /** Steps between checkpoints (default 200; the last step always writes one). */
  checkpointEvery?: number;
  /** Called after every step with the 1-based step and its metrics. */
  onStep?: (t: number, metrics: Record<string, number>) => void;
  /** Called once when the run resumes from a checkpoint, with the steps it restored. */
  onResume?: (step: number) => void;
}

/** Runs the loop and returns the loss of every step (those before a resume included). */
export async function runSteps(spec: LoopSpec): Promise<number[]> {
  const every = spec.checkpointEvery ?? 200;
  if (!Number.isInteger(every) || every < 1) throw new Error(`checkpointEvery must be a positive integer, got ${every}`);
  let losses: number[] = [];
  let start = 1;
  if (spec.checkpoint) {
    const c = loadCheckpoint(spec.checkpoint, spec.fingerprint, spec.kind);
    if (c) {
      spec.trainer.restore(c.snapshot);
      for (const [name, s] of Object.entries(c.rng)) spec.streams[name]?.setState(s);
      losses = c.losses;
      start = c.epoch + 1;
      spec.onResume?.(c.epoch);
    }
  }
  const save = (t: number): void => {
    if (!spec.checkpoint) return;
    const rng = Object.fromEntries(Object.entries(spec.streams).map(([k, g]) => [k, Array.from(g.getState())]));
    saveCheckpoint(spec.checkpoint, { fingerprint: spec.fingerprint, epoch: t, losses, rng, snapshot: spec.trainer.snapshot() }, spec.kind);
  };
  for (let t = start; t <= spec.steps; t++) {
    const metrics = await spec.trainer.run(spec.batch(t));
    const loss = metrics.loss!;
    if (!Number.isFinite(loss)) throw new Error(`training diverged at step ${t} (loss ${loss}); lower lr`);
    losses.push(loss);
    spec.onStep?.(t, metrics);
    if (t % every === 0 || t === spec.steps) save(t);
  }
  return losses;
}
