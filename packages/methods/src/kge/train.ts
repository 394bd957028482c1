// sLCWA training (stochastic local closed world): each positive with k corrupted negatives, a margin
// ranking loss, the optimizer over row-sparse tables, constraints after every step; optional early
// stopping on validation MRR and checkpoints that resume exactly.
import { Philox, SparseTrainer, Tensor, adagrad, adam, getBackend, sgd, type Optimizer, type TableSemantics } from '@repkit/core';
import type { TriplesDataset } from '@repkit/data';
import { kernels } from '@repkit/kernels';
import { loadCheckpoint, saveCheckpoint } from '../checkpoint.ts';
import { evaluateKge } from './evaluate.ts';
import { globalIdInputs, lossGraph, type LossKind } from './graphs.ts';
import type { KgeModel } from './model.ts';
import { negativeSampler, type SamplerKind } from './sampler.ts';

export interface KgeTrainOptions {
  /** Passes over the training triples (default: the model's trainDefaults.epochs, else 500). */
  epochs?: number;
  /** Positives per step (default 256). */
  batchSize?: number;
  /** Negatives per positive (default 1). */
  negatives?: number;
  /** γ of the margin ranking loss (default 1). */
  margin?: number;
  /** 'margin' relu (default) or its soft variant 'softplus'. */
  loss?: LossKind;
  /** 'bern' (default) or 'basic' (PyKEEN's uniform head/tail split). */
  sampler?: SamplerKind;
  /** 'adam' (default), 'adagrad' or 'sgd'. */
  optimizer?: 'adam' | 'adagrad' | 'sgd';
  /** Learning rate (default: the model's trainDefaults.lr for Adam, else 0.001 for Adam, 0.01 otherwise). */
  lr?: number;
  /** Table update semantics: 'dense' (default; as torch Adam on dense embeddings) or 'lazy' (SparseAdam). */
  semantics?: TableSemantics;
  seed?: number;
  /** A registered backend (default 'onnxruntime'). */
  backend?: string;
  /** Evaluate filtered MRR on the validation split every `every` epochs; stop after `patience` evaluations without a relative gain of `delta`, keeping the best parameters. */
  earlyStopping?: { every?: number; patience?: number; delta?: number };
  /** Write a checkpoint to `dir` every `every` epochs (default 10) and at the end. */
  checkpoint?: { dir: string; every?: number };
  /** Continue from the checkpoint in `checkpoint.dir` when there is one. */
  resume?: boolean;
  /** Called after every epoch with the mean batch loss. */
  onEpoch?: (epoch: number, loss: number) => void | Promise<void>;
}

export interface KgeTrained {
  params: Record<string, Tensor>;
  losses: number[];
  seconds: number;
  /** Epochs run (fewer than asked when early stopping fired). */
  epochs: number;
  /** The learning rate used: the one asked for, or the default it resolved to. */
  lr: number;
  /** Validation MRR at each early-stopping evaluation, and the epoch whose parameters were kept. */
  validation?: { epoch: number; mrr: number }[];
  bestEpoch?: number;
  /** Epochs restored from the checkpoint when the run resumed. */
  resumedFrom?: number;
}

function optimizerOf(name: string, lr: number): Optimizer {
  if (name === 'adam') return adam({ lr });
  if (name === 'adagrad') return adagrad({ lr });
  if (name === 'sgd') return sgd({ lr });
  throw new Error(`optimizer must be adam, adagrad or sgd, got '${name}'`);
}

function positive(name: string, v: number, integer = true): void {
  if (!(v > 0) || (integer && !Number.isInteger(v))) throw new Error(`${name} must be a positive ${integer ? 'integer' : 'number'}, got ${v}`);
}

export async function trainKge(model: KgeModel, data: TriplesDataset, opts: KgeTrainOptions = {}): Promise<KgeTrained> {
  const { epochs = model.trainDefaults?.epochs ?? 500, batchSize = 256, negatives = 1, margin = 1, loss = 'margin', sampler = 'bern' } = opts;
  positive('epochs', epochs);
  positive('batchSize', batchSize);
  positive('negatives', negatives);
  positive('margin', margin, false);
  if (loss !== 'margin' && loss !== 'softplus') throw new Error(`loss must be 'margin' or 'softplus', got '${loss}'`);
  if (data.train.count === 0) throw new Error('the training split is empty');
  const sizes = { entities: data.entities.size, relations: data.relations.size };
  const rng = new Philox(opts.seed ?? 0);
  const n = batchSize * negatives;
  const backend = await getBackend(opts.backend ?? 'onnxruntime');
  const semantics = opts.semantics ?? 'dense';
  const optimizer = opts.optimizer ?? 'adam';
  const lr = opts.lr ?? (optimizer === 'adam' ? model.trainDefaults?.lr ?? 1e-3 : 1e-2);
  model.prepare?.(data.train, sizes);
  const init = model.init(rng.fork(1), sizes);
  // Fixed tables (TransM's θ_r, TranSparse's masks) are constants of the loss graph, not trainer tables.
  const names = Object.keys(model.tables), trained = names.filter((t) => !model.tables[t]!.fixed);
  const fixed = Object.fromEntries(names.filter((t) => model.tables[t]!.fixed).map((t) => [t, init[t]!]));
  const tables = Object.fromEntries(trained.map((t) => [t, semantics])), globals = globalIdInputs(model);
  const trainer = await SparseTrainer.create(lossGraph(model, sizes, n, margin, loss, fixed), backend, init, {
    optimizer: optimizerOf(optimizer, lr), tables, constraints: model.constraints, rows: kernels(),
  });
  const neg = negativeSampler(sampler, data.train, sizes.entities, sizes.relations);
  const order = rng.fork(2), draws = rng.fork(3);
  const fingerprint = JSON.stringify({ model: model.name, tables: model.tables, ...sizes, train: data.train.count, batchSize, negatives, margin, loss, sampler, optimizer, lr: opts.lr, semantics, seed: opts.seed ?? 0 });
  const losses: number[] = [];
  let first = 1, resumedFrom: number | undefined;
  if (opts.resume && opts.checkpoint) {
    const c = loadCheckpoint(opts.checkpoint.dir, fingerprint);
    if (c && c.epoch > epochs) {
      throw new Error(`epochs = ${epochs} is fewer than the ${c.epoch} epochs the checkpoint in ${opts.checkpoint.dir} holds; pass epochs ≥ ${c.epoch}, or another checkpoint folder to start afresh`);
    }
    if (c) {
      trainer.restore(c.snapshot);
      order.setState(c.rng.order!);
      draws.setState(c.rng.draws!);
      losses.push(...c.losses);
      first = c.epoch + 1;
      resumedFrom = c.epoch;
    }
  }
  const save = (epoch: number) => opts.checkpoint && saveCheckpoint(opts.checkpoint.dir, {
    fingerprint, epoch, losses, rng: { order: [...order.getState()], draws: [...draws.getState()] }, snapshot: trainer.snapshot(),
  });
  const pos = new Int32Array(3 * n), corrupt = new Int32Array(3 * n), mask = new Float32Array(n);
  const cols = (src: Int32Array, c: number): Tensor => new Tensor('int32', [n], Int32Array.from({ length: n }, (_, i) => src[3 * i + c]!));
  const params = () => ({ ...fixed, ...Object.fromEntries(trained.map((t) => [t, trainer.table(t).tensor()])) });
  const stop = opts.earlyStopping, validation: { epoch: number; mrr: number }[] = [];
  let best: { epoch: number; mrr: number; params: Record<string, Tensor> } | undefined, stale = 0, epoch = first - 1;
  const t0 = performance.now();
  try {
    for (epoch = first; epoch <= epochs; epoch++) {
      const perm = order.permutation(data.train.count);
      let sum = 0, steps = 0;
      for (let s0 = 0; s0 < perm.length; s0 += batchSize) {
        const m = Math.min(batchSize, perm.length - s0) * negatives;
        for (let i = 0; i < n; i++) {
          const src = perm[s0 + Math.floor((i < m ? i : 0) / negatives)]!; // padding repeats the first row, masked out
          pos.set(data.train.ids.subarray(3 * src, 3 * src + 3), 3 * i);
          mask[i] = i < m ? 1 : 0;
        }
        neg.corrupt(pos, m, corrupt, draws);
        for (let i = m; i < n; i++) corrupt.set(corrupt.subarray(0, 3), 3 * i);
        const batch: Record<string, Tensor> = {
          h: cols(pos, 0), r: cols(pos, 1), t: cols(pos, 2), hn: cols(corrupt, 0), tn: cols(corrupt, 2),
          mask: new Tensor('float32', [n], mask.slice()),
        };
        for (const k of globals) batch[`${k}.global`] = batch[k]!;
        const out = await trainer.run(batch);
        sum += out.loss!;
        steps++;
      }
      losses.push(sum / steps);
      await opts.onEpoch?.(epoch, sum / steps);
      if (opts.checkpoint && epoch % (opts.checkpoint.every ?? 10) === 0) save(epoch);
      if (stop && epoch % (stop.every ?? 10) === 0) {
        const now = params();
        const mrr = (await evaluateKge(model, now, data.valid, [data.train, data.valid], sizes.relations, { backend: backend.name })).realistic.mrr;
        validation.push({ epoch, mrr });
        if (!best || mrr > best.mrr * (1 + (stop.delta ?? 0.01))) [best, stale] = [{ epoch, mrr, params: now }, 0];
        else if (++stale >= (stop.patience ?? 2)) break;
      }
    }
    if (opts.checkpoint) save(Math.min(epoch, epochs));
    return {
      params: best && stop ? best.params : params(), losses, seconds: (performance.now() - t0) / 1000, epochs: Math.min(epoch, epochs), lr,
      ...(stop ? { validation, bestEpoch: best?.epoch } : {}), ...(resumedFrom !== undefined ? { resumedFrom } : {}),
    };
  } finally {
    trainer.dispose();
  }
}
