// The warp of strongAugment against live torch (affine_grid + grid_sample, float64) on random images,
// sizes and parameters — beyond the fixed vectors of augment.test.ts. Skipped, with the reason, without torch.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Philox } from '@repkit/core';
import { kernels } from './index.ts';

const PYTHON = process.env.REPKIT_PYTHON ?? '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('../scripts/warp_torch.py', import.meta.url));
const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
const why = probe.status === 0 ? '' : ` — SKIPPED: ${PYTHON} -c "import torch" failed (${(probe.stderr || probe.error?.message || '').trim().split('\n').at(-1)}); install python3-torch`;

describe.skipIf(Boolean(why))(`warpImages equals torch on random cases${why}`, () => {
  it('within 1e-12 on 200 random images of random sizes, rotations within ±180°, scales and shifts', () => {
    const r = new Philox(2025);
    const k = kernels();
    for (let t = 0; t < 8; t++) {
      const n = 25, h = t < 4 ? 8 : r.integer(2, 16), w = t < 4 ? 8 : r.integer(2, 16);
      const images = Float32Array.from(r.uniforms(n * h * w));
      const params = Array.from({ length: n }, () => [r.uniform() * 360 - 180, 0.5 + r.uniform(), r.uniform() * 4 - 2, r.uniform() * 4 - 2]);
      const py = spawnSync(PYTHON, [SCRIPT], { input: JSON.stringify({ h, w, images: Array.from(images), params }), encoding: 'utf8', timeout: 120_000 });
      expect(py.status, py.stderr).toBe(0);
      const want = (JSON.parse(py.stdout) as { out: number[] }).out;
      const got = k.warpImages(images, n, h, w, Float64Array.from(params.flat()));
      let worst = 0;
      for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
      expect(worst, `${h}×${w}`).toBeLessThan(1e-12);
    }
  });
});

if (why) it.skip(`torch comparison skipped${why}`, () => {});
