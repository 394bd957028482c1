// `repkit ssl simclr|rotnet|ressl`: self-supervised pre-training on the digits pool (labels unused), then the
// linear probe of ssl-semi.md §6.3 on the labelled pool rows and on the whole pool, with the same probe on
// the untrained (random-init) encoder as the baseline.
import type { Command } from 'commander';
import { checkOutputFile, prepareOutputFolder } from '../files.ts';
import { ssl } from '@repkit/methods';
import { digitsSplit, loadDigits, takeRows } from '@repkit/data';
import { parseIntArg, parseNumberArg } from '../args.ts';
import { BACKENDS } from '../backends.ts';
import { loadBackend } from './cluster.ts';

export const SSL_METHODS = ['simclr', 'rotnet', 'ressl'] as const;
type Method = (typeof SSL_METHODS)[number];
/** The sequence recipes of ssl-seq.ts, added to the same group. */
const SEQUENCE_METHODS = ['mlm', 'wav2vec'] as const;

interface SslOptions {
  data: string; probeLabels: string; seed: string; backend: string; layer?: string; steps: string; batchSize?: string;
  encoder: string; imageShape: string; tau: string; tauStudent: string; tauTeacher: string; momentum: string; queueSize: string;
  checkpoint?: string; export?: string; exportClassifier?: string; baseline: boolean; progress?: boolean; json?: boolean;
}

function parseImageShape(value: string): [number, number] {
  const m = /^(\d+)x(\d+)$/.exec(value.trim());
  if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) throw new Error(`--image-shape must be HEIGHTxWIDTH such as 8x8, got '${value}'`);
  return [Number(m[1]), Number(m[2])];
}

/** A positive temperature (τ ≤ 0 has no meaning in a softmax). */
function parseTemperature(flag: string, value: string): number {
  const t = Number(value);
  if (value.trim() === '' || !Number.isFinite(t) || t <= 0) throw new Error(`${flag} must be a temperature > 0, got '${value}'`);
  return t;
}

/** The teacher's EMA momentum m in [0, 1): θ_t ← m·θ_t + (1 − m)·θ_s. */
function parseMomentum(value: string): number {
  const m = Number(value);
  if (value.trim() === '' || !(m >= 0 && m < 1)) throw new Error(`--momentum must be a number in [0, 1) (the teacher keeps m of itself per step), got '${value}'`);
  return m;
}

// The flags that belong to one method; given to another, they would be silently ignored.
const OWN_FLAGS: Record<string, { method: Method; flag: string }> = {
  tau: { method: 'simclr', flag: '--tau' }, tauStudent: { method: 'ressl', flag: '--tau-student' }, tauTeacher: { method: 'ressl', flag: '--tau-teacher' },
  momentum: { method: 'ressl', flag: '--momentum' }, queueSize: { method: 'ressl', flag: '--queue-size' },
};

function modelFor(method: Method, o: SslOptions, backend: string): ssl.SelfSupervised {
  if (o.encoder !== 'mlp' && o.encoder !== 'cnn') throw new Error(`--encoder must be mlp or cnn, got '${o.encoder}'`);
  const imageShape = parseImageShape(o.imageShape);
  if (o.encoder === 'cnn' && imageShape.some((d) => d % 2)) throw new Error(`--image-shape: the cnn encoder max-pools by 2 and needs even sizes, got ${o.imageShape}`);
  const encoder = o.encoder === 'mlp' ? new ssl.MlpEncoder({ imageShape }) : new ssl.CnnEncoder({ imageShape });
  const common = {
    encoder, backend, seed: parseIntArg('--seed', o.seed, 0), steps: parseIntArg('--steps', o.steps, 0),
    ...(o.batchSize ? { batchSize: parseIntArg('--batch-size', o.batchSize, 2) } : {}),
    ...(o.checkpoint ? { checkpoint: o.checkpoint } : {}),
  };
  if (method === 'simclr') return new ssl.SimCLR({ ...common, tau: parseTemperature('--tau', o.tau) });
  if (method === 'rotnet') return new ssl.RotNet(common);
  return new ssl.ReSSL({
    ...common, tauStudent: parseTemperature('--tau-student', o.tauStudent), tauTeacher: parseTemperature('--tau-teacher', o.tauTeacher),
    momentum: parseMomentum(o.momentum), queueSize: parseIntArg('--queue-size', o.queueSize, 1),
  });
}

async function run(method: string, o: SslOptions, given: (key: string) => boolean = () => false): Promise<void> {
  if (!(SSL_METHODS as readonly string[]).includes(method)) throw new Error(`unknown method '${method}'; choose one of ${SSL_METHODS.join(', ')}`);
  for (const [key, own] of Object.entries(OWN_FLAGS)) {
    if (own.method !== method && given(key)) throw new Error(`${own.flag} applies to ${own.method} only, not ${method}`);
  }
  if (o.data !== 'digits') throw new Error(`--data must be digits (the 8×8 digits with the pool/test split of ssl-semi.md §6.1), got '${o.data}'`);
  const { X, y } = loadDigits(), split = digitsSplit();
  const probeLabels = parseIntArg('--probe-labels', o.probeLabels, 1);
  if (probeLabels < 10 || probeLabels > split.pool.length) {
    throw new Error(`--probe-labels must be from 10 (one per class) to ${split.pool.length} (the pool), got ${probeLabels}`);
  }
  if (!BACKENDS.includes(o.backend)) throw new Error(`--backend must be one of ${BACKENDS.join(', ')}, got '${o.backend}'`);
  const backend = await loadBackend(o.backend);
  const model = modelFor(method as Method, o, backend);
  if (o.export) checkOutputFile('--export', o.export);
  if (o.exportClassifier) checkOutputFile('--export-classifier', o.exportClassifier);
  if (o.checkpoint) prepareOutputFolder('--checkpoint', o.checkpoint);
  const [h, w] = model.encoder.imageShape;
  if (X.shape[1] !== h * w) {
    throw new Error(`--image-shape: the ${o.encoder} encoder takes ${h}×${w} images (${h * w} values per row), but --data ${o.data} has ${X.shape[1]} values per row; use --image-shape 8x8`);
  }
  const L = model.encoder.featureSizes.length;
  const layer = o.layer === undefined ? model.defaultLayer : parseIntArg('--layer', o.layer, 1);
  if (layer > L) throw new Error(`--layer must be 1..${L} for the ${o.encoder} encoder, got ${layer}`);
  const counts = probeLabels === split.pool.length ? [probeLabels] : [probeLabels, split.pool.length];

  const t0 = performance.now();
  let resumedSteps = 0;
  await model.fit(takeRows(X, split.pool), {
    onProgress: o.progress ? (t, T, loss) => { if (t % 100 === 0 || t === T) console.error(`step ${t}/${T} loss ${loss.toFixed(4)}`); } : undefined,
    onResume: (t, T) => {
      resumedSteps = t;
      console.error(`resumed from the checkpoint in ${o.checkpoint}: ${t} of ${T} steps restored`);
    },
  });
  const trainSeconds = (performance.now() - t0) / 1000;
  const [probe, probePool] = await ssl.probeEncoder(model, X, y, split, counts, layer);
  if (o.export) await model.exportOnnx(o.export);
  if (o.exportClassifier) await model.exportClassifierOnnx(o.exportClassifier, probe!, layer);
  let random: ssl.ProbeResult[] | undefined;
  if (o.baseline) {
    const init = modelFor(method as Method, { ...o, checkpoint: undefined }, backend).initialise();
    random = await ssl.probeEncoder(init, X, y, split, counts, layer);
    init.dispose();
  }
  model.dispose();
  const seconds = (performance.now() - t0) / 1000;
  const out = {
    method, backend, seed: model.seed, encoder: model.encoder.kind, layer, steps: model.steps, finalLoss: model.lossCurve_.at(-1) ?? null,
    probeLabels, probeAccuracy: probe!.accuracy,
    ...(probePool ? { probeAccuracyPool: probePool.accuracy } : {}),
    ...(random ? { randomEncoderProbeAccuracy: random[0]!.accuracy, ...(random[1] ? { randomEncoderProbeAccuracyPool: random[1].accuracy } : {}) } : {}),
    trainSeconds, seconds,
    ...(o.export ? { onnx: o.export } : {}), ...(o.exportClassifier ? { classifierOnnx: o.exportClassifier } : {}), ...(resumedSteps ? { resumedSteps } : {}),
  };
  const pct = (v: number): string => (100 * v).toFixed(2);
  console.log(`${method} on digits (${model.steps} steps, seed ${model.seed}, ${backend}), layer ${layer}: probe accuracy ${pct(probe!.accuracy)} % with ${probeLabels} labels`
    + (probePool ? `, ${pct(probePool.accuracy)} % with ${split.pool.length}` : '')
    + (random ? `; random-init encoder ${pct(random[0]!.accuracy)} %${random[1] ? ` / ${pct(random[1].accuracy)} %` : ''}` : '')
    + `, ${seconds.toFixed(1)} s`);
  if (o.json) console.log(JSON.stringify(out));
}

/**
 * `repkit ssl <method>`: one subcommand per image method; returns the group so other self-supervised
 * subcommands (the sequence recipes) can be added to it.
 */
export function sslCommand(program: Command): Command {
  const group = program.command('ssl')
    .description('self-supervised learning: SimCLR, RotNet, ReSSL on the digits pool with a linear probe on the test images; BERT masked modelling (mlm) and wav2vec 2.0 / w2v-BERT on generated sequences')
    .argument('[method]', [...SSL_METHODS, ...SEQUENCE_METHODS].join(' | '))
    .allowUnknownOption()
    .allowExcessArguments()
    .action((method?: string) => {
      const all = [...SSL_METHODS, ...SEQUENCE_METHODS].join(', ');
      if (!method || method.startsWith('-')) throw new Error(`give a method before the options: ${all} (repkit ssl simclr --help)`);
      throw new Error(`unknown method '${method}'; choose one of ${all}`);
    });
  const what: Record<Method, string> = {
    simclr: 'SimCLR: NT-Xent over two strong views (Chen et al. 2020); probes layer 2',
    rotnet: 'RotNet: predict the quarter turn of each weak view (Gidaris et al. 2018); probes layer 1',
    ressl: 'ReSSL: relations of a strong view to a queue, sharpened by a momentum teacher on the weak view (Zheng et al. 2021); probes layer 2',
  };
  for (const method of SSL_METHODS) {
    // Subcommands inherit the group's leniency (it exists to name unknown methods): take it back.
    group.command(method).description(what[method]).allowUnknownOption(false).allowExcessArguments(false)
      .option('--data <name>', 'dataset: digits', 'digits')
      .option('--probe-labels <n>', 'labelled pool images the probe trains on (50 = the fixed 5 per class; 1000 = the whole pool)', '50')
      .option('--seed <n>', 'seed of the run: weights, batches, augmentations', '0')
      .option('--backend <name>', 'reference, onnxruntime or wasm', 'onnxruntime')
      .option('--layer <n>', 'encoder layer to probe (default: simclr/ressl 2, rotnet 1)')
      .option('--steps <n>', 'pre-training steps', '2000')
      .option('--batch-size <n>', 'images per step (default: simclr/ressl 256, rotnet 128)')
      .option('--encoder <mlp|cnn>', 'encoder: the 64-256-256 MLP or a small CNN', 'mlp')
      .option('--image-shape <HxW>', 'image size the encoder takes', '8x8')
      .option('--tau <t>', 'simclr: NT-Xent temperature', '0.5')
      .option('--tau-student <t>', 'ressl: student temperature', '0.1')
      .option('--tau-teacher <t>', 'ressl: teacher temperature', '0.04')
      .option('--momentum <m>', 'ressl: teacher EMA momentum', '0.99')
      .option('--queue-size <k>', 'ressl: queue length', '1024')
      .option('--checkpoint <dir>', 'checkpoint folder: written every 500 steps, resumed from when present')
      .option('--export <file.onnx>', 'write the trained encoder as ONNX')
      .option('--export-classifier <file.onnx>', 'write the encoder with the probe trained on --probe-labels as one ONNX classifier (logits, probabilities, label)')
      .option('--no-baseline', 'skip the random-init encoder probe')
      .option('--progress', 'print the loss every 100 steps (stderr)')
      .option('--json', 'print one JSON object on the last line')
      .action((o: SslOptions, cmd: Command) => run(method, o, (key) => cmd.getOptionValueSource(key) === 'cli'));
  }
  return group;
}
