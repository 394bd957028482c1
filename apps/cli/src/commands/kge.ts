// `repkit kge train | evaluate | export | score`: knowledge-graph embeddings end to end, labels in and out.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { Command } from 'commander';
import { Tensor, getBackend } from '@repkit/core';
import { readTriples } from '@repkit/data';
import { kge } from '@repkit/methods';
import { exportOnnx, importOnnx, inspectModel, writeOnnx } from '@repkit/onnx';
import { loadBackends, parseBackends } from '../backends.ts';
import { parseIntArg, parseNumberArg } from '../args.ts';
import { progressBar } from '../progress.ts';
import { checkOutputFile, prepareOutputFolder } from '../files.ts';

interface TrainFlags {
  dataset: string; model: string; backend: string; epochs?: string; dim: string; lr?: string; batch: string;
  negatives: string; margin: string; sampler: string; optimizer: string; semantics: string; loss: string;
  seed: string; out?: string; json?: boolean; earlyStopping?: string; patience: string; checkpoint?: string; resume?: boolean;
}

const metricLine = (m: kge.RankMetrics): string =>
  `MRR ${m.mrr.toFixed(4)}  Hits@1 ${m.hits1.toFixed(4)}  Hits@3 ${m.hits3.toFixed(4)}  Hits@10 ${m.hits10.toFixed(4)}  MR ${m.mr.toFixed(2)}`;

async function train(o: TrainFlags): Promise<void> {
  const [backend] = await loadBackends(parseBackends(o.backend, '--backend'));
  const data = readTriples(o.dataset);
  const dim = parseIntArg('--dim', o.dim, 1);
  const model = kge.createKgeModel(o.model, { dim });
  const epochs = o.epochs === undefined ? model.trainDefaults?.epochs ?? 500 : parseIntArg('--epochs', o.epochs, 1);
  const settings = {
    dataset: data.name, model: o.model, backend: backend!.name, engine: backend!.describe(), epochs, dim,
    lr: o.lr === undefined ? undefined : parseNumberArg('--lr', o.lr, 0), batchSize: parseIntArg('--batch', o.batch, 1),
    negatives: parseIntArg('--negatives', o.negatives, 1), margin: parseNumberArg('--margin', o.margin, 0),
    sampler: o.sampler as kge.SamplerKind, optimizer: o.optimizer as 'adam', semantics: o.semantics as 'dense',
    loss: o.loss as kge.LossKind, seed: parseIntArg('--seed', o.seed, 0),
  };
  if (o.resume && !o.checkpoint) throw new Error('--resume needs --checkpoint DIR');
  // Created now, so a folder that cannot be made fails before training rather than after it.
  if (o.out) prepareOutputFolder('--out', o.out);
  if (o.checkpoint) prepareOutputFolder('--checkpoint', o.checkpoint);
  const bar = progressBar(`${o.model} on ${data.name}`, epochs);
  const trained = await kge.trainKge(model, data, {
    ...settings, backend: backend!.name, onEpoch: (e, l) => bar.update(e, { loss: l.toFixed(4) }),
    ...(o.earlyStopping ? { earlyStopping: { every: parseIntArg('--early-stopping', o.earlyStopping, 1), patience: parseIntArg('--patience', o.patience, 1) } } : {}),
    ...(o.checkpoint ? { checkpoint: { dir: o.checkpoint }, resume: Boolean(o.resume) } : {}),
  });
  bar.stop();
  // What ran: the learning rate a default resolved to, and the epochs early stopping kept.
  const ran = { ...settings, lr: trained.lr, ...(trained.bestEpoch !== undefined ? { epochsRun: trained.epochs, bestEpoch: trained.bestEpoch } : {}) };
  if (o.resume && trained.resumedFrom === undefined) console.error(`--resume: no checkpoint in ${o.checkpoint} yet, so training started at epoch 1`);
  if (trained.resumedFrom !== undefined) console.log(`resumed from the checkpoint in ${o.checkpoint} at epoch ${trained.resumedFrom} of ${epochs}`);
  if (trained.bestEpoch !== undefined) console.log(`early stopping: kept epoch ${trained.bestEpoch} of ${trained.epochs} (validation MRR ${trained.validation!.map((v) => v.mrr.toFixed(3)).join(', ')})`);
  const metrics = await kge.evaluateKge(model, trained.params, data.test, [data.train, data.valid, data.test], data.relations.size, { backend: backend!.name });
  console.log(`${o.model} on ${data.name} (${backend!.describe()}): ${trained.seconds.toFixed(1)} s training`);
  console.log(`test, filtered, realistic: ${metricLine(metrics.realistic)}`);
  if (o.out) {
    kge.saveKge(o.out, {
      model: o.model, options: { dim }, dataset: existsSync(o.dataset) ? resolve(o.dataset) : o.dataset, entities: data.entities.labels, relations: data.relations.labels,
      params: trained.params, settings: ran, metrics: { test: metrics.realistic },
    });
    console.log(`saved to ${o.out}`);
  }
  if (o.json) console.log(JSON.stringify({ ...metrics.realistic, seconds: trained.seconds, ...ran, ...(trained.resumedFrom !== undefined ? { resumedFromEpoch: trained.resumedFrom } : {}) }));
}

async function evaluate(o: { model: string; backend: string; split: string; json?: boolean }): Promise<void> {
  const [backend] = await loadBackends(parseBackends(o.backend, '--backend'));
  const saved = kge.loadKge(o.model);
  const data = readTriples(saved.dataset);
  const split = data[o.split as 'test' | 'valid'];
  if (!split || (o.split !== 'test' && o.split !== 'valid')) throw new Error(`--split must be test or valid, got '${o.split}'`);
  const m = await kge.evaluateKge(saved.instance, saved.params, split, [data.train, data.valid, data.test], data.relations.size, { backend: backend!.name });
  console.log(`${saved.model} on ${data.name} ${o.split}, filtered, realistic: ${metricLine(m.realistic)}`);
  if (o.json) console.log(JSON.stringify({ ...m.realistic, split: o.split, model: saved.model, dataset: data.name, backend: backend!.name }));
}

async function exportModel(o: { model: string; out: string; triton?: string }): Promise<void> {
  checkOutputFile('--out', o.out);
  if (o.triton) prepareOutputFolder('--triton', o.triton);
  const saved = kge.loadKge(o.model);
  const bytes = exportOnnx(kge.exportGraph(saved.instance, saved.params), {
    docString: `${saved.model} (${saved.instance.cite}) trained on ${saved.dataset}`,
    metadata: {
      'repkit.kind': 'kge', 'repkit.model': saved.model,
      'repkit.entities': JSON.stringify(saved.entities), 'repkit.relations': JSON.stringify(saved.relations),
    },
  });
  await writeOnnx(o.out, bytes);
  console.log(`wrote ${o.out}: inputs h, r, t [q] (int32 ids); outputs tails [q, ${saved.entities.length}], heads [q, ${saved.entities.length}], score [q]`);
  if (o.triton) {
    const { writeTritonRepo } = await import('@repkit/server/triton');
    const { modelDir } = await writeTritonRepo(o.triton, basename(o.out).replace(/\.onnx$/, ''), bytes);
    console.log(`wrote ${modelDir}/config.pbtxt and ${modelDir}/1/model.onnx (Triton model repository ${o.triton})`);
  }
}

/** Top-k labelled predictions from an exported file: tails of (head, relation) or heads of (relation, tail). */
export async function kgeScore(file: string, q: { head?: string; relation: string; tail?: string; top: number; backend: string }) {
  if (existsSync(file) && statSync(file).isDirectory()) {
    throw new Error(`--model: ${file} is a folder; score takes an exported file: run 'repkit kge export --model ${file} --out model.onnx' and pass model.onnx`);
  }
  let bytes: Uint8Array, meta: Record<string, string>;
  try {
    bytes = new Uint8Array(readFileSync(file));
    meta = inspectModel(bytes).metadata;
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message.replace(/^inspectModel: /, '');
    throw new Error(`--model: cannot read ${file} as an ONNX file (${why}); pass a file written by 'repkit kge export'`, { cause: e });
  }
  if (meta['repkit.kind'] !== 'kge') throw new Error(`--model: ${file} is not a repkit KGE export (no repkit.kind = kge metadata)`);
  const entities = JSON.parse(meta['repkit.entities']!) as string[], relations = JSON.parse(meta['repkit.relations']!) as string[];
  const id = (labels: string[], l: string, what: string): number => {
    const i = labels.indexOf(l);
    if (i < 0) throw new Error(`unknown ${what} '${l}' (${labels.length} known, e.g. ${labels.slice(0, 3).join(', ')})`);
    return i;
  };
  if ((q.head === undefined) === (q.tail === undefined)) throw new Error('give exactly one of --head (to rank tails) or --tail (to rank heads)');
  const side = q.head !== undefined ? 'tails' : 'heads';
  const anchor = id(entities, (q.head ?? q.tail)!, q.head !== undefined ? 'head' : 'tail');
  const feeds = {
    h: new Tensor('int32', [1], Int32Array.of(anchor)), r: new Tensor('int32', [1], Int32Array.of(id(relations, q.relation, 'relation'))),
    t: new Tensor('int32', [1], Int32Array.of(anchor)),
  };
  const exe = await (await getBackend(q.backend)).compile(importOnnx(bytes));
  try {
    const scores = (await exe.run(feeds))[side]!.data;
    const order = Array.from(scores.keys()).sort((a, b) => scores[b]! - scores[a]! || a - b).slice(0, q.top);
    return { side, predictions: order.map((i) => ({ label: entities[i]!, score: scores[i]! })) };
  } finally {
    exe.dispose();
  }
}

export function kgeCommand(program: Command): void {
  const k = program.command('kge').description('knowledge-graph embeddings: train, evaluate, export, score');
  k.command('train')
    .description('train a KGE model (sLCWA, margin ranking) and evaluate it on the test split (filtered, realistic ranks)')
    .requiredOption('--dataset <name|dir>', 'nations, kinships, umls, or a folder with train.txt, valid.txt, test.txt')
    .option('--model <name>', `one of ${Object.keys(kge.KGE_MODELS).join(', ')}`, 'TransE')
    .option('--backend <name>', 'onnxruntime, wasm or reference', 'onnxruntime')
    .option('--epochs <n>', 'passes over the training triples (default: the model\'s documented default, 500 for TransE)')
    .option('--dim <n>', 'embedding dimension', '50')
    .option('--lr <x>', 'learning rate (default 0.001 for adam, 0.01 otherwise)')
    .option('--batch <n>', 'positives per step', '256')
    .option('--negatives <n>', 'negatives per positive', '1')
    .option('--margin <x>', 'margin γ', '1')
    .option('--sampler <kind>', 'bern or basic', 'bern')
    .option('--optimizer <name>', 'adam, adagrad or sgd', 'adam')
    .option('--semantics <kind>', 'table updates: dense (torch Adam) or lazy (SparseAdam: only touched rows, updated on the host)', 'dense')
    .option('--loss <kind>', 'margin or softplus', 'margin')
    .option('--seed <n>', 'seed of initial weights, batches and negatives', '0')
    .option('--early-stopping <every>', 'evaluate validation MRR every N epochs and stop when it stops improving')
    .option('--patience <n>', 'evaluations without a 1 % relative gain before stopping', '2')
    .option('--checkpoint <dir>', 'write a checkpoint here every 10 epochs and at the end')
    .option('--resume', 'continue from the checkpoint in --checkpoint')
    .option('--out <dir>', 'save the trained model here')
    .option('--json', 'print one JSON object on the last line')
    .action(train);
  k.command('evaluate').description('filtered rank-based evaluation of a saved model')
    .requiredOption('--model <dir>', 'a folder written by kge train --out')
    .option('--backend <name>', 'onnxruntime, wasm or reference', 'onnxruntime')
    .option('--split <name>', 'test or valid', 'test')
    .option('--json', 'print one JSON object on the last line')
    .action(evaluate);
  k.command('export').description('export a saved model\'s scorer to ONNX (labels in its metadata)')
    .requiredOption('--model <dir>', 'a folder written by kge train --out')
    .requiredOption('--out <file>', 'the .onnx file to write')
    .option('--triton <dir>', 'also write a Triton model repository entry DIR/<name of --out>/{config.pbtxt,1/model.onnx}')
    .action(exportModel);
  k.command('score').description('top-k predictions of an exported model, labels in and out')
    .requiredOption('--model <file>', 'an .onnx file written by kge export')
    .option('--head <label>', 'rank every tail of (head, relation)')
    .option('--tail <label>', 'rank every head of (relation, tail)')
    .requiredOption('--relation <label>', 'the relation')
    .option('--top <n>', 'how many predictions', '10')
    .option('--backend <name>', 'onnxruntime, wasm or reference', 'onnxruntime')
    .option('--json', 'print the predictions as JSON')
    .action(async (o: { model: string; head?: string; tail?: string; relation: string; top: string; backend: string; json?: boolean }) => {
      await loadBackends(parseBackends(o.backend, '--backend'));
      const r = await kgeScore(o.model, { ...o, top: parseIntArg('--top', o.top, 1) });
      if (o.json) return console.log(JSON.stringify(r));
      r.predictions.forEach((p, i) => console.log(`${String(i + 1).padStart(3)}  ${p.score.toFixed(4).padStart(9)}  ${p.label}`));
    });
}
