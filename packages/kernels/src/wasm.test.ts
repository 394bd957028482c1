// The committed wasm module is the build of native/src: its checksum file matches, it imports nothing,
// and rebuilding it with the pinned clang gives the same bytes (skipped, with the reason, without clang 14).
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WASM_MODULE } from './index.ts';
import { CLANG as pinned, rebuildSkipReason } from '../../../wasm/build.mjs';

const wasmDir = fileURLToPath(new URL('../../../wasm/', import.meta.url));
const bytes = readFileSync(WASM_MODULE);
const skip = rebuildSkipReason();

describe('wasm/kernels.wasm', () => {
  it('matches wasm/kernels.wasm.sha256', () => {
    const [sum, file] = readFileSync(join(wasmDir, 'kernels.wasm.sha256'), 'utf8').trim().split(/\s+/);
    expect(file).toBe('kernels.wasm');
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(sum);
  });

  it('imports nothing and exports its memory and every kernel', () => {
    const m = new WebAssembly.Module(bytes);
    expect(WebAssembly.Module.imports(m)).toEqual([]);
    const names = WebAssembly.Module.exports(m).map((e) => e.name).sort();
    expect(names).toEqual(['__heap_base', 'memory', 'rk_cholesky', 'rk_csr', 'rk_eigh', 'rk_filtered_ranks', 'rk_negatives', 'rk_philox_integer',
      'rk_philox_normal', 'rk_philox_u32', 'rk_philox_uniform', 'rk_rotate90', 'rk_sample_neighbors', 'rk_score', 'rk_shift_images',
      'rk_spd_power', 'rk_strong_augment', 'rk_topk', 'rk_warp_images']);
  });

  if (skip) it.skip(`rebuild from native/src skipped: ${skip}`, () => {});
  else {
    it(`rebuilds from native/src to the same bytes (${pinned})`, () => {
      const dir = mkdtempSync(join(tmpdir(), 'repkit-wasm-test-'));
      try {
        execFileSync(process.execPath, [join(wasmDir, 'build.mjs'), '--out', join(dir, 'k.wasm')], { stdio: 'pipe' });
        const again = readFileSync(join(dir, 'k.wasm'));
        expect(again.equals(bytes), 'wasm/kernels.wasm is stale: run `node wasm/build.mjs` and commit both files').toBe(true);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
