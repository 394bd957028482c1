// Triton repositories: every config.pbtxt written is parsed back and checked against its ONNX file
// (names, types, dims, batching); `repkit kge export --triton` writes one; the pbtxt reader itself.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Command } from 'commander';
import { mul, sum, trace } from '@repkit/core';
import { exportOnnx, inspectModel, type ValueSummary } from '@repkit/onnx';
import { kgeCommand } from '../../cli/src/commands/kge.ts';
import { toyExport, umlsExport } from './fixture.ts';
import { field, parsePbtxt, type PbMessage } from './pbtxt.ts';
import { createServer } from './server.ts';
import { writeTritonRepo } from './triton.ts';

const work = mkdtempSync(join(tmpdir(), 'repkit-triton-'));
const repo = join(work, 'repo'), exports = join(work, 'exports');

beforeAll(async () => {
  const umls = await umlsExport(exports, work);
  await toyExport(exports);
  // Fixed shapes and a scalar output: no batch dim.
  writeFileSync(join(exports, 'fixed.onnx'), exportOnnx(trace('fixed', (b) => {
    const x = b.data('x', 'float32', [2, 3]);
    return { y: mul(x, 3), total: sum(x) };
  })));
  // A dynamic first dim that the output does not keep: not batchable.
  writeFileSync(join(exports, 'reduce.onnx'), exportOnnx(trace('reduce', (b) => ({ s: sum(b.data('x', 'float32', ['n', 4])) }))));
  for (const f of readdirSync(exports).filter((n) => n.endsWith('.onnx'))) {
    await writeTritonRepo(repo, f.slice(0, -5), new Uint8Array(readFileSync(join(exports, f))));
  }
  // The CLI flag writes the same layout next to the .onnx it exports.
  const program = new Command('repkit').exitOverride();
  kgeCommand(program);
  await program.parseAsync(['kge', 'export', '--model', join(work, 'umls-trained'), '--out', join(work, 'cli-umls.onnx'), '--triton', repo], { from: 'user' });
  expect(readFileSync(join(repo, 'cli-umls', '1', 'model.onnx'))).toEqual(readFileSync(umls));
}, 120_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

const TYPES: Record<string, string> = { float32: 'TYPE_FP32', float64: 'TYPE_FP64', int32: 'TYPE_INT32', int64: 'TYPE_INT64', bool: 'TYPE_BOOL' };

/** The full shape a config entry declares: the batch dim (-1) first when max_batch_size > 0, reshape applied. */
function declared(entry: PbMessage, maxBatch: number): number[] {
  const reshape = field<PbMessage>(entry, 'reshape');
  const dims = (reshape ? reshape['shape'] ?? [] : entry['dims'] ?? []) as number[];
  return maxBatch > 0 ? [-1, ...dims] : dims;
}

function check(entries: PbValueList, values: ValueSummary[], maxBatch: number): void {
  expect(entries.map((e) => field<string>(e, 'name'))).toEqual(values.map((v) => v.name));
  entries.forEach((e, k) => {
    const v = values[k]!;
    expect(field(e, 'data_type'), v.name).toBe(TYPES[v.dtype]);
    expect(declared(e, maxBatch), v.name).toEqual(v.shape.map((d) => (typeof d === 'number' ? d : -1)));
    expect((e['dims'] ?? []).length, `${v.name}: Triton needs at least one dim`).toBeGreaterThan(0);
  });
}
type PbValueList = PbMessage[];

describe('writeTritonRepo', () => {
  it('writes configs that match their ONNX files, for every model in the repository', () => {
    const names = readdirSync(repo);
    expect(names.sort()).toEqual(['cli-umls', 'fixed', 'reduce', 'toy', 'umls']); // no temporary folders left
    for (const name of names) {
      const cfg = parsePbtxt(readFileSync(join(repo, name, 'config.pbtxt'), 'utf8'));
      const onnx = inspectModel(new Uint8Array(readFileSync(join(repo, name, '1', 'model.onnx'))));
      expect(field(cfg, 'name')).toBe(name);
      expect(field(cfg, 'platform')).toBe('onnxruntime_onnx');
      const maxBatch = field<number>(cfg, 'max_batch_size')!;
      check(cfg['input'] as PbMessage[], onnx.inputs, maxBatch);
      check(cfg['output'] as PbMessage[], onnx.outputs, maxBatch);
      // dynamic_batching exactly where requests can be merged along the batch dim.
      expect(Boolean(cfg['dynamic_batching']), name).toBe(maxBatch > 0);
      expect((cfg['instance_group'] as PbMessage[]).map((g) => field(g, 'kind'))).toEqual(['KIND_GPU']);
    }
  });

  it('batches the KGE scorer along q and leaves the others unbatched', () => {
    const batch = (name: string) => field<number>(parsePbtxt(readFileSync(join(repo, name, 'config.pbtxt'), 'utf8')), 'max_batch_size');
    expect([batch('umls'), batch('toy'), batch('fixed'), batch('reduce')]).toEqual([64, 64, 0, 0]);
    const umls = readFileSync(join(repo, 'umls', 'config.pbtxt'), 'utf8');
    expect(umls).toContain('  {\n    name: "h"\n    data_type: TYPE_INT32\n    dims: [ 1 ]\n    reshape: { shape: [ ] }\n  }');
    expect(umls).toContain('  {\n    name: "tails"\n    data_type: TYPE_FP32\n    dims: [ 135 ]\n  }');
    expect(umls).toContain('dynamic_batching {\n  max_queue_delay_microseconds: 0\n}');
    expect(readFileSync(join(repo, 'reduce', 'config.pbtxt'), 'utf8')).toContain('    dims: [ -1, 4 ]');
  });

  it('replaces an earlier entry atomically and names bad arguments', async () => {
    const bytes = new Uint8Array(readFileSync(join(exports, 'toy.onnx')));
    mkdirSync(join(repo, 'toy', '7'), { recursive: true });
    await writeTritonRepo(repo, 'toy', bytes, { maxBatchSize: 0, kind: 'KIND_CPU' });
    expect(readdirSync(join(repo, 'toy')).sort()).toEqual(['1', 'config.pbtxt']);
    const cfg = parsePbtxt(readFileSync(join(repo, 'toy', 'config.pbtxt'), 'utf8'));
    expect([field(cfg, 'max_batch_size'), cfg['dynamic_batching'], field(cfg['instance_group']![0] as PbMessage, 'kind')]).toEqual([0, undefined, 'KIND_CPU']);
    await expect(writeTritonRepo(repo, '../x', bytes)).rejects.toThrow(/name must be letters, digits/);
    await expect(writeTritonRepo(repo, 'x', new Uint8Array())).rejects.toThrow(/onnxBytes must be the non-empty bytes/);
    await expect(writeTritonRepo(repo, 'x', bytes, { maxBatchSize: -1 })).rejects.toThrow(/maxBatchSize must be an integer ≥ 0/);
  });

  it('is a models folder the server serves, with batching as its config says', async () => {
    const s = createServer({ modelsDir: repo });
    await s.loaded;
    expect([...s.store.models.values()].map((m) => [m.name, m.status, m.info?.batch?.maxRows ?? 0])).toEqual([
      ['cli-umls', 'ready', 64], ['fixed', 'ready', 0], ['reduce', 'ready', 0], ['toy', 'ready', 0], ['umls', 'ready', 64],
    ]);
    await s.close();
  });
});

describe('parsePbtxt', () => {
  it('reads messages, lists, enums, numbers, strings and comments', () => {
    const m = parsePbtxt(`# comment
name: "a\\"b\\n" max_batch_size: -8 # trailing
f: 1.5e3 g: true e: KIND_CPU
input [ { name: 'x' dims: [ -1, 3 ] reshape: { shape: [ ] } }, { name: "y" } ]
nested < k: 1; > s: "con" "cat"`);
    expect(m).toEqual({
      name: ['a"b\n'], max_batch_size: [-8], f: [1500], g: [true], e: ['KIND_CPU'],
      input: [{ name: ['x'], dims: [-1, 3], reshape: [{ shape: [] }] }, { name: ['y'] }],
      nested: [{ k: [1] }], s: ['concat'],
    });
    expect(() => parsePbtxt('a: { b: 1')).toThrow(/pbtxt: expected a field name at offset 9/);
    expect(() => parsePbtxt('a 1')).toThrow(/expected ':' after field 'a'/);
    expect(() => field(parsePbtxt('a: 1 a: 2'), 'a')).toThrow(/field 'a' appears 2 times/);
  });
});
