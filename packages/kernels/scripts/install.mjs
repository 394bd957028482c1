// `npm ci` / `npm install` step of @repkit/kernels: builds the Node-API addon in native/ with node-gyp,
// and NEVER fails the install — without a compiler, Python or Node headers it records why in
// native/build-status.json, and kernelsInfo() reports it while the kernels use wasm instead.
// `node scripts/install.mjs --verbose` (npm run build:native) shows the compiler output;
// REPKIT_KERNELS_SKIP_NATIVE=1 skips the build (the kernels then use wasm).
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const nativeDir = resolve(here, '../../../native');
const statusFile = join(nativeDir, 'build-status.json');
const addon = join(nativeDir, 'build', 'Release', 'repkit_kernels.node');
const verbose = process.argv.includes('--verbose');

function record(ok, reason, log = '') {
  try {
    writeFileSync(statusFile, `${JSON.stringify({ ok, reason, node: process.version, at: new Date().toISOString(), log: log.slice(-4000) }, null, 2)}\n`);
  } catch {
    // A read-only tree still installs; the loader then reports the missing addon by itself.
  }
  console.log(ok ? '@repkit/kernels: native addon built' : `@repkit/kernels: native addon not built (${reason}); the kernels use wasm or TypeScript instead`);
}

/** node-gyp as npm ships it (the newest release on the registry needs Node 22). */
function findNodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    process.env.npm_execpath && join(dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  try {
    candidates.push(createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js'));
  } catch {
    // Not installed locally: fine, npm's own copy is the usual one.
  }
  return candidates.find((c) => c && existsSync(c));
}

const HINTS = [
  [/gyp http GET .*headers[\s\S]*network connectivity/, 'could not download Node headers (offline?); set npm config nodedir to a Node install with include/node (e.g. /usr)'],
  [/find Python[\s\S]*(Could not find any Python|You need to install the latest version of Python)/, 'no Python 3 for gyp; install python3'],
  [/not found: make|spawn make ENOENT/, 'no make; install build-essential (or the platform build tools)'],
  [/Warning: failed to get compiler predefines|(c\+\+|g\+\+|clang\+\+): (command )?not found/, 'no working C++ compiler (CXX); install g++ or clang'],
];

/** The lines of node-gyp's output that say what went wrong, without its boilerplate. */
function summarise(out) {
  const hint = HINTS.find(([re]) => re.test(out));
  if (hint) return hint[1];
  const lines = out.split('\n').map((l) => l.trim()).filter(Boolean);
  const compiler = lines.filter((l) => /\berror\b/i.test(l) && !l.startsWith('gyp')).slice(0, 2);
  const boiler = /gyp ERR! (System|command|cwd|node -v|node-gyp -v|not ok|stack {4}at|stack$)|^gyp ERR! stack\s+at /;
  const gyp = lines.filter((l) => l.startsWith('gyp ERR!') && !boiler.test(l)).slice(0, 3).map((l) => l.replace(/^gyp ERR! (stack )?/, ''));
  return [...compiler, ...gyp].join(' | ').slice(0, 600) || lines.slice(-3).join(' | ');
}

function main() {
  if (process.env.REPKIT_KERNELS_SKIP_NATIVE) return record(false, 'skipped: REPKIT_KERNELS_SKIP_NATIVE is set');
  const gyp = findNodeGyp();
  if (!gyp) return record(false, 'node-gyp not found (it ships with npm; run the install through npm)');
  let napiInclude;
  try {
    napiInclude = dirname(createRequire(import.meta.url).resolve('node-addon-api/package.json'));
  } catch {
    return record(false, 'node-addon-api is not installed (a dependency of @repkit/kernels; run npm ci)');
  }
  const r = spawnSync(process.execPath, [gyp, 'rebuild', `--directory=${nativeDir}`], {
    env: { ...process.env, RK_NAPI_INCLUDE: napiInclude },
    encoding: 'utf8',
    stdio: verbose ? 'inherit' : 'pipe',
    timeout: 600_000,
  });
  const out = `${r.stdout ?? ''}\n${r.stderr ?? ''}`;
  if (r.error) return record(false, `node-gyp did not run: ${r.error.message}`, out);
  if (r.status !== 0 || !existsSync(addon)) return record(false, `node-gyp exited with ${r.status ?? r.signal}: ${summarise(out)}`, out);
  return record(true, undefined, out);
}

try {
  main();
} catch (e) {
  record(false, `install step failed unexpectedly: ${e?.message ?? e}`);
}
process.exitCode = 0;
