// The matrix a person reads: case × backend → max relative error and pass/fail.
import type { Row } from './runner.ts';

export function formatMatrix(rows: readonly Row[]): string {
  const backends = [...new Set(rows.map((r) => r.backend))];
  const keys = [...new Set(rows.map((r) => `${r.case} ${r.check}`))];
  const width = Math.max(...keys.map((k) => k.length), 10);
  const cell = (r: Row | undefined): string => {
    if (!r) return '-'.padEnd(22);
    const e = r.error ? 'error' : r.agreement !== undefined && r.maxRelErr === 0 ? `agree ${(r.agreement * 100).toFixed(0)}%` : r.maxRelErr.toExponential(1);
    return `${r.pass ? 'ok  ' : 'FAIL'} ${e} (≤${r.tol.toExponential(0)})`.padEnd(22);
  };
  const lines = [`${'case check'.padEnd(width)}  ${backends.map((b) => b.padEnd(22)).join(' ')}`];
  for (const k of keys) {
    lines.push(`${k.padEnd(width)}  ${backends.map((b) => cell(rows.find((r) => `${r.case} ${r.check}` === k && r.backend === b))).join(' ')}`);
  }
  const failed = rows.filter((r) => !r.pass);
  for (const r of failed) if (r.error) lines.push(`  ${r.case} ${r.check} on ${r.backend}: ${r.error}`);
  lines.push(`${rows.length - failed.length} of ${rows.length} rows pass`);
  return lines.join('\n');
}
