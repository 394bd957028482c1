// Builds wasm/kernels.wasm from native/src (the addon's sources) with clang + lld, and writes its
// sha256 to kernels.wasm.sha256. `node wasm/build.mjs --out FILE` builds elsewhere (the test compares).
// The committed module was built with CLANG below; another clang may emit other (still valid) bytes.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLANG = 'clang version 14.0.6';
export const SOURCES = ['philox.cpp', 'scoring.cpp', 'sampling.cpp', 'ranking.cpp', 'csr.cpp', 'linalg.cpp', 'eigen.cpp', 'augment.cpp'];
export const FLAGS = [
  '--target=wasm32', '-msimd128', '-O3', '-std=c++17', '-ffreestanding', '-nostdlib', '-fno-exceptions', '-fno-rtti',
  '-ffp-contract=off', '-fvisibility=hidden',
  '-Wl,--no-entry', '-Wl,--export-dynamic', '-Wl,--export=__heap_base', '-Wl,--strip-all', '-Wl,-z,stack-size=65536',
];

const root = dirname(dirname(fileURLToPath(import.meta.url)));

/** The compiler's version line, or null when there is no clang on PATH (or $CLANG). */
export function clangVersion(clang = process.env.CLANG ?? 'clang') {
  try {
    return execFileSync(clang, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n')[0];
  } catch {
    return null;
  }
}

/** Compile and link into `out` (written via a temporary name); returns the module's sha256. */
export function build(out = join(root, 'wasm', 'kernels.wasm'), clang = process.env.CLANG ?? 'clang') {
  const tmp = mkdtempSync(join(tmpdir(), 'repkit-wasm-'));
  try {
    const file = join(tmp, 'kernels.wasm');
    // Relative source paths from the repo root keep the output independent of where the tree lives.
    const srcs = SOURCES.map((s) => relative(root, join(root, 'native', 'src', s)));
    execFileSync(clang, [...FLAGS, '-o', file, ...srcs], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
    const bytes = readFileSync(file);
    const imports = WebAssembly.Module.imports(new WebAssembly.Module(bytes));
    if (imports.length > 0) throw new Error(`wasm/build.mjs: the module must import nothing, but imports ${imports.map((i) => `${i.module}.${i.name}`).join(', ')}`);
    writeFileSync(`${out}.tmp`, bytes);
    renameSync(`${out}.tmp`, out);
    return createHash('sha256').update(bytes).digest('hex');
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--out');
  const version = clangVersion();
  if (!version) {
    console.error('wasm/build.mjs: no clang on PATH; install clang-14 and lld (apt-get install clang-14 lld-14) or set CLANG');
    process.exit(1);
  }
  if (!version.includes(CLANG)) console.warn(`wasm/build.mjs: ${version} is not ${CLANG}, which built the committed module; bytes may differ`);
  if (at > 0) {
    console.log(`${build(process.argv[at + 1])}  ${process.argv[at + 1]}`);
  } else {
    const sha = build();
    writeFileSync(join(root, 'wasm', 'kernels.wasm.sha256'), `${sha}  kernels.wasm\n`);
    console.log(`wasm/kernels.wasm ${sha} (${version})`);
  }
}
