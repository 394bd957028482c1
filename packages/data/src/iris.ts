// Fisher's iris (150 × 4, 3 classes) as scikit-learn ships it, and the numeric-CSV reader it is read
// with, which also reads user tables (numeric columns, optionally a class label in the last column).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tensor } from '@repkit/core';
import { datasetPath } from './paths.ts';

export interface NumericTable {
  /** float64 [rows, features]. */
  X: Tensor;
  /** int32 [rows] from the last column, when asked for (−1 may mark an unlabelled row). */
  y?: Tensor;
  /** The skipped first line's fields, when the file starts with a non-numeric header. */
  header?: string[];
}

export interface CsvOptions {
  /** 'last': the last column holds integer class labels; 'none' (default): every column is a feature. */
  labelColumn?: 'last' | 'none';
}

/**
 * Read a comma-separated numeric table. A first line with any non-numeric field is a header and is
 * skipped; blank lines are ignored; every other field must be a number, and rows must have equal width.
 */
export function readNumericCsv(path: string, { labelColumn = 'none' }: CsvOptions = {}): NumericTable {
  if (labelColumn !== 'last' && labelColumn !== 'none') throw new Error(`labelColumn must be 'last' or 'none', got '${String(labelColumn)}'`);
  const lines = readFileSync(path, 'utf8').split(/\r?\n/);
  const rows: number[][] = [];
  let header: string[] | undefined, width = -1;
  lines.forEach((line, r) => {
    if (line.trim() === '') return;
    const fields = line.split(',').map((f) => f.trim());
    const values = fields.map((f) => (f === '' ? NaN : Number(f)));
    if (rows.length === 0 && header === undefined && values.some((v) => Number.isNaN(v))) {
      header = fields;
      return;
    }
    const bad = values.findIndex((v) => Number.isNaN(v));
    if (bad >= 0) throw new Error(`${path}:${r + 1}: column ${bad + 1} is '${fields[bad]}', not a number; the table must be numeric (only a first header line may hold text)`);
    if (width >= 0 && values.length !== width) throw new Error(`${path}:${r + 1}: ${values.length} columns, but earlier rows have ${width}`);
    width = values.length;
    rows.push(values);
  });
  if (rows.length === 0) throw new Error(`${path}: no data rows`);
  const d = labelColumn === 'last' ? width - 1 : width;
  if (d < 1) throw new Error(`${path}: ${width} column(s) leave no feature column${labelColumn === 'last' ? ' beside the label' : ''}`);
  const X = new Float64Array(rows.length * d);
  rows.forEach((v, i) => X.set(v.slice(0, d), i * d));
  const out: NumericTable = { X: new Tensor('float64', [rows.length, d], X), ...(header ? { header } : {}) };
  if (labelColumn === 'last') {
    const y = Int32Array.from(rows, (v, i) => {
      const c = v[d]!;
      if (!Number.isInteger(c) || c < -1) throw new Error(`${path}: row ${i + 1} has label ${c}; labels must be integers ≥ 0 (or −1 for unlabelled)`);
      return c;
    });
    out.y = new Tensor('int32', [rows.length], y);
  }
  return out;
}

export interface Iris {
  /** float64 [150, 4]: sepal length, sepal width, petal length, petal width (cm). */
  X: Tensor;
  /** int32 [150]: 0 setosa, 1 versicolor, 2 virginica. */
  y: Tensor;
  classNames: string[];
}

export function loadIris(dir = datasetPath('iris')): Iris {
  const file = join(dir, 'iris.csv');
  const t = readNumericCsv(file, { labelColumn: 'last' });
  if (t.X.shape[0] !== 150 || t.X.shape[1] !== 4) throw new Error(`${file}: expected 150 rows of 4 features and a class, got [${t.X.shape.join(', ')}]`);
  return { X: t.X, y: t.y!, classNames: t.header?.slice(2) ?? ['setosa', 'versicolor', 'virginica'] };
}
