// A save interrupted at any point leaves the previous save readable; a finished save leaves one generation.
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as fs from 'node:fs';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The module under test sees this mock of node:fs, whose renameSync can be made to fail.
const failing = vi.hoisted(() => ({ rename: false }));
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof fs>();
  return {
    ...real,
    renameSync: (a: fs.PathLike, b: fs.PathLike) => {
      if (failing.rename) throw new Error('simulated crash before the index switch');
      real.renameSync(a, b);
    },
  };
});
const { readAtomicFolder, writeAtomicFolder } = await import('./atomic-folder.ts');

const read = (dir: string): { meta: Record<string, unknown>; data: string } => {
  const r = readAtomicFolder(dir, 'index.json')!;
  return { meta: r.meta, data: readFileSync(join(r.folder, 'data.bin'), 'utf8') };
};

afterEach(() => {
  failing.rename = false;
});

describe('atomic folder', () => {
  it('keeps one generation and the index after each save', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'atomic-')), 'run');
    expect(readAtomicFolder(dir, 'index.json')).toBeUndefined();
    writeAtomicFolder(dir, 'index.json', { step: 1 }, { 'data.bin': 'one' });
    writeAtomicFolder(dir, 'index.json', { step: 2 }, { 'data.bin': 'two' });
    expect(read(dir)).toMatchObject({ meta: { step: 2 }, data: 'two' });
    const entries = readdirSync(dir).sort();
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatch(/^g-/);
    expect(entries[1]).toBe('index.json');
  });

  it('a save that fails before its index switch leaves the previous save as it was, and no debris', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'atomic-')), 'run');
    writeAtomicFolder(dir, 'index.json', { step: 1 }, { 'data.bin': 'one' });
    const before = readdirSync(dir).sort();
    failing.rename = true;
    expect(() => writeAtomicFolder(dir, 'index.json', { step: 2 }, { 'data.bin': 'two' })).toThrow(/simulated crash/);
    failing.rename = false;
    expect(read(dir)).toMatchObject({ meta: { step: 1 }, data: 'one' });
    expect(readdirSync(dir).sort()).toEqual(before);
  });

  it('a generation left by a killed process is ignored by readers and removed by the next save', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'atomic-')), 'run');
    writeAtomicFolder(dir, 'index.json', { step: 1 }, { 'data.bin': 'one' });
    fs.mkdirSync(join(dir, 'g-zz-999-0'));
    writeFileSync(join(dir, 'g-zz-999-0', 'data.bin'), 'half');
    expect(read(dir).data).toBe('one');
    writeAtomicFolder(dir, 'index.json', { step: 2 }, { 'data.bin': 'two' });
    expect(readdirSync(dir).filter((e) => e.startsWith('g-'))).toHaveLength(1);
    expect(read(dir).data).toBe('two');
  });

  it('reads a folder saved before generations (files beside the index) and replaces its files on the next save', () => {
    const dir = mkdtempSync(join(tmpdir(), 'atomic-'));
    writeFileSync(join(dir, 'index.json'), JSON.stringify({ step: 0 }));
    writeFileSync(join(dir, 'data.bin'), 'old');
    writeFileSync(join(dir, 'E.f32'), 'old tensor');
    writeFileSync(join(dir, 'notes.txt'), 'the user’s');
    expect(read(dir)).toMatchObject({ meta: { step: 0 }, data: 'old' });
    writeAtomicFolder(dir, 'index.json', { step: 1 }, { 'data.bin': 'new' });
    expect(read(dir).data).toBe('new');
    expect(readdirSync(dir)).not.toContain('E.f32');
    expect(readdirSync(dir)).toContain('notes.txt');
  });

  it('names the file when an index is not JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'atomic-'));
    writeFileSync(join(dir, 'index.json'), 'not json');
    expect(() => readAtomicFolder(dir, 'index.json')).toThrow(/index\.json: not valid JSON/);
    expect(() => writeAtomicFolder(dir, 'index.json', {}, {})).toThrow(/not valid JSON/);
  });
});
