import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTriples, relationStats } from './triples.ts';

describe('readTriples', () => {
  it('reads the shipped datasets with PyKEEN sizes and sorted-label ids', () => {
    const sizes = { nations: [14, 55, 1592, 199, 201], kinships: [104, 25, 8544, 1068, 1074], umls: [135, 46, 5216, 652, 661] };
    for (const [name, want] of Object.entries(sizes)) {
      const d = readTriples(name);
      expect([d.entities.size, d.relations.size, d.train.count, d.valid.count, d.test.count]).toEqual(want);
      expect([...d.entities.labels]).toEqual([...d.entities.labels].sort());
    }
    const u = readTriples('umls');
    expect(u.entities.label(u.train.ids[0]!)).toBe('acquired_abnormality');
    expect(u.relations.label(u.train.ids[1]!)).toBe('location_of');
  });

  it('computes tph and hpt per relation', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kg-'));
    writeFileSync(join(dir, 'train.txt'), 'a\tr\tb\na\tr\tc\nd\tr\tb\n');
    for (const s of ['valid', 'test']) writeFileSync(join(dir, `${s}.txt`), 'a\tr\tb\n');
    const d = readTriples(dir);
    const { tph, hpt } = relationStats(d.train, d.relations.size);
    expect([tph[0], hpt[0]]).toEqual([1.5, 1.5]);
  });

  it('names the file and line of a malformed row, an empty split and a missing path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kg-'));
    writeFileSync(join(dir, 'train.txt'), 'a\tr\tb\na r b\n');
    writeFileSync(join(dir, 'valid.txt'), 'a\tr\tb\n');
    writeFileSync(join(dir, 'test.txt'), '\n');
    expect(() => readTriples(dir)).toThrow(/train\.txt:2: expected head<TAB>relation<TAB>tail/);
    writeFileSync(join(dir, 'train.txt'), 'a\tr\tb\n');
    expect(() => readTriples(dir)).toThrow(/test\.txt holds no triples/);
    expect(() => readTriples('/no/such/dir')).toThrow(/dataset '\/no\/such\/dir' not found/);
    expect(() => readTriples('umls').entities.id('nope', 'entity')).toThrow(/unknown entity 'nope'/);
  });
});
