// How `npm run bench -- edge` times a pair of engines, in Node and in the page alike: a warm-up, then the
// engines alternating run by run (stats.ts interleave, one query per turn, order rotating), the median of
// each engine's single-query times and their quartiles. A single query is short enough that other
// processes on a shared machine seldom land inside it, so the median stays near the quiet-machine time.
import { interleave, median, type Engine } from './stats.ts';

export interface Row {
  query: string;
  detail: string;
  engine: string;
  label: string;
  /** Median µs per query, and the quartiles. */
  us: number;
  p25: number;
  p75: number;
  runs: number;
}

/** Alternate the engines for at least `warmMs` each, so both run warm code before any timing. */
async function warm(engines: readonly Engine[], warmMs: number): Promise<void> {
  const spent = engines.map(() => 0);
  while (spent.some((t) => t < warmMs)) {
    for (let k = 0; k < engines.length; k++) spent[k]! += (await engines[k]!.time(5)) * 5;
  }
}

/** One query's engines: medians of `rounds` single queries each, run in alternation. */
export async function measure(query: string, detail: string, engines: readonly Engine[], rounds: number): Promise<Row[]> {
  await warm(engines, 250);
  const runs = await interleave(engines, rounds, 1);
  return engines.map((e) => {
    const ms = [...runs.get(e.name)!].sort((a, b) => a - b), at = (f: number): number => ms[Math.round(f * (ms.length - 1))]! * 1000;
    return { query, detail, engine: e.name, label: e.label, us: median(ms) * 1000, p25: at(0.25), p75: at(0.75), runs: ms.length };
  });
}
