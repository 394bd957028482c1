// `repkit semi fixmatch|mixmatch|meanteacher|entmin|selftrain|supervised`: the semi-supervised recipes of
// ssl-semi.md §3 on the digits protocol (§6.1): fit on the 1000-image pool with --labels labels, print the
// accuracy on the 797 test images.
import type { Command } from 'commander';
import { semi } from '@repkit/methods';
import { parseIntArg, parseNumberArg } from '../args.ts';
import { loadBackend } from './cluster.ts';
import { progressBar } from '../progress.ts';
import { checkOutputFile, prepareOutputFolder } from '../files.ts';

interface RecipeOptions {
  data: string; labels: string; seed: string; backend: string; steps?: string; json?: boolean;
  threshold?: string; temperature?: string; checkpoint?: string; export?: string; teacherLabels?: string;
}

const RECIPES = {
  supervised: 'cross-entropy on the labelled images only (the baseline)',
  selftrain: 'self-training: rounds of confident pseudo-labels (max p ≥ --threshold), re-initialised each round',
  entmin: 'entropy minimisation (Grandvalet & Bengio 2005)',
  fixmatch: 'FixMatch: confident weak-view pseudo-labels train the strong view (Sohn et al. 2020)',
  mixmatch: 'MixMatch: sharpened guesses, MixUp, squared-error consistency (Berthelot et al. 2019)',
  meanteacher: 'Mean Teacher: consistency with an EMA teacher (Tarvainen & Valpola 2017)',
  distill: 'knowledge distillation (Hinton et al. 2015) of a supervised teacher (--teacher-labels) into a 64-unit student',
} as const;

type Recipe = keyof typeof RECIPES;

/** Flags that only some recipes take: given to another, they are refused rather than ignored. */
const OWN_FLAGS = {
  temperature: { flag: '--temperature', recipes: ['mixmatch', 'distill'] },
  teacherLabels: { flag: '--teacher-labels', recipes: ['distill'] },
  threshold: { flag: '--threshold', recipes: ['fixmatch', 'selftrain'] },
} as const satisfies Record<string, { flag: string; recipes: readonly Recipe[] }>;

/** The digits protocol with `value` pool labels; a bad count is reported under `flag`. */
function labelled(flag: string, value: string): semi.SemiTask {
  const n = parseIntArg(flag, value, 1);
  if (n < 10 || n > 1000 || n % 10 !== 0) throw new Error(`${flag} must be a multiple of the 10 classes from 10 to the pool's 1000 (the same count per class), got ${n}`);
  return semi.digitsProtocol(n);
}

/** The distillation teacher: the supervised baseline on --teacher-labels pool labels (default: all 1000). */
async function teacherFor(o: RecipeOptions, backend: string): Promise<semi.SemiSupervisedClassifier> {
  const t = labelled('--teacher-labels', o.teacherLabels ?? '1000');
  return new semi.SupervisedBaseline({ seed: parseIntArg('--seed', o.seed, 0), backend }).fit(t.X, t.y);
}

function build(name: Recipe, o: RecipeOptions, backend: string, teacher?: semi.SemiSupervisedClassifier): semi.SemiSupervisedClassifier {
  const common: semi.SemiOptions = {
    seed: parseIntArg('--seed', o.seed, 0), backend,
    ...(o.steps ? { steps: parseIntArg('--steps', o.steps, 1) } : {}),
    ...(o.checkpoint ? { checkpoint: o.checkpoint } : {}),
  };
  const threshold = o.threshold === undefined ? {} : { threshold: parseNumberArg('--threshold', o.threshold, 0) };
  if (o.threshold !== undefined && !(threshold.threshold! < 1)) throw new Error(`--threshold must be a probability in (0, 1), got '${o.threshold}'`);
  for (const [key, own] of Object.entries(OWN_FLAGS)) {
    if (o[key as keyof typeof OWN_FLAGS] !== undefined && !(own.recipes as readonly Recipe[]).includes(name)) throw new Error(`${own.flag} applies to ${own.recipes.join(' and ')} only, not ${name}`);
  }
  const temperature = o.temperature === undefined ? {} : { temperature: parseNumberArg('--temperature', o.temperature, 0) };
  switch (name) {
    case 'supervised': return new semi.SupervisedBaseline(common);
    case 'selftrain': return new semi.SelfTraining({ ...common, ...threshold });
    case 'entmin': return new semi.EntropyMinimisation(common);
    case 'fixmatch': return new semi.FixMatch({ ...common, ...threshold });
    case 'mixmatch': return new semi.MixMatch({ ...common, ...temperature });
    case 'meanteacher': return new semi.MeanTeacher(common);
    case 'distill': return new semi.KnowledgeDistillation({ ...common, ...temperature, teacher: teacher! });
  }
}

async function run(name: Recipe, o: RecipeOptions): Promise<void> {
  if (o.data !== 'digits') throw new Error(`--data must be digits (the 8×8 images of the spec's protocol), got '${o.data}'`);
  const task = labelled('--labels', o.labels);
  const backend = await loadBackend(o.backend);
  const teacher = name === 'distill' ? await teacherFor(o, backend) : undefined;
  const model = build(name, o, backend, teacher);
  if (o.export) checkOutputFile('--export', o.export);
  if (o.checkpoint) prepareOutputFolder('--checkpoint', o.checkpoint);
  const total = name === 'selftrain' ? model.steps * (model as semi.SelfTraining).rounds : model.steps;
  const bar = progressBar(name, total);
  let done = 0, resumedSteps = 0;
  const t0 = performance.now();
  try {
    await model.fit(task.X, task.y, {
      onProgress: (_, __, m) => bar.update(++done, { loss: (m.loss ?? NaN).toFixed(4) }),
      onResume: (t, steps) => {
        done += t;
        resumedSteps += t;
        console.error(`resumed from the checkpoint in ${o.checkpoint}: ${t} of ${steps} steps${name === 'selftrain' ? ' of a round' : ''} restored`);
      },
    });
  } finally {
    bar.stop();
  }
  const seconds = (performance.now() - t0) / 1000;
  const accuracy = await model.score(task.Xtest, task.ytest);
  if (o.export) await model.exportOnnx(o.export);
  const teacherAccuracy = teacher ? await teacher.score(task.Xtest, task.ytest) : undefined;
  const out = { method: name, data: 'digits', backend, ...(teacher ? { teacherAccuracy } : {}), seed: model.seed, labels: task.labelled, steps: model.steps, accuracy, testImages: task.ytest.size, seconds, settings: model.settings(), ...(o.export ? { onnx: o.export } : {}), ...(resumedSteps ? { resumedSteps } : {}) };
  console.log(`${name} on digits (${task.labelled} labels), ${backend}, seed ${model.seed}: test accuracy ${accuracy.toFixed(4)} on ${task.ytest.size} images, ${seconds.toFixed(1)} s`);
  if (o.json) console.log(JSON.stringify(out));
  model.dispose();
}

/** Add the recipe subcommands to the `semi` group. */
export function addRecipeCommands(group: Command): void {
  for (const [name, what] of Object.entries(RECIPES) as [Recipe, string][]) {
    group.command(name).description(`${what}; prints the test accuracy on the digits protocol`)
      .option('--data <name>', 'digits (ssl-semi.md §6.1: 1000-image pool, 797 test images)', 'digits')
      .option('--labels <n>', 'labelled pool images: 50 = the spec\'s 5 per class, 1000 = all; a multiple of 10', '50')
      .option('--backend <name>', 'reference (float64), onnxruntime or wasm', 'onnxruntime')
      .option('--seed <n>', 'seed of the run: initial weights, batches, augmentations', '0')
      .option('--steps <n>', 'optimizer steps (default 3000; selftrain: per round, 1500)')
      .option('--threshold <p>', 'fixmatch, selftrain: confidence threshold in (0, 1) (default 0.95)')
      .option('--temperature <T>', 'mixmatch: sharpening temperature > 0 (default 0.5); distill: softening temperature (default 4)')
      .option('--teacher-labels <n>', 'distill: pool labels the supervised teacher is trained on (default 1000)')
      .option('--checkpoint <dir>', 'write checkpoints there, and resume from one found there')
      .option('--export <file.onnx>', 'write the trained classifier as ONNX')
      .option('--json', 'print one JSON object on the last line')
      .action((o: RecipeOptions) => run(name, o));
  }
}
