// The classical commands through the real binary: cluster, semi, tsne and metric print one JSON object
// on the last line with --json, write plots atomically, and fail with the argument named.
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repkit } from '../run-bin.ts';

const dir = mkdtempSync(join(tmpdir(), 'repkit-classical-'));

async function json(...args: string[]): Promise<Record<string, unknown>> {
  const r = await repkit(...args, '--json');
  expect(r.stderr.split('\n').filter((l) => l.startsWith('repkit:'))).toEqual([]);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
}

describe('repkit cluster | semi | tsne | metric', () => {
  it('cluster kmeans and gmm on iris', async () => {
    const km = await json('cluster', 'kmeans', '--data', 'iris', '--k', '3', '--n-init', '3', '--backend', 'onnxruntime');
    expect(km).toMatchObject({ data: 'iris', backend: 'onnxruntime', k: 3 });
    expect(km.inertia as number).toBeCloseTo(78.85, 1); // scikit-learn: 78.851
    const gm = await json('cluster', 'gmm', '--data', 'iris', '--k', '3', '--covariance-type', 'diag');
    expect(gm).toMatchObject({ covarianceType: 'diag', converged: true });
    expect(gm.ari as number).toBeGreaterThan(0.5);
  });

  it('semi spread on iris and propagate on a CSV whose −1 rows are unlabelled', async () => {
    const s = await json('semi', 'spread', '--data', 'iris', '--labelled', '0.2', '--draw', '1');
    expect(s.accuracyUnlabelled as number).toBeGreaterThan(0.8);
    const csv = join(dir, 'semi.csv');
    writeFileSync(csv, 'x,y,label\n0,0,0\n0.2,0.1,-1\n5,5,1\n5.1,4.9,-1\n');
    const p = await json('semi', 'propagate', '--data', csv, '--label-column', 'last', '--kernel', 'rbf', '--gamma', '1');
    expect(p).toMatchObject({ labelled: 2, method: 'label-propagation' });
  });

  it('tsne writes an SVG and a PNG scatter', async () => {
    const svg = join(dir, 'iris.svg'), png = join(dir, 'iris.png');
    const t = await json('tsne', '--data', 'iris', '--n-iter', '300', '--out', svg, '--out', png);
    expect(t.kl as number).toBeGreaterThan(0);
    expect(t.trustworthiness as number).toBeGreaterThan(0.9);
    expect(readFileSync(svg, 'utf8')).toMatch(/^<svg[^>]*>[\s\S]*t-SNE of iris/);
    expect([...readFileSync(png).subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
    // At the smallest --n-iter no iteration follows the exaggerated stage: no KL was measured (scikit-learn's sentinel is the largest double).
    expect((await json('tsne', '--data', 'iris', '--n-iter', '250', '--trust', '0')).kl).toBeNull();
  });

  it('metric gmml on iris', async () => {
    const m = await json('metric', 'gmml', '--data', 'iris', '--repeats', '2');
    expect(m.knnGmml as number).toBeGreaterThan(0.9);
    expect(m.knnEuclidean as number).toBeGreaterThan(0.9);
  });

  it('fails with the argument named', async () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, '1,2\n3,Infinity\n4,5\n');
    const cases: [string[], RegExp][] = [
      [['cluster', 'kmeans', '--data', 'nope'], /--data must be digits, iris or a path to a \.csv file/],
      [['cluster', 'kmeans', '--data', bad], /X holds Infinity at row 1, column 1/],
      [['cluster', 'kmeans', '--data', 'iris', '--k', '151'], /nClusters = 151 exceeds the 150 samples/],
      [['tsne', '--data', bad.replace('bad', 'missing')], /ENOENT|no such file/],
      [['semi', 'spread', '--data', 'iris', '--kernel', 'poly'], /--kernel must be knn or rbf/],
      [['tsne', '--data', 'iris', '--out', join(dir, 'x.jpg')], /--out must name a \.svg or \.png file/],
      [['tsne', '--data', 'iris', '--out', '/proc/repkit-nope/x.svg'], /--out: cannot create folder \/proc\/repkit-nope/],
      [['semi', 'propagate', '--data', 'iris', '--alpha', '0.5'], /--alpha applies to spread only, not propagate/],
      [['semi', 'spread', '--data', 'iris', '--labelled', '1'], /--labelled 1 hides no label, so no accuracy can be measured; pass a share below 1/],
      [['conformance', '--filter', 'relu', '--json', dir], /--json: .* is a folder; pass a file name/],
    ];
    for (const [args, re] of cases) {
      const r = await repkit(...args);
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.stderr, args.join(' ')).toMatch(re);
    }
    writeFileSync(bad, '1,2\n3,4\n4,5\n5,6\n');
    expect((await repkit('tsne', '--data', bad, '--perplexity', '30')).stderr).toMatch(/perplexity = 30 must be less than the number of samples \(4\)/);
  });
});
