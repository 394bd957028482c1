import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { digitsSplit, loadDigits } from './digits.ts';
import { takeRows } from './rows.ts';

describe('digits', () => {
  it('loads 1797 images scaled to [0, 1] and the seed-0 split', () => {
    const { X, y } = loadDigits();
    expect(X.shape).toEqual([1797, 64]);
    expect(Math.max(...X.toArray())).toBe(1);
    expect(new Set(y.toArray()).size).toBe(10);
    const s = digitsSplit();
    expect([s.pool.length, s.test.length, s.labelled.length, s.unlabelled.length]).toEqual([1000, 797, 50, 950]);
    expect(new Set([...s.pool, ...s.test]).size).toBe(1797);
    expect(takeRows(y, s.labelled).toArray().filter((c) => c === 3)).toHaveLength(5);
  });
  it('names the file and line of a malformed row', () => {
    const dir = mkdtempSync(join(tmpdir(), 'digits-'));
    const good = Array.from({ length: 65 }, (_, i) => (i < 64 ? 3 : 1)).join(',');
    writeFileSync(join(dir, 'digits.csv.gz'), gzipSync(`${good}\n${good}\n1,2,3\n`));
    expect(() => loadDigits(dir)).toThrow(/digits\.csv\.gz:3: expected 64 pixels/);
    expect(() => takeRows(loadDigits().y, [1797])).toThrow(/row 1797 is out of range/);
  });
});
