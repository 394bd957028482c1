import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadIris, readNumericCsv } from './iris.ts';

describe('iris and numeric CSV tables', () => {
  it('loads 150 × 4 iris rows with 3 classes of 50', () => {
    const { X, y, classNames } = loadIris();
    expect(X.shape).toEqual([150, 4]);
    expect(Array.from(X.data.slice(0, 4))).toEqual([5.1, 3.5, 1.4, 0.2]);
    expect([0, 1, 2].map((c) => y.toArray().filter((v) => v === c).length)).toEqual([50, 50, 50]);
    expect(classNames).toEqual(['setosa', 'versicolor', 'virginica']);
  });

  it('reads a user table, with or without a label column, and names bad cells', () => {
    const dir = mkdtempSync(join(tmpdir(), 'csv-'));
    const f = join(dir, 't.csv');
    writeFileSync(f, 'a,b,label\n1,2,0\n\n3,4.5,-1\n');
    const t = readNumericCsv(f, { labelColumn: 'last' });
    expect(t.X.shape).toEqual([2, 2]);
    expect(Array.from(t.y!.data)).toEqual([0, -1]);
    expect(readNumericCsv(f).X.shape).toEqual([2, 3]);
    writeFileSync(f, '1,2\n3,x\n');
    expect(() => readNumericCsv(f)).toThrow(/t\.csv:2: column 2 is 'x', not a number/);
    writeFileSync(f, '1,2\n3\n');
    expect(() => readNumericCsv(f)).toThrow(/t\.csv:2: 1 columns, but earlier rows have 2/);
    writeFileSync(f, '1,2.5\n');
    expect(() => readNumericCsv(f, { labelColumn: 'last' })).toThrow(/label 2\.5; labels must be integers/);
  });
});
