// Builds the edge page into apps/edge/dist (or --outdir DIR): index.html, main.js bundled by esbuild
// for browsers, the tfjs-backend-wasm .wasm files, the onnxruntime-web peer when it is installed, and
// models/digits.onnx: the digits MLP trained here (src/digits-model.ts, ~5 s, same bytes every build)
// or the export given by --digits-model.
// Usage: node apps/edge/build.mjs [--outdir DIR] [--no-minify] [--digits-model FILE.onnx]
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { tsImport } from 'tsx/esm/api';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/**
 * Node-only modules must not enter the browser bundle. The one allowed reference is the lazy
 * import('node:module') / import('node:path') in @repkit/backend-wasm's init.ts, reached only when no
 * wasmPaths is given, which the page always gives: it stays an external import that never runs.
 */
const noNode = {
  name: 'no-node-builtins',
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (args) => {
      const lazyWasmDefault = args.kind === 'dynamic-import' && /backend-wasm[\\/]src[\\/]init\.ts$/.test(args.importer);
      if (lazyWasmDefault) return { path: args.path, external: true };
      return { errors: [{ text: `${args.path} is Node-only, imported by ${relative(process.cwd(), args.importer)}: import a browser-safe entry instead (see apps/edge/src/repkit.ts)` }] };
    });
  },
};

const common = { bundle: true, format: 'esm', platform: 'browser', target: 'es2022', sourcemap: true, logLevel: 'warning', plugins: [noNode] };

/** The onnxruntime-web peer: bundled with its wasm files when the package resolves, else the reason. */
async function buildPeer(outdir, minify) {
  let dist;
  try {
    dist = dirname(require.resolve('onnxruntime-web')); // its exports hide package.json; the entry lives in dist/
  } catch {
    return { missing: 'onnxruntime-web is not installed (npm install -D onnxruntime-web@1.30.0, then node apps/edge/build.mjs)' };
  }
  const version = JSON.parse(readFileSync(join(dist, '..', 'package.json'), 'utf8')).version;
  await build({
    ...common, minify, outfile: join(outdir, 'peer-ort.js'),
    stdin: {
      contents: "import * as ort from 'onnxruntime-web'; import { ortPeer } from './src/peer-ort.ts';\nexport const createPeer = (wasmPaths, bytes) => ortPeer(ort, wasmPaths, bytes);",
      resolveDir: here, loader: 'ts',
    },
  });
  mkdirSync(join(outdir, 'ort'), { recursive: true });
  for (const f of readdirSync(dist).filter((n) => /^ort-wasm.*\.(wasm|mjs)$/.test(n))) copyFileSync(join(dist, f), join(outdir, 'ort', f));
  return { onnxruntimeWeb: { module: 'peer-ort.js', wasmPaths: 'ort/', version } };
}

/** models/digits.onnx in the page's folder: `given` copied, or a fresh one trained (deterministic: seed 0). */
async function digitsModel(outdir, given) {
  mkdirSync(join(outdir, 'models'), { recursive: true });
  const file = join(outdir, 'models', 'digits.onnx');
  if (given) {
    if (!existsSync(given)) throw new Error(`--digits-model: no file '${given}'; pass an .onnx written by this build (dist/models/digits.onnx), or leave it out to train one`);
    copyFileSync(given, file);
    return { file, trained: false };
  }
  // The trainer is TypeScript on Node (it reads the dataset); tsx compiles it as the repkit CLI does.
  const { writeDigitsModel } = await tsImport('./src/digits-model.ts', import.meta.url);
  return { ...(await writeDigitsModel(file)), trained: true };
}

export async function buildEdge({ outdir = join(here, 'dist'), minify = true, digits } = {}) {
  outdir = resolve(outdir);
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(join(outdir, 'wasm'), { recursive: true });
  const result = await build({ ...common, minify, entryPoints: [join(here, 'src', 'main.ts')], outfile: join(outdir, 'main.js'), metafile: true });
  copyFileSync(join(here, 'index.html'), join(outdir, 'index.html'));
  // tfjs-backend-wasm fetches these from setWasmPaths (the page passes dist/wasm/): plain, SIMD, threaded SIMD.
  const wasmDist = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
  const wasm = readdirSync(wasmDist).filter((n) => n.endsWith('.wasm'));
  for (const f of wasm) copyFileSync(join(wasmDist, f), join(outdir, 'wasm', f));
  const peers = await buildPeer(outdir, minify);
  writeFileSync(join(outdir, 'peers.json'), JSON.stringify(peers, null, 1) + '\n');
  const digitsInfo = await digitsModel(outdir, digits);
  const bytes = result.metafile.outputs[join(relative(process.cwd(), outdir), 'main.js')]?.bytes;
  return { outdir, mainBytes: bytes, wasm, peers, digits: digitsInfo };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--outdir');
  if (at >= 0 && !args[at + 1]) throw new Error('--outdir needs a folder, e.g. --outdir apps/edge/dist');
  const dm = args.indexOf('--digits-model');
  if (dm >= 0 && !args[dm + 1]) throw new Error('--digits-model needs a file, e.g. --digits-model apps/edge/dist/models/digits.onnx');
  const r = await buildEdge({ outdir: at >= 0 ? args[at + 1] : undefined, minify: !args.includes('--no-minify'), digits: dm >= 0 ? args[dm + 1] : undefined });
  const kib = r.mainBytes === undefined ? '?' : (r.mainBytes / 1024).toFixed(0);
  console.log(`edge page built in ${r.outdir}: main.js ${kib} KiB, wasm/${r.wasm.join(', wasm/')}; peer: ${r.peers.onnxruntimeWeb ? `onnxruntime-web ${r.peers.onnxruntimeWeb.version}` : r.peers.missing}`);
  const d = r.digits;
  console.log(d.trained ? `models/digits.onnx: digits MLP trained, test accuracy ${(d.accuracy * 100).toFixed(2)} % (797 images), ${(d.bytes / 1024).toFixed(0)} KiB` : `models/digits.onnx: copied from ${args[dm + 1]}`);
}
