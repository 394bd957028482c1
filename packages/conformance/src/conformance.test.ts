// The conformance suite itself: every case passes on every backend, and every exported graph
// passes Debian's ONNX checker (skipped with the reason where python3-onnx is absent).
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '@repkit/backend-onnxruntime';
import '@repkit/backend-wasm';
import { listOps } from '@repkit/core';
import { allCases } from './cases/index.ts';
import { runConformance, type Row } from './runner.ts';
import { formatMatrix } from './report.ts';

const PY = '/usr/bin/python3';
const hasOnnx = spawnSync(PY, ['-c', 'import onnx'], { encoding: 'utf8' }).status === 0;
const onnxDir = mkdtempSync(join(tmpdir(), 'repkit-conformance-'));
let rows: Row[] = [];

describe('conformance on reference, onnxruntime (cpu) and wasm', () => {
  it('covers every primitive', () => {
    for (const o of listOps()) {
      expect(allCases.some((c) => c.name.toLowerCase().startsWith(o.name.toLowerCase())), o.name).toBe(true);
    }
  });

  it('every row passes', async () => {
    rows = await runConformance({ backends: ['reference', 'onnxruntime', 'wasm'], onnxDir });
    const failed = rows.filter((r) => !r.pass);
    if (failed.length) console.log(formatMatrix(rows));
    expect(failed.map((r) => `${r.case} ${r.check} ${r.backend}: ${r.error ?? r.maxRelErr}`)).toEqual([]);
    expect(rows.length).toBeGreaterThanOrEqual(allCases.length * 3);
  }, 300_000);

  describe.skipIf(!hasOnnx)(`onnx.checker full_check on every exported case${hasOnnx ? '' : ' (skipped: needs python3-onnx: apt-get install python3-onnx)'}`, () => {
    it('accepts every file', () => {
      const files = readdirSync(onnxDir).filter((f) => f.endsWith('.onnx'));
      expect(files.length).toBeGreaterThan(40);
      const script = [
        'import onnx, sys, os',
        'bad = []',
        'for f in sorted(os.listdir(sys.argv[1])):',
        '    m = onnx.load(os.path.join(sys.argv[1], f))',
        '    try: onnx.checker.check_model(m, full_check=True)',
        '    except Exception as e: bad.append(f + ": " + str(e).splitlines()[0])',
        '    assert m.ir_version == 8 and m.opset_import[0].version == 17, f',
        'print("\\n".join(bad))',
      ].join('\n');
      const r = spawnSync(PY, ['-c', script, onnxDir], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.stdout.trim()).toBe('');
    });
  });
});
