// `repkit ssl mlm` and `repkit ssl wav2vec`: the sequence self-supervised recipes on seeded synthetic data
// (a known Markov chain of items; a switching linear process of frames), reported beside what is
// achievable on that data (the Bayes-optimal masked-token accuracy; the maximal codebook perplexity).
import type { Command } from 'commander';
import { Philox } from '@repkit/core';
import { bayesMaskedAccuracy, bayesNspAccuracy, markovChain, sampleMarkov, sampleSwitching, switchingProcess } from '@repkit/data';
import { ssl } from '@repkit/methods';
import { loadBackends } from '../backends.ts';
import { parseIntArg, parseNumberArg } from '../args.ts';
import { progressBar } from '../progress.ts';
import { checkOutputFile, prepareOutputFolder } from '../files.ts';

const SEQ_BACKENDS = ['onnxruntime', 'wasm', 'reference'];

function parseBackend(value: string): string {
  if (!SEQ_BACKENDS.includes(value)) throw new Error(`--backend must be one of ${SEQ_BACKENDS.join(', ')}, got '${value}'`);
  return value;
}

function parseProbability(flag: string, value: string): number {
  const p = Number(value);
  if (!(p > 0 && p < 1)) throw new Error(`${flag} must be a probability in (0, 1), got '${value}'`);
  return p;
}

interface CommonOptions { backend: string; seed: string; steps: string; batch: string; lr: string; checkpoint?: string; export?: string; json?: boolean }

/** Output paths checked before training; the fit options that checkpoint and report a resume. */
function outputs(o: CommonOptions, label: string): { checkpoint?: string; onResume: (t: number) => void; resumed: () => Record<string, number> } {
  if (o.export) checkOutputFile('--export', o.export);
  if (o.checkpoint) prepareOutputFolder('--checkpoint', o.checkpoint);
  let resumedSteps = 0;
  return {
    checkpoint: o.checkpoint,
    onResume: (t) => {
      resumedSteps = t;
      console.error(`${label}: resumed from the checkpoint in ${o.checkpoint}: ${t} steps restored`);
    },
    resumed: (): Record<string, number> => (resumedSteps ? { resumedSteps } : {}),
  };
}

function addCommon(cmd: Command, steps: string, batch: string, lr: string): Command {
  return cmd.allowUnknownOption(false).allowExcessArguments(false) // not the ssl group's leniency
    .option('--backend <name>', `engine: ${SEQ_BACKENDS.join(', ')}`, 'onnxruntime')
    .option('--seed <n>', 'seed of weights, batches and masking (the data has its own fixed seed)', '0')
    .option('--steps <n>', 'Adam steps', steps)
    .option('--batch <n>', 'sequences per step', batch)
    .option('--lr <x>', 'peak Adam learning rate (5 % warm-up, linear decay to 10 %)', lr)
    .option('--checkpoint <dir>', 'checkpoint folder: written atomically, resumed from when present')
    .option('--export <file>', 'write the trained encoder as ONNX')
    .option('--json', 'print one JSON object on the last line');
}

async function mlm(o: CommonOptions & { items: string; length: string; train: string; test: string; maskProb: string; dim: string; layers: string; heads: string; nsp?: boolean }): Promise<void> {
  const backend = parseBackend(o.backend);
  const seed = parseIntArg('--seed', o.seed, 0), steps = parseIntArg('--steps', o.steps, 1), batchSize = parseIntArg('--batch', o.batch, 1);
  const items = parseIntArg('--items', o.items, 2), length = parseIntArg('--length', o.length, o.nsp ? 2 : 1);
  const nTrain = parseIntArg('--train', o.train, o.nsp ? 2 : 1), nTest = parseIntArg('--test', o.test, o.nsp ? 2 : 1);
  const maskProb = parseProbability('--mask-prob', o.maskProb), lr = parseNumberArg('--lr', o.lr, 0);
  const dim = parseIntArg('--dim', o.dim, 1), layers = parseIntArg('--layers', o.layers, 1), heads = parseIntArg('--heads', o.heads, 1);
  if (dim % heads !== 0) throw new Error(`--heads (${heads}) must divide --dim (${dim})`);
  await loadBackends([backend]);
  const chain = markovChain({ items, seed: 0 });
  const train = sampleMarkov(chain, nTrain, length, new Philox(0, 1)), test = sampleMarkov(chain, nTest, length, new Philox(0, 2));
  const model = new ssl.MaskedLanguageModel({ backend, seed, steps, batchSize, lr, maskProb, dim, layers, heads, nsp: Boolean(o.nsp) });
  const io = outputs(o, 'mlm');
  const bar = progressBar(`mlm ${backend}`, steps);
  const t0 = performance.now();
  await model.fit(train, { items, checkpoint: io.checkpoint, onResume: io.onResume, onProgress: (t, loss) => t % 10 === 0 && bar.update(t, { loss: loss.toFixed(4) }) });
  bar.stop();
  const seconds = (performance.now() - t0) / 1000;
  const out: Record<string, unknown> = { method: o.nsp ? 'bert-mlm-nsp' : 'bert-mlm', backend, seed, steps, seconds, finalLoss: model.lossCurve_.at(-1), data: { items, length, train: nTrain, test: nTest, chainSeed: 0 }, ...io.resumed() };
  if (!o.nsp) {
    const ev = await model.evaluateMasked(test);
    const bayes = bayesMaskedAccuracy(chain, test, ev.observed, ev.selected, { select: maskProb, mask: 0.8, random: 0.1 });
    Object.assign(out, { maskedAccuracy: ev.accuracy, bayesOptimalAccuracy: bayes.accuracy, bayesExpectedAccuracy: bayes.expected, positions: ev.positions });
    console.log(`${backend}: masked-token accuracy ${(ev.accuracy * 100).toFixed(2)} % vs Bayes-optimal ${(bayes.accuracy * 100).toFixed(2)} % (${ev.positions} masked positions), ${seconds.toFixed(1)} s`);
  } else {
    // Held-out pairs of the evaluation sequences, corrupted once with the evaluation seed (as the masked tokens are).
    const ev = await model.evaluateNsp(test);
    const bayes = bayesNspAccuracy(chain, ev.observed, ev.isNotNext, ev.split, { select: maskProb, mask: 0.8, random: 0.1 });
    Object.assign(out, {
      nspAccuracy: ev.accuracy, nspChance: 0.5, nspBayesOptimalAccuracy: bayes.accuracy, nspBayesExpectedAccuracy: bayes.expected, pairs: ev.pairs, notNextShare: ev.notNextShare,
      pairMaskedAccuracy: ev.maskedAccuracy, pairPositions: ev.positions, // the masked tokens of the same pairs (no Bayes rate in this layout)
    });
    console.log(`${backend}: next-sentence accuracy ${(ev.accuracy * 100).toFixed(2)} % (chance 50 %, Bayes-optimal ${(bayes.accuracy * 100).toFixed(2)} %) on ${ev.pairs} held-out pairs; masked-token accuracy in the pair layout ${(ev.maskedAccuracy * 100).toFixed(2)} % (${ev.positions} positions); ${seconds.toFixed(1)} s`);
  }
  if (o.export) await model.exportOnnx(o.export);
  if (o.json) console.log(JSON.stringify(out));
}

async function wav2vec(o: CommonOptions & {
  regimes: string; stay: string; frameDim: string; length: string; train: string; test: string; maskProb: string; span: string; K: string; kappa: string;
  alpha: string; tauStart: string; tauMin: string; groups: string; entries: string; diversity: string; dim: string; w2vBert?: boolean;
}): Promise<void> {
  const backend = parseBackend(o.backend);
  const seed = parseIntArg('--seed', o.seed, 0), steps = parseIntArg('--steps', o.steps, 1), batchSize = parseIntArg('--batch', o.batch, 1);
  const stay = Number(o.stay);
  if (!(stay >= 0 && stay < 1)) throw new Error(`--stay must be a probability in [0, 1), got '${o.stay}'`);
  const regimes = parseIntArg('--regimes', o.regimes, 2), frameDim = parseIntArg('--frame-dim', o.frameDim, 1);
  const length = parseIntArg('--length', o.length, 2), nTrain = parseIntArg('--train', o.train, 1), nTest = parseIntArg('--test', o.test, 1);
  const maskProb = parseProbability('--mask-prob', o.maskProb), spanLength = parseIntArg('--span', o.span, 1);
  if (length < spanLength) throw new Error(`--length (${length}) is shorter than the span length --span (${spanLength}); use longer sequences or a shorter span`);
  const K = parseIntArg('--K', o.K, 1);
  const kappa = parseNumberArg('--kappa', o.kappa, 0), alpha = Number(o.alpha);
  if (!(alpha >= 0)) throw new Error(`--alpha must be a number ≥ 0, got '${o.alpha}'`);
  const tauStart = parseNumberArg('--tau-start', o.tauStart, 0), tauMin = parseNumberArg('--tau-min', o.tauMin, 0);
  if (tauMin > tauStart) throw new Error(`--tau-min (${tauMin}) must be ≤ --tau-start (${tauStart}): the Gumbel temperature anneals down to its floor`);
  const groups = parseIntArg('--groups', o.groups, 1), entries = parseIntArg('--entries', o.entries, 2), dim = parseIntArg('--dim', o.dim, 1);
  if (o.diversity !== 'entropy' && o.diversity !== 'perplexity') throw new Error(`--diversity must be 'entropy' (the seed's form) or 'perplexity', got '${o.diversity}'`);
  const lr = parseNumberArg('--lr', o.lr, 0);
  await loadBackends([backend]);
  const proc = switchingProcess({ regimes, dim: frameDim, stay, seed: 0 });
  const train = sampleSwitching(proc, nTrain, length, new Philox(0, 1)).frames, test = sampleSwitching(proc, nTest, length, new Philox(0, 2));
  const model = new ssl.Wav2Vec2({
    backend, seed, steps, batchSize, lr, maskProb, spanLength, K, kappa, alpha, tauStart, tauMin, groups, entries, dim, latentDim: dim, finalDim: dim,
    diversity: o.diversity, mlmLayers: o.w2vBert ? 1 : 0,
  });
  const io = outputs(o, 'wav2vec');
  const bar = progressBar(`wav2vec ${backend}`, steps);
  const t0 = performance.now();
  await model.fit(train, { checkpoint: io.checkpoint, onResume: io.onResume, onProgress: (t, loss) => t % 10 === 0 && bar.update(t, { loss: loss.toFixed(4) }) });
  bar.stop();
  const seconds = (performance.now() - t0) / 1000;
  const ev = await model.evaluate(test.frames, 12345, test.regimes);
  console.log(`${backend}: picks the true quantised target among K = ${K} distractors ${(ev.contrastiveAccuracy * 100).toFixed(2)} % of ${ev.positions} masked steps (${(ev.informativeAccuracy * 100).toFixed(2)} % on the ${(ev.informative * 100).toFixed(1)} % that have a distractor of another code); codebook perplexity ${ev.codebookPerplexity.toFixed(2)} of ${ev.maxPerplexity}; ${seconds.toFixed(1)} s`);
  if (o.export) await model.exportOnnx(o.export);
  if (o.json) {
    console.log(JSON.stringify({
      method: o.w2vBert ? 'w2v-bert' : 'wav2vec2', backend, seed, steps, K, ...ev, seconds, finalLoss: model.lossCurve_.at(-1),
      diversityForm: o.diversity, data: { regimes, stay, frameDim, length, train: nTrain, test: nTest, processSeed: 0 }, ...io.resumed(),
    }));
  }
}

/** Adds `mlm` and `wav2vec` to a command group (the `ssl` group of the CLI). */
export function addSequenceCommands(group: Command): void {
  addCommon(group.command('mlm').description('BERT masked-token modelling on Markov item sequences; reports accuracy beside the Bayes-optimal rate'), '3000', '64', '3e-3')
    .option('--items <n>', 'item vocabulary of the Markov chain', '30')
    .option('--length <n>', 'items per sequence', '16')
    .option('--train <n>', 'training sequences', '100000')
    .option('--test <n>', 'evaluation sequences', '2000')
    .option('--mask-prob <p>', 'selection probability of a position (80/10/10 of §2.6 on the selected)', '0.15')
    .option('--dim <n>', 'encoder width', '64')
    .option('--layers <n>', 'transformer blocks', '2')
    .option('--heads <n>', 'attention heads', '4')
    .option('--nsp', 'also train next-sentence prediction on [CLS] A [SEP] B [SEP] pairs; reports NSP accuracy on held-out pairs beside chance (50 %) and the Bayes-optimal rate')
    .action(mlm);
  addCommon(group.command('wav2vec').description('wav2vec 2.0 (or w2v-BERT) on switching-process frame sequences; reports contrastive accuracy and codebook perplexity'), '5000', '32', '2e-3')
    .option('--regimes <n>', 'hidden regimes of the process (16: more than the V entries of one codebook)', '16')
    .option('--stay <p>', 'probability that the process stays in its regime per step (mean run 1/(1 − stay))', '0.95')
    .option('--frame-dim <n>', 'frame dimension', '8')
    .option('--length <n>', 'frames per sequence', '32')
    .option('--train <n>', 'training sequences', '4000')
    .option('--test <n>', 'evaluation sequences', '256')
    .option('--mask-prob <p>', 'expected masked fraction before overlaps (span starts = mask-prob·T/span)', '0.5')
    .option('--span <n>', 'span length M', '4')
    .option('--K <n>', 'distractors per masked step', '10')
    .option('--kappa <x>', 'contrastive temperature κ', '0.1')
    .option('--alpha <x>', 'diversity weight α (the paper\'s 0.1)', '0.1')
    .option('--tau-start <x>', 'Gumbel temperature at step 0', '2')
    .option('--tau-min <x>', 'Gumbel temperature floor', '0.5')
    .option('--groups <n>', 'codebooks G', '2')
    .option('--entries <n>', 'entries per codebook V', '8')
    .option('--diversity <form>', "diversity loss: 'entropy' (seed) or 'perplexity' (reference code)", 'entropy')
    .option('--dim <n>', 'latent, context and quantised width', '32')
    .option('--w2v-bert', 'add the w2v-BERT MLM module predicting the code ids (β = γ = 1)')
    .action(wav2vec);
}
